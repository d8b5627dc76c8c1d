"""Logging to a file in the user data directory, where bug tracebacks end up."""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

from hindsight.paths import DataDirError, log_path

_configured = False


def configure_logging() -> Path:
    """Send log records (INFO and up) to the log file once per process; return its path.

    DataDirError (a HindsightError naming the folder) when the data folder or the log file
    cannot be used.
    """
    global _configured
    path = log_path()
    if not _configured:
        try:
            handler = RotatingFileHandler(path, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
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
