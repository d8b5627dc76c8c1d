"""The insights service: facts read from a real database, and a snapshot kept up to date."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from hindsight.core.enums import Phase, Severity
from hindsight.core.followups import FollowUp, FollowUpStatus, Priority, StatusStep
from hindsight.core.fuzzy_time import FuzzyTime
from hindsight.core.incident import Incident, TeamInvolvement
from hindsight.core.insights_scope import Scope
from hindsight.core.review import (
    Answer,
    AnswerStatus,
    Attribution,
    ReviewStatus,
    Verdict,
)
from hindsight.services.errors import ValidationError
from hindsight.services.insights import (
    FORMAT_NAME,
    InsightsService,
    dumps,
    insights_document,
    insights_for,
)
from hindsight.services.workspace import Workspace

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def when(text: str) -> FuzzyTime:
    return FuzzyTime.exact(datetime.fromisoformat(text).replace(tzinfo=UTC))


def add(workspace: Workspace, title: str, **fields) -> Incident:
    return workspace.incidents.add(Incident(title=title, **fields))


@pytest.fixture
def service(workspace: Workspace) -> InsightsService:
    return InsightsService(workspace, clock=lambda: NOW, zone=UTC)


def test_facts_come_from_the_stored_records(workspace: Workspace, service) -> None:
    stored = add(
        workspace,
        "stale ranking",
        severity=Severity.SEV2,
        tags=["data"],
        systems=["ranker"],
        milestones={
            Phase.OUTAGE_BEGINS: FuzzyTime(
                when("2025-01-10").earliest, when("2025-01-12").latest, when("2025-01-11").best
            ),
            Phase.DETECTION: when("2025-01-13"),
            Phase.TRIGGER: when("2025-01-09"),
        },
        teams=[TeamInvolvement("SRE"), TeamInvolvement(" Product "), TeamInvolvement("SRE")],
        answers={
            "trigger.kind": Answer("trigger.kind", value="upstream_data"),
            "detection.source": Answer("detection.source", value="end_users"),
            "impact.slices": Answer("impact.slices", AnswerStatus.UNKNOWN, reason="no data"),
            "impact.users": Answer("impact.users", value="Searchers saw old results."),
        },
        attributions={"training_data": Attribution("training_data", Verdict.IMPLICATED)},
    )
    [facts] = service.repository.incident_facts()
    assert (facts.id, facts.key, facts.severity) == (stored.id, stored.key, Severity.SEV2)
    assert facts.tags == ("data",) and facts.systems == ("ranker",)
    assert facts.teams == ("SRE", "Product")  # trimmed, each once
    # Only the milestones the figures read.
    assert set(facts.milestones) == {Phase.OUTAGE_BEGINS, Phase.DETECTION}
    assert facts.milestones[Phase.OUTAGE_BEGINS] == stored.milestones[Phase.OUTAGE_BEGINS]
    assert (facts.trigger_kind, facts.detection_source) == ("upstream_data", "end_users")
    assert facts.left_open == {"impact.slices": AnswerStatus.UNKNOWN}
    assert facts.answers_recorded == 4
    assert facts.verdicts == {"training_data": Verdict.IMPLICATED}
    assert facts.review_status is ReviewStatus.DRAFT and facts.published_at is None


def test_light_followups_keep_what_the_figures_read(workspace: Workspace, service) -> None:
    incident = add(workspace, "x")
    assert incident.id is not None
    [full] = workspace.followups.create_many(
        [
            FollowUp(
                title="alert",
                incident_id=incident.id,
                description="long text " * 50,
                history=[
                    StatusStep(FollowUpStatus.OPEN, date(2025, 1, 2)),
                    StatusStep(FollowUpStatus.IN_PROGRESS, date(2025, 1, 5)),
                    StatusStep(FollowUpStatus.DONE, date(2025, 2, 1)),
                ],
                priority=Priority.HIGHEST,
                due=date(2025, 3, 1),
                value=5,
                feasibility=2,
            )
        ]
    )
    [light] = service.repository.followups()
    assert light.description == "" and light.title == ""
    for name in ("id", "incident_id", "incident_key", "priority", "kind", "value", "due"):
        assert getattr(light, name) == getattr(full, name), name
    assert (light.opened_on, light.status, light.status_since) == (
        full.opened_on,
        full.status,
        full.status_since,
    )


def test_refresh_reloads_only_what_changed(workspace: Workspace, service) -> None:
    first = add(workspace, "one")
    second = add(workspace, "two")
    assert service.refresh().incidents == 2
    assert not service.refresh().anything
    first.severity = Severity.SEV1
    workspace.incidents.save(first)
    assert service.refresh().incidents == 1
    assert second.id is not None
    workspace.followups.create_many(
        [
            FollowUp(
                title="t",
                incident_id=second.id,
                history=[StatusStep(FollowUpStatus.OPEN, date(2025, 1, 1))],
            )
        ]
    )
    assert service.refresh().followups == 1
    workspace.incidents.delete(second.id)
    refreshed = service.refresh()
    assert refreshed.removed == 2  # the incident and its item
    incidents, items = service.facts()
    assert [f.key for f in incidents] == [first.key]
    assert items == []
    assert service.figures().chart("incidents_over_time").series_of("SEV1").values == (1,)


def test_an_up_to_date_snapshot_gives_the_same_figures_as_a_fresh_one(
    workspace: Workspace, service
) -> None:
    add(workspace, "a", milestones={Phase.OUTAGE_BEGINS: when("2025-02-01")})
    service.figures()
    later = add(workspace, "b", milestones={Phase.OUTAGE_BEGINS: when("2025-04-01")})
    later.tags = ["late"]
    workspace.incidents.save(later)
    fresh = InsightsService(workspace, clock=lambda: NOW, zone=UTC)
    assert service.figures() == fresh.figures()


def test_a_backwards_scope_is_refused(service) -> None:
    with pytest.raises(ValidationError, match="swap the dates"):
        service.figures(Scope(start=date(2025, 2, 1), end=date(2025, 1, 1)))


def test_choices_list_what_is_in_use_most_used_first(workspace: Workspace, service) -> None:
    add(workspace, "a", tags=["b", "a"], teams=[TeamInvolvement("SRE")])
    add(
        workspace,
        "b",
        tags=["a"],
        systems=["feeds"],
        milestones={Phase.DETECTION: when("2025-03-01")},
    )
    choices = service.choices()
    assert choices.tags == ("a", "b")
    assert choices.systems == ("feeds",) and choices.teams == ("SRE",)
    # "a" has no milestones: it sits on the day it was recorded (today).
    assert choices.first_day == date(2025, 3, 1)


def test_the_json_document(workspace: Workspace, service) -> None:
    add(workspace, "a")
    document = json.loads(dumps(insights_document(service.figures(), NOW)))
    assert (document["format"], document["version"]) == (FORMAT_NAME, 1)
    assert document["generated_at"] == "2025-06-01T12:00:00+00:00"
    assert document["incidents"] == 1 and document["scope_text"] == "all incidents"
    assert len(document["charts"]) == 21


def test_one_service_per_workspace(workspace: Workspace) -> None:
    assert insights_for(workspace) is insights_for(workspace)


def test_figures_are_kept_for_an_unchanged_snapshot_and_made_anew_after_a_save(
    workspace: Workspace, service
) -> None:
    first = add(workspace, "one", severity=Severity.SEV1)
    all_of_them = service.figures()
    assert service.figures() is all_of_them  # nothing changed: the same figures, kept
    sev1 = service.figures(Scope(severities=frozenset({Severity.SEV1})))
    assert sev1 is not all_of_them and service.figures() is all_of_them  # toggled back
    add(workspace, "two", severity=Severity.SEV2)
    again = service.figures()
    assert again is not all_of_them and again.incidents == 2
    # What is kept equals what the pure functions make from the same facts.
    fresh = InsightsService(workspace, clock=lambda: NOW, zone=UTC).figures()
    assert fresh == again
    assert first.id is not None


def test_a_saved_search_or_a_query_scopes_the_figures(workspace: Workspace, service) -> None:
    add(workspace, "feature store outage", severity=Severity.SEV1, tags=["feature-store"])
    add(workspace, "feature drift", severity=Severity.SEV2)
    add(workspace, "billing timeout", severity=Severity.SEV2)
    workspace.search.save("Features", "feature")
    by_search = service.figures(Scope(saved_search="features"))  # any case
    assert by_search.incidents == 2
    assert by_search.scope.saved_search == "Features"  # as it is written
    assert "saved search “Features”" in by_search.scope.describe()
    assert service.figures(Scope(search_query="billing")).incidents == 1
    both = service.figures(Scope(saved_search="Features", search_query="drift"))
    assert both.incidents == 1 and "search “drift”" in both.scope.describe()
    # The search narrows with the other criteria.
    sev1 = service.figures(Scope(saved_search="Features", severities=frozenset({Severity.SEV1})))
    assert sev1.incidents == 1
    # A changed query counts again, though no incident changed.
    [saved] = workspace.search.saved()
    workspace.search.change_query(saved.id, "billing OR drift")
    assert service.figures(Scope(saved_search="Features")).incidents == 2
    with pytest.raises(ValidationError, match="no saved search called “Nope”"):
        service.figures(Scope(saved_search="Nope"))
    with pytest.raises(ValidationError, match="The search query cannot be read") as caught:
        service.figures(Scope(search_query='"unclosed'))
    assert ".;" not in str(caught.value) and str(caught.value).endswith("): correct it.")
    assert service.saved_searches() == ["Features"]
