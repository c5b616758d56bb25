"""What every benchmark stores beside its numbers (the machine it ran on), and what the photo benchmarks share."""

import argparse
import json
import os
import platform
from pathlib import Path

import cv2
import numpy as np
import torch

RESULTS = Path(__file__).parent / "results"
INSTRUCTION_SETS = ("avx2", "avx512f", "avx512_bf16", "amx_bf16")  # what decides CPU training speed


def cpu_model_and_flags() -> tuple[str, list[str]]:
    """The CPU's model name and which of INSTRUCTION_SETS it has (Linux; elsewhere what platform says)."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return platform.processor() or platform.machine(), []
    model = next((line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("model name")),
                 platform.machine())
    flags = next((line.split(":", 1)[1].split() for line in text.splitlines() if line.startswith("flags")), [])
    return model, [name for name in INSTRUCTION_SETS if name in flags]


def machine() -> str:
    """A one-line description of this machine, for the tables and the results files."""
    model, flags = cpu_model_and_flags()
    gpu = torch.cuda.get_device_name() if torch.cuda.is_available() else "no GPU"
    isa = "+".join(flags) or "no AVX2"
    return (f"{model} ({isa}), {os.cpu_count()} cores, {torch.get_num_threads()} torch threads, {gpu}, "
            f"torch {torch.__version__}")


def machine_kind() -> str:
    """The kind of CPU that decides training speed: 'avx512-bf16', 'avx512', 'avx2' or 'other'."""
    _, flags = cpu_model_and_flags()
    if "avx512_bf16" in flags or "amx_bf16" in flags:
        return "avx512-bf16"
    return "avx512" if "avx512f" in flags else "avx2" if "avx2" in flags else "other"


def save_results(name: str, report: dict) -> Path:
    """Write a benchmark's report to benchmarks/results/NAME, stamped with the machine."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / name
    path.write_text(json.dumps({"machine": machine()} | report, indent=1) + "\n")
    return path


def paired(right: np.ndarray, other: np.ndarray) -> tuple[int, int, float]:
    """Two readings of the same photos compared photo for photo: the photos `other` won and lost, and the noise.

    Of the photos one reading gets right and the other wrong, a change that does nothing still wins
    about half; the noise is one standard deviation of the difference, sqrt(won + lost) / photos.
    """
    won, lost = int((other & ~right).sum()), int((right & ~other).sum())
    return won, lost, float(np.sqrt(won + lost) / len(right))


def check_environment() -> None:
    """Warn when OpenMP threads may spin (timings on a busy 2-core machine get 20x worse)."""
    if os.environ.get("OMP_WAIT_POLICY", "").upper() != "PASSIVE":
        print("note: set OMP_WAIT_POLICY=PASSIVE and keep the machine idle for stable timings")


def photo_parser(doc: str) -> argparse.ArgumentParser:
    """The options of both photo benchmarks: where MNIST is, which weights, how many workers, --json."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--weights", default=None, help="a checkpoint; default: the bundled weights")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    return parser


def start_worker() -> None:
    """A photo benchmark's pool worker: one thread each, so that the workers share the cores."""
    cv2.setNumThreads(1)
    torch.set_num_threads(1)
