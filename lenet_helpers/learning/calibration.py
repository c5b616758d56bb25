"""Temperature scaling: probabilities that mean what they say.

A network trained to be right is often too sure of itself: its top probability says 99 % where it
is right 95 % of the time. Dividing the logits by one number, the temperature, fitted on the
validation images (never the test ones), fixes that without changing any answer (Guo et al.,
2017, "On calibration of modern neural networks"). The doubt a reading carries is decided on
these calibrated probabilities.
"""

import math

import torch
import torch.nn.functional as F


def fit_temperature(logits: torch.Tensor, labels: torch.Tensor, low: float = 0.05, high: float = 20.0) -> float:
    """The temperature that minimises the cross-entropy of logits / T on held-out images (a golden-section search).

    The loss is smooth and has one minimum in log T, so 60 narrowings of [low, high] find it
    to far better than the three decimals it is kept to.
    """
    logits, labels = logits.detach().float().cpu(), labels.detach().cpu()

    def loss(log_t: float) -> float:
        return F.cross_entropy(logits / math.exp(log_t), labels).item()

    a, b = math.log(low), math.log(high)
    golden = (math.sqrt(5) - 1) / 2
    c, d = b - golden * (b - a), a + golden * (b - a)
    for _ in range(60):
        if loss(c) < loss(d):
            b, d = d, c
            c = b - golden * (b - a)
        else:
            a, c = c, d
            d = a + golden * (b - a)
    return round(math.exp((a + b) / 2), 3)


def temperature_of(model: torch.nn.Module) -> float:
    """The temperature a loaded model's checkpoint carries (1: none fitted)."""
    return float(getattr(model, "temperature", 1.0))
