"""Evening out the light: shadows taken away, strokes and coloured-in loops kept."""

import cv2
import numpy as np
from drawings import ring_and_specks

from lenet_helpers.photos.background import background_window, remove_background, strokes_valley


def test_a_thick_stroke_keeps_its_inside():
    ink = np.zeros((300, 300), np.float32)
    cv2.line(ink, (150, 30), (150, 270), 0.8, 70)  # a marker 1: the stroke a quarter of the picture
    ink += np.linspace(0, 0.15, 300, dtype=np.float32)[None, :]  # uneven light
    flat = remove_background(ink, on_paper=False)
    assert flat[150, 150] > 0.8  # the middle of the stroke is ink, not background
    assert flat[150, 20] < 0.1 and flat[150, 280] < 0.1


def test_a_shadow_narrower_than_the_window_narrows_it_and_strokes_alone_do_not():
    ring = ring_and_specks() + np.random.default_rng(0).normal(0, 0.02, (300, 300)).astype(np.float32)  # a photo
    assert background_window(ring, 99) == 99  # strokes only: the window stays a third of the picture
    for angle in (0, 30, 60, 90):
        band = np.zeros((300, 300), np.float32)  # a finger's soft shadow, a third of the picture wide
        cv2.ellipse(band, (150, 150), (150, 50), angle, 0, 360, 1.0, -1, cv2.LINE_AA)
        shaded = np.maximum(ring, 0.4 * cv2.GaussianBlur(band, (0, 0), 10))
        window = background_window(shaded, 99)
        assert 14 < window < 99  # wider than the stroke, narrower than the shadow
        inside = (round(150 + 40 * np.sin(np.radians(angle))), round(150 + 40 * np.cos(np.radians(angle))))
        assert remove_background(shaded, on_paper=False)[inside] < 0.05  # the shadow is background
        assert remove_background(shaded, on_paper=False, narrow_shadows=False)[inside] > 0.15  # not with 99 alone
        flat = remove_background(shaded, on_paper=False)
        assert flat[20, 150] > 0.5 and flat[150, 60] > 0.5  # the ring stays, in and out of the shadow

    bold = np.zeros((256, 256), np.float32)  # a marker's 8 filling the picture, its strokes near the window
    cv2.circle(bold, (128, 80), 50, 1.0, 60, cv2.LINE_AA)
    cv2.circle(bold, (128, 180), 55, 1.0, 60, cv2.LINE_AA)
    assert background_window(bold + np.random.default_rng(0).normal(0, 0.02, bold.shape).astype(np.float32), 85) == 85


def test_a_coloured_in_loop_stays_ink_beside_a_soft_shadow():
    ink = np.zeros((256, 256), np.float32)  # a 9 whose loop is coloured in, strokes 7 pixels
    cv2.circle(ink, (128, 103), 22, 0.8, -1, cv2.LINE_AA)
    cv2.line(ink, (147, 103), (138, 183), 0.8, 7, cv2.LINE_AA)
    yy, xx = np.mgrid[0:256, 0:256] / 256
    ink += 0.3 * np.exp(-((yy - 0.7) ** 2 + (xx - 0.3) ** 2) / (2 * 0.15**2)) + 0.1 * xx  # a shadow, a gradient
    ink += np.random.default_rng(0).normal(0, 0.015, ink.shape)
    flat = remove_background(ink.astype(np.float32), on_paper=False)
    assert flat[103, 128] > 0.5  # the loop's middle is ink, not background


def paper_photo(cover: np.ndarray, light: np.ndarray, contrast: float = 0.85) -> np.ndarray:
    """Bright ink as `prepare` sees it: paper lit by `light`, a pen's `cover` taking `contrast` of it, sensor noise."""
    gray = 0.88 * light * (1 - contrast * cover) + np.random.default_rng(0).normal(0, 0.015, cover.shape)
    return (1 - np.clip(gray, 0, 1)).astype(np.float32)


def test_a_coloured_in_loop_in_a_phone_photo_keeps_the_window():
    cover = np.zeros((480, 640), np.float32)  # a ballpoint 9 whose loop is coloured in, at a phone photo's size
    cv2.circle(cover, (320, 200), 35, 1.0, -1, cv2.LINE_AA)
    cv2.line(cover, (355, 200), (340, 330), 1.0, 3, cv2.LINE_AA)
    gray = 0.88 * (1 - 0.85 * cover) + np.random.default_rng(0).normal(0, 0.015, cover.shape).astype(np.float32)
    ink = 1 - np.clip(gray, 0, 1)
    assert background_window(ink, 161) == 161  # the thin tail's faded strength does not make the loop a shadow
    assert remove_background(ink)[200, 320] > 0.5  # the loop stays ink


def thin_four(shape: tuple[int, int], width: int, scale: float = 1.0) -> np.ndarray:
    cover = np.zeros(shape, np.float32)
    for a, b in (((120, 60), (90, 170)), ((90, 170), (200, 170)), ((170, 80), (165, 250))):
        cv2.line(cover, (int(a[0] * scale), int(a[1] * scale)), (int(b[0] * scale), int(b[1] * scale)), 1.0, width,
                 cv2.LINE_AA)
    return cover


def fingers_light(shape: tuple[int, int], depth: float, soft: float, scale: float = 1.0) -> np.ndarray:
    """Three fingers' shadows, each about a ninth of the picture wide, across the digit."""
    shadow = np.zeros(shape, np.float32)
    for k in range(3):
        x = int((95 + 55 * k) * scale)
        cv2.line(shadow, (x, int(-20 * scale)), (x + int(30 * scale), int(200 * scale)), 1.0, int(26 * scale))
    return 1 - depth * cv2.GaussianBlur(shadow, (0, 0), soft * scale)


def test_the_valley_is_where_the_first_mode_ends_and_a_second_rises():
    spectrum = np.array([0.02, 0.10, 0.12, 0.04, 0.02, 0.021, 0.05, 0.3, 0.4, 0.1])
    assert strokes_valley(spectrum, 0.9) == 4  # the first width down on the floor, past the strokes
    falling = np.array([0.02, 0.10, 0.12, 0.08, 0.05, 0.045, 0.04, 0.03, 0.02, 0.01])  # one mode, small wobbles
    assert strokes_valley(falling, 0.9) is None
    noise_only = np.array([0.3, 0.2, 0.1, 0.05, 0.02, 0.3, 0.3, 0.1])  # grain falling from the first width is no mode
    assert strokes_valley(noise_only, 0.9) is None


def test_a_thin_pen_under_fingers_shadows_narrows_the_window():
    ink = paper_photo(thin_four((300, 300), 3), fingers_light((300, 300), depth=0.5, soft=4))
    assert background_window(ink, 99, past_strokes=False) == 99  # the two groups of the spectrum miss it
    window = background_window(ink, 99)
    assert 5 < window < 40 and background_window(ink, 99, two_modes=False) == window  # found past the strokes
    flat, kept = remove_background(ink), remove_background(ink, narrow_shadows=False)
    assert flat[40, 103] < 0.2 < kept[40, 103]  # a finger's shadow beside the strokes is background
    assert flat[170, 150] > 0.8 and flat[150, 167] > 0.8  # the strokes, in and out of the shadows, stay ink


def test_a_fine_pen_in_a_phone_photo_does_not_let_a_shadow_pass_for_the_strongest_ink():
    shape = (480, 640)  # the strokes 3 pixels wide: faded on a 256-pixel copy, not on one that keeps each block's peak
    ink = paper_photo(thin_four(shape, 3, 1.6), fingers_light(shape, depth=0.65, soft=6, scale=1.6), contrast=0.6)
    assert background_window(ink, 161) < 40
    assert remove_background(ink)[int(40 * 1.6), int(103 * 1.6)] < 0.2


def test_a_pencil_digit_beside_darker_printed_words_keeps_its_strokes():
    digit, words = np.zeros((300, 300), np.uint8), np.zeros((300, 300), np.uint8)
    cv2.ellipse(digit, (170, 170), (50, 70), 0, 0, 360, 255, 16, cv2.LINE_AA)  # a 0 in soft pencil
    for row, word in enumerate(("name", "date", "class")):  # a worksheet's words, thin and black
        cv2.putText(words, word, (10, 30 + 28 * row), cv2.FONT_HERSHEY_SIMPLEX, 0.8, 255, 1, cv2.LINE_AA)
    gray = 0.88 * (1 - 0.9 * words / 255) * (1 - 0.5 * digit / 255)
    ink = (1 - np.clip(gray + np.random.default_rng(0).normal(0, 0.015, gray.shape), 0, 1)).astype(np.float32)
    assert background_window(ink, 99) == 99  # the digit lies just past the words' mode: no shadow's width
    assert remove_background(ink)[170, 120] > 0.4  # the middle of the pencil stroke is still ink


def test_a_thick_digit_on_darker_ruled_paper_keeps_its_strokes():
    digit, rules = np.zeros((300, 300), np.uint8), np.zeros((300, 300), np.uint8)
    cv2.ellipse(digit, (150, 150), (55, 85), 0, 0, 360, 255, 18, cv2.LINE_AA)  # a felt-tip 0
    for y in range(10, 300, 28):  # thin rules as dark as the digit: they, not the strokes, make the first mode
        cv2.line(rules, (0, y), (299, y + 3), 255, 1, cv2.LINE_AA)
    yy, xx = np.mgrid[0:300, 0:300]
    light = 1 - 0.25 * ((yy - 150) ** 2 + (xx - 150) ** 2) / 150**2  # vignetting
    gray = 0.88 * light * (1 - 0.5 * rules / 255) * (1 - 0.45 * digit / 255)
    ink = (1 - np.clip(gray + np.random.default_rng(0).normal(0, 0.015, gray.shape), 0, 1)).astype(np.float32)
    assert background_window(ink, 99) == 99  # what a narrower window would take has ink's sharp edges
    assert remove_background(ink)[150, 95] > 0.5

