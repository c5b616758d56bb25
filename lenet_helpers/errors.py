"""The one exception type for mistakes a student can cause and fix."""


class LenetError(Exception):
    """A problem with the student's input (a path, a file, a setting), told in one sentence."""

    def _render_traceback_(self) -> list[str]:
        # IPython calls this instead of printing a traceback, so a notebook shows the
        # sentence alone, as the command line does.
        return [f"{type(self).__name__}: {self}"]


class DataError(LenetError):
    """MNIST files are missing, unreadable or damaged."""


class CheckpointError(LenetError):
    """A checkpoint file is missing, damaged or not one of ours."""


class ImageError(LenetError):
    """An image cannot be read or holds no digit."""


class TrainingError(LenetError):
    """Training cannot go on (for example the loss became NaN)."""
