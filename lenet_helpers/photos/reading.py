"""Reading own images with a trained model: one digit, many files, or a whole number."""

from dataclasses import dataclass

import torch
from torch import nn

from ..learning.calibration import temperature_of
from .pipeline import Prepared, Source, prepare, prepare_number

# A calibrated top probability under this is reported as doubtful: chosen by benchmarks/doubt.py on the
# handwriting benchmark's photos and on drawn digits, the highest that warns about at most 10 % of the
# right readings on both (what it then catches of the wrong ones: benchmarks/results/doubt.json).
UNSURE_BELOW = 0.985


@dataclass
class Prediction:
    """The model's answer for one prepared digit."""

    digit: int
    confidence: float
    probabilities: list[float]
    prepared: Prepared
    warnings: list[str]  # why the reading may be doubtful; empty when it looks sound

    @property
    def warning(self) -> str | None:
        """The doubts in one sentence, or None."""
        if not self.warnings:
            return None
        text = "; ".join(self.warnings)
        return text[0].upper() + text[1:] + "."


@torch.no_grad()
def probabilities(model: nn.Module, batch: torch.Tensor) -> torch.Tensor:
    """Softmax of the model's logits for a batch (N, 1, 28, 28), calibrated by its checkpoint's temperature."""
    model.eval()
    device = next(model.parameters()).device
    return torch.softmax(model(batch.to(device)) / temperature_of(model), dim=1).cpu()


def classify(model: nn.Module, prepared: list[Prepared]) -> list[Prediction]:
    """Predictions for prepared digits, in one batch."""
    if not prepared:
        return []
    probs = probabilities(model, torch.cat([p.tensor for p in prepared]))
    return [
        Prediction(int(row.argmax()), float(row.max()), [round(float(v), 6) for v in row], p,
                   p.warnings + unsure(row))
        for row, p in zip(probs, prepared, strict=True)
    ]


def unsure(row: torch.Tensor, least: float = UNSURE_BELOW) -> list[str]:
    """A doubt when the model is not sure enough: its highest (calibrated) probability is under `least`."""
    top2 = row.topk(2)
    if float(top2.values[0]) >= least:
        return []
    (first, second), (p1, p2) = top2.indices.tolist(), top2.values.tolist()
    return [f"the model is not sure enough ({first}: {p1:.0%}, {second}: {p2:.0%})"]


def read_digit(model: nn.Module, source: Source, normalization: dict | None = None,
               polarity: str = "auto") -> Prediction:
    """Prepare one image like MNIST and classify it."""
    norm = normalization or {}
    return classify(model, [prepare(source, polarity, **norm)])[0]


def read_number(model: nn.Module, source: Source, normalization: dict | None = None,
                polarity: str = "auto") -> tuple[str, list[Prediction]]:
    """Read a row of handwritten digits left to right, e.g. ('2025', [4 predictions])."""
    norm = normalization or {}
    predictions = classify(model, prepare_number(source, polarity, **norm))
    return "".join(str(p.digit) for p in predictions), predictions
