"""Several text clauses: the rarest one is scored only where every clause matches.

The other clauses' score rows are written to a temporary table first and the incidents
having them all listed from it; the rarest clause's arms (its summaries' bm25 above all) are
then kept to those. The answer must be the one of scoring the rarest clause everywhere: the
same ids in the same order, the same totals and counts, and the same scores to the last bit
(each matching incident's rows are summed in the same order), for random queries of words,
phrases, prefixes, OR groups, exclusions and fields, with the rarest clause first, in the
middle or last. Whether a query is narrowed (few of the rarest clause's incidents have the
others) is tested on a world made for it; the comparison narrows whenever it can.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hindsight.core.enums import Phase, Role, Severity
from hindsight.core.fuzzy_time import FuzzyTime
from hindsight.core.incident import Incident, RoleAssignment, TeamInvolvement, TimelineEvent
from hindsight.core.search_results import SearchRequest
from hindsight.services.workspace import Workspace
from hindsight.store import search_sql

from .search_words import WORDS, some_words

pytestmark = pytest.mark.sqlite_only("the FTS5 index's statements")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    """120 incidents, each word in its own share of their fields."""
    path = tmp_path_factory.mktemp("narrowed") / "narrowed.sqlite"
    workspace = Workspace.open(path)
    rng = random.Random(11)
    start = datetime(2026, 1, 1, tzinfo=UTC)

    def some(low: int, high: int) -> str:
        return some_words(rng, low, high)

    for number in range(120):
        moment = FuzzyTime.exact(start + timedelta(hours=number))
        workspace.incidents.add(
            Incident(
                title=some(0, 2),
                summary=some(0, 8) + " " + some(0, 8),
                severity=rng.choice(list(Severity)),
                systems=[w for w in WORDS if rng.random() < 0.1],
                events=[
                    TimelineEvent(moment, Phase.DETECTION, some(1, 4))
                    for _ in range(rng.randint(0, 3))
                ],
                roles=[
                    RoleAssignment(Role.INCIDENT_COMMANDER, "Amara", note=some(0, 2))
                    for _ in range(rng.randint(0, 1))
                ],
                teams=[TeamInvolvement("Finance", some(0, 2)) for _ in range(rng.randint(0, 2))],
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
    )


queries = st.tuples(
    st.lists(_clause(), min_size=2, max_size=4),
    st.lists(
        st.one_of(
            st.sampled_from(WORDS).map(lambda w: f"-{w}"),
            st.sampled_from(["severity:SEV1", "severity:SEV2", "-severity:SEV3"]),
        ),
        max_size=1,
    ),
).map(lambda parts: " ".join(parts[0] + parts[1]))


def _answers(workspace: Workspace, text: str) -> list[object]:
    """Everything a query answers, scores as the repr of their float."""
    answers: list[object] = [workspace.search.ranked_ids(text), workspace.search.count(text)]
    for limit, offset, exact in ((1000, 0, True), (5, 0, False), (5, 5, True), (3, 7, False)):
        page = workspace.search.search(
            text, limit=limit, offset=offset, snippets=1, exact_total=exact
        )
        answers.append(
            (
                page.total,
                page.total_exact,
                [(hit.incident_id, repr(hit.score), hit.snippets) for hit in page.hits],
            )
        )
    return answers


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=queries)
def test_narrowing_changes_no_answer_and_no_bit_of_a_score(world: Workspace, text: str) -> None:
    assert _always_narrowed(world, text) == _answers_everywhere(world, text), text


def _compiled(workspace: Workspace, text: str) -> search_sql.CompiledQuery:
    index = workspace.search.index
    request = SearchRequest(workspace.search.parse(text), limit=10)
    with index.database.read() as session:  # type: ignore[attr-defined]
        connection = session.connection()
        return index._compile(connection, request)  # type: ignore[attr-defined]


def test_the_rarest_clause_is_kept_to_the_incidents_having_every_clause(
    world: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_sql._Compiler, "_narrowing_pays", _always)
    compiled = _compiled(world, "ranker kestrel latency")
    # kestrel is the rarest: the other two are written out first, then kestrel scored
    # only where both are (a test over the kept table, the written rows read back in order).
    assert any(search_sql.KEPT_TABLE in statement for statement in compiled.prelude)
    assert f"IN (SELECT i FROM {search_sql.KEPT_TABLE})" in compiled.sql
    assert "WHERE a = 0" in compiled.sql and "WHERE a = 1" in compiled.sql
    assert compiled.sql.index("WHERE a = 0") < compiled.sql.index(search_sql.KEPT_TABLE)
    assert compiled.sql.index(search_sql.KEPT_TABLE) < compiled.sql.index("WHERE a = 1")
    # One clause alone is not narrowed; neither is a word with an OR group of fields.
    assert not any(
        search_sql.KEPT_TABLE in statement for statement in _compiled(world, "ranker").prelude
    )
    assert not any(
        search_sql.KEPT_TABLE in statement
        for statement in _compiled(world, "ranker kestrel drift OR severity:SEV1").prelude
    )
    # A query where few incidents have every word: the same hits as without narrowing.
    assert _answers(world, "ranker kestrel latency") == _answers_everywhere(
        world, "ranker kestrel latency"
    )


def _always(compiler: search_sql._Compiler, *args: object) -> bool:
    return True  # narrowed whenever there are several text clauses


def _always_narrowed(workspace: Workspace, text: str) -> list[object]:
    saved = search_sql._Compiler._narrowing_pays
    search_sql._Compiler._narrowing_pays = _always  # type: ignore[method-assign]
    try:
        return _answers(workspace, text)
    finally:
        search_sql._Compiler._narrowing_pays = saved  # type: ignore[method-assign]


def _answers_everywhere(workspace: Workspace, text: str) -> list[object]:
    saved = search_sql._Compiler.narrows
    search_sql._Compiler.narrows = False
    try:
        return _answers(workspace, text)
    finally:
        search_sql._Compiler.narrows = saved


@pytest.fixture(scope="module")
def pairs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    """40 incidents: `osprey` in 12 summaries, `gannet` in each of those (and 8 more),
    `plover` in 20 others and in one of the 12."""
    path = tmp_path_factory.mktemp("pairs") / "pairs.sqlite"
    workspace = Workspace.open(path)
    for number in range(40):
        words = []
        if number < 12:
            words += ["osprey", "gannet"]
        elif number < 20:
            words.append("gannet")
        if number >= 20 or number == 3:
            words.append("plover")
        workspace.incidents.add(
            Incident(title=f"Incident {number}", summary=" ".join(words) + " ran late")
        )
    try:
        yield workspace
    finally:
        workspace.close()


def _narrowed(workspace: Workspace, text: str) -> bool:
    return any(
        search_sql.KEPT_TABLE in statement for statement in _compiled(workspace, text).prelude
    )


def test_a_query_is_narrowed_when_few_incidents_of_its_rarest_clause_have_the_others(
    pairs: Workspace,
) -> None:
    # osprey (12 incidents, summaries scored by bm25) is the rarest: 1 of its 12 has
    # plover, each has gannet.
    assert _narrowed(pairs, "osprey plover")
    assert _narrowed(pairs, "plover osprey")
    assert not _narrowed(pairs, "osprey gannet")
    assert not _narrowed(pairs, "gannet osprey")
    # One of 12 has both others; an OR group counts as any of its words.
    assert _narrowed(pairs, "gannet osprey plover")
    assert not _narrowed(pairs, "osprey plover OR gannet")
    for text in ("osprey plover", "gannet osprey plover", "osprey gannet", "plover osprey"):
        assert _answers(pairs, text) == _answers_everywhere(pairs, text), text
    assert [hit.incident_id for hit in pairs.search.search("osprey plover").hits] == [4]


def _summands(workspace: Workspace, text: str) -> dict[int, str]:
    """Each matching incident's score rows in the order they are summed: the statement's
    sum(s) made a group_concat of its rows (SQLite's grouping keeps the order they come in)."""
    index = workspace.search.index
    request = SearchRequest(workspace.search.parse(text), limit=1000)
    with index.database.read() as session:  # type: ignore[attr-defined]
        connection = session.connection()
        compiled = index._compile(connection, request)  # type: ignore[attr-defined]
        for statement in compiled.prelude:
            connection.exec_driver_sql(statement, compiled.params)
        if "sum(s) AS score" not in compiled.sql:  # a word found nowhere: nothing matches
            return {}
        assert compiled.sql.count("sum(s) AS score") == 1
        sql = compiled.sql.replace("sum(s) AS score", "group_concat(quote(s) || '/' || c) AS score")
        sql = sql.replace("ORDER BY score DESC, i DESC", "ORDER BY i")
        return {row[0]: row[1] for row in connection.exec_driver_sql(sql, compiled.params)}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=queries)
def test_each_match_has_its_rows_summed_in_the_same_order(world: Workspace, text: str) -> None:
    # Floating-point sums of three rows or more depend on their order: the narrowed
    # statement must give each match the same rows in the same order, clause by clause.
    saved = search_sql._Compiler._narrowing_pays, search_sql._Compiler.narrows
    try:
        search_sql._Compiler._narrowing_pays = _always  # type: ignore[method-assign]
        narrowed = _summands(world, text)
        search_sql._Compiler.narrows = False
        everywhere = _summands(world, text)
    finally:
        search_sql._Compiler._narrowing_pays, search_sql._Compiler.narrows = saved  # type: ignore[method-assign]
    assert narrowed == everywhere, text
