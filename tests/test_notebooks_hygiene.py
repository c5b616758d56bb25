"""The notebooks as stored: no outputs, short cells, graded exercises at the end, numbered lessons."""

import json
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def test_the_course_has_its_lessons():
    names = [p.stem for p in NOTEBOOKS]
    assert names[:4] == ["01_dataset", "02_model_and_shapes", "03_training", "04_evaluation"]
    assert "05_own_handwriting" in names and "06_going_further" in names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_stored_without_outputs_and_with_short_cells(path):
    notebook = json.loads(path.read_text())
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        assert cell["outputs"] == [] and cell["execution_count"] is None, "clear outputs before committing"
        lines = "".join(cell["source"]).splitlines()
        assert len(lines) <= 15, f"a code cell of {len(lines)} lines is too long for a projector"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_ends_with_checkable_exercises(path):
    cells = json.loads(path.read_text())["cells"]
    headings = [i for i, c in enumerate(cells)
                if c["cell_type"] == "markdown" and "## Exercises" in "".join(c["source"])]
    assert headings, "each lesson ends with an Exercises section"
    after = "".join("".join(c["source"]) for c in cells[headings[-1]:] if c["cell_type"] == "code")
    assert 2 <= after.count("check(") <= 4


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_cell_is_marked_for_nbgrader_and_every_exercise_is_graded(path):
    from lenet_helpers.lessons.exercises import EXERCISES

    cells = json.loads(path.read_text())["cells"]
    marks = [c["metadata"].get("nbgrader") for c in cells]
    assert all(marks), "every cell is a solution, a test, or read-only (nbgrader metadata)"
    ids = [m["grade_id"] for m in marks]
    assert len(ids) == len(set(ids)) and all(id_.startswith(path.name[:2]) for id_ in ids)
    exercises = {name for name in EXERCISES if name.startswith(path.name[:2])}
    solutions = [i for i, m in enumerate(marks) if m["solution"] and cells[i]["cell_type"] == "code"]
    assert {f"{path.name[:2]}.{ids[i][3:]}" for i in solutions} == exercises
    for i in solutions:
        test, source = marks[i + 1], "".join(cells[i + 1]["source"])
        assert test["grade"] and test["locked"] and test["points"] > 0 and not test["solution"], "a test follows"
        name = f"{path.name[:2]}.{ids[i][3:]}"
        assert f'verify("{name}"' in source and "# BEGIN HIDDEN TESTS" in source and "# END HIDDEN TESTS" in source
        assert "# BEGIN SOLUTION" in "".join(cells[i]["source"]) and f'check("{name}"' in "".join(cells[i]["source"])
    for cell, mark in zip(cells, marks, strict=True):
        if not (mark["solution"] or mark["grade"]):
            assert mark["locked"], "the lesson's own cells are read-only in the graded copy"
        if cell["cell_type"] == "markdown" and mark["solution"]:  # an answer in words, graded by hand
            assert mark["grade"] and mark["points"] > 0 and "Rubric" in "".join(cell["source"])
