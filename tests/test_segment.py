import cv2
import numpy as np

from lenet_helpers.segment import (
    background_window,
    digit_pieces,
    find_pieces,
    ink_mask,
    printed_text,
    remove_background,
    strokes_valley,
    union,
    without_faint_plateau,
    without_printed_text,
    without_ruled_lines,
)


def ring_and_specks() -> np.ndarray:
    """A bright-ink 0 filling most of the picture, with a speck inside the ring and one outside."""
    ink = np.zeros((300, 300), np.float32)
    cv2.ellipse(ink, (150, 150), (90, 130), 0, 0, 360, 1.0, 14, cv2.LINE_AA)
    cv2.circle(ink, (150, 150), 4, 1.0, -1)
    cv2.circle(ink, (280, 20), 4, 1.0, -1)
    return ink


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
    ink = printed(ink, "Write here", (70, 55), 0.7, 2)  # printed just above, within its column
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


def test_a_coloured_in_loop_in_a_phone_photo_keeps_the_window():
    cover = np.zeros((480, 640), np.float32)  # a ballpoint 9 whose loop is coloured in, at a phone photo's size
    cv2.circle(cover, (320, 200), 35, 1.0, -1, cv2.LINE_AA)
    cv2.line(cover, (355, 200), (340, 330), 1.0, 3, cv2.LINE_AA)
    gray = 0.88 * (1 - 0.85 * cover) + np.random.default_rng(0).normal(0, 0.015, cover.shape).astype(np.float32)
    ink = 1 - np.clip(gray, 0, 1)
    assert background_window(ink, 161) == 161  # the thin tail's faded strength does not make the loop a shadow
    assert remove_background(ink)[200, 320] > 0.5  # the loop stays ink


def paper_photo(cover: np.ndarray, light: np.ndarray, contrast: float = 0.85) -> np.ndarray:
    """Bright ink as `prepare` sees it: paper lit by `light`, a pen's `cover` taking `contrast` of it, sensor noise."""
    gray = 0.88 * light * (1 - contrast * cover) + np.random.default_rng(0).normal(0, 0.015, cover.shape)
    return (1 - np.clip(gray, 0, 1)).astype(np.float32)


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
