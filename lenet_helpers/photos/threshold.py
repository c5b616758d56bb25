"""Ink from paper: a guarded Otsu threshold, and a faint plateau set apart from the ink left out."""

import cv2
import numpy as np

from ..errors import ImageError
from .pieces import Piece, find_pieces
from .tuning import Tuning


def weighted_otsu(values: np.ndarray, weights: np.ndarray) -> tuple[int, float]:
    """Otsu's split of sorted `values` with `weights`: (first index above it, separation in [0, 1]).

    The separation is the between-class variance over the total variance: 1 for two sharp
    modes, 0.75 for an even spread. The first best split is taken, as OpenCV's Otsu does.
    """
    values, weights = np.asarray(values, np.float64), np.asarray(weights, np.float64)
    total = float(weights.sum())
    if total <= 0 or len(values) < 2:
        return 0, 0.0
    mean = float(weights @ values) / total
    variance = float(weights @ (values - mean) ** 2) / total
    low = np.cumsum(weights)[:-1]  # the weight at and below each split, and its first moment
    moment = np.cumsum(weights * values)[:-1]
    high = total - low
    valid = (low > 0) & (high > 1e-12 * total)
    between = np.zeros(len(low))
    between[valid] = (mean * low[valid] - moment[valid]) ** 2 / (low[valid] * high[valid])
    k = int(np.argmax(between))
    if between[k] <= 0:
        return 0, 0.0
    return k + 1, float(between[k]) / variance if variance > 0 else 0.0


def ink_mask(ink: np.ndarray, name: str = "image", tuning: Tuning = Tuning()) -> tuple[np.ndarray, float]:
    """Binary ink and its threshold: Otsu's, but never inside the paper's noise; no contrast, no digit.

    Otsu's threshold splits the picture's levels in two, which goes wrong when the ink is a tiny
    part of the picture (a small digit in a large photo): then the paper's own noise is split. So
    the threshold is at least the paper's median plus `paper_spreads` robust standard deviations
    of it. Fewer than `ink_pixels` pixels at `blank_level` or more are blank paper.
    """
    smooth = cv2.medianBlur((ink * 255).astype(np.uint8), 3)
    if np.count_nonzero(smooth >= tuning.blank_level) < tuning.ink_pixels:
        raise ImageError(f"{name} shows no ink (an empty page?); photograph a written digit.")
    otsu, _ = cv2.threshold(smooth, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    paper = float(np.median(smooth))
    spread = 1.4826 * float(np.median(np.abs(smooth - paper)))
    threshold = min(max(otsu, paper + tuning.paper_spreads * spread), float(tuning.highest_threshold))
    return smooth > threshold, threshold / 255


def is_grainy(mask: np.ndarray, tuning: Tuning = Tuning()) -> bool:
    """Whether the ink is strokes broken into dots: no piece holds `grain` of it, and most pieces are specks.

    Both are needed: a worksheet's printed words beside a thin digit also spread the ink over
    many pieces, but their letters are each a sizeable part of the largest piece.
    """
    _, _, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    areas = stats[1:, 4]
    if not len(areas):
        return False
    largest = float(areas.max())
    return largest < tuning.grain * float(areas.sum()) and float(np.median(areas)) < tuning.speck * largest


def without_grain(ink: np.ndarray, mask: np.ndarray, threshold: float, name: str = "image",
                  tuning: Tuning = Tuning()) -> tuple[np.ndarray, np.ndarray, float]:
    """The ink smoothed over its grain when its strokes come apart in dots: (ink, mask, threshold).

    Pen ink is a few pieces (a digit, perhaps broken once, and specks); chalk that skips on a
    board, or pencil on rough paper, is a cloud of dots none of which holds much of it, and
    Otsu's split then falls inside the strokes, between dense and sparse grain. Such ink is
    blurred by the smallest Gaussian (sigma 1, 1.5, ... `widest_grain` pixels) after which it is
    no longer grainy, and thresholded again; ink that is not grainy comes back as it is.
    """
    if not is_grainy(mask, tuning):
        return ink, mask, threshold
    for sigma in np.arange(1.0, tuning.widest_grain + 0.01, 0.5):
        smooth = cv2.GaussianBlur(ink, (0, 0), float(sigma))
        smooth = smooth / max(float(smooth.max()), 1e-6)
        joined, level = ink_mask(smooth, name, tuning)
        if not is_grainy(joined, tuning):
            return smooth, joined, level
    return ink, mask, threshold


def without_faint_plateau(ink: np.ndarray, mask: np.ndarray, pieces: list[Piece], page_edges: bool = True,
                          specks: bool = True, tuning: Tuning = Tuning()):
    """The stronger ink alone, when the ink's levels hold a faint plateau apart from it; else None.

    Returns (mask, threshold, pieces, labels). The split is refused when the strong ink clear of
    the picture's border is only specks beside the `pieces` found before: then the strong ink is
    a screen's bezel or a desk's edge, or the darkest grains of a textured stroke, and the
    fainter ink is the digit.
    """
    smooth = cv2.medianBlur((ink * 255).astype(np.uint8), 3)
    split = faint_plateau(smooth[mask], tuning.faint_separation, tuning.faint_least)
    if not split:
        return None
    strong = mask & (smooth > split)
    stronger, labels = find_pieces(strong, page_edges, specks, tuning)
    clear = [p.area for p in stronger if not p.border]
    if not clear or max(clear) < tuning.speck * max(p.area for p in pieces):
        return None
    return strong, split / 255, stronger, labels


def faint_plateau(levels: np.ndarray, separation: float = Tuning.faint_separation,
                  least: int = Tuning.faint_least) -> float:
    """The level above a faint plateau of 'ink' set apart from the real ink; 0 when there is none.

    A stroke's levels spread evenly from its soft edges to its core (Otsu's separation of an even
    spread is 0.75). What a shadow's corner or a band between two shadows leaves behind is a
    plateau, as many times fainter as the shadow is light: two separate modes, and the fainter
    one is dropped when Otsu's separation of the ink's own levels exceeds `separation`. Fewer
    than `least` levels are not split.
    """
    if levels.size < least:
        return 0.0
    counts = np.bincount(levels.ravel(), minlength=256)
    split, between = weighted_otsu(np.arange(len(counts)), counts)
    return float(split - 1) if split and between > separation else 0.0
