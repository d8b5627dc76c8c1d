"""Privacy use cases: recording and amending accesses, the checklist, the publish gate, the demo."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from hindsight.core.incident import Incident
from hindsight.core.privacy import (
    AccessDetails,
    DataCategory,
    DataCopy,
    EthicsChoice,
)
from hindsight.core.review import ReviewStatus
from hindsight.services.errors import ValidationError
from hindsight.services.workspace import Workspace
from hindsight.store.errors import ConflictError

T0 = datetime(2026, 9, 3, 11, 15, tzinfo=UTC)
TODAY = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@pytest.fixture
def incident(workspace: Workspace) -> Incident:
    workspace.privacy.clock = lambda: TODAY
    return workspace.incidents.create("Recommendations dried up")


def replay_copy(**changes) -> AccessDetails:
    details = AccessDetails(
        accessor="Ravi Menon",
        accessed_at=T0,
        dataset="recs-query-log",
        categories=(DataCategory.SEARCH_QUERIES,),
        volume=100_000,
        justification="Replay against the July models.",
        approver="Gabriela Souza",
        copies=(DataCopy("gs://recs-analysis/replay/", date(2026, 9, 10), T0, "Priya Raman"),),
    )
    return replace(details, **changes)


def privacy_blockers(workspace: Workspace, incident: Incident) -> list:
    return [b for b in workspace.publish_gate.blockers(incident) if b.area == "Privacy"]


def answer_all_required(workspace: Workspace, incident: Incident) -> None:
    for item in workspace.privacy.open_required(incident.id):
        workspace.privacy.answer_ethics(
            incident.id, item.id, EthicsChoice.YES, "checked", "Hannah", 0
        )


# -- recording and amending -------------------------------------------------------------------


def test_recording_needs_a_justification_and_a_recorder(
    workspace: Workspace, incident: Incident
) -> None:
    with pytest.raises(ValidationError, match="justification") as raised:
        workspace.privacy.record_access(incident.id, replay_copy(justification=" "), "")
    assert "your name" in str(raised.value)
    assert workspace.privacy.accesses(incident.id) == []


def test_self_approval_is_refused(workspace: Workspace, incident: Incident) -> None:
    with pytest.raises(ValidationError, match="second person"):
        workspace.privacy.record_access(incident.id, replay_copy(approver="ravi menon"), "H")


def test_an_access_in_the_future_is_refused(workspace: Workspace, incident: Incident) -> None:
    with pytest.raises(ValidationError, match="future"):
        workspace.privacy.record_access(
            incident.id, replay_copy(accessed_at=TODAY + timedelta(days=1)), "H"
        )


def test_recording_trims_names_and_drops_an_unused_privacy_contact(
    workspace: Workspace, incident: Incident
) -> None:
    access = workspace.privacy.record_access(
        incident.id, replay_copy(accessor=" Ravi Menon ", privacy_contact="Priya"), " Hannah "
    )
    assert access.details.accessor == "Ravi Menon"
    assert access.details.privacy_contact == ""  # not consulted, so nobody to name
    assert access.current.recorded_by == "Hannah"


def test_an_amendment_needs_a_reason_and_a_change(workspace: Workspace, incident: Incident) -> None:
    access = workspace.privacy.record_access(incident.id, replay_copy(), "Hannah")
    with pytest.raises(ValidationError, match="why"):
        workspace.privacy.amend_access(
            access.id, replay_copy(volume=90_000), "Tariq", "  ", based_on=1
        )
    with pytest.raises(ValidationError, match="Nothing was changed"):
        workspace.privacy.amend_access(access.id, replay_copy(), "Tariq", "typo", based_on=1)
    amended = workspace.privacy.amend_access(
        access.id, replay_copy(volume=90_000), "Tariq", "Counted again", based_on=1
    )
    assert [r.details.volume for r in amended.revisions] == [100_000, 90_000]
    with pytest.raises(ConflictError):
        workspace.privacy.amend_access(
            access.id, replay_copy(volume=80_000), "Tariq", "stale", based_on=1
        )


def test_confirming_a_deletion_is_an_amendment(workspace: Workspace, incident: Incident) -> None:
    cache = DataCopy("ml-replay-02:/scratch", date(2026, 9, 30))
    access = workspace.privacy.record_access(incident.id, replay_copy(copies=(cache,)), "Hannah")
    deleted_at = datetime(2026, 10, 2, 9, 0, tzinfo=UTC)
    confirmed = workspace.privacy.confirm_deletion(
        access.id, 0, deleted_at, "Priya Raman", "Hannah", based_on=1
    )
    copy = confirmed.details.copies[0]
    assert (copy.deleted_at, copy.deleted_by) == (deleted_at, "Priya Raman")
    assert confirmed.current.reason == (
        "Deletion of the copy at ml-replay-02:/scratch confirmed by Priya Raman."
    )
    assert confirmed.revisions[0].details.copies[0].deleted_at is None
    with pytest.raises(ValidationError, match="already confirmed"):
        workspace.privacy.confirm_deletion(access.id, 0, deleted_at, "P", "H", based_on=2)


# -- the ethics checklist ---------------------------------------------------------------------


def test_answers_are_kept_with_the_checklist_version(
    workspace: Workspace, incident: Incident
) -> None:
    saved = workspace.privacy.answer_ethics(
        incident.id, "impact.uneven_harm", EthicsChoice.YES, "two markets", "Hannah", 0
    )
    assert saved.checklist_version == workspace.privacy.checklist.version
    assert workspace.privacy.ethics_answers(incident.id)["impact.uneven_harm"] == saved
    with pytest.raises(ValidationError, match="no item"):
        workspace.privacy.answer_ethics(incident.id, "nope", EthicsChoice.YES, "", "H", 0)


def test_a_published_review_keeps_its_checklist(workspace: Workspace, incident: Incident) -> None:
    published = workspace.incidents.get(incident.id)
    published.review_status = ReviewStatus.PUBLISHED
    workspace.incidents.repository.save(published)
    with pytest.raises(ValidationError, match="read-only"):
        workspace.privacy.answer_ethics(
            incident.id, "impact.uneven_harm", EthicsChoice.NO, "", "H", 0
        )


# -- the publish gate -------------------------------------------------------------------------


def test_the_privacy_check_is_registered_on_the_gate(workspace: Workspace) -> None:
    assert "privacy" in workspace.publish_gate.check_names


def test_open_required_items_block_publishing(workspace: Workspace, incident: Incident) -> None:
    required = [i for i in workspace.privacy.checklist.items() if i.required]
    blockers = privacy_blockers(workspace, incident)
    assert [b.target for b in blockers] == [f"ethics:{i.id}" for i in required]
    assert "is not answered yet" in blockers[0].message
    answer_all_required(workspace, incident)
    assert privacy_blockers(workspace, incident) == []


def test_na_without_a_note_blocks_publishing(workspace: Workspace, incident: Incident) -> None:
    answer_all_required(workspace, incident)
    item = "impact.protected_proxies"
    current = workspace.privacy.ethics_answers(incident.id)[item]
    workspace.privacy.answer_ethics(
        incident.id, item, EthicsChoice.NOT_APPLICABLE, "", "H", current.version
    )
    [blocker] = privacy_blockers(workspace, incident)
    assert blocker.target == f"ethics:{item}"
    assert "N/A without a note" in blocker.message


def test_personal_data_without_an_approver_blocks_publishing(
    workspace: Workspace, incident: Incident
) -> None:
    answer_all_required(workspace, incident)
    access = workspace.privacy.record_access(incident.id, replay_copy(approver=""), "Hannah")
    [blocker] = privacy_blockers(workspace, incident)
    assert blocker.target == f"access:{access.id}"
    assert "Access 1 by Ravi Menon touched personal data but has no approver" in blocker.message
    workspace.privacy.amend_access(
        access.id, replay_copy(), "Hannah", "Data owner reviewed it", based_on=1
    )
    assert privacy_blockers(workspace, incident) == []


def test_aggregates_without_an_approver_do_not_block(
    workspace: Workspace, incident: Incident
) -> None:
    answer_all_required(workspace, incident)
    aggregates = replay_copy(categories=(DataCategory.AGGREGATES_ONLY,), approver="")
    workspace.privacy.record_access(incident.id, aggregates, "Hannah")
    assert privacy_blockers(workspace, incident) == []


def test_an_overdue_copy_blocks_publishing_until_its_deletion_is_confirmed(
    workspace: Workspace, incident: Incident
) -> None:
    answer_all_required(workspace, incident)
    cache = DataCopy("ml-replay-02:/scratch", date(2026, 9, 30))
    access = workspace.privacy.record_access(incident.id, replay_copy(copies=(cache,)), "Hannah")
    workspace.privacy.clock = lambda: datetime(2026, 9, 30, 12, tzinfo=UTC)
    assert privacy_blockers(workspace, incident) == []  # due today, not yet overdue
    workspace.privacy.clock = lambda: TODAY
    [blocker] = privacy_blockers(workspace, incident)
    assert blocker.target == f"access:{access.id}"
    assert "was to be deleted by 2026-09-30" in blocker.message
    workspace.privacy.confirm_deletion(
        access.id, 0, datetime(2026, 10, 5, tzinfo=UTC), "Priya", "Hannah", based_on=1
    )
    assert privacy_blockers(workspace, incident) == []


def test_an_unsaved_incident_has_no_privacy_record(workspace: Workspace) -> None:
    assert workspace.privacy.blockers(Incident(title="draft")) == []


# -- the demo ---------------------------------------------------------------------------------


def test_demo_third_incident_is_refused_for_the_query_copy(demo_db: Path) -> None:
    workspace = Workspace.open(demo_db)
    try:
        by_key = {s.key: s.id for s in workspace.incidents.summaries()}
        for key in ("HS-1", "HS-2"):
            incident = workspace.incidents.get(by_key[key])
            assert privacy_blockers(workspace, incident) == [], key
            assert workspace.privacy.open_required(incident.id) == []
        third = workspace.incidents.get(by_key["HS-3"])
        assert third.title.startswith("Recommendations dried up")
        replay = next(
            a for a in workspace.privacy.accesses(third.id) if a.details.volume == 100_000
        )
        assert replay.details.approver == "" and not replay.details.privacy_consulted
        assert len(replay.revisions) == 2, "the second copy was added by an amendment"
        blockers = privacy_blockers(workspace, third)
        access_messages = [b.message for b in blockers if b.target == f"access:{replay.id}"]
        assert any("no approver" in m for m in access_messages)
        assert any("deletion is not confirmed" in m for m in access_messages)
        assert any(b.target.startswith("ethics:") for b in blockers)
    finally:
        workspace.close()
