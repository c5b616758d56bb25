import matplotlib

matplotlib.use("Agg")

import matplotlib as mpl  # noqa: E402
import torch  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from lenet_helpers.learning.model import LeNet5, layer_table  # noqa: E402
from lenet_helpers.learning.training import History  # noqa: E402
from lenet_helpers.lessons.plotting import (  # noqa: E402
    PROJECTOR,
    plot_class_counts,
    plot_confusion_matrix,
    plot_feature_map_sizes,
    plot_history,
    plot_learning_rates,
    plot_per_class,
    plot_probabilities,
    plot_results,
    show_digits,
    show_maps,
)


def test_every_figure_has_titles_and_labels_and_leaves_settings_alone():
    before = dict(mpl.rcParams)
    history = History([0.5, 0.2], [0.9, 0.95], [0.3, 0.2], [0.92, 0.96], [1.0, 1.1], best_epoch=2)
    matrix = torch.eye(10, dtype=torch.long) * 90
    matrix[7, 2] = 5
    figures = [
        show_digits(torch.zeros(3, 28, 28), [1, 2, 3], [1, 2, 4], [0.9, 0.8, 0.7], title="digits"),
        plot_class_counts(torch.arange(10), torch.arange(10)),
        plot_history(history),
        plot_confusion_matrix(matrix),
        plot_per_class([0.99] * 10),
        show_maps(torch.randn(6, 5, 5), "filters"),
        plot_feature_map_sizes(layer_table(LeNet5())),
        plot_probabilities([0.1] * 10, title="p"),
        plot_results([{"name": "a", "seconds": 10, "val_acc": 0.99, "test_acc": 0.99, "test_acc_std": 0.001}]),
        plot_learning_rates([0.001, 0.01, 0.005, 0.0001], steps_per_epoch=2),
    ]
    for fig in figures:
        assert isinstance(fig, Figure)
        titles = [ax.get_title() for ax in fig.axes] + [fig._suptitle.get_text() if fig._suptitle else ""]
        assert any(titles)
    accuracy_axes = figures[2].axes[1]
    assert accuracy_axes.get_xlabel() == "epoch" and "accuracy" in accuracy_axes.get_ylabel()
    assert figures[0].axes[2].get_title().startswith("true 3") and figures[0].axes[2].title.get_color() != "black"
    assert dict(mpl.rcParams) == before  # the projector style does not leak, nor resets other settings
    assert all(key in before for key in PROJECTOR)


def test_diverging_maps_put_zero_in_the_middle_colour():
    fig = show_maps(torch.tensor([[[0.0, 1.0], [0.2, 0.5]]]), "filters", cmap="RdBu_r")
    assert fig.axes[0].images[0].get_clim() == (-1.0, 1.0)
