"""Helpers for the LeNet-5 on MNIST course: data, model, training, evaluation, own images."""

__version__ = "0.1.0"
