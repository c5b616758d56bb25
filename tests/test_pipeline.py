import io
import re
from dataclasses import fields, replace
from pathlib import Path

import cv2
import numpy as np
import pytest
import torch
from drawings import seven, similarity
from PIL import Image

from lenet_helpers.errors import ImageError
from lenet_helpers.learning.data import load_mnist, mnist_transform
from lenet_helpers.photos.decode import image_files
from lenet_helpers.photos.mnist_style import MASS_CENTRE, to_tensor
from lenet_helpers.photos.pieces import Piece, group_digits
from lenet_helpers.photos.pipeline import Steps, prepare, prepare_number
from lenet_helpers.photos.tuning import Tuning


def png_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, "PNG")
    return buffer.getvalue()


def test_output_is_mnist_style():
    p = prepare(seven())
    assert p.tensor.shape == (1, 1, 28, 28)
    assert p.pixels.shape == (28, 28) and p.pixels.min() >= 0 and p.pixels.max() <= 1
    assert p.light_background
    ys, xs = np.nonzero(p.pixels > 0.05)
    assert max(ys.max() - ys.min(), xs.max() - xs.min()) + 1 <= 22  # fitted into 20x20 (+ blur)
    mass = p.pixels / p.pixels.sum()
    cy, cx = (mass * np.arange(28)[:, None]).sum(), (mass * np.arange(28)[None, :]).sum()
    assert abs(cy - 14.0) < 0.1 and abs(cx - 14.0) < 0.1  # centred by centre of mass, where MNIST's digits have it
    assert p.pixels[:2].max() == 0 and p.pixels[:, :2].max() == 0  # a black border as in MNIST


def test_the_same_digit_drawn_a_little_smaller_gives_nearly_the_same_input():
    reference = prepare(seven()).pixels
    for scale in np.linspace(0.8, 1.0, 11):  # whole-pixel centring jumped by a pixel at most of these (0.93)
        assert similarity(prepare(seven(scale=scale)).pixels, reference) > 0.97


def test_the_centre_of_mass_is_where_mnists_training_digits_have_it(real_data):
    images, _ = load_mnist(real_data, train=True)
    mass = images[:5000].double()
    rows = (mass.sum(2) * torch.arange(28)).sum(1) / mass.sum((1, 2))
    columns = (mass.sum(1) * torch.arange(28)).sum(1) / mass.sum((1, 2))
    assert abs(float(rows.mean()) - MASS_CENTRE) < 0.05 and abs(float(columns.mean()) - MASS_CENTRE) < 0.05


def test_tensor_is_normalised_exactly_like_training_images():
    p = prepare(seven())
    as_uint8 = (p.pixels * 255).round().astype(np.uint8)
    expected = mnist_transform()(as_uint8)[None]
    assert np.allclose(p.tensor.numpy(), expected.numpy(), atol=0.01)
    assert np.allclose(to_tensor(np.zeros((28, 28))).numpy(), -0.1307 / 0.3081)


def test_shifted_scaled_and_inverted_digits_give_the_same_input():
    reference = prepare(seven()).pixels
    assert similarity(prepare(seven(offset=(90, 50))).pixels, reference) > 0.95
    assert similarity(prepare(seven(scale=0.4)).pixels, reference) > 0.9
    assert similarity(prepare(255 - seven()).pixels, reference) > 0.95
    assert not prepare(255 - seven()).light_background


def test_transparent_canvas_export_is_composited_on_the_right_background():
    ink = 255 - seven()
    rgba = np.zeros((400, 400, 4), np.uint8)  # black RGB everywhere; the ink lives in alpha
    rgba[:, :, 3] = ink
    reference = prepare(seven()).pixels
    assert similarity(prepare(png_bytes(rgba)).pixels, reference) > 0.95
    rgba[:, :, :3] = 255  # white strokes on transparency
    assert similarity(prepare(png_bytes(rgba)).pixels, reference) > 0.95


def photographed(image: np.ndarray, shadows=()) -> np.ndarray:
    """Hard-edged shadows (rows, columns, how much light is left), lens blur and sensor noise."""
    image = image.astype(np.float32)
    for rows, cols, light in shadows:
        image[rows, cols] *= light
    image = cv2.GaussianBlur(image, (0, 0), 1.5) + np.random.default_rng(0).normal(0, 3, image.shape)
    return np.clip(image, 0, 255).astype(np.uint8)


def test_a_hard_shadow_over_most_of_the_page_does_not_flip_the_polarity():
    """The shadow moves the page's median below the middle; the ink's own contrast decides."""
    p = prepare(photographed(seven(thickness=8), [(slice(None), slice(100, None), 0.5)]))
    assert p.light_background
    assert similarity(p.pixels, prepare(seven()).pixels) > 0.95


def test_the_edges_of_hard_shadows_do_not_become_ink():
    faint = np.full((400, 400), 240, np.uint8)  # a faint pencil 7
    cv2.polylines(faint, [np.array([[120, 80], [280, 80], [170, 330]], np.int32)], False, 150, 8, cv2.LINE_AA)
    reference = prepare(seven()).pixels
    # the band below the crossing runs along the border and would gather into the digit (Steps.page_edges)
    crossing = [(slice(None), slice(300, None), 0.55), (slice(350, None), slice(None), 0.6)]
    corner = [(slice(None, 200), slice(None, 240), 0.45)]
    for shadows in (crossing, corner):
        assert similarity(prepare(photographed(faint, shadows)).pixels, reference) > 0.9


def test_a_fingers_soft_shadow_over_a_faint_digit_is_not_ink():
    faint = np.full((400, 400), 240, np.float32)  # a faint pencil 7
    cv2.polylines(faint, [np.array([[120, 80], [280, 80], [170, 330]], np.int32)], False, 150, 8, cv2.LINE_AA)
    reference = prepare(seven()).pixels
    for angle in (-30, 0, 45, 90, 120):
        blob = np.zeros((400, 400), np.float32)  # an oval a quarter of the picture wide, over the stem
        cv2.ellipse(blob, (215, 220), (170, 50), angle, 0, 360, 1.0, -1, cv2.LINE_AA)
        photo = photographed(faint * (1 - 0.45 * cv2.GaussianBlur(blob, (0, 0), 15)))
        assert similarity(prepare(photo).pixels, reference) > 0.95
        assert similarity(prepare(photo, steps=Steps(narrow_shadows=False)).pixels, reference) < 0.6


def test_noise_specks_and_uneven_light_are_ignored():
    rng = np.random.default_rng(0)
    image = seven().astype(np.float32)
    image *= np.linspace(0.55, 1.0, 400)[None, :]  # light falling from the right
    for x, y in rng.integers(10, 390, (25, 2)):
        cv2.circle(image, (int(x), int(y)), 2, 30, -1)
    image += rng.normal(0, 6, image.shape)
    p = prepare(np.clip(image, 0, 255).astype(np.uint8))
    assert similarity(p.pixels, prepare(seven()).pixels) > 0.9


def test_sixteen_bit_colour_and_exif_rotation(tmp_path):
    gray16 = (seven().astype(np.uint16) * 257)
    path16 = tmp_path / "scan.png"
    Image.fromarray(gray16).save(path16)
    reference = prepare(seven()).pixels
    assert similarity(prepare(path16).pixels, reference) > 0.95
    blue = np.dstack([np.full((400, 400), 250, np.uint8)] * 3)
    blue[seven() < 128] = (40, 60, 170)
    assert similarity(prepare(blue[:, :, ::-1].copy()).pixels, reference) > 0.9  # arrays are BGR
    sideways = np.rot90(seven(), k=1).copy()
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 clockwise to display"
    Image.fromarray(sideways).save(tmp_path / "phone.jpg", exif=exif.tobytes(), quality=95)
    assert similarity(prepare(tmp_path / "phone.jpg").pixels, reference) > 0.9


def test_hairline_and_marker_strokes_get_mnist_width():
    thin = prepare(seven(thickness=2)).pixels
    thick = prepare(seven(thickness=60)).pixels  # a fat marker: strokes a quarter of the digit
    normal = prepare(seven()).pixels
    for pixels in (thin, thick):
        assert 0.5 < (pixels > 0.5).sum() / (normal > 0.5).sum() < 2
        assert similarity(pixels, normal) > 0.8


def test_large_photo_is_downscaled_while_decoding(tmp_path):
    big = np.pad(cv2.resize(seven(), (6000, 6000), interpolation=cv2.INTER_LINEAR), ((0, 0), (1000, 1000)),
                 constant_values=240)  # 8000x6000: 48 megapixels
    Image.fromarray(big).save(tmp_path / "48mp.jpg", quality=80)
    p = prepare(tmp_path / "48mp.jpg")
    assert max(p.original.shape[:2]) <= 1280
    assert similarity(p.pixels, prepare(seven()).pixels) > 0.85


def small_on_a_page(tmp_path, height: int = 90, thickness: int = 5) -> tuple[Path, np.ndarray]:
    """A 12 MP phone photo (4032x3024) of a page with one small 7 off its centre, and that 7 alone."""
    size = height * 400 // 250  # the 7 is 250/400 of its picture tall
    digit = seven(size=size, thickness=thickness * 400 / size)  # `thickness` pixels wide
    page = np.full((3024, 4032), 240, np.uint8)
    page[700 : 700 + digit.shape[0], 2600 : 2600 + digit.shape[1]] = digit
    noisy = np.clip(page + np.random.default_rng(0).normal(0, 3, page.shape), 0, 255).astype(np.uint8)
    Image.fromarray(noisy).save(tmp_path / "page.jpg", quality=90)
    return tmp_path / "page.jpg", digit


def test_a_small_digit_on_a_whole_page_is_read_at_the_photos_full_resolution(tmp_path):
    """A digit 3 % of a 12 MP photo's height, thin pen: once found, prepared as if photographed close up.

    In the work image it is a dozen pixels tall with strokes under a pixel wide: found, but
    blurred and called tiny. Prepared again at the photo's own resolution it gives the same input
    as the digit cut out of the photo, and no 'tiny' doubt.
    """
    photo, digit = small_on_a_page(tmp_path)
    close_up = prepare(digit).pixels
    near = prepare(photo)
    assert similarity(near.pixels, close_up) > 0.95
    assert not any("tiny" in w for w in near.warnings)
    far = prepare(photo, steps=Steps(closer=False))
    assert similarity(far.pixels, close_up) < similarity(near.pixels, close_up) - 0.03
    assert any("tiny" in w for w in far.warnings)
    assert len(prepare_number(photo)) == 1


def test_a_hairline_digit_on_a_whole_page_is_searched_for_with_more_pixels(tmp_path):
    """Strokes one pixel wide in a 12 MP photo vanish under the threshold's median in the work image:
    the page looked empty. Searched for again at twice and four times the size, the 7 is found and read."""
    from lenet_helpers.learning.checkpoint import load_model
    from lenet_helpers.photos.reading import read_digit

    photo, _ = small_on_a_page(tmp_path, thickness=1)
    with pytest.raises(ImageError, match="shows no ink"):
        prepare(photo, steps=Steps(closer=False))
    model, info = load_model(None, torch.device("cpu"))
    assert read_digit(model, photo, info["normalization"]).digit == 7


def test_a_mark_too_small_to_read_even_at_full_resolution_is_one_sentence(tmp_path):
    photo, _ = small_on_a_page(tmp_path, height=16, thickness=3)  # 0.5 % of the photo's height
    with pytest.raises(ImageError, match="no ink"):
        prepare(photo)


@pytest.mark.parametrize(
    "make, words",
    [
        (lambda p: p.write_bytes(b""), "is empty"),
        (lambda p: p.write_text("hello, I am text"), "not an image file"),
        (lambda p: p.write_text("<html><body>404</body></html>"), "not an image file"),
        (lambda p: p.write_bytes(png_bytes(seven())[:300]), "truncated or damaged"),
        (lambda p: Image.new("L", (1, 1)).save(p, "PNG"), "only 1x1 pixels"),
        (lambda p: Image.new("RGB", (300, 200), (250, 250, 250)).save(p, "PNG"), "shows no ink"),
    ],
)
def test_bad_images_are_one_sentence_naming_the_file(tmp_path, make, words):
    path = tmp_path / "digit.jpg"
    make(path)
    with pytest.raises(ImageError, match=words) as error:
        prepare(path)
    assert str(path) in str(error.value)


def test_truncated_jpeg_is_refused(tmp_path):
    buffer = io.BytesIO()
    Image.fromarray(seven()).save(buffer, "JPEG")
    (tmp_path / "cut.jpg").write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])
    with pytest.raises(ImageError, match="truncated or damaged"):
        prepare(tmp_path / "cut.jpg")


def test_missing_path_and_folder():
    with pytest.raises(ImageError, match="does not exist"):
        prepare("no/such/file.png")


def test_number_is_split_left_to_right_keeping_strokes_of_one_digit():
    image = np.full((200, 600), 255, np.uint8)
    cv2.line(image, (60, 40), (60, 160), 0, 12)  # a 1
    cv2.line(image, (200, 40), (200, 160), 0, 12)  # a 4 in two strokes
    cv2.line(image, (240, 40), (160, 120), 0, 12)
    cv2.line(image, (160, 120), (260, 120), 0, 12)
    cv2.circle(image, (420, 100), 60, 0, 12)  # a 0
    digits = prepare_number(image)
    assert len(digits) == 3
    assert [d.box[0] for d in digits] == sorted(d.box[0] for d in digits)
    pieces = [Piece(i, x, 0, w, 10, 50, False) for i, (x, w) in enumerate([(0, 10), (30, 10), (32, 6)])]
    assert [len(g) for g in group_digits(pieces)] == [1, 2]


def test_image_files_expands_folders_in_order(tmp_path):
    for name in ("b.png", "a.jpg", "notes.txt"):
        (tmp_path / name).write_bytes(b"x")
    assert [p.name for p in image_files([tmp_path])] == ["a.jpg", "b.png"]


def test_ruled_paper_and_a_long_stroke_read_as_the_digit():
    lined = np.dstack([seven()] * 3).astype(np.float32)
    for y in range(20, 400, 36):  # a notebook's light blue lines, slightly tilted as in a photo
        cv2.line(lined, (0, y), (399, y + 6), (235, 190, 150), 2)  # BGR
    p = prepare(np.clip(lined, 0, 255).astype(np.uint8))
    assert similarity(p.pixels, prepare(seven()).pixels) > 0.85
    one = np.full((400, 400), 240, np.uint8)
    cv2.line(one, (200, 20), (200, 380), 20, 24)  # a tall 1 is one long line
    assert prepare(one).box[3] >= 360  # kept whole


def test_a_sheet_on_a_dark_desk_keeps_its_polarity_and_loses_its_outline():
    photo = np.full((600, 800), 50, np.uint8)  # the desk is most of the picture
    cv2.fillPoly(photo, [np.array([[220, 120], [600, 110], [610, 480], [200, 490]])], 235)
    sheet = cv2.resize(seven(), (200, 200), interpolation=cv2.INTER_AREA)
    photo[200:400, 300:500] = np.minimum(photo[200:400, 300:500], sheet)
    p = prepare(photo)
    assert p.light_background
    assert similarity(p.pixels, prepare(seven()).pixels) > 0.85


def test_the_same_digit_enlarged_inverted_or_transparent_reads_the_same():
    from lenet_helpers.learning.checkpoint import load_model
    from lenet_helpers.photos.reading import classify

    model, _ = load_model()  # the bundled weights
    rgba = np.zeros((400, 400, 4), np.uint8)
    rgba[:, :, 3] = 255 - seven()
    variants = [seven(), cv2.resize(seven(), None, fx=4, fy=4, interpolation=cv2.INTER_LINEAR), 255 - seven(),
                png_bytes(rgba)]
    assert [p.digit for p in classify(model, [prepare(v) for v in variants])] == [7, 7, 7, 7]


def test_a_blue_ballpoint_digit_on_grey_paper_is_found_whole():
    paper = np.full((300, 400, 3), 140, np.uint8)  # grey paper, BGR
    cv2.putText(paper, "3", (150, 230), cv2.FONT_HERSHEY_SIMPLEX, 6, (150, 60, 30), 6, cv2.LINE_AA)
    cv2.circle(paper, (40, 40), 3, (60, 60, 60), -1)  # a speck far from it
    p = prepare(paper)
    x, y, w, h = p.box
    assert p.light_background and h > 100 and w > 60  # the digit, not the speck
    assert not p.warnings


def test_a_page_with_only_a_dot_is_doubtful():
    page = np.full((300, 400), 235, np.uint8)
    cv2.circle(page, (200, 150), 5, 30, -1)
    assert any("tiny" in w for w in prepare(page).warnings)


def test_most_of_the_ink_left_out_is_doubtful():
    page = np.full((400, 600), 235, np.uint8)
    for x in (100, 300, 500):  # three 1s far apart: which one is the digit?
        cv2.line(page, (x, 100), (x, 300), 20, 10)
    warnings = prepare(page).warnings
    assert any("of the ink was kept" in w for w in warnings)


def test_a_thin_strip_and_a_clean_number_are_told_apart():
    strip = np.full((10, 5000), 255, np.uint8)
    strip[2:8, 1250:3751] = 0
    with pytest.raises(ImageError, match="thin strip"):
        prepare(strip)
    row = np.full((200, 700), 240, np.uint8)
    cv2.putText(row, "2025", (20, 160), cv2.FONT_HERSHEY_SIMPLEX, 5, 0, 14)
    assert [d.warnings for d in prepare_number(row)] == [[], [], [], []]  # the other digits' ink is no doubt


def test_a_tuning_reaches_the_steps():
    """`prepare(..., tuning=...)` is what the steps use: a smaller work size, a larger speck, a wider range."""
    photo = np.full((1200, 1200), 235, np.uint8)
    cv2.polylines(photo, [np.array([[360, 240], [840, 240], [510, 990]], np.int32)], False, 40, 24, cv2.LINE_AA)
    cv2.circle(photo, (1000, 1000), 40, 40, -1)  # a blot far from the 7, a sixth of its ink: no speck
    assert max(prepare(photo).original.shape) == Tuning().work_size
    assert max(prepare(photo, tuning=replace(Tuning(), work_size=320)).original.shape) == 320
    pieces = len(prepare(photo, steps=Steps(near_pieces=False)).mask.nonzero()[0])
    larger_specks = replace(Tuning(), speck=0.5)  # the blot is now a speck, and goes even with every piece kept
    assert len(prepare(photo, steps=Steps(near_pieces=False), tuning=larger_specks).mask.nonzero()[0]) < pieces


def test_every_tuned_number_is_used_and_none_is_left_in_a_module_constant():
    """Each field of Tuning is read somewhere in the pipeline; the old module constants are gone."""
    package = Path(Tuning.__module__.replace(".", "/")).parent
    source = "\n".join(p.read_text() for p in (Path(__file__).parent.parent / package).glob("*.py")
                       if p.name != "tuning.py")
    unused = [f.name for f in fields(Tuning) if not re.search(rf"\b[Tt]uning\.{f.name}\b", source)]
    assert not unused, f"fields no step reads: {unused}"
    for constant in ("SPECK", "STROKE_RANGE", "WORK_SIZE", "INK_PIXELS", "GRAIN", "TINY", "CLOSER_BELOW"):
        assert not re.search(rf"^{constant} =", source, re.MULTILINE), constant
