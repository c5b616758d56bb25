"""A class on one server: 1, 2, 4 and 8 students training lesson 03's model at once, with and without sized threads.

    OMP_WAIT_POLICY=PASSIVE LENET_DATA_DIR=... python benchmarks/class_load.py [--epochs 5] [--students 1 2 4 8]

Each simulated student is a `lenet train --epochs 5` process (lesson 03's training: five epochs,
start included), all started together. "sized": each gets CPU_LIMIT = cores / students, as a
JupyterHub with that cpu_limit gives it, and PyTorch's threads follow (`size_threads`); "not sized":
no limit, every process takes a thread per core, as a kernel did before. The fair share of N
students is N times one student's time alone on the whole machine. Results go to
benchmarks/results/class_load-KIND.json, stamped with the machine, with the projection of how
many students per core can each train lesson 03's model within 5 minutes.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import check_environment, machine, machine_kind, save_results

from lenet_helpers.learning.data import find_data_dir, missing_files

FIVE_MINUTES = 300.0


def run_class(students: int, sized: bool, epochs: int, data: Path, cores: int) -> list[float]:
    """Start `students` trainings at once; each one's wall-clock seconds."""
    with tempfile.TemporaryDirectory() as folder:
        env = os.environ | {"LENET_DATA_DIR": str(data), "HOME": folder}
        env.pop("CPU_LIMIT", None)
        if sized:
            env["CPU_LIMIT"] = f"{cores / students:g}"
        command = [sys.executable, "-m", "lenet_helpers.cli", "train", "--epochs", str(epochs), "--quiet",
                   "--device", "cpu"]
        starts, processes = [], []
        for number in range(students):
            starts.append(time.perf_counter())
            processes.append(subprocess.Popen([*command, "--out", f"{folder}/student{number}.pt"], env=env,
                                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
        seconds = [0.0] * students
        pending = set(range(students))
        while pending:
            for number in list(pending):
                if processes[number].poll() is not None:
                    seconds[number] = time.perf_counter() - starts[number]
                    pending.discard(number)
                    if processes[number].returncode != 0:
                        raise RuntimeError(processes[number].stderr.read().decode()[-2000:])
            time.sleep(0.05)
    return seconds


def students_per_core(rows: list[dict], cores: int) -> float:
    """Students per core whose training ends within 5 minutes, from the sized rows (time grows with the share)."""
    sized = sorted((row["students"] / cores, row["slowest_seconds"]) for row in rows if row["sized"])
    (x0, y0), (x1, y1) = sized[-2], sized[-1]  # the two largest classes measured: past them, the time grows linearly
    slope = (y1 - y0) / (x1 - x0)
    return round(x1 + (FIVE_MINUTES - y1) / slope, 1) if slope > 0 else float("inf")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=5, help="each student's training (lesson 03: 5)")
    parser.add_argument("--students", type=int, nargs="+", default=[1, 2, 4, 8])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    check_environment()
    data = find_data_dir()
    if missing_files(data):
        print(f"MNIST is not in {data}; set LENET_DATA_DIR")
        return 1
    cores = len(os.sched_getaffinity(0))
    alone = None
    rows = []
    for students in args.students:
        for sized in (False, True):
            if students == 1 and sized:
                continue  # one student's share is the whole machine: the same run
            seconds = run_class(students, sized, args.epochs, data, cores)
            alone = alone if alone is not None else max(seconds)
            fair = students * alone
            rows.append({"students": students, "sized": sized, "cores": cores,
                         "threads_per_student": max(1, -(-cores // students)) if sized else cores,
                         "seconds_per_student": round(sum(seconds) / students, 1),
                         "slowest_seconds": round(max(seconds), 1), "fair_share_seconds": round(fair, 1),
                         "slowest_over_fair_share": round(max(seconds) / fair, 2)})
            if students == 1:
                rows.append(rows[-1] | {"sized": True})
            row = rows[-1]
            print(f"{students} student(s), {'sized' if sized else 'not sized'}: {row['seconds_per_student']} s each, "
                  f"slowest {row['slowest_seconds']} s, {row['slowest_over_fair_share']}x the fair share",
                  file=sys.stderr)
    report = {"epochs": args.epochs, "alone_seconds": round(alone, 1), "rows": rows,
              "students_per_core_within_5_minutes": students_per_core(rows, cores)}
    path = save_results(f"class_load-{machine_kind()}.json", report)
    if args.json:
        print(json.dumps(report))
    else:
        print(f"machine: {machine()}")
        print(f"{'students':>8} {'sized':>6} {'s/student':>10} {'slowest':>8} {'fair share':>11} {'ratio':>6}")
        for row in rows:
            print(f"{row['students']:>8} {str(row['sized']):>6} {row['seconds_per_student']:>10} "
                  f"{row['slowest_seconds']:>8} {row['fair_share_seconds']:>11} {row['slowest_over_fair_share']:>6}")
        print(f"students per core that each train lesson 03's model within 5 minutes: "
              f"{report['students_per_core_within_5_minutes']} (results: {path})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
