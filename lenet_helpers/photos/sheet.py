"""A sheet of paper photographed on a darker desk: the sheet found, the desk painted over with paper.

The desk around a sheet is neither paper nor ink. It is darker than the paper like ink, and
where it shows as a strip narrower than the background's window it stays as the strongest "ink"
of the picture: it sets the threshold above a faint digit, and the light sheet between dark
strips can even look like a light stroke on a dark board. A sheet is told from the rest by its
shape and its edge: one light region, a rectangle (turned, or cut by the frame), mostly bare
paper, with a sharp step down to what surrounds it. And by what is written: the digit is on the
sheet, and nothing on the desk is drawn half as deep. That keeps a shadow's dark part that holds the
digit, paper beyond a pen lying across it, a light bar of a digit on a dark ground, and a white
wall above a chalkboard from being taken for a desk and a sheet.
"""

import cv2
import numpy as np

from .polarity import line_depths
from .tuning import Tuning


def find_sheet(gray: np.ndarray, tuning: Tuning = Tuning()) -> np.ndarray | None:
    """The sheet as a mask over `gray` (float, 1 = white), or None when the picture shows no sheet on a desk.

    The sheet is the largest light region (Otsu's split of a copy `tuning.sheet_size` across)
    with what it holds (the digit, the holes the ink leaves) filled in by its convex hull. The
    hull must cover between `sheet_least` and `sheet_most` of the picture, fill `sheet_square` of
    the smallest turned rectangle around it (within the frame), and be light at `sheet_bare` of
    its area; the desk just outside its edge must be at most `desk_darker` times as bright as the
    paper just inside (a light grey table is not taken: a shaded panel or a shadow on the page is
    as light, and painting it over with the paper's light would erase a digit in it). Its deepest
    dark lines (the writing) must be `written_deeper` times as deep as any on the desk.
    """
    scale = tuning.sheet_size / max(gray.shape)
    size = (max(1, round(gray.shape[1] * scale)), max(1, round(gray.shape[0] * scale)))
    small = (np.clip(cv2.resize(gray, size, interpolation=cv2.INTER_AREA), 0, 1) * 255).astype(np.uint8)
    smooth = cv2.medianBlur(small, 5)
    _, light = cv2.threshold(smooth, 0, 1, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(light)
    if count < 2:
        return None
    largest = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    contours, _ = cv2.findContours((labels == largest).astype(np.uint8), cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    hull = cv2.convexHull(max(contours, key=cv2.contourArea))
    sheet = np.zeros(small.shape, np.uint8)
    cv2.fillPoly(sheet, [hull], 1)
    if not tuning.sheet_least <= float(sheet.mean()) <= tuning.sheet_most \
            or not is_rectangle(hull, small.shape, tuning.sheet_square):
        return None
    if float(light[sheet > 0].mean()) < tuning.sheet_bare:
        return None
    edge = round(tuning.sheet_edge * tuning.sheet_size)
    band = cv2.getStructuringElement(cv2.MORPH_RECT, (edge, edge))
    core, reach = cv2.erode(sheet, band) > 0, cv2.dilate(sheet, band) > 0  # the sheet without its edge; with it
    inside, outside = (sheet > 0) & ~core, reach & (sheet == 0)  # the bands on either side of the edge
    if not outside.any() or np.median(smooth[outside]) > tuning.desk_darker * np.median(smooth[inside]):
        return None
    full_size = (gray.shape[1], gray.shape[0])
    core = cv2.resize(core.astype(np.uint8), full_size, interpolation=cv2.INTER_NEAREST) > 0
    desk = cv2.resize((~reach).astype(np.uint8), full_size, interpolation=cv2.INTER_NEAREST) > 0
    if not written_on(cv2.medianBlur((np.clip(gray, 0, 1) * 255).astype(np.uint8), 3), core, desk, tuning):
        return None
    full = np.zeros(gray.shape, np.uint8)
    cv2.fillPoly(full, [np.round(hull / scale).astype(np.int32)], 1)
    return full > 0


def is_rectangle(hull: np.ndarray, shape: tuple[int, int], square: float) -> bool:
    """Whether a convex outline fills `square` of the smallest turned rectangle around it, cut by the frame."""
    height, width = shape
    frame = np.array([[0, 0], [width, 0], [width, height], [0, height]], np.float32)
    around, _ = cv2.intersectConvexConvex(cv2.boxPoints(cv2.minAreaRect(hull)).astype(np.float32), frame)
    return cv2.contourArea(hull) >= square * around


def written_on(levels: np.ndarray, sheet: np.ndarray, desk: np.ndarray, tuning: Tuning = Tuning()) -> bool:
    """Whether the sheet holds writing and the desk nothing drawn as deep (`levels`: uint8, full size).

    Depth: how much darker a pixel is than both sides of it, at scales up to a marker's stroke
    (`polarity.line_depths`); on the sheet, taken at its deepest pixels that make a line
    `written_line` of the picture's side long (a small digit on a large sheet is as written as a
    large one), on the desk where its deepest `desk_grain` lie (its grain, not a crumb). Measured
    at full size, not on the small copy the sheet is found in, where a fine pen's line fades.
    """
    if not sheet.any() or not desk.any():
        return False
    levels = np.log(levels.astype(np.float32) + tuning.black_level)
    depth = np.zeros_like(levels)
    for _, dark, _ in line_depths(levels, min(levels.shape) * tuning.written_scales):
        depth = np.maximum(depth, dark)
    count = max(9, int(min(depth.shape) * tuning.written_line))  # however large the sheet (9 pixels at least)
    writing = deepest(depth[sheet], count)
    grain = deepest(depth[desk], max(count, int(tuning.desk_grain * np.count_nonzero(desk))))
    return writing >= tuning.written_depth and grain * tuning.written_deeper <= writing


def deepest(depths: np.ndarray, count: int) -> float:
    """The `count`-th largest of `depths` (its smallest when it holds fewer)."""
    if depths.size <= count:
        return float(depths.min())
    return float(np.partition(depths, depths.size - count)[depths.size - count])


def without_desk(gray: np.ndarray, sheet: np.ndarray, tuning: Tuning = Tuning()) -> np.ndarray:
    """`gray` with everything off the sheet painted with the brightness of the paper around it.

    The sheet is first shrunk by `desk_margin` of the picture's longer side, so that its edge's
    dark seam goes too. The paper's brightness is carried outwards by a normalised blur, so that a page
    lit unevenly meets its painted surround without a step; far from the sheet, its median.
    """
    reach = 2 * max(1, round(tuning.desk_margin * max(gray.shape))) + 1
    paper = cv2.erode(sheet.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (reach, reach))) > 0
    if not paper.any():
        return gray.astype(np.float32)
    shrink = 8  # the blur is wide: it is computed on a picture 8 times smaller, then enlarged
    size = (max(1, gray.shape[1] // shrink), max(1, gray.shape[0] // shrink))
    weight = cv2.resize(paper.astype(np.float32), size, interpolation=cv2.INTER_AREA)
    values = cv2.resize(gray.astype(np.float32) * paper, size, interpolation=cv2.INTER_AREA)
    sigma, far = tuning.paper_reach * max(size), 1e-3  # far from the sheet, its median brightness takes over
    level = ((cv2.GaussianBlur(values, (0, 0), sigma) + far * float(np.median(gray[paper])))
             / (cv2.GaussianBlur(weight, (0, 0), sigma) + far))
    level = cv2.resize(level, (gray.shape[1], gray.shape[0]), interpolation=cv2.INTER_LINEAR)
    return np.where(paper, gray, level).astype(np.float32)
