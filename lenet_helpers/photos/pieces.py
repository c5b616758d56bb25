"""Connected pieces of ink: find them, drop page edges and specks, gather the ones that form the digit."""

from dataclasses import dataclass

import cv2
import numpy as np

from .tuning import Tuning


@dataclass
class Piece:
    """One connected piece of ink: its box, its area in pixels, and whether it touches the border."""

    label: int
    x: int
    y: int
    w: int
    h: int
    area: int
    border: bool


def find_pieces(mask: np.ndarray, page_edges: bool = True, specks: bool = True,
                tuning: Tuning = Tuning()) -> tuple[list[Piece], np.ndarray]:
    """Connected pieces of ink and their label image; page edges and specks dropped.

    Pieces under `least_piece` of the picture are noise. Specks are under `speck` of the largest
    piece clear of the border, which may be the digit: a desk's corner or a shadow cut by the
    frame is no measure of dust. Specks far from the digit stay out of it anyway
    (`digit_pieces`); dropping them here keeps out the dust that lies near it, as on a dusty
    scanner's glass.
    """
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    height, width = mask.shape
    pieces = [Piece(i, int(s[0]), int(s[1]), int(s[2]), int(s[3]), int(s[4]),
                    s[0] == 0 or s[1] == 0 or s[0] + s[2] == width or s[1] + s[3] == height)
              for i, s in enumerate(stats) if i > 0 and s[4] >= max(4, int(mask.size * tuning.least_piece))]
    if page_edges:  # touching the border and running along it: a table's edge, a shadow's band
        edge = tuning.page_edge
        pieces = [p for p in pieces if not (p.border and (p.w > edge * width or p.h > edge * height))] or pieces
    if pieces and specks:  # much smaller than the largest piece that may be the digit: dust, noise
        clear = [p for p in pieces if not p.border] or pieces
        largest = max(p.area for p in clear)
        pieces = [p for p in pieces if p.area >= tuning.speck * largest]
    return pieces, labels


def digit_pieces(pieces: list[Piece], labels: np.ndarray, near_only: bool = True,
                 tuning: Tuning = Tuning()) -> list[Piece]:
    """The pieces that form the digit: of the groups that the larger pieces gather, the one with most ink.

    Each piece of `start_share` of the largest or more starts a group. Pieces clear of the
    picture's border are preferred. Growing from the largest piece alone
    would pick a crossed-out mark that has more ink than either half of a broken 1.
    """
    if not near_only:
        return pieces
    clear = [p for p in pieces if not p.border] or pieces
    largest = max(p.area for p in clear)
    groups = [gather(start, pieces, labels, tuning.gather_gap, tuning.column_gap)
              for start in clear if start.area >= tuning.start_share * largest]
    return max(groups, key=lambda group: sum(p.area for p in group))


def gather(main: Piece, pieces: list[Piece], labels: np.ndarray, gap: float = Tuning.gather_gap,
           column_gap: float = Tuning.column_gap) -> list[Piece]:
    """The pieces close to `main`, and to those, and so on: one digit's ink.

    A piece joins when its ink comes within `gap` times the main piece's size of the digit's ink
    so far, or within `column_gap` when it lies in the digit's column (a digit is written top to
    bottom: the detached bar of a 5 sits above its body). The parts of a broken stroke join; a
    speck or a crossed-out mark beside the digit does not. Distances are between the inks
    themselves, not their boxes, which overlap when a mark sits in the empty corner of a 7.
    """
    size = max(main.w, main.h)
    group, rest = [main], [p for p in pieces if p is not main]
    while rest:
        distance = cv2.distanceTransform((~union(group, labels)).astype(np.uint8), cv2.DIST_L2, 3)
        left, right = min(p.x for p in group), max(p.x + p.w for p in group)
        close = []
        for p in rest:
            in_column = min(right, p.x + p.w) - max(left, p.x) > 0.5 * p.w
            box = (slice(p.y, p.y + p.h), slice(p.x, p.x + p.w))  # the piece's own box, not the whole picture
            if float(distance[box][labels[box] == p.label].min()) <= (column_gap if in_column else gap) * size:
                close.append(p)
        if not close:
            break
        group += close
        rest = [p for p in rest if p not in close]
    return group


def union(pieces: list[Piece], labels: np.ndarray) -> np.ndarray:
    """One mask holding the ink of all the given pieces."""
    return np.isin(labels, [p.label for p in pieces])


def group_digits(pieces: list[Piece]) -> list[list[Piece]]:
    """Group pieces of ink into digits, left to right; pieces stacked in a column are one digit."""
    groups: list[list[Piece]] = []
    for piece in sorted(pieces, key=lambda p: p.x):
        if groups:
            last = groups[-1]
            left = min(p.x for p in last)
            right = max(p.x + p.w for p in last)
            overlap = min(right, piece.x + piece.w) - max(left, piece.x)
            if overlap > 0.5 * min(piece.w, right - left):
                last.append(piece)
                continue
        groups.append([piece])
    return groups
