"""Ink from paper: a faint plateau left out, the fainter digit kept when the strong ink is not it."""

import cv2
import numpy as np

from lenet_helpers.photos.pieces import find_pieces
from lenet_helpers.photos.threshold import ink_mask, is_grainy, without_faint_plateau, without_grain


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



def test_chalk_that_skips_is_smoothed_into_strokes_and_printed_letters_are_not():
    """Grain is a stroke broken into dots; a row of printed letters beside a digit is many pieces, but no dots."""
    rng = np.random.default_rng(0)
    chalk = np.zeros((200, 200), np.float32)
    cv2.line(chalk, (60, 30), (140, 170), 1.0, 9)
    grain = cv2.GaussianBlur(rng.uniform(0, 1, chalk.shape).astype(np.float32), (0, 0), 0.5)
    chalk *= np.clip((grain - grain.mean()) / grain.std() * 0.6 + 0.5, 0, 1)  # the board shows through the chalk
    mask, threshold = ink_mask(chalk)
    assert is_grainy(mask)
    _, joined, _ = without_grain(chalk, mask, threshold)
    assert not is_grainy(joined) and joined[100, 100]

    page = np.zeros((200, 400), np.uint8)
    cv2.line(page, (330, 40), (330, 160), 255, 2)  # a thin digit 1
    cv2.putText(page, "Answer:", (10, 110), cv2.FONT_HERSHEY_SIMPLEX, 1.6, 255, 6)  # a bold label with more ink
    page = page.astype(np.float32) / 255
    words, level = ink_mask(page)
    assert not is_grainy(words)
    assert without_grain(page, words, level)[1] is words  # came back as it was
