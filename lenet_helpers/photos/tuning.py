"""Every tuned number of the photo pipeline, in one frozen object, each with the reason for its value.

`prepare(photo, tuning=replace(Tuning(), speck=0.05))` reads a photo with one number changed;
benchmarks/sweep.py moves each number and measures what it buys. A mechanism's functions take
the tuning (or the few numbers they need, whose defaults are the fields below), so a number is
written here once and nowhere else.

Units. Sizes are fractions: of the picture's side ("of the picture") or of the digit's or a
piece's size, so that they hold at any resolution. Three kinds stay in pixels, said so each
time: the sizes of the working copies themselves, filters against a sensor's noise (a 3x3
median, a blur of a pixel or two), and a soft edge of a few pixels. Grey levels are fractions of
full scale, or of 255 where the code works on 8-bit copies.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Tuning:
    """The photo pipeline's numbers; `Steps` switches its steps on and off."""

    # The working copies (pixels: the copies' own sizes)
    work_size: int = 640  # longest side while looking for ink: enough for a digit, fast for a 48 MP photo
    min_work_size: int = 256  # smaller images are enlarged first: a 3x3 filter would erase their strokes
    finer: tuple[int, ...] = (2, 4)  # times work_size, searched when a photo is refused at work size (a 1-px stroke)
    more_detail: float = 1.5  # a look at more pixels must hold this many times the pixels of the look before
    sheet_size: int = 256  # longest side while looking for a sheet: its edges matter, not the ink
    line_size: int = 320  # longest side while counting lines for polarity: a phone photo's hairline still shows
    spectrum_size: int = 256  # longest side while measuring the size spectrum of the ink and its shadows
    stroke_copy: int = 64  # the digit's size in the copy its stroke width is measured and corrected on
    stroke_room: int = 8  # pixels of that copy around the digit: room to thicken a hairline

    # Grey levels
    black_level: int = 13  # of 255, added before a logarithm: the noise of near-black pixels does not count
    min_contrast: float = 0.06  # ink fainter than this against its paper is noise (a faint pencil is ~0.2)
    blank_level: int = 40  # of 255: ink weaker than this (about 15 % contrast) does not count as writing
    ink_pixels: int = 20  # the fewest work-image pixels of ink at blank_level that make a written page
    paper_spreads: float = 6.0  # the threshold lies at least this many robust deviations above the paper
    highest_threshold: int = 200  # of 255: a threshold above this would keep only the ink's cores
    ink_top: float = 95.0  # percentile of the digit's ink that becomes full strength (a few hot pixels do not set it)
    stretch_top: float = 99.99  # percentile of the picture that sets full strength: a small digit still sets it

    # A sheet on a desk (fractions of the sheet copy or of the picture)
    desk_darker: float = 0.45  # the desk at most this bright against the paper: a grey table or shadow is not a desk
    sheet_least: float = 0.2  # the sheet covers at least this much of the picture
    sheet_most: float = 0.95  # and at most this much: a sheet filling the frame leaves no desk to paint
    sheet_square: float = 0.9  # a sheet fills this much of the turned rectangle around it (cut by the frame)
    sheet_bare: float = 0.8  # a sheet is light at this much of its area: mostly bare paper
    sheet_edge: float = 7 / 256  # of the sheet copy: the bands either side of the sheet's edge compared
    written_depth: float = 0.1  # a line this much darker than both sides (log brightness, ~10 %) is writing
    written_line: float = 0.1  # of the picture's side: the writing's deepest line is at least this long
    written_deeper: float = 2.0  # the writing lies this many times deeper than anything on the desk
    desk_grain: float = 0.003  # the share of the desk whose depth is its grain (not a crumb)
    written_scales: float = 1 / 16  # of the picture's side: depths measured up to a marker's stroke
    desk_margin: float = 0.01  # of the picture's side: the sheet shrunk so its edge's dark seam goes with the desk
    paper_reach: float = 0.1  # of the (8x smaller) picture: how far the paper's brightness is carried onto the desk

    # Polarity
    line_scales: float = 1 / 8  # of the picture's short side: lines counted up to a marker's half-width

    # Background: light and shadows
    background_window: float = 1 / 3  # of the picture's short side: wider than any stroke of a digit in it
    octagon: float = 0.42  # the octagon's inner square, as a share of the window: it fits a shadow's edge at any angle
    paper_blur: float = 1.5  # pixels: the paper's noise smoothed before the opening follows it
    spectrum_blur: float = 1.0  # pixels: the same for the size spectrum's copy
    spectrum_step: float = 1.25  # the spectrum's windows widen by this factor
    darkest_paper: float = 0.05  # ink under a shadow is divided by the paper's brightness, never less than this
    valley_depth: float = 0.9  # a valley after the strokes' mode dips to this share of its peak
    shadow_wider: float = 2.2  # what lies past the valley is a shadow when most of it is this many times wider
    shadow_share: float = 0.3  # and holds this share of all the ink the spectrum takes away
    modes_separation: float = 0.7  # the spectrum's two groups are set apart at this Otsu separation (even: 0.75)
    shadow_rising: float = 1.15  # and the ink taken away still grows by this over the last two widenings
    ink_core: float = 0.8  # the strongest ink: within this share of the peak
    hollowed: float = 0.1  # a window that leaves a tenth of that core under a tenth of its strength takes ink
    shadow_softer: float = 0.75  # a shadow's edge is softer than this share of the ink's: ink's edges are sharper

    # Threshold: ink from paper, grain and faint plateaus
    grain: float = 0.5  # ink is grainy when no piece holds this share of it (and most pieces are specks)
    widest_grain: float = 2.0  # pixels: the widest blur (in steps of 0.5) that may join chalk's dots into strokes
    faint_separation: float = 0.85  # the ink's levels split at this Otsu separation hold a faint plateau apart
    faint_least: int = 50  # pixels of ink needed before its levels are split

    # Printed lines
    segment_length: float = 0.4  # of the picture's short side: the shortest straight segment of a printed line
    segment_gap: float = 0.01  # of the picture's short side: the longest break within one segment
    line_half_width: float = 1 / 80  # of the picture's short side: a printed rule's half-width at most
    parallel_tilt: float = 2.0  # degrees: segments this close in angle are parallel
    parallel_apart: float = 0.02  # of the picture's short side: paper between two parallel lines
    rule_family: int = 3  # rules are this many parallel lines or more, crossing the picture
    rule_reach: float = 0.08  # of the picture's extent: a rule comes this close to both its ends
    answer_tilt: float = 20.0  # degrees: an answer line is nearer horizontal than this
    answer_gap: float = 0.04  # of the picture's short side: a printed line is unbroken over more than this
    answer_longer: float = 1.5  # an answer line is this many times as long as the tallest ink beside it is tall
    written_over: float = 0.1  # ink this much above a printed line's level (or 4 of its deviations) is written over it

    # Pieces of ink
    speck: float = 0.08  # of the largest piece's area: smaller pieces are specks (dust, noise, grain)
    least_piece: float = 1 / 40000  # of the picture's area (and 4 pixels): smaller pieces are noise, never ink
    page_edge: float = 0.5  # of the picture's side: a border piece running this far along it is a page's edge
    start_share: float = 0.5  # of the largest piece: pieces this large each start a group that may be the digit
    gather_gap: float = 0.1  # of the main piece's size: a piece this close joins the digit
    column_gap: float = 0.25  # the same in the digit's column (a 5's detached bar sits above its body)
    number_tall: float = 0.25  # of the tallest piece: a number's digit is this tall, or
    number_large: float = 0.3  # this large a share of the largest piece's area

    # Printed words
    word_strokes: int = 4  # a row of letters crosses this many strokes or more
    letter_strokes: float = 1.2  # and this many for each of its letters
    glyph_height: float = 2.0  # strokes: a letter is at least this many stroke widths tall
    letters_smaller: float = 0.6  # printed letters are at most this share of the tallest handwriting's height
    letter_heights: float = 2.0  # a word's letters are of like heights, within this factor
    print_apart: float = 0.5  # of its letters' height: a row nearer the taller ink is a stroke broken in dashes

    # Stroke width (a share of the digit's size)
    stroke_range: tuple[float, float] = (0.07, 0.17)  # MNIST's stroke width / digit size (10th-90th pct: 0.08-0.15)
    stroke_margin: float = 0.03  # a stroke out of range is brought this far inside it
    thinned_keeps: float = 0.3  # a marker thinned to less than this share of its ink is kept as it was

    # A closer look, and doubts
    closer_below: float = 0.1  # of the work image's side: a smaller digit is read again at full resolution
    closer_around: float = 1.5  # digit sizes: the closer look's window reaches this far on every side
    tiny: float = 0.04  # of the picture's longest side: a smaller digit is called tiny
    tiny_pixels: int = 30  # pixels of ink: a digit with fewer is called tiny, however large its box
    kept_least: float = 0.5  # a digit that keeps less of the picture's ink than this is doubted
    counted_piece: float = 0.1  # of the digit's largest piece: the ink counted as the picture's (not specks)
    soft_edge: int = 5  # pixels: the mask grown by this keeps the ink's soft edges
