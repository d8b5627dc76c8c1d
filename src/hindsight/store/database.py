"""Opening a Hindsight database safely, and the sessions repositories work in.

Opening goes in two steps. First the file is inspected through a read-only connection: a
file that is not a database, is damaged, belongs to a newer Hindsight or cannot be written is
refused with a clear message before anything could touch it. Only then is the real engine
made, a backup taken if migrations are due, and the schema brought up to date.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Engine
from sqlalchemy.orm import Session

from hindsight.store.backup import backup_database, backup_file_name, read_only_uri
from hindsight.store.errors import (
    CorruptDatabaseError,
    NotADatabaseError,
    ReadOnlyDatabaseError,
    environment_errors,
)
from hindsight.store.inspection import Inspection, inspect_file, quick_check
from hindsight.store.schema import HEAD_REVISION, upgrade_to_head

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
_WRITE = "hindsight_write"


def _check_writable(path: Path) -> None:
    if not os.access(path, os.W_OK):
        raise ReadOnlyDatabaseError(path, "the file is read-only")
    # WAL needs to create its -wal and -shm files beside the database.
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise ReadOnlyDatabaseError(path, "its folder is read-only")


def _create_empty(path: Path) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)


def _make_engine(path: Path) -> Engine:
    # URL.create keeps the path verbatim; in a URL string "?" and "%" in a file name would be
    # parsed as a query or an escape, and SQLite would silently open a different file.
    engine = create_engine(
        URL.create("sqlite+pysqlite", database=str(path)),
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # We issue BEGIN ourselves so that writes can take the lock up front.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        write = connection.get_execution_options().get(_WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


class Database:
    """An open Hindsight database: sessions for reading and writing, backups, checks."""

    def __init__(self, path: Path, engine: Engine) -> None:
        self.path = path
        self.engine = engine
        self._writer = engine.execution_options(**{_WRITE: True})

    @classmethod
    def open(
        cls, path: Path | str, *, create: bool = True, backup_dir: Path | None = None
    ) -> Database:
        """Open (or create) the database at `path`, migrating it after a backup if needed."""
        path = Path(path).expanduser().absolute()
        if not path.exists():
            if not create:
                raise NotADatabaseError(path, "there is no such file")
            with environment_errors(path):
                _create_empty(path)
            inspection = Inspection(revision=None, journal_mode="delete")
        else:
            inspection = inspect_file(path)
            _check_writable(path)
        if inspection.revision not in (None, HEAD_REVISION):
            if not inspection.checked:
                # An upgrade rewrites tables: never on a damaged file, whatever it costs.
                reader = sqlite3.connect(read_only_uri(path), uri=True)
                try:
                    with environment_errors(path):
                        quick_check(reader, path)
                finally:
                    reader.close()
            target = (backup_dir or path.parent) / backup_file_name(
                path, f"before-upgrade-from-{inspection.revision}"
            )
            backup_database(path, target)
            log.info("backed up %s to %s before upgrading its schema", path, target)
        database = cls(path, _make_engine(path))
        if inspection.revision != HEAD_REVISION:
            try:
                with (
                    environment_errors(path),
                    database.engine.connect() as connection,
                    connection.execution_options(**{_WRITE: True}).begin(),
                ):
                    upgrade_to_head(connection)
            except BaseException:
                database.close()
                raise
        return database

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; environment errors come out as StoreError."""
        with environment_errors(self.path), Session(self.engine, expire_on_commit=False) as s:
            yield s

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session whose transaction holds the write lock from its first statement."""
        with (
            environment_errors(self.path),
            Session(self._writer, expire_on_commit=False) as session,
            session.begin(),
        ):
            yield session

    def backup(self, destination: Path) -> Path:
        """A consistent copy of the database at `destination`."""
        return backup_database(self.path, destination)

    def integrity_problems(self) -> list[str]:
        """What SQLite's integrity and foreign-key checks report; empty when all is well."""
        with environment_errors(self.path), self.engine.connect() as connection:
            rows = connection.exec_driver_sql("PRAGMA integrity_check").fetchall()
            problems = [row[0] for row in rows if row[0] != "ok"]
            for table, rowid, parent, _ in connection.exec_driver_sql("PRAGMA foreign_key_check"):
                problems.append(f"row {rowid} of {table} points to a missing {parent} row")
        return problems

    def quick_problems(self) -> list[str]:
        """What SQLite's quick check finds; empty when the file is sound (slow on big files)."""
        connection = sqlite3.connect(read_only_uri(self.path), uri=True)
        try:
            with environment_errors(self.path):
                rows = connection.execute("PRAGMA quick_check").fetchall()
        except CorruptDatabaseError as error:
            return [error.detail or "the file is damaged"]
        finally:
            connection.close()
        return [row[0] for row in rows if row[0] != "ok"]

    def schema_revision(self) -> str | None:
        """The Alembic revision the database is at."""
        with environment_errors(self.path), self.engine.connect() as connection:
            row = connection.exec_driver_sql("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None

    def close(self) -> None:
        """Release every connection (the WAL files go away with the last one)."""
        self.engine.dispose()
