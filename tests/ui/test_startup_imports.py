"""What a start-up imports before its first paint, checked in a fresh process.

An import added in the wrong place (a module-level import of the Workspace in a widget the
window builds, say) silently pulls SQLAlchemy in front of the first paint; only a fresh
interpreter shows it, so each test runs the app in a child process.
"""

from __future__ import annotations

import os
import subprocess
import sys

from hindsight.paths import DATA_DIR_ENV

# The child holds the database lane at the door (the workspace never opens), so whatever is
# loaded at the first paint was imported on the GUI thread's way to it.
_FIRST_PAINT = """
import os, sys, threading, time
from pathlib import Path

import hindsight.cli  # what the `hindsight` command imports before it starts the GUI
from hindsight.ui import window_database
from hindsight.ui.app import run_app
from hindsight.ui.startup_timing import StartupTiming

held = threading.Event()

def never_open(path, *, make_demo=False):
    held.wait()

window_database._open_workspace = never_open

class Probe(StartupTiming):
    def finish(self):
        heavy = ("sqlalchemy", "alembic", "psycopg", "matplotlib", "jinja2", "markdown", "nh3")
        print("LOADED", ",".join(m for m in heavy if m in sys.modules), flush=True)
        os._exit(0)

run_app(Path(sys.argv[1]), timing=Probe(time.perf_counter()))
"""


def _run(script: str, tmp_path, *args: str) -> str:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env[DATA_DIR_ENV] = str(tmp_path / "data")
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _loaded(stdout: str) -> list[str]:
    line = next(line for line in stdout.splitlines() if line.startswith("LOADED"))
    return [name for name in line.removeprefix("LOADED").strip().split(",") if name]


def test_first_paint_imports_no_store_engine_templates_or_charts(demo_db, tmp_path):
    stdout = _run(_FIRST_PAINT, tmp_path, str(demo_db))
    assert "first paint with real rows" in stdout
    assert _loaded(stdout) == []
