"""What the search's connections keep between searches: SQLite's page cache and the search's
temporary tables.

A search reads a few megabytes of the index (more than SQLite's default 2 MB page cache), so
the connections keep a larger cache, and the list's and the record reader's connections a
cache of their own. The search's temporary tables are made once per connection, outside any
transaction: made inside a read transaction they were dropped again by its rollback, and
SQLite then read the whole schema again at the next statement.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from hindsight.core.search_query import parse
from hindsight.core.search_results import SearchRequest
from hindsight.services.workspace import Workspace
from hindsight.store import database as database_module
from hindsight.store import search as search_module
from hindsight.store import search_schema, search_sql
from hindsight.store.listing import IncidentListing
from hindsight.store.record_reader import RecordReader
from hindsight.store.search import SqliteSearchIndex
from hindsight.store.search_index import PlainSearchIndex
from search_world import build

pytestmark = pytest.mark.sqlite_only("SQLite's connections")

SEARCH_TABLES = {
    search_sql.WITHIN_NAME,
    search_sql.ROWS_NAME,
    search_sql.KEPT_NAME,
}
VOCABULARIES = {
    f"hindsight_{table}_words" for table in (search_schema.CHILD_TABLE, search_schema.ACCESS_TABLE)
}
# Words, several clauses, a prefix, an exclusion, nothing: each reads a temporary table.
QUERIES = ("feeder memory", "feeder memory stale", "feed*", "stale -feeder", "")


def temporary_tables(workspace: Workspace) -> set[str]:
    """The tables of the temporary database of the connection a read gets."""
    with workspace.database.read() as session:
        raw = session.connection().connection.dbapi_connection
        assert raw is not None
        return {name for (name,) in raw.execute("SELECT name FROM temp.sqlite_master")}


def answers(index: SqliteSearchIndex) -> list[object]:
    found: list[object] = []
    for text in QUERIES:
        for exact in (True, False):
            page = index.search(SearchRequest(parse(text), limit=7, exact_total=exact))
            found.append(page)
        found.append(index.ranked(SearchRequest(parse(text))))
    return found


def test_the_database_connections_keep_a_larger_page_cache(workspace: Workspace) -> None:
    assert database_module.PAGE_CACHE_KIB * 1024 > 2_048_000  # SQLite's default: 2,000 KiB
    with workspace.database.read() as session:
        size = session.connection().exec_driver_sql("PRAGMA cache_size").scalar()
    assert size == -database_module.PAGE_CACHE_KIB  # negative: in KiB


def test_the_list_and_the_record_reader_keep_a_page_cache_of_their_own(
    workspace: Workspace,
) -> None:
    path = Path(workspace.database.path)
    listing = IncidentListing.for_sqlite(path)
    reader = RecordReader(path)
    try:
        assert listing.count() == 0
        assert listing._execute("PRAGMA cache_size", ())[0][0] == -16384
        assert reader.team_names() == []
        assert reader._connected().execute("PRAGMA cache_size").fetchone()[0] == -16384
    finally:
        listing.close()
        reader.close()


def test_the_search_tables_outlast_the_read_that_used_them(workspace: Workspace) -> None:
    build(workspace)
    assert not temporary_tables(workspace) & SEARCH_TABLES
    page = workspace.search.search("feeder memory", limit=5)
    assert page.hits
    # The read has ended (rolled back): the tables are still there, made outside it.
    assert temporary_tables(workspace) >= SEARCH_TABLES | VOCABULARIES
    again = workspace.search.search("feeder memory", limit=5)
    assert again == page


def test_a_connection_made_after_the_first_search_gets_the_tables_too(
    workspace: Workspace,
) -> None:
    build(workspace)
    workspace.search.search("feeder", limit=5)
    workspace.database.engine.dispose()  # every connection made again
    assert temporary_tables(workspace) >= SEARCH_TABLES | VOCABULARIES


def test_a_plain_index_makes_its_tables_without_fts5_vocabularies(workspace: Workspace) -> None:
    build(workspace)
    index = PlainSearchIndex(workspace.database)
    assert index.search(SearchRequest(parse("feeder memory"), limit=5)).hits
    tables = temporary_tables(workspace)
    assert tables >= SEARCH_TABLES
    assert not tables & VOCABULARIES


def test_tables_that_cannot_be_made_beforehand_are_made_by_the_search_as_before(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(workspace)
    path = Path(workspace.database.path)
    expected = answers(SqliteSearchIndex(workspace.database))
    broken = (*search_sql.TEMPORARY_TABLES[:1], "CREATE TEMP TABLE (", "not SQL")
    monkeypatch.setattr(search_module, "TEMPORARY_TABLES", broken)
    monkeypatch.setitem(search_module._TABLE_MAKERS, False, search_module._tables_maker(False))
    other = Workspace.open(path)  # an engine of its own, whose connections fail to get them
    try:
        assert answers(SqliteSearchIndex(other.database)) == expected
        # Nothing was made beforehand but the first table; each search made its own again.
        assert temporary_tables(other) & (SEARCH_TABLES | VOCABULARIES) == {search_sql.WITHIN_NAME}
    finally:
        other.close()


def test_an_engine_gets_one_listener_for_any_number_of_indexes(workspace: Workspace) -> None:
    build(workspace)
    indexes = [SqliteSearchIndex(workspace.database) for _ in range(3)]
    for index in indexes:
        index.search(SearchRequest(parse("feeder"), limit=3))
    listeners = workspace.database.engine.pool.dispatch.checkout
    assert sum(1 for fn in listeners if fn is search_module._TABLE_MAKERS[False]) == 1


def test_a_connection_in_a_transaction_is_left_alone() -> None:
    make = search_module._tables_maker(plain=False)
    connection = sqlite3.connect(":memory:", isolation_level=None)
    info: dict[object, object] = {}

    class Record:
        pass

    Record.info = info  # type: ignore[attr-defined]
    connection.execute("BEGIN")
    connection.execute("CREATE TABLE t (x)")
    make(connection, Record, None)
    connection.execute("ROLLBACK")
    assert connection.execute("SELECT count(*) FROM temp.sqlite_master").fetchone()[0] == 0
    assert info == {}
    make(connection, Record, None)
    names = {n for (n,) in connection.execute("SELECT name FROM temp.sqlite_master")}
    assert names == SEARCH_TABLES | VOCABULARIES
    assert info == {(search_module._TABLES_MADE, False): True}
    plain = search_module._tables_maker(plain=True)
    other = sqlite3.connect(":memory:", isolation_level=None)
    plain(other, Record, None)
    names = {n for (n,) in other.execute("SELECT name FROM temp.sqlite_master")}
    assert names == SEARCH_TABLES
    assert (search_module._TABLES_MADE, True) in info
