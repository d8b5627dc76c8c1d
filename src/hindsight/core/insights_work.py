"""Insight figures about the work after an incident: follow-up health and review health.

Pure functions like core/insights.py: the incidents in scope (already placed in time), their
follow-up items, "today" and the attention thresholds come in; charts come out. The attention
counts use the same rules as the Triage view (core/followup_attention.py), so both agree.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence
from datetime import date, tzinfo
from typing import NamedTuple

from hindsight.core.enums import Phase
from hindsight.core.followup_attention import Attention, AttentionSettings, Cutoffs
from hindsight.core.followup_regions import Region, RegionMap
from hindsight.core.followups import SCALE, FollowUp, FollowUpStatus, Priority
from hindsight.core.insights import DAY, Placed, range_series, span_hours
from hindsight.core.insights_model import (
    UNKNOWN,
    Category,
    Chart,
    ChartKind,
    RangePoint,
    Role,
    Series,
    Wording,
    microseconds,
)
from hindsight.core.insights_scope import Period, PeriodSlot, period_span
from hindsight.core.insights_tally import Tally, median
from hindsight.core.review import AnswerStatus, ReviewStatus

FOLLOW_UPS, REVIEWS = "Follow-up health", "Review health"
MAX_QUESTIONS_SHOWN = 10
_PUBLICATION = "publication point"  # the key of an incident's point on that chart, in its memo
PUBLICATION_EDGES = (90, 180, 365)  # days; the Highest-item threshold is added below them
ATTENTION_LABELS = (
    (Attention.OVERDUE, "Overdue"),
    (Attention.LANGUISHING, "Languishing monitoring work"),
    (Attention.BLOCKER_REVIEW, "Highest, open long after publication"),
    (Attention.SENIOR_REVIEW, "Strategic, senior review due"),
)


def _priority_categories() -> list[Category]:
    return [Category(p.value, p.label) for p in Priority]


class Work(NamedTuple):
    """A follow-up item as the figures read it, its properties worked out once."""

    item: FollowUp
    incident_id: int
    priority: Priority
    opened: date | None
    closed: date | None  # the day it was closed (done or won't do), when it is


def digest(items: Sequence[FollowUp]) -> list[Work]:
    """The items, each read once: thousands of property lookups per chart add up.

    Each item's day opened and day closed are read from its history as FollowUp's
    `opened_on`, `is_closed` and `status_since` read them, without their four property calls
    per item (a test holds the two equal on random items).
    """
    closing = frozenset(status for status in FollowUpStatus if status.is_closed)
    made: list[Work] = []
    add = made.append
    for item in items:
        history = item.history
        opened = None
        for step in history:
            if step.on is not None:
                opened = step.on
                break
        else:
            created = item.created_at
            opened = created.date() if created else None
        closed = None
        if history:
            last = history[-1]
            if last.status in closing:
                closed = last.on
        add(Work(item, item.incident_id, item.priority, opened, closed))
    return made


def opened_and_closed(items: Sequence[Work], covered: int, period: Period, today: date) -> Chart:
    """Follow-up items opened and closed per period."""
    dated = [w for w in items if w.opened is not None]
    # Each day seen once, with its period's key (days repeat across thousands of items).
    days_seen: set[date] = {w.opened for w in dated if w.opened is not None}
    days_seen.update(w.closed for w in dated if w.closed is not None)
    slots = period_span(min(days_seen), max(max(days_seen), today), period) if days_seen else []
    categories = [Category(s.key, s.label) for s in slots]
    tally = Tally(categories, [("opened", "Opened"), ("closed", "Closed")])
    keys = {day: PeriodSlot.of(day, period).key for day in days_seen}
    tally.add_many("opened", [(keys[w.opened], w.incident_id) for w in dated if w.opened])
    tally.add_many("closed", [(keys[w.closed], w.incident_id) for w in dated if w.closed])
    return Chart(
        key="followups_opened_closed",
        section=FOLLOW_UPS,
        title="Follow-up items opened and closed",
        kind=ChartKind.GROUPED,
        categories=tuple(categories),
        series=tally.series(),
        category_axis=period.label,
        value_axis="Follow-up items",
        covered=covered,
        unknown=len(items) - len(dated),
        note="Closed means done or won't do, counted in the period the item was closed. "
        "No answer: items without the day they were opened.",
        unit="items",
        items=len(items),
    )


def _by_priority(
    key: str,
    title: str,
    values: dict[Priority, list[tuple[float, int]]],
    count_label: str,
    covered: int,
    items: int,
    note: str,
) -> Chart:
    categories = _priority_categories()
    medians = tuple(median(v for v, _ in values.get(p, ())) for p in Priority)
    ids = tuple(frozenset(i for _, i in values.get(p, ())) for p in Priority)
    counts = tuple(len(values.get(p, ())) for p in Priority)
    return Chart(
        key=key,
        section=FOLLOW_UPS,
        title=title,
        kind=ChartKind.COLUMNS,
        categories=tuple(categories),
        series=(
            Series("median_days", "Median days", medians, ids, Role.BAR),
            Series("count", count_label, counts, (), Role.TABLE),
        ),
        category_axis="Priority",
        value_axis="Days (median)",
        covered=covered,
        unknown=0,
        note=note,
        unit="days",
        items=items,
    )


def open_age(items: Sequence[Work], covered: int, today: date) -> Chart:
    """The median age of open items, by priority."""
    ages: dict[Priority, list[tuple[float, int]]] = {}
    for w in items:
        if w.closed is None and w.opened is not None:
            ages.setdefault(w.priority, []).append((float((today - w.opened).days), w.incident_id))
    return _by_priority(
        "open_age_by_priority",
        "Median age of open follow-up items",
        ages,
        "Open items",
        covered,
        len(items),
        "Days from when each open item was opened until today. Every item has a priority.",
    )


def time_to_close(items: Sequence[Work], covered: int) -> Chart:
    """The median time from opening to closing, by priority."""
    spans: dict[Priority, list[tuple[float, int]]] = {}
    for w in items:
        if w.closed is not None and w.opened is not None:
            spans.setdefault(w.priority, []).append(
                (float((w.closed - w.opened).days), w.incident_id)
            )
    return _by_priority(
        "time_to_close_by_priority",
        "Time to close follow-up items",
        spans,
        "Closed items",
        covered,
        len(items),
        "Days from opening to done or won't do, for the items closed so far.",
    )


def attention_counts(
    items: Sequence[FollowUp],
    covered: int,
    *,
    published: dict[int, date],
    regions: RegionMap,
    settings: AttentionSettings,
    today: date,
) -> Chart:
    """How many open items each attention rule flags (an item may be flagged by several).

    The rules are the Triage view's (core/followup_attention.py `Cutoffs`, as `assess`
    applies them), asked here without the words `assess` writes for each flag: only the
    counts are drawn.
    """
    rules = Cutoffs.of(settings, today)
    categories = [Category(kind.value, label) for kind, label in ATTENTION_LABELS]
    tally = Tally(categories, [("items", "Items")])
    # The incidents of the items each rule flags, by rule.
    overdue: list[int] = []
    languishing: list[int] = []
    blocker: list[int] = []
    senior: list[int] = []
    regions_at: dict[tuple[int, int], Region] = {}
    for item in items:
        if item.id is None or item.is_closed:
            continue
        incident_id = item.incident_id
        if rules.overdue(item):
            overdue.append(incident_id)
        if rules.blocker_review_due(item, published.get(incident_id)):
            blocker.append(incident_id)
        if rules.languishing(item):
            languishing.append(incident_id)
        cell = (item.value, item.feasibility)
        region = regions_at.get(cell)
        if region is None:
            region = regions_at[cell] = regions.at(*cell)
        if rules.senior_review_due(item, region):
            senior.append(incident_id)
    for kind, incidents in (
        (Attention.OVERDUE, overdue),
        (Attention.LANGUISHING, languishing),
        (Attention.BLOCKER_REVIEW, blocker),
        (Attention.SENIOR_REVIEW, senior),
    ):
        key = kind.value
        tally.add_many("items", ((key, incident_id) for incident_id in incidents))
    return Chart(
        key="attention",
        section=FOLLOW_UPS,
        title="Follow-up items needing attention",
        kind=ChartKind.COLUMNS,
        categories=tuple(categories),
        series=tally.series(),
        category_axis="Rule",
        value_axis="Open items",
        covered=covered,
        unknown=0,
        note=f"Overdue: past the due date by more than {settings.overdue_grace_days} days. "
        f"Languishing: monitoring work open more than {settings.languishing_days} days. "
        f"Highest items open {settings.highest_review_days} days or more after publication. "
        "The rules of the Triage view; an item may meet several.",
        unit="items",
        items=len(items),
    )


def grid_regions(items: Sequence[Work], covered: int, regions: RegionMap) -> Chart:
    """How many items sit in each region of the value and feasibility grid."""
    ordered = sorted(regions.regions, key=lambda r: r.order)
    categories = [Category(r.key, r.name) for r in ordered]
    tally = Tally(categories, [("open", "Open"), ("closed", "Closed")])
    cells = {cell: regions.at(*cell).key for cell in itertools.product(SCALE, SCALE)}
    # Both states in one pass over the items.
    still_open: list[tuple[str, int]] = []
    closed: list[tuple[str, int]] = []
    for w in items:
        item = w.item
        (still_open if w.closed is None else closed).append(
            (cells[item.value, item.feasibility], w.incident_id)
        )
    tally.add_many("open", still_open)
    tally.add_many("closed", closed)
    return Chart(
        key="grid_regions",
        section=FOLLOW_UPS,
        title="Follow-up items by region of the grid",
        kind=ChartKind.COLUMNS,
        categories=tuple(categories),
        series=tally.series(),
        category_axis="Region (value against feasibility)",
        value_axis="Follow-up items",
        covered=covered,
        unknown=0,
        note="Every item has a value and a feasibility, so every item sits in one region.",
        unit="items",
        items=len(items),
    )


def _publication_buckets(threshold: int) -> list[tuple[int, int | None, str]]:
    edges = [threshold, *(e for e in PUBLICATION_EDGES if e > threshold)]
    buckets: list[tuple[int, int | None, str]] = [(0, threshold, f"Under {threshold} days")]
    for low, high in zip(edges, [*edges[1:], None], strict=True):
        label = f"{low}–{high - 1} days" if high is not None else f"{low} days or more"
        buckets.append((low, high, label))
    return buckets


def highest_after_publication(
    items: Sequence[Work],
    covered: int,
    *,
    published: dict[int, date],
    threshold: int,
    today: date,
) -> Chart:
    """Open Highest-priority items by how long ago their incident's review was published."""
    buckets = _publication_buckets(threshold)
    categories = [Category(f"b{n}", label) for n, (_, _, label) in enumerate(buckets)]
    categories.append(Category(UNKNOWN, "Review not published"))
    tally = Tally(categories, [("items", "Open Highest items")])
    late = 0
    for w in items:
        if w.closed is not None or w.priority is not Priority.HIGHEST:
            continue
        on = published.get(w.incident_id)
        if on is None:
            tally.add("items", UNKNOWN, w.incident_id)
            continue
        since = (today - on).days
        late += since >= threshold
        for n, (low, high, _) in enumerate(buckets):
            if since >= low and (high is None or since < high):
                tally.add("items", f"b{n}", w.incident_id)
                break
    return Chart(
        key="highest_after_publication",
        section=FOLLOW_UPS,
        title="Open Highest-priority items, by time since publication",
        kind=ChartKind.COLUMNS,
        categories=tuple(categories),
        series=tally.series(),
        category_axis="Time since the review was published",
        value_axis="Open Highest items",
        covered=covered,
        unknown=tally.count("items", UNKNOWN),
        note=f"{late} open Highest-priority item{'s' if late != 1 else ''} "
        f"{'are' if late != 1 else 'is'} {threshold} days or more past publication: "
        "hold a review of what blocks them. No answer: the review is not published yet.",
        unit="items",
        items=len(items),
    )


def followup_charts(
    placed: Sequence[Placed],
    items: Sequence[FollowUp],
    *,
    period: Period,
    today: date,
    zone: tzinfo,
    regions: RegionMap,
    settings: AttentionSettings,
) -> list[Chart]:
    """Every follow-up chart over the items of the incidents in scope."""
    covered = len(placed)
    published = {
        p.facts.id: p.facts.published_at.astimezone(zone).date()
        for p in placed
        if p.facts.published_at is not None and p.facts.review_status is ReviewStatus.PUBLISHED
    }
    work = digest(items)
    return [
        opened_and_closed(work, covered, period, today),
        open_age(work, covered, today),
        time_to_close(work, covered),
        attention_counts(
            items, covered, published=published, regions=regions, settings=settings, today=today
        ),
        grid_regions(work, covered, regions),
        highest_after_publication(
            work,
            covered,
            published=published,
            threshold=settings.highest_review_days,
            today=today,
        ),
    ]


# -- review health ---------------------------------------------------------------------------


def review_status(placed: Sequence[Placed]) -> Chart:
    """How many reviews are drafts, in review, or published."""
    labels = {
        ReviewStatus.DRAFT: "Draft",
        ReviewStatus.IN_REVIEW: "In review",
        ReviewStatus.PUBLISHED: "Published",
    }
    categories = [Category(s.value, labels[s]) for s in ReviewStatus]
    tally = Tally(categories, [("incidents", "Reviews")])
    # A member is its code as text: it finds its category without a call of .value.
    tally.add_many("incidents", [(p.facts.review_status, p.facts.id) for p in placed])
    return Chart(
        key="review_status",
        section=REVIEWS,
        title="Reviews by status",
        kind=ChartKind.COLUMNS,
        categories=tuple(categories),
        series=tally.series(),
        category_axis="Status of the review",
        value_axis="Reviews",
        covered=len(placed),
        unknown=0,
        note="Every incident has a review, a draft until someone moves it on.",
        unit="incidents",
    )


def resolution_to_publication(
    placed: Sequence[Placed], slots: Sequence[PeriodSlot], period: Period
) -> Chart:
    """Days from resolution (fuzzy) to publication, per published review, with medians."""
    categories = [Category(s.key, s.label) for s in slots]
    published = [
        p
        for p in placed
        if p.facts.review_status is ReviewStatus.PUBLISHED and p.facts.published_at is not None
    ]
    counts = Tally(categories, [("answered", "Reviews with a range"), (UNKNOWN, "No answer")])
    points: list[RangePoint] = []
    answered: list[tuple[str, int]] = []
    missing: list[tuple[str, int]] = []
    for p in published:
        # The same incident at the same place on the axis makes the same point (facts never
        # change: a new save is new facts), so a change of scope reuses it. The last one made
        # is kept under a key of text alone, its place and day checked when it is taken; no
        # point (no range) is the same anywhere on the axis.
        memo = p.facts.memo
        point = memo.get(_PUBLICATION, False)
        if point is not None and (point is False or point[3] != p.position or point[2] != p.day):
            resolved = p.facts.instants.get(Phase.RESOLUTION)
            at = microseconds(p.facts.published_at)  # type: ignore[arg-type]  # filtered above
            span = span_hours(resolved, (at, at, at), DAY) if resolved else None
            point = (
                None
                if span is None
                else RangePoint(p.facts.id, p.facts.key, p.day, p.position, *span)
            )
            memo[_PUBLICATION] = point
        if point is None:
            missing.append((p.key, p.facts.id))
            continue
        answered.append((p.key, p.facts.id))
        points.append(point)
    counts.add_many("answered", answered)
    counts.add_many(UNKNOWN, missing)
    every = [r.best for r in points]
    overall = median(every)
    note = (
        "For each published review, the days from resolution to publication, a range because "
        f"resolution is fuzzy; median of best guesses overall: "
        f"{overall if overall is not None else '—'} days. Placed by when impact began. "
        "No answer: published without a recorded resolution (or before it)."
    )
    return Chart(
        key="resolution_to_publication",
        section=REVIEWS,
        title="Days from resolution to publication",
        kind=ChartKind.RANGES,
        categories=tuple(categories),
        series=range_series(points, counts),
        category_axis=period.label,
        value_axis="Days",
        covered=len(published),
        covers="published review",
        unknown=counts.total(UNKNOWN),
        note=note,
        unit="days",
        ranges=tuple(points),
    )


def questions_left_open(placed: Sequence[Placed], wording: Wording) -> Chart:
    """The questions most often marked unknown or not applicable."""
    # One pass over the incidents: each question's incidents by status, and the reviews
    # with no answers at all; the questions shown are then counted from their own lists.
    left: dict[str, list[tuple[AnswerStatus, int]]] = {}
    nothing_recorded: list[int] = []
    for p in placed:
        facts = p.facts
        if not facts.answers_recorded:
            nothing_recorded.append(facts.id)
        for question, status in facts.left_open.items():
            found = left.get(question)
            if found is None:
                left[question] = [(status, facts.id)]
            else:
                found.append((status, facts.id))
    unknown_status, not_applicable_status = AnswerStatus.UNKNOWN, AnswerStatus.NOT_APPLICABLE
    totals = Counter[str]()
    for question, marks in left.items():
        counted = sum(1 for status, _ in marks if status is unknown_status) + sum(
            1 for status, _ in marks if status is not_applicable_status
        )
        if counted:
            totals[question] = counted
    order = {qid: n for n, qid in enumerate(wording.prompts)}
    top = sorted(totals, key=lambda q: (-totals[q], order.get(q, len(order)), q))
    shown = top[:MAX_QUESTIONS_SHOWN]
    categories = [Category(f"q:{q}", wording.prompts.get(q, q)) for q in shown]
    categories.append(Category(UNKNOWN, "No answers recorded yet"))
    tally = Tally(
        categories,
        [
            ("marked_unknown", "Marked unknown"),
            ("not_applicable", "Not applicable"),
            (UNKNOWN, "No answers recorded"),
        ],
    )
    silent = len(nothing_recorded)
    tally.add_many(UNKNOWN, [(UNKNOWN, incident_id) for incident_id in nothing_recorded])
    for question in shown:
        key = f"q:{question}"
        marked = left[question]
        tally.add_many(
            "marked_unknown", [(key, i) for status, i in marked if status is unknown_status]
        )
        tally.add_many(
            "not_applicable", [(key, i) for status, i in marked if status is not unknown_status]
        )
    more = len(top) - len(shown)
    note = "Questions consciously left without an answer, each with a reason in its review."
    if more:
        note += f" {more} more questions were left open less often."
    note += " No answer: reviews with no answers recorded at all."
    return Chart(
        key="questions_left_open",
        section=REVIEWS,
        title="Questions most often left unknown or not applicable",
        kind=ChartKind.BARS,
        categories=tuple(categories),
        series=tally.series(),
        category_axis="Question",
        value_axis="Reviews",
        covered=len(placed),
        unknown=silent,
        note=note,
        unit="incidents",
    )


def review_charts(
    placed: Sequence[Placed], slots: Sequence[PeriodSlot], period: Period, wording: Wording
) -> list[Chart]:
    """Every review-health chart."""
    return [
        review_status(placed),
        resolution_to_publication(placed, slots, period),
        questions_left_open(placed, wording),
    ]
