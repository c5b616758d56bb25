"""Student copies of the notebooks: solution code between markers becomes a placeholder."""

import json
from pathlib import Path

from .errors import LenetError

BEGIN, END = "# BEGIN SOLUTION", "# END SOLUTION"
PLACEHOLDER = 'raise NotImplementedError("Exercise: replace this line with your answer, then run the cell.")'
CI_MARKER = "# NBVAL_CHECK_OUTPUT"  # for the course's CI only: students do not need to see it


def strip_solutions(source: str) -> str:
    """Replace every BEGIN/END SOLUTION block of a cell's source with the placeholder."""
    lines, out, inside, indent = source.splitlines(), [], False, ""
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if stripped == BEGIN:
            if inside:
                raise LenetError(f"A solution block opens twice (line {number}); close it with {END!r}.")
            inside, indent = True, line[: len(line) - len(line.lstrip())]
            out.append(f"{indent}{PLACEHOLDER}")
        elif stripped == END:
            if not inside:
                raise LenetError(f"{END!r} without {BEGIN!r} at line {number}.")
            inside = False
        elif not inside and stripped != CI_MARKER:
            out.append(line)
    if inside:
        raise LenetError(f"A solution block is never closed; add {END!r}.")
    return "\n".join(out)


def student_notebook(notebook: dict) -> dict:
    """A copy of a notebook (as JSON) with solutions and CI expectations stripped, no outputs."""
    copy = json.loads(json.dumps(notebook))
    for cell in copy["cells"]:
        if cell["cell_type"] != "code":
            continue
        cell["metadata"].pop("expected_output", None)
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        cell["source"] = strip_solutions(source)
        cell["outputs"], cell["execution_count"] = [], None
    return copy


def write_student_copies(source_dir: Path, out_dir: Path) -> list[Path]:
    """Write a student copy of every numbered notebook in source_dir into out_dir."""
    notebooks = sorted(Path(source_dir).glob("[0-9][0-9]_*.ipynb"))
    if not notebooks:
        raise LenetError(f"{source_dir} holds no numbered notebooks (01_....ipynb); pass --notebooks.")
    out_dir = Path(out_dir)
    if out_dir.resolve() == Path(source_dir).resolve():
        raise LenetError("The student copies would overwrite the instructor notebooks; choose another folder.")
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for path in notebooks:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        target = out_dir / path.name
        target.write_text(json.dumps(student_notebook(notebook), indent=1, ensure_ascii=False) + "\n",
                          encoding="utf-8")
        written.append(target)
    return written
