"""Follow-up work items: what a review asks to be done, as plain data.

Each item is its own record (edited on its own, dragged on a grid, possibly from a view across
incidents), carries its own version, and keeps the history of its status: which status it
reached and on which day. All its dates are calendar dates, as a person would write them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from urllib.parse import urlsplit

SCALE = range(1, 6)  # value and feasibility both run 1..5
MAX_TITLE = 500
MAX_OWNER = 200
MAX_URL = 2000


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
    """The item reached `status` on day `on`."""

    status: FollowUpStatus
    on: date

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
    value: int = 3
    feasibility: int = 3  # 5 = easy and cheap
    tracker_url: str = ""
    speeds_troubleshooting: bool = False  # makes the next incident faster to troubleshoot
    next_senior_review: date | None = None  # for strategic items
    created_at: datetime | None = None
    updated_at: datetime | None = None
    version: int = 0
    id: int | None = None

    def __post_init__(self) -> None:
        self.priority = Priority(self.priority)
        self.kind = FollowUpKind(self.kind)

    @property
    def status(self) -> FollowUpStatus:
        """The status reached last (Open for an item without history)."""
        return self.history[-1].status if self.history else FollowUpStatus.OPEN

    @property
    def status_since(self) -> date | None:
        """The day the current status was reached."""
        return self.history[-1].on if self.history else None

    @property
    def opened_on(self) -> date | None:
        """The day the item was first recorded: the start of its age."""
        if self.history:
            return self.history[0].on
        return self.created_at.date() if self.created_at else None

    @property
    def is_closed(self) -> bool:
        """True once the item is done or will not be done."""
        return self.status.is_closed

    @property
    def cell(self) -> tuple[int, int]:
        """(value, feasibility): where the item sits on the grid."""
        return self.value, self.feasibility

    def with_status(self, status: FollowUpStatus, on: date) -> FollowUp:
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
        found.append("A follow-up needs a status and the day it was reached.")
    for earlier, later in zip(item.history, item.history[1:], strict=False):
        if later.on < earlier.on:
            found.append(
                f"The status history goes back in time: {later.status.label} on {later.on} "
                f"comes after {earlier.status.label} on {earlier.on}."
            )
        if later.status is earlier.status:
            found.append(f"The status history repeats {later.status.label}.")
    found.extend(url_problems(item.tracker_url))
    return found


def url_problems(url: str) -> list[str]:
    """What is wrong with a tracker link; empty when it is a usable web address (or blank)."""
    if not url:
        return []
    if len(url) > MAX_URL:
        return [f"The tracker link is longer than {MAX_URL} characters."]
    parts = urlsplit(url.strip())
    # Links are opened and exported; only web links are safe to follow.
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return ["The tracker link must be a web address starting with http:// or https://."]
    return []


def check(item: FollowUp) -> FollowUp:
    """Return `item` unchanged, or raise FollowUpError listing what is wrong."""
    found = problems(item)
    if found:
        raise FollowUpError(" ".join(found))
    return item
