"""Record the digests `check` compares with, from the solutions in the lessons, after a deliberate change.

    LENET_DATA_DIR=... python scripts/record_digests.py

Runs every lesson top to bottom in a fresh kernel (in notebooks/, as a student would), and after
each exercise's solution cell computes the digest of what the solution gives on the exercise's
own cases; the digests are written into lenet_helpers/lessons/exercises.py (DIGESTS). Nothing of
the solutions themselves is written anywhere. Look at `git diff` before committing.
"""

import re
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
EXERCISES_FILE = ROOT / "lenet_helpers" / "lessons" / "exercises.py"
PROBE = """from lenet_helpers.lessons.exercises import EXERCISES as _EXERCISES, outputs_digest as _digest
print("DIGEST {name}", _digest(_EXERCISES["{name}"], {function}))"""


def digests_of(path: Path) -> dict[str, str]:
    """Run one lesson with a probe after each solution cell; the digests it printed."""
    from lenet_helpers.lessons.exercises import EXERCISES

    notebook = nbformat.read(path, as_version=4)
    cells = []
    for cell in notebook.cells:
        cells.append(cell)
        grade = cell.metadata.get("nbgrader", {})
        name = f"{path.name[:2]}.{grade.get('grade_id', '')[3:]}"
        if cell.cell_type == "code" and grade.get("solution") and name in EXERCISES and not EXERCISES[name].reference:
            probe = PROBE.format(name=name, function=EXERCISES[name].function)
            cells.append(nbformat.v4.new_code_cell(probe))
    notebook.cells = cells
    where = {"metadata": {"path": str(path.parent)}}
    client = NotebookClient(notebook, timeout=900, allow_errors=True, resources=where)
    client.execute()
    found = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            for line in output.get("text", "").splitlines():
                if line.startswith("DIGEST "):
                    _, name, digest = line.split()
                    found[name] = digest
    return found


def main() -> int:
    from lenet_helpers.lessons.exercises import EXERCISES

    found = {}
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        found |= digests_of(path)
        print(f"{path.name}: {sum(name.startswith(path.name[:2]) for name in found)} digests")
    missing = sorted(name for name, exercise in EXERCISES.items() if not exercise.reference and name not in found)
    if missing:
        print(f"no digest for {', '.join(missing)} (a solution raised?); nothing written")
        return 1
    lines = [f'    "{name}": "{found[name]}",\n' for name in EXERCISES if name in found]
    block = "DIGESTS = {\n" + "".join(lines) + "}\n"
    text = re.sub(r"DIGESTS = \{\n.*?\}\n", lambda _: block, EXERCISES_FILE.read_text(), flags=re.S)
    EXERCISES_FILE.write_text(text)
    print(f"wrote {len(found)} digests into {EXERCISES_FILE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
