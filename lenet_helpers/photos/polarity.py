"""Which side is the ink: dark ink on light paper, or light chalk on a dark board?

Ink is drawn in lines: across a stroke the brightness dips (dark ink) or peaks (chalk) and comes
back on the other side. Light and shadows, the edge of a sheet on a desk, a gradient across the
page are steps or slopes: brighter on one side, darker on the other, never both. So the side of
the ink is the side of the lines, counted at every scale from a hairline to a marker. Counted in
the logarithm of the brightness, because light multiplies: ink in a shadow is as many times
darker than its paper as ink in the light.
"""

import cv2
import numpy as np

from .tuning import Tuning


def has_light_background(gray: np.ndarray, lines: bool = True, tuning: Tuning = Tuning()) -> bool:
    """True for dark ink on light paper.

    A drawing (`is_drawing`) has its background at its darkest or its lightest level. A photo's
    paper is never one level: then the ink is on the side of the lines (`line_votes`). With
    `lines` off, the earlier rule for comparison: the paper is the median, the ink the extreme
    farther from it.
    """
    smooth = cv2.medianBlur((gray * 255).astype(np.uint8), 3)  # single noisy pixels do not count
    paper, darkest, lightest = float(np.median(smooth)), float(smooth.min()), float(smooth.max())
    if _one_level(smooth) or not lines:
        return contrast(paper, darkest, tuning.black_level) > contrast(lightest, paper, tuning.black_level)
    dark, light = line_votes(smooth, tuning)
    return dark >= light


def is_drawing(gray: np.ndarray) -> bool:
    """True for a digital drawing, a screenshot or MNIST itself: its median level is its darkest or lightest.

    Its background covers most of it, at one level; a photo's paper is never one level: light,
    grain and noise spread it.
    """
    return _one_level(cv2.medianBlur((gray * 255).astype(np.uint8), 3))


def _one_level(smooth: np.ndarray) -> bool:
    paper = float(np.median(smooth))
    return paper <= float(smooth.min()) + 1 or paper >= float(smooth.max()) - 1


def contrast(brighter: float, darker: float, black_level: int = Tuning.black_level) -> float:
    """How many times brighter, as a logarithm (levels of 255, `black_level` added against noise)."""
    return float(np.log((brighter + black_level) / (darker + black_level)))


def line_votes(smooth: np.ndarray, tuning: Tuning = Tuning()) -> tuple[float, float]:
    """How much of the picture lies in dark lines, and how much in light ones, summed over scales.

    At distance d, a pixel lies in a dark line when it is darker than both points d away on
    either side (across, along or diagonally), by the lesser of the two differences; a step
    puts one side brighter and one darker, so it adds nothing. Scales grow from one pixel to
    `line_scales` of the picture's short side, past the half-width of a marker's stroke on a
    digit that fills the picture, each weighted by 1/d: a stroke adds the same at every scale
    wider than itself, while near the corner of a sheet or a shadow more pixels count the wider
    the scale. Counted on a copy at most `line_size` across.
    """
    scale = tuning.line_size / max(smooth.shape)
    if scale < 1:
        size = (max(1, round(smooth.shape[1] * scale)), max(1, round(smooth.shape[0] * scale)))
        smooth = cv2.resize(smooth, size, interpolation=cv2.INTER_AREA)
    levels = np.log(smooth.astype(np.float32) + tuning.black_level)
    dark_total = light_total = 0.0
    for d, dark, light in line_depths(levels, min(levels.shape) * tuning.line_scales):
        dark_total += float(dark.sum()) / d
        light_total += float(light.sum()) / d
    return dark_total, light_total


def line_depths(levels: np.ndarray, largest: float):
    """For each scale d from one pixel to `largest`, how deep each pixel lies in a dark and in a light line.

    Yields (d, dark, light): how much darker than both points d away on either side (across, along
    or diagonally) each pixel is, and how much lighter; zero on a step.
    """
    height, width = levels.shape
    pad = max(height, width)
    padded = np.pad(levels, pad, mode="edge")
    d = 1
    while d <= largest:
        step = round(d / np.sqrt(2))
        dark, light = np.zeros_like(levels), np.zeros_like(levels)
        for dy, dx in ((0, d), (d, 0), (step, step), (step, -step)):
            ahead = padded[pad + dy : pad + dy + height, pad + dx : pad + dx + width]
            behind = padded[pad - dy : pad - dy + height, pad - dx : pad - dx + width]
            dark = np.maximum(dark, np.minimum(ahead, behind) - levels)
            light = np.maximum(light, levels - np.maximum(ahead, behind))
        yield d, dark, light
        d = max(d + 1, round(d * 1.6))
