"""A drawing pad for lesson 05 (ipycanvas): draw a digit with a mouse, a pen or a finger, see it read.

After each stroke the drawing goes through MNIST's recipe (`prepare_drawing`) and the model reads
it: the prepared 28x28 image, the ten probabilities as bars and the doubt, beside the pad. A pad's
strokes need none of a photo's cleaning (no paper, light or specks), and because the strokes
themselves are known, their width need not be measured and corrected from pixels as a photo's is:
they are drawn again with MNIST's pen for the digit's size. The strokes are kept as points and
drawn here, not read back from the browser, so the reading is the same with or without a browser:
where none is attached (nbval, a notebook turned into HTML) the pad shows the reading of the
drawing it starts with.
"""

from dataclasses import dataclass, field

import cv2
import numpy as np

from ..learning.data import MNIST_MEAN, MNIST_STD
from ..photos.mnist_style import center_by_mass, fit_digit, to_tensor
from ..photos.pipeline import Prepared
from ..photos.reading import Prediction, classify

PAD = 280  # the pad's side in pixels: ten times MNIST's
PEN = 18  # the stroke's width in pixels of the pad: a marker, about what a mouse draws comfortably
MNIST_PEN = 0.118  # the redrawn stroke over the ink's longer side that gives MNIST's stroke (benchmarks/drawn.py)
SEVEN = [[(70, 62), (210, 58), (205, 75), (150, 160), (118, 235)], [(115, 150), (185, 145)]]  # shown until you draw


@dataclass
class Drawing:
    """Strokes on a square pad: each stroke the points the pointer passed, in pad pixels."""

    strokes: list = field(default_factory=list)  # of lists of (x, y), or of (n, 2) arrays
    size: int = PAD
    width: float = PEN

    def image(self, supersample: int = 4) -> np.ndarray:
        """The drawing as MNIST's digits are: white ink on black, round-ended strokes `width` wide, anti-aliased.

        Every pixel within half the width of a stroke's centre line is ink, decided on a grid
        `supersample` times finer and averaged: the width is exact to a fraction of a pixel
        (OpenCV's thick lines come only in steps of two pixels).
        """
        fine = self.size * supersample
        centre_lines = np.full((fine, fine), 255, np.uint8)
        for stroke in self.points():
            points = np.clip(stroke * supersample + (supersample - 1) / 2, -fine, 2 * fine)  # off the pad: cut
            points = np.round(points * 16).astype(np.int32)  # 4 bits of sub-pixel position
            cv2.polylines(centre_lines, [points], False, 0, 1, cv2.LINE_8, shift=4)
            cv2.circle(centre_lines, tuple(points[0]), 0, 0, -1, cv2.LINE_8, shift=4)  # a single point: a dot
        distance = cv2.distanceTransform(centre_lines, cv2.DIST_L2, cv2.DIST_MASK_PRECISE)
        ink = (distance <= self.width * supersample / 2).astype(np.float32)
        return np.round(255 * cv2.resize(ink, (self.size, self.size), interpolation=cv2.INTER_AREA)).astype(np.uint8)

    def points(self) -> list[np.ndarray]:
        """Each stroke as an (n, 2) array of its finite points; strokes left with none are left out."""
        strokes = []
        for stroke in self.strokes:
            try:
                points = np.asarray(stroke, np.float64)
            except (TypeError, ValueError):
                points = None
            if points is not None and points.size == 0:
                continue
            if points is None or points.ndim != 2 or points.shape[1] != 2:
                raise ValueError(f"A stroke is a list of (x, y) points in the pad's pixels, not {str(stroke):.60}.")
            points = points[np.isfinite(points).all(axis=1)]
            if len(points):
                strokes.append(points)
        return strokes


def with_mnist_pen(drawing: Drawing, pen: float = MNIST_PEN, side: int = 112) -> Drawing | None:
    """The strokes drawn again with MNIST's pen: `side` pixels across, the stroke `pen` of the ink's longer side.

    MNIST_PEN is chosen so that the prepared drawings' strokes measure as MNIST's training digits'
    do (the median of ink over skeleton length, over the ink's longer side); fitting into 20x20
    adds grey edges, so it is a little under that median. None for a tap (the strokes span less
    than the pad's own pen): no digit to read yet.
    """
    strokes = drawing.points()
    if not strokes:
        return None
    points = np.concatenate(strokes)
    low = points.min(axis=0)
    extent = float((points.max(axis=0) - low).max())
    if not extent > max(drawing.width, 0):
        return None
    width = pen / (1 - pen) * side  # the ink's longer side is the strokes' extent plus one pen
    margin = width / 2 + 2
    scale = side / extent
    return Drawing([(stroke - low) * scale + margin for stroke in strokes], int(np.ceil(side + 2 * margin)), width)


def prepare_drawing(drawing: Drawing, mean: float = MNIST_MEAN, std: float = MNIST_STD,
                    pen: float = MNIST_PEN) -> Prepared | None:
    """MNIST's recipe on a drawing: redrawn with MNIST's pen, cropped, fitted into 20x20, centred by mass in 28x28.

    None while there is no digit to read (an empty pad, a tap).
    """
    redrawn = with_mnist_pen(drawing, pen)
    if redrawn is None:
        return None
    picture = redrawn.image()
    ink = picture.astype(np.float32) / 255
    mask = ink > 0.05
    digit, box = fit_digit(ink, mask, stroke=False)
    pixels = center_by_mass(digit)
    return Prepared("your drawing", picture, ink, False, ink, mask, box, digit, pixels, to_tensor(pixels, mean, std))


def read_drawing(model, drawing: Drawing, normalization: dict | None = None) -> Prediction | None:
    """The model's reading of a drawing prepared by MNIST's recipe; None while there is no digit to read."""
    prepared = prepare_drawing(drawing, **(normalization or {}))
    return None if prepared is None else classify(model, [prepared])[0]


def bars(probabilities: list[float]) -> str:
    """The ten probabilities as HTML bars, the largest one marked."""
    top = int(np.argmax(probabilities))
    rows = []
    for digit, p in enumerate(probabilities):
        colour = "#d62728" if digit == top else "#1f77b4"
        rows.append(f'<div style="display:flex;align-items:center;height:17px;font-family:monospace">'
                    f'<span style="width:1.5em">{digit}</span>'
                    f'<span style="display:inline-block;height:12px;width:{max(1, round(150 * p))}px;'
                    f'background:{colour}"></span><span style="margin-left:6px">{p:.0%}</span></div>')
    return "".join(rows)


class DrawingPad:
    """The pad and its reading: a canvas, Clear and Undo, the prepared image, the bars and the doubt."""

    def __init__(self, model, normalization: dict, strokes: list | None = None, size: int = PAD, width: float = PEN):
        import ipywidgets as widgets
        from ipycanvas import Canvas

        self.model, self.normalization = model, normalization
        self.drawing = Drawing([list(s) for s in (strokes or [])], size, width)
        self.canvas = Canvas(width=size, height=size, layout=widgets.Layout(border="1px solid #888"))
        self.prepared = widgets.Image(format="png", width=140, height=140)
        self.verdict = widgets.HTML()
        self.probabilities = widgets.HTML()
        clear, undo = widgets.Button(description="Clear"), widgets.Button(description="Undo")
        clear.on_click(lambda _: self.clear())
        undo.on_click(lambda _: self.undo())
        self.canvas.on_mouse_down(self.start)
        self.canvas.on_mouse_move(self.extend)
        self.canvas.on_mouse_up(self.end)
        self.canvas.on_mouse_out(self.end)
        self.canvas.on_touch_start(lambda touches: self.start(*touches[0]))
        self.canvas.on_touch_move(lambda touches: self.extend(*touches[0]))
        self.canvas.on_touch_end(lambda touches: self.end())
        reading = widgets.VBox([widgets.HTML("<b>what the model sees</b>"), self.prepared, self.verdict,
                                self.probabilities], layout=widgets.Layout(margin="0 0 0 16px"))
        self.widget = widgets.VBox([widgets.HBox([widgets.VBox([self.canvas, widgets.HBox([clear, undo])]),
                                                  reading])])
        self.pen_down = False
        self.redraw()
        self.update()

    def start(self, x: float, y: float) -> None:
        if not np.isfinite([x, y]).all():
            return
        self.pen_down = True
        self.drawing.strokes.append([(x, y)])
        self.canvas.fill_style = "white"
        self.canvas.fill_circle(x, y, self.drawing.width / 2)

    def extend(self, x: float, y: float) -> None:
        if not self.pen_down or not np.isfinite([x, y]).all():
            return
        (x0, y0) = self.drawing.strokes[-1][-1]
        self.drawing.strokes[-1].append((x, y))
        self.canvas.stroke_style, self.canvas.line_width, self.canvas.line_cap = "white", self.drawing.width, "round"
        self.canvas.stroke_line(x0, y0, x, y)

    def end(self, *_) -> None:
        """The stroke is finished: read the drawing again."""
        if self.pen_down:
            self.pen_down = False
            self.update()

    def clear(self) -> None:
        self.pen_down = False
        self.drawing.strokes.clear()
        self.redraw()
        self.update()

    def undo(self) -> None:
        self.pen_down = False
        if self.drawing.strokes:
            self.drawing.strokes.pop()
        self.redraw()
        self.update()

    def redraw(self) -> None:
        """The canvas from the strokes: black, white ink."""
        from ipycanvas import hold_canvas

        with hold_canvas():
            self.canvas.fill_style = "black"
            self.canvas.fill_rect(0, 0, self.drawing.size, self.drawing.size)
            self.canvas.stroke_style, self.canvas.fill_style = "white", "white"
            self.canvas.line_width, self.canvas.line_cap = self.drawing.width, "round"
            for stroke in self.drawing.points():
                if len(stroke) == 1:
                    self.canvas.fill_circle(*stroke[0], self.drawing.width / 2)
                else:
                    self.canvas.stroke_lines(stroke)

    def update(self) -> Prediction | None:
        """Read the drawing and show the reading; the prediction, or None while the pad is empty."""
        prediction = read_drawing(self.model, self.drawing, self.normalization)
        if prediction is None:
            self.prepared.value = _png(np.zeros((28, 28)))
            self.verdict.value = "<i>draw a digit on the pad</i>"
            self.probabilities.value = ""
            return None
        self.prepared.value = _png(prediction.prepared.pixels)
        doubt = f"<br><span style='color:#d62728'>Doubtful: {prediction.warning}</span>" if prediction.warning else ""
        self.verdict.value = f"the model reads <b>{prediction.digit}</b> ({prediction.confidence:.0%} sure){doubt}"
        self.probabilities.value = bars(prediction.probabilities)
        return prediction

    def text(self) -> str:
        """The reading in words, as the pad shows it (for a run without a browser)."""
        prediction = read_drawing(self.model, self.drawing, self.normalization)
        if prediction is None:
            return "The pad is empty: draw a digit."
        doubt = f" Doubtful: {prediction.warning}" if prediction.warning else ""
        return f"The model reads {prediction.digit} ({prediction.confidence:.0%} sure).{doubt}"


def _png(pixels: np.ndarray) -> bytes:
    """A 28x28 image in [0, 1] as PNG bytes, enlarged five times without smoothing."""
    big = cv2.resize((np.clip(pixels, 0, 1) * 255).astype(np.uint8), (140, 140), interpolation=cv2.INTER_NEAREST)
    return cv2.imencode(".png", big)[1].tobytes()


def drawing_pad(model, normalization: dict, strokes: list | None = SEVEN) -> DrawingPad:
    """Show a drawing pad in the notebook; it starts with `strokes` (a 7) until you draw: Clear first."""
    from IPython.display import display

    pad = DrawingPad(model, normalization, strokes)
    display(pad.widget)
    if strokes:
        print(f"The pad starts with a drawing, until you press Clear. {pad.text()}")
    return pad
