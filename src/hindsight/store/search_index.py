"""Choosing the search index of an open database, and the plain fallback without FTS5."""

from __future__ import annotations

import logging

from hindsight.core.search_results import RelatedIncident
from hindsight.store import search_schema
from hindsight.store.database import Database
from hindsight.store.errors import SearchIndexDamagedError
from hindsight.store.search import SearchIndex, SqliteSearchIndex

log = logging.getLogger(__name__)

PLAIN_NOTICE = (
    "Full-text search is unavailable because this Python's SQLite has no FTS5 module: "
    "words are matched as plain text and results are not ranked by relevance."
)


class PlainSearchIndex(SqliteSearchIndex):
    """Search without FTS5: the same query language, words matched as plain text."""

    plain = True
    notice = PLAIN_NOTICE

    def related(self, incident_id: int, limit: int = 5) -> list[RelatedIncident]:
        """Nothing: likeness needs the word statistics of the full-text index."""
        return []

    def problems(self) -> list[str]:
        """Nothing to check: there is no index (the notice on every search says why)."""
        return []


def search_index_for(database: Database) -> SearchIndex:
    """The search index of `database`, building the FTS5 index first if it is missing.

    A database whose index needs FTS5 cannot be written by a SQLite without it (the index's
    triggers would fail), so it is refused with a clear message rather than half working.
    """
    if database.dialect == "postgresql":
        from hindsight.store.postgres_search import ServerSearchIndex

        return ServerSearchIndex(database)  # type: ignore[arg-type]
    with database.read() as session:
        present = search_schema.index_present(session.connection())
        outdated = present and search_schema.index_outdated(session.connection())
    if not search_schema.fts5_available():
        if present:
            raise SearchIndexDamagedError(database.path, search_schema.FTS5_MISSING)
        log.warning("no FTS5 in this SQLite: searching %s by plain matching", database.path)
        return PlainSearchIndex(database)
    if not present:
        # Made or migrated by a Python without FTS5: build the index now, once.
        log.info("building the search index of %s", database.path)
        with database.write() as session:
            search_schema.create_index(session.connection())
    elif outdated:
        # An index of an older layout, which a migration without FTS5 could not rebuild.
        log.info("rebuilding the search index of %s in its present layout", database.path)
        with database.write() as session:
            search_schema.rebuild_index(session.connection())
    return SqliteSearchIndex(database)
