"""The incident list as SQL: how many incidents match, and the page of rows on screen.

Plain SQL over a DB-API connection, without SQLAlchemy, so the first page of the list can be
read before the rest of the app has loaded. Sorting and filtering happen in the database, each
sort reading an index in order (migration 0005), so a page costs the same at any size; no row
is read until its page is on screen. One IncidentListing is used from one thread at a time
(the GUI's list lane): its connection is made on first use, in that thread.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hindsight.core.enums import Phase, Severity
from hindsight.core.errors import HindsightError
from hindsight.core.listing import ListColumn, ListQuery, ListRow
from hindsight.core.review import ReviewStatus
from hindsight.store.backup import read_only_uri
from hindsight.store.errors import StoreError, environment_errors
from hindsight.store.postgres_url import ServerAddress

Connect = Callable[[], Any]


class ListingNotReady(HindsightError):
    """The database cannot be listed until it is opened (created, or its schema upgraded).

    Expected at start while a file is created or upgraded: the list waits, nothing is logged
    as a bug.
    """


_PHASE_RANK = (
    "CASE phase "
    + " ".join(f"WHEN '{phase.value}' THEN {phase.position}" for phase in Phase)
    + " ELSE 99 END"
)
_REVIEW_RANK = (
    "(CASE review_status "
    + " ".join(f"WHEN '{status.value}' THEN {n * 1000}" for n, status in enumerate(ReviewStatus))
    + " ELSE 9000 END + review_progress)"
)
# What each column sorts by (migration 0005 indexes each, with the incident number).
SORT_EXPRESSIONS: dict[ListColumn, str] = {
    ListColumn.KEY: "number",
    ListColumn.TITLE: "lower(title)",
    ListColumn.PHASE: _PHASE_RANK,
    ListColumn.SEVERITY: "severity",
    ListColumn.REVIEW: _REVIEW_RANK,
    ListColumn.UPDATED: "updated_at",
    ListColumn.IMPACT: "lower(impact_headline)",  # by the words, as text (migration 0007)
}
_ROW_COLUMNS = (
    'id, "key", title, phase, severity, review_status, review_progress, updated_at, impact_headline'
)


_JSON_SYNTAX = frozenset('"\\[],:{}')


def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _casefold(value: object) -> str:
    return value.casefold() if isinstance(value, str) else ""


def _list_row(row: Sequence[Any]) -> ListRow:
    return ListRow(
        id=row[0],
        key=row[1],
        title=row[2],
        phase=Phase(row[3]),
        severity=Severity(row[4]),
        review_status=ReviewStatus(row[5]),
        review_progress=int(row[6]),
        updated_at=_moment(row[7]),
        impact=row[8] or "",
    )


def _moment(value: Any) -> datetime:
    # SQLite hands back SQLAlchemy's text form; other drivers a datetime. Both are UTC.
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class IncidentListing:
    """Answers list queries against one database."""

    def __init__(self, connect: Connect, *, dialect: str = "sqlite", label: str = "") -> None:
        self._connect = connect
        self._connection: Any = None
        self.dialect = dialect
        self.label = label  # the database, for error messages

    @classmethod
    def for_sqlite(cls, path: Path, *, check: bool = False) -> IncidentListing:
        """A listing over the SQLite file at `path`, through a read-only connection.

        With `check`, the file is inspected first (as opening it would): a file that cannot
        be listed yet (missing, not current, or not usable at all) raises ListingNotReady, and
        opening the database is left to say what is wrong.
        """

        def connect() -> sqlite3.Connection:
            if check:
                from hindsight.store.inspection import inspect_file
                from hindsight.store.schema import HEAD_REVISION

                try:
                    ready = path.exists() and inspect_file(path).revision == HEAD_REVISION
                except StoreError as error:
                    # Opening the database says what is wrong, once; the list stays empty.
                    raise ListingNotReady(str(error)) from error
                if not ready:
                    raise ListingNotReady(f"{path} is not ready to be listed yet")
            connection = sqlite3.connect(read_only_uri(path), uri=True, check_same_thread=False)
            connection.execute("PRAGMA busy_timeout=5000")
            # A page cache that holds what the list reads again (its sort's index, a page's
            # rows: about 5 MB for every sort at once) rather than SQLite's 2 MB default.
            connection.execute("PRAGMA cache_size=-16384")
            connection.create_function("casefold", 1, _casefold, deterministic=True)
            return connection

        return cls(connect, dialect="sqlite", label=str(path))

    @classmethod
    def for_server(cls, address: ServerAddress, *, check: bool = False) -> IncidentListing:
        """A listing over a team database, through a read-only psycopg connection.

        With `check` (the first page at start-up, read before SQLAlchemy loads), a database
        that cannot be listed as it is (unreachable, refused, another schema) raises
        ListingNotReady, and opening the database is left to say what is wrong.
        """

        def connect() -> Any:
            import psycopg

            try:
                connection = psycopg.connect(
                    address.url(),
                    autocommit=True,
                    application_name="hindsight-list",
                    connect_timeout=5,
                )
                connection.read_only = True
                if check:
                    from hindsight.store.schema import HEAD_REVISION

                    with connection.cursor() as cursor:
                        cursor.execute("SELECT version_num FROM alembic_version")
                        found = cursor.fetchone()
                    if found is None or found[0] != HEAD_REVISION:
                        connection.close()
                        raise ListingNotReady(f"{address.display} is not at this schema")
            except psycopg.Error as error:
                if check:
                    raise ListingNotReady(str(error)) from error
                from hindsight.store.postgres_errors import server_errors

                with server_errors(address.display):
                    raise
            return connection

        return cls(connect, dialect="postgresql", label=address.display)

    @classmethod
    def for_target(cls, target: Path | ServerAddress) -> IncidentListing:
        """A listing over a database file or a team database."""
        if isinstance(target, ServerAddress):
            return cls.for_server(target)
        return cls.for_sqlite(target)

    # Queries

    def count(self, query: ListQuery | None = None) -> int:
        """How many incidents `query` keeps (all of them without a query)."""
        where, params = self._where(query or ListQuery())
        return int(self._execute(f"SELECT count(*) FROM incidents{where}", params)[0][0])

    def page(self, query: ListQuery, offset: int, limit: int) -> list[ListRow]:
        """The rows from `offset` on, at most `limit` of them, in the query's order."""
        where, params = self._where(query)
        mark = self._mark
        sql = (
            f"SELECT {_ROW_COLUMNS} FROM incidents{where} ORDER BY {self._order(query)} "
            f"LIMIT {mark} OFFSET {mark}"
        )
        return [_list_row(row) for row in self._execute(sql, [*params, limit, offset])]

    def ids(self, query: ListQuery) -> list[int]:
        """The ids of every incident `query` keeps, in its order."""
        where, params = self._where(query)
        sql = f"SELECT id FROM incidents{where} ORDER BY {self._order(query)}"
        return [row[0] for row in self._execute(sql, params)]

    def position(self, query: ListQuery, incident_id: int) -> int | None:
        """The row `incident_id` has under `query`, or None when the query leaves it out."""
        where, params = self._where(query)
        mark = self._mark
        found = self._execute(
            f"SELECT {SORT_EXPRESSIONS[query.sort]}, number FROM incidents{where}"
            f"{' AND' if where else ' WHERE'} id = {mark}",
            [*params, incident_id],
        )
        if not found:
            return None
        # Rows before it are those that sort before (key, number) in the query's direction.
        before = ">" if query.descending else "<"
        pair = f"({SORT_EXPRESSIONS[query.sort]}, number) {before} ({mark}, {mark})"
        sql = f"SELECT count(*) FROM incidents{where}{' AND' if where else ' WHERE'} {pair}"
        return int(self._execute(sql, [*params, *found[0]])[0][0])

    def rows(self, ids: Sequence[int]) -> dict[int, ListRow]:
        """The list's columns of the incidents `ids` (those that still exist)."""
        if not ids:
            return {}
        sql = f"SELECT {_ROW_COLUMNS} FROM incidents WHERE id IN ({self._id_list()})"
        found = (_list_row(row) for row in self._execute(sql, [json.dumps(list(ids))]))
        return {row.id: row for row in found}

    def data_version(self) -> int | None:
        """A number that moves whenever another connection commits to the database (SQLite's
        data_version; None for a team database, whose changes are heard otherwise)."""
        if self.dialect != "sqlite":
            return None
        return int(self._execute("PRAGMA data_version", ())[0][0])

    def close(self) -> None:
        """Release the connection (in the thread that used it)."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    # SQL

    @property
    def _mark(self) -> str:
        return "%s" if self.dialect == "postgresql" else "?"

    def _order(self, query: ListQuery) -> str:
        direction = "DESC" if query.descending else "ASC"
        order = f"{SORT_EXPRESSIONS[query.sort]} {direction}"
        if query.sort is not ListColumn.KEY:
            # Ties in the same direction: the column's index then gives the whole order.
            order += f", number {direction}"
        return order

    def _id_list(self) -> str:
        # One parameter holding a JSON array, whatever the number of ids.
        if self.dialect == "postgresql":
            return "SELECT value::int FROM json_array_elements_text(%s::json)"
        return "SELECT value FROM json_each(?)"

    def _word_clause(self, word: str) -> tuple[str, list[Any]]:
        """SQL keeping incidents whose key, title, a tag or a system contains `word`."""
        pattern = _like(word)
        if self.dialect == "postgresql":
            text_match = "(\"key\" ILIKE %s ESCAPE '\\' OR title ILIKE %s ESCAPE '\\')"
            each = (
                "EXISTS (SELECT 1 FROM json_array_elements_text({}::json) AS item "
                "WHERE item ILIKE %s ESCAPE '\\')"
            )
            lists = f"({each.format('tags')} OR {each.format('systems')})"
            return f"({text_match} OR {lists})", [pattern] * 4
        # An ASCII word matches ignoring ASCII case (SQLite's LIKE); any other word matches
        # after full case folding (the connection's Python casefold function, slower).
        # Tags and systems are JSON arrays: unless an array holds escapes (non-ASCII text),
        # an ASCII word without JSON's own characters is looked for in the array's text,
        # which is far quicker than taking every array apart.
        if word.isascii():
            lists = " OR ".join(
                f"(CASE WHEN instr({column}, '\\') = 0 THEN {column} LIKE ? ESCAPE '\\' "
                f"ELSE EXISTS (SELECT 1 FROM json_each({column}) AS item "
                f"WHERE item.value LIKE ? ESCAPE '\\') END)"
                for column in ("tags", "systems")
            )
            if _JSON_SYNTAX.intersection(word):
                lists = " OR ".join(
                    f"EXISTS (SELECT 1 FROM json_each({column}) AS item "
                    f"WHERE item.value LIKE ? ESCAPE '\\')"
                    for column in ("tags", "systems")
                )
                lists_params = [pattern] * 2
            else:
                lists_params = [pattern] * 4
            clause = f"\"key\" LIKE ? ESCAPE '\\' OR title LIKE ? ESCAPE '\\' OR {lists}"
            return f"({clause})", [pattern, pattern, *lists_params]
        pattern = _like(word.casefold())
        each = (
            "EXISTS (SELECT 1 FROM json_each({}) AS item "
            "WHERE casefold(item.value) LIKE ? ESCAPE '\\')"
        )
        clause = (
            f"casefold(\"key\") LIKE ? ESCAPE '\\' OR casefold(title) LIKE ? ESCAPE '\\'"
            f" OR {each.format('tags')} OR {each.format('systems')}"
        )
        return f"({clause})", [pattern] * 4

    def _where(self, query: ListQuery) -> tuple[str, list[Any]]:
        mark = self._mark
        clauses: list[str] = []
        params: list[Any] = []
        if query.phase is not None:
            clauses.append(f"phase = {mark}")
            params.append(query.phase.value)
        if query.severity is not None:
            clauses.append(f"severity = {mark}")
            params.append(query.severity.value)
        if query.only is not None:
            clauses.append(f"id IN ({self._id_list()})")
            params.append(json.dumps(sorted(query.only)))
        for word in query.words:
            clause, values = self._word_clause(word)
            clauses.append(clause)
            params.extend(values)
        return (" WHERE " + " AND ".join(clauses) if clauses else ""), params

    def _execute(self, sql: str, params: Sequence[Any]) -> list[Any]:
        if self.dialect == "postgresql":
            return self._execute_on_server(sql, params)
        with environment_errors(self.label or "the database"):
            if self._connection is None:
                self._connection = self._connect()
            cursor = self._connection.cursor()
            try:
                cursor.execute(sql, params)
                return cursor.fetchall()
            finally:
                cursor.close()

    def _execute_on_server(self, sql: str, params: Sequence[Any]) -> list[Any]:
        from hindsight.store.postgres_errors import server_errors

        with server_errors(self.label):
            if self._connection is None:
                self._connection = self._connect()
            try:
                with self._connection.cursor() as cursor:
                    cursor.execute(sql, params)
                    return list(cursor.fetchall())
            except Exception:
                # A broken connection (a server restart) is made again on the next query.
                if self._connection.closed or self._connection.broken:
                    self.close()
                raise
