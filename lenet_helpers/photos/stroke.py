"""Stroke width: measured, and brought into MNIST's range (hairlines thickened, markers thinned)."""

import cv2
import numpy as np

STROKE_RANGE = (0.07, 0.17)  # stroke width / digit size seen in MNIST (10th-90th pct: 0.08-0.15)


def stroke_width(binary: np.ndarray) -> float:
    """Mean stroke width: twice the ink area over the length of its outlines."""
    contours, _ = cv2.findContours(binary, cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
    perimeter = sum(cv2.arcLength(c, True) for c in contours)
    return 2.0 * float(binary.sum()) / perimeter if perimeter else 0.0


def normalize_stroke(digit: np.ndarray) -> np.ndarray:
    """Thicken hairlines and thin marker strokes of a grey digit to MNIST's stroke width.

    Returns the same array when the strokes are already in MNIST's range.
    """
    binary = (digit > 0.5).astype(np.uint8)
    if not binary.any():
        return digit
    ys, xs = np.nonzero(binary)
    size = max(np.ptp(ys), np.ptp(xs)) + 1
    ratio = stroke_width(binary) / size
    low, high = STROKE_RANGE
    if ratio < low:
        grow = round((low + 0.03 - ratio) * size)
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (grow + 1, grow + 1))
        return cv2.dilate(digit, kernel)
    if ratio > high:
        shrink_by = round((ratio - high + 0.03) * size)
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (shrink_by + 1, shrink_by + 1))
        thinner = cv2.erode(digit, kernel)
        return thinner if thinner.sum() > 0.3 * digit.sum() else digit
    return digit
