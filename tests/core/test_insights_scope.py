"""Periods of the time axis, and the scope's rules."""

from __future__ import annotations

from datetime import date

from hindsight.core.enums import Severity
from hindsight.core.insights_scope import Period, PeriodSlot, Scope, period_span


def test_months_cross_the_year() -> None:
    slots = period_span(date(2024, 11, 30), date(2025, 2, 1), Period.MONTH)
    assert [s.key for s in slots] == ["2024-11", "2024-12", "2025-01", "2025-02"]
    assert slots[1].label == "Dec 2024" and slots[1].days == 31
    assert slots[3].days == 28


def test_quarters_cross_the_year() -> None:
    slots = period_span(date(2024, 8, 1), date(2025, 4, 1), Period.QUARTER)
    assert [s.label for s in slots] == ["Q3 2024", "Q4 2024", "Q1 2025", "Q2 2025"]
    assert slots[0].first_day == date(2024, 7, 1) and slots[0].days == 92


def test_a_backwards_span_is_empty() -> None:
    assert period_span(date(2025, 2, 1), date(2025, 1, 1), Period.MONTH) == []


def test_fraction_within_a_period() -> None:
    slot = PeriodSlot.of(date(2025, 2, 15), Period.MONTH)
    assert slot.fraction(date(2025, 2, 1)) == 0
    assert slot.fraction(date(2025, 2, 15)) == 0.5


def test_scope_criteria_combine() -> None:
    scope = Scope(severities=frozenset({Severity.SEV1}), tags=frozenset({"a", "b"}))
    assert scope.accepts(1, date(2025, 1, 1), Severity.SEV1, ["b"], [], [])
    assert not scope.accepts(1, date(2025, 1, 1), Severity.SEV2, ["b"], [], [])
    assert not scope.accepts(1, date(2025, 1, 1), Severity.SEV1, ["c"], [], [])
    dated = Scope(start=date(2025, 1, 1), end=date(2025, 1, 31))
    assert dated.accepts(1, date(2025, 1, 31), Severity.SEV3, [], [], [])
    assert not dated.accepts(1, date(2025, 2, 1), Severity.SEV3, [], [], [])


def test_a_scope_narrows_when_any_criterion_is_set_and_else_accepts_every_incident() -> None:
    assert not Scope().narrows
    assert not Scope(saved_search="Mine").narrows  # its incidents not looked up yet
    for narrowed in (
        Scope(start=date(2025, 1, 1)),
        Scope(end=date(2025, 1, 1)),
        Scope(severities=frozenset({Severity.SEV1})),
        Scope(tags=frozenset({"gpu"})),
        Scope(systems=frozenset({"ranker"})),
        Scope(teams=frozenset({"ml-infra"})),
        Scope(incident_ids=frozenset()),
    ):
        assert narrowed.narrows, narrowed
    everything = Scope()
    for incident_id, when, severity, tags in (
        (1, date(1999, 1, 1), Severity.SEV1, ()),
        (2, date(2030, 12, 31), Severity.SEV3, ("x",)),
    ):
        assert everything.accepts(incident_id, when, severity, tags, ("s",), ())
