"""An editor for a fuzzy time: best guess, earliest and latest, confidence and a note."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QTime, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QGridLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from hindsight.core.enums import Confidence
from hindsight.core.fuzzy_time import FuzzyTime, FuzzyTimeError, day_start
from hindsight.ui.author_text import plain_tooltip, set_line_text
from hindsight.ui.qt_helpers import (
    DISPLAY_FORMAT,
    current_enum,
    date_time_edit,
    fill_combo,
    from_qdatetime,
    problem_label,
    select_data,
    to_qdatetime,
)
from hindsight.vocabulary import vocabulary


class FuzzyTimeEditor(QWidget):
    """Edits one FuzzyTime; emits `changed` only when the fields describe a valid one.

    Fields that describe no valid time (the earliest after the latest, say) cannot reach the
    record: the editor then *holds* input. `held_problem` says why, and the nearest parent
    with a `held_input_changed(editor)` method (the incident editor) is told whenever that
    starts or stops, so the window never says "Saved" over it nor closes without asking; its
    `held_input_edited(editor)`, if it has one, on each edit of held input.
    `revert()` puts back the last valid time shown or emitted. `edited` is emitted on every
    edit, held or not; `held_fields()` and `show_held()` carry held input through the
    recovery journal, so a crash does not lose what was typed.
    """

    changed = Signal()
    edited = Signal()  # any edit by the user, whether or not the fields describe a valid time

    def __init__(
        self, parent: QWidget | None = None, *, compact: bool = False, what: str = "A time"
    ) -> None:
        super().__init__(parent)
        self.what = what  # what the time is, for messages about held input ("Impact start")
        self.held_problem: str | None = None
        self._last_valid: FuzzyTime | None = None
        self.exact = QCheckBox("Exact time")
        self.exact.setToolTip("Tick when the moment is known precisely, e.g. from a log line.")
        # A date the source gives only as a day is kept as the day: no invented hour.
        self.by_day = QCheckBox("Known only to the day")
        self.by_day.setToolTip("Tick when the source gives the day (or days) but no time.")
        self.best = date_time_edit()
        self.earliest = date_time_edit()
        self.latest = date_time_edit()
        self.best.setToolTip("Your single most likely time.")
        self.earliest.setToolTip("The earliest time this could plausibly have been.")
        self.latest.setToolTip("The latest time this could plausibly have been.")
        self.confidence = QComboBox()
        fill_combo(self.confidence, ((lab, c) for c, lab in vocabulary().confidence_labels.items()))
        self.note = QLineEdit()
        self.note.setPlaceholderText("How was this dated? What evidence?")
        self.problem = problem_label()
        self._earliest_label = QLabel("Earliest")
        self._latest_label = QLabel("Latest")
        self._confidence_label = QLabel("Confidence")

        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        if compact:
            # One field a row, for narrow places such as the Review page.
            rows = [
                (QLabel("Best guess"), self.best),
                (None, self.exact),
                (None, self.by_day),
                (self._earliest_label, self.earliest),
                (self._latest_label, self.latest),
                (self._confidence_label, self.confidence),
                (QLabel("Note"), self.note),
            ]
            for row, (label, field) in enumerate(rows):
                if label is not None:
                    grid.addWidget(label, row, 0)
                grid.addWidget(field, row, 1)
            grid.addWidget(self.problem, len(rows), 0, 1, 2)
            grid.setColumnStretch(1, 1)
        else:
            grid.addWidget(QLabel("Best guess"), 0, 0)
            grid.addWidget(self.best, 0, 1)
            grid.addWidget(self._earliest_label, 0, 2)
            grid.addWidget(self.earliest, 0, 3)
            grid.addWidget(self._latest_label, 0, 4)
            grid.addWidget(self.latest, 0, 5)
            grid.addWidget(self.exact, 1, 1)
            grid.addWidget(self.by_day, 1, 4, 1, 2)
            grid.addWidget(self._confidence_label, 1, 2)
            grid.addWidget(self.confidence, 1, 3)
            grid.addWidget(QLabel("Note"), 2, 0)
            grid.addWidget(self.note, 2, 1, 1, 5)
            grid.addWidget(self.problem, 3, 0, 1, 6)
            grid.setColumnStretch(1, 1)
            grid.setColumnStretch(3, 1)
            grid.setColumnStretch(5, 1)

        self.exact.toggled.connect(self._on_exact_toggled)
        self.by_day.toggled.connect(self._on_by_day_toggled)
        for edit in (self.best, self.earliest, self.latest):
            edit.dateTimeChanged.connect(self._on_edited)
        self.confidence.currentIndexChanged.connect(self._on_edited)
        self.note.textEdited.connect(self._on_edited)
        # A long note reads from its start; the whole of it is in the tooltip.
        self.note.textChanged.connect(lambda text: self.note.setToolTip(plain_tooltip(text)))

    def value(self) -> FuzzyTime | None:
        """The time described by the fields, or None (with the reason shown) if invalid."""
        try:
            best = from_qdatetime(self.best.dateTime())
            if self.by_day.isChecked():
                first = _day(self.best if self.exact.isChecked() else self.earliest)
                last = _day(self.best if self.exact.isChecked() else self.latest)
                value = FuzzyTime.days(
                    first,
                    last,
                    _day(self.best),
                    current_enum(self.confidence, Confidence) or Confidence.MEDIUM,
                    self.note.text(),
                )
            elif self.exact.isChecked():
                value = FuzzyTime.exact(best, self.note.text())
            else:
                value = FuzzyTime(
                    earliest=from_qdatetime(self.earliest.dateTime()),
                    latest=from_qdatetime(self.latest.dateTime()),
                    best=best,
                    confidence=current_enum(self.confidence, Confidence) or Confidence.MEDIUM,
                    note=self.note.text(),
                )
        except FuzzyTimeError as error:
            self.problem.setText(f"Not saved yet: {error}.")
            self.problem.show()
            self._hold(str(error))
            return None
        self.problem.hide()
        self._last_valid = value
        self._hold(None)
        return value

    def revert(self) -> None:
        """Drop held input: show the last valid time again (or none)."""
        if self._last_valid is None:
            self.clear()
        else:
            self.set_value(self._last_valid)

    def _hold(self, problem: str | None) -> None:
        if problem == self.held_problem:
            return
        self.held_problem = problem
        holder = self._holder()
        if holder is not None:
            holder.held_input_changed(self)

    def _holder(self) -> Any:
        holder = self.parent()
        while holder is not None and not hasattr(holder, "held_input_changed"):
            holder = holder.parent()
        return holder

    def set_value(self, value: FuzzyTime) -> None:
        """Show `value` without emitting `changed`."""
        self.blockSignals(True)
        try:
            days = value.by_day
            single = value.is_exact or (days and value.first_day == value.last_day)
            self.by_day.blockSignals(True)
            self.by_day.setChecked(days)
            self.by_day.blockSignals(False)
            self._show_days(days)
            for edit, moment in (
                (self.best, value.best),
                (self.earliest, value.earliest),
                (self.latest, day_start(value.last_day) if days else value.latest),
            ):
                edit.blockSignals(True)
                if days:
                    # The day as written, whatever the local zone: days are not moments.
                    day = moment.date()
                    edit.setDate(QDate(day.year, day.month, day.day))
                else:
                    edit.setDateTime(to_qdatetime(moment))
                edit.blockSignals(False)
            self.exact.blockSignals(True)
            self.exact.setChecked(single)
            self.exact.blockSignals(False)
            self._show_range(not single)
            self.confidence.blockSignals(True)
            select_data(self.confidence, value.confidence)
            self.confidence.blockSignals(False)
            set_line_text(self.note, value.note)
            self.problem.hide()
            self._last_valid = value
            self._hold(None)
        finally:
            self.blockSignals(False)

    def clear(self) -> None:
        """Show no time at all (a milestone not known yet), without emitting `changed`."""
        now = QDateTime.currentDateTime()
        now.setTime(QTime(now.time().hour(), now.time().minute()))
        self.blockSignals(True)
        try:
            for edit in (self.best, self.earliest, self.latest):
                edit.blockSignals(True)
                edit.setDateTime(now)
                edit.blockSignals(False)
            self.exact.blockSignals(True)
            self.exact.setChecked(True)
            self.exact.blockSignals(False)
            self.by_day.blockSignals(True)
            self.by_day.setChecked(False)
            self.by_day.blockSignals(False)
            self._show_days(False)
            self._show_range(False)
            self.confidence.blockSignals(True)
            select_data(self.confidence, Confidence.MEDIUM)
            self.confidence.blockSignals(False)
            self.note.clear()
            self.problem.hide()
            self._last_valid = None
            self._hold(None)
        finally:
            self.blockSignals(False)

    def _show_range(self, fuzzy: bool) -> None:
        for widget in (
            self.earliest,
            self.latest,
            self._earliest_label,
            self._latest_label,
            self.confidence,
            self._confidence_label,
        ):
            widget.setVisible(fuzzy)

    def _show_days(self, days: bool) -> None:
        self.exact.setText("One day" if days else "Exact time")
        for edit in (self.best, self.earliest, self.latest):
            edit.setDisplayFormat("yyyy-MM-dd" if days else DISPLAY_FORMAT)

    def _on_by_day_toggled(self, days: bool) -> None:
        self._show_days(days)
        self._on_edited()

    def _on_exact_toggled(self, exact: bool) -> None:
        if not exact:
            # Start the range at the best guess so it is valid straight away.
            for edit in (self.earliest, self.latest):
                edit.blockSignals(True)
                edit.setDateTime(self.best.dateTime())
                edit.blockSignals(False)
        self._show_range(not exact)
        self._on_edited()

    def _on_edited(self) -> None:
        if self.value() is not None:
            self.changed.emit()
        elif (holder := self._holder()) is not None and hasattr(holder, "held_input_edited"):
            holder.held_input_edited(self)  # held input typed further: the journal keeps it
        self.edited.emit()

    def held_fields(self) -> dict[str, Any]:
        """The fields as shown, whether or not they describe a valid time (for the journal).

        Moments as UTC ISO text, the confidence by its stored code."""
        confidence = current_enum(self.confidence, Confidence) or Confidence.MEDIUM
        return {
            "best": from_qdatetime(self.best.dateTime()).isoformat(),
            "earliest": from_qdatetime(self.earliest.dateTime()).isoformat(),
            "latest": from_qdatetime(self.latest.dateTime()).isoformat(),
            "exact": self.exact.isChecked(),
            "by_day": self.by_day.isChecked(),
            "confidence": confidence.value,
            "note": self.note.text(),
        }

    def show_held(self, fields: Mapping[str, Any]) -> None:
        """Show fields kept by `held_fields()` as they were, held again if they describe no
        valid time (with the reason shown), without emitting `changed`.

        Raises ValueError, TypeError or KeyError, showing nothing, for fields it cannot read;
        the last valid time (what `revert()` puts back) stays as it was."""
        moments = {}
        for name in ("best", "earliest", "latest"):
            moment = datetime.fromisoformat(str(fields[name]))
            if moment.tzinfo is None:
                raise ValueError("a time without its zone")
            moments[name] = moment
        exact, by_day, note = fields["exact"], fields["by_day"], fields["note"]
        if not (isinstance(exact, bool) and isinstance(by_day, bool) and isinstance(note, str)):
            raise TypeError("held time fields of the wrong kinds")
        confidence = Confidence(fields["confidence"])
        self.blockSignals(True)
        try:
            # The ticks and times without their reactions (a tick moves the range).
            for box, ticked in ((self.by_day, by_day), (self.exact, exact)):
                box.blockSignals(True)
                box.setChecked(ticked)
                box.blockSignals(False)
            self._show_days(by_day)
            self._show_range(not exact)
            edits = {"best": self.best, "earliest": self.earliest, "latest": self.latest}
            for name, edit in edits.items():
                edit.blockSignals(True)
                edit.setDateTime(to_qdatetime(moments[name]))
                edit.blockSignals(False)
            select_data(self.confidence, confidence)
            set_line_text(self.note, note)
            self.value()  # held again (told to the editor) with its message, or valid
        finally:
            self.blockSignals(False)


def _day(edit: QDateTimeEdit) -> date:
    """The calendar day an edit shows, as written (not moved between zones)."""
    shown = edit.date()
    return date(shown.year(), shown.month(), shown.day())
