"""Where Hindsight keeps its files, and where its bundled resources are found."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from hindsight.core.errors import HindsightError

APP_NAME = "Hindsight"
DATA_DIR_ENV = "HINDSIGHT_DATA_DIR"
_PACKAGE_DIR = Path(__file__).resolve().parent


class DataDirError(HindsightError):
    """The data folder cannot be made or used; the message names it and says what to do."""

    def __init__(self, path: Path, reason: str) -> None:
        self.path = path
        super().__init__(
            f"Hindsight cannot use its data folder {path}: {reason}. Make it a folder you may "
            f"read and write, or set {DATA_DIR_ENV} to one."
        )


def _problem(path: Path, error: OSError) -> str:
    if isinstance(error, (FileExistsError, NotADirectoryError)):
        return "it (or a folder above it) is a file, not a folder"
    if isinstance(error, PermissionError):
        return "permission denied"
    return error.strerror or str(error)


def _usable_folder(path: Path) -> Path:
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as error:
        raise DataDirError(path, _problem(path, error)) from error
    if not os.access(path, os.R_OK | os.W_OK | os.X_OK):
        raise DataDirError(path, "you may not read and write in it")
    return path


def data_dir() -> Path:
    """The user data directory (override with $HINDSIGHT_DATA_DIR), created owner-only.

    DataDirError when it cannot be made or used.
    """
    override = os.environ.get(DATA_DIR_ENV)
    path = Path(override) if override else platformdirs.user_data_path(APP_NAME, appauthor=False)
    return _usable_folder(path)


def default_database_path() -> Path:
    """The database the app opens when none is named."""
    return data_dir() / "hindsight.sqlite"


def backups_dir() -> Path:
    """Where automatic and manual backups go unless a path is given."""
    return _usable_folder(data_dir() / "backups")


def log_path() -> Path:
    """The log file that receives tracebacks of unexpected errors."""
    return data_dir() / "hindsight.log"


def _bundled(name: str) -> Path:
    # A wheel carries the folder inside the package; a source checkout keeps it at the top.
    inside = _PACKAGE_DIR / name
    return inside if inside.is_dir() else _PACKAGE_DIR.parent.parent / name


def resources_dir() -> Path:
    """The bundled resources/ folder (vocabulary, demo data, stylesheet)."""
    return _bundled("resources")


def templates_dir() -> Path:
    """The bundled templates/ folder."""
    return _bundled("templates")
