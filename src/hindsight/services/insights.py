"""Insights use cases: the figures over a scope, shared by the Insights view, the report and
the `hindsight insights` command.

The service keeps a snapshot of the facts the figures read. Before each use it compares every
incident's and follow-up's version with the snapshot (two narrow queries) and reloads only
what changed, whoever changed it: this window, another window, or another program on the
same database. A scope change then costs only the arithmetic, not a read of the database.

One service per workspace: `insights_for(workspace)`.
"""

from __future__ import annotations

import gc
import json
import threading
import weakref
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from hindsight import __version__
from hindsight.core.followups import FollowUp
from hindsight.core.insights import compute_insights, incident_day
from hindsight.core.insights_model import (
    DETECTION_QUESTION,
    TRIGGER_QUESTION,
    IncidentFacts,
    Insights,
    Wording,
)
from hindsight.core.insights_scope import Period, Scope
from hindsight.services.collector import collector_paused
from hindsight.services.errors import ValidationError
from hindsight.services.search import QueryError
from hindsight.store.insights import InsightsRepository

FORMAT_NAME = "hindsight-insights"
FORMAT_VERSION = 1
MADE_KEPT = 4  # figure sets kept per snapshot (each is small next to the snapshot)
MARKS_KEPT = 8  # connections whose change marks are kept (a pool holds a few)
YOUNG_BATCH = 50_000  # objects made in a pause, past which they are collected in one pass


@contextmanager
def _paused_then_collected() -> Iterator[None]:
    """The cycle collector held back for the block, then, when the block made many objects
    (a first read of the snapshot: some 200,000 tracked objects on 10,000 incidents and
    20,000 items; the figures of a scope: some 140,000), its young generations collected
    in one pass here, on the thread that made them.

    Left to Python, they are walked twice while young: by the pass that follows the pause,
    wherever the next allocation falls, and again by the next pass of the middle
    generation, which then landed on the GUI thread as it drew the charts (about 150 ms of
    a first open). One pass of the middle generation walks them once and moves them on.
    Nothing is collected here when the collector was already held back (by another
    pause, or switched off by the caller).
    """
    running = gc.isenabled()
    with collector_paused():
        yield
        if running and gc.get_count()[0] >= YOUNG_BATCH:
            gc.collect(1)


def local_zone() -> tzinfo:
    """The computer's time zone now (days and periods are counted in it)."""
    return datetime.now().astimezone().tzinfo or UTC


@dataclass(frozen=True, slots=True)
class ScopeChoices:
    """What the scope controls offer: the values in use, most used first, and the date span."""

    tags: tuple[str, ...]
    systems: tuple[str, ...]
    teams: tuple[str, ...]
    first_day: date | None
    last_day: date | None


@dataclass(frozen=True, slots=True)
class Refreshed:
    """What a refresh reloaded (for the bench and the tests)."""

    incidents: int
    followups: int
    removed: int

    @property
    def anything(self) -> bool:
        """True when the snapshot changed."""
        return bool(self.incidents or self.followups or self.removed)


def _each_once(groups: Iterable[tuple[str, ...]]) -> Iterator[str]:
    """Every value of every group, each value once per group (a group of one or none is
    taken as it is, without a set made of it)."""
    for group in groups:
        yield from group if len(group) < 2 else set(group)


def _most_used(values: Iterable[str]) -> tuple[str, ...]:
    counts = Counter(values)
    return tuple(sorted(counts, key=lambda v: (-counts[v], v.casefold())))


class InsightsService:
    """Figures across the incidents of one workspace."""

    def __init__(
        self,
        workspace: Any,
        *,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        zone: tzinfo | None = None,
    ) -> None:
        self.workspace = workspace
        self.repository = InsightsRepository(workspace.database)
        self.clock = clock
        self.zone = zone  # None: the computer's local time
        self._lock = threading.Lock()
        self._incidents: dict[int, IncidentFacts] = {}
        self._incident_versions: dict[int, int] = {}
        self._items: dict[int, FollowUp] = {}
        self._item_versions: dict[int, int] = {}
        self._choices: tuple[tzinfo, ScopeChoices] | None = None
        # The snapshot's generation (bumped by every refresh that changed it), and the last
        # few figure sets made from it: a view reopened, a scope toggled back, or a report
        # of the scope on screen then costs nothing to work out again.
        self._generation = 0
        self._made: list[tuple[tuple[Any, ...], Insights]] = []
        # Per connection of the pool (by id), the connection and its change mark when the
        # snapshot last matched the database (store/insights.py `change_mark`). Holding the
        # connection keeps its id from passing to another made later.
        self._marks: dict[int, tuple[Any, int, int]] = {}

    # The snapshot

    def refresh(self) -> Refreshed:
        """Bring the snapshot up to date with the database; reload only what changed."""
        with self._lock, _paused_then_collected():
            # Taken before the versions are read: a commit in between changes the next mark.
            mark = self.repository.change_mark()
            if mark is not None and (self._incident_versions or self._item_versions):
                seen = self._marks.get(id(mark[0]))
                if seen is not None and seen[0] is mark[0] and seen[1:] == mark[1:]:
                    return Refreshed(0, 0, 0)  # nothing committed since this connection looked
            incidents = self.repository.incident_versions()
            items = self.repository.followup_versions()
            stale_incidents = [
                i for i, v in incidents.items() if self._incident_versions.get(i) != v
            ]
            stale_items = [i for i, v in items.items() if self._item_versions.get(i) != v]
            gone = [i for i in self._incident_versions if i not in incidents]
            gone_items = [i for i in self._item_versions if i not in items]
            # A first load reads whole tables: quicker than thousands of ids in chunks.
            first = not self._incident_versions and not self._item_versions
            if stale_incidents:
                loaded = self.repository.incident_facts(None if first else stale_incidents)
                self._incidents.update((f.id, f) for f in loaded)
            if stale_items:
                self._items.update(
                    (item.id, item)
                    for item in self.repository.followups(None if first else stale_items)
                    if item.id is not None
                )
            for incident_id in gone:
                self._incidents.pop(incident_id, None)
            for item_id in gone_items:
                self._items.pop(item_id, None)
            self._incident_versions, self._item_versions = incidents, items
            if mark is not None:
                self._marks.pop(id(mark[0]), None)
                self._marks[id(mark[0])] = mark
                while len(self._marks) > MARKS_KEPT:  # a pool that made many connections
                    del self._marks[next(iter(self._marks))]
            if stale_incidents or gone:
                self._choices = None
            if stale_incidents or stale_items or gone or gone_items:
                self._generation += 1
                self._made = []
            return Refreshed(len(stale_incidents), len(stale_items), len(gone) + len(gone_items))

    def facts(self) -> tuple[list[IncidentFacts], list[FollowUp]]:
        """The current snapshot (refreshed first)."""
        self.refresh()
        with self._lock:
            return list(self._incidents.values()), list(self._items.values())

    # Answers

    def today(self) -> date:
        """Today in the insights' time zone."""
        return self.clock().astimezone(self._zone()).date()

    def _zone(self) -> tzinfo:
        return self.zone if self.zone is not None else local_zone()

    def wording(self) -> Wording:
        """Labels from the question bank in use and the vocabulary."""

        bank = self.workspace.review.bank

        def options(question_id: str) -> tuple[tuple[str, str], ...]:
            question = bank.question(question_id)
            return tuple((o.id, o.label) for o in question.options) if question else ()

        return Wording(
            trigger_options=options(TRIGGER_QUESTION),
            detection_options=options(DETECTION_QUESTION),
            prompts={q.id: q.prompt for q in bank.questions},
            change_labels={k.id: k.label for k in bank.change_kinds},
        )

    def figures(
        self, scope: Scope | None = None, period: Period | None = None, today: date | None = None
    ) -> Insights:
        """Every chart over the incidents in `scope` (all incidents when None).

        Without a `period`, months or quarters are chosen by the length of the time axis.
        """
        scope = scope or Scope()
        if scope.problems:
            raise ValidationError(" ".join(scope.problems))
        scope = self.searched(scope)
        incidents, items = self.facts()
        followups = self.workspace.followups
        inputs = (
            scope,
            Period(period) if period is not None else None,
            today or self.today(),
            self._zone(),
            followups.regions,
            followups.settings(),
            self.wording(),
        )
        with self._lock:
            generation = self._generation
            for made_from, made in self._made:
                if made_from == (generation, *inputs):
                    return made
        with _paused_then_collected():
            made = compute_insights(
                incidents,
                items,
                scope=inputs[0],
                period=inputs[1],
                today=inputs[2],
                zone=inputs[3],
                regions=inputs[4],
                settings=inputs[5],
                wording=inputs[6],
            )
        with self._lock:
            if generation == self._generation:
                self._made = [((generation, *inputs), made), *self._made][:MADE_KEPT]
        return made

    def searched(self, scope: Scope) -> Scope:
        """`scope` with the incidents its saved search or query matches now.

        ValidationError naming the search when it does not exist or no longer parses.
        """
        if not scope.searched or scope.incident_ids is not None:
            return scope
        search = self.workspace.search
        query = scope.search_query.strip()
        name = scope.saved_search.strip()
        if name:
            wanted = name.casefold()
            found = [s for s in search.saved() if s.name.casefold() == wanted]
            if not found:
                raise ValidationError(
                    f"There is no saved search called “{name}”; choose one of those listed "
                    "under Search ▸ Saved Searches, or leave the search out of the scope."
                )
            name, saved_query = found[0].name, found[0].query
            ids = set(self._matching(saved_query, f"The saved search “{name}”"))
            if query:
                ids &= set(self._matching(query, "The search query"))
        else:
            ids = set(self._matching(query, "The search query"))
        return replace(scope, saved_search=name, incident_ids=frozenset(ids))

    def _matching(self, query: str, what: str) -> list[int]:
        try:
            return list(self.workspace.search.ranked_ids(query))
        except QueryError as error:
            reason = str(error).rstrip(".")  # a sentence of its own, ending with a full stop
            raise ValidationError(f"{what} cannot be read ({reason}): correct it.") from error

    def saved_searches(self) -> list[str]:
        """The names of the saved searches, by name (for the scope controls)."""
        return [s.name for s in self.workspace.search.saved()]

    def choices(self) -> ScopeChoices:
        """The tags, systems and teams in use, and the span of days incidents sit on."""
        incidents, _ = self.facts()
        zone = self._zone()
        with self._lock:
            if self._choices is not None and self._choices[0] == zone:
                return self._choices[1]
        days = [incident_day(f, zone)[0] for f in incidents]
        choices = ScopeChoices(
            tags=_most_used(_each_once(f.tags for f in incidents)),
            systems=_most_used(_each_once(f.systems for f in incidents)),
            teams=_most_used(_each_once(f.teams for f in incidents)),
            first_day=min(days) if days else None,
            last_day=max(days) if days else None,
        )
        with self._lock:
            self._choices = (zone, choices)
        return choices


def insights_document(insights: Insights, generated_at: datetime) -> dict[str, Any]:
    """Every figure as data, with what made it: the `--format json` document."""
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "generator": f"Hindsight {__version__}",
        "generated_at": generated_at.astimezone(UTC).isoformat(),
        **insights.to_mapping(),
    }


def dumps(document: dict[str, Any]) -> bytes:
    """The JSON document as UTF-8 bytes, with a final newline."""
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


_services: weakref.WeakKeyDictionary[Any, InsightsService] = weakref.WeakKeyDictionary()
_services_lock = threading.Lock()


def insights_for(workspace: Any) -> InsightsService:
    """The insights service of `workspace` (made on first use, kept while it lives)."""
    with _services_lock:
        service = _services.get(workspace)
        if service is None:
            service = InsightsService(workspace)
            _services[workspace] = service
        return service
