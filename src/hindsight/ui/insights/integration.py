"""What insights add to the main window: View ▸ Insights (Ctrl+I) and File ▸ Export Insights….

Importing this module is cheap: the view (and matplotlib with it) is imported when first
opened, so starting Hindsight does not pay for charts nobody asked for.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence

if TYPE_CHECKING:
    from hindsight.services.workspace import Workspace
    from hindsight.ui.insights.window import InsightsWindow
    from hindsight.ui.main_window import MainWindow

REPORT_FILTERS = {
    "pdf": "PDF document (*.pdf)",
    "html": "HTML page (*.html)",
    "md": "Markdown (*.md)",
    "json": "JSON data, every figure (*.json)",
}


class InsightsIntegration(QObject):
    """Owns the Insights window of one main window."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.view: InsightsWindow | None = None
        self.open_action = QAction("&Insights", window)
        self.open_action.setShortcut(QKeySequence("Ctrl+I"))
        self.open_action.setStatusTip("Charts across incidents: timing, detection, causes, work")
        self.open_action.triggered.connect(lambda: self.open_view())
        window.addAction(self.open_action)
        window.view_menu.addAction(self.open_action)
        self.export_action = QAction("Export Insi&ghts…", window)
        self.export_action.setStatusTip("Write the insights report as PDF, HTML, Markdown or JSON")
        self.export_action.triggered.connect(lambda: self.export_report())
        window.file_menu.insertAction(window.import_action, self.export_action)

    def open_view(self) -> InsightsWindow:
        """Show the Insights view (made on first use)."""
        if self.view is None:
            from hindsight.ui.insights.window import InsightsWindow

            self.view = InsightsWindow(self.window)
        self.view.show()
        self.view.raise_()
        self.view.activateWindow()
        return self.view

    def workspace_changed(self) -> None:
        """Another database is open: the view of the old one goes."""
        if self.view is not None:
            self.view.close()
            self.view.deleteLater()
            self.view = None

    def export_report(self, path: Path | None = None, fmt: str | None = None) -> None:
        """Write the insights report of the view's scope (all incidents without the view)."""
        parent = self.view if self.view is not None and self.view.isVisible() else self.window
        if path is None:
            from hindsight.ui import file_dialogs  # not at start-up (see window_database.py)

            name, chosen = file_dialogs.get_save_file_name(
                parent,
                "Export insights report",
                file_dialogs.in_last_folder(
                    "insights report", "insights.pdf", file_dialogs.documents_folder()
                ),
                ";;".join(REPORT_FILTERS.values()),
            )
            if not name:
                return
            file_dialogs.remember_folder("insights report", name)
            path = Path(name)
            by_filter = {label: key for key, label in REPORT_FILTERS.items()}
            fmt = path.suffix.lower().lstrip(".") or by_filter.get(chosen, "pdf")
            if fmt not in REPORT_FILTERS:
                fmt = by_filter.get(chosen, "pdf")
                path = path.with_name(path.name + f".{fmt}")
        fmt = fmt or path.suffix.lower().lstrip(".") or "pdf"
        from hindsight.core.insights_scope import Scope
        from hindsight.services.insights_report import ReportRequest, export_report

        view = self.view
        if view is not None and view.insights is not None:
            request = ReportRequest(fmt, view.insights.scope, view.insights.period)
            shown = view.insights  # the report holds exactly the figures on screen
        else:
            request, shown = ReportRequest(fmt, Scope()), None
        target = path

        def work(workspace: Workspace, _task: object) -> Path:
            return export_report(workspace, request, target, insights=shown)

        def done(written: Path) -> None:
            self.window.statusBar().showMessage(f"Insights report written to {written}", 8000)
            if self.view is not None:
                self.view.statusBar().showMessage(f"Report written to {written}", 8000)

        self.window.ops.run_long(work, done, owner=parent, what="export the insights report")
