"""What the follow-ups feature adds to the main window.

A Triage view (View menu, Ctrl+T), a count of the follow-ups that need attention in the
status bar (click it to see them), and the thresholds of the attention rules (Settings menu).
The count is one SQL query on the operations runner, asked again when the runner announces
a change that can move it (follow-ups saved, incidents saved or deleted); the views keep
themselves in step from the same announcements.

The window builds this at start-up, before the editor is usable, so the Triage view, its
grid and the rules dialog (about 30 modules) are imported when first asked for, not here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QToolButton

from hindsight.services.errors import HindsightError

if TYPE_CHECKING:
    from hindsight.core.followup_attention import AttentionSettings
    from hindsight.services.changes import Changes
    from hindsight.services.workspace import Workspace
    from hindsight.ui.followups.triage import TriageWindow
    from hindsight.ui.main_window import MainWindow

RECOUNT_EVERY_MS = 10 * 60 * 1000  # items become overdue as days pass


class FollowUpsIntegration(QObject):
    """Owns the Triage window and the attention count of one main window."""

    counted = Signal(int)  # the count shown in the status bar changed

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.triage: TriageWindow | None = None
        self.count: int | None = None  # last count shown (None until the first arrives)
        self._counting = False
        self._recount = False

        self.triage_action = QAction("&Triage Follow-ups", window)
        self.triage_action.setShortcut(QKeySequence("Ctrl+T"))
        self.triage_action.setStatusTip("Every incident's follow-ups on one grid, ranked")
        self.triage_action.triggered.connect(lambda: self.ask_triage())
        self.attention_action = QAction("Follow-ups Needing &Attention", window)
        self.attention_action.setShortcut(QKeySequence("Ctrl+Shift+T"))
        self.attention_action.triggered.connect(lambda: self.ask_triage(attention_only=True))
        self.settings_action = QAction("Follow-up &Attention Rules…", window)
        self.settings_action.triggered.connect(self.edit_settings)
        for action in (self.triage_action, self.attention_action):
            window.addAction(action)
            window.view_menu.addAction(action)
        window.settings_menu.addAction(self.settings_action)

        self.attention_button = QToolButton()
        self.attention_button.setObjectName("attentionButton")
        self.attention_button.setAutoRaise(True)
        self.attention_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.attention_button.clicked.connect(lambda: self.ask_triage(attention_only=True))
        self.attention_button.hide()
        window.statusBar().addPermanentWidget(self.attention_button)

        self._periodic = QTimer(self)
        self._periodic.setInterval(RECOUNT_EVERY_MS)
        self._periodic.timeout.connect(self.refresh_count)
        self._periodic.start()
        window.ops.changed.connect(self._on_changed)

    # The open database

    def workspace_changed(self) -> None:
        """The window shows another database (or its first one)."""
        if self.triage is not None:
            self.triage.close()
            self.triage.deleteLater()
            self.triage = None
        self.count = None
        self.refresh_count()

    def _on_changed(self, changes: Changes, initiator: object) -> None:
        # Saving an incident may publish or reopen its review, which the rules read.
        if changes.any_followups:
            self.refresh_count()

    def refresh_count(self) -> None:
        """Count the follow-ups that need attention (one query, off the GUI thread)."""
        if not self.window.ops.has_workspace:
            return
        if self._counting:
            self._recount = True  # once more when the count under way arrives
            return
        self._counting = True

        def arrived(count: int) -> None:
            self._counting = False
            if self._recount:
                self._recount = False
                self.refresh_count()
            self._show_count(count)

        def failed(error: Exception) -> None:
            self._counting = False
            self._recount = False
            self.attention_button.hide()

        def work(ws: Workspace) -> int:
            return ws.followups.attention_count()

        self.window.ops.run(
            work, arrived, owner=self.attention_button, failed=failed, what="count follow-ups"
        )

    def _show_count(self, count: int) -> None:
        if count:
            noun = "follow-up needs" if count == 1 else "follow-ups need"
            self.attention_button.setText(f"⚑ {count:,} {noun} attention")
            self.attention_button.setToolTip("Show them in the Triage view (Ctrl+Shift+T)")
        else:
            self.attention_button.setText("No follow-ups need attention")
            self.attention_button.setToolTip("Open the Triage view")
        self.attention_button.setProperty("attention", bool(count))
        self.attention_button.style().unpolish(self.attention_button)
        self.attention_button.style().polish(self.attention_button)
        self.attention_button.show()
        if count != self.count:
            self.count = count
            self.counted.emit(count)

    # Actions

    def ask_triage(self, *, attention_only: bool = False) -> None:
        """Open the Triage view as the user asked; just after start, once the follow-up
        service is made on the database lane (it loads the ORM: never on the GUI thread)."""
        ops = self.window.ops
        if not ops.has_workspace or ops.workspace.made("followups"):
            self.open_triage(attention_only=attention_only)
            return

        def made(_: object) -> None:
            self.open_triage(attention_only=attention_only)

        ops.run(lambda ws: ws.followups, made, owner=self.window, what="prepare the follow-ups")

    def open_triage(self, *, attention_only: bool = False) -> TriageWindow:
        """Show the Triage view (made on first use), optionally filtered to attention."""
        if self.triage is None:
            from hindsight.ui.followups.triage import TriageWindow

            self.triage = TriageWindow(self.window.ops, self.window.settings, self.window)
        elif not self.triage.isVisible():
            self.triage.reload()
        if attention_only:
            self.triage.show_attention()
        self.triage.show()
        self.triage.raise_()
        self.triage.activateWindow()
        return self.triage

    def edit_settings(self) -> None:
        """Change the attention thresholds (read and written off the GUI thread)."""
        self.window.ops.run(
            lambda ws: ws.followups.settings(),
            self._ask_settings,
            owner=self.window,
            what="read the attention rules",
        )

    def _ask_settings(self, current: AttentionSettings) -> None:
        from hindsight.ui.followups.settings_dialog import AttentionSettingsDialog

        dialog = AttentionSettingsDialog(current, self.window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        chosen = dialog.result_settings()

        def work(ws: Workspace) -> None:
            try:
                ws.followups.save_settings(chosen)
            except OSError as error:
                raise SettingsNotSaved(error) from error

        self.window.ops.run(
            work, lambda _: self._settings_saved(), owner=self.window, what="save the rules"
        )

    def _settings_saved(self) -> None:
        # The thresholds are no change to any record: tell the views that show flags.
        from hindsight.ui.followups.board import rules_news

        self.refresh_count()
        rules_news().changed.emit()

    def close(self) -> None:
        """The main window is closing: so does the Triage view."""
        if self.triage is not None:
            self.triage.close()


class SettingsNotSaved(HindsightError):
    """The preferences file could not be written."""

    def __init__(self, error: OSError) -> None:
        super().__init__(f"Cannot write the preferences file: {error.strerror or error}.")
