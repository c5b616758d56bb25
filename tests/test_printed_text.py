"""A worksheet's printed words left out, a digit's own pieces kept."""

import cv2
import numpy as np

from lenet_helpers.photos.pieces import digit_pieces, find_pieces, union
from lenet_helpers.photos.printed_text import printed_text, without_printed_text
from lenet_helpers.photos.threshold import ink_mask


def printed(ink: np.ndarray, text: str, corner: tuple[int, int], scale: float = 0.8, thickness: int = 3) -> np.ndarray:
    """`ink` with bold printed words whose baseline starts at `corner`, as a worksheet's label."""
    words = np.zeros(ink.shape, np.uint8)
    cv2.putText(words, text, corner, cv2.FONT_HERSHEY_DUPLEX, scale, 255, thickness, cv2.LINE_AA)
    return np.maximum(ink, words.astype(np.float32) / 255)


def test_a_bold_printed_label_beside_a_thin_digit_is_left_out():
    ink = np.zeros((240, 420), np.float32)
    cv2.line(ink, (330, 60), (300, 190), 1.0, 2)  # a thin pen's 1, less ink than the label
    ink = printed(ink, "Answer:", (40, 150))
    mask, _ = ink_mask(ink)
    pieces, labels = find_pieces(mask)
    digit = union(digit_pieces(without_printed_text(pieces, labels), labels), labels)
    assert digit[125, 315] and not digit[:, :280].any()
    assert not union(digit_pieces(pieces, labels), labels)[125, 315]  # without it, the label wins


def test_printed_words_in_the_digits_column_are_left_out_and_a_5s_bar_is_not_printed():
    ink = np.zeros((300, 300), np.float32)
    cv2.line(ink, (110, 100), (100, 170), 1.0, 9)  # a 5: its body, and its bar drawn apart
    cv2.ellipse(ink, (135, 205), (45, 45), 0, -150, 140, 1.0, 9)
    cv2.line(ink, (118, 90), (190, 84), 1.0, 9)
    # printed just above, within its column; large enough that each letter is more than a speck beside the 5
    # (OpenCV 5.1 draws small letters apart where 5.0 joined them, and letters smaller than a speck are dropped)
    ink = printed(ink, "Write here", (70, 55), 1.4, 2)
    mask, _ = ink_mask(ink)
    pieces, labels = find_pieces(mask)
    digit = union(digit_pieces(without_printed_text(pieces, labels), labels), labels)
    assert digit[87, 160] and digit[140, 105] and digit[205, 178]  # the bar and the body
    assert not digit[:65].any()  # not the words
    assert union(digit_pieces(pieces, labels), labels)[:65].any()  # without it, they join the 5


def test_digits_of_one_size_and_a_broken_stroke_are_not_printed_text():
    ink = np.zeros((200, 520), np.float32)
    for i in range(4):  # four 0s of one size in a row: nothing beside them is taller
        cv2.ellipse(ink, (80 + 120 * i, 100), (35, 60), 0, 0, 360, 1.0, 8)
    mask, _ = ink_mask(ink)
    pieces, labels = find_pieces(mask)
    assert printed_text(pieces, labels) == []

    ink = np.zeros((300, 300), np.float32)  # a 2 whose base a grainy pencil broke into four dashes
    cv2.ellipse(ink, (150, 90), (55, 55), 0, 180, 400, 1.0, 3)
    cv2.line(ink, (192, 125), (96, 230), 1.0, 3)
    for x in (90, 124, 158, 192):  # each a glyph-high dash, side by side like letters, crossing once
        cv2.line(ink, (x, 278), (x + 26, 250), 1.0, 4)
    mask, _ = ink_mask(ink)
    pieces, labels = find_pieces(mask)
    assert len(pieces) >= 4 and printed_text(pieces, labels) == []


def test_a_bar_of_skipping_chalk_beside_its_stem_is_not_printed_text():
    ink = np.zeros((300, 300), np.float32)  # a 7: its stem, and its bar broken by the board's grain into blots
    cv2.line(ink, (200, 80), (130, 260), 1.0, 6)
    for x in (116, 148, 180):  # letter-like: each as tall as a small word's letters, crossed twice, side by side
        cv2.ellipse(ink, (x, 80), (11, 10), 0, 0, 360, 1.0, 4)
    mask, _ = ink_mask(ink)
    pieces, labels = find_pieces(mask)
    assert len(pieces) == 4 and printed_text(pieces, labels) == []  # they end beside the stem: one stroke
    sheet = printed(ink, "Name", (20, 140), 0.9, 2)  # print of that size a line's spacing away is still print
    mask, _ = ink_mask(sheet)
    pieces, labels = find_pieces(mask)
    words = printed_text(pieces, labels)
    assert words and not union(words, labels)[60:100, 100:200].any()
