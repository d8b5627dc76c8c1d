"""Fuzzy times and the durations between them.

ML incidents rarely have a crisp start: "impact began" is a range. A FuzzyTime keeps the
earliest and latest plausible instants, the author's best guess, a confidence and a note.
An exact time is the special case earliest == latest. Durations between fuzzy times are
ranges too, never a single number pretending to be precise.

Some times are known only to the day ("5 Aug 2025"): their precision is DAY. Such a time is
a range of whole calendar days, from the first day's midnight to the midnight after the last
day (UTC, the zone days are stored in), with the best guess at noon of its day; it is shown
as the days themselves, never as an invented hour.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from hindsight.core.enums import Confidence, Marker, Phase

# The years a record keeps (an import refuses times outside them; the editor's date fields
# offer no others, so everything made in the app can be exported and brought back).
FIRST_YEAR = 1900
LAST_YEAR = 2999


class FuzzyTimeError(ValueError):
    """A fuzzy time whose parts contradict each other."""


class Precision(StrEnum):
    """How finely a time is known."""

    MINUTE = "minute"  # a moment (or a range of moments) on the clock
    DAY = "day"  # only the calendar day (or days) is known


_DAY = timedelta(days=1)
_NOON = timedelta(hours=12)


def day_start(day: date) -> datetime:
    """Midnight (UTC) at the start of `day`."""
    return datetime.combine(day, time(0), tzinfo=UTC)


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
    precision: Precision = Precision.MINUTE

    def __post_init__(self) -> None:
        for name in ("earliest", "latest", "best"):
            object.__setattr__(self, name, ensure_utc(getattr(self, name)))
        object.__setattr__(self, "confidence", Confidence(self.confidence))
        object.__setattr__(self, "precision", Precision(self.precision))
        if self.precision is Precision.DAY:
            # Whole days whatever the clock readings given: a day-precise time never carries
            # an hour that nobody knew.
            first, last = self.earliest.date(), self.latest.date()
            if self.latest == day_start(last) and last > first:
                last -= _DAY  # already the midnight after the last day
            if last < first:
                raise FuzzyTimeError("the earliest day is after the latest day")
            best = self.best.date()
            if best == last + _DAY and self.best == day_start(best):
                best = last  # the closing midnight belongs to the last day
            if not first <= best <= last:
                raise FuzzyTimeError("the best guess must lie between the earliest and latest days")
            object.__setattr__(self, "earliest", day_start(first))
            object.__setattr__(self, "latest", day_start(last) + _DAY)
            object.__setattr__(self, "best", day_start(best) + _NOON)
        if self.earliest > self.latest:
            raise FuzzyTimeError("the earliest time is after the latest time")
        if not self.earliest <= self.best <= self.latest:
            raise FuzzyTimeError("the best guess must lie between the earliest and latest times")

    @classmethod
    def exact(cls, moment: datetime, note: str = "") -> FuzzyTime:
        """A time known to the instant."""
        return cls(moment, moment, moment, Confidence.HIGH, note)

    @classmethod
    def days(
        cls,
        first: date,
        last: date | None = None,
        best: date | None = None,
        confidence: Confidence = Confidence.MEDIUM,
        note: str = "",
    ) -> FuzzyTime:
        """A time known only to the day: on `first`, or some day from `first` to `last`."""
        last = first if last is None else last
        if last < first:
            raise FuzzyTimeError("the earliest day is after the latest day")
        chosen = best if best is not None else first if last == first else None
        start, end = day_start(first), day_start(last) + _DAY
        guess = day_start(chosen) + _NOON if chosen else start + (end - start) / 2
        return cls(start, end, guess, confidence, note, Precision.DAY)

    @property
    def is_exact(self) -> bool:
        """True when the range has no width (never for a day-precise time)."""
        return self.earliest == self.latest

    @property
    def by_day(self) -> bool:
        """True when only the day (or days) is known."""
        return self.precision is Precision.DAY

    @property
    def first_day(self) -> date:
        """The earliest day the time may fall on."""
        return self.earliest.date()

    @property
    def last_day(self) -> date:
        """The latest day the time may fall on (for a day-precise time, its last day)."""
        if self.precision is Precision.DAY:
            return (self.latest - _DAY).date()
        return self.latest.date()

    @property
    def best_day(self) -> date:
        """The day of the best guess."""
        return self.best.date()

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


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day_text(day: date) -> str:
    """A day as people write it, e.g. '5 Aug 2025' (the same words in every locale)."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def days_text(when: FuzzyTime) -> str:
    """A day-precise time in words: '5 Aug 2025', or '5–7 Aug 2025 (best 6 Aug 2025)'."""
    first, last = when.first_day, when.last_day
    if first == last:
        return day_text(first)
    if (first.year, first.month) == (last.year, last.month):
        span = f"{first.day}–{last.day} {_MONTHS[last.month - 1]} {last.year}"
    elif first.year == last.year:
        span = f"{first.day} {_MONTHS[first.month - 1]} – {day_text(last)}"
    else:
        span = f"{day_text(first)} – {day_text(last)}"
    return f"{span} (best {day_text(when.best_day)})"


class OrderProblem(StrEnum):
    """How badly two milestones disagree with the phase order."""

    IMPOSSIBLE = "impossible"  # the later milestone must have happened before the earlier one
    DOUBTFUL = "doubtful"  # possible, but the best guesses are in the wrong order


@dataclass(frozen=True, slots=True)
class OrderIssue:
    """Milestone `later` is placed before milestone `earlier` although its phase comes after."""

    earlier: Phase
    later: Phase | Marker  # a milestone, or a response moment that cannot precede `earlier`
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


def fuzzy_to_data(when: FuzzyTime) -> dict[str, str]:
    """A fuzzy time as plain JSON data (instants as ISO 8601 in UTC), for storing in a row."""
    return {
        "earliest": when.earliest.isoformat(),
        "latest": when.latest.isoformat(),
        "best": when.best.isoformat(),
        "confidence": when.confidence.value,
        "note": when.note,
        "precision": when.precision.value,
    }


def fuzzy_from_data(data: Mapping[str, str]) -> FuzzyTime:
    """The fuzzy time stored by fuzzy_to_data."""
    return FuzzyTime(
        datetime.fromisoformat(data["earliest"]),
        datetime.fromisoformat(data["latest"]),
        datetime.fromisoformat(data["best"]),
        Confidence(data.get("confidence", Confidence.MEDIUM.value)),
        data.get("note", ""),
        Precision(data.get("precision", Precision.MINUTE.value)),
    )
