"""Render the main screens on the demo data to PNG files in docs/ (for the README and reviews).

Run: QT_QPA_PLATFORM=offscreen python docs/make_screenshots.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
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

        def settle() -> None:
            # Tabs read and scan off the GUI thread: wait until what they show has arrived,
            # then a moment more for the layouts that follow it (a form in a scroll area
            # settles its height after a second pass).
            app.processEvents()
            while window.ops.busy:
                app.processEvents()
            until = time.monotonic() + 0.3
            while time.monotonic() < until:
                app.processEvents()

        settle()
        editor = window.editor
        window.list_pane.select_id(1)
        shots = {
            "overview": editor.overview,
            "milestones": editor.milestones,
            "timeline": editor.timeline,
            "roles": editor.roles,
            "teams": editor.teams,
        }
        for name, page in shots.items():
            editor.tabs.setCurrentWidget(page)
            settle()
            window.grab().save(str(out / f"screenshot-{name}.png"))

        # Real-world-shaped incidents: impact in numbers; causes with their own (day) dates.
        for incident_id, name, page in (
            (2, "impact", editor.impact),
            (3, "causes", editor.factors),
        ):
            window.list_pane.select_id(incident_id)
            editor.tabs.setCurrentWidget(page)
            settle()
            window.grab().save(str(out / f"screenshot-{name}.png"))

        # The draft review of the third incident, on its detection section.
        window.list_pane.select_id(3)
        editor.tabs.setCurrentWidget(editor.review)
        editor.review.go_to_question("detection.source")
        settle()
        window.grab().save(str(out / "screenshot-review.png"))
        editor.tabs.setCurrentWidget(editor.privacy)
        copied_queries = window.workspace.privacy.accesses(3)[1]
        settle()
        editor.privacy.focus_target(f"access:{copied_queries.id}")
        settle()
        window.grab().save(str(out / "screenshot-privacy.png"))

        window.list_pane.select_id(2)
        editor.tabs.setCurrentWidget(editor.followups)
        settle()
        window.grab().save(str(out / "screenshot-followups.png"))

        search_shots(window, settle, out)

        triage = window.followups_ui.open_triage()
        triage.resize(1280, 800)
        while window.ops.busy:
            app.processEvents()
        app.processEvents()
        triage.grab().save(str(out / "screenshot-triage.png"))
        triage.close()

        from hindsight.ui.export_dialog import ExportDialog

        dialog = ExportDialog(window.ops, 1, "HS-1", window, settings=app_settings())
        dialog.resize(1100, 760)
        dialog.path.setText("HS-1-full-review.md")  # no machine paths in the picture
        dialog.show()
        dialog.refresh_preview()
        while window.ops.busy:  # the preview is made on a worker
            app.processEvents()
        app.processEvents()
        dialog.grab().save(str(out / "screenshot-export.png"))
        dialog.close()
        window.close()

        empty = MainWindow(Workspace.open(Path(scratch) / "empty.sqlite"), app_settings())
        empty.resize(1280, 800)
        empty.show()
        app.processEvents()
        empty.grab().save(str(out / "screenshot-welcome.png"))
        empty.close()
    print(f"screenshots written to {out}")
    return 0


def search_shots(window, settle, out: Path) -> None:
    """The list searching, with two saved searches, and the Related tab of the first hit."""
    from PySide6.QtWidgets import QApplication

    workspace = window.workspace
    for name, query in (("Stale models", "stale"), ("Open follow-up work", "followup:open")):
        workspace.search.save(name, query)
    # Both began with the log feeders running out of room.
    workspace.links.link(1, 27, "same_cause", "The log feeders ran out of capacity both times")
    pane = window.list_pane
    pane.saved.reload()
    pane.search.setText("stale training")
    settle()
    while pane.busy or window.busy:
        settle()
    first = pane.model.row(0)
    if first is not None:
        window.show_incident(first.id)
        settle()
    window.editor.show_tab("overview")
    settle()
    window.grab().save(str(out / "screenshot-search.png"))
    window.editor.show_tab("related")
    settle()
    for _ in range(3):  # rows added to a shown page are shown by the event loop
        QApplication.processEvents()
    window.grab().save(str(out / "screenshot-related.png"))
    window.editor.show_tab("overview")
    pane.clear_filters()
    settle()


if __name__ == "__main__":
    sys.exit(main())
