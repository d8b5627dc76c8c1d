"""Writing files all or nothing: the one way Hindsight writes a file (documents, CSV,
preferences).

The data goes to a temporary file in the target folder, is flushed to the disk (fsync), and
only then takes the target's name: a reader, a crash or a full disk never leaves half a file,
and never a temporary file either. With `replace=False` the name is taken only if it is still
free (a hard link, which fails rather than overwrite), so a file that someone else created
meanwhile is never replaced. A database file is never written over, whatever is asked: an
export given the open database's own name (a slip of the keyboard) would destroy it whole.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from hindsight.export.errors import WriteProblem

DOCUMENT = None  # the usual permissions for a new file (0666 less the umask)
PRIVATE = 0o600  # owner-only: files that describe the user or their work

_FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def reason(error: OSError) -> str:
    """What went wrong, in plain words for the common cases."""
    if error.errno in _FULL:
        return "the disk is full (or the file is larger than this disk or your quota allows)"
    if error.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if error.errno == errno.EROFS:
        return "the disk is read-only"
    if error.errno == errno.ENOENT:
        return "the folder does not exist"
    if error.errno == errno.ENOTDIR:
        return "a part of the path is a file, not a folder"
    return error.strerror or str(error)


SQLITE_HEADER = b"SQLite format 3\x00"  # the first bytes of every SQLite database file


def _is_database(path: Path) -> bool:
    """True when `path` is an existing SQLite database file (never written over)."""
    try:
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False  # none there, or not readable: the write itself says what is wrong


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def _sync_folder(folder: Path) -> None:
    # The new name is durable only once the folder's entry is on the disk too.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # some file systems (network shares) cannot sync a folder; the data is synced
    finally:
        os.close(fd)


def write_atomic(
    path: Path | str, data: bytes, *, replace: bool = True, mode: int | None = DOCUMENT
) -> Path:
    """Write `data` to `path` atomically; WriteProblem (and no file) when it cannot be done.

    `replace=False` refuses to write over an existing file. `mode` sets the permissions
    (PRIVATE for owner-only); by default a new file gets the usual ones.
    """
    path = Path(path)
    if path.is_dir():
        raise WriteProblem(path, "it is a folder")
    if not replace and path.exists():
        raise WriteProblem(path, "a file of that name exists already")
    if _is_database(path):
        # A document written over a database (the one open, even) would destroy it whole.
        raise WriteProblem(path, "it is a database file, perhaps the one open; choose another name")
    try:
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    except OSError as error:
        raise WriteProblem(path, reason(error)) from error
    temporary = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp makes the file owner-only; a document gets the usual permissions.
        os.chmod(temporary, 0o666 & ~_umask() if mode is None else mode)
        if replace:
            os.replace(temporary, path)
        else:
            _link_new(temporary, path)
        _sync_folder(path.parent)
    except FileExistsError as error:
        raise WriteProblem(path, "a file of that name appeared meanwhile") from error
    except OSError as error:
        raise WriteProblem(path, reason(error)) from error
    finally:
        temporary.unlink(missing_ok=True)
    return path


def _link_new(temporary: Path, path: Path) -> None:
    try:
        os.link(temporary, path)  # fails if `path` exists: never overwrites
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
            raise
        # A file system without hard links: claim the name first, then move the data in.
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        os.replace(temporary, path)


class AtomicBatch:
    """Many files, each written all or nothing, with one flush to the disk for the lot.

    fsync costs milliseconds per file; a folder of a thousand exports would spend seconds on
    it. A batch writes every file under a temporary name, flushes them all to the disk at
    once, and only then gives each its name. Until commit() nothing is visible; discard()
    (or a failure) removes every temporary file.
    """

    def __init__(self, *, replace: bool = True, mode: int | None = DOCUMENT) -> None:
        self.replace = replace
        self.mode = mode
        self._pending: list[tuple[Path, Path]] = []  # (temporary, target)

    def __len__(self) -> int:
        return len(self._pending)

    def add(self, path: Path | str, data: bytes) -> None:
        """Write `data` under a temporary name beside `path` (WriteProblem when it cannot)."""
        path = Path(path)
        if path.is_dir():
            raise WriteProblem(path, "it is a folder")
        if not self.replace and path.exists():
            raise WriteProblem(path, "a file of that name exists already")
        try:
            fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
        except OSError as error:
            raise WriteProblem(path, reason(error)) from error
        temporary = Path(name)
        self._pending.append((temporary, path))
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.chmod(temporary, 0o666 & ~_umask() if self.mode is None else self.mode)
        except OSError as error:
            raise WriteProblem(path, reason(error)) from error

    def commit(self) -> list[Path]:
        """Flush every file to the disk, then give each its name; returns the names."""
        done: list[Path] = []
        try:
            _flush_all([temporary for temporary, _ in self._pending])
            for temporary, path in self._pending:
                try:
                    if self.replace:
                        os.replace(temporary, path)
                    else:
                        _link_new(temporary, path)
                except FileExistsError as error:
                    raise WriteProblem(path, "a file of that name appeared meanwhile") from error
                except OSError as error:
                    raise WriteProblem(path, reason(error)) from error
                done.append(path)
            for folder in {path.parent for path in done}:
                _sync_folder(folder)
        finally:
            self.discard()
        return done

    def discard(self) -> None:
        """Remove the temporary files of whatever was not committed."""
        for temporary, _ in self._pending:
            temporary.unlink(missing_ok=True)
        self._pending.clear()


def _flush_all(paths: list[Path]) -> None:
    if not paths:
        return
    sync = getattr(os, "sync", None)
    if sync is not None:
        sync()  # one call flushes every file written (Unix)
        return
    for path in paths:
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
