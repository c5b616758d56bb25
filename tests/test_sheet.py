import cv2
import numpy as np
from drawings import seven, similarity

from lenet_helpers.photos.pipeline import Steps, prepare
from lenet_helpers.photos.sheet import find_sheet, without_desk

SHEET = np.array([[260, 110], [560, 130], [545, 520], [240, 500]])  # a turned sheet, 2/3 of the height


def faint_seven_on_desk(desk: float = 0.2, ink: float = 0.35) -> np.ndarray:
    """A faint 7 (`ink` of the light taken away) on a sheet lying on a desk `desk` times as bright, gray float."""
    paper = np.zeros((600, 800), np.float32)
    cv2.fillPoly(paper, [SHEET], 1.0, cv2.LINE_AA)
    page = np.ones((600, 800), np.float32)
    page[200:400, 300:500] = 1 - ink * (1 - cv2.resize(seven(), (200, 200), interpolation=cv2.INTER_AREA) / 255)
    photo = 0.88 * (page * paper + desk * (1 - paper))
    return np.clip(photo + np.random.default_rng(0).normal(0, 0.01, photo.shape), 0, 1).astype(np.float32)


def test_a_sheet_on_a_desk_is_found_and_the_desk_painted_over():
    photo = faint_seven_on_desk()
    sheet = find_sheet(photo)
    assert sheet is not None
    drawn = np.zeros(photo.shape, np.uint8)
    cv2.fillPoly(drawn, [SHEET], 1)
    assert (sheet != (drawn > 0)).mean() < 0.01  # the sheet, the digit on it included
    painted = without_desk(photo, sheet)
    assert painted[~sheet].min() > 0.8  # no desk left: the paper's brightness carried outwards
    assert np.array_equal(painted[300, 320:480], photo[300, 320:480])  # the sheet itself untouched


def test_a_faint_digit_on_a_sheet_on_a_desk_is_read_as_on_plain_paper():
    """Without the sheet step the dark desk is the strongest 'ink' and the faint 7 is lost."""
    photo = (255 * faint_seven_on_desk()).astype(np.uint8)
    plain = prepare(seven()).pixels
    p = prepare(photo)
    assert p.light_background and similarity(p.pixels, plain) > 0.9
    assert similarity(prepare(photo, steps=Steps(sheet=False)).pixels, plain) < 0.5


def test_what_is_not_a_sheet_on_a_desk_is_left_alone():
    ring = np.zeros((280, 280), np.float32)  # MNIST's fat 0: a light round shape on black
    cv2.ellipse(ring, (140, 140), (70, 100), 0, 0, 360, 1.0, 45)
    bar = np.zeros((280, 120), np.float32)  # a fat light 1 cropped tight: a bare rectangle, nothing written on it
    cv2.line(bar, (68, 25), (52, 255), 1.0, 30, cv2.LINE_AA)
    rows = np.linspace(1.0, 0.3, 400, dtype=np.float32)[:, None]
    gradient = np.repeat(rows, 400, axis=1)  # light falling off across a page: no edge
    for picture in (ring, bar, gradient, np.full((300, 300), 0.9, np.float32)):
        assert find_sheet(picture) is None


def written(page: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    """`page` (gray float) with a dark 7 written in `box` (x, y, width, height)."""
    x, y, w, h = box
    digit = cv2.resize(seven(), (w, h), interpolation=cv2.INTER_AREA).astype(np.float32) / 255
    page = page.copy()
    page[y : y + h, x : x + w] *= digit
    return page


def test_the_digit_is_never_painted_over_with_the_desk():
    """What holds the digit is paper, however dark: a shadow, a worksheet's grey panel, the far side of a pen."""
    plain = prepare(seven()).pixels
    shadowed = np.full((600, 800), 0.92, np.float32)
    shadowed[:, 400:] *= 0.4  # the sun's hard shadow over the half that holds the digit
    light_shadow = np.full((600, 800), 0.92, np.float32)
    light_shadow[:, 400:] *= 0.65  # a lighter one, as light as a grey desk
    words = np.zeros((600, 800), np.uint8)  # a worksheet: printed instructions, a grey answer panel
    for y, line in ((60, "Write the answer in the box"), (110, "below, in pencil or pen:")):
        cv2.putText(words, line, (40, y), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 255, 2, cv2.LINE_AA)
    panel = np.full((600, 800), 0.92, np.float32) * (1 - 0.9 * words / 255)
    panel[360:] *= 0.65
    panel *= 1 - 0.4 * (1 - written(np.ones_like(panel), (320, 380, 200, 200)))  # a pencil 7 in the panel
    pen = np.full((600, 800), 0.9, np.float32)
    pen[:, 480:500] = 0.1  # a pen lying across the sheet, the digit on its narrower side
    wall = np.full((600, 800), 0.18, np.float32)  # a white wall above a chalkboard, a chalk 7 on the board
    wall[:150] = 0.85
    for photo, box in ((shadowed, (500, 150, 250, 250)), (light_shadow, (500, 150, 250, 250)),
                       (pen, (560, 200, 200, 200)), (wall, (300, 250, 200, 200))):
        photo = written(photo, box) if photo is not wall else np.maximum(photo, 1 - written(np.ones_like(wall), box))
        assert find_sheet(photo) is None
        assert similarity(prepare((255 * photo).astype(np.uint8)).pixels, plain) > 0.9
    assert find_sheet(panel) is None  # the white part has the print, but the panel holds the digit


def test_a_sticky_note_is_a_sheet_when_it_fills_a_fifth_of_the_frame():
    """Smaller light rectangles are left alone: a fat light 1 on black (MNIST's own) fills up to a tenth."""
    desk = np.full((600, 800), 0.18, np.float32)
    desk[135:465, 235:565] = 0.9  # 23 % of the picture
    sheet = find_sheet(written(desk, (300, 200, 200, 200)))
    assert sheet is not None and abs(sheet.mean() - 0.23) < 0.01
    desk = np.full((600, 800), 0.18, np.float32)
    desk[200:440, 280:520] = 0.9  # 12 %
    assert find_sheet(written(desk, (320, 240, 160, 160))) is None


def test_a_small_digit_in_a_thin_pen_keeps_its_sheet():
    """The pen's line is measured at full size: in a copy small enough to find the sheet's edges, it fades."""
    paper = np.zeros((480, 640), np.float32)
    cv2.fillPoly(paper, [(SHEET * 0.9).astype(np.int32)], 1.0, cv2.LINE_AA)
    page = np.ones((480, 640), np.float32)
    cv2.line(page, (330, 230), (326, 275), 0.15, 2, cv2.LINE_AA)  # a 1 a tenth of the height, a fine pen
    photo = 0.88 * (page * paper + 0.2 * (1 - paper))
    photo = np.clip(photo + np.random.default_rng(0).normal(0, 0.01, photo.shape), 0, 1).astype(np.float32)
    assert find_sheet(photo) is not None

