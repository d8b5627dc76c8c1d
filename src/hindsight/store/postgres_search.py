"""Search on a team database: the SearchIndex interface answered with PostgreSQL full-text search.

The index (store/postgres_search_schema.py) is a tsvector per searchable field, kept in step
by triggers; queries are compiled by store/postgres_search_sql.py. Snippets come from the
texts themselves, as on SQLite (store/search_snippets.py). The same query finds the same
incidents as on a file; only the order among them may differ (ts_rank_cd here, bm25 there).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import cast

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from hindsight.core.search_results import (
    RelatedIncident,
    SearchPage,
    SearchRequest,
    Snippet,
)
from hindsight.store import postgres_search_schema as schema
from hindsight.store.postgres import ServerDatabase
from hindsight.store.postgres_errors import ServerError
from hindsight.store.postgres_search_related import related_incidents
from hindsight.store.postgres_search_sql import QmarkConnection, ServerCompiler, query_texts
from hindsight.store.search_common import search_page
from hindsight.store.search_snippets import snippets


class ServerIndexDamagedError(ServerError):
    what = "The search index of this team database is damaged or missing; the data is not."
    advice = "Its owner can rebuild it with: hindsight check --repair --db ADDRESS"


class ServerSearchIndex:
    """The full-text index of one team database."""

    plain = False
    notice = ""

    def __init__(self, database: ServerDatabase) -> None:
        self.database = database

    # -- searching ----------------------------------------------------------------------------

    def search(self, request: SearchRequest) -> SearchPage:
        """One page of the incidents matching `request`, best first, with snippets."""
        with self.database.read() as session, self._index_errors():
            connection = session.connection()
            compiled = ServerCompiler(request, _folded(connection, request)).compile()
            rows = connection.execute(text(compiled.sql), compiled.params).all()
            if rows:
                total = int(rows[0][2])
            elif request.offset or not request.limit:
                total = int(
                    connection.execute(text(compiled.count_sql), compiled.params).scalar_one()
                )
            else:
                total = 0
            ids = [int(row[0]) for row in rows]
            titles = _titles(connection, ids)
            found = self._snippets(connection, request, ids)
        return search_page(rows, titles, found, total, request, self.notice)

    def ranked(self, request: SearchRequest) -> list[int]:
        """The ids of every incident matching `request`, best first (no page, no snippets)."""
        everything = replace(request, limit=-1, offset=0)
        with self.database.read() as session, self._index_errors():
            connection = session.connection()
            compiled = ServerCompiler(everything, _folded(connection, everything)).compile()
            return [int(row[0]) for row in connection.execute(text(compiled.sql), compiled.params)]

    def snippets(
        self, request: SearchRequest, ids: Sequence[int]
    ) -> dict[int, tuple[Snippet, ...]]:
        """Snippets of the incidents `ids` for `request` (a list asks for the rows it shows)."""
        with self.database.read() as session, self._index_errors():
            return self._snippets(session.connection(), request, ids)

    @staticmethod
    def _snippets(
        connection: Connection, request: SearchRequest, ids: Sequence[int]
    ) -> dict[int, tuple[Snippet, ...]]:
        texts = request.query.positive_texts()
        if not texts or not ids or request.snippets <= 0:
            return {}
        patterns = [t.pattern for t in texts]
        return snippets(
            cast(Connection, QmarkConnection(connection)), ids, patterns, request.snippets
        )

    # -- related incidents ----------------------------------------------------------------------

    def related(self, incident_id: int, limit: int = 5) -> list[RelatedIncident]:
        """The `limit` earlier incidents most like `incident_id`, most alike first."""
        with self.database.read() as session, self._index_errors():
            return related_incidents(session.connection(), incident_id, limit)

    # -- upkeep ---------------------------------------------------------------------------------

    def problems(self) -> list[str]:
        """What is wrong with the index, one line each; empty when it agrees with the data."""
        with self.database.read() as session:
            return schema.index_problems(session.connection())

    def rebuild(self) -> None:
        """Build the index again from the data (one write transaction)."""
        with self.database.write() as session:
            schema.rebuild_index(session.connection())

    @contextmanager
    def _index_errors(self) -> Iterator[None]:
        """Reports a missing part of the index as such, not as a damaged database."""
        try:
            yield
        except DBAPIError as error:
            code = getattr(error.orig, "sqlstate", None)
            # 42P01: no such table; 42883: no such function.
            if code in ("42P01", "42883") and "hindsight_search" in str(error.orig):
                raise ServerIndexDamagedError(
                    self.database.location, str(error.orig).splitlines()[0]
                ) from error
            raise


def _folded(connection: Connection, request: SearchRequest) -> dict[str, str]:
    """Each text of the query as the server folds indexed text: words separated by spaces."""
    texts = query_texts(request)
    if not texts:
        return {}
    rows = connection.execute(
        text(f"SELECT t, {schema.FOLD_FUNCTION}(t) FROM unnest(CAST(:texts AS text[])) AS u(t)"),
        {"texts": texts},
    ).all()
    return {row[0]: row[1] or "" for row in rows}


def _titles(connection: Connection, ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    if not ids:
        return {}
    rows = connection.execute(
        text("SELECT id, key, title FROM incidents WHERE id = ANY(:ids)"), {"ids": list(ids)}
    ).all()
    return {row[0]: (row[1], row[2]) for row in rows}
