"""Logging to a file in the user data directory, where bug tracebacks end up."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from hindsight.paths import DataDirError, log_path

_configured = False
MAX_BYTES = 1_000_000
KEEP = 3  # hindsight.log.1 ... .3


def _rotate(path: Path) -> None:
    # Once, when logging starts: a running app writes little, and this spares importing
    # logging.handlers on every start.
    try:
        if path.stat().st_size < MAX_BYTES:
            return
    except FileNotFoundError:
        return
    for number in range(KEEP - 1, 0, -1):
        older = path.with_name(f"{path.name}.{number}")
        if older.exists():
            os.replace(older, path.with_name(f"{path.name}.{number + 1}"))
    os.replace(path, path.with_name(f"{path.name}.1"))


def configure_logging() -> Path:
    """Send log records (INFO and up) to the log file once per process; return its path.

    DataDirError (a HindsightError naming the folder) when the data folder or the log file
    cannot be used.
    """
    global _configured
    path = log_path()
    if not _configured:
        try:
            _rotate(path)
            handler = logging.FileHandler(path, encoding="utf-8")
        except OSError as error:
            raise DataDirError(
                path.parent, f"the log file {path.name}: {error.strerror}"
            ) from error
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root = logging.getLogger()
        root.addHandler(handler)
        root.setLevel(logging.INFO)
        _configured = True
    return path
