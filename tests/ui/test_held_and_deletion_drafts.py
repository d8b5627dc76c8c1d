"""The last things kill -9 could lose: a deletion being confirmed, a time held on Review.

What a user typed or picked in the Privacy tab's "Confirm deletion" dialog (which copy, when,
by whom, recorded by) was in no draft; a time typed in a Review answer that describes no
valid time (held in the field, not in the record) was not journalled, while the same time
typed on Milestones was. Both are now kept in the recovery journal and restored through the
same offer, choices by their stored codes, times as the app stores them.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from hindsight.core.privacy import AccessDetails, DataAccess, DataCategory, DataCopy
from hindsight.services.recovery import Draft
from hindsight.services.workspace import Workspace
from hindsight.ui.privacy.access_dialog import ConfirmDeletionDialog
from hindsight.ui.qt_helpers import from_qdatetime, to_qdatetime
from hindsight.ui.recovery import field_value, keep_drafts, set_field_value
from hindsight.ui.review.answer_widgets import FuzzyTimeAnswer

from .conftest import open_incident, settle
from .test_dialog_drafts import drafts, leave_drafts, make_db, when_dialog

SHOTS = os.environ.get("HINDSIGHT_DRAFT_SHOTS")  # a folder: restored widgets grabbed as PNG
DELETED = datetime(2026, 3, 9, 16, 40, tzinfo=UTC)
COPIES = (
    DataCopy("scratch bucket gs://debug-0304", date(2026, 4, 1)),
    DataCopy("Dana's laptop", None, datetime(2026, 3, 5, 9, 0, tzinfo=UTC), "Dana Whitfield"),
    DataCopy("notebook cache on ml-ws-7", date(2026, 3, 20)),
)


def shot(widget: QWidget, name: str) -> None:
    if SHOTS:
        widget.grab().save(str(Path(SHOTS) / f"{name}.png"))


def kept(data_dir: Path, qtbot, wanted: str) -> dict[str, Any]:
    """The one draft file, once `wanted` is in it."""
    qtbot.waitUntil(
        lambda: bool(drafts(data_dir)) and wanted in drafts(data_dir)[0].read_text("utf-8"),
        timeout=3000,
    )
    document: dict[str, Any] = json.loads(drafts(data_dir)[0].read_text("utf-8"))
    return document


def record_access(db_path: Path, copies: tuple[DataCopy, ...] = COPIES) -> DataAccess:
    workspace = Workspace.open(db_path)
    try:
        details = AccessDetails(
            "Ana Petrova",
            datetime(2026, 3, 4, 10, 0, tzinfo=UTC),
            "ranking request logs, 3–4 March",
            categories=(DataCategory.AGGREGATES_ONLY,),
            justification="Counting the requests answered from the stale ranking",
            copies=copies,
        )
        return workspace.privacy.record_access(1, details, "Tester")
    finally:
        workspace.close()


def stored_access(db_path: Path, access_id: int) -> DataAccess:
    workspace = Workspace.open(db_path)
    try:
        return next(a for a in workspace.privacy.accesses(1) if a.id == access_id)
    finally:
        workspace.close()


# -- a deletion being confirmed ---------------------------------------------------------------


def test_a_deletion_being_confirmed_is_kept_and_restored_exactly(
    make_window, db_path, data_dir, qtbot
) -> None:
    make_db(db_path)
    access = record_access(db_path)
    window = make_window(db_path)
    open_incident(qtbot, window, 1)
    window.editor.show_tab("privacy")
    log = window.editor.privacy.log
    qtbot.waitUntil(lambda: log.select_access(access.id), timeout=5000)
    qtbot.waitUntil(log.confirm_button.isEnabled, timeout=5000)
    seen: list[dict[str, Any]] = []

    def type_then_cancel(dialog: ConfirmDeletionDialog) -> None:
        try:
            dialog.copy.setCurrentIndex(1)  # the notebook cache: the third copy of the entry
            dialog.deleted_at.setDateTime(to_qdatetime(DELETED))
            qtbot.keyClicks(dialog.deleted_by, "ML platform on-call")
            dialog.recorded_by.setText("Priya Raman")
            seen.append(kept(data_dir, qtbot, "Priya Raman"))
        finally:
            dialog.reject()

    when_dialog(ConfirmDeletionDialog, type_then_cancel)
    qtbot.mouseClick(log.confirm_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    document = seen[0]
    assert document["kind"] == "deletion" and document["item"] == access.id
    assert document["about"] == {"entry": access.label}
    fields = document["fields"]
    assert fields == {
        "deleted_by": "ML platform on-call",
        # The copy by its place among the entry's copies (what the deletion is stored
        # against) and its location; the label only for the offer to quote.
        "copy": {
            "choice": "2",
            "location": "notebook cache on ml-ws-7",
            "label": "notebook cache on ml-ws-7 (delete by 2026-03-20)",
        },
        "recorded_by": "Priya Raman",
        "deleted_at": {"moment": DELETED.isoformat()},
    }
    qtbot.waitUntil(lambda: not drafts(data_dir), timeout=3000)  # Cancel drops it
    window.close()

    # As kill -9 leaves it: offered at the next start, and reopened filled.
    folder = leave_drafts(
        db_path, Draft("deletion", 1, "HS-1", access.id, fields, about=document["about"])
    )
    told: list[str] = []
    filled: list[tuple[int, datetime, str, str]] = []

    def restore(box: QMessageBox) -> None:
        told.append(box.text())
        when_dialog(ConfirmDeletionDialog, fill_check)
        next(b for b in box.buttons() if b.text() == "Restore").click()

    def fill_check(dialog: ConfirmDeletionDialog) -> None:
        try:
            filled.append(
                (
                    dialog.copy_index(),
                    from_qdatetime(dialog.deleted_at.dateTime()),
                    dialog.deleted_by.text(),
                    dialog.recorded_by.text(),
                )
            )
            # Kept again at once by this session, as if just typed.
            qtbot.waitUntil(lambda: any(p.parent != folder for p in drafts(data_dir)), timeout=3000)
            shot(dialog, "restored-confirm-deletion")
        finally:
            dialog.accept()  # OK: the deletion is stored as typed

    when_dialog(QMessageBox, restore)
    again = make_window(db_path)
    qtbot.waitUntil(lambda: bool(filled), timeout=15000)
    assert told == [
        f"While you were confirming the deletion of a copy of {access.label} in HS-1, "
        "Hindsight stopped: ‘ML platform on-call’"
    ]
    assert filled == [(2, DELETED, "ML platform on-call", "Priya Raman")]
    assert again.editor.current_tab() == "privacy"
    qtbot.waitUntil(lambda: not folder.exists() and not drafts(data_dir), timeout=5000)
    copies = stored_access(db_path, access.id).details.copies
    assert copies[2] == DataCopy(
        "notebook cache on ml-ws-7", date(2026, 3, 20), DELETED, "ML platform on-call"
    )
    assert copies[0].deleted_at is None  # the copy not picked is untouched


def test_a_kept_copy_is_found_by_its_location_or_skipped_with_a_log_line(qtbot, caplog) -> None:
    def dialog(copies: tuple[DataCopy, ...]) -> ConfirmDeletionDialog:
        details = AccessDetails(
            "Ana", datetime(2026, 3, 1, 9, 0, tzinfo=UTC), "logs", copies=copies
        )
        revision = type("Revision", (), {"details": details})()
        made = ConfirmDeletionDialog(DataAccess(1, 1, 1, (revision,)), "Tester")  # type: ignore[arg-type]
        qtbot.addWidget(made)
        return made

    typed = dialog(COPIES)
    typed.copy.setCurrentIndex(1)
    value = json.loads(json.dumps(field_value(typed.copy)))
    assert value["choice"] == "2" and value["location"] == "notebook cache on ml-ws-7"

    # The entry amended since: a copy added before it. Its place moved; its location says
    # which it is.
    moved = dialog((DataCopy("a new export"), *COPIES))
    set_field_value(moved.copy, value)
    assert moved.copy_index() == 3
    assert "not put back" not in caplog.text

    # Confirmed deleted since (in another window): not offered, so not picked; the rest of a
    # draft still comes back (a field at a time).
    gone = dialog((*COPIES[:2], DataCopy("notebook cache on ml-ws-7", None, DELETED, "Ops")))
    set_field_value(gone.copy, value)
    assert gone.copy_index() == 0
    assert caplog.text.count("not put back") == 1
    for malformed in ({"choice": 2, "location": "x"}, {"choice": "2"}, "notebook cache"):
        set_field_value(gone.copy, malformed)  # type: ignore[arg-type]
        assert gone.copy_index() == 0
    assert caplog.text.count("not put back") == 4
    set_field_value(gone.copy, {})  # a draft written when no copy was left to pick
    assert gone.copy_index() == 0

    # A draft without some of the keys (written by a Hindsight with fewer fields): what it
    # has comes back, the rest stays as the dialog opened.
    partial = dialog(COPIES)
    opened_at = partial.deleted_at.dateTime()
    keep_drafts(
        partial,
        partial.draft_fields(),
        kind="deletion",
        incident_id=None,
        fill={"deleted_by": "Ops", "unknown_field": "x"},
    )
    assert partial.deleted_by.text() == "Ops" and partial.recorded_by.text() == "Tester"
    assert partial.copy_index() == 0 and partial.deleted_at.dateTime() == opened_at


def test_a_deletion_draft_is_kept_when_the_access_log_cannot_be_read(
    make_window, db_path, data_dir, qtbot, monkeypatch, errors
) -> None:
    # Restore used the draft up even when its entry could not be read: what was typed was
    # shown once, then deleted.
    from hindsight.services.errors import StoreError
    from hindsight.services.privacy import PrivacyService

    make_db(db_path)
    access = record_access(db_path)
    fields = {"deleted_by": "ML platform on-call", "recorded_by": "Priya Raman"}
    folder = leave_drafts(
        db_path, Draft("deletion", 1, "HS-1", access.id, fields, about={"entry": access.label})
    )

    def unreadable(self, incident_id: int) -> list[DataAccess]:
        raise StoreError("the disk went away")

    monkeypatch.setattr(PrivacyService, "accesses", unreadable)

    def restore(box: QMessageBox) -> None:
        next(b for b in box.buttons() if b.text() == "Restore").click()

    when_dialog(QMessageBox, restore)
    make_window(db_path)
    qtbot.waitUntil(lambda: any(title == "Draft kept" for title, _ in errors), timeout=15000)
    said = next(text for title, text in errors if title == "Draft kept")
    assert said.startswith("The access log could not be read")
    assert "offered again the next time" in said and "the disk went away" in said
    qtbot.wait(300)
    left = [p for p in drafts(data_dir) if p.parent == folder]
    assert [p.name for p in left] == ["draft-deletion-1.json"]


# -- a time held on the Review page -----------------------------------------------------------


def impact_start(window) -> FuzzyTimeAnswer:
    editor = window.editor
    editor.show_tab("review")
    page = editor.review
    assert page.go_to_question("impact_start.when")
    answer = next(
        view.cards["impact_start.when"].answer
        for view in page.views
        if "impact_start.when" in getattr(view, "cards", {})
    )
    assert isinstance(answer, FuzzyTimeAnswer)
    return answer


def hold_on_review(qtbot, window) -> tuple[FuzzyTimeAnswer, Any]:
    """Impact start known and saved, then a range whose latest is before its earliest, with
    a note typed while it is held."""
    answer = impact_start(window)
    answer.known.setChecked(True)
    settle(qtbot, window)
    window.editor.save_now()
    qtbot.waitUntil(lambda: window.save_label.text() == "Saved", timeout=5000)
    saved = window.editor.incident.milestones[answer.question.milestone]
    field = answer.editor
    field.exact.setChecked(False)
    field.latest.setDateTime(field.best.dateTime().addDays(-2))
    qtbot.keyClicks(field.note, "from the ranker's dashboards")
    assert field.held_problem is not None
    return answer, saved


def test_a_time_held_on_the_review_page_survives_a_crash_and_comes_back_held(
    make_window, db_path, data_dir, qtbot
) -> None:
    from .test_held_input import answer as answer_with

    make_db(db_path)
    window = make_window(db_path)
    open_incident(qtbot, window, 1)
    answer, saved = hold_on_review(qtbot, window)
    document = kept(data_dir, qtbot, "from the ranker's dashboards")
    [path] = drafts(data_dir)
    assert path.name == "draft-review_held-1.json"
    assert document["incident_key"] == "HS-1" and document["item"] is None
    fields = document["fields"]
    assert list(fields) == ["impact_start.when"]
    held = fields["impact_start.when"]
    assert held == {"fuzzy": None, "held": answer.editor.held_fields()}
    assert held["held"]["note"] == "from the ranker's dashboards"
    assert held["held"]["earliest"] > held["held"]["latest"]
    about = document["about"]
    assert about["what"] == answer.editor.what and "earliest" in about["problem"]
    # The window says it is not saved, as for a time held on Milestones.
    assert window.save_label.text().startswith(f"Not saved: {answer.editor.what}:")
    answer_with(window.editor, "Discard Typed Time")
    window.close()  # dropped, with the user's word: its draft goes
    qtbot.waitUntil(lambda: not drafts(data_dir), timeout=3000)

    # As kill -9 leaves it: the record saved, the held time only in the journal.
    folder = leave_drafts(db_path, Draft("review_held", 1, "HS-1", None, fields, about=about))
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
        f"While you were typing {about['what']} of HS-1 on the Review page, a time that could "
        f"not be saved yet ({about['problem']}), Hindsight stopped."
    )
    assert informative.startswith("Restore opens HS-1 on its Review page")
    editor = again.editor
    assert editor.current_tab() == "review"
    shown = impact_start(again).editor
    assert shown.held_fields() == held["held"]  # as typed, still held, with its message
    assert shown.held_problem is not None and shown.problem.isVisibleTo(editor)
    assert again.save_label.text().startswith(f"Not saved: {about['what']}:")
    assert editor.incident.milestones[answer.question.milestone] == saved  # record untouched
    shot(editor.review, "restored-review-held-time")
    [path] = drafts(data_dir)  # kept again, by this session
    assert json.loads(path.read_text("utf-8"))["fields"] == fields
    # Corrected, it is saved, and the draft goes.
    shown.latest.setDateTime(shown.best.dateTime().addDays(2))
    qtbot.waitUntil(lambda: again.save_label.text() == "Saved", timeout=5000)
    qtbot.waitUntil(lambda: not drafts(data_dir), timeout=3000)
    stored = editor.incident.milestones[answer.question.milestone]
    assert stored.note == "from the ranker's dashboards"


def test_review_held_times_that_cannot_be_shown_are_said_not_lost(
    make_window, db_path, data_dir, qtbot, caplog
) -> None:
    make_db(db_path)
    window = make_window(db_path)
    open_incident(qtbot, window, 1)
    answer = impact_start(window)
    assert not answer.known.isChecked()
    page = window.editor.review
    held = {
        "best": "2026-03-04T11:20:00+00:00",
        "earliest": "2026-03-05T11:20:00+00:00",
        "latest": "2026-03-03T11:20:00+00:00",
        "exact": False,
        "by_day": False,
        "confidence": "medium",
        "note": "from the pager",
    }
    left = page.restore_held(
        {
            "impact_start.when": {"fuzzy": None, "held": held},  # not known in the record now
            "gone.question": {"fuzzy": None, "held": held},  # not in the bank any more
        }
    )
    assert left == [
        f"{answer.editor.what}: best guess 2026-03-04T11:20:00+00:00, earliest "
        "2026-03-05T11:20:00+00:00, latest 2026-03-03T11:20:00+00:00, note: from the pager",
        "gone.question: best guess 2026-03-04T11:20:00+00:00, earliest "
        "2026-03-05T11:20:00+00:00, latest 2026-03-03T11:20:00+00:00, note: from the pager",
    ]
    assert "unknown question 'gone.question'" in caplog.text
    assert answer.editor.held_problem is None

    # Known, a malformed value is skipped with a log line; nothing is held, nothing kept.
    answer.known.setChecked(True)
    settle(qtbot, window)
    before = answer.editor.value()
    assert page.restore_held({"impact_start.when": {"fuzzy": None, "held": {"best": 3}}}) == []
    assert "not put back" in caplog.text
    assert answer.editor.held_problem is None and answer.editor.value() == before
    qtbot.wait(400)
    assert not any("review_held" in p.name for p in drafts(data_dir))


# -- the reason a review is reopened for ------------------------------------------------------

REASON = "Impact estimate revised after the billing export came in"


def test_the_reason_to_reopen_a_review_is_kept_and_restored(
    make_window, demo_db, data_dir, qtbot
) -> None:
    from PySide6.QtWidgets import QInputDialog, QLineEdit

    from hindsight.core.review import ReviewStatus

    window = make_window(demo_db)
    open_incident(qtbot, window, 1)  # HS-1, published in the demo
    editor = window.editor
    editor.show_tab("review")
    page = editor.review
    assert editor.incident.review_status is ReviewStatus.PUBLISHED
    seen: list[dict[str, Any]] = []

    def type_then_cancel(dialog: QInputDialog) -> None:
        try:
            qtbot.keyClicks(dialog.findChild(QLineEdit), REASON)
            seen.append(kept(data_dir, qtbot, REASON))
        finally:
            dialog.reject()

    when_dialog(QInputDialog, type_then_cancel)
    qtbot.mouseClick(page.reopen_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    assert seen[0]["kind"] == "reopen" and seen[0]["fields"] == {"reason": REASON}
    assert seen[0]["incident_key"] == "HS-1"
    qtbot.waitUntil(lambda: not drafts(data_dir), timeout=3000)  # Cancel drops it
    assert editor.incident.review_status is ReviewStatus.PUBLISHED
    window.close()

    folder = leave_drafts(demo_db, Draft("reopen", 1, "HS-1", None, {"reason": REASON}))
    told: list[str] = []
    filled: list[str] = []

    def restore(box: QMessageBox) -> None:
        told.append(box.text())
        when_dialog(QInputDialog, fill_check)
        next(b for b in box.buttons() if b.text() == "Restore").click()

    def fill_check(dialog: QInputDialog) -> None:
        try:
            filled.append(dialog.textValue())
        finally:
            dialog.accept()

    when_dialog(QMessageBox, restore)
    again = make_window(demo_db)
    qtbot.waitUntil(lambda: bool(filled), timeout=15000)
    assert told == [
        f"While you were giving the reason to reopen the review of HS-1, Hindsight stopped: "
        f"‘{REASON}’"
    ]
    assert filled == [REASON]
    settle(qtbot, again)
    qtbot.waitUntil(
        lambda: again.editor.incident.review_status is not ReviewStatus.PUBLISHED, timeout=5000
    )
    qtbot.waitUntil(lambda: not folder.exists() and not drafts(data_dir), timeout=5000)


# -- a note of the ethics checklist, between typing and saving -------------------------------

NOTE = "Only synthetic ranking logs were replayed; no user ids left the cluster."


def test_a_checklist_note_not_saved_yet_is_journalled_said_unsaved_and_restored(
    make_window, db_path, data_dir, qtbot
) -> None:
    # A tester ticked Yes, typed a note and killed the app half a second later: the note was
    # lost, and the status bar had said "Saved" over it all along.
    from hindsight.core.privacy import EthicsChoice
    from hindsight.ui.privacy import ethics_page

    make_db(db_path)
    window = make_window(db_path)
    open_incident(qtbot, window, 1)
    editor = window.editor
    editor.tabs.setCurrentWidget(editor.privacy)
    ethics = editor.privacy.ethics
    editor.privacy.pages.setCurrentWidget(ethics)
    qtbot.waitUntil(lambda: ethics._loaded, timeout=5000)
    states: list[str] = []
    editor.saveStateChanged.connect(states.append)
    row = ethics.rows["impact.uneven_harm"]
    qtbot.mouseClick(row.buttons[EthicsChoice.YES], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "impact.uneven_harm" in ethics.answers, timeout=5000)
    row.note.setFocus()
    qtbot.keyClicks(row.note, NOTE)
    ethics._timer.stop()  # "killed" before the pause in typing that saves it
    assert states[-1] == "Unsaved changes"
    document = kept(data_dir, qtbot, NOTE)
    assert document["kind"] == "ethics" and document["fields"] == {"impact.uneven_harm": NOTE}
    assert window.save_label.text() == "Unsaved changes"

    # As kill -9 leaves it (this window's note never reaches the database): offered at the
    # next start; Restore puts the note back and saves it.
    ethics._pending.clear()
    row.note.blockSignals(True)
    row.note.setText("")
    row.note.blockSignals(False)
    ethics._keep()
    window.close()
    folder = leave_drafts(db_path, Draft("ethics", 1, "HS-1", None, document["fields"]))
    told: list[str] = []

    def restore(box: QMessageBox) -> None:
        told.append(box.text())
        next(b for b in box.buttons() if b.text() == "Restore").click()

    when_dialog(QMessageBox, restore)
    again = make_window(db_path)
    qtbot.waitUntil(lambda: bool(told), timeout=15000)
    assert told == [
        "While you were writing in the ethics checklist of HS-1, before the note was saved, "
        f"Hindsight stopped: ‘{NOTE}’"
    ]
    page = again.editor.privacy
    qtbot.waitUntil(lambda: page.pages.currentWidget() is page.ethics, timeout=5000)
    qtbot.waitUntil(lambda: page.ethics.rows["impact.uneven_harm"].note.text() == NOTE)
    workspace = Workspace.open(db_path)
    try:

        def saved() -> bool:
            answer = workspace.privacy.ethics_answers(1).get("impact.uneven_harm")
            return answer is not None and answer.note == NOTE

        qtbot.waitUntil(saved, timeout=5000)
        assert workspace.privacy.ethics_answers(1)["impact.uneven_harm"].choice is (
            EthicsChoice.YES
        )
    finally:
        workspace.close()
    # Saved: no draft left, the old one gone, and the status bar says so.
    qtbot.waitUntil(lambda: not folder.exists() and not drafts(data_dir), timeout=5000)
    qtbot.waitUntil(lambda: again.save_label.text() == "Saved", timeout=5000)
    assert ethics_page.ETHICS == "ethics"


# -- a link to another incident ---------------------------------------------------------------


def test_a_link_to_another_incident_being_written_is_kept_and_restored(
    make_window, db_path, data_dir, qtbot
) -> None:
    from hindsight.ui.search.link_dialog import LinkDialog

    make_db(db_path, ("Feature file doubled", "Ranking went stale"))
    window = make_window(db_path)
    open_incident(qtbot, window, 1)
    window.editor.show_tab("related")
    related = window.editor.related
    seen: list[dict[str, Any]] = []
    note = "Same proxy size limit, seen in both traces"

    def type_then_cancel(dialog: LinkDialog) -> None:
        try:
            dialog.kind.setCurrentIndex(1)  # "is a recurrence of"
            dialog.other.choose(2, "HS-2 — Ranking went stale")
            qtbot.keyClicks(dialog.note, note)
            seen.append(kept(data_dir, qtbot, note))
        finally:
            dialog.reject()

    when_dialog(LinkDialog, type_then_cancel)
    related.link()
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    fields = seen[0]["fields"]
    assert seen[0]["kind"] == "incident_link"
    assert fields == {
        "note": note,
        "kind": {"choice": "recurrence:out", "label": "is a recurrence of"},
        "other": {"incident": 2, "label": "HS-2 — Ranking went stale"},
    }
    qtbot.waitUntil(lambda: not drafts(data_dir), timeout=3000)  # Cancel drops it
    window.close()

    folder = leave_drafts(db_path, Draft("incident_link", 1, "HS-1", None, fields))
    told: list[str] = []
    filled: list[tuple[int, int | None, str]] = []

    def restore(box: QMessageBox) -> None:
        told.append(box.text())
        when_dialog(LinkDialog, check_then_link)
        next(b for b in box.buttons() if b.text() == "Restore").click()

    def check_then_link(dialog: LinkDialog) -> None:
        filled.append((dialog.kind.currentIndex(), dialog.other.incident_id, dialog.note.text()))
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)

    when_dialog(QMessageBox, restore)
    make_window(db_path)
    qtbot.waitUntil(lambda: bool(filled), timeout=15000)
    assert told == [
        f"While you were adding a link to another incident to HS-1, Hindsight stopped: ‘{note}’"
    ]
    assert filled == [(1, 2, note)]
    qtbot.waitUntil(lambda: not folder.exists() and not drafts(data_dir), timeout=5000)
    workspace = Workspace.open(db_path)
    try:
        links = workspace.links.links(1)
        assert [(link.key, link.note) for link in links] == [("HS-2", note)]
    finally:
        workspace.close()
