"""Counting a word's records of each kind in a few packed sums gives the plain counts."""

from __future__ import annotations

import random
import sqlite3

import pytest

from hindsight.store.search_schema import INCIDENT_SHIFT, PART_SHIFT, PARTS, fts5_available
from hindsight.store.search_sql import _packing, part_counts, part_counts_sql

pytestmark = pytest.mark.skipif(not fts5_available(), reason="needs SQLite's FTS5")


@pytest.mark.parametrize("children", [0, 1, 127, 128, 32767, 32768, 524287, 524288, 2**40])
def test_every_packing_fits_its_counts_in_63_bits(children: int) -> None:
    per_sum, bits = _packing(children)
    assert per_sum * bits >= 64 or per_sum == 1  # the next kind shifts out of the sum
    assert (per_sum - 1) * bits + children.bit_length() <= 63 or per_sum == 1


@pytest.mark.parametrize("children", [10, 200, 40_000, 600_000, 2**40])
def test_packed_sums_count_each_kind(children: int) -> None:
    # A search_child of records of every kind, their rowids as the index makes them; the
    # packing is the one for `children` matching records (however many there are here).
    rng = random.Random(children)
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE VIRTUAL TABLE search_child USING fts5(a, b, c)")
    expected = [0] * len(PARTS)
    rows = []
    for record in range(1, 400):
        kind = rng.choice([p.code for p in PARTS if p.code != 2])  # one kind never occurs
        incident = rng.randint(1, 2**27 - 1)
        text = rng.choice(("kestrel feeder", "feeder", "memory"))
        rowid = (incident << INCIDENT_SHIFT) + (kind << PART_SHIFT) + record
        rows.append((rowid, text))
        if "kestrel" in text:
            expected[kind] += 1
    connection.executemany("INSERT INTO search_child(rowid, a) VALUES (?, ?)", rows)
    row = connection.execute(part_counts_sql(children), {"m": '"kestrel"'}).fetchone()
    assert part_counts(children, row) == tuple(expected)
    assert expected[2] == 0 and sum(expected) > 0
