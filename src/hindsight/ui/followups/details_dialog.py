"""The details of one follow-up item, every field editable."""

from __future__ import annotations

import functools
from dataclasses import replace
from datetime import date

from PySide6.QtCore import QDate, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QTabWidget,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from hindsight.core.followup_regions import RegionMap
from hindsight.core.followups import (
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    FollowUpType,
    Priority,
    problems,
)
from hindsight.core.references import link_for
from hindsight.trackers import tracker_patterns
from hindsight.ui.look import styled
from hindsight.ui.optional_date import OptionalDate
from hindsight.ui.qt_helpers import (
    DateEdit,
    current_enum,
    fill_combo,
    ok_cancel_buttons,
    place_window,
    problem_label,
    say_problem,
    select_data,
)
from hindsight.ui.vertical_scroll import VerticalScrollArea


@functools.lru_cache(maxsize=128)
def safe_html(text: str) -> str:
    """Markdown rendered to HTML, then sanitised (user text is untrusted)."""
    # Kept per text: the preview shows an item again after every move of its card, and a
    # description's rendering (2 ms) was the largest part of a move on the GUI thread.
    # Rendered as the exported documents render it (fenced code, tables; a preview with
    # fewer extensions showed a code block as a bullet's text).
    from hindsight.export.safe_text import markdown_to_html  # Markdown loads on first use

    return str(markdown_to_html(text))


def to_qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def from_qdate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


# Wide enough for the two columns of fields side by side; cut to a smaller screen.
PREFERRED_SIZE = (760, 560)


class FollowUpDialog(QDialog):
    """Edits every field of one item; `result_item()` is the edited copy."""

    def __init__(
        self,
        item: FollowUp,
        regions: RegionMap,
        *,
        owners: list[str],
        today: date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.item = item
        self.regions = regions
        self.today = today
        new = item.id is None
        self.setWindowTitle("New follow-up" if new else f"Follow-up of {item.incident_key}")

        self.title = QLineEdit(item.title)
        self.title.setPlaceholderText("What is to be done, in a few words")
        self.incident = QLabel(item.incident_key)
        styled(self.incident, "hint")

        self.description = QPlainTextEdit(item.description)
        self.description.setPlaceholderText("Why it matters and what done looks like (Markdown)")
        self.preview = QTextBrowser()
        self.preview.setOpenLinks(False)
        self.description_tabs = QTabWidget()
        self.description_tabs.addTab(self.description, "&Write")
        self.description_tabs.addTab(self.preview, "&Preview")
        self.description_tabs.currentChanged.connect(self._show_preview)
        self.description_tabs.setMinimumHeight(150)

        self.status = QComboBox()
        fill_combo(self.status, ((s.label, s) for s in FollowUpStatus))
        select_data(self.status, item.status)
        self.reached = DateEdit()
        self.reached.setCalendarPopup(True)
        self.reached.setDisplayFormat("yyyy-MM-dd")
        self.reached.setDate(to_qdate(item.status_since or today))
        self.history = QLabel(self._history_text())
        styled(self.history, "hint")
        self.history.setWordWrap(True)
        self.status.currentIndexChanged.connect(self._status_changed)

        self.priority = QComboBox()
        fill_combo(self.priority, ((p.label, p) for p in Priority))
        select_data(self.priority, item.priority)
        self.kind = QComboBox()
        fill_combo(self.kind, ((k.label, k) for k in FollowUpKind))
        select_data(self.kind, item.kind)
        # The common postmortem template's action types; "Not said" keeps an import's silence.
        self.action_type = QComboBox()
        self.action_type.addItem("Not said", "")
        for action in FollowUpType:
            self.action_type.addItem(action.label, action.value)
        self.action_type.setCurrentIndex(
            self.action_type.findData(item.action_type.value if item.action_type else "")
        )
        self.owner = QComboBox()
        self.owner.setEditable(True)
        self.owner.addItems(owners)
        self.owner.setCurrentText(item.owner)
        owner_field = self.owner.lineEdit()
        if owner_field is not None:
            owner_field.setPlaceholderText("Who carries it out")
        self.due = OptionalDate("Due on", today=today)
        self.due.set_date(item.due)

        self.value = QSpinBox()
        self.value.setRange(1, 5)
        self.value.setValue(item.value)
        self.value.setToolTip("1: little value … 5: very valuable")
        self.feasibility = QSpinBox()
        self.feasibility.setRange(1, 5)
        self.feasibility.setValue(item.feasibility)
        self.feasibility.setToolTip("1: very hard and costly … 5: easy and cheap")
        self.region = QLabel()
        self.region.setWordWrap(True)
        self.next_review = OptionalDate("Planned for", today=today)
        self.next_review.set_date(item.next_senior_review)
        self.value.valueChanged.connect(self._place_changed)
        self.feasibility.valueChanged.connect(self._place_changed)

        self.tracker = QLineEdit(item.tracker)
        self.tracker.setPlaceholderText("https://… or a reference such as PROJ-42")
        self._patterns = tracker_patterns()
        self.open_tracker = QToolButton()
        self.open_tracker.setText("Open")
        self.open_tracker.clicked.connect(self._open_tracker)
        self.tracker.textChanged.connect(self._tracker_changed)
        tracker_row = QHBoxLayout()
        tracker_row.addWidget(self.tracker, 1)
        tracker_row.addWidget(self.open_tracker)
        self.speeds = QCheckBox("Makes the next incident faster to troubleshoot")
        self.speeds.setChecked(item.speeds_troubleshooting)

        left = QFormLayout()
        left.addRow("&Status", self.status)
        left.addRow("&Reached on", self.reached)
        left.addRow("", self.history)
        # A history of one step says nothing the status does not: keep the row out of the way.
        left.setRowVisible(self.history, bool(self.history.text()))
        left.addRow("&Priority", self.priority)
        left.addRow("&Kind", self.kind)
        left.addRow("Action t&ype", self.action_type)
        left.addRow("&Owner", self.owner)
        left.addRow("Due date", self.due)
        right = QFormLayout()
        right.addRow("&Value", self.value)
        right.addRow("&Feasibility", self.feasibility)
        right.addRow("Region", self.region)
        right.addRow("Next senior review", self.next_review)
        tracker_label = QLabel("&Tracker link")
        tracker_label.setBuddy(self.tracker)
        right.addRow(tracker_label, tracker_row)
        right.addRow("", self.speeds)
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addSpacing(16)
        columns.addLayout(right, 1)

        heading = QFormLayout()
        heading.addRow("T&itle", self.title)
        heading.addRow("Incident", self.incident)
        self.problem = problem_label()
        self.buttons = ok_cancel_buttons(self)
        # The fields scroll, the buttons stay: on a small screen at 2x scale (683x384 pixels)
        # the dialog is cut to the screen and OK is still there to press.
        fields = QWidget()
        body = QVBoxLayout(fields)
        body.setContentsMargins(0, 0, 0, 0)
        body.addLayout(heading)
        body.addWidget(self.description_tabs, 1)
        body.addLayout(columns)
        layout = QVBoxLayout(self)
        layout.addWidget(VerticalScrollArea(fields), 1)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self._place_changed()
        self._tracker_changed()
        # The layout's least size, held so that place_window can cut it to the screen.
        self.setMinimumSize(self.minimumSizeHint())
        place_window(self, PREFERRED_SIZE)
        self.title.setFocus()

    def draft_fields(self) -> dict[str, QWidget]:
        """The fields kept as a draft while the dialog is open (ui/recovery.py)."""
        return {
            "title": self.title,
            "description": self.description,
            "owner": self.owner,
            "tracker": self.tracker,
            "status": self.status,
            "reached": self.reached,  # after the status, which sets it when chosen
            "priority": self.priority,
            "kind": self.kind,
            "action_type": self.action_type,
            "value": self.value,
            "feasibility": self.feasibility,
            "speeds": self.speeds,
            "due": self.due,
            "next_review": self.next_review,
        }

    # Live feedback

    def _history_text(self) -> str:
        steps = [f"{s.status.label} {s.day_text}" for s in self.item.history]
        return "History: " + " → ".join(steps) if len(steps) > 1 else ""

    def _status_changed(self) -> None:
        chosen = current_enum(self.status, FollowUpStatus)
        if chosen is self.item.status and self.item.status_since:
            self.reached.setDate(to_qdate(self.item.status_since))
        else:
            self.reached.setDate(to_qdate(self.today))

    def _place_changed(self) -> None:
        region = self.regions.at(self.value.value(), self.feasibility.value())
        self.region.setText(f"<b>{region.name}</b>: {region.description}")
        self.next_review.setEnabled(region.strategic)
        self.next_review.setToolTip(
            "" if region.strategic else "Only strategic items are reviewed with senior leads."
        )

    def _tracker_changed(self) -> None:
        self.open_tracker.setEnabled(bool(link_for(self.tracker.text(), self._patterns)))

    def _open_tracker(self) -> None:
        url = link_for(self.tracker.text(), self._patterns)
        if url:
            QDesktopServices.openUrl(QUrl(url))

    def _show_preview(self, index: int) -> None:
        if self.description_tabs.widget(index) is self.preview:
            self.preview.setHtml(safe_html(self.description.toPlainText()))

    # Result

    def result_item(self) -> FollowUp:
        """The item as edited (same identity and version as the one given)."""
        status = current_enum(self.status, FollowUpStatus) or FollowUpStatus.OPEN
        reached = from_qdate(self.reached.date())
        edited = self.item.with_status(status, reached)
        return replace(
            edited,
            title=self.title.text().strip(),
            description=self.description.toPlainText(),
            owner=self.owner.currentText().strip(),
            due=self.due.date_value(),
            priority=current_enum(self.priority, Priority) or Priority.MEDIUM,
            kind=current_enum(self.kind, FollowUpKind) or FollowUpKind.FIX,
            action_type=FollowUpType(self.action_type.currentData())
            if self.action_type.currentData()
            else None,
            value=self.value.value(),
            feasibility=self.feasibility.value(),
            tracker=self.tracker.text().strip(),
            speeds_troubleshooting=self.speeds.isChecked(),
            next_senior_review=self.next_review.date_value(),
        )

    def accept(self) -> None:
        edited = self.result_item()
        found = problems(edited)
        future = [s for s in edited.history if s.on is not None and s.on > self.today]
        if future:
            found.append(f"{future[0].status.label} cannot be dated in the future.")
        if found:
            say_problem(self.problem, " ".join(found))
            return
        super().accept()
