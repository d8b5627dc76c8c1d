"""A chart's hash is worked out once, and is the hash of what it compares by."""

from __future__ import annotations

import pickle
from dataclasses import fields
from datetime import date

from hindsight.core.insights_model import Category, Chart, ChartKind, RangePoint, Role, Series


def chart(shortest: float = 1.0, note: str = "") -> Chart:
    return Chart(
        key="time_to_detect",
        section="Timing",
        title="Time to detect",
        kind=ChartKind.RANGES,
        categories=(Category("2025-01", "Jan 2025"),),
        series=(Series("median_best", "Median", (2.0,), (frozenset({1}),), Role.LINE),),
        category_axis="Month",
        value_axis="Hours",
        covered=1,
        unknown=0,
        note=note,
        ranges=(RangePoint(1, "INC-1", date(2025, 1, 3), 0.1, shortest, 2.0, 3.0),),
    )


def test_equal_charts_hash_alike_and_find_each_other() -> None:
    first, second = chart(), chart()
    assert first is not second
    hash(first)  # kept by the first, not yet by the second
    assert first == second
    assert hash(first) == hash(second)
    kept = {(first, 640, 300): "pixels"}
    assert kept[(second, 640, 300)] == "pixels"


def test_the_hash_is_that_of_the_compared_fields() -> None:
    made = chart()
    compared = tuple(getattr(made, f.name) for f in fields(made) if f.compare)
    assert hash(made) == hash(compared)
    assert hash(chart(shortest=1.5)) != hash(made)
    assert hash(chart(note="other")) != hash(made)


def test_a_copy_made_elsewhere_works_its_hash_out_again() -> None:
    made = chart()
    hash(made)
    copied = pickle.loads(pickle.dumps(made))
    assert copied == made
    assert not copied._hash  # a hash of another process's text hashes never travels
    assert hash(copied) == hash(made)
