"""Pictures of ink drawn for the photo pipeline's tests."""

import cv2
import numpy as np


def ring_and_specks() -> np.ndarray:
    """A bright-ink 0 filling most of the picture, with a speck inside the ring and one outside."""
    ink = np.zeros((300, 300), np.float32)
    cv2.ellipse(ink, (150, 150), (90, 130), 0, 0, 360, 1.0, 14, cv2.LINE_AA)
    cv2.circle(ink, (150, 150), 4, 1.0, -1)
    cv2.circle(ink, (280, 20), 4, 1.0, -1)
    return ink


def seven(size=400, thickness=24, offset=(0, 0), scale=1.0) -> np.ndarray:
    """A dark 7 on white paper, as a gray uint8 image."""
    image = np.full((size, size), 240, np.uint8)
    s, (ox, oy) = scale * size / 400, offset
    points = np.array([[120, 80], [280, 80], [170, 330]]) * s + [ox, oy]
    cv2.polylines(image, [points.astype(np.int32)], False, 20, max(1, int(thickness * s)), cv2.LINE_AA)
    return image


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(a.ravel(), b.ravel())[0, 1])
