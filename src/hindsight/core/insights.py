"""Insights across incidents: the figures, as pure functions of facts, a scope and a day.

Nothing here reads a clock, a file or a database: incidents (as IncidentFacts), follow-up
items and "today" come in; plain numbers and ranges (core/insights_model.py) go out. The
follow-up and review figures are in core/insights_work.py.

Where an incident sits in time: the day impact began (best guess, in the given time zone);
when that is not recorded, the day it was detected, else the day the record was created.
Durations between fuzzy milestones are ranges (core/fuzzy_time.py): each incident is drawn
from its shortest to its longest possible duration with the best guess marked, and a
period's median is given with the medians of the bounds beside it (the true median lies
between those two, whatever the true durations were).
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date, tzinfo
from operator import itemgetter
from typing import Any, NamedTuple

from hindsight.core.enums import Phase, Severity
from hindsight.core.followup_attention import AttentionSettings
from hindsight.core.followup_regions import RegionMap
from hindsight.core.followups import FollowUp
from hindsight.core.insights_model import (
    PUBLIC_SOURCES,
    UNKNOWN,
    UNKNOWN_TRIGGER,
    Category,
    Chart,
    ChartKind,
    IncidentFacts,
    Insights,
    RangePoint,
    Role,
    Series,
    Wording,
)
from hindsight.core.insights_scope import (
    Period,
    PeriodSlot,
    Scope,
    automatic_period,
    period_span,
)
from hindsight.core.insights_tally import DECIMALS, Tally, median, share
from hindsight.core.review import Verdict

INCIDENTS, TIMING, CAUSES, RESPONSE = "Incidents", "Timing", "Detection and causes", "Response"
MAX_TEAMS_SHOWN = 12
TEAM_COUNT_BUCKETS = 8  # 1 .. 7 teams, then "8 or more"
DURATIONS = (
    ("time_to_detect", "Time to detect", Phase.DETECTION),
    ("time_to_mitigate", "Time to mitigate", Phase.MITIGATION),
    ("time_to_resolve", "Time to resolve", Phase.RESOLUTION),
)
FALLBACK_PHASES = (Phase.OUTAGE_BEGINS, Phase.DETECTION)
HOUR = 3_600_000_000  # microseconds
DAY = 24 * HOUR


class Placed(NamedTuple):
    """An incident in scope, with the day it sits on and its period."""

    facts: IncidentFacts
    day: date
    impact_known: bool  # False when placed by the detection or record date
    slot: PeriodSlot
    key: str  # the period's key, worked out once
    position: float  # on the time axis: the period's index plus the fraction of it gone by


def incident_day(facts: IncidentFacts, zone: tzinfo) -> tuple[date, bool]:
    """The day an incident sits on, and whether it is the day impact began."""
    found: tuple[date, bool] | None = facts.memo.get(zone)
    if found is None:
        found = _day(facts, zone)
        facts.memo[zone] = found
    return found


def _day(facts: IncidentFacts, zone: tzinfo) -> tuple[date, bool]:
    for phase in FALLBACK_PHASES:
        when = facts.milestones.get(phase)
        if when is not None:
            return when.best.astimezone(zone).date(), phase is Phase.OUTAGE_BEGINS
    return facts.created_at.astimezone(zone).date(), False


# The keys under which an incident's facts keep its durations (one tuple per phase, shared by
# every incident, not one made per incident and look-up) and its last point on a range chart
# (under a key of text alone: no key object made per incident).
_HOURS_KEYS = {phase: ("hours", phase) for phase in Phase}
_POINT_KEYS = {phase: f"point {phase.value}" for phase in Phase}
_NOT_YET = object()
_PRIMED = frozenset(end for _, _, end in DURATIONS)


def duration_of(facts: IncidentFacts, end: Phase) -> tuple[float, float, float] | None:
    """(shortest, best, longest) hours from impact start to `end`; None when unknown."""
    key = _HOURS_KEYS[end]
    span: tuple[float, float, float] | None = facts.memo.get(key, _NOT_YET)
    if span is not _NOT_YET:
        return span
    instants = facts.instants
    start_at, end_at = instants.get(Phase.OUTAGE_BEGINS), instants.get(end)
    span = span_hours(start_at, end_at) if start_at and end_at else None
    facts.memo[key] = span
    return span


# Past this many durations to work out at once, they are worked out as arrays (numpy, which
# comes with matplotlib, when it is loaded): fewer go through span_hours one by one.
BATCH_FROM = 200


def _prime_durations(placed: Sequence[Placed]) -> None:
    """Work out, in one pass, the three durations (detect, mitigate, resolve) of every incident
    in `placed` whose facts do not keep them yet, as duration_of would one by one.

    A first view asks for all three of thousands of incidents: gathering each incident's
    milestones once and doing the arithmetic on columns costs about half of 30,000 calls of
    duration_of (three roundings each). The numbers are the same (spans_hours).
    """
    outage = Phase.OUTAGE_BEGINS
    # Per duration: the end's phase, its key, the facts' memos and both milestones' instants
    # (earliest, latest, best after earliest, latest, best).
    work: list[tuple[Phase, tuple[str, Phase], list[dict[Any, Any]], list[int], list[int]]] = [
        (end, _HOURS_KEYS[end], [], [], []) for _, _, end in DURATIONS
    ]
    (end_1, key_1, memos_1, starts_1, ends_1) = work[0]
    (end_2, key_2, memos_2, starts_2, ends_2) = work[1]
    (end_3, key_3, memos_3, starts_3, ends_3) = work[2]
    for p in placed:
        memo = p.facts.memo
        if key_3 in memo:  # (the last one set)
            continue
        instants = p.facts.instants
        start = instants.get(outage)
        if not start:
            memo[key_1] = memo[key_2] = memo[key_3] = None
            continue
        # Written out for each of the three (a loop over them cost a third more).
        finish = instants.get(end_1)
        if finish:
            memos_1.append(memo)
            starts_1.extend(start)
            ends_1.extend(finish)
        else:
            memo[key_1] = None
        finish = instants.get(end_2)
        if finish:
            memos_2.append(memo)
            starts_2.extend(start)
            ends_2.extend(finish)
        else:
            memo[key_2] = None
        finish = instants.get(end_3)
        if finish:
            memos_3.append(memo)
            starts_3.extend(start)
            ends_3.extend(finish)
        else:
            memo[key_3] = None
    # Columns only where numpy is loaded already (the view and the PDF report, with
    # matplotlib): a Markdown or JSON report would pay more for its import than it saves.
    columns = "numpy" in sys.modules
    for _, key, memos, starts, ends in work:
        if not memos:
            continue
        if len(memos) < BATCH_FROM or not columns:
            spans = [
                span_hours(
                    (starts[n], starts[n + 1], starts[n + 2]), (ends[n], ends[n + 1], ends[n + 2])
                )
                for n in range(0, len(starts), 3)
            ]
        else:
            spans = _spans_of_columns(starts, ends, HOUR)
        for memo, span in zip(memos, spans, strict=True):
            memo[key] = span


def spans_hours(
    starts: Sequence[tuple[int, int, int]],
    ends: Sequence[tuple[int, int, int]],
    unit: int = HOUR,
) -> list[tuple[float, float, float] | None]:
    """span_hours of each pair (starts[n], ends[n]), worked out on columns: the same numbers."""
    return _spans_of_columns(
        [value for start in starts for value in start],
        [value for end in ends for value in end],
        unit,
    )


def _spans_of_columns(
    starts: Sequence[int], ends: Sequence[int], unit: int
) -> list[tuple[float, float, float] | None]:
    """spans_hours of flat (earliest, latest, best) triples, one after the other.

    Python's round(x, 3) rounds the exact binary value of x to three decimals; rounding x *
    1000 to a whole number gives the same digits except where x * 1000 lies within a few
    units in its last place of a half, and those few are rounded by round() itself.
    """
    import numpy as np

    if not starts:
        return []
    start = np.fromiter(starts, dtype=np.int64, count=len(starts)).reshape(-1, 3)
    end = np.fromiter(ends, dtype=np.int64, count=len(ends)).reshape(-1, 3)
    longest = end[:, 1] - start[:, 0]
    shortest = np.maximum(end[:, 0] - start[:, 1], 0)
    best = end[:, 2] - start[:, 2]
    best = np.where(best < shortest, shortest, np.where(best > longest, longest, best))
    scale = 10.0**DECIMALS
    columns: list[list[float]] = []
    for whole_units in (shortest, best, longest):
        exact = whole_units / unit  # as int / int in Python: the nearest float
        scaled = exact * scale
        rounded = (np.rint(scaled) / scale).tolist()
        near_half = np.abs(scaled - np.floor(scaled) - 0.5) <= 8 * np.spacing(np.abs(scaled))
        for n in np.flatnonzero(near_half).tolist():
            rounded[n] = round(float(exact[n]), DECIMALS)
        columns.append(rounded)
    made: list[tuple[float, float, float] | None] = list(zip(*columns, strict=True))
    for n in np.flatnonzero(longest < 0).tolist():
        made[n] = None
    return made


_DAY_AND_ID = itemgetter(0, 1)


def place(
    incidents: Iterable[IncidentFacts], scope: Scope, period: Period | None, zone: tzinfo
) -> tuple[list[Placed], list[PeriodSlot], Period]:
    """The incidents in `scope`, oldest first, each with its day and period; the periods of
    the time axis; and the period used (chosen by the axis's length when `period` is None).

    The axis runs over the scope's dates where given, else over the incidents' days.
    """
    found: list[tuple[date, int, bool, IncidentFacts]] = []
    if scope.narrows:
        for facts in incidents:
            day, known = incident_day(facts, zone)
            if scope.accepts(facts.id, day, facts.severity, facts.tags, facts.systems, facts.teams):
                found.append((day, facts.id, known, facts))
    else:  # every incident (asked of each, the scope would accept each)
        for facts in incidents:
            day, known = incident_day(facts, zone)
            found.append((day, facts.id, known, facts))
    found.sort(key=_DAY_AND_ID)
    first = scope.start or (found[0][0] if found else None)
    last = scope.end or (found[-1][0] if found else None)
    period = period or automatic_period(first, last)
    slots = period_span(first, last, period) if first and last else []
    index = {slot.key: n for n, slot in enumerate(slots)}
    seen: dict[date, tuple[PeriodSlot, str, float]] = {}
    placed: list[Placed] = []
    for day, _, known, facts in found:
        where = seen.get(day)
        if where is None:
            slot = PeriodSlot.of(day, period)
            where = seen[day] = (slot, slot.key, index[slot.key] + slot.fraction(day))
        placed.append(Placed(facts, day, known, *where))
    return placed, slots, period


def _period_categories(slots: Sequence[PeriodSlot]) -> list[Category]:
    return [Category(slot.key, slot.label) for slot in slots]


# -- incidents over time ----------------------------------------------------------------------


def incidents_over_time(
    placed: Sequence[Placed], slots: Sequence[PeriodSlot], period: Period
) -> Chart:
    """Incidents per period, stacked by severity."""
    categories = _period_categories(slots)
    tally = Tally(categories, [(s.value, s.value) for s in Severity])
    # By severity, each severity's incidents counted at once (a member is its code as text,
    # so it finds its series without a call of .value per incident).
    by_severity: dict[str, list[tuple[str, int]]] = {s.value: [] for s in Severity}
    for p in placed:
        by_severity[p.facts.severity].append((p.key, p.facts.id))
    for severity, cells in by_severity.items():
        tally.add_many(severity, cells)
    fallback = sum(1 for p in placed if not p.impact_known)
    note = "Each incident is counted in the period its impact began (best guess)."
    if fallback:
        note += (
            f" {fallback} without a recorded impact start are placed by when they were "
            "detected, or else when they were recorded."
        )
    return Chart(
        key="incidents_over_time",
        section=INCIDENTS,
        title="Incidents over time, by severity",
        kind=ChartKind.COLUMNS,
        categories=tuple(categories),
        series=tally.series(),
        category_axis=period.label,
        value_axis="Incidents",
        covered=len(placed),
        unknown=0,
        note=note + " Severity is always recorded.",
        unit="incidents",
    )


# -- time to detect, mitigate and resolve ----------------------------------------------------


def duration_chart(
    key: str,
    title: str,
    end: Phase,
    placed: Sequence[Placed],
    slots: Sequence[PeriodSlot],
    period: Period,
) -> Chart:
    """Per incident the range of time from impact start to `end`, with per-period medians."""
    categories = _period_categories(slots)
    points: list[RangePoint] = []
    counts = Tally(categories, [("answered", "Incidents with a range"), (UNKNOWN, "No answer")])
    impossible = 0
    answered: list[tuple[str, int]] = []
    missing: list[tuple[str, int]] = []
    hours_key, point_key = _HOURS_KEYS[end], _POINT_KEYS[end]
    if end in _PRIMED:
        _prime_durations(placed)
    for p in placed:
        facts = p.facts
        memo = facts.memo
        span = memo.get(hours_key, _NOT_YET)
        if span is _NOT_YET:
            span = duration_of(facts, end)
        if span is None:
            impossible += Phase.OUTAGE_BEGINS in facts.instants and end in facts.instants
            missing.append((p.key, facts.id))
            continue
        answered.append((p.key, facts.id))
        # The same incident at the same place on the axis makes the same point: a change of
        # severity or tags reuses it rather than making thousands anew. The point is kept
        # under a key of text alone (its place and day checked when it is taken), the last
        # one made: a key of text and place was one more object per incident and chart.
        point = memo.get(point_key)
        if point is None or point[3] != p.position or point[2] != p.day:
            point = RangePoint(facts.id, facts.key, p.day, p.position, *span)
            memo[point_key] = point
        points.append(point)
    counts.add_many("answered", answered)
    counts.add_many(UNKNOWN, missing)
    measured = "detection" if end is Phase.DETECTION else end.value
    note = (
        f"From when impact began to {measured}. Each incident is a range from its shortest "
        "to its longest possible duration, with the best guess marked; the line is the median "
        "of best guesses per period, and the true median lies between the medians of the "
        "shortest and longest durations. No answer: either milestone is not recorded"
    )
    note += f", or they are in an impossible order ({impossible})." if impossible else "."
    return Chart(
        key=key,
        section=TIMING,
        title=f"{title} (hours from impact start)",
        kind=ChartKind.RANGES,
        categories=tuple(categories),
        series=range_series(points, counts),
        category_axis=period.label,
        value_axis="Hours (log scale)",
        covered=len(placed),
        unknown=counts.total(UNKNOWN),
        note=note,
        unit="hours",
        ranges=tuple(points),
    )


def span_hours(
    start: tuple[int, int, int], end: tuple[int, int, int], unit: int = HOUR
) -> tuple[float, float, float] | None:
    """(shortest, best, longest) from `start` to `end` in hours (or `unit`); None if impossible.

    The same rule as core.fuzzy_time.duration_between, on (earliest, latest, best)
    microseconds: the end's latest minus the start's earliest is the longest; the shortest
    is never below zero; the best guess is kept within the two.
    """
    longest = end[1] - start[0]
    if longest < 0:
        return None
    # Comparisons rather than min() and max(): this runs for every incident and measure.
    shortest = end[0] - start[1]
    if shortest < 0:
        shortest = 0
    best = end[2] - start[2]
    if best < shortest:
        best = shortest
    elif best > longest:
        best = longest
    return (
        round(shortest / unit, DECIMALS),
        round(best / unit, DECIMALS),
        round(longest / unit, DECIMALS),
    )


def range_series(points: Sequence[RangePoint], counts: Tally) -> tuple[Series, ...]:
    """Per-period medians of ranges (best, shortest, longest) and the counts behind them.

    `counts` has an "answered" and an "unknown" series over the period categories; a point's
    period is the whole part of its position.
    """
    groups: dict[int, list[RangePoint]] = {}
    for point in points:
        groups.setdefault(int(point.position), []).append(point)

    def medians(attribute: str) -> tuple[float | None, ...]:
        return tuple(
            median(getattr(r, attribute) for r in groups.get(n, ()))
            for n in range(len(counts.categories))
        )

    answered, unknown = counts.series()
    return (
        Series("median_best", "Median of best guesses", medians("best"), answered.ids, Role.LINE),
        Series("median_shortest", "Median of shortest", medians("shortest"), (), Role.TABLE),
        Series("median_longest", "Median of longest", medians("longest"), (), Role.TABLE),
        Series(answered.key, answered.label, answered.values, answered.ids, Role.TABLE),
        Series(unknown.key, unknown.label, unknown.values, unknown.ids, Role.TABLE),
    )


# -- who found it first, triggers and causes -------------------------------------------------


def found_first(
    placed: Sequence[Placed], slots: Sequence[PeriodSlot], period: Period, wording: Wording
) -> Chart:
    """Who detected each incident first, per period, with the share found by people first."""
    categories = _period_categories(slots)
    options = [(k, v) for k, v in wording.detection_options if k != UNKNOWN]
    seen = {p.facts.detection_source for p in placed if p.facts.detection_source}
    known_ids = {key for key, _ in wording.detection_options}
    options += [(key, key) for key in sorted(seen - known_ids)]
    tally = Tally(categories, [*options, (UNKNOWN, "No answer")])
    public = Counter[str]()
    answered = Counter[str]()
    for p in placed:
        source = p.facts.detection_source
        source = None if source == UNKNOWN else source
        tally.add(source or UNKNOWN, p.key, p.facts.id)
        if source:
            answered[p.key] += 1
            public[p.key] += source in PUBLIC_SOURCES
    shares = tuple(share(public[c.key], answered[c.key]) for c in categories)
    total_known = sum(answered.values())
    overall = share(sum(public.values()), total_known)
    note = (
        "Public: found first by end users, customers, partners or support, before any monitor"
        f" (the line; {overall if overall is not None else '—'}% of the incidents with an "
        "answer). No answer: the detection question is not answered, or marked unknown or not "
        "applicable."
    )
    return Chart(
        key="found_first",
        section=CAUSES,
        title="Who found it first",
        kind=ChartKind.COLUMNS,
        categories=tuple(categories),
        series=(
            *tally.series(drop_empty=True),
            Series("public_share", "Found by people before monitoring", shares, (), Role.LINE),
        ),
        category_axis=period.label,
        value_axis="Incidents",
        line_axis="Found by people first (% of answered)",
        covered=len(placed),
        unknown=tally.total(UNKNOWN),
        note=note,
        unit="incidents",
    )


def trigger_kinds(placed: Sequence[Placed], wording: Wording) -> Chart:
    """How many incidents had each kind of trigger."""
    options = [(k, v) for k, v in wording.trigger_options if k != UNKNOWN_TRIGGER]
    seen = {p.facts.trigger_kind for p in placed if p.facts.trigger_kind}
    known = {key for key, _ in wording.trigger_options}
    options += [(key, key) for key in sorted(seen - known)]
    categories = [Category(k, label) for k, label in options] + [Category(UNKNOWN, "No answer")]
    tally = Tally(categories, [("incidents", "Incidents")])
    tally.add_many(
        "incidents",
        [
            (UNKNOWN if kind is None or kind == UNKNOWN_TRIGGER else kind, p.facts.id)
            for p in placed
            for kind in (p.facts.trigger_kind,)
        ],
    )
    return Chart(
        key="trigger_kinds",
        section=CAUSES,
        title="Kinds of trigger",
        kind=ChartKind.BARS,
        categories=tuple(categories),
        series=tally.series(),
        category_axis="Kind of trigger",
        value_axis="Incidents",
        covered=len(placed),
        unknown=tally.count("incidents", UNKNOWN),
        note="No answer: the trigger question is not answered, answered “not known”, or "
        "marked unknown or not applicable.",
        unit="incidents",
    )


VERDICT_SERIES = (
    (Verdict.IMPLICATED.value, "Implicated"),
    (Verdict.RULED_OUT.value, "Ruled out"),
    (Verdict.NOT_APPLICABLE.value, "Not applicable"),
    (UNKNOWN, "Unknown or no verdict"),
)


def change_attribution(placed: Sequence[Placed], wording: Wording) -> Chart:
    """For each kind of change, how many incidents implicated it, ruled it out, or do not know."""
    # The kinds are data: the wording's (the bank's, in order), then any other kind a review
    # gave a verdict to (a kind a team's earlier bank had).
    codes = dict.fromkeys(wording.change_labels)
    known_codes = codes.keys()
    silent = 0
    everyone: set[int] = set()
    # Most incidents leave most kinds without a verdict: count those by difference.
    # The incidents of each kind, by verdict (a member hashes as its text, in C): one pass
    # over every verdict of every incident in scope, which also finds the kinds outside the
    # wording, in the order the incidents name them (each incident's sorted).
    decided: dict[Verdict, dict[str, list[int]]] = {
        Verdict.IMPLICATED: {},
        Verdict.RULED_OUT: {},
        Verdict.NOT_APPLICABLE: {},
    }
    unknown = Verdict.UNKNOWN
    for p in placed:
        incident_id = p.facts.id
        everyone.add(incident_id)
        verdicts = p.facts.verdicts
        if not verdicts:
            silent += 1
            continue
        if not verdicts.keys() <= known_codes:  # (most name only known kinds)
            codes.update(dict.fromkeys(sorted(verdicts)))
        for category, verdict in verdicts.items():
            if verdict is not unknown:
                by_kind = decided[verdict]
                found = by_kind.get(category)
                if found is None:
                    by_kind[category] = [incident_id]
                else:
                    found.append(incident_id)
    categories = [
        Category(c, wording.change_labels.get(c, c.replace("_", " ").capitalize())) for c in codes
    ]
    tally = Tally(categories, VERDICT_SERIES)
    for category in codes:
        known: set[int] = set()
        for verdict in (Verdict.IMPLICATED, Verdict.RULED_OUT, Verdict.NOT_APPLICABLE):
            ids = set(decided[verdict].get(category, ()))
            tally.put(verdict.value, category, ids)
            known |= ids
        tally.put(UNKNOWN, category, everyone - known)
    return Chart(
        key="change_attribution",
        section=CAUSES,
        title="What changed: change attribution by kind",
        kind=ChartKind.BARS,
        categories=tuple(categories),
        series=tally.series(),
        category_axis="Kind of change",
        value_axis="Incidents",
        covered=len(placed),
        unknown=silent,
        note="Every incident counts once per kind of change. No answer: incidents with no "
        "verdict on any kind of change yet.",
        unit="incidents",
    )


# -- how wide the response was ---------------------------------------------------------------


def teams_per_incident(placed: Sequence[Placed]) -> Chart:
    """How many teams each incident drew in."""
    labels = [str(n) for n in range(1, TEAM_COUNT_BUCKETS)] + [f"{TEAM_COUNT_BUCKETS} or more"]
    categories = [Category(label.split()[0], label) for label in labels]
    categories.append(Category(UNKNOWN, "None recorded"))
    tally = Tally(categories, [("incidents", "Incidents")])
    # The category key of each count of teams (0: none recorded), made once.
    keys = [UNKNOWN] + [str(min(n, TEAM_COUNT_BUCKETS)) for n in range(1, TEAM_COUNT_BUCKETS + 1)]
    top = len(keys) - 1
    tally.add_many(
        "incidents", [(keys[min(len(set(p.facts.teams)), top)], p.facts.id) for p in placed]
    )
    return Chart(
        key="teams_per_incident",
        section=RESPONSE,
        title="Teams drawn in per incident",
        kind=ChartKind.COLUMNS,
        categories=tuple(categories),
        series=tally.series(),
        category_axis="Teams involved",
        value_axis="Incidents",
        covered=len(placed),
        unknown=tally.count("incidents", UNKNOWN),
        note="ML incidents reach beyond engineering: product, finance, partners, legal. "
        "No answer: no team recorded on the Teams tab.",
        unit="incidents",
    )


def teams_most_often(placed: Sequence[Placed]) -> Chart:
    """The teams drawn in most often, and how many incidents recorded no team."""
    # Each team's incidents, in one pass (each incident once per team, however often the
    # team is named on it); then only the teams shown are counted into the chart.
    members: dict[str, list[int]] = {}
    nobody: list[int] = []
    for p in placed:
        teams = p.facts.teams
        if not teams:
            nobody.append(p.facts.id)
            continue
        for team in teams if len(teams) == 1 else set(teams):
            found = members.get(team)
            if found is None:
                members[team] = [p.facts.id]
            else:
                found.append(p.facts.id)
    top = sorted(
        ((team, len(ids)) for team, ids in members.items()),
        key=lambda item: (-item[1], item[0].casefold()),
    )
    shown = top[:MAX_TEAMS_SHOWN]
    # Team names are free text: prefixed keys never collide with the "unknown" key.
    categories = [Category(f"team:{team}", team) for team, _ in shown]
    categories.append(Category(UNKNOWN, "No team recorded"))
    tally = Tally(categories, [("incidents", "Incidents")])
    for team, _ in shown:
        tally.put("incidents", f"team:{team}", set(members[team]))
    tally.put("incidents", UNKNOWN, set(nobody))
    more = len(top) - len(shown)
    note = f"The {len(shown)} teams drawn in most often"
    note += f" ({more} more teams were involved less often)." if more else "."
    return Chart(
        key="teams_most_often",
        section=RESPONSE,
        title="Teams drawn in most often",
        kind=ChartKind.BARS,
        categories=tuple(categories),
        series=tally.series(),
        category_axis="Team",
        value_axis="Incidents",
        covered=len(placed),
        unknown=tally.count("incidents", UNKNOWN),
        note=note,
        unit="incidents",
    )


# -- everything ------------------------------------------------------------------------------


def compute_insights(
    incidents: Iterable[IncidentFacts],
    followups: Iterable[FollowUp],
    *,
    scope: Scope,
    period: Period | None,
    today: date,
    zone: tzinfo,
    regions: RegionMap,
    settings: AttentionSettings,
    wording: Wording,
) -> Insights:
    """Every chart over the incidents in `scope`, as of `today`, with days in `zone`.

    With no `period`, months or quarters are chosen by how long the time axis is.
    """
    from hindsight.core.insights_impact import impact_charts
    from hindsight.core.insights_work import followup_charts, review_charts

    placed, slots, period = place(incidents, scope, period, zone)
    in_scope = {p.facts.id for p in placed}
    items = [item for item in followups if item.incident_id in in_scope]
    charts: list[Chart] = [incidents_over_time(placed, slots, period)]
    charts += [
        duration_chart(key, title, end, placed, slots, period) for key, title, end in DURATIONS
    ]
    charts += [
        found_first(placed, slots, period, wording),
        trigger_kinds(placed, wording),
        change_attribution(placed, wording),
        teams_per_incident(placed),
        teams_most_often(placed),
    ]
    charts += followup_charts(
        placed, items, period=period, today=today, zone=zone, regions=regions, settings=settings
    )
    charts += review_charts(placed, slots, period, wording)
    charts += impact_charts(placed)
    return Insights(
        scope=scope,
        period=period,
        today=today,
        incidents=len(placed),
        items=len(items),
        charts=tuple(charts),
        first_day=placed[0].day if placed else None,
        last_day=placed[-1].day if placed else None,
    )
