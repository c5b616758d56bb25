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
from .mnist_style import center_by_mass, fit_digit, to_tensor
from .pieces import digit_pieces, find_pieces, group_digits, union
from .polarity import has_light_background, is_drawing
from .printed_text import without_printed_text
from .sheet import find_sheet, without_desk
from .threshold import ink_mask, without_faint_plateau

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
    faint: bool = True  # drop a faint plateau set apart from the ink (a shadow's corner or band)
    rules: bool = True  # take out the rules of lined or squared paper
    answer_lines: bool = True  # take out a form's answer line, longer than the digit is tall
    page_edges: bool = True  # drop ink that runs along the picture's border
    specks: bool = True  # drop pieces much smaller than the largest
    near_pieces: bool = True  # keep only the pieces that gather into the digit (off: all the ink)
    printed_text: bool = True  # leave out a worksheet's printed words near the digit
    stroke: bool = True  # bring the stroke width into MNIST's range


@dataclass
class Prepared:
    """A digit ready for the model, with every intermediate step of the preparation."""

    name: str  # file name, or a description for bytes and arrays
    original: np.ndarray  # RGB or gray as read, at most WORK_SIZE on its longest side
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


def find_ink(source: Source, polarity: str = "auto", name: str | None = None, steps: Steps = Steps()) -> Ink:
    """Read, gray, decide the polarity, even out the light, and find the pieces of ink."""
    if polarity not in POLARITIES:
        raise ImageError(f"Unknown polarity {polarity!r}; choose {', '.join(POLARITIES)}.")
    original, name = read_image(source, name)
    original = rescale(original)
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
    if max(box[2:]) < 0.04 * max(found.ink.shape) or mask.sum() < 30:
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
    if steps.printed_text and steps.near_pieces:  # the words are no part of the ink the digit could have
        found = replace(found, pieces=without_printed_text(found.pieces, found.labels))
    mask = union(digit_pieces(found.pieces, found.labels, steps.near_pieces), found.labels)
    return _finish(found, mask, found.name, mean, std, steps)


def prepare_number(source: Source, polarity: str = "auto", mean: float = MNIST_MEAN, std: float = MNIST_STD,
                   name: str | None = None, steps: Steps = Steps()) -> list[Prepared]:
    """A row of handwritten digits -> one Prepared per digit, left to right."""
    found = find_ink(source, polarity, name, steps)
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
