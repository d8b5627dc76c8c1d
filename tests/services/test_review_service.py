"""Review use cases: the publish gate, status moves, read-only published reviews, banks."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from hindsight.core.enums import MILESTONE_KINDS
from hindsight.core.fuzzy_time import FuzzyTime
from hindsight.core.review import (
    Answer,
    AnswerStatus,
    AnswerType,
    Attribution,
    ReviewStatus,
    Verdict,
)
from hindsight.preferences import load_section
from hindsight.review.bank import BankError
from hindsight.services.errors import ValidationError
from hindsight.services.publish_gate import Blocker
from hindsight.services.review import PublishBlockedError
from hindsight.services.workspace import Workspace
from hindsight.vocabulary import vocabulary as _vocabulary

CHANGE_KINDS = [k.id for k in _vocabulary().change_kinds]

MOMENT = datetime(2026, 3, 1, tzinfo=UTC)


def complete(workspace: Workspace, title: str = "Complete"):
    """An incident whose every required question is answered."""
    incident = workspace.incidents.create(title)
    for phase in MILESTONE_KINDS:
        incident.milestones[phase] = FuzzyTime.exact(MOMENT)
    samples = {
        AnswerType.MARKDOWN: "An answer.",
        AnswerType.SINGLE_CHOICE: None,
        AnswerType.MULTIPLE_CHOICE: None,
        AnswerType.YES_NO_UNKNOWN: {"choice": "no", "evidence": "checked"},
        AnswerType.SCALE: 3,
        AnswerType.PEOPLE: ["SRE"],
        AnswerType.ITEMS: [{"hypothesis": "a", "outcome": "b"}],
    }
    for question in workspace.review.bank.questions:
        if question.type is AnswerType.FUZZY_TIME:
            continue
        value = samples[question.type]
        if question.type is AnswerType.SINGLE_CHOICE:
            value = question.options[0].id
        if question.type is AnswerType.MULTIPLE_CHOICE:
            value = [question.options[0].id]
        incident.answers[question.id] = Answer(question.id, value=value)
    for category in CHANGE_KINDS:
        incident.attributions[category] = Attribution(category, Verdict.RULED_OUT)
    saved = workspace.incidents.save(incident)
    # The privacy feature's check is on the gate too: settle its checklist as well.
    from hindsight.core.privacy import EthicsChoice

    for item in workspace.privacy.open_required(saved.id):
        workspace.privacy.answer_ethics(saved.id, item.id, EthicsChoice.YES, "Checked.", "Test", 0)
    return saved


def test_progress_is_stored_for_the_list(workspace):
    incident = workspace.incidents.create("Half done")
    assert workspace.incidents.summaries()[0].review_progress == 0
    incident.answers["architecture.decisions"] = Answer("architecture.decisions", value="x")
    workspace.incidents.save(incident)
    assert workspace.incidents.summaries()[0].review_progress > 0
    full = complete(workspace)
    assert full.review_progress == 100


def test_publishing_is_refused_with_the_list_of_what_is_missing(workspace):
    incident = workspace.incidents.create("Draft")
    with pytest.raises(PublishBlockedError) as caught:
        workspace.review.move(incident, ReviewStatus.PUBLISHED)
    targets = {b.target for b in caught.value.blockers}
    assert "architecture.decisions" in targets
    assert "change_attribution" in targets
    assert "Architecture and underlying conditions" in str(caught.value)
    assert workspace.incidents.get(incident.id).review_status is ReviewStatus.DRAFT
    assert workspace.review.history(incident.id) == []


def test_publish_then_read_only_then_reopen_with_reason(workspace):
    incident = complete(workspace)
    assert workspace.review.unanswered_blockers(incident) == []
    assert workspace.review.blockers(incident) == []
    incident = workspace.review.move(incident, ReviewStatus.IN_REVIEW)
    incident = workspace.review.move(incident, ReviewStatus.PUBLISHED)
    assert incident.review_status is ReviewStatus.PUBLISHED
    assert workspace.review.published_at(incident.id) is not None

    incident.title = "Changed after publishing"
    with pytest.raises(ValidationError, match="published and read-only"):
        workspace.incidents.save(incident)
    with pytest.raises(ValidationError, match="published and read-only"):
        workspace.incidents.save(incident, overwrite=True)
    assert workspace.incidents.get(incident.id).title == "Complete"

    stored = workspace.incidents.get(incident.id)
    with pytest.raises(ValidationError, match="why"):
        workspace.review.move(stored, ReviewStatus.IN_REVIEW, "  ")
    reopened = workspace.review.move(stored, ReviewStatus.IN_REVIEW, "New evidence on impact")
    assert reopened.review_status is ReviewStatus.IN_REVIEW
    history = workspace.review.history(incident.id)
    assert [(h.from_status, h.to_status) for h in history] == [
        (ReviewStatus.DRAFT, ReviewStatus.IN_REVIEW),
        (ReviewStatus.IN_REVIEW, ReviewStatus.PUBLISHED),
        (ReviewStatus.PUBLISHED, ReviewStatus.IN_REVIEW),
    ]
    assert history[-1].reason == "New evidence on impact"
    reopened.title = "Editable again"
    assert workspace.incidents.save(reopened).title == "Editable again"


def test_other_checks_plug_into_the_gate(workspace):
    incident = complete(workspace)
    workspace.publish_gate.register(
        "privacy", lambda i: [Blocker("Privacy", "An access lacks an approver.", "access:1")]
    )
    assert "privacy" in workspace.publish_gate.check_names
    with pytest.raises(PublishBlockedError, match="lacks an approver"):
        workspace.review.move(incident, ReviewStatus.PUBLISHED)


def test_a_stale_status_move_is_a_conflict(workspace):
    from hindsight.store.errors import ConflictError

    incident = workspace.incidents.create("x")
    fresh = workspace.incidents.get(incident.id)
    fresh.title = "edited elsewhere"
    workspace.incidents.save(fresh)
    with pytest.raises(ConflictError):
        workspace.review.move(incident, ReviewStatus.IN_REVIEW)


def test_answers_without_a_question_survive_a_save(workspace):
    incident = workspace.incidents.create("x")
    incident.answers["retired.question"] = Answer(
        "retired.question", AnswerStatus.ANSWERED, {"free": "form"}, "", "2025.1"
    )
    workspace.incidents.save(incident)
    stored = workspace.incidents.get(incident.id)
    assert stored.answers["retired.question"].value == {"free": "form"}
    assert stored.answers["retired.question"].bank_version == "2025.1"


def test_choosing_a_bank_and_rejecting_a_bad_one(workspace, tmp_path: Path, db_path):
    good = tmp_path / "team.toml"
    good.write_text(
        'name = "Team"\nversion = "7"\n[[section]]\nid = "only"\ntitle = "Only"\n'
        '[[section.question]]\nid = "only.q"\nprompt = "Q?"\nguidance = "G"\ntype = "markdown"\n'
        "required = true\n",
        encoding="utf-8",
    )
    bad = tmp_path / "bad.toml"
    bad.write_text(good.read_text().replace('type = "markdown"', 'type = "poem"'))

    workspace.review.choose_bank(good)
    assert workspace.review.bank.version == "7"
    with pytest.raises(BankError, match=r"only\.q"):
        workspace.review.choose_bank(bad)
    assert workspace.review.bank.version == "7", "the bank in use is kept"
    assert load_section("review")["bank_path"] == str(good)

    # A later session falls back to the default bank if the chosen file went bad.
    good.write_text(bad.read_text())
    again = Workspace.open(db_path)
    try:
        assert again.review.bank.version != "7"
        assert "only.q" in again.review.bank_problem
    finally:
        again.close()
    workspace.review.use_default_bank()
    assert load_section("review") == {}


def test_a_backdated_move_is_recorded_at_its_date_but_still_updates_the_record(workspace):
    incident = workspace.incidents.create("Backdated")
    before = incident.updated_at
    workspace.review.clock = lambda: MOMENT  # months before the incident was created
    moved = workspace.review.move(incident, ReviewStatus.IN_REVIEW)
    assert workspace.review.history(incident.id)[-1].at == MOMENT
    assert moved.updated_at > before
    assert moved.version == incident.version + 1
