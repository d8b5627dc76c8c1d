"""A date (or date and time) that may be left unset: a tick box, and the field once ticked."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QCheckBox, QDateEdit, QDateTimeEdit, QHBoxLayout, QWidget

from hindsight.ui.qt_helpers import (
    DateEdit,
    date_time_edit,
    from_qdatetime,
    to_qdatetime,
)


class OptionalDate(QWidget):
    """Unticked means 'not set'. With `with_time`, the value is a UTC datetime shown locally."""

    def __init__(self, label: str, *, with_time: bool = False, today: date | None = None) -> None:
        super().__init__()
        self.enabled = QCheckBox(label)
        self.edit: QDateEdit | QDateTimeEdit
        if with_time:
            self.edit = date_time_edit()
        else:
            start = today or date.today()
            self.edit = DateEdit(QDate(start.year, start.month, start.day))
            self.edit.setCalendarPopup(True)
            self.edit.setDisplayFormat("yyyy-MM-dd")
        self.edit.setEnabled(False)
        self.enabled.toggled.connect(self.edit.setEnabled)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.enabled)
        row.addWidget(self.edit, 1)

    def date_value(self) -> date | None:
        """The date, or None when unticked."""
        return date(*self.edit.date().getDate()) if self.enabled.isChecked() else None

    def moment_value(self) -> datetime | None:
        """The date and time (UTC), or None when unticked."""
        return from_qdatetime(self.edit.dateTime()) if self.enabled.isChecked() else None

    def set_date(self, value: date | None) -> None:
        """Show `value` (None unticks)."""
        self.enabled.setChecked(value is not None)
        if value is not None:
            self.edit.setDate(QDate(value.year, value.month, value.day))

    def set_moment(self, value: datetime | None) -> None:
        """Show `value` in local time (None unticks)."""
        self.enabled.setChecked(value is not None)
        if value is not None:
            self.edit.setDateTime(to_qdatetime(value))
