"""Where the course keeps MNIST and trained models: one place for the lenet command and the lessons.

The rule: inside a course folder (the one holding `notebooks/` and `lenet_helpers/`, found by
walking up from where you run), data go to its `data/` and models to its `runs/`, so `lenet
train` at the root and a lesson in `notebooks/` share them; outside a course (a student's copy of
the lessons, a JupyterHub home), or when the course folder cannot be written (one copy of the
course shared read-only on a server), a folder of the user's own (`~/.cache/lenet`).
`--data-dir` or `$LENET_DATA_DIR` choose another data folder. While nbgrader grades a lesson, the
lesson's own folder is the home: one student's model never meets another's.
"""

import os
from pathlib import Path

from .errors import LenetError

CHECKPOINT_NAME = "lenet5.pt"
PACKAGE = Path(__file__).parent  # in the course folder when installed with pip install -e


def course_root(start: str | os.PathLike | None = None) -> Path | None:
    """The course folder at or above `start` (default: where you run), or None outside a course."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "notebooks").is_dir() and (folder / "lenet_helpers").is_dir():
            return folder
    return None


def home_folder(start: str | os.PathLike | None = None) -> Path:
    """The folder holding `data/` and `runs/`: the course folder, else the user's own.

    While nbgrader grades (autograde), every student's lessons run as the same user, so the
    folder being graded (the student's own copy of the lesson) is the home instead.
    """
    if os.environ.get("NBGRADER_EXECUTION") == "autograde":
        return Path(start or Path.cwd()).resolve()
    root = course_root(start)
    return root if root is not None and writable(root / "runs") else user_folder()


def user_folder() -> Path:
    """The user's own folder for data and models, outside any course: ~/.cache/lenet."""
    return Path.home() / ".cache" / "lenet"


def writable(folder: Path) -> bool:
    """Whether files can be made in `folder`, or (not there yet) in the nearest folder above it that is."""
    for place in (folder, *folder.parents):
        if place.exists():
            return place.is_dir() and os.access(place, os.W_OK | os.X_OK)
    return False


def runs_dir() -> Path:
    """Where trained models are saved by default: `runs/` of the home folder."""
    return home_folder() / "runs"


def default_checkpoint() -> Path:
    """The checkpoint `lenet train` and lesson 03 write, and lesson 04 and `lenet evaluate` read."""
    return runs_dir() / CHECKPOINT_NAME


def course_file(*parts: str) -> Path:
    """A file or folder the course ships (images/, benchmarks/results/...).

    Looked for in the course folder you run in, then beside the lesson (an assignment's release
    carries what its lesson needs), then in the course the package was installed from (`pip
    install -e .` in the course folder): a student copy of the lessons made elsewhere still finds
    the sample photos and the saved results.
    """
    for root in (course_root(), Path.cwd(), course_root(PACKAGE)):
        if root and root.joinpath(*parts).exists():
            return root.joinpath(*parts)
    raise LenetError(f"Cannot find the course's {'/'.join(parts)} (not in this course folder, not beside the lesson, "
                     "nor where the package was installed from); open the lesson inside the course folder, or in "
                     "the folder of its assignment, which holds it.")


def results_file(name: str) -> Path:
    """A benchmark's saved results (benchmarks/results/NAME of the course), for the lessons."""
    try:
        return course_file("benchmarks", "results", name)
    except LenetError:
        raise LenetError(f"The saved results benchmarks/results/{name} are not here; open the lesson inside the "
                         f"course folder, or run benchmarks/{name.split('.')[0]}.py to make them.") from None
