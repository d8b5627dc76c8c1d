"""Small helpers the insight figures share: counting into series, medians, durations."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from datetime import timedelta

from hindsight.core.insights_model import UNKNOWN, Category, Role, Series

DECIMALS = 3  # hours and days are rounded to this many decimals, so figures compare exactly


class Tally:
    """Counts things into (series, category) cells and keeps the incidents behind each cell."""

    def __init__(self, categories: Sequence[Category], series: Sequence[tuple[str, str]]) -> None:
        self.categories = list(categories)
        self._labels = dict(series)
        self._index = {c.key: n for n, c in enumerate(self.categories)}
        self._counts = {key: [0] * len(self.categories) for key, _ in series}
        self._ids: dict[str, list[set[int]]] = {
            key: [set() for _ in self.categories] for key, _ in series
        }

    def add(self, series: str, category: str, incident_id: int) -> None:
        """Count one thing of `incident_id` in a cell."""
        index = self._index[category]
        self._counts[series][index] += 1
        self._ids[series][index].add(incident_id)

    def add_many(self, series: str, cells: Iterable[tuple[str, int]]) -> None:
        """add() for many (category, incident id) pairs of one series."""
        index, counts, ids = self._index, self._counts[series], self._ids[series]
        for category, incident_id in cells:
            position = index[category]
            counts[position] += 1
            ids[position].add(incident_id)

    def put(self, series: str, category: str, ids: set[int]) -> None:
        """Set a cell to the incidents `ids`, counted once each."""
        index = self._index[category]
        self._counts[series][index] = len(ids)
        self._ids[series][index] = ids

    def count(self, series: str, category: str) -> int:
        """What one cell holds."""
        return self._counts[series][self._index[category]]

    def total(self, series: str | None = None) -> int:
        """Everything counted (in one series, when given)."""
        keys = [series] if series is not None else list(self._counts)
        return sum(sum(self._counts[key]) for key in keys)

    def series(self, *, drop_empty: bool = False) -> tuple[Series, ...]:
        """The counts as series, in the order they were declared.

        With `drop_empty`, a series with nothing in it is left out, except the "no answer"
        one: a zero there is an answer too.
        """
        made: list[Series] = []
        for key, label in self._labels.items():
            counts = self._counts[key]
            if drop_empty and key != UNKNOWN and not any(counts):
                continue
            made.append(
                Series(
                    key,
                    label,
                    tuple(counts),
                    tuple(frozenset(ids) for ids in self._ids[key]),
                    Role.BAR,
                )
            )
        return tuple(made)


def hours(span: timedelta) -> float:
    """A duration in hours, rounded to DECIMALS."""
    return round(span.total_seconds() / 3600, DECIMALS)


def days(span: timedelta) -> float:
    """A duration in days, rounded to DECIMALS."""
    return round(span.total_seconds() / 86400, DECIMALS)


def median(values: Iterable[float]) -> float | None:
    """The median, rounded to DECIMALS; None for no values."""
    found = list(values)
    if not found:
        return None
    return round(float(statistics.median(found)), DECIMALS)


def share(part: int, whole: int) -> float | None:
    """`part` as a percentage of `whole`, one decimal; None when `whole` is 0."""
    return round(100 * part / whole, 1) if whole else None
