"""What each guard and each tuned number buys, against the noise of the measurement itself.

    OMP_WAIT_POLICY=PASSIVE python benchmarks/sweep.py --steps specks,faint [--per-level 100] [--seed 1]
    OMP_WAIT_POLICY=PASSIVE python benchmarks/sweep.py --numbers all [--per-level 10] [--factor 1.25]

The same photos as benchmarks/handwriting.py (its renderer and levels), read with the whole
preparation and then with one change at a time: a step switched off (`--steps`, Steps' fields),
or one of Tuning's numbers divided and multiplied by `--factor` (`--numbers`). Every change is
compared photo for photo with the whole preparation, so its noise is that of a paired count: of
the photos one reading gets right and the other wrong, a change that does nothing still wins
about half; `noise` is one standard deviation of the difference, sqrt(won + lost) / photos. A
guard whose gain is within twice its noise has not shown that it pays for itself on these photos;
a number whose both moves stay within it could be anything near its value. The levels that
move by --level-change or more are listed with each change: what a guard is for.

A different --seed than handwriting.json's (0) gives photos the guards were not chosen on.
Results go to benchmarks/results/sweep-<what>.json with the machine they were measured on.
"""

import multiprocessing
from dataclasses import fields, replace

import torch
from common import check_environment, machine, paired, photo_parser, save_results, start_worker
from handwriting import accuracy_of, per_cell, photograph_all, sample_images

from lenet_helpers.learning.checkpoint import load_model
from lenet_helpers.learning.data import find_data_dir, load_mnist
from lenet_helpers.photos.pipeline import Steps
from lenet_helpers.photos.tuning import Tuning


def moved(value, factor: float):
    """`value` times `factor`, of the same type; an integer moves by one at least, and stays 1 or more."""
    if isinstance(value, tuple):
        return tuple(moved(v, factor) for v in value)
    if isinstance(value, int):
        step = round(value * factor)
        return max(1, step if step != value else value + (1 if factor > 1 else -1))
    return value * factor


def changes(steps: str | None, numbers: str | None, factor: float) -> dict[str, tuple[Steps, Tuning]]:
    """The changes to measure, by name: a step off, or a number moved down and up."""
    runs = {}
    for name in ([f.name for f in fields(Steps)] if steps == "all" else steps.split(",")) if steps else []:
        runs[f"without {name}"] = (replace(Steps(), **{name: False}), Tuning())
    for name in ([f.name for f in fields(Tuning)] if numbers == "all" else numbers.split(",")) if numbers else []:
        value = getattr(Tuning(), name)
        for f in (1 / factor, factor):
            runs[f"{name} = {moved(value, f)}"] = (Steps(), replace(Tuning(), **{name: moved(value, f)}))
    return runs


def main() -> None:
    parser = photo_parser(__doc__)
    parser.add_argument("--per-level", type=int, default=100, help="photos per condition level")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--steps", default=None, help="comma-separated Steps fields to switch off, or 'all'")
    parser.add_argument("--numbers", default=None, help="comma-separated Tuning fields to move, or 'all'")
    parser.add_argument("--factor", type=float, default=1.25, help="each number divided and multiplied by this")
    parser.add_argument("--level-change", type=float, default=0.03,
                        help="levels whose accuracy moves this much or more are listed with each change")
    parser.add_argument("--out", default=None, help="results file (default: sweep-steps.json or sweep-numbers.json)")
    args = parser.parse_args()
    if not args.steps and not args.numbers:
        parser.error("say what to measure: --steps or --numbers")
    check_environment()
    torch.set_num_threads(1)

    model, info = load_model(args.weights, torch.device("cpu"))
    norm = info["normalization"]
    images, labels = load_mnist(find_data_dir(args.data_dir), train=False)
    samples, sample_labels = sample_images()
    results = {}
    with multiprocessing.get_context("spawn").Pool(args.workers, initializer=start_worker) as pool:
        photos, truth, cells, _ = photograph_all(pool, images, labels, args.per_level, args.seed)
        base = accuracy_of(pool, photos, truth, Steps(), model, norm)
        base_levels = per_cell(base, cells)
        base_samples = accuracy_of(pool, samples, sample_labels, Steps(), model, norm)
        print(f"all steps, as tuned: {base.mean():.2%} of {len(photos)} photos, samples "
              f"{base_samples.sum()}/{len(samples)}", flush=True)
        for name, (steps, tuning) in changes(args.steps, args.numbers, args.factor).items():
            correct = accuracy_of(pool, photos, truth, steps, model, norm, tuning)
            read = accuracy_of(pool, samples, sample_labels, steps, model, norm, tuning)
            won, lost, noise = paired(base, correct)
            levels = {level: [base_levels[level], value] for level, value in per_cell(correct, cells).items()
                      if abs(value - base_levels[level]) >= args.level_change}
            results[name] = {"overall": float(correct.mean()), "change": float(correct.mean() - base.mean()),
                             "won": won, "lost": lost, "noise": noise,
                             "samples": int(read.sum()), "samples_lost": int((~read & base_samples).sum()),
                             "levels": levels}
            r = results[name]
            print(f"{name:40s} {r['overall']:8.2%} {r['change']:+8.2%}  noise {r['noise']:.2%}  "
                  f"won {won:4d} lost {lost:4d}  samples {r['samples']}/{len(samples)}", flush=True)
            for level, (before, after) in levels.items():
                print(f"    {level}: {before:.0%} -> {after:.0%}", flush=True)

    report = {"machine": machine(), "photos": len(photos), "per_level": args.per_level, "seed": args.seed,
              "factor": args.factor, "weights": str(info["path"]), "as tuned": float(base.mean()),
              "samples": len(samples), "samples_as_tuned": int(base_samples.sum()), "changes": results}
    save_results(args.out or f"sweep-{'steps' if args.steps else 'numbers'}.json", report)


if __name__ == "__main__":
    main()
