"""Text typed in a dialog survives a crash: drafts of open dialogs in the recovery journal.

Typing in a dialog writes its fields as a draft in the running session's folder; OK and Cancel
remove it. A draft left by a session that is gone is offered when the database opens, after
the records: Restore reopens the dialog on its incident, filled; Discard deletes it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from hindsight.core.enums import Phase
from hindsight.core.fuzzy_time import FuzzyTime
from hindsight.core.incident import TimelineEvent
from hindsight.core.plain import to_plain
from hindsight.services.recovery import Draft, RecoveryStore
from hindsight.services.workspace import Workspace
from hindsight.ui.editor.dialogs import EventDialog
from hindsight.ui.followups.details_dialog import FollowUpDialog

from .conftest import open_incident, settle
from .followup_helpers import settle as settle_board

WHEN = FuzzyTime.exact(datetime(2026, 3, 4, 14, 5, tzinfo=UTC))
EVENT_TEXT = (
    "Rolled back the feature file to the version of 11:20; the error rate fell to its usual "
    "level within two minutes"
)


def drafts(data_dir: Path) -> list[Path]:
    return sorted(data_dir.glob("recovery/*/*/draft-*.json"))


def when_dialog(kind: type[QWidget], action: Callable[[Any], None]) -> None:
    """Run `action` on the next modal dialog of type `kind` once it is shown."""

    def attempt(tries: int = 0) -> None:
        widget = QApplication.activeModalWidget()
        if isinstance(widget, kind) and widget.isVisible():
            action(widget)
        elif tries < 1500:
            QTimer.singleShot(10, lambda: attempt(tries + 1))

    QTimer.singleShot(0, attempt)


def make_db(db_path: Path, titles: tuple[str, ...] = ("Feature file doubled",)) -> None:
    workspace = Workspace.open(db_path)
    for title in titles:
        workspace.incidents.create(title)
    workspace.close()


def leave_drafts(db_path: Path, *left: Draft) -> Path:
    """A session folder as a killed process leaves it: its lock free, its drafts there."""
    workspace = Workspace.open(db_path)
    location = workspace.location
    workspace.close()
    session = RecoveryStore(location).open_session()
    for draft in left:
        session.write_draft(draft)
    session.close()  # what it holds stays, as after kill -9
    return session.folder


# (tab, kind, how the test types, how it makes the dialog acceptable)
def _type_event(qtbot, d) -> str:
    qtbot.keyClicks(d.text, EVENT_TEXT)
    return EVENT_TEXT


def _type_role(qtbot, d) -> str:
    qtbot.keyClicks(d.person, "Dana Whitfield")
    return "Dana Whitfield"


def _type_team(qtbot, d) -> str:
    qtbot.keyClicks(d.team.lineEdit(), "Ranking infra")
    qtbot.keyClicks(d.part, "Rebuilt the feature file")
    return "Ranking infra"


def _type_impact(qtbot, d) -> str:
    qtbot.keyClicks(d.measure, "Requests answered with errors")
    qtbot.keyClicks(d.best, "3")
    return "Requests answered with errors"


def _type_factor(qtbot, d) -> str:
    qtbot.keyClicks(d.title, "Size limit in the proxy")
    return "Size limit in the proxy"


def _type_link(qtbot, d) -> str:
    qtbot.keyClicks(d.target, "PROJ-42")
    return "PROJ-42"


def _type_followup(qtbot, d) -> str:
    qtbot.keyClicks(d.title, "Retrain with deduplicated rows")
    return "Retrain with deduplicated rows"


DIALOGS = [
    ("timeline", "event", _type_event),
    ("roles", "role", _type_role),
    ("teams", "team", _type_team),
    ("impact", "impact", _type_impact),
    ("factors", "factor", _type_factor),
    ("links", "link", _type_link),
    ("followups", "followup", _type_followup),
]


def show_tab(qtbot, window, tab: str):
    editor = window.editor
    editor.show_tab(tab)
    page = getattr(editor, tab)
    if tab == "followups":
        qtbot.waitUntil(lambda: page.add_button.isEnabled() and page.board.loaded, timeout=5000)
    settle(qtbot, window)
    return page


@pytest.mark.parametrize("close", ["ok", "cancel"])
@pytest.mark.parametrize(("tab", "kind", "typing"), DIALOGS, ids=[d[1] for d in DIALOGS])
def test_typing_in_a_dialog_keeps_a_draft_until_it_closes(
    make_window, db_path, data_dir, qtbot, tab, kind, typing, close
) -> None:
    make_db(db_path)
    window = make_window(db_path)
    open_incident(qtbot, window, 1)
    page = show_tab(qtbot, window, tab)
    seen: list[dict[str, Any]] = []

    def type_then_close(dialog: QDialog) -> None:
        typed = typing(qtbot, dialog)
        # Written a moment after the typing, while the dialog is still open.
        qtbot.waitUntil(lambda: bool(drafts(data_dir)), timeout=3000)
        [path] = drafts(data_dir)
        assert path.name == f"draft-{kind}-1.json"
        qtbot.waitUntil(
            lambda: typed in json.loads(path.read_text("utf-8"))["fields"].values(), timeout=3000
        )
        seen.append(json.loads(path.read_text("utf-8")))
        if close == "ok":
            dialog.accept()
            assert dialog.result() == QDialog.DialogCode.Accepted, dialog.problem.text()
        else:
            dialog.reject()

    when_dialog(QDialog, type_then_close)
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert seen[0]["incident"] == 1 and seen[0]["incident_key"] == "HS-1"
    assert seen[0]["item"] is None
    qtbot.waitUntil(lambda: not drafts(data_dir), timeout=3000)  # OK or Cancel: gone


@pytest.mark.parametrize(("tab", "kind", "typing"), DIALOGS, ids=[d[1] for d in DIALOGS])
def test_a_dialog_left_untouched_writes_no_draft(
    make_window, db_path, data_dir, qtbot, tab, kind, typing
) -> None:
    make_db(db_path)
    window = make_window(db_path)
    open_incident(qtbot, window, 1)
    page = show_tab(qtbot, window, tab)
    looked: list[list[Path]] = []

    def wait_then_cancel(dialog: QDialog) -> None:
        qtbot.wait(500)  # more than twice the journal's delay
        looked.append(drafts(data_dir))
        dialog.reject()

    when_dialog(QDialog, wait_then_cancel)
    qtbot.mouseClick(page.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(looked), timeout=5000)
    assert looked == [[]]


def add_event(db_path: Path, text: str) -> int:
    workspace = Workspace.open(db_path)
    incident = workspace.incidents.get(1)
    moment = datetime(2026, 3, 4, 14, 5, tzinfo=UTC)
    incident.events.append(
        TimelineEvent(when=FuzzyTime.exact(moment), phase=Phase.DETECTION, text=text)
    )
    stored = workspace.incidents.save(incident)
    workspace.close()
    event_id = stored.events[0].id
    assert event_id is not None
    return event_id


def test_editing_an_event_keeps_which_event_it_was(make_window, db_path, data_dir, qtbot) -> None:
    make_db(db_path)
    event_id = add_event(db_path, "Paged")
    window = make_window(db_path)
    open_incident(qtbot, window, 1)
    page = show_tab(qtbot, window, "timeline")
    page.table.selectRow(0)
    seen: list[dict[str, Any]] = []

    def type_then_cancel(dialog: EventDialog) -> None:
        dialog.text.moveCursor(QTextCursor.MoveOperation.End)
        qtbot.keyClicks(dialog.text, " the on-call")
        qtbot.waitUntil(lambda: bool(drafts(data_dir)), timeout=3000)
        qtbot.waitUntil(
            lambda: "the on-call" in drafts(data_dir)[0].read_text("utf-8"), timeout=3000
        )
        seen.append(json.loads(drafts(data_dir)[0].read_text("utf-8")))
        dialog.reject()

    when_dialog(EventDialog, type_then_cancel)
    qtbot.mouseClick(page.edit_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert seen[0]["item"] == event_id
    assert seen[0]["fields"]["text"] == "Paged the on-call"
    qtbot.waitUntil(lambda: not drafts(data_dir), timeout=3000)


def test_an_edit_draft_restores_onto_the_event_it_edited(
    make_window, db_path, data_dir, qtbot
) -> None:
    make_db(db_path)
    event_id = add_event(db_path, "Paged")
    leave_drafts(db_path, Draft("event", 1, "HS-1", event_id, {"text": "Paged the on-call"}))
    told: list[str] = []

    def restore(box: QMessageBox) -> None:
        told.append(box.text())
        when_dialog(EventDialog, lambda dialog: dialog.accept())
        next(b for b in box.buttons() if b.text() == "Restore").click()

    when_dialog(QMessageBox, restore)
    window = make_window(db_path)
    qtbot.waitUntil(lambda: not drafts(data_dir), timeout=15000)
    settle(qtbot, window)
    assert told == [
        "While you were editing a timeline event of HS-1, Hindsight stopped: ‘Paged the on-call’"
    ]
    events = window.editor.incident.events
    assert [(e.id, e.text) for e in events] == [(event_id, "Paged the on-call")]


def test_a_gone_sessions_draft_is_offered_and_restore_reopens_the_dialog_filled(
    make_window, db_path, data_dir, qtbot
) -> None:
    make_db(db_path)
    folder = leave_drafts(
        db_path,
        Draft(
            "event",
            1,
            "HS-1",
            None,
            {"text": EVENT_TEXT, "phase": "Mitigation", "when": {"fuzzy": to_plain(WHEN)}},
        ),
    )
    told: list[str] = []
    filled: list[tuple[str, str, FuzzyTime | None]] = []

    def restore(box: QMessageBox) -> None:
        told.append(box.text())
        when_dialog(EventDialog, fill_check)
        next(b for b in box.buttons() if b.text() == "Restore").click()

    def fill_check(dialog: EventDialog) -> None:
        filled.append((dialog.text.toPlainText(), dialog.phase.currentText(), dialog.when.value()))
        # Kept again at once by this session, as if just typed.
        qtbot.waitUntil(lambda: any(p.parent != folder for p in drafts(data_dir)), timeout=3000)
        dialog.accept()

    when_dialog(QMessageBox, restore)
    window = make_window(db_path)
    qtbot.waitUntil(lambda: bool(filled), timeout=15000)
    assert told == [
        f"While you were adding a timeline event to HS-1, Hindsight stopped: ‘{EVENT_TEXT[:79]}…’"
    ]
    assert filled == [(EVENT_TEXT, "Mitigation", WHEN)]
    editor = window.editor
    assert editor.incident.id == 1
    assert [(e.text, e.when) for e in editor.incident.events] == [(EVENT_TEXT, WHEN)]
    assert editor.current_tab() == "timeline"
    assert editor.undo_stack.canUndo()  # stored as an edit like any other
    qtbot.waitUntil(lambda: not drafts(data_dir) and not folder.exists(), timeout=3000)


def test_discard_deletes_the_draft(make_window, db_path, data_dir, qtbot) -> None:
    make_db(db_path)
    folder = leave_drafts(db_path, Draft("role", 1, "HS-1", None, {"person": "Dana"}))
    told: list[str] = []

    def discard(box: QMessageBox) -> None:
        told.append(box.text())
        next(b for b in box.buttons() if b.text() == "Discard").click()

    when_dialog(QMessageBox, discard)
    window = make_window(db_path)
    qtbot.waitUntil(lambda: bool(told), timeout=15000)
    assert told == ["While you were adding a response role to HS-1, Hindsight stopped: ‘Dana’"]
    qtbot.waitUntil(lambda: not folder.exists(), timeout=3000)
    settle(qtbot, window)
    assert window.editor.incident is None  # nothing was opened


def test_later_keeps_the_draft_for_the_next_start(make_window, db_path, data_dir, qtbot) -> None:
    make_db(db_path)
    folder = leave_drafts(db_path, Draft("team", 1, "HS-1", None, {"team": "Ranking infra"}))
    told: list[str] = []

    def later(box: QMessageBox) -> None:
        told.append(box.text())
        next(b for b in box.buttons() if b.text() == "Later").click()

    when_dialog(QMessageBox, later)
    window = make_window(db_path)
    qtbot.waitUntil(lambda: bool(told), timeout=15000)
    settle(qtbot, window)
    assert [p.parent for p in drafts(data_dir)] == [folder]


def test_a_draft_whose_incident_is_gone_offers_its_text_to_copy(
    make_window, db_path, data_dir, qtbot
) -> None:
    make_db(db_path)
    folder = leave_drafts(
        db_path,
        Draft("followup", 9, "HS-9", None, {"title": "Retrain", "description": "With dedup"}),
    )
    shown: list[tuple[str, str, str, list[str]]] = []

    def copy(box: QMessageBox) -> None:
        names = [b.text() for b in box.buttons()]
        shown.append((box.text(), box.informativeText(), box.detailedText(), names))
        next(b for b in box.buttons() if b.text() == "Copy Text").click()

    when_dialog(QMessageBox, copy)
    window = make_window(db_path)
    qtbot.waitUntil(lambda: bool(shown), timeout=15000)
    text, informative, detailed, names = shown[0]
    assert text == "While you were adding a follow-up to HS-9, Hindsight stopped: ‘Retrain’"
    assert "HS-9 is no longer in this database" in informative
    assert detailed == "Title: Retrain\n\nDescription: With dedup"  # each text named
    assert "Restore" not in names
    assert QApplication.clipboard().text() == "Title: Retrain\n\nDescription: With dedup"
    settle(qtbot, window)
    assert [p.parent for p in drafts(data_dir)] == [folder]  # kept until discarded


def test_a_follow_up_draft_reopens_the_follow_up_dialog(
    make_window, db_path, data_dir, qtbot
) -> None:
    make_db(db_path, ("Feature file doubled", "Ranking stale"))
    title = "Retrain with deduplicated rows"
    folder = leave_drafts(
        db_path,
        Draft("followup", 2, "HS-2", None, {"title": title, "value": 5, "speeds": True}),
    )
    filled: list[tuple[str, int, bool, str]] = []

    def restore(box: QMessageBox) -> None:
        when_dialog(FollowUpDialog, fill_check)
        next(b for b in box.buttons() if b.text() == "Restore").click()

    def fill_check(dialog: FollowUpDialog) -> None:
        filled.append(
            (
                dialog.title.text(),
                dialog.value.value(),
                dialog.speeds.isChecked(),
                dialog.incident.text(),
            )
        )
        dialog.accept()

    when_dialog(QMessageBox, restore)
    window = make_window(db_path)
    qtbot.waitUntil(lambda: bool(filled), timeout=15000)
    assert filled == [(title, 5, True, "HS-2")]
    board = window.editor.followups.board
    settle(qtbot, window)
    qtbot.waitUntil(lambda: board.loaded, timeout=5000)
    assert [i.title for i in window.workspace.followups.items(2)] == [title]
    qtbot.waitUntil(lambda: not folder.exists(), timeout=3000)


def test_damaged_and_newer_drafts_are_skipped(
    make_window, db_path, data_dir, qtbot, caplog
) -> None:
    make_db(db_path)
    folder = leave_drafts(db_path, Draft("event", 1, "HS-1", None, {"text": "Paged"}))
    (folder / "draft-event-2.json").write_bytes(b"{half a fi")
    newer = json.loads((folder / "draft-event-1.json").read_text("utf-8"))
    newer["version"] = 99
    (folder / "draft-role-1.json").write_text(json.dumps(newer), "utf-8")
    unknown = dict(newer, version=1, kind="sketch")
    (folder / "draft-sketch-1.json").write_text(json.dumps(unknown), "utf-8")
    told: list[str] = []

    def later(box: QMessageBox) -> None:
        told.append(box.text())
        next(b for b in box.buttons() if b.text() == "Later").click()

    when_dialog(QMessageBox, later)
    window = make_window(db_path)
    qtbot.waitUntil(lambda: bool(told), timeout=15000)
    settle(qtbot, window)
    qtbot.wait(300)
    assert told == ["While you were adding a timeline event to HS-1, Hindsight stopped: ‘Paged’"]
    for name in ("draft-event-2.json", "draft-role-1.json", "draft-sketch-1.json"):
        assert name in caplog.text
        assert (folder / name).exists()  # left for a Hindsight that can read it


def test_drafts_are_offered_after_the_record_edits(make_window, db_path, data_dir, qtbot) -> None:
    make_db(db_path, ("Feature file doubled", "Ranking stale"))
    workspace = Workspace.open(db_path)
    edited = workspace.incidents.get(2)
    location = workspace.location
    workspace.close()
    edited.summary = "Typed, never saved"
    session = RecoveryStore(location).open_session()
    session.write(edited)
    session.write_draft(Draft("link", 1, "HS-1", None, {"label": "Error-rate dashboard"}))
    session.close()
    told: list[str] = []

    def answer(box: QMessageBox) -> None:
        told.append(box.text())
        later = [b for b in box.buttons() if b.text() == "Later"]
        if len(told) == 1:
            when_dialog(QMessageBox, answer)  # the next offer
        later[0].click()

    when_dialog(QMessageBox, answer)
    window = make_window(db_path)
    qtbot.waitUntil(lambda: len(told) == 2, timeout=15000)
    settle(qtbot, window)
    assert "edits that were not saved when it last stopped: HS-2" in told[0]
    assert told[1] == (
        "While you were adding a link to HS-1, Hindsight stopped: ‘Error-rate dashboard’"
    )


def test_each_kind_of_field_comes_back_as_it_was_kept(qtbot, caplog) -> None:
    from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit, QSpinBox

    from hindsight.ui.fuzzy_time_editor import FuzzyTimeEditor
    from hindsight.ui.optional_date import OptionalDate
    from hindsight.ui.recovery import field_value, set_field_value

    def fields() -> dict[str, QWidget]:
        choice = QComboBox()
        choice.addItems(["Low", "High"])
        named = QComboBox()
        named.setEditable(True)
        made: dict[str, QWidget] = {
            "plain": QPlainTextEdit(),
            "line": QLineEdit(),
            "choice": choice,
            "named": named,
            "number": QSpinBox(),
            "tick": QCheckBox(),
            "when": FuzzyTimeEditor(),
            "held": OptionalDate("From", with_time=True),
        }
        for widget in made.values():
            qtbot.addWidget(widget)
        return made

    typed = fields()
    typed["plain"].setPlainText("two\nlines")
    typed["line"].setText("one line")
    typed["choice"].setCurrentIndex(1)
    typed["named"].setCurrentText("Ranking infra")
    typed["number"].setValue(4)
    typed["tick"].setChecked(True)
    typed["when"].set_value(WHEN)
    typed["held"].set_moment(datetime(2026, 3, 4, 15, 0, tzinfo=UTC))
    kept = json.loads(json.dumps({name: field_value(w) for name, w in typed.items()}))

    again = fields()
    for name, value in kept.items():
        set_field_value(again[name], value)
    assert {name: field_value(w) for name, w in again.items()} == kept
    assert again["when"].value() == WHEN

    # A value that does not fit its field is left out, with a line in the log.
    before = field_value(again["when"])
    set_field_value(again["when"], {"fuzzy": {"best": "not a time"}})
    set_field_value(again["held"], {"moment": "2026-03-04T15:00"})  # no zone
    assert field_value(again["when"]) == before
    assert "not put back" in caplog.text


def test_the_access_log_dialog_keeps_a_draft_and_restores_it(
    make_window, db_path, data_dir, qtbot
) -> None:
    from hindsight.ui.privacy.access_dialog import AccessDialog

    make_db(db_path)
    window = make_window(db_path)
    open_incident(qtbot, window, 1)
    window.editor.show_tab("privacy")
    log = window.editor.privacy.log
    qtbot.waitUntil(log.record_button.isEnabled, timeout=5000)
    why = "Needed the failing requests' user ids to find the bad shard"
    seen: list[dict[str, Any]] = []

    def type_then_cancel(dialog: AccessDialog) -> None:
        qtbot.keyClicks(dialog.justification, why)
        dialog.categories[next(iter(dialog.categories))].setChecked(True)
        qtbot.waitUntil(
            lambda: bool(drafts(data_dir)) and why in drafts(data_dir)[0].read_text("utf-8"),
            timeout=3000,
        )
        seen.append(json.loads(drafts(data_dir)[0].read_text("utf-8")))
        dialog.reject()

    when_dialog(AccessDialog, type_then_cancel)
    qtbot.mouseClick(log.record_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert seen[0]["kind"] == "access" and seen[0]["fields"]["justification"] == why
    qtbot.waitUntil(lambda: not drafts(data_dir), timeout=3000)
    window.close()

    # Left by a session that is gone: offered and reopened at the next start.
    folder = leave_drafts(db_path, Draft("access", 1, "", None, seen[0]["fields"]))
    filled: list[tuple[str, list[bool]]] = []

    def restore(box: QMessageBox) -> None:
        assert box.text().startswith("While you were adding a data access entry to HS-1")
        when_dialog(AccessDialog, fill_check)
        next(b for b in box.buttons() if b.text() == "Restore").click()

    def fill_check(dialog: AccessDialog) -> None:
        ticks = [b.isChecked() for b in dialog.categories.values()]
        filled.append((dialog.justification.toPlainText(), ticks))
        dialog.reject()

    when_dialog(QMessageBox, restore)
    make_window(db_path)
    qtbot.waitUntil(lambda: bool(filled), timeout=15000)
    assert filled[0][0] == why
    assert filled[0][1][0] and not any(filled[0][1][1:])
    qtbot.waitUntil(lambda: not folder.exists(), timeout=3000)


def test_a_draft_of_a_published_incident_is_kept_not_stored(
    make_window, db_path, data_dir, qtbot, errors
) -> None:
    from hindsight.core.review import ReviewStatus

    make_db(db_path)
    workspace = Workspace.open(db_path)
    incident = workspace.incidents.get(1)
    incident.review_status = ReviewStatus.PUBLISHED
    workspace.incidents.save(incident)
    workspace.close()
    folder = leave_drafts(db_path, Draft("event", 1, "HS-1", None, {"text": "Paged"}))

    def restore(box: QMessageBox) -> None:
        next(b for b in box.buttons() if b.text() == "Restore").click()

    when_dialog(QMessageBox, restore)
    window = make_window(db_path)
    qtbot.waitUntil(lambda: bool(errors), timeout=15000)
    assert errors[0][0] == "Draft kept" and "HS-1 was published since" in errors[0][1]
    settle(qtbot, window)
    assert window.editor.incident.events == []
    assert [p.parent for p in drafts(data_dir)] == [folder]


def test_a_caption_being_written_for_a_new_picture_is_kept_and_restored(
    make_window, db_path, data_dir, qtbot, tmp_path
) -> None:
    from PySide6.QtGui import QColor, QImage

    from hindsight.ui.editor.pictures_tab import CaptionDialog

    make_db(db_path)
    graph = tmp_path / "error-rate.png"
    image = QImage(320, 160, QImage.Format.Format_RGB32)
    image.fill(QColor("steelblue"))
    assert image.save(str(graph))
    window = make_window(db_path)
    open_incident(qtbot, window, 1)
    tab = show_tab(qtbot, window, "pictures")
    tab.choose_files = lambda: [str(graph)]
    seen: list[dict[str, Any]] = []

    def type_then_cancel(dialog: CaptionDialog) -> None:
        qtbot.keyClicks(dialog.caption, "Error rate by region")
        qtbot.waitUntil(
            lambda: bool(drafts(data_dir)) and "region" in drafts(data_dir)[0].read_text("utf-8"),
            timeout=3000,
        )
        seen.append(json.loads(drafts(data_dir)[0].read_text("utf-8")))
        dialog.reject()

    when_dialog(CaptionDialog, type_then_cancel)
    qtbot.mouseClick(tab.attach_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert seen[0]["about"] == {"file": str(graph)} and seen[0]["item"] is None
    qtbot.waitUntil(lambda: not drafts(data_dir), timeout=3000)
    window.close()

    leave_drafts(
        db_path,
        Draft("caption", 1, "", None, seen[0]["fields"], about={"file": str(graph)}),
    )
    told: list[str] = []

    def restore(box: QMessageBox) -> None:
        told.append(box.text())
        when_dialog(CaptionDialog, lambda dialog: dialog.accept())
        next(b for b in box.buttons() if b.text() == "Restore").click()

    when_dialog(QMessageBox, restore)
    again = make_window(db_path)
    qtbot.waitUntil(lambda: not drafts(data_dir), timeout=15000)
    settle(qtbot, again)
    assert told == [
        "While you were adding a picture's caption to HS-1, Hindsight stopped: "
        "‘Error rate by region’"
    ]
    [attached] = again.workspace.attachments.of_incident(1)
    assert (attached.name, attached.caption) == ("error-rate.png", "Error rate by region")


def test_a_follow_up_edited_from_triage_keeps_a_draft_naming_the_item(
    make_window, demo_db, data_dir, qtbot
) -> None:
    window = make_window(demo_db)
    qtbot.keyClick(window, Qt.Key.Key_T, Qt.KeyboardModifier.ControlModifier)
    triage = window.followups_ui.triage
    qtbot.waitUntil(lambda: triage.board.loaded and bool(triage.board.ranked_ids()), timeout=10000)
    item_id = triage.board.ranked_ids()[0]
    qtbot.waitUntil(lambda: triage.board.item(item_id) is not None, timeout=5000)
    item = triage.board.item(item_id)
    seen: list[dict[str, Any]] = []

    def type_then_cancel(dialog: FollowUpDialog) -> None:
        dialog.description.moveCursor(QTextCursor.MoveOperation.End)
        qtbot.keyClicks(dialog.description, " Checked again on Monday.")
        qtbot.waitUntil(
            lambda: bool(drafts(data_dir)) and "Monday" in drafts(data_dir)[0].read_text("utf-8"),
            timeout=3000,
        )
        seen.append(json.loads(drafts(data_dir)[0].read_text("utf-8")))
        dialog.reject()

    when_dialog(FollowUpDialog, type_then_cancel)
    triage.board.open_details(item_id)
    assert seen[0]["kind"] == "followup" and seen[0]["item"] == item_id
    assert (seen[0]["incident"], seen[0]["incident_key"]) == (item.incident_id, item.incident_key)
    qtbot.waitUntil(lambda: not drafts(data_dir), timeout=3000)
    triage.close()
    window.close()

    # Restored from the incident's Follow-ups tab, onto that item.
    leave_drafts(
        demo_db,
        Draft(
            "followup",
            item.incident_id,
            item.incident_key,
            item_id,
            dict(seen[0]["fields"], title="Retitled before the crash"),
        ),
    )

    def restore(box: QMessageBox) -> None:
        assert box.text().startswith(f"While you were editing a follow-up of {item.incident_key}")
        when_dialog(FollowUpDialog, lambda dialog: dialog.accept())
        next(b for b in box.buttons() if b.text() == "Restore").click()

    when_dialog(QMessageBox, restore)
    again = make_window(demo_db)
    qtbot.waitUntil(lambda: not drafts(data_dir), timeout=15000)
    board = again.editor.followups.board
    settle_board(qtbot, again.ops, board)
    stored = {i.id: i for i in again.workspace.followups.items(item.incident_id)}[item_id]
    assert stored.title == "Retitled before the crash"
    assert stored.description.endswith(" Checked again on Monday.")


def test_a_restored_dialog_takes_over_its_draft_so_a_second_crash_leaves_one(
    make_window, db_path, data_dir, qtbot
) -> None:
    make_db(db_path)
    folder = leave_drafts(db_path, Draft("event", 1, "HS-1", None, {"text": EVENT_TEXT}))
    left: list[str] = []

    def restore(box: QMessageBox) -> None:
        when_dialog(EventDialog, check)
        next(b for b in box.buttons() if b.text() == "Restore").click()

    def check(dialog: EventDialog) -> None:
        # While the dialog is open (a second kill -9 would come here): this session's draft
        # only, the gone session's deleted.
        try:
            qtbot.waitUntil(
                lambda: len(drafts(data_dir)) == 1 and drafts(data_dir)[0].parent != folder,
                timeout=5000,
            )
            left.append(drafts(data_dir)[0].read_text("utf-8"))
        finally:
            dialog.reject()

    when_dialog(QMessageBox, restore)
    make_window(db_path)
    qtbot.waitUntil(lambda: bool(left), timeout=15000)
    assert EVENT_TEXT in left[0]
    assert not folder.exists()
    qtbot.waitUntil(lambda: not drafts(data_dir), timeout=3000)


def test_a_caption_for_a_picture_file_gone_since_is_kept_not_lost(
    make_window, db_path, data_dir, qtbot, tmp_path, errors
) -> None:
    from hindsight.ui.editor.pictures_tab import CaptionDialog

    make_db(db_path)
    gone = tmp_path / "moved-away.png"
    left = Draft(
        "caption", 1, "HS-1", None, {"caption": "Error rate by region"}, about={"file": str(gone)}
    )
    folder = leave_drafts(db_path, left)

    def restore(box: QMessageBox) -> None:
        when_dialog(CaptionDialog, lambda dialog: dialog.reject())  # none should open
        next(b for b in box.buttons() if b.text() == "Restore").click()

    when_dialog(QMessageBox, restore)
    window = make_window(db_path)
    qtbot.waitUntil(lambda: bool(errors), timeout=15000)
    settle(qtbot, window)
    [(title, text)] = errors
    assert title == "Picture file gone"
    assert str(gone) in text and "Error rate by region" in text and "kept" in text
    assert window.workspace.attachments.of_incident(1) == []
    assert [path.parent for path in drafts(data_dir)] == [folder]  # offered again next time


def test_an_edit_draft_of_an_event_deleted_since_says_so_before_it_opens_as_new(
    make_window, db_path, data_dir, qtbot, monkeypatch
) -> None:
    from hindsight.ui import messages

    make_db(db_path)
    leave_drafts(db_path, Draft("event", 1, "HS-1", 4242, {"text": "Paged the on-call"}))
    told: list[str] = []
    monkeypatch.setattr(messages, "inform", lambda _parent, _title, text: told.append(text))

    def restore(box: QMessageBox) -> None:
        when_dialog(EventDialog, lambda dialog: dialog.accept())
        next(b for b in box.buttons() if b.text() == "Restore").click()

    when_dialog(QMessageBox, restore)
    window = make_window(db_path)
    qtbot.waitUntil(lambda: not drafts(data_dir), timeout=15000)
    settle(qtbot, window)
    assert told == [
        "The event you were editing was deleted since. What you typed opens as a new event: "
        "OK adds it, Cancel drops it."
    ]
    assert [e.text for e in window.editor.incident.events] == ["Paged the on-call"]


def test_the_offer_quotes_what_was_typed_as_written_not_as_html(
    make_window, db_path, data_dir, qtbot
) -> None:
    # QA: an <img src=x onerror=...> typed in an event was drawn as a broken picture.
    make_db(db_path)
    typed = "<img src=x onerror=alert(1)> <b>bold</b> & more"
    leave_drafts(db_path, Draft("event", 1, "HS-1", None, {"text": typed}))
    seen: list[tuple[str, object]] = []

    def later(box: QMessageBox) -> None:
        seen.append((box.text(), box.textFormat()))
        next(b for b in box.buttons() if b.text() == "Later").click()

    when_dialog(QMessageBox, later)
    make_window(db_path)
    qtbot.waitUntil(lambda: bool(seen), timeout=15000)
    text, form = seen[0]
    assert typed in text
    assert form == Qt.TextFormat.PlainText


def test_message_boxes_show_text_as_written(qtbot) -> None:
    from hindsight.ui import messages

    box = messages.error_box(None, "Cannot attach", "<b>notes.png</b> is not a picture")
    qtbot.addWidget(box)
    assert box.textFormat() == Qt.TextFormat.PlainText
