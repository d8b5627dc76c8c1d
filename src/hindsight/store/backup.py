"""Copies of a live database made with SQLite's online backup API."""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from hindsight.store.errors import environment_errors


def read_only_uri(path: Path) -> str:
    """A URI that opens `path` without any chance of writing to it."""
    return f"{path.resolve().as_uri()}?mode=ro"


def backup_file_name(source: Path, reason: str = "manual") -> str:
    """A time-stamped name for a backup of `source`."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
    return f"{source.stem}-{reason}-{stamp}.sqlite"


def backup_database(source: Path, destination: Path) -> Path:
    """Copy `source` to `destination` consistently, even while it is in use.

    The copy is written beside the destination and renamed into place, so a failed backup
    never leaves a half-written file behind.
    """
    with environment_errors(destination):
        destination.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = destination.with_name(destination.name + ".partial")
    try:
        with environment_errors(source):
            src = sqlite3.connect(read_only_uri(source), uri=True)
        try:
            with environment_errors(destination):
                fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                os.close(fd)
                dst = sqlite3.connect(partial)
                try:
                    src.backup(dst)
                finally:
                    dst.close()
        finally:
            src.close()
        with environment_errors(destination):
            os.replace(partial, destination)
    finally:
        for leftover in (partial, *(Path(f"{partial}{x}") for x in ("-wal", "-shm", "-journal"))):
            leftover.unlink(missing_ok=True)
    return destination
