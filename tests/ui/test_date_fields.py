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
