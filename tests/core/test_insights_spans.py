"""Durations worked out on columns give exactly the numbers worked out one by one.

A first view works out the three durations of thousands of incidents at once, as arrays
(core/insights.py `spans_hours`, `_prime_durations`); a handful go through `span_hours`.
Both must give the same floats, to the last bit, whatever the times: the CLI's JSON, the
report and the view compare figures exactly.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from hindsight.core import insights
from hindsight.core.enums import Phase, Severity
from hindsight.core.fuzzy_time import FuzzyTime
from hindsight.core.insights import DAY, DURATIONS, HOUR, span_hours, spans_hours
from hindsight.core.insights_model import IncidentFacts
from hindsight.core.insights_scope import Period, Scope

SECOND = 1_000_000  # microseconds
BASE = 1_700_000_000 * SECOND  # late 2023


def _offset(rng: random.Random) -> int:
    """A difference in microseconds, often one whose hours or days lie on a half of the
    third decimal (9 s is 0.0025 hours; 43.2 s is 0.0005 days) or close to one."""
    kind = rng.random()
    if kind < 0.3:
        return rng.randrange(-3, 4000) * 9 * SECOND  # whole halves of a thousandth of an hour
    if kind < 0.5:
        return rng.randrange(-3, 400) * 43_200_000 + rng.choice((-1, 0, 1))  # of a day
    if kind < 0.7:
        return rng.randrange(-(10**6), 10**8) * SECOND  # whole seconds
    return rng.randrange(-(10**11), 10**13)  # anything, to the microsecond


def _instant(rng: random.Random, around: int) -> tuple[int, int, int]:
    earliest = around + _offset(rng)
    latest = earliest + abs(_offset(rng)) if rng.random() < 0.7 else earliest
    best = rng.choice((earliest, latest, earliest + (latest - earliest) // 3))
    if rng.random() < 0.1:  # a best guess outside the range: kept within it
        best = latest + abs(_offset(rng))
    return earliest, latest, best


@pytest.mark.parametrize("unit", [HOUR, DAY])
@pytest.mark.parametrize("seed", range(6))
def test_spans_on_columns_equal_spans_one_by_one(seed: int, unit: int) -> None:
    rng = random.Random(seed)
    starts = [_instant(rng, BASE) for _ in range(3000)]
    ends = [_instant(rng, start[0] + _offset(rng)) for start in starts]
    expected = [span_hours(s, e, unit) for s, e in zip(starts, ends, strict=True)]
    found = spans_hours(starts, ends, unit)
    assert found == expected
    # Bit for bit, not merely equal as numbers.
    assert repr(found) == repr(expected)
    assert None in expected  # impossible orders were among them
    assert any(span is not None and span[0] == 0 for span in expected)


def test_no_spans() -> None:
    assert spans_hours([], []) == []


def _moment(micros: int) -> datetime:
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=micros)


def _random_facts(rng: random.Random, count: int) -> tuple[IncidentFacts, ...]:
    made = []
    for number in range(1, count + 1):
        milestones = {}
        start = BASE + rng.randrange(0, 700) * 86_400 * SECOND + rng.randrange(86_400) * SECOND
        for phase in (Phase.OUTAGE_BEGINS, Phase.DETECTION, Phase.MITIGATION, Phase.RESOLUTION):
            if rng.random() < 0.15:
                continue  # not recorded
            earliest, latest = sorted(_instant(rng, start + _offset(rng))[:2])
            best = rng.randrange(earliest, latest + 1)
            milestones[phase] = FuzzyTime(_moment(earliest), _moment(latest), _moment(best))
        made.append(
            IncidentFacts(
                id=number,
                key=f"INC-{number}",
                severity=rng.choice(list(Severity)),
                created_at=_moment(start),
                milestones=milestones,
            )
        )
    return tuple(made)


def _duration_charts(facts: tuple[IncidentFacts, ...], scope: Scope) -> list[object]:
    placed, slots, period = insights.place(facts, scope, Period.MONTH, UTC)
    return [
        insights.duration_chart(key, title, end, placed, slots, period)
        for key, title, end in DURATIONS
    ]


@pytest.mark.parametrize("seed", range(3))
def test_duration_charts_worked_out_at_once_equal_those_worked_out_one_by_one(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The charts, not only the spans: with the durations worked out on columns (every
    incident at once), one by one (span_hours, below the batch size), and by the old way
    (duration_of for each incident, nothing worked out beforehand)."""
    rng = random.Random(seed)
    facts = _random_facts(rng, 1500)
    severe = Scope(severities=frozenset({Severity.SEV1, Severity.SEV2}))

    def fresh() -> tuple[IncidentFacts, ...]:
        return tuple(replace(f) for f in facts)

    import numpy  # noqa: F401  (columns are used only where numpy is loaded, as with matplotlib)

    monkeypatch.setattr(insights, "BATCH_FROM", 0)
    worked_on_columns: list[int] = []
    on_columns_of = insights._spans_of_columns

    def counted(starts: list[int], ends: list[int], unit: int) -> list[object]:
        worked_on_columns.append(len(starts) // 3)
        return on_columns_of(starts, ends, unit)  # type: ignore[return-value]

    monkeypatch.setattr(insights, "_spans_of_columns", counted)
    on_columns = fresh()
    at_once = _duration_charts(on_columns, Scope())
    assert all(insights._HOURS_KEYS[Phase.RESOLUTION] in f.memo for f in on_columns)
    assert len(worked_on_columns) == 3 and sum(worked_on_columns) > 1000
    monkeypatch.setattr(insights, "BATCH_FROM", 10**9)
    one_by_one = _duration_charts(fresh(), Scope())
    monkeypatch.setattr(insights, "_prime_durations", lambda placed: None)
    the_old_way = _duration_charts(fresh(), Scope())
    assert at_once == one_by_one == the_old_way
    assert any(chart.ranges for chart in at_once)  # type: ignore[attr-defined]
    # A narrower scope after the wider one reuses what was kept, and agrees with fresh facts.
    assert _duration_charts(on_columns, severe) == _duration_charts(fresh(), severe)
    for chart in at_once:
        for point in chart.ranges:  # type: ignore[attr-defined]
            fact = facts[point.incident_id - 1]
            end = next(e for k, _, e in DURATIONS if k == chart.key)  # type: ignore[attr-defined]
            assert (point.shortest, point.best, point.longest) == insights.duration_of(fact, end)
