import cv2
import numpy as np

from lenet_helpers.photos.polarity import has_light_background


def page(ink: int, paper: int, size: int = 400) -> np.ndarray:
    """A 4 drawn with `ink` on `paper` (levels of 255), `size` pixels square."""
    image = np.full((size, size), paper, np.float32)
    s = size / 400
    arm = (np.array([[220, 90], [140, 240], [260, 240]]) * s).astype(np.int32)
    cv2.polylines(image, [arm], False, ink, max(1, round(9 * s)), cv2.LINE_AA)
    cv2.line(image, (round(230 * s), round(150 * s)), (round(230 * s), round(320 * s)), ink, max(1, round(9 * s)),
             cv2.LINE_AA)
    return image


def photographed(image: np.ndarray, shadows: list[tuple[float, float, float]]) -> np.ndarray:
    """Hard shadows, each (angle in degrees, offset from the centre, light left), then blur and noise."""
    yy, xx = np.mgrid[0 : image.shape[0], 0 : image.shape[1]].astype(np.float32) - image.shape[0] / 2
    for angle, offset, light in shadows:
        side = np.cos(np.radians(angle)) * xx + np.sin(np.radians(angle)) * yy - offset
        image = image * np.where(side > 0, light, 1.0)
    image = cv2.GaussianBlur(image, (0, 0), 1.2) + np.random.default_rng(0).normal(0, 2, image.shape)
    return np.clip(image, 0, 255).astype(np.float32) / 255


CROSSING = [(10, -60, 0.45), (100, -40, 0.5)]  # most of the page in one shadow or both


def test_ink_under_crossing_shadows_is_found_on_its_side():
    assert has_light_background(photographed(page(20, 235), CROSSING))
    assert not has_light_background(photographed(page(225, 50), CROSSING))  # chalk on a board, same shadows


def test_a_sheet_on_a_dark_desk_and_a_board_in_a_light_frame():
    desk = np.full((400, 600), 45, np.float32)
    cv2.fillPoly(desk, [np.array([[170, 90], [430, 80], [440, 330], [160, 340]])], 230)
    desk[120:320, 200:400] = np.minimum(desk[120:320, 200:400], page(20, 235, 200))
    assert has_light_background(photographed(desk, []))
    board = np.full((400, 600), 230, np.float32)
    board[40:360, 60:540] = 50
    board[100:300, 200:400] = np.maximum(board[100:300, 200:400], page(225, 50, 200))
    assert not has_light_background(photographed(board, []))


def test_a_digital_image_on_a_flat_background_takes_that_background():
    fat = page(255, 0, 28 * 4)  # MNIST-like: white on pure black, strokes as wide as the gaps
    fat = cv2.dilate(fat, np.ones((9, 9), np.uint8))
    assert not has_light_background(fat / 255)
    assert has_light_background(1 - fat / 255)
