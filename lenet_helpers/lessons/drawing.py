"""A drawing pad for lesson 05 (ipycanvas): draw a digit with a mouse, a pen or a finger, see it read.

After each stroke the drawing goes through the same MNIST-style preparation as a photo (`prepare`:
crop, fit into 20x20, centre by mass, stroke width) and the model reads it: the prepared 28x28
image, the ten probabilities as bars and the doubt, beside the pad. The strokes are kept as points
and drawn here, not read back from the browser, so the reading is the same with or without a
browser: where none is attached (nbval, a notebook turned into HTML) the pad shows the reading of
the drawing it starts with.
"""

from dataclasses import dataclass, field

import cv2
import numpy as np

from ..errors import ImageError
from ..photos.pipeline import prepare
from ..photos.reading import Prediction, classify

PAD = 280  # the pad's side in pixels: ten times MNIST's
PEN = 18  # the stroke's width in pixels of the pad: a marker, about what a mouse draws comfortably
SEVEN = [[(70, 62), (210, 58), (205, 75), (150, 160), (118, 235)], [(115, 150), (185, 145)]]  # shown until you draw


@dataclass
class Drawing:
    """Strokes on a square pad: each stroke the points the pointer passed, in pad pixels."""

    strokes: list[list[tuple[float, float]]] = field(default_factory=list)
    size: int = PAD
    width: float = PEN

    def image(self) -> np.ndarray:
        """The drawing as MNIST's digits are: white ink on black, round-ended strokes, anti-aliased."""
        picture = np.zeros((self.size, self.size), np.uint8)
        thickness = max(1, round(self.width))
        for stroke in self.strokes:
            points = np.round(np.asarray(stroke, np.float64) * 16).astype(np.int32)  # 4 bits of sub-pixel position
            if len(points) == 1:
                cv2.circle(picture, tuple(points[0]), max(1, thickness // 2) * 16, 255, -1, cv2.LINE_AA, shift=4)
            else:
                cv2.polylines(picture, [points], False, 255, thickness, cv2.LINE_AA, shift=4)
                for end in (points[0], points[-1]):  # round ends, as a pen leaves
                    cv2.circle(picture, tuple(end), max(1, thickness // 2) * 16, 255, -1, cv2.LINE_AA, shift=4)
        return picture


def read_drawing(model, drawing: Drawing, normalization: dict | None = None) -> Prediction | None:
    """The model's reading of a drawing, prepared as a photo is; None while the pad is empty."""
    if not drawing.strokes:
        return None
    try:
        prepared = prepare(drawing.image(), polarity="light-on-dark", name="your drawing", **(normalization or {}))
    except ImageError:  # a dot too small to be ink
        return None
    return classify(model, [prepared])[0]


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
        self.pen_down = True
        self.drawing.strokes.append([(x, y)])
        self.canvas.fill_style = "white"
        self.canvas.fill_circle(x, y, self.drawing.width / 2)

    def extend(self, x: float, y: float) -> None:
        if not self.pen_down:
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
        self.drawing.strokes.clear()
        self.redraw()
        self.update()

    def undo(self) -> None:
        if self.drawing.strokes:
            self.drawing.strokes.pop()
        self.redraw()
        self.update()

    def redraw(self) -> None:
        """The canvas from the strokes: black, white ink."""
        with self._hold():
            self.canvas.fill_style = "black"
            self.canvas.fill_rect(0, 0, self.drawing.size, self.drawing.size)
            self.canvas.stroke_style, self.canvas.fill_style = "white", "white"
            self.canvas.line_width, self.canvas.line_cap = self.drawing.width, "round"
            for stroke in self.drawing.strokes:
                if len(stroke) == 1:
                    self.canvas.fill_circle(*stroke[0], self.drawing.width / 2)
                else:
                    self.canvas.stroke_lines(stroke)

    def _hold(self):
        from ipycanvas import hold_canvas

        return hold_canvas(self.canvas)

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
