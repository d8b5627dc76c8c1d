"""The SQLite index ranks as its documentation says, whatever shortcuts its SQL takes.

The reference here scores every matching incident the straightforward way: one plain FTS5
query per place a word can be (each column of an incident, the records it owns, the
data-access log), each place's weight times the word's idf there (bm25 for the summary of a
word in few incidents), summed per incident in Python and sorted best first, newer first on
ties. The store's answer, ranked ids, pages and totals, must be the same for random queries
over a small random database, for words scored in summaries by bm25 and by presence; pages
asked for without their total too (test_search_lazy_total.py has worlds where the shortcuts
those take, title matches ranked alone and fields walked newest first, are taken).
"""

from __future__ import annotations

import math
import random
import sqlite3
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hindsight.core.enums import Phase, Role
from hindsight.core.fuzzy_time import FuzzyTime
from hindsight.core.incident import Incident, RoleAssignment, TeamInvolvement, TimelineEvent
from hindsight.core.search_query import AnyOf, Not, Text, parse
from hindsight.services.workspace import Workspace
from hindsight.store import search_sql
from hindsight.store.search_schema import PARTS, child_place

pytestmark = pytest.mark.sqlite_only("the FTS5 index's own ranking")

WORDS = ("kestrel", "feeder", "memory", "drift", "canary", "ranker", "schema", "latency")
SUMMARY = 2.5
INCIDENT_PLACES = {"key": 1.0, "title": 10.0, "{systems models tags}": 4.0}
WEIGHT_OF_PART = {part.code: part.weight for part in PARTS}


@pytest.fixture(scope="module")
def ranked_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workspace, Path]]:
    """50 incidents of a few words in titles, summaries, lists, timelines, roles and teams."""
    path = tmp_path_factory.mktemp("ranking") / "ranking.sqlite"
    workspace = Workspace.open(path)
    rng = random.Random(5)
    start = datetime(2026, 1, 1, tzinfo=UTC)

    def some(low: int, high: int) -> str:
        return " ".join(rng.choices(WORDS, k=rng.randint(low, high)))

    for number in range(50):
        moment = FuzzyTime.exact(start + timedelta(hours=number))
        workspace.incidents.add(
            Incident(
                title=some(1, 3),
                summary=some(0, 20),
                systems=rng.sample(WORDS, k=rng.randint(0, 2)),
                tags=rng.sample(WORDS, k=rng.randint(0, 1)),
                events=[
                    TimelineEvent(moment, Phase.DETECTION, some(1, 6))
                    for _ in range(rng.randint(0, 3))
                ],
                roles=[
                    RoleAssignment(Role.INCIDENT_COMMANDER, "Amara", note=some(0, 2))
                    for _ in range(rng.randint(0, 1))
                ],
                teams=[TeamInvolvement("Finance", some(0, 3)) for _ in range(rng.randint(0, 2))],
            )
        )
    try:
        yield workspace, path
    finally:
        workspace.close()


def _idf(matching: int, total: int) -> float:
    total = max(total, matching)
    return math.log(1.0 + (total - matching + 0.5) / (matching + 0.5))


def _literal(text: Text) -> str:
    return '"' + text.text.replace('"', '""') + '"' + (" *" if text.prefix else "")


def _leaf_scores(connection: sqlite3.Connection, text: Text) -> dict[int, float]:
    """Every incident `text` matches, with its score for it, place by place."""
    literal = _literal(text)
    total = connection.execute("SELECT count(*) FROM incidents").fetchone()[0]

    def rows(sql: str, match: str) -> list[tuple]:
        return connection.execute(sql, (match,)).fetchall()

    places: list[dict[int, float]] = []
    for column, weight in INCIDENT_PLACES.items():
        found = rows(
            "SELECT rowid FROM search_incident WHERE search_incident MATCH ?",
            f"{column} : {literal}",
        )
        places.append({i: weight * _idf(len(found), total) for (i,) in found})
    anywhere = rows("SELECT rowid FROM search_incident WHERE search_incident MATCH ?", literal)
    summary = f"summary : {literal}"
    if len(anywhere) > search_sql.BM25_LIMIT:
        found = rows("SELECT rowid FROM search_incident WHERE search_incident MATCH ?", summary)
        places.append({i: SUMMARY * _idf(len(found), total) for (i,) in found})
    else:
        found = rows(
            "SELECT rowid, bm25(search_incident, 0, 0, 1, 0, 0, 0) FROM search_incident "
            "WHERE search_incident MATCH ?",
            summary,
        )
        places.append({i: SUMMARY * -score for i, score in found})
    records = rows("SELECT rowid FROM search_child WHERE search_child MATCH ?", literal)
    per_kind: dict[int, int] = defaultdict(int)
    pairs: set[tuple[int, int]] = set()
    for (rowid,) in records:
        incident, kind = child_place(rowid)
        per_kind[kind] += 1
        pairs.add((incident, kind))
    children: dict[int, float] = defaultdict(float)
    for incident, kind in pairs:
        children[incident] += WEIGHT_OF_PART[kind] * _idf(per_kind[kind], total)
    places.append(children)
    revisions = rows("SELECT count(*) FROM search_access WHERE search_access MATCH ?", literal)
    accessed = rows(
        "SELECT DISTINCT a.incident_id FROM search_access JOIN data_access_revisions r "
        "ON r.id = search_access.rowid JOIN data_accesses a ON a.id = r.access_id "
        "WHERE search_access MATCH ? AND r.number = (SELECT max(x.number) "
        "FROM data_access_revisions x WHERE x.access_id = r.access_id)",
        literal,
    )
    places.append({i: _idf(revisions[0][0], total) for (i,) in accessed})
    scores: dict[int, float] = defaultdict(float)
    for place in places:
        for incident, score in place.items():
            scores[incident] += score
    return dict(scores)


def reference_ranking(path: Path, query_text: str) -> list[tuple[int, float]]:
    """(incident, score) of every match of a query of text clauses and exclusions, best
    first, ties newest first."""
    connection = sqlite3.connect(path)
    try:
        scores: dict[int, float] | None = None
        excluded: set[int] = set()
        for clause in parse(query_text).clauses:
            if isinstance(clause, Not):
                assert isinstance(clause.operand, Text)
                excluded |= set(_leaf_scores(connection, clause.operand))
                continue
            operands = clause.operands if isinstance(clause, AnyOf) else (clause,)
            clause_scores: dict[int, float] = defaultdict(float)
            for operand in operands:
                assert isinstance(operand, Text)
                for incident, score in _leaf_scores(connection, operand).items():
                    clause_scores[incident] += score
            if scores is None:
                scores = dict(clause_scores)
            else:
                scores = {
                    i: scores[i] + clause_scores[i] for i in scores.keys() & clause_scores.keys()
                }
        kept = {i: s for i, s in (scores or {}).items() if i not in excluded}
    finally:
        connection.close()
    return sorted(kept.items(), key=lambda item: (-item[1], -item[0]))


def _clause() -> st.SearchStrategy[str]:
    word = st.sampled_from(WORDS)
    return st.one_of(
        word,
        word.map(lambda w: f"{w[:3]}*"),
        st.tuples(word, word).map(lambda pair: f'"{pair[0]} {pair[1]}"'),
        st.tuples(word, word).map(lambda pair: f"{pair[0]} OR {pair[1]}"),
    )


queries = st.tuples(
    st.lists(_clause(), min_size=1, max_size=3),
    st.lists(st.sampled_from(WORDS).map(lambda w: f"-{w}"), max_size=1),
).map(lambda parts: " ".join(parts[0] + parts[1]))


def _check(workspace: Workspace, path: Path, text: str, size: int) -> None:
    expected = dict(reference_ranking(path, text))
    ranked = workspace.search.ranked_ids(text)
    assert set(ranked) == set(expected), text
    # Best first. Equal scores (two words with as many matches weigh the same) may differ
    # in their last bits by the order they were added in, so the order is compared to a
    # millionth; the tie rule between exact equals is test_search_paging's.
    ordered = [round(expected[incident], 6) for incident in ranked]
    assert ordered == sorted(ordered, reverse=True), text
    everything = workspace.search.search(text, limit=1000, snippets=0)
    assert [hit.incident_id for hit in everything.hits] == ranked, text
    for hit in everything.hits:
        assert hit.score == pytest.approx(expected[hit.incident_id], abs=1e-4), text
    page = workspace.search.search(text, limit=size, snippets=0)
    assert page.total == len(expected), text
    assert workspace.search.count(text) == len(expected), text  # counted without scoring
    assert [hit.incident_id for hit in page.hits] == ranked[:size], text
    check_page_without_total(workspace, text, size, ranked, expected)


def check_page_without_total(
    workspace: Workspace, text: str, size: int, ranked: list[int], expected: dict[int, float]
) -> None:
    """Pages asked for without their total: the same hits and scores as the ranking's, and
    a total that is exact when it says so, else a lower bound above the page."""
    for offset in (0, size, 2 * size):
        page = workspace.search.search(
            text, limit=size, offset=offset, snippets=0, exact_total=False
        )
        assert [hit.incident_id for hit in page.hits] == ranked[offset : offset + size], text
        for hit in page.hits:
            assert hit.score == pytest.approx(expected[hit.incident_id], abs=1e-4), text
        if page.total_exact:
            assert page.total == len(expected), text
        else:
            assert offset + len(page.hits) < page.total <= len(expected), text
        assert page.has_more == (offset + len(page.hits) < len(expected)), text


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=queries, size=st.integers(min_value=1, max_value=12))
def test_the_ranking_is_the_straightforward_one(
    ranked_world: tuple[Workspace, Path], text: str, size: int
) -> None:
    workspace, path = ranked_world
    _check(workspace, path, text, size)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=queries, size=st.integers(min_value=1, max_value=12))
def test_the_ranking_is_the_straightforward_one_for_common_words(
    ranked_world: tuple[Workspace, Path], text: str, size: int
) -> None:
    # Words in more incidents than BM25_LIMIT are scored in summaries by presence.
    workspace, path = ranked_world
    saved = search_sql.BM25_LIMIT
    search_sql.BM25_LIMIT = 3
    try:
        _check(workspace, path, text, size)
    finally:
        search_sql.BM25_LIMIT = saved


def test_a_word_found_nowhere_matches_nothing_at_once(
    ranked_world: tuple[Workspace, Path],
) -> None:
    workspace, _ = ranked_world
    assert workspace.search.search("platypus kestrel").total == 0
    assert workspace.search.ranked_ids("kestrel platypus*") == []
    assert workspace.search.search("kestrel OR platypus").total == len(
        workspace.search.ranked_ids("kestrel")
    )


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=queries)
def test_snippets_asked_apart_are_those_of_the_page(
    ranked_world: tuple[Workspace, Path], text: str
) -> None:
    # A page's snippets read the kinds of record from the counts its search made; snippets
    # asked for on their own (the list's rows on screen) look the kinds up themselves.
    workspace, _ = ranked_world
    page = workspace.search.search(text, limit=20)
    apart = workspace.search.snippets(text, [hit.incident_id for hit in page.hits])
    assert {hit.incident_id: hit.snippets for hit in page.hits if hit.snippets} == apart


@pytest.mark.parametrize("clauses", [2, 15, 16, 20])
def test_many_clauses_rank_the_straightforward_way(
    ranked_world: tuple[Workspace, Path], clauses: int
) -> None:
    # Which clauses an incident has is told by one sum of bits per clause; past 62 bits
    # (16 clauses here) each clause is tested on its own.
    workspace, path = ranked_world
    words = [WORDS[n % 3] for n in range(clauses - 1)] + ["fee* OR ranker"]
    _check(workspace, path, " ".join(words), 5)
    _check(workspace, path, " ".join(words[1:]) + " -schema", 5)
