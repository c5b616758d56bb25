"""nbgrader's settings for the course: the config file `lenet course init` writes, and the release steps."""

from pathlib import Path

CELL_TIMEOUT = 120  # seconds a cell may run when graded; past it, it is interrupted and the rest runs on
EXCHANGE = "/srv/nbgrader/exchange"  # nbgrader's default: the folder every user of a JupyterHub reaches

CONFIG = '''"""nbgrader's settings for the LeNet-5 on MNIST course, written by `lenet course init`.

Run every nbgrader command in this folder. The steps, start to end, are in the course's README
("For instructors").
"""

import os

c = get_config()  # noqa: F821 (nbgrader provides it)

c.CourseDirectory.course_id = {course_id!r}
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))

# What students get: a solution becomes this line, a written answer this text.
c.ClearSolutions.code_stub = {{"python": {code_stub!r}}}
c.ClearSolutions.text_stub = {text_stub!r}

# Grading. Each cell may run {timeout} s; past that it is interrupted (0 points for what it tests)
# and the rest of the notebook is graded. The lessons that train run one epoch when graded.
c.Execute.timeout = {timeout}
c.Execute.interrupt_on_timeout = True
# A cell that kills the kernel (os._exit, a crash) costs that cell only: the kernel is restarted.
c.Autograde.autograde_preprocessors = [
    "lenet_helpers.instructor.grading.KeepGoing",
    "nbgrader.preprocessors.IgnorePattern",
    "nbconvert.preprocessors.ClearMetadataPreprocessor",
    "nbgrader.preprocessors.LimitOutput",
    "nbgrader.preprocessors.SaveAutoGrades",
    "nbgrader.preprocessors.AssignLatePenalties",
    "nbgrader.preprocessors.CheckCellMetadata",
]
# A test cell a student edited or deleted is put back as released before grading, and the
# notebook is flagged (formgrader shows the flag; the grade CSV has a "flagged" column).
c.Autograde.sanitize_preprocessors = [
    "nbgrader.preprocessors.ClearOutput",
    "nbgrader.preprocessors.DeduplicateIds",
    "nbgrader.preprocessors.OverwriteKernelspec",
    "lenet_helpers.instructor.grading.RestoreAndFlag",
    "nbgrader.preprocessors.CheckCellMetadata",
]
c.RestoreAndFlag.add_missing_cells = True
# Grading reads MNIST from one folder; nothing is downloaded per student.
{data_line}

# Feedback says which checks failed and why, never the hidden tests' code.
c.GenerateFeedback.preprocessors = [
    "nbgrader.preprocessors.GetGrades",
    "lenet_helpers.instructor.grading.HideHiddenTests",
    "nbconvert.preprocessors.CSSHTMLHeaderPreprocessor",
]
c.ExportApp.plugin_class = "lenet_helpers.instructor.grading.GradesWithFlags"

# Collecting from a learning platform's download (nbgrader zip_collect): Moodle and Canvas names.
c.ZipCollectApp.collector_plugin = "lenet_helpers.instructor.grading.LmsFileNames"

# Collecting on a JupyterHub (nbgrader's exchange): a folder every user of the hub can reach.
c.Exchange.root = {exchange!r}
'''


def nbgrader_config(course_id: str, data_dir: Path | None, exchange: str = EXCHANGE) -> str:
    """The text of the course's nbgrader_config.py."""
    from .course import CODE_STUB, TEXT_STUB

    if data_dir is None:
        data_line = ('# os.environ.setdefault("LENET_DATA_DIR", "/path/to/data")  # the folder holding MNIST/raw: '
                     "set it before grading")
    else:
        data_line = f'os.environ.setdefault("LENET_DATA_DIR", {str(Path(data_dir).resolve())!r})'
    return CONFIG.format(course_id=course_id or "lenet5", code_stub=CODE_STUB, text_stub=TEXT_STUB,
                         timeout=CELL_TIMEOUT, data_line=data_line, exchange=exchange)


def nbgrader_preprocessors() -> list:
    """nbgrader's own release steps, in its order, for copies made without a gradebook."""
    from traitlets.config import Config

    try:
        from nbgrader.preprocessors import (
            CheckCellMetadata,
            ClearHiddenTests,
            ClearMarkScheme,
            ClearOutput,
            ClearSolutions,
            LockCells,
        )
    except ImportError:
        from ..errors import LenetError

        raise LenetError("Student copies are made by nbgrader, which is not installed; install the instructor's "
                         "tools with pip install -e '.[instructor]'.") from None
    from .course import CODE_STUB, TEXT_STUB

    config = Config()
    config.ClearSolutions.code_stub = {"python": CODE_STUB}
    config.ClearSolutions.text_stub = TEXT_STUB
    steps = (LockCells, ClearSolutions, ClearOutput, CheckCellMetadata, ClearHiddenTests, ClearMarkScheme,
             CheckCellMetadata)
    return [step(config=config) for step in steps]
