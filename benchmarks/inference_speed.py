"""How fast, and how well, own images are read.

    OMP_WAIT_POLICY=PASSIVE python benchmarks/inference_speed.py [--data-dir D] [--photos 500] [--json]

1. End-to-end milliseconds per image (read, prepare MNIST-style, classify) for a small drawing
   and for 12- and 48-megapixel phone photos (JPEGs, downscaled while decoding).
2. Batched model throughput in images per second (the model alone, batch 1000).
3. With MNIST at hand: real handwriting "photographed" — test digits enlarged, written in dark
   ink on unevenly lit paper at a random place and size, blurred, noised, saved as JPEG — read
   through the whole pipeline, against the same digits fed to the model directly.

Results go to benchmarks/results/inference_speed-KIND.json (KIND: avx2, avx512, avx512-bf16),
stamped with the machine.
"""

import argparse
import io
import json
import statistics
import time

import cv2
import numpy as np
import torch
from common import check_environment, machine, machine_kind, save_results
from PIL import Image

from lenet_helpers.learning.checkpoint import load_model
from lenet_helpers.learning.data import find_data_dir, load_mnist, missing_files, normalize
from lenet_helpers.photos.pipeline import prepare
from lenet_helpers.photos.reading import classify, probabilities


def jpeg(array: np.ndarray, quality: int = 90) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def photographed(digit: np.ndarray, rng: np.random.Generator) -> bytes:
    """One MNIST digit as a phone photo of ink on paper."""
    h, w = 480, 640
    side = int(rng.uniform(0.35, 0.8) * h)
    ink = cv2.resize(digit, (side, side), interpolation=cv2.INTER_CUBIC).astype(np.float32) / 255
    y, x = rng.integers(0, h - side), rng.integers(0, w - side)
    canvas = np.zeros((h, w), np.float32)
    canvas[y : y + side, x : x + side] = np.clip(ink, 0, 1)
    light = np.linspace(rng.uniform(0.6, 0.9), 1.0, w)[None, :] * np.linspace(rng.uniform(0.8, 1), 1, h)[:, None]
    paper = 235 * light
    image = paper * (1 - canvas) + rng.uniform(20, 70) * canvas
    image = cv2.GaussianBlur(image, (0, 0), rng.uniform(0.5, 1.5)) + rng.normal(0, 4, image.shape)
    return jpeg(np.clip(image, 0, 255).astype(np.uint8), int(rng.integers(60, 95)))


def milliseconds(fn, repeat: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir")
    parser.add_argument("--photos", type=int, default=500, help="MNIST test digits to photograph")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    check_environment()
    model, info = load_model()
    rng = np.random.default_rng(0)
    stroke = np.zeros((28, 28), np.uint8)
    cv2.line(stroke, (9, 5), (18, 5), 255, 2)
    cv2.line(stroke, (18, 5), (11, 23), 255, 2)
    small = jpeg(255 - cv2.resize(stroke, (280, 280)))
    photo = photographed(stroke, rng)
    decoded = cv2.imdecode(np.frombuffer(photo, np.uint8), cv2.IMREAD_COLOR)
    large = jpeg(cv2.resize(decoded, (4000, 3000)), 88)
    huge = jpeg(cv2.resize(decoded, (8000, 6000)), 88)
    norm = info["normalization"]
    results = {
        "small_image_ms": milliseconds(lambda: classify(model, [prepare(small, **norm)]), 30),
        "photo_12mp_ms": milliseconds(lambda: classify(model, [prepare(large, **norm)]), 10),
        "photo_12mp_megabytes": len(large) / 1e6,
        "photo_48mp_ms": milliseconds(lambda: classify(model, [prepare(huge, **norm)]), 5),
    }
    batch = torch.randn(1000, 1, 28, 28)
    results["model_images_per_second"] = 1000 / (milliseconds(lambda: probabilities(model, batch), 10) / 1000)
    root = find_data_dir(args.data_dir)
    if not missing_files(root):
        images, labels = load_mnist(root, train=False)
        pick = torch.from_numpy(rng.choice(len(labels), args.photos, replace=False))
        direct = probabilities(model, normalize(images[pick], **norm)).argmax(dim=1)
        tensors = [prepare(photographed(images[i].numpy(), rng), **norm).tensor for i in pick.tolist()]
        read = probabilities(model, torch.cat(tensors)).argmax(dim=1)
        results["photographed_mnist_accuracy"] = (read == labels[pick]).float().mean().item()
        results["same_digits_direct_accuracy"] = (direct == labels[pick]).float().mean().item()
        results["photographed_digits"] = args.photos
    print(f"on {machine()}")
    print(f"{'end to end, small drawing (280x280 JPEG)':<48}{results['small_image_ms']:8.1f} ms")
    print(f"{'end to end, 12-megapixel photo':<48}{results['photo_12mp_ms']:8.1f} ms "
          f"({results['photo_12mp_megabytes']:.1f} MB JPEG)")
    print(f"{'end to end, 48-megapixel photo':<48}{results['photo_48mp_ms']:8.1f} ms")
    print(f"{'model alone, batch of 1000':<48}{results['model_images_per_second']:8,.0f} images/s")
    if "photographed_mnist_accuracy" in results:
        print(f"{'photographed MNIST test digits, whole pipeline':<48}{results['photographed_mnist_accuracy']:8.1%}"
              f"  ({args.photos} digits; fed directly: {results['same_digits_direct_accuracy']:.1%})")
    saved = save_results(f"inference_speed-{machine_kind()}.json", results)
    if args.json:
        print(json.dumps(results | {"machine": machine()}))
    else:
        print(f"saved to {saved}")


if __name__ == "__main__":
    main()
