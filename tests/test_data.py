from pathlib import Path

import numpy as np
import pytest
import torch
from idx_files import write_idx
from torch.utils.data import random_split

from lenet_helpers.errors import DataError
from lenet_helpers.learning.data import (
    TensorBatches,
    ensure_mnist,
    find_data_dir,
    load_mnist,
    load_splits,
    mnist_transform,
    normalize,
    read_idx,
    split_indices,
    standard_loaders,
)


def test_data_dir_argument_beats_environment_beats_default(monkeypatch):
    monkeypatch.setenv("LENET_DATA_DIR", "/from/env")
    assert find_data_dir("/from/flag") == Path("/from/flag")
    assert find_data_dir() == Path("/from/env")
    monkeypatch.delenv("LENET_DATA_DIR")
    assert find_data_dir() == Path.home() / ".cache" / "lenet" / "data"  # outside a course folder


def test_missing_dataset_offline_says_where_the_files_go(tmp_path):
    with pytest.raises(DataError) as error:
        ensure_mnist(tmp_path)
    message = str(error.value)
    assert str(tmp_path / "MNIST" / "raw") in message
    assert "train-images-idx3-ubyte" in message and "LENET_DATA_DIR" in message
    assert message.count(".") >= 1 and "\n" not in message


def test_loads_tiny_dataset(tiny_mnist):
    images, labels = load_mnist(tiny_mnist, train=True)
    assert images.shape == (300, 28, 28) and images.dtype == torch.uint8
    assert labels.shape == (300,) and labels.dtype == torch.int64


@pytest.mark.parametrize(
    "damage, words",
    [
        (lambda raw: raw[:100], "damaged"),  # truncated download
        (lambda raw: b"\x00\x00\x08\x01" + raw[4:], "magic number 2049"),  # a label file's magic
        (lambda raw: raw[:8] + (32).to_bytes(4, "big") + raw[12:], "32x28"),  # not 28x28
        (lambda raw: b"<html>", "damaged"),
    ],
)
def test_damaged_image_file_is_named(tiny_mnist, damage, words):
    path = tiny_mnist / "MNIST" / "raw" / "train-images-idx3-ubyte"
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(DataError, match=words) as error:
        load_mnist(tiny_mnist, train=True)
    assert str(path) in str(error.value)


def test_labels_above_nine_and_count_mismatch_are_caught(tiny_mnist):
    raw = tiny_mnist / "MNIST" / "raw"
    write_idx(raw / "t10k-labels-idx1-ubyte", np.full(60, 12), 2049)
    with pytest.raises(DataError, match="labels above 9"):
        load_mnist(tiny_mnist, train=False)
    write_idx(raw / "t10k-labels-idx1-ubyte", np.zeros(59), 2049)
    with pytest.raises(DataError, match="60 images but .* 59 labels"):
        load_mnist(tiny_mnist, train=False)


def test_read_idx_checks_length_against_header(tmp_path):
    path = tmp_path / "labels"
    path.write_bytes((2049).to_bytes(4, "big") + (10).to_bytes(4, "big") + bytes(9))
    with pytest.raises(DataError, match="17 bytes, expected 18"):
        read_idx(path, 2049)


def test_split_is_disjoint_complete_seeded_and_matches_random_split():
    train, val = split_indices(1000, 100, seed=3)
    assert len(train) == 900 and len(val) == 100
    assert set(train.tolist()).isdisjoint(val.tolist())
    assert set(train.tolist()) | set(val.tolist()) == set(range(1000))
    assert torch.equal(split_indices(1000, 100, seed=3)[1], val)
    assert not torch.equal(split_indices(1000, 100, seed=4)[1], val)
    a, b = random_split(range(1000), [900, 100], generator=torch.Generator().manual_seed(3))
    assert list(b.indices) == val.tolist()


def test_split_size_must_leave_training_images():
    with pytest.raises(DataError, match="validation split"):
        split_indices(100, 100, seed=0)


def test_normalize_matches_the_torchvision_transform():
    image = np.random.default_rng(0).integers(0, 256, (28, 28), dtype=np.uint8)
    ours = normalize(torch.from_numpy(image)[None])[0]
    theirs = mnist_transform()(image)
    assert torch.allclose(ours, theirs, atol=1e-6)


def test_tensor_batches_cover_every_example_once_and_reshuffle():
    batches = TensorBatches(torch.arange(10.0).view(10, 1), torch.arange(10), batch_size=4, shuffle=True)
    assert len(batches) == 3
    first = torch.cat([y for _, y in batches])
    second = torch.cat([y for _, y in batches])
    assert sorted(first.tolist()) == list(range(10)) == sorted(second.tolist())
    assert not torch.equal(first, second)


def test_fast_splits_keep_test_apart_and_match_the_dataloader_path(tiny_mnist):
    splits = load_splits(tiny_mnist, batch_size=32, val_size=50, seed=0)
    assert splits.train.num_examples == 250 and splits.val.num_examples == 50
    assert splits.test.num_examples == 60
    x, y = next(iter(splits.val))
    assert x.shape == (50, 1, 28, 28)
    _, val_loader, test_loader = standard_loaders(tiny_mnist, batch_size=32, val_size=50, seed=0)
    xs, ys = next(iter(val_loader))
    assert torch.equal(ys, y)
    assert torch.allclose(xs, x, atol=1e-6)
    assert len(test_loader.dataset) == 60
