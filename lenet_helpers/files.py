"""Writing files safely: check a folder can be written before work starts, replace a file atomically."""

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def probe_folder(folder: Path) -> None:
    """Create the folder if needed and write a throwaway file in it; an OSError says why it cannot be."""
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryFile(dir=folder):
        pass


def write_atomically(path: Path, write: Callable, binary: bool = True, keep: Path | None = None) -> Path:
    """Write through a temporary file beside `path`, then rename it over `path`.

    A half-written file never replaces a good one, and a link at `path` is replaced itself,
    never the file it points to. `write(file)` writes the content to the open file. With `keep`,
    the file at `path` is moved there once the new content is safely written, not before.
    """
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb" if binary else "w", **({} if binary else {"encoding": "utf-8"})) as file:
            write(file)
        os.chmod(temporary, 0o644)  # mkstemp makes the file private; these are not
        if keep is not None and path.is_file():
            os.replace(path, keep)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
