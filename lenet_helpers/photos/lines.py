"""Printed lines taken out of the ink: the rules of lined or squared paper, a form's answer line."""

import cv2
import numpy as np

from .tuning import Tuning


def without_ruled_lines(mask: np.ndarray, ink: np.ndarray, rules: bool = True, answers: bool = True,
                        tuning: Tuning = Tuning()) -> np.ndarray:
    """The ink without printed lines: the `rules` of lined or squared paper, and a form's `answers` lines.

    Rules are `rule_family` or more parallel lines across the picture. An answer line is a thin,
    straight, unbroken, near-horizontal line at least `answer_longer` times as long as the
    tallest ink left beside it is tall: longer than a digit's strokes (a squat 7's bar, a Z-like 2's, can be
    longer than the rest of the digit is tall, but not by half). Rules darker than the paper's
    noise join the digit, a notebook's margin and each other into one piece along the border,
    which would be dropped with the digit in it, and a digit written on an answer line joins it;
    so they are taken out before the pieces are found. A stroke lying along such a line (a 2's
    base written on it) goes with it.
    """
    segments, half_width = thin_segments(mask, tuning)
    found = list(parallel_lines(segments, min(mask.shape), tuning.parallel_tilt, tuning.parallel_apart))
    ruled = rule_lines(found, mask.shape, tuning.rule_family, tuning.rule_reach) if rules else []
    rest = take_out(mask, ink, ruled, half_width, tuning.written_over)
    for line in answer_lines(found, mask.shape, ruled, tuning.answer_tilt, tuning.answer_gap) if answers else []:
        without = take_out(rest, ink, [line], half_width, tuning.written_over)
        tallest = tallest_ink(without, tuning.speck)
        if not np.array_equal(without, rest) and line_length(line) >= tuning.answer_longer * tallest:
            rest = without
    return rest


def take_out(mask: np.ndarray, ink: np.ndarray, lines: list[np.ndarray], half_width: float,
             written_over: float = Tuning.written_over) -> np.ndarray:
    """`mask` without the printed `lines` (each an array of segments), keeping what is written over them.

    What is written over a line stays: a printed line's ink is even, and a stroke over it adds to
    it (`written_over` above its level, or four of its deviations); where a stroke crosses a
    line, the crossing is kept (the stroke's ink on both sides closes over it).
    """
    drawn = np.zeros(mask.shape, np.uint8)
    for line in lines:
        for x1, y1, x2, y2 in line:
            cv2.line(drawn, (int(x1), int(y1)), (int(x2), int(y2)), 1, 1)
    if not drawn.any():
        return mask
    reach = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * round(half_width) + 3,) * 2)
    printed = (cv2.dilate(drawn, reach) > 0) & mask
    if not printed.any():
        return mask
    level = float(np.median(ink[printed]))
    spread = 1.4826 * float(np.median(np.abs(ink[printed] - level)))
    printed &= ink <= level + max(written_over, 4 * spread)  # darker than the printed line: written over it
    rest = mask & ~printed
    crossings = cv2.morphologyEx(rest.astype(np.uint8), cv2.MORPH_CLOSE, reach) > 0
    return rest | (printed & crossings)


def tallest_ink(mask: np.ndarray, speck: float = Tuning.speck) -> int:
    """The height of the tallest piece of `mask` that is not a speck (under `speck` of the largest); 0 without ink."""
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    if count < 2:
        return 0
    areas, heights = stats[1:, cv2.CC_STAT_AREA], stats[1:, cv2.CC_STAT_HEIGHT]
    return int(heights[areas >= speck * areas.max()].max())


def line_length(line: np.ndarray) -> float:
    """How far a printed line's segments reach along their direction."""
    direction = line[0, 2:] - line[0, :2]
    direction = direction / max(float(np.hypot(*direction)), 1e-9)
    return float(np.ptp(np.concatenate([line[:, :2], line[:, 2:]]) @ direction))


def thin_segments(mask: np.ndarray, tuning: Tuning = Tuning()) -> tuple[np.ndarray, float]:
    """Straight segments of the ink at least `segment_length` of the picture's shorter side, and thin as printed lines.

    Returns the segments (N, 4: x1, y1, x2, y2) and their median half-width in pixels, at most
    `line_half_width` of the shorter side. A segment along a thick stroke's edge is not thin: the
    depth of the ink near it is the stroke's.
    """
    side = min(mask.shape)
    binary = mask.astype(np.uint8)
    if binary.all():
        return np.zeros((0, 4)), 0.0
    length = tuning.segment_length
    found = cv2.HoughLinesP(binary, 1, np.pi / 360, int(length * side / 2), minLineLength=int(length * side),
                            maxLineGap=max(2, int(side * tuning.segment_gap)))
    if found is None:
        return np.zeros((0, 4)), 0.0
    segments = found.reshape(-1, 4).astype(np.float64)
    along = np.linspace(0, 1, 16)
    xs = np.rint(segments[:, :1] + along * (segments[:, 2:3] - segments[:, :1])).astype(int)
    ys = np.rint(segments[:, 1:2] + along * (segments[:, 3:4] - segments[:, 1:2])).astype(int)
    limit = max(3, int(side * tuning.line_half_width))  # 3 pixels at least
    depth = cv2.distanceTransform(binary, cv2.DIST_L2, 3)  # how far inside the ink
    deepest = cv2.dilate(depth, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * limit + 3,) * 2))
    half_width = np.median(deepest[ys, xs], axis=1)
    thin = half_width <= limit
    return segments[thin], float(np.median(half_width[thin])) if thin.any() else 0.0


def rule_lines(found: list, shape: tuple[int, int], family: int = Tuning.rule_family,
               reach: float = Tuning.rule_reach) -> list[np.ndarray]:
    """The rules of `found` (`parallel_lines`), for each direction in which `family` or more run across the picture.

    A rule crosses the paper from edge to edge: its segments together come within `reach` of
    both ends of the picture's extent along it. A digit's strokes are shorter, curved or thicker,
    and a row of 1s does not run from the picture's top to its bottom.
    """
    height, width = shape
    corners = np.array([[0, 0], [width, 0], [0, height], [width, height]], np.float64)
    rules = []
    for direction, lines in found:
        span = corners @ direction
        low, high = span.min() + reach * np.ptp(span), span.max() - reach * np.ptp(span)
        across = []
        for line in lines:
            ends = np.concatenate([line[:, :2], line[:, 2:]]) @ direction
            if ends.min() <= low and ends.max() >= high:
                across.append(line)
        if len(across) >= family:
            rules += across
    return rules


def answer_lines(found: list, shape: tuple[int, int], rules: list[np.ndarray], tilt: float = Tuning.answer_tilt,
                 gap: float = Tuning.answer_gap) -> list[np.ndarray]:
    """The lines of `found` (`parallel_lines`) near horizontal (`tilt` degrees), not `rules`: answer lines, perhaps.

    A printed line is unbroken: segments on one line further apart than `gap` of the picture's
    shorter side are separate lines (the bars of two 7s side by side, a bar in line with a rule).
    """
    lines = []
    for direction, candidates in found:
        if abs(direction[1]) > np.sin(np.radians(tilt)):
            continue
        for line in candidates:
            if any(line is rule for rule in rules):
                continue  # taken out already
            starts, ends = np.sort(line[:, [0, 2]] * direction[0] + line[:, [1, 3]] * direction[1], axis=1).T
            order = np.argsort(starts)
            reach = np.maximum.accumulate(ends[order])
            apart = np.flatnonzero(starts[order][1:] > reach[:-1] + gap * min(shape)) + 1
            lines += [line[part] for part in np.split(order, apart)]
    return lines


def parallel_lines(segments: np.ndarray, side: int, tilt: float = Tuning.parallel_tilt,
                   apart: float = Tuning.parallel_apart):
    """The segments by direction (within `tilt` degrees), each direction's split into lines.

    Yields (unit direction, lines), each line an array of its segments: parallel lines are told
    apart by the paper between them (`apart` of the picture's shorter `side`).
    """
    angle = np.arctan2(segments[:, 3] - segments[:, 1], segments[:, 2] - segments[:, 0]) % np.pi
    free = np.ones(len(segments), bool)
    for i in range(len(segments)):
        if not free[i]:
            continue
        turn = np.abs(angle - angle[i])
        members = np.flatnonzero(free & (np.minimum(turn, np.pi - turn) <= np.radians(tilt)))
        free[members] = False
        direction = np.array([np.cos(angle[i]), np.sin(angle[i])])
        offsets = segments[members, :2] @ np.array([-direction[1], direction[0]])
        order = np.argsort(offsets)
        breaks = np.flatnonzero(np.diff(offsets[order]) > apart * side) + 1
        yield direction, [segments[group] for group in np.split(members[order], breaks)]
