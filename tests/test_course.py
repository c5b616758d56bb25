"""The lessons as nbgrader assignments: the course folder, the release, and student copies without a gradebook."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from lenet_helpers.errors import LenetError
from lenet_helpers.instructor.course import (
    CODE_STUB,
    LESSON_FILES,
    MARKERS,
    init_course,
    lessons,
    write_student_copies,
)

COURSE = Path(__file__).resolve().parent.parent
NOTEBOOKS = COURSE / "notebooks"
pytest.importorskip("nbgrader", reason="the instructor's tools are not installed (pip install -e '.[instructor]')")


def secret_lines(notebook: dict) -> list[str]:
    """Every line between solution, hidden-test or mark-scheme markers, in any cell."""
    lines, inside = [], False
    for cell in notebook["cells"]:
        for line in "".join(cell["source"]).splitlines():
            if any(marker in line for marker in MARKERS):
                inside = "BEGIN" in line
            elif inside and len(line.strip()) > 3:
                lines.append(line.strip())
    return lines


def assert_nothing_leaks(original: dict, copy: dict, name: str) -> None:
    secrets = secret_lines(original)
    assert secrets, f"{name} has no solutions or hidden tests between markers"
    text = "\n".join("".join(c["source"]) for c in copy["cells"])
    assert not any(marker in text for marker in MARKERS), f"{name} still holds a marker"
    assert "NBVAL" not in text and not any("expected_output" in c["metadata"] for c in copy["cells"])
    lines = {line.strip() for line in text.splitlines()}
    leaked = [line for line in secrets if line in lines and not line.startswith(("def ", '"""'))]
    assert not leaked, f"{name} still holds {leaked[:3]}"


def nbgrader(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=600, env=os.environ | {"PYTHONWARNINGS": "ignore"})


def test_init_writes_a_course_that_nbgrader_releases_without_solutions_or_hidden_tests(tmp_path):
    root = tmp_path / "course"
    written = init_course(root, NOTEBOOKS, COURSE, data_dir=tmp_path / "data")
    assert (root / "nbgrader_config.py") in written
    config = (root / "nbgrader_config.py").read_text()
    assert str((tmp_path / "data").resolve()) in config and "RestoreAndFlag" in config and "HideHiddenTests" in config
    for path in lessons(NOTEBOOKS):
        assert (root / "source" / path.stem / path.name).is_file()
        done = nbgrader("generate_assignment", path.stem, cwd=root)
        assert done.returncode == 0, done.stderr[-2000:]
        released = json.loads((root / "release" / path.stem / path.name).read_text())
        assert_nothing_leaks(json.loads(path.read_text()), released, path.name)
        assert CODE_STUB in "".join("".join(c["source"]) for c in released["cells"])
        for relative in LESSON_FILES.get(path.stem, []):
            assert (root / "release" / path.stem / relative).exists(), f"the release of {path.stem} lacks {relative}"
    assert len(list((root / "release" / "05_own_handwriting" / "images").glob("*.jpg"))) >= 20


def test_every_file_a_lesson_reads_from_the_course_travels_with_it():
    for path in lessons(NOTEBOOKS):
        text = path.read_text()
        wanted = re.findall(r'course_file\(\\"([^\\]+)\\"', text) + [
            f"benchmarks/results/{name}" for name in re.findall(r'results_file\(\\"([^\\]+)\\"', text)]
        for name in wanted:
            assert name in LESSON_FILES.get(path.stem, []), f"{path.name} reads {name}, which its release would lack"


def test_init_replaces_nothing_without_force_and_keeps_the_gradebook(tmp_path):
    root = tmp_path / "course"
    init_course(root, NOTEBOOKS, COURSE)
    (root / "gradebook.db").write_text("grades")
    with pytest.raises(LenetError, match="already holds nbgrader_config.py.*--force"):
        init_course(root, NOTEBOOKS, COURSE)
    init_course(root, NOTEBOOKS, COURSE, force=True)
    assert (root / "gradebook.db").read_text() == "grades"
    assert "set it before grading" in (root / "nbgrader_config.py").read_text()  # no data folder given
    (tmp_path / "file").write_text("")
    with pytest.raises(LenetError, match="is a file, not a folder"):
        init_course(tmp_path / "file", NOTEBOOKS, COURSE)
    with pytest.raises(LenetError, match="needs images and benchmarks/results/doubt.json from the course folder"):
        init_course(tmp_path / "elsewhere", NOTEBOOKS, None)


def test_student_copies_are_nbgrader_s_release_and_hold_no_solution(tmp_path):
    written = write_student_copies(NOTEBOOKS, tmp_path / "out")
    assert [p.name for p in written] == [p.name for p in lessons(NOTEBOOKS)]
    for path in written:
        copy = nbformat.read(path, as_version=4)
        nbformat.validate(copy)
        assert_nothing_leaks(json.loads((NOTEBOOKS / path.name).read_text()), json.loads(path.read_text()), path.name)
        locked = [c for c in copy.cells if c.metadata.get("nbgrader", {}).get("locked")]
        assert locked and all(c.metadata.get("editable") is False for c in locked)


def test_student_copy_runs_up_to_the_first_exercise(tmp_path):
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    [path] = [p for p in write_student_copies(NOTEBOOKS, tmp_path) if p.name.startswith("02_")]
    notebook = nbformat.read(path, as_version=4)
    with pytest.raises(CellExecutionError, match="NotImplementedError"):
        NotebookClient(notebook, timeout=300, resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    failed = [c for c in notebook.cells if c.cell_type == "code" and any(o.get("output_type") == "error"
                                                                         for o in c.get("outputs", []))]
    assert len(failed) == 1 and CODE_STUB in failed[0].source
    printed = "".join(o.get("text", "") for o in failed[0].outputs)
    assert "02.conv_parameters: not answered yet. Hint 1 of 2" in printed
    [plot] = [c for c in notebook.cells if "plot_feature_map_sizes(table)" in c.source]
    assert any("image/png" in o.get("data", {}) for o in plot.outputs), "figures must show in Jupyter"


def lesson_with(tmp_path: Path, *cells: dict) -> Path:
    folder = tmp_path / "lessons"
    folder.mkdir(exist_ok=True)
    notebook = nbformat.v4.new_notebook(cells=list(cells))
    nbformat.write(notebook, folder / "01_x.ipynb")
    return folder


def graded(kind: str, source: str, cell_type: str = "code") -> dict:
    make = nbformat.v4.new_code_cell if cell_type == "code" else nbformat.v4.new_markdown_cell
    cell = make(source)
    cell.metadata["nbgrader"] = {"grade": kind in ("test", "manual"), "grade_id": f"{kind}_{len(source)}",
                                 "locked": kind == "test", "solution": kind in ("solution", "manual"), "task": False,
                                 "schema_version": 3, **({"points": 1} if kind in ("test", "manual") else {})}
    return cell


@pytest.mark.parametrize("source", ["#BEGIN SOLUTION\nsecret = 42\n#END SOLUTION",
                                    "x = 1\n    ### BEGIN SOLUTION\n    secret = 42\n    ### END SOLUTION"])
def test_every_spelling_nbgrader_accepts_is_cleared(tmp_path, source):
    [copy] = write_student_copies(lesson_with(tmp_path, graded("solution", source)), tmp_path / "out")
    assert "secret = 42" not in copy.read_text() and "BEGIN" not in copy.read_text()


def test_markers_outside_the_cells_meant_for_them_are_refused_not_released(tmp_path):
    for cell in (nbformat.v4.new_markdown_cell("Answer: ### BEGIN SOLUTION\nsecret\n### END SOLUTION"),
                 nbformat.v4.new_code_cell("# BEGIN SOLUTION\nsecret = 42\n# END SOLUTION"),
                 nbformat.v4.new_code_cell("x = 1\n# BEGIN HIDDEN TESTS\nassert secret\n# END HIDDEN TESTS"),
                 graded("solution", "# BEGIN SOLUTION\nsecret = 42"),
                 graded("solution", "Answer:\n### BEGIN SOLUTION\nsecret\n### END SOLUTION", "markdown")):
        with pytest.raises(LenetError, match="01_x.ipynb: .*mend the lesson's markers"):
            write_student_copies(lesson_with(tmp_path, cell), tmp_path / "out")
        assert not (tmp_path / "out" / "01_x.ipynb").exists()
    answer = graded("manual", "Answer:\n### BEGIN SOLUTION\nsecret\n### END SOLUTION", "markdown")
    hidden_in_a_solution = graded("solution", "x = 1\n# BEGIN HIDDEN TESTS\nassert secret\n# END HIDDEN TESTS")
    [copy] = write_student_copies(lesson_with(tmp_path, answer, hidden_in_a_solution), tmp_path / "md")
    assert "secret" not in copy.read_text() and "YOUR ANSWER HERE" in copy.read_text()


def test_odd_files_named_like_lessons_are_one_sentence(tmp_path):
    folder = tmp_path / "lessons"
    folder.mkdir()
    os.mkfifo(folder / "01_pipe.ipynb")  # reading it would hang
    with pytest.raises(LenetError, match="01_pipe.ipynb is not a file"):
        write_student_copies(folder, tmp_path / "out")
    (folder / "01_pipe.ipynb").unlink()
    (folder / "01_deep.ipynb").write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(LenetError, match="not valid notebook JSON .nested too deeply."):
        write_student_copies(folder, tmp_path / "out")
    (folder / "01_deep.ipynb").write_text('{"cells": 3}')
    with pytest.raises(LenetError, match="no list of cells"):
        write_student_copies(folder, tmp_path / "out")
    with pytest.raises(LenetError, match="holds no numbered lessons"):
        write_student_copies(tmp_path / "empty", tmp_path / "out")


def test_copies_never_replace_the_instructor_s_lessons_nor_a_student_s_work_unasked(tmp_path):
    with pytest.raises(LenetError, match="instructor's 01_dataset.ipynb itself"):
        write_student_copies(NOTEBOOKS, NOTEBOOKS)
    with pytest.raises(LenetError, match="Name a folder"):
        write_student_copies(NOTEBOOKS, Path(""))
    out = tmp_path / "out"
    write_student_copies(NOTEBOOKS, out)
    (out / "01_dataset.ipynb").write_text('{"cells": [], "note": "a student\'s work"}')
    with pytest.raises(LenetError, match="already holds .* --force"):
        write_student_copies(NOTEBOOKS, out)
    assert "a student's work" in (out / "01_dataset.ipynb").read_text()
    write_student_copies(NOTEBOOKS, out, force=True)
    (out / "02_model_and_shapes.ipynb").write_text((NOTEBOOKS / "02_model_and_shapes.ipynb").read_text())
    with pytest.raises(LenetError, match="holds solutions .*even with --force"):
        write_student_copies(NOTEBOOKS, out, force=True)
