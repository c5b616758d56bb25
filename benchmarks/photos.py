"""MNIST test digits rendered as photos, one condition at a time, for benchmarks/handwriting.py.

Written apart from scripts/make_sample_images.py (which draws the course's sample images) and
from the preparation it measures: the digits are real MNIST handwriting, their strokes are
re-drawn from a skeleton at a chosen width, and each photo varies one condition of the world
(stroke width, blur, resolution, size and place in the frame, rotation, ink, contrast, paper,
light, shadows, noise, JPEG, printed lines, light ink on dark, transparency, clutter, a
notebook's dark rules, faint ink on a sheet on a desk, a hand's shadow, a worksheet's printed
words and answer line) away from a plain default. Everything is drawn from a seeded generator per photo, so a
photo is the same whichever subset of the benchmark is run.
"""

from dataclasses import dataclass, replace

import cv2
import numpy as np
from skimage.morphology import skeletonize

SKELETON_HEIGHT = 112  # the digit's height while its strokes are re-drawn
INK_COLOURS = {  # reflectance (R, G, B) of the ink
    "black": (0.08, 0.08, 0.10),
    "blue": (0.12, 0.22, 0.62),
    "red": (0.78, 0.12, 0.12),
    "pencil": (0.32, 0.32, 0.35),
}
STROKE_RADIUS = {"hairline": 1.2, "thin": 2.5, "thick": 8.0, "marker": 12.0}  # at SKELETON_HEIGHT


@dataclass(frozen=True)
class Scene:
    """How one photo is taken; the defaults are a plain, well-lit phone photo of ink on paper."""

    height: int = 90  # the digit's height in the photo, pixels
    fill: float = 0.35  # the digit's height over the photo's height
    position: str = "centre"  # centre | off-centre | corner
    width: str = "native"  # hairline | thin | native (MNIST's own strokes) | thick | marker
    blur: float = 0.0  # defocus, Gaussian sigma as a fraction of the digit's height
    rotation: float = 0.0  # degrees, counter-clockwise
    ink: str = "black"  # a key of INK_COLOURS
    contrast: float = 0.85  # how much light the ink takes away: 0 invisible, 1 full
    paper: float = 0.88  # the paper's brightness
    gradient: float = 0.1  # light falling off across the page, fraction of the brightness
    shadow: str = "none"  # none | soft | hard | crossing (two hard shadows) | hand (a blob narrower than the page)
    #                       | fingers (a palm off the digit, its fingers' shadows reaching over it)
    noise: float = 0.015  # sensor noise, standard deviation
    jpeg: int = 90  # JPEG quality; 0 saves a PNG
    lines: str = "none"  # none | ruled | squared | dark-ruled (lines as dark as a pencil) | notebook (dark, a margin)
    surface: str = "paper"  # paper | chalk | dark-mode | transparent-black | transparent-white
    #                         | green board | black board (a school board: haze, glare, skipping chalk)
    clutter: str = "none"  # none | speck | specks | dust (small specks everywhere) | crossed-out
    desk: float = 0.0  # > 0: the sheet lies on a dark desk and covers this fraction of the photo's height
    desk_tone: str = "wood"  # wood (dark brown, grained) | grey (a light grey table, half as bright as paper)
    gaps: tuple[int, float] = (0, 0.0)  # breaks in the strokes (a pen skipping): how many, how wide / height
    words: str = "none"  # none | above (a printed line above or below the digit) | beside (a label to its left)
    #                      | under (a form's answer line under the digit) | on (the digit written on that line)


DEFAULT = Scene()
CONDITIONS: dict[str, list[tuple[str, Scene]]] = {
    "default": [("plain photo", DEFAULT)],
    "stroke width": [(w, replace(DEFAULT, width=w)) for w in ("hairline", "thin", "thick", "marker")],
    "defocus blur": [(f"sigma {b:.1%} of height", replace(DEFAULT, blur=b)) for b in (0.01, 0.025, 0.04, 0.06)],
    "low resolution": [(f"digit {h} px tall", replace(DEFAULT, height=h, fill=0.5)) for h in (12, 16, 24, 40)],
    "size in frame": [(f"{f:.0%} of the height", replace(DEFAULT, fill=f, height=45 if f < 0.1 else 90))
                      for f in (0.05, 0.15, 0.6, 0.9)],
    "position": [(p, replace(DEFAULT, position=p)) for p in ("off-centre", "corner")],
    "rotation": [(f"{r:+d} degrees", replace(DEFAULT, rotation=r)) for r in (-15, -8, 8, 15)],
    "ink colour": [(c, replace(DEFAULT, ink=c)) for c in ("blue", "red", "pencil")],
    "contrast": [(f"ink {c:.0%}", replace(DEFAULT, contrast=c)) for c in (0.12, 0.25, 0.45, 1.0)],
    "paper tone": [(f"paper {p:.0%}", replace(DEFAULT, paper=p)) for p in (0.5, 0.65, 0.97)],
    "light gradient": [(f"{g:.0%} darker across", replace(DEFAULT, gradient=g)) for g in (0.3, 0.5, 0.7)],
    "shadow": [(s, replace(DEFAULT, shadow=s)) for s in ("soft", "hard", "crossing")],
    "noise": [(f"sigma {n:.0%}", replace(DEFAULT, noise=n)) for n in (0.03, 0.06, 0.1)],
    "JPEG": [(f"quality {q}", replace(DEFAULT, jpeg=q)) for q in (50, 25, 10)],
    "printed lines": [(s, replace(DEFAULT, lines=s)) for s in ("ruled", "squared", "dark-ruled")],
    "light on dark": [(s, replace(DEFAULT, surface=s)) for s in ("chalk", "dark-mode")],
    "transparent": [(s, replace(DEFAULT, surface=s, jpeg=0, noise=0.0))
                    for s in ("transparent-black", "transparent-white")],
    "clutter": [(c, replace(DEFAULT, clutter=c)) for c in ("speck", "specks", "dust", "crossed-out")],
    "sheet on a desk": [(f"sheet {d:.0%} of the height", replace(DEFAULT, desk=d)) for d in (0.85, 0.65)],
    "broken strokes": [(f"{n} gaps of {g:.0%}", replace(DEFAULT, gaps=(n, g)))
                       for n, g in ((2, 0.04), (4, 0.04), (2, 0.08))],
    # added after a second renderer (benchmarks/second_photos.py) found them; last, so that the photos
    # of the levels above stay the same
    "notebook": [("dark rules and a margin, pencil", replace(DEFAULT, lines="notebook", ink="pencil"))],
    "faint ink on a desk": [("sheet 65% of the height, ink 35%", replace(DEFAULT, desk=0.65, contrast=0.35))],
    "hand shadow": [(f"a blob {s}", replace(DEFAULT, shadow="hand", contrast=c))
                    for s, c in (("over part of the digit", 0.85), ("over a faint digit", 0.45))],
    "printed words": [("a line above or below", replace(DEFAULT, words="above")),
                      ("a label beside a thin digit", replace(DEFAULT, words="beside", width="thin"))],
    "answer line": [("under the digit", replace(DEFAULT, words="under")),
                    ("the digit written on it, thin", replace(DEFAULT, words="on", width="thin"))],
    "small on a sheet on a desk": [(f"digit {f:.0%} of the height, {w} pen",
                                    replace(DEFAULT, desk=0.85, fill=f, width=w))
                                   for f, w in ((0.12, "thin"), (0.2, "hairline"))],
    "sheet on a grey desk": [("sheet 65% of the height, thin pen", replace(DEFAULT, desk=0.65, desk_tone="grey",
                                                                           width="thin")),
                             ("digit 12% of the height, thin pen", replace(DEFAULT, desk=0.85, desk_tone="grey",
                                                                           fill=0.12, width="thin"))],
    "fingers' shadows": [("over a thin pen", replace(DEFAULT, shadow="fingers", width="thin")),
                         ("over a thin blue pen, faint", replace(DEFAULT, shadow="fingers", width="thin", ink="blue",
                                                                 contrast=0.6)),
                         ("over a hairline pen, a phone photo", replace(DEFAULT, shadow="fingers", width="hairline",
                                                                        height=200))],
    # issue 26.8: what students photograph that a phone's whole frame holds: a small digit on a whole
    # page (a 12 MP photo, the digit 3-6 % of its height, soft as a phone's full resolution is), and
    # chalk on a school board (its colour, an eraser's haze, a lamp's glare, chalk that skips)
    "small on a whole page": [(f"digit {f:.0%} of a 12 MP photo, {w} pen",
                               replace(DEFAULT, height=round(f * 3024), fill=f, width=w, blur=0.006, position=p))
                              for f, w, p in ((0.03, "thin", "off-centre"), (0.06, "hairline", "centre"))],
    "chalk board": [(f"{board}, {what}", replace(DEFAULT, surface=board, width=w, contrast=c))
                    for board, what, w, c in (("green board", "an eraser's haze", "thick", 0.85),
                                              ("black board", "faint chalk", "native", 0.5))],
}
WORDS = ("name", "date", "class", "write", "the", "digit", "here", "answer", "question", "page", "box",
         "your", "number", "in", "below", "above", "exercise", "part", "of", "and")
FONTS = (cv2.FONT_HERSHEY_SIMPLEX, cv2.FONT_HERSHEY_DUPLEX, cv2.FONT_HERSHEY_COMPLEX, cv2.FONT_HERSHEY_TRIPLEX)


def stroke_coverage(digit: np.ndarray, width: str, gaps: tuple[int, float] = (0, 0.0), rng=None) -> np.ndarray:
    """How much of each pixel the ink covers, [0, 1], the digit SKELETON_HEIGHT tall, padded."""
    ys, xs = np.nonzero(digit > 30)
    crop = digit[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1].astype(np.float32) / 255
    scale = SKELETON_HEIGHT / crop.shape[0]
    size = (max(1, round(crop.shape[1] * scale)), SKELETON_HEIGHT)
    big = np.clip(cv2.resize(crop, size, interpolation=cv2.INTER_CUBIC), 0, 1)
    big = np.pad(big, 20)
    skeleton = skeletonize(big > 0.5)
    if width != "native":
        distance = cv2.distanceTransform((~skeleton).astype(np.uint8), cv2.DIST_L2, 5)
        big = np.clip(STROKE_RADIUS[width] + 0.5 - distance, 0, 1).astype(np.float32)
    count, size = gaps
    ys, xs = np.nonzero(skeleton)
    for i in rng.choice(len(ys), size=min(count, len(ys)), replace=False) if count else []:
        radius = round(size * SKELETON_HEIGHT / 2)
        cv2.circle(big, (int(xs[i]), int(ys[i])), radius, 0.0, -1, cv2.LINE_AA)
    return big


def place_digit(coverage: np.ndarray, scene: Scene, frame: tuple[int, int], rng) -> tuple[np.ndarray, tuple]:
    """The digit's coverage in a photo-sized frame, rotated, scaled and placed; and its box."""
    if scene.rotation:
        h, w = coverage.shape
        turn = cv2.getRotationMatrix2D((w / 2, h / 2), scene.rotation, 1.0)
        coverage = cv2.warpAffine(coverage, turn, (w, h), flags=cv2.INTER_LINEAR)
    ys, xs = np.nonzero(coverage > 0.05)
    coverage = coverage[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1]
    scale = scene.height / coverage.shape[0]
    size = (max(1, round(coverage.shape[1] * scale)), scene.height)
    small = cv2.resize(coverage, size, interpolation=cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR)
    height, width = frame
    h, w = small.shape
    room_y, room_x = max(0, height - h), max(0, width - w)
    if scene.position == "centre":
        fy, fx = 0.5 + rng.uniform(-0.06, 0.06), 0.5 + rng.uniform(-0.06, 0.06)
    elif scene.position == "off-centre":
        fy, fx = rng.choice([0.2, 0.8]) + rng.uniform(-0.05, 0.05), rng.choice([0.2, 0.8]) + rng.uniform(-0.05, 0.05)
    else:
        fy, fx = rng.choice([0.03, 0.97]), rng.choice([0.03, 0.97])
    y, x = round(np.clip(fy, 0, 1) * room_y), round(np.clip(fx, 0, 1) * room_x)
    canvas = np.zeros(frame, np.float32)
    canvas[y : y + h, x : x + w] = small[: height - y, : width - x]
    return canvas, (x, y, w, h)


def clutter(frame: tuple[int, int], box: tuple, scene: Scene, rng) -> np.ndarray:
    """Specks or a small crossed-out mark beside the digit, as ink coverage."""
    marks = np.zeros(frame, np.float32)
    if scene.clutter == "none":
        return marks
    height, width = frame
    x, y, w, h = box
    cx, cy = x + w / 2, y + h / 2

    def spot_away(distance: float) -> tuple[int, int]:  # a point `distance` digit-heights away
        angle = rng.uniform(0, 2 * np.pi)
        px = np.clip(cx + np.cos(angle) * distance * h, 0.05 * width, 0.95 * width)
        py = np.clip(cy + np.sin(angle) * distance * h, 0.05 * height, 0.95 * height)
        return round(px), round(py)

    if scene.clutter == "dust":  # small specks anywhere, near the digit too
        for _ in range(25):
            radius = max(1, round(rng.uniform(0.01, 0.025) * h))
            cv2.circle(marks, (int(rng.integers(0, width)), int(rng.integers(0, height))), radius, 1.0, -1, cv2.LINE_AA)
    elif scene.clutter in ("speck", "specks"):
        for _ in range(1 if scene.clutter == "speck" else 3):
            radius = max(1, round(rng.uniform(0.03, 0.07) * h))
            cv2.circle(marks, spot_away(rng.uniform(0.75, 1.2)), radius, 1.0, -1, cv2.LINE_AA)
    else:  # a scribble half the digit's size, struck through twice
        px, py = spot_away(rng.uniform(0.9, 1.2))
        half = 0.25 * h
        thickness = max(1, round(0.06 * h))
        points = np.stack([px + rng.uniform(-half, half, 6), py + rng.uniform(-half, half, 6)], 1)
        cv2.polylines(marks, [points.round().astype(np.int32)], False, 1.0, thickness, cv2.LINE_AA)
        for sign in (-1, 1):
            start = (round(px - 1.2 * half), round(py + sign * 0.3 * half))
            end = (round(px + 1.2 * half), round(py - sign * 0.3 * half))
            cv2.line(marks, start, end, 1.0, thickness, cv2.LINE_AA)
    return marks


def printed_words(frame: tuple[int, int], box: tuple, scene: Scene, rng) -> np.ndarray:
    """Coverage of a worksheet's printed words near the digit: a line of text, a label, or an answer line.

    Printed text is a row of small pieces of even height (a third of the digit's to a sixth), in
    ink as dark as a pen's, as close to the digit as a form puts it.
    """
    words = np.zeros(frame, np.uint8)
    if scene.words == "none":
        return words.astype(np.float32)
    height, width = frame
    x, y, w, h = box
    if scene.words in ("under", "on"):  # a printed line as long as two to four digits are tall, as thin as a rule
        length = rng.uniform(2, 4) * h
        left = x + w / 2 - rng.uniform(0.2, 0.8) * length
        below = y + h + (rng.uniform(0.08, 0.3) * h if scene.words == "under" else -rng.uniform(0, 0.06) * h)
        cv2.line(words, (round(left), round(below)), (round(left + length), round(below)), 255,
                 max(1, round(h / 60)), cv2.LINE_AA)
        return words.astype(np.float32) / 255
    font = int(rng.choice(FONTS))
    cap = rng.uniform(1 / 6, 1 / 3) * h  # the capital letters' height in pixels
    scale = cap / cv2.getTextSize("H", font, 1.0, 1)[0][1]
    thickness = max(1, round(scale * rng.uniform(1.0, 2.2)))
    count = int(rng.integers(2, 5)) if scene.words == "above" else int(rng.integers(1, 3))
    text = " ".join(rng.choice(WORDS, count)).capitalize() + (":" if scene.words == "beside" else "")
    (text_w, text_h), _ = cv2.getTextSize(text, font, scale, thickness)
    gap = rng.uniform(0.15, 0.5) * h
    if scene.words == "above":  # a line of text above or below the digit, starting near its left
        left = x + rng.uniform(-0.5, 0.3) * w
        base = y - gap if rng.uniform() < 0.5 or y + h + gap + text_h > height else y + h + gap + text_h
    else:  # a label ending just left of the digit, on its lower half
        left = x - gap - text_w
        base = y + rng.uniform(0.5, 1.0) * h
    cv2.putText(words, text, (round(left), round(base)), font, scale, 255, thickness, cv2.LINE_AA)
    return words.astype(np.float32) / 255


def lighting(frame: tuple[int, int], scene: Scene, rng, box: tuple = (0, 0, 1, 1)) -> np.ndarray:
    """How brightly each point is lit: a gradient across the page and shadows, (H, W)."""
    height, width = frame
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    angle = rng.uniform(0, 2 * np.pi)
    along = (np.cos(angle) * xx / width + np.sin(angle) * yy / height)
    along = (along - along.min()) / max(float(np.ptp(along)), 1e-6)
    light = 1.0 - scene.gradient * along
    if scene.shadow == "soft":
        sy, sx = rng.uniform(0.2, 0.8) * height, rng.uniform(0.2, 0.8) * width
        spread = rng.uniform(0.25, 0.45) * max(height, width)
        light *= 1 - 0.45 * np.exp(-((yy - sy) ** 2 + (xx - sx) ** 2) / (2 * spread**2))
    for _ in range({"hard": 1, "crossing": 2}.get(scene.shadow, 0)):  # the edge of a hand or a phone
        edge_angle = rng.uniform(0, 2 * np.pi)
        offset = rng.uniform(-0.25, 0.25) * min(height, width)
        side = np.cos(edge_angle) * (xx - width / 2) + np.sin(edge_angle) * (yy - height / 2) - offset
        softness = rng.uniform(0.5, 2.5)
        light *= 1 - rng.uniform(0.35, 0.55) / (1 + np.exp(-side / softness))
    if scene.shadow == "hand":  # the shadow of a hand or a phone held above the page: a soft oval
        x, y, w, h = box
        across, along = rng.uniform(0.3, 1.2) * h, rng.uniform(1.2, 2.5) * h  # half-axes: a finger to a hand
        angle = rng.uniform(0, np.pi)
        reach = rng.uniform(0.1, 0.6) * h  # how far its edge comes over the digit, from its centre
        towards = rng.uniform(0, 2 * np.pi)
        cx = x + w / 2 + np.cos(towards) * (across + reach - 0.5 * h)
        cy = y + h / 2 + np.sin(towards) * (across + reach - 0.5 * h)
        blob = np.zeros(frame, np.float32)
        axes = (round(along), round(across)) if abs(np.cos(towards - angle)) < 0.5 else (round(across), round(along))
        cv2.ellipse(blob, (round(cx), round(cy)), axes, np.degrees(angle), 0, 360, 1.0, -1, cv2.LINE_AA)
        blob = cv2.GaussianBlur(blob, (0, 0), rng.uniform(0.05, 0.25) * h)
        light *= 1 - rng.uniform(0.3, 0.5) * blob
    if scene.shadow == "fingers":
        light *= 1 - rng.uniform(0.35, 0.6) * fingers(frame, box, rng)
    return light


def fingers(frame: tuple[int, int], box: tuple, rng) -> np.ndarray:
    """A hand held over the page: a palm beside the digit, three or four fingers' shadows over it, (H, W) in [0, 1].

    A finger a few centimetres above the page casts a band about as wide as a third of a written
    digit is tall, the fingers a band's width apart; the light's size blurs their edges, from a
    lamp's sharp penumbra to a ceiling light's wide one, until neighbours nearly merge.
    """
    x, y, w, h = box
    shadow = np.zeros(frame, np.float32)
    towards = rng.uniform(0, 2 * np.pi)  # the fingers point from the palm towards the digit and past it
    along = np.array([np.cos(towards), np.sin(towards)])
    aside = np.array([-along[1], along[0]])
    width = rng.uniform(0.18, 0.4) * h
    count = int(rng.integers(3, 5))
    palm = np.array([x + w / 2, y + h / 2]) - rng.uniform(0.9, 1.4) * h * along  # the palm's centre, off the digit
    for k in range(count):
        base = palm + ((k - (count - 1) / 2) * 2 * width + rng.uniform(-0.3, 0.3) * width) * aside
        tip = base + rng.uniform(0.9, 1.9) * h * along
        cv2.line(shadow, pixel(base), pixel(tip), 1.0, max(1, round(width)), cv2.LINE_AA)
        cv2.circle(shadow, pixel(tip), max(1, round(width / 2)), 1.0, -1, cv2.LINE_AA)
    axes = (max(1, round(0.6 * h)), max(1, round(count * width)))
    cv2.ellipse(shadow, pixel(palm - 0.5 * h * along), axes, np.degrees(towards), 0, 360, 1.0, -1, cv2.LINE_AA)
    return cv2.GaussianBlur(shadow, (0, 0), rng.uniform(0.03, 0.2) * h)


def pixel(point: np.ndarray) -> tuple[int, int]:
    """A point as OpenCV's drawing functions take it."""
    return int(point[0]), int(point[1])


def printed_lines(frame: tuple[int, int], scene: Scene, rng) -> np.ndarray:
    """Coverage of ruled or squared paper's lines, slightly tilted; a notebook's margin line joins them."""
    lines = np.zeros(frame, np.float32)
    if scene.lines == "none":
        return lines
    height, width = frame
    squared, notebook = scene.lines == "squared", scene.lines == "notebook"
    spacing = (rng.uniform(0.25, 0.35) if squared else rng.uniform(0.4, 0.6)) * scene.height
    thickness = max(1, round(scene.height / (35 if notebook else 70)))  # a notebook's rules: ~0.3 mm to a 9 mm digit
    tilt = np.tan(np.radians(rng.uniform(-1.5, 1.5)))
    start = rng.uniform(0, spacing)
    for offset in np.arange(start, height + abs(tilt) * width, spacing):
        cv2.line(lines, (0, round(offset)), (width, round(offset + tilt * width)), 1.0, thickness, cv2.LINE_AA)
    if notebook:
        margin = round(rng.uniform(0.05, 0.2) * width)
        cv2.line(lines, (margin, 0), (round(margin - tilt * height), height), 1.0, thickness, cv2.LINE_AA)
    if squared:
        for offset in np.arange(start, width + abs(tilt) * height, spacing):
            cv2.line(lines, (round(offset), 0), (round(offset - tilt * height), height), 1.0, thickness, cv2.LINE_AA)
    return lines


def on_desk(image: np.ndarray, box: tuple, cover: float, rng, tone: str = "wood") -> np.ndarray:
    """The page as a slightly turned sheet around the digit, lying on a dark wooden desk or a grey table."""
    height, width = image.shape[:2]
    x, y, w, h = box
    sheet_h = cover * height
    sheet_w = min(width * 0.95, sheet_h * rng.uniform(0.7, 1.0))
    centre = (x + w / 2 + rng.uniform(-0.05, 0.05) * sheet_w, y + h / 2 + rng.uniform(-0.05, 0.05) * sheet_h)
    corners = cv2.boxPoints((centre, (sheet_w, sheet_h), rng.uniform(-8, 8)))
    sheet = np.zeros((height, width), np.float32)
    cv2.fillPoly(sheet, [corners.round().astype(np.int32)], 1.0, cv2.LINE_AA)
    grain = cv2.GaussianBlur(rng.uniform(0.8, 1.2, (height, width)).astype(np.float32), (0, 0), 3)
    if tone == "grey":  # a laminate or fabric table: light grey, a finer texture, mottled
        grain = cv2.GaussianBlur(rng.uniform(0.9, 1.1, (height, width)).astype(np.float32), (0, 0), 1)
        mottle = cv2.GaussianBlur(rng.uniform(0.85, 1.15, (height, width)).astype(np.float32), (0, 0), 0.05 * height)
        surface = np.array([0.5, 0.5, 0.53], np.float32) * rng.uniform(0.8, 1.2) * (grain * mottle)[..., None]
    else:
        surface = np.array([0.30, 0.2, 0.12], np.float32) * rng.uniform(0.6, 1.2) * grain[..., None]
    return image * sheet[..., None] + surface * (1 - sheet[..., None])


def school_board(coverage: np.ndarray, scene: Scene, frame: tuple[int, int], box: tuple, rng) -> np.ndarray:
    """Chalk on a green or black school board, as RGB reflectance (H, W, 3).

    A board is never clean: an eraser leaves wide arcs of chalk dust (a haze as wide as the digit,
    a tenth to a quarter as bright as chalk), its paint is mottled, a lamp leaves a broad glare,
    and chalk skips on the board's grain, leaving strokes of broken dots.
    """
    height, width = frame
    x, y, w, h = box
    green = scene.surface == "green board"
    paint = np.array([0.09, 0.24, 0.16] if green else [0.06, 0.06, 0.07], np.float32) * rng.uniform(0.8, 1.25)
    mottle = cv2.GaussianBlur(rng.uniform(0.8, 1.2, frame).astype(np.float32), (0, 0), 0.08 * h)
    image = paint * mottle[..., None]
    haze = np.zeros(frame, np.float32)
    for _ in range(int(rng.integers(3, 7))):  # the eraser's wipes: wide arcs across the board
        centre = (int(x + w / 2 + rng.uniform(-2, 2) * h), int(y + h / 2 + rng.uniform(-2, 2) * h))
        axes = (max(1, round(rng.uniform(1, 4) * h)), max(1, round(rng.uniform(0.3, 2) * h)))
        start = rng.uniform(0, 360)
        cv2.ellipse(haze, centre, axes, rng.uniform(0, 180), start, start + rng.uniform(60, 200),
                    float(rng.uniform(0.4, 1.0)), max(1, round(rng.uniform(0.3, 0.8) * h)), cv2.LINE_AA)
    haze = cv2.GaussianBlur(haze, (0, 0), rng.uniform(0.05, 0.15) * h) * rng.uniform(0.1, 0.25)
    chalk = np.float32(0.85)
    image = image + (chalk - image) * haze[..., None]
    grain = cv2.GaussianBlur(rng.uniform(0, 1, frame).astype(np.float32), (0, 0), 0.5)
    skips = np.clip((grain - grain.mean()) / (grain.std() + 1e-6) * 0.6 + 0.75, 0, 1)  # some dots bare
    image = image + (chalk - image) * (scene.contrast * coverage * skips)[..., None]
    glare = np.zeros(frame, np.float32)  # a lamp's reflection: a broad oval, brighter in its middle
    gy, gx = rng.uniform(0.1, 0.9) * height, rng.uniform(0.1, 0.9) * width
    axes = (max(1, round(rng.uniform(1, 3) * h)), max(1, round(rng.uniform(0.5, 1.5) * h)))
    cv2.ellipse(glare, (round(gx), round(gy)), axes, rng.uniform(0, 180), 0, 360, 1.0, -1, cv2.LINE_AA)
    glare = cv2.GaussianBlur(glare, (0, 0), rng.uniform(0.3, 0.8) * h) * rng.uniform(0.1, 0.3)
    image = image + (1 - image) * glare[..., None]
    return image * lighting(frame, scene, rng)[..., None]


def render(digit: np.ndarray, scene: Scene, seed: int) -> tuple[bytes, str]:
    """One MNIST digit (28x28, white on black) as an encoded photo; (bytes, extension)."""
    rng = np.random.default_rng(seed)
    height = round(scene.height / scene.fill)
    width = round(height * rng.uniform(0.75, 1.33))
    frame = (height, max(width, scene.height + 4))
    coverage, box = place_digit(stroke_coverage(digit, scene.width, scene.gaps, rng), scene, frame, rng)
    coverage = np.maximum(coverage, clutter(frame, box, scene, rng))
    if scene.surface.startswith("transparent"):
        colour = 0 if scene.surface == "transparent-black" else 255
        rgba = np.zeros((*frame, 4), np.uint8)
        rgba[..., :3] = colour
        rgba[..., 3] = np.round(255 * coverage).astype(np.uint8)
        return cv2.imencode(".png", rgba)[1].tobytes(), ".png"
    if scene.surface == "paper":
        tint = np.array([1.0, 1.0, 1.0]) + rng.uniform(-0.03, 0.03, 3)
        paper = np.ones((*frame, 3), np.float32) * np.float32(scene.paper) * tint.astype(np.float32)
        dark = scene.lines in ("dark-ruled", "notebook")
        line_colour = np.array([0.3, 0.32, 0.4] if dark else [0.55, 0.7, 0.92], np.float32)
        paper *= 1 - printed_lines(frame, scene, rng)[..., None] * (1 - line_colour) * 0.8
        paper *= 1 - 0.9 * printed_words(frame, box, scene, rng)[..., None]
        ink = np.array(INK_COLOURS[scene.ink], np.float32)
        if scene.ink == "pencil":  # graphite leaves a grainy trace
            coverage = coverage * rng.uniform(0.55, 1.0, frame).astype(np.float32)
        image = paper * (1 - scene.contrast * coverage[..., None] * (1 - ink))
        if scene.desk:
            image = on_desk(image, box, scene.desk, rng, scene.desk_tone)
        image *= lighting(frame, scene, rng, box)[..., None]
    elif scene.surface == "chalk":
        board = np.array([0.16, 0.24, 0.2], np.float32) * rng.uniform(0.8, 1.2)
        grain = rng.uniform(0.5, 1.0, frame).astype(np.float32)
        smudge = cv2.GaussianBlur(rng.uniform(0, 1, frame).astype(np.float32), (0, 0), 0.1 * scene.height)
        image = board + 0.15 * (smudge - smudge.mean())[..., None] * board
        image = image + (0.88 - image) * (coverage * grain)[..., None]
        image *= lighting(frame, scene, rng)[..., None]
    elif scene.surface.endswith("board"):
        image = school_board(coverage, scene, frame, box, rng)
    else:  # dark mode: a light stroke on a dark grey canvas, a screenshot
        image = np.full((*frame, 3), 0.12, np.float32)
        image = image + (0.95 - image) * coverage[..., None]
    if scene.blur:
        image = cv2.GaussianBlur(image, (0, 0), scene.blur * scene.height)
    if scene.noise:
        image = image + rng.normal(0, scene.noise, image.shape).astype(np.float32)
    bgr = np.clip(255 * image[..., ::-1], 0, 255).round().astype(np.uint8)
    if scene.jpeg:
        return cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, scene.jpeg])[1].tobytes(), ".jpg"
    return cv2.imencode(".png", bgr)[1].tobytes(), ".png"
