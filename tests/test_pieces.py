"""The pieces of ink that form the digit: specks dropped, broken strokes joined."""

import cv2
import numpy as np
from drawings import ring_and_specks

from lenet_helpers.photos.pieces import digit_pieces, find_pieces, union
from lenet_helpers.photos.threshold import ink_mask


def test_a_closed_loop_keeps_its_ring_and_drops_the_specks():
    mask, _ = ink_mask(ring_and_specks())
    pieces, labels = find_pieces(mask)
    digit = union(digit_pieces(pieces, labels), labels)
    assert digit[150, 60] and digit[20, 150]  # the ring
    assert not digit[150, 150] and not digit[20, 280]  # the specks, inside and outside


def test_a_broken_stroke_joins_and_a_mark_beside_the_digit_does_not():
    ink = np.zeros((300, 400), np.float32)
    cv2.line(ink, (150, 40), (150, 140), 1.0, 8)  # a 1 with a gap of 12 pixels (5 % of its height)
    cv2.line(ink, (150, 152), (150, 260), 1.0, 8)
    cv2.line(ink, (260, 130), (320, 170), 1.0, 8)  # a crossed-out mark beside it
    cv2.line(ink, (260, 170), (320, 130), 1.0, 8)
    mask, _ = ink_mask(ink)
    pieces, labels = find_pieces(mask)
    digit = union(digit_pieces(pieces, labels), labels)
    assert digit[60, 150] and digit[240, 150]
    assert not digit[150, 290]
    assert union(digit_pieces(pieces, labels, near_only=False), labels)[150, 290]  # the switch works


def test_a_specks_size_is_measured_against_the_digit_not_the_desk_in_a_corner():
    mask = np.zeros((400, 400), bool)
    mask[:170, :170] = True  # a desk's dark corner, cut by the frame: far more ink than the digit
    cv2.line(mask.view(np.uint8), (260, 200), (260, 300), 1, 3)  # a thin 1, a fiftieth of the corner's area
    pieces, labels = find_pieces(mask)
    assert any(p.x > 250 and p.h > 90 for p in pieces)  # the 1 is no speck: no piece clear of the border is larger
    digit = union(digit_pieces(pieces, labels), labels)
    assert digit[250, 260] and not digit[50, 50]
