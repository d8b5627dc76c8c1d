"""The incident record as plain data: what the store returns and the editor works on."""

from __future__ import annotations

import pickle
from dataclasses import dataclass, field
from datetime import datetime

from hindsight.core.enums import EventSource, Phase, Role, Severity
from hindsight.core.fuzzy_time import FuzzyTime, OrderIssue, check_order, ensure_utc
from hindsight.core.review import Answer, Attribution, ChangeCategory, ReviewStatus

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
    milestones: dict[Phase, FuzzyTime] = field(default_factory=dict)
    events: list[TimelineEvent] = field(default_factory=list)
    roles: list[RoleAssignment] = field(default_factory=list)
    teams: list[TeamInvolvement] = field(default_factory=list)
    review_status: ReviewStatus = ReviewStatus.DRAFT
    review_progress: int = 0  # percent of required review items settled, set when saved
    answers: dict[str, Answer] = field(default_factory=dict)
    attributions: dict[ChangeCategory, Attribution] = field(default_factory=dict)
    created_at: datetime | None = None
    updated_at: datetime | None = None
    version: int = 0
    id: int | None = None

    def sorted_events(self) -> list[TimelineEvent]:
        """Timeline events by best guess, the wider range first when guesses tie."""
        return sorted(self.events, key=lambda e: (e.when.best, e.when.earliest, -e.when.width))

    def order_issues(self) -> list[OrderIssue]:
        """Milestones whose times contradict the order of the phases."""
        return check_order(self.milestones)

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
