"""Where Hindsight keeps its files, and where its bundled resources are found."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "Hindsight"
DATA_DIR_ENV = "HINDSIGHT_DATA_DIR"
_PACKAGE_DIR = Path(__file__).resolve().parent


def data_dir() -> Path:
    """The user data directory (override with $HINDSIGHT_DATA_DIR), created owner-only."""
    override = os.environ.get(DATA_DIR_ENV)
    path = Path(override) if override else platformdirs.user_data_path(APP_NAME, appauthor=False)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def default_database_path() -> Path:
    """The database the app opens when none is named."""
    return data_dir() / "hindsight.sqlite"


def backups_dir() -> Path:
    """Where automatic and manual backups go unless a path is given."""
    path = data_dir() / "backups"
    path.mkdir(mode=0o700, exist_ok=True)
    return path


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
