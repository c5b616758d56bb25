"""LeNet-5 networks and a table of their layer shapes."""

from dataclasses import dataclass

import torch
from torch import nn

from ..errors import LenetError


class LeNet5(nn.Module):
    """Modern LeNet-5: ReLU and max-pooling, returns logits for 10 digits (61,706 parameters)."""

    def __init__(self, num_classes: int = 10) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 6, kernel_size=5, padding=2),  # padding=2: 28x28 behaves like 32x32
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(6, 16, kernel_size=5),
            nn.ReLU(),
            nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(16 * 5 * 5, 120),
            nn.ReLU(),
            nn.Linear(120, 84),
            nn.ReLU(),
            nn.Linear(84, num_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.features(x)  # (N, 1, 28, 28) -> (N, 16, 5, 5)
        return self.classifier(x)  # (N, 10) logits: softmax only to show probabilities


class ScaledTanh(nn.Module):
    """LeCun's squashing function 1.7159 * tanh(2/3 x) from the 1998 paper."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return 1.7159 * torch.tanh(x * (2.0 / 3.0))


class LeNet5Classic(nn.Module):
    """LeNet-5 as in LeCun et al. 1998: scaled tanh, average-pool subsampling, 32x32 input.

    Two simplifications, both usual in re-implementations: C3 connects to all six S2 maps
    (the paper used a sparse table) and the output is a linear layer, not RBF units.
    It has the same 61,706 parameters as the modern variant.
    """

    def __init__(self, num_classes: int = 10) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.ZeroPad2d(2),  # 28x28 MNIST -> the paper's 32x32 field
            nn.Conv2d(1, 6, kernel_size=5),  # C1
            ScaledTanh(),
            nn.AvgPool2d(2),  # S2
            nn.Conv2d(6, 16, kernel_size=5),  # C3
            ScaledTanh(),
            nn.AvgPool2d(2),  # S4
            nn.Conv2d(16, 120, kernel_size=5),  # C5
            ScaledTanh(),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(120, 84),  # F6
            ScaledTanh(),
            nn.Linear(84, num_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.features(x)  # (N, 1, 28, 28) -> (N, 120, 1, 1)
        return self.classifier(x)  # (N, 10) logits


ARCHITECTURES = {"lenet5": LeNet5, "lenet5-classic": LeNet5Classic}


def build_model(architecture: str = "lenet5") -> nn.Module:
    """Make a fresh network by its name: 'lenet5' (modern) or 'lenet5-classic' (1998)."""
    if architecture not in ARCHITECTURES:
        names = ", ".join(ARCHITECTURES)
        raise LenetError(f"Unknown architecture {architecture!r}; choose one of: {names}.")
    return ARCHITECTURES[architecture]()


def architecture_name(model: nn.Module) -> str:
    """The registry name of a model instance, e.g. 'lenet5'."""
    for name, cls in ARCHITECTURES.items():
        if type(model) is cls:
            return name
    raise LenetError(f"{type(model).__name__} is not one of the course's architectures.")


def count_parameters(model: nn.Module) -> int:
    """Number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


@dataclass
class LayerRow:
    """One line of the layer table."""

    name: str
    layer: str
    output_shape: tuple[int, ...]
    parameters: int


class LayerTable(list):
    """Rows of (name, layer, output shape, parameters); prints as an aligned table."""

    def __str__(self) -> str:
        lines = [f"{'name':<14}{'layer':<12}{'output shape':<20}{'parameters':>10}"]
        for row in self:
            shape = "(" + ", ".join(str(s) for s in row.output_shape) + ")"
            lines.append(f"{row.name:<14}{row.layer:<12}{shape:<20}{row.parameters:>10,}")
        total = sum(row.parameters for row in self)
        lines.append(f"{'total':<46}{total:>10,}")
        return "\n".join(lines)


def layer_table(model: nn.Module, input_shape: tuple[int, ...] = (1, 1, 28, 28)) -> LayerTable:
    """Run one dummy batch through the model and record every layer's output shape."""
    table = LayerTable()
    hooks = []
    for name, module in model.named_modules():
        if len(list(module.children())) > 0:
            continue  # containers: their children are listed instead

        def record(module, inputs, output, name=name):
            params = sum(p.numel() for p in module.parameters())
            table.append(LayerRow(name, type(module).__name__, tuple(output.shape), params))

        hooks.append(module.register_forward_hook(record))
    device = next(model.parameters()).device
    try:
        with torch.no_grad():
            model(torch.zeros(input_shape, device=device))
    finally:
        for hook in hooks:
            hook.remove()
    return table
