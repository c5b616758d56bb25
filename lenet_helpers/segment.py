"""Finding the digit's ink in a photo: light evened out, ink from paper, the pieces that form the digit."""

from dataclasses import dataclass

import cv2
import numpy as np

from .errors import ImageError

MIN_CONTRAST = 0.06  # ink fainter than this against its paper is noise (a faint pencil is ~0.2)
SPECK = 0.08  # a piece under this fraction of the largest piece's area is a speck (dust, noise, grain)
STROKE_RANGE = (0.07, 0.17)  # stroke width / digit size seen in MNIST (10th-90th pct: 0.08-0.15)


@dataclass
class Piece:
    """One connected piece of ink: its box, its area in pixels, and whether it touches the border."""

    label: int
    x: int
    y: int
    w: int
    h: int
    area: int
    border: bool


def remove_background(ink: np.ndarray, on_paper: bool = True, window: float = 1 / 3, narrow_shadows: bool = True,
                      past_strokes: bool = True, two_modes: bool = True) -> np.ndarray:
    """Subtract the slowly varying background (shadows, uneven light) from a bright-ink image.

    A grey-level opening keeps only what is wider than its window: the paper, its gradients and
    the plateaus of shadows, not the strokes. The window is a third of the picture, wider than
    any stroke of a digit that fits in it, however thick or blurred, and works at full
    resolution, so the edge of a hard shadow stays where it is. A shadow narrower than that (a
    finger's, a hand's) would stay as ink: with `narrow_shadows` the window is narrowed to fit
    between the strokes and such a shadow when the picture holds one (`background_window`, which
    finds one `past_strokes` or as the second of `two_modes`; a drawing, `polarity.is_drawing`,
    has no shadows and is not narrowed). Two
    windows are tried and the higher background kept (the opening by either): an octagon fits
    against a shadow's straight edge at any angle, a square fits into its right-angled corners.
    The image is smoothed a little first, so that the opening follows the paper, not its noise.
    On paper (`on_paper`, dark ink inverted), light multiplies what the ink lets through, so ink
    under a shadow is fainter in proportion: dividing by the paper's own brightness gives every
    part of the digit the same strength, shaded or not.
    """
    size = max(3, int(min(ink.shape) * window)) | 1
    if narrow_shadows:
        size = background_window(ink, size, past_strokes=past_strokes, two_modes=two_modes)
    smooth = cv2.GaussianBlur(ink, (0, 0), 1.5)
    square = cv2.getStructuringElement(cv2.MORPH_RECT, (size, size))
    side = max(1, int(0.42 * size)) | 1  # an octagon: a smaller square, then a diamond around it
    steps = max(1, (size - side) // 2)
    inner = cv2.getStructuringElement(cv2.MORPH_RECT, (side, side))
    cross = cv2.getStructuringElement(cv2.MORPH_CROSS, (3, 3))
    octagon = cv2.erode(cv2.erode(smooth, inner), cross, iterations=steps)
    octagon = cv2.dilate(cv2.dilate(octagon, cross, iterations=steps), inner)
    background = np.maximum(octagon, cv2.morphologyEx(smooth, cv2.MORPH_OPEN, square))
    flat = ink - background
    if on_paper:
        flat /= np.maximum(1.0 - background, 0.05)  # 1 - background: the paper's brightness
    return stretch(np.clip(flat, 0, 1))


def background_window(ink: np.ndarray, largest: int, side: int = 256, step: float = 1.25,
                      past_strokes: bool = True, two_modes: bool = True) -> int:
    """The background opening's window: `largest`, or narrower, between the strokes and a narrow shadow.

    An opening of window w takes away every bright structure narrower than w, so the ink taken
    away as w grows is the picture's size spectrum (a granulometry). The pen's strokes make one
    mode of it; a finger's or a hand's shadow narrower than `largest` makes a wider one, and
    with the largest window it would count as ink. The window narrows to the valley between
    them, found in one of two ways: `past_strokes` (`valley_past_strokes`), where a thin pen's
    strokes are a small mode beside a shadow but a real one, and `two_modes`
    (`valley_between_two_modes`), where a faint digit's strokes merge into the rising flank of
    a soft shadow and only the mass of the spectrum falls into two groups. A valley is refused
    when the narrower window would take ink for background (`takes_ink_for_background`: a
    coloured-in loop, a marker's stroke, a digit beyond printed rules), and the other way is tried. A
    picture without such a shadow keeps `largest`. A drawing has no shadow and is not asked
    (`remove_background` with `narrow_shadows` off). Measured on a copy at most `side` pixels
    across, in widenings of `step`; returns an odd width at full size.
    """
    scale = min(1.0, side / max(ink.shape))
    size = (max(1, round(ink.shape[1] * scale)), max(1, round(ink.shape[0] * scale)))
    small = cv2.resize(ink, size, interpolation=cv2.INTER_AREA) if scale < 1 else ink
    small = cv2.GaussianBlur(small, (0, 0), 1.0)
    top = max(3, int(min(largest * scale, min(small.shape)))) | 1
    widths = [3]
    while widths[-1] * step < top:
        widths.append(max(widths[-1] + 2, int(widths[-1] * step) | 1))
    widths.append(top)
    if len(widths) < 4:
        return largest
    taken = np.array([float((small - cv2.morphologyEx(small, cv2.MORPH_OPEN, np.ones((w, w), np.uint8))).sum())
                      for w in widths])
    found = (valley_past_strokes(taken, widths) if past_strokes else None,
             valley_between_two_modes(taken, widths) if two_modes else None)
    for valley in found:
        if valley is not None and not takes_ink_for_background(ink, size, widths[valley], top):
            return min(largest, int(widths[valley] / scale) | 1)
    return largest


def spectrum_of(taken: np.ndarray) -> np.ndarray:
    """The ink taken away by each widening of the opening: the size spectrum."""
    return np.maximum(np.diff(taken, prepend=0.0), 0.0)


def valley_past_strokes(taken: np.ndarray, widths: list[int], depth: float = 0.9, wider: float = 2.2,
                        share: float = 0.3) -> int | None:
    """The valley after the strokes' mode, when what lies beyond it is a shadow's; None when there is none.

    The pen's strokes are the spectrum's first mode: its first peak past the smallest width (the
    paper's grain and noise only fall from there). The valley after it (`strokes_valley`, a dip
    to `depth` of the peak or less) leads to a shadow when what lies beyond holds at least
    `share` of all the ink taken away and most of it is `wider` times the valley or more. The
    digit's own thicker parts (a junction, a pressed stroke, the digit beside a worksheet's
    thinner printed words) lie just past the valley and fail that test.
    """
    spectrum = spectrum_of(taken)
    valley = strokes_valley(spectrum, depth)
    if valley is None:
        return None
    beyond = spectrum[valley + 1 :]
    median = widths[valley + 1 + int(np.searchsorted(np.cumsum(beyond), 0.5 * beyond.sum()))]
    return valley if beyond.sum() >= share * spectrum.sum() and median >= wider * widths[valley] else None


def valley_between_two_modes(taken: np.ndarray, widths: list[int], separation: float = 0.7,
                             rising: float = 1.15) -> int | None:
    """The valley between the spectrum's two groups of mass, when they are set apart; None when not.

    The groups are Otsu's split of the log-widths weighted by the ink taken away; they are set
    apart when the split's separation is at least `separation` and the ink taken away still
    grows by `rising` over the last two widenings (the shadow reaches past them). The valley is
    the spectrum's lowest point between the two groups' peaks.
    """
    spectrum = spectrum_of(taken)
    split, between = weighted_otsu(np.log(widths), spectrum)
    if between < separation or taken[-1] < rising * taken[-3]:
        return None
    low_peak = int(np.argmax(spectrum[:split]))
    high_peak = split + int(np.argmax(spectrum[split:]))
    return low_peak + int(np.argmin(spectrum[low_peak : high_peak + 1]))


def takes_ink_for_background(ink: np.ndarray, size: tuple[int, int], window: int, largest: int,
                             softer: float = 0.75) -> bool:
    """Whether an opening of `window` instead of `largest` would take ink for background, on a copy of `size`.

    Two signs, either enough: it hollows out the strongest ink (what lies within 0.8 of the peak
    above the `largest` window's background: more than a tenth of it left under a tenth of its
    strength): a shadow is never as dark as the ink lying in it, but the core of a coloured-in
    loop or of a marker's stroke filling the picture is. Or what it takes away has edges nearly
    as sharp as the ink it keeps (its steepest slope over its height at least `softer` times the
    ink's): a shadow's edge is blurred by the light's size, ink's only by the lens, so a digit
    beside darker thin printed rules, which make the first mode themselves, keeps its strokes.
    The copy keeps each thin stroke at full strength (each pixel the brightest of the block it
    stands for), or a shadow would outshine a fine pen's strokes faded by the reduction.
    """
    smooth = cv2.GaussianBlur(ink, (0, 0), 1.0)
    block = int(np.ceil(ink.shape[1] / size[0]))
    if block > 1:
        smooth = cv2.resize(cv2.dilate(smooth, np.ones((block, block), np.uint8)), size, interpolation=cv2.INTER_AREA)
    narrow = cv2.morphologyEx(smooth, cv2.MORPH_OPEN, np.ones((window, window), np.uint8))
    wide = cv2.morphologyEx(smooth, cv2.MORPH_OPEN, np.ones((largest, largest), np.uint8))
    full, kept, taken = smooth - wide, smooth - narrow, narrow - wide
    core = full >= 0.8 * float(full.max())
    if np.count_nonzero(core & (kept < 0.1 * full)) > 0.1 * np.count_nonzero(core):
        return True
    near_taken = cv2.dilate((taken >= 0.5 * float(taken.max())).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    return steepness(taken, near_taken) >= softer * steepness(kept, kept >= 0.3 * float(kept.max()))


def steepness(image: np.ndarray, region: np.ndarray) -> float:
    """How sharp `image`'s edges are in `region`: its steepest slope (99th percentile) over its height, per pixel."""
    height = float(np.percentile(image[region], 99.5)) if region.any() else 0.0
    if height <= 1e-3:
        return 0.0
    slope = np.hypot(cv2.Sobel(image, cv2.CV_32F, 1, 0, ksize=3), cv2.Sobel(image, cv2.CV_32F, 0, 1, ksize=3)) / 8
    return float(np.percentile(slope[region], 99)) / height


def strokes_valley(spectrum: np.ndarray, depth: float) -> int | None:
    """Where the spectrum's first mode (its first peak past the first width) has ended: the valley's floor.

    From the peak on, the lowest point so far is the valley once the spectrum climbs to 1 /
    `depth` of it or more, provided it lies at `depth` of the peak or less: a real second mode,
    not a tail that falls away with small wobbles. Returned is the first width down on that
    floor (within 1 / `depth` of its lowest point): the narrowest window past the whole first
    mode. A peak without such a valley gives way to the next one.
    """
    for peak in range(1, len(spectrum) - 2):
        if not spectrum[peak - 1] < spectrum[peak] >= spectrum[peak + 1]:
            continue
        valley = peak + 1
        for width in range(peak + 2, len(spectrum)):
            if spectrum[valley] <= depth * spectrum[peak] and spectrum[width] * depth >= spectrum[valley]:
                return next(i for i in range(peak + 1, valley + 1) if spectrum[i] * depth <= spectrum[valley])
            if spectrum[width] < spectrum[valley]:
                valley = width
    return None


def weighted_otsu(values: np.ndarray, weights: np.ndarray) -> tuple[int, float]:
    """Otsu's split of sorted `values` with `weights`: (first index above it, separation in [0, 1]).

    The separation is the between-class variance over the total variance: 1 for two sharp
    modes, 0.75 for an even spread. The first best split is taken, as OpenCV's Otsu does.
    """
    values, weights = np.asarray(values, np.float64), np.asarray(weights, np.float64)
    total = float(weights.sum())
    if total <= 0 or len(values) < 2:
        return 0, 0.0
    mean = float(weights @ values) / total
    variance = float(weights @ (values - mean) ** 2) / total
    low = np.cumsum(weights)[:-1]  # the weight at and below each split, and its first moment
    moment = np.cumsum(weights * values)[:-1]
    high = total - low
    valid = (low > 0) & (high > 1e-12 * total)
    between = np.zeros(len(low))
    between[valid] = (mean * low[valid] - moment[valid]) ** 2 / (low[valid] * high[valid])
    k = int(np.argmax(between))
    if between[k] <= 0:
        return 0, 0.0
    return k + 1, float(between[k]) / variance if variance > 0 else 0.0


def stretch(flat: np.ndarray) -> np.ndarray:
    """Bring the ink to full strength, unless there is none: blank paper stays blank.

    Full strength is the top of the ink after a 3x3 median (single noisy pixels do not count),
    taken from the strongest 0.01 %: a digit small in a large photo still sets it.
    """
    flat = flat - float(flat.min())
    top = float(np.percentile(cv2.medianBlur((flat * 255).astype(np.uint8), 3), 99.99)) / 255
    return np.clip(flat / top, 0, 1) if top > MIN_CONTRAST else flat


def ink_mask(ink: np.ndarray, name: str = "image") -> tuple[np.ndarray, float]:
    """Binary ink and its threshold: Otsu's, but never inside the paper's noise; no contrast, no digit.

    Otsu's threshold splits the picture's levels in two, which goes wrong when the ink is a tiny
    part of the picture (a small digit in a large photo): then the paper's own noise is split. So
    the threshold is at least the paper's median plus six robust standard deviations of it.
    """
    smooth = cv2.medianBlur((ink * 255).astype(np.uint8), 3)
    if np.percentile(smooth, 99.95) < 40:  # under ~15 % contrast anywhere: blank paper
        raise ImageError(f"{name} shows no ink (an empty page?); photograph a written digit.")
    otsu, _ = cv2.threshold(smooth, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    paper = float(np.median(smooth))
    spread = 1.4826 * float(np.median(np.abs(smooth - paper)))
    threshold = min(max(otsu, paper + 6 * spread), 200.0)
    return smooth > threshold, threshold / 255


def without_faint_plateau(ink: np.ndarray, mask: np.ndarray, pieces: list[Piece], page_edges: bool = True,
                          specks: bool = True):
    """The stronger ink alone, when the ink's levels hold a faint plateau apart from it; else None.

    Returns (mask, threshold, pieces, labels). The split is refused when the strong ink clear of
    the picture's border is only specks beside the `pieces` found before: then the strong ink is
    a screen's bezel or a desk's edge, or the darkest grains of a textured stroke, and the
    fainter ink is the digit.
    """
    smooth = cv2.medianBlur((ink * 255).astype(np.uint8), 3)
    split = faint_plateau(smooth[mask])
    if not split:
        return None
    strong = mask & (smooth > split)
    stronger, labels = find_pieces(strong, page_edges, specks)
    clear = [p.area for p in stronger if not p.border]
    if not clear or max(clear) < SPECK * max(p.area for p in pieces):
        return None
    return strong, split / 255, stronger, labels


def faint_plateau(levels: np.ndarray, separation: float = 0.85) -> float:
    """The level above a faint plateau of 'ink' set apart from the real ink; 0 when there is none.

    A stroke's levels spread evenly from its soft edges to its core (Otsu's separation of an even
    spread is 0.75). What a shadow's corner or a band between two shadows leaves behind is a
    plateau, as many times fainter as the shadow is light: two separate modes, and the fainter
    one is dropped when Otsu's separation of the ink's own levels exceeds `separation`.
    """
    if levels.size < 50:
        return 0.0
    counts = np.bincount(levels.ravel(), minlength=256)
    split, between = weighted_otsu(np.arange(len(counts)), counts)
    return float(split - 1) if split and between > separation else 0.0


def without_ruled_lines(mask: np.ndarray, ink: np.ndarray, rules: bool = True, answers: bool = True,
                        family: int = 3, answer: float = 1.5) -> np.ndarray:
    """The ink without printed lines: the `rules` of lined or squared paper, and a form's `answers` lines.

    Rules are `family` or more parallel lines across the picture. An answer line is a thin,
    straight, unbroken, near-horizontal line at least `answer` times as long as the tallest ink
    left beside it is tall: longer than a digit's strokes (a squat 7's bar, a Z-like 2's, can be
    longer than the rest of the digit is tall, but not by half). Rules darker than the paper's
    noise join the digit, a notebook's margin and each other into one piece along the border,
    which would be dropped with the digit in it, and a digit written on an answer line joins it;
    so they are taken out before the pieces are found. A stroke lying along such a line (a 2's
    base written on it) goes with it.
    """
    segments, half_width = thin_segments(mask)
    found = list(parallel_lines(segments, min(mask.shape)))
    ruled = rule_lines(found, mask.shape, family) if rules else []
    rest = take_out(mask, ink, ruled, half_width)
    for line in answer_lines(found, mask.shape, ruled) if answers else []:
        without = take_out(rest, ink, [line], half_width)
        if not np.array_equal(without, rest) and line_length(line) >= answer * tallest_ink(without):
            rest = without
    return rest


def take_out(mask: np.ndarray, ink: np.ndarray, lines: list[np.ndarray], half_width: float) -> np.ndarray:
    """`mask` without the printed `lines` (each an array of segments), keeping what is written over them.

    What is written over a line stays: a printed line's ink is even, and a stroke over it adds to
    it; where a stroke crosses a line, the crossing is kept (the stroke's ink on both sides
    closes over it).
    """
    drawn = np.zeros(mask.shape, np.uint8)
    for line in lines:
        for x1, y1, x2, y2 in line:
            cv2.line(drawn, (int(x1), int(y1)), (int(x2), int(y2)), 1, 1)
    if not drawn.any():
        return mask
    reach = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * round(half_width) + 3,) * 2)
    printed = (cv2.dilate(drawn, reach) > 0) & mask
    if not printed.any():
        return mask
    level = float(np.median(ink[printed]))
    spread = 1.4826 * float(np.median(np.abs(ink[printed] - level)))
    printed &= ink <= level + max(0.1, 4 * spread)  # darker than the printed line: written over it
    rest = mask & ~printed
    crossings = cv2.morphologyEx(rest.astype(np.uint8), cv2.MORPH_CLOSE, reach) > 0
    return rest | (printed & crossings)


def tallest_ink(mask: np.ndarray) -> int:
    """The height of the tallest piece of `mask` that is not a speck; 0 without ink."""
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    if count < 2:
        return 0
    areas, heights = stats[1:, cv2.CC_STAT_AREA], stats[1:, cv2.CC_STAT_HEIGHT]
    return int(heights[areas >= SPECK * areas.max()].max())


def line_length(line: np.ndarray) -> float:
    """How far a printed line's segments reach along their direction."""
    direction = line[0, 2:] - line[0, :2]
    direction = direction / max(float(np.hypot(*direction)), 1e-9)
    return float(np.ptp(np.concatenate([line[:, :2], line[:, 2:]]) @ direction))


def thin_segments(mask: np.ndarray, length: float = 0.4) -> tuple[np.ndarray, float]:
    """Straight segments of the ink at least `length` of the picture's shorter side, and thin as printed lines.

    Returns the segments (N, 4: x1, y1, x2, y2) and their median half-width in pixels. A segment
    along a thick stroke's edge is not thin: the depth of the ink near it is the stroke's.
    """
    side = min(mask.shape)
    binary = mask.astype(np.uint8)
    if binary.all():
        return np.zeros((0, 4)), 0.0
    found = cv2.HoughLinesP(binary, 1, np.pi / 360, int(length * side / 2), minLineLength=int(length * side),
                            maxLineGap=max(2, side // 100))
    if found is None:
        return np.zeros((0, 4)), 0.0
    segments = found.reshape(-1, 4).astype(np.float64)
    along = np.linspace(0, 1, 16)
    xs = np.rint(segments[:, :1] + along * (segments[:, 2:3] - segments[:, :1])).astype(int)
    ys = np.rint(segments[:, 1:2] + along * (segments[:, 3:4] - segments[:, 1:2])).astype(int)
    limit = max(3, side // 80)  # a printed rule's half-width at most
    depth = cv2.distanceTransform(binary, cv2.DIST_L2, 3)  # how far inside the ink
    deepest = cv2.dilate(depth, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * limit + 3,) * 2))
    half_width = np.median(deepest[ys, xs], axis=1)
    thin = half_width <= limit
    return segments[thin], float(np.median(half_width[thin])) if thin.any() else 0.0


def rule_lines(found: list, shape: tuple[int, int], family: int = 3, reach: float = 0.08) -> list[np.ndarray]:
    """The rules of `found` (`parallel_lines`), for each direction in which `family` or more run across the picture.

    A rule crosses the paper from edge to edge: its segments together come within `reach` of
    both ends of the picture's extent along it. A digit's strokes are shorter, curved or thicker,
    and a row of 1s does not run from the picture's top to its bottom.
    """
    height, width = shape
    corners = np.array([[0, 0], [width, 0], [0, height], [width, height]], np.float64)
    rules = []
    for direction, lines in found:
        span = corners @ direction
        low, high = span.min() + reach * np.ptp(span), span.max() - reach * np.ptp(span)
        across = []
        for line in lines:
            ends = np.concatenate([line[:, :2], line[:, 2:]]) @ direction
            if ends.min() <= low and ends.max() >= high:
                across.append(line)
        if len(across) >= family:
            rules += across
    return rules


def answer_lines(found: list, shape: tuple[int, int], rules: list[np.ndarray], tilt: float = 20.0,
                 gap: float = 0.04) -> list[np.ndarray]:
    """The lines of `found` (`parallel_lines`) near horizontal (`tilt` degrees), not `rules`: answer lines, perhaps.

    A printed line is unbroken: segments on one line further apart than `gap` of the picture's
    shorter side are separate lines (the bars of two 7s side by side, a bar in line with a rule).
    """
    lines = []
    for direction, candidates in found:
        if abs(direction[1]) > np.sin(np.radians(tilt)):
            continue
        for line in candidates:
            if any(line is rule for rule in rules):
                continue  # taken out already
            starts, ends = np.sort(line[:, [0, 2]] * direction[0] + line[:, [1, 3]] * direction[1], axis=1).T
            order = np.argsort(starts)
            reach = np.maximum.accumulate(ends[order])
            apart = np.flatnonzero(starts[order][1:] > reach[:-1] + gap * min(shape)) + 1
            lines += [line[part] for part in np.split(order, apart)]
    return lines


def parallel_lines(segments: np.ndarray, side: int, tilt: float = 2.0):
    """The segments by direction (within `tilt` degrees), each direction's split into lines.

    Yields (unit direction, lines), each line an array of its segments: parallel lines are told
    apart by the paper between them (2 % of the picture's shorter `side`).
    """
    angle = np.arctan2(segments[:, 3] - segments[:, 1], segments[:, 2] - segments[:, 0]) % np.pi
    free = np.ones(len(segments), bool)
    for i in range(len(segments)):
        if not free[i]:
            continue
        turn = np.abs(angle - angle[i])
        members = np.flatnonzero(free & (np.minimum(turn, np.pi - turn) <= np.radians(tilt)))
        free[members] = False
        direction = np.array([np.cos(angle[i]), np.sin(angle[i])])
        offsets = segments[members, :2] @ np.array([-direction[1], direction[0]])
        order = np.argsort(offsets)
        apart = np.flatnonzero(np.diff(offsets[order]) > 0.02 * side) + 1
        yield direction, [segments[group] for group in np.split(members[order], apart)]


def find_pieces(mask: np.ndarray, page_edges: bool = True, specks: bool = True) -> tuple[list[Piece], np.ndarray]:
    """Connected pieces of ink and their label image; page edges and specks dropped.

    Specks far from the digit stay out of it anyway (`digit_pieces`); dropping them here keeps
    out the dust that lies near it, as on a dusty scanner's glass.
    """
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    height, width = mask.shape
    pieces = [Piece(i, int(s[0]), int(s[1]), int(s[2]), int(s[3]), int(s[4]),
                    s[0] == 0 or s[1] == 0 or s[0] + s[2] == width or s[1] + s[3] == height)
              for i, s in enumerate(stats) if i > 0 and s[4] >= max(4, mask.size // 40000)]
    if page_edges:  # touching the border and running along it: a table's edge, a shadow's band
        pieces = [p for p in pieces if not (p.border and (p.w > 0.5 * width or p.h > 0.5 * height))] or pieces
    if pieces and specks:  # much smaller than the largest piece: dust, noise
        largest = max(p.area for p in pieces)
        pieces = [p for p in pieces if p.area >= SPECK * largest]
    return pieces, labels


def digit_pieces(pieces: list[Piece], labels: np.ndarray, near_only: bool = True) -> list[Piece]:
    """The pieces that form the digit: of the groups that the larger pieces gather, the one with most ink.

    Pieces clear of the picture's border are preferred. Growing from the largest piece alone
    would pick a crossed-out mark that has more ink than either half of a broken 1.
    """
    if not near_only:
        return pieces
    clear = [p for p in pieces if not p.border] or pieces
    largest = max(p.area for p in clear)
    groups = [gather(start, pieces, labels) for start in clear if start.area >= 0.5 * largest]
    return max(groups, key=lambda group: sum(p.area for p in group))


def without_printed_text(pieces: list[Piece], labels: np.ndarray) -> list[Piece]:
    """The pieces without a worksheet's printed words (`printed_text`); all of them when nothing else is left.

    A bold label has more ink than a thin pen's digit, and a line printed just above a digit
    lies in its column, where `gather` would join it to the digit.
    """
    words = printed_text(pieces, labels)
    return [p for p in pieces if p not in words] or pieces


def printed_text(pieces: list[Piece], labels: np.ndarray, strokes: int = 4, smaller: float = 0.6) -> list[Piece]:
    """The pieces that are printed words: rows of letters crossing `strokes` or more strokes, smaller than the digit.

    A letter is a glyph at least two strokes tall; the letters of a word stand side by side on
    one line, of like heights (capitals, small letters, ascenders and descenders within a factor
    of two), close together (within a letter's height), and a line across their middles crosses
    a stroke or two for every letter: 1.2 a glyph at least (two letters that touch are one
    piece, as wide as a word, and cross as many). A digit's own pieces do not make such a row: a
    5's detached bar is too thin to be a glyph, the dashes of a stroke a pencil broke cross it
    once each, and a number's digits are the tallest ink. So a row counts as printed only when
    its letters are at most `smaller` times the tallest ink outside every row; without such ink
    nothing is printed. A row of small digits beside a much taller one would count (so
    `prepare_number` does not ask).
    """
    glyphs, crossed = [], {}
    for p in pieces:
        box = (labels[p.y : p.y + p.h, p.x : p.x + p.w] == p.label).astype(np.uint8)
        if p.h >= 2 * stroke_width(box):
            glyphs.append(p)
            middle = box[[p.h * 2 // 5, p.h // 2, p.h * 3 // 5]]  # three lines across, for a glyph's serifs and gaps
            crossed[p.label] = int(np.count_nonzero(np.diff(middle, axis=1, prepend=0) == 1, axis=1).max())
    glyphs.sort(key=lambda p: p.x)
    row = list(range(len(glyphs)))  # each glyph's row, as a union-find forest

    def root(i: int) -> int:
        while row[i] != i:
            i = row[i]
        return i

    for i, a in enumerate(glyphs):
        for j in range(i + 1, len(glyphs)):
            b = glyphs[j]
            if b.x - (a.x + a.w) > 2 * a.h:
                break  # sorted by x: every later glyph is farther still, and a taller one is no row with a
            if b.x - (a.x + a.w) > max(a.h, b.h):
                continue
            overlap = min(a.y + a.h, b.y + b.h) - max(a.y, b.y)
            if overlap >= 0.5 * min(a.h, b.h) and max(a.h, b.h) <= 2 * min(a.h, b.h):
                row[root(j)] = root(i)
    rows: dict[int, list[Piece]] = {}
    for i, p in enumerate(glyphs):
        rows.setdefault(root(i), []).append(p)
    words = [members for members in rows.values()  # two glyphs at least, or one as wide as a word
             if (len(members) >= 2 or members[0].w >= 2 * members[0].h)
             and sum(crossed[p.label] for p in members) >= max(strokes, 1.2 * len(members))]
    printed = [p for members in words for p in members]
    others = [p.h for p in pieces if p not in printed]
    if not others:
        return []
    return [p for members in words if max(p.h for p in members) <= smaller * max(others) for p in members]


def gather(main: Piece, pieces: list[Piece], labels: np.ndarray, gap: float = 0.1,
           column_gap: float = 0.25) -> list[Piece]:
    """The pieces close to `main`, and to those, and so on: one digit's ink.

    A piece joins when its ink comes within `gap` times the main piece's size of the digit's ink
    so far, or within `column_gap` when it lies in the digit's column (a digit is written top to
    bottom: the detached bar of a 5 sits above its body). The parts of a broken stroke join; a
    speck or a crossed-out mark beside the digit does not. Distances are between the inks
    themselves, not their boxes, which overlap when a mark sits in the empty corner of a 7.
    """
    size = max(main.w, main.h)
    group, rest = [main], [p for p in pieces if p is not main]
    while rest:
        distance = cv2.distanceTransform((~union(group, labels)).astype(np.uint8), cv2.DIST_L2, 3)
        left, right = min(p.x for p in group), max(p.x + p.w for p in group)
        close = []
        for p in rest:
            in_column = min(right, p.x + p.w) - max(left, p.x) > 0.5 * p.w
            box = (slice(p.y, p.y + p.h), slice(p.x, p.x + p.w))  # the piece's own box, not the whole picture
            if float(distance[box][labels[box] == p.label].min()) <= (column_gap if in_column else gap) * size:
                close.append(p)
        if not close:
            break
        group += close
        rest = [p for p in rest if p not in close]
    return group


def union(pieces: list[Piece], labels: np.ndarray) -> np.ndarray:
    """One mask holding the ink of all the given pieces."""
    return np.isin(labels, [p.label for p in pieces])


def group_digits(pieces: list[Piece]) -> list[list[Piece]]:
    """Group pieces of ink into digits, left to right; pieces stacked in a column are one digit."""
    groups: list[list[Piece]] = []
    for piece in sorted(pieces, key=lambda p: p.x):
        if groups:
            last = groups[-1]
            left = min(p.x for p in last)
            right = max(p.x + p.w for p in last)
            overlap = min(right, piece.x + piece.w) - max(left, piece.x)
            if overlap > 0.5 * min(piece.w, right - left):
                last.append(piece)
                continue
        groups.append([piece])
    return groups


def stroke_width(binary: np.ndarray) -> float:
    """Mean stroke width: twice the ink area over the length of its outlines."""
    contours, _ = cv2.findContours(binary, cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
    perimeter = sum(cv2.arcLength(c, True) for c in contours)
    return 2.0 * float(binary.sum()) / perimeter if perimeter else 0.0


def normalize_stroke(digit: np.ndarray) -> np.ndarray:
    """Thicken hairlines and thin marker strokes of a grey digit to MNIST's stroke width.

    Returns the same array when the strokes are already in MNIST's range.
    """
    binary = (digit > 0.5).astype(np.uint8)
    if not binary.any():
        return digit
    ys, xs = np.nonzero(binary)
    size = max(np.ptp(ys), np.ptp(xs)) + 1
    ratio = stroke_width(binary) / size
    low, high = STROKE_RANGE
    if ratio < low:
        grow = round((low + 0.03 - ratio) * size)
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (grow + 1, grow + 1))
        return cv2.dilate(digit, kernel)
    if ratio > high:
        shrink_by = round((ratio - high + 0.03) * size)
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (shrink_by + 1, shrink_by + 1))
        thinner = cv2.erode(digit, kernel)
        return thinner if thinner.sum() > 0.3 * digit.sum() else digit
    return digit
