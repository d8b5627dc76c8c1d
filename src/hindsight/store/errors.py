"""Store errors, sorted into the user's environment (explained) and our bugs (logged).

Every environment error carries the path and a sentence saying what to do, so the GUI and
the CLI can show it as it is.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from hindsight.core.errors import HindsightError


class StoreError(HindsightError):
    """A problem with the database that the user can understand and act on."""

    what = "Hindsight cannot use this database."
    advice = ""
    short = "the database cannot be written (see the message)"  # for a status bar

    def __init__(self, path: Path | str, detail: str = "") -> None:
        self.path = Path(path)
        # SQLite's reports can span lines (quick_check does); the message stays one paragraph.
        self.detail = " ".join(detail.split())
        super().__init__(self.message)

    @property
    def message(self) -> str:
        """One paragraph naming the file, what is wrong and what to do."""
        text = f"{self.what} File: {self.path}."
        if self.detail:
            text += f" ({self.detail})"
        if self.advice:
            text += f" {self.advice}"
        return text


class NotADatabaseError(StoreError):
    what = "This file is not a Hindsight database."
    advice = (
        "Choose a database made by Hindsight, or create a new one (File ▸ New Database in the "
        "app, `hindsight init --db PATH` on the command line)."
    )


class CorruptDatabaseError(StoreError):
    what = "This database is damaged."
    advice = (
        "It was left untouched. Open your most recent backup (Hindsight keeps them in its "
        "backups folder), or ask for help recovering it."
    )


class DatabaseLockedError(StoreError):
    short = "another program holds the database locked"
    what = "Another program is holding this database locked."
    advice = "Close other programs using it, wait a moment and try again."


class ReadOnlyDatabaseError(StoreError):
    short = "the database cannot be written to"
    what = "Hindsight cannot write to this database."
    advice = (
        "Make the file and its folder writable for your user, or copy the file somewhere "
        "writable and open the copy."
    )


class DiskFullError(StoreError):
    short = "the disk is full"
    what = "The disk holding this database is full."
    advice = "Free some space, then try again; nothing was written."


class StorageIOError(StoreError):
    what = "The disk reported an error while reading or writing this database."
    advice = "Check the disk or network share it lives on, then try again."


class CannotOpenError(StoreError):
    what = "Hindsight cannot open this database."
    advice = "Check that the folder exists and that you may read and write in it."


class SchemaTooNewError(StoreError):
    what = "This database was made by a newer version of Hindsight."
    advice = "Update Hindsight to open it; the file was left untouched."


class SearchIndexDamagedError(StoreError):
    what = "The search index of this database is damaged or missing; the data itself is not."
    advice = "Rebuild the index with: hindsight check --repair"


class DatabaseGoneError(StoreError):
    short = "the database file was deleted, moved or replaced"
    what = (
        "The database file was deleted, moved or replaced while Hindsight had it open, so "
        "nothing more can be saved to it."
    )
    advice = (
        "Put the file back where it was, or open the database again (File ▸ Open Database): "
        "your unsaved edits are kept in the recovery journal and offered back when a database "
        "at this path opens again."
    )


class ConflictError(HindsightError):
    """Someone else saved the record since it was loaded; the caller decides what wins."""

    def __init__(self, key: str, expected: int, current: int) -> None:
        self.key = key
        self.expected = expected
        self.current = current
        # Who saved the other version, and when, where the history knows (services/history.py).
        self.changed_by: str | None = None
        self.changed_at: datetime | None = None
        super().__init__(
            f"{key} was changed elsewhere (version {current}, yours was based on {expected})."
        )


class NotFoundError(HindsightError, LookupError):
    """A record that is not (or no longer) in the database."""


# SQLite's primary result codes (the low byte of an extended code), as the sqlite3 module
# reports them in `sqlite_errorcode`; messages vary between versions, codes do not.
_SQLITE_CODES: dict[int, type[StoreError]] = {
    5: DatabaseLockedError,  # SQLITE_BUSY
    6: DatabaseLockedError,  # SQLITE_LOCKED
    8: ReadOnlyDatabaseError,  # SQLITE_READONLY
    10: StorageIOError,  # SQLITE_IOERR
    11: CorruptDatabaseError,  # SQLITE_CORRUPT
    13: DiskFullError,  # SQLITE_FULL
    14: CannotOpenError,  # SQLITE_CANTOPEN
    23: ReadOnlyDatabaseError,  # SQLITE_AUTH
    26: NotADatabaseError,  # SQLITE_NOTADB
}


# A virtual table (the full-text index) found itself inconsistent: rebuildable, data intact.
SQLITE_CORRUPT_VTAB = 267

_ERRNOS: dict[int, type[StoreError]] = {
    errno.ENOSPC: DiskFullError,
    errno.EDQUOT: DiskFullError,
    errno.EACCES: ReadOnlyDatabaseError,
    errno.EPERM: ReadOnlyDatabaseError,
    errno.EROFS: ReadOnlyDatabaseError,
    errno.ENOENT: CannotOpenError,
    errno.ENOTDIR: CannotOpenError,
    errno.EIO: StorageIOError,
}


LOW_SPACE = 1024 * 1024  # bytes: below this, a failed write is put down to a full disk


def full_disk_detail(path: Path | str) -> str | None:
    """Why a write next to `path` may have failed for lack of space, or None.

    SQLite reports a write refused for lack of space sometimes as "database or disk is full"
    and sometimes as a generic I/O error (a file-size limit, a write of the -shm file); the
    free space of the folder, and the process's file-size limit, tell the two apart.
    """
    folder = Path(path).parent
    try:
        stats = os.statvfs(folder)
    except (OSError, AttributeError):  # no such folder, or not a Unix system
        stats = None
    if stats is not None and stats.f_bavail * stats.f_frsize < LOW_SPACE:
        return f"{folder} has less than 1 MiB free"
    limit = _file_size_limit()
    if limit is not None:
        return f"files may be at most {limit:,} bytes here (the file-size limit, ulimit -f)"
    return None


def _file_size_limit() -> int | None:
    try:
        import resource
    except ImportError:  # Windows
        return None
    soft, _hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    return None if soft == resource.RLIM_INFINITY else soft


def classify(error: BaseException, path: Path | str) -> StoreError | None:
    """The environment error `error` stands for, or None when it is a bug of ours."""
    if isinstance(error, OSError):
        kind = _ERRNOS.get(error.errno or 0)
        if kind is None and error.errno == errno.EFBIG:
            return DiskFullError(path, full_disk_detail(path) or error.strerror or str(error))
        return kind(path, error.strerror or str(error)) if kind else None
    # SQLAlchemy wraps the driver's exception and keeps it as `orig`.
    original = getattr(error, "orig", error)
    if not isinstance(original, sqlite3.Error):
        return None
    code = getattr(original, "sqlite_errorcode", None)
    if code == SQLITE_CORRUPT_VTAB:
        return SearchIndexDamagedError(path, str(original))
    found = _SQLITE_CODES.get(code & 0xFF) if isinstance(code, int) else None
    if found is StorageIOError:
        detail = full_disk_detail(path)
        if detail is not None:
            return DiskFullError(path, detail)
    return found(path, str(original)) if found else None


@contextmanager
def environment_errors(path: Path | str) -> Iterator[None]:
    """Re-raise SQLite failures caused by the environment as StoreError; let bugs through."""
    try:
        yield
    except StoreError:
        raise
    except Exception as error:
        translated = classify(error, path)
        if translated is None:
            raise
        raise translated from error
