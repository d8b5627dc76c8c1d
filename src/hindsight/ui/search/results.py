"""What the incident list reads while it shows a search: run on the reader lane.

A search is answered in two steps, like the plain list: the ids of the matches in the order
shown (best first, or by a column the user clicked), then, for the pages on screen only, the
list's columns and the snippets. Best first, the first answer holds only the ids of the
pages on screen (a LIMITed ranked query), so the first rows paint without the ids of every
match crossing into Python; those are read when the list needs them (a page further down,
or finding an incident's row). Its count may be a lower bound (the store ranked the page
without counting every match): the list then counts them after, on the same lane. The
phase and severity boxes become fields of the query, so the search index does all the
filtering; a chart's set of incidents is applied to the ids.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from hindsight.core.listing import ListQuery, ListRow

if TYPE_CHECKING:  # the query language loads with the first search, after the first paint
    from hindsight.core.search_results import Snippet
    from hindsight.services.search import SearchService
    from hindsight.store.listing import IncidentListing

SNIPPETS_PER_HIT = 3  # read for each hit on screen; the row shows the first few
FIRST_LIMIT = 1000  # a first answer reaching further down than this reads every id


def searching(query: ListQuery) -> bool:
    """True when the list shows the answer to a search rather than every incident."""
    return bool(query.text.strip())


def search_text(query: ListQuery) -> str:
    """The query the search index runs: the box's text with the phase and severity boxes as
    fields. QueryError when the box's text is malformed."""
    from hindsight.core.search_query import Field, FieldName, Query, parse

    parsed = parse(query.text)
    fields: list[Field] = []
    if query.phase is not None:
        fields.append(Field(FieldName.PHASE, query.phase.value))
    if query.severity is not None:
        fields.append(Field(FieldName.SEVERITY, query.severity.value))
    return str(Query((*parsed.clauses, *fields)))


def has_words(text: str) -> bool:
    """True when the query holds words or phrases a hit contains (what snippets show)."""
    from hindsight.core.search_query import parse

    try:
        return bool(parse(text).positive_texts())
    except ValueError:
        return False


class SearchReader:
    """The reads of one search, through the search service and the list's own connection."""

    def __init__(self, search: SearchService, listing: IncidentListing) -> None:
        self.search = search
        self.listing = listing
        # Snippets of the hits of the first answer, read with it (see `first`).
        self._snippets: dict[int, tuple[Snippet, ...]] = {}

    @property
    def notice(self) -> str:
        """What the user should know about every answer (no full-text index, say)."""
        return str(getattr(self.search.index, "notice", "") or "")

    def order(self, query: ListQuery, relevance: bool) -> list[int]:
        """The ids of every incident `query` finds, best first or in the query's column order."""
        ids = self.search.ranked_ids(search_text(query))
        if query.only is not None:
            ids = [incident for incident in ids if incident in query.only]
        if relevance or not ids:
            return ids
        # Sorted by a column: the list's own SQL orders the matches (phase and severity are
        # in the search already).
        plain = ListQuery(sort=query.sort, descending=query.descending, only=frozenset(ids))
        return self.listing.ids(plain)

    def first(
        self, query: ListQuery, relevance: bool, rows: int, with_snippets: bool = False
    ) -> tuple[int, list[int], bool]:
        """How many incidents `query` finds, the ids of at least its first `rows` in the
        order shown (only those when ranked best first, else every id), and whether that
        count is exact: best first it may be a lower bound, when the store could rank the
        page without counting every match (`count` then gives it).

        Best first, `with_snippets` reads the hits' snippets with them (`page` gives them
        then): the search has counted the words in every place already, which tells the
        snippets where to look, where snippets asked for apart look that up again."""
        if relevance and query.only is None and 0 < rows <= FIRST_LIMIT:
            found = self.search.search(
                search_text(query),
                limit=rows,
                snippets=SNIPPETS_PER_HIT if with_snippets else 0,
                exact_total=False,
            )
            if with_snippets:
                self._snippets = {hit.incident_id: hit.snippets for hit in found.hits}
            return found.total, [hit.incident_id for hit in found.hits], found.total_exact
        order = self.order(query, relevance)
        return len(order), order, True

    def count(self, query: ListQuery) -> int:
        """How many incidents `query` finds (every match counted)."""
        if query.only is not None:
            return len(self.order(query, True))
        return self.search.count(search_text(query))

    def page(
        self, query: ListQuery, ids: Sequence[int], with_snippets: bool
    ) -> tuple[list[ListRow], dict[int, tuple[Snippet, ...]]]:
        """The rows of `ids` in that order (those that still exist), and their snippets."""
        found = self.listing.rows(ids)
        rows = [found[incident] for incident in ids if incident in found]
        if not with_snippets or not rows:
            return rows, {}
        known = self._snippets
        if all(row.id in known for row in rows):  # read with the first answer
            return rows, {row.id: known[row.id] for row in rows if known[row.id]}
        return rows, self.search.snippets(query.text, [row.id for row in rows], SNIPPETS_PER_HIT)
