"""The read-only look at a database file before anything may write to it.

Plain sqlite3, without SQLAlchemy, so the app can look at (and list) a database before the
rest of the store has loaded. A file that is not a Hindsight database, is damaged or was
made by a newer Hindsight is refused here with a StoreError, untouched.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from hindsight.store.backup import read_only_uri
from hindsight.store.errors import (
    CorruptDatabaseError,
    NotADatabaseError,
    SchemaTooNewError,
    environment_errors,
)
from hindsight.store.schema import KNOWN_REVISIONS

SQLITE_NOTADB = 26  # "file is not a database"


@dataclass(frozen=True, slots=True)
class Inspection:
    """What the read-only look at an existing file found."""

    revision: str  # the Alembic revision its schema is at
    journal_mode: str
    checked: bool = False  # True when SQLite's quick check ran (the file was not closed cleanly)


def closed_cleanly(path: Path) -> bool:
    """True when nothing of the database lies outside its main file.

    The last connection to close removes the write-ahead log; a log holding anything, or a
    rollback journal, means a crash, a kill, or another program still using the file. An empty
    log holds nothing to recover: the last checkpoint completed.
    """
    if Path(f"{path}-journal").exists():
        return False
    try:
        return Path(f"{path}-wal").stat().st_size == 0
    except FileNotFoundError:
        return True


def quick_check(connection: sqlite3.Connection, path: Path) -> None:
    """Raise CorruptDatabaseError if SQLite's quick check finds damage."""
    check = connection.execute("PRAGMA quick_check(1)").fetchone()
    if check is None or check[0] != "ok":
        raise CorruptDatabaseError(path, str(check[0]) if check else "")


def inspect_file(path: Path) -> Inspection:
    """Look at `path` without writing to it; raise a StoreError if it cannot be used.

    The quick check runs here only when the file was not closed cleanly: on a large database
    it costs a noticeable part of a second, so otherwise it runs after the window is shown.
    """
    if not path.is_file():
        raise NotADatabaseError(path, "it is a folder or a special file")
    # Creating a database is explicit (a new path): an existing file, even an empty one, is
    # only ever opened, never turned into a database.
    with environment_errors(path):
        empty = path.stat().st_size == 0
    if empty:
        raise NotADatabaseError(path, "the file is empty")
    # The file is never opened but through SQLite, which refuses one that is not a database
    # (SQLITE_NOTADB, below). Opening and closing it any other way, even to read its first
    # bytes, would drop every lock this process's own connections hold on it (POSIX locks
    # belong to the process and go with any descriptor's close): the next program to close
    # the database would then think itself the last and delete the -wal and -shm files under
    # the app, whose saves would from then on reach no file.
    uri = read_only_uri(path)
    # Even a read-only reader of a WAL database creates -wal and -shm files beside it, and
    # leaves them behind. With no -wal or -journal file there is nothing pending outside the
    # main file, so it can be read as immutable: no side files, and no need for a writable
    # folder before the writable check can explain what is wrong.
    clean = closed_cleanly(path)
    if clean:
        uri += "&immutable=1"
    with environment_errors(path):
        connection = sqlite3.connect(uri, uri=True)
        try:
            try:
                tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
            except sqlite3.DatabaseError as error:
                if getattr(error, "sqlite_errorcode", None) == SQLITE_NOTADB:
                    raise NotADatabaseError(path) from None
                raise
            if not clean:
                quick_check(connection, path)
            journal = connection.execute("PRAGMA journal_mode").fetchone()[0]
            if not tables:
                raise NotADatabaseError(path, "it is an empty SQLite database, not Hindsight's")
            if "alembic_version" not in tables or "incidents" not in tables:
                raise NotADatabaseError(path, "it is an SQLite database of another program")
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            connection.close()
    if row is None:
        raise NotADatabaseError(path, "its schema version is missing; it was never set up fully")
    revision = row[0]
    if revision not in KNOWN_REVISIONS:
        raise SchemaTooNewError(path, f"schema revision {revision!r}")
    return Inspection(revision=revision, journal_mode=journal, checked=not clean)
