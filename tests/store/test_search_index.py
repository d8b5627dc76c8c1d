"""The full-text index: every field is found, ranking, fields, injection, upkeep, fallback."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from hindsight.core.search_query import parse
from hindsight.core.search_results import Area, SearchRequest
from hindsight.services.errors import StoreError
from hindsight.services.workspace import Workspace
from hindsight.store import search_schema
from hindsight.store.database import Database
from hindsight.store.errors import SearchIndexDamagedError
from hindsight.store.search import SqliteSearchIndex
from hindsight.store.search_index import PLAIN_NOTICE, PlainSearchIndex
from search_world import UNIQUE, W, build

SCHEMAS = Path(__file__).resolve().parent.parent / "data" / "schemas"


@pytest.fixture
def world(workspace: Workspace) -> dict[str, int]:
    return build(workspace)


def names(workspace: Workspace, world: dict[str, int], query: str, limit: int = 50) -> list[str]:
    by_id = {incident_id: name for name, incident_id in world.items()}
    return [by_id[hit.incident_id] for hit in workspace.search.search(query, limit=limit).hits]


# -- every field group ------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(UNIQUE))
def test_every_field_group_is_found_by_a_word_only_it_contains(
    workspace: Workspace, world: dict[str, int], name: str
) -> None:
    area, column, word = UNIQUE[name]
    page = workspace.search.search(word.upper())
    assert [hit.incident_id for hit in page.hits] == [world["every"]]
    assert page.total == 1
    [snippet] = [
        s for s in page.hits[0].snippets if s.location.area == area and s.location.column == column
    ]
    assert [snippet.text[start:end].lower() for start, end in snippet.spans] == [word]


def test_the_key_is_searchable(workspace: Workspace, world: dict[str, int]) -> None:
    key = workspace.incidents.get(world["note"]).key
    assert names(workspace, world, key) == ["note"]


def test_words_match_anywhere_in_the_incident(workspace: Workspace, world: dict[str, int]) -> None:
    # One word in the title, the other only in a follow-up owner and in an ethics note.
    assert names(workspace, world, f"{W['title']} {W['followup_owner']}") == ["every"]
    assert names(workspace, world, f"{W['ethics_note']} {W['access_notes']} memory") == ["every"]
    assert names(workspace, world, f"{W['title']} zebrafish") == []


def test_title_match_ranks_above_a_follow_up_note(
    workspace: Workspace, world: dict[str, int]
) -> None:
    found = names(workspace, world, "zebrafish")
    assert set(found) == {"title", "note", "phrase"}
    assert found[0] == "title"
    assert found.index("title") < found.index("note")


def test_phrases_prefixes_exclusions_and_or(workspace: Workspace, world: dict[str, int]) -> None:
    assert names(workspace, world, '"weird recs"') == ["every"]
    assert names(workspace, world, '"recs weird"') == []
    assert set(names(workspace, world, "zebra*")) == {"title", "note", "phrase"}
    assert set(names(workspace, world, "zebrafish -ranker")) == {"phrase"}
    assert set(names(workspace, world, "titlewordalpha OR useless")) == {"every", "note"}
    assert set(names(workspace, world, "-zebrafish")) == {"every"}


def test_snippets_mark_the_matched_words_where_they_are(
    workspace: Workspace, world: dict[str, int]
) -> None:
    [hit] = workspace.search.search('"customer tickets" weird').hits
    snippet = hit.snippets[0]
    assert snippet.location.area is Area.TIMELINE
    assert snippet.location.record_id == workspace.incidents.get(world["every"]).events[0].id
    assert snippet.marked() == (f"[Customer tickets] about [weird] recs; {W['event_text']} noticed")


def test_paging_and_total(workspace: Workspace, world: dict[str, int]) -> None:
    everything = workspace.search.search("", limit=10)
    assert everything.total == 4 and len(everything.hits) == 4
    assert [h.incident_id for h in everything.hits] == sorted(world.values(), reverse=True)
    first = workspace.search.search("zebrafish", limit=2)
    second = workspace.search.search("zebrafish", limit=2, offset=2)
    assert first.total == second.total == 3
    assert first.has_more and not second.has_more
    assert len(first.hits) == 2 and len(second.hits) == 1
    beyond = workspace.search.search("zebrafish", limit=2, offset=10)
    assert beyond.hits == () and beyond.total == 3


# -- fields -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("severity:SEV1", {"every"}),
        ("-severity:SEV1", {"title", "note", "phrase"}),
        ("severity:SEV2 OR severity:SEV4", {"title", "phrase"}),
        ("phase:follow-up", {"every"}),
        ("phase:detection", {"note"}),
        ("status:draft", {"every", "title", "note", "phrase"}),
        ("status:published", set()),
        ("tag:drift", {"title"}),
        ("tag:cap", {"every"}),
        ("system:recs", {"title"}),
        ('system:"search serving"', {"every"}),
        ("team:finance", {"every"}),
        ('team:"ml plat"', {"note"}),
        ("trigger:data", {"every", "title"}),
        ("trigger:upstream-data", {"title"}),
        ("trigger:world", {"note"}),
        ("detected-by:users", {"every", "note"}),
        ("detected-by:monitoring", {"title"}),
        ("implicated:training-data", {"title"}),
        ("implicated:pipeline", {"every"}),
        ("owner:priya", {"every"}),
        ("owner:watanabe", {"note"}),
        ("followup:open", {"every"}),
        ("followup:closed", {"note"}),
        ("followup:done", {"note"}),
        ("followup:blocked", set()),
        ("after:2025-06-01", {"title", "note", "phrase"}),
        ("before:2025-06-01", {"every"}),
        ("after:2025-03-10 before:2025-06-02", {"every", "title"}),
        ("memory severity:SEV1", {"every"}),
        ("memory -severity:SEV1", set()),
        ("zebrafish tag:drift OR phase:detection", {"title", "note"}),
        ("zebrafish OR severity:SEV1", {"every", "title", "note", "phrase"}),
        ("zebrafish -followup:closed", {"title", "phrase"}),
    ],
)
def test_each_field_filters(
    workspace: Workspace, world: dict[str, int], query: str, expected: set[str]
) -> None:
    assert set(names(workspace, world, query)) == expected


# -- nothing typed reaches SQL or FTS5 syntax -------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("' OR 1=1 --", set()),
        ('"', None),  # a malformed query: explained, not run
        ('feeder" OR "zebrafish', set()),  # feeder, the phrase "OR", zebrafish
        ("NEAR(zebrafish appears)", set()),
        ('"title zebrafish"', {"phrase"}),
        ("title:zebrafish", {"phrase"}),  # not a column filter: the words "title zebrafish"
        ("{title}: zebrafish", {"phrase"}),
        ("zebrafish AND NOT ranker", set()),  # AND is implied; NOT is a word here
        ("near", {"phrase"}),
        ("^zebrafish", {"title", "note", "phrase"}),
        ("'; DROP TABLE incidents; --", set()),
        ("x%' OR '1'='1", set()),
        ("tag:%", set()),
        ('owner:" OR 1=1', None),
        ("team:'", set()),
    ],
)
def test_injection_attempts_are_treated_as_text(
    workspace: Workspace, world: dict[str, int], query: str, expected: set[str] | None
) -> None:
    if expected is None:
        with pytest.raises(ValueError):
            workspace.search.search(query)
    else:
        assert set(names(workspace, world, query)) == expected
    assert workspace.incidents.count() == 4


def test_user_text_is_only_ever_a_bound_parameter() -> None:
    from hindsight.store.search_sql import compile_query

    hostile = 'zz\'); DROP TABLE incidents; -- "x" NEAR(a b) {title}: c'
    compiled = compile_query(SearchRequest(parse(f"{hostile} team:{hostile.split()[0]}")), 10)
    for word in ("DROP", "zz'", "NEAR", "{title}"):
        assert word not in compiled.sql
    assert any("DROP" in str(value) for value in compiled.params.values())


# -- keeping in step --------------------------------------------------------------------------


@pytest.mark.sqlite_only(
    "the FTS5 objects in sqlite_master; test_postgres_search.py checks the server's"
)
def test_a_fresh_database_has_a_sound_index(workspace: Workspace, world: dict[str, int]) -> None:
    assert workspace.search.index_problems() == []
    names_ = {row for row in search_schema.expected_objects()}
    with workspace.database.read() as session:
        present = {
            row[0] for row in session.connection().exec_driver_sql("SELECT name FROM sqlite_master")
        }
    assert names_ <= present


def test_edits_and_deletes_reach_the_index_in_the_same_transaction(
    workspace: Workspace, world: dict[str, int]
) -> None:
    incident = workspace.incidents.get(world["every"])
    incident.title = "Renamed to platypus"
    incident.events[0].text = "Now about wombats"
    workspace.incidents.save(incident)
    assert names(workspace, world, "platypus") == ["every"]
    assert names(workspace, world, "wombats") == ["every"]
    assert names(workspace, world, W["title"]) == []
    assert names(workspace, world, W["event_text"]) == []
    workspace.incidents.delete(world["every"])
    assert names(workspace, world, "platypus") == []
    assert names(workspace, world, W["followup_owner"]) == []
    assert names(workspace, world, W["access_notes"]) == []
    assert workspace.search.index_problems() == []


def test_an_amended_access_entry_is_found_by_its_current_text_only(
    workspace: Workspace, world: dict[str, int]
) -> None:
    from dataclasses import replace

    [entry] = workspace.privacy.accesses(world["every"])
    details = replace(entry.details, justification="Now justified by kangaroo")
    workspace.privacy.amend_access(entry.id, details, "Amara Nwosu", "typo", entry.current.number)
    assert names(workspace, world, "kangaroo") == ["every"]
    assert names(workspace, world, W["access_justification"]) == []
    assert workspace.search.index_problems() == []


def test_a_failed_write_leaves_the_index_as_it_was(
    workspace: Workspace, world: dict[str, int]
) -> None:
    from hindsight.services.errors import ConflictError

    stale = workspace.incidents.get(world["note"])
    fresh = workspace.incidents.get(world["note"])
    fresh.title = "Saved first with echidna"
    workspace.incidents.save(fresh)
    stale.title = "Saved second with dingo"
    with pytest.raises(ConflictError):
        workspace.incidents.save(stale)
    assert names(workspace, world, "dingo") == []
    assert names(workspace, world, "echidna") == ["note"]


@pytest.mark.sqlite_only("tampers through sqlite3; test_postgres_search.py does it on the server")
def test_check_finds_an_index_out_of_step_and_repair_fixes_it(
    workspace: Workspace, world: dict[str, int]
) -> None:
    path = workspace.path
    raw = sqlite3.connect(path)
    try:
        # Another program changes the data with the index's trigger removed.
        raw.execute("DROP TRIGGER search_child_event_au")
        raw.execute(
            "UPDATE timeline_events SET text = 'quietly changed to numbat' WHERE incident_id = ?",
            (world["every"],),
        )
        raw.commit()
    finally:
        raw.close()
    problems = workspace.search.index_problems()
    assert problems and "search_child_event_au" in problems[0] and "--repair" in problems[0]
    workspace.search.rebuild_index()
    assert workspace.search.index_problems() == []
    assert names(workspace, world, "numbat") == ["every"]


@pytest.mark.sqlite_only("tampers through sqlite3; test_postgres_search.py does it on the server")
def test_check_finds_index_content_that_disagrees_with_the_data(
    workspace: Workspace, world: dict[str, int]
) -> None:
    raw = sqlite3.connect(workspace.path)
    try:
        for trigger in search_schema.trigger_names("child_answer"):
            raw.execute(f"DROP TRIGGER {trigger}")
        raw.execute("UPDATE review_answers SET reason = 'tampered quoll' WHERE reason <> ''")
        for statement in search_schema.trigger_statements("child_answer"):
            raw.execute(statement)
        raw.commit()
    finally:
        raw.close()
    problems = workspace.search.index_problems()
    assert len(problems) == 1 and "search_child" in problems[0]
    workspace.search.rebuild_index()
    assert workspace.search.index_problems() == []
    assert names(workspace, world, "quoll") == ["every"]


@pytest.mark.sqlite_only(
    "drops an FTS5 table through sqlite3; test_postgres_search.py drops the server's"
)
def test_a_missing_index_table_is_reported_as_the_index_not_the_database(
    workspace: Workspace, world: dict[str, int]
) -> None:
    raw = sqlite3.connect(workspace.path)
    try:
        for feed in search_schema.FEEDS:
            if feed.table == search_schema.CHILD_TABLE:
                for trigger in search_schema.trigger_names(feed.name):
                    raw.execute(f"DROP TRIGGER {trigger}")
        raw.execute("DROP TABLE search_child")
        raw.commit()
    finally:
        raw.close()
    with pytest.raises(SearchIndexDamagedError) as caught:
        workspace.search.search("zebrafish")
    assert "hindsight check --repair" in str(caught.value)
    assert isinstance(caught.value, StoreError)
    workspace.search.rebuild_index()
    assert set(names(workspace, world, "zebrafish")) == {"title", "note", "phrase"}


# -- older databases and SQLite without FTS5 ---------------------------------------------------


@pytest.fixture
def stored_0004(tmp_path: Path) -> Iterator[Path]:
    copy = tmp_path / "old" / "hindsight-0004.sqlite"
    copy.parent.mkdir()
    shutil.copy(SCHEMAS / "hindsight-0004.sqlite", copy)
    yield copy


def _finds_what_was_stored(path: Path) -> None:
    """The stored database at `path` opens with a sound index that finds its first incident."""
    workspace = Workspace.open(path, create=False)
    try:
        assert workspace.search.index_problems() == []
        hits = workspace.search.search('"log feeders" memory').hits
        assert [hit.key for hit in hits] == ["HS-1"]
    finally:
        workspace.close()


def test_the_migration_indexes_what_was_stored_before(stored_0004: Path) -> None:
    _finds_what_was_stored(stored_0004)


def test_an_index_of_the_old_layout_is_rebuilt_and_reported(tmp_path: Path) -> None:
    # A 0009 database's index has the incident at the top of its records' rowids.
    copy = tmp_path / "old" / "hindsight-0009.sqlite"
    copy.parent.mkdir()
    shutil.copy(SCHEMAS / "hindsight-0009.sqlite", copy)
    raw = sqlite3.connect(copy)
    try:
        old_rowids = [row[0] for row in raw.execute("SELECT rid FROM search_child_source")]
        # All there but the layout (else the missing vocabulary is reported first).
        raw.execute(
            "CREATE VIRTUAL TABLE search_incident_words USING fts5vocab(search_incident, 'col')"
        )
        raw.commit()
    finally:
        raw.close()
    assert old_rowids and all(rowid >> 59 == 0 for rowid in old_rowids)
    engine = create_engine(f"sqlite:///{copy}")  # as it is, not migrated
    try:
        with engine.connect() as connection:
            problems = search_schema.index_problems(connection)
    finally:
        engine.dispose()
    assert problems == [
        "the search index was built in an older layout; rebuild it with: hindsight check --repair"
    ]
    workspace = Workspace.open(copy, create=False)  # migrated: the index is built again
    try:
        assert workspace.search.index_problems() == []
        with workspace.database.read() as session:
            rows = (
                session.connection()
                .exec_driver_sql(
                    "SELECT rowid FROM search_child WHERE search_child MATCH '\"feeder\" *'"
                )
                .all()
            )
            owners = {
                (part.code, incident, record)
                for part in search_schema.PARTS
                for incident, record in session.connection().exec_driver_sql(
                    f"SELECT incident_id, id FROM {part.source}"
                )
            }
        assert rows
        for (rowid,) in rows:
            incident, kind = search_schema.child_place(rowid)
            assert (kind, incident, rowid & 0xFFFFFFFF) in owners
        assert [hit.key for hit in workspace.search.search('"log feeders" memory').hits] == ["HS-1"]
    finally:
        workspace.close()


def test_an_index_left_in_the_old_layout_is_rebuilt_when_opened_with_fts5(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "old" / "hindsight-0009.sqlite"
    copy.parent.mkdir()
    shutil.copy(SCHEMAS / "hindsight-0009.sqlite", copy)
    monkeypatch.setattr(search_schema, "fts5_available", lambda: False)
    Database.open(copy, backup_dir=tmp_path / "backups").close()  # migrated without FTS5
    monkeypatch.undo()
    raw = sqlite3.connect(copy)
    try:
        assert raw.execute("SELECT max(rid) >> 59 FROM search_child_source").fetchone() == (0,)
    finally:
        raw.close()
    _finds_what_was_stored(copy)
    raw = sqlite3.connect(copy)
    try:
        assert raw.execute("SELECT max(rid) >> 59 FROM search_child_source").fetchone() > (0,)
    finally:
        raw.close()


@pytest.mark.sqlite_only("SQLite's FTS5 index; test_postgres_search.py covers the server")
def test_the_layout_migration_goes_down_and_up_again(db_path: Path) -> None:
    from alembic import command
    from alembic.config import Config

    from hindsight.store.schema import MIGRATIONS_DIR

    workspace = Workspace.open(db_path)
    try:
        world = build(workspace)

        def run(action, target: str) -> None:  # type: ignore[no-untyped-def]
            with workspace.database.engine.connect() as connection, connection.begin():
                config = Config()
                config.set_main_option("script_location", str(MIGRATIONS_DIR))
                config.attributes["connection"] = connection
                action(config, target)

        run(command.downgrade, "0009")  # an older Hindsight builds its own index again
        with workspace.database.read() as session:
            assert not search_schema.index_present(session.connection())
        run(command.upgrade, "head")
        assert workspace.search.index_problems() == []
        assert set(names(workspace, world, "zebrafish")) == {"title", "note", "phrase"}
    finally:
        workspace.close()


@pytest.fixture
def no_fts5(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search_schema, "fts5_available", lambda: False)


@pytest.mark.sqlite_only("SQLite without FTS5")
def test_without_fts5_search_falls_back_to_plain_matching(db_path: Path, no_fts5: None) -> None:
    workspace = Workspace.open(db_path)
    try:
        world = build(workspace)
        assert isinstance(workspace.search.index, PlainSearchIndex)
        page = workspace.search.search("zebrafish severity:SEV2")
        assert page.notice == PLAIN_NOTICE
        assert [hit.incident_id for hit in page.hits] == [world["title"]]
        assert page.hits[0].snippets[0].marked().startswith("[Zebrafish]")
        assert set(names(workspace, world, W["access_notes"])) == {"every"}
        assert set(names(workspace, world, "team:finance -zebrafish")) == {"every"}
        # Two words: the other is scored only where the rarer matches (a temporary table).
        assert set(names(workspace, world, "zebrafish ranker")) == {"title", "note"}
        assert workspace.search.related(world["title"]) == []
        assert workspace.search.index_problems() == []
        with pytest.raises(SearchIndexDamagedError, match="FTS5"):
            workspace.search.rebuild_index()
        with workspace.database.read() as session:
            assert not search_schema.index_present(session.connection())
    finally:
        workspace.close()


@pytest.mark.sqlite_only("SQLite without FTS5")
def test_the_index_is_built_once_fts5_is_there(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_schema, "fts5_available", lambda: False)
    workspace = Workspace.open(db_path)
    build(workspace)
    workspace.close()
    monkeypatch.undo()
    workspace = Workspace.open(db_path)
    try:
        assert isinstance(workspace.search.index, SqliteSearchIndex)
        assert workspace.search.index_problems() == []
        assert workspace.search.search("zebrafish").total == 3
    finally:
        workspace.close()


@pytest.mark.sqlite_only("SQLite without FTS5")
def test_an_indexed_database_is_refused_without_fts5(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    Workspace.open(db_path).close()
    monkeypatch.setattr(search_schema, "fts5_available", lambda: False)
    with pytest.raises(SearchIndexDamagedError, match="FTS5"):
        Workspace.open(db_path)


def test_the_probe_really_looks_for_fts5() -> None:
    search_schema.fts5_available.cache_clear()
    assert search_schema.fts5_available() is True


@pytest.mark.sqlite_only("a SQLite file made without FTS5")
def test_index_problems_of_a_database_without_an_index(db_path: Path) -> None:
    database = Database.open(db_path)
    try:
        with database.write() as session:
            search_schema.drop_index(session.connection())
        assert SqliteSearchIndex(database).problems() == [
            "the database has no search index; build it with: hindsight check --repair"
        ]
        SqliteSearchIndex(database).rebuild()
        assert SqliteSearchIndex(database).problems() == []
    finally:
        database.close()
