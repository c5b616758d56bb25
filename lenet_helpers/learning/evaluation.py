"""Predictions over a loader and the numbers that judge them."""

from collections.abc import Iterable

import torch
from torch import nn


@torch.no_grad()
def predict(
    model: nn.Module, loader: Iterable, device: torch.device | str = "cpu"
) -> tuple[torch.Tensor, torch.Tensor]:
    """Logits (N, 10) and labels (N,) for every example of a loader, on the CPU."""
    model.eval()
    all_logits, all_labels = [], []
    for x, y in loader:
        all_logits.append(model(x.to(device)).float().cpu())
        all_labels.append(y.cpu())
    return torch.cat(all_logits), torch.cat(all_labels)


def accuracy(logits: torch.Tensor, labels: torch.Tensor) -> float:
    """Fraction of examples whose highest logit is the true label."""
    return (logits.argmax(dim=1) == labels).double().mean().item()


def confusion_matrix(logits: torch.Tensor, labels: torch.Tensor, num_classes: int = 10) -> torch.Tensor:
    """Counts (true digit, predicted digit) as a (10, 10) integer matrix."""
    pairs = labels * num_classes + logits.argmax(dim=1)
    return torch.bincount(pairs, minlength=num_classes**2).reshape(num_classes, num_classes)


def per_class_accuracy(logits: torch.Tensor, labels: torch.Tensor, num_classes: int = 10) -> list[float]:
    """Accuracy on the examples of each true digit 0..9 (recall per class)."""
    matrix = confusion_matrix(logits, labels, num_classes)
    totals = matrix.sum(dim=1).clamp(min=1)
    return (matrix.diag().float() / totals).tolist()


def most_confused(matrix: torch.Tensor, top: int = 5) -> list[tuple[int, int, int]]:
    """The off-diagonal cells with the most mistakes: (true, predicted, count)."""
    off_diagonal = matrix.clone()
    off_diagonal.fill_diagonal_(0)
    counts, flat = off_diagonal.flatten().topk(top)
    size = matrix.shape[0]
    return [(int(i) // size, int(i) % size, int(c)) for c, i in zip(counts, flat, strict=True) if c > 0]


def report(logits: torch.Tensor, labels: torch.Tensor) -> dict:
    """The `lenet evaluate --json` object: accuracy, per-class accuracy and n."""
    return {
        "accuracy": accuracy(logits, labels),
        "per_class": per_class_accuracy(logits, labels),
        "n": len(labels),
    }
