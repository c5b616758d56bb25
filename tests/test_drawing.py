"""Lesson 05's drawing pad: MNIST's recipe on the strokes, the same input whatever the digit's size, place and pen."""

import numpy as np
import pytest

from lenet_helpers.learning import load_model
from lenet_helpers.lessons.drawing import MNIST_PEN, SEVEN, Drawing, DrawingPad, prepare_drawing, with_mnist_pen


def moved(strokes: list, scale: float, dx: float, dy: float) -> list:
    return [[(x * scale + dx, y * scale + dy) for x, y in stroke] for stroke in strokes]


def test_a_digit_drawn_small_in_a_corner_or_large_gives_the_model_the_same_image():
    large = prepare_drawing(Drawing(moved(SEVEN, 1.1, -20, -20)))
    small = prepare_drawing(Drawing(moved(SEVEN, 0.3, 170, 180)))
    assert np.abs(large.pixels - small.pixels).max() < 0.05


def test_the_pads_own_pen_does_not_change_what_the_model_sees():
    thin, thick = prepare_drawing(Drawing(SEVEN, width=4)), prepare_drawing(Drawing(SEVEN, width=40))
    assert np.array_equal(thin.pixels, thick.pixels)


def test_the_strokes_are_drawn_again_with_mnists_pen():
    bar = with_mnist_pen(Drawing([[(100, 20), (100, 260)]], width=18))
    ys, xs = np.nonzero(bar.image() > 127)
    assert (xs.max() - xs.min() + 1) / (ys.max() - ys.min() + 1) == pytest.approx(MNIST_PEN, abs=0.01)


def test_a_stroke_is_drawn_as_wide_as_its_pen():
    for width in (3, 6, 15.5, 18, 40):
        picture = Drawing([[(20, 100), (250, 100)]], 280, width).image()
        assert picture[:, 140].sum() / 255 == pytest.approx(width, abs=0.5)


def test_the_prepared_drawing_is_mnist_shaped():
    prepared = prepare_drawing(Drawing(SEVEN))
    assert prepared.pixels.shape == (28, 28) and max(prepared.digit.shape) == 20
    rows, cols = np.indices(prepared.pixels.shape)
    mass = prepared.pixels.sum()
    assert (rows * prepared.pixels).sum() / mass == pytest.approx(14, abs=0.05)
    assert (cols * prepared.pixels).sum() / mass == pytest.approx(14, abs=0.05)
    assert tuple(prepared.tensor.shape) == (1, 1, 28, 28)


@pytest.mark.parametrize("strokes", [[], [[(50, 50)]], [[(50, 50), (53, 52)]]], ids=["empty", "tap", "tiny stroke"])
def test_an_empty_pad_or_a_tap_has_nothing_to_read(strokes):
    assert prepare_drawing(Drawing(strokes)) is None


def test_the_pad_reads_a_stroke_drawn_with_the_pointer_and_clear_and_undo_take_it_back():
    model, info = load_model()
    pad = DrawingPad(model, info["normalization"], SEVEN)
    assert pad.text().startswith("The model reads 7 ")
    pad.clear()
    assert pad.text() == "The pad is empty: draw a digit." and "draw a digit" in pad.verdict.value
    pad.start(140, 30)
    for y in range(40, 260, 10):
        pad.extend(141, y)
    pad.end()
    assert "reads <b>1</b>" in pad.verdict.value
    pad.start(60, 60)
    pad.extend(80, 62)
    pad.end()
    pad.undo()
    assert pad.drawing.strokes and len(pad.drawing.strokes) == 1 and "reads <b>1</b>" in pad.verdict.value


def test_an_empty_stroke_or_points_that_are_not_numbers_are_left_out():
    line = [(100, 50), (100, 230)]
    expected = prepare_drawing(Drawing([line])).pixels
    for strokes in ([[], line], [line, [(float("nan"), 80)]], [[*line, (float("inf"), 150)]]):
        assert np.array_equal(prepare_drawing(Drawing(strokes)).pixels, expected), strokes
    assert prepare_drawing(Drawing([[(float("nan"), 1.0)]])) is None
    assert prepare_drawing(Drawing([[(100, 100)]], width=0)) is None


def test_a_stroke_that_is_not_points_is_one_sentence():
    with pytest.raises(ValueError, match=r"^A stroke is a list of \(x, y\) points"):
        prepare_drawing(Drawing([[(1, 2, 3), (4, 5, 6)]]))


def test_clear_or_undo_in_the_middle_of_a_stroke_ends_it():
    model, info = load_model()
    pad = DrawingPad(model, info["normalization"], SEVEN)
    pad.start(140, 50)
    pad.clear()
    pad.extend(140, 230)  # the pointer still moving after Clear draws nothing
    pad.end()
    assert pad.drawing.strokes == [] and pad.text() == "The pad is empty: draw a digit."
    pad.start(140, 30)
    pad.extend(141, 250)
    pad.end()
    pad.start(50, 50)
    pad.undo()
    pad.extend(230, 230)
    assert pad.drawing.strokes == [[(140, 30), (141, 250)]]
