import json
from pathlib import Path

import nbformat
import pytest
import torch

from lenet_helpers.errors import LenetError
from lenet_helpers.instructor.course import BEGIN, END, PLACEHOLDER, strip_solutions, write_student_copies
from lenet_helpers.lessons.exercises import EXERCISES, check, normalise, passed

NOTEBOOKS = Path(__file__).parent.parent / "notebooks"


def test_strip_solutions_keeps_indentation_and_the_rest():
    source = f"# NBVAL_CHECK_OUTPUT\nx = 1\nif True:\n    {BEGIN}\n    answer = 42\n    {END}\ncheck(answer)"
    assert strip_solutions(source) == f"x = 1\nif True:\n    {PLACEHOLDER}\ncheck(answer)"
    with pytest.raises(LenetError, match="never closed"):
        strip_solutions(f"{BEGIN}\nanswer = 1")


def solution_lines(notebook: dict) -> list[str]:
    lines, inside = [], False
    for cell in notebook["cells"]:
        for line in "".join(cell["source"]).splitlines():
            if line.strip() in (BEGIN, END):
                inside = line.strip() == BEGIN
            elif inside and line.strip():
                lines.append(line.strip())
    return lines


def test_student_copies_hold_no_solution_and_are_valid(tmp_path):
    written = write_student_copies(NOTEBOOKS, tmp_path)
    assert [p.name for p in written] == sorted(p.name for p in NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    for path in written:
        original = json.loads((NOTEBOOKS / path.name).read_text())
        solutions = solution_lines(original)
        assert solutions, f"{path.name} has no exercise solutions between markers"
        student = nbformat.read(path, as_version=4)
        nbformat.validate(student)
        text = "\n".join("".join(c["source"]) for c in student.cells if c.cell_type == "code")
        assert BEGIN not in text and END not in text and PLACEHOLDER in text
        assert "NBVAL" not in text and not any("expected_output" in c.metadata for c in student.cells)
        for line in solutions:
            assert line not in text.splitlines(), f"{path.name} still holds solution line {line!r}"


def test_student_copy_runs_up_to_the_first_exercise(tmp_path):
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    [path] = [p for p in write_student_copies(NOTEBOOKS, tmp_path) if p.name.startswith("02_")]
    notebook = nbformat.read(path, as_version=4)
    with pytest.raises(CellExecutionError, match="NotImplementedError"):
        NotebookClient(notebook, timeout=300, resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    failed = [c for c in notebook.cells if c.cell_type == "code" and any(o.get("output_type") == "error"
                                                                         for o in c.get("outputs", []))]
    assert len(failed) == 1 and PLACEHOLDER in failed[0].source
    [plot] = [c for c in notebook.cells if "plot_feature_map_sizes(table)" in c.source]
    assert any("image/png" in o.get("data", {}) for o in plot.outputs), "figures must show in Jupyter"


def test_checks_say_correct_or_hint_never_the_answer(capsys):
    assert passed("02.conv2_3x3", 880) is True
    assert passed("02.conv2_3x3", 864) is False
    assert passed("02.conv2_3x3", ...) is None
    check("02.conv2_3x3", 880)
    check("02.conv2_3x3", 864)
    check("02.conv2_3x3", ...)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "02.conv2_3x3: correct!"
    assert lines[1].startswith("02.conv2_3x3: not yet. Hint 1 of 2: ") and "880" not in lines[1]
    assert lines[2].startswith("02.conv2_3x3: not answered yet. Hint 1 of 2: ")
    assert not any("880" in hint or "2416" in hint for item in EXERCISES.values() for hint in item.hints)
    assert passed("04.weakest_digit", 5, per_class=[1, 1, 1, 1, 1, 0.5, 1, 1, 1, 1])
    assert passed("05.step", " Stroke") and passed("01.grey_pixel", 2.1215)
    assert all(item.digest or item.compute for item in EXERCISES.values())


def test_hints_come_in_steps_a_nudge_first(capsys):
    check("02.receptive_field", 5)
    check("02.receptive_field", ..., hint=2)  # what the first hint says to type for more
    check("02.receptive_field", 5, hint=9)  # past the last: the last
    first, second, last = capsys.readouterr().out.splitlines()
    assert "Hint 1 of 2" in first and "hint=2" in first
    assert "Hint 2 of 2" in second and "more:" not in second and second.split(": ", 2)[2] == last.split(": ", 2)[2]
    assert all(len(item.hints) >= 2 and len(set(item.hints)) == len(item.hints) for item in EXERCISES.values())


def test_checks_accept_every_tied_answer_and_spelling_variants():
    matrix = torch.tensor([[5, 3, 0], [3, 5, 1], [0, 0, 5]])  # (0, 1) and (1, 0) tie
    assert passed("04.most_confused", (0, 1), matrix=matrix) and passed("04.most_confused", (1, 0), matrix=matrix)
    assert not passed("04.most_confused", (1, 2), matrix=matrix)
    history = type("History", (), {"val_acc": [0.98, 0.99, 0.99]})()
    assert passed("03.best_epoch", 2, history=history) and passed("03.best_epoch", 3, history=history)
    assert passed("04.weakest_digit", 0, per_class=[0.9, 0.9, 1.0])
    assert passed("04.weakest_digit", 1, per_class=[0.9, 0.9, 1.0])
    assert {passed("05.step", answer) for answer in ("Stroke", " stroke ", "STROKE")} == {True}
    assert normalise("Line polarity") == normalise("line_polarity") == normalise("line-polarity")
    weak = torch.tensor([[8, 2, 0], [1, 4, 0], [0, 0, 9]])  # digit 1 is weakest (4 of 5): 1 mistake
    assert passed("04.weakest_mistakes", 1, matrix=weak) and not passed("04.weakest_mistakes", 3, matrix=weak)
    tied = torch.tensor([[8, 2], [1, 4]])  # 0.8 each: 2 or 1 mistakes, both right
    assert passed("04.weakest_mistakes", 2, matrix=tied) and passed("04.weakest_mistakes", 1, matrix=tied)
    runs = [{"name": "modern, constant lr 1e-3", "val_acc": 0.99}, {"name": "modern, one-cycle", "val_acc": 0.98},
            {"name": "modern, one-cycle, augmentation", "val_acc": 0.995}]
    assert passed("06.schedule", "modern, constant lr 1e-3", results=runs)  # of the two, not of every row
    assert not passed("06.schedule", "modern, one-cycle, augmentation", results=runs)
