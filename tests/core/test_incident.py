"""The incident record: event order, role hand-overs, keys."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from hindsight.core.enums import Phase, Role
from hindsight.core.fuzzy_time import FuzzyTime, FuzzyTimeError, OrderProblem
from hindsight.core.incident import Incident, RoleAssignment, TimelineEvent, incident_key

T0 = datetime(2026, 9, 1, 16, 0, tzinfo=UTC)


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def event(text: str, earliest: float, best: float, latest: float) -> TimelineEvent:
    return TimelineEvent(FuzzyTime(at(earliest), at(latest), at(best)), Phase.TROUBLESHOOTING, text)


def test_incident_key() -> None:
    assert incident_key(1) == "HS-1"
    assert incident_key(42) == "HS-42"


def test_sorted_events_by_best_guess() -> None:
    incident = Incident(
        title="t",
        events=[event("c", 5, 5, 5), event("a", 0, 1, 2), event("b", 2, 3, 9)],
    )
    assert [e.text for e in incident.sorted_events()] == ["a", "b", "c"]
    # Sorting returns a new list; the record keeps its own order.
    assert [e.text for e in incident.events] == ["c", "a", "b"]


def test_sorted_events_tie_on_best_guess() -> None:
    incident = Incident(
        title="t",
        events=[
            event("narrow", 4, 5, 6),
            event("exact", 5, 5, 5),
            event("wide", 4, 5, 9),
            event("earlier start", 1, 5, 5),
        ],
    )
    # Same best guess: the earlier possible start first, then the wider range.
    assert [e.text for e in incident.sorted_events()] == [
        "earlier start",
        "wide",
        "narrow",
        "exact",
    ]


def test_holders_in_hand_over_order() -> None:
    incident = Incident(
        title="t",
        roles=[
            RoleAssignment(Role.INCIDENT_COMMANDER, "Tariq", start=at(48)),
            RoleAssignment(Role.PLANNING_LEAD, "Tariq", start=at(0), end=at(48)),
            RoleAssignment(Role.INCIDENT_COMMANDER, "Gabriela", start=at(0), end=at(48)),
            RoleAssignment(Role.INCIDENT_COMMANDER, "Unknown start"),
        ],
    )
    holders = incident.holders(Role.INCIDENT_COMMANDER)
    # Someone whose start is unknown comes first; the rest follow in the order they took over.
    assert [r.person for r in holders] == ["Unknown start", "Gabriela", "Tariq"]
    assert [r.person for r in incident.holders(Role.PLANNING_LEAD)] == ["Tariq"]
    assert incident.holders(Role.COMMUNICATIONS_LEAD) == []


def test_holders_compare_instants_across_zones() -> None:
    tokyo = timezone(timedelta(hours=9))
    incident = Incident(
        title="t",
        roles=[
            # 10:00 in Tokyo is 01:00 UTC, before 02:00 UTC.
            RoleAssignment(
                Role.OPERATIONS_LEAD, "second", start=datetime(2026, 1, 1, 2, tzinfo=UTC)
            ),
            RoleAssignment(
                Role.OPERATIONS_LEAD, "first", start=datetime(2026, 1, 1, 10, tzinfo=tokyo)
            ),
        ],
    )
    assert [r.person for r in incident.holders(Role.OPERATIONS_LEAD)] == ["first", "second"]


def test_role_assignment_normalises_times_and_role() -> None:
    plus2 = timezone(timedelta(hours=2))
    assignment = RoleAssignment(
        "planning_lead", "Hannah", start=datetime(2026, 1, 1, 12, tzinfo=plus2)
    )  # type: ignore[arg-type]
    assert assignment.role is Role.PLANNING_LEAD
    assert assignment.start == datetime(2026, 1, 1, 10, tzinfo=UTC)
    assert assignment.start.tzinfo is UTC
    assert assignment.end is None
    with pytest.raises(FuzzyTimeError):
        RoleAssignment(Role.PLANNING_LEAD, "Hannah", start=datetime(2026, 1, 1, 12))
    with pytest.raises(ValueError):
        RoleAssignment("tea_maker", "Hannah")  # type: ignore[arg-type]


def test_order_issues_of_the_record() -> None:
    incident = Incident(
        title="t",
        milestones={
            Phase.DETECTION: FuzzyTime.exact(at(5)),
            Phase.MITIGATION: FuzzyTime.exact(at(1)),
        },
    )
    [issue] = incident.order_issues()
    assert (issue.earlier, issue.later, issue.problem) == (
        Phase.DETECTION,
        Phase.MITIGATION,
        OrderProblem.IMPOSSIBLE,
    )


def test_new_incident_defaults_are_independent() -> None:
    first, second = Incident(title="a"), Incident(title="b")
    first.tags.append("x")
    first.milestones[Phase.TRIGGER] = FuzzyTime.exact(T0)
    assert second.tags == []
    assert second.milestones == {}
    assert first.id is None
    assert first.version == 0


def test_new_records_take_the_ids_the_store_gave_them() -> None:
    from dataclasses import replace

    from hindsight.core.enums import Role
    from hindsight.core.incident import RoleAssignment, stored_ids, take_new_ids
    from hindsight.core.references import Reference, ReferenceKind

    link = Reference(kind=ReferenceKind.TICKET, target="PROJ-1")
    twin = Reference(kind=ReferenceKind.TICKET, target="PROJ-1")  # equal, a second record
    holder = RoleAssignment(Role.INCIDENT_COMMANDER, "Amara")
    kept = Reference(kind=ReferenceKind.DASHBOARD, target="https://example.org/d", id=3)
    live = Incident(title="t", references=[kept, link, twin], roles=[holder])
    known = stored_ids(live)
    assert known["references"] == {3} and known["roles"] == set()
    stored = Incident(
        title="t",
        references=[kept, replace(link, id=7), replace(twin, id=8)],
        roles=[replace(holder, id=4)],
    )
    live.roles[0].note = "edited while the save was on its way"
    take_new_ids(live, stored, known)
    assert [r.id for r in live.references] == [3, 7, 8]  # one id each, none twice
    assert live.roles[0] is holder and holder.id is None  # changed since: stored anew later
    live.roles[0].note = ""
    take_new_ids(live, stored, known)
    assert live.roles[0] is holder and holder.id == 4  # a mutable record keeps its identity


def test_an_over_long_measure_is_named_in_a_sentence() -> None:
    from hindsight.core.impact import MAX_MEASURE, ImpactMeasure, problems

    found = problems(ImpactMeasure(measure="q" * (MAX_MEASURE + 1), unit="u" * 300))
    assert (
        found[0]
        == f"The name of what was measured is longer than {MAX_MEASURE} characters; shorten it."
    )
    assert found[1].startswith("The unit is longer than")
