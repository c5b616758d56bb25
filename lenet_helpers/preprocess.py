"""Turn any photo, scan or drawing of a digit into MNIST-style model input.

MNIST digits are white ink on black, cropped to the ink, fitted into 20x20 keeping the
aspect ratio, placed in 28x28 so that the centre of mass is the centre, with strokes
about a tenth of the digit's size. `prepare` does the same to an own image and keeps
every step, so lesson 05 can show them.
"""

import io
import os
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
import torch
from PIL import Image, ImageOps, UnidentifiedImageError

from .data import MNIST_MEAN, MNIST_STD, normalize
from .errors import ImageError

WORK_SIZE = 640  # longest side while looking for ink: enough for a digit, fast for a 48 MP photo
LOCAL_SIZE = 160  # longest side when comparing ink with its surroundings (polarity)
MIN_SIDE = 8  # smaller images cannot hold a readable digit
MIN_CONTRAST = 0.06  # ink fainter than this against its paper is noise (a faint pencil is ~0.2)
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp"}
STROKE_RANGE = (0.07, 0.17)  # stroke width / digit size seen in MNIST (10th-90th pct: 0.08-0.15)

Source = str | os.PathLike | bytes | np.ndarray


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


def read_image(source: Source, name: str | None = None) -> tuple[np.ndarray, str]:
    """Decode a path, bytes or array into an RGB, RGBA or gray array; (array, name)."""
    if isinstance(source, np.ndarray):
        return _from_array(source), name or "array"
    if isinstance(source, (bytes, bytearray)):
        return _decode(bytes(source), name or "uploaded image"), name or "uploaded image"
    path = Path(source)
    if not path.exists():
        raise ImageError(f"{path} does not exist; check the path.")
    if path.is_dir():
        raise ImageError(f"{path} is a folder, not an image.")
    data = path.read_bytes()
    return _decode(data, str(path)), name or str(path)


def _from_array(array: np.ndarray) -> np.ndarray:
    """OpenCV-style arrays (gray, BGR, BGRA) -> gray, RGB or RGBA."""
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if array.ndim == 3 and array.shape[2] == 3:
        return cv2.cvtColor(array, cv2.COLOR_BGR2RGB)
    if array.ndim == 3 and array.shape[2] == 4:
        return cv2.cvtColor(array, cv2.COLOR_BGRA2RGBA)
    if array.ndim != 2:
        raise ImageError(f"An image array must be (H, W), (H, W, 3) or (H, W, 4), not {array.shape}.")
    return array


def _decode(data: bytes, name: str) -> np.ndarray:
    """Bytes of an image file -> array, upright (EXIF), downscaled while decoding when possible."""
    if not data:
        raise ImageError(f"{name} is empty (0 bytes); save or copy the image again.")
    try:
        image = Image.open(io.BytesIO(data))
        image.draft(image.mode, (WORK_SIZE, WORK_SIZE))  # JPEG: decode at 1/2..1/8 size, fast and small
        image = ImageOps.exif_transpose(image)
        image.load()
    except UnidentifiedImageError:
        raise ImageError(f"{name} is not an image file (PNG, JPEG, ...); check what it holds.") from None
    except Image.DecompressionBombError:
        raise ImageError(f"{name} is too large to be a photo of a digit; resize it first.") from None
    except (OSError, SyntaxError, ValueError):
        raise ImageError(f"{name} is truncated or damaged; copy or export it again.") from None
    if min(image.size) < MIN_SIDE:
        width, height = image.size
        raise ImageError(f"{name} is only {width}x{height} pixels; a digit needs at least {MIN_SIDE}x{MIN_SIDE}.")
    if max(image.size) > 2 * WORK_SIZE:  # non-JPEG large images: shrink before converting
        image = image.reduce(max(image.size) // WORK_SIZE)
    return _pil_to_array(image)


def _pil_to_array(image: Image.Image) -> np.ndarray:
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        array = np.asarray(image, dtype=np.float32)
        top = 65535.0 if array.max() > 255 else 255.0
        return np.clip(array / top, 0, 1)
    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    if has_alpha:
        return np.asarray(image.convert("RGBA"))
    if image.mode in ("L", "1"):
        return np.asarray(image.convert("L"))
    return np.asarray(image.convert("RGB"))


def to_float(array: np.ndarray) -> np.ndarray:
    """Any integer or float image -> float32 in [0, 1]."""
    if array.dtype == np.uint8:
        return array.astype(np.float32) / 255.0
    if array.dtype == np.uint16:
        return array.astype(np.float32) / 65535.0
    array = array.astype(np.float32)
    return array / 255.0 if array.max() > 1.0 else array


def rescale(array: np.ndarray, size: int = WORK_SIZE) -> np.ndarray:
    """Bring the longest side to at most `size` (area averaging keeps thin strokes).

    Small images stay as they are: enlarging a 28x28 digit was measured to read MNIST worse.
    """
    longest = max(array.shape[:2])
    if longest <= size:
        return array
    width, height = round(array.shape[1] * size / longest), round(array.shape[0] * size / longest)
    return cv2.resize(array, (width, height), interpolation=cv2.INTER_AREA)


def to_gray(image: np.ndarray) -> np.ndarray:
    """Luminance in [0, 1]; transparent pixels take the colour that contrasts with the ink."""
    image = to_float(image)
    if image.ndim == 2:
        return image
    rgb = image[:, :, :3]
    gray = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2GRAY)
    if image.shape[2] == 4:
        alpha = image[:, :, 3]
        if alpha.min() < 0.98:  # real transparency: a canvas export, ink on nothing
            opaque = alpha > 0.5
            ink_level = float(gray[opaque].mean()) if opaque.any() else 0.0
            background = 1.0 if ink_level < 0.5 else 0.0
            gray = alpha * gray + (1 - alpha) * background
    return gray.astype(np.float32)


def has_light_background(gray: np.ndarray) -> bool:
    """True for dark ink on light paper.

    The paper is the majority, so a median is its level, and the ink is whichever extreme lies
    farther from it (after a 3x3 median, so single noisy pixels do not count). The median of
    the whole picture and of its middle are both asked: a dark desk around a small sheet fools
    the first, a fat digit filling the middle fools the second. When they disagree, the middle
    wins only if its colour forms a sheet: one solid shape clear of the picture's border. When
    they agree, a hard-edged shadow may have moved both, so ink that clearly stands out from
    its own surroundings (local_polarity) has the last word.
    """
    smooth = cv2.medianBlur((gray * 255).astype(np.uint8), 3)
    h, w = smooth.shape
    darkest, lightest = float(smooth.min()), float(smooth.max())
    votes = []
    for region in (smooth, smooth[h // 5 : h - h // 5, w // 5 : w - w // 5]):
        background = float(np.median(region))
        votes.append(background - darkest > lightest - background)
    whole, middle = votes
    if whole == middle:
        local = local_polarity(smooth)
        return whole if local is None else local
    return middle if is_sheet(smooth, light=middle) else whole


def local_polarity(smooth: np.ndarray, confidence: float = 3.0) -> bool | None:
    """Dark-on-light (True) or light-on-dark (False) by the ink's contrast with its surroundings.

    A wide median filter gives the paper around every point and keeps the edges of shadows
    sharp, so what differs from it are marks: thin ones (ink, on one side of the paper's
    level, and noise, on both) and broad ones (the corners of shadows and sheets, which a
    median rounds off). The broad ones are opened away; when the strongest thin marks darker
    than their surroundings outweigh the brighter ones by `confidence` times (or the
    reverse), that decides, else None.
    """
    scale = LOCAL_SIZE / max(smooth.shape)
    small = cv2.resize(smooth, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else smooth
    window = max(3, min(small.shape) // 4) | 1
    residual = small.astype(np.float32) - cv2.medianBlur(small, window)
    broad = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (9, 9))  # wider than a pen stroke here
    strengths = []
    for marks in (np.maximum(-residual, 0), np.maximum(residual, 0)):  # darker, brighter
        thin = marks - cv2.morphologyEx(marks, cv2.MORPH_OPEN, broad)
        count = max(1, thin.size // 200)  # the strongest half percent: about the ink
        strengths.append(float(np.partition(thin.ravel(), -count)[-count:].mean()))
    darker, brighter = strengths
    if darker > confidence * max(brighter, 1.0):
        return True
    if brighter > confidence * max(darker, 1.0):
        return False
    return None


def is_sheet(smooth: np.ndarray, light: bool) -> bool:
    """Whether the largest light (or dark) region is a sheet: solid, big, clear of the border."""
    _, classes = cv2.threshold(smooth, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    region = (classes > 0) if light else (classes == 0)
    count, _, stats, _ = cv2.connectedComponentsWithStats(region.astype(np.uint8), connectivity=8)
    if count < 2:
        return False
    x, y, w, h, area = stats[1 + int(np.argmax(stats[1:, 4]))]
    height, width = smooth.shape
    touches = x == 0 or y == 0 or x + w == width or y + h == height
    return not touches and area >= 0.7 * w * h and area >= 0.1 * smooth.size


def remove_background(ink: np.ndarray) -> np.ndarray:
    """Subtract the slowly varying background (shadows, uneven light) from a bright-ink image.

    A grey-level opening with a window wider than any stroke keeps only the background; it
    is computed at a quarter of the size, which is plenty for light that varies slowly.
    """
    small = cv2.resize(ink, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    size = max(5, min(small.shape) // 5) | 1
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))
    opened = cv2.morphologyEx(small, cv2.MORPH_OPEN, kernel)
    # smoothed, but never below the opening: the edge of a hard shadow stays sharp, not a ridge
    background = np.maximum(opened, cv2.GaussianBlur(opened, (0, 0), size / 4))
    background = cv2.resize(background, (ink.shape[1], ink.shape[0]), interpolation=cv2.INTER_LINEAR)
    flat = np.clip(ink - background, 0, 1)
    top = float(np.percentile(flat, 99.9))
    # stretch the ink to full strength, unless there is none: blank paper stays blank
    return np.clip(flat / top, 0, 1) if top > MIN_CONTRAST else flat


def ink_mask(ink: np.ndarray, name: str = "image") -> np.ndarray:
    """Binary ink by Otsu's threshold; an image with no contrast has no digit."""
    smooth = cv2.medianBlur((ink * 255).astype(np.uint8), 3)
    if np.percentile(smooth, 99.95) < 40:  # under ~15 % contrast anywhere: blank paper
        raise ImageError(f"{name} shows no ink (an empty page?); photograph a written digit.")
    threshold, mask = cv2.threshold(smooth, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return mask > 0


def components(mask: np.ndarray) -> list[dict]:
    """Connected pieces of ink with their boxes and areas; specks, page edges and frames dropped."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    height, width = mask.shape
    pieces = [
        {"label": i, "x": int(s[0]), "y": int(s[1]), "w": int(s[2]), "h": int(s[3]), "area": int(s[4])}
        for i, s in enumerate(stats)
        if i > 0 and s[4] >= max(4, mask.size // 40000)
    ]
    for p in pieces:
        p["border"] = p["x"] == 0 or p["y"] == 0 or p["x"] + p["w"] == width or p["y"] + p["h"] == height

    def page_edge(p: dict) -> bool:  # touches the border and runs along it: a table, a shadow
        return p["border"] and (p["w"] > 0.5 * width or p["h"] > 0.5 * height)

    inside = [p for p in pieces if not page_edge(p)] or pieces
    if not inside:
        return []
    outline = max(inside, key=lambda p: p["area"])
    others = [p for p in inside if p is not outline]
    if (
        others
        and outline["w"] > 0.5 * width
        and outline["h"] > 0.5 * height
        and outline["area"] < 0.35 * outline["w"] * outline["h"]  # a frame, not a filled blob
        and sum(p["area"] for p in others) > 0.01 * outline["area"]  # around real ink, not a speck
        and all(within(p, outline, margin=0.15) for p in others)  # well inside its hole
    ):
        inside.remove(outline)  # the outline of a sheet on a desk, with the digit inside it
    largest = max(p["area"] for p in inside)
    kept = [p for p in inside if p["area"] >= 0.08 * largest]
    for p in kept:
        p["mask"] = labels == p["label"]
    return kept


def within(piece: dict, outer: dict, margin: float = 0.0) -> bool:
    """Whether a piece's box lies inside another's, kept `margin` of its size from its sides."""
    mx, my = margin * outer["w"], margin * outer["h"]
    return (outer["x"] + mx <= piece["x"] and piece["x"] + piece["w"] <= outer["x"] + outer["w"] - mx
            and outer["y"] + my <= piece["y"] and piece["y"] + piece["h"] <= outer["y"] + outer["h"] - my)


def main_piece(pieces: list[dict]) -> dict:
    """The digit's largest piece, preferring pieces clear of the picture's border."""
    clear = [p for p in pieces if not p["border"]] or pieces
    return max(clear, key=lambda p: p["area"])


def near(piece: dict, main: dict, margin: float = 0.5) -> bool:
    """Whether a piece lies within `margin` of the main piece's size around its box."""
    mx, my = margin * main["w"], margin * main["h"]
    return not (
        piece["x"] > main["x"] + main["w"] + mx
        or piece["x"] + piece["w"] < main["x"] - mx
        or piece["y"] > main["y"] + main["h"] + my
        or piece["y"] + piece["h"] < main["y"] - my
    )


def union(pieces: list[dict], shape: tuple[int, int]) -> np.ndarray:
    """One mask holding the ink of all the given pieces."""
    mask = np.zeros(shape, bool)
    for piece in pieces:
        mask |= piece["mask"]
    return mask


def fit_digit(mask: np.ndarray) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """Crop to the ink, give the strokes MNIST's width, fit into 20x20 keeping aspect ratio."""
    ys, xs = np.nonzero(mask)
    x, y = int(xs.min()), int(ys.min())
    w, h = int(xs.max()) - x + 1, int(ys.max()) - y + 1
    crop = mask[y : y + h, x : x + w].astype(np.float32)
    # work on a 64-pixel version: thin pencil lines survive as grey, then are re-inked
    scale = 64.0 / max(w, h)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    crop = cv2.resize(crop, size, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    crop = np.pad(crop, 8)  # room for thickening
    binary = (crop > 0.2).astype(np.uint8)
    binary = normalize_stroke(binary)
    ys, xs = np.nonzero(binary)
    binary = binary[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1].astype(np.float32)
    bh, bw = binary.shape
    fit = 20.0 / max(bh, bw)
    size = (max(1, round(bw * fit)), max(1, round(bh * fit)))
    digit = cv2.resize(binary, size, interpolation=cv2.INTER_AREA)
    return np.clip(digit, 0, 1), (x, y, w, h)


def stroke_width(binary: np.ndarray) -> float:
    """Mean stroke width: twice the ink area over the length of its outlines."""
    contours, _ = cv2.findContours(binary, cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
    perimeter = sum(cv2.arcLength(c, True) for c in contours)
    return 2.0 * float(binary.sum()) / perimeter if perimeter else 0.0


def normalize_stroke(binary: np.ndarray) -> np.ndarray:
    """Thicken hairlines and thin marker strokes to MNIST's stroke width."""
    ys, xs = np.nonzero(binary)
    size = max(np.ptp(ys), np.ptp(xs)) + 1
    ratio = stroke_width(binary) / size
    low, high = STROKE_RANGE
    if ratio < low:
        grow = round((low + 0.03 - ratio) * size)
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (grow + 1, grow + 1))
        return cv2.dilate(binary, kernel)
    if ratio > high:
        shrink_by = round((ratio - high + 0.03) * size)
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (shrink_by + 1, shrink_by + 1))
        thinner = cv2.erode(binary, kernel)
        return thinner if thinner.sum() > 0.3 * binary.sum() else binary
    return binary


def center_by_mass(digit: np.ndarray) -> np.ndarray:
    """Place a 20x20-fitted digit in 28x28 so that its centre of mass is the centre."""
    canvas = np.zeros((28, 28), np.float32)
    h, w = digit.shape
    top, left = (28 - h) // 2, (28 - w) // 2
    canvas[top : top + h, left : left + w] = digit
    moments = cv2.moments(canvas)
    if moments["m00"] == 0:
        return canvas
    dx = 13.5 - moments["m10"] / moments["m00"]
    dy = 13.5 - moments["m01"] / moments["m00"]
    shift = np.float32([[1, 0, dx], [0, 1, dy]])
    return cv2.warpAffine(canvas, shift, (28, 28), flags=cv2.INTER_LINEAR, borderValue=0)


def to_tensor(pixels: np.ndarray, mean: float = MNIST_MEAN, std: float = MNIST_STD) -> torch.Tensor:
    """28x28 pixels in [0, 1] -> (1, 1, 28, 28) normalised exactly as the training images."""
    return normalize(torch.from_numpy(np.ascontiguousarray(pixels, dtype=np.float32))[None], mean, std)


def find_ink(
    source: Source, polarity: str = "auto", name: str | None = None
) -> tuple[np.ndarray, np.ndarray, bool, np.ndarray, list[dict], str]:
    """Steps shared by one digit and a number: read, gray, polarity, background, pieces of ink."""
    original, name = read_image(source, name)
    original = rescale(original)
    gray = to_gray(original)
    if polarity == "auto":
        light = has_light_background(gray)
    elif polarity in ("dark-on-light", "light-on-dark"):
        light = polarity == "dark-on-light"
    else:
        raise ImageError(f"Unknown polarity {polarity!r}; choose auto, dark-on-light or light-on-dark.")
    ink = remove_background(1.0 - gray if light else gray)
    pieces = components(remove_ruled_lines(ink_mask(ink, name)))
    if not pieces:
        raise ImageError(f"{name} shows no digit-sized ink; photograph the digit closer.")
    return original, gray, light, ink, pieces, name


def remove_ruled_lines(mask: np.ndarray) -> np.ndarray:
    """Erase the printed lines of ruled or squared paper, found as long straight segments.

    Only a family of four or more parallel, evenly spaced, nearly horizontal (or vertical)
    lines that run across most of the picture is erased, each from edge to edge: a digit's
    own long stroke, or the edges of a sheet lying on a desk, stay.
    """
    height, width = mask.shape
    if min(height, width) < 128:  # a drawing or a crop, not a photo of a page
        return mask
    binary = mask.astype(np.uint8)
    segments = cv2.HoughLinesP(binary, 1, np.pi / 180, threshold=max(20, min(height, width) // 4),
                               minLineLength=int(0.3 * min(height, width)), maxLineGap=max(3, width // 80))
    if segments is None:
        return mask
    cleaned = binary.copy()
    for horizontal in (True, False):
        lines = line_family(segments.reshape(-1, 4).astype(float), horizontal, width, height)
        if not lines:
            continue
        for offset, slope in lines:  # y = offset + slope * (x - width/2), or the same in x
            if horizontal:
                ends = ((0, offset - slope * width / 2), (width, offset + slope * width / 2))
            else:
                ends = ((offset - slope * height / 2, 0), (offset + slope * height / 2, height))
            (x1, y1), (x2, y2) = ends
            cv2.line(cleaned, (round(x1), round(y1)), (round(x2), round(y2)), 0, thickness=5)
        bridge = (1, 15) if horizontal else (15, 1)  # rejoin the strokes the lines crossed
        cleaned = cv2.morphologyEx(cleaned, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, bridge))
    return cleaned > 0


def line_family(segments: np.ndarray, horizontal: bool, width: int, height: int) -> list[tuple[float, float]]:
    """(offset, slope) of each printed line if the segments form 4+ evenly spaced long lines."""
    found = []
    for x1, y1, x2, y2 in segments if horizontal else segments[:, [1, 0, 3, 2]]:
        along, across = abs(x2 - x1), abs(y2 - y1)  # for vertical lines x and y swap roles
        if across > 0.25 * along:
            continue
        slope = (y2 - y1) / (x2 - x1)
        middle = (width if horizontal else height) / 2
        # where the segment's line crosses the middle: the same for every piece of one line
        found.append((y1 + slope * (middle - x1), slope, along, min(x1, x2), max(x1, x2)))
    span = width if horizontal else height
    groups: list[list[tuple]] = []
    for item in sorted(found):  # one printed line: pieces within 6 pixels of each other
        if groups and item[0] - groups[-1][0][0] <= 6:
            groups[-1].append(item)
        else:
            groups.append([item])
    # a printed line runs across the page (its pieces, cut by the digit, together); a digit's
    # straight stroke does not
    groups = [g for g in groups if max(s[4] for s in g) - min(s[3] for s in g) >= 0.6 * span]
    lines = [(sum(g[0] for g in group) / len(group), max(group, key=lambda g: g[2])[1]) for group in groups]
    gaps = np.diff([offset for offset, _ in lines])
    if len(lines) < 4 or float(gaps.std()) >= 0.35 * float(gaps.mean()):
        return []
    return lines


def _finish(name, original, gray, light, ink, mask, mean, std) -> Prepared:
    digit, box = fit_digit(mask)
    pixels = center_by_mass(digit)
    return Prepared(name, original, gray, light, ink, mask, box, digit, pixels, to_tensor(pixels, mean, std))


def prepare(
    source: Source,
    polarity: str = "auto",
    mean: float = MNIST_MEAN,
    std: float = MNIST_STD,
    name: str | None = None,
) -> Prepared:
    """One image of one digit -> MNIST-style model input, keeping every step."""
    original, gray, light, ink, pieces, name = find_ink(source, polarity, name)
    main = main_piece(pieces)
    mask = union([p for p in pieces if near(p, main)], ink.shape)
    return _finish(name, original, gray, light, ink, mask, mean, std)


def group_digits(pieces: list[dict]) -> list[list[dict]]:
    """Group pieces of ink into digits, left to right; pieces stacked in a column are one digit."""
    groups: list[list[dict]] = []
    for piece in sorted(pieces, key=lambda p: p["x"]):
        if groups:
            last = groups[-1]
            left = min(p["x"] for p in last)
            right = max(p["x"] + p["w"] for p in last)
            overlap = min(right, piece["x"] + piece["w"]) - max(left, piece["x"])
            if overlap > 0.5 * min(piece["w"], right - left):
                last.append(piece)
                continue
        groups.append([piece])
    return groups


def prepare_number(
    source: Source,
    polarity: str = "auto",
    mean: float = MNIST_MEAN,
    std: float = MNIST_STD,
    name: str | None = None,
) -> list[Prepared]:
    """A row of handwritten digits -> one Prepared per digit, left to right."""
    original, gray, light, ink, pieces, name = find_ink(source, polarity, name)
    tallest, largest = max(p["h"] for p in pieces), max(p["area"] for p in pieces)
    pieces = [p for p in pieces if p["h"] >= 0.25 * tallest or p["area"] >= 0.3 * largest]
    prepared = []
    for i, group in enumerate(group_digits(pieces)):
        mask = union(group, ink.shape)
        prepared.append(_finish(f"{name} [digit {i + 1}]", original, gray, light, ink, mask, mean, std))
    return prepared


def image_files(paths: list[str | os.PathLike]) -> list[Path]:
    """Expand folders into their image files (sorted); files are kept as given, in order."""
    files = []
    for path in map(Path, paths):
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES))
        else:
            files.append(path)
    return files


def naive_prepare(source: Source, mean: float = MNIST_MEAN, std: float = MNIST_STD) -> tuple[np.ndarray, torch.Tensor]:
    """The seed tutorial's pipeline, kept for comparison: gray, squash to 28x28, invert.

    Returns (pixels, tensor). It ignores polarity, position, size, light and stroke width.
    """
    original, _ = read_image(source)
    pixels = 1.0 - cv2.resize(to_gray(original), (28, 28), interpolation=cv2.INTER_AREA)
    return pixels, to_tensor(pixels, mean, std)
