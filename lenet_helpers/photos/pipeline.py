"""Turn a photo, scan or drawing of a digit into model input, the way MNIST's digits were made.

A photo needs cleaning first, one module a mechanism: a desk around the sheet (`sheet`), which
side is the ink (`polarity`), uneven light and shadows (`background`), ink from paper
(`threshold`), printed rules and answer lines (`lines`), specks and marks (`pieces`), a
worksheet's words (`printed_text`); then MNIST's own recipe (`mnist_style`: fit into 20x20,
centre by mass in 28x28, normalise). `prepare` does both and keeps
every step, so lesson 05 can show them.
"""

from dataclasses import dataclass, field, replace

import cv2
import numpy as np
import torch

from ..errors import ImageError
from ..learning.data import MNIST_MEAN, MNIST_STD
from .background import remove_background, stretch
from .decode import IMAGE_SUFFIXES, MIN_SIDE, WORK_SIZE, Source, image_files, read_image, rescale, to_gray  # noqa: F401
from .lines import without_ruled_lines
from .mnist_style import bounding_box, center_by_mass, fit_digit, to_tensor
from .pieces import digit_pieces, find_pieces, group_digits, union
from .polarity import has_light_background, is_drawing
from .printed_text import without_printed_text
from .sheet import find_sheet, without_desk
from .threshold import ink_mask, without_faint_plateau, without_grain

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
    original: np.ndarray  # RGB or gray as read, at most WORK_SIZE on its longest side (or the closer look)
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


CLOSER_BELOW = 0.1  # a digit smaller than this part of the work image's longest side is looked at closer
CLOSER_AROUND = 1.5  # the closer look's window: the digit and this many times its size on every side
TINY = 0.04  # a digit spanning less than this part of the picture's longest side is called tiny
SMALLEST_DIGIT = TINY * WORK_SIZE  # the same in the photo's own pixels, for a closer look's digit


def find_ink(source: Source, polarity: str = "auto", name: str | None = None, steps: Steps = Steps()) -> Ink:
    """Read, gray, decide the polarity, even out the light, and find the pieces of ink."""
    if polarity not in POLARITIES:
        raise ImageError(f"Unknown polarity {polarity!r}; choose {', '.join(POLARITIES)}.")
    original, name = read_image(source, name)
    try:
        return clean(rescale(original), name, polarity, steps)
    except ImageError as refusal:
        if not steps.closer:
            raise
        return finer(source, name, polarity, steps, max(original.shape[:2]), refusal)


def finer(source: Source, name: str, polarity: str, steps: Steps, seen: int, refusal: ImageError) -> Ink:
    """The ink searched again at twice and four times the work size, when the photo holds more.

    A thin pen's stroke in a 12 MP photo is under a pixel wide in the work image, and the 3x3
    median that keeps noise out of the threshold erases it: the page looks empty. Looked at with
    more pixels, the stroke is whole again. Only a photo refused at work size pays for this.
    """
    for size in (2 * WORK_SIZE, 4 * WORK_SIZE):
        image, _ = read_image(source, name, size=size)
        if max(image.shape[:2]) < 1.5 * min(seen, size // 2):  # no more pixels than the look before
            break
        seen = max(image.shape[:2])
        try:
            return clean(rescale(image, size), name, polarity, steps)
        except ImageError:
            continue
    raise refusal


def closer(source: Source, found: Ink, box: tuple[int, int, int, int], steps: Steps) -> Ink | None:
    """The photo read again at its own resolution around a digit small in the work image; None if no need.

    The ink is searched in a work image of WORK_SIZE pixels, where a digit 5 % of a 12 MP photo's
    height is a dozen pixels tall and a thin pen's stroke less than one: enough to find where the
    digit is, too little to read it. So around a digit smaller than CLOSER_BELOW of the work image,
    a window CLOSER_AROUND digit sizes wider on every side is decoded at up to the photo's full
    resolution and cleaned again on its own, with the polarity already decided on the whole photo.
    """
    x, y, w, h = box
    side, work = max(w, h), max(found.original.shape[:2])
    if not steps.closer or side >= CLOSER_BELOW * work:
        return None
    window = (1 + 2 * CLOSER_AROUND) * side  # its side, in work pixels
    full, _ = read_image(source, found.name, size=round(work * WORK_SIZE / window))
    if full.shape[0] < MIN_SIDE or full.shape[1] < MIN_SIDE:
        return None
    scale = full.shape[0] / found.original.shape[0]
    if scale < 1.5:  # the photo holds no more detail than the work image
        return None
    margin = CLOSER_AROUND * side
    top, bottom = max(0, round((y - margin) * scale)), min(full.shape[0], round((y + h + margin) * scale))
    left, right = max(0, round((x - margin) * scale)), min(full.shape[1], round((x + w + margin) * scale))
    polarity = "dark-on-light" if found.light_background else "light-on-dark"
    try:
        near = clean(rescale(full[top:bottom, left:right]), found.name, polarity, steps)
    except ImageError:  # no ink in the window after all: keep the first look
        return None
    return replace(near, detail=(right - left) / near.original.shape[1])


def clean(original: np.ndarray, name: str, polarity: str, steps: Steps) -> Ink:
    """An image at work size: gray, the polarity, the light evened out, the pieces of ink."""
    if min(original.shape[:2]) < MIN_SIDE:
        height, width = original.shape[:2]
        raise ImageError(f"{name} is a thin strip ({width}x{height} once fitted into {WORK_SIZE} pixels); "
                         "crop it around the digit.")
    gray = to_gray(original)
    sheet = find_sheet(gray) if steps.sheet else None
    if sheet is not None:
        gray = without_desk(gray, sheet)
    light = has_light_background(gray, steps.line_polarity) if polarity == "auto" else polarity == "dark-on-light"
    ink = 1.0 - gray if light else gray
    narrow = steps.narrow_shadows and not is_drawing(gray)  # a drawing has no shadows
    if steps.background:
        ink = remove_background(ink, light, narrow_shadows=narrow, past_strokes=steps.shadow_past_strokes,
                                two_modes=steps.shadow_two_modes)
    else:
        ink = stretch(ink)
    mask, threshold = ink_mask(ink, name)
    if steps.grain:
        ink, mask, threshold = without_grain(ink, mask, threshold, name)
    if steps.rules or steps.answer_lines:
        mask = without_ruled_lines(mask, ink, steps.rules, steps.answer_lines)
    pieces, labels = find_pieces(mask, steps.page_edges, steps.specks)
    if not pieces:
        raise ImageError(f"{name} shows no digit-sized ink; photograph the digit closer.")
    stronger = without_faint_plateau(ink, mask, pieces, steps.page_edges, steps.specks) if steps.faint else None
    if stronger:
        mask, threshold, pieces, labels = stronger
    return Ink(name, original, gray, light, ink, threshold, pieces, labels)


def digit_ink(found: Ink, mask: np.ndarray, top: float = 95, edge: int = 5) -> np.ndarray:
    """The digit's own grey ink, full strength 1, with its soft edges: what gets fitted into 20x20.

    Grey, not black and white: MNIST's digits are anti-aliased, and a small or blurred digit
    keeps its shape better in grey levels than in a re-thresholded mask. The ink's `top`
    percentile becomes full strength; the mask grown by `edge` pixels keeps the soft edges.
    """
    high = max(float(np.percentile(found.ink[mask], top)), found.threshold + 1e-3)
    edges = cv2.dilate(mask.astype(np.uint8), np.ones((edge, edge), np.uint8)) > 0
    return np.clip(found.ink / high, 0, 1) * edges


def doubts(found: Ink, mask: np.ndarray, box: tuple[int, int, int, int], one_digit: bool = True) -> list[str]:
    """Why a prepared digit may not be what the photo shows: little of the ink kept, a tiny digit.

    For one digit of a number (`one_digit` False) the other digits' ink is not ink left out.
    """
    warnings = []
    if one_digit:
        largest = max(p.area for p in found.pieces if mask[found.labels == p.label].any())
        kept = float(mask.sum()) / max(1, sum(p.area for p in found.pieces if p.area >= 0.1 * largest))
        if kept < 0.5:
            warnings.append(f"only {kept:.0%} of the ink was kept as the digit (the rest looked like specks or marks)")
    tiny = max(box[2:]) * found.detail < SMALLEST_DIGIT if found.detail else max(box[2:]) < TINY * max(found.ink.shape)
    if tiny or mask.sum() < 30:
        warnings.append("the digit is tiny in the picture (a speck?); photograph it closer")
    return warnings


def _finish(found: Ink, mask: np.ndarray, name: str, mean: float, std: float, steps: Steps,
            one_digit: bool = True) -> Prepared:
    digit, box = fit_digit(digit_ink(found, mask), mask, steps.stroke)
    pixels = center_by_mass(digit)
    return Prepared(name, found.original, found.gray, found.light_background, found.ink, mask, box, digit,
                    pixels, to_tensor(pixels, mean, std), doubts(found, mask, box, one_digit))


def prepare(source: Source, polarity: str = "auto", mean: float = MNIST_MEAN, std: float = MNIST_STD,
            name: str | None = None, steps: Steps = Steps()) -> Prepared:
    """One image of one digit -> MNIST-style model input, keeping every step."""
    found = find_ink(source, polarity, name, steps)
    found, mask = digit_of(found, steps)
    near = closer(source, found, bounding_box(mask), steps)
    if near is not None:
        found, mask = digit_of(near, steps)
    return _finish(found, mask, found.name, mean, std, steps)


def digit_of(found: Ink, steps: Steps) -> tuple[Ink, np.ndarray]:
    """The pieces of ink that make the digit, as a mask (a worksheet's words left out first)."""
    if steps.printed_text and steps.near_pieces:  # the words are no part of the ink the digit could have
        found = replace(found, pieces=without_printed_text(found.pieces, found.labels))
    return found, union(digit_pieces(found.pieces, found.labels, steps.near_pieces), found.labels)


def prepare_number(source: Source, polarity: str = "auto", mean: float = MNIST_MEAN, std: float = MNIST_STD,
                   name: str | None = None, steps: Steps = Steps()) -> list[Prepared]:
    """A row of handwritten digits -> one Prepared per digit, left to right."""
    found = find_ink(source, polarity, name, steps)
    near = closer(source, found, bounding_box(union(found.pieces, found.labels)), steps)
    if near is not None:
        found = near
    tallest, largest = max(p.h for p in found.pieces), max(p.area for p in found.pieces)
    pieces = [p for p in found.pieces if p.h >= 0.25 * tallest or p.area >= 0.3 * largest]
    return [_finish(found, union(group, found.labels), f"{found.name} [digit {i + 1}]", mean, std, steps, False)
            for i, group in enumerate(group_digits(pieces))]


def naive_prepare(source: Source, mean: float = MNIST_MEAN, std: float = MNIST_STD) -> tuple[np.ndarray, torch.Tensor]:
    """The naive pipeline, kept for comparison: gray, squash to 28x28, invert.

    Returns (pixels, tensor). It ignores polarity, position, size, light and stroke width.
    """
    original, _ = read_image(source)
    pixels = 1.0 - cv2.resize(to_gray(original), (28, 28), interpolation=cv2.INTER_AREA)
    return pixels, to_tensor(pixels, mean, std)
