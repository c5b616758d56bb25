"""Helpers for the LeNet-5 on MNIST course, one folder per group of concerns.

- `learning`: MNIST, LeNet-5, training, evaluation, checkpoints (the learning core);
- `photos`: a photo of a handwritten digit made into what the model reads (the photo pipeline);
- `lessons`: the figures, widgets and self-checks the notebooks show;
- `instructor`: the course as graded assignments (nbgrader) and copies for students;
- at the top, what every folder shares: `errors`, `paths`, `files`, and the `lenet` command (`cli`).
"""

__version__ = "0.1.0"
