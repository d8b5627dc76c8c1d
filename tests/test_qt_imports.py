"""PySide6's import hook, made cheap (hindsight/qt_imports.py), checked in fresh processes.

PySide6 asks, for every module imported after it, whether the module's source mentions
"PySide6"; left alone it reads each source through `inspect.getsource`, which keeps every
file's lines in `linecache` for the life of the process. Each test writes two small modules
and imports them in a child after PySide6 has loaded, then reports what PySide6 recorded
for them and what `linecache` kept.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

_CHILD = """
import json, linecache, sys
sys.path.insert(0, {folder!r})
{setup}
import PySide6.QtCore
import plain_module, qt_module
feature = sys.modules["shibokensupport.feature"]
print(json.dumps({{
    "kept": sorted(name for name in linecache.cache if name.endswith("_module.py")),
    "plain": feature.pyside_feature_dict.get("plain_module"),
    "qt": feature.pyside_feature_dict.get("qt_module"),
    "light": getattr(feature._mod_uses_pyside, "hindsight_light", False),
}}))
"""


def _run(tmp_path: Path, setup: str) -> dict[str, object]:
    (tmp_path / "plain_module.py").write_text("VALUE = 1\n", encoding="utf-8")
    (tmp_path / "qt_module.py").write_text(
        "from PySide6.QtCore import QObject\n\nTHING = QObject\n", encoding="utf-8"
    )
    code = _CHILD.format(folder=str(tmp_path), setup=setup)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if "hindsight" not in setup and result["plain"] is None:
        pytest.skip("this PySide6 has no per-module __feature__ check")
    return result


def test_pyside_alone_keeps_every_imported_source(tmp_path: Path) -> None:
    # What the lightened hook avoids: PySide6 by itself keeps each module's lines.
    result = _run(tmp_path, "")
    assert result["kept"] == [
        str(tmp_path / "plain_module.py"),
        str(tmp_path / "qt_module.py"),
    ]
    assert result["plain"] == -1 and result["qt"] == 0


def test_the_lightened_hook_answers_the_same_and_keeps_nothing(tmp_path: Path) -> None:
    result = _run(tmp_path, "import hindsight.qt_imports")
    assert result["light"] is True
    assert result["kept"] == []
    assert result["plain"] == -1  # no PySide6 in its source, as PySide6 itself found
    assert result["qt"] == 0


def test_the_user_interface_package_lightens_it(tmp_path: Path) -> None:
    # Every ui module imports the ui package first: the app's imports are all covered.
    result = _run(tmp_path, "import hindsight.ui")
    assert result["light"] is True and result["kept"] == []


def test_a_pdf_export_from_the_command_line_lightens_it(tmp_path: Path) -> None:
    result = _run(tmp_path, "import hindsight.export.pdf")
    assert result["light"] is True and result["kept"] == []


def test_lightening_twice_changes_nothing() -> None:
    from hindsight import qt_imports

    feature = qt_imports._feature_module()
    if feature is None:
        pytest.skip("this PySide6 has no per-module __feature__ check")
    before = feature._mod_uses_pyside
    assert qt_imports.lighten_feature_hook() is True
    assert feature._mod_uses_pyside is before


def test_a_module_without_a_source_file_is_asked_the_original_way(tmp_path: Path) -> None:
    from hindsight.qt_imports import mentions_pyside

    asked: list[str] = []

    def original(module: object) -> bool:
        asked.append(getattr(module, "__name__", "?"))
        return False

    assert mentions_pyside(sys, original) is False  # built in: no file
    assert asked == ["sys"]
    zipped = type(sys)("zipped_module")
    zipped.__file__ = str(tmp_path / "modules.zip" / "zipped_module.py")
    assert mentions_pyside(zipped, original) is False  # not a plain file: asked as before
    assert asked == ["sys", "zipped_module"]
    json_module = sys.modules["json"]
    assert mentions_pyside(json_module, original) is False
