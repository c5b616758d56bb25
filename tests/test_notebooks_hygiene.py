"""The notebooks as stored: no outputs, short cells, exercises at the end, numbered lessons."""

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
