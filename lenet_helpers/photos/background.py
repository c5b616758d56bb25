"""Evening out the light: the paper's slowly varying background (shadows, uneven light) taken away."""

import cv2
import numpy as np

from .threshold import weighted_otsu
from .tuning import Tuning


def remove_background(ink: np.ndarray, on_paper: bool = True, narrow_shadows: bool = True, past_strokes: bool = True,
                      two_modes: bool = True, tuning: Tuning = Tuning()) -> np.ndarray:
    """Subtract the slowly varying background (shadows, uneven light) from a bright-ink image.

    A grey-level opening keeps only what is wider than its window: the paper, its gradients and
    the plateaus of shadows, not the strokes. The window (`background_window`, a share of the
    picture's short side) is a third of the picture, wider than
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
    size = max(3, int(min(ink.shape) * tuning.background_window)) | 1
    if narrow_shadows:
        size = background_window(ink, size, past_strokes, two_modes, tuning)
    smooth = cv2.GaussianBlur(ink, (0, 0), tuning.paper_blur)
    square = cv2.getStructuringElement(cv2.MORPH_RECT, (size, size))
    side = max(1, int(tuning.octagon * size)) | 1  # an octagon: a smaller square, then a diamond around it
    steps = max(1, (size - side) // 2)
    inner = cv2.getStructuringElement(cv2.MORPH_RECT, (side, side))
    cross = cv2.getStructuringElement(cv2.MORPH_CROSS, (3, 3))
    octagon = cv2.erode(cv2.erode(smooth, inner), cross, iterations=steps)
    octagon = cv2.dilate(cv2.dilate(octagon, cross, iterations=steps), inner)
    background = np.maximum(octagon, cv2.morphologyEx(smooth, cv2.MORPH_OPEN, square))
    flat = ink - background
    if on_paper:
        flat /= np.maximum(1.0 - background, tuning.darkest_paper)  # 1 - background: the paper's brightness
    return stretch(np.clip(flat, 0, 1), tuning)


def background_window(ink: np.ndarray, largest: int, past_strokes: bool = True, two_modes: bool = True,
                      tuning: Tuning = Tuning()) -> int:
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
    (`remove_background` with `narrow_shadows` off). Measured on a copy at most `spectrum_size`
    pixels across, in widenings of `spectrum_step`; returns an odd width at full size.
    """
    scale = min(1.0, tuning.spectrum_size / max(ink.shape))
    size = (max(1, round(ink.shape[1] * scale)), max(1, round(ink.shape[0] * scale)))
    small = cv2.resize(ink, size, interpolation=cv2.INTER_AREA) if scale < 1 else ink
    small = cv2.GaussianBlur(small, (0, 0), tuning.spectrum_blur)
    top = max(3, int(min(largest * scale, min(small.shape)))) | 1
    widths = [3]
    while widths[-1] * tuning.spectrum_step < top:
        widths.append(max(widths[-1] + 2, int(widths[-1] * tuning.spectrum_step) | 1))
    widths.append(top)
    if len(widths) < 4:
        return largest
    taken = np.array([float((small - cv2.morphologyEx(small, cv2.MORPH_OPEN, np.ones((w, w), np.uint8))).sum())
                      for w in widths])
    found = (valley_past_strokes(taken, widths, tuning.valley_depth, tuning.shadow_wider, tuning.shadow_share)
             if past_strokes else None,
             valley_between_two_modes(taken, widths, tuning.modes_separation, tuning.shadow_rising)
             if two_modes else None)
    for valley in found:
        if valley is not None and not takes_ink_for_background(ink, size, widths[valley], top, tuning):
            return min(largest, int(widths[valley] / scale) | 1)
    return largest


def spectrum_of(taken: np.ndarray) -> np.ndarray:
    """The ink taken away by each widening of the opening: the size spectrum."""
    return np.maximum(np.diff(taken, prepend=0.0), 0.0)


def valley_past_strokes(taken: np.ndarray, widths: list[int], depth: float = Tuning.valley_depth,
                        wider: float = Tuning.shadow_wider, share: float = Tuning.shadow_share) -> int | None:
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


def valley_between_two_modes(taken: np.ndarray, widths: list[int], separation: float = Tuning.modes_separation,
                             rising: float = Tuning.shadow_rising) -> int | None:
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
                             tuning: Tuning = Tuning()) -> bool:
    """Whether an opening of `window` instead of `largest` would take ink for background, on a copy of `size`.

    Two signs, either enough: it hollows out the strongest ink (what lies within `ink_core` of
    the peak above the `largest` window's background: more than `hollowed` of it left under
    `hollowed` of its strength): a shadow is never as dark as the ink lying in it, but the core
    of a coloured-in loop or of a marker's stroke filling the picture is. Or what it takes away
    has edges nearly as sharp as the ink it keeps (its steepest slope over its height at least
    `shadow_softer` times the ink's): a shadow's edge is blurred by the light's size, ink's only by the lens, so a digit
    beside darker thin printed rules, which make the first mode themselves, keeps its strokes.
    The copy keeps each thin stroke at full strength (each pixel the brightest of the block it
    stands for), or a shadow would outshine a fine pen's strokes faded by the reduction.
    """
    smooth = cv2.GaussianBlur(ink, (0, 0), tuning.spectrum_blur)
    block = int(np.ceil(ink.shape[1] / size[0]))
    if block > 1:
        smooth = cv2.resize(cv2.dilate(smooth, np.ones((block, block), np.uint8)), size, interpolation=cv2.INTER_AREA)
    narrow = cv2.morphologyEx(smooth, cv2.MORPH_OPEN, np.ones((window, window), np.uint8))
    wide = cv2.morphologyEx(smooth, cv2.MORPH_OPEN, np.ones((largest, largest), np.uint8))
    full, kept, taken = smooth - wide, smooth - narrow, narrow - wide
    core = full >= tuning.ink_core * float(full.max())
    if np.count_nonzero(core & (kept < tuning.hollowed * full)) > tuning.hollowed * np.count_nonzero(core):
        return True
    near_taken = cv2.dilate((taken >= 0.5 * float(taken.max())).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    return steepness(taken, near_taken) >= tuning.shadow_softer * steepness(kept, kept >= 0.3 * float(kept.max()))


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


def stretch(flat: np.ndarray, tuning: Tuning = Tuning()) -> np.ndarray:
    """Bring the ink to full strength, unless there is none (under `min_contrast`): blank paper stays blank.

    Full strength is the top of the ink after a 3x3 median (single noisy pixels do not count),
    taken at its `stretch_top` percentile: a digit small in a large photo still sets it.
    """
    flat = flat - float(flat.min())
    top = float(np.percentile(cv2.medianBlur((flat * 255).astype(np.uint8), 3), tuning.stretch_top)) / 255
    return np.clip(flat / top, 0, 1) if top > tuning.min_contrast else flat
