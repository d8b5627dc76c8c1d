"""Impact across incidents: totals and comparisons of the structured impact measures.

Measures are combined only where they say the same thing in the same unit: one group per
measure name (case and spacing aside) and unit (every way of writing a share is '%').
Amounts are added up, as ranges: the total of the lowest plausible values, of the best
guesses and of the highest plausible values (a bound not given counts as the best guess).
Shares (percentages of one incident's own traffic or users) are never added; they are
compared: smallest, median and largest. An incident that states one measure several times in
one unit counts its largest (the statements describe one cost from several angles).

Measures that cannot be combined are counted with why: no number (said in words only), or a
number without a unit. Nothing is dropped silently.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import TYPE_CHECKING, NamedTuple

from hindsight.core.impact import ImpactMeasure, unit_key
from hindsight.core.insights_model import Category, Chart, ChartKind, Role, Series

if TYPE_CHECKING:
    from hindsight.core.insights import Placed

IMPACT = "Impact"
NO_NUMBER, NO_UNIT = "no_number", "no_unit"
REASONS = (
    (NO_NUMBER, "No number: said in words only"),
    (NO_UNIT, "A number without a unit"),
)


class _Group(NamedTuple):
    key: str
    label: str
    share: bool
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
                group = groups[key] = _Group(key, _label(measure), measure.is_share, {})
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
    amounts = [g for g in groups if not g.share]
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
            "incident stating a measure twice in one unit counts its largest. No answer: "
            "incidents with no impact measure recorded."
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


def share_comparison(placed: Sequence[Placed], groups: Sequence[_Group]) -> Chart:
    """Shares compared per measure: never added, since each is of its own incident's total."""
    shares = [g for g in groups if g.share]
    centrals = [[m.central or 0.0 for m in g.chosen.values()] for g in shares]
    columns: list[tuple[str, str, list[float | None]]] = [
        ("incidents", "Incidents", [float(len(g.chosen)) for g in shares]),
        ("smallest", "Smallest (%)", [min(v) for v in centrals]),
        ("median", "Median (%)", [statistics.median(v) for v in centrals]),
        ("largest", "Largest (%)", [max(v) for v in centrals]),
        (
            "lowest",
            "Lowest (%)",
            [min(_bound(m, "low") for m in g.chosen.values()) for g in shares],
        ),
        (
            "highest",
            "Highest (%)",
            [max(_bound(m, "high") for m in g.chosen.values()) for g in shares],
        ),
    ]
    return Chart(
        key="impact_shares",
        section=IMPACT,
        title="Impact as a share, compared across incidents",
        kind=ChartKind.TABLE,
        categories=tuple(Category(g.key, g.label) for g in shares),
        series=_table_series(columns, shares),
        category_axis="Measure",
        value_axis="Per cent of each incident's own traffic or users",
        covered=len(placed),
        unknown=_without_measures(placed),
        note=(
            "A percentage is of one incident's own traffic or users, so shares are compared, "
            "never added: the smallest, median and largest best guesses, and the lowest and "
            "highest plausible values stated. No answer: incidents with no impact measure "
            "recorded."
        ),
        unit="%",
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
    """The impact section: amounts added up, shares compared, and what was left out."""
    groups, left_out = _groups(placed)
    return [
        amount_totals(placed, groups),
        share_comparison(placed, groups),
        not_combined(placed, left_out),
    ]
