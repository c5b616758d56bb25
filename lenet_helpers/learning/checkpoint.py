"""Save and load checkpoints: weights plus what is needed to use them again."""

import errno
import hashlib
import math
import os
import pickle
import warnings
from dataclasses import asdict, is_dataclass
from importlib import resources
from pathlib import Path

import torch
from torch import nn

from .. import __version__
from ..errors import CheckpointError
from ..files import probe_folder, write_atomically
from ..paths import default_checkpoint
from .data import MNIST_MEAN, MNIST_STD
from .model import ARCHITECTURES, architecture_name, build_model

FORMAT = "lenet-helpers-checkpoint"
BUNDLED_WEIGHTS = "lenet5_mnist.pt"
BUNDLED_SHA256 = "30dfbc1f713514cf7e79019f88777e619baedf243a0724f7ce533f60d0a5b273"  # checked on every load


def bundled_weights_path() -> Path:
    """The pretrained weights shipped inside the package."""
    return Path(str(resources.files("lenet_helpers.learning") / "weights" / BUNDLED_WEIGHTS))


def default_weights() -> Path:
    """The model used when none is named: the one you trained (runs/lenet5.pt) if any, else the bundled."""
    trained = default_checkpoint()
    return trained if trained.is_file() else bundled_weights_path()


def is_bundled(info: dict) -> bool:
    """Whether a loaded checkpoint's metadata (load_model's info) is the bundled weights'."""
    return "path" in info and Path(info["path"]).resolve() == bundled_weights_path().resolve()


def describe(info: dict) -> str:
    """One line on what a loaded checkpoint is: where from, how long trained, how well it did."""
    metrics, config = info.get("metrics", {}), info.get("config", {})
    scores = ", ".join(f"{name} accuracy {metrics[key]:.2%}" for name, key in
                       (("validation", "val_acc"), ("test", "test_acc")) if key in metrics)
    epochs = f"epoch {metrics['epoch']} of {config.get('epochs', '?')} planned" if "epoch" in metrics else ""
    what = "the bundled weights" if is_bundled(info) else f"your model in {info['path']}"
    details = "; ".join(part for part in (info.get("architecture", ""), epochs, scores) if part)
    return f"{what} ({details})"


def explain_accuracy(info: dict, test_accuracy: float) -> str:
    """What a test accuracy means for this checkpoint, next to the bundled weights' (lesson 04)."""
    if is_bundled(info):
        return (f"The bundled weights read {test_accuracy:.2%}; train in lesson 03 (or run lenet train) "
                "and this lesson evaluates your own model instead.")
    bundled = read_checkpoint(bundled_weights_path()).get("metrics", {}).get("test_acc", float("nan"))
    if test_accuracy >= 0.99:
        return f"Your model reads {test_accuracy:.2%}, the full recipe's result (the bundled weights: {bundled:.2%})."
    return (f"Your model reads {test_accuracy:.2%}, under the full recipe's 99 %: a quick (LENET_QUICK) or "
            f"stopped run, or other settings, end there (the bundled weights: {bundled:.2%}); run lesson 03 "
            "to the end with the default settings for 99 %.")


def check_writable(path: str | os.PathLike, replace_any: bool = True) -> Path:
    """Refuse, before any training, a checkpoint path that cannot be written as a regular file.

    Without `replace_any` (the lenet command, unless --force), a file already there that is not a
    checkpoint (a notebook, anything that does not read as one) is refused too: training would move
    it aside, and a second run would overwrite it.
    """
    path = Path(path)
    if str(path).strip() in ("", "."):
        raise CheckpointError("The checkpoint path is empty; give a file such as runs/mine.pt.")
    try:
        _check_place(path, replace_any)
        probe_folder(path.parent)
    except OSError as error:
        raise CheckpointError(
            f"Cannot write a checkpoint at {_short(path)} ({error.strerror or error}); choose another file "
            "(--out, or checkpoint_path in a notebook)."
        ) from None
    return path


def _check_place(path: Path, replace_any: bool) -> None:
    if path.is_dir():
        raise CheckpointError(f"{path} is a folder; give a file name for the checkpoint, such as {path / 'mine.pt'}.")
    if path.exists() and not path.is_file():
        raise CheckpointError(f"{path} is not a regular file (a device or a pipe?); give a checkpoint file name.")
    previous = previous_path(path)
    if previous.exists() and not previous.is_file():
        raise CheckpointError(f"{previous}, where the model {path} holds would be kept, is not a regular file; "
                              "move it away or choose another checkpoint file.")
    for place in (path, previous):
        if place.is_file() and not replace_any:
            try:
                read_checkpoint(place)
            except CheckpointError:
                raise CheckpointError(f"{place} is not a checkpoint of this course (a notebook? another file?), and "
                                      "training would replace it; choose another file, or pass --force.") from None


def _short(path: Path) -> str:
    """A path for a message: a very long one cut in the middle."""
    text = str(path)
    return text if len(text) <= 120 else f"{text[:60]}...{text[-50:]}"


def save_checkpoint(
    path: str | os.PathLike,
    model: nn.Module,
    config=None,
    metrics: dict | None = None,
    mean: float = MNIST_MEAN,
    std: float = MNIST_STD,
    keep: str | os.PathLike | None = None,
) -> Path:
    """Write weights and metadata atomically: a half-written file never replaces a good one.

    With `keep` (a new run's first save: `previous_path(path)`), the checkpoint being replaced is
    moved there once the new one is written, so a run that went wrong never costs the model before it.
    """
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
    for stale in path.parent.glob(f".{path.name}.*.tmp"):  # left by a save that was killed
        stale.unlink(missing_ok=True)
    return write_atomically(path, lambda file: _save(checkpoint, file), keep=Path(keep) if keep else None)


def _save(checkpoint: dict, file) -> None:
    """torch.save, whose writer reports a full disk as a RuntimeError ("unexpected pos"): an OSError here."""
    try:
        torch.save(checkpoint, file)
    except RuntimeError as error:
        reason = str(error).splitlines()[0] if str(error) else "a write failed"
        raise OSError(errno.EIO, f"the file could not be written, the disk full? ({reason})") from None


def previous_path(path: str | os.PathLike) -> Path:
    """Where a new training run keeps the checkpoint it replaces: runs/lenet5.pt -> runs/lenet5.previous.pt."""
    path = Path(path)
    return path.with_name(f"{path.stem}.previous{path.suffix}")


def read_checkpoint(path: str | os.PathLike) -> dict:
    """Load a checkpoint file safely (no code runs) and check it is one of ours."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"There is no checkpoint file at {path}; check the path or train first.")
    if path.resolve() == bundled_weights_path().resolve() and sha256(path) != BUNDLED_SHA256:
        raise CheckpointError(f"The bundled weights {path} are damaged (their SHA-256 is not the one recorded); "
                              "reinstall the course's package.")
    try:
        with warnings.catch_warnings():  # torch's warnings about a stranger's pickle: the sentence below says it
            warnings.simplefilter("ignore")
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
        return _validated(loaded, path)
    if isinstance(loaded, dict) and loaded and all(isinstance(v, torch.Tensor) for v in loaded.values()):
        # a bare state_dict (what model.state_dict() gives): accept it if a LeNet fits it
        for name in ARCHITECTURES:
            if set(build_model(name).state_dict()) == set(loaded):
                return _validated({"format": FORMAT, "architecture": name, "state_dict": loaded,
                                   "normalization": {"mean": MNIST_MEAN, "std": MNIST_STD},
                                   "config": {}, "metrics": {}}, path)
    raise CheckpointError(
        f"{path} is a PyTorch file but not a LeNet-5 checkpoint of this course; "
        "use one saved by lenet train or the bundled weights."
    )


def _validated(checkpoint: dict, path: Path) -> dict:
    """The checkpoint if every field holds what it should; else one sentence naming the field."""
    def refuse(what: str) -> CheckpointError:
        return CheckpointError(f"{path} has {what}, so it cannot be used; train again or use the bundled weights.")

    architecture = checkpoint.get("architecture")
    if not isinstance(architecture, str) or architecture not in ARCHITECTURES:
        raise CheckpointError(
            f"{path} was saved for architecture {architecture!r}, which this version does not know; "
            "use a checkpoint saved by lenet train."
        )
    norm = checkpoint.get("normalization")
    if not isinstance(norm, dict) or not all(isinstance(norm.get(k), (int, float)) for k in ("mean", "std")):
        raise refuse("no valid normalization (a mean and a std)")
    if not (math.isfinite(norm["mean"]) and math.isfinite(norm["std"]) and norm["std"] > 0):
        raise refuse(f"an impossible normalization (mean {norm['mean']}, std {norm['std']})")
    weights = checkpoint.get("state_dict")
    if not isinstance(weights, dict) or not all(isinstance(v, torch.Tensor) for v in weights.values()):
        raise refuse("no weights")
    if not all(v.layout == torch.strided and v.device.type != "meta" for v in weights.values()):
        raise refuse("weights stored in a form the network cannot use (sparse, or without their values)")
    if not all(torch.isfinite(v).all() for v in weights.values() if v.is_floating_point()):
        raise refuse("weights that are not numbers (NaN or infinite: training diverged)")
    for key in ("config", "metrics"):
        if not isinstance(checkpoint.get(key, {}), dict):
            raise refuse(f"a damaged {key!r} field")
    for key, value in checkpoint.get("metrics", {}).items():
        if not isinstance(value, (int, float)) or not math.isfinite(value):
            raise refuse(f"a damaged metric {key!r} ({value!r})")
    return checkpoint


def load_model(
    path: str | os.PathLike | None = None, device: torch.device | str = "cpu"
) -> tuple[nn.Module, dict]:
    """The model in eval mode on `device` and its checkpoint metadata; bundled weights if no path."""
    if path is not None and not isinstance(path, (str, os.PathLike)):
        raise CheckpointError(f"A checkpoint path is text or a Path, not {type(path).__name__}; pass the file's name.")
    path = Path(path) if path is not None else bundled_weights_path()
    checkpoint = read_checkpoint(path)
    model = build_model(checkpoint["architecture"])
    try:
        model.load_state_dict(checkpoint["state_dict"])
    except (RuntimeError, TypeError, KeyError):
        raise CheckpointError(
            f"{path} does not fit the {checkpoint['architecture']} network (different layers "
            "or shapes); use a checkpoint saved by lenet train."
        ) from None
    _check_outputs(model, checkpoint["normalization"], path)
    try:
        model.to(device).eval()
    except (RuntimeError, AssertionError, ValueError, TypeError) as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise CheckpointError(
            f"Cannot put the model on device {device!r} ({reason}); use 'cpu' or get_device()."
        ) from None
    model.temperature = float(checkpoint.get("metrics", {}).get("temperature", 1.0))  # calibration.py
    info = {k: v for k, v in checkpoint.items() if k != "state_dict"}
    info["path"] = str(path)
    return model, info


@torch.no_grad()
def _check_outputs(model: nn.Module, normalization: dict, path: Path) -> None:
    """Refuse a model whose answers are not numbers: finite but absurd weights or normalization overflow."""
    pixels = torch.stack([torch.zeros(1, 28, 28), torch.ones(1, 28, 28), torch.rand(1, 28, 28,
                          generator=torch.Generator().manual_seed(0))])
    inputs = (pixels - normalization["mean"]) / normalization["std"]
    outputs = model.eval()(inputs) if torch.isfinite(inputs).all() else inputs
    if not (torch.isfinite(outputs).all() and torch.isfinite(outputs.softmax(dim=1)).all()):
        raise CheckpointError(f"{path} gives answers that are not numbers (its weights or its normalization are "
                              "absurdly large or small), so it cannot be used; train again or use the bundled weights.")


def sha256(path: Path) -> str:
    """The SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
