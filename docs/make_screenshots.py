"""Render the main screens on the demo data to PNG files in docs/ (for the README and reviews).

Run: QT_QPA_PLATFORM=offscreen python docs/make_screenshots.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> int:
    out = Path(__file__).resolve().parent
    with tempfile.TemporaryDirectory() as scratch:
        os.environ["HINDSIGHT_DATA_DIR"] = scratch
        from hindsight.services.demo import write_demo_database
        from hindsight.services.workspace import Workspace
        from hindsight.ui.app import app_settings, application
        from hindsight.ui.main_window import MainWindow

        app = application()
        db = write_demo_database(Path(scratch) / "demo.sqlite")
        window = MainWindow(Workspace.open(db), app_settings(), demo=True)
        window.resize(1280, 800)
        window.show()
        app.processEvents()
        window.list_pane.select_id(1)
        shots = {"overview": 0, "milestones": 1, "timeline": 2, "roles": 3, "teams": 4}
        for name, tab in shots.items():
            window.editor.tabs.setCurrentIndex(tab)
            app.processEvents()
            window.grab().save(str(out / f"screenshot-{name}.png"))
        window.close()

        empty = MainWindow(Workspace.open(Path(scratch) / "empty.sqlite"), app_settings())
        empty.resize(1280, 800)
        empty.show()
        app.processEvents()
        empty.grab().save(str(out / "screenshot-welcome.png"))
        empty.close()
    print(f"screenshots written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
