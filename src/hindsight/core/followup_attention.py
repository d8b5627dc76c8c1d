"""Which follow-up items need attention, by rules whose thresholds are user settings.

The rules are pure: they take the items, the regions, the day each incident's review was
published and today's date, so a test can fix the clock. Closed items (done, won't do) never
need attention.

- Overdue: an open item whose due date lies more than `overdue_grace_days` days in the past.
- Hold a review of what blocks them: `highest_review_days` days or more after an incident's
  review was published, its Highest-priority items are not all closed; each open one is
  flagged, and the incident gets a notice.
- Languishing: a monitoring or alerting item open for more than `languishing_days` days
  (monitoring work is what most often lingers for years).
- Senior review due: an open item in a strategic region whose next senior review date has
  passed (it is before today).

Each rule is one comparison of a date with a cut-off day (`Cutoffs`, made from the settings
and today). `assess` applies them to items in Python; the store compiles the very same
comparisons with the same cut-offs to SQL, so a count over thousands of items is one query
and agrees with the rules item by item (the tests check both on random data).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from enum import StrEnum
from typing import Any

from hindsight.core.followup_regions import Region, RegionMap
from hindsight.core.followups import FollowUp, FollowUpKind, Priority


class Attention(StrEnum):
    """Why an item needs attention."""

    OVERDUE = "overdue"
    BLOCKER_REVIEW = "blocker_review"
    LANGUISHING = "languishing"
    SENIOR_REVIEW = "senior_review"

    @property
    def badge(self) -> str:
        """The short badge shown on cards and in lists."""
        return _BADGES[self]


_BADGES = {
    Attention.OVERDUE: "Overdue",
    Attention.BLOCKER_REVIEW: "Needs review",
    Attention.LANGUISHING: "Languishing",
    Attention.SENIOR_REVIEW: "Needs review",
}


@dataclass(frozen=True, slots=True)
class AttentionSettings:
    """The thresholds of the attention rules (preferences section "followups")."""

    highest_review_days: int = 30
    languishing_days: int = 90
    overdue_grace_days: int = 0

    # (lowest, highest) accepted for each threshold
    LIMITS = {  # noqa: RUF012  (a class constant, not a field: no annotation)
        "highest_review_days": (1, 3650),
        "languishing_days": (1, 3650),
        "overdue_grace_days": (0, 365),
    }

    def __post_init__(self) -> None:
        for name, (low, high) in self.LIMITS.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise ValueError(f"{name} must be a whole number from {low} to {high}")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> AttentionSettings:
        """Settings from stored preferences; a missing or unusable value keeps its default."""
        defaults = cls()
        chosen: dict[str, int] = {}
        for spec in fields(cls):
            value = data.get(spec.name, getattr(defaults, spec.name))
            low, high = cls.LIMITS[spec.name]
            usable = isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
            chosen[spec.name] = value if usable else getattr(defaults, spec.name)
        return cls(**chosen)

    def to_mapping(self) -> dict[str, int]:
        """The settings as stored in the preferences file."""
        return {spec.name: getattr(self, spec.name) for spec in fields(self)}


@dataclass(frozen=True, slots=True)
class Cutoffs:
    """The attention rules as cut-off days, for one set of settings and one today.

    Only open items are judged, and an open item needs attention when
    - its due date is before `overdue_before` (overdue),
    - it is monitoring work opened before `opened_before` (languishing),
    - it is a Highest item of an incident whose review was published on or before
      `published_by` (hold a review of what blocks it),
    - it lies in a strategic region and its next senior review is before `today`.
    """

    today: date
    overdue_before: date
    opened_before: date
    published_by: date

    @classmethod
    def of(cls, settings: AttentionSettings, today: date) -> Cutoffs:
        """The cut-off days of `settings` as of `today`."""
        return cls(
            today=today,
            overdue_before=today - timedelta(days=settings.overdue_grace_days),
            opened_before=today - timedelta(days=settings.languishing_days),
            published_by=today - timedelta(days=settings.highest_review_days),
        )

    def overdue(self, item: FollowUp) -> bool:
        """The overdue rule (open items only)."""
        return item.due is not None and item.due < self.overdue_before

    def languishing(self, item: FollowUp) -> bool:
        """The languishing rule (open items only)."""
        opened = item.opened_on
        return (
            item.kind is FollowUpKind.MONITORING
            and opened is not None
            and opened < self.opened_before
        )

    def senior_review_due(self, item: FollowUp, region: Region) -> bool:
        """The senior review rule (open items only)."""
        planned = item.next_senior_review
        return region.strategic and planned is not None and planned < self.today

    def blocker_review_due(self, item: FollowUp, published_on: date | None) -> bool:
        """The rule on Highest items long after the review was published (open items only)."""
        return (
            item.priority is Priority.HIGHEST
            and published_on is not None
            and published_on <= self.published_by
        )


@dataclass(frozen=True, slots=True)
class Flag:
    """One reason an item needs attention, in words."""

    kind: Attention
    reason: str


@dataclass(frozen=True, slots=True)
class BlockerReview:
    """An incident whose Highest items are not all closed long after its review was published."""

    incident_id: int
    incident_key: str
    published_on: date
    days_since: int
    open_items: tuple[int, ...]

    @property
    def message(self) -> str:
        """What to do, in one sentence."""
        count = len(self.open_items)
        items = "item is" if count == 1 else "items are"
        return (
            f"{self.incident_key}: {count} Highest-priority {items} still open "
            f"{self.days_since} days after the review was published on "
            f"{self.published_on.isoformat()}; hold a review of what blocks them."
        )


@dataclass(frozen=True, slots=True)
class AttentionReport:
    """The flags of every item that needs attention, and the incidents due a blocker review."""

    flags: Mapping[int, tuple[Flag, ...]] = field(default_factory=dict)
    reviews: tuple[BlockerReview, ...] = ()

    @property
    def count(self) -> int:
        """How many items need attention."""
        return len(self.flags)

    def of(self, item_id: int | None) -> tuple[Flag, ...]:
        """The flags of one item (empty when it needs no attention)."""
        return self.flags.get(item_id, ()) if item_id is not None else ()

    def badges(self, item_id: int | None) -> list[str]:
        """The distinct badges of one item, in rule order."""
        return list(dict.fromkeys(flag.kind.badge for flag in self.of(item_id)))

    def counts(self) -> AttentionCounts:
        """How many items need attention, and how many for each reason."""
        by_reason = dict.fromkeys(Attention, 0)
        for found in self.flags.values():
            for kind in {flag.kind for flag in found}:
                by_reason[kind] += 1
        return AttentionCounts(self.count, by_reason)


_REASON_WORDS = {
    Attention.OVERDUE: "overdue",
    Attention.BLOCKER_REVIEW: "Highest still open",
    Attention.LANGUISHING: "languishing",
    Attention.SENIOR_REVIEW: "senior review due",
}


@dataclass(frozen=True, slots=True)
class AttentionCounts:
    """How many items need attention, and how many of them for each reason."""

    items: int = 0
    by_reason: Mapping[Attention, int] = field(default_factory=dict)

    @property
    def reasons(self) -> int:
        """How many reasons there are in all (an item may have several)."""
        return sum(self.by_reason.values())

    def sentence(self) -> str:
        """'4 items need attention, for 6 reasons: 3 overdue, …': the numbers add up."""
        if not self.items:
            return "Nothing needs attention."
        parts = ", ".join(
            f"{self.by_reason[kind]:,} {_REASON_WORDS[kind]}"
            for kind in Attention
            if self.by_reason.get(kind)
        )
        noun = "item needs" if self.items == 1 else "items need"
        if self.reasons == self.items:
            return f"{self.items:,} {noun} attention: {parts}."
        return f"{self.items:,} {noun} attention, for {self.reasons:,} reasons: {parts}."


def _days(count: int) -> str:
    return "1 day" if count == 1 else f"{count} days"


def assess(
    items: Iterable[FollowUp],
    *,
    regions: RegionMap,
    published: Mapping[int, date],
    settings: AttentionSettings,
    today: date,
) -> AttentionReport:
    """Apply every attention rule to `items` as of `today`.

    `published` maps an incident id to the day its review was published (incidents whose
    review is not published are absent). Items without an id are ignored.
    """
    rules = Cutoffs.of(settings, today)
    flags: dict[int, list[Flag]] = {}
    waiting_review: dict[int, list[FollowUp]] = {}

    def flag(item: FollowUp, kind: Attention, reason: str) -> None:
        assert item.id is not None
        flags.setdefault(item.id, []).append(Flag(kind, reason))

    for item in items:
        if item.id is None or item.is_closed:
            continue
        if rules.overdue(item):
            assert item.due is not None
            late = (today - item.due).days
            flag(item, Attention.OVERDUE, f"Due on {item.due.isoformat()}, {_days(late)} ago.")
        if rules.blocker_review_due(item, published.get(item.incident_id)):
            waiting_review.setdefault(item.incident_id, []).append(item)
        if rules.languishing(item):
            assert item.opened_on is not None
            age = (today - item.opened_on).days
            flag(
                item,
                Attention.LANGUISHING,
                f"Monitoring work open for {_days(age)} (the limit is "
                f"{_days(settings.languishing_days)}): ship a smaller version, or drop it.",
            )
        if rules.senior_review_due(item, regions.at(item.value, item.feasibility)):
            assert item.next_senior_review is not None
            flag(
                item,
                Attention.SENIOR_REVIEW,
                f"The senior review planned for {item.next_senior_review.isoformat()} has "
                "passed: review it with senior leads and set the next date.",
            )

    reviews: list[BlockerReview] = []
    for incident_id, waiting in waiting_review.items():
        published_on = published[incident_id]
        since = (today - published_on).days
        reviews.append(
            BlockerReview(
                incident_id=incident_id,
                incident_key=waiting[0].incident_key,
                published_on=published_on,
                days_since=since,
                open_items=tuple(sorted(i.id for i in waiting if i.id is not None)),
            )
        )
        for item in waiting:
            flag(item, Attention.BLOCKER_REVIEW, blocker_reason(since, settings))

    order = list(Attention)
    return AttentionReport(
        flags={
            item_id: tuple(sorted(found, key=lambda f: order.index(f.kind)))
            for item_id, found in flags.items()
        },
        reviews=tuple(sorted(reviews, key=lambda r: (r.published_on, r.incident_key))),
    )


def blocker_reason(since: int, settings: AttentionSettings) -> str:
    """Why an open Highest item needs a review of what blocks it."""
    return (
        f"Highest priority and still open {_days(since)} after the review was published "
        f"(the limit is {_days(settings.highest_review_days)}): hold a review of what "
        "blocks it."
    )
