"""The plain data of insights: what goes in (facts per incident) and what comes out (charts).

Facts are the few fields the figures read, loaded by set-based queries without full records.
A chart is numbers and labels only: the view draws it, the report tabulates it and the JSON
export writes it, so all three show the same figures. Every chart says how many incidents it
covers and how many of them had no answer; the "no answer" group is a bar (or a stack) of its
own, keyed "unknown", never dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any, NamedTuple

from hindsight.core.enums import Phase, Severity
from hindsight.core.fuzzy_time import FuzzyTime
from hindsight.core.impact import ImpactMeasure
from hindsight.core.insights_scope import Period, Scope
from hindsight.core.review import AnswerStatus, ChangeKind, ReviewStatus, Verdict

UNKNOWN = "unknown"  # the key of every "no answer" category or series
TRIGGER_QUESTION = "trigger.kind"
DETECTION_QUESTION = "detection.source"
# Detection sources meaning people outside the owning team noticed before any monitor did.
PUBLIC_SOURCES = frozenset({"end_users", "customers_partners", "support"})
# The trigger option by which an author says the kind is not known: counted as no answer.
UNKNOWN_TRIGGER = "unknown"


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def microseconds(moment: datetime) -> int:
    """`moment` as whole microseconds since 1970 (exact, for quick duration arithmetic)."""
    return (moment - _EPOCH) // _MICROSECOND


@dataclass(frozen=True, slots=True)
class IncidentFacts:
    """What the figures need to know of one incident."""

    id: int
    key: str
    severity: Severity
    created_at: datetime
    tags: tuple[str, ...] = ()
    systems: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    milestones: Mapping[Phase, FuzzyTime] = field(default_factory=dict)
    review_status: ReviewStatus = ReviewStatus.DRAFT
    published_at: datetime | None = None  # the last publication, when published now
    trigger_kind: str | None = None  # the chosen option id, when answered
    detection_source: str | None = None
    verdicts: Mapping[ChangeKind, Verdict] = field(default_factory=dict)
    answers_recorded: int = 0  # answer rows of any status
    left_open: Mapping[str, AnswerStatus] = field(default_factory=dict)  # unknown or N/A
    impacts: tuple[ImpactMeasure, ...] = ()  # the numbers only: no slice, source or note
    # Each milestone's (earliest, latest, best) in microseconds, worked out once: durations
    # over thousands of incidents are then integer arithmetic.
    instants: Mapping[Phase, tuple[int, int, int]] = field(init=False, compare=False, repr=False)
    # What the figures work out from these facts alone (its day, its durations), kept so a
    # change of scope does not work it out again. Facts never change: a new save is new facts.
    memo: dict[Any, Any] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        # As microseconds() does, written out: this runs for every milestone of every
        # incident of a first read.
        epoch, unit = _EPOCH, _MICROSECOND
        object.__setattr__(
            self,
            "instants",
            {
                phase: (
                    (t.earliest - epoch) // unit,
                    (t.latest - epoch) // unit,
                    (t.best - epoch) // unit,
                )
                for phase, t in self.milestones.items()
            },
        )
        object.__setattr__(self, "memo", {})


@dataclass(frozen=True, slots=True)
class Wording:
    """Labels the figures use that come from data a team may change (bank, regions)."""

    trigger_options: tuple[tuple[str, str], ...] = ()  # (option id, label), in bank order
    detection_options: tuple[tuple[str, str], ...] = ()
    prompts: Mapping[str, str] = field(default_factory=dict)  # question id -> prompt
    change_labels: Mapping[ChangeKind, str] = field(default_factory=dict)  # in bank order


class ChartKind(StrEnum):
    """How a chart is drawn."""

    COLUMNS = "columns"  # vertical bars, series stacked
    GROUPED = "grouped"  # vertical bars, series side by side
    BARS = "bars"  # horizontal bars, series stacked (long category names)
    RANGES = "ranges"  # one range per incident over time, with per-period medians
    TABLE = "table"  # numbers in mixed units: shown as a table, never drawn


class Role(StrEnum):
    """What a series is on its chart."""

    BAR = "bar"
    LINE = "line"  # drawn over the bars, on the secondary axis when the chart has one
    TABLE = "table"  # only in the table of numbers (counts behind a median, bounds)


@dataclass(frozen=True, slots=True)
class Category:
    """One position on the category axis: a period, a kind of trigger, a team ..."""

    key: str
    label: str

    @property
    def unknown(self) -> bool:
        """True for the 'no answer' category."""
        return self.key == UNKNOWN


@dataclass(frozen=True, slots=True)
class Series:
    """One value per category, with the incidents behind each value (for filtering)."""

    key: str
    label: str
    values: tuple[float | None, ...]
    ids: tuple[frozenset[int], ...] = ()  # incident ids per category; empty for lines
    role: Role = Role.BAR

    @property
    def unknown(self) -> bool:
        """True for the 'no answer' series."""
        return self.key == UNKNOWN


class RangePoint(NamedTuple):
    """One incident's fuzzy duration: at least `shortest`, at most `longest`, probably `best`.

    A named tuple rather than a dataclass: charts over thousands of incidents make many.
    """

    incident_id: int
    key: str
    day: date  # the day impact began (or the fallback day), placing it in time
    position: float  # on the category axis: period index plus the fraction of the period
    shortest: float
    best: float
    longest: float


@dataclass(frozen=True, slots=True)
class Chart:
    """One figure: its numbers, its labels, and how much of the scope it covers."""

    key: str
    section: str
    title: str
    kind: ChartKind
    categories: tuple[Category, ...]
    series: tuple[Series, ...]
    category_axis: str
    value_axis: str  # with its unit, e.g. "Incidents" or "Hours (log scale)"
    covered: int  # incidents the chart covers
    unknown: int  # of those, how many had no answer
    note: str = ""  # what is measured, and what counts as no answer
    unit: str = ""  # of the values: "incidents", "items", "hours", "days", "%"
    line_axis: str = ""  # the secondary axis of a LINE series, when it has its own
    ranges: tuple[RangePoint, ...] = ()
    items: int | None = None  # follow-up items behind a follow-up chart
    covers: str = "incident"  # what `covered` counts, singular
    # The hash, worked out once: the view keys the pixels it keeps by chart, and a chart of
    # thousands of ranges took up to 2 ms to hash each time it was looked up.
    _hash: list[int] = field(default_factory=list, init=False, compare=False, repr=False)

    def __hash__(self) -> int:
        if not self._hash:
            self._hash.append(hash(tuple(getattr(self, f.name) for f in fields(self) if f.compare)))
        return self._hash[0]

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        # Made anew from its fields: a hash kept from another process (whose text hashes
        # differ) must not travel with it.
        return type(self), tuple(getattr(self, f.name) for f in fields(self) if f.init)

    def series_of(self, key: str) -> Series:
        """The series called `key`."""
        for series in self.series:
            if series.key == key:
                return series
        raise KeyError(key)

    def value(self, series: str, category: str) -> float | None:
        """One number of the chart, by series and category key."""
        index = [c.key for c in self.categories].index(category)
        return self.series_of(series).values[index]

    def ids(self, series: str, category: str) -> frozenset[int]:
        """The incidents behind one number."""
        index = [c.key for c in self.categories].index(category)
        found = self.series_of(series).ids
        return found[index] if found else frozenset()

    @property
    def empty(self) -> bool:
        """True when the chart has nothing to draw (a table: no rows)."""
        if self.kind is ChartKind.TABLE:
            return not self.categories
        return not self.ranges and not any(
            v for s in self.series if s.role is not Role.TABLE for v in s.values
        )

    def coverage_text(self) -> str:
        """'Covers 40 incidents; 3 had no answer.' (or items for follow-up charts)."""
        noun = self.covers if self.covered == 1 else f"{self.covers}s"
        text = f"Covers {self.covered} {noun}"
        if self.items is not None:
            text += f" and their {self.items} follow-up item{'s' if self.items != 1 else ''}"
        return f"{text}; {self.unknown} had no answer."

    def to_mapping(self) -> dict[str, Any]:
        """The chart as plain data (the JSON export); incident ids are left out."""
        return {
            "key": self.key,
            "section": self.section,
            "title": self.title,
            "kind": self.kind.value,
            "category_axis": self.category_axis,
            "value_axis": self.value_axis,
            "line_axis": self.line_axis or None,
            "unit": self.unit,
            "covered": self.covered,
            "covers": self.covers,
            "unknown": self.unknown,
            "items": self.items,
            "note": self.note,
            "categories": [{"key": c.key, "label": c.label} for c in self.categories],
            "series": [
                {"key": s.key, "label": s.label, "role": s.role.value, "values": list(s.values)}
                for s in self.series
            ],
            "ranges": [
                {
                    "incident": r.key,
                    "day": r.day.isoformat(),
                    "shortest": r.shortest,
                    "best": r.best,
                    "longest": r.longest,
                }
                for r in self.ranges
            ],
        }


@dataclass(frozen=True, slots=True)
class Insights:
    """Every chart over one scope, as of one day."""

    scope: Scope
    period: Period
    today: date
    incidents: int  # in scope
    items: int  # follow-up items of those incidents
    charts: tuple[Chart, ...]
    first_day: date | None = None  # of the incidents in scope
    last_day: date | None = None

    def chart(self, key: str) -> Chart:
        """The chart called `key`."""
        for chart in self.charts:
            if chart.key == key:
                return chart
        raise KeyError(key)

    @property
    def sections(self) -> tuple[str, ...]:
        """The chart sections, in order."""
        return tuple(dict.fromkeys(c.section for c in self.charts))

    def to_mapping(self) -> dict[str, Any]:
        """Every figure as plain data."""
        return {
            "scope": self.scope.to_mapping(),
            "scope_text": self.scope.describe(),
            "period": self.period.value,
            "today": self.today.isoformat(),
            "incidents": self.incidents,
            "followups": self.items,
            "first_day": self.first_day.isoformat() if self.first_day else None,
            "last_day": self.last_day.isoformat() if self.last_day else None,
            "charts": [chart.to_mapping() for chart in self.charts],
        }
