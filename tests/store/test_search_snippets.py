"""The snippets of a page are those of searching every field, though not every field is searched.

store/search_snippets.py keeps each incident's best snippets so far and does not search a
field of ASCII text that could not beat them (a field of ASCII text shows each word of a
query of plain words at most once). The reference here searches every field and sorts every
candidate, as the snippets were chosen before; the two must agree for random queries over
incidents whose texts mix cases and accents ("Model", "mödel": one word to the index, two
words to a snippet).
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hindsight.core.enums import Phase, Role
from hindsight.core.fuzzy_time import FuzzyTime
from hindsight.core.incident import Incident, RoleAssignment, TeamInvolvement, TimelineEvent
from hindsight.core.search_results import Snippet
from hindsight.core.search_text import Finder, Pattern
from hindsight.services.workspace import Workspace
from hindsight.store import search_snippets
from hindsight.store.search_snippets import PREFERENCE, pieces, snippets

SURFACES = ("model", "Model", "MODEL", "mödel", "stale", "Stäle", "cafe", "Café", "drift")
FILLER = ("ledger", "rollout", "backfill", "-", "the")


@pytest.fixture(scope="module")
def snippet_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    """30 incidents whose fields hold the words in several cases and accents."""
    workspace = Workspace.open(tmp_path_factory.mktemp("snippets") / "snippets.sqlite")
    rng = random.Random(3)
    start = datetime(2026, 1, 1, tzinfo=UTC)

    def some(low: int, high: int) -> str:
        return " ".join(rng.choices(SURFACES + FILLER, k=rng.randint(low, high)))

    for number in range(30):
        moment = FuzzyTime.exact(start + timedelta(hours=number))
        workspace.incidents.add(
            Incident(
                title=some(1, 3),
                summary=some(0, 12),
                systems=[some(1, 1) for _ in range(rng.randint(0, 2))],
                tags=[some(1, 1) for _ in range(rng.randint(0, 1))],
                events=[
                    TimelineEvent(moment, Phase.DETECTION, some(1, 6))
                    for _ in range(rng.randint(0, 5))
                ],
                roles=[RoleAssignment(Role.INCIDENT_COMMANDER, "Amara", note=some(0, 3))],
                teams=[TeamInvolvement("Finance", some(0, 4)) for _ in range(rng.randint(0, 2))],
            )
        )
    try:
        yield workspace
    finally:
        workspace.close()


def every_field_searched(
    connection: Any, ids: Sequence[int], patterns: Sequence[Pattern], per_hit: int
) -> dict[int, tuple[Snippet, ...]]:
    """Snippets chosen the straightforward way: every field searched, every candidate sorted."""
    found: dict[int, list[tuple[tuple[float, ...], Any, list[tuple[int, int]]]]]
    found = defaultdict(list)
    finder = Finder(patterns)
    for order, piece in enumerate(pieces(connection, ids)):
        spans = finder.find(piece[5])
        if spans:
            words = {piece[5][s:e].lower() for s, e in spans}
            preference = PREFERENCE.get((piece[1], piece[2]), 1.0)
            found[piece[0]].append(((-len(words), -preference, order), piece, spans))
    return {
        incident: tuple(
            search_snippets._snippet(piece, spans)
            for _, piece, spans in sorted(candidates, key=lambda c: c[0])[:per_hit]
        )
        for incident, candidates in found.items()
    }


def _pattern() -> st.SearchStrategy[Pattern]:
    word = st.sampled_from(("model", "modèl", "stale", "cafe", "café", "drift", "ledger"))
    return st.one_of(
        word.map(Pattern.of),
        word.map(lambda w: Pattern.of(w[:3], prefix=True)),
        st.tuples(word, word).map(lambda pair: Pattern.of(f"{pair[0]} {pair[1]}")),
    )


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    patterns=st.lists(_pattern(), min_size=1, max_size=3),
    per_hit=st.integers(min_value=1, max_value=4),
)
def test_snippets_are_those_of_every_field_searched(
    snippet_world: Workspace, patterns: list[Pattern], per_hit: int
) -> None:
    ids = list(range(1, 31))
    with snippet_world.database.read() as session:
        connection = session.connection()
        expected = every_field_searched(connection, ids, patterns, per_hit)
        assert snippets(connection, ids, patterns, per_hit) == expected


def test_a_field_that_cannot_beat_the_chosen_snippets_is_not_searched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = Workspace.open(tmp_path / "searched.sqlite")
    moment = FuzzyTime.exact(datetime(2026, 1, 1, tzinfo=UTC))
    try:
        for accent in ("model", "mödel"):
            workspace.incidents.add(
                Incident(
                    title="model drift",
                    summary="The model was stale.",
                    systems=["model server"],
                    events=[
                        TimelineEvent(moment, Phase.DETECTION, f"{accent} seen {n}")
                        for n in range(8)
                    ],
                )
            )
        searched: list[str] = []

        class Counting(Finder):
            def find(self, text: str) -> list[tuple[int, int]]:
                searched.append(text)
                return super().find(text)

        monkeypatch.setattr(search_snippets, "Finder", Counting)
        with workspace.database.read() as session:
            connection = session.connection()
            found = snippets(connection, [1, 2], [Pattern.of("model")], 3)
            assert found == every_field_searched(connection, [1, 2], [Pattern.of("model")], 3)
        # Title, summary and systems hold the word: the first incident's ASCII timeline is
        # not searched; the second's ("mödel": not ASCII) is.
        assert [where.location.column for where in found[1]] == ["title", "systems", "summary"]
        assert not any(text.startswith("model seen") for text in searched)
        assert sum(text.startswith("mödel seen") for text in searched) == 8
    finally:
        workspace.close()
