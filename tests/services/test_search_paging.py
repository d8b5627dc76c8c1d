"""A page of a search is a slice of the whole ranking: what lets the list show page one first.

The list's first answer to a search is a LIMITed ranked query (with its count); later pages
and finding a row read every ranked id. Both must give the same order, ties included, for
any query.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hindsight.core.enums import Phase, Severity
from hindsight.core.incident import Incident
from hindsight.core.listing import ListQuery
from hindsight.services.workspace import Workspace
from hindsight.store.listing import IncidentListing
from hindsight.ui.search.results import SearchReader

WORDS = ("kestrel", "feeder", "memory", "drift", "canary", "ranker", "schema", "latency")


@pytest.fixture(scope="module")
def searched(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workspace, Path]]:
    """A workspace of 60 incidents made of a few words, many of them alike (tied scores)."""
    path = tmp_path_factory.mktemp("paging") / "paging.sqlite"
    workspace = Workspace.open(path)
    rng = random.Random(11)
    title = summary = ""
    for number in range(60):
        # Every fifth incident repeats the one before it word for word: equal scores, so
        # the order between them is the tie rule's (newer first), on every page.
        if number % 5 != 4:
            title = " ".join(rng.choices(WORDS, k=rng.randint(1, 3)))
            summary = " ".join(rng.choices(WORDS, k=rng.randint(0, 12)))
        workspace.incidents.add(
            Incident(
                title=title,
                summary=summary,
                severity=rng.choice(list(Severity)),
                phase=rng.choice(list(Phase)),
                tags=rng.sample(WORDS, k=rng.randint(0, 2)),
            )
        )
    try:
        yield workspace, path
    finally:
        workspace.close()


def _term() -> st.SearchStrategy[str]:
    word = st.sampled_from(WORDS)
    return st.one_of(
        word,
        word.map(lambda w: f"-{w}"),
        word.map(lambda w: f"{w[:3]}*"),
        st.tuples(word, word).map(lambda pair: f"{pair[0]} OR {pair[1]}"),
        st.tuples(word, word).map(lambda pair: f'"{pair[0]} {pair[1]}"'),
        st.sampled_from(["severity:SEV1", "severity:SEV3", "phase:detection", "tag:drift"]),
    )


queries = st.lists(_term(), min_size=1, max_size=3).map(" ".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=queries, size=st.integers(min_value=1, max_value=9))
def test_pages_of_a_search_are_slices_of_its_whole_ranking(
    searched: tuple[Workspace, Path], text: str, size: int
) -> None:
    workspace, _ = searched
    everything = workspace.search.ranked_ids(text)
    paged: list[int] = []
    offset = 0
    while True:
        page = workspace.search.search(text, limit=size, offset=offset, snippets=0)
        assert page.total == len(everything), text
        paged += [hit.incident_id for hit in page.hits]
        offset += size
        if offset >= page.total:
            break
    assert paged == everything, text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=queries, rows=st.integers(min_value=1, max_value=70))
def test_the_lists_first_answer_is_the_head_of_the_order_it_reads_later(
    searched: tuple[Workspace, Path], text: str, rows: int
) -> None:
    workspace, path = searched
    listing = IncidentListing.for_sqlite(path)
    try:
        reader = SearchReader(workspace.search, listing)
        query = ListQuery(text=text)
        count, head, exact = reader.first(query, True, rows)
        if not exact:
            assert count <= reader.count(query)
            count = reader.count(query)
        everything = reader.order(query, True)
    finally:
        listing.close()
    assert count == len(everything)
    assert head == everything[:rows]
