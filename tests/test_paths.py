"""Where Hindsight keeps its files; the test suite's own isolation from the user's files."""

from __future__ import annotations

import stat
from pathlib import Path

from hindsight import paths


def test_data_dir_follows_the_environment(data_dir: Path, tmp_path: Path) -> None:
    # The autouse fixture in conftest.py points every test at its own folder.
    assert data_dir.is_relative_to(tmp_path)
    assert not data_dir.exists()
    assert paths.data_dir() == data_dir
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700


def test_files_live_in_the_data_dir(data_dir: Path) -> None:
    assert paths.default_database_path() == data_dir / "hindsight.sqlite"
    assert paths.log_path() == data_dir / "hindsight.log"
    assert paths.backups_dir() == data_dir / "backups"
    assert stat.S_IMODE(paths.backups_dir().stat().st_mode) == 0o700


def test_bundled_resources_are_found() -> None:
    assert (paths.resources_dir() / "vocabulary.toml").is_file()
    assert (paths.resources_dir() / "demo" / "incidents.toml").is_file()
