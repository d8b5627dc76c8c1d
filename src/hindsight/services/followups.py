"""Follow-up use cases: add, edit, move on the grid, delete, what needs attention, CSV export.

Views of many items (the Triage view) ask for a `Board`: the filter and the attention rules
run in SQL, the ranked order of the kept items is built from a few fields of each (not whole
items), and whole items are read only for what is on screen (`details`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from hindsight.core.followup_attention import (
    AttentionCounts,
    AttentionReport,
    AttentionSettings,
    BlockerReview,
    Cutoffs,
    assess,
)
from hindsight.core.followup_filters import FollowUpFilter
from hindsight.core.followup_index import RankedIndex
from hindsight.core.followup_ranking import RankedItem, rank, rank_key_of
from hindsight.core.followup_regions import RegionMap, load_regions
from hindsight.core.followups import SCALE, FollowUp, FollowUpStatus, StatusStep, problems
from hindsight.export.atomic import write_atomic
from hindsight.export.errors import WriteProblem
from hindsight.paths import resources_dir
from hindsight.preferences import load_section, save_section
from hindsight.services.changes import ChangeFeed, Changes
from hindsight.services.collector import collector_paused
from hindsight.services.errors import ValidationError

if TYPE_CHECKING:  # with SQLAlchemy: loaded when the workspace first makes this service
    from hindsight.store.followup_queries import AttentionQuery
    from hindsight.store.followups import FollowUpRepository, IncidentChoice

PREFERENCES = "followups"
CSV_COLUMNS = (
    "rank",
    "incident",
    "title",
    "region",
    "priority",
    "value",
    "feasibility",
    "status",
    "status since",
    "owner",
    "due",
    "kind",
    "opened",
    "speeds troubleshooting",
    "next senior review",
    "attention",
    "tracker link",
)
# A spreadsheet treats a cell starting with one of these as a formula; user text must not be.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def regions_path() -> Path:
    """The bundled regions file."""
    return resources_dir() / "followup_regions.toml"


@cache
def default_regions() -> RegionMap:
    """The bundled regions, read once."""
    return load_regions(regions_path())


@dataclass(frozen=True, slots=True)
class FollowUpOverview:
    """Items with what needs attention, as of one day: what a grid or the Triage view shows."""

    items: list[FollowUp]
    report: AttentionReport
    regions: RegionMap
    today: date
    published: dict[int, date]  # what the report was computed from, for recomputing it
    settings: AttentionSettings


@dataclass(frozen=True, slots=True)
class Rules:
    """What the attention rules read besides the items, as of one day."""

    regions: RegionMap
    published: dict[int, date]
    settings: AttentionSettings
    today: date

    def assess(self, items: Iterable[FollowUp]) -> AttentionReport:
        """The flags of `items` (their blocker-review notices cover only these items)."""
        return assess(
            items,
            regions=self.regions,
            published=self.published,
            settings=self.settings,
            today=self.today,
        )


@dataclass(frozen=True, slots=True)
class Summary:
    """What a view says of all the items of its scope, whatever its filter keeps."""

    total: int = 0  # items in the scope
    counts: AttentionCounts = field(default_factory=AttentionCounts)  # needing attention
    reviews: tuple[BlockerReview, ...] = ()  # incidents due a review of what blocks them


@dataclass(slots=True)
class Board:
    """The items of one scope that a filter keeps, ranked; whole items only for some."""

    scope: int | None  # an incident id, or None for every incident
    chosen: FollowUpFilter
    index: RankedIndex  # every kept item, in ranked order, with its cell
    summary: Summary
    owners: list[str]
    rules: Rules
    details: dict[int, FollowUp] = field(default_factory=dict)  # whole items read so far


class FollowUpService:
    """What the UI and CLI may do with follow-up items."""

    def __init__(
        self,
        repository: FollowUpRepository,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        regions: RegionMap | None = None,
        feed: ChangeFeed | None = None,
    ) -> None:
        self.repository = repository
        self.clock = clock
        self._regions = regions
        self.feed = feed or ChangeFeed()

    @property
    def regions(self) -> RegionMap:
        """The named regions of the grid."""
        if self._regions is None:
            self._regions = default_regions()
        return self._regions

    def today(self) -> date:
        """Today in the user's time zone (follow-up dates are calendar days)."""
        return self.clock().astimezone().date()

    # Reading

    def items(self, incident_id: int | None = None) -> list[FollowUp]:
        """Every item, or those of one incident."""
        return self.repository.items(incident_id)

    def get(self, item_id: int) -> FollowUp:
        """One item."""
        return self.repository.get(item_id)

    def owners(self) -> list[str]:
        """Owners named on any item, for offering in a list."""
        return self.repository.owners()

    def published_dates(self) -> dict[int, date]:
        """The day each published review was published, in the user's time zone."""
        return {
            incident_id: at.astimezone().date()
            for incident_id, at in self.repository.published_on().items()
        }

    def overview(self, incident_id: int | None = None) -> FollowUpOverview:
        """The items (of one incident, when given) and which of them need attention."""
        items = self.items(incident_id)
        today, published, settings = self.today(), self.published_dates(), self.settings()
        report = assess(
            items, regions=self.regions, published=published, settings=settings, today=today
        )
        return FollowUpOverview(items, report, self.regions, today, published, settings)

    def rules(self) -> Rules:
        """The regions, publication days, thresholds and today the attention rules read."""
        return Rules(self.regions, self.published_dates(), self.settings(), self.today())

    def attention_query(self, rules: Rules | None = None) -> AttentionQuery:
        """The attention rules as the store runs them in SQL."""
        settings = rules.settings if rules else self.settings()
        today = rules.today if rules else self.today()
        cutoffs = Cutoffs.of(settings, today)
        # A review counts as published on the day its latest publication fell in the user's
        # time zone: published by the cut-off day means before the next local midnight.
        next_day = datetime.combine(cutoffs.published_by + timedelta(days=1), time())
        from hindsight.store.followup_queries import AttentionQuery

        return AttentionQuery(cutoffs, self.regions, next_day.astimezone())

    def attention_count(self) -> int:
        """How many items need attention now (one SQL count)."""
        return self.repository.attention_count(self.attention_query())

    def attention_counts(self, incident_id: int | None = None) -> AttentionCounts:
        """How many items (of one incident, when given) need attention, for each reason."""
        return self.repository.attention_counts(self.attention_query(), incident_id)

    def blocker_reviews(
        self, incident_id: int | None = None, rules: Rules | None = None
    ) -> tuple[BlockerReview, ...]:
        """Incidents whose open Highest items are due a review of what blocks them."""
        rules = rules or self.rules()
        waiting: dict[int, tuple[str, list[int]]] = {}
        query = self.attention_query(rules)
        for found_incident, key, item_id in self.repository.waiting_for_review(query, incident_id):
            waiting.setdefault(found_incident, (key, []))[1].append(item_id)
        reviews = []
        for found_incident, (key, ids) in waiting.items():
            published_on = rules.published.get(found_incident)
            if published_on is None:  # published again since the query: it is news
                continue
            reviews.append(
                BlockerReview(
                    incident_id=found_incident,
                    incident_key=key,
                    published_on=published_on,
                    days_since=(rules.today - published_on).days,
                    open_items=tuple(ids),
                )
            )
        return tuple(sorted(reviews, key=lambda r: (r.published_on, r.incident_key)))

    def board(
        self,
        incident_id: int | None = None,
        chosen: FollowUpFilter | None = None,
        *,
        first_rows: int = 0,
        per_cell: int = 0,
        with_summary: bool = True,
    ) -> Board:
        """The items of `incident_id` (None: of all) that `chosen` keeps, ranked.

        Whole items are read for the first `first_rows` of the ranked list and the first
        `per_cell` of each grid cell: what a view shows first. Without `with_summary`, the
        board's summary is left empty for the caller to ask for apart (`summary`).
        """
        chosen = chosen or FollowUpFilter()
        rules = self.rules()
        query = self.attention_query(rules)
        regions = self.regions
        at = regions.at
        with collector_paused():  # every item's key: many small objects, no cycles
            fields = self.repository.rank_fields(chosen, incident_id, query)
            index = RankedIndex(
                (
                    rank_key_of(closed.is_closed, at(value, feasibility), priority, value,
                                feasibility, opened, item_id),
                    (value, feasibility),
                )
                for item_id, value, feasibility, closed, priority, opened in fields
            )  # fmt: skip
            wanted = [index.id_at(row) for row in range(min(first_rows, len(index)))]
            for ids in index.cells().values():
                wanted.extend(ids[:per_cell])
        return Board(
            scope=incident_id,
            chosen=chosen,
            index=index,
            summary=self.summary(incident_id, rules) if with_summary else Summary(),
            owners=self.owners(),
            rules=rules,
            details={item.id: item for item in self.details(wanted) if item.id is not None},
        )

    def summary(self, incident_id: int | None = None, rules: Rules | None = None) -> Summary:
        """How many items there are (of one incident, when given), and what needs attention."""
        rules = rules or self.rules()
        return Summary(
            total=self.repository.count(incident_id),
            counts=self.repository.attention_counts(self.attention_query(rules), incident_id),
            reviews=self.blocker_reviews(incident_id, rules),
        )

    def details(self, ids: Collection[int]) -> list[FollowUp]:
        """Whole items with these ids (those that still exist)."""
        return self.repository.items(ids=ids) if ids else []

    def ranked(
        self, incident_id: int | None = None, chosen: FollowUpFilter | None = None
    ) -> tuple[list[RankedItem], AttentionReport]:
        """Every item a filter keeps, whole and ranked, with their flags (for a CSV file)."""
        board = self.board(incident_id, chosen)
        items = self.details(list(board.index))
        return rank(items, self.regions), board.rules.assess(items)

    def incident_choices(self, text: str, limit: int = 30) -> list[IncidentChoice]:
        """Incidents with follow-ups whose key or title contains `text`, for a filter."""
        return self.repository.incident_choices(text, limit)

    # Writing

    def new_item(self, incident_id: int, title: str = "") -> FollowUp:
        """A fresh item for `incident_id`, opened today, in the middle of the grid."""
        return FollowUp(
            title=title,
            incident_id=incident_id,
            history=[StatusStep(FollowUpStatus.OPEN, self.today())],
        )

    def create(self, item: FollowUp) -> FollowUp:
        """Store a new item (opened today unless its history says otherwise)."""
        if not item.history:
            item = replace(item, history=[StatusStep(FollowUpStatus.OPEN, self.today())])
        return self._changed(self.repository.create(self._checked(item)))

    def _changed(self, item: FollowUp) -> FollowUp:
        self.feed.record(Changes.of(followups=[item.incident_id]))
        return item

    def create_many(self, items: Iterable[FollowUp]) -> list[FollowUp]:
        """Store several new items in one transaction (demo data, imports)."""
        stored = self.repository.create_many([self._checked(item) for item in items])
        self.feed.record(Changes.of(followups=[item.incident_id for item in stored]))
        return stored

    def save(
        self, item: FollowUp, *, overwrite: bool = False, expected: FollowUp | None = None
    ) -> FollowUp:
        """Save an edited item; ConflictError when it changed elsewhere meanwhile (it is no
        longer at its version or, when given, no longer says what `expected` says)."""
        stored = self.repository.save(self._checked(item), overwrite=overwrite, expected=expected)
        return self._changed(stored)

    def move(
        self,
        item_id: int,
        value: int,
        feasibility: int,
        *,
        version: int | None = None,
        expected: FollowUp | None = None,
    ) -> FollowUp:
        """Place an item in the grid cell (value, feasibility), if it is still at `version`
        (or still says what `expected` says)."""
        if value not in SCALE or feasibility not in SCALE:
            raise ValidationError("Value and feasibility run from 1 to 5.")
        if version is None and expected is None:
            raise ValueError("move() needs the version or the content the move is based on")
        moved = self.repository.move(
            item_id, value, feasibility, version=version, expected=expected
        )
        return self._changed(moved)

    def delete(
        self, item_id: int, *, version: int | None = None, expected: FollowUp | None = None
    ) -> None:
        """Remove an item for good (only if unchanged since `version` or `expected`)."""
        incident_id = self.repository.delete(item_id, version=version, expected=expected)
        self.feed.record(Changes.of(followups=[incident_id]))

    def _checked(self, item: FollowUp) -> FollowUp:
        found = problems(item)
        today = self.today()
        future = [step for step in item.history if step.on is not None and step.on > today]
        if future:
            found.append(
                f"{future[0].status.label} is dated {future[0].on}, which has not come yet."
            )
        if found:
            raise ValidationError(" ".join(found))
        return replace(item, title=item.title.strip(), owner=item.owner.strip())

    # Settings

    def settings(self) -> AttentionSettings:
        """The thresholds of the attention rules (defaults where none were saved)."""
        return AttentionSettings.from_mapping(load_section(PREFERENCES))

    def save_settings(self, settings: AttentionSettings) -> None:
        """Keep new thresholds for the attention rules."""
        section = load_section(PREFERENCES)
        section.update(settings.to_mapping())
        save_section(PREFERENCES, section)

    # Export

    def export_csv(self, ranked: Iterable[RankedItem], report: AttentionReport, path: Path) -> Path:
        """Write the ranked list to `path` as CSV, all or nothing."""
        path = Path(path)
        rows = [_csv_row(entry, report) for entry in ranked]
        text = io.StringIO(newline="")
        writer = csv.writer(text)
        writer.writerow(CSV_COLUMNS)
        writer.writerows(rows)
        try:
            write_atomic(path, text.getvalue().encode("utf-8"))
        except WriteProblem as error:
            raise ValidationError(str(error)) from error
        return path


def _cell(text: str) -> str:
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def _csv_row(entry: RankedItem, report: AttentionReport) -> list[str]:
    item = entry.item
    return [
        entry.label,
        item.incident_key,
        _cell(item.title),
        entry.region.name,
        item.priority.label,
        str(item.value),
        str(item.feasibility),
        item.status.label,
        _day(item.status_since),
        _cell(item.owner),
        _day(item.due),
        item.kind.label,
        _day(item.opened_on),
        "yes" if item.speeds_troubleshooting else "no",
        _day(item.next_senior_review),
        "; ".join(flag.reason for flag in report.of(item.id)),
        _cell(item.tracker),
    ]
