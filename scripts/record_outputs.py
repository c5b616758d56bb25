"""Re-record what CI expects of the checked cells, after a deliberate change to a lesson.

    LENET_DATA_DIR=... python scripts/record_outputs.py [notebooks/02_model_and_shapes.ipynb ...]

Runs each lesson top to bottom in a fresh kernel (in notebooks/, as a student would), takes the
printed text of every cell marked `# NBVAL_CHECK_OUTPUT`, and stores it in that cell's metadata
under "expected_output", where the nbval glue (conftest.py) finds it. The notebook is written
back without outputs. A cell that raised stops the recording of its notebook, which is left as
it was. Look at `git diff` before committing: a changed expectation is a changed lesson.
"""

import argparse
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
MARKER = "# NBVAL_CHECK_OUTPUT"


def printed_text(cell) -> str:
    return "".join(output.get("text", "") for output in cell.outputs if output.get("output_type") == "stream")


def record(path: Path) -> int:
    """Re-record one notebook's expectations; the number of checked cells whose text changed."""
    notebook = nbformat.read(path, as_version=4)
    ran = nbformat.read(path, as_version=4)
    NotebookClient(ran, timeout=900, resources={"metadata": {"path": str(path.parent)}}).execute()
    changed = 0
    for stored, executed in zip(notebook.cells, ran.cells, strict=True):
        if stored.cell_type != "code" or MARKER not in stored.source:
            continue
        text = printed_text(executed)
        changed += stored.metadata.get("expected_output") != text
        stored.metadata["expected_output"] = text
    nbformat.write(notebook, path)
    return changed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="lessons to re-record (default: all)")
    paths = parser.parse_args().notebooks or sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    failed = False
    for path in paths:
        try:
            print(f"{path.name}: {record(path)} checked cell(s) changed")
        except CellExecutionError as error:
            failed = True
            print(f"{path.name}: a cell raised, nothing recorded ({str(error).strip().splitlines()[-1]})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
