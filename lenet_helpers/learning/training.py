"""Training: one epoch, the whole fit with checkpoints and progress bars, a recipe run end to end."""

import contextlib
import copy
import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn
from tqdm.auto import tqdm

from ..errors import LenetError, TrainingError
from .augment import random_affine, random_strokes
from .calibration import fit_temperature
from .checkpoint import check_writable, previous_path, save_checkpoint
from .data import load_splits
from .device import PRECISIONS, set_seed, training_dtype
from .evaluation import accuracy, predict
from .model import ARCHITECTURES, build_model

SCHEDULES = ("onecycle", "constant")  # see make_optimizer


def option(help: str, low: float | None = None, high: float | None = None, *, open_low: bool = False,
           open_high: bool = False, choices: tuple[str, ...] | None = None) -> dict:
    """A TrainConfig field's help and the values it takes: `lenet train`'s option is made from them."""
    return {"help": help, "range": (low, high, open_low, open_high) if low is not None else None, "choices": choices}


@dataclass
class TrainConfig:
    """One training recipe. The defaults were chosen by measurement: the alternatives tried, and
    what each did to the time to 99 % and the final accuracy, are in docs/recipe.md (from
    benchmarks/train_speed.py and its results files), not here. Each field is also an option of
    `lenet train` (`--batch-size` for batch_size), with the help and the range given here.
    """

    epochs: int = field(default=5, metadata=option("passes over the training images", 1, 10_000))
    batch_size: int = field(default=256, metadata=option("images per step (larger: faster per image on a CPU)", 1,
                                                         60_000))
    lr: float = field(default=0.01, metadata=option("peak learning rate of the one-cycle schedule", 0, 10,
                                                    open_low=True))
    warmup: float = field(default=0.1, metadata=option("fraction of the steps rising to the peak lr (one-cycle)", 0,
                                                       1, open_low=True, open_high=True))
    weight_decay: float = field(default=0.0, metadata=option("AdamW's decoupled weight decay", 0, 1))
    label_smoothing: float = field(default=0.1, metadata=option(
        "share of the target spread over all digits (0.1: 91 %% on the true digit, 1 %% on each other)", 0, 1,
        open_high=True))
    schedule: str = field(default="onecycle", metadata=option(
        "learning-rate schedule: warm up then anneal, or constant", choices=SCHEDULES))
    val_size: int = field(default=5000, metadata=option("training images held out to pick the best epoch", 1,
                                                        59_999))
    seed: int = field(default=0, metadata=option("same seed, same split, same weights (on the CPU)", 0, 2**32 - 1))
    architecture: str = field(default="lenet5", metadata=option(
        "network: the modern LeNet-5 or the 1998 one", choices=tuple(ARCHITECTURES)))
    augment: bool = field(default=False, metadata=option("random affine distortions of every training batch"))
    strokes: bool = field(default=False, metadata=option(
        "random stroke width and blur of every training batch (reads photos better)"))
    precision: str = field(default="auto", metadata=option(
        "arithmetic of the forward pass (auto: bfloat16 on CPUs built for it; see training_dtype)",
        choices=PRECISIONS))


@dataclass
class History:
    """What fit() measured, one entry per finished epoch."""

    train_loss: list[float] = field(default_factory=list)
    train_acc: list[float] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_acc: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    best_epoch: int = 0  # 1-based; 0 while no epoch has finished
    best_val_acc: float = 0.0
    saved_epoch: int = 0  # the epoch whose weights the checkpoint file holds; 0 if none saved
    interrupted: bool = False
    checkpoint: str | None = None
    save_error: str | None = None  # why the checkpoint could not be written (a full disk?); None when it was
    previous: str | None = None  # where the checkpoint this run replaced was kept (file.previous.pt)


def make_optimizer(model: nn.Module, config: TrainConfig, steps_per_epoch: int, fused: bool | None = None):
    """AdamW and its learning-rate schedule (stepped once per batch).

    One-cycle rises for `warmup` of the steps, then anneals; in a short run each phase gets one
    step at least, and a run of one or two steps keeps the peak rate (nothing to rise and fall in).

    The fused AdamW (the default where the device has it) updates every weight in one kernel
    instead of a dozen small ones per tensor: the same arithmetic, measured against the unfused
    step in benchmarks/recipes.py.
    """
    if fused is None:
        fused = next(model.parameters()).device.type in ("cpu", "cuda")
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.lr, weight_decay=config.weight_decay, fused=fused)
    total = config.epochs * steps_per_epoch
    if config.schedule == "onecycle" and total >= 3:
        warmup = min(max(config.warmup, 2 / total), 1 - 1 / total)  # each phase at least one step, however short
        scheduler = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=config.lr, total_steps=total,
                                                        pct_start=warmup)
    elif config.schedule in SCHEDULES:  # constant, or a run too short to rise and fall: the peak all along
        scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: 1.0)
    else:
        raise LenetError(f"Unknown schedule {config.schedule!r}; choose {', '.join(SCHEDULES)}.")
    return optimizer, scheduler


def learning_rates(config: TrainConfig, steps_per_epoch: int) -> list[float]:
    """The learning rate of every step of a run, as `fit` will set them (nothing is trained)."""
    optimizer, scheduler = make_optimizer(nn.Linear(1, 1), config, steps_per_epoch, fused=False)
    rates = []
    for _ in range(config.epochs * steps_per_epoch):
        rates.append(scheduler.get_last_lr()[0])
        optimizer.step()  # no gradients: nothing moves, but the schedule expects a step first
        scheduler.step()
    return rates


def train_one_epoch(
    model: nn.Module,
    loader: Iterable,
    optimizer: torch.optim.Optimizer,
    device: torch.device,
    scheduler=None,
    transform: Callable[[torch.Tensor], torch.Tensor] | None = None,
    description: str = "train",
    progress: bool = True,
    after_step: Callable[[int], None] | None = None,
    autocast: torch.dtype | None = None,
    label_smoothing: float = 0.0,
) -> tuple[float, float]:
    """One pass over the loader; returns (mean loss, accuracy) over its examples.

    after_step(step) runs after each optimiser step (the benchmarks measure there);
    autocast, if given, is the dtype of the forward pass (see training_dtype); label_smoothing
    softens the targets of the loss that is minimised (see TrainConfig). The loss returned is
    the plain cross-entropy, as `evaluate` measures it, so that the two curves compare: the
    smoothed one cannot fall below its own floor (about 0.5 with 0.1 smoothing).
    """
    model.train()
    total_loss = torch.zeros((), device=device)
    correct = torch.zeros((), device=device, dtype=torch.long)
    seen = 0
    bar = tqdm(loader, desc=description, leave=False, disable=not progress, unit="batch")
    for step, (x, y) in enumerate(bar):
        x, y = x.to(device, non_blocking=True), y.to(device, non_blocking=True)
        if transform is not None:
            x = transform(x)
        with torch.autocast(device.type, dtype=autocast) if autocast else contextlib.nullcontext():
            logits = model(x).float()
        loss = F.cross_entropy(logits, y, label_smoothing=label_smoothing)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
        if after_step is not None:
            after_step(step)
        # sums stay on the device: reading them every batch would stall a GPU
        plain = F.cross_entropy(logits.detach(), y) if label_smoothing else loss.detach()
        total_loss += plain * len(y)
        correct += (logits.argmax(dim=1) == y).sum()
        seen += len(y)
        if step % 25 == 0 or step == len(bar) - 1:
            mean_loss = total_loss.item() / seen
            if not math.isfinite(mean_loss):
                lr = optimizer.param_groups[0]["lr"]
                raise TrainingError(
                    f"The loss became {mean_loss} during {description}; lower the learning rate "
                    f"(it was {lr:.3g}) and train again."
                )
            bar.set_postfix(loss=f"{mean_loss:.4f}")
    return total_loss.item() / seen, correct.item() / seen


def evaluate(model: nn.Module, loader: Iterable, device: torch.device) -> tuple[float, float]:
    """(mean loss, accuracy) of the model on every example of a loader."""
    logits, labels = predict(model, loader, device)
    return F.cross_entropy(logits, labels).item(), accuracy(logits, labels)


def fit(
    model: nn.Module,
    train_loader: Iterable,
    val_loader: Iterable,
    config: TrainConfig,
    device: torch.device,
    checkpoint_path: str | Path | None = None,
    transform: Callable[[torch.Tensor], torch.Tensor] | None = None,
    progress: bool = True,
) -> History:
    """Train for config.epochs, keep the best epoch by validation accuracy, return the history.

    After fit the model holds the best weights, which are also saved to checkpoint_path.
    Ctrl-C (or the notebook's stop button) ends training early, keeping all that was learned.
    """
    if checkpoint_path:
        check_writable(checkpoint_path)  # before an epoch is spent
    model.to(device)
    if device.type == "cpu":  # channels_last weights and inputs: a CPU epoch measured ~1.5x faster
        model.to(memory_format=torch.channels_last)
    optimizer, scheduler = make_optimizer(model, config, len(train_loader))
    autocast = training_dtype(config.precision, device)
    history = History(checkpoint=str(checkpoint_path) if checkpoint_path else None)
    best_state = copy.deepcopy(model.state_dict())
    epochs = tqdm(range(1, config.epochs + 1), desc="epochs", disable=not progress, unit="epoch")
    try:
        for epoch in epochs:
            start = time.perf_counter()
            train_loss, train_acc = train_one_epoch(
                model, train_loader, optimizer, device, scheduler, transform,
                description=f"epoch {epoch}/{config.epochs}", progress=progress, autocast=autocast,
                label_smoothing=config.label_smoothing,
            )
            val_loss, val_acc = evaluate(model, val_loader, device)
            _record(history, train_loss, train_acc, val_loss, val_acc, time.perf_counter() - start)
            epochs.set_postfix(val_acc=f"{val_acc:.2%}", sec=f"{history.seconds[-1]:.1f}")
            if val_acc > history.best_val_acc or not history.best_epoch:
                history.best_epoch, history.best_val_acc = epoch, val_acc
                best_state = copy.deepcopy(model.state_dict())
                if checkpoint_path:
                    metrics = {"val_acc": val_acc, "val_loss": val_loss, "epoch": epoch}
                    if _save(history, checkpoint_path, model, config, metrics, f"epoch {epoch}"):
                        history.saved_epoch = epoch
    except KeyboardInterrupt:
        history.interrupted = True
        epochs.close()
        print(_interrupted_message(history))
    finally:
        model.load_state_dict(best_state)
    return history


def _save(history: History, path, model: nn.Module, config: TrainConfig, metrics: dict, what: str) -> bool:
    """Save a checkpoint; when the disk refuses (full, removed), say so once and let training go on.

    The first save of a run keeps the file it replaces as file.previous.pt (`previous_path`).
    """
    keep = previous_path(path) if not history.saved_epoch and Path(path).is_file() else None
    try:
        save_checkpoint(path, model, config, metrics, keep=keep)
    except OSError as error:
        first = history.save_error is None
        held = f"it holds epoch {history.saved_epoch}" if history.saved_epoch else "nothing was saved"
        history.save_error = (f"Could not write {what} to {path} ({error.strerror or error}); {held}. "
                              "Free some space or choose another file (--out, or checkpoint_path).")
        if first:
            print(history.save_error + " Training goes on; the best model stays in memory.")
        return False
    history.save_error = None
    history.previous = str(keep) if keep else history.previous
    return True


def _record(history: History, train_loss, train_acc, val_loss, val_acc, seconds) -> None:
    history.train_loss.append(train_loss)
    history.train_acc.append(train_acc)
    history.val_loss.append(val_loss)
    history.val_acc.append(val_acc)
    history.seconds.append(seconds)


def _interrupted_message(history: History) -> str:
    if not history.best_epoch:
        return "Training was interrupted before the first epoch ended; nothing was saved."
    where = ""
    if history.checkpoint and history.saved_epoch == history.best_epoch:
        where = f" and saved in {history.checkpoint}"
    elif history.checkpoint:  # stopped while that epoch's checkpoint was being written
        held = f"epoch {history.saved_epoch}" if history.saved_epoch else "nothing from this run"
        where = f"; {history.checkpoint} was not updated (it holds {held})"
    return (
        f"Training was interrupted after {len(history.val_acc)} epoch(s); the best model "
        f"(epoch {history.best_epoch}, validation accuracy {history.best_val_acc:.2%}) is kept{where}."
    )


def augmentation(config: TrainConfig, device: torch.device) -> Callable[[torch.Tensor], torch.Tensor] | None:
    """The batch transform a config asks for: seeded random affine distortions, stroke changes, both, or None."""
    if not (config.augment or config.strokes):
        return None
    generator = torch.Generator(device=device).manual_seed(config.seed)

    def transform(x: torch.Tensor) -> torch.Tensor:
        if config.strokes:
            x = random_strokes(x, generator=generator)
        return random_affine(x, generator=generator) if config.augment else x

    return transform


@dataclass
class TrainResult:
    """A finished run: the model (best epoch), its history and the final test scores."""

    model: nn.Module
    history: History
    test_loss: float
    test_acc: float


def train_model(
    config: TrainConfig,
    data_dir: str | Path,
    device: torch.device,
    checkpoint_path: str | Path | None = None,
    progress: bool = True,
    replace_any: bool = True,
) -> TrainResult:
    """The whole recipe, as `lenet train` runs it: data, model, fit, one test at the end.

    Without `replace_any`, a file at `checkpoint_path` that is not a checkpoint is refused (see check_writable).
    """
    if checkpoint_path:
        check_writable(checkpoint_path, replace_any)  # before the data are loaded
    set_seed(config.seed)
    splits = load_splits(Path(data_dir), config.batch_size, config.val_size, config.seed, device)
    model = build_model(config.architecture).to(device)
    history = fit(model, splits.train, splits.val, config, device, checkpoint_path,
                  augmentation(config, device), progress)
    if history.interrupted:
        return TrainResult(model, history, float("nan"), float("nan"))
    test_loss, test_acc = evaluate(model, splits.test, device)
    model.temperature = fit_temperature(*predict(model, splits.val, device))  # on validation images, never test
    if checkpoint_path:
        best = history.best_epoch
        metrics = {"val_acc": history.best_val_acc, "val_loss": history.val_loss[best - 1], "epoch": best,
                   "test_acc": test_acc, "test_loss": test_loss, "seconds": sum(history.seconds),
                   "temperature": model.temperature}
        _save(history, checkpoint_path, model, config, metrics, f"the best epoch ({best})")  # with its test score
    return TrainResult(model, history, test_loss, test_acc)
