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
from hindsight.core.insights_impact import impact_charts
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
    failing = row(insights, "impact_shares", "Requests failing (%)")
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
