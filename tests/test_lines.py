"""Printed rules and answer lines taken out, the digit written over them kept."""

import cv2
import numpy as np

from lenet_helpers.photos.lines import without_ruled_lines
from lenet_helpers.photos.pieces import digit_pieces, find_pieces, union
from lenet_helpers.photos.threshold import ink_mask


def ruled_page(rule: float = 0.45) -> np.ndarray:
    """Bright ink: a notebook's rules every 40 pixels and a margin joining them, at `rule` strength."""
    ink = np.zeros((300, 400), np.float32)
    for y in range(20, 300, 40):
        cv2.line(ink, (0, y), (400, y + 4), rule, 3)
    cv2.line(ink, (50, 0), (48, 300), rule, 3)
    return ink


def test_ruled_lines_go_and_the_digit_written_over_them_stays():
    ink = ruled_page()
    cv2.line(ink, (200, 70), (200, 230), 0.9, 7)  # a 1 crossing four rules
    cv2.line(ink, (170, 62), (240, 62), 0.9, 7)  # a bar lying along a rule, as a 7's top does
    mask, _ = ink_mask(ink)
    kept = without_ruled_lines(mask, ink)
    assert not kept[101, 300] and not kept[141, 100]  # the rules, away from the digit
    assert kept[62, 180:230].all() and kept[70:230, 200].all()  # the digit, crossings and the bar on a rule
    pieces, labels = find_pieces(kept)
    digit = union(digit_pieces(pieces, labels), labels)
    assert digit[150, 200] and not digit[150, 49]  # the margin, freed of its rules, is a page edge


def test_thick_parallel_strokes_are_not_rules():
    ink = np.zeros((300, 300), np.float32)
    for x in (60, 150, 240):  # three long parallel strokes as thick as a marker's: a digit's, not paper's
        cv2.line(ink, (x, 20), (x, 280), 1.0, 14)
    mask, _ = ink_mask(ink)
    assert (without_ruled_lines(mask, ink) == mask).all()


def test_a_row_of_thin_ones_is_not_ruled_paper():
    ink = np.zeros((200, 640), np.float32)
    for x in (100, 250, 400, 550):  # four thin, parallel, straight strokes: 1s, not rules across the page
        cv2.line(ink, (x, 25), (x, 175), 0.9, 3)
    mask, _ = ink_mask(ink)
    assert (without_ruled_lines(mask, ink) == mask).all()


def test_squared_paper_loses_both_families_of_rules():
    ink = np.zeros((300, 400), np.float32)
    for offset in range(10, 400, 30):
        cv2.line(ink, (0, offset), (400, offset + 3), 0.45, 2)
        cv2.line(ink, (offset, 0), (offset - 3, 300), 0.45, 2)
    cv2.circle(ink, (200, 150), 60, 0.9, 6)  # a 0
    mask, _ = ink_mask(ink)
    kept = without_ruled_lines(mask, ink)
    rules = mask & (ink < 0.6)
    assert (kept & rules).sum() < 0.1 * rules.sum()  # what is left of the rules: the crossings with the 0
    assert kept[150, 140] and kept[90, 200] and kept[210, 200]


def test_an_answer_line_under_a_digit_goes_and_a_7s_long_bar_stays():
    ink = np.zeros((300, 500), np.float32)
    cv2.ellipse(ink, (250, 160), (40, 70), 0, 0, 360, 1.0, 3)  # a thin pen's 0 written on the line
    cv2.line(ink, (60, 231), (460, 233), 1.0, 2)  # the form's line: as dark as the pen, four times as long as tall
    mask, _ = ink_mask(ink)
    kept = without_ruled_lines(mask, ink)
    assert not kept[232, 80:200].any() and not kept[232, 300:440].any()  # the line, away from the 0
    assert kept[90, 250] and kept[160, 210] and kept[160, 290]  # the 0
    assert without_ruled_lines(mask, ink, answers=False)[232, 100]  # the switch works
    pieces, labels = find_pieces(kept)
    assert union(digit_pieces(pieces, labels), labels)[160, 210]

    seven = np.zeros((300, 300), np.float32)  # a 7 whose bar is as long as the 7 is tall
    cv2.line(seven, (60, 60), (240, 62), 1.0, 2)
    cv2.line(seven, (240, 62), (150, 240), 1.0, 2)
    mask, _ = ink_mask(seven)
    assert (without_ruled_lines(mask, seven) == mask).all()

    sevens = np.zeros((240, 640), np.float32)  # 77: two bars in line, together longer than a 7 is tall
    for left in (80, 330):
        cv2.line(sevens, (left, 40), (left + 110, 41), 1.0, 2)
        cv2.line(sevens, (left + 110, 41), (left + 50, 210), 1.0, 2)
    mask, _ = ink_mask(sevens)
    assert (without_ruled_lines(mask, sevens) == mask).all()

