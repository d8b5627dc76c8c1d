"""Every field a user changes in a dialog with a draft is in the draft, and comes back.

A contributing factor's kinds of change and dates (held ones too), a data access's copies and
a follow-up's "Reached on" were left out of drafts: kill -9 lost them while the text fields
came back. Choices are kept by their stored codes, times as the app stores them; a draft
written before these were kept still restores, and a value that cannot be read is skipped
with a line in the log.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

from hindsight.core.factors import FactorDate
from hindsight.core.followups import FollowUpStatus, StatusStep
from hindsight.core.fuzzy_time import FuzzyTime
from hindsight.core.plain import to_plain
from hindsight.core.privacy import DataCopy, VolumeUnit
from hindsight.services.recovery import Draft
from hindsight.services.workspace import Workspace
from hindsight.ui.editor.postmortem_tabs import FactorDialog
from hindsight.ui.followups.details_dialog import FollowUpDialog
from hindsight.ui.privacy.access_dialog import AccessDialog
from hindsight.ui.qt_helpers import fill_combo, select_data, to_qdatetime
from hindsight.ui.recovery import field_value, set_field_value

from .conftest import open_incident, settle
from .test_dialog_drafts import drafts, leave_drafts, make_db, show_tab, when_dialog

BEGAN = datetime(2026, 3, 4, 11, 20, tzinfo=UTC)
SHOTS = os.environ.get("HINDSIGHT_DRAFT_SHOTS")  # a folder: restored dialogs grabbed as PNG


def shot(widget: QWidget, name: str) -> None:
    if SHOTS:
        widget.grab().save(str(Path(SHOTS) / f"{name}.png"))


def kept_fields(data_dir: Path, qtbot, wanted: str) -> dict[str, Any]:
    """The fields of the one draft file, once `wanted` is in it."""
    qtbot.waitUntil(
        lambda: bool(drafts(data_dir)) and wanted in drafts(data_dir)[0].read_text("utf-8"),
        timeout=3000,
    )
    fields: dict[str, Any] = json.loads(drafts(data_dir)[0].read_text("utf-8"))["fields"]
    return fields


def closing(action: Callable[[Any], None]) -> Callable[[Any], None]:
    """`action` on a dialog, which is closed after it even when a check fails (the test then
    fails, rather than waiting for a dialog nobody closes)."""

    def run(dialog: QDialog) -> None:
        try:
            action(dialog)
        finally:
            if dialog.isVisible():
                dialog.reject()

    return run


def restore_next(then: Callable[[], None]) -> None:
    """Press Restore on the next offer, then run `then` on the dialog it reopens."""

    def restore(box: QMessageBox) -> None:
        then()
        next(b for b in box.buttons() if b.text() == "Restore").click()

    when_dialog(QMessageBox, restore)


def ticked(dialog: FactorDialog) -> list[str]:
    found = []
    for row in range(dialog.implicated.count()):
        entry = dialog.implicated.item(row)
        if entry.checkState() == Qt.CheckState.Checked:
            found.append(entry.data(Qt.ItemDataRole.UserRole))
    return found


def hold_mitigated(dialog: FactorDialog) -> None:
    """Date the factor's mitigation as a range whose earliest is after its latest."""
    field = dialog.dates[FactorDate.MITIGATED]
    field.known.setChecked(True)
    field.editor.exact.setChecked(False)  # a range, starting at the best guess
    best = field.editor.best.dateTime()
    field.editor.earliest.setDateTime(best.addSecs(3600))


def test_a_factors_kinds_of_change_and_dates_are_kept_and_restored(
    make_window, db_path, data_dir, qtbot
) -> None:
    make_db(db_path)
    window = make_window(db_path)
    open_incident(qtbot, window, 1)
    page = show_tab(qtbot, window, "factors")
    seen: list[dict[str, Any]] = []
    codes: list[str] = []

    def type_then_cancel(dialog: FactorDialog) -> None:
        qtbot.keyClicks(dialog.title, "Size limit in the proxy")
        for row in (1, 3):  # ticked by the user
            entry = dialog.implicated.item(row)
            entry.setCheckState(Qt.CheckState.Checked)
            codes.append(entry.data(Qt.ItemDataRole.UserRole))
        began = dialog.dates[FactorDate.BEGAN]
        began.known.setChecked(True)
        began.editor.best.setDateTime(to_qdatetime(BEGAN))
        hold_mitigated(dialog)
        assert dialog.dates[FactorDate.MITIGATED].editor.held_problem is not None
        seen.append(kept_fields(data_dir, qtbot, '"held"'))
        dialog.reject()

    when_dialog(FactorDialog, closing(type_then_cancel))
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    fields = seen[0]
    assert fields["implicated"] == {"codes": codes}  # codes, never labels
    assert fields["trigger"] == {"choice": "", "label": "Not said"}
    assert fields["began_known"] is True and fields["mitigated_known"] is True
    assert fields["detected_known"] is False
    assert fields["began"] == {"fuzzy": to_plain(FuzzyTime.exact(BEGAN))}
    held = fields["mitigated"]
    assert held["fuzzy"] is None and held["held"]["exact"] is False
    assert held["held"]["earliest"] > held["held"]["latest"]
    qtbot.waitUntil(lambda: not drafts(data_dir), timeout=3000)
    window.close()

    # Left by a session that is gone, then restored.
    leave_drafts(db_path, Draft("factor", 1, "HS-1", None, fields))
    filled: list[tuple[Any, ...]] = []

    def check(dialog: FactorDialog) -> None:
        dates = dialog.dates
        mitigated = dates[FactorDate.MITIGATED].editor
        filled.append(
            (
                dialog.title.text(),
                ticked(dialog),
                [kind for kind, field in dates.items() if field.known.isChecked()],
                dates[FactorDate.BEGAN].editor.value(),
                field_value(mitigated),
                mitigated.problem.isVisibleTo(dialog),
                dates[FactorDate.MITIGATED].editor.isVisibleTo(dialog),
            )
        )
        shot(dialog, "restored-factor")
        dialog.reject()

    restore_next(lambda: when_dialog(FactorDialog, closing(check)))
    make_window(db_path)
    qtbot.waitUntil(lambda: bool(filled), timeout=15000)
    title, ticks, known, began, mitigated, problem_shown, shown = filled[0]
    assert (title, ticks) == ("Size limit in the proxy", codes)
    assert known == [FactorDate.BEGAN, FactorDate.MITIGATED]
    assert began == FuzzyTime.exact(BEGAN)
    assert mitigated == held  # still held, as typed
    assert problem_shown and shown


def test_an_access_entrys_copies_are_kept_and_restored(
    make_window, db_path, data_dir, qtbot
) -> None:
    make_db(db_path)
    window = make_window(db_path)
    open_incident(qtbot, window, 1)
    window.editor.show_tab("privacy")
    log = window.editor.privacy.log
    qtbot.waitUntil(log.record_button.isEnabled, timeout=5000)
    deleted = datetime(2026, 3, 6, 9, 30, tzinfo=UTC)
    seen: list[dict[str, Any]] = []

    def type_then_cancel(dialog: AccessDialog) -> None:
        copies = dialog.copies
        qtbot.mouseClick(copies.add_button, Qt.MouseButton.LeftButton)
        qtbot.keyClicks(copies.cell(0, 0), "scratch bucket gs://debug-0304")
        copies.cell(0, 1).enabled.setChecked(True)
        copies.cell(0, 1).edit.setDate(QDate(2026, 4, 1))
        qtbot.mouseClick(copies.add_button, Qt.MouseButton.LeftButton)
        qtbot.keyClicks(copies.cell(1, 0), "Dana's laptop")
        copies.cell(1, 2).enabled.setChecked(True)
        copies.cell(1, 2).edit.setDateTime(to_qdatetime(deleted))
        qtbot.keyClicks(copies.cell(1, 3), "Dana Whitfield")
        qtbot.mouseClick(copies.add_button, Qt.MouseButton.LeftButton)  # left empty
        select_data(dialog.volume_unit, VolumeUnit.USERS)
        dialog.privacy_consulted.setCurrentIndex(dialog.privacy_consulted.findData("yes"))
        seen.append(kept_fields(data_dir, qtbot, "Dana Whitfield"))
        dialog.reject()

    when_dialog(AccessDialog, closing(type_then_cancel))
    qtbot.mouseClick(log.record_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    fields = seen[0]
    qtbot.waitUntil(lambda: len(fields["copies"]["copies"]) == 3, timeout=10)
    assert fields["copies"] == {
        "copies": [
            {
                "location": "scratch bucket gs://debug-0304",
                "delete_by": "2026-04-01",
                "deleted_at": None,
                "deleted_by": "",
            },
            {
                "location": "Dana's laptop",
                "delete_by": None,
                "deleted_at": deleted.isoformat(),
                "deleted_by": "Dana Whitfield",
            },
            {"location": "", "delete_by": None, "deleted_at": None, "deleted_by": ""},
        ]
    }
    # Choices by their stored codes (the label only for the offer to quote).
    assert fields["volume_unit"] == {"choice": "users", "label": "users"}
    assert fields["privacy_consulted"] == {"choice": "yes", "label": "Consulted"}
    qtbot.waitUntil(lambda: not drafts(data_dir), timeout=3000)
    window.close()

    fields["privacy_consulted"]["label"] = "Asked"  # a label renamed since: the code counts
    folder = leave_drafts(db_path, Draft("access", 1, "", None, fields))
    filled: list[tuple[int, tuple[DataCopy, ...]]] = []
    choices: list[tuple[str, bool | None]] = []

    def check(dialog: AccessDialog) -> None:
        filled.append((dialog.copies.table.rowCount(), dialog.copies.copies()))
        choices.append((dialog.volume_unit.currentData(), dialog.consulted()))
        shot(dialog, "restored-access")
        dialog.reject()

    restore_next(lambda: when_dialog(AccessDialog, closing(check)))
    make_window(db_path)
    qtbot.waitUntil(lambda: bool(filled), timeout=15000)
    assert filled[0] == (
        3,
        (
            DataCopy("scratch bucket gs://debug-0304", date(2026, 4, 1)),
            DataCopy("Dana's laptop", None, deleted, "Dana Whitfield"),
        ),
    )
    assert choices == [(VolumeUnit.USERS, True)]
    qtbot.waitUntil(lambda: not folder.exists(), timeout=3000)


def test_a_follow_ups_reached_on_is_kept_and_restored(
    make_window, db_path, data_dir, qtbot
) -> None:
    make_db(db_path)
    opened_on, done_on = date.today() - timedelta(days=10), date.today() - timedelta(days=3)
    workspace = Workspace.open(db_path)
    made = workspace.followups.new_item(1, "Retrain with deduplicated rows")
    made.history = [StatusStep(FollowUpStatus.OPEN, opened_on)]
    item_id = workspace.followups.create(made).id
    workspace.close()
    window = make_window(db_path)
    open_incident(qtbot, window, 1)
    page = show_tab(qtbot, window, "followups")
    seen: list[dict[str, Any]] = []

    def pick_then_cancel(dialog: FollowUpDialog) -> None:
        select_data(dialog.status, FollowUpStatus.DONE)  # sets Reached on to today
        dialog.reached.setDate(QDate(done_on.year, done_on.month, done_on.day))
        seen.append(kept_fields(data_dir, qtbot, done_on.isoformat()))
        dialog.reject()

    when_dialog(FollowUpDialog, closing(pick_then_cancel))
    page.board.open_details(item_id)
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    fields = seen[0]
    assert fields["reached"] == {"date": done_on.isoformat()}  # a day, not a moment
    qtbot.waitUntil(lambda: not drafts(data_dir), timeout=3000)
    window.close()

    leave_drafts(db_path, Draft("followup", 1, "HS-1", item_id, fields))
    filled: list[tuple[str, date]] = []

    def check(dialog: FollowUpDialog) -> None:
        shown = dialog.reached.date()
        filled.append((dialog.status.currentText(), date(*shown.getDate())))
        dialog.accept()
        if dialog.isVisible():  # refused: say why
            filled.append((dialog.problem.text(), done_on))

    restore_next(lambda: when_dialog(FollowUpDialog, closing(check)))
    again = make_window(db_path)
    qtbot.waitUntil(lambda: bool(filled), timeout=15000)
    assert filled == [(FollowUpStatus.DONE.label, done_on)]
    qtbot.waitUntil(lambda: not drafts(data_dir), timeout=5000)
    settle(qtbot, again)
    [stored] = again.workspace.followups.items(1)
    assert (stored.status, stored.status_since) == (FollowUpStatus.DONE, done_on)


def test_a_factor_draft_from_before_these_fields_were_kept_still_restores(
    make_window, db_path, data_dir, qtbot, caplog
) -> None:
    make_db(db_path)
    old = {
        "title": "Size limit in the proxy",
        "description": "",
        "scope": "",
        "trigger": "Not said",
    }
    # Besides, values a damaged or newer file might hold: each skipped with a line in the log.
    damaged = dict(
        old,
        implicated={"codes": "config"},
        began={"fuzzy": None, "held": {"best": "yesterday"}},
        mitigated_known="yes",
    )
    leave_drafts(db_path, Draft("factor", 1, "HS-1", None, damaged))
    filled: list[tuple[str, list[str], list[FactorDate]]] = []

    def check(dialog: FactorDialog) -> None:
        known = [kind for kind, field in dialog.dates.items() if field.known.isChecked()]
        filled.append((dialog.title.text(), ticked(dialog), known))
        dialog.accept()

    restore_next(lambda: when_dialog(FactorDialog, closing(check)))
    window = make_window(db_path)
    qtbot.waitUntil(lambda: bool(filled), timeout=15000)
    assert filled == [("Size limit in the proxy", [], [])]
    qtbot.waitUntil(lambda: not drafts(data_dir), timeout=5000)
    settle(qtbot, window)
    [factor] = window.editor.incident.factors
    assert (factor.title, factor.implicated, factor.dates) == ("Size limit in the proxy", [], {})
    assert caplog.text.count("not put back") == 2  # the codes and the held time


def test_new_kinds_of_field_come_back_as_they_were_kept(qtbot, caplog) -> None:
    from PySide6.QtWidgets import QComboBox, QDateEdit, QListWidget, QListWidgetItem

    from hindsight.ui.fuzzy_time_editor import FuzzyTimeEditor
    from hindsight.ui.privacy.access_dialog import CopiesEditor

    def fields() -> dict[str, QWidget]:
        choices = QListWidget()
        for code in ("config", "code", "data"):
            entry = QListWidgetItem(code.capitalize())
            entry.setData(Qt.ItemDataRole.UserRole, code)
            entry.setFlags(entry.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            entry.setCheckState(Qt.CheckState.Unchecked)
            choices.addItem(entry)
        pick = QComboBox()
        fill_combo(pick, ((unit.value.capitalize(), unit) for unit in VolumeUnit))
        made: dict[str, QWidget] = {
            "pick": pick,
            "choices": choices,
            "day": QDateEdit(),
            "held": FuzzyTimeEditor(),
            "copies": CopiesEditor(),
        }
        for widget in made.values():
            qtbot.addWidget(widget)
        return made

    typed = fields()
    select_data(typed["pick"], VolumeUnit.USERS)
    typed["choices"].item(2).setCheckState(Qt.CheckState.Checked)
    typed["day"].setDate(QDate(2026, 3, 4))
    held = typed["held"]
    held.set_value(FuzzyTime.exact(BEGAN))
    held.by_day.setChecked(True)
    held.exact.setChecked(False)
    held.earliest.setDate(QDate(2026, 3, 9))  # after the latest day
    assert held.held_problem is not None
    typed["copies"].add_copy(DataCopy("bucket", date(2026, 4, 1)))
    kept = json.loads(json.dumps({name: field_value(w) for name, w in typed.items()}))
    assert kept["choices"] == {"codes": ["data"]} and kept["day"] == {"date": "2026-03-04"}
    assert kept["pick"] == {"choice": "users", "label": "Users"}

    again = fields()
    again["held"].set_value(FuzzyTime.exact(BEGAN))
    for name, value in kept.items():
        set_field_value(again[name], value)
    assert {name: field_value(w) for name, w in again.items()} == kept
    assert again["held"].held_problem == held.held_problem
    assert again["copies"].copies() == (DataCopy("bucket", date(2026, 4, 1)),)
    again["held"].revert()  # what the record holds comes back
    assert again["held"].value() == FuzzyTime.exact(BEGAN)

    # Values that do not fit are left out, and the field keeps what it showed.
    set_field_value(again["copies"], {"copies": [{"location": 5}]})
    set_field_value(again["copies"], "a bucket")
    set_field_value(again["choices"], {"codes": [1, 2]})
    set_field_value(again["pick"], {"choice": "bytes", "label": "Rows"})  # a code gone since
    assert again["copies"].copies() == (DataCopy("bucket", date(2026, 4, 1)),)
    assert again["pick"].currentData() == VolumeUnit.USERS
    assert caplog.text.count("not put back") == 4
    set_field_value(again["pick"], "Rows")  # a draft written when choices were kept by label
    assert again["pick"].currentData() == VolumeUnit.ROWS


def test_a_milestone_time_held_as_typed_survives_a_crash_and_comes_back_held(
    make_window, db_path, data_dir, qtbot
) -> None:
    from hindsight.core.enums import Phase

    from .test_held_input import answer, hold_a_reversed_range

    make_db(db_path)
    window = make_window(db_path)
    open_incident(qtbot, window, 1)
    field, saved = hold_a_reversed_range(qtbot, window)  # its note typed while held
    fields = kept_fields(data_dir, qtbot, "from the pager log")
    [path] = drafts(data_dir)
    assert path.name == "draft-held-1.json"
    held = fields["detection"]
    assert held["fuzzy"] is None and held["held"]["note"] == "from the pager log"
    assert held["held"] == field.held_fields()
    about = json.loads(path.read_text("utf-8"))["about"]
    assert about["what"] == "Detected" and "earliest" in about["problem"]
    answer(window.editor, "Discard Typed Time")
    window.close()  # dropped, with the user's word: its draft goes
    qtbot.waitUntil(lambda: not drafts(data_dir), timeout=3000)

    # As kill -9 leaves it: the record saved, the held time only in the journal.
    folder = leave_drafts(db_path, Draft("held", 1, "HS-1", None, fields, about=about))
    told: list[tuple[str, str]] = []

    def restore(box: QMessageBox) -> None:
        told.append((box.text(), box.informativeText()))
        next(b for b in box.buttons() if b.text() == "Restore").click()

    when_dialog(QMessageBox, restore)
    again = make_window(db_path)
    qtbot.waitUntil(lambda: not folder.exists(), timeout=15000)  # taken over by this session
    settle(qtbot, again)
    [(text, informative)] = told
    assert text == (
        "While you were typing Detected of HS-1, a time that could not be saved yet "
        f"({about['problem']}), Hindsight stopped."
    )
    assert informative.startswith("Restore opens HS-1 on its Milestones tab")
    editor = again.editor
    shown = editor.milestones.editors[Phase.DETECTION]
    assert editor.current_tab() == "milestones"
    assert shown.held_fields() == held["held"]
    assert shown.held_problem is not None and shown.problem.isVisibleTo(editor)
    assert again.save_label.text().startswith("Not saved: Detected:")
    assert editor.incident.milestones[Phase.DETECTION] == saved  # the record is untouched
    [path] = drafts(data_dir)  # kept again, by this session
    assert json.loads(path.read_text("utf-8"))["fields"] == fields
    # Corrected, it is saved, and the draft goes.
    shown.latest.setDateTime(shown.best.dateTime().addDays(2))
    qtbot.waitUntil(lambda: again.save_label.text() == "Saved", timeout=5000)
    qtbot.waitUntil(lambda: not drafts(data_dir), timeout=3000)
    assert editor.incident.milestones[Phase.DETECTION].note == "from the pager log"
