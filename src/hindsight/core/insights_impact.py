"""Impact across incidents: totals and comparisons of the structured impact measures.

Measures are combined only where they say the same thing in the same unit: one group per
measure name (case and spacing aside) and unit (every way of writing a share is '%').
Amounts are added up, as ranges: the total of the lowest plausible values, of the best
guesses and of the highest plausible values (a bound not given counts as the best guess).
Only amounts add across incidents: counts (queries, requests, users, tickets), money, and
time lost or spent (hours of downtime, engineer hours). Measures that are each of their own
incident are compared instead (smallest, median and largest), never added: shares (a
percentage of one incident's own traffic), rates (anything per something), times and ages
(a latency, a delay, the age of data in days) and averages or levels (a median, an accuracy,
a score). Each compared row says which of these it is. An incident that states one measure
several times in one unit counts its largest (the statements describe one cost from several
angles).

Measures that cannot be combined are counted with why: no number (said in words only), or a
number without a unit. Nothing is dropped silently.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from hindsight.core.impact import SHARE_UNITS, ImpactMeasure, unit_key
from hindsight.core.insights_model import Category, Chart, ChartKind, Role, Series

if TYPE_CHECKING:
    from hindsight.core.insights import Placed

IMPACT = "Impact"
NO_NUMBER, NO_UNIT = "no_number", "no_unit"
REASONS = (
    (NO_NUMBER, "No number: said in words only"),
    (NO_UNIT, "A number without a unit"),
)


# Why a measure is compared rather than added (empty: it is an amount, and adds up).
SHARE, RATE, TIME, LEVEL = "a share", "a rate", "a time or an age", "an average or a level"
# Units of a change in a share ("fell by 8 percentage points"): as much of one incident's own
# traffic as a share is.
POINT_UNITS = frozenset(
    {"percentage point", "percentage points", "pp", "pts", "point", "points", "basis points"}
)
# Units that are rates on their own, without a "/" or "per" in them.
RATE_UNITS = frozenset(
    {"qps", "rps", "tps", "rpm", "qpm", "fps", "hz", "bps", "kbps", "mbps", "gbps"}
)
TIME_UNITS = frozenset(
    {"ms", "msec", "millisecond", "milliseconds", "s", "sec", "secs", "second", "seconds",
     "min", "mins", "minute", "minutes", "h", "hr", "hrs", "hour", "hours", "d", "day", "days",
     "wk", "wks", "week", "weeks", "month", "months", "year", "years"}
)  # fmt: skip
# A time adds up only when it is time lost or spent: hours of downtime, engineer hours.
TIME_LOST = frozenset(
    {"downtime", "outage", "down", "unavailable", "unavailability", "degraded", "degradation",
     "lost", "spent", "effort", "toil", "engineer", "engineering", "person", "people",
     "staff", "oncall", "call"}
)  # fmt: skip
# Names of measures that are each of their own incident, whatever their unit.
RATE_WORDS = frozenset({"rate", "rates", "per", "throughput", "qps", "rps"})
LEVEL_WORDS = frozenset(
    {"average", "avg", "mean", "median", "p50", "p90", "p95", "p99", "p999", "percentile",
     "latency", "age", "accuracy", "precision", "recall", "auc", "f1", "score", "ratio",
     "share", "fraction", "proportion"}
)  # fmt: skip
_WORD = re.compile(r"[a-z0-9]+")


def compared_because(measure: str, unit: str) -> str:
    """Why a measure in `unit` is compared across incidents rather than added ("" if it adds).

    Counts, money and time lost or spent add up; shares, rates, times and ages (a latency,
    the age of data) and averages or levels (a median, an accuracy) are each of their own
    incident, so a total of them would mean nothing.
    """
    key = unit_key(unit)
    if key in SHARE_UNITS or key == "%" or key in POINT_UNITS:
        return SHARE
    words = set(_WORD.findall(" ".join(measure.split()).casefold()))
    if "/" in key or key.startswith("per ") or " per " in key or key in RATE_UNITS:
        return RATE
    if words & RATE_WORDS:
        return RATE
    if key in TIME_UNITS:
        return "" if words & TIME_LOST and not words & LEVEL_WORDS else TIME
    if words & LEVEL_WORDS:
        return LEVEL
    return ""


class _Group(NamedTuple):
    key: str
    label: str
    why: str  # why it is compared, not added; empty for an amount
    chosen: dict[int, ImpactMeasure]  # incident id -> the measure counted


def _label(measure: ImpactMeasure) -> str:
    name = " ".join(measure.measure.split())
    unit = " ".join(measure.unit.split())
    return f"{name} (%)" if measure.is_share else f"{name} ({unit})"


def _groups(placed: Sequence[Placed]) -> tuple[list[_Group], dict[str, dict[int, int]]]:
    """The combinable groups, most incidents first, and per reason the measures left out
    (incident id -> how many of its measures)."""
    groups: dict[str, _Group] = {}
    left_out: dict[str, dict[int, int]] = {reason: {} for reason, _ in REASONS}
    for entry in placed:
        incident_id = entry.facts.id
        for measure in entry.facts.impacts:
            central = measure.central
            reason = NO_NUMBER if central is None else NO_UNIT if not unit_key(measure.unit) else ""
            if reason:
                counted = left_out[reason]
                counted[incident_id] = counted.get(incident_id, 0) + 1
                continue
            assert central is not None
            key = f"{' '.join(measure.measure.split()).casefold()}\u241f{unit_key(measure.unit)}"
            group = groups.get(key)
            if group is None:
                why = compared_because(measure.measure, measure.unit)
                group = groups[key] = _Group(key, _label(measure), why, {})
            held = group.chosen.get(incident_id)
            if held is None or (held.central or 0.0) < central:
                group.chosen[incident_id] = measure
    ordered = sorted(groups.values(), key=lambda g: (-len(g.chosen), g.label.casefold()))
    return ordered, left_out


def _bound(measure: ImpactMeasure, side: str) -> float:
    value = measure.low if side == "low" else measure.high
    if value is not None:
        return value
    central = measure.central
    assert central is not None  # only measures with a number are grouped
    return central


def _without_measures(placed: Sequence[Placed]) -> int:
    return sum(1 for p in placed if not p.facts.impacts)


def _ids(group: _Group) -> frozenset[int]:
    return frozenset(group.chosen)


def amount_totals(placed: Sequence[Placed], groups: Sequence[_Group]) -> Chart:
    """Amounts added up per measure and unit, as lowest, best and highest totals."""
    amounts = [g for g in groups if not g.why]
    centrals = [[m.central or 0.0 for m in g.chosen.values()] for g in amounts]
    columns: list[tuple[str, str, list[float | None]]] = [
        ("incidents", "Incidents", [float(len(g.chosen)) for g in amounts]),
        (
            "low",
            "Lowest total",
            [sum(_bound(m, "low") for m in g.chosen.values()) for g in amounts],
        ),
        ("best", "Best total", [sum(values) for values in centrals]),
        (
            "high",
            "Highest total",
            [sum(_bound(m, "high") for m in g.chosen.values()) for g in amounts],
        ),
        ("median", "Median each", [statistics.median(v) for v in centrals]),
        ("largest", "Largest one", [max(v) for v in centrals]),
    ]
    return Chart(
        key="impact_totals",
        section=IMPACT,
        title="Impact added up, where the measure and unit agree",
        kind=ChartKind.TABLE,
        categories=tuple(Category(g.key, g.label) for g in amounts),
        series=_table_series(columns, amounts),
        category_axis="Measure (unit)",
        value_axis="Totals in each row's unit",
        covered=len(placed),
        unknown=_without_measures(placed),
        note=(
            "Each row adds up one measure in one unit across incidents, from the lowest "
            "plausible values to the highest, with the best guesses between (a bound not "
            "given counts as the best guess), and the median and largest of one incident. An "
            "incident stating a measure twice in one unit counts its largest. Only counts, "
            "money and time lost or spent are added; shares, rates, times, ages and averages "
            "are compared in the next table instead. No answer: incidents with no impact "
            "measure recorded."
        ),
        unit="as in each row",
    )


def _table_series(
    columns: Sequence[tuple[str, str, Sequence[float | None]]], groups: Sequence[_Group]
) -> tuple[Series, ...]:
    """A table chart's columns; the incident count carries each row's incidents for a click."""
    ids = tuple(_ids(g) for g in groups)
    return tuple(
        Series(key, label, tuple(values), ids if key == "incidents" else (), Role.TABLE)
        for key, label, values in columns
    )


def compared(placed: Sequence[Placed], groups: Sequence[_Group]) -> Chart:
    """Measures that do not add compared per measure and unit: never added up."""
    others = [g for g in groups if g.why]
    centrals = [[m.central or 0.0 for m in g.chosen.values()] for g in others]
    columns: list[tuple[str, str, list[float | None]]] = [
        ("incidents", "Incidents", [float(len(g.chosen)) for g in others]),
        ("smallest", "Smallest", [min(v) for v in centrals]),
        ("median", "Median", [statistics.median(v) for v in centrals]),
        ("largest", "Largest", [max(v) for v in centrals]),
        (
            "lowest",
            "Lowest plausible",
            [min(_bound(m, "low") for m in g.chosen.values()) for g in others],
        ),
        (
            "highest",
            "Highest plausible",
            [max(_bound(m, "high") for m in g.chosen.values()) for g in others],
        ),
    ]
    return Chart(
        # The key of the first version (shares only) is kept: JSON readers rely on it.
        key="impact_shares",
        section=IMPACT,
        title="Impact compared across incidents, not added up",
        kind=ChartKind.TABLE,
        categories=tuple(Category(g.key, f"{g.label}: {g.why}") for g in others),
        series=_table_series(columns, others),
        category_axis="Measure (unit): why compared",
        value_axis="Values in each row's unit",
        covered=len(placed),
        unknown=_without_measures(placed),
        note=(
            "These measures are each of their own incident, so a total would mean nothing: a "
            "share is of one incident's own traffic, a rate is per something, a time or an "
            "age (a latency, the age of data) and an average or a level (a median, an "
            "accuracy) describe one incident. They are compared instead: the smallest, "
            "median and largest best guesses, and the lowest and highest plausible values "
            "stated. No answer: incidents with no impact measure recorded."
        ),
        unit="as in each row",
    )


def not_combined(placed: Sequence[Placed], left_out: dict[str, dict[int, int]]) -> Chart:
    """How many measures could not be combined with others, by why."""
    counts = [float(sum(left_out[reason].values())) for reason, _ in REASONS]
    return Chart(
        key="impact_not_combined",
        section=IMPACT,
        title="Impact measures that could not be combined, by why",
        kind=ChartKind.BARS,
        categories=tuple(Category(reason, label) for reason, label in REASONS),
        series=(
            Series(
                "measures",
                "Measures",
                tuple(counts),
                tuple(frozenset(left_out[reason]) for reason, _ in REASONS),
            ),
        ),
        category_axis="Why",
        value_axis="Measures",
        covered=len(placed),
        unknown=_without_measures(placed),
        note=(
            "These measures are kept in their incidents and shown in each review; they are "
            "left out of the totals above because there is nothing to add them to. No "
            "answer: incidents with no impact measure recorded."
        ),
        unit="measures",
    )


def impact_charts(placed: Sequence[Placed]) -> list[Chart]:
    """The impact section: amounts added up, the rest compared, and what was left out."""
    groups, left_out = _groups(placed)
    return [
        amount_totals(placed, groups),
        compared(placed, groups),
        not_combined(placed, left_out),
    ]
