"""Where and how training runs: the device (CUDA, Apple MPS or the CPU), its threads, the seed, the precision."""

import contextlib
import math
import os
import random
from pathlib import Path

import numpy as np
import torch

from ..errors import LenetError

DEVICES = ("auto", "cpu", "cuda", "mps")  # "auto": CUDA, else Apple MPS, else the CPU
PRECISIONS = ("auto", "float32", "bfloat16")  # see training_dtype


def get_device(preferred: str = "auto") -> torch.device:
    """CUDA if present, else Apple MPS, else the CPU; or the device asked for by name.

    PyTorch's CPU threads are sized to the CPUs this process may use on the way (`size_threads`).
    """
    size_threads()
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


def cpu_limit(environ: dict | None = None, cgroups: Path = Path("/sys/fs/cgroup"),
              membership: Path = Path("/proc/self/cgroup")) -> tuple[int, str]:
    """How many CPUs this process may use, and what limits it.

    The least of: the CPUs it may run on (its affinity), its cgroup's CPU quota (v1 or v2, what a
    container or systemd gives it), and `CPU_LIMIT`, which JupyterHub's spawners set for each
    user. A fraction of a CPU counts as a whole one: the quota is time, and a thread can use it.
    """
    environ = os.environ if environ is None else environ
    try:
        limits = [(float(len(os.sched_getaffinity(0))), "the CPUs it may run on")]
    except AttributeError:  # macOS, Windows: no affinity to read
        limits = [(float(os.cpu_count() or 1), "the CPUs of this machine")]
    quota = cgroup_quota(cgroups, membership)
    if quota:
        limits.append((quota, "its cgroup's CPU quota"))
    with contextlib.suppress(ValueError):  # unset, or not a number
        limit = float(environ.get("CPU_LIMIT", ""))
        if math.isfinite(limit) and limit > 0:
            limits.append((limit, "CPU_LIMIT"))
    cpus, reason = min(limits)
    return max(1, math.ceil(cpus - 1e-6)), reason


def cgroup_quota(cgroups: Path, membership: Path) -> float | None:
    """The CPU quota of this process's cgroup and its parents, in CPUs (cgroup v2 or v1); None without one."""
    try:
        lines = membership.read_text().splitlines()
    except OSError:
        return None
    found = []
    for line in lines:
        _, controllers, path = (line.split(":", 2) + ["", ""])[:3]
        if controllers == "":  # v2: cpu.max holds "quota period" or "max period"
            places = [cgroups / path.lstrip("/"), cgroups / "unified" / path.lstrip("/")]
            found += [_quota(folder, "cpu.max") for folder in places]
        elif "cpu" in controllers.split(","):  # v1: cpu.cfs_quota_us and cpu.cfs_period_us
            found += [_quota(cgroups / name / path.lstrip("/"), "cpu.cfs_quota_us")
                      for name in ("cpu", "cpu,cpuacct", controllers)]
    quotas = [quota for quota in found if quota]
    return min(quotas) if quotas else None


def _quota(folder: Path, name: str) -> float | None:
    """The least quota (in CPUs) set at `folder` or any folder above it in the same hierarchy."""
    least = None
    for place in (folder, *folder.parents):
        try:
            if name == "cpu.max":
                quota, period = (place / name).read_text().split()[:2]
            else:
                quota, period = (place / name).read_text(), (place / "cpu.cfs_period_us").read_text()
            cpus = float(quota) / float(period)
        except (OSError, ValueError, ZeroDivisionError):
            continue  # "max", -1 (no quota), or no such file at this level
        if cpus > 0 and (least is None or cpus < least):
            least = cpus
    return least


def size_threads(environ: dict | None = None) -> int:
    """Size PyTorch's threads (within an operation and between operations) to the CPUs this process may use.

    On a shared server a kernel otherwise starts one thread per core of the whole machine, and
    30 kernels oversubscribe it many times over. An OMP_NUM_THREADS lower than the limit is kept.
    The threads between operations can only be set before the first parallel work; later calls
    leave them. Returns the number of threads.
    """
    environ = os.environ if environ is None else environ
    threads, _ = cpu_limit(environ)
    with contextlib.suppress(ValueError):  # unset, or not a number: the limit alone
        threads = min(threads, int(environ.get("OMP_NUM_THREADS", "")))
    threads = max(1, threads)
    torch.set_num_threads(threads)
    with contextlib.suppress(RuntimeError):  # already set, or parallel work has started
        torch.set_num_interop_threads(threads)
    return threads
