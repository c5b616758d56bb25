"""A small upload-and-read widget for lesson 05 (ipywidgets)."""

from pathlib import Path

import ipywidgets as widgets
import matplotlib.pyplot as plt
from IPython.display import display

from ..errors import LenetError
from ..photos.pipeline import POLARITIES, prepare
from ..photos.reading import classify
from .plotting import show_preparation


def read_upload(upload: widgets.FileUpload) -> tuple[str, bytes] | None:
    """(name, bytes) of the newest uploaded file, or None (works with ipywidgets 7 and 8)."""
    value = upload.value
    if not value:
        return None
    item = value[-1] if isinstance(value, (tuple, list)) else list(value.values())[-1]
    name = item.get("name") or item.get("metadata", {}).get("name", "upload")
    return name, bytes(item["content"])


def digit_reader(model, normalization: dict, sample: str | Path) -> widgets.VBox:
    """Upload a photo, choose the polarity, see each preparation step and the model's answer.

    Shows the sample image until a file is uploaded, so the cell also has something to show
    where no browser is attached (a CI run, a notebook converted to HTML).
    """
    upload = widgets.FileUpload(accept="image/*", multiple=False, description="Upload a digit")
    polarity = widgets.Dropdown(options=list(POLARITIES), value="auto",
                                description="Ink")
    output = widgets.Output()

    def show(*_):
        uploaded = read_upload(upload)
        name, source = (uploaded if uploaded else (str(sample), Path(sample)))
        with output:
            output.clear_output(wait=True)
            try:
                prepared = prepare(source, polarity.value, name=name, **normalization)
            except LenetError as error:
                print(error)
                return
            prediction = classify(model, [prepared])[0]
            print(f"{Path(name).name}: the model reads {prediction.digit} ({prediction.confidence:.1%} sure)")
            if prediction.warning:
                print(f"Doubtful: {prediction.warning}")
            show_preparation(prepared, model)
            plt.show()

    upload.observe(show, names="value")
    polarity.observe(show, names="value")
    show()
    return widgets.VBox([widgets.HBox([upload, polarity]), output])


def display_reader(model, normalization: dict, sample: str | Path) -> None:
    """Display the digit reader in a notebook."""
    display(digit_reader(model, normalization, sample))
