import io
import os

import numpy as np
import pytest
from PIL import Image

from lenet_helpers.errors import ImageError
from lenet_helpers.photos.decode import read_image, to_gray
from lenet_helpers.photos.pipeline import prepare


def seven_image(mode: str = "L", size: int = 200) -> Image.Image:
    """A dark 7 on light paper as a PIL image of the given mode."""
    array = np.full((size, size), 240, np.uint8)
    array[size // 5 : size // 5 + size // 12, size // 4 : 3 * size // 4] = 20
    for row in range(size // 5, 4 * size // 5):
        column = 3 * size // 4 - (row - size // 5) // 2
        array[row, column - size // 24 : column + size // 24] = 20
    return Image.fromarray(array).convert(mode)


def encoded(image: Image.Image, kind: str) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, kind)
    return buffer.getvalue()


@pytest.mark.parametrize("mode, kind, size", [("P", "PNG", 200), ("P", "GIF", 200), ("1", "PNG", 200),
                                              ("I;16", "PNG", 2000), ("RGB", "PNG", 2000), ("LA", "PNG", 200),
                                              ("CMYK", "JPEG", 200)])
def test_every_common_image_mode_reads_as_the_same_digit(mode, kind, size):
    data = encoded(seven_image(mode if mode != "I;16" else "L", size).convert(mode), kind)
    gray = to_gray(read_image(data)[0])
    assert gray.shape[0] <= 1280
    assert gray.min() < 0.3 and gray.max() > 0.8  # the ink and the paper are both there


def test_a_pil_image_and_a_memoryview_are_accepted():
    image = seven_image()
    assert prepare(image).light_background
    assert prepare(memoryview(encoded(image, "PNG"))).light_background


@pytest.mark.parametrize("array, words", [
    (np.zeros((0, 0), np.uint8), "only 0x0 pixels"),
    (np.zeros((1, 400), np.uint8), "only 400x1 pixels"),
    (np.zeros((50, 50, 2), np.uint8), "must be"),
    (np.full((50, 50), "x", object), "holds object values"),
    (np.full((50, 50), np.nan, np.float32), "NaN"),
    (np.zeros((50, 50), np.complex64), "holds complex64"),
])
def test_arrays_that_are_no_image_are_one_sentence(array, words):
    with pytest.raises(ImageError, match=words):
        prepare(array)


@pytest.mark.parametrize("array", [np.array(seven_image()) > 128, np.array(seven_image()).astype(np.int64),
                                   np.array(seven_image()).astype(np.float64) / 255,
                                   np.array(seven_image("RGB")).astype(np.float16)])
def test_arrays_of_any_number_type_are_accepted(array):
    assert prepare(array).light_background


def test_not_an_image_path_or_object(tmp_path):
    with pytest.raises(ImageError, match="Cannot read an image from a int"):
        prepare(42)
    with pytest.raises(ImageError, match="is a folder"):
        prepare(tmp_path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes exist only on POSIX systems")
def test_a_pipe_is_refused_without_reading_it(tmp_path):
    fifo = tmp_path / "pipe.png"
    os.mkfifo(fifo)
    with pytest.raises(ImageError, match="not a regular file"):
        prepare(fifo)  # would block forever if it were opened


def test_a_float_image_with_nan_or_negative_values():
    bad = np.array(seven_image(), np.float32)
    bad[0, 0] = np.nan
    with pytest.raises(ImageError, match="NaN"):
        prepare(Image.fromarray(bad, mode="F"))
    assert prepare(Image.fromarray(np.array(seven_image(), np.float32) - 300, mode="F")).light_background
