"""Turn a photo, scan or drawing of a digit into model input, the way MNIST's digits were made.

A photo needs cleaning first, one module a mechanism: a desk around the sheet (`sheet`), which
side is the ink (`polarity`), uneven light and shadows (`background`), ink from paper
(`threshold`), printed rules and answer lines (`lines`), specks and marks (`pieces`), a
worksheet's words (`printed_text`); then MNIST's own recipe (`mnist_style`: fit into 20x20,
centre by mass in 28x28, normalise). `prepare` does both and keeps every step, so lesson 05 can
show them. `Steps` switches the cleaning steps on and off; `Tuning` holds every number they use.
"""

from dataclasses import dataclass, field, replace

import cv2
import numpy as np
import torch

from ..errors import ImageError
from ..learning.data import MNIST_MEAN, MNIST_STD
from .background import remove_background, stretch
from .decode import IMAGE_SUFFIXES, MIN_SIDE, Source, image_files, read_image, rescale, to_gray  # noqa: F401
from .lines import without_ruled_lines
from .mnist_style import bounding_box, center_by_mass, fit_digit, to_tensor
from .pieces import digit_pieces, find_pieces, group_digits, union
from .polarity import has_light_background, is_drawing
from .printed_text import without_printed_text
from .sheet import find_sheet, without_desk
from .threshold import ink_mask, without_faint_plateau, without_grain
from .tuning import Tuning

POLARITIES = ("auto", "dark-on-light", "light-on-dark")


@dataclass(frozen=True)
class Steps:
    """The photo-cleaning steps `prepare` takes; each can be switched off to measure what it buys."""

    sheet: bool = True  # a sheet on a darker desk: paint the desk over with the paper's light
    background: bool = True  # subtract uneven light and shadows
    narrow_shadows: bool = True  # narrow the background's window below a shadow narrower than it (a finger's)
    shadow_past_strokes: bool = True  # such a shadow found past the strokes' own size (a thin pen)
    shadow_two_modes: bool = True  # found as the second of two sizes set apart (a faint digit under a blob)
    line_polarity: bool = True  # the ink's side is the side of the lines (off: the extreme farther from the median)
    grain: bool = True  # smooth a grainy stroke's dots (chalk, pencil on rough paper) into one before thresholding
    faint: bool = True  # drop a faint plateau set apart from the ink (a shadow's corner or band)
    rules: bool = True  # take out the rules of lined or squared paper
    answer_lines: bool = True  # take out a form's answer line, longer than the digit is tall
    page_edges: bool = True  # drop ink that runs along the picture's border
    specks: bool = True  # drop pieces much smaller than the largest
    near_pieces: bool = True  # keep only the pieces that gather into the digit (off: all the ink)
    printed_text: bool = True  # leave out a worksheet's printed words near the digit
    stroke: bool = True  # bring the stroke width into MNIST's range
    closer: bool = True  # look again at the photo's full resolution around a digit small in the work image


@dataclass
class Prepared:
    """A digit ready for the model, with every intermediate step of the preparation."""

    name: str  # file name, or a description for bytes and arrays
    original: np.ndarray  # RGB or gray as read, at most the work size on its longest side (or the closer look)
    gray: np.ndarray  # float [0, 1], transparency composited, 1 = white
    light_background: bool  # polarity: dark ink on light paper (then inverted)
    ink: np.ndarray  # float [0, 1], ink bright, uneven lighting removed
    mask: np.ndarray  # bool, the ink kept as the digit (specks and edges dropped)
    box: tuple[int, int, int, int]  # x, y, width, height of the digit in the work image
    digit: np.ndarray  # float [0, 1], the crop with MNIST-like stroke width, fitted into 20x20
    pixels: np.ndarray  # float [0, 1], 28x28, centred by centre of mass: what the model sees
    tensor: torch.Tensor = field(repr=False)  # (1, 1, 28, 28), normalised as in training
    warnings: list[str] = field(default_factory=list)  # why the reading may be doubtful


@dataclass
class Ink:
    """What a photo holds before it is cut into digits: the steps shared by one digit and a number."""

    name: str
    original: np.ndarray
    gray: np.ndarray
    light_background: bool
    ink: np.ndarray
    threshold: float  # the ink level that separates ink from paper
    pieces: list
    labels: np.ndarray
    detail: float = 0.0  # for a closer look, the photo's pixels for each of this image's; else 0


def find_ink(source: Source, polarity: str = "auto", name: str | None = None, steps: Steps = Steps(),
             tuning: Tuning = Tuning()) -> Ink:
    """Read, gray, decide the polarity, even out the light, and find the pieces of ink."""
    if polarity not in POLARITIES:
        raise ImageError(f"Unknown polarity {polarity!r}; choose {', '.join(POLARITIES)}.")
    original, name = read_image(source, name, tuning.work_size)
    try:
        return clean(work_image(original, tuning.work_size, tuning), name, polarity, steps, tuning)
    except ImageError as refusal:
        if not steps.closer:
            raise
        return finer(source, name, polarity, steps, tuning, max(original.shape[:2]), refusal)


def work_image(image: np.ndarray, size: int, tuning: Tuning) -> np.ndarray:
    """`image` brought to at most `size` on its longest side, and at least the smallest work size."""
    return rescale(image, size, tuning.min_work_size)


def finer(source: Source, name: str, polarity: str, steps: Steps, tuning: Tuning, seen: int,
          refusal: ImageError) -> Ink:
    """The ink searched again at larger work sizes (`tuning.finer`), when the photo holds more.

    A thin pen's stroke in a 12 MP photo is under a pixel wide in the work image, and the 3x3
    median that keeps noise out of the threshold erases it: the page looks empty. Looked at with
    more pixels, the stroke is whole again. Only a photo refused at work size pays for this.
    """
    for times in tuning.finer:
        size = times * tuning.work_size
        image, _ = read_image(source, name, size=size)
        if max(image.shape[:2]) < tuning.more_detail * min(seen, size // 2):  # no more pixels than the look before
            break
        seen = max(image.shape[:2])
        try:
            return clean(work_image(image, size, tuning), name, polarity, steps, tuning)
        except ImageError:
            continue
    raise refusal


def closer(source: Source, found: Ink, box: tuple[int, int, int, int], steps: Steps,
           tuning: Tuning = Tuning()) -> Ink | None:
    """The photo read again at its own resolution around a digit small in the work image; None if no need.

    The ink is searched in a work image of `work_size` pixels, where a digit 5 % of a 12 MP
    photo's height is a dozen pixels tall and a thin pen's stroke less than one: enough to find
    where the digit is, too little to read it. So around a digit smaller than `closer_below` of the
    work image, a window `closer_around` digit sizes wider on every side is decoded at up to the
    photo's full resolution and cleaned again on its own, with the polarity already decided on
    the whole photo.
    """
    x, y, w, h = box
    side, work = max(w, h), max(found.original.shape[:2])
    if not steps.closer or side >= tuning.closer_below * work:
        return None
    window = (1 + 2 * tuning.closer_around) * side  # its side, in work pixels
    full, _ = read_image(source, found.name, size=round(work * tuning.work_size / window))
    if full.shape[0] < MIN_SIDE or full.shape[1] < MIN_SIDE:
        return None
    scale = full.shape[0] / found.original.shape[0]
    if scale < tuning.more_detail:  # the photo holds no more detail than the work image
        return None
    margin = tuning.closer_around * side
    top, bottom = max(0, round((y - margin) * scale)), min(full.shape[0], round((y + h + margin) * scale))
    left, right = max(0, round((x - margin) * scale)), min(full.shape[1], round((x + w + margin) * scale))
    polarity = "dark-on-light" if found.light_background else "light-on-dark"
    try:
        near = clean(work_image(full[top:bottom, left:right], tuning.work_size, tuning), found.name, polarity,
                     steps, tuning)
    except ImageError:  # no ink in the window after all: keep the first look
        return None
    return replace(near, detail=(right - left) / near.original.shape[1])


def clean(original: np.ndarray, name: str, polarity: str, steps: Steps, tuning: Tuning = Tuning()) -> Ink:
    """An image at work size: gray, the polarity, the light evened out, the pieces of ink."""
    if min(original.shape[:2]) < MIN_SIDE:
        height, width = original.shape[:2]
        raise ImageError(f"{name} is a thin strip ({width}x{height} once fitted into {tuning.work_size} pixels); "
                         "crop it around the digit.")
    gray = to_gray(original)
    sheet = find_sheet(gray, tuning) if steps.sheet else None
    if sheet is not None:
        gray = without_desk(gray, sheet, tuning)
    if polarity == "auto":
        light = has_light_background(gray, steps.line_polarity, tuning)
    else:
        light = polarity == "dark-on-light"
    ink = 1.0 - gray if light else gray
    narrow = steps.narrow_shadows and not is_drawing(gray)  # a drawing has no shadows
    if steps.background:
        ink = remove_background(ink, light, narrow, steps.shadow_past_strokes, steps.shadow_two_modes, tuning)
    else:
        ink = stretch(ink, tuning)
    mask, threshold = ink_mask(ink, name, tuning)
    if steps.grain:
        ink, mask, threshold = without_grain(ink, mask, threshold, name, tuning)
    if steps.rules or steps.answer_lines:
        mask = without_ruled_lines(mask, ink, steps.rules, steps.answer_lines, tuning)
    pieces, labels = find_pieces(mask, steps.page_edges, steps.specks, tuning)
    if not pieces:
        raise ImageError(f"{name} shows no digit-sized ink; photograph the digit closer.")
    stronger = (without_faint_plateau(ink, mask, pieces, steps.page_edges, steps.specks, tuning)
                if steps.faint else None)
    if stronger:
        mask, threshold, pieces, labels = stronger
    return Ink(name, original, gray, light, ink, threshold, pieces, labels)


def digit_ink(found: Ink, mask: np.ndarray, tuning: Tuning = Tuning()) -> np.ndarray:
    """The digit's own grey ink, full strength 1, with its soft edges: what gets fitted into 20x20.

    Grey, not black and white: MNIST's digits are anti-aliased, and a small or blurred digit
    keeps its shape better in grey levels than in a re-thresholded mask. The ink's `ink_top`
    percentile becomes full strength; the mask grown by `soft_edge` pixels keeps the soft edges.
    """
    high = max(float(np.percentile(found.ink[mask], tuning.ink_top)), found.threshold + 1e-3)
    edge = tuning.soft_edge
    edges = cv2.dilate(mask.astype(np.uint8), np.ones((edge, edge), np.uint8)) > 0
    return np.clip(found.ink / high, 0, 1) * edges


def doubts(found: Ink, mask: np.ndarray, box: tuple[int, int, int, int], one_digit: bool = True,
           tuning: Tuning = Tuning()) -> list[str]:
    """Why a prepared digit may not be what the photo shows: little of the ink kept, a tiny digit.

    For one digit of a number (`one_digit` False) the other digits' ink is not ink left out. A
    closer look's digit is tiny by the photo's own pixels (`detail` of them for each of its own).
    """
    warnings = []
    if one_digit:
        largest = max(p.area for p in found.pieces if mask[found.labels == p.label].any())
        counted = sum(p.area for p in found.pieces if p.area >= tuning.counted_piece * largest)
        kept = float(mask.sum()) / max(1, counted)
        if kept < tuning.kept_least:
            warnings.append(f"only {kept:.0%} of the ink was kept as the digit (the rest looked like specks or marks)")
    seen, picture = (found.detail, tuning.work_size) if found.detail else (1.0, max(found.ink.shape))
    tiny = max(box[2:]) * seen < tuning.tiny * picture
    if tiny or mask.sum() < tuning.tiny_pixels:
        warnings.append("the digit is tiny in the picture (a speck?); photograph it closer")
    return warnings


def _finish(found: Ink, mask: np.ndarray, name: str, mean: float, std: float, steps: Steps, tuning: Tuning,
            one_digit: bool = True) -> Prepared:
    digit, box = fit_digit(digit_ink(found, mask, tuning), mask, steps.stroke, tuning)
    pixels = center_by_mass(digit)
    return Prepared(name, found.original, found.gray, found.light_background, found.ink, mask, box, digit,
                    pixels, to_tensor(pixels, mean, std), doubts(found, mask, box, one_digit, tuning))


def prepare(source: Source, polarity: str = "auto", mean: float = MNIST_MEAN, std: float = MNIST_STD,
            name: str | None = None, steps: Steps = Steps(), tuning: Tuning = Tuning()) -> Prepared:
    """One image of one digit -> MNIST-style model input, keeping every step."""
    found = find_ink(source, polarity, name, steps, tuning)
    found, mask = digit_of(found, steps, tuning)
    near = closer(source, found, bounding_box(mask), steps, tuning)
    if near is not None:
        found, mask = digit_of(near, steps, tuning)
    return _finish(found, mask, found.name, mean, std, steps, tuning)


def digit_of(found: Ink, steps: Steps, tuning: Tuning = Tuning()) -> tuple[Ink, np.ndarray]:
    """The pieces of ink that make the digit, as a mask (a worksheet's words left out first)."""
    if steps.printed_text and steps.near_pieces:  # the words are no part of the ink the digit could have
        found = replace(found, pieces=without_printed_text(found.pieces, found.labels, tuning))
    return found, union(digit_pieces(found.pieces, found.labels, steps.near_pieces, tuning), found.labels)


def prepare_number(source: Source, polarity: str = "auto", mean: float = MNIST_MEAN, std: float = MNIST_STD,
                   name: str | None = None, steps: Steps = Steps(), tuning: Tuning = Tuning()) -> list[Prepared]:
    """A row of handwritten digits -> one Prepared per digit, left to right."""
    found = find_ink(source, polarity, name, steps, tuning)
    near = closer(source, found, bounding_box(union(found.pieces, found.labels)), steps, tuning)
    if near is not None:
        found = near
    tallest, largest = max(p.h for p in found.pieces), max(p.area for p in found.pieces)
    pieces = [p for p in found.pieces if p.h >= tuning.number_tall * tallest or p.area >= tuning.number_large * largest]
    return [_finish(found, union(group, found.labels), f"{found.name} [digit {i + 1}]", mean, std, steps, tuning,
                    one_digit=False)
            for i, group in enumerate(group_digits(pieces))]


def naive_prepare(source: Source, mean: float = MNIST_MEAN, std: float = MNIST_STD) -> tuple[np.ndarray, torch.Tensor]:
    """The naive pipeline, kept for comparison: gray, squash to 28x28, invert.

    Returns (pixels, tensor). It ignores polarity, position, size, light and stroke width.
    """
    original, _ = read_image(source)
    pixels = 1.0 - cv2.resize(to_gray(original), (28, 28), interpolation=cv2.INTER_AREA)
    return pixels, to_tensor(pixels, mean, std)
