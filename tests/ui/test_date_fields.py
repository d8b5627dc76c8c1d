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
