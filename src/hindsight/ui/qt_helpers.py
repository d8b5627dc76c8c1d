"""Small conversions between Hindsight values and Qt widgets, shared by the UI."""

from __future__ import annotations

import html
from collections.abc import Iterable
from datetime import UTC, datetime
from enum import Enum
from typing import TypeVar

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QWidget,
)

from hindsight.core.fuzzy_time import FuzzyTime

E = TypeVar("E", bound=Enum)

DISPLAY_FORMAT = "yyyy-MM-dd HH:mm"


def to_qdatetime(moment: datetime) -> QDateTime:
    """A UTC-aware datetime as a local QDateTime (times are shown in local time)."""
    return QDateTime.fromMSecsSinceEpoch(int(moment.timestamp() * 1000))


def from_qdatetime(moment: QDateTime) -> datetime:
    """A QDateTime as a UTC-aware datetime, to the second."""
    return datetime.fromtimestamp(moment.toSecsSinceEpoch(), UTC)


def local_text(moment: datetime | None) -> str:
    """A UTC datetime shown in local time, or an empty string."""
    if moment is None:
        return ""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def fuzzy_text(when: FuzzyTime) -> str:
    """'2026-03-16 09:12' for an exact time; the best guess and its range for a fuzzy one."""
    if when.is_exact:
        return local_text(when.best)
    # Ranges wider than a couple of days read better as dates alone.
    width = 10 if when.width.days >= 2 else 16
    low, high = local_text(when.earliest)[:width], local_text(when.latest)[:width]
    return f"{local_text(when.best)}\n≈ {low} – {high}"


def date_time_edit(parent: QWidget | None = None) -> QDateTimeEdit:
    """A date-time field with a calendar popup in Hindsight's display format."""
    edit = QDateTimeEdit(parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(DISPLAY_FORMAT)
    edit.setDateTime(QDateTime.currentDateTime())
    return edit


def fill_combo(combo: QComboBox, items: Iterable[tuple[str, object]]) -> None:
    """Replace the combo's entries with (label, data) pairs."""
    combo.clear()
    for label, data in items:
        combo.addItem(label, data)


def select_data(combo: QComboBox, data: object) -> None:
    """Select the entry holding `data` (the first one if none does)."""
    index = combo.findData(data)
    combo.setCurrentIndex(max(index, 0))


def current_enum(combo: QComboBox, kind: type[E]) -> E | None:
    """The selected entry's data as a member of `kind` (Qt hands string enums back as str)."""
    data = combo.currentData()
    return None if data is None else kind(data)


def split_list(text: str) -> list[str]:
    """'a, b ,,c' -> ['a', 'b', 'c']."""
    return [part.strip() for part in text.split(",") if part.strip()]


def plain_tooltip(text: str) -> str:
    """A tooltip that shows `text` as it is, even when it looks like HTML.

    Qt renders a tooltip as rich text when it merely looks like markup; author text must never
    be, so it is escaped inside an explicit rich-text envelope.
    """
    escaped = html.escape(text).replace("\n", "<br>")
    return f"<qt>{escaped}</qt>"


def problem_label(*, hidden: bool = True) -> QLabel:
    """A wrapping label in the 'problem' style (dark red), for what the user must fix."""
    label = QLabel()
    label.setObjectName("problem")
    label.setWordWrap(True)
    label.setVisible(not hidden)
    return label


def ok_cancel_buttons(dialog: QDialog) -> QDialogButtonBox:
    """OK and Cancel wired to the dialog's accept and reject."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons
