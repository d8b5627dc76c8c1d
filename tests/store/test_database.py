"""Opening, creating and refusing database files; sorting SQLite errors for the user."""

from __future__ import annotations

import errno
import os
import pwd
import shutil
import sqlite3
import stat
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy import select

import hindsight.store.database as database_module
from hindsight.core.incident import Incident
from hindsight.store.database import Database
from hindsight.store.errors import (
    CannotOpenError,
    CorruptDatabaseError,
    DatabaseGoneError,
    DatabaseLockedError,
    DiskFullError,
    NotADatabaseError,
    ReadOnlyDatabaseError,
    SchemaTooNewError,
    StorageIOError,
    StoreError,
    classify,
    environment_errors,
)
from hindsight.store.incidents import IncidentRepository
from hindsight.store.models import IncidentRow
from hindsight.store.schema import HEAD_REVISION

# -- helpers ----------------------------------------------------------------------------------


def snapshot(path: Path) -> tuple[bytes, int, int, list[str]]:
    """Everything a refused open must leave as it was: bytes, mtime, mode, and the folder."""
    info = path.stat()
    return path.read_bytes(), info.st_mtime_ns, info.st_mode, sorted(os.listdir(path.parent))


def assert_refused(path: Path, kind: type[StoreError]) -> StoreError:
    """Open `path`, expect `kind`, and check the file and its folder were not touched."""
    before = snapshot(path)
    with pytest.raises(kind) as caught:
        Database.open(path)
    assert snapshot(path) == before
    error = caught.value
    assert type(error) is kind
    assert str(path) in error.message
    assert str(error) == error.message
    assert "\n" not in error.message
    return error


@pytest.fixture
def opened(db_path: Path) -> Iterator[Database]:
    database = Database.open(db_path)
    try:
        yield database
    finally:
        database.close()


def pragma(database: Database, name: str) -> object:
    with database.engine.connect() as connection:
        return connection.exec_driver_sql(f"PRAGMA {name}").scalar()


def garbage(size: int) -> bytes:
    """Bytes that no SQLite page could hold (a fixed pattern, so failures repeat)."""
    return bytes((i * 151 + 7) % 256 for i in range(size))


def make_corrupt(source: Path, target: Path) -> Path:
    """A copy of `source` whose pages after the first are overwritten with garbage."""
    shutil.copy(source, target)
    data = bytearray(target.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    assert len(data) // page_size >= 3, "the demo database should span several pages"
    data[page_size:] = garbage(len(data) - page_size)
    target.write_bytes(bytes(data))
    return target


# -- creating and reopening -------------------------------------------------------------------


def test_create_new_database(opened: Database, db_path: Path) -> None:
    assert opened.path == db_path
    assert db_path.is_file()
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(db_path.parent.stat().st_mode) == 0o700
    assert pragma(opened, "journal_mode") == "wal"
    assert pragma(opened, "foreign_keys") == 1
    assert pragma(opened, "synchronous") == 1  # NORMAL
    assert pragma(opened, "busy_timeout") == database_module.BUSY_TIMEOUT_MS
    assert opened.schema_revision() == HEAD_REVISION
    assert opened.integrity_problems() == []


def test_new_file_is_wal_for_other_connections_too(opened: Database, db_path: Path) -> None:
    connection = sqlite3.connect(db_path)
    try:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        connection.close()


def test_reopen_keeps_data_and_revision(db_path: Path, tmp_path: Path) -> None:
    database = Database.open(db_path)
    IncidentRepository(database).create(Incident(title="kept"))
    database.close()
    backups = tmp_path / "backups"
    again = Database.open(db_path, backup_dir=backups)
    try:
        assert again.schema_revision() == HEAD_REVISION
        assert [s.title for s in IncidentRepository(again).list_summaries()] == ["kept"]
    finally:
        again.close()
    # Nothing was due, so nothing was backed up.
    assert not backups.exists()


def test_create_false_refuses_a_missing_file(db_path: Path) -> None:
    with pytest.raises(NotADatabaseError) as caught:
        Database.open(db_path, create=False)
    assert str(db_path) in caught.value.message
    assert not db_path.exists()


@pytest.mark.parametrize("content", [b"", b"SQLite format 3\x00" + bytes(4080)], ids=["zero", "x"])
def test_an_existing_file_is_never_turned_into_a_database(db_path: Path, content: bytes) -> None:
    db_path.parent.mkdir()
    db_path.write_bytes(content)
    db_path.chmod(0o644)
    with pytest.raises(NotADatabaseError) as caught:
        Database.open(db_path)
    assert str(db_path) in caught.value.message
    assert db_path.read_bytes() == content  # untouched
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o644
    assert os.listdir(db_path.parent) == [db_path.name]


def test_an_empty_sqlite_database_of_another_program_is_refused(db_path: Path) -> None:
    db_path.parent.mkdir()
    sqlite3.connect(db_path).execute("VACUUM").connection.close()
    before = db_path.read_bytes()
    with pytest.raises(NotADatabaseError, match="empty SQLite database"):
        Database.open(db_path)
    assert db_path.read_bytes() == before


def test_a_failed_creation_leaves_nothing(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(connection: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(database_module, "upgrade_to_head", full)
    with pytest.raises(DiskFullError) as caught:
        Database.open(db_path)
    assert str(db_path) in caught.value.message
    assert os.listdir(db_path.parent) == []


@pytest.mark.parametrize("name", ["what?x=1.sqlite", "100%20done.sqlite", "a#b c.sqlite"])
def test_file_names_with_url_characters(tmp_path: Path, name: str) -> None:
    # The engine must open the very file that was inspected and created, not a look-alike.
    path = tmp_path / "dbs" / name
    database = Database.open(path)
    try:
        IncidentRepository(database).create(Incident(title="here"))
    finally:
        database.close()
    assert os.listdir(path.parent) == [name]
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("SELECT title FROM incidents").fetchall() == [("here",)]
    finally:
        connection.close()


def test_foreign_keys_are_enforced(opened: Database) -> None:
    from hindsight.store.models import TeamInvolvementRow

    with pytest.raises(sa_exc.IntegrityError), opened.write() as session:
        session.add(TeamInvolvementRow(incident_id=999, team="SRE", part=""))


def test_close_removes_the_wal_files(db_path: Path) -> None:
    database = Database.open(db_path)
    IncidentRepository(database).create(Incident(title="x"))
    database.close()
    assert sorted(os.listdir(db_path.parent)) == [db_path.name]


def test_looking_at_an_open_database_keeps_its_connections_locks(db_path: Path) -> None:
    # Reading the file's first bytes with open() and closing it dropped every POSIX lock the
    # process held on it: the next program to close the database (any `hindsight` command)
    # then took itself for the last and deleted the -wal and -shm files under the open
    # database, whose saves went nowhere from then on.
    import subprocess
    import sys

    from hindsight.store.inspection import inspect_file

    database = Database.open(db_path)
    repository = IncidentRepository(database)
    stored = repository.create(Incident(title="before"))
    inspect_file(db_path)  # as the app does when it lists or opens the file again
    probe = (
        "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]);"
        "print(c.execute('SELECT title FROM incidents WHERE id = ?', (int(sys.argv[2]),))"
        ".fetchone()[0]); c.close()"
    )
    command = [sys.executable, "-c", probe, str(db_path), str(stored.id)]
    assert subprocess.run(command, capture_output=True, text=True, check=True).stdout == "before\n"
    assert Path(f"{db_path}-wal").exists()  # the other program knew it was not the last
    repository.save(replace(stored, title="after"))
    assert subprocess.run(command, capture_output=True, text=True, check=True).stdout == "after\n"
    database.close()


@pytest.mark.parametrize("how", ["deleted", "moved", "replaced"])
def test_a_save_to_a_file_gone_from_its_path_is_refused(
    db_path: Path, tmp_path: Path, how: str
) -> None:
    # SQLite writes on to a file deleted under it and says nothing: the app said "Saved" and
    # the edits were lost with its last connection (found by trying the app: rm, then type).
    database = Database.open(db_path)
    repository = IncidentRepository(database)
    stored = repository.create(Incident(title="before"))
    if how == "deleted":
        db_path.unlink()
    elif how == "moved":
        db_path.rename(tmp_path / "elsewhere.sqlite")
    else:
        other = tmp_path / "other.sqlite"
        shutil.copy(db_path, other)
        other.replace(db_path)
    with pytest.raises(DatabaseGoneError) as caught:
        repository.save(replace(stored, title="after"))
    message = caught.value.message
    assert str(db_path) in message and "deleted, moved or replaced" in message
    assert "recovery journal" in message
    database.close()


def test_a_file_moved_away_and_back_keeps_saving(db_path: Path, tmp_path: Path) -> None:
    database = Database.open(db_path)
    repository = IncidentRepository(database)
    stored = repository.create(Incident(title="before"))
    db_path.rename(tmp_path / "away.sqlite")
    (tmp_path / "away.sqlite").rename(db_path)  # the same file, back in its place
    repository.save(replace(stored, title="after"))
    assert repository.get(stored.id).title == "after"
    database.close()


def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite"
    path.write_bytes(b"")
    error = assert_refused(path, NotADatabaseError)
    assert "empty" in error.message


# -- refusals leave the file untouched --------------------------------------------------------


def test_text_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("these are my notes, not a database\n" * 50)
    assert_refused(path, NotADatabaseError)


def test_folder_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "folder.sqlite"
    path.mkdir()
    with pytest.raises(NotADatabaseError):
        Database.open(path)
    assert list(path.iterdir()) == []


def test_database_of_another_program_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE bookmarks (id INTEGER PRIMARY KEY, url TEXT)")
    connection.execute("INSERT INTO bookmarks (url) VALUES ('https://example.org')")
    connection.commit()
    connection.close()
    error = assert_refused(path, NotADatabaseError)
    assert "another program" in error.message


def test_corrupt_database_is_refused(demo_db: Path, tmp_path: Path) -> None:
    path = make_corrupt(demo_db, tmp_path / "corrupt.sqlite")
    # The damage is real: SQLite itself finds it.
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        try:
            result = connection.execute("PRAGMA quick_check").fetchall()
        except sqlite3.DatabaseError:
            pass
        else:
            assert result != [("ok",)]
    finally:
        connection.close()
    assert_refused(path, CorruptDatabaseError)


def _damage_timeline_pages(path: Path) -> None:
    # Only one table's pages are damaged: the schema and alembic_version still read fine, so
    # only the integrity check can notice.
    connection = sqlite3.connect(path)
    page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    [(root,)] = connection.execute(
        "SELECT rootpage FROM sqlite_master WHERE name = 'timeline_events'"
    ).fetchall()
    connection.close()
    data = bytearray(path.read_bytes())
    start = (root - 1) * page_size
    data[start : start + page_size] = garbage(page_size)
    path.write_bytes(bytes(data))


def test_damage_deep_inside_a_file_not_closed_cleanly_is_refused(demo_db: Path) -> None:
    # A journal left beside the file: a crash, so the quick check runs before opening.
    _damage_timeline_pages(demo_db)
    journal = Path(f"{demo_db}-journal")
    journal.write_bytes(b"")
    before = demo_db.read_bytes()
    with pytest.raises(CorruptDatabaseError) as caught:
        Database.open(demo_db)
    assert demo_db.read_bytes() == before
    assert journal.read_bytes() == b""
    assert str(demo_db) in caught.value.message


def test_an_empty_write_ahead_log_counts_as_closed_cleanly(tmp_path: Path) -> None:
    from hindsight.store.inspection import closed_cleanly

    path = tmp_path / "x.sqlite"
    path.write_bytes(b"")
    assert closed_cleanly(path)
    wal = Path(f"{path}-wal")
    wal.write_bytes(b"")
    assert closed_cleanly(path)  # the last checkpoint emptied it: nothing to recover
    wal.write_bytes(b"\x37\x7f\x06\x82")
    assert not closed_cleanly(path)
    wal.unlink()
    Path(f"{path}-journal").write_bytes(b"")
    assert not closed_cleanly(path)


def test_damage_in_a_cleanly_closed_file_is_found_by_the_later_check(demo_db: Path) -> None:
    # Cleanly closed: opening skips the slow check (the GUI runs it after the first paint).
    _damage_timeline_pages(demo_db)
    database = Database.open(demo_db)
    try:
        problems = database.quick_problems()
    finally:
        database.close()
    assert problems


def test_a_sound_file_passes_the_later_check(demo_db: Path) -> None:
    database = Database.open(demo_db)
    try:
        assert database.quick_problems() == []
    finally:
        database.close()


def test_schema_from_the_future_is_refused(demo_db: Path) -> None:
    connection = sqlite3.connect(demo_db)
    connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.commit()
    connection.close()
    error = assert_refused(demo_db, SchemaTooNewError)
    assert "9999" in error.message


def _deny_writes_to(monkeypatch: pytest.MonkeyPatch, denied: Path) -> None:
    real_access = os.access

    def access(path: os.PathLike[str] | str, mode: int, **kwargs: object) -> bool:
        if Path(path) == denied and mode & os.W_OK:
            return False
        return real_access(path, mode, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(database_module.os, "access", access)


def test_read_only_file_is_refused(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The suite may run as root, for whom the kernel grants write access to a 0o444 file; so
    # os.access answers as it would for an ordinary user. The real-permission version of this
    # check is test_read_only_for_an_unprivileged_user below.
    demo_db.chmod(0o444)
    _deny_writes_to(monkeypatch, demo_db)
    error = assert_refused(demo_db, ReadOnlyDatabaseError)
    assert "read-only" in error.message


def test_read_only_folder_is_refused(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _deny_writes_to(monkeypatch, demo_db.parent)
    error = assert_refused(demo_db, ReadOnlyDatabaseError)
    assert "folder" in error.message


def _open_as(user: pwd.struct_passwd, path: Path) -> str:
    """Try Database.open(path) in a forked child running as `user`; what happened, as text."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: drop root for good, try, report, and leave without cleanup
        try:
            os.close(read_end)
            os.setgroups([])
            os.setgid(user.pw_gid)
            os.setuid(user.pw_uid)
            try:
                Database.open(path).close()
                outcome = "opened"
            except StoreError as error:
                outcome = f"{type(error).__name__}: {error.message}"
        except BaseException as error:
            outcome = f"crashed: {error!r}"
        os.write(write_end, outcome.encode())
        os._exit(0)
    os.close(write_end)
    chunks = []
    while chunk := os.read(read_end, 65536):
        chunks.append(chunk)
    os.close(read_end)
    os.waitpid(pid, 0)
    return b"".join(chunks).decode()


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder another user may read (pytest's tmp_path is root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="hindsight-test-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder)


@pytest.mark.parametrize("case", ["file", "folder"])
def test_read_only_for_an_unprivileged_user(demo_db: Path, shared_folder: Path, case: str) -> None:
    # Real permissions, checked by the kernel: root drops to 'nobody' in a forked child.
    if os.geteuid() != 0:
        pytest.skip("needs root to try the open as another user")
    try:
        nobody = pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("no 'nobody' user")
    path = shared_folder / "demo.sqlite"
    shutil.copy(demo_db, path)
    if case == "file":
        os.chown(shared_folder, nobody.pw_uid, nobody.pw_gid)  # only the file is read-only
        path.chmod(0o444)
    else:
        os.chown(path, nobody.pw_uid, nobody.pw_gid)  # only the folder is read-only
        path.chmod(0o644)
    before = snapshot(path)
    outcome = _open_as(nobody, path)
    assert outcome.startswith("ReadOnlyDatabaseError: "), outcome
    assert ("its folder is read-only" if case == "folder" else "the file is read-only") in outcome
    assert snapshot(path) == before


# -- locks ------------------------------------------------------------------------------------


@pytest.fixture
def lock_holder(opened: Database) -> Iterator[sqlite3.Connection]:
    """Another program's connection holding the write lock on the database."""
    connection = sqlite3.connect(
        opened.path, isolation_level=None, timeout=0, check_same_thread=False
    )
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield connection
    finally:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        connection.close()


def test_locked_database_gives_a_clear_error(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The busy timeout is read when the engine is made, so shorten it before opening.
    monkeypatch.setattr(database_module, "BUSY_TIMEOUT_MS", 200)
    database = Database.open(db_path)
    repository = IncidentRepository(database)
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        with pytest.raises(DatabaseLockedError) as caught:
            repository.create(Incident(title="blocked"))
        assert 0.15 < time.monotonic() - started < 3
        assert str(db_path) in caught.value.message
        # Readers are not blocked by a writer in WAL mode.
        assert repository.count() == 0
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        database.close()


def test_writer_waits_for_a_short_lock(opened: Database, lock_holder: sqlite3.Connection) -> None:
    release = threading.Timer(0.3, lambda: lock_holder.execute("ROLLBACK"))
    release.start()
    try:
        started = time.monotonic()
        IncidentRepository(opened).create(Incident(title="patient"))
        assert time.monotonic() - started >= 0.25
    finally:
        release.join()
    assert IncidentRepository(opened).count() == 1


def test_write_sessions_take_the_lock_up_front(opened: Database) -> None:
    other = sqlite3.connect(opened.path, isolation_level=None, timeout=0)
    try:
        with opened.write() as session:
            session.execute(select(IncidentRow.id)).all()  # a read, inside a write session
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # released at the end of the session
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_read_sessions_do_not_block_writers(opened: Database) -> None:
    other = sqlite3.connect(opened.path, isolation_level=None, timeout=0)
    try:
        with opened.read() as session:
            session.execute(select(IncidentRow.id)).all()
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
    finally:
        other.close()


# -- classifying errors -----------------------------------------------------------------------


def _wrapped(error: Exception) -> sa_exc.DBAPIError:
    return sa_exc.OperationalError("SELECT 1", {}, error)


def _sqlite(kind: type[sqlite3.Error], message: str, code: int) -> sqlite3.Error:
    # What the sqlite3 module raises: the message, and SQLite's (extended) result code.
    error = kind(message)
    error.sqlite_errorcode = code  # type: ignore[attr-defined]
    return error


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (_sqlite(sqlite3.OperationalError, "database is locked", 5), DatabaseLockedError),
        (_sqlite(sqlite3.OperationalError, "database table is locked", 6), DatabaseLockedError),
        (_sqlite(sqlite3.OperationalError, "database or disk is full", 13), DiskFullError),
        (_sqlite(sqlite3.OperationalError, "readonly database", 8), ReadOnlyDatabaseError),
        # SQLITE_READONLY_DBMOVED: an extended code whose low byte is READONLY.
        (_sqlite(sqlite3.OperationalError, "readonly database", 1032), ReadOnlyDatabaseError),
        (_sqlite(sqlite3.DatabaseError, "file is not a database", 26), NotADatabaseError),
        (_sqlite(sqlite3.DatabaseError, "disk image is malformed", 11), CorruptDatabaseError),
        (_sqlite(sqlite3.OperationalError, "disk I/O error", 10), StorageIOError),
        (_sqlite(sqlite3.OperationalError, "disk I/O error", 4874), StorageIOError),
        (_sqlite(sqlite3.OperationalError, "unable to open database", 14), CannotOpenError),
        (OSError(errno.ENOSPC, "No space left on device"), DiskFullError),
        (OSError(errno.EROFS, "Read-only file system"), ReadOnlyDatabaseError),
        (PermissionError(errno.EACCES, "Permission denied"), ReadOnlyDatabaseError),
    ],
)
def test_classify_environment_errors(error: Exception, kind: type[StoreError]) -> None:
    found = classify(error, "/data/x.sqlite")
    assert type(found) is kind
    assert found.path == Path("/data/x.sqlite")
    assert "/data/x.sqlite" in found.message


def test_classify_unwraps_sqlalchemy_errors() -> None:
    locked = _sqlite(sqlite3.OperationalError, "database is locked", 5)
    found = classify(_wrapped(locked), "x.sqlite")
    assert type(found) is DatabaseLockedError


@pytest.mark.parametrize(
    "error",
    [
        ValueError("database is locked"),  # right words, but not from SQLite
        sqlite3.OperationalError("database is locked"),  # right words, but no result code
        _sqlite(sqlite3.OperationalError, "no such table: incidents", 1),
        _sqlite(sqlite3.IntegrityError, "UNIQUE constraint failed: incidents.key", 2067),
        OSError(errno.EINVAL, "Invalid argument"),
        _wrapped(sqlite3.OperationalError("near 'SELEC': syntax error")),
    ],
)
def test_classify_leaves_bugs_alone(error: Exception) -> None:
    assert classify(error, "x.sqlite") is None


def test_environment_errors_translates_and_chains() -> None:
    original = _sqlite(sqlite3.OperationalError, "database or disk is full", 13)
    with pytest.raises(DiskFullError) as caught, environment_errors("x.sqlite"):
        raise original
    assert caught.value.__cause__ is original


def test_environment_errors_lets_bugs_through() -> None:
    with pytest.raises(sqlite3.OperationalError, match="syntax"), environment_errors("x"):
        raise sqlite3.OperationalError("near 'SELEC': syntax error")


def test_store_error_message_is_one_paragraph() -> None:
    error = CorruptDatabaseError("/d/x.sqlite", "*** in database main ***\nPage 11: bad")
    assert error.message.startswith("This database is damaged. File: /d/x.sqlite.")
    assert "(*** in database main *** Page 11: bad)" in error.message
    assert "\n" not in error.message


def test_inspection_sees_changes_still_in_the_wal(demo_db: Path) -> None:
    # Another program has the database open and its latest commit is only in the -wal file:
    # the inspection must read it, not just the main file.
    other = sqlite3.connect(demo_db, isolation_level=None)
    try:
        other.execute("PRAGMA wal_autocheckpoint=0")
        other.execute("UPDATE alembic_version SET version_num = '9999'")
        assert Path(f"{demo_db}-wal").stat().st_size > 0
        with pytest.raises(SchemaTooNewError):
            Database.open(demo_db)
    finally:
        other.close()


def test_a_half_set_up_database_is_refused_untouched(tmp_path: Path) -> None:
    import sqlite3

    from hindsight.store.errors import NotADatabaseError

    path = tmp_path / "half.sqlite"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
    connection.execute("CREATE TABLE incidents (id INTEGER PRIMARY KEY)")
    connection.commit()
    connection.close()
    before = path.read_bytes()
    with pytest.raises(NotADatabaseError, match="schema version is missing"):
        Database.open(path)
    assert path.read_bytes() == before
