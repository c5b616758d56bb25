"""Student copies of the notebooks: solution code between markers becomes a placeholder."""

import json
import os
from pathlib import Path

from ..errors import LenetError
from ..files import probe_folder, write_atomically

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


def student_notebook(notebook: dict, name: str = "the notebook") -> dict:
    """A copy of a notebook (as JSON) with solutions and CI expectations stripped, no outputs."""
    copy = json.loads(json.dumps(notebook))
    cells = copy.get("cells") if isinstance(copy, dict) else None
    if not isinstance(cells, list):
        raise LenetError(f"{name} has no list of cells, so it is not a notebook; restore it.")
    for number, cell in enumerate(cells, 1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        cell.setdefault("metadata", {}).pop("expected_output", None)
        source = "".join(cell.get("source", "")) if isinstance(cell.get("source"), list) else cell.get("source", "")
        try:
            cell["source"] = strip_solutions(str(source))
        except LenetError as error:
            raise LenetError(f"{name}, cell {number}: {error}") from None
        cell["outputs"], cell["execution_count"] = [], None
    return copy


def write_student_copies(source_dir: Path, out_dir: Path, force: bool = False) -> list[Path]:
    """Write a student copy of every numbered notebook in source_dir into out_dir.

    Everything is checked before the first write: every notebook reads and strips cleanly, no
    copy would land on an instructor notebook (the same file, through a link or a mount too), and
    no copy already there is replaced unless `force` (a student may have worked in it).
    """
    notebooks = sorted(Path(source_dir).glob("[0-9][0-9]_*.ipynb"))
    if not notebooks:
        raise LenetError(f"{source_dir} holds no numbered notebooks (01_....ipynb); pass --notebooks.")
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise LenetError(f"{out_dir} is a file, not a folder; choose a folder for the student copies.")
    copies = {path: _student_text(path) for path in notebooks}
    existing = []
    for path in notebooks:
        target = out_dir / path.name
        if _same_file(path, target) or _same_file(path.parent, out_dir):
            raise LenetError(f"{target} is the instructor's {path.name} itself; the copies would erase the "
                             "solutions, so choose another folder.")
        if target.is_dir():
            raise LenetError(f"{target} is a folder, not a notebook; remove it or choose another folder.")
        if target.is_file() and BEGIN in target.read_text(encoding="utf-8", errors="replace"):
            raise LenetError(f"{target} holds solutions (an instructor notebook?); the copies never replace "
                             "such a file, even with --force: choose another folder.")
        if target.exists() or target.is_symlink():
            existing.append(target.name)
    if existing and not force:
        raise LenetError(f"{out_dir} already holds {', '.join(existing)} (a student's work?); choose a new "
                         "folder, or pass --force to replace them.")
    try:
        probe_folder(out_dir)
    except OSError as error:
        raise LenetError(f"Cannot write in {out_dir} ({error.strerror or error}); choose another folder.") from None
    written = []
    for path, text in copies.items():
        written.append(write_atomically(out_dir / path.name, lambda file, text=text: file.write(text), binary=False))
    return written


def _student_text(path: Path) -> str:
    """The student copy of one notebook as text; a notebook that cannot be read is named."""
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise LenetError(f"Cannot read {path} ({error}); restore it.") from None
    except json.JSONDecodeError as error:
        raise LenetError(f"{path} is not valid notebook JSON (line {error.lineno}); restore it.") from None
    return json.dumps(student_notebook(notebook, path.name), indent=1, ensure_ascii=False) + "\n"


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False
