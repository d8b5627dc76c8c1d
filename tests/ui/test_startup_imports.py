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
        # The incident record (and the statistics it computes with) loads with the editor,
        # the query language and search results with the first search (or the lane's open).
        later = ("hindsight.core.incident", "statistics", "hindsight.core.search_query",
                 "hindsight.core.search_results", "hindsight.core.links",
                 "hindsight.ui.file_dialogs")
        print("LATER", ",".join(m for m in later if m in sys.modules), flush=True)
        # PySide6 makes a class (and its enums) on first use: a box or file dialog, shown only
        # when something goes wrong or is chosen, is not made on the way to the first paint.
        import PySide6.QtWidgets as widgets
        shown_later = ("QMessageBox", "QFileDialog", "QFileIconProvider", "QDockWidget")
        print("CLASSES", ",".join(c for c in shown_later if c in vars(widgets)), flush=True)
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


def _loaded(stdout: str, label: str = "LOADED") -> list[str]:
    line = next(line for line in stdout.splitlines() if line.startswith(label))
    return [name for name in line.removeprefix(label).strip().split(",") if name]


def test_first_paint_imports_no_store_engine_templates_or_charts(demo_db, tmp_path):
    stdout = _run(_FIRST_PAINT, tmp_path, str(demo_db))
    assert "first paint with real rows" in stdout
    assert _loaded(stdout) == []
    assert _loaded(stdout, "LATER") == []
    assert _loaded(stdout, "CLASSES") == []


# The child runs the real start-up until the first incident of the list is shown in the editor.
_FIRST_INCIDENT = """
import os, sys, time
from pathlib import Path

import hindsight.cli
from hindsight.ui import app
from hindsight.ui.app import run_app
from hindsight.ui.startup_timing import StartupTiming

app.IDLE_START_MS = 600_000  # on a loaded machine, never before the first incident

class Probe(StartupTiming):
    def watch(self, window):
        super().watch(window)
        # Connected before the app's own slot, which then starts what was held back.
        window.incidentShown.connect(lambda _id: self.seen(window))

    def seen(self, window):
        heavy = ("sqlalchemy", "alembic", "markdown", "nh3", "matplotlib", "jinja2")
        print("LOADED", ",".join(m for m in heavy if m in sys.modules), flush=True)
        # The Triage view, its grid and the rules dialog load when first asked for.
        later = ("hindsight.ui.followups.triage", "hindsight.ui.followups.board",
                 "hindsight.ui.followups.settings_dialog", "hindsight.export.grid")
        print("TRIAGE", ",".join(m for m in later if m in sys.modules), flush=True)
        # Standard modules that only a later step needs (3 ms and 2 ms on the database lane).
        small = ("statistics", "uuid")
        print("SMALL", ",".join(m for m in small if m in sys.modules), flush=True)
        # No widget of the window or editor was found out by PySide6 among every widget class
        # (qt_helpers.own_viewport): that search loads all of them, a dock widget among them.
        import PySide6.QtWidgets as widgets
        print("CLASSES", "QDockWidget" if "QDockWidget" in vars(widgets) else "", flush=True)
        print("HELD", len(window.until_shown or ()), flush=True)

run_app(Path(sys.argv[1]), timing=Probe(time.perf_counter(), "interactive"))
"""


def test_the_first_incident_shows_before_sqlalchemy_loads(demo_db, tmp_path):
    stdout = _run(_FIRST_INCIDENT, tmp_path, str(demo_db))
    assert "editor usable" in stdout and "first incident shown" in stdout
    assert _loaded(stdout) == []
    assert _loaded(stdout, "TRIAGE") == []
    assert _loaded(stdout, "SMALL") == []
    assert _loaded(stdout, "CLASSES") == []
    # The follow-up count and the saved searches' counts were held back until this moment.
    assert "HELD 2" in stdout


# After the first incident, what was held back runs and the rest of the services load.
_LOADED = """
import os, sys, time
from pathlib import Path

import hindsight.cli
from hindsight.ui.app import run_app
from hindsight.ui.startup_timing import StartupTiming

class Probe(StartupTiming):
    def finish(self):
        window = self._window
        print("PREPARED", window.workspace.prepared, flush=True)
        print("COUNT", window.followups_ui.count, flush=True)
        print("LOADED", "sqlalchemy" if "sqlalchemy" in sys.modules else "", flush=True)
        import gc
        from hindsight.ui.idle_collector import DEFERRED
        print("FULL PASSES DEFERRED", gc.get_threshold()[2] == DEFERRED, flush=True)
        os._exit(0)

run_app(Path(sys.argv[1]), timing=Probe(time.perf_counter(), "loaded"))
"""


def test_the_services_load_once_the_first_incident_is_shown(demo_db, tmp_path):
    stdout = _run(_LOADED, tmp_path, str(demo_db))
    assert "services loaded" in stdout
    assert "PREPARED True" in stdout
    assert "COUNT None" not in stdout  # the held-back follow-up count ran
    assert _loaded(stdout) == ["sqlalchemy"]
    # The app's full collections wait for quiet moments (ui/idle_collector.py).
    assert "FULL PASSES DEFERRED True" in stdout
