"""Impact measures: what an incident cost, as numbers with their uncertainty and their slice.

Real postmortems state impact as numbers: "1.21B queries lost", "0.8% of requests, 16% in the
worst hour", "about 30% of users of one product". A measure keeps what was measured, a value
or a range (like a fuzzy time: the lowest and highest plausible values and a best guess, any
of which may be unknown), the unit, the slice of users or traffic it applies to, and where the
number comes from. A measure without any number ("error budget exceeded many times over") is
allowed: its note says it in words.

Totals across incidents add only what can be added: measures in the same unit, never shares
(a percentage of one incident's traffic does not add to another's); shares are compared.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

MAX_MEASURE = 200
MAX_UNIT = 40
MAX_SLICE = 500
SHARE_UNITS = frozenset({"%", "percent", "per cent", "pct"})


@dataclass(frozen=True, slots=True)
class ImpactMeasure:
    """One measured (or estimated) cost of the incident."""

    measure: str  # what was measured: "Queries lost", "Requests with degraded answers"
    low: float | None = None  # the lowest plausible value
    high: float | None = None  # the highest plausible value
    best: float | None = None  # the best estimate, or the one value stated
    unit: str = ""  # "queries", "%", "USD", "users"
    slice: str = ""  # whom or what it applies to: "Sonnet 4 requests, worst hour"
    source: str = ""  # how it was measured, or where the number was found
    note: str = ""  # anything else, or the whole statement when there is no number
    id: int | None = None

    @property
    def has_number(self) -> bool:
        """True when any of low, best or high is known."""
        return any(v is not None for v in (self.low, self.best, self.high))

    @property
    def is_share(self) -> bool:
        """True for a percentage: compared across incidents, never added up."""
        return unit_key(self.unit) in SHARE_UNITS

    @property
    def central(self) -> float | None:
        """The single value a comparison uses: the best guess, else the middle of the range."""
        if self.best is not None:
            return self.best
        if self.low is not None and self.high is not None:
            return (self.low + self.high) / 2
        return self.low if self.low is not None else self.high

    def value_text(self) -> str:
        """The value as people read it: '1.21 billion queries', '25–35% (best 30%)'."""
        low, high, best = self.low, self.high, self.best
        if low is not None and high is not None:
            text = f"{number_text(low)}–{with_unit(high, self.unit)}"
            if low == high:
                text = with_unit(low, self.unit)
            elif best is not None:
                text += f" (best {with_unit(best, self.unit)})"
            return text
        if low is not None:
            text = f"at least {with_unit(low, self.unit)}"
        elif high is not None:
            text = f"at most {with_unit(high, self.unit)}"
        elif best is not None:
            return with_unit(best, self.unit)
        else:
            return ""
        if best is not None:
            text += f" (best {with_unit(best, self.unit)})"
        return text

    def text(self) -> str:
        """One line: what was measured, its value, and for whom."""
        parts = [self.measure.strip()]
        value = self.value_text()
        if value:
            parts[0] += f": {value}"
        elif self.note.strip():
            parts[0] += f": {' '.join(self.note.split())}"
        if self.slice.strip():
            parts.append(f"({' '.join(self.slice.split())})")
        return " ".join(parts)


def unit_key(unit: str) -> str:
    """A unit as compared: case and spacing aside, and every way of writing a share as '%'."""
    key = " ".join(unit.split()).casefold()
    return "%" if key in SHARE_UNITS else key


def number_text(value: float) -> str:
    """A number as people write it: '1.21 billion', '12,500', '0.8'."""
    size = abs(value)
    if size >= 1e15:
        return f"{value:.3g}"  # '2.5e+15', not '2.5e+03 trillion'
    for scale, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if size >= scale:
            return f"{value / scale:,.3g} {word}"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.6g}"


def with_unit(value: float, unit: str) -> str:
    """A number and its unit: '16%', '1.21 billion queries', '40 USD'."""
    unit = " ".join(unit.split())
    if not unit:
        return number_text(value)
    if unit_key(unit) in SHARE_UNITS:
        return f"{number_text(value)}%"
    return f"{number_text(value)} {unit}"


def problems(measure: ImpactMeasure) -> list[str]:
    """What is wrong with `measure`, in sentences naming the field; empty when it is sound."""
    found: list[str] = []
    if not measure.measure.strip():
        found.append("Say what was measured (for example: queries lost, requests failing).")
    for limit, value, what in (
        (MAX_MEASURE, measure.measure, "The name of what was measured"),
        (MAX_UNIT, measure.unit, "The unit"),
        (MAX_SLICE, measure.slice, "The slice"),
    ):
        if len(value) > limit:
            found.append(f"{what} is longer than {limit} characters; shorten it.")
    numbers = {"lowest": measure.low, "highest": measure.high, "best": measure.best}
    for name, number in numbers.items():
        if number is not None and (isinstance(number, bool) or not math.isfinite(number)):
            found.append(f"The {name} value must be a finite number.")
    if found:
        return found
    low, high, best = measure.low, measure.high, measure.best
    if low is not None and high is not None and low > high:
        found.append("The lowest value is above the highest; swap them.")
    if best is not None and low is not None and best < low:
        found.append("The best estimate is below the lowest value.")
    if best is not None and high is not None and best > high:
        found.append("The best estimate is above the highest value.")
    if not measure.has_number and not measure.note.strip():
        found.append("Give a value or a range, or say in the note what is known.")
    return found


def headline(measures: Sequence[ImpactMeasure]) -> str:
    """The first measure with a number (else the first one), as one line for the list.

    The value leads ('1.21 billion queries · Queries lost'): a narrow column cuts the end off.
    """
    for measure in measures:
        if measure.has_number:
            named = " ".join(measure.measure.split())
            if measure.slice.strip():
                named += f" ({' '.join(measure.slice.split())})"
            return f"{measure.value_text()} · {named}" if named else measure.value_text()
    return measures[0].text() if measures else ""


@dataclass(frozen=True, slots=True)
class UnitSummary:
    """The measures of many incidents that share a unit: added up, or (shares) compared."""

    unit: str  # as first written
    share: bool  # True: percentages, compared rather than added
    measures: tuple[str, ...]  # the distinct names of what was measured
    incidents: tuple[int, ...]  # incidents with a number in this unit
    low: float = 0.0  # total of the lowest plausible values (best or high when unknown)
    best: float = 0.0  # total of the central values
    high: float = 0.0  # total of the highest plausible values (best or low when unknown)
    smallest: float | None = None  # for shares: the smallest central value
    median: float | None = None  # for shares: the median central value
    largest: float | None = None  # for shares: the largest central value
    by_incident: tuple[tuple[int, float], ...] = field(
        default=()
    )  # (incident, central), largest first

    def total_text(self) -> str:
        """The sum (or, for shares, the spread) in words."""
        if self.share:
            assert self.smallest is not None and self.median is not None
            assert self.largest is not None
            return (
                f"{with_unit(self.smallest, self.unit)} to {with_unit(self.largest, self.unit)} "
                f"(median {with_unit(self.median, self.unit)})"
            )
        if self.low == self.high:
            return with_unit(self.best, self.unit)
        return (
            f"{number_text(self.low)}–{with_unit(self.high, self.unit)} "
            f"(best {with_unit(self.best, self.unit)})"
        )


def summarise(measures: Mapping[int, Iterable[ImpactMeasure]]) -> list[UnitSummary]:
    """Per unit, across incidents: totals of amounts and the spread of shares.

    An incident with several measures in one unit counts its largest (they usually describe
    the same cost from different angles, and adding them would count it twice). Measures
    without a number, or without a unit, are left out: there is nothing to add them to.
    """
    groups: dict[str, dict[int, ImpactMeasure]] = {}
    names: dict[str, dict[str, None]] = {}
    written: dict[str, str] = {}
    for incident_id, found in measures.items():
        for measure in found:
            key = unit_key(measure.unit)
            central = measure.central
            if not key or central is None:
                continue
            written.setdefault(key, " ".join(measure.unit.split()))
            names.setdefault(key, {})[" ".join(measure.measure.split())] = None
            held = groups.setdefault(key, {}).get(incident_id)
            if held is None or (held.central or 0.0) < central:
                groups[key][incident_id] = measure
    summaries = []
    for key, chosen in groups.items():
        centrals = {i: m.central for i, m in chosen.items() if m.central is not None}
        ranked = tuple(sorted(centrals.items(), key=lambda pair: (-pair[1], pair[0])))
        share = key in SHARE_UNITS
        values = list(centrals.values())
        if share:
            import statistics  # here: with fractions and decimal, 3 ms that opening a file skips

            summaries.append(
                UnitSummary(
                    unit=written[key],
                    share=True,
                    measures=tuple(names[key]),
                    incidents=tuple(sorted(chosen)),
                    smallest=min(values),
                    median=statistics.median(values),
                    largest=max(values),
                    by_incident=ranked,
                )
            )
            continue
        low = sum(_bound(m, "low") for m in chosen.values())
        high = sum(_bound(m, "high") for m in chosen.values())
        summaries.append(
            UnitSummary(
                unit=written[key],
                share=False,
                measures=tuple(names[key]),
                incidents=tuple(sorted(chosen)),
                low=low,
                best=sum(values),
                high=high,
                by_incident=ranked,
            )
        )
    summaries.sort(key=lambda s: (-len(s.incidents), s.share, unit_key(s.unit)))
    return summaries


def _bound(measure: ImpactMeasure, side: str) -> float:
    value = measure.low if side == "low" else measure.high
    if value is not None:
        return value
    central = measure.central
    return central if central is not None else 0.0
