"""A quick run of the lessons that train: one epoch instead of five, when asked or when graded."""

import os

OFF = ("", "0", "false", "no")


def quick_run() -> str | None:
    """Why this run is a quick one, or None for the full lesson.

    Quick when the student sets LENET_QUICK (before starting Jupyter), or when nbgrader runs the
    lesson to grade it (it sets NBGRADER_EXECUTION): the exercises are graded on the student's own
    run either way, and a class is graded in minutes instead of an hour.
    """
    if os.environ.get("LENET_QUICK", "0").strip().lower() not in OFF:
        return "LENET_QUICK is set"
    if os.environ.get("NBGRADER_EXECUTION"):
        return "nbgrader is grading this lesson"
    return None
