"""MNIST's own recipe, what lesson 05 teaches: how every MNIST digit was made from a scanned one.

White ink on black, cropped to the ink, fitted into a 20x20 box keeping the aspect ratio
(anti-aliased: grey edges), placed in 28x28 so that the centre of mass is where MNIST's are (the
centre), then normalised exactly as the training images. A photo's cleaning, before this, is
in `preprocess`.
"""

import cv2
import numpy as np
import torch

from ..learning.data import MNIST_MEAN, MNIST_STD, normalize
from .stroke import normalize_stroke
from .tuning import Tuning

MASS_CENTRE = 14.0  # where MNIST's training digits have their centre of mass, on average, in rows and columns


def bounding_box(mask: np.ndarray) -> tuple[int, int, int, int]:
    """x, y, width, height of the True pixels of a mask."""
    ys, xs = np.nonzero(mask)
    x, y = int(xs.min()), int(ys.min())
    return x, y, int(xs.max()) - x + 1, int(ys.max()) - y + 1


def fit_digit(ink: np.ndarray, mask: np.ndarray, stroke: bool = True,
              tuning: Tuning = Tuning()) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """Crop to the ink, fit into 20x20 keeping the aspect ratio; returns the digit and its box.

    With `stroke`, a photo's hairline or marker strokes are first brought to MNIST's width: not
    part of MNIST's recipe (its scans had pen strokes already), the course's addition for photos.
    """
    x, y, w, h = bounding_box(mask)
    crop = np.pad(ink, 1)[y : y + h + 2, x : x + w + 2].astype(np.float32)  # one pixel of soft edge
    if stroke:  # measured and corrected on a small copy, with room to thicken
        scale = float(tuning.stroke_copy) / max(w, h)
        size = (max(1, round(crop.shape[1] * scale)), max(1, round(crop.shape[0] * scale)))
        method = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
        small = np.pad(cv2.resize(crop, size, interpolation=method), tuning.stroke_room)
        corrected = normalize_stroke(small, tuning)
        if corrected is not small:
            crop = corrected
    ys, xs = np.nonzero(crop > 0.05)
    crop = crop[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    fit = 20.0 / max(crop.shape)
    size = (max(1, round(crop.shape[1] * fit)), max(1, round(crop.shape[0] * fit)))
    method = cv2.INTER_AREA if fit < 1 else cv2.INTER_LINEAR
    return np.clip(cv2.resize(crop, size, interpolation=method), 0, 1), (x, y, w, h)


def center_by_mass(digit: np.ndarray, centre: float = MASS_CENTRE) -> np.ndarray:
    """Place a 20x20-fitted digit in 28x28 so that its centre of mass falls where MNIST's do.

    MNIST's digits were moved by whole pixels, so their centres of mass spread over the pixel
    around (14, 14). Here the digit is moved by fractions of a pixel (bilinear) to that point
    exactly: with whole pixels, a photo whose centre of mass lay near a half pixel could jump by
    one pixel for a hair's difference, and a model can read the same digit differently one
    pixel apart. The whole digit stays in the frame.
    """
    h, w = digit.shape
    moments = cv2.moments(digit)
    if moments["m00"] == 0:
        dy, dx = (28 - h) / 2, (28 - w) / 2
    else:
        dy = min(max(centre - moments["m01"] / moments["m00"], 0), 28 - h)
        dx = min(max(centre - moments["m10"] / moments["m00"], 0), 28 - w)
    shift = np.float32([[1, 0, dx], [0, 1, dy]])
    return cv2.warpAffine(digit.astype(np.float32), shift, (28, 28), flags=cv2.INTER_LINEAR)


def to_tensor(pixels: np.ndarray, mean: float = MNIST_MEAN, std: float = MNIST_STD) -> torch.Tensor:
    """28x28 pixels in [0, 1] -> (1, 1, 28, 28) normalised exactly as the training images."""
    return normalize(torch.from_numpy(np.ascontiguousarray(pixels, dtype=np.float32))[None], mean, std)
