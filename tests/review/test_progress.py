"""Completeness per section and overall, settled answers, orphaned answers."""

from __future__ import annotations

from datetime import UTC, datetime

from hindsight.core.enums import Phase
from hindsight.core.fuzzy_time import FuzzyTime
from hindsight.core.incident import Incident
from hindsight.core.review import Answer, AnswerStatus, Attribution, Verdict
from hindsight.review.answers import answer_text, has_value, is_settled
from hindsight.review.bank import default_bank_path, load_bank
from hindsight.review.progress import orphaned_answers, review_progress
from hindsight.vocabulary import vocabulary as _vocabulary

CHANGE_KINDS = [k.id for k in _vocabulary().change_kinds]

BANK = load_bank(default_bank_path())


def question(qid):
    found = BANK.question(qid)
    assert found is not None
    return found


def test_empty_review_is_zero_percent_and_points_at_the_first_question():
    progress = review_progress(BANK, Incident(title="x"))
    assert progress.percent == 0
    assert not progress.complete
    assert progress.first_open_required() == ("architecture", "architecture.decisions")


def test_answering_a_section_completes_it():
    incident = Incident(title="x")
    incident.answers["architecture.decisions"] = Answer(
        "architecture.decisions", value="Old sizing"
    )
    progress = review_progress(BANK, incident)
    first = progress.sections[0]
    assert first.complete and first.started
    assert (first.required_settled, first.required_total) == (1, 1)
    assert progress.first_open_required() == ("trigger", "trigger.what")
    assert 0 < progress.percent < 100


def test_not_applicable_needs_a_reason_and_must_be_allowed():
    q = question("impact.users")
    assert not is_settled(q, Answer(q.id, AnswerStatus.NOT_APPLICABLE, reason=" "), Incident("x"))
    assert is_settled(
        q, Answer(q.id, AnswerStatus.NOT_APPLICABLE, reason="internal only"), Incident("x")
    )
    strict = question("architecture.decisions")  # allow_na = false
    assert not is_settled(
        strict, Answer(strict.id, AnswerStatus.NOT_APPLICABLE, reason="n/a"), Incident("x")
    )
    assert is_settled(
        strict, Answer(strict.id, AnswerStatus.UNKNOWN, reason="lost logs"), Incident("x")
    )


def test_values_of_each_type():
    incident = Incident(title="x")
    assert has_value(question("trigger.kind"), "world", incident)
    assert not has_value(question("trigger.kind"), "", incident)
    assert has_value(question("detection.monitors"), ["model_age"], incident)
    assert not has_value(question("detection.monitors"), [], incident)
    assert has_value(question("impact.hidden_slices"), {"choice": "no", "evidence": ""}, incident)
    assert not has_value(
        question("impact.hidden_slices"), {"choice": "", "evidence": "x"}, incident
    )
    assert has_value(question("detection.difficulty"), 3, incident)
    assert not has_value(question("detection.difficulty"), 6, incident)
    assert not has_value(question("detection.difficulty"), True, incident)
    assert has_value(question("detection.who"), ["SRE"], incident)
    items = question("troubleshooting.hypotheses")
    assert has_value(items, [{"hypothesis": "bad binary", "outcome": "ruled out"}], incident)
    assert not has_value(items, [{"hypothesis": "", "outcome": ""}], incident)


def test_fuzzy_time_questions_are_the_milestones():
    q = question("impact_start.when")
    incident = Incident(title="x")
    assert not is_settled(q, None, incident)
    incident.milestones[Phase.OUTAGE_BEGINS] = FuzzyTime.exact(datetime(2026, 1, 1, tzinfo=UTC))
    assert is_settled(q, None, incident)


def test_change_attribution_needs_a_verdict_for_every_kind():
    incident = Incident(title="x")
    section = next(
        s for s in review_progress(BANK, incident).sections if s.section.id == "change_attribution"
    )
    assert not section.complete
    for category in CHANGE_KINDS:
        incident.attributions[category] = Attribution(category, Verdict.RULED_OUT)
    section = next(
        s for s in review_progress(BANK, incident).sections if s.section.id == "change_attribution"
    )
    assert section.complete


def test_orphaned_answers_are_kept_and_readable():
    incident = Incident(title="x")
    incident.answers["old.question"] = Answer(
        "old.question", value=["a", "b"], bank_version="2025.9"
    )
    incident.answers["trigger.what"] = Answer("trigger.what", value="A deploy")
    orphans = orphaned_answers(BANK, incident)
    assert [a.question_id for a in orphans] == ["old.question"]
    assert answer_text(None, orphans[0]) == "a, b"


def test_answer_text_uses_labels():
    assert answer_text(question("trigger.kind"), Answer("trigger.kind", value="world")) == (
        "A change in the outside world"
    )
    scale = question("resolution.confidence")
    assert answer_text(scale, Answer(scale.id, value=2)) == "2 – Somewhat"
    assert answer_text(scale, Answer(scale.id, AnswerStatus.UNKNOWN, reason="no data")) == (
        "Unknown: no data"
    )
