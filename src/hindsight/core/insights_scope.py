"""Which incidents the insights cover (the scope), and the periods time is counted in.

A scope is a plain value: a date range on the day impact began, severities, tags, systems and
teams. Every criterion left empty accepts everything; within one criterion any listed value
matches (tags "data" or "capacity"), and all criteria must hold. `saved_search` is the seam
for scoping by a saved search once search exists: the caller resolves it to incident ids and
passes them as `incident_ids`; nothing here knows how searches work.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from hindsight.core.enums import Severity


class Period(StrEnum):
    """How time is grouped on the charts."""

    MONTH = "month"
    QUARTER = "quarter"

    @property
    def label(self) -> str:
        """The word shown on an axis."""
        return "Month" if self is Period.MONTH else "Quarter"


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True, slots=True, order=True)
class PeriodSlot:
    """One month or quarter: `index` is the month (1-12) or the quarter (1-4)."""

    year: int
    index: int
    period: Period = field(compare=False)

    @classmethod
    def of(cls, day: date, period: Period) -> PeriodSlot:
        """The month or quarter `day` falls in."""
        if period is Period.MONTH:
            return cls(day.year, day.month, period)
        return cls(day.year, (day.month - 1) // 3 + 1, period)

    @property
    def key(self) -> str:
        """A stable key: '2025-03' or '2025-Q1'."""
        if self.period is Period.MONTH:
            return f"{self.year}-{self.index:02d}"
        return f"{self.year}-Q{self.index}"

    @property
    def label(self) -> str:
        """A short label for an axis: 'Mar 2025' or 'Q1 2025'."""
        if self.period is Period.MONTH:
            return f"{_MONTHS[self.index - 1]} {self.year}"
        return f"Q{self.index} {self.year}"

    @property
    def first_day(self) -> date:
        """The first day of the period."""
        month = self.index if self.period is Period.MONTH else (self.index - 1) * 3 + 1
        return date(self.year, month, 1)

    @property
    def days(self) -> int:
        """How many days the period has."""
        return (self.next().first_day - self.first_day).days

    def next(self) -> PeriodSlot:
        """The period after this one."""
        size = 12 if self.period is Period.MONTH else 4
        if self.index == size:
            return PeriodSlot(self.year + 1, 1, self.period)
        return PeriodSlot(self.year, self.index + 1, self.period)

    def fraction(self, day: date) -> float:
        """How far into this period `day` lies, from 0 (first day) to just under 1."""
        return (day - self.first_day).days / self.days


def period_span(first: date, last: date, period: Period) -> list[PeriodSlot]:
    """Every period from the one holding `first` to the one holding `last`, empty ones too."""
    if last < first:
        return []
    slot, end = PeriodSlot.of(first, period), PeriodSlot.of(last, period)
    slots = [slot]
    while slot < end:
        slot = slot.next()
        slots.append(slot)
    return slots


AUTOMATIC_MONTHS = 24  # an axis this many months long or longer is counted in quarters


def automatic_period(first: date | None, last: date | None) -> Period:
    """Months for up to two years of incidents; quarters beyond, so bars stay readable."""
    if first is None or last is None:
        return Period.MONTH
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    return Period.QUARTER if months > AUTOMATIC_MONTHS else Period.MONTH


def _words(values: Iterable[str]) -> frozenset[str]:
    return frozenset(v.strip() for v in values if v and v.strip())


@dataclass(frozen=True, slots=True)
class Scope:
    """What the insights cover; an empty criterion accepts everything."""

    start: date | None = None  # first day of impact start, inclusive
    end: date | None = None  # last day, inclusive
    severities: frozenset[Severity] = frozenset()
    tags: frozenset[str] = frozenset()
    systems: frozenset[str] = frozenset()
    teams: frozenset[str] = frozenset()
    saved_search: str = ""  # the name of a saved search scoping the figures
    search_query: str = ""  # or a search query typed for this scope alone
    incident_ids: frozenset[int] | None = None  # what the search matched (None: not run yet)

    def __post_init__(self) -> None:
        object.__setattr__(self, "severities", frozenset(map(Severity, self.severities)))
        for name in ("tags", "systems", "teams"):
            object.__setattr__(self, name, _words(getattr(self, name)))
        if self.incident_ids is not None:
            object.__setattr__(self, "incident_ids", frozenset(self.incident_ids))

    @property
    def problems(self) -> list[str]:
        """What makes the scope unusable, in sentences; empty when it is sound."""
        if self.start is not None and self.end is not None and self.end < self.start:
            return [
                f"The scope ends ({self.end.isoformat()}) before it starts "
                f"({self.start.isoformat()}); swap the dates."
            ]
        return []

    @property
    def narrows(self) -> bool:
        """False when the scope takes every incident (accepts() is then True for any)."""
        return bool(
            self.incident_ids is not None
            or self.start is not None
            or self.end is not None
            or self.severities
            or self.tags
            or self.systems
            or self.teams
        )

    def accepts(
        self,
        incident_id: int,
        day: date,
        severity: Severity,
        tags: Iterable[str],
        systems: Iterable[str],
        teams: Iterable[str],
    ) -> bool:
        """True when an incident with these facts lies in the scope."""
        if self.incident_ids is not None and incident_id not in self.incident_ids:
            return False
        if self.start is not None and day < self.start:
            return False
        if self.end is not None and day > self.end:
            return False
        if self.severities and severity not in self.severities:
            return False
        for wanted, present in ((self.tags, tags), (self.systems, systems), (self.teams, teams)):
            if wanted and wanted.isdisjoint(present):
                return False
        return True

    def describe(self) -> str:
        """The scope in words, e.g. 'impact began 2025-01-01 to 2025-03-31; SEV1, SEV2'."""
        parts: list[str] = []
        if self.start and self.end:
            parts.append(f"impact began {self.start.isoformat()} to {self.end.isoformat()}")
        elif self.start:
            parts.append(f"impact began on or after {self.start.isoformat()}")
        elif self.end:
            parts.append(f"impact began on or before {self.end.isoformat()}")
        if self.severities:
            parts.append(", ".join(s.value for s in sorted(self.severities)))
        for name, values in (("tag", self.tags), ("system", self.systems), ("team", self.teams)):
            if values:
                noun = name if len(values) == 1 else f"{name}s"
                parts.append(f"{noun} {', '.join(sorted(values, key=str.casefold))}")
        if self.saved_search:
            parts.append(f"saved search “{self.saved_search}”")
        if self.search_query.strip():
            parts.append(f"search “{self.search_query.strip()}”")
        return "; ".join(parts) if parts else "all incidents"

    def to_mapping(self) -> dict[str, Any]:
        """The scope as plain data (for the JSON export and settings)."""
        return {
            "from": self.start.isoformat() if self.start else None,
            "to": self.end.isoformat() if self.end else None,
            "severities": sorted(s.value for s in self.severities),
            "tags": sorted(self.tags, key=str.casefold),
            "systems": sorted(self.systems, key=str.casefold),
            "teams": sorted(self.teams, key=str.casefold),
            "saved_search": self.saved_search or None,
            "search_query": self.search_query.strip() or None,
        }

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Scope:
        """A scope from plain data; ValueError naming the field when a value is unusable."""

        def day(name: str) -> date | None:
            text = data.get(name)
            if text in (None, ""):
                return None
            try:
                return date.fromisoformat(str(text))
            except ValueError as error:
                raise ValueError(f"{name}: {text!r} is not a date like 2025-01-31") from error

        try:
            severities = frozenset(Severity(s) for s in data.get("severities") or ())
        except ValueError as error:
            raise ValueError(f"severities: {error}") from error
        return cls(
            start=day("from"),
            end=day("to"),
            severities=severities,
            tags=frozenset(data.get("tags") or ()),
            systems=frozenset(data.get("systems") or ()),
            teams=frozenset(data.get("teams") or ()),
            saved_search=str(data.get("saved_search") or ""),
            search_query=str(data.get("search_query") or ""),
        )

    @property
    def searched(self) -> bool:
        """True when a saved search or a query narrows the scope."""
        return bool(self.saved_search.strip() or self.search_query.strip())
