"""What the lessons show and check: figures, widgets, and the exercises' self-checks.

These only display and check; the work is done in `learning` and `photos`. Lessons import from
here: `from lenet_helpers.lessons import check, plot_history`. Importing it sizes PyTorch's threads
to the CPUs the kernel may use (`size_threads`): on a shared server a lesson's kernel takes its
share, not every core of the machine.
"""

from ..learning.device import size_threads
from .drawing import SEVEN, Drawing, drawing_pad
from .exercises import check, verify
from .plotting import (
    plot_class_counts,
    plot_confusion_matrix,
    plot_doubt,
    plot_feature_map_sizes,
    plot_history,
    plot_learning_rates,
    plot_per_class,
    plot_probabilities,
    plot_results,
    show_digits,
    show_maps,
    show_preparation,
)
from .quick import quick_run
from .widgets import display_reader

size_threads()

__all__ = [
    "SEVEN", "Drawing", "check", "display_reader", "drawing_pad", "plot_class_counts", "plot_confusion_matrix",
    "plot_doubt", "plot_feature_map_sizes", "plot_history", "plot_learning_rates", "plot_per_class",
    "plot_probabilities", "plot_results", "quick_run", "show_digits", "show_maps", "show_preparation", "verify",
]
