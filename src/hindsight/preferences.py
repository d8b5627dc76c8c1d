"""User preferences that the core rules need (not window layout, which lives in QSettings).

Stored as JSON in the user data directory, one section per feature ("review", "followups",
"privacy" ...), so features read and write their own part without knowing the others.
Qt-free, so the CLI and services see the same preferences as the GUI.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from hindsight.export.atomic import PRIVATE, write_atomic
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
    stored = _load_all()
    stored[name] = values
    data = json.dumps(stored, indent=2, sort_keys=True).encode("utf-8")
    # Owner-only, like the rest of the data folder. WriteProblem (a HindsightError naming the
    # file) when it cannot be written; the previous file is then left as it was.
    write_atomic(preferences_path(), data, mode=PRIVATE)
