"""Digits drawn on lesson 05's pad: MNIST test digits re-drawn as strokes, read through the pad's own code.

    OMP_WAIT_POLICY=PASSIVE LENET_DATA_DIR=... python benchmarks/drawn.py [--digits 1000] [--json]

Each MNIST test digit (writers the model never saw) is thinned to its skeleton (scikit-image) and
the skeleton drawn again as pen strokes on a pad, at a random size (a third of the pad to nearly
all of it) and place, with the stroke widths a thin pen, a mouse and a finger give, on pads of
200, 280 and 400 pixels. Each drawing goes through `DrawingPad.update`, what runs after every
stroke: the preparation, the model, the reading shown. Accuracy per stroke width and overall, and
the milliseconds from the end of a stroke to the new reading, go to
benchmarks/results/drawn-KIND.json, stamped with the machine.

The pad draws the strokes again with MNIST's pen (`MNIST_PEN`, a fraction of the digit's longer
side): the benchmark measures MNIST's strokes on 3,000 training digits (ink over skeleton length,
over the longer side of the ink) and the same measure on what the pad gives the model; as
ablations, the same drawings prepared as a photo is (`prepare` on the pad's image, its own stroke
step) and, with `--sweep`, read with other pens (one width: the pad's input does not depend on it).
"""

import argparse
import json
import statistics
import sys
import time

import numpy as np
import torch
from common import check_environment, machine, machine_kind, save_results

from lenet_helpers.learning.checkpoint import load_model
from lenet_helpers.learning.data import ensure_mnist, find_data_dir, load_mnist
from lenet_helpers.lessons.drawing import MNIST_PEN, Drawing, DrawingPad, prepare_drawing
from lenet_helpers.photos.pipeline import prepare
from lenet_helpers.photos.reading import classify

WIDTHS = {"thin pen (6 px)": 6, "mouse (12 px)": 12, "marker, the pad's own (18 px)": 18, "finger (28 px)": 28,
          "thick finger (40 px)": 40}  # stroke widths on a 280-pixel pad; other pads scale them
PADS = (200, 280, 400)
SWEEP = (0.09, 0.105, 0.118, 0.135, 0.15, 0.17)  # pens tried by --sweep, as fractions of the ink's longer side


def skeleton_strokes(digit: np.ndarray) -> list[list[tuple[float, float]]]:
    """A 28x28 digit's skeleton as strokes: every pair of neighbouring skeleton pixels a short stroke."""
    from skimage.morphology import skeletonize

    skeleton = skeletonize(digit > 80)
    ys, xs = np.nonzero(skeleton)
    on = set(zip(xs.tolist(), ys.tolist(), strict=True))
    strokes = []
    for x, y in on:
        neighbours = [(x + dx, y + dy) for dx, dy in ((1, 0), (0, 1), (1, 1), (1, -1)) if (x + dx, y + dy) in on]
        strokes += [[(x, y), n] for n in neighbours]
        if not any((x + dx, y + dy) in on for dx in (-1, 0, 1) for dy in (-1, 0, 1) if dx or dy):
            strokes.append([(x, y)])  # a lone pixel: a dot
    return strokes


def pen_fraction(pixels: np.ndarray) -> float:
    """A digit's stroke width over the longer side of its ink: ink (in pixels) over skeleton length, over that side."""
    from skimage.morphology import skeletonize

    skeleton = skeletonize(pixels > 0.5)
    straight = (skeleton[1:, :] & skeleton[:-1, :]).sum() + (skeleton[:, 1:] & skeleton[:, :-1]).sum()
    diagonal = (skeleton[1:, 1:] & skeleton[:-1, :-1] & ~skeleton[:-1, 1:] & ~skeleton[1:, :-1]).sum() + (
        skeleton[1:, :-1] & skeleton[:-1, 1:] & ~skeleton[:-1, :-1] & ~skeleton[1:, 1:]).sum()
    ys, xs = np.nonzero(pixels > 0.5)
    side = max(ys.max() - ys.min(), xs.max() - xs.min()) + 1
    return float(pixels.sum() / max(straight + np.sqrt(2) * diagonal, 1) / side)


def on_the_pad(strokes: list, pad: int, rng: np.random.Generator) -> list:
    """The strokes moved and scaled to a random size and place on a pad of `pad` pixels."""
    points = np.array([p for stroke in strokes for p in stroke], np.float64)
    low, high = points.min(axis=0), points.max(axis=0)
    height = rng.uniform(0.35, 0.85) * pad
    scale = height / max(high[1] - low[1], 1)
    extent = (high - low) * scale
    corner = rng.uniform(0.06 * pad, np.maximum(0.94 * pad - extent, 0.06 * pad + 1))
    return [[tuple((np.array(p) - low) * scale + corner) for p in stroke] for stroke in strokes]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--digits", type=int, default=1000, help="MNIST test digits drawn (each in every width)")
    parser.add_argument("--details", action="store_true", help="keep every reading (confidence, doubt, right)")
    parser.add_argument("--sweep", action="store_true", help="also read the drawings with other pens than MNIST_PEN")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    check_environment()
    torch.set_num_threads(1)  # the pad reads one drawing at a time, as a student draws
    model, info = load_model()
    images, labels = load_mnist(ensure_mnist(find_data_dir()), train=False)
    rng = np.random.default_rng(0)
    chosen = rng.choice(len(labels), args.digits, replace=False)
    norm = info["normalization"]
    training, _ = load_mnist(ensure_mnist(find_data_dir()), train=True)
    sample = np.random.default_rng(1).choice(len(training), 3000, replace=False)  # its own draw: the drawings stay
    mnist_pens = [pen_fraction(training[i].numpy() / 255) for i in sample]
    pad = DrawingPad(model, norm)
    per_width, as_a_photo, pad_pens, milliseconds, details = {}, {}, [], [], []
    for name, width in WIDTHS.items():
        right = photo_right = 0
        for index in chosen:
            size = int(rng.choice(PADS))
            strokes = on_the_pad(skeleton_strokes(images[index].numpy()), size, rng)
            pad.drawing.strokes, pad.drawing.size, pad.drawing.width = strokes, size, width * size / 280
            start = time.perf_counter()
            prediction = pad.update()  # what the end of a stroke runs
            milliseconds.append(1000 * (time.perf_counter() - start))
            correct = prediction is not None and prediction.digit == int(labels[index])
            right += correct
            pad_pens.append(pen_fraction(prediction.prepared.pixels))  # what the model was given
            photo = classify(model, [prepare(pad.drawing.image(), polarity="light-on-dark", **norm)])[0]
            photo_right += photo.digit == int(labels[index])
            if args.details:
                details.append({"index": int(index), "width": width, "pad": size, "label": int(labels[index]),
                                "digit": prediction.digit if prediction else None,
                                "probabilities": prediction.probabilities if prediction else None,
                                "warnings": prediction.warnings if prediction else ["empty"]})
        per_width[name], as_a_photo[name] = right / len(chosen), photo_right / len(chosen)
        print(f"{name:<32} {per_width[name]:.2%} (prepared as a photo: {as_a_photo[name]:.2%})", file=sys.stderr)
    if args.sweep:  # the last width's drawings, read with other pens
        drawings = [Drawing(on_the_pad(skeleton_strokes(images[index].numpy()), 280, rng), 280) for index in chosen]
        sweep = {}
        for pen in SWEEP:
            read = classify(model, [prepare_drawing(drawing, **norm, pen=pen) for drawing in drawings])
            right = [r.digit == int(labels[i]) for r, i in zip(read, chosen, strict=True)]
            sweep[str(pen)] = round(float(np.mean(right)), 4)
            print(f"pen {pen}: {sweep[str(pen)]:.2%}", file=sys.stderr)
    report = {
        "digits": args.digits, "pads": list(PADS), "widths": WIDTHS,
        "per_width": {name: round(accuracy, 4) for name, accuracy in per_width.items()},
        "overall": round(statistics.mean(per_width.values()), 4),
        "pen": {"MNIST_PEN": MNIST_PEN, "mnist_training_median": round(statistics.median(mnist_pens), 4),
                "mnist_training_quartiles": [round(float(q), 4) for q in np.percentile(mnist_pens, [25, 75])],
                "pad_median": round(statistics.median(pad_pens), 4)},
        "ablation_prepared_as_a_photo": {"per_width": {name: round(a, 4) for name, a in as_a_photo.items()},
                                         "overall": round(statistics.mean(as_a_photo.values()), 4)},
        **({"pen_sweep": sweep} if args.sweep else {}),
        "milliseconds_to_reading": {"median": round(statistics.median(milliseconds), 1),
                                    "p95": round(float(np.percentile(milliseconds, 95)), 1)},
        "threads": 1,
    }
    path = save_results(f"drawn-{machine_kind()}.json", report)
    if args.details:
        (path.parent / f"drawn-details-{machine_kind()}.json").write_text(json.dumps(details) + "\n")
    if args.json:
        print(json.dumps(report))
    else:
        print(f"machine: {machine()}")
        for name, accuracy in report["per_width"].items():
            print(f"  {name:<32} {accuracy:.2%}")
        print(f"prepared as a photo instead: {report['ablation_prepared_as_a_photo']['overall']:.2%}; pen: MNIST's "
              f"{report['pen']['mnist_training_median']}, the pad's {report['pen']['pad_median']}")
        print(f"overall {report['overall']:.2%}; from the end of a stroke to the reading: "
              f"median {report['milliseconds_to_reading']['median']} ms, 95th percentile "
              f"{report['milliseconds_to_reading']['p95']} ms (results: {path})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
