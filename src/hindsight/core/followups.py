"""Follow-up work items: what a review asks to be done, as plain data.

Each item is its own record (edited on its own, dragged on a grid, possibly from a view across
incidents), carries its own version, and keeps the history of its status: which status it
reached and on which day (the day may be unknown: a postmortem brought in from elsewhere
often says an item is done without saying when). All its dates are calendar dates, as a
person would write them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from itertools import pairwise

from hindsight.core.references import target_problems

SCALE = range(1, 6)  # value and feasibility both run 1..5
MAX_TITLE = 500
MAX_OWNER = 200


class FollowUpStatus(StrEnum):
    """Where a follow-up item stands."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    BLOCKED = "blocked"
    DONE = "done"
    WONT_DO = "wont_do"

    @property
    def label(self) -> str:
        """The word shown to users."""
        return _STATUS_LABELS[self]

    @property
    def is_closed(self) -> bool:
        """Done, or consciously dropped: no work is expected any more."""
        return self in _CLOSED


class Priority(StrEnum):
    """How urgent an item is, most urgent first."""

    HIGHEST = "highest"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    NICE_TO_HAVE = "nice_to_have"

    @property
    def label(self) -> str:
        """The word shown to users."""
        return _PRIORITY_LABELS[self]

    @property
    def rank(self) -> int:
        """0 for Highest, growing as urgency falls."""
        return _PRIORITY_RANK[self]


class FollowUpKind(StrEnum):
    """What sort of work an item is."""

    FIX = "fix"
    MONITORING = "monitoring"
    MODEL_IMPROVEMENT = "model_improvement"
    DATA_PIPELINE = "data_pipeline"
    PROCESS = "process"
    ARCHITECTURE = "architecture"
    TOOLING_OTHER_TEAM = "tooling_other_team"

    @property
    def label(self) -> str:
        """The words shown to users."""
        return _KIND_LABELS[self]


class FollowUpType(StrEnum):
    """What the action does about the incident, as the common postmortem template puts it."""

    MITIGATE = "mitigate"  # lessens the harm when it happens again
    PREVENT = "prevent"  # stops it from happening again
    PROCESS = "process"  # changes how people work
    INVESTIGATE = "investigate"  # finds out more before deciding
    OTHER = "other"

    @property
    def label(self) -> str:
        """The word shown to users."""
        return self.value.capitalize()


_CLOSED = frozenset({FollowUpStatus.DONE, FollowUpStatus.WONT_DO})
_PRIORITY_RANK = {priority: rank for rank, priority in enumerate(Priority)}
_STATUS_LABELS = {
    FollowUpStatus.OPEN: "Open",
    FollowUpStatus.IN_PROGRESS: "In progress",
    FollowUpStatus.BLOCKED: "Blocked",
    FollowUpStatus.DONE: "Done",
    FollowUpStatus.WONT_DO: "Won't do",
}
_PRIORITY_LABELS = {
    Priority.HIGHEST: "Highest",
    Priority.HIGH: "High",
    Priority.MEDIUM: "Medium",
    Priority.LOW: "Low",
    Priority.NICE_TO_HAVE: "Nice to have",
}
_KIND_LABELS = {
    FollowUpKind.FIX: "Fix",
    FollowUpKind.MONITORING: "Monitoring or alerting",
    FollowUpKind.MODEL_IMPROVEMENT: "Model improvement",
    FollowUpKind.DATA_PIPELINE: "Data or pipeline",
    FollowUpKind.PROCESS: "Process",
    FollowUpKind.ARCHITECTURE: "Architecture",
    FollowUpKind.TOOLING_OTHER_TEAM: "Tooling for another team",
}


class FollowUpError(ValueError):
    """A follow-up item whose fields contradict each other or are out of range."""


@dataclass(frozen=True, slots=True)
class StatusStep:
    """The item reached `status` on day `on` (None: the day is not known)."""

    status: FollowUpStatus
    on: date | None

    @property
    def day_text(self) -> str:
        """The day as ISO text, or words saying it is not known."""
        return self.on.isoformat() if self.on is not None else "date not known"

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", FollowUpStatus(self.status))


@dataclass
class FollowUp:
    """One follow-up item of one incident."""

    title: str
    incident_id: int
    incident_key: str = ""
    description: str = ""  # Markdown
    owner: str = ""
    due: date | None = None
    history: list[StatusStep] = field(default_factory=list)  # oldest first; last is current
    priority: Priority = Priority.MEDIUM
    kind: FollowUpKind = FollowUpKind.FIX
    action_type: FollowUpType | None = None  # mitigate, prevent ...; None when not said
    value: int = 3
    feasibility: int = 3  # 5 = easy and cheap
    tracker: str = ""  # a web address, or a tracker reference such as "PROJ-42"
    speeds_troubleshooting: bool = False  # makes the next incident faster to troubleshoot
    next_senior_review: date | None = None  # for strategic items
    created_at: datetime | None = None
    updated_at: datetime | None = None
    version: int = 0
    id: int | None = None

    def __post_init__(self) -> None:
        self.priority = Priority(self.priority)
        self.kind = FollowUpKind(self.kind)
        if self.action_type is not None:
            self.action_type = FollowUpType(self.action_type)

    @property
    def status(self) -> FollowUpStatus:
        """The status reached last (Open for an item without history)."""
        return self.history[-1].status if self.history else FollowUpStatus.OPEN

    @property
    def status_since(self) -> date | None:
        """The day the current status was reached (None when it is not known)."""
        return self.history[-1].on if self.history else None

    @property
    def opened_on(self) -> date | None:
        """The day the item was first recorded: the start of its age.

        The first step whose day is known; when none is, the day the item was recorded here.
        """
        for step in self.history:
            if step.on is not None:
                return step.on
        return self.created_at.date() if self.created_at else None

    @property
    def is_closed(self) -> bool:
        """True once the item is done or will not be done."""
        return self.status.is_closed

    @property
    def cell(self) -> tuple[int, int]:
        """(value, feasibility): where the item sits on the grid."""
        return self.value, self.feasibility

    def with_status(self, status: FollowUpStatus, on: date | None) -> FollowUp:
        """A copy that reached `status` on `on`; re-dating the current status if unchanged."""
        status = FollowUpStatus(status)
        history = list(self.history)
        if history and history[-1].status is status:
            history[-1] = StatusStep(status, on)
        else:
            history.append(StatusStep(status, on))
        return replace(self, history=history)

    def moved(self, value: int, feasibility: int) -> FollowUp:
        """A copy placed in another cell of the grid."""
        return replace(self, value=value, feasibility=feasibility)


def same_content(a: FollowUp | None, b: FollowUp | None) -> bool:
    """True when two items say the same, whatever their identity, times and version."""
    if a is None or b is None:
        return a is b

    def bare(item: FollowUp) -> FollowUp:
        return replace(item, id=None, incident_key="", version=0, created_at=None, updated_at=None)

    return bare(a) == bare(b)


def problems(item: FollowUp) -> list[str]:
    """What is wrong with `item`, in sentences naming the field; empty when it is sound."""
    found: list[str] = []
    if not item.title.strip():
        found.append("A follow-up needs a title.")
    if len(item.title) > MAX_TITLE:
        found.append(f"The title is longer than {MAX_TITLE} characters; shorten it.")
    if len(item.owner) > MAX_OWNER:
        found.append(f"The owner is longer than {MAX_OWNER} characters.")
    for name in ("value", "feasibility"):
        level = getattr(item, name)
        if isinstance(level, bool) or not isinstance(level, int) or level not in SCALE:
            found.append(f"The {name} must be a whole number from 1 to 5 (it is {level!r}).")
    if not item.history:
        found.append("A follow-up needs a status.")
    known = [step for step in item.history if step.on is not None]
    for earlier, later in pairwise(known):
        assert earlier.on is not None and later.on is not None
        if later.on < earlier.on:
            found.append(
                f"The status history goes back in time: {later.status.label} on {later.on} "
                f"comes after {earlier.status.label} on {earlier.on}."
            )
    for earlier, later in zip(item.history, item.history[1:], strict=False):
        if later.status is earlier.status:
            found.append(f"The status history repeats {later.status.label}.")
    found.extend(tracker_problems(item.tracker))
    return found


def tracker_problems(tracker: str) -> list[str]:
    """What is wrong with a tracker link or reference; empty when it is usable (or blank)."""
    return target_problems(tracker, "The tracker reference")


def check(item: FollowUp) -> FollowUp:
    """Return `item` unchanged, or raise FollowUpError listing what is wrong."""
    found = problems(item)
    if found:
        raise FollowUpError(" ".join(found))
    return item
