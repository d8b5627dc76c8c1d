"""Explicit links between incidents, and saved searches: plain values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class LinkKind(StrEnum):
    """How one incident relates to another. A link reads "source <kind> target"."""

    SAME_CAUSE = "same_cause"  # symmetric: both had the same root cause
    RECURRENCE = "recurrence"  # the source is a recurrence of the target
    PART_OF = "part_of"  # the source is part of the target (a larger incident)

    @property
    def symmetric(self) -> bool:
        """True when the link reads the same from both ends."""
        return self is LinkKind.SAME_CAUSE

    def phrase(self, outgoing: bool) -> str:
        """How the link reads from the source (outgoing) or from the target."""
        return _PHRASES[self][0 if outgoing else 1]


_PHRASES = {
    LinkKind.SAME_CAUSE: ("Same root cause as", "Same root cause as"),
    LinkKind.RECURRENCE: ("Recurrence of", "Recurred as"),
    LinkKind.PART_OF: ("Part of", "Includes"),
}


@dataclass(frozen=True, slots=True)
class IncidentLink:
    """A stored link: `source_id` <kind> `target_id`."""

    id: int
    kind: LinkKind
    source_id: int
    target_id: int
    note: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class LinkedIncident:
    """A link as one incident sees it: the other incident and how the link reads from here."""

    link_id: int
    kind: LinkKind
    outgoing: bool  # True when this incident is the link's source
    incident_id: int
    key: str
    title: str
    note: str = ""

    @property
    def phrase(self) -> str:
        """E.g. 'Recurrence of' or, from the other end, 'Recurred as'."""
        return self.kind.phrase(self.outgoing)


@dataclass(frozen=True, slots=True)
class SavedSearch:
    """A query kept under a name."""

    id: int
    name: str
    query: str
    created_at: datetime
    updated_at: datetime
