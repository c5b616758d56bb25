"""What every benchmark prints alongside its numbers: the machine it ran on."""

import os
import platform

import torch


def machine() -> str:
    """A one-line description of this machine, for the tables."""
    threads = torch.get_num_threads()
    gpu = torch.cuda.get_device_name() if torch.cuda.is_available() else "no GPU"
    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, {threads} torch threads, {gpu}"


def check_environment() -> None:
    """Warn when OpenMP threads may spin (timings on a busy 2-core machine get 20x worse)."""
    if os.environ.get("OMP_WAIT_POLICY", "").upper() != "PASSIVE":
        print("note: set OMP_WAIT_POLICY=PASSIVE and keep the machine idle for stable timings")
