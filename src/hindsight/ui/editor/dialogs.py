"""Dialogs that edit one timeline event, role assignment or team involvement."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from hindsight.core.enums import EventSource, Phase, Role
from hindsight.core.fuzzy_time import FuzzyTime
from hindsight.core.incident import RoleAssignment, TeamInvolvement, TimelineEvent
from hindsight.core.record_rules import MAX_PERSON
from hindsight.ui.author_text import set_line_text
from hindsight.ui.fuzzy_time_editor import FuzzyTimeEditor
from hindsight.ui.look import styled
from hindsight.ui.optional_date import OptionalDate
from hindsight.ui.qt_helpers import (
    current_enum,
    fill_combo,
    ok_cancel_buttons,
    problem_label,
    say_problem,
    select_data,
)
from hindsight.ui.vertical_scroll import VerticalScrollArea
from hindsight.vocabulary import vocabulary

# Room for the frame and title bar the system draws around a dialog (as place_window leaves).
FRAME_ROOM = (24, 48)


class _RecordDialog(QDialog):
    """A form over a problem line and OK/Cancel.

    With `scrolling`, the form scrolls and the problem line and buttons stay below it: such a
    dialog grows with its fields only up to the screen's available height (the factor dialog,
    with two of its dates ticked, grew past the bottom of a 1920x1080 screen at 2x scale and
    took OK and Cancel with it).
    """

    def __init__(self, title: str, parent: QWidget | None, *, scrolling: bool = False) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(560)
        self.fields_area: VerticalScrollArea | None = None
        if scrolling:
            fields = QWidget()
            self.form = QFormLayout(fields)
            self.form.setContentsMargins(0, 0, 0, 0)
            self.fields_area = VerticalScrollArea(fields)
            QVBoxLayout(self).addWidget(self.fields_area, 1)
        else:
            self.form = QFormLayout(self)
        self.problem = problem_label()
        self.buttons = ok_cancel_buttons(self)

    def draft_fields(self) -> dict[str, QWidget]:
        """The fields kept as a draft while the dialog is open (ui/recovery.py), the text
        the offer of a draft quotes first."""
        return {}

    def finish_layout(self) -> None:
        layout = self.layout()
        if self.fields_area is None or not isinstance(layout, QVBoxLayout):
            self.form.addRow(self.problem)
            self.form.addRow(self.buttons)
            return
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.fit_fields()

    def room(self) -> tuple[int, int]:
        """The width and height a dialog may take on the screen it opens on."""
        parent = self.parentWidget()
        screen = (parent.screen() if parent is not None else None) or (
            QGuiApplication.primaryScreen()
        )
        available = screen.availableGeometry()
        return available.width() - FRAME_ROOM[0], available.height() - FRAME_ROOM[1]

    def fit_fields(self) -> None:
        """Grow to show every field, up to the screen's height; the fields scroll beyond it."""
        scroll, layout = self.fields_area, self.layout()
        if scroll is None or layout is None:
            return
        self.form.activate()
        layout.activate()
        room_width, room_height = self.room()
        shown = self.width() if self.isVisible() else 0  # before showing: Qt's default width
        width = min(max(shown, layout.sizeHint().width()), room_width)
        width = max(width, min(self.minimumWidth(), room_width))
        inner = width - scroll.verticalScrollBar().sizeHint().width()
        margins = layout.contentsMargins()
        inner -= margins.left() + margins.right()
        item = layout.itemAt(layout.indexOf(scroll))
        others = layout.sizeHint().height() - (item.sizeHint().height() if item else 0)
        wanted = min(others + scroll.least_height(inner), room_height)
        self.setMinimumSize(min(self.minimumWidth(), room_width), 0)
        self.setMaximumHeight(room_height)
        if not self.isVisible():  # its first size: as the fields need, not Qt's default
            self.resize(width, wanted)
        elif self.height() < wanted or self.width() != width:
            self.resize(width, max(self.height(), wanted))  # never shrunk under the user

    def refuse(self, message: str) -> None:
        """Keep the dialog open and say what to fix."""
        say_problem(self.problem, message)


class EventDialog(_RecordDialog):
    """Edits a timeline event; a new one starts in `phase` (the incident's phase)."""

    def __init__(
        self,
        event: TimelineEvent | None,
        parent: QWidget | None = None,
        *,
        phase: Phase | None = None,
    ) -> None:
        super().__init__("Timeline event", parent)
        words = vocabulary()
        self.when = FuzzyTimeEditor()
        self.phase = QComboBox()
        fill_combo(self.phase, ((words.phase_labels[p], p) for p in Phase))
        self.source = QComboBox()
        fill_combo(self.source, ((words.source_labels[s], s) for s in EventSource))
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText("What happened (Markdown)")
        self.form.addRow("When", self.when)
        self.form.addRow("&Phase", self.phase)
        self.form.addRow("&Source", self.source)
        self.form.addRow("&What happened", self.text)
        self.finish_layout()
        self._id = event.id if event else None
        now = datetime.now(UTC).replace(second=0, microsecond=0)
        self.when.set_value(event.when if event else FuzzyTime.exact(now))
        if event:
            select_data(self.phase, event.phase)
            select_data(self.source, event.source)
            self.text.setPlainText(event.text)
        elif phase is not None:
            select_data(self.phase, phase)

    def draft_fields(self) -> dict[str, QWidget]:
        return {"text": self.text, "when": self.when, "phase": self.phase, "source": self.source}

    def accept(self) -> None:
        if self.when.value() is None:
            self.refuse("Fix the time first: the best guess must lie between earliest and latest.")
            return
        if not self.text.toPlainText().strip():
            self.refuse("Describe what happened.")
            return
        super().accept()

    def result_event(self) -> TimelineEvent:
        """The event as edited."""
        when = self.when.value()
        assert when is not None  # accept() refuses otherwise
        return TimelineEvent(
            when=when,
            phase=current_enum(self.phase, Phase) or Phase.DETECTION,
            source=current_enum(self.source, EventSource) or EventSource.OTHER,
            text=self.text.toPlainText(),
            id=self._id,
        )


class RoleDialog(_RecordDialog):
    """Edits who held a response role, and when."""

    def __init__(self, assignment: RoleAssignment | None, parent: QWidget | None = None) -> None:
        super().__init__("Response role", parent)
        words = vocabulary()
        self.role = QComboBox()
        fill_combo(self.role, ((words.role_labels[r], r) for r in Role))
        for index, role in enumerate(Role):
            self.role.setItemData(index, words.role_descriptions[role], 3)  # tooltip
        self.role_help = QLabel()
        styled(self.role_help, "hint")
        self.role_help.setWordWrap(True)
        self.person = QLineEdit()
        self.person.setPlaceholderText("Name")
        self.start = OptionalDate("From", with_time=True)
        self.end = OptionalDate("Until", with_time=True)
        self.note = QLineEdit()
        self.form.addRow("&Role", self.role)
        self.form.addRow("", self.role_help)
        self.form.addRow("&Person", self.person)
        self.form.addRow("Held", self.start)
        self.form.addRow("", self.end)
        self.form.addRow("&Note", self.note)
        self.finish_layout()
        self.role.currentIndexChanged.connect(self._show_help)
        self._id = assignment.id if assignment else None
        if assignment:
            select_data(self.role, assignment.role)
            set_line_text(self.person, assignment.person)
            self.start.set_moment(assignment.start)
            self.end.set_moment(assignment.end)
            set_line_text(self.note, assignment.note)
        self._show_help()

    def draft_fields(self) -> dict[str, QWidget]:
        return {
            "person": self.person,
            "note": self.note,
            "role": self.role,
            "start": self.start,
            "end": self.end,
        }

    def _show_help(self) -> None:
        role = current_enum(self.role, Role)
        self.role_help.setText(vocabulary().role_descriptions[role] if role else "")

    def accept(self) -> None:
        if not self.person.text().strip():
            self.refuse("Name the person who held the role.")
            return
        if len(self.person.text().strip()) > MAX_PERSON:
            self.refuse(f"The name is longer than {MAX_PERSON} characters; shorten it.")
            return
        start, end = self.start.moment_value(), self.end.moment_value()
        if start and end and end < start:
            self.refuse("The role cannot end before it starts.")
            return
        super().accept()

    def result_assignment(self) -> RoleAssignment:
        """The assignment as edited."""
        return RoleAssignment(
            role=current_enum(self.role, Role) or Role.INCIDENT_COMMANDER,
            person=self.person.text().strip(),
            start=self.start.moment_value(),
            end=self.end.moment_value(),
            note=self.note.text(),
            id=self._id,
        )


class TeamDialog(_RecordDialog):
    """Edits a team's involvement."""

    def __init__(
        self, team: TeamInvolvement | None, names: list[str], parent: QWidget | None = None
    ) -> None:
        super().__init__("Team involved", parent)
        self.team = QComboBox()
        self.team.setEditable(True)
        self.team.addItems(names)
        self.team.setCurrentIndex(-1)
        line = self.team.lineEdit()
        if line is not None:  # an editable combo always has one
            line.setPlaceholderText("Pick a team or type another")
        self.part = QPlainTextEdit()
        self.part.setPlaceholderText("What this team did in the response")
        self.form.addRow("&Team", self.team)
        self.form.addRow("&Part played", self.part)
        self.finish_layout()
        self._id = team.id if team else None
        if team:
            self.team.setCurrentText(team.team)
            self.part.setPlainText(team.part)

    def draft_fields(self) -> dict[str, QWidget]:
        return {"team": self.team, "part": self.part}

    def accept(self) -> None:
        if not self.team.currentText().strip():
            self.refuse("Name the team.")
            return
        if len(self.team.currentText().strip()) > MAX_PERSON:
            self.refuse(f"The team's name is longer than {MAX_PERSON} characters; shorten it.")
            return
        super().accept()

    def result_team(self) -> TeamInvolvement:
        """The involvement as edited."""
        return TeamInvolvement(
            team=self.team.currentText().strip(), part=self.part.toPlainText(), id=self._id
        )
