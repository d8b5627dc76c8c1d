"""Opening a Hindsight database safely, and the sessions repositories work in.

Opening goes in two steps. First the file is inspected through a read-only connection
(store/inspection.py): a file that is not a database, is damaged, belongs to a newer Hindsight
or cannot be written is refused with a clear message before anything could touch it. Only
then is the real engine made, a backup taken if migrations are due, and the schema brought up
to date. Creating a database is explicit: a new path, never an existing file.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import sqlite3
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hindsight.store.backup import backup_database, backup_file_name, read_only_uri
from hindsight.store.errors import (
    CannotOpenError,
    CorruptDatabaseError,
    DatabaseGoneError,
    DiskFullError,
    NotADatabaseError,
    ReadOnlyDatabaseError,
    StorageIOError,
    environment_errors,
    full_disk_detail,
)
from hindsight.store.inspection import inspect_file, quick_check
from hindsight.store.postgres_url import ServerAddress, is_server_url
from hindsight.store.schema import HEAD_REVISION, upgrade_to_head

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
# SQLite's page cache per connection, in KiB (it grows only with the pages read). The default
# 2 MB is less than one search reads (a first page of three words about 3 MB, the bench's
# fourteen kinds of query together about 25 MB): each search then read its pages again from
# the file, about 2 ms of system time for three words. 32 MiB keeps them between searches.
PAGE_CACHE_KIB = 32768
_WRITE = "hindsight_write"


def _check_writable(path: Path) -> None:
    if not os.access(path, os.W_OK):
        raise ReadOnlyDatabaseError(path, "the file is read-only")
    # WAL needs to create its -wal and -shm files beside the database.
    if not os.access(path.parent, os.W_OK | os.X_OK):
        raise ReadOnlyDatabaseError(path, "its folder is read-only")


def _file_identity(path: Path) -> tuple[int, int] | None:
    """The device and inode of the file at `path` (None when there is none)."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino


def _side_files(path: Path) -> list[Path]:
    return [Path(f"{path}{suffix}") for suffix in ("-wal", "-shm", "-journal")]


def _claim(temporary: Path, path: Path) -> None:
    """Give `temporary` the name `path`, never over a file (FileExistsError if one is there)."""
    try:
        os.link(temporary, path)
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
            raise
        # A file system without hard links: take the name first, then move the file in.
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        os.replace(temporary, path)


def _fold_wal(dbapi_connection: Any, path: Path) -> None:
    """Copy everything in the -wal file into the database file, or raise a StoreError.

    Closing the last connection does this too, but silently gives up on a full disk: the
    database file alone would then miss what the -wal file held.
    """
    # On the driver's connection: through SQLAlchemy it would run inside a transaction,
    # where a checkpoint is refused.
    busy, pending, copied = dbapi_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    if busy or pending != copied:
        detail = full_disk_detail(path)
        if detail is not None:
            raise DiskFullError(path, detail)
        raise StorageIOError(path, "its -wal file could not be written into the database file")


def create_database_file(path: Path) -> None:
    """Make a new, empty Hindsight database at `path`, owner-only; StoreError if it cannot.

    The database is built under a temporary name in the same folder and takes its name only
    when complete, so a failure (a full disk, say) leaves neither a half-made file nor its
    -wal and -shm files behind. FileExistsError if `path` exists.
    """
    with environment_errors(path):
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".new")
    os.close(fd)  # mkstemp makes it owner-only (0600)
    temporary = Path(name)
    try:
        engine = _make_engine(temporary)
        try:
            with environment_errors(path), engine.connect() as connection:
                with connection.execution_options(**{_WRITE: True}).begin():
                    upgrade_to_head(connection)
                _fold_wal(connection.connection.dbapi_connection, path)
        finally:
            engine.dispose()
        with environment_errors(path):
            _claim(temporary, path)
    finally:
        for leftover in (temporary, *_side_files(temporary)):
            leftover.unlink(missing_ok=True)


def _make_engine(path: Path) -> Engine:
    # Imported here: a file opened at the head revision needs no engine until its first ORM
    # read or write, and SQLAlchemy's import is most of what start-up would otherwise wait on.
    from sqlalchemy import create_engine, event
    from sqlalchemy.engine import URL

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
        cursor.execute(f"PRAGMA cache_size=-{PAGE_CACHE_KIB}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        write = connection.get_execution_options().get(_WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


class Database:
    """An open Hindsight database: sessions for reading and writing, backups, checks."""

    dialect = "sqlite"

    def __init__(self, path: Path, engine: Engine | None = None) -> None:
        """`engine` None: made (importing SQLAlchemy) the first time a session needs it."""
        self.path = path
        self._engine = engine
        self._writer_engine: Engine | None = None
        self._engine_lock = threading.Lock()
        # The file opened: a write to a file deleted or replaced since would go nowhere.
        self._identity = _file_identity(path)

    @property
    def engine(self) -> Engine:
        """SQLAlchemy's engine on the database (made on first use)."""
        engine = self._engine
        if engine is None:
            with self._engine_lock:
                if self._engine is None:
                    self._engine = _make_engine(self.path)
                engine = self._engine
        return engine

    @property
    def engine_made(self) -> bool:
        """True once the engine exists (SQLAlchemy is imported by then)."""
        return self._engine is not None

    @property
    def _writer(self) -> Engine:
        writer = self._writer_engine
        if writer is None:
            writer = self._writer_engine = self.engine.execution_options(**{_WRITE: True})
        return writer

    @property
    def location(self) -> str:
        """What names the database to a user: its file, or a server address."""
        return str(self.path)

    @property
    def name(self) -> str:
        """A short name for window titles."""
        return self.path.name

    @property
    def own_connections(self) -> frozenset[int]:
        """Server process ids of this client's connections (none for a file)."""
        return frozenset()

    @classmethod
    def open(
        cls,
        path: Path | str | ServerAddress,
        *,
        create: bool = True,
        backup_dir: Path | None = None,
    ) -> Database:
        """Open (or create) the database at `path`, migrating it after a backup if needed.

        A team database's address opens a ServerDatabase, which is never created or migrated
        here (store/postgres.py).
        """
        if isinstance(path, str) and is_server_url(path):
            # Never a file: Path() would fold "//" and make folders named after the address.
            path = ServerAddress.parse(path)
        if isinstance(path, ServerAddress):
            from hindsight.store.postgres import ServerDatabase

            return ServerDatabase.open(path)
        path = Path(path).expanduser().absolute()
        try:
            exists = path.exists()
        except OSError as error:  # a folder on the way that may not be entered
            raise CannotOpenError(path, error.strerror or str(error)) from error
        if not exists:
            if not create:
                raise NotADatabaseError(path, "there is no such file")
            # Made by someone else meanwhile (FileExistsError): look at it like any other file.
            with contextlib.suppress(FileExistsError):
                create_database_file(path)
        inspection = inspect_file(path)
        _check_writable(path)
        if inspection.revision != HEAD_REVISION:
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
        database = cls(path)
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
        from sqlalchemy.orm import Session

        with environment_errors(self.path), Session(self.engine, expire_on_commit=False) as s:
            yield s

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A session whose transaction holds the write lock from its first statement."""
        from sqlalchemy.orm import Session

        self.check_still_there()
        with (
            environment_errors(self.path),
            Session(self._writer, expire_on_commit=False) as session,
            session.begin(),
        ):
            yield session

    def check_still_there(self) -> None:
        """Raise DatabaseGoneError if the file opened is no longer at its path.

        SQLite keeps writing to a file deleted under it (or to the old one when another file
        was put in its place) and reports success: the saves would be lost with the app's
        last connection. A stat per write transaction tells it first.
        """
        if self._identity is not None and _file_identity(self.path) != self._identity:
            raise DatabaseGoneError(self.path)

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

    def checkpoint(self) -> None:
        """Write everything of the -wal file into the database file now (StoreError if the
        disk refuses), so that the file alone holds the whole database."""
        with environment_errors(self.path):
            connection = self.engine.raw_connection()
            try:
                _fold_wal(connection.dbapi_connection, self.path)
            finally:
                connection.close()

    def close(self) -> None:
        """Release every connection (the WAL files go away with the last one)."""
        if self._engine is not None:
            self._engine.dispose()
