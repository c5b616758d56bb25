"""The course's additions to nbgrader, named in the nbgrader_config.py that `lenet course init` writes.

- `RestoreAndFlag`: a test cell a student edited or deleted is put back as released (nbgrader's
  own OverwriteCells), and the notebook is flagged in the gradebook for the instructor to see.
- `KeepGoing`: nbgrader's Execute, which goes on past a cell that kills the kernel (nbgrader would
  give the whole notebook 0): the kernel is restarted, the cells before run again, the rest graded.
- `HideHiddenTests`: feedback shows which checks failed and why, not the hidden tests' code nor
  their traceback (nbgrader's default feedback shows both: nbgrader issue #1363).
- `GradesWithFlags`: nbgrader's grade CSV with a "flagged" column.
- `LmsFileNames`: `nbgrader zip_collect` for the file names Moodle and Canvas give a download.

Only the instructor needs these (and nbgrader): students never import this module.
"""

import copy
import csv
import re
from pathlib import Path

from jupyter_core.utils import run_sync
from nbclient.exceptions import DeadKernelError
from nbformat import NotebookNode
from nbgrader import utils
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.plugins import CsvExportPlugin, FileNameCollectorPlugin
from nbgrader.preprocessors import ClearHiddenTests, Execute, OverwriteCells
from traitlets import Integer


class RestoreAndFlag(OverwriteCells):
    """nbgrader's OverwriteCells, which also flags the notebook when a student changed a read-only cell.

    nbgrader puts every read-only cell back as the instructor wrote it, hidden tests included, and
    so reports a "changed" checksum for every cell that holds hidden tests, edited or not. A cell
    is edited here when it differs from what the student was given: the instructor's cell without
    its hidden tests. A deleted read-only cell, or changed points, flag the notebook too.
    """

    def preprocess(self, nb, resources):
        self.edited = set()
        present = {cell.metadata.get("nbgrader", {}).get("grade_id") for cell in nb.cells}
        nb, resources = super().preprocess(nb, resources)
        student = resources["nbgrader"]["student"]
        with Gradebook(self.db_url) as gradebook:
            notebook = gradebook.find_notebook(self.notebook_id, self.assignment_id)
            locked = {cell.name for cell in notebook.source_cells if cell.locked}
            missing = (locked | {cell.name for cell in notebook.grade_cells}) - present
            if self.edited or missing:
                submission = gradebook.find_submission_notebook(self.notebook_id, self.assignment_id, student)
                submission.flagged = True
                gradebook.db.commit()
        for what, cells in (("changed", self.edited), ("deleted", missing)):
            if cells:
                self.log.warning("%s %s cell(s) %s of %s that grading relies on (read-only cells or nbgrader's "
                                 "marks): put back as released, notebook flagged", student, what,
                                 ", ".join(sorted(cells)), self.notebook_id)
        return nb, resources

    def preprocess_cell(self, cell, resources, cell_index):
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id:
            try:
                released = self.gradebook.find_source_cell(grade_id, self.notebook_id, self.assignment_id)
            except MissingEntry:  # a cell the student marked as graded: plain again, and flagged
                self.edited.add(grade_id)
                del cell.metadata["nbgrader"]
                return cell, resources
            if released.locked and _without_hidden_tests(released.source).rstrip() != cell.source.rstrip():
                self.edited.add(grade_id)
            if self._restore_marks(cell, grade_id):
                self.edited.add(grade_id)
        return super().preprocess_cell(cell, resources, cell_index)

    def _restore_marks(self, cell, grade_id: str) -> bool:
        """Put back what nbgrader's metadata says the cell is (solution, graded, points); whether it had changed."""
        marks = cell.metadata["nbgrader"]
        before = dict(marks)
        try:
            graded = self.gradebook.find_graded_cell(grade_id, self.notebook_id, self.assignment_id)
        except MissingEntry:
            graded = None
        try:
            self.gradebook.find_solution_cell(grade_id, self.notebook_id, self.assignment_id)
            marks["solution"] = True
        except MissingEntry:
            marks["solution"] = False
        marks["grade"] = graded is not None
        if graded is None:
            marks.pop("points", None)
        else:
            marks["points"] = float(graded.max_score)
        return any(before.get(key) != marks.get(key) for key in ("solution", "grade")) or (
            graded is not None and float(before.get("points", -1)) != marks["points"])

    def report_change(self, name, attr, old, new):
        if attr != "checksum":  # a checksum differs for every cell with hidden tests; the source is compared above
            self.edited.add(name)
        super().report_change(name, attr, old, new)


def _without_hidden_tests(source: str) -> str:
    """A cell's source as released: nbgrader's ClearHiddenTests, line by line."""
    lines, hidden = [], False
    for line in source.split("\n"):
        if ClearHiddenTests.begin_test_delimeter.default_value in line:
            hidden = True
        elif ClearHiddenTests.end_test_delimeter.default_value in line:
            hidden = False
        elif not hidden:
            lines.append(line)
    return "\n".join(lines)


class KeepGoing(Execute):
    """nbgrader's Execute, going on past a cell that kills the kernel: only that cell's points are lost.

    A student's `os._exit`, a crash in native code or running out of memory kill the kernel, and
    nbgrader then stops grading the notebook (every test 0). Here the cell gets an error, the
    kernel is restarted, the cells before it are run again (their outputs kept from the first run),
    and grading goes on. After `restarts` deaths in one notebook, nbgrader's behaviour is back.
    """

    restarts = Integer(3, help="kernel deaths survived in one notebook").tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        self.died = set()
        return super().preprocess(nb, resources, km)

    def preprocess_cell(self, cell, resources, index):
        try:
            return super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            if len(self.died) >= self.restarts:
                raise
        self.died.add(index)
        self.log.warning("The kernel died in cell %d; restarting it and running the cells before again", index)
        run_sync(self.km.restart_kernel)(now=True)
        run_sync(self.kc.wait_for_ready)(timeout=self.startup_timeout)
        for before, earlier in enumerate(self.nb.cells[:index]):
            if before not in self.died and earlier.cell_type == "code":
                self.execute_cell(copy.deepcopy(earlier), before, store_history=True)
                self.nb.cells[before] = earlier  # the first run's outputs stay in the graded notebook
        cell.outputs = [NotebookNode(output_type="error", ename="DeadKernelError",
                                     evalue="the kernel died while this cell ran (os._exit, a crash, or out of memory)",
                                     traceback=["DeadKernelError: the kernel died while this cell ran"])]
        self.nb.cells[index] = cell
        return cell, self.resources


class HideHiddenTests(ClearHiddenTests):
    """For feedback: the hidden tests' code taken out, and a failed test told in one line, not a traceback."""

    def preprocess_cell(self, cell, resources, cell_index):
        if not (cell.cell_type == "code" and utils.is_grade(cell) and not utils.is_solution(cell)):
            return cell, resources  # a student's own cells stay as written, markers of their own included
        cell, resources = super().preprocess_cell(cell, resources, cell_index)
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                output["traceback"] = [f"{output.get('ename', 'Error')}: {output.get('evalue', '')}".rstrip(": ")]
        return cell, resources


class GradesWithFlags(CsvExportPlugin):
    """nbgrader's grade CSV, with a column naming the notebooks flagged in each submission."""

    def export(self, gradebook: Gradebook) -> None:
        super().export(gradebook)
        path = Path(self.to or "grades.csv")
        with open(path, newline="") as file:
            rows = list(csv.DictReader(file))
        for row in rows:
            try:
                submission = gradebook.find_submission(row["assignment"], row["student_id"])
            except MissingEntry:
                row["flagged"] = ""
                continue
            row["flagged"] = " ".join(sorted(nb.name for nb in submission.notebooks if nb.flagged))
        fields = [*(rows[0].keys() if rows else ["assignment", "student_id"]), *([] if rows else ["flagged"])]
        with open(path, "w", newline="") as file:
            writer = csv.DictWriter(file, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows)


class LmsFileNames(FileNameCollectorPlugin):
    """Student and notebook from the names a learning platform gives the files of a download.

    Canvas: `doejane_12345_67890_01_dataset.ipynb` (`_LATE_` after the name when late, `-1` before
    the extension when uploaded again): the student is the user number (12345). Moodle:
    `Jane Doe_12345_assignsubmission_file_01_dataset.ipynb`, or the file inside a folder of that
    name: the student is the number Moodle gives. Any other name is skipped, said in the log (a
    Mac's `__MACOSX/._*` leftovers too); `named_regexp`, when set, replaces both for other platforms.
    """

    CANVAS = re.compile(r"^[^_]+_(?:LATE_)?(?P<student_id>\d+)_\d+_(?P<file_id>.+?)(?:-\d+)?(?P<ext>\.ipynb)$")
    MOODLE = re.compile(r"^(?P<name>.+?)_(?P<student_id>\d+)_assignsubmission_(?:file|onlinetext)_(?P<rest>.*)$")

    def collect(self, submitted_file: str):
        if self.named_regexp:
            return super().collect(submitted_file)
        path = Path(submitted_file)
        if path.suffix not in self.valid_ext or path.name.startswith("._") or "__MACOSX" in path.parts:
            return None
        canvas = self.CANVAS.match(path.name)
        if canvas:
            return {"student_id": canvas["student_id"], "file_id": canvas["file_id"] + canvas["ext"]}
        for name, file_id in ((path.name, None), (path.parent.name, path.name)):
            moodle = self.MOODLE.match(name)
            if moodle and (file_id or moodle["rest"]):
                return {"student_id": moodle["student_id"], "file_id": file_id or moodle["rest"]}
        self.log.warning("Cannot tell the student from %s (not a Moodle or Canvas name); skipped", path.name)
        return None
