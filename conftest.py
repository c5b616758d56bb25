"""nbval glue for the lessons: compare cells marked NBVAL_CHECK_OUTPUT with their metadata.

The notebooks are stored without outputs (students start from a clean page), so the
expected text of a checked cell lives in its metadata under "expected_output" and is put
in place of the stored output before nbval compares. It lives at the course root, not in
notebooks/, so the students' folder holds only the lessons; scripts/record_outputs.py
re-records the expected texts after a deliberate change.
"""

import nbformat


def pytest_collection_modifyitems(items):
    for item in items:
        cell = getattr(item, "cell", None)
        if cell is None or "expected_output" not in cell.get("metadata", {}):
            continue
        expected = cell.metadata["expected_output"]
        item.cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=expected)]
        item.cell.execution_count = 1  # nbval compares only cells that ran in the reference
