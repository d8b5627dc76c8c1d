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
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from enum import StrEnum
from typing import Any

from hindsight.core.followup_regions import RegionMap
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
    flags: dict[int, list[Flag]] = {}
    open_highest: dict[int, list[FollowUp]] = {}

    def flag(item: FollowUp, kind: Attention, reason: str) -> None:
        assert item.id is not None
        flags.setdefault(item.id, []).append(Flag(kind, reason))

    for item in items:
        if item.id is None or item.is_closed:
            continue
        if item.due is not None:
            late = (today - item.due).days
            if late > settings.overdue_grace_days:
                flag(item, Attention.OVERDUE, f"Due on {item.due.isoformat()}, {_days(late)} ago.")
        if item.priority is Priority.HIGHEST:
            open_highest.setdefault(item.incident_id, []).append(item)
        opened = item.opened_on
        if item.kind is FollowUpKind.MONITORING and opened is not None:
            age = (today - opened).days
            if age > settings.languishing_days:
                flag(
                    item,
                    Attention.LANGUISHING,
                    f"Monitoring work open for {_days(age)} (the limit is "
                    f"{_days(settings.languishing_days)}): ship a smaller version, or drop it.",
                )
        region = regions.at(item.value, item.feasibility)
        planned = item.next_senior_review
        if region.strategic and planned is not None and planned < today:
            flag(
                item,
                Attention.SENIOR_REVIEW,
                f"The senior review planned for {planned.isoformat()} has passed: review it with "
                "senior leads and set the next date.",
            )

    reviews: list[BlockerReview] = []
    for incident_id, waiting in open_highest.items():
        published_on = published.get(incident_id)
        if published_on is None:
            continue
        since = (today - published_on).days
        if since < settings.highest_review_days:
            continue
        review = BlockerReview(
            incident_id=incident_id,
            incident_key=waiting[0].incident_key,
            published_on=published_on,
            days_since=since,
            open_items=tuple(sorted(i.id for i in waiting if i.id is not None)),
        )
        reviews.append(review)
        for item in waiting:
            flag(
                item,
                Attention.BLOCKER_REVIEW,
                f"Highest priority and still open {_days(since)} after the review was published "
                f"(the limit is {_days(settings.highest_review_days)}): hold a review of what "
                "blocks it.",
            )

    order = list(Attention)
    return AttentionReport(
        flags={
            item_id: tuple(sorted(found, key=lambda f: order.index(f.kind)))
            for item_id, found in flags.items()
        },
        reviews=tuple(sorted(reviews, key=lambda r: (r.published_on, r.incident_key))),
    )
