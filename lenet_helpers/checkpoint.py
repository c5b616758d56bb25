"""Save and load checkpoints: weights plus what is needed to use them again."""

import os
import pickle
import tempfile
from dataclasses import asdict, is_dataclass
from importlib import resources
from pathlib import Path

import torch
from torch import nn

from . import __version__
from .data import MNIST_MEAN, MNIST_STD
from .errors import CheckpointError
from .model import ARCHITECTURES, architecture_name, build_model

FORMAT = "lenet-helpers-checkpoint"
BUNDLED_WEIGHTS = "lenet5_mnist.pt"


def bundled_weights_path() -> Path:
    """The pretrained weights shipped inside the package."""
    return Path(str(resources.files("lenet_helpers") / "weights" / BUNDLED_WEIGHTS))


def save_checkpoint(
    path: str | os.PathLike,
    model: nn.Module,
    config=None,
    metrics: dict | None = None,
    mean: float = MNIST_MEAN,
    std: float = MNIST_STD,
) -> Path:
    """Write weights and metadata atomically: a half-written file never replaces a good one."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    device = next(model.parameters()).device
    checkpoint = {
        "format": FORMAT,
        "architecture": architecture_name(model),
        "state_dict": {k: v.detach().cpu() for k, v in model.state_dict().items()},
        "normalization": {"mean": float(mean), "std": float(std)},
        "config": asdict(config) if is_dataclass(config) else dict(config or {}),
        "metrics": dict(metrics or {}),
        "trained_on": str(device),
        "library_version": __version__,
        "torch_version": str(torch.__version__),
    }
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            torch.save(checkpoint, file)
        os.chmod(temporary, 0o644)  # mkstemp makes the file private; a checkpoint is not
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def read_checkpoint(path: str | os.PathLike) -> dict:
    """Load a checkpoint file safely (no code runs) and check it is one of ours."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"There is no checkpoint file at {path}; check the path or train first.")
    try:
        loaded = torch.load(path, map_location="cpu", weights_only=True)
    except pickle.UnpicklingError as error:
        if "global" in str(error).lower():  # it names a function or class to call
            raise CheckpointError(
                f"{path} holds code or objects other than plain weights, so it was refused and nothing "
                "in it ran; use a checkpoint saved by lenet train."
            ) from None
        raise CheckpointError(
            f"{path} is damaged or not a PyTorch checkpoint (nothing in it ran); "
            "train again or use the bundled weights."
        ) from None
    except Exception:
        raise CheckpointError(
            f"{path} is damaged or not a PyTorch checkpoint; train again or use the bundled weights."
        ) from None
    if isinstance(loaded, dict) and loaded.get("format") == FORMAT:
        return loaded
    if isinstance(loaded, dict) and loaded and all(isinstance(v, torch.Tensor) for v in loaded.values()):
        # a bare state_dict (what model.state_dict() gives): accept it if a LeNet fits it
        for name in ARCHITECTURES:
            if set(build_model(name).state_dict()) == set(loaded):
                return {"format": FORMAT, "architecture": name, "state_dict": loaded,
                        "normalization": {"mean": MNIST_MEAN, "std": MNIST_STD},
                        "config": {}, "metrics": {}}
    raise CheckpointError(
        f"{path} is a PyTorch file but not a LeNet-5 checkpoint of this course; "
        "use one saved by lenet train or the bundled weights."
    )


def load_model(
    path: str | os.PathLike | None = None, device: torch.device | str = "cpu"
) -> tuple[nn.Module, dict]:
    """The model in eval mode on `device` and its checkpoint metadata; bundled weights if no path."""
    path = Path(path) if path is not None else bundled_weights_path()
    checkpoint = read_checkpoint(path)
    if checkpoint.get("architecture") not in ARCHITECTURES:
        raise CheckpointError(
            f"{path} was saved for architecture {checkpoint.get('architecture')!r}, "
            "which this version does not know; use a checkpoint saved by lenet train."
        )
    model = build_model(checkpoint["architecture"])
    try:
        model.load_state_dict(checkpoint["state_dict"])
    except (RuntimeError, TypeError, KeyError):
        raise CheckpointError(
            f"{path} does not fit the {checkpoint['architecture']} network (different layers "
            "or shapes); use a checkpoint saved by lenet train."
        ) from None
    model.to(device).eval()
    info = {k: v for k, v in checkpoint.items() if k != "state_dict"}
    info["path"] = str(path)
    return model, info
