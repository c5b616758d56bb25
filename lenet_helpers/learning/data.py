"""Find, check and load MNIST: a fast in-memory path and the standard DataLoader path."""

import contextlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch.utils.data import DataLoader, Dataset, Subset

from ..errors import DataError
from ..paths import course_root, home_folder

# Mean and standard deviation of the 60,000 training pixels after scaling to [0, 1];
# lesson 01 computes them. Own images are normalised with the same two numbers.
MNIST_MEAN = 0.1307
MNIST_STD = 0.3081

FILES = {
    True: ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    False: ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
IMAGE_MAGIC, LABEL_MAGIC = 2051, 2049


def find_data_dir(data_dir: str | os.PathLike | None = None) -> Path:
    """The data folder: the argument, else $LENET_DATA_DIR, else `data/` of the course folder.

    The course folder is found from where you run (see paths.home_folder), so the lenet command
    at the course root and a lesson in notebooks/ use the same files. A course folder that cannot
    be written still lends its MNIST when it has one; else the user's own folder is used.
    """
    chosen = data_dir or os.environ.get("LENET_DATA_DIR")
    if chosen:
        return Path(chosen).expanduser()
    root = course_root()
    if root is not None and not missing_files(root / "data"):
        return root / "data"
    return home_folder() / "data"


def raw_folder(root: Path) -> Path:
    """Where torchvision keeps the four uncompressed MNIST files."""
    return Path(root) / "MNIST" / "raw"


def missing_files(root: Path) -> list[str]:
    """Names of the four MNIST files that are not in the raw folder."""
    names = [name for pair in FILES.values() for name in pair]
    return [name for name in names if not (raw_folder(root) / name).is_file()]


def ensure_mnist(root: Path, download: bool = True) -> Path:
    """Make sure the four MNIST files are in root/MNIST/raw, downloading them if allowed.

    A folder that is itself MNIST/raw, or that holds the files without MNIST/raw, is a mistyped
    data folder: it is named, and nothing is created in it. A download that fails takes back the
    folders it made.
    """
    root = Path(root)
    names = [name for pair in FILES.values() for name in pair]
    if missing_files(root):
        for where in (root, root / "raw"):
            if where.is_dir() and all((where / name).is_file() for name in names):
                holder = where.parent.parent if where.name == "raw" and where.parent.name == "MNIST" else None
                hint = f"give {holder}" if holder else f"move them into {raw_folder(root)}"
                raise DataError(f"The MNIST files are in {where}, not in {raw_folder(root)}: {hint} "
                                "(the folder that holds MNIST/raw).")
    if missing_files(root) and download:
        made = [folder for folder in (*reversed(raw_folder(root).parents), raw_folder(root)) if not folder.exists()]
        _download(root)
        if missing_files(root) and made:  # the failed download's folders, and what it left in them
            shutil.rmtree(made[0], ignore_errors=True)
    missing = missing_files(root)
    if missing:
        raise DataError(
            f"MNIST is not in {raw_folder(root).resolve()} (missing {', '.join(missing)}) and "
            "could not be downloaded; copy the four files there or point --data-dir / "
            "LENET_DATA_DIR at a folder that holds MNIST/raw."
        )
    return root


def _download(root: Path) -> None:
    """Fetch MNIST through torchvision; stay quiet on failure, ensure_mnist explains."""
    from torchvision import datasets

    # offline, a proxy, a mirror down: all mean "put the files there", said by ensure_mnist
    with contextlib.suppress(Exception):
        datasets.MNIST(root, train=True, download=True)


def read_idx(path: Path, magic: int) -> np.ndarray:
    """Read one IDX file, checking its magic number, shape and length; name it if damaged."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise DataError(f"Cannot read {path}: {error.strerror}; download MNIST again.") from None
    ndim = 3 if magic == IMAGE_MAGIC else 1
    header = 4 + 4 * ndim
    if len(data) < header:
        raise DataError(f"{path} is damaged (only {len(data)} bytes); download MNIST again.")
    found = int.from_bytes(data[:4], "big")
    if found != magic:
        raise DataError(
            f"{path} is damaged or not an MNIST file (magic number {found}, expected {magic}); "
            "download MNIST again."
        )
    shape = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    if ndim == 3 and shape[1:] != (28, 28):
        raise DataError(f"{path} holds {shape[1]}x{shape[2]} images, not 28x28; download MNIST again.")
    expected = header + int(np.prod(shape))
    if len(data) != expected:
        raise DataError(
            f"{path} is damaged ({len(data):,} bytes, expected {expected:,}); download MNIST again."
        )
    array = np.frombuffer(data, dtype=np.uint8, offset=header).reshape(shape)
    if ndim == 1 and array.size and array.max() > 9:
        raise DataError(f"{path} holds labels above 9, so it is damaged; download MNIST again.")
    return array


def load_mnist(root: Path, train: bool) -> tuple[torch.Tensor, torch.Tensor]:
    """Images (N, 28, 28) uint8 and labels (N,) int64 of the training or the test split."""
    image_name, label_name = FILES[train]
    images = read_idx(raw_folder(root) / image_name, IMAGE_MAGIC)
    labels = read_idx(raw_folder(root) / label_name, LABEL_MAGIC)
    if len(images) == 0:
        raise DataError(f"{raw_folder(root) / image_name} holds no images; download MNIST again.")
    if len(images) != len(labels):
        raise DataError(
            f"{raw_folder(root) / image_name} has {len(images)} images but {label_name} has "
            f"{len(labels)} labels; download MNIST again."
        )
    return torch.from_numpy(images.copy()), torch.from_numpy(labels.astype(np.int64))


def normalize(pixels: torch.Tensor, mean: float = MNIST_MEAN, std: float = MNIST_STD) -> torch.Tensor:
    """uint8 or [0, 1] pixels (N, 28, 28) -> model input (N, 1, 28, 28), as in training."""
    # a fresh float copy, then in-place steps: the same arithmetic with a third of the memory traffic
    x = pixels.float().div_(255.0) if pixels.dtype == torch.uint8 else pixels.to(torch.float32, copy=True)
    if x.dim() == 3:
        x = x.unsqueeze(1)
    return x.sub_(mean).div_(std)


def split_indices(n: int, val_size: int, seed: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Seeded split of n training examples into (train, validation) indices.

    Same order as torch.utils.data.random_split([n - val_size, val_size]) with the same
    seed, so the fast path and the DataLoader path hold out the same images.
    """
    if not 0 < val_size < n:
        raise DataError(f"The validation split must hold between 1 and {n - 1} images, not {val_size}.")
    order = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    return order[: n - val_size], order[n - val_size :]


class TensorBatches:
    """The fast path: batches by index from tensors already in memory (on the GPU too)."""

    def __init__(
        self,
        images: torch.Tensor,
        labels: torch.Tensor,
        batch_size: int = 256,
        shuffle: bool = False,
        seed: int = 0,
    ) -> None:
        self.images, self.labels = images, labels
        self.batch_size, self.shuffle = batch_size, shuffle
        self.generator = torch.Generator().manual_seed(seed)

    def __len__(self) -> int:
        return (len(self.labels) + self.batch_size - 1) // self.batch_size

    @property
    def num_examples(self) -> int:
        return len(self.labels)

    def __iter__(self):
        n = len(self.labels)
        if self.shuffle:
            order = torch.randperm(n, generator=self.generator).to(self.labels.device)
            for start in range(0, n, self.batch_size):
                batch = order[start : start + self.batch_size]
                yield self.images[batch], self.labels[batch]
        else:
            for start in range(0, n, self.batch_size):
                yield self.images[start : start + self.batch_size], self.labels[start : start + self.batch_size]


@dataclass
class MNISTSplits:
    """The three loaders of a run: train and validation from the training images, test apart."""

    train: TensorBatches
    val: TensorBatches
    test: TensorBatches


def load_splits(
    root: Path,
    batch_size: int = 256,
    val_size: int = 5000,
    seed: int = 0,
    device: torch.device | str = "cpu",
    download: bool = True,
) -> MNISTSplits:
    """Fast path: all of MNIST as normalised tensors on `device`, split and batched by index."""
    ensure_mnist(root, download=download)
    device = torch.device(device)
    # channels_last makes a CPU epoch faster (benchmarks/train_speed.py), and bfloat16 needs it
    memory_format = torch.channels_last if device.type == "cpu" else torch.contiguous_format
    images, labels = load_mnist(root, train=True)
    train_idx, val_idx = split_indices(len(labels), val_size, seed)
    x = normalize(images).to(device).contiguous(memory_format=memory_format)
    y = labels.to(device)
    test_images, test_labels = load_mnist(root, train=False)
    x_test = normalize(test_images).to(device).contiguous(memory_format=memory_format)
    return MNISTSplits(
        train=TensorBatches(x[train_idx], y[train_idx], batch_size, shuffle=True, seed=seed),
        val=TensorBatches(x[val_idx], y[val_idx], 1000),
        test=TensorBatches(x_test, test_labels.to(device), 1000),
    )


def mnist_transform():
    """The torchvision transform that matches `normalize`: ToTensor, then Normalize."""
    from torchvision import transforms

    return transforms.Compose([transforms.ToTensor(), transforms.Normalize((MNIST_MEAN,), (MNIST_STD,))])


def mnist_dataset(root: Path, train: bool, transform=None, download: bool = True) -> Dataset:
    """torchvision's MNIST dataset after checking the files (the path the notebooks explain)."""
    from torchvision import datasets

    ensure_mnist(root, download=download)
    load_mnist(root, train)  # checks the files: a damaged one is named, not a deep traceback
    return datasets.MNIST(root, train=train, transform=transform or mnist_transform(), download=False)


def standard_loaders(
    root: Path, batch_size: int = 256, val_size: int = 5000, seed: int = 0, num_workers: int = 0
) -> tuple[DataLoader, DataLoader, DataLoader]:
    """DataLoaders for train, validation (held out of the training images) and test."""
    full_train = mnist_dataset(root, train=True)
    train_idx, val_idx = split_indices(len(full_train), val_size, seed)
    generator = torch.Generator().manual_seed(seed)
    train = DataLoader(Subset(full_train, train_idx.tolist()), batch_size, shuffle=True,
                       generator=generator, num_workers=num_workers)
    val = DataLoader(Subset(full_train, val_idx.tolist()), 1000, num_workers=num_workers)
    test = DataLoader(mnist_dataset(root, train=False), 1000, num_workers=num_workers)
    return train, val, test
