"""What the SQLite and PostgreSQL search indexes share: the dialect-free pieces.

Both stores filter by the same fields, date incidents the same way, weigh words by the same
idf and score related incidents by the same traits; only how a word is found differs
(FTS5 there, tsvector here). Keeping these pieces in one place keeps the two from drifting.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, tzinfo
from typing import Any

from hindsight.core.detection import TRIGGER_KIND_QUESTION
from hindsight.core.followups import FollowUpStatus
from hindsight.core.search_query import FOLLOWUP_CLOSED, FOLLOWUP_OPEN, FieldName
from hindsight.core.search_results import (
    RelatedIncident,
    SearchHit,
    SearchPage,
    SearchRequest,
    SharedTraits,
    Snippet,
)
from hindsight.core.search_text import STOPWORDS, words
from hindsight.store.search_snippets import json_value, json_words

# -- fields of the query language ------------------------------------------------------------

# Fields that are columns of the incidents table.
INCIDENT_COLUMNS = {
    FieldName.SEVERITY: "severity",
    FieldName.PHASE: "phase",
    FieldName.STATUS: "review_status",
}
# Fields matched against a name's words (a tag, system, team or follow-up owner).
NAMED_FIELDS = (FieldName.TAG, FieldName.SYSTEM, FieldName.TEAM, FieldName.OWNER)


def followup_statuses(value: str) -> list[str]:
    """The follow-up statuses `followup:VALUE` keeps (open and closed name several)."""
    if value == FOLLOWUP_OPEN:
        return sorted(s.value for s in FollowUpStatus if not s.is_closed)
    if value == FOLLOWUP_CLOSED:
        return sorted(s.value for s in FollowUpStatus if s.is_closed)
    return [value]


def day_start(request: SearchRequest, day: date) -> datetime:
    """The start of `day` in the request's time zone (UTC when it names none)."""
    zone: tzinfo = request.zone or UTC
    return datetime.combine(day, time(), zone)


def incident_date_sql(incident: str) -> str:
    """SQL for an incident's date: impact start, else detection, else when it was recorded."""
    milestone = "(SELECT best FROM milestones WHERE incident_id = {i} AND kind = '{kind}')"
    return (
        f"coalesce({milestone.format(i=incident, kind='outage_begins')}, "
        f"{milestone.format(i=incident, kind='detection')}, "
        f"(SELECT created_at FROM incidents WHERE id = {incident}))"
    )


def idf(matching: int, total: int) -> float:
    """Inverse document frequency of a word found in `matching` of `total` incidents."""
    total = max(total, matching)
    return math.log(1.0 + (total - matching + 0.5) / (matching + 0.5))


# -- related incidents -----------------------------------------------------------------------

# How much each trait shared with an incident adds to its likeness, besides shared words.
SAME_TRIGGER_KIND = 3.0
SHARED_IMPLICATED = 2.0
SHARED_SYSTEM = 2.0
RELATED_WORDS = 8  # distinctive words of an incident used to look for others like it
RELATED_POOL = 40  # candidates re-ranked with the traits
RELATED_SCAN = 2000  # incidents a word is looked for in, most recently recorded first
RELATED_CANDIDATES = 24  # words of the incident whose rarity is measured
COMMON_CAP = 500  # counting a word's incidents stops here: it is common enough


def parse_time(value: Any) -> datetime:
    """A stored time (a datetime, or its text on SQLite) as an aware datetime (naive: UTC)."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class Traits:
    """What related-incident matching compares, for one incident.

    Made from a row of (id, key, title, summary, systems, date); the trigger answers and the
    implicated changes are filled in after.
    """

    def __init__(self, row: Sequence[Any]) -> None:
        self.id: int = row[0]
        self.key: str = row[1]
        self.title: str = row[2]
        self.summary: str = row[3] or ""
        self.systems: list[str] = [s for s in json_words(json_value(row[4])) if s.strip()]
        self.systems_folded = {s.lower() for s in self.systems}
        self.date = parse_time(row[5])
        self.trigger_kind = ""
        self.trigger_text = ""
        self.implicated: list[str] = []

    def earlier_than(self, other: Traits) -> bool:
        """True when this incident happened before `other` (ids break ties)."""
        return (self.date, self.id) < (other.date, other.id)

    def candidate_words(self) -> list[str]:
        """The words whose rarity is measured: of title, trigger, systems and summary, in
        order, once each, without stopwords, numbers and very short words."""
        found: list[str] = []
        for word in words(" ".join((self.title, self.trigger_text, *self.systems, self.summary))):
            useful = len(word) > 2 and not word.isdigit() and word not in STOPWORDS
            if useful and word not in found:
                found.append(word)
        return found[:RELATED_CANDIDATES]


def add_traits(
    found: dict[int, Traits],
    answers: Iterable[Sequence[Any]],
    implicated: Iterable[Sequence[Any]],
) -> dict[int, Traits]:
    """Fill in `found` from rows of (incident, question, decoded answer value) for the
    trigger questions and of (incident, implicated category)."""
    for incident, question, value in answers:
        traits = found.get(incident)
        if traits is None:
            continue
        text = " ".join(json_words(value))
        if question == TRIGGER_KIND_QUESTION:
            traits.trigger_kind = text
        else:
            traits.trigger_text = text
    for incident, category in implicated:
        if incident in found:
            found[incident].implicated.append(category)
    return found


def most_distinctive(counted: list[tuple[str, int]], total: int) -> list[tuple[str, float]]:
    """The rarest of (word, other incidents using it), with each word's idf."""
    counted = sorted(counted, key=lambda item: item[1])
    return [(word, idf(count + 1, total)) for word, count in counted[:RELATED_WORDS]]


def rank_related(
    me: Traits,
    chosen: list[tuple[str, float]],
    pool: dict[int, tuple[float, set[str]]],
    others: dict[int, Traits],
    limit: int,
) -> list[RelatedIncident]:
    """The `limit` earlier incidents of `pool` most like `me`: shared words' idf (`pool`
    gives each candidate's sum and which words it shares), plus its shared traits."""
    scored: list[RelatedIncident] = []
    for other_id, (text_score, matched) in pool.items():
        other = others.get(other_id)
        if other is None or not other.earlier_than(me):
            continue
        shared = SharedTraits(
            words=tuple(w for w, _ in chosen if w in matched),
            systems=tuple(s for s in me.systems if s.lower() in other.systems_folded),
            trigger_kind=me.trigger_kind
            if me.trigger_kind and me.trigger_kind == other.trigger_kind
            else "",
            implicated=tuple(c for c in me.implicated if c in other.implicated),
        )
        score = (
            text_score
            + SHARED_SYSTEM * len(shared.systems)
            + (SAME_TRIGGER_KIND if shared.trigger_kind else 0.0)
            + SHARED_IMPLICATED * len(shared.implicated)
        )
        scored.append(
            RelatedIncident(other_id, other.key, other.title, other.date, round(score, 4), shared)
        )
    scored.sort(key=lambda r: (-r.score, -r.date.timestamp(), -r.incident_id))
    return scored[:limit]


def search_page(
    rows: Iterable[Sequence[Any]],
    titles: dict[Any, tuple[str, str]],
    found: dict[Any, tuple[Snippet, ...]],
    total: int,
    request: SearchRequest,
    notice: str,
) -> SearchPage:
    """One page of hits from ranked (incident id, score) rows, with their keys, titles and
    snippets (the same on every store)."""
    hits = tuple(
        SearchHit(
            incident_id=int(row[0]),
            key=titles[row[0]][0],
            title=titles[row[0]][1],
            score=round(float(row[1]), 4),
            snippets=found.get(row[0], ()),
        )
        for row in rows
    )
    return SearchPage(hits, total, request.offset, request.limit, notice)
