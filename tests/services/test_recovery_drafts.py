"""Drafts of open dialogs in the recovery journal: written, removed, and read back only from
sessions that are gone; a damaged or newer file is skipped, never a crash."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from hindsight.core.incident import Incident
from hindsight.services.recovery import Draft, RecoveryStore

EVENT = Draft(
    "event",
    7,
    "HS-7",
    None,
    {"text": "Rolled back the feature file at 14:05", "phase": "Mitigation", "source": "Chat"},
)


def drafts_in(store: RecoveryStore) -> list[Path]:
    return sorted(store.folder.glob("*/draft-*.json"))


def test_a_draft_is_written_in_the_session_folder_and_removed_on_request(tmp_path: Path) -> None:
    store = RecoveryStore("team.sqlite", root=tmp_path)
    session = store.open_session()
    written = session.write_draft(EVENT)
    assert written == session.folder / "draft-event-7.json"
    document = json.loads(written.read_text("utf-8"))
    assert document["fields"]["text"] == "Rolled back the feature file at 14:05"
    assert (document["incident"], document["incident_key"], document["item"]) == (7, "HS-7", None)
    assert not list(session.folder.glob("*.part"))  # written beside, renamed into place

    # The session runs: its drafts are its own, never offered.
    assert store.drafts_left_behind() == []
    session.remove_draft("event", 7)
    assert session.drafts() == []
    session.close()
    assert not session.folder.exists()  # nothing left to offer: the folder goes


def test_drafts_of_a_gone_session_are_read_back_then_discarded(tmp_path: Path) -> None:
    store = RecoveryStore("team.sqlite", root=tmp_path)
    session = store.open_session()
    session.write_draft(EVENT)
    edit = Draft("followup", 7, "HS-7", 31, {"title": "Retrain with deduplicated rows"})
    session.write_draft(edit)
    session.close()  # as a killed process leaves it: the lock free, the files there
    assert session.folder.is_dir()

    # Reading the records left behind (there are none) keeps a folder holding drafts.
    assert store.left_behind() == []
    found = store.drafts_left_behind()
    assert [(d.kind, d.incident_id, d.item_id) for d in found] == [
        ("event", 7, None),
        ("followup", 7, 31),
    ]
    assert found[0].fields == EVENT.fields
    assert found[1].texts() == ["Retrain with deduplicated rows"]
    assert all(d.written_at is not None for d in found)

    store.discard_draft(found[0])
    assert [d.kind for d in store.drafts_left_behind()] == ["followup"]
    store.discard_draft(found[1])
    assert store.drafts_left_behind() == []
    assert not session.folder.exists()


def test_a_session_with_records_and_drafts_keeps_its_folder_until_both_are_gone(
    tmp_path: Path,
) -> None:
    store = RecoveryStore("team.sqlite", root=tmp_path)
    session = store.open_session()
    session.write(Incident(title="Spike", id=7, key="HS-7"))
    session.write_draft(EVENT)
    session.close()
    [recovered] = store.left_behind()
    store.discard(recovered)
    assert session.folder.is_dir()  # the draft is still there
    [draft] = store.drafts_left_behind()
    store.discard_draft(draft)
    assert not session.folder.exists()


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"\xff\xfe",
        b"[]",
        b'{"format": "hindsight-draft"}',
        b'{"format": "hindsight-draft", "version": 2, "kind": "event", "incident": 7}',
        b'{"format": "hindsight-recovery", "version": 1}',
    ],
)
def test_a_damaged_or_newer_draft_is_skipped_with_a_log_line(
    tmp_path: Path, content: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    store = RecoveryStore("team.sqlite", root=tmp_path)
    session = store.open_session()
    session.write_draft(EVENT)
    session.close()
    bad = session.folder / "draft-event-8.json"
    bad.write_bytes(content)
    with caplog.at_level(logging.WARNING, logger="hindsight.services.recovery"):
        found = store.drafts_left_behind()
    assert [d.incident_id for d in found] == [7]  # the good one is still offered
    assert "draft-event-8.json" in caplog.text
    assert bad.exists()  # left for a Hindsight that can read it


def test_a_draft_with_fields_of_other_types_is_skipped(tmp_path: Path) -> None:
    store = RecoveryStore("team.sqlite", root=tmp_path)
    session = store.open_session()
    session.write_draft(EVENT)
    session.close()
    path = session.folder / "draft-event-7.json"
    document = json.loads(path.read_text("utf-8"))
    document["fields"]["text"] = ["a list"]
    path.write_text(json.dumps(document), "utf-8")
    assert store.drafts_left_behind() == []


def test_a_choice_kept_by_its_code_is_quoted_and_copied_by_its_label() -> None:
    draft = Draft(
        "link",
        7,
        "HS-7",
        None,
        {
            "label": "",
            "target": "PROJ-42",
            "kind": {"choice": "ticket", "label": "Ticket"},
            "copies": {"copies": [{"location": "bucket"}]},  # not text: not quoted
        },
    )
    assert draft.texts() == ["PROJ-42", "Ticket"]
    assert draft.labelled_text() == "Target: PROJ-42\n\nKind: Ticket"
    # As when choices were kept by their labels.
    older = Draft("link", 7, "HS-7", None, {"target": "PROJ-42", "kind": "Ticket"})
    assert (older.texts(), older.labelled_text()) == (draft.texts(), draft.labelled_text())


def test_a_time_held_as_typed_is_in_the_text_to_copy_not_quoted() -> None:
    held = {
        "best": "2026-03-04T11:20:00+00:00",
        "earliest": "2026-03-05T11:20:00+00:00",
        "latest": "2026-03-03T11:20:00+00:00",
        "exact": False,
        "by_day": False,
        "confidence": "medium",
        "note": "from the pager",
    }
    draft = Draft("review_held", 7, "HS-7", None, {"impact_start": {"fuzzy": None, "held": held}})
    # An incident deleted since: Show Details and Copy Text hold what was typed.
    assert draft.labelled_text() == (
        "Impact start: best guess 2026-03-04T11:20:00+00:00, earliest 2026-03-05T11:20:00+00:00, "
        "latest 2026-03-03T11:20:00+00:00, note: from the pager"
    )
    assert draft.texts() == []  # what the offer quotes, and what says a draft is empty
    valid = Draft("event", 7, "HS-7", None, {"when": {"fuzzy": {"best": "x"}}})
    assert valid.labelled_text() == "" and valid.texts() == []
    unreadable = Draft("held", 7, "HS-7", None, {"detection": {"fuzzy": None, "held": {}}})
    assert unreadable.labelled_text() == "Detection: (not readable)"
