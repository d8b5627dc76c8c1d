"""Every insight figure against five hand-made incidents whose answers are known exactly.

A  SEV1  impact 10-12 Jan (best 11th), detected 13th, mitigated 14th, resolved 15-17th (best
         16th); found by end users; upstream data; published 1 Feb.
B  SEV2  impact 20 Jan 12:00, detected 18:00, resolved 22 Jan 12:00, no mitigation; found by
         monitoring; trigger "not known"; a draft.
C  SEV2  no impact start, detected 5 Mar (placed by it); nothing answered; in review.
D  SEV4  impact 20 Mar but detected the day before (impossible order); found by a partner;
         the world changed; published 10 Apr without a resolution.
E  SEV3  no milestones at all, recorded 2 May (placed by it); a draft.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from hindsight.core.enums import Phase, Severity
from hindsight.core.followup_attention import AttentionSettings
from hindsight.core.followup_regions import RegionMap, parse_regions
from hindsight.core.followups import (
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    Priority,
    StatusStep,
)
from hindsight.core.fuzzy_time import FuzzyTime
from hindsight.core.insights import compute_insights, incident_day
from hindsight.core.insights_model import UNKNOWN, IncidentFacts, Insights, Wording
from hindsight.core.insights_scope import Period, Scope
from hindsight.core.review import AnswerStatus, ReviewStatus, Verdict
from hindsight.vocabulary import vocabulary as _vocabulary

CHANGE_KINDS = [k.id for k in _vocabulary().change_kinds]

TODAY = date(2025, 6, 1)
REGIONS = parse_regions(
    {
        "region": [
            {"key": "do_first", "name": "Do first", "value": [4, 5], "feasibility": [3, 5]},
            {"key": "fill_ins", "name": "Fill-ins", "value": [1, 3], "feasibility": [3, 5]},
            {"key": "reconsider", "name": "Reconsider", "value": [1, 3], "feasibility": [1, 2]},
            {
                "key": "strategic",
                "name": "Strategic",
                "value": [4, 5],
                "feasibility": [1, 2],
                "strategic": True,
            },
        ]
    }
)
WORDING = Wording(
    trigger_options=(
        ("data_growth", "Data grew"),
        ("upstream_data", "Upstream data"),
        ("world", "The world"),
        ("unknown", "Not known"),
    ),
    detection_options=(
        ("monitoring", "Monitoring"),
        ("end_users", "End users"),
        ("customers_partners", "Customers or partners"),
        ("internal_staff", "Internal staff"),
    ),
    prompts={"trigger.what": "What happened?", "impact.slices": "Which slices?"},
    change_labels={c: c.replace("_", " ") for c in CHANGE_KINDS},
)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def exact(text: str) -> FuzzyTime:
    return FuzzyTime.exact(at(text))


def fuzzy(earliest: str, best: str, latest: str) -> FuzzyTime:
    return FuzzyTime(at(earliest), at(latest), at(best))


A = IncidentFacts(
    id=1,
    key="HS-1",
    severity=Severity.SEV1,
    created_at=at("2025-01-13 09:00"),
    tags=("data",),
    systems=("feature store",),
    teams=("SRE", "Product"),
    milestones={
        Phase.OUTAGE_BEGINS: fuzzy("2025-01-10", "2025-01-11", "2025-01-12"),
        Phase.DETECTION: exact("2025-01-13"),
        Phase.MITIGATION: exact("2025-01-14"),
        Phase.RESOLUTION: fuzzy("2025-01-15", "2025-01-16", "2025-01-17"),
    },
    review_status=ReviewStatus.PUBLISHED,
    published_at=at("2025-02-01"),
    trigger_kind="upstream_data",
    detection_source="end_users",
    verdicts={
        "training_data": Verdict.IMPLICATED,
        "binaries": Verdict.RULED_OUT,
    },
    answers_recorded=10,
    left_open={"impact.slices": AnswerStatus.UNKNOWN},
)
B = IncidentFacts(
    id=2,
    key="HS-2",
    severity=Severity.SEV2,
    created_at=at("2025-01-20 19:00"),
    tags=("capacity",),
    teams=("SRE",),
    milestones={
        Phase.OUTAGE_BEGINS: exact("2025-01-20 12:00"),
        Phase.DETECTION: exact("2025-01-20 18:00"),
        Phase.RESOLUTION: exact("2025-01-22 12:00"),
    },
    trigger_kind="unknown",
    detection_source="monitoring",
    answers_recorded=3,
    left_open={
        "trigger.what": AnswerStatus.NOT_APPLICABLE,
        "impact.slices": AnswerStatus.UNKNOWN,
    },
)
C = IncidentFacts(
    id=3,
    key="HS-3",
    severity=Severity.SEV2,
    created_at=at("2025-03-06"),
    milestones={Phase.DETECTION: exact("2025-03-05")},
    review_status=ReviewStatus.IN_REVIEW,
)
D = IncidentFacts(
    id=4,
    key="HS-4",
    severity=Severity.SEV4,
    created_at=at("2025-03-21"),
    teams=("Finance", "SRE", "Legal"),
    milestones={
        Phase.OUTAGE_BEGINS: exact("2025-03-20"),
        Phase.DETECTION: exact("2025-03-19"),
    },
    review_status=ReviewStatus.PUBLISHED,
    published_at=at("2025-04-10"),
    trigger_kind="world",
    detection_source="customers_partners",
    answers_recorded=5,
)
E = IncidentFacts(id=5, key="HS-5", severity=Severity.SEV3, created_at=at("2025-05-02 10:00"))
INCIDENTS = (A, B, C, D, E)


def item(
    item_id: int,
    incident: IncidentFacts,
    priority: Priority,
    steps: list[tuple[FollowUpStatus, str]],
    *,
    kind: FollowUpKind = FollowUpKind.FIX,
    cell: tuple[int, int] = (3, 3),
    due: date | None = None,
) -> FollowUp:
    return FollowUp(
        id=item_id,
        title=f"item {item_id}",
        incident_id=incident.id,
        incident_key=incident.key,
        history=[StatusStep(s, date.fromisoformat(d)) for s, d in steps],
        priority=priority,
        kind=kind,
        value=cell[0],
        feasibility=cell[1],
        due=due,
    )


OPEN, DONE, WONT, BUSY = (
    FollowUpStatus.OPEN,
    FollowUpStatus.DONE,
    FollowUpStatus.WONT_DO,
    FollowUpStatus.IN_PROGRESS,
)
ITEMS = (
    item(
        1,
        A,
        Priority.HIGHEST,
        [(OPEN, "2025-02-01")],
        kind=FollowUpKind.MONITORING,
        cell=(5, 4),
        due=date(2025, 3, 1),
    ),
    item(2, A, Priority.HIGH, [(OPEN, "2025-02-01"), (DONE, "2025-02-11")], cell=(2, 4)),
    item(3, D, Priority.HIGHEST, [(OPEN, "2025-04-10"), (WONT, "2025-04-30")], cell=(5, 1)),
    item(4, D, Priority.HIGHEST, [(OPEN, "2025-05-20"), (BUSY, "2025-05-25")], cell=(4, 3)),
    item(5, B, Priority.MEDIUM, [(OPEN, "2025-01-25")], cell=(1, 1)),
)


def figures(
    scope: Scope | None = None,
    *,
    period: Period = Period.MONTH,
    incidents: tuple[IncidentFacts, ...] = INCIDENTS,
    items: tuple[FollowUp, ...] = ITEMS,
    zone: timezone = UTC,
    regions: RegionMap = REGIONS,
) -> Insights:
    return compute_insights(
        incidents,
        items,
        scope=scope or Scope(),
        period=period,
        today=TODAY,
        zone=zone,
        regions=regions,
        settings=AttentionSettings(),
        wording=WORDING,
    )


def values(insights: Insights, chart: str, series: str) -> tuple[float | None, ...]:
    return insights.chart(chart).series_of(series).values


# -- incidents over time --------------------------------------------------------------------


def test_incidents_over_time_by_severity_and_month() -> None:
    found = figures()
    chart = found.chart("incidents_over_time")
    assert [c.key for c in chart.categories] == [
        "2025-01",
        "2025-02",
        "2025-03",
        "2025-04",
        "2025-05",
    ]
    assert chart.categories[0].label == "Jan 2025"
    assert values(found, "incidents_over_time", "SEV1") == (1, 0, 0, 0, 0)
    assert values(found, "incidents_over_time", "SEV2") == (1, 0, 1, 0, 0)
    assert values(found, "incidents_over_time", "SEV3") == (0, 0, 0, 0, 1)
    assert values(found, "incidents_over_time", "SEV4") == (0, 0, 1, 0, 0)
    assert (chart.covered, chart.unknown) == (5, 0)
    assert "2 without a recorded impact start" in chart.note
    assert chart.ids("SEV2", "2025-03") == {3}
    assert (found.first_day, found.last_day) == (date(2025, 1, 11), date(2025, 5, 2))


def test_quarters() -> None:
    chart = figures(period=Period.QUARTER).chart("incidents_over_time")
    assert [c.label for c in chart.categories] == ["Q1 2025", "Q2 2025"]
    assert chart.series_of("SEV2").values == (2, 0)
    assert chart.category_axis == "Quarter"


def test_the_day_an_incident_sits_on_follows_the_time_zone() -> None:
    late = IncidentFacts(
        id=9,
        key="HS-9",
        severity=Severity.SEV3,
        created_at=at("2025-02-01"),
        milestones={Phase.OUTAGE_BEGINS: exact("2025-01-31 23:30")},
    )
    assert incident_day(late, UTC) == (date(2025, 1, 31), True)
    assert incident_day(late, timezone(timedelta(hours=1))) == (date(2025, 2, 1), True)
    assert incident_day(C, UTC) == (date(2025, 3, 5), False)  # by detection
    assert incident_day(E, UTC) == (date(2025, 5, 2), False)  # by the record


# -- durations as ranges --------------------------------------------------------------------


def ranges(insights: Insights, chart: str) -> dict[str, tuple[float, float, float]]:
    return {r.key: (r.shortest, r.best, r.longest) for r in insights.chart(chart).ranges}


def test_time_to_detect_is_a_range_per_incident() -> None:
    found = figures()
    assert ranges(found, "time_to_detect") == {"HS-1": (24, 48, 72), "HS-2": (6, 6, 6)}
    chart = found.chart("time_to_detect")
    # No answer: C has no impact start, D's milestones are in an impossible order, E has none.
    assert (chart.covered, chart.unknown) == (5, 3)
    assert "impossible order (1)" in chart.note
    assert chart.value("median_best", "2025-01") == 27
    assert chart.value("median_shortest", "2025-01") == 15
    assert chart.value("median_longest", "2025-01") == 39
    assert chart.value("median_best", "2025-02") is None
    assert chart.ids("median_best", "2025-01") == {1, 2}
    assert chart.series_of(UNKNOWN).values == (0, 0, 2, 0, 1)
    assert chart.ids(UNKNOWN, "2025-03") == {3, 4}


def test_time_to_mitigate_and_resolve() -> None:
    found = figures()
    assert ranges(found, "time_to_mitigate") == {"HS-1": (48, 72, 96)}
    assert found.chart("time_to_mitigate").unknown == 4
    assert ranges(found, "time_to_resolve") == {"HS-1": (72, 120, 168), "HS-2": (48, 48, 48)}
    assert found.chart("time_to_resolve").value("median_best", "2025-01") == 84


def test_a_range_is_placed_within_its_period() -> None:
    point = next(r for r in figures().chart("time_to_detect").ranges if r.key == "HS-2")
    assert point.day == date(2025, 1, 20)
    assert point.position == pytest.approx(19 / 31)


# -- detection, triggers, attribution -------------------------------------------------------


def test_who_found_it_first_and_the_public_share() -> None:
    found = figures()
    chart = found.chart("found_first")
    assert values(found, "found_first", "end_users") == (1, 0, 0, 0, 0)
    assert values(found, "found_first", "monitoring") == (1, 0, 0, 0, 0)
    assert values(found, "found_first", "customers_partners") == (0, 0, 1, 0, 0)
    assert values(found, "found_first", UNKNOWN) == (0, 0, 1, 0, 1)
    assert values(found, "found_first", "public_share") == (50.0, None, 100.0, None, None)
    assert [s.key for s in chart.series] == [
        "monitoring",
        "end_users",
        "customers_partners",
        UNKNOWN,
        "public_share",
    ]  # an option nobody chose is left out; "no answer" never is
    assert (chart.covered, chart.unknown) == (5, 2)
    assert "66.7%" in chart.note


def test_trigger_kinds_count_not_known_as_no_answer() -> None:
    chart = figures().chart("trigger_kinds")
    assert [c.key for c in chart.categories] == ["data_growth", "upstream_data", "world", UNKNOWN]
    assert chart.series_of("incidents").values == (0, 1, 1, 3)
    assert chart.unknown == 3
    assert chart.ids("incidents", UNKNOWN) == {2, 3, 5}


def test_an_answer_outside_the_bank_keeps_its_own_bar() -> None:
    odd = IncidentFacts(
        id=7, key="HS-7", severity=Severity.SEV3, created_at=at("2025-01-05"), trigger_kind="cosmic"
    )
    chart = figures(incidents=(A, odd)).chart("trigger_kinds")
    assert chart.value("incidents", "cosmic") == 1


def test_change_attribution_by_kind_and_verdict() -> None:
    chart = figures().chart("change_attribution")
    assert chart.value("implicated", "training_data") == 1
    assert chart.value(UNKNOWN, "training_data") == 4
    assert chart.value("ruled_out", "binaries") == 1
    assert chart.value(UNKNOWN, "outside_world") == 5
    assert (chart.covered, chart.unknown) == (5, 4)  # only A gave any verdict


def test_change_attribution_kinds_outside_the_bank_follow_in_order_of_appearance() -> None:
    def facts(n: int, verdicts: dict[str, Verdict]) -> IncidentFacts:
        return IncidentFacts(
            id=n,
            key=f"HS-{n}",
            severity=Severity.SEV2,
            created_at=at("2025-01-05"),
            verdicts=verdicts,  # type: ignore[arg-type]  # kinds of an earlier bank
        )

    first = facts(1, {"zeta": Verdict.RULED_OUT, "alpha_old": Verdict.IMPLICATED,
                      "training_data": Verdict.NOT_APPLICABLE})  # fmt: skip
    second = facts(2, {"beta_old": Verdict.UNKNOWN, "alpha_old": Verdict.RULED_OUT})
    silent = facts(3, {})
    chart = figures(incidents=(first, second, silent)).chart("change_attribution")
    keys = [c.key for c in chart.categories]
    assert keys == [*WORDING.change_labels, "alpha_old", "zeta", "beta_old"]
    assert chart.ids("implicated", "alpha_old") == {1}
    assert chart.ids("ruled_out", "alpha_old") == {2}
    assert chart.ids(UNKNOWN, "alpha_old") == {3}
    assert chart.ids("ruled_out", "zeta") == {1}
    assert chart.ids(UNKNOWN, "zeta") == {2, 3}
    assert chart.ids(UNKNOWN, "beta_old") == {1, 2, 3}
    assert chart.ids("not_applicable", "training_data") == {1}
    assert chart.ids(UNKNOWN, "training_data") == {2, 3}
    assert chart.value("ruled_out", "training_data") == 0
    assert (chart.covered, chart.unknown) == (3, 1)


# -- response width -------------------------------------------------------------------------


def test_teams_per_incident() -> None:
    chart = figures().chart("teams_per_incident")
    assert chart.value("incidents", "1") == 1
    assert chart.value("incidents", "2") == 1
    assert chart.value("incidents", "3") == 1
    assert chart.value("incidents", UNKNOWN) == 2
    assert chart.unknown == 2
    assert chart.categories[-2].label == "8 or more"


def test_teams_most_often() -> None:
    chart = figures().chart("teams_most_often")
    assert [c.label for c in chart.categories] == [
        "SRE",
        "Finance",
        "Legal",
        "Product",
        "No team recorded",
    ]
    assert chart.series_of("incidents").values == (3, 1, 1, 1, 2)
    assert chart.ids("incidents", "team:SRE") == {1, 2, 4}


def test_a_team_called_unknown_is_still_a_team() -> None:
    odd = IncidentFacts(
        id=8, key="HS-8", severity=Severity.SEV3, created_at=at("2025-01-05"), teams=("unknown",)
    )
    chart = figures(incidents=(odd,)).chart("teams_most_often")
    assert chart.value("incidents", "team:unknown") == 1
    assert chart.unknown == 0


# -- follow-up health -----------------------------------------------------------------------


def test_followups_opened_and_closed_per_month() -> None:
    found = figures()
    chart = found.chart("followups_opened_closed")
    assert chart.categories[0].key == "2025-01" and chart.categories[-1].key == "2025-06"
    assert chart.series_of("opened").values == (1, 2, 0, 1, 1, 0)
    assert chart.series_of("closed").values == (0, 1, 0, 1, 0, 0)
    assert (chart.covered, chart.items, chart.unknown) == (5, 5, 0)
    assert found.items == 5


def test_median_age_of_open_items_and_time_to_close() -> None:
    found = figures()
    age = found.chart("open_age_by_priority")
    assert age.value("median_days", "highest") == 66  # 120 and 12 days
    assert age.value("median_days", "medium") == 127
    assert age.value("count", "highest") == 2
    assert age.value("median_days", "low") is None
    close = found.chart("time_to_close_by_priority")
    assert close.value("median_days", "high") == 10
    assert close.value("median_days", "highest") == 20  # won't do counts as closed
    assert close.ids("median_days", "highest") == {4}


def test_attention_counts_follow_the_triage_rules() -> None:
    chart = figures().chart("attention")
    assert chart.series_of("items").values == (1, 1, 2, 0)
    assert chart.ids("items", "blocker_review") == {1, 4}


def test_items_per_region() -> None:
    chart = figures().chart("grid_regions")
    assert chart.value("open", "do_first") == 2
    assert chart.value("closed", "fill_ins") == 1
    assert chart.value("open", "reconsider") == 1
    assert chart.value("closed", "strategic") == 1


def test_open_highest_items_by_time_since_publication() -> None:
    chart = figures().chart("highest_after_publication")
    assert [c.label for c in chart.categories] == [
        "Under 30 days",
        "30–89 days",
        "90–179 days",
        "180–364 days",
        "365 days or more",
        "Review not published",
    ]
    assert chart.series_of("items").values == (0, 1, 1, 0, 0, 0)
    assert chart.note.startswith("2 open Highest-priority items are 30 days or more")


# -- review health --------------------------------------------------------------------------


def test_reviews_by_status() -> None:
    chart = figures().chart("review_status")
    assert chart.series_of("incidents").values == (2, 1, 2)


def test_days_from_resolution_to_publication_are_ranges() -> None:
    found = figures()
    assert ranges(found, "resolution_to_publication") == {"HS-1": (15, 16, 17)}
    chart = found.chart("resolution_to_publication")
    assert (chart.covered, chart.unknown) == (2, 1)  # D was published with no resolution
    assert chart.ids(UNKNOWN, "2025-03") == {4}


def test_questions_left_open() -> None:
    chart = figures().chart("questions_left_open")
    assert [c.label for c in chart.categories] == [
        "Which slices?",
        "What happened?",
        "No answers recorded yet",
    ]
    assert chart.series_of("marked_unknown").values == (2, 0, 0)
    assert chart.series_of("not_applicable").values == (0, 1, 0)
    assert chart.series_of(UNKNOWN).values == (0, 0, 2)
    assert chart.unknown == 2


# -- scope ----------------------------------------------------------------------------------


def keys_in(insights: Insights) -> set[int]:
    chart = insights.chart("incidents_over_time")
    return set().union(*(ids for s in chart.series for ids in s.ids))


def test_scope_by_severity_tags_systems_and_teams() -> None:
    assert keys_in(figures(Scope(severities=frozenset({Severity.SEV2})))) == {2, 3}
    assert keys_in(figures(Scope(tags=frozenset({"data", "capacity"})))) == {1, 2}
    assert keys_in(figures(Scope(systems=frozenset({"feature store"})))) == {1}
    assert keys_in(figures(Scope(teams=frozenset({"Finance"})))) == {4}
    both = Scope(severities=frozenset({Severity.SEV1, Severity.SEV4}), teams=frozenset({"SRE"}))
    assert keys_in(figures(both)) == {1, 4}


def test_scope_by_dates_sets_the_time_axis() -> None:
    found = figures(Scope(start=date(2025, 3, 1), end=date(2025, 4, 30)))
    assert keys_in(found) == {3, 4}
    assert [c.key for c in found.chart("incidents_over_time").categories] == [
        "2025-03",
        "2025-04",
    ]
    # Follow-ups come with their incidents: only D's.
    assert found.items == 2


def test_scope_by_saved_search_ids() -> None:
    assert keys_in(figures(Scope(saved_search="mine", incident_ids=frozenset({2, 5})))) == {2, 5}


def test_an_empty_scope_gives_empty_charts_not_errors() -> None:
    found = figures(Scope(start=date(2030, 1, 1), end=date(2030, 2, 28)))
    assert found.incidents == 0 and found.items == 0
    for chart in found.charts:
        assert chart.covered == 0 and chart.unknown == 0, chart.key
        assert not chart.ranges
    assert len(found.chart("incidents_over_time").categories) == 2


def test_no_incidents_at_all() -> None:
    found = figures(incidents=(), items=())
    assert found.incidents == 0
    assert found.chart("incidents_over_time").categories == ()
    assert found.chart("time_to_detect").empty
    assert found.chart("followups_opened_closed").categories == ()


def test_scope_problems_and_words() -> None:
    backwards = Scope(start=date(2025, 2, 1), end=date(2025, 1, 1))
    assert "ends (2025-01-01) before it starts (2025-02-01)" in backwards.problems[0]
    scope = Scope(
        start=date(2025, 1, 1),
        end=date(2025, 3, 31),
        severities=frozenset({Severity.SEV2, Severity.SEV1}),
        tags=frozenset({" data ", ""}),
    )
    assert scope.describe() == "impact began 2025-01-01 to 2025-03-31; SEV1, SEV2; tag data"
    assert Scope().describe() == "all incidents"
    assert Scope.from_mapping(scope.to_mapping()) == scope


def test_scope_from_bad_data_names_the_field() -> None:
    with pytest.raises(ValueError, match="from: '2025-13-01' is not a date"):
        Scope.from_mapping({"from": "2025-13-01"})
    with pytest.raises(ValueError, match="severities"):
        Scope.from_mapping({"severities": ["SEV9"]})


def test_charts_as_data_keep_numbers_and_drop_ids() -> None:
    data = figures().to_mapping()
    assert data["incidents"] == 5 and data["followups"] == 5
    chart = next(c for c in data["charts"] if c["key"] == "time_to_detect")
    assert chart["ranges"][0] == {
        "incident": "HS-1",
        "day": "2025-01-11",
        "shortest": 24.0,
        "best": 48.0,
        "longest": 72.0,
    }
    assert "ids" not in chart["series"][0]
    assert {c["key"] for c in data["charts"]} == {c.key for c in figures().charts}


def test_every_chart_says_what_it_covers() -> None:
    for chart in figures().charts:
        assert chart.title and chart.category_axis and chart.value_axis, chart.key
        if chart.key == "resolution_to_publication":
            assert chart.coverage_text() == "Covers 2 published reviews; 1 had no answer."
        else:
            assert chart.coverage_text().startswith("Covers 5 incidents"), chart.key
    assert figures().chart("attention").coverage_text() == (
        "Covers 5 incidents and their 5 follow-up items; 0 had no answer."
    )


def test_facts_worked_on_in_other_scopes_zones_and_periods_give_the_figures_fresh_facts_give() -> (
    None
):
    """What the figures keep on the facts (days, durations, points) never leaks between
    scopes, time zones or periods."""
    from dataclasses import replace

    steps = [
        (Scope(severities=frozenset({Severity.SEV1})), UTC, Period.MONTH),
        (Scope(), timezone(timedelta(hours=-11)), Period.QUARTER),
        (Scope(start=date(2025, 2, 1)), timezone(timedelta(hours=13)), Period.MONTH),
        (Scope(), UTC, Period.MONTH),
        (Scope(), UTC, Period.QUARTER),
    ]
    for scope, zone, period in steps:
        again = figures(scope, period=period, zone=zone)
        fresh_facts = tuple(replace(f) for f in INCIDENTS)
        assert all(not f.memo for f in fresh_facts)
        assert again == figures(scope, period=period, zone=zone, incidents=fresh_facts)
    assert figures().chart("resolution_to_publication").ranges  # points were made and kept
