"""Follow-up use cases: add, edit, move on the grid, delete, what needs attention, CSV export."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path

from hindsight.core.followup_attention import AttentionReport, AttentionSettings, assess
from hindsight.core.followup_ranking import RankedItem
from hindsight.core.followup_regions import RegionMap, load_regions
from hindsight.core.followups import SCALE, FollowUp, FollowUpStatus, StatusStep, problems
from hindsight.export.atomic import write_atomic
from hindsight.export.errors import WriteProblem
from hindsight.paths import resources_dir
from hindsight.preferences import load_section, save_section
from hindsight.services.changes import ChangeFeed, Changes
from hindsight.services.errors import ValidationError
from hindsight.store.followups import FollowUpRepository

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

    def attention_count(self) -> int:
        """How many items need attention now."""
        return self.overview().report.count

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

    def save(self, item: FollowUp, *, overwrite: bool = False) -> FollowUp:
        """Save an edited item; ConflictError when it changed elsewhere meanwhile."""
        return self._changed(self.repository.save(self._checked(item), overwrite=overwrite))

    def move(self, item_id: int, value: int, feasibility: int, *, version: int) -> FollowUp:
        """Place an item in the grid cell (value, feasibility)."""
        if value not in SCALE or feasibility not in SCALE:
            raise ValidationError("Value and feasibility run from 1 to 5.")
        return self._changed(self.repository.move(item_id, value, feasibility, version=version))

    def delete(self, item_id: int, *, version: int | None = None) -> None:
        """Remove an item for good."""
        incident_id = self.repository.delete(item_id, version=version)
        self.feed.record(Changes.of(followups=[incident_id]))

    def _checked(self, item: FollowUp) -> FollowUp:
        found = problems(item)
        today = self.today()
        future = [step for step in item.history if step.on > today]
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
        _cell(item.tracker_url),
    ]
