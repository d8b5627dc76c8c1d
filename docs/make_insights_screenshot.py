"""Render the Insights view on the demo data (with its generated history) to docs/.

Run: QT_QPA_PLATFORM=offscreen python docs/make_insights_screenshot.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> int:
    out = Path(__file__).resolve().parent / "screenshot-insights.png"
    with tempfile.TemporaryDirectory() as scratch:
        os.environ["HINDSIGHT_DATA_DIR"] = scratch
        from PySide6.QtCore import QEventLoop, QPoint

        from hindsight.services.demo import write_demo_database
        from hindsight.services.workspace import Workspace
        from hindsight.ui.app import app_settings, application
        from hindsight.ui.main_window import MainWindow

        app = application()
        db = write_demo_database(Path(scratch) / "demo.sqlite")
        window = MainWindow(Workspace.open(db), app_settings(), demo=True)
        window.resize(1280, 800)
        window.show()
        view = window.insights_ui.open_view()
        view.resize(1280, 800)
        shown: list[bool] = []
        view.updated.connect(lambda: shown.append(True))
        while not shown:
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
        for _ in range(20):
            app.processEvents()
        # The timing section: ranges, medians, and the "no answer" counts beside them.
        card = view.cards["time_to_detect"]
        bar = view.charts_area.verticalScrollBar()
        bar.setValue(card.mapTo(view.page, QPoint(0, 0)).y() - 50)
        for _ in range(20):
            app.processEvents()
        view.grab().save(str(out))
        window.close()
    print(f"screenshot written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
