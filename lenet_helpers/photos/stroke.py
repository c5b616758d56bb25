"""Stroke width: measured, and brought into MNIST's range (hairlines thickened, markers thinned)."""

import cv2
import numpy as np

from .tuning import Tuning


def stroke_width(binary: np.ndarray) -> float:
    """Mean stroke width: twice the ink area over the length of its outlines."""
    contours, _ = cv2.findContours(binary, cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
    perimeter = sum(cv2.arcLength(c, True) for c in contours)
    return 2.0 * float(binary.sum()) / perimeter if perimeter else 0.0


def normalize_stroke(digit: np.ndarray, tuning: Tuning = Tuning()) -> np.ndarray:
    """Thicken hairlines and thin marker strokes of a grey digit to MNIST's stroke width.

    Returns the same array when the strokes are already in MNIST's range (`stroke_range`); else
    they are brought `stroke_margin` inside it. A marker thinned to less than `thinned_keeps` of
    its ink stays as it was.
    """
    binary = (digit > 0.5).astype(np.uint8)
    if not binary.any():
        return digit
    ys, xs = np.nonzero(binary)
    size = max(np.ptp(ys), np.ptp(xs)) + 1
    ratio = stroke_width(binary) / size
    low, high = tuning.stroke_range
    if ratio < low:
        grow = round((low + tuning.stroke_margin - ratio) * size)
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (grow + 1, grow + 1))
        return cv2.dilate(digit, kernel)
    if ratio > high:
        shrink_by = round((ratio - high + tuning.stroke_margin) * size)
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (shrink_by + 1, shrink_by + 1))
        thinner = cv2.erode(digit, kernel)
        return thinner if thinner.sum() > tuning.thinned_keeps * digit.sum() else digit
    return digit
