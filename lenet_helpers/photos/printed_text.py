"""A worksheet's printed words, told apart from the handwritten digit and left out."""

import cv2
import numpy as np

from .pieces import Piece, union
from .stroke import stroke_width
from .tuning import Tuning


def without_printed_text(pieces: list[Piece], labels: np.ndarray, tuning: Tuning = Tuning()) -> list[Piece]:
    """The pieces without a worksheet's printed words (`printed_text`); all of them when nothing else is left.

    A bold label has more ink than a thin pen's digit, and a line printed just above a digit
    lies in its column, where `gather` would join it to the digit.
    """
    words = printed_text(pieces, labels, tuning)
    return [p for p in pieces if p not in words] or pieces


def printed_text(pieces: list[Piece], labels: np.ndarray, tuning: Tuning = Tuning()) -> list[Piece]:
    """The pieces that are printed words: rows of letters crossing many strokes, smaller than the digit.

    A letter is a glyph at least `glyph_height` strokes tall; the letters of a word stand side by
    side on one line, of like heights (capitals, small letters, ascenders and descenders within a
    factor of `letter_heights`), close together (within a letter's height), and a line across
    their middles crosses a stroke or two for every letter: `letter_strokes` a glyph at least,
    `word_strokes` a row (two letters that touch are one piece, as wide as a word, and cross as
    many). A digit's own pieces do not make such a row: a
    5's detached bar is too thin to be a glyph, the dashes of a stroke a pencil broke cross it
    once each, and a number's digits are the tallest ink. So a row counts as printed only when
    its letters are at most `letters_smaller` times the tallest ink outside every row; without such ink
    nothing is printed. Nor does a row count that comes within `print_apart` of its letters' height
    of taller ink (`stands_apart`). A row of small digits beside a much taller one would count (so
    `prepare_number` does not ask).
    """
    glyphs, crossed = [], {}
    for p in pieces:
        box = (labels[p.y : p.y + p.h, p.x : p.x + p.w] == p.label).astype(np.uint8)
        if p.h >= tuning.glyph_height * stroke_width(box):
            glyphs.append(p)
            middle = box[[p.h * 2 // 5, p.h // 2, p.h * 3 // 5]]  # three lines across, for a glyph's serifs and gaps
            crossed[p.label] = int(np.count_nonzero(np.diff(middle, axis=1, prepend=0) == 1, axis=1).max())
    glyphs.sort(key=lambda p: p.x)
    row = list(range(len(glyphs)))  # each glyph's row, as a union-find forest

    def root(i: int) -> int:
        while row[i] != i:
            i = row[i]
        return i

    for i, a in enumerate(glyphs):
        for j in range(i + 1, len(glyphs)):
            b = glyphs[j]
            if b.x - (a.x + a.w) > 2 * a.h:
                break  # sorted by x: every later glyph is farther still, and a taller one is no row with a
            if b.x - (a.x + a.w) > max(a.h, b.h):
                continue
            overlap = min(a.y + a.h, b.y + b.h) - max(a.y, b.y)
            if overlap >= 0.5 * min(a.h, b.h) and max(a.h, b.h) <= tuning.letter_heights * min(a.h, b.h):
                row[root(j)] = root(i)
    rows: dict[int, list[Piece]] = {}
    for i, p in enumerate(glyphs):
        rows.setdefault(root(i), []).append(p)
    words = [members for members in rows.values()  # two glyphs at least, or one as wide as a word
             if (len(members) >= 2 or members[0].w >= 2 * members[0].h)
             and sum(crossed[p.label] for p in members)
             >= max(tuning.word_strokes, tuning.letter_strokes * len(members))]
    printed = [p for members in words for p in members]
    others = [p for p in pieces if p not in printed]
    if not others:
        return []
    tallest = max(p.h for p in others)
    return [p for members in words if max(p.h for p in members) <= tuning.letters_smaller * tallest
            and stands_apart(members, others, labels, tuning) for p in members]


def stands_apart(row: list[Piece], others: list[Piece], labels: np.ndarray, tuning: Tuning = Tuning()) -> bool:
    """Whether a row of letters keeps `print_apart` of their height away from the taller ink of `others`.

    Print is set apart from the handwriting beside it, by a line's spacing or a word's; a stroke of
    chalk that skips, or of a pen that runs dry, breaks into dashes side by side that end within a
    dash's height of the rest of the digit (a 7's bar beside its stem). A row's own dots and
    punctuation are smaller than its letters, so only taller ink counts.
    """
    height, tallest = float(np.median([p.h for p in row])), max(p.h for p in row)
    taller = [p for p in others if p.h > tallest]
    if not taller:
        return True
    distance = cv2.distanceTransform((~union(taller, labels)).astype(np.uint8), cv2.DIST_L2, 3)
    return float(distance[union(row, labels)].min()) >= tuning.print_apart * height
