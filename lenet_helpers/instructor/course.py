"""The lessons as nbgrader assignments: a course folder to grade in, and copies for students.

One set of markers, nbgrader's: solutions between `BEGIN SOLUTION` and `END SOLUTION`, hidden
tests between `BEGIN HIDDEN TESTS` and `END HIDDEN TESTS`, cells marked in their nbgrader
metadata. `init_course` writes an nbgrader course folder (`nbgrader_config.py` and
`source/<lesson>/<lesson>.ipynb` with what each lesson needs beside it); `nbgrader
generate_assignment` makes the students' release from it. `write_student_copies` is the same
release, made without a gradebook, for a class that does not use nbgrader.
"""

import json
import os
import shutil
import tempfile
from pathlib import Path

from ..errors import LenetError
from ..files import probe_folder, write_atomically
from .settings import nbgrader_config

CI_MARKER = "# NBVAL_CHECK_OUTPUT"  # the course's own CI: students do not need to see it
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS", "BEGIN MARK SCHEME",
           "END MARK SCHEME")
CODE_STUB = 'raise NotImplementedError("Exercise: write this function\'s body, then run the cell.")'
TEXT_STUB = "YOUR ANSWER HERE"
# what a lesson reads beside it, from the course folder: (lesson, path in the course)
LESSON_FILES = {
    "05_own_handwriting": ["images", "benchmarks/results/doubt.json"],
    "06_going_further": ["benchmarks/results/accuracy.json"],
}


def lessons(notebooks: Path) -> list[Path]:
    """The numbered lessons in a folder, in order; a folder without any is named."""
    found = sorted(Path(notebooks).glob("[0-9][0-9]_*.ipynb"))
    if not found:
        raise LenetError(f"{notebooks} holds no numbered lessons (01_....ipynb); pass --notebooks.")
    for path in found:
        if not path.is_file():  # a folder, a pipe or a device named like a lesson: reading it could hang
            raise LenetError(f"{path} is not a file; remove it or rename it, then try again.")
    return found


def read_lesson(path: Path) -> dict:
    """A lesson as JSON; a file that cannot be read, or is no notebook, is named."""
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise LenetError(f"Cannot read {path} ({error}); restore it.") from None
    except (json.JSONDecodeError, RecursionError) as error:
        where = f" (line {error.lineno})" if isinstance(error, json.JSONDecodeError) else " (nested too deeply)"
        raise LenetError(f"{path} is not valid notebook JSON{where}; restore it.") from None
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise LenetError(f"{path} has no list of cells, so it is not a notebook; restore it.")
    return notebook


def source_notebook(notebook: dict) -> dict:
    """The instructor's lesson as nbgrader's source: without the course's CI marks and outputs."""
    copy = json.loads(json.dumps(notebook))
    copy.setdefault("metadata", {})
    copy.setdefault("nbformat", 4)
    copy.setdefault("nbformat_minor", 5)
    for cell in copy["cells"]:
        if not isinstance(cell, dict):
            raise LenetError("A cell of the lesson is not a JSON object; restore the lesson.")
        cell.setdefault("metadata", {}).pop("expected_output", None)
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        cell["source"] = "\n".join(line for line in source.split("\n") if line.strip() != CI_MARKER)
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
    return copy


def init_course(root: Path, notebooks: Path, course_root: Path | None, data_dir: Path | None = None,
                force: bool = False) -> list[Path]:
    """Write an nbgrader course folder at `root`: its config and one source folder per lesson.

    `course_root` is the course folder the lessons' files (images, results) are copied from;
    `data_dir` is where grading reads MNIST. Everything is checked before the first write, and
    nothing already there is replaced unless `force`.
    """
    root = Path(root)
    try:
        root.exists()
    except OSError as error:
        raise LenetError(f"The folder name cannot be used ({error.strerror}); choose a shorter one.") from None
    paths = lessons(notebooks)
    sources = {path.stem: source_notebook(read_lesson(path)) for path in paths}
    files = {}
    for lesson, needed in LESSON_FILES.items():
        if lesson in sources:
            missing = [name for name in needed if course_root is None or not (course_root / name).exists()]
            if missing:
                raise LenetError(f"Lesson {lesson} needs {' and '.join(missing)} from the course folder, which is not "
                                 "here; run lenet course init inside the course folder.")
            files[lesson] = [(course_root / name, name) for name in needed]
    if root.exists() and not root.is_dir():
        raise LenetError(f"{root} is a file, not a folder; choose a folder for the course.")
    targets = [root / "nbgrader_config.py", *(root / "source" / name for name in sources)]
    there = [str(t.relative_to(root)) for t in targets if t.exists() or t.is_symlink()]
    if there and not force:
        raise LenetError(f"{root} already holds {', '.join(there)}; choose a new folder, or pass --force to "
                         "replace them (the gradebook and the students' work are never touched).")
    try:
        probe_folder(root)
    except OSError as error:
        raise LenetError(f"Cannot write in {root} ({error.strerror or error}); choose another folder.") from None
    written = [write_atomically(root / "nbgrader_config.py", lambda f: f.write(nbgrader_config(root.name, data_dir)),
                                binary=False)]
    for name, notebook in sources.items():
        folder = root / "source" / name
        if folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder)
        folder.mkdir(parents=True, exist_ok=True)
        text = json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"
        written.append(write_atomically(folder / f"{name}.ipynb", lambda f, text=text: f.write(text), binary=False))
        for origin, relative in files.get(name, []):
            target = folder / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            if origin.is_dir():
                shutil.copytree(origin, target, ignore=shutil.ignore_patterns(".*"))
            else:
                shutil.copy2(origin, target)
    return written


def release_notebook(notebook: dict) -> dict:
    """What a student gets of a lesson: nbgrader's release steps, without a gradebook."""
    import nbformat

    from .settings import nbgrader_preprocessors

    node = nbformat.from_dict(source_notebook(notebook))
    resources = {}
    for step in nbgrader_preprocessors():
        node, resources = step.preprocess(node, resources)
    return json.loads(nbformat.writes(node))


def write_student_copies(source_dir: Path, out_dir: Path, force: bool = False) -> list[Path]:
    """Write a student copy of every numbered lesson in source_dir into out_dir (nbgrader's release).

    Everything is checked before the first write: every lesson reads and releases cleanly, no
    copy would land on an instructor's lesson (the same file, through a link or a mount too),
    and no copy already there is replaced unless `force` (a student may have worked in it).
    """
    paths = lessons(source_dir)
    out_dir = Path(out_dir)
    if str(out_dir) in ("", "."):
        raise LenetError("Name a folder for the student copies (an empty name would mean this folder).")
    try:
        out_dir.exists()
    except OSError as error:
        raise LenetError(f"The folder name cannot be used ({error.strerror}); choose a shorter one.") from None
    if out_dir.exists() and not out_dir.is_dir():
        raise LenetError(f"{out_dir} is a file, not a folder; choose a folder for the student copies.")
    copies = {}
    for path in paths:
        notebook = read_lesson(path)
        try:
            copies[path] = json.dumps(release_notebook(notebook), indent=1, ensure_ascii=False) + "\n"
        except Exception as error:  # nbgrader refuses a marker without its end, in the wrong cell, bad metadata
            reason = str(error).strip().splitlines()[0].rstrip(".") if str(error).strip() else type(error).__name__
            raise LenetError(f"{path.name}: {reason}; mend the lesson's markers.") from None
    existing = []
    for path in paths:
        target = out_dir / path.name
        if _same_file(path, target) or _same_file(path.parent, out_dir):
            raise LenetError(f"{target} is the instructor's {path.name} itself; the copies would erase the "
                             "solutions, so choose another folder.")
        if target.is_dir():
            raise LenetError(f"{target} is a folder, not a notebook; remove it or choose another folder.")
        if target.is_file() and not target.is_symlink() and holds_markers(target):
            raise LenetError(f"{target} holds solutions (an instructor notebook?); the copies never replace "
                             "such a file, even with --force: choose another folder.")
        if target.exists() or target.is_symlink():
            existing.append(target.name)
    if existing and not force:
        raise LenetError(f"{out_dir} already holds {', '.join(existing)} (a student's work?); choose a new "
                         "folder, or pass --force to replace them.")
    try:
        probe_folder(out_dir)
        return write_all(out_dir, {path.name: text for path, text in copies.items()})
    except OSError as error:
        raise LenetError(f"Cannot write the copies in {out_dir} ({error.strerror or error}); none was written: "
                         "free some space or choose another folder.") from None


def write_all(folder: Path, texts: dict[str, str]) -> list[Path]:
    """Write every file or none: each to a temporary file first, renamed into place once all are written."""
    temporary = []
    try:
        for name, text in texts.items():
            handle, path = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
            temporary.append(Path(path))
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                file.write(text)
            os.chmod(path, 0o644)
    except BaseException:
        for path in temporary:
            path.unlink(missing_ok=True)
        raise
    for path, name in zip(temporary, texts, strict=True):
        os.replace(path, folder / name)
    return [folder / name for name in texts]


def holds_markers(path: Path) -> bool:
    """Whether a file holds any of nbgrader's markers (solutions, hidden tests), in any cell."""
    try:
        with open(path, encoding="utf-8", errors="replace") as file:
            text = file.read(50_000_000)
    except OSError:
        return False
    return any(marker in text for marker in MARKERS)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False
