"""How long nbgrader takes to grade the course: one student's six lessons, and a class of 30 projected.

    OMP_WAIT_POLICY=PASSIVE LENET_DATA_DIR=... python benchmarks/grading.py [--students 2] [--json]

Builds an nbgrader course with `lenet course init`, releases every lesson, hands in the solutions
for `--students` simulated students, and times `nbgrader autograde` lesson by lesson (the
lessons that train run quick when graded, as in a real grading). The class of 30 is projected
as 30 times the seconds per student: nbgrader grades one notebook after another. Results go to
benchmarks/results/grading-KIND.json (KIND: avx2, avx512, avx512-bf16), stamped with the machine.
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from students import hand_in  # noqa: E402  (the simulated students of the grading tests)

from lenet_helpers.instructor.course import init_course, lessons  # noqa: E402
from lenet_helpers.learning.data import find_data_dir, missing_files  # noqa: E402


def nbgrader(*args: str, cwd: Path, env: dict) -> float:
    """Run one nbgrader command; its wall-clock seconds."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=cwd, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--students", type=int, default=2, help="simulated students handing in the solutions")
    parser.add_argument("--class-size", type=int, default=30, help="the class the time is projected for")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    check_environment()
    data = find_data_dir()
    if missing_files(data):
        print(f"MNIST is not in {data}; set LENET_DATA_DIR")
        return 1
    names = [path.stem for path in lessons(ROOT / "notebooks")]
    with tempfile.TemporaryDirectory() as folder:
        course = Path(folder) / "course"
        env = os.environ | {"HOME": folder, "PYTHONWARNINGS": "ignore"}
        init_course(course, ROOT / "notebooks", ROOT, data)
        per_lesson = {}
        for lesson in names:
            nbgrader("generate_assignment", lesson, cwd=course, env=env)
            for number in range(args.students):
                hand_in(course, f"student{number}", lesson, "solver")
            per_lesson[lesson] = nbgrader("autograde", lesson, cwd=course, env=env) / args.students
    per_student = sum(per_lesson.values())
    report = {
        "students": args.students,
        "seconds_per_lesson": {lesson: round(seconds, 1) for lesson, seconds in per_lesson.items()},
        "seconds_per_student": round(per_student, 1),
        "class_size": args.class_size,
        "class_minutes": round(args.class_size * per_student / 60, 1),
        "threads": os.environ.get("OMP_NUM_THREADS", "default"),
    }
    path = save_results(f"grading-{machine_kind()}.json", report)
    if args.json:
        print(json.dumps(report))
    else:
        print(f"machine: {machine()}")
        for lesson, seconds in report["seconds_per_lesson"].items():
            print(f"  {lesson:<22} {seconds:6.1f} s")
        print(f"one student's six lessons: {per_student:.0f} s; a class of {args.class_size}: "
              f"{report['class_minutes']:.0f} min (results: {path})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
