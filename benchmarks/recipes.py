"""Recipe variants side by side: test accuracy after every epoch and seconds per epoch, over seeds.

    OMP_WAIT_POLICY=PASSIVE python benchmarks/recipes.py [--seeds 0 1 2] [--variants default,...] [--json]

Every variant is `TrainConfig()` with one change, trained here the same way (float32, in-memory
tensors, channels_last), so the rows compare as ratios in one run. Accuracies repeat exactly on
the same machine. Seconds do not, on a shared machine: the seconds per epoch are timed apart,
one epoch of each variant in turn, three rounds, and the median kept, so that a busy moment
hits every variant alike. Ends with a profile of the default's training step (where the time
goes). Results, stamped with the machine, go to benchmarks/results/recipes-KIND.json.
"""

import argparse
import json
import statistics
import time
from dataclasses import replace

import torch
from common import check_environment, machine, machine_kind, save_results
from torch import nn

from lenet_helpers.learning.data import ensure_mnist, find_data_dir, load_splits
from lenet_helpers.learning.device import set_seed
from lenet_helpers.learning.model import LeNet5
from lenet_helpers.learning.training import TrainConfig, evaluate, make_optimizer, train_one_epoch

CPU = torch.device("cpu")
DEFAULT = TrainConfig(precision="float32")
VARIANTS = {  # name: (the config, whether the optimiser is fused, whether ReLU comes after pooling)
    "default": (DEFAULT, True, False),
    "no label smoothing": (replace(DEFAULT, label_smoothing=0.0), True, False),
    "AdamW not fused": (DEFAULT, False, False),
    "ReLU after pooling (the same function)": (DEFAULT, True, True),
    "4 epochs": (replace(DEFAULT, epochs=4), True, False),
    "3 epochs": (replace(DEFAULT, epochs=3), True, False),
    "batch 128": (replace(DEFAULT, batch_size=128), True, False),
    "peak lr 0.015": (replace(DEFAULT, lr=0.015), True, False),
}


def train(data_dir, config: TrainConfig, fused: bool, pool_first: bool) -> list[float]:
    """Test accuracy after every epoch."""
    set_seed(config.seed)
    splits = load_splits(data_dir, config.batch_size, config.val_size, config.seed, CPU)
    model, optimizer, scheduler = setup(config, fused, pool_first, len(splits.train))
    points = []
    for _ in range(config.epochs):
        train_one_epoch(model, splits.train, optimizer, CPU, scheduler, progress=False,
                        label_smoothing=config.label_smoothing)
        points.append(evaluate(model, splits.test, CPU)[1])
    return points


def epoch_seconds(data_dir, names: list[str], rounds: int = 3) -> dict[str, float]:
    """Median seconds of one training epoch per variant, the variants taking turns."""
    times, splits_by_batch = {name: [] for name in names}, {}
    for _ in range(rounds):
        for name in names:
            config, fused, pool_first = VARIANTS[name]
            if config.batch_size not in splits_by_batch:
                splits_by_batch[config.batch_size] = load_splits(data_dir, config.batch_size, config.val_size, 0, CPU)
            splits = splits_by_batch[config.batch_size]
            model, optimizer, scheduler = setup(config, fused, pool_first, len(splits.train))
            start = time.perf_counter()
            train_one_epoch(model, splits.train, optimizer, CPU, scheduler, progress=False,
                            label_smoothing=config.label_smoothing)
            times[name].append(time.perf_counter() - start)
    return {name: round(statistics.median(values), 2) for name, values in times.items()}


def setup(config: TrainConfig, fused: bool, pool_first: bool, steps_per_epoch: int):
    """A fresh model, its optimiser and schedule, as fit() makes them, with the variant's change."""
    model = LeNet5()
    if pool_first:  # max-pooling and ReLU commute, so ReLU can run on a quarter of the numbers
        f = model.features
        model.features = nn.Sequential(f[0], f[2], f[1], f[3], f[5], f[4])
    model = model.to(memory_format=torch.channels_last)
    return (model, *make_optimizer(model, config, steps_per_epoch, fused=fused))


def profile_step(steps: int = 30) -> dict[str, float]:
    """Share of a default training step's CPU time per operation (the top ten)."""
    x = torch.randn(DEFAULT.batch_size, 1, 28, 28).contiguous(memory_format=torch.channels_last)
    y = torch.randint(0, 10, (DEFAULT.batch_size,))
    model = LeNet5().to(memory_format=torch.channels_last)
    optimizer, _ = make_optimizer(model, DEFAULT, steps)
    with torch.autograd.profiler.profile() as prof:
        for _ in range(steps):
            loss = nn.functional.cross_entropy(model(x), y, label_smoothing=DEFAULT.label_smoothing)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
    events = prof.key_averages()
    total = sum(e.self_cpu_time_total for e in events)
    top = sorted(events, key=lambda e: e.self_cpu_time_total, reverse=True)[:10]
    return {e.key: round(e.self_cpu_time_total / total, 3) for e in top}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--variants", help=f"comma-separated, of: {', '.join(VARIANTS)} (default: all)")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of the results")
    args = parser.parse_args()
    check_environment()
    data_dir = ensure_mnist(find_data_dir(args.data_dir))
    names = args.variants.split(",") if args.variants else list(VARIANTS)
    results = {}
    for name in names:
        config, fused, pool_first = VARIANTS[name]
        runs = {seed: train(data_dir, replace(config, seed=seed), fused, pool_first) for seed in args.seeds}
        finals = [points[-1] for points in runs.values()]
        to99 = [next((i + 1 for i, a in enumerate(p) if a >= 0.99), None) for p in runs.values()]
        results[name] = {"runs": runs, "final_min": min(finals), "final_max": max(finals), "epochs_to_99_0": to99}
        print(f"{name:<40} final {100 * min(finals):.2f}-{100 * max(finals):.2f} %   99.0 % after epochs {to99}",
              flush=True)
    seconds = epoch_seconds(data_dir, names)
    for name in names:
        results[name]["seconds_per_epoch"] = seconds[name]
        print(f"{name:<40} {seconds[name]:.2f} s an epoch ({seconds[name] / seconds[names[0]]:.2f}x {names[0]})")
    profile = profile_step()
    print(f"\non {machine()}\nprofile of the default's step: " + ", ".join(f"{k} {v:.0%}" for k, v in profile.items()))
    report = {"seeds": args.seeds, "variants": results, "profile": profile, "machine_kind": machine_kind()}
    if not args.variants:
        print(f"saved to {save_results(f'recipes-{machine_kind()}.json', report)}")
    if args.json:
        print(json.dumps(report))


if __name__ == "__main__":
    main()
