"""The Privacy & ethics tab of the incident editor.

What blocks publishing is summed up at the top; below are the data-access log, the ethics
checklist and the PII scan. Data accesses and checklist answers are saved by the privacy
service on their own. Redacting text of the incident record itself goes through the editor,
so it is one undoable step saved like any other edit.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtGui import QShowEvent, QTextCursor
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from hindsight.core.enums import Phase
from hindsight.core.incident import Incident
from hindsight.core.pii import CustomPattern, Finding
from hindsight.core.privacy import approver_problem, overdue_copies
from hindsight.core.review import ReviewStatus
from hindsight.services.errors import ConflictError, NotFoundError, StoreError, ValidationError
from hindsight.services.pii_scan import (
    custom_patterns,
    redact_followup,
    redact_incident,
    scan_incident,
    split_path,
)
from hindsight.services.privacy import PrivacyService, recorder_name
from hindsight.ui import messages
from hindsight.ui.editor.attached_page import AttachedPage
from hindsight.ui.privacy.access_log import AccessLogPage
from hindsight.ui.privacy.ethics_page import EthicsPage
from hindsight.ui.privacy.patterns_dialog import PatternsDialog
from hindsight.ui.privacy.scan_page import ScanPage

if TYPE_CHECKING:
    from hindsight.ui.editor.incident_editor import IncidentEditor

BANNER_STYLE = {
    "blocked": "background:#fdecea; border:1px solid #f5c2bd; border-radius:4px; padding:6px;",
    "clear": "background:#edf7ed; border:1px solid #c3e6c5; border-radius:4px; padding:6px;",
}


def _select_line_edit(field: QLineEdit, start: int, end: int) -> None:
    field.setFocus()
    field.setSelection(start, end - start)


def _select_plain_text(field: QPlainTextEdit, start: int, end: int) -> None:
    cursor = field.textCursor()
    cursor.setPosition(min(start, len(field.toPlainText())))
    cursor.setPosition(min(end, len(field.toPlainText())), QTextCursor.MoveMode.KeepAnchor)
    field.setTextCursor(cursor)
    field.ensureCursorVisible()
    field.setFocus()


class PrivacyTab(AttachedPage):
    """The incident's data-access log, ethics checklist and PII scan."""

    def __init__(self, editor: IncidentEditor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self._incident_id: int | None = None
        self.patterns: list[CustomPattern] = custom_patterns()[0]
        self._scan_stale = True

        self.banner = QLabel()
        self.banner.setObjectName("privacyStatus")
        self.banner.setWordWrap(True)
        self.banner.linkActivated.connect(self.focus_target)
        self.pages = QTabWidget()
        self.log = AccessLogPage(self._privacy)
        self.ethics = EthicsPage(self._privacy)
        self.scan = ScanPage(self._scan)
        self.pages.addTab(self.log, "Data access log")
        self.pages.addTab(self.ethics, "Ethics checklist")
        self.pages.addTab(self.scan, "PII scan")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(self.banner)
        layout.addWidget(self.pages, 1)

        self.log.changed.connect(self._log_changed)
        self.ethics.changed.connect(self._refresh_summary)
        self.scan.jumpRequested.connect(self.jump_to)
        self.scan.redactRequested.connect(self.redact)
        self.scan.patterns_button.clicked.connect(self.edit_patterns)
        self.pages.currentChanged.connect(self._page_shown)
        editor.undo_stack.indexChanged.connect(self._record_edited)

    def _privacy(self) -> PrivacyService:
        return self.editor.workspace.privacy

    # Showing

    def open_incident(self, incident: Incident) -> None:
        """Show the privacy record of `incident`."""
        self._incident_id = incident.id
        self.log.show_incident(incident.id)
        self.ethics.show_incident(incident.id, incident.review_status)
        self._refresh_summary()
        self._scan_stale = True
        if self.isVisible():
            self.scan.rescan()
            self._scan_stale = False

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._scan_stale:
            self.scan.rescan()
            self._scan_stale = False
            self._update_titles()

    def _page_shown(self, _index: int) -> None:
        if self.pages.currentWidget() is self.scan and self._scan_stale:
            self.scan.rescan()
            self._scan_stale = False

    def _record_edited(self, _index: int) -> None:
        # The text changed in the editor: scan again once typing pauses.
        if self.isVisible():
            self.scan.schedule()
        else:
            self._scan_stale = True

    def _log_changed(self) -> None:
        self._refresh_summary()
        self.scan.schedule()

    def _scan(self) -> list[Finding]:
        incident = self.editor.incident
        if incident is None:
            return []
        try:
            findings = scan_incident(self.editor.workspace, incident, self.patterns)
        except StoreError as error:
            messages.show_error(self, "Cannot scan", error.message)
            return []
        self._update_titles(len(findings))
        return findings

    def _update_titles(self, findings: int | None = None) -> None:
        flagged = sum(
            1
            for access in self.log.accesses
            if approver_problem(access.details)
            or overdue_copies(access.details, self._privacy().today())
        )
        log_title = f"Data access log ({len(self.log.accesses)})"
        self.pages.setTabText(0, f"⚠ {log_title}" if flagged else log_title)
        answered, total = self.ethics.counts()
        self.pages.setTabText(1, f"Ethics checklist ({answered}/{total})")
        count = len(self.scan.findings) if findings is None else findings
        self.pages.setTabText(2, f"PII scan ({count})")

    def _refresh_summary(self) -> None:
        """Say at the top what in the privacy record blocks publishing, with links to it."""
        self._update_titles()
        incident_id = self._incident_id
        if incident_id is None:
            self.banner.clear()
            return
        privacy = self._privacy()
        ethics = privacy.ethics_blockers(incident_id)
        today = privacy.today()
        links: list[str] = []
        if ethics:
            noun = "item" if len(ethics) == 1 else "items"
            links.append(
                f"<a href='{ethics[0].target}'>{len(ethics)} required checklist {noun}</a> open"
            )
        for access in self.log.accesses:
            target = f"access:{access.id}"
            label = html.escape(access.label)
            if approver_problem(access.details):
                links.append(f"<a href='{target}'>{label}</a>: personal data, no approver")
            for copy in overdue_copies(access.details, today):
                links.append(
                    f"<a href='{target}'>{label}</a>: copy past its delete-by date "
                    f"({copy.delete_by.isoformat() if copy.delete_by else ''})"
                )
        total = len(ethics) + len(privacy.access_blockers(incident_id))
        if total:
            noun = "problem" if total == 1 else "problems"
            text = (
                f"<b>⚠ Publishing is blocked</b> by {total} privacy {noun}: "
                + " · ".join(links)
                + "."
            )
            self.banner.setStyleSheet(BANNER_STYLE["blocked"])
            self.banner.setToolTip(
                "\n".join(b.message for b in privacy.blockers(self._current_or_stub()))
            )
        else:
            text = "✓ Nothing in the privacy record blocks publishing."
            self.banner.setStyleSheet(BANNER_STYLE["clear"])
            self.banner.setToolTip("")
        self.banner.setText(text)

    def _current_or_stub(self) -> Incident:
        incident = self.editor.incident
        if incident is not None and incident.id == self._incident_id:
            return incident
        return Incident(title="", id=self._incident_id)

    # Going to things

    def focus_target(self, target: str) -> bool:
        """Show a publish-gate target: 'access:<id>' or 'ethics:<item id>'."""
        kind, _, key = target.partition(":")
        if kind == "access" and key.isdigit():
            self.editor.tabs.setCurrentWidget(self)
            self.pages.setCurrentWidget(self.log)
            return self.log.select_access(int(key))
        if kind == "ethics":
            self.editor.tabs.setCurrentWidget(self)
            self.pages.setCurrentWidget(self.ethics)
            return self.ethics.focus_item(key)
        return False

    def jump_to(self, finding: Finding) -> bool:
        """Show where a finding is, selecting it where the text can be selected."""
        parts = split_path(finding.field)
        head = parts[0]
        if head == "accesses":
            return self.focus_target(f"access:{parts[1]}")
        if head == "followups":
            return self._jump_to_followup(int(parts[1]))
        if head == "ethics":
            return self.focus_target(f"ethics:{parts[1]}")
        incident = self.editor.incident
        if incident is None:
            return False
        try:
            return self._jump_in_record(incident, parts, finding)
        except (KeyError, IndexError, ValueError):
            return False  # the text is gone since the scan

    def _jump_in_record(self, incident: Incident, parts: list[str], finding: Finding) -> bool:
        editor = self.editor
        head = parts[0]
        start, end = finding.start, finding.end
        if head == "title":
            editor.tabs.setCurrentWidget(editor.overview)
            _select_line_edit(editor.overview.title, start, end)
            return True
        if head == "summary":
            editor.tabs.setCurrentWidget(editor.overview)
            _select_plain_text(editor.overview.summary, start, end)
            return True
        if head in ("systems", "models", "tags"):
            editor.tabs.setCurrentWidget(editor.overview)
            values = getattr(incident, head)
            index = int(parts[1])
            offset = sum(len(value) + 2 for value in values[:index])
            field = getattr(editor.overview, head)
            _select_line_edit(field, offset + start, offset + end)
            return True
        if head == "milestones":
            editor.tabs.setCurrentWidget(editor.milestones)
            note = editor.milestones.editors[Phase(parts[1])].note
            scroll = editor.milestones.findChild(QScrollArea)
            if scroll is not None:
                scroll.ensureWidgetVisible(note)
            _select_line_edit(note, start, end)
            return True
        if head in ("events", "roles", "teams"):
            tab = {"events": editor.timeline, "roles": editor.roles, "teams": editor.teams}[head]
            editor.tabs.setCurrentWidget(tab)
            row = tab.order(incident).index(int(parts[1]))
            tab.table.selectRow(row)
            tab.table.scrollToItem(tab.table.item(row, 0))
            tab.table.setFocus()
            return True
        if head in ("answers", "attributions"):
            return self._jump_to_review(parts)
        return False

    def _jump_to_review(self, parts: list[str]) -> bool:
        review = getattr(self.editor, "review", None)
        if review is None:
            return False
        self.editor.tabs.setCurrentWidget(review)
        for row, view in enumerate(getattr(review, "views", [])):
            if parts[0] == "answers" and parts[1] in getattr(view, "cards", {}):
                review.go_to(row)
                view.focus_question(parts[1])
                return True
            if parts[0] == "attributions" and getattr(view, "attribution", None) is not None:
                review.go_to(row)
                view.focus_question("")
                return True
        return True

    def _jump_to_followup(self, item_id: int) -> bool:
        page = getattr(self.editor, "followups", None)
        if page is None:
            return False
        self.editor.tabs.setCurrentWidget(page)
        # The follow-ups tab selects an item on its board (grid and list).
        select = getattr(getattr(page, "board", None), "select", None)
        if callable(select):
            select(item_id)
        return True

    # Redacting

    def redact(self, findings: list[Finding]) -> None:
        """Replace findings with placeholders where they live."""
        in_record: list[Finding] = []
        by_access: dict[int, list[Finding]] = {}
        by_followup: dict[int, list[Finding]] = {}
        by_item: dict[str, list[Finding]] = {}
        for finding in findings:
            parts = split_path(finding.field)
            if parts[0] == "accesses":
                by_access.setdefault(int(parts[1]), []).append(finding)
            elif parts[0] == "followups":
                by_followup.setdefault(int(parts[1]), []).append(finding)
            elif parts[0] == "ethics":
                by_item.setdefault(parts[1], []).append(finding)
            else:
                in_record.append(finding)
        if in_record:
            self._redact_in_record(in_record)
        if by_access:
            self._redact_in_log(by_access)
        if by_item:
            self._redact_in_checklist(by_item)
        if by_followup:
            self._redact_in_followups(by_followup)
        self.scan.rescan()

    def _redact_in_record(self, findings: list[Finding]) -> None:
        incident = self.editor.incident
        if incident is None:
            return
        if incident.review_status is ReviewStatus.PUBLISHED:
            messages.show_error(
                self, "Published", "This review is published: reopen it to redact its text."
            )
            return
        label = (
            f"Redact {findings[0].label.lower()}"
            if len(findings) == 1
            else (f"Redact {len(findings)} findings")
        )
        patterns = list(self.patterns)
        self.editor.edit(label, lambda record: redact_incident(record, findings, patterns))

    def _redact_in_log(self, by_access: dict[int, list[Finding]]) -> None:
        labels = {a.id: a.label for a in self.log.accesses}
        names = ", ".join(labels.get(i, f"entry {i}") for i in by_access)
        if not messages.confirm(
            self,
            "Redact in the data-access log",
            f"Redacting in {names} is recorded as an amendment. The earlier text stays in the "
            "entry's history on this computer; only the current text is exported. Redact?",
            "Redact",
        ):
            return
        for access_id, found in by_access.items():
            try:
                self._privacy().redact_access(access_id, found, recorder_name(), self.patterns)
            except (ValidationError, ConflictError, NotFoundError, StoreError) as error:
                messages.show_error(self, "Not redacted", str(error))
        self.log.reload()
        self._refresh_summary()

    def _redact_in_checklist(self, by_item: dict[str, list[Finding]]) -> None:
        if self._incident_id is None:
            return
        for item_id, found in by_item.items():
            try:
                self._privacy().redact_ethics_note(
                    self._incident_id, item_id, found, recorder_name(), self.patterns
                )
            except (ValidationError, ConflictError, NotFoundError, StoreError) as error:
                messages.show_error(self, "Not redacted", str(error))
        self.ethics.reload()

    def _redact_in_followups(self, by_followup: dict[int, list[Finding]]) -> None:
        if not messages.confirm(
            self,
            "Redact in follow-ups",
            "Redacting a follow-up saves it at once; it cannot be undone here. Redact?",
            "Redact",
        ):
            return
        for item_id, found in by_followup.items():
            try:
                redact_followup(self.editor.workspace, item_id, found, self.patterns)
            except (ValidationError, ConflictError, NotFoundError, StoreError) as error:
                messages.show_error(self, "Not redacted", str(error))
        page = getattr(self.editor, "followups", None)
        if page is not None and self.editor.incident is not None:
            page.open_incident(self.editor.incident)

    # Settings

    def edit_patterns(self) -> None:
        """Edit the team's custom patterns, then scan again with them."""
        if PatternsDialog(self).exec():
            self.patterns = custom_patterns()[0]
            self.scan.rescan()
