"""Simulated students for the grading tests and benchmark: what each hands in, made from the release."""

import ast
import copy
import json
import re
import shutil
from pathlib import Path

MARKERS = ("BEGIN SOLUTION", "END SOLUTION")


def grading(cell: dict) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def solution_code(source_cell: dict) -> str:
    """The instructor's solution cell without its markers: what a student who solved it wrote."""
    return "\n".join(line for line in "".join(source_cell["source"]).split("\n")
                     if not any(marker in line for marker in MARKERS))


def written_answer(source_cell: dict) -> str:
    """The instructor's model answer of a question in words (between the markers), rubric left out."""
    text = "".join(source_cell["source"])
    inside = text.split("BEGIN SOLUTION", 1)[1].split("END SOLUTION", 1)[0]
    return inside.split("*Rubric", 1)[0].strip("# \n")


def hard_coded(code: str, value) -> str:
    """The exercise's function, returning `value` whatever it is given (a number copied from elsewhere)."""
    name, arguments = re.search(r"def (\w+)\((.*?)\):", code).groups()
    usage = code.split("\n\n\ncheck(", 1)[1]
    return f"def {name}({arguments}):\n    return {value!r}\n\n\ncheck({usage}"


def submission(release: dict, source: dict, kind: str, answers: dict | None = None) -> dict:
    """A student's notebook: `kind` is solver, untouched, hardcoder, looper, editor, crasher or forger.

    The hardcoder returns `answers[grade_id]` (what another student's run printed); the looper,
    editor and crasher go wrong in the first exercise only; the forger changes nbgrader's metadata.
    """
    notebook = copy.deepcopy(release)
    solutions = {grading(c)["grade_id"]: c for c in source["cells"] if grading(c).get("solution")}
    first = True
    for cell in notebook["cells"]:
        mark = grading(cell)
        if kind == "untouched" or not mark:
            continue
        if mark.get("solution") and cell["cell_type"] == "code":
            code = solution_code(solutions[mark["grade_id"]])
            if kind == "hardcoder" or (kind == "editor" and first):
                code = hard_coded(code, (answers or {}).get(mark["grade_id"], 42))
            elif kind == "looper" and first:
                code = re.sub(r'(    """.*?"""\n)', r"\1    while True:\n        pass\n", code, count=1, flags=re.S)
            elif kind == "crasher" and first:
                code = re.sub(r'(    """.*?"""\n)', r"\1    import os\n\n    os._exit(1)\n", code, count=1, flags=re.S)
            elif kind == "forger":
                mark.update(grade=True, points=10)  # a solution cell claiming points of its own
            cell["source"] = code
            first = False
        elif mark.get("solution"):  # a question in words
            cell["source"] = "" if kind == "hardcoder" else written_answer(solutions[mark["grade_id"]])
        elif mark.get("grade") and kind == "editor":
            cell["source"] = "pass  # the test, edited away"
        elif mark.get("grade") and kind == "forger":
            mark["points"] = 100
    if kind == "forger":
        bonus = {"cell_type": "code", "execution_count": None, "id": "bonus", "outputs": [], "source": "pass",
                 "metadata": {"nbgrader": {"grade": True, "grade_id": "bonus", "locked": True, "points": 50,
                                           "schema_version": 3, "solution": False, "task": False}}}
        notebook["cells"].append(bonus)
    return notebook


def hand_in(course: Path, student: str, lesson: str, kind: str, answers: dict | None = None) -> Path:
    """Put a simulated student's notebook (and the release's other files) where nbgrader collects it."""
    release = course / "release" / lesson
    source = json.loads((course / "source" / lesson / f"{lesson}.ipynb").read_text())
    notebook = submission(json.loads((release / f"{lesson}.ipynb").read_text()), source, kind, answers)
    folder = course / "submitted" / student / lesson
    folder.mkdir(parents=True, exist_ok=True)
    for extra in release.iterdir():
        if extra.name != f"{lesson}.ipynb":
            (shutil.copytree if extra.is_dir() else shutil.copy)(extra, folder / extra.name)
    path = folder / f"{lesson}.ipynb"
    path.write_text(json.dumps(notebook, indent=1))
    return path


def printed_answers(graded: Path) -> dict:
    """What a graded notebook's exercises printed, by grade_id: the numbers a classmate could copy."""
    found = {}
    for cell in json.loads(graded.read_text())["cells"]:
        if grading(cell).get("solution") and cell["cell_type"] == "code":
            streams = [o for o in cell.get("outputs", []) if o.get("output_type") == "stream"]
            text = "".join("".join(o.get("text", "")) for o in streams)
            last = text.strip().splitlines()[-1] if text.strip() else ""
            value = last.rsplit(": ", 1)[-1].removesuffix(" steps").removesuffix(" pixels wide").strip()
            value = value.split(" becomes ")[-1].split("epoch ")[-1]
            try:
                found[grading(cell)["grade_id"]] = ast.literal_eval(value)
            except (ValueError, SyntaxError):
                found[grading(cell)["grade_id"]] = value
    return found
