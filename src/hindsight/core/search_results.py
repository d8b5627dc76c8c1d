"""What a search returns, as plain data the GUI and the command line render as they like."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

    from hindsight.core.search_query import Field, Query

Span = tuple[int, int]


class Area(StrEnum):
    """Where in an incident a match is; each area is a place in the incident editor."""

    OVERVIEW = "overview"  # key, title, summary, systems, models, tags
    MILESTONES = "milestones"
    TIMELINE = "timeline"
    ROLES = "roles"
    TEAMS = "teams"
    REVIEW = "review"  # answers to the review's questions
    ATTRIBUTION = "attribution"  # change attribution evidence
    FOLLOWUPS = "followups"
    ACCESS_LOG = "access_log"
    ETHICS = "ethics"


@dataclass(frozen=True, slots=True)
class Location:
    """One field of one record of an incident, precise enough to open the editor on it.

    `column` names the field (title, summary, text, note, evidence ...); `record_id` is the
    row of a timeline event, role, team, answer, attribution, follow-up, access entry or
    ethics answer; `detail` is what the label needs: a milestone kind, event phase, role,
    team name, question id, change category, follow-up title, access entry number or
    checklist item id.
    """

    area: Area
    column: str
    record_id: int | None = None
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Snippet:
    """A piece of a matching field: its text, where the query's words are, and where it is."""

    location: Location
    text: str
    spans: tuple[Span, ...]
    label: tuple[str, ...] = ()  # e.g. ("Review", "Detection"), filled in by the service

    @property
    def where(self) -> str:
        """The label path as one line, e.g. 'Review > Detection'."""
        return " > ".join(self.label)

    def marked(self, opening: str = "[", closing: str = "]") -> str:
        """The text with each highlighted span wrapped in `opening` and `closing`."""
        parts, at = [], 0
        for start, end in self.spans:
            parts += [self.text[at:start], opening, self.text[start:end], closing]
            at = end
        parts.append(self.text[at:])
        return "".join(parts)


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One matching incident."""

    incident_id: int
    key: str
    title: str
    score: float
    snippets: tuple[Snippet, ...] = ()


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of ranked hits and how many incidents match in all.

    `total` is exact unless `total_exact` is False: then it is a lower bound (a page asked
    for without its total), still at least one more than the page's last hit when more
    incidents match, so `has_more` holds either way.
    """

    hits: tuple[SearchHit, ...]
    total: int
    offset: int
    limit: int
    notice: str = ""  # something the user should know about these results
    total_exact: bool = True

    @property
    def has_more(self) -> bool:
        """True when hits beyond this page exist."""
        return self.offset + len(self.hits) < self.total


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """A parsed query with what compiling it needs besides the text.

    `choices` holds, for each trigger: and detected-by: field, the answer option ids it
    stands for (resolved against the question bank). `zone` is where after: and before:
    days begin.
    """

    query: Query
    choices: Mapping[Field, frozenset[str]] = field(default_factory=dict)
    zone: tzinfo | None = None
    limit: int = 50
    offset: int = 0
    snippets: int = 3  # per hit
    # False: the page is what is wanted; its total may be a lower bound (SearchPage), which
    # lets a store skip counting every match when it can rank the page without them.
    exact_total: bool = True


@dataclass(frozen=True, slots=True)
class SharedTraits:
    """What two incidents have in common, as codes (the service words them)."""

    words: tuple[str, ...] = ()  # folded words of title, summary and trigger both use
    systems: tuple[str, ...] = ()
    trigger_kind: str = ""  # the trigger.kind option both answered, if the same
    implicated: tuple[str, ...] = ()  # change categories both found implicated


@dataclass(frozen=True, slots=True)
class RelatedIncident:
    """An earlier incident like this one, and why it is thought to be."""

    incident_id: int
    key: str
    title: str
    date: datetime
    score: float
    shared: SharedTraits
    reasons: tuple[str, ...] = ()  # `shared` in words, filled in by the service
