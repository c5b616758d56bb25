"""A second opinion on reading photos: MNIST test digits in the phone photos of benchmarks/second_photos.py.

    OMP_WAIT_POLICY=PASSIVE python benchmarks/second_opinion.py [--per 70] [--ablations] [--json] [--out NAME]

(An earlier version of the package, for comparison: PYTHONPATH=that/checkout ... --out second_opinion-COMMIT.json.)

benchmarks/handwriting.py varies one condition at a time and is where the preparation's steps
are measured; this renderer, written apart from it, combines camera effects (defocus, noise,
exposure, gamma, JPEG) with conditions of its own, so it shows what that benchmark misses.
Printed: accuracy per condition through `prepare`, the ceiling (the same digits fed directly)
and how often the polarity was wrong. With --ablations, the same photos with each step of the
preparation switched off, compared photo for photo (won, lost and the paired noise
sqrt(won + lost) / photos, as benchmarks/sweep.py does): a guard measured on photos it was not
chosen on. Results go to benchmarks/results/second_opinion.json.
"""

import json
import multiprocessing
from dataclasses import fields, replace

import numpy as np
import torch
from common import check_environment, machine, paired, photo_parser, save_results, start_worker
from second_photos import CONDITIONS, LIGHT_BG, pick_digits, render

from lenet_helpers.errors import ImageError
from lenet_helpers.learning.checkpoint import load_model
from lenet_helpers.learning.data import find_data_dir, load_mnist, normalize
from lenet_helpers.photos.pipeline import Steps, prepare
from lenet_helpers.photos.reading import probabilities


def read_one(job: tuple) -> tuple[np.ndarray, bool | None]:
    """Render one photo and prepare it with `steps`: 28x28 pixels (empty when it gives up), the polarity found."""
    condition_index, index, digit, steps = job
    rng = np.random.default_rng(np.random.SeedSequence([7, condition_index, index]))
    photo = render(CONDITIONS[condition_index], digit, rng)
    try:
        prepared = prepare(photo, steps=steps)
    except ImageError:
        return np.zeros((28, 28), np.float32), None
    return prepared.pixels, prepared.light_background


def ablation(right: np.ndarray, other: np.ndarray, per: int, change: float = 0.03) -> dict:
    """What a step buys: the accuracy it adds, the paired noise, and the conditions it moves by `change` or more."""
    won, lost, noise = paired(right, other)
    moved = {}
    for c, condition in enumerate(CONDITIONS):
        part = slice(c * per, (c + 1) * per)
        before, after = float(right[part].mean()), float(other[part].mean())
        if abs(before - after) >= change:
            moved[condition] = (before, after)
    return {"gain": (lost - won) / len(right), "noise": noise, "won": won, "lost": lost, "conditions": moved}


def main() -> None:
    parser = photo_parser(__doc__)
    parser.add_argument("--per", type=int, default=70, help="photos per condition")
    parser.add_argument("--ablations", action="store_true", help="also each step of the preparation switched off")
    parser.add_argument("--out", default="second_opinion.json", help="results file name")
    args = parser.parse_args()
    check_environment()
    torch.set_num_threads(1)
    model, info = load_model(args.weights, torch.device("cpu"))
    norm = info["normalization"]
    images, labels = load_mnist(find_data_dir(args.data_dir), train=False)
    chosen = pick_digits(len(images), args.per, len(CONDITIONS))
    jobs = [(c, i, images[int(chosen[c, i])].numpy()) for c in range(len(CONDITIONS)) for i in range(args.per)]
    truth = np.array([int(labels[int(chosen[c, i])]) for c, i, _ in jobs])
    runs = {"all steps": Steps()}
    if args.ablations:
        runs |= {f"without {f.name}": replace(Steps(), **{f.name: False}) for f in fields(Steps)}
    with multiprocessing.get_context("spawn").Pool(args.workers, initializer=start_worker) as pool:
        outcomes = {}
        for name, steps in runs.items():
            results = pool.map(read_one, [job + (steps,) for job in jobs], chunksize=8)
            pixels = torch.from_numpy(np.stack([r[0] for r in results]))[:, None]
            read = probabilities(model, normalize(pixels, norm["mean"], norm["std"])).argmax(1).numpy()
            outcomes[name] = read, results
    read, results = outcomes["all steps"]
    direct = normalize(images[torch.from_numpy(chosen.ravel())][:, None].float() / 255, norm["mean"], norm["std"])
    ceiling = probabilities(model, direct).argmax(1).numpy() == truth
    table = {}
    for c, condition in enumerate(CONDITIONS):
        part = slice(c * args.per, (c + 1) * args.per)
        wrong_side = sum(r[1] is not None and r[1] != LIGHT_BG[condition] for r in results[part])
        table[condition] = {"accuracy": float((read[part] == truth[part]).mean()),
                            "ceiling": float(ceiling[part].mean()), "polarity_wrong": int(wrong_side)}
    report = {"machine": machine(), "photos": len(jobs), "per_condition": args.per, "weights": str(info["path"]),
              "overall": float((read == truth).mean()), "ceiling": float(ceiling.mean()), "conditions": table}
    if args.ablations:
        report["ablations"] = {name: ablation(read == truth, other == truth, args.per)
                               for name, (other, _) in outcomes.items() if name != "all steps"}
    save_results(args.out, report)
    if args.json:
        print(json.dumps(report))
        return
    print(f"{len(jobs)} photos, {args.per} per condition; {report['machine']}")
    print(f"{'condition':24s} {'prepare':>8s} {'ceiling':>8s} {'wrong side':>11s}")
    for condition, row in table.items():
        print(f"{condition:24s} {row['accuracy']:8.1%} {row['ceiling']:8.1%} {row['polarity_wrong']:11d}")
    print(f"{'overall':24s} {report['overall']:8.1%} {report['ceiling']:8.1%}")
    for name, row in report.get("ablations", {}).items():
        moves = ", ".join(f"{c} {100 * a:.0f} -> {100 * b:.0f}" for c, (a, b) in row["conditions"].items())
        print(f"{name:28s} gain {100 * row['gain']:+.2f} (noise {100 * row['noise']:.2f}; won {row['won']}, "
              f"lost {row['lost']}) {moves}")


if __name__ == "__main__":
    main()
