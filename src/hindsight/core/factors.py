"""Contributing factors: the separate causes an incident may have, each with its own dates.

One incident can hold several causes that overlapped: three bugs that each began, were found
and were fixed on their own days. A factor has its own trigger, the kinds of change it
implicates, the scope it hurt, and fuzzy dates (began, detected, mitigated, resolved).

The incident's milestones can be set by the author or derived across its factors: impact
began when the first factor began, the owners first knew when the first factor was detected,
and the incident was mitigated (resolved) when the last factor was. A milestone the author
sets always wins over the derived one. Durations are given per factor too, because a span
from one factor's start to another factor's fix measures nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from hindsight.core.enums import Confidence, Phase
from hindsight.core.fuzzy_time import (
    DurationRange,
    FuzzyTime,
    Precision,
    duration_between,
)

MAX_FACTOR_TITLE = 300
_CONFIDENCE_ORDER = (Confidence.LOW, Confidence.MEDIUM, Confidence.HIGH)


class FactorDate(StrEnum):
    """The moments dated for each contributing factor."""

    BEGAN = "began"
    DETECTED = "detected"
    MITIGATED = "mitigated"
    RESOLVED = "resolved"

    @property
    def label(self) -> str:
        """How the dialog and every export name the moment ("Detected")."""
        return self.value.capitalize()

    @property
    def milestone(self) -> Phase:
        """The incident milestone this date contributes to."""
        return _MILESTONE_OF[self]


_MILESTONE_OF: dict[FactorDate, Phase] = {
    FactorDate.BEGAN: Phase.OUTAGE_BEGINS,
    FactorDate.DETECTED: Phase.DETECTION,
    FactorDate.MITIGATED: Phase.MITIGATION,
    FactorDate.RESOLVED: Phase.RESOLUTION,
}
# The first factor to begin (or be found) starts the incident's phase; the last to be
# mitigated (or resolved) ends it.
_FIRST = frozenset({FactorDate.BEGAN, FactorDate.DETECTED})


@dataclass
class ContributingFactor:
    """One cause of the incident, with its own trigger, scope and dates."""

    title: str
    description: str = ""  # Markdown: what went wrong and how
    trigger_kind: str = ""  # an option of the bank's trigger-kind question; "" when not said
    implicated: list[str] = field(default_factory=list)  # kinds of change it implicates
    scope: str = ""  # whom or what it hurt: "0.8% of requests, 16% in the worst hour"
    dates: dict[FactorDate, FuzzyTime] = field(default_factory=dict)
    id: int | None = None

    def __post_init__(self) -> None:
        self.dates = {FactorDate(k): v for k, v in self.dates.items()}

    def durations(self) -> dict[str, DurationRange | None]:
        """Time to detect, mitigate and resolve this factor, from when it began."""
        start = self.dates.get(FactorDate.BEGAN)
        found: dict[str, DurationRange | None] = {}
        if start is None:
            return found
        for name, end in (
            ("time_to_detect", FactorDate.DETECTED),
            ("time_to_mitigate", FactorDate.MITIGATED),
            ("time_to_resolve", FactorDate.RESOLVED),
        ):
            if end in self.dates:
                found[name] = duration_between(start, self.dates[end])
        return found


def factor_problems(factor: ContributingFactor) -> list[str]:
    """What is wrong with `factor`, in sentences; empty when it is sound."""
    found = []
    if not factor.title.strip():
        found.append("A contributing factor needs a short title.")
    if len(factor.title) > MAX_FACTOR_TITLE:
        found.append(f"The factor's title is longer than {MAX_FACTOR_TITLE} characters.")
    order = list(FactorDate)
    for i, earlier in enumerate(order):
        for later in order[i + 1 :]:
            a, b = factor.dates.get(earlier), factor.dates.get(later)
            if a is not None and b is not None and b.latest < a.earliest:
                found.append(f"“{factor.title}”: {later.value} is before {earlier.value}.")
    return found


def _lowest(confidences: Iterable[Confidence]) -> Confidence:
    return min(confidences, key=_CONFIDENCE_ORDER.index)


def _combined(times: Sequence[FuzzyTime], first: bool, note: str) -> FuzzyTime:
    """The earliest (first=True) or latest of several fuzzy times, as a fuzzy time.

    Taking the minimum (maximum) of each bound keeps earliest <= best <= latest.
    """
    pick = min if first else max
    precision = (
        Precision.DAY if all(t.precision is Precision.DAY for t in times) else Precision.MINUTE
    )
    return FuzzyTime(
        pick(t.earliest for t in times),
        pick(t.latest for t in times),
        pick(t.best for t in times),
        _lowest(t.confidence for t in times),
        note,
        precision,
    )


def derived_milestones(factors: Sequence[ContributingFactor]) -> dict[Phase, FuzzyTime]:
    """The incident's milestones as its factors date them.

    Began and detected come from the first factor to reach them; mitigated and resolved
    from the last, and only once every factor has reached them.
    """
    derived: dict[Phase, FuzzyTime] = {}
    if not factors:
        return derived
    count = len(factors)
    for moment in FactorDate:
        times = [f.dates[moment] for f in factors if moment in f.dates]
        if not times:
            continue
        first = moment in _FIRST
        if not first and len(times) < count:
            continue  # some factor is not mitigated (resolved) yet, so the incident is not
        which = "first" if first else "last"
        noun = "factor" if count == 1 else f"of {count} contributing factors"
        note = (
            f"From the contributing factor ({moment.value})"
            if count == 1
            else f"The {which} {noun} to be {moment.value}"
            if moment is not FactorDate.BEGAN
            else f"The first {noun} to begin"
        )
        derived[moment.milestone] = _combined(times, first, note)
    return derived


def effective_milestones(
    milestones: Mapping[Phase, FuzzyTime], factors: Sequence[ContributingFactor]
) -> dict[Phase, FuzzyTime]:
    """The milestones the author set, with those only the factors date filled in."""
    merged = derived_milestones(factors)
    merged.update(milestones)
    return merged
