"""The incident record as plain data: what the store returns and the editor works on."""

from __future__ import annotations

import pickle
from dataclasses import dataclass, field, replace
from datetime import datetime

from hindsight.core.enums import EventSource, Marker, Phase, Role, Severity
from hindsight.core.factors import ContributingFactor, derived_milestones, effective_milestones
from hindsight.core.fuzzy_time import (
    FuzzyTime,
    OrderIssue,
    OrderProblem,
    check_order,
    ensure_utc,
)
from hindsight.core.impact import ImpactMeasure
from hindsight.core.references import Reference
from hindsight.core.review import Answer, Attribution, ChangeKind, ReviewStatus

KEY_PREFIX = "HS"


def incident_key(number: int) -> str:
    """The short human key of the incident with sequence number `number`, e.g. 'HS-7'."""
    return f"{KEY_PREFIX}-{number}"


@dataclass
class TimelineEvent:
    """Something that happened, placed on the timeline with its uncertainty."""

    when: FuzzyTime
    phase: Phase
    text: str = ""
    source: EventSource = EventSource.OTHER
    id: int | None = None


@dataclass
class RoleAssignment:
    """A person holding a response role from `start` until `end` (open-ended when None)."""

    role: Role
    person: str
    start: datetime | None = None
    end: datetime | None = None
    note: str = ""
    id: int | None = None

    def __post_init__(self) -> None:
        self.role = Role(self.role)
        self.start = ensure_utc(self.start) if self.start else None
        self.end = ensure_utc(self.end) if self.end else None


@dataclass
class TeamInvolvement:
    """A team drawn into the response and the part it played."""

    team: str
    part: str = ""
    id: int | None = None


@dataclass
class Incident:
    """One incident and everything the editor changes about it, saved as one unit."""

    title: str
    key: str = ""
    summary: str = ""
    severity: Severity = Severity.SEV3
    phase: Phase = Phase.DETECTION
    systems: list[str] = field(default_factory=list)
    models: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    milestones: dict[Phase, FuzzyTime] = field(default_factory=dict)  # as the author set them
    markers: dict[Marker, FuzzyTime] = field(default_factory=dict)  # acknowledged, declared ...
    events: list[TimelineEvent] = field(default_factory=list)
    roles: list[RoleAssignment] = field(default_factory=list)
    teams: list[TeamInvolvement] = field(default_factory=list)
    review_status: ReviewStatus = ReviewStatus.DRAFT
    review_progress: int = 0  # percent of required review items settled, set when saved
    answers: dict[str, Answer] = field(default_factory=dict)
    attributions: dict[ChangeKind, Attribution] = field(default_factory=dict)
    impacts: list[ImpactMeasure] = field(default_factory=list)
    factors: list[ContributingFactor] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    # The postmortem as a document: who wrote and reviewed it, and its number elsewhere.
    authors: list[str] = field(default_factory=list)
    reviewers: list[str] = field(default_factory=list)
    external_id: str = ""  # the incident's number in another system, e.g. "INC-2291"
    # A postmortem written outside Hindsight and brought in as it was published: its review
    # did not pass through Hindsight's publish gate, and documents say so.
    historical: bool = False
    created_at: datetime | None = None
    updated_at: datetime | None = None
    version: int = 0
    id: int | None = None

    def sorted_events(self) -> list[TimelineEvent]:
        """Timeline events by best guess, the wider range first when guesses tie."""
        return sorted(self.events, key=lambda e: (e.when.best, e.when.earliest, -e.when.width))

    def effective_milestones(self) -> dict[Phase, FuzzyTime]:
        """The milestones set by the author, with those only the factors date filled in."""
        return effective_milestones(self.milestones, self.factors)

    def derived_milestones(self) -> dict[Phase, FuzzyTime]:
        """The milestones the contributing factors date, whether or not the author set them."""
        return derived_milestones(self.factors)

    def order_issues(self) -> list[OrderIssue]:
        """Milestones (and response moments) whose times contradict the order of the phases."""
        milestones = self.effective_milestones()
        issues = check_order(milestones)
        for marker, when in self.markers.items():
            before = milestones.get(marker.after)
            if before is None:
                continue
            if when.latest < before.earliest:
                issues.append(OrderIssue(marker.after, marker, OrderProblem.IMPOSSIBLE))
            elif when.best < before.best:
                issues.append(OrderIssue(marker.after, marker, OrderProblem.DOUBTFUL))
        return issues

    def holders(self, role: Role) -> list[RoleAssignment]:
        """Everyone who held `role`, in hand-over order."""
        held = [r for r in self.roles if r.role is role]
        return sorted(held, key=lambda r: (r.start is not None, r.start or datetime.min))


def clone(incident: Incident) -> Incident:
    """A deep copy of `incident`: a pickle round trip, about twice as quick as deepcopy."""
    copied: Incident = pickle.loads(pickle.dumps(incident, protocol=pickle.HIGHEST_PROTOCOL))
    return copied


@dataclass(frozen=True, slots=True)
class IncidentSummary:
    """The columns the incident list shows, without the incident's full record."""

    id: int
    key: str
    title: str
    phase: Phase
    severity: Severity
    updated_at: datetime
    tags: tuple[str, ...] = ()
    systems: tuple[str, ...] = ()
    review_status: ReviewStatus = ReviewStatus.DRAFT
    review_progress: int = 0


# The parts of an incident whose records the store numbers (an `id` of None: not stored yet).
NUMBERED_PARTS = ("events", "roles", "teams", "impacts", "factors", "references")


def stored_ids(incident: Incident) -> dict[str, set[int]]:
    """The ids of the records of each numbered part that are already stored."""
    return {
        part: {record.id for record in getattr(incident, part) if record.id is not None}
        for part in NUMBERED_PARTS
    }


def take_new_ids(live: Incident, stored: Incident, known: dict[str, set[int]]) -> None:
    """Give the records of `live` that were new when it was saved the ids the store gave them.

    `stored` is what the save returned; `known` the ids stored before it (stored_ids() of
    the copy that was saved). A new record of `live` takes the id of a record that is new in
    `stored` and equal to it but for the id; one edited since the save keeps None, and is
    stored as new by the next save, as before. Without this, every save of an editor that
    keeps its own copy stored its new records again under new ids, and the change history
    said they were removed and added each time.
    """
    for part in NUMBERED_PARTS:
        records = getattr(live, part)
        fresh = [r for r in getattr(stored, part) if r.id is not None and r.id not in known[part]]
        for index, record in enumerate(records):
            if record.id is not None or not fresh:
                continue
            for candidate in fresh:
                if replace(candidate, id=None) == record:
                    if record.__dataclass_params__.frozen:  # type: ignore[attr-defined]
                        records[index] = replace(record, id=candidate.id)
                    else:  # the same object: a view holding it sees the id too
                        record.id = candidate.id
                    fresh.remove(candidate)
                    break
