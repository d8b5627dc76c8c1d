"""Search on a team database: the same hits as on a file, the index kept and checked on the server.

The search tests of tests/store/test_search_index.py, tests/services/test_search_service.py
and tests/test_cli_search.py run on both kinds of database; these are about what only the
server's index has (its objects, tampering on the server, the migration, the least-rights
role), and a property test that a file and a team database given the same writes find the
same incidents for any query.
"""

from __future__ import annotations

import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from hindsight.core.search_query import QueryError, parse
from hindsight.core.search_text import words
from hindsight.services.copy import copy_database
from hindsight.services.errors import StoreError
from hindsight.services.workspace import Workspace
from hindsight.store import postgres_search_schema as schema
from hindsight.store.postgres import make_server_engine
from hindsight.store.postgres_search_sql import lexeme, tsquery_string
from hindsight.store.postgres_url import ServerAddress
from hindsight.store.schema import MIGRATIONS_DIR
from search_world import build
from store.test_search_consistency import VOCABULARY, apply, operation
from team_server import TestServer


@pytest.fixture
def server(team_server_or_skip: TestServer) -> TestServer:
    return team_server_or_skip


@pytest.fixture
def address(server: TestServer) -> Iterator[ServerAddress]:
    made = server.new_database()
    try:
        yield made
    finally:
        server.drop(made)


@pytest.fixture
def team(address: ServerAddress) -> Iterator[Workspace]:
    opened = Workspace.open(address)
    try:
        yield opened
    finally:
        opened.close()


def names(workspace: Workspace, world: dict[str, int], query: str) -> set[str]:
    by_id = {incident_id: name for name, incident_id in world.items()}
    return {by_id[i] for i in workspace.search.ranked_ids(query)}


def names_in(address: ServerAddress, query: str) -> list[int]:
    """The ids a search finds on the team database, as its owner."""
    opened = Workspace.open(address)
    try:
        return opened.search.ranked_ids(query)
    finally:
        opened.close()


def as_owner(address: ServerAddress, *statements: str) -> None:
    """Run statements on the team database directly, as its owner (behind the app's back)."""
    engine = make_server_engine(address, pool_size=1)
    try:
        with engine.begin() as connection:
            for statement in statements:
                connection.execute(text(statement))
    finally:
        engine.dispose()


# -- words --------------------------------------------------------------------------------------

SAMPLES = [
    "Café CRÈME log-feeder a.b.com ops@example.org v1.2.3 x_y",
    "Ünïcode—dash «quoted» naïve ÉCOLE Ærø straße",
    "ΔΈΛΤΑ Привет 日本語 tokenizer's 3.14 -12 1e5 C++ #tag",
    "http://host/path?q=1&r=2 <b>bold</b> 'single' \"double\" back\\slash",
]


def test_the_server_cuts_words_as_the_file_index_does(team: Workspace) -> None:
    with team.database.read() as session:
        for sample in SAMPLES:
            folded = session.execute(
                text(f"SELECT {schema.FOLD_FUNCTION}(:t)"), {"t": sample}
            ).scalar_one()
            assert folded.split() == words(sample), sample
            assert {
                w
                for w in session.execute(
                    text(f"SELECT unnest(tsvector_to_array({schema.DOC_FUNCTION}(:t)))"),
                    {"t": sample},
                ).scalars()
            } == set(words(sample)), sample


def test_tsquery_lexemes_are_always_quoted() -> None:
    assert lexeme("it's") == "'it''s'"
    assert lexeme("a\\b") == "'a\\\\b'"
    assert tsquery_string("a b", prefix=True) == "'a' <-> 'b':*"
    assert tsquery_string("", prefix=False) == ""


def test_tsquery_syntax_in_a_query_is_searched_as_words(
    team: Workspace, address: ServerAddress
) -> None:
    world = build(team)
    for query in ("zebrafish & !ranker", "zebrafish:*", "'zebrafish' | x", "a <-> b", "(x"):
        assert names(team, world, query) == names(team, world, " ".join(words(query)))


# -- the index on the server --------------------------------------------------------------------


def test_a_team_database_has_the_whole_index(team: Workspace) -> None:
    with team.database.read() as session:
        assert schema.missing_objects(session.connection()) == []
        indexes = set(
            session.execute(
                text("SELECT indexname FROM pg_indexes WHERE tablename = :t"), {"t": schema.TABLE}
            ).scalars()
        )
    assert f"{schema.TABLE}_doc" in indexes
    assert team.search.index_problems() == []


def test_check_finds_writes_made_without_the_trigger_and_repair_fixes_them(
    team: Workspace, address: ServerAddress
) -> None:
    world = build(team)
    as_owner(
        address,
        "ALTER TABLE timeline_events DISABLE TRIGGER hindsight_search_event",
        "UPDATE timeline_events SET text = 'quietly changed to numbat'",
        "ALTER TABLE timeline_events ENABLE TRIGGER hindsight_search_event",
    )
    problems = team.search.index_problems()
    assert problems and all("--repair" in p for p in problems)
    assert names(team, world, "numbat") == set()
    team.search.rebuild_index()
    assert team.search.index_problems() == []
    assert "every" in names(team, world, "numbat")


def test_a_dropped_trigger_is_reported_and_made_again(
    team: Workspace, address: ServerAddress
) -> None:
    world = build(team)
    as_owner(address, "DROP TRIGGER hindsight_search_followup ON followups")
    [problem] = team.search.index_problems()
    assert "hindsight_search_followup" in problem and "--repair" in problem
    team.search.rebuild_index()
    assert team.search.index_problems() == []
    item = team.followups.items(world["note"])[0]
    team.followups.save(replace(item, description="now about a quokka"))
    assert names(team, world, "quokka") == {"note"}


def test_a_missing_index_is_reported_as_the_index_not_the_data(
    team: Workspace, address: ServerAddress
) -> None:
    world = build(team)
    as_owner(
        address, *(f"DROP TRIGGER hindsight_search_{s.name} ON {s.table}" for s in schema.SOURCES)
    )
    as_owner(address, f"DROP TABLE {schema.TABLE}")
    with pytest.raises(StoreError) as caught:
        team.search.search("zebrafish")
    assert "search index" in str(caught.value) and "--repair" in str(caught.value)
    team.search.rebuild_index()
    assert names(team, world, "zebrafish") == {"title", "note", "phrase"}


def test_check_and_repair_on_the_command_line(
    team: Workspace, address: ServerAddress, capsys: pytest.CaptureFixture[str]
) -> None:
    from hindsight.cli import main

    build(team)
    as_owner(
        address,
        "ALTER TABLE followups DISABLE TRIGGER hindsight_search_followup",
        "UPDATE followups SET description = 'rewritten behind its back'",
        "ALTER TABLE followups ENABLE TRIGGER hindsight_search_followup",
    )
    capsys.readouterr()
    assert main(["check", "--db", str(address)]) == 1
    out, err = capsys.readouterr()
    assert "hindsight check --repair" in out and "1 integrity problem" in err
    assert main(["check", "--repair", "--db", str(address)]) == 0
    assert capsys.readouterr().out.startswith("repaired: rebuilt the search index")
    assert main(["search", "--db", str(address), "behind its back"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "2 incidents match."


def test_the_migration_indexes_what_a_team_database_held_before(
    team: Workspace, address: ServerAddress
) -> None:
    from alembic import command
    from alembic.config import Config

    world = build(team)
    engine = make_server_engine(address, pool_size=1)
    try:
        for step in (command.downgrade, command.upgrade):
            with engine.begin() as connection:
                config = Config()
                config.set_main_option("script_location", str(MIGRATIONS_DIR))
                config.attributes["connection"] = connection
                step(config, "0008" if step is command.downgrade else "0009")
                present = connection.execute(
                    text("SELECT to_regclass(:t) IS NOT NULL"), {"t": schema.TABLE}
                ).scalar_one()
                assert present is (step is command.upgrade)
    finally:
        engine.dispose()
    assert names(team, world, "zebrafish") == {"title", "note", "phrase"}
    assert team.search.index_problems() == []


GRANTS = """
GRANT CONNECT ON DATABASE "{database}" TO {role};
GRANT USAGE ON SCHEMA public TO {role};
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role};
"""


def test_the_least_rights_role_searches_writes_and_repairs(
    server: TestServer, address: ServerAddress, tmp_path: Path
) -> None:
    from hindsight.services.demo import write_demo_database

    role = f"hindsight_app_{uuid.uuid4().hex[:8]}"
    copy_database(write_demo_database(tmp_path / "demo.sqlite", history=False), address)
    with server.admin.connect() as connection:
        connection.execute(text(f"CREATE ROLE {role} LOGIN"))
    try:
        as_owner(
            address,
            *(
                s
                for s in GRANTS.format(database=address.database, role=role).split(";")
                if s.strip()
            ),
        )
        app = Workspace.open(replace(address, user=role))
        try:
            made = app.incidents.create("Wallaby feature store outage")
            made.summary = "The wallaby cache went stale"
            app.incidents.save(made)
            page = app.search.search("wallaby")
            assert [hit.incident_id for hit in page.hits] == [made.id]
            assert page.hits[0].snippets
            first = app.incidents.summaries()[0].id
            assert app.search.related(first) is not None
            app.search.rebuild_index()
            assert app.search.index_problems() == []
        finally:
            app.close()
        # Granted before the index existed: saving still works, searching asks for the grants.
        as_owner(address, f"REVOKE ALL ON {schema.TABLE} FROM {role}")
        app = Workspace.open(replace(address, user=role))
        try:
            made = app.incidents.create("Numbat outage, saved without rights on the index")
            assert made.id is not None
            with pytest.raises(StoreError, match="grants"):
                app.search.search("numbat")
        finally:
            app.close()
        assert names_in(address, "numbat") == [made.id]
    finally:
        server.drop(address)  # its grants first, then the role
        with server.admin.connect() as connection:
            connection.execute(text(f"DROP ROLE IF EXISTS {role}"))


# -- the same hits as on a file -------------------------------------------------------------------

# Words the consistency test's writes use, and text that cuts into words in odd ways.
TRICKY = ("log-feeder", "CAFÉ", "Naïve", "v1.2", "x_y", "o'brien", "Δέλτα", "a.b.com", "日本")
TOKENS = (*VOCABULARY, *TRICKY)
tricky_phrase = st.lists(st.sampled_from(TOKENS), min_size=0, max_size=3).map(" ".join)
writes = st.one_of(
    operation,
    st.tuples(st.just("create"), tricky_phrase, tricky_phrase, tricky_phrase, tricky_phrase),
)

word = st.one_of(
    st.sampled_from(TOKENS),
    st.sampled_from(TOKENS).map(lambda w: w[: max(1, len(w) // 2)] + "*"),
)
text_term = st.one_of(
    word,
    st.lists(st.sampled_from(TOKENS), min_size=2, max_size=3).map(
        lambda ws: '"' + " ".join(ws) + '"'
    ),
)
field_term = st.one_of(
    st.sampled_from(
        [
            "severity:SEV1",
            "severity:SEV3",
            "phase:detection",
            "followup:open",
            "followup:closed",
            "implicated:training-data",
            "after:2025-01-01",
            "before:2025-05-01",
        ]
    ),
    st.tuples(st.sampled_from(["tag", "system", "team", "owner"]), st.sampled_from(TOKENS)).map(
        lambda pair: f'{pair[0]}:"{pair[1]}"'
    ),
)
term = st.one_of(text_term, text_term.map(lambda t: "-" + t), field_term)
query = st.lists(
    st.one_of(term, st.tuples(term, term).map(lambda pair: f"{pair[0]} OR {pair[1]}")),
    min_size=1,
    max_size=3,
).map(" ".join)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.lists(writes, min_size=1, max_size=10), st.lists(query, min_size=1, max_size=8))
def test_a_team_database_finds_what_a_file_finds(
    server: TestServer, operations: list[tuple], queries: list[str]
) -> None:
    address = server.new_database()
    try:
        with tempfile.TemporaryDirectory() as folder:
            scratch = Path(folder)
            (scratch / "a").mkdir()
            (scratch / "b").mkdir()
            file = Workspace.open(scratch / "db.sqlite")
            team = Workspace.open(address)
            try:
                for op in operations:
                    apply(file, op, scratch / "a")
                    apply(team, op, scratch / "b")
                assert team.search.index_problems() == []
                # The same incidents, in the same order, perhaps with other ids.
                pairs = list(
                    zip(file.incidents.summaries(), team.incidents.summaries(), strict=True)
                )
                assert all(a.title == b.title for a, b in pairs)
                same = {b.id: a.id for a, b in pairs}
                for typed in queries:
                    try:
                        parse(typed)
                    except QueryError:
                        continue
                    expected = set(file.search.ranked_ids(typed))
                    found = {same[i] for i in team.search.ranked_ids(typed)}
                    assert found == expected, typed
                    page = team.search.search(typed, limit=5)
                    assert page.total == len(expected), typed
            finally:
                file.close()
                team.close()
    finally:
        server.drop(address)
