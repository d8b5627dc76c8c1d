"""The Privacy & ethics tab of the incident editor.

What blocks publishing is summed up at the top; below are the data-access log, the ethics
checklist and the PII scan. The tab reads an incident's privacy record in one operation off the
GUI thread (PrivacyRecord), and the banner, the page titles and the pages all show that one
reading, so their counts agree. Data accesses and checklist answers are saved by the privacy
service on their own; redacting text of the incident record itself goes through the editor, so
it is one undoable step saved like any other edit. The PII scan runs on the operations pool:
typing never waits for it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from hindsight.core.incident import Incident
from hindsight.core.pii import CustomPattern, Finding
from hindsight.core.privacy import DataAccess, EthicsAnswer, approver_problem, overdue_copies
from hindsight.core.review import ReviewStatus
from hindsight.services.changes import Changes
from hindsight.services.pii_scan import (
    custom_patterns,
    redact_followup,
    redact_incident,
    scan_incident,
    split_path,
)
from hindsight.services.privacy import recorder_name
from hindsight.services.publish_gate import Blocker
from hindsight.services.workspace import Workspace
from hindsight.ui import messages
from hindsight.ui.author_text import escaped, keep_readable_when_disabled, plain_tooltip
from hindsight.ui.editor.attached_page import AttachedPage
from hindsight.ui.operations import Operations, error_message
from hindsight.ui.privacy.access_log import AccessLogPage
from hindsight.ui.privacy.ethics_page import EthicsPage
from hindsight.ui.privacy.jumps import jump_in_record, jump_to_followup
from hindsight.ui.privacy.patterns_dialog import PatternsDialog
from hindsight.ui.privacy.scan_page import ScanPage

if TYPE_CHECKING:
    from hindsight.ui.editor.incident_editor import IncidentEditor

BANNER_STYLE = {
    "blocked": "background:#fdecea; border:1px solid #f5c2bd; border-radius:4px; padding:6px;",
    "clear": "background:#edf7ed; border:1px solid #c3e6c5; border-radius:4px; padding:6px;",
}
LOG_PAGE, ETHICS_PAGE, SCAN_PAGE = range(3)


@dataclass(frozen=True)
class PrivacyRecord:
    """An incident's privacy record as read at one moment, with what in it blocks publishing."""

    incident_id: int
    accesses: list[DataAccess] = field(default_factory=list)
    answers: dict[str, EthicsAnswer] = field(default_factory=dict)
    ethics_blockers: list[Blocker] = field(default_factory=list)
    access_blockers: list[Blocker] = field(default_factory=list)

    @property
    def blockers(self) -> list[Blocker]:
        """Everything in the privacy record that blocks publishing."""
        return self.ethics_blockers + self.access_blockers


def read_record(workspace: Workspace, incident_id: int) -> PrivacyRecord:
    """Read the privacy record of `incident_id` (on the database lane)."""
    privacy = workspace.privacy
    return PrivacyRecord(
        incident_id,
        privacy.accesses(incident_id),
        privacy.ethics_answers(incident_id),
        privacy.ethics_blockers(incident_id),
        privacy.access_blockers(incident_id),
    )


class PrivacyTab(AttachedPage):
    """The incident's data-access log, ethics checklist and PII scan."""

    def __init__(self, editor: IncidentEditor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        keep_readable_when_disabled(self)
        self.editor = editor
        self.ops: Operations = editor.ops
        self._incident_id: int | None = None
        self._status = ReviewStatus.DRAFT
        self.record: PrivacyRecord | None = None
        self.patterns: list[CustomPattern] = custom_patterns()[0]
        self._scan_stale = True
        self._reads = 0  # numbers the reads, so only the latest one is shown
        self._scans = 0
        self._select_next: int | None = None

        self.banner = QLabel()
        self.banner.setObjectName("privacyStatus")
        self.banner.setWordWrap(True)
        self.banner.hide()
        self.banner.linkActivated.connect(self.focus_target)
        self.pages = QTabWidget()
        self.log = AccessLogPage(self.ops)
        self.ethics = EthicsPage(self.ops, editor.workspace.privacy.checklist)
        self.scan = ScanPage(self._start_scan)
        self.pages.addTab(self.log, "Data access log")
        self.pages.addTab(self.ethics, "Ethics checklist")
        self.pages.addTab(self.scan, "PII scan")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(self.banner)
        layout.addWidget(self.pages, 1)

        self.log.changed.connect(self._log_changed)
        self.ethics.changed.connect(self._reload)
        self.scan.jumpRequested.connect(self.jump_to)
        self.scan.redactRequested.connect(self.redact)
        self.scan.patterns_button.clicked.connect(self.edit_patterns)
        self.pages.currentChanged.connect(self._page_shown)
        editor.undo_stack.indexChanged.connect(self._record_edited)
        self.ops.changed.connect(self._on_changed)

    # Showing

    def open_incident(self, incident: Incident) -> None:
        """Show the privacy record of `incident` (empty until it has been read)."""
        self._incident_id = incident.id
        self._status = incident.review_status
        self.record = None
        self.log.show_incident(incident.id)
        self.log.set_read_only(incident.review_status is ReviewStatus.PUBLISHED)
        self.ethics.show_incident(incident.id, incident.review_status, incident.key)
        self.scan.clear()
        self.banner.hide()
        self.banner.clear()
        self._update_titles()
        self._reload()
        self._scan_stale = True
        if self.isVisible():
            self.scan.rescan()
            self._scan_stale = False

    def flush(self) -> None:
        """Send checklist notes typed but not saved yet to be saved."""
        self.ethics.flush()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._scan_stale:
            self.scan.rescan()
            self._scan_stale = False

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

    def _log_changed(self, select_id: int | None) -> None:
        self._select_next = select_id
        self._reload()

    def _on_changed(self, changes: Changes, initiator: object) -> None:
        incident_id = self._incident_id
        if incident_id is None:
            return
        # What the log and checklist pages save, they announce themselves (`changed`).
        ours = initiator is self.log or initiator is self.ethics
        if (changes.everything or incident_id in changes.privacy) and not ours:
            self._reload()
        if changes.everything or incident_id in changes.privacy | changes.followups:
            if self.isVisible():
                self.scan.schedule()
            else:
                self._scan_stale = True

    # Reading the record

    def _reload(self) -> None:
        """Read the record again; only the latest read is shown."""
        incident_id = self._incident_id
        if incident_id is None:
            return
        self._reads += 1
        number = self._reads
        self.ops.run(
            lambda ws: read_record(ws, incident_id),
            lambda record: self._show_record(record, number),
            owner=self,
            what="read the privacy record",
        )

    def _show_record(self, record: PrivacyRecord, number: int) -> None:
        if number != self._reads or record.incident_id != self._incident_id:
            return  # a newer read is on its way, or another incident is open
        self.record = record
        select, self._select_next = self._select_next, None
        self.log.show_accesses(record.accesses, select)
        self.ethics.show_answers(record.answers)
        self._show_banner(record)
        self._update_titles()

    def _update_titles(self) -> None:
        record = self.record
        flagged = {b.target for b in record.access_blockers} if record else set()
        log_title = f"Data access log ({len(record.accesses)})" if record else "Data access log"
        self.pages.setTabText(LOG_PAGE, f"⚠ {log_title}" if flagged else log_title)
        # The same count as the banner's: required items still open.
        still_open = len(record.ethics_blockers) if record else 0
        ethics_title = "Ethics checklist"
        if record is not None:
            answered, total = self.ethics.counts()
            ethics_title = (
                f"⚠ Ethics checklist ({still_open} required open)"
                if still_open
                else f"Ethics checklist ({answered}/{total})"
            )
        self.pages.setTabText(ETHICS_PAGE, ethics_title)
        count = "" if self.scan.scanning or self._scan_stale else f" ({len(self.scan.findings)})"
        self.pages.setTabText(SCAN_PAGE, f"PII scan{count}")

    def _show_banner(self, record: PrivacyRecord) -> None:
        """Say at the top what in the privacy record blocks publishing, with links to it."""
        today = self.ops.workspace.privacy.today()
        links: list[str] = []
        ethics = record.ethics_blockers
        if ethics:
            noun = "item" if len(ethics) == 1 else "items"
            links.append(
                f"<a href='{escaped(ethics[0].target)}'>{len(ethics)} required checklist "
                f"{noun}</a> open"
            )
        for access in record.accesses:
            target = f"access:{access.id}"
            label = escaped(access.label)
            if approver_problem(access.details):
                links.append(f"<a href='{target}'>{label}</a>: personal data, no approver")
            for copy in overdue_copies(access.details, today):
                due = copy.delete_by.isoformat() if copy.delete_by else ""
                links.append(
                    f"<a href='{target}'>{label}</a>: copy past its delete-by date ({due})"
                )
        total = len(record.blockers)
        if total:
            noun = "problem" if total == 1 else "problems"
            text = (
                f"<b>⚠ Publishing is blocked</b> by {total} privacy {noun}: "
                + " · ".join(links)
                + "."
            )
            self.banner.setStyleSheet(BANNER_STYLE["blocked"])
            self.banner.setToolTip(plain_tooltip("\n".join(b.message for b in record.blockers)))
        else:
            text = "✓ Nothing in the privacy record blocks publishing."
            self.banner.setStyleSheet(BANNER_STYLE["clear"])
            self.banner.setToolTip("")
        self.banner.setText(text)
        self.banner.show()

    # Scanning

    def _start_scan(self) -> None:
        """Scan the incident's text off the GUI thread; only the latest scan is shown."""
        incident = self.editor.incident
        if incident is None or incident.id != self._incident_id:
            self.scan.show_findings([])
            return
        self._scans += 1
        number = self._scans
        patterns = list(self.patterns)
        self._update_titles()
        # The editor replaces its record on every edit rather than changing it, so the scan
        # reads a record nobody writes to.
        self.ops.run_long(
            lambda ws, _task: scan_incident(ws, incident, patterns),
            lambda findings: self._scanned(findings, number, incident.id),
            owner=self,
            failed=lambda error: self._scan_failed(error, number),
            what="scan for personal data",
        )

    def _scanned(self, findings: list[Finding], number: int, incident_id: int | None) -> None:
        if number != self._scans or incident_id != self._incident_id:
            return
        self.scan.show_findings(findings)
        self._update_titles()

    def _scan_failed(self, error: Exception, number: int) -> None:
        if number != self._scans:
            return
        self.scan.show_findings([])
        message = error_message(error)
        self.scan.summary.setText("The scan failed")
        messages.show_error(self, "Cannot scan for personal data", message)

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
            return jump_to_followup(self.editor, int(parts[1]))
        if head == "ethics":
            return self.focus_target(f"ethics:{parts[1]}")
        incident = self.editor.incident
        return incident is not None and jump_in_record(self.editor, incident, finding)

    # Redacting

    def redact(self, findings: list[Finding]) -> None:
        """Replace findings with placeholders where they live."""
        in_record: list[Finding] = []
        by_place: dict[str, dict[Any, list[Finding]]] = {
            "accesses": {},
            "ethics": {},
            "followups": {},
        }
        for finding in findings:
            parts = split_path(finding.field)
            place = by_place.get(parts[0])
            if place is None:
                in_record.append(finding)
            else:
                key = parts[1] if parts[0] == "ethics" else int(parts[1])
                place.setdefault(key, []).append(finding)
        if in_record:
            self._redact_in_record(in_record)
        writes: list[Callable[[Workspace], object]] = []
        patterns = list(self.patterns)
        recorder = recorder_name()
        if by_place["accesses"] and self._confirm_log_redaction(by_place["accesses"]):
            for access_id, found in by_place["accesses"].items():
                writes.append(_access_redaction(access_id, found, recorder, patterns))
        incident_id = self._incident_id
        if by_place["ethics"] and incident_id is not None:
            for item_id, found in by_place["ethics"].items():
                writes.append(_ethics_redaction(incident_id, item_id, found, recorder, patterns))
        if by_place["followups"] and messages.confirm(
            self,
            "Redact in follow-ups",
            "Redacting a follow-up saves it at once; it cannot be undone here. Redact?",
            "Redact",
        ):
            for item_id, found in by_place["followups"].items():
                writes.append(_followup_redaction(item_id, found, patterns))
        for write in writes:
            self.ops.run(write, failed=self._redaction_failed, owner=self, what="redact")
        if writes:
            # Runs after the writes on the same lane, so the scan sees their result.
            self.ops.run(lambda _ws: None, lambda _: self._after_redaction(), owner=self)
        else:
            self.scan.rescan()

    def _after_redaction(self) -> None:
        page = getattr(self.editor, "followups", None)
        if page is not None and self.editor.incident is not None:
            page.open_incident(self.editor.incident)
        self.scan.rescan()

    def _redaction_failed(self, error: Exception) -> None:
        message = error_message(error)
        messages.show_error(self, "Not redacted", message)

    def _confirm_log_redaction(self, by_access: dict[Any, list[Finding]]) -> bool:
        labels = {a.id: a.label for a in self.log.accesses}
        names = ", ".join(labels.get(i, f"entry {i}") for i in by_access)
        return messages.confirm(
            self,
            "Redact in the data-access log",
            f"Redacting in {names} is recorded as an amendment. The earlier text stays in the "
            "entry's history: documents (Markdown, HTML, PDF) show only the current text, but a "
            "JSON export carries the whole history unless its personal data is redacted "
            "(the export's Redact option). Redact?",
            "Redact",
        )

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
            else f"Redact {len(findings)} findings"
        )
        patterns = list(self.patterns)
        self.editor.edit(label, lambda record: redact_incident(record, findings, patterns))

    # Settings

    def edit_patterns(self) -> None:
        """Edit the team's custom patterns, then scan again with them."""
        if PatternsDialog(self).exec():
            self.patterns = custom_patterns()[0]
            self.scan.rescan()


# One write per place; each binds its own values (a loop's lambdas would share the last ones).


def _access_redaction(
    access_id: int, found: list[Finding], recorder: str, patterns: list[CustomPattern]
) -> Callable[[Workspace], object]:
    return lambda ws: ws.privacy.redact_access(access_id, found, recorder, patterns)


def _ethics_redaction(
    incident_id: int,
    item_id: str,
    found: list[Finding],
    recorder: str,
    patterns: list[CustomPattern],
) -> Callable[[Workspace], object]:
    return lambda ws: ws.privacy.redact_ethics_note(incident_id, item_id, found, recorder, patterns)


def _followup_redaction(
    item_id: int, found: list[Finding], patterns: list[CustomPattern]
) -> Callable[[Workspace], object]:
    return lambda ws: redact_followup(ws, item_id, found, patterns)
