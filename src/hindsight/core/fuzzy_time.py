"""Fuzzy times and the durations between them.

ML incidents rarely have a crisp start: "impact began" is a range. A FuzzyTime keeps the
earliest and latest plausible instants, the author's best guess, a confidence and a note.
An exact time is the special case earliest == latest. Durations between fuzzy times are
ranges too, never a single number pretending to be precise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from hindsight.core.enums import Confidence, Phase


class FuzzyTimeError(ValueError):
    """A fuzzy time whose parts contradict each other."""


def ensure_utc(moment: datetime) -> datetime:
    """Return `moment` in UTC; naive datetimes are refused, since their zone is unknowable."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise FuzzyTimeError("a time without a time zone cannot be placed on the timeline")
    return moment.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class FuzzyTime:
    """An instant known only to lie between `earliest` and `latest`."""

    earliest: datetime
    latest: datetime
    best: datetime
    confidence: Confidence = Confidence.MEDIUM
    note: str = ""

    def __post_init__(self) -> None:
        for name in ("earliest", "latest", "best"):
            object.__setattr__(self, name, ensure_utc(getattr(self, name)))
        object.__setattr__(self, "confidence", Confidence(self.confidence))
        if self.earliest > self.latest:
            raise FuzzyTimeError("the earliest time is after the latest time")
        if not self.earliest <= self.best <= self.latest:
            raise FuzzyTimeError("the best guess must lie between the earliest and latest times")

    @classmethod
    def exact(cls, moment: datetime, note: str = "") -> FuzzyTime:
        """A time known to the instant."""
        return cls(moment, moment, moment, Confidence.HIGH, note)

    @property
    def is_exact(self) -> bool:
        """True when the range has no width."""
        return self.earliest == self.latest

    @property
    def width(self) -> timedelta:
        """How wide the uncertainty is."""
        return self.latest - self.earliest

    def with_note(self, note: str) -> FuzzyTime:
        """A copy with another note."""
        return replace(self, note=note)


@dataclass(frozen=True, slots=True)
class DurationRange:
    """How long something took: at least `shortest`, at most `longest`, probably `best`."""

    shortest: timedelta
    longest: timedelta
    best: timedelta

    @property
    def is_exact(self) -> bool:
        """True when start and end were both exact."""
        return self.shortest == self.longest

    def describe(self) -> str:
        """A compact human reading such as '2 d – 5 d (best 3 d 4 h)'."""
        if self.is_exact:
            return format_duration(self.best)
        low, high = format_duration(self.shortest), format_duration(self.longest)
        return f"{low} – {high} (best {format_duration(self.best)})"


def duration_between(start: FuzzyTime, end: FuzzyTime) -> DurationRange | None:
    """The range of durations from `start` to `end`; None when `end` must precede `start`."""
    longest = end.latest - start.earliest
    if longest < timedelta(0):
        return None
    shortest = max(timedelta(0), end.earliest - start.latest)
    best = min(max(end.best - start.best, shortest), longest)
    return DurationRange(shortest, longest, best)


def format_duration(span: timedelta) -> str:
    """Two most significant units, e.g. '3 d 4 h', '45 min', '0 min'."""
    minutes = int(span.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts: list[str] = []
    if days:
        parts.append(f"{days} d")
    if hours:
        parts.append(f"{hours} h")
    if mins and not days:
        parts.append(f"{mins} min")
    return " ".join(parts[:2]) or "0 min"


class OrderProblem(StrEnum):
    """How badly two milestones disagree with the phase order."""

    IMPOSSIBLE = "impossible"  # the later milestone must have happened before the earlier one
    DOUBTFUL = "doubtful"  # possible, but the best guesses are in the wrong order


@dataclass(frozen=True, slots=True)
class OrderIssue:
    """Milestone `later` is placed before milestone `earlier` although its phase comes after."""

    earlier: Phase
    later: Phase
    problem: OrderProblem


def check_order(milestones: Mapping[Phase, FuzzyTime]) -> list[OrderIssue]:
    """Every pair of milestones whose times contradict the order of their phases."""
    present = sorted(milestones, key=lambda phase: phase.position)
    issues: list[OrderIssue] = []
    for i, first in enumerate(present):
        for second in present[i + 1 :]:
            a, b = milestones[first], milestones[second]
            if b.latest < a.earliest:
                issues.append(OrderIssue(first, second, OrderProblem.IMPOSSIBLE))
            elif b.best < a.best:
                issues.append(OrderIssue(first, second, OrderProblem.DOUBTFUL))
    return issues


# The headline durations of a review, all measured from when users were first affected.
HEADLINE_DURATIONS: tuple[tuple[str, Phase, Phase], ...] = (
    ("time_to_detect", Phase.OUTAGE_BEGINS, Phase.DETECTION),
    ("time_to_mitigate", Phase.OUTAGE_BEGINS, Phase.MITIGATION),
    ("time_to_resolve", Phase.OUTAGE_BEGINS, Phase.RESOLUTION),
)


def headline_durations(milestones: Mapping[Phase, FuzzyTime]) -> dict[str, DurationRange | None]:
    """Time to detect, mitigate and resolve, for the milestones that are known."""
    result: dict[str, DurationRange | None] = {}
    for name, start, end in HEADLINE_DURATIONS:
        if start in milestones and end in milestones:
            result[name] = duration_between(milestones[start], milestones[end])
    return result
