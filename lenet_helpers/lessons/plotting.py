"""Figures for the lessons, readable on a projector. Each returns its matplotlib Figure."""

from collections.abc import Sequence
from contextlib import contextmanager

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import torch

from ..photos.reading import classify

# One colour per split everywhere in the course
COLORS = {"train": "#1f77b4", "val": "#ff7f0e", "test": "#2ca02c", "wrong": "#d62728"}
PROJECTOR = {"font.size": 13, "axes.titlesize": 15, "axes.labelsize": 13, "figure.dpi": 90,
             "axes.spines.top": False, "axes.spines.right": False}


@contextmanager
def _projector():
    """Large fonts for the figures made inside; only these settings are put back afterwards.

    (plt.rc_context would put back every setting, including the "interactive" flag that
    Jupyter turns on when the first figure is made, and later figures would not show.)
    """
    saved = {key: mpl.rcParams[key] for key in PROJECTOR}
    mpl.rcParams.update(PROJECTOR)
    try:
        yield
    finally:
        mpl.rcParams.update(saved)


def _as_image(x) -> np.ndarray:
    x = x.detach().cpu().numpy() if isinstance(x, torch.Tensor) else np.asarray(x)
    return x.reshape(x.shape[-2], x.shape[-1])


def show_digits(images, labels=None, predictions=None, confidences=None, ncols: int = 10, title: str = ""):
    """A grid of digits with their label (and prediction, red when wrong)."""
    n = len(images)
    nrows = (n + ncols - 1) // ncols
    with _projector():
        fig, axes = plt.subplots(nrows, ncols, figsize=(1.3 * ncols, 1.55 * nrows), squeeze=False)
        for i, ax in enumerate(axes.flat):
            ax.axis("off")
            if i >= n:
                continue
            ax.imshow(_as_image(images[i]), cmap="gray")
            text, color = "", "black"
            if labels is not None:
                text = f"{int(labels[i])}"
            if predictions is not None:
                text = f"pred {int(predictions[i])}"
                if labels is not None:
                    text = f"true {int(labels[i])}\n{text}"
                if confidences is not None:
                    text += f" {float(confidences[i]):.0%}"
                if labels is not None and int(labels[i]) != int(predictions[i]):
                    color = COLORS["wrong"]
            ax.set_title(text, fontsize=11, color=color)
        if title:
            fig.suptitle(title)
        fig.tight_layout()
    return fig


def plot_class_counts(train_labels, test_labels):
    """Bar chart of how many images each digit has in the training and the test split."""
    train = torch.bincount(torch.as_tensor(train_labels), minlength=10).numpy()
    test = torch.bincount(torch.as_tensor(test_labels), minlength=10).numpy()
    with _projector():
        fig, ax = plt.subplots(figsize=(9, 4))
        digits = np.arange(10)
        ax.bar(digits - 0.2, train, 0.4, label=f"train ({train.sum():,})", color=COLORS["train"])
        ax.bar(digits + 0.2, test, 0.4, label=f"test ({test.sum():,})", color=COLORS["test"])
        ax.set(xticks=digits, xlabel="digit", ylabel="number of images", title="Images per digit")
        ax.legend()
        fig.tight_layout()
    return fig


def plot_history(history):
    """Loss and accuracy per epoch for train and validation, best epoch marked."""
    epochs = np.arange(1, len(history.train_loss) + 1)
    with _projector():
        fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4))
        left.plot(epochs, history.train_loss, "o-", color=COLORS["train"], label="train")
        left.plot(epochs, history.val_loss, "o-", color=COLORS["val"], label="validation")
        left.set(xlabel="epoch", ylabel="cross-entropy loss", title="Loss")
        right.plot(epochs, 100 * np.array(history.train_acc), "o-", color=COLORS["train"], label="train")
        right.plot(epochs, 100 * np.array(history.val_acc), "o-", color=COLORS["val"], label="validation")
        if history.best_epoch:
            right.axvline(history.best_epoch, color="gray", linestyle=":", label=f"best epoch ({history.best_epoch})")
        right.set(xlabel="epoch", ylabel="accuracy (%)", title="Accuracy")
        for ax in (left, right):
            ax.set_xticks(epochs)
            ax.legend()
        fig.tight_layout()
    return fig


def plot_learning_rates(rates: Sequence[float], steps_per_epoch: int):
    """The learning rate at every step, against epochs."""
    with _projector():
        fig, ax = plt.subplots(figsize=(7, 3))
        ax.plot(np.arange(len(rates)) / steps_per_epoch, rates, color=COLORS["train"])
        ax.set(xlabel="epoch", ylabel="learning rate", title="The learning rate, step by step")
        fig.tight_layout()
    return fig


def plot_confusion_matrix(matrix):
    """The 10x10 confusion matrix with counts; the diagonal (right answers) is dimmed."""
    matrix = torch.as_tensor(matrix).numpy()
    errors = matrix.copy()
    np.fill_diagonal(errors, 0)
    with _projector():
        fig, ax = plt.subplots(figsize=(7.5, 6.5))
        image = ax.imshow(errors, cmap="Reds")
        for (i, j), count in np.ndenumerate(matrix):
            if count:
                ax.text(j, i, str(count), ha="center", va="center", fontsize=10,
                        color="gray" if i == j else ("white" if count > errors.max() / 2 else "black"))
        ax.set(xticks=range(10), yticks=range(10), xlabel="predicted digit", ylabel="true digit",
               title="Confusion matrix (colour = mistakes)")
        fig.colorbar(image, ax=ax, label="mistakes")
        fig.tight_layout()
    return fig


def plot_per_class(per_class: Sequence[float]):
    """Accuracy per digit as bars, zoomed on the top of the scale."""
    values = 100 * np.array(per_class)
    with _projector():
        fig, ax = plt.subplots(figsize=(9, 4))
        ax.bar(range(10), values, color=COLORS["test"])
        for digit, value in enumerate(values):
            ax.text(digit, value + 0.05, f"{value:.2f}", ha="center", fontsize=9)  # ties stay told apart
        ax.set(xticks=range(10), ylim=(max(90, values.min() - 1), 100.5), xlabel="digit",
               ylabel="test accuracy (%)", title="Accuracy per digit")
        fig.tight_layout()
    return fig


def show_maps(maps, title: str, ncols: int = 8, cmap: str = "viridis"):
    """Feature maps or filters (C, H, W) as a grid of small images.

    With a diverging colour map (such as "RdBu_r"), each image's limits are symmetric around
    zero, so the middle colour is zero: positive and negative weights read at a glance.
    """
    maps = maps.detach().cpu() if isinstance(maps, torch.Tensor) else torch.as_tensor(maps)
    diverging = cmap.removesuffix("_r") in ("RdBu", "bwr", "coolwarm", "seismic", "PiYG", "PRGn", "RdYlBu")
    maps = maps.reshape(-1, maps.shape[-2], maps.shape[-1])
    ncols = min(ncols, len(maps))
    nrows = (len(maps) + ncols - 1) // ncols
    with _projector():
        fig, axes = plt.subplots(nrows, ncols, figsize=(1.6 * ncols, 1.7 * nrows + 0.6), squeeze=False)
        for i, ax in enumerate(axes.flat):
            ax.axis("off")
            if i < len(maps):
                limit = float(maps[i].abs().max()) or 1.0
                ax.imshow(maps[i].numpy(), cmap=cmap, **({"vmin": -limit, "vmax": limit} if diverging else {}))
                ax.set_title(str(i), fontsize=10)
        fig.suptitle(title)
        fig.tight_layout()
    return fig


def plot_feature_map_sizes(table):
    """The architecture as boxes: each layer's output, drawn to scale by its number of values."""
    rows = [r for r in table if r.layer in ("Conv2d", "MaxPool2d", "AvgPool2d", "Linear", "ZeroPad2d")]
    with _projector():
        fig, ax = plt.subplots(figsize=(13, 3.8))
        for i, row in enumerate(rows):
            size = int(np.prod(row.output_shape[1:]))
            height = 0.4 + 2.6 * np.sqrt(size / 4704)
            color = {"Conv2d": "#4c72b0", "Linear": "#dd8452"}.get(row.layer, "#8c8c8c")
            ax.add_patch(plt.Rectangle((i * 1.5, -height / 2), 1.1, height, color=color, alpha=0.85))
            shape = "x".join(str(s) for s in row.output_shape[1:])
            ax.text(i * 1.5 + 0.55, height / 2 + 0.12, f"{row.layer}\n{shape}", ha="center", va="bottom", fontsize=10)
            ax.text(i * 1.5 + 0.55, -height / 2 - 0.15, f"{row.parameters:,} p", ha="center", va="top", fontsize=9)
        ax.set(xlim=(-0.3, len(rows) * 1.5), ylim=(-2.2, 2.6), title="LeNet-5: output size of each layer "
               "(box area ~ number of values; p = parameters)")
        ax.axis("off")
        fig.tight_layout()
    return fig


def plot_probabilities(probabilities: Sequence[float], ax=None, title: str = ""):
    """Bars of the ten class probabilities, the winner highlighted."""
    probabilities = np.asarray(probabilities)
    with _projector():
        if ax is None:
            fig, ax = plt.subplots(figsize=(5, 3))
        colors = [COLORS["test"] if i == probabilities.argmax() else "#b0b0b0" for i in range(10)]
        ax.bar(range(10), probabilities, color=colors)
        ax.set(xticks=range(10), ylim=(0, 1), xlabel="digit", ylabel="probability", title=title)
    return ax.figure


def show_preparation(prepared, model=None):
    """Each step from photo to model input, side by side, for one or more images."""
    prepared = prepared if isinstance(prepared, (list, tuple)) else [prepared]
    steps = [("original", lambda p: p.original, None), ("gray", lambda p: p.gray, "gray"),
             ("ink, light removed", lambda p: p.ink, "gray"), ("digit kept", lambda p: p.mask, "gray"),
             ("fitted 20x20", lambda p: p.digit, "gray"), ("28x28, centred", lambda p: p.pixels, "gray")]
    columns = len(steps) + (model is not None)
    with _projector():
        fig, axes = plt.subplots(len(prepared), columns, figsize=(2.3 * columns, 2.4 * len(prepared)), squeeze=False)
        for row, p in zip(axes, prepared, strict=True):
            for ax, (name, get, cmap) in zip(row, steps, strict=False):
                ax.imshow(get(p), cmap=cmap)
                ax.set_title(name, fontsize=11)
                ax.axis("off")
            row[0].set_title(p.name.split("/")[-1][:24], fontsize=10)
            if model is not None:
                prediction = classify(model, [p])[0]
                plot_probabilities(prediction.probabilities, row[-1], f"reads {prediction.digit}")
        fig.tight_layout()
    return fig


def plot_results(results: Sequence[dict]):
    """Validation accuracy (what a recipe is chosen on) against training time for the runs of lesson 06.

    The test accuracy is not drawn: it is looked at once, in the table, after the choice.
    """
    with _projector():
        fig, ax = plt.subplots(figsize=(9, 5))
        for r in results:
            ax.plot(r["seconds"], 100 * r["val_acc"], "o", color=COLORS["val"])
            ax.annotate(r["name"], (r["seconds"], 100 * r["val_acc"]), textcoords="offset points",
                        xytext=(6, 6), fontsize=11)
        ax.set(xlabel="training time on 2 CPU cores (s)", ylabel="validation accuracy (%)",
               title="What each change buys, on the validation images")
        fig.tight_layout()
    return fig


def plot_doubt(report: dict):
    """How often a reading is wrong when the model is sure: risk against coverage, for each set of images."""
    with _projector():
        fig, ax = plt.subplots(figsize=(9, 5))
        for (name, summary), colour in zip(report["sets"].items(), (COLORS["val"], COLORS["train"]), strict=False):
            rows, accuracy = report["curves"][name], summary["accuracy"]
            trusted = [100 * ((1 - r["right_warned"]) * accuracy + (1 - r["wrong_warned"]) * (1 - accuracy))
                       for r in rows]
            ax.plot(trusted, [100 * r["wrong_when_sure"] for r in rows], "o-", markersize=3, color=colour,
                    label=f"{name}: {summary['images']:,}")
            chosen = summary["at_threshold"]
            at = 100 * ((1 - chosen["right_warned"]) * accuracy + (1 - chosen["wrong_warned"]) * (1 - accuracy))
            ax.plot([at], [100 * chosen["wrong_when_sure"]], "s", markersize=10, color=colour)
        ax.set(xlabel="readings given without a warning (%)", ylabel="wrong among them (%)",
               title=f"How often is the model wrong when it is sure? (square: warning below {report['threshold']:.0%})")
        ax.legend()
        fig.tight_layout()
    return fig
