"""The PII scan over all of an incident's text, redaction where each text lives, patterns."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from hindsight.core.enums import Phase, Role
from hindsight.core.fuzzy_time import FuzzyTime
from hindsight.core.incident import Incident, RoleAssignment, TeamInvolvement, TimelineEvent
from hindsight.core.pii import PatternError, PiiKind
from hindsight.core.privacy import AccessDetails, DataCategory
from hindsight.core.review import Answer, Attribution
from hindsight.preferences import preferences_path
from hindsight.services.pii_scan import (
    custom_patterns,
    incident_text,
    join_path,
    pattern_specs,
    redact_followup,
    redact_incident,
    save_pattern_specs,
    scan_incident,
    split_path,
)
from hindsight.services.workspace import Workspace

AT = datetime(2026, 9, 3, 11, 15, tzinfo=UTC)


def leaky_incident() -> Incident:
    """An incident with personal data in every kind of text it has."""
    return Incident(
        title="Replay for jo@example.com",
        summary="Queries from 203.0.113.9 were copied.",
        systems=["replay host 10.42.7.19"],
        tags=["cust jo@example.com"],
        milestones={Phase.DETECTION: FuzzyTime.exact(AT, "paged on +44 20 7946 0958")},
        events=[
            TimelineEvent(
                FuzzyTime.exact(AT, "ticket from ann@example.org"),
                Phase.TROUBLESHOOTING,
                "Card 4111 1111 1111 1111 pasted in chat",
            )
        ],
        roles=[RoleAssignment(Role.INCIDENT_COMMANDER, "Gabriela", note="cell 07700 900123")],
        teams=[TeamInvolvement("Support", "Called (415) 555-0198 back")],
        answers={
            "impact.slices": Answer(
                "impact.slices", value=[{"slice": "UK", "evidence": "user bo@example.net"}]
            ),
            "detection.signal": Answer("detection.signal", reason="seen from 2001:db8::7"),
        },
        attributions={
            "training_data": Attribution("training_data", evidence="rows for 198.51.100.4")
        },
    )


@pytest.fixture
def stored(workspace: Workspace) -> Incident:
    return workspace.incidents.add(leaky_incident())


def test_every_kind_of_incident_text_is_scanned(workspace: Workspace, stored: Incident) -> None:
    findings = scan_incident(workspace, stored, patterns=[])
    by_field = {f.field: f.text for f in findings}
    assert by_field == {
        "title": "jo@example.com",
        "summary": "203.0.113.9",
        "systems/0": "10.42.7.19",
        "tags/0": "jo@example.com",
        "milestones/detection/note": "+44 20 7946 0958",
        "events/0/text": "4111 1111 1111 1111",
        "events/0/note": "ann@example.org",
        "roles/0/note": "07700 900123",
        "teams/0/part": "(415) 555-0198",
        "answers/impact.slices/value/0/evidence": "bo@example.net",
        "answers/detection.signal/reason": "2001:db8::7",
        "attributions/training_data/evidence": "198.51.100.4",
    }
    where = {f.field: f.where for f in findings}
    assert where["title"] == "Overview · Title"
    assert where["events/0/text"].startswith("Timeline · ")
    assert where["milestones/detection/note"] == "Milestones · Detected"


def test_access_notes_and_follow_ups_are_scanned(workspace: Workspace, stored: Incident) -> None:
    access = workspace.privacy.record_access(
        stored.id,
        AccessDetails(
            accessor="Ravi",
            accessed_at=AT,
            dataset="recs-query-log",
            categories=(DataCategory.AGGREGATES_ONLY,),
            justification="Count rows",
            notes="exported by ravi@loomly.example",
        ),
        "Hannah",
    )
    item = workspace.followups.new_item(stored.id, "Call back +44 20 7946 0000")
    item.description = "Ask mei@example.com about the replay tool."
    created = workspace.followups.create(item)
    findings = {f.field: f for f in scan_incident(workspace, stored, patterns=[])}
    assert findings[f"accesses/{access.id}/notes"].text == "ravi@loomly.example"
    assert findings[f"accesses/{access.id}/notes"].where == "Access 1 · notes"
    assert findings[f"followups/{created.id}/title"].kind is PiiKind.PHONE
    assert findings[f"followups/{created.id}/description"].text == "mei@example.com"


def test_redacting_the_incident_record_replaces_every_finding(
    workspace: Workspace, stored: Incident
) -> None:
    findings = scan_incident(workspace, stored, patterns=[])
    assert redact_incident(stored, findings) == len(findings)
    assert stored.title == "Replay for [email redacted]"
    assert stored.events[0].when.note == "ticket from [email redacted]"
    assert stored.milestones[Phase.DETECTION].note == "paged on [phone number redacted]"
    assert stored.answers["impact.slices"].value == [
        {"slice": "UK", "evidence": "user [email redacted]"}
    ]
    assert scan_incident(workspace, stored, patterns=[]) == []
    saved = workspace.incidents.save(stored)
    assert workspace.incidents.get(saved.id).teams[0].part == "Called [phone number redacted] back"


def test_redaction_finds_text_that_moved_since_the_scan(stored: Incident) -> None:
    from hindsight.services.pii_scan import incident_text_fields, scan_fields

    [finding] = [f for f in scan_fields(incident_text_fields(stored)) if f.field == "summary"]
    stored.summary = "Earlier: " + stored.summary
    assert redact_incident(stored, [finding]) == 1
    assert stored.summary == "Earlier: Queries from [IP address redacted] were copied."
    stored.summary = "All gone."
    assert redact_incident(stored, [finding]) == 0


def test_redacting_an_access_is_an_amendment(workspace: Workspace, stored: Incident) -> None:
    access = workspace.privacy.record_access(
        stored.id,
        AccessDetails(
            accessor="Ravi",
            accessed_at=AT,
            dataset="logs at 10.42.7.19",
            categories=(DataCategory.AGGREGATES_ONLY,),
            justification="Count rows",
            notes="exported by ravi@loomly.example",
        ),
        "Hannah",
    )
    findings = [f for f in scan_incident(workspace, stored, patterns=[]) if "accesses/" in f.field]
    amended = workspace.privacy.redact_access(access.id, findings, "Hannah")
    assert amended.details.notes == "exported by [email redacted]"
    assert amended.details.dataset == "logs at [IP address redacted]"
    assert amended.current.reason == "Redacted 2 piece(s) of personal data found by the PII scan."
    assert amended.revisions[0].details.notes == "exported by ravi@loomly.example"


def test_redacting_a_follow_up(workspace: Workspace, stored: Incident) -> None:
    item = workspace.followups.new_item(stored.id, "Replay tool")
    item.description = "Ask mei@example.com."
    created = workspace.followups.create(item)
    findings = [f for f in scan_incident(workspace, stored, patterns=[]) if "followups/" in f.field]
    assert redact_followup(workspace, created.id, findings) == 1
    assert workspace.followups.get(created.id).description == "Ask [email redacted]."


def test_paths_escape_slashes_in_ids() -> None:
    path = join_path("answers", "a/b~c", "value", "x")
    assert split_path(path) == ["answers", "a/b~c", "value", "x"]
    incident = Incident(title="t", answers={"a/b~c": Answer("a/b~c", value={"x": "hello"})})
    assert incident_text(incident, path) == "hello"


# -- custom patterns in the preferences -------------------------------------------------------


def test_custom_patterns_are_saved_and_used(workspace: Workspace, stored: Incident) -> None:
    stored.summary += " Customer CUST-00421337 complained."
    save_pattern_specs([("Customer id", r"CUST-\d{8}")])
    assert pattern_specs() == [("Customer id", r"CUST-\d{8}")]
    custom = [f for f in scan_incident(workspace, stored) if f.kind is PiiKind.CUSTOM]
    assert [(f.label, f.text, f.placeholder) for f in custom] == [
        ("Customer id", "CUST-00421337", "[customer id redacted]")
    ]


def test_an_invalid_pattern_is_refused_and_nothing_is_saved() -> None:
    save_pattern_specs([("Customer id", r"CUST-\d{8}")])
    with pytest.raises(PatternError, match="“Order number” is not a valid regular expression"):
        save_pattern_specs([("Customer id", r"CUST-\d{8}"), ("Order number", r"ORD-(\d+")])
    assert pattern_specs() == [("Customer id", r"CUST-\d{8}")]


def test_a_hand_broken_pattern_is_skipped_with_a_reason() -> None:
    save_pattern_specs([("Customer id", r"CUST-\d{8}")])
    data = json.loads(preferences_path().read_text())
    data["privacy"]["patterns"].append({"name": "Broken", "regex": "(("})
    preferences_path().write_text(json.dumps(data))
    patterns, problems = custom_patterns()
    assert [p.name for p in patterns] == ["Customer id"]
    assert len(problems) == 1 and "“Broken”" in problems[0]


def test_ethics_notes_are_scanned_and_redacted_as_a_new_version(
    workspace: Workspace, stored: Incident
) -> None:
    from hindsight.core.privacy import EthicsChoice

    workspace.privacy.answer_ethics(
        stored.id, "call_to_action.disclosure", EthicsChoice.YES, "Told dpo@example.com", "H", 0
    )
    [finding] = [f for f in scan_incident(workspace, stored, patterns=[]) if "ethics/" in f.field]
    assert finding.field == "ethics/call_to_action.disclosure/note"
    assert finding.where == "Ethics checklist · Call to action"
    saved = workspace.privacy.redact_ethics_note(
        stored.id, "call_to_action.disclosure", [finding], "H"
    )
    assert (saved.note, saved.version, saved.choice) == (
        "Told [email redacted]",
        2,
        EthicsChoice.YES,
    )
