"""One editing widget per answer type. Each shows a value and emits `edited(value)`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hindsight.core.enums import Phase
from hindsight.core.fuzzy_time import FuzzyTime
from hindsight.core.incident import Incident
from hindsight.core.review import AnswerType
from hindsight.review.answers import YES_NO_CHOICES
from hindsight.review.bank import Question
from hindsight.ui.author_text import set_line_text
from hindsight.ui.editor.milestones_tab import first_guess
from hindsight.ui.fuzzy_time_editor import FuzzyTimeEditor
from hindsight.ui.qt_helpers import eliding_header
from hindsight.vocabulary import vocabulary


class AnswerWidget(QWidget):
    """Base: `show_value` fills the widget silently; user edits emit `edited`."""

    edited = Signal(object)

    def __init__(self, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.question = question
        self._showing = False

    def show_value(self, value: Any, incident: Incident) -> None:
        """Show `value` (from the stored answer) without emitting `edited`."""
        self._showing = True
        try:
            self._show(value, incident)
        finally:
            self._showing = False

    def _show(self, value: Any, incident: Incident) -> None:
        raise NotImplementedError

    def _emit(self, value: Any) -> None:
        if not self._showing:
            self.edited.emit(value)


class MarkdownAnswer(AnswerWidget):
    def __init__(self, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(question, parent)
        self.text = QPlainTextEdit()
        self.text.setPlaceholderText("Your answer (Markdown)")
        self.text.setMinimumHeight(84)
        self.text.setMaximumHeight(160)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.setContentsMargins(0, 0, 0, 0)
        self.text.textChanged.connect(lambda: self._emit(self.text.toPlainText()))

    def _show(self, value: Any, incident: Incident) -> None:
        text = value if isinstance(value, str) else ""
        if self.text.toPlainText() != text:
            self.text.setPlainText(text)


class SingleChoiceAnswer(AnswerWidget):
    def __init__(self, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(question, parent)
        self.combo = QComboBox()
        self.combo.addItem("— choose —", "")
        for option in question.options:
            self.combo.addItem(option.label, option.id)
        self._offered = self.combo.count()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.combo)
        layout.addStretch(1)
        self.combo.currentIndexChanged.connect(
            lambda _: self._emit(self.combo.currentData() or None)
        )

    def _show(self, value: Any, incident: Incident) -> None:
        # An option kept for another incident's answer is not this one's.
        while self.combo.count() > self._offered:
            self.combo.removeItem(self.combo.count() - 1)
        index = self.combo.findData(value) if isinstance(value, str) else 0
        if index < 0:  # an option the bank no longer has: keep it visible
            self.combo.addItem(f"{value} (not in this bank)", value)
            index = self.combo.count() - 1
        self.combo.setCurrentIndex(index)


SHORT_OPTION = 30  # characters: options this short go two to a row


class MultipleChoiceAnswer(AnswerWidget):
    def __init__(self, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(question, parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.boxes: dict[str, QCheckBox] = {}
        # Two columns of short options; long ones (a sentence each) one under another: side by
        # side they made the question wider than the review pane, which scrolled sideways.
        columns = 2 if all(len(o.label) <= SHORT_OPTION for o in question.options) else 1
        for n, option in enumerate(question.options):
            box = QCheckBox(option.label)
            box.toggled.connect(lambda _=False: self._emit(self.value()))
            grid.addWidget(box, n // columns, n % columns)
            self.boxes[option.id] = box
        self._extra: list[str] = []

    def value(self) -> list[str]:
        chosen = [oid for oid, box in self.boxes.items() if box.isChecked()]
        return chosen + [v for v in self._extra if v not in chosen]

    def _show(self, value: Any, incident: Incident) -> None:
        chosen = value if isinstance(value, list) else []
        self._extra = [v for v in chosen if v not in self.boxes]
        for oid, box in self.boxes.items():
            box.setChecked(oid in chosen)


YES_NO_LABELS = {"yes": "Yes", "no": "No", "unknown": "Unknown"}


class YesNoUnknownAnswer(AnswerWidget):
    def __init__(self, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(question, parent)
        self.group = QButtonGroup(self)
        row = QHBoxLayout()
        self.buttons: dict[str, QRadioButton] = {}
        for choice in YES_NO_CHOICES:
            button = QRadioButton(YES_NO_LABELS[choice])
            self.group.addButton(button)
            row.addWidget(button)
            self.buttons[choice] = button
            button.toggled.connect(self._toggled)
        row.addStretch(1)
        self.evidence = QLineEdit()
        self.evidence.setPlaceholderText("Evidence")
        self.evidence.textEdited.connect(lambda _: self._emit(self.value()))
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(row)
        column.addWidget(self.evidence)

    def _toggled(self, on: bool) -> None:
        if on:
            self._emit(self.value())

    def value(self) -> dict[str, str] | None:
        choice = next((c for c, b in self.buttons.items() if b.isChecked()), None)
        evidence = self.evidence.text()
        if choice is None and not evidence:
            return None
        return {"choice": choice or "", "evidence": evidence}

    def _show(self, value: Any, incident: Incident) -> None:
        data = value if isinstance(value, dict) else {}
        self.group.setExclusive(False)
        for choice, button in self.buttons.items():
            button.setChecked(data.get("choice") == choice)
        self.group.setExclusive(True)
        set_line_text(self.evidence, str(data.get("evidence", "")))


class ScaleAnswer(AnswerWidget):
    def __init__(self, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(question, parent)
        self.group = QButtonGroup(self)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.buttons: list[QRadioButton] = []
        for number, label in enumerate(question.scale, start=1):
            button = QRadioButton(f"{number} {label}" if label != str(number) else label)
            self.group.addButton(button, number)
            row.addWidget(button)
            self.buttons.append(button)
        row.addStretch(1)
        self.group.idToggled.connect(self._id_toggled)

    def _id_toggled(self, number: int, on: bool) -> None:
        if on:
            self._emit(number)

    def _show(self, value: Any, incident: Incident) -> None:
        self.group.setExclusive(False)
        for number, button in enumerate(self.buttons, start=1):
            button.setChecked(value == number)
        self.group.setExclusive(True)


class PeopleAnswer(AnswerWidget):
    """Pick from the incident's role holders and teams, or add other names."""

    def __init__(self, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(question, parent)
        self.list = QListWidget()
        self.list.setMaximumHeight(130)
        self.list.setFlow(QListWidget.Flow.LeftToRight)
        self.list.setWrapping(True)
        self.list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.list.setSpacing(2)
        self.name = QLineEdit()
        self.name.setPlaceholderText("Another person or team")
        self.add = QPushButton("Add")
        row = QHBoxLayout()
        row.addWidget(self.name, 1)
        row.addWidget(self.add)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.list)
        column.addLayout(row)
        self.list.itemChanged.connect(lambda _: self._emit(self.value()))
        self.add.clicked.connect(self._add_name)
        self.name.returnPressed.connect(self._add_name)

    def value(self) -> list[str]:
        return [
            self.list.item(i).text()
            for i in range(self.list.count())
            if self.list.item(i).checkState() == Qt.CheckState.Checked
        ]

    def _add_name(self) -> None:
        name = self.name.text().strip()
        if not name:
            return
        self.name.clear()
        chosen = self.value()
        if name not in chosen:
            self._emit([*chosen, name])

    def _show(self, value: Any, incident: Incident) -> None:
        chosen = [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
        offered: list[str] = []
        for name in [r.person for r in incident.roles] + [t.team for t in incident.teams] + chosen:
            if name and name not in offered:
                offered.append(name)
        self.list.blockSignals(True)
        self.list.clear()
        for name in offered:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if name in chosen else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.list.blockSignals(False)


class ItemsAnswer(AnswerWidget):
    """A small editable table, one row per item, one column per field."""

    def __init__(self, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(question, parent)
        self.table = QTableWidget(0, len(question.fields))
        eliding_header(self.table)
        self.table.setHorizontalHeaderLabels([f.label for f in question.fields])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setWordWrap(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setMinimumHeight(110)
        self.add = QPushButton("Add row")
        self.remove = QPushButton("Remove row")
        buttons = QHBoxLayout()
        buttons.addWidget(self.add)
        buttons.addWidget(self.remove)
        buttons.addStretch(1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.table)
        column.addLayout(buttons)
        self.table.itemChanged.connect(lambda _: self._emit(self.value()))
        self.add.clicked.connect(self._add_row)
        self.remove.clicked.connect(self._remove_row)

    def value(self) -> list[dict[str, str]]:
        rows = []
        for row in range(self.table.rowCount()):
            item = {}
            for column, field in enumerate(self.question.fields):
                cell = self.table.item(row, column)
                item[field.id] = cell.text() if cell else ""
            rows.append(item)
        return rows

    def _add_row(self) -> None:
        blank = {f.id: "" for f in self.question.fields}
        self._emit([*self.value(), blank])
        self.table.setCurrentCell(self.table.rowCount() - 1, 0)
        cell = self.table.item(self.table.rowCount() - 1, 0)
        if cell is not None:
            self.table.editItem(cell)

    def _remove_row(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            rows = self.value()
            del rows[row]
            self._emit(rows)

    def _show(self, value: Any, incident: Incident) -> None:
        rows = [r for r in value if isinstance(r, dict)] if isinstance(value, list) else []
        if rows == self.value():
            return
        self.table.blockSignals(True)
        self.table.setRowCount(len(rows))
        for row, item in enumerate(rows):
            for column, field in enumerate(self.question.fields):
                self.table.setItem(row, column, QTableWidgetItem(str(item.get(field.id, ""))))
        self.table.blockSignals(False)


class FuzzyTimeAnswer(AnswerWidget):
    """A milestone of the incident, edited in place (the same value as the Milestones tab)."""

    def __init__(self, question: Question, parent: QWidget | None = None) -> None:
        super().__init__(question, parent)
        self.known = QCheckBox("Known")
        milestone = question.milestone
        what = vocabulary().milestone_labels[milestone] if milestone is not None else "A time"
        self.editor = FuzzyTimeEditor(compact=True, what=what)
        self.editor.hide()
        self._milestones: dict[Phase, FuzzyTime] = {}
        self._shown_id: int | None = None
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.known)
        column.addWidget(self.editor)
        self.known.toggled.connect(self._toggled)
        self.editor.changed.connect(lambda: self._emit(self.editor.value()))

    def _toggled(self, on: bool) -> None:
        assert self.question.milestone is not None
        self.editor.setVisible(on)
        if on:
            guess = first_guess(self._milestones, self.question.milestone, datetime.now(UTC))
            self.editor.set_value(guess)
        self._emit(self.editor.value() if on else None)

    def _show(self, value: Any, incident: Incident) -> None:
        assert self.question.milestone is not None
        switched = incident.id != self._shown_id
        self._milestones, self._shown_id = dict(incident.milestones), incident.id
        when = incident.milestones.get(self.question.milestone)
        self.known.blockSignals(True)
        self.known.setChecked(when is not None)
        self.known.blockSignals(False)
        self.editor.setVisible(when is not None)
        if when is None:
            self.editor.clear()
        elif switched or self.editor.value() not in (None, when):
            self.editor.set_value(when)


WIDGETS: dict[AnswerType, type[AnswerWidget]] = {
    AnswerType.MARKDOWN: MarkdownAnswer,
    AnswerType.SINGLE_CHOICE: SingleChoiceAnswer,
    AnswerType.MULTIPLE_CHOICE: MultipleChoiceAnswer,
    AnswerType.YES_NO_UNKNOWN: YesNoUnknownAnswer,
    AnswerType.SCALE: ScaleAnswer,
    AnswerType.PEOPLE: PeopleAnswer,
    AnswerType.ITEMS: ItemsAnswer,
    AnswerType.FUZZY_TIME: FuzzyTimeAnswer,
}


def answer_widget(question: Question) -> AnswerWidget:
    """The editing widget for `question`'s answer type."""
    return WIDGETS[question.type](question)
