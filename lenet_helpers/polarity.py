"""Which side is the ink: dark ink on light paper, or light chalk on a dark board?"""

import cv2
import numpy as np

LOCAL_SIZE = 160  # longest side when comparing ink with its surroundings


def has_light_background(gray: np.ndarray, sheet: bool = True, shading: bool = True) -> bool:
    """True for dark ink on light paper.

    The paper is the majority, so a median is its level, and the ink is whichever extreme lies
    farther from it (after a 3x3 median, so single noisy pixels do not count). When both
    extremes lie about as far (a hard shadow splits the page into a lit and a shaded paper, or
    the light falls off steeply), the median is no paper's level, and with `shading` the vote
    is taken again against the paper's local level instead (shading_polarity). With `sheet`,
    the median of the picture's middle is asked too: a dark desk around a small sheet fools the
    whole picture's, a fat digit filling the middle fools the middle's; when they disagree, the
    middle wins only if its colour forms a sheet (one solid shape clear of the border).
    """
    smooth = cv2.medianBlur((gray * 255).astype(np.uint8), 3)
    h, w = smooth.shape
    darkest, lightest = float(smooth.min()), float(smooth.max())
    background = float(np.median(smooth))
    below, above = background - darkest, lightest - background
    if shading and max(below, above) < 1.5 * min(below, above):
        return shading_polarity(smooth)
    whole = below > above
    middle_paper = float(np.median(smooth[h // 5 : h - h // 5, w // 5 : w - w // 5]))
    middle = middle_paper - darkest > lightest - middle_paper
    if whole == middle or not sheet:
        return whole
    return middle if is_sheet(smooth, light=middle) else whole


def shading_polarity(smooth: np.ndarray) -> bool:
    """The vote of the extremes against the paper's local level: a wide median follows each paper.

    A median filter keeps the straight edge of a shadow where it is, so each side's paper is
    subtracted from itself; what stands out most, darker or brighter (the strongest half
    percent each way), is the ink.
    """
    scale = LOCAL_SIZE / max(smooth.shape)
    size = (max(1, round(smooth.shape[1] * scale)), max(1, round(smooth.shape[0] * scale)))
    small = cv2.resize(smooth, size, interpolation=cv2.INTER_AREA) if scale < 1 else smooth
    window = max(3, min(small.shape) // 4) | 1
    residual = small.astype(np.float32) - cv2.medianBlur(small, window)
    low, high = np.percentile(residual, [0.5, 99.5])
    return -float(low) > float(high)


def is_sheet(smooth: np.ndarray, light: bool) -> bool:
    """Whether the largest light (or dark) region is a sheet: a solid quadrilateral, big, clear of the border.

    Solid means that its outline, holes (the ink) filled, covers most of the smallest turned
    rectangle around it: a sheet lies at any angle.
    """
    _, classes = cv2.threshold(smooth, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    region = ((classes > 0) if light else (classes == 0)).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(region, connectivity=8)
    if count < 2:
        return False
    largest = 1 + int(np.argmax(stats[1:, 4]))
    x, y, w, h, _ = stats[largest]
    height, width = smooth.shape
    if x == 0 or y == 0 or x + w == width or y + h == height:
        return False
    contours, _ = cv2.findContours((labels == largest).astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    outline = max(contours, key=cv2.contourArea)
    filled = cv2.contourArea(outline)
    (_, _), (rw, rh), _ = cv2.minAreaRect(outline)
    return filled >= 0.85 * rw * rh and filled >= 0.1 * smooth.size
