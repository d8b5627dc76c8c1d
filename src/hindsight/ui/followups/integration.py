"""What the follow-ups feature adds to the main window.

A Triage view (View menu, Ctrl+T), a count of the follow-ups that need attention in the
status bar (click it to see them), and the thresholds of the attention rules (Settings menu).
It also keeps the editor's Follow-ups tab and the Triage view in step when either saves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QToolButton

from hindsight.services.errors import StoreError
from hindsight.ui import messages
from hindsight.ui.followups.settings_dialog import AttentionSettingsDialog
from hindsight.ui.followups.triage import TriageWindow

if TYPE_CHECKING:
    from hindsight.ui.main_window import MainWindow

COUNT_DELAY_MS = 300  # gather bursts of saves into one recount
RECOUNT_EVERY_MS = 10 * 60 * 1000  # items become overdue as days pass


class FollowUpsIntegration(QObject):
    """Owns the Triage window and the attention count of one main window."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.triage: TriageWindow | None = None

        self.triage_action = QAction("&Triage Follow-ups", window)
        self.triage_action.setShortcut(QKeySequence("Ctrl+T"))
        self.triage_action.setStatusTip("Every incident's follow-ups on one grid, ranked")
        self.triage_action.triggered.connect(lambda: self.open_triage())
        self.attention_action = QAction("Follow-ups Needing &Attention", window)
        self.attention_action.setShortcut(QKeySequence("Ctrl+Shift+T"))
        self.attention_action.triggered.connect(lambda: self.open_triage(attention_only=True))
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
        self.attention_button.clicked.connect(lambda: self.open_triage(attention_only=True))
        window.statusBar().addPermanentWidget(self.attention_button)

        self._recount = QTimer(self)
        self._recount.setSingleShot(True)
        self._recount.setInterval(COUNT_DELAY_MS)
        self._recount.timeout.connect(self.refresh_count)
        self._periodic = QTimer(self)
        self._periodic.setInterval(RECOUNT_EVERY_MS)
        self._periodic.timeout.connect(self.refresh_count)
        self._periodic.start()
        # Deleting an incident deletes its follow-ups.
        window.ops.changed.connect(
            lambda changes, _initiator: self._incident_removed() if changes.removed else None
        )

    # The open database

    def workspace_changed(self) -> None:
        """The window shows another database (or its first one)."""
        if self.triage is not None:
            self.triage.close()
            self.triage.deleteLater()
            self.triage = None
        editor = self.window.editor
        if not editor.property("followupsConnected"):
            editor.setProperty("followupsConnected", True)
            editor.followups.changed.connect(self._tab_changed)
            # Publishing a review starts the clock of the rule on Highest items.
            editor.incidentSaved.connect(lambda _: self.schedule_count())
        self.refresh_count()

    def schedule_count(self) -> None:
        """Recount soon (several changes in a row are counted once)."""
        self._recount.start()

    def refresh_count(self) -> int | None:
        """Count the follow-ups that need attention now and show it in the status bar."""
        try:
            count = self.window.workspace.followups.attention_count()
        except StoreError:
            self.attention_button.hide()
            return None
        if count:
            noun = "follow-up needs" if count == 1 else "follow-ups need"
            self.attention_button.setText(f"⚑ {count} {noun} attention")
            self.attention_button.setToolTip("Show them in the Triage view (Ctrl+Shift+T)")
        else:
            self.attention_button.setText("No follow-ups need attention")
            self.attention_button.setToolTip("Open the Triage view")
        self.attention_button.setProperty("attention", bool(count))
        self.attention_button.style().unpolish(self.attention_button)
        self.attention_button.style().polish(self.attention_button)
        self.attention_button.show()
        return count

    # Keeping views in step

    def _incident_removed(self) -> None:
        self.schedule_count()
        if self.triage is not None and self.triage.isVisible():
            self.triage.reload()

    def _tab_changed(self) -> None:
        self.schedule_count()
        if self.triage is not None and self.triage.isVisible():
            self.triage.board.reload()

    def _triage_changed(self) -> None:
        self.schedule_count()
        self.window.editor.followups.reload()

    # Actions

    def open_triage(self, *, attention_only: bool = False) -> TriageWindow:
        """Show the Triage view (made on first use), optionally filtered to attention."""
        if self.triage is None:
            self.triage = TriageWindow(self.window.workspace, self.window)
            self.triage.changed.connect(self._triage_changed)
        elif not self.triage.isVisible():
            self.triage.reload()
        if attention_only:
            self.triage.show_attention()
        self.triage.show()
        self.triage.raise_()
        self.triage.activateWindow()
        return self.triage

    def edit_settings(self) -> None:
        """Change the attention thresholds."""
        service = self.window.workspace.followups
        dialog = AttentionSettingsDialog(service.settings(), self.window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        try:
            service.save_settings(dialog.result_settings())
        except OSError as error:
            messages.show_error(
                self.window,
                "Settings not saved",
                f"Cannot write the preferences file: {error.strerror or error}.",
            )
            return
        self.refresh_count()
        self.window.editor.followups.reload()
        if self.triage is not None and self.triage.isVisible():
            self.triage.board.reload()

    def close(self) -> None:
        """The main window is closing: so does the Triage view."""
        if self.triage is not None:
            self.triage.close()
