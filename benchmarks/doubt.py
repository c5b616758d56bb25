"""Doubt that can be trusted: how often a reading is wrong when the model is sure, and the rule that warns.

    OMP_WAIT_POLICY=PASSIVE LENET_DATA_DIR=... python benchmarks/doubt.py [--per-level 100] [--digits 1000]

1. The temperature: fitted on the 5,000 validation images (the bundled weights never trained on
   them), by `lenet_helpers.learning.calibration.fit_temperature`.
2. Readings with their calibrated top probability and the preparation's own doubts (little ink kept,
   a tiny digit), on two sets the rule was not tuned on by hand: the handwriting benchmark's photos
   (benchmarks/photos.py, every condition) and the drawn digits (benchmarks/drawn.py, every width).
3. The risk-coverage curve: for each threshold, the share of wrong answers warned about and the share
   of right answers warned about, on each set. The threshold kept is the highest whose warnings
   cover at most 10 % of the right answers on both sets; the goal is at least 80 % of the wrong ones.

Results (the temperature, the curve, the threshold and its two rates on each set) go to
benchmarks/results/doubt.json, stamped with the machine; lesson 05 draws the curve from it.
"""

import argparse
import json
import multiprocessing
import sys

import numpy as np
import torch
from common import check_environment, machine, save_results, start_worker
from drawn import PADS, WIDTHS, on_the_pad, skeleton_strokes
from handwriting import photograph_all

from lenet_helpers.errors import ImageError
from lenet_helpers.learning.calibration import fit_temperature
from lenet_helpers.learning.checkpoint import load_model
from lenet_helpers.learning.data import ensure_mnist, find_data_dir, load_mnist, load_splits
from lenet_helpers.learning.evaluation import predict
from lenet_helpers.lessons.drawing import Drawing, prepare_drawing
from lenet_helpers.photos.pipeline import prepare

THRESHOLDS = [round(t, 3) for t in np.concatenate([np.arange(0.30, 0.90, 0.05), np.arange(0.90, 0.999, 0.005),
                                                   [0.999, 0.9995, 0.9999]])]
MOST_RIGHT_WARNED = 0.10  # the share of right answers a warning may cover
LEAST_WRONG_WARNED = 0.80  # the goal: the share of wrong answers a warning should cover


def prepared(job) -> tuple[np.ndarray, list[str]]:
    """One photo through `prepare`, or a drawing through the pad's: its 28x28 pixels and the preparation's doubts."""
    try:
        if isinstance(job, Drawing):
            result = prepare_drawing(job)
            if result is None:
                return np.zeros((28, 28), np.float32), ["no digit on the pad"]
        else:
            result = prepare(job[0], polarity=job[1])
        return result.pixels, result.warnings
    except ImageError as error:
        return np.zeros((28, 28), np.float32), [str(error)]


def readings(pool, jobs, labels, model, norm, temperature) -> dict:
    """Per image: the calibrated top probability, whether the preparation doubted, whether it was read right."""
    results = pool.map(prepared, jobs, chunksize=16)
    pixels = torch.from_numpy(np.stack([r[0] for r in results]))[:, None]
    batch = (pixels - norm["mean"]) / norm["std"]
    with torch.no_grad():
        logits = model.eval()(batch)
    calibrated = (logits / temperature).softmax(dim=1)
    top, digit = calibrated.max(dim=1)
    plain = logits.softmax(dim=1).max(dim=1).values
    return {"top": top.numpy(), "doubted": np.array([bool(r[1]) for r in results]),
            "right": (digit.numpy() == np.asarray(labels)), "top_plain": plain.numpy()}


def curve(read: dict, key: str = "top") -> list[dict]:
    """For each threshold: the share of right and of wrong answers a warning covers (low probability, or doubted)."""
    right, wrong = read["right"], ~read["right"]
    rows = []
    for threshold in THRESHOLDS:
        warned = (read[key] < threshold) | read["doubted"]
        rows.append({"threshold": threshold,
                     "right_warned": round(float(warned[right].mean()), 4) if right.any() else 0.0,
                     "wrong_warned": round(float(warned[wrong].mean()), 4) if wrong.any() else 1.0,
                     "wrong_when_sure": round(float(wrong[~warned].mean()), 5) if (~warned).any() else 0.0})
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--per-level", type=int, default=100, help="photos per condition level")
    parser.add_argument("--digits", type=int, default=1000, help="MNIST test digits drawn on the pad in each width")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    check_environment()
    torch.set_num_threads(1)
    model, info = load_model()
    norm = info["normalization"]
    root = ensure_mnist(find_data_dir())
    splits = load_splits(root, 1000, 5000, 0, torch.device("cpu"))  # the split the bundled weights trained beside
    logits, labels = predict(model, splits.val, torch.device("cpu"))
    temperature = fit_temperature(logits, labels)
    images, test_labels = load_mnist(root, train=False)
    rng = np.random.default_rng(1)
    with multiprocessing.get_context("spawn").Pool(args.workers, initializer=start_worker) as pool:
        photos, truth, _, _ = photograph_all(pool, images, test_labels, args.per_level, 0)
        sets = {"photos": readings(pool, [(p, "auto") for p in photos], truth, model, norm, temperature)}
        chosen = rng.choice(len(test_labels), (len(WIDTHS), args.digits), replace=False)  # other digits each width:
        drawings, drawn_truth = [], []  # the pad's input does not depend on the width, the same digit would repeat
        for width, digits in zip(WIDTHS.values(), chosen, strict=True):
            for index in digits:
                size = int(rng.choice(PADS))
                strokes = on_the_pad(skeleton_strokes(images[index].numpy()), size, rng)
                drawings.append(Drawing(strokes, size, width * size / 280))
                drawn_truth.append(int(test_labels[index]))
        sets["drawn digits"] = readings(pool, drawings, drawn_truth, model, norm, temperature)
    curves = {name: curve(read) for name, read in sets.items()}
    allowed = [t for i, t in enumerate(THRESHOLDS)
               if all(curves[name][i]["right_warned"] <= MOST_RIGHT_WARNED for name in curves)]
    threshold = max(allowed) if allowed else THRESHOLDS[0]
    at = THRESHOLDS.index(threshold)
    before = {name: curve(read, "top_plain")[THRESHOLDS.index(0.6)] for name, read in sets.items()}
    report = {
        "temperature": temperature, "threshold": threshold,
        "goal": {"wrong_warned_at_least": LEAST_WRONG_WARNED, "right_warned_at_most": MOST_RIGHT_WARNED},
        "sets": {name: {"images": int(len(read["right"])), "accuracy": round(float(read["right"].mean()), 4),
                        "wrong": int((~read["right"]).sum()), "at_threshold": curves[name][at],
                        "before (uncalibrated, below 0.6)": before[name]} for name, read in sets.items()},
        "curves": curves,
    }
    path = save_results("doubt.json", report)  # accuracies, not timings: the same on every machine
    if args.json:
        print(json.dumps(report))
    else:
        print(f"machine: {machine()}\ntemperature {temperature}, threshold {threshold}")
        for name, row in report["sets"].items():
            now, was = row["at_threshold"], row["before (uncalibrated, below 0.6)"]
            print(f"  {name}: {row['images']} images, {row['wrong']} wrong; warned: {now['wrong_warned']:.0%} of the "
                  f"wrong, {now['right_warned']:.1%} of the right (before: {was['wrong_warned']:.0%}, "
                  f"{was['right_warned']:.1%})")
        print(f"results: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
