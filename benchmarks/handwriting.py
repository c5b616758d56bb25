"""How well own photos of handwriting are read: MNIST test digits photographed under many conditions.

    OMP_WAIT_POLICY=PASSIVE python benchmarks/handwriting.py [--per-level 100] [--ablations] [--json]

The writers of MNIST's test set were never seen in training, so their digits, rendered as photos
by benchmarks/photos.py (one condition away from a plain photo at a time, each at several
levels), measure how well `prepare` generalises. Printed:

1. accuracy per condition and level, overall, and the ceiling: the same digits fed to the model
   directly, as MNIST stores them;
2. the MNIST test digits themselves given to `prepare` as images (as stored, and inverted like
   ink on paper): the preparation should hand them back as they are;
3. with --ablations, the same photos with each step of the preparation switched off, and a
   plain 40-line MNIST-style pipeline for comparison: a step that does not pay for itself goes.

Needs the real MNIST (`--data-dir`, `LENET_DATA_DIR`) and scikit-image (`pip install -e ".[bench]"`).
Results go to benchmarks/results/handwriting.json with the machine they were measured on.
"""

import json
import multiprocessing
import time
from dataclasses import fields, replace
from pathlib import Path

import cv2
import numpy as np
import torch
from common import check_environment, machine, photo_parser, save_results, start_worker
from photos import CONDITIONS, render

from lenet_helpers.errors import ImageError
from lenet_helpers.learning.checkpoint import load_model
from lenet_helpers.learning.data import find_data_dir, load_mnist, normalize
from lenet_helpers.photos.mnist_style import center_by_mass
from lenet_helpers.photos.pipeline import Steps, prepare
from lenet_helpers.photos.reading import probabilities
from lenet_helpers.photos.tuning import Tuning

EMPTY = np.zeros((28, 28), np.float32)


def plain_pipeline(data: bytes) -> np.ndarray:
    """The comparison: grey, invert if the border is light, Otsu, pieces >= 5 % of the largest, fit, centre."""
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    if image.dtype == np.uint16:
        image = (image // 257).astype(np.uint8)
    if image.ndim == 3 and image.shape[2] == 4:  # transparency over white, or black for white ink
        alpha = image[..., 3:].astype(np.float32) / 255
        back = 0 if image[..., :3][alpha[..., 0] > 0.5].mean() > 128 else 255
        image = (image[..., :3] * alpha + back * (1 - alpha)).astype(np.uint8)
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image
    border = np.concatenate([gray[0], gray[-1], gray[:, 0], gray[:, -1]])
    if np.median(border) > 127:
        gray = 255 - gray
    _, mask = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask)
    if count < 2:
        return EMPTY
    largest = stats[1:, 4].max()
    keep = np.isin(labels, [i for i in range(1, count) if stats[i, 4] >= 0.05 * largest])
    ys, xs = np.nonzero(keep)
    crop = (gray * keep)[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1].astype(np.float32)
    crop /= max(float(crop.max()), 1.0)
    scale = 20 / max(crop.shape)
    size = (max(1, round(crop.shape[1] * scale)), max(1, round(crop.shape[0] * scale)))
    return center_by_mass(cv2.resize(crop, size, interpolation=cv2.INTER_AREA))


def read_pixels(job: tuple) -> np.ndarray:
    """28x28 pixels of one photo through one pipeline (steps and tuning; None: the plain one); empty if it gives up."""
    data, steps, tuning = job
    if steps is None:
        return plain_pipeline(data)
    try:
        return prepare(data, steps=steps, tuning=tuning).pixels
    except ImageError:
        return EMPTY


def sample_images() -> tuple[list[bytes], np.ndarray]:
    """The course's own sample photos (images/, label = first character): the heuristics were first tuned on them."""
    files = sorted(f for f in (Path(__file__).parent.parent / "images").iterdir() if f.is_file())
    return [f.read_bytes() for f in files], np.array([int(f.name[0]) for f in files])


def accuracy_of(pool, photos: list[bytes], labels: np.ndarray, steps, model, norm,
                tuning: Tuning = Tuning()) -> np.ndarray:
    """Per photo, whether the model read it right through the given pipeline."""
    pixels = pool.map(read_pixels, [(data, steps, tuning) for data in photos], chunksize=16)
    batch = normalize(torch.from_numpy(np.stack(pixels))[:, None], norm["mean"], norm["std"])
    return (probabilities(model, batch).argmax(1).numpy() == labels)


def render_one(job: tuple) -> bytes:
    digit, scene, seed = job
    return render(digit, scene, seed)[0]


def photograph_all(pool, images: torch.Tensor, labels: torch.Tensor, per_level: int, seed: int,
                   only: set[str] | None = None):
    """Every condition's photos: (photos, labels, cells, digit indices); each photo its own digit."""
    order = np.random.default_rng(seed).permutation(len(images))
    jobs, truth, cells, picked = [], [], [], []
    start = 0
    for condition, levels in CONDITIONS.items():
        for level, scene in levels:
            chosen = order[np.arange(start, start + per_level) % len(order)]  # each level its own digits
            for index in chosen if only is None or condition in only else []:
                jobs.append((images[index].numpy(), scene, seed * 1_000_003 + int(index) * 101 + start))
                truth.append(int(labels[index]))
                cells.append((condition, level))
                picked.append(int(index))
            start += per_level
    return pool.map(render_one, jobs, chunksize=16), np.array(truth), cells, np.array(picked)


def per_cell(correct: np.ndarray, cells: list[tuple]) -> dict[str, float]:
    table: dict[str, list[bool]] = {}
    for ok, (condition, level) in zip(correct, cells, strict=True):
        table.setdefault(f"{condition}: {level}", []).append(bool(ok))
    return {cell: float(np.mean(values)) for cell, values in table.items()}


def ablations() -> dict[str, Steps]:
    """The full preparation, and each of its steps switched off alone."""
    full = Steps()
    return {"all steps": full} | {f"without {f.name.replace('_', ' ')}": replace(full, **{f.name: False})
                                   for f in fields(Steps)}


def main() -> None:
    parser = photo_parser(__doc__)
    parser.add_argument("--per-level", type=int, default=100, help="photos per condition level")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--ablations", action="store_true", help="also each step switched off, and the plain pipeline")
    parser.add_argument("--mnist", type=int, default=10_000, help="MNIST test digits given to prepare as images")
    parser.add_argument("--without", default=None,
                        help="comma-separated steps (Steps' fields) to switch off one at a time, beside all steps")
    parser.add_argument("--conditions", default=None, help="comma-separated condition names (default: all)")
    parser.add_argument("--out", default=None,
                        help="results file (default: handwriting.json with --ablations, else handwriting_main.json)")
    args = parser.parse_args()
    check_environment()
    torch.set_num_threads(1)

    model, info = load_model(args.weights, torch.device("cpu"))
    norm = info["normalization"]
    images, labels = load_mnist(find_data_dir(args.data_dir), train=False)
    runs = ablations() if args.ablations else {"all steps": Steps()}
    for step in args.without.split(",") if args.without and not args.ablations else []:
        runs[f"without {step.replace('_', ' ')}"] = replace(Steps(), **{step: False})
    if args.ablations:
        runs["plain 40-line pipeline"] = None
    results = {}
    samples, sample_labels = sample_images()
    # spawn, not fork: a forked child of a process that already ran OpenMP threads can hang
    with multiprocessing.get_context("spawn").Pool(args.workers, initializer=start_worker) as pool:
        started = time.perf_counter()
        photos, truth, cells, picked = photograph_all(pool, images, labels, args.per_level, args.seed,
                                                       set(args.conditions.split(",")) if args.conditions else None)
        render_seconds = time.perf_counter() - started
        direct = normalize(images[picked][:, None].float() / 255, norm["mean"], norm["std"])
        ceiling = probabilities(model, direct).argmax(1).numpy() == truth
        for name, steps in runs.items():
            started = time.perf_counter()
            correct = accuracy_of(pool, photos, truth, steps, model, norm)
            seconds = round(time.perf_counter() - started, 1)
            samples_read = int(accuracy_of(pool, samples, sample_labels, steps, model, norm).sum())
            results[name] = {"overall": float(correct.mean()), "cells": per_cell(correct, cells),
                             "samples": samples_read, "seconds": seconds}
            if not args.json:
                print(f"{name}: {correct.mean():.2%} ({results[name]['seconds']} s)", flush=True)
        mnist = {}
        chosen = images[: args.mnist].numpy()
        for kind, digits in (("as stored", chosen), ("inverted", 255 - chosen)) if args.mnist else ():
            pngs = [cv2.imencode(".png", d)[1].tobytes() for d in digits]
            pixels = pool.map(read_pixels, [(png, Steps(), Tuning()) for png in pngs], 64)
            batch = normalize(torch.from_numpy(np.stack(pixels))[:, None], norm["mean"], norm["std"])
            mnist[kind] = float((probabilities(model, batch).argmax(1) == labels[: args.mnist]).float().mean())

    report = {
        "machine": machine(), "photos": len(photos), "per_level": args.per_level, "seed": args.seed,
        "weights": str(info["path"]), "weights_test_accuracy": info.get("metrics", {}).get("test_acc"),
        "render_seconds": round(render_seconds, 1),
        "ceiling": {"overall": float(ceiling.mean()), "cells": per_cell(ceiling, cells)},
        "runs": results, "mnist_through_prepare": mnist | {"n": len(chosen)},
        "samples": len(sample_labels),
    }
    if not args.conditions:  # a partial run is for trying things out, not for the record
        save_results(args.out or ("handwriting.json" if args.ablations else "handwriting_main.json"), report)
    if args.json:
        print(json.dumps(report))
        return
    print_tables(report)


def print_tables(report: dict) -> None:
    full, ceiling = report["runs"]["all steps"], report["ceiling"]
    print(f"\n{report['photos']} photos of MNIST test digits, {report['per_level']} per level; {report['machine']}")
    print(f"{'condition: level':58s} {'prepare':>8s} {'ceiling':>8s}")
    for cell, value in full["cells"].items():
        print(f"{cell:58s} {value:8.1%} {ceiling['cells'][cell]:8.1%}")
    print(f"{'overall':58s} {full['overall']:8.2%} {ceiling['overall']:8.2%}")
    mnist = report["mnist_through_prepare"]
    if mnist["n"]:
        print(f"\nMNIST test digits given to prepare ({mnist['n']:,}): as stored {mnist['as stored']:.2%}, "
              f"inverted {mnist['inverted']:.2%}")
    if len(report["runs"]) > 1:
        print(f"\n{'pipeline':32s} {'overall':>8s} {'samples':>8s} {'worst level':>12s}  worst")
        for name, run in report["runs"].items():
            worst = min(run["cells"], key=run["cells"].get)
            samples = f"{run['samples']}/{report['samples']}"
            print(f"{name:32s} {run['overall']:8.2%} {samples:>8s} {run['cells'][worst]:12.1%}  {worst}")


if __name__ == "__main__":
    main()
