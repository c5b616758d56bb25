"""Ink from paper: a faint plateau left out, the fainter digit kept when the strong ink is not it."""

import cv2
import numpy as np

from lenet_helpers.photos.pieces import find_pieces
from lenet_helpers.photos.threshold import ink_mask, without_faint_plateau


def test_a_faint_plateau_beside_the_ink_is_dropped_and_a_soft_stroke_is_kept_whole():
    stroke = np.zeros((300, 300), np.float32)
    cv2.line(stroke, (150, 40), (150, 260), 1.0, 12, cv2.LINE_AA)
    stroke = cv2.GaussianBlur(stroke, (0, 0), 3)  # soft edges: an even spread of levels
    stroke /= stroke.max()
    whole, _ = ink_mask(stroke)
    assert whole[150, 143] and whole[150, 157]  # the soft edges are ink
    with_plateau = stroke.copy()
    cv2.fillPoly(with_plateau, [np.array([[0, 200], [300, 120], [300, 200]])], 0.45)  # a shadow's band left over
    with_plateau = np.maximum(with_plateau, stroke)
    mask, _ = ink_mask(with_plateau)
    assert mask[190, 250]  # Otsu alone keeps the plateau
    stronger, _, _, _ = without_faint_plateau(with_plateau, mask, find_pieces(mask)[0])
    assert stronger[100, 150] and not stronger[190, 250]
    assert without_faint_plateau(stroke, whole, find_pieces(whole)[0]) is None  # nothing to drop


def test_strong_ink_only_along_the_border_keeps_the_fainter_digit():
    """A dark bezel down one side of a screen photo is stronger than the digit: the digit stays."""
    ink = np.zeros((300, 300), np.float32)
    ink[:, :30] = 1.0  # the bezel, touching the border
    cv2.line(ink, (150, 60), (150, 240), 0.5, 12)
    mask, _ = ink_mask(ink)
    assert without_faint_plateau(ink, mask, find_pieces(mask)[0]) is None


def test_the_darkest_grains_of_a_textured_stroke_are_not_taken_for_the_ink():
    rng = np.random.default_rng(0)
    ink = np.zeros((300, 300), np.float32)
    ink[:, :30] = 1.0  # a bezel, stronger than everything
    cv2.line(ink, (150, 60), (150, 240), 0.5, 14)
    ink = np.where(ink == 0.5, ink + rng.uniform(0, 0.45, ink.shape).astype(np.float32), ink)  # a grainy marker
    mask, _ = ink_mask(ink)
    assert without_faint_plateau(ink, mask, find_pieces(mask)[0]) is None

