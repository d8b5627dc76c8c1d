"""Search on a team database: not built yet, said plainly instead of failing with SQL errors.

The services reach search through the SearchIndex interface (store/search.py); this answers
it for a PostgreSQL store by refusing each search with a message. Links, saved searches and
everything else work on a team database.
"""

from __future__ import annotations

from collections.abc import Sequence

from hindsight.core.search_results import RelatedIncident, SearchPage, SearchRequest, Snippet
from hindsight.store.postgres import ServerDatabase
from hindsight.store.postgres_errors import ServerError


class SearchUnavailableError(ServerError):
    what = "Full-text search does not work on a team database in this version of Hindsight."
    advice = (
        "Filter the incident list by words instead (it searches keys, titles, tags and "
        "systems), or copy the database into a file (hindsight copy) and search there."
    )


class ServerSearchIndex:
    """The SearchIndex of a team database: every search is refused with a clear message."""

    plain = True
    notice = SearchUnavailableError.what

    def __init__(self, database: ServerDatabase) -> None:
        self.database = database

    def _refuse(self) -> SearchUnavailableError:
        return SearchUnavailableError(self.database.location)

    def search(self, request: SearchRequest) -> SearchPage:
        """Refused (SearchUnavailableError)."""
        raise self._refuse()

    def ranked(self, request: SearchRequest) -> list[int]:
        """Refused (SearchUnavailableError)."""
        raise self._refuse()

    def snippets(
        self, request: SearchRequest, ids: Sequence[int]
    ) -> dict[int, tuple[Snippet, ...]]:
        """No snippets."""
        return {}

    def related(self, incident_id: int, limit: int = 5) -> list[RelatedIncident]:
        """Nothing: likeness needs the word statistics of a full-text index."""
        return []

    def problems(self) -> list[str]:
        """Nothing to check: there is no index."""
        return []

    def rebuild(self) -> None:
        """Nothing to build."""
