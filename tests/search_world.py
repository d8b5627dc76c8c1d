"""A small database whose every searchable field holds a word found nowhere else.

Shared by the search tests of the store, the services and the command line (pytest puts
tests/ on the import path). `build(workspace)` returns the incidents by name.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from hindsight.core.enums import Confidence, EventSource, Phase, Role, Severity
from hindsight.core.followups import FollowUp, FollowUpStatus, StatusStep
from hindsight.core.fuzzy_time import FuzzyTime
from hindsight.core.incident import Incident, RoleAssignment, TeamInvolvement, TimelineEvent
from hindsight.core.privacy import AccessDetails, DataCategory, EthicsChoice
from hindsight.core.review import Answer, AnswerStatus, Attribution, Verdict
from hindsight.services.workspace import Workspace


def at(day: str, hour: int = 12) -> datetime:
    """Noon (or `hour`) UTC of an ISO day."""
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def when(day: str) -> FuzzyTime:
    """An exact fuzzy time at noon of `day`."""
    return FuzzyTime.exact(at(day))


# Each field of incident "every" holds one of these words and no other field does:
# name -> (area, column, word).
UNIQUE = {
    "title": ("overview", "title", "titlewordalpha"),
    "summary": ("overview", "summary", "summarybravo"),
    "system": ("overview", "systems", "systemcharlie"),
    "model": ("overview", "models", "modeldelta"),
    "tag": ("overview", "tags", "tagecho"),
    "milestone_note": ("milestones", "time_note", "milestonefoxtrot"),
    "event_text": ("timeline", "text", "eventgolf"),
    "event_note": ("timeline", "time_note", "eventnotehotel"),
    "role_person": ("roles", "person", "personindia"),
    "role_note": ("roles", "note", "rolenotejuliet"),
    "team_name": ("teams", "team", "teamkilo"),
    "team_part": ("teams", "part", "partlima"),
    "answer": ("review", "body", "answermike"),
    "answer_reason": ("review", "reason", "reasonnovember"),
    "evidence": ("attribution", "evidence", "evidenceoscar"),
    "followup_title": ("followups", "title", "followuppapa"),
    "followup_description": ("followups", "description", "descriptionquebec"),
    "followup_owner": ("followups", "owner", "ownerromeo"),
    "access_dataset": ("access_log", "dataset", "datasetsierra"),
    "access_justification": ("access_log", "justification", "justificationtango"),
    "access_notes": ("access_log", "notes", "notesuniform"),
    "ethics_note": ("ethics", "note", "ethicsvictor"),
}
W = {name: word for name, (_, _, word) in UNIQUE.items()}


def _every() -> Incident:
    return Incident(
        title=f"Feeder tier {W['title']} ran out of memory",
        summary=f"The nightly job failed. {W['summary']} was the clue.",
        severity=Severity.SEV1,
        phase=Phase.FOLLOW_UP,
        systems=[f"log feeders {W['system']}", "search serving"],
        models=[W["model"]],
        tags=[W["tag"], "capacity"],
        milestones={
            Phase.OUTAGE_BEGINS: FuzzyTime(
                at("2025-03-10", 0),
                at("2025-03-11", 0),
                at("2025-03-10"),
                Confidence.LOW,
                f"From the dashboards; {W['milestone_note']}",
            ),
            Phase.DETECTION: when("2025-03-12"),
        },
        events=[
            TimelineEvent(
                FuzzyTime(
                    at("2025-03-12", 9),
                    at("2025-03-12", 10),
                    at("2025-03-12", 9),
                    Confidence.MEDIUM,
                    W["event_note"],
                ),
                Phase.DETECTION,
                f"Customer tickets about weird recs; {W['event_text']} noticed",
                EventSource.USER_REPORT,
            ),
        ],
        roles=[
            RoleAssignment(
                Role.INCIDENT_COMMANDER, f"Amara {W['role_person']}", note=W["role_note"]
            ),
        ],
        teams=[
            TeamInvolvement(f"Finance {W['team_name']}", f"Estimated the loss; {W['team_part']}")
        ],
        answers={
            "detection.signal": Answer("detection.signal", value=f"Tickets, then {W['answer']}."),
            "detection.who": Answer(
                "detection.who", AnswerStatus.UNKNOWN, reason=f"Nobody knows; {W['answer_reason']}"
            ),
            "trigger.kind": Answer("trigger.kind", value="data_growth"),
            "detection.source": Answer("detection.source", value="end_users"),
        },
        attributions={
            "pipeline_capacity": Attribution(
                "pipeline_capacity", Verdict.IMPLICATED, f"OOM kills; {W['evidence']}"
            ),
            "training_data": Attribution("training_data", Verdict.RULED_OUT, "Data was fine."),
        },
    )


def build(workspace: Workspace) -> dict[str, int]:
    """Store the known incidents; returns their ids by name."""
    ids: dict[str, int] = {}
    every = workspace.incidents.add(_every())
    assert every.id is not None
    ids["every"] = every.id
    # "zebrafish" once in a title, once in a follow-up note only: the title must rank first.
    title = workspace.incidents.add(
        Incident(
            title="Zebrafish ranker went stale",
            severity=Severity.SEV2,
            phase=Phase.RESOLUTION,
            systems=["recs serving"],
            tags=["drift"],
            milestones={Phase.OUTAGE_BEGINS: when("2025-06-01")},
            answers={
                "trigger.kind": Answer("trigger.kind", value="upstream_data"),
                "detection.source": Answer("detection.source", value="monitoring"),
            },
            attributions={
                "training_data": Attribution(
                    "training_data", Verdict.IMPLICATED, "Zero conversions."
                )
            },
        )
    )
    note = workspace.incidents.add(
        Incident(
            title="Partner models went useless",
            summary="An upstream key changed.",
            severity=Severity.SEV3,
            phase=Phase.DETECTION,
            milestones={Phase.DETECTION: when("2026-01-15")},
            teams=[TeamInvolvement("ML platform", "Rolled back the models.")],
            answers={
                "trigger.kind": Answer("trigger.kind", value="world"),
                "detection.source": Answer("detection.source", value="customers_partners"),
            },
        )
    )
    # A phrase that looks like a column filter, in plain text.
    phrase = workspace.incidents.add(
        Incident(
            title="Odd words in the timeline",
            severity=Severity.SEV4,
            phase=Phase.TRIGGER,
            events=[
                TimelineEvent(
                    when("2025-08-01"), Phase.TRIGGER, "The title zebrafish appears NEAR here."
                )
            ],
        )
    )
    for name, stored in (("title", title), ("note", note), ("phrase", phrase)):
        assert stored.id is not None
        ids[name] = stored.id
    workspace.followups.create(
        FollowUp(
            title=f"Alert on feeder memory {W['followup_title']}",
            incident_id=ids["every"],
            description=f"Page on OOM kills. {W['followup_description']}",
            owner=f"Priya {W['followup_owner']}",
            history=[StatusStep(FollowUpStatus.OPEN, date(2025, 3, 20))],
        )
    )
    workspace.followups.create(
        FollowUp(
            title="Check the ranker weekly",
            incident_id=ids["note"],
            description="Watch for zebrafish patterns in the logs.",
            owner="Kenji Watanabe",
            history=[
                StatusStep(FollowUpStatus.OPEN, date(2026, 1, 16)),
                StatusStep(FollowUpStatus.DONE, date(2026, 1, 20)),
            ],
        )
    )
    workspace.privacy.record_access(
        ids["every"],
        AccessDetails(
            accessor="Amara Nwosu",
            accessed_at=at("2025-03-12"),
            dataset=f"query logs {W['access_dataset']}",
            categories=(DataCategory.AGGREGATES_ONLY,),
            justification=f"Replay for debugging; {W['access_justification']}",
            notes=f"Deleted after; {W['access_notes']}",
        ),
        "Amara Nwosu",
    )
    item = workspace.privacy.checklist.items()[0]
    workspace.privacy.answer_ethics(
        ids["every"],
        item.id,
        EthicsChoice.NO,
        f"No group harmed; {W['ethics_note']}",
        "Amara Nwosu",
        0,
    )
    return ids
