"""Shared fixtures: tiny MNIST-layout IDX files written by the tests, and the real data if present."""

import os
from pathlib import Path

import pytest
import torch
from idx_files import fake_digits, write_idx

from lenet_helpers.learning.data import missing_files


@pytest.fixture
def tiny_mnist(tmp_path: Path) -> Path:
    """A data folder in torchvision's layout with 300 training and 60 test images."""
    raw = tmp_path / "data" / "MNIST" / "raw"
    raw.mkdir(parents=True)
    for prefix, n, seed in (("train", 300, 0), ("t10k", 60, 1)):
        images, labels = fake_digits(n, seed)
        write_idx(raw / f"{prefix}-images-idx3-ubyte", images, 2051)
        write_idx(raw / f"{prefix}-labels-idx1-ubyte", labels, 2049)
    return tmp_path / "data"


@pytest.fixture(scope="session")
def real_data() -> Path:
    """The full MNIST from $LENET_DATA_DIR; the test is skipped, with the reason, without it."""
    root = os.environ.get("LENET_DATA_DIR")
    if not root:
        pytest.skip("LENET_DATA_DIR is not set, so the real MNIST is not available to this test")
    if missing_files(Path(root)):
        pytest.skip(f"LENET_DATA_DIR={root} does not hold the four MNIST files in MNIST/raw")
    return Path(root)


@pytest.fixture(autouse=True)
def _no_download(monkeypatch):
    """Tests never reach the network: a missing dataset behaves as on an offline laptop."""
    monkeypatch.setattr("lenet_helpers.learning.data._download", lambda root: None)


@pytest.fixture(autouse=True)
def _outside_the_course(tmp_path_factory, monkeypatch):
    """Tests run outside any course folder, with a home of their own: nothing of yours is read or written."""
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))
    monkeypatch.setenv("HOME", str(tmp_path_factory.mktemp("home")))


@pytest.fixture
def course(tmp_path: Path, monkeypatch) -> Path:
    """An empty course folder (notebooks/ and lenet_helpers/ beside each other); tests run in its notebooks/."""
    for name in ("notebooks", "lenet_helpers"):
        (tmp_path / "course" / name).mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "course" / "notebooks")
    return tmp_path / "course"


@pytest.fixture(autouse=True)
def _seed():
    torch.manual_seed(0)
