"""Shared fixtures: every test gets its own data directory and, on request, its own database."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import pytest

from hindsight.paths import DATA_DIR_ENV
from hindsight.services.workspace import Workspace


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private HINDSIGHT_DATA_DIR, so no test reads or writes the real user directory."""
    path = tmp_path / "data"
    monkeypatch.setenv(DATA_DIR_ENV, str(path))
    return path


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where a test's database file goes (not created yet)."""
    return tmp_path / "db" / "hindsight.sqlite"


@pytest.fixture
def workspace(db_path: Path) -> Iterator[Workspace]:
    """A new, empty workspace on `db_path`, closed after the test."""
    opened = Workspace.open(db_path)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def demo_db(tmp_path: Path) -> Path:
    """A closed database file holding the three demo incidents."""
    from hindsight.services.demo import write_demo_database

    # Without the generated history: these tests are about the three reference incidents.
    return write_demo_database(tmp_path / "demo" / "demo.sqlite", history=False)
