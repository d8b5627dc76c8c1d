"""Date fields offer only the years a record keeps, so whatever is made in the app goes back in.

Found by trying the app: an event dated 3506 was accepted and shown, exported, and the import
of that export refused it ("outside the years Hindsight keeps (1900 to 2999)").
"""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, QDateTime, QTime

from hindsight.core.followups import FollowUp
from hindsight.core.fuzzy_time import FIRST_YEAR, LAST_YEAR
from hindsight.export.json_values import EARLIEST, LATEST
from hindsight.services.followups import default_regions
from hindsight.ui.followups.details_dialog import FollowUpDialog
from hindsight.ui.fuzzy_time_editor import FuzzyTimeEditor
from hindsight.ui.optional_date import OptionalDate
from hindsight.ui.qt_helpers import from_qdatetime


@pytest.mark.parametrize("year", [3506, 1850])
def test_no_date_field_holds_a_year_a_record_cannot_keep(qtbot, year):
    time = FuzzyTimeEditor()
    day, moment = OptionalDate("Due"), OptionalDate("Deleted", with_time=True)
    for widget in (time, day, moment):
        qtbot.addWidget(widget)
    for edit in (time.best, time.earliest, time.latest, day.edit, moment.edit):
        edit.setDateTime(QDateTime(QDate(year, 6, 1), QTime(12, 0)))
        assert FIRST_YEAR <= edit.date().year() <= LAST_YEAR
        if edit.displayFormat().endswith("mm"):
            assert EARLIEST <= from_qdatetime(edit.dateTime()) <= LATEST


def test_the_follow_up_dialogs_date_keeps_to_the_years_too(qtbot):
    item = FollowUp(title="Alert on stale features", incident_id=1)
    dialog = FollowUpDialog(item, default_regions(), owners=[], today=date(2026, 12, 1))
    qtbot.addWidget(dialog)
    dialog.reached.setDate(QDate(3506, 1, 1))
    assert dialog.reached.date().year() <= LAST_YEAR


def field_to_type_into(qtbot, start: str):
    """A date-time field showing 2026-12-01 10:00, focused, with `start` selected."""
    from PySide6.QtWidgets import QDateTimeEdit

    from hindsight.ui.qt_helpers import date_time_edit

    edit = date_time_edit()
    qtbot.addWidget(edit)
    edit.setDateTime(QDateTime(QDate(2026, 12, 1), QTime(10, 0)))
    edit.show()
    qtbot.waitExposed(edit)
    edit.setFocus()
    if start == "everything selected":
        edit.selectAll()
    else:
        edit.setSelectedSection(QDateTimeEdit.Section.YearSection)
    return edit


@pytest.mark.parametrize("start", ["everything selected", "the year selected"])
@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2030-01-02 03:04", "2030-01-02 03:04"),  # was 2026-01-02 03:04, or 2030-12-01 02:03
        ("1950-06-07 08:09", "1950-06-07 08:09"),
        ("2026-11-30", "2026-11-30 10:00"),
    ],
)
def test_a_date_typed_whole_is_the_date_kept(qtbot, start, typed, expected):
    from PySide6.QtCore import Qt

    edit = field_to_type_into(qtbot, start)
    qtbot.keyClicks(edit, typed)
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    assert edit.dateTime().toString("yyyy-MM-dd HH:mm") == expected


def test_a_day_typed_whole_is_the_day_kept(qtbot):
    from PySide6.QtCore import Qt

    day = OptionalDate("Due", today=date(2026, 12, 1))
    qtbot.addWidget(day)
    day.show()
    day.enabled.setChecked(True)
    day.edit.setFocus()
    day.edit.selectAll()
    qtbot.keyClicks(day.edit, "2027-03-04")
    qtbot.keyClick(day.edit, Qt.Key.Key_Tab)
    assert day.edit.date() == QDate(2027, 3, 4)


@pytest.mark.parametrize("start", ["everything selected", "the year selected"])
@pytest.mark.parametrize(
    "typed",
    [
        "2026-02-30 10:00",  # was 2026-02-03 01:00: the 3 moved on, the 0 went to the hour
        "2026-04-31 23:30",  # was 2026-04-30 23:30: cut to the month's last day
        "2026-13-01 10:00",  # was 2026-01-01 10:00: the 3 dropped
        "2026-03-16 25:00",  # was 2026-03-16 02:00
        "2026-02-29 10:00",  # not a leap year
    ],
)
def test_a_date_typed_whole_that_is_none_is_refused_and_said(qtbot, start, typed):
    from PySide6.QtCore import Qt

    edit = field_to_type_into(qtbot, start)
    said: list[str] = []
    edit.typingRefused.connect(said.append)
    qtbot.keyClicks(edit, typed)
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    assert edit.dateTime().toString("yyyy-MM-dd HH:mm") == "2026-12-01 10:00"  # as it was
    assert len(said) == 1 and "is not a date" in said[0] and "2026-12-01 10:00" in said[0]
    assert said[0].startswith(f"“{typed[:7]}")  # what was typed, up to where it failed
    assert edit.toolTip() == said[0]
    # Typed again, a real date is taken as usual.
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, "2026-02-28 10:00")
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    assert edit.dateTime().toString("yyyy-MM-dd HH:mm") == "2026-02-28 10:00"
    assert len(said) == 1


def test_a_due_day_that_is_none_is_refused(qtbot):
    from PySide6.QtCore import Qt

    day = OptionalDate("Due", today=date(2026, 12, 1))
    qtbot.addWidget(day)
    day.show()
    day.enabled.setChecked(True)
    day.edit.setDate(QDate(2027, 3, 4))
    day.edit.setFocus()
    day.edit.selectAll()
    said: list[str] = []
    day.edit.typingRefused.connect(said.append)
    qtbot.keyClicks(day.edit, "2026-02-30")
    qtbot.keyClick(day.edit, Qt.Key.Key_Tab)
    assert day.edit.date() == QDate(2027, 3, 4)  # was 2026-02-03
    assert said and "2026-02-3" in said[0]
