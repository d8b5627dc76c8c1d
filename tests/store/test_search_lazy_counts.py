"""Several clauses: each word's incidents (its rows in the incidents' own fields, any column)
are counted only where they are needed.

With several text clauses every hit must match, the counts of each word are read without
that count (Counts.incidents NOT_COUNTED); the compiler asks for it only where the word's
rows per place leave open how its summary is scored (bm25 up to BM25_LIMIT incidents) or
which clause is rarest, and for the rarest clause (whether to narrow). The statements, their
parameters and so every answer must be those of counting everything first.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hindsight.core.enums import Phase, Severity
from hindsight.core.fuzzy_time import FuzzyTime
from hindsight.core.incident import Incident, TeamInvolvement, TimelineEvent
from hindsight.core.search_query import parse
from hindsight.core.search_results import SearchRequest
from hindsight.services.workspace import Workspace
from hindsight.store import search as search_module
from hindsight.store import search_sql

from .search_words import WORDS, some_words

pytestmark = pytest.mark.sqlite_only("the FTS5 index's statements")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    """100 incidents, each word in its own share of their fields."""
    path = tmp_path_factory.mktemp("lazy") / "lazy.sqlite"
    workspace = Workspace.open(path)
    rng = random.Random(5)
    start = datetime(2026, 1, 1, tzinfo=UTC)

    def some(low: int, high: int) -> str:
        return some_words(rng, low, high)

    for number in range(100):
        moment = FuzzyTime.exact(start + timedelta(hours=number))
        workspace.incidents.add(
            Incident(
                title=some(0, 2),
                summary=some(0, 6),
                severity=rng.choice(list(Severity)),
                systems=[w for w in WORDS if rng.random() < 0.15],
                events=[
                    TimelineEvent(moment, Phase.DETECTION, some(1, 3))
                    for _ in range(rng.randint(0, 2))
                ],
                teams=[TeamInvolvement("Finance", some(0, 2)) for _ in range(rng.randint(0, 1))],
            )
        )
    try:
        yield workspace
    finally:
        workspace.close()


def _clause() -> st.SearchStrategy[str]:
    word = st.sampled_from(WORDS)
    return st.one_of(
        word,
        word,
        word.map(lambda w: f"{w[:3]}*"),
        st.tuples(word, word).map(lambda pair: f'"{pair[0]} {pair[1]}"'),
        st.tuples(word, word).map(lambda pair: f"{pair[0]} OR {pair[1]}"),
        word.map(lambda w: f"-{w}"),
        st.sampled_from(["severity:SEV1", "-severity:SEV3"]),
    )


queries = st.lists(_clause(), min_size=1, max_size=4).map(" ".join)


def _compile(
    workspace: Workspace, text: str, *, lazy: bool, exact_total: bool, limit: int = 10
) -> tuple[search_sql.CompiledQuery, search_module._Counter]:
    index = workspace.search.index
    request = SearchRequest(parse(text), limit=limit, exact_total=exact_total)
    with index.database.read() as session:  # type: ignore[attr-defined]
        connection = search_module._driver(session)
        counter = search_module._Counter(connection, lazy=lazy)
        compiled = index._compile(connection, request, counter)  # type: ignore[attr-defined]
    return compiled, counter


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=queries, limit=st.sampled_from([3, 5, 8, 12, 20, 40, 5000]), exact=st.booleans())
def test_counting_incidents_only_where_needed_compiles_the_same_statements(
    world: Workspace, text: str, limit: int, exact: bool
) -> None:
    # BM25_LIMIT scaled to the world, so that words fall on both sides of it and between
    # the bounds of their rows per place.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search_sql, "BM25_LIMIT", limit)
        eager, _ = _compile(world, text, lazy=False, exact_total=exact)
        lazy, _ = _compile(world, text, lazy=True, exact_total=exact)
    assert lazy == eager, text


def test_the_search_reads_counts_without_incidents_for_several_clauses(
    world: Workspace,
) -> None:
    request = SearchRequest(parse("kestrel latency"))
    assert search_sql.several_required(request)
    assert not search_sql.several_required(SearchRequest(parse("kestrel -latency")))
    assert not search_sql.several_required(SearchRequest(parse("kestrel OR latency")))
    assert search_sql.several_required(SearchRequest(parse('"kestrel feeder" latency OR drift')))


@pytest.mark.parametrize("bm25_limit", [5, search_sql.BM25_LIMIT])
def test_a_common_word_beside_a_rare_one_is_not_counted_in_the_incidents(
    world: Workspace, monkeypatch: pytest.MonkeyPatch, bm25_limit: int
) -> None:
    # latency is in most incidents' fields, kestrel in few: latency is not the rarest
    # whatever its count, and it is scored by bm25 (every place holds fewer than the default
    # limit) or by presence (one place holds more than 5) either way: its incidents need no
    # count. Kestrel's are counted when its summaries are scored by bm25: whether narrowing
    # pays asks how many of its incidents have latency too.
    monkeypatch.setattr(search_sql, "BM25_LIMIT", bm25_limit)
    compiled, counter = _compile(world, "latency kestrel", lazy=True, exact_total=False)
    assert '"latency"' not in counter.own
    assert counter.known['"latency"'].incidents == search_sql.NOT_COUNTED
    if bm25_limit > 5:
        assert '"kestrel"' in counter.own
    eager, _ = _compile(world, "latency kestrel", lazy=False, exact_total=False)
    assert compiled == eager
    assert world.search.search("latency kestrel", limit=5, exact_total=False).hits


def test_a_word_whose_scoring_is_open_by_its_bounds_is_counted(
    world: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, counter = _compile(world, "latency kestrel", lazy=True, exact_total=False)
    counts = counter.known['"latency"']
    low, high = max(counts.columns.values()), sum(counts.columns.values())
    assert low < high, "latency should be in several places of some incidents"
    monkeypatch.setattr(search_sql, "BM25_LIMIT", low)  # between its bounds
    _, counter = _compile(world, "latency kestrel", lazy=True, exact_total=False)
    assert '"latency"' in counter.own
    with world.database.read() as session:
        exact = (
            session.connection()
            .exec_driver_sql(search_sql.INCIDENTS_SQL, ('"latency"',))
            .scalar_one()
        )
    assert counter.own['"latency"'] == exact
