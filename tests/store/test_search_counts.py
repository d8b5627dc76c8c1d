"""Counting a word's records of each kind (by their rowids' ranges, or in a few packed sums for
a prefix) gives the plain counts."""

from __future__ import annotations

import random
import sqlite3

import pytest

from hindsight.store.search_schema import (
    ACCESS_COLUMNS,
    CHILD_COLUMNS,
    INCIDENT_COLUMNS,
    INCIDENT_VOCABULARY,
    PARTS,
    child_rowid,
    fts5_available,
)
from hindsight.store.search_sql import (
    VOCABULARY_SQL,
    _packing,
    counted_places,
    counts_by_kind,
    counts_of,
    counts_params,
    counts_sql,
    part_counts,
    part_counts_sql,
    single_token,
    word_counts_of,
    word_counts_sql,
)

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
        rowid = child_rowid(kind, incident, record)
        rows.append((rowid, text))
        if "kestrel" in text:
            expected[kind] += 1
    connection.executemany("INSERT INTO search_child(rowid, a) VALUES (?, ?)", rows)
    row = connection.execute(part_counts_sql(children), {"m": '"kestrel"'}).fetchone()
    assert part_counts(children, row) == tuple(expected)
    assert expected[2] == 0 and sum(expected) > 0


# Which of the texts below each literal matches.
MATCHED = {
    '"kestrel"': {"kestrel feeder", "feeder kestrel"},
    '"kestrel feeder"': {"kestrel feeder"},
    '"kest" *': {"kestrel feeder", "feeder kestrel", "kestrels"},
    '"feeder"': {"kestrel feeder", "feeder kestrel"},
}


def _index_tables() -> sqlite3.Connection:
    """An in-memory database with the index's three FTS5 tables, empty."""
    connection = sqlite3.connect(":memory:")
    for table, columns in (
        ("search_incident", INCIDENT_COLUMNS),
        ("search_child", CHILD_COLUMNS),
        ("search_access", ACCESS_COLUMNS),
    ):
        connection.execute(f"CREATE VIRTUAL TABLE {table} USING fts5({', '.join(columns)})")
    return connection


@pytest.mark.parametrize("literal", list(MATCHED))
def test_each_kind_is_counted_by_its_range_of_rowids(literal: str) -> None:
    # Records of every kind but one, of incidents from the smallest id to the largest; a
    # prefix is counted by one pass over its records instead, with the same counts.
    rng = random.Random(literal)
    connection = _index_tables()
    connection.execute("INSERT INTO search_incident(rowid, title) VALUES (1, 'kestrel feeder')")
    connection.execute("INSERT INTO search_access(rowid, notes) VALUES (1, 'kestrels')")
    expected = [0] * len(PARTS)
    rows = []
    for record in range(1, 400):
        kind = rng.choice([p.code for p in PARTS if p.code != 5])
        incident = rng.choice((1, 2, rng.randint(1, 2**27 - 1), 2**27 - 1))
        text = rng.choice(("kestrel feeder", "feeder kestrel", "memory", "kestrels"))
        rows.append((child_rowid(kind, incident, (2**32 - 1) - record), text))
        expected[kind] += text in MATCHED[literal]
    connection.executemany("INSERT INTO search_child(rowid, a) VALUES (?, ?)", rows)
    params = counts_params(literal)
    if counts_by_kind(literal):
        counts = counts_of(connection.execute(counts_sql(), params).fetchone())
    else:
        row = connection.execute(counts_sql(by_kind=False), params).fetchone()
        kinds = connection.execute(part_counts_sql(row[-1]), {"m": literal}).fetchone()
        counts = counts_of(row, part_counts(row[-1], kinds))
    assert counts_by_kind(literal) == (literal != '"kest" *')
    assert counts.parts == tuple(expected)
    assert counts.children == sum(expected) > 0 and expected[5] == 0
    assert counts.incidents == 1 and counts.columns["title"] == 1
    assert counts.access == (1 if literal == '"kest" *' else 0)


def test_a_word_is_counted_per_column_from_the_vocabulary() -> None:
    # Rows holding a word in one column, in two of a place's columns (systems and tags: the
    # vocabulary would count such a row twice), deleted rows, and other words.
    connection = _index_tables()
    connection.execute(
        f"CREATE VIRTUAL TABLE {INCIDENT_VOCABULARY} USING fts5vocab(search_incident, 'col')"
    )
    rows = [
        (1, "HS-1", "Kestrel feeder", "", "kestrel", "", "kestrel"),
        (2, "HS-2", "feeder", "a KESTREL and a kestrel", "", "", ""),
        (3, "HS-3", "", "", "", "kestrel", ""),
        (4, "HS-4", "kestrel", "kestrel", "kestrel", "kestrel", "kestrel"),
        (5, "kestrel", "", "", "", "", ""),
    ]
    connection.executemany(
        "INSERT INTO search_incident(rowid, key, title, summary, systems, models, tags) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    connection.execute("DELETE FROM search_incident WHERE rowid = 4")
    record = child_rowid(1, 3, 9)
    connection.execute("INSERT INTO search_child(rowid, a) VALUES (?, 'kestrel')", (record,))
    for literal, token in (('"kestrel"', "kestrel"), ('"Feeder"', "feeder"), ('"owl"', "owl")):
        assert single_token(literal) == token
        vocabulary = dict(connection.execute(VOCABULARY_SQL, (token,)).fetchall())
        places = counted_places(vocabulary)
        row = connection.execute(word_counts_sql(places), counts_params(literal)).fetchone()
        counts = word_counts_of(vocabulary, places, row)
        by_match = connection.execute(counts_sql(), counts_params(literal)).fetchone()
        assert counts == counts_of(by_match)
    assert counted_places({"systems": 1, "tags": 1}) == ("{systems models tags}",)
    assert counts.incidents == 0
    kestrel = word_counts_of(
        dict(connection.execute(VOCABULARY_SQL, ("kestrel",)).fetchall()),
        ("{systems models tags}",),
        connection.execute(
            word_counts_sql(("{systems models tags}",)), counts_params('"kestrel"')
        ).fetchone(),
    )
    assert kestrel.incidents == 4 and kestrel.columns["{systems models tags}"] == 2
    assert kestrel.parts[1] == 1 and kestrel.children == 1
    for literal in ('"kest" *', '"kestrel feeder"', '"café"', '"a-b"', "kestrel"):
        assert single_token(literal) is None
