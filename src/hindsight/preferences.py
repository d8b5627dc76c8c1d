"""User preferences that the core rules need (not window layout, which lives in QSettings).

Stored as JSON in the user data directory, one section per feature ("review", "followups",
"privacy" ...), so features read and write their own part without knowing the others.
Qt-free, so the CLI and services see the same preferences as the GUI.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

from hindsight.paths import data_dir

log = logging.getLogger(__name__)
FILE_NAME = "preferences.json"


def preferences_path() -> Path:
    """The preferences file."""
    return data_dir() / FILE_NAME


def _load_all() -> dict[str, Any]:
    path = preferences_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        # A damaged preferences file must not stop the app: defaults apply, the file is kept.
        log.warning("ignoring unreadable preferences file %s: %s", path, error)
        return {}
    return data if isinstance(data, dict) else {}


def load_section(name: str) -> dict[str, Any]:
    """The stored preferences of one feature (empty when none were saved)."""
    section = _load_all().get(name, {})
    return section if isinstance(section, dict) else {}


def save_section(name: str, values: dict[str, Any]) -> None:
    """Replace one feature's preferences; the file is written atomically."""
    data = _load_all()
    data[name] = values
    path = preferences_path()
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".preferences-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2, sort_keys=True)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
