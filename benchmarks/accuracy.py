"""How far the same ~62k-parameter LeNet-5 goes: architecture, schedule, augmentation, 3 seeds.

    OMP_WAIT_POLICY=PASSIVE python benchmarks/accuracy.py [--data-dir D] [--epochs 30] [--precision P] [--out FILE]

Every variant trains on the same 55,000 images with the same number of epochs (the 5-epoch
default aside); the best recipe (modern network, one-cycle schedule, augmentation) runs with
three seeds: `lenet train --augment --epochs 30 --warmup 0.25 --precision float32 --seed S`.
The schedule rows change one thing at a time: constant 1e-3, constant 1e-2 (the one-cycle
peak), one-cycle. Each run records its best validation accuracy (the figure to choose a recipe
by) beside its test accuracy (the figure to report). Prints a table and writes
benchmarks/results/accuracy.json, which lesson 06 reads. The comparison runs in float32 unless
--precision says otherwise, so that it reads the same on every CPU.
Target on 2 CPU cores: >= 99.45 % mean test accuracy in <= 3 minutes per seed.
"""

import argparse
import json
import statistics
import time
from pathlib import Path

from common import check_environment, machine

from lenet_helpers.learning.data import find_data_dir
from lenet_helpers.learning.device import get_device
from lenet_helpers.learning.training import TrainConfig, train_model

BEST = "modern, one-cycle, augmentation"


# Long runs warm up for a quarter of the steps: measured with augmentation over 40 epochs, a 10 %
# warm-up (the 5-epoch default's) reached only 99.28-99.31 %.
LONG = {"warmup": 0.25}


def variants(epochs: int) -> list[tuple[str, dict, int]]:
    """(name, config overrides, seeds) of every run in the comparison."""
    classic = {"architecture": "lenet5-classic"}
    return [
        ("modern, one-cycle, 5 epochs (default)", {"epochs": 5}, 1),
        ("classic 1998, constant lr", {**classic, "schedule": "constant", "lr": 1e-3, "epochs": epochs}, 1),
        ("classic 1998, one-cycle", {**classic, **LONG, "epochs": epochs}, 1),
        ("classic 1998, one-cycle, augmentation", {**classic, **LONG, "augment": True, "epochs": epochs}, 1),
        ("modern, constant lr 1e-3", {"schedule": "constant", "lr": 1e-3, "epochs": epochs}, 1),
        ("modern, constant lr 1e-2", {"schedule": "constant", "lr": 1e-2, "epochs": epochs}, 1),
        ("modern, one-cycle", {**LONG, "epochs": epochs}, 1),
        (BEST, {**LONG, "augment": True, "epochs": epochs}, 3),
    ]


def run(name: str, overrides: dict, seeds: int, data_dir: Path, device) -> dict:
    scores, validation, seconds = [], [], []
    for seed in range(seeds):
        config = TrainConfig(**{**overrides, "seed": seed})
        start = time.perf_counter()
        result = train_model(config, data_dir, device, progress=False)
        seconds.append(time.perf_counter() - start)
        scores.append(result.test_acc)
        validation.append(result.history.best_val_acc)
        print(f"  {name}, seed {seed}: validation {validation[-1]:.2%}, test {result.test_acc:.2%} "
              f"in {seconds[-1]:.0f} s", flush=True)
    return {
        "name": name,
        "config": TrainConfig(**overrides).__dict__ | {"seed": list(range(seeds))},
        "seeds": seeds,
        "val_acc": statistics.mean(validation),
        "val_acc_per_seed": validation,
        "test_acc": statistics.mean(scores),
        "test_acc_std": statistics.stdev(scores) if seeds > 1 else 0.0,
        "test_acc_per_seed": scores,
        "seconds": statistics.mean(seconds),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--only-best", action="store_true", help="run the best recipe only")
    parser.add_argument("--precision", default="float32", choices=["auto", "float32", "bfloat16"])
    parser.add_argument("--out", default=str(Path(__file__).parent / "results" / "accuracy.json"))
    args = parser.parse_args()
    check_environment()
    data_dir, device = find_data_dir(args.data_dir), get_device()
    chosen = [v for v in variants(args.epochs) if not args.only_best or v[0] == BEST]
    runs = [run(name, {**overrides, "precision": args.precision}, seeds, data_dir, device)
            for name, overrides, seeds in chosen]
    print(f"\n{'run':<42} {'validation':>10} {'test accuracy':>16} {'seconds':>8}   on {machine()}")
    for r in runs:
        spread = f"± {100 * r['test_acc_std']:.2f}" if r["seeds"] > 1 else ""
        print(f"{r['name']:<42} {100 * r['val_acc']:8.2f} % {100 * r['test_acc']:7.2f} % {spread:<7} "
              f"{r['seconds']:8.0f}")
    best = next(r for r in runs if r["name"] == BEST)
    verdict = best["test_acc"] >= 0.9945 and best["seconds"] <= 180
    print(f"\ntarget >= 99.45 % mean in <= 180 s per seed: {'met' if verdict else 'NOT met'} "
          f"({100 * best['test_acc']:.2f} %, {best['seconds']:.0f} s)")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps({"machine": machine(), "epochs": args.epochs, "runs": runs}, indent=1) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
