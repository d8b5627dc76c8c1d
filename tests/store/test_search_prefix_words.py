"""A prefix written out as the index's words that have it (search_sql.Expansion).

FTS5 gathers a prefix's words again in every statement and range of rowids that reads it; the
store lists them once per search from FTS5's vocabularies and matches each table with an OR of
its words instead. Everything a user sees must stay as it was: the same hits, scores (to the
last bit), totals and snippets as when the prefix is matched as it is.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from hindsight.core.enums import Phase
from hindsight.core.fuzzy_time import FuzzyTime
from hindsight.core.incident import Incident, TeamInvolvement, TimelineEvent
from hindsight.services.workspace import Workspace
from hindsight.store import search as search_store
from hindsight.store.search_sql import any_of, prefix_bounds, single_prefix

from .test_search_consistency import matched
from .test_search_ranking import reference_ranking

pytestmark = pytest.mark.sqlite_only("the FTS5 index's vocabularies")

FILLER = ("ledger", "pipeline", "rollout", "backfill", "quokka")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workspace, Path]]:
    """60 incidents. Words starting `feed`: "feeder" in 30 titles (a title match outweighs
    the rest, so a page of `feed*` is ranked among them), "feedback" in 20 titles and 12
    summaries, "feeds" in summaries and systems, "feedstock" in timelines, "feeders" in
    teams; "fee" alone in a few summaries. Nothing of the kind in the access log. Words
    starting `kest`, in no summary (so a page of them is ranked among their title matches, a
    window of ids at a time): "kestrel" in 30 titles, "kestrels" in 12, "kestrelnest" in 6
    timelines."""
    path = tmp_path_factory.mktemp("prefix") / "prefix.sqlite"
    workspace = Workspace.open(path)
    rng = random.Random(5)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for n in range(60):
        moment = FuzzyTime.exact(start + timedelta(hours=n))
        title = [rng.choice(FILLER)]
        title += ["feeder"] if n % 2 == 0 else []
        title += ["Feedback"] if n % 3 == 0 else []
        title += ["kestrel"] if n % 2 == 1 else []
        title += ["kestrels"] if n % 5 == 0 else []
        summary = rng.choices(FILLER, k=6)
        summary += ["feedback loop"] if n % 5 == 0 else []
        summary += ["two feeds"] if n % 7 == 2 else []
        summary += ["a fee"] if n % 11 == 4 else []
        events = [TimelineEvent(moment, Phase.DETECTION, f"{rng.choice(FILLER)} seen")]
        if n % 4 == 1:
            events.append(TimelineEvent(moment, Phase.TRIGGER, "the feedstock stalled"))
        if n % 10 == 3:
            events.append(TimelineEvent(moment, Phase.MITIGATION, "kestrelnest moved"))
        teams = [TeamInvolvement("Feeders", "rollout")] if n % 6 == 5 else []
        workspace.incidents.add(
            Incident(
                title=" ".join(title),
                summary=" ".join(summary),
                systems=["feeds"] if n % 9 == 3 else [],
                events=events,
                teams=teams,
            )
        )
    try:
        yield workspace, path
    finally:
        workspace.close()


def _counter(workspace: Workspace, literal: str) -> search_store.Counts:
    with workspace.database.read() as session:
        return search_store._Counter(search_store._driver(session))(literal)


def test_a_prefix_is_written_out_as_its_words_in_each_table(
    world: tuple[Workspace, Path],
) -> None:
    workspace, _ = world
    counts = _counter(workspace, '"feed" *')
    assert counts.expansion is not None
    assert counts.expansion.incident == '("feedback" OR "feeder" OR "feeds")'
    assert counts.expansion.child == '("feeders" OR "feedstock")'
    assert counts.expansion.access == '"feed" *'  # no such word there: the prefix stays
    with workspace.database.read() as session:
        for literal in ('"feed" *', '"fee" *', '"feedb" *', '"feeders" *', '"zebra" *'):
            counted = _counter(workspace, literal)
            assert counted == matched(session.connection(), literal), literal
    assert _counter(workspace, '"feedb" *').expansion.incident == '("feedback")'  # type: ignore[union-attr]


def test_many_words_or_other_letters_keep_the_prefix(
    world: tuple[Workspace, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace, _ = world
    monkeypatch.setattr(search_store, "EXPANSION_LIMIT", 2)
    assert _counter(workspace, '"feed" *').expansion is None  # three words in incidents
    assert _counter(workspace, '"feedb" *').expansion is not None
    # Only a prefix of ASCII letters and digits, and only words of them, are written out.
    assert single_prefix('"feed" *') == "feed"
    assert single_prefix('"Feed" *') == "feed"
    assert single_prefix('"feed"') is None
    assert single_prefix('"log feed" *') is None
    assert single_prefix('"café" *') is None
    assert any_of(["feeder", "feedé"]) is None
    assert any_of([]) is None
    assert prefix_bounds("feed") == ("feed", "feee")
    assert prefix_bounds("a9") == ("a9", "a:")


QUERIES = ("feed*", "fee*", "feedb*", "feeds*", "feed* quokka", "-feed* ledger",
           "feed* OR pipeline", "feedstock*", "feed* -feedback", "Feed*", "kest*",
           "kestrel*", "kest* -kestrels")  # fmt: skip


@pytest.mark.parametrize("text", QUERIES)
def test_a_prefix_written_out_answers_as_the_prefix(
    world: tuple[Workspace, Path], text: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace, path = world

    def answers() -> list[object]:
        found: list[object] = []
        for limit, offset in ((5, 0), (12, 0), (10, 10), (50, 0), (3, 29)):
            for exact in (True, False):
                page = workspace.search.search(text, limit=limit, offset=offset,
                                               exact_total=exact)  # fmt: skip
                hits = [(h.incident_id, h.score, h.snippets) for h in page.hits]
                found.append((page.total, page.total_exact, hits))
        found.append(workspace.search.ranked_ids(text))
        found.append(workspace.search.count(text))
        return found

    written = answers()
    monkeypatch.setattr(search_store, "EXPANSION_LIMIT", 0)  # every prefix as it is
    assert _counter(workspace, '"feed" *').expansion is None
    assert written == answers(), text  # scores compared exactly
    ranked = [i for i, _ in reference_ranking(path, text)]
    assert written[-2] == ranked, text
