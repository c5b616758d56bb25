"""The photo pipeline: a photo, scan or drawing of a handwritten digit -> what the model reads.

decode (read any image) -> clean it (sheet, polarity, background, threshold, lines, pieces,
printed_text) -> MNIST's own recipe (mnist_style, with stroke) -> reading (the model's answer and
its doubts). `pipeline.prepare` runs the steps and keeps each one, for lesson 05 to show;
`Steps` switches them on and off, and `Tuning` holds every number they use.
Lessons import from here: `from lenet_helpers.photos import prepare, read_digit`.
"""

from .decode import IMAGE_SUFFIXES, Source, image_files, read_image
from .mnist_style import center_by_mass, fit_digit, to_tensor
from .pipeline import POLARITIES, Prepared, Steps, naive_prepare, prepare, prepare_number
from .reading import Prediction, classify, probabilities, read_digit, read_number
from .tuning import Tuning

__all__ = [
    "IMAGE_SUFFIXES", "POLARITIES", "Prediction", "Prepared", "Source", "Steps", "Tuning", "center_by_mass",
    "classify", "fit_digit", "image_files", "naive_prepare", "prepare", "prepare_number", "probabilities",
    "read_digit", "read_image", "read_number", "to_tensor",
]
