"""Incidents with every free-text field filled, for tests that walk the editor's tabs.

`fill_incident` writes an incident through the services with a text made by `text(field)` in
every free-text field this module knows of (the record, its review answers and change
attribution, its data-access log and ethics checklist), so a test can look for each field's
text on screen. FREE_TEXT_FIELDS names them; FIELDS_SHOWN_IN_TABS says which tab shows each.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from hindsight.core.enums import MILESTONE_KINDS, EventSource, Phase, Role, Severity
from hindsight.core.fuzzy_time import FuzzyTime
from hindsight.core.incident import Incident, RoleAssignment, TeamInvolvement, TimelineEvent
from hindsight.core.privacy import AccessDetails, DataCategory, DataCopy, EthicsChoice
from hindsight.core.review import Answer, AnswerStatus, Attribution, Verdict
from hindsight.services.workspace import Workspace

TextFor = Callable[[str], str]

# Free-text fields of an incident and its privacy record, and the tab that shows each.
FREE_TEXT_FIELDS: dict[str, str] = {
    "title": "overview",
    "summary": "overview",
    "systems": "overview",
    "models": "overview",
    "tags": "overview",
    **{f"milestone.{phase.value}.note": "milestones" for phase in MILESTONE_KINDS},
    "event.0.text": "timeline",
    "event.1.text": "timeline",
    "role.0.person": "roles",
    "role.0.note": "roles",
    "role.1.person": "roles",
    "team.0.team": "teams",
    "team.0.part": "teams",
    "answer.architecture.decisions": "review",
    "answer.detection.source": "review",
    "answer.detection.who": "review",
    "answer.impact.hidden_slices.evidence": "review",
    "answer.troubleshooting.hypotheses.hypothesis": "review",
    "answer.troubleshooting.hypotheses.outcome": "review",
    "answer.impact.users.reason": "review",
    "answer.legacy.question": "review",
    "attribution.training_data.evidence": "review",
    "access.accessor": "privacy",
    "access.dataset": "privacy",
    "access.justification": "privacy",
    "access.approver": "privacy",
    "access.privacy_contact": "privacy",
    "access.notes": "privacy",
    "access.copy.location": "privacy",
    "access.copy.deleted_by": "privacy",
    "access.recorded_by": "privacy",
    "ethics.note": "privacy",
}


def _moment(year: int, day: int, hour: int = 12) -> datetime:
    return datetime(year, 3, 1, hour, tzinfo=UTC) + timedelta(days=day)


def fill_incident(
    workspace: Workspace,
    text: TextFor,
    *,
    year: int,
    severity: Severity = Severity.SEV1,
    phase: Phase = Phase.MITIGATION,
    detection_source: str | None = None,
) -> Incident:
    """An incident with `text(field)` in every field of FREE_TEXT_FIELDS, dated in `year`."""
    incident = workspace.incidents.create(text("title"), severity=severity, phase=phase)
    incident.summary = text("summary")
    incident.systems = [text("systems")]
    incident.models = [text("models")]
    incident.tags = [text("tags")]
    for day, kind in enumerate(MILESTONE_KINDS):
        best = _moment(year, day * 2)
        incident.milestones[kind] = FuzzyTime(
            best - timedelta(hours=6),
            best + timedelta(hours=6),
            best,
            note=text(f"milestone.{kind.value}.note"),
        )
    incident.events = [
        TimelineEvent(FuzzyTime.exact(_moment(year, 1)), Phase.TRIGGER, text("event.0.text")),
        TimelineEvent(
            FuzzyTime.exact(_moment(year, 3)),
            Phase.DETECTION,
            text("event.1.text"),
            EventSource.USER_REPORT,
        ),
    ]
    incident.roles = [
        RoleAssignment(
            Role.INCIDENT_COMMANDER,
            text("role.0.person"),
            _moment(year, 3),
            note=text("role.0.note"),
        ),
        RoleAssignment(Role.COMMUNICATIONS_LEAD, text("role.1.person"), _moment(year, 4)),
    ]
    incident.teams = [TeamInvolvement(text("team.0.team"), text("team.0.part"))]
    answers = [
        Answer("architecture.decisions", value=text("answer.architecture.decisions")),
        Answer(
            "detection.source",
            value=detection_source or text("answer.detection.source"),
        ),
        Answer("detection.who", value=[text("answer.detection.who")]),
        Answer(
            "impact.hidden_slices",
            value={"choice": "yes", "evidence": text("answer.impact.hidden_slices.evidence")},
        ),
        Answer(
            "troubleshooting.hypotheses",
            value=[
                {
                    "hypothesis": text("answer.troubleshooting.hypotheses.hypothesis"),
                    "outcome": text("answer.troubleshooting.hypotheses.outcome"),
                }
            ],
        ),
        Answer(
            "impact.users", status=AnswerStatus.UNKNOWN, reason=text("answer.impact.users.reason")
        ),
        Answer("detection.difficulty", value=4),
        # An answer to a question the bank does not have: shown under "Other answers".
        Answer("legacy.question", value=text("answer.legacy.question")),
    ]
    incident.answers = {answer.question_id: answer for answer in answers}
    incident.attributions = {
        "training_data": Attribution(
            "training_data",
            Verdict.IMPLICATED,
            text("attribution.training_data.evidence"),
        )
    }
    stored = workspace.incidents.save(incident)
    assert stored.id is not None
    details = AccessDetails(
        accessor=text("access.accessor"),
        accessed_at=_moment(year, 5),
        dataset=text("access.dataset"),
        categories=(DataCategory.SEARCH_QUERIES,),
        volume=1234,
        justification=text("access.justification"),
        approver=text("access.approver"),
        privacy_consulted=True,
        privacy_contact=text("access.privacy_contact"),
        copies=(
            DataCopy(
                text("access.copy.location"),
                date(year, 4, 1),
                _moment(year, 20),
                text("access.copy.deleted_by"),
            ),
        ),
        notes=text("access.notes"),
    )
    workspace.privacy.record_access(stored.id, details, text("access.recorded_by"))
    # A second access to personal data without an approver: it blocks publishing, so the
    # accessor's name reaches the privacy banner and the list of what blocks publishing.
    unapproved = AccessDetails(
        accessor=text("access.accessor"),
        accessed_at=_moment(year, 6),
        dataset=text("access.dataset"),
        categories=(DataCategory.PERSONAL_IDENTIFIERS,),
        justification=text("access.justification"),
    )
    workspace.privacy.record_access(stored.id, unapproved, text("access.recorded_by"))
    item = workspace.privacy.checklist.items()[0]
    workspace.privacy.answer_ethics(
        stored.id, item.id, EthicsChoice.YES, text("ethics.note"), "Tester", 0
    )
    return stored


def sparse_incident(workspace: Workspace, text: TextFor, *, year: int) -> Incident:
    """An incident with little in it: one milestone, one event, one answer, no privacy record."""
    incident = workspace.incidents.create(
        text("title"), severity=Severity.SEV3, phase=Phase.DETECTION
    )
    incident.summary = text("summary")
    incident.milestones[Phase.OUTAGE_BEGINS] = FuzzyTime.exact(
        _moment(year, 0), text("milestone.outage_begins.note")
    )
    incident.events = [
        TimelineEvent(FuzzyTime.exact(_moment(year, 1)), Phase.DETECTION, text("event.0.text"))
    ]
    incident.answers = {
        "architecture.decisions": Answer(
            "architecture.decisions", value=text("answer.architecture.decisions")
        )
    }
    return workspace.incidents.save(incident)
