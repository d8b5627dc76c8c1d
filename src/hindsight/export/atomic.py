"""Writing files all or nothing: a temporary file in the target folder, then a rename.

A reader (or a crash) never sees half a document: either the old file (or none) is there,
or the complete new one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from hindsight.export.errors import WriteProblem


def write_atomic(path: Path | str, data: bytes) -> Path:
    """Write `data` to `path` atomically; WriteProblem (and no file) when it cannot be done."""
    path = Path(path)
    if path.is_dir():
        raise WriteProblem(path, "it is a folder")
    try:
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    except OSError as error:
        raise WriteProblem(path, error.strerror or str(error)) from error
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp makes the file owner-only; a document gets the usual permissions.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise WriteProblem(path, error.strerror or str(error)) from error
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
