"""Tiny MNIST-format files for the tests, written on the fly."""

from pathlib import Path

import numpy as np


def write_idx(path: Path, array: np.ndarray, magic: int) -> None:
    """Write an uint8 array in the IDX format MNIST uses (big-endian header, raw bytes)."""
    header = magic.to_bytes(4, "big") + b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    path.write_bytes(header + array.astype(np.uint8).tobytes())


def fake_digits(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """n 28x28 images whose class is easy to learn: a bright bar whose row is the label."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, n).astype(np.uint8)
    images = rng.integers(0, 30, (n, 28, 28)).astype(np.uint8)
    for image, label in zip(images, labels, strict=True):
        row = 4 + 2 * int(label)
        image[row : row + 2, 4:24] = 255
    return images, labels
