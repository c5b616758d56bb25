"""The learning core: MNIST in, LeNet-5, training, evaluation, checkpoints.

Data flows one way: `data` -> `model` -> `training` -> `checkpoint` -> `evaluation`; `device`
says where it runs and `augment` distorts training batches. Lessons import from here:
`from lenet_helpers.learning import LeNet5, TrainConfig, fit`.
"""

from .augment import random_affine, random_strokes
from .checkpoint import (
    bundled_weights_path,
    default_weights,
    describe,
    explain_accuracy,
    load_model,
    previous_path,
    read_checkpoint,
    save_checkpoint,
)
from .data import (
    MNIST_MEAN,
    MNIST_STD,
    TensorBatches,
    ensure_mnist,
    find_data_dir,
    load_mnist,
    load_splits,
    mnist_dataset,
    normalize,
    split_indices,
)
from .device import get_device, set_seed
from .evaluation import accuracy, confusion_matrix, per_class_accuracy, predict, report
from .model import LeNet5, LeNet5Classic, build_model, count_parameters, layer_table
from .training import History, TrainConfig, evaluate, fit, learning_rates, train_model

__all__ = [
    "MNIST_MEAN", "MNIST_STD", "History", "LeNet5", "LeNet5Classic", "TensorBatches", "TrainConfig", "accuracy",
    "build_model", "bundled_weights_path", "confusion_matrix", "count_parameters", "default_weights", "describe",
    "ensure_mnist", "evaluate", "explain_accuracy", "find_data_dir", "fit", "get_device", "layer_table",
    "learning_rates", "load_mnist", "load_model", "load_splits", "mnist_dataset", "normalize", "per_class_accuracy",
    "predict", "previous_path", "random_affine", "random_strokes", "read_checkpoint", "report", "save_checkpoint",
    "set_seed", "split_indices", "train_model",
]
