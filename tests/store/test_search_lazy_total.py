"""Pages asked for without their total (SearchRequest.exact_total False) on SQLite.

Two shortcuts rank such a page without counting every match, and both must give the page
the full ranking gives: a word alone whose title matches provably hold the page is ranked
over those incidents only, and fields alone are walked newest first until the page is full.
The total is then a lower bound, said so (SearchPage.total_exact), and `count` gives it.
These worlds are made so that the shortcuts are taken, and also where they must not be.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from hindsight.core.enums import Phase, Severity
from hindsight.core.followups import FollowUp, FollowUpStatus, StatusStep
from hindsight.core.fuzzy_time import FuzzyTime
from hindsight.core.incident import Incident, TeamInvolvement, TimelineEvent
from hindsight.services.workspace import Workspace
from hindsight.store import search as search_store
from hindsight.store import search_schema, search_sql
from hindsight.store.search_index import PlainSearchIndex

from .test_search_ranking import check_page_without_total, reference_ranking

pytestmark = pytest.mark.sqlite_only("the FTS5 index's shortcuts")

FILLER = ("ledger", "pipeline", "rollout", "backfill")


@pytest.fixture(scope="module")
def title_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workspace, Path]]:
    """60 incidents. `quokka`: in 30 titles, 12 timelines and 6 teams' parts, no summary
    (a title match outweighs the rest). `numbat`: in 20 titles and nowhere else. `wombat`:
    in 30 titles, 20 summaries (scored by bm25 there) and 2 teams' parts. `dingo`: in 3
    titles and in 40 timelines (too few titles for a page)."""
    path = tmp_path_factory.mktemp("lazy") / "titles.sqlite"
    workspace = Workspace.open(path)
    rng = random.Random(11)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for n in range(60):
        moment = FuzzyTime.exact(start + timedelta(hours=n))
        title = [rng.choice(FILLER)]
        title += ["quokka"] if n % 2 == 0 else []
        title += ["numbat"] if n % 3 == 0 else []
        title += ["wombat"] if n % 2 == 1 else []
        title += ["dingo"] if n in (7, 20, 41) else []
        summary = " ".join(rng.choices(FILLER, k=5) + (["wombat"] if n % 3 == 1 else []))
        events = [TimelineEvent(moment, Phase.DETECTION, f"{rng.choice(FILLER)} seen")]
        if n % 5 == 1:
            events.append(TimelineEvent(moment, Phase.TRIGGER, "the quokka feed stalled"))
        if n < 40:
            events.append(TimelineEvent(moment, Phase.MITIGATION, "dingo rolled back"))
        teams = [TeamInvolvement("Finance", "quokka review")] if n % 10 == 3 else []
        teams += [TeamInvolvement("Support", "wombat watch")] if n in (6, 12) else []
        workspace.incidents.add(
            Incident(title=" ".join(title), summary=summary, events=events, teams=teams)
        )
    try:
        yield workspace, path
    finally:
        workspace.close()


def _ranked(path: Path, text: str) -> tuple[list[int], dict[int, float]]:
    expected = dict(reference_ranking(path, text))
    ranked = [i for i, _ in reference_ranking(path, text)]
    return ranked, expected


@pytest.mark.parametrize("size", [1, 4, 9, 14, 29, 30, 31, 45])
def test_title_matches_alone_rank_a_page_they_provably_hold(
    title_world: tuple[Workspace, Path], size: int
) -> None:
    workspace, path = title_world
    ranked, expected = _ranked(path, "quokka")
    assert len(ranked) == 30 + 6 + 6  # titles; timelines, teams of incidents without one
    check_page_without_total(workspace, "quokka", size, ranked, expected)
    page = workspace.search.search("quokka", limit=size, snippets=0, exact_total=False)
    if size < 30:
        # Ranked among the 30 title matches only: the total known is theirs, a bound.
        assert not page.total_exact and page.total == 30
    else:
        # The page reaches past the title matches: ranked and counted as a whole.
        assert page.total_exact and page.total == len(ranked)
    assert workspace.search.count("quokka") == len(ranked)


def test_a_word_only_in_incidents_fields_has_its_exact_total_at_once(
    title_world: tuple[Workspace, Path],
) -> None:
    workspace, path = title_world
    ranked, expected = _ranked(path, "numbat")
    check_page_without_total(workspace, "numbat", 5, ranked, expected)
    page = workspace.search.search("numbat", limit=5, snippets=0, exact_total=False)
    assert page.total_exact and page.total == len(ranked) == 20


def test_no_shortcut_without_a_bound_or_without_enough_titles(
    title_world: tuple[Workspace, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace, path = title_world
    for text in ("wombat", "dingo"):  # a summary scored by bm25; 3 titles for a page of 5
        ranked, expected = _ranked(path, text)
        check_page_without_total(workspace, text, 5, ranked, expected)
        page = workspace.search.search(text, limit=5, snippets=0, exact_total=False)
        assert page.total_exact and page.total == len(ranked), text
    # A summary scored by presence (the word is common) has a bound: then the shortcut holds.
    monkeypatch.setattr(search_sql, "BM25_LIMIT", 3)
    ranked, expected = _ranked(path, "wombat")
    for size in (1, 5, 12):
        check_page_without_total(workspace, "wombat", size, ranked, expected)
    page = workspace.search.search("wombat", limit=5, snippets=0, exact_total=False)
    assert not page.total_exact and page.total < len(ranked)


@pytest.fixture(scope="module")
def window_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Workspace, Path]]:
    """80 incidents (ids 1 to 80, in order). `kakapo`: in 20 titles, half of those also in
    a timeline entry and a team's part (every place it occurs), and in 10 more timelines.
    `takahe`: in 20 titles, in the timelines of half of those and the teams of the other
    half, so that no incident has it in every place."""
    path = tmp_path_factory.mktemp("lazy") / "windows.sqlite"
    workspace = Workspace.open(path)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for n in range(80):
        moment = FuzzyTime.exact(start + timedelta(hours=n))
        title = [FILLER[n % len(FILLER)]]
        title += ["kakapo"] if n % 4 == 0 else []
        title += ["takahe"] if n % 4 == 1 else []
        events = [TimelineEvent(moment, Phase.DETECTION, "nothing seen")]
        teams = []
        if n % 8 == 0:
            events.append(TimelineEvent(moment, Phase.TRIGGER, "the kakapo feed stalled"))
            teams.append(TeamInvolvement("Finance", "kakapo review"))
        if n % 8 == 2:
            events.append(TimelineEvent(moment, Phase.MITIGATION, "kakapo rolled back"))
        if n % 8 == 1:
            events.append(TimelineEvent(moment, Phase.TRIGGER, "the takahe feed stalled"))
        if n % 8 == 5:
            teams.append(TeamInvolvement("Support", "takahe watch"))
        workspace.incidents.add(Incident(title=" ".join(title), events=events, teams=teams))
    try:
        yield workspace, path
    finally:
        workspace.close()


def _windows_read(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The first id of each window of title matches ranked from now on, in turn."""
    lows: list[int] = []
    prelude = search_store._prelude

    def spy(connection: object, compiled: search_sql.CompiledQuery, params: object = None):
        if compiled.windows is not None and isinstance(params, dict):
            lows.append(int(params[compiled.windows.low]))
        return prelude(connection, compiled, params)  # type: ignore[arg-type]

    monkeypatch.setattr(search_store, "_prelude", spy)
    return lows


@pytest.mark.parametrize("reach", [1, 2, 8])
@pytest.mark.parametrize("text", ["kakapo", "takahe"])
def test_title_matches_ranked_a_window_at_a_time_give_the_same_pages(
    window_world: tuple[Workspace, Path], monkeypatch: pytest.MonkeyPatch, text: str, reach: int
) -> None:
    workspace, path = window_world
    monkeypatch.setattr(search_sql, "WINDOW_REACH", reach)
    ranked, expected = _ranked(path, text)
    assert len(ranked) == (30 if text == "kakapo" else 20)
    lows = _windows_read(monkeypatch)
    for size in (1, 2, 3, 5, 6, 9):
        check_page_without_total(workspace, text, size, ranked, expected)
    assert lows  # ranked a window at a time


def test_windows_stop_once_no_older_incident_can_enter_the_page(
    window_world: tuple[Workspace, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace, path = window_world
    monkeypatch.setattr(search_sql, "WINDOW_REACH", 1)
    lows = _windows_read(monkeypatch)
    ranked, _ = _ranked(path, "kakapo")
    # The page of 3 and one more: the four newest with kakapo in every place (n % 8 == 0,
    # ids 73, 65, 57, 49), found in the two newest windows; no older id is read.
    page = workspace.search.search("kakapo", limit=3, snippets=0, exact_total=False)
    assert [hit.incident_id for hit in page.hits] == ranked[:3] == [73, 65, 57]
    assert not page.total_exact and page.has_more
    assert len(lows) == 2 and lows[-1] > 1
    # No incident has takahe in every place: every window is read, back to the first id.
    lows.clear()
    ranked, _ = _ranked(path, "takahe")
    page = workspace.search.search("takahe", limit=3, snippets=0, exact_total=False)
    assert [hit.incident_id for hit in page.hits] == ranked[:3]
    assert len(lows) > 2 and lows[-1] == 0


def _with_follow_ups(workspace: Workspace) -> Workspace:
    """40 incidents: two in three with an open follow-up, some with done ones, the oldest
    with the only blocked one; severities in turn."""
    severities = list(Severity)
    for n in range(40):
        incident = workspace.incidents.add(
            Incident(title=f"Outage {n}", severity=severities[n % len(severities)])
        )
        assert incident.id is not None
        statuses = []
        if n % 3:
            statuses.append(FollowUpStatus.OPEN)
        if n % 4 == 0:
            statuses.append(FollowUpStatus.DONE)
        if n == 0:
            statuses.append(FollowUpStatus.BLOCKED)
        for status in statuses:
            workspace.followups.create(
                FollowUp(
                    title=f"Fix {n}",
                    incident_id=incident.id,
                    history=[StatusStep(status, date(2026, 3, 1))],
                )
            )
    return workspace


@pytest.fixture(scope="module")
def followup_world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    workspace = Workspace.open(tmp_path_factory.mktemp("lazy") / "followups.sqlite")
    try:
        yield _with_follow_ups(workspace)
    finally:
        workspace.close()


FIELD_QUERIES = (
    "followup:open",
    "followup:closed",
    "followup:blocked",
    "-followup:open",
    "followup:open severity:SEV2",
    "followup:closed OR severity:SEV1",
    "followup:open -outage",
    "followup:closed OR outage",
)


@pytest.mark.parametrize("window", [3, 2000])
@pytest.mark.parametrize("text", FIELD_QUERIES)
def test_fields_alone_are_walked_newest_first_to_the_same_page(
    followup_world: Workspace, monkeypatch: pytest.MonkeyPatch, text: str, window: int
) -> None:
    # A small window: the newest incidents hold too few matches and the exact answer is
    # asked for; a large one: the walk finds the page.
    workspace = followup_world
    monkeypatch.setattr(search_sql, "WALK_WINDOW", window)
    monkeypatch.setattr(search_sql, "WALK_FACTOR", 1)
    everything = workspace.search.search(text, limit=1000, snippets=0)
    ranked = [hit.incident_id for hit in everything.hits]
    expected = {hit.incident_id: hit.score for hit in everything.hits}
    for size in (1, 3, 7, 25):
        check_page_without_total(workspace, text, size, ranked, expected)


def test_open_follow_ups_are_a_page_without_counting_them_all(
    followup_world: Workspace,
) -> None:
    workspace = followup_world
    page = workspace.search.search("followup:open", limit=5, exact_total=False)
    assert not page.total_exact and page.total == 6  # the page and one more
    assert page.has_more
    assert workspace.search.count("followup:open") == 26 + 1  # blocked is open work too
    rare = workspace.search.search("followup:blocked", limit=5, exact_total=False)
    assert rare.total_exact and rare.total == 1


def test_without_fts5_pages_without_their_total_are_the_same(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_schema, "fts5_available", lambda: False)
    monkeypatch.setattr(search_sql, "WALK_WINDOW", 5)
    monkeypatch.setattr(search_sql, "WALK_FACTOR", 1)
    workspace = Workspace.open(tmp_path / "plain.sqlite")
    try:
        assert isinstance(workspace.search.index, PlainSearchIndex)
        _with_follow_ups(workspace)
        for text in (*FIELD_QUERIES, "outage", "outage followup:open"):
            everything = workspace.search.search(text, limit=1000, snippets=0)
            ranked = [hit.incident_id for hit in everything.hits]
            expected = {hit.incident_id: hit.score for hit in everything.hits}
            for size in (1, 4, 30):
                check_page_without_total(workspace, text, size, ranked, expected)
    finally:
        workspace.close()
