"""Where and how training runs: the device (CUDA, Apple MPS or the CPU), the seed, the precision."""

import random

import numpy as np
import torch

from ..errors import LenetError

DEVICES = ("auto", "cpu", "cuda", "mps")  # "auto": CUDA, else Apple MPS, else the CPU
PRECISIONS = ("auto", "float32", "bfloat16")  # see training_dtype


def get_device(preferred: str = "auto") -> torch.device:
    """CUDA if present, else Apple MPS, else the CPU; or the device asked for by name."""
    if preferred == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        if torch.backends.mps.is_available():
            return torch.device("mps")
        return torch.device("cpu")
    available = {
        "cpu": True,
        "cuda": torch.cuda.is_available(),
        "mps": torch.backends.mps.is_available(),
    }
    if preferred not in available:
        raise LenetError(f"Unknown device {preferred!r}; choose {', '.join(DEVICES)}.")
    if not available[preferred]:
        raise LenetError(f"This machine has no {preferred} device; use --device auto or cpu.")
    return torch.device(preferred)


def set_seed(seed: int) -> None:
    """Seed Python, NumPy and PyTorch (all devices) so a run can be repeated."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def native_bfloat16(device: torch.device) -> bool:
    """Whether the device is a CPU with bfloat16 instructions (AVX512-BF16 or AMX)."""
    if device.type != "cpu":
        return False
    checks = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")  # torch.cpu has no public test yet
    return any(getattr(torch.cpu, name, lambda: False)() for name in checks)


def training_dtype(precision: str, device: torch.device) -> torch.dtype | None:
    """The dtype the forward pass is autocast to while training, or None for plain float32.

    "auto" picks bfloat16 on a CPU with bfloat16 instructions, where benchmarks/train_speed.py
    measured faster epochs at the same final accuracy. Weights, gradients and the optimiser stay
    float32; evaluation is float32. Elsewhere "auto" keeps float32: other CPUs emulate bfloat16
    slowly, and a GPU was not measured.
    """
    if precision not in PRECISIONS:
        raise LenetError(f"Unknown precision {precision!r}; choose {', '.join(PRECISIONS)}.")
    if precision == "bfloat16" or (precision == "auto" and native_bfloat16(device)):
        return torch.bfloat16
    return None


def dtype_name(autocast: torch.dtype | None) -> str:
    """'bfloat16' or 'float32': how a training_dtype() result reads in messages."""
    return str(autocast or torch.float32).removeprefix("torch.")
