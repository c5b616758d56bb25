"""Erasing the printed lines of ruled or squared paper from a mask of ink."""

import cv2
import numpy as np


def remove_ruled_lines(mask: np.ndarray) -> np.ndarray:
    """Erase the printed lines of ruled or squared paper, found as long straight segments.

    Only a family of four or more parallel, evenly spaced, nearly horizontal (or vertical)
    lines that run across most of the picture is erased, each from edge to edge: a digit's
    own long stroke, or the edges of a sheet lying on a desk, stay.
    """
    height, width = mask.shape
    if min(height, width) < 128:  # a drawing or a crop, not a photo of a page
        return mask
    binary = mask.astype(np.uint8)
    segments = cv2.HoughLinesP(binary, 1, np.pi / 180, threshold=max(20, min(height, width) // 4),
                               minLineLength=int(0.3 * min(height, width)), maxLineGap=max(3, width // 80))
    if segments is None:
        return mask
    cleaned = binary.copy()
    for horizontal in (True, False):
        lines = line_family(segments.reshape(-1, 4).astype(float), horizontal, width, height)
        if not lines:
            continue
        for offset, slope in lines:  # y = offset + slope * (x - width/2), or the same in x
            if horizontal:
                ends = ((0, offset - slope * width / 2), (width, offset + slope * width / 2))
            else:
                ends = ((offset - slope * height / 2, 0), (offset + slope * height / 2, height))
            (x1, y1), (x2, y2) = ends
            cv2.line(cleaned, (round(x1), round(y1)), (round(x2), round(y2)), 0, thickness=5)
        bridge = (1, 15) if horizontal else (15, 1)  # rejoin the strokes the lines crossed
        cleaned = cv2.morphologyEx(cleaned, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, bridge))
    return cleaned > 0


def line_family(segments: np.ndarray, horizontal: bool, width: int, height: int) -> list[tuple[float, float]]:
    """(offset, slope) of each printed line if the segments form 4+ evenly spaced long lines."""
    found = []
    for x1, y1, x2, y2 in segments if horizontal else segments[:, [1, 0, 3, 2]]:
        along, across = abs(x2 - x1), abs(y2 - y1)  # for vertical lines x and y swap roles
        if across > 0.25 * along:
            continue
        slope = (y2 - y1) / (x2 - x1)
        middle = (width if horizontal else height) / 2
        # where the segment's line crosses the middle: the same for every piece of one line
        found.append((y1 + slope * (middle - x1), slope, along, min(x1, x2), max(x1, x2)))
    span = width if horizontal else height
    groups: list[list[tuple]] = []
    for item in sorted(found):  # one printed line: pieces within 6 pixels of each other
        if groups and item[0] - groups[-1][0][0] <= 6:
            groups[-1].append(item)
        else:
            groups.append([item])
    # a printed line runs across the page (its pieces, cut by the digit, together); a digit's
    # straight stroke does not
    groups = [g for g in groups if max(s[4] for s in g) - min(s[3] for s in g) >= 0.6 * span]
    lines = [(sum(g[0] for g in group) / len(group), max(group, key=lambda g: g[2])[1]) for group in groups]
    gaps = np.diff([offset for offset, _ in lines])
    if len(lines) < 4 or float(gaps.std()) >= 0.35 * float(gaps.mean()):
        return []
    return lines
