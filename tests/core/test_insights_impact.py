"""Impact totals across incidents, against hand-made measures whose answers are known exactly.

A  queries lost 1.0-1.5 billion (best 1.2 billion), and "Queries lost" again at 0.9 billion
   (the larger of the two counts); 0.8-16% of requests failing (best 5%); a cost said in words.
B  queries lost 300 million exactly (unit written "Queries"); 30% of requests failing;
   2000 with no unit.
C  no measures.
D  USD 40,000 at least; requests failing 10% (unit written "percent").
E  out of scope in the narrowed case (SEV3).
"""

from __future__ import annotations

import random
from dataclasses import replace

from hindsight.core.enums import Severity
from hindsight.core.impact import ImpactMeasure
from hindsight.core.insights_impact import (
    LEVEL,
    RATE,
    SHARE,
    TIME,
    compared_because,
    impact_charts,
)
from hindsight.core.insights_model import ChartKind, Insights
from hindsight.core.insights_scope import Scope

from .test_insights import A, B, C, D, E, figures

BILLION = 1e9
MEASURED = (
    replace(
        A,
        impacts=(
            ImpactMeasure("Queries lost", 1.0 * BILLION, 1.5 * BILLION, 1.2 * BILLION, "queries"),
            ImpactMeasure("queries  lost", best=0.9 * BILLION, unit="queries"),
            ImpactMeasure("Requests failing", 0.8, 16, 5, "%"),
            ImpactMeasure("Error budget", note="exceeded many times over"),
        ),
    ),
    replace(
        B,
        impacts=(
            ImpactMeasure("Queries lost", best=300e6, unit="Queries"),
            ImpactMeasure("Requests failing", best=30, unit="%"),
            ImpactMeasure("Tickets", best=2000),
        ),
    ),
    C,
    replace(
        D,
        impacts=(
            ImpactMeasure("Refunds", low=40_000, unit="USD"),
            ImpactMeasure("Requests failing", best=10, unit="percent"),
        ),
    ),
    replace(E, impacts=(ImpactMeasure("Refunds", best=500, unit="USD"),)),
)


def row(insights: Insights, chart: str, category_label: str) -> dict[str, float | None]:
    found = insights.chart(chart)
    index = [c.label for c in found.categories].index(category_label)
    return {s.key: s.values[index] for s in found.series}


def test_amounts_add_up_as_ranges_per_measure_and_unit() -> None:
    insights = figures(incidents=MEASURED)
    totals = insights.chart("impact_totals")
    assert totals.kind is ChartKind.TABLE and totals.section == "Impact"
    # Most incidents first, then by name.
    assert [c.label for c in totals.categories] == ["Queries lost (queries)", "Refunds (USD)"]
    queries = row(insights, "impact_totals", "Queries lost (queries)")
    # A counts its larger statement (1.2 billion, 1.0-1.5), B adds 300 million exactly.
    assert queries == {
        "incidents": 2,
        "low": 1.3 * BILLION,
        "best": 1.5 * BILLION,
        "high": 1.8 * BILLION,
        "median": 0.75 * BILLION,
        "largest": 1.2 * BILLION,
    }
    refunds = row(insights, "impact_totals", "Refunds (USD)")
    # "At least 40,000" with no best: its only number stands for every bound.
    assert (refunds["incidents"], refunds["low"], refunds["best"], refunds["high"]) == (
        2,
        40_500,
        40_500,
        40_500,
    )
    assert totals.ids("incidents", totals.categories[0].key) == {1, 2}
    assert (totals.covered, totals.unknown) == (5, 1)  # C has no measure


def test_shares_are_compared_never_added() -> None:
    insights = figures(incidents=MEASURED)
    failing = row(insights, "impact_shares", "Requests failing (%): a share")
    assert failing == {
        "incidents": 3,
        "smallest": 5,
        "median": 10,
        "largest": 30,
        "lowest": 0.8,
        "highest": 30,
    }


def test_measures_not_combined_are_counted_with_why() -> None:
    insights = figures(incidents=MEASURED)
    chart = insights.chart("impact_not_combined")
    assert [c.label for c in chart.categories] == [
        "No number: said in words only",
        "A number without a unit",
    ]
    assert chart.series_of("measures").values == (1, 1)
    assert chart.ids("measures", "no_number") == {1}
    assert chart.ids("measures", "no_unit") == {2}


def test_the_scope_narrows_the_totals_and_an_empty_scope_has_no_rows() -> None:
    narrowed = figures(Scope(severities=frozenset({Severity.SEV4})), incidents=MEASURED)
    assert row(narrowed, "impact_totals", "Refunds (USD)")["best"] == 40_000
    empty = figures(Scope(tags=frozenset({"nothing"})), incidents=MEASURED)
    for key in ("impact_totals", "impact_shares"):
        assert empty.chart(key).categories == () and empty.chart(key).empty
    assert empty.chart("impact_not_combined").series_of("measures").values == (0, 0)


def test_totals_equal_a_plain_sum_on_random_measures() -> None:
    rng = random.Random(7)
    incidents = []
    for n, base in enumerate([A, B, C, D, E] * 20):
        measures = []
        for _ in range(rng.randint(0, 3)):
            best = float(rng.randint(1, 1000))
            measures.append(
                ImpactMeasure(
                    "Jobs lost", best - rng.randint(0, 5), best + rng.randint(0, 5), best, "jobs"
                )
            )
        incidents.append(replace(base, id=n + 1, key=f"HS-{n + 1}", impacts=tuple(measures)))
    insights = figures(incidents=tuple(incidents))
    jobs = row(insights, "impact_totals", "Jobs lost (jobs)")
    largest = [max(m.best for m in f.impacts) for f in incidents if f.impacts]
    assert jobs["best"] == sum(largest) and jobs["incidents"] == len(largest)
    assert impact_charts([]) and all(c.empty for c in impact_charts([])[:2])


def test_only_amounts_add_and_everything_else_is_compared() -> None:
    adds = [
        ("Queries lost", "queries"),
        ("Users affected", "users"),
        ("Requests failing", "requests"),
        ("Refunds", "USD"),
        ("Downtime", "hours"),
        ("Engineer time", "hours"),
        ("On-call effort", "person-hours"),
        ("Tickets", "tickets"),
    ]
    for measure, unit in adds:
        assert compared_because(measure, unit) == "", (measure, unit)
    compared = [
        ("Requests failing", "percent", SHARE),
        ("Errors", "%", SHARE),
        ("Fall in clicks", "percentage points", SHARE),
        ("Error rate", "errors", RATE),
        ("Failed requests", "req/s", RATE),
        ("Lost queries", "per hour", RATE),
        ("Throughput drop", "qps", RATE),
        ("Latency added", "ms", TIME),
        ("Data age", "days", TIME),
        ("Time to detect", "minutes", TIME),
        ("Median latency lost", "hours", TIME),  # a level, even with "lost" in it
        ("Accuracy drop", "points", SHARE),
        ("Ranking score", "NDCG", LEVEL),
        ("Average basket", "USD", LEVEL),
    ]
    for measure, unit, why in compared:
        assert compared_because(measure, unit) == why, (measure, unit)


def test_a_measure_that_does_not_add_is_compared_and_says_why() -> None:
    ages = (
        replace(A, impacts=(ImpactMeasure("Data age", 2, 4, 3, "days"),)),
        replace(B, impacts=(ImpactMeasure("Data  age", best=10, unit="Days"),)),
        replace(D, impacts=(ImpactMeasure("Downtime", best=5, unit="hours"),)),
        replace(C, impacts=(ImpactMeasure("Downtime", 1, 3, 2, "hours"),)),
    )
    insights = figures(incidents=ages)
    # The ages are compared, never totalled (3 + 10 days of age would mean nothing) ...
    assert [c.label for c in insights.chart("impact_totals").categories] == ["Downtime (hours)"]
    assert row(insights, "impact_shares", "Data age (days): a time or an age") == {
        "incidents": 2,
        "smallest": 3,
        "median": 6.5,
        "largest": 10,
        "lowest": 2,
        "highest": 10,
    }
    # ... while hours of downtime add up across incidents.
    downtime = row(insights, "impact_totals", "Downtime (hours)")
    assert (downtime["low"], downtime["best"], downtime["high"]) == (6, 7, 8)
    compared_chart = insights.chart("impact_shares")
    assert "not added up" in compared_chart.title
    assert compared_chart.ids("incidents", compared_chart.categories[0].key) == {1, 2}
