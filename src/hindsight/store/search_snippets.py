"""Snippets for a page of search hits: which fields matched, and the words to mark in them.

The texts of the page's incidents are read from their own tables (a page is a few dozen
incidents) and searched with the index's own word rules (core/search_text.py), so the
snippet marks exactly the words the index matched and says precisely where they are (which
timeline entry, which review question), which the index alone cannot say for a phrase or a
prefix without reading the text anyway.
"""

from __future__ import annotations

import json
from bisect import insort
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy.engine import Connection

from hindsight.core.search_results import Area, Location, Snippet
from hindsight.core.search_text import Finder, Pattern, Span, excerpt

# Which field's snippet to show first when several match equally well.
PREFERENCE = {
    (Area.OVERVIEW, "title"): 10.0,
    (Area.OVERVIEW, "systems"): 4.0,
    (Area.OVERVIEW, "models"): 4.0,
    (Area.OVERVIEW, "tags"): 4.0,
    (Area.OVERVIEW, "summary"): 3.0,
    (Area.REVIEW, "body"): 2.0,
    (Area.ATTRIBUTION, "evidence"): 2.0,
    (Area.TIMELINE, "text"): 1.5,
    (Area.OVERVIEW, "key"): 0.5,
}


# One field of one record of an incident: (incident id, area, column, record id, detail, text).
Piece = tuple[int, Area, str, int | None, str, str]


def json_words(value: Any) -> Iterator[str]:
    """The strings inside a JSON value, in document order (as json_tree lists them)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from json_words(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from json_words(item)


def json_value(raw: Any) -> Any:
    """A JSON column's value: decoded from its text (SQLite), or as the driver gave it."""
    if isinstance(raw, str):
        try:
            return json.loads(raw)
        except ValueError:
            return None
    return raw


def _rows(connection: Connection, sql: str, ids: Sequence[int]) -> Iterable[Any]:
    if not ids:
        return []
    marks = ", ".join("?" for _ in ids)
    return connection.exec_driver_sql(sql.format(ids=marks), tuple(ids)).all()


# Which index group each source table of a snippet belongs to.
_GROUP_OF = {
    "milestones": "milestone",
    "timeline_events": "event",
    "role_assignments": "role",
    "team_involvements": "team",
    "change_attributions": "attribution",
    "followups": "followup",
    "ethics_answers": "ethics",
}


def pieces(
    connection: Connection, ids: Sequence[int], groups: Collection[str] | None = None
) -> Iterator[Piece]:
    """Every searchable field of the incidents `ids` (in the index `groups` only, if given)."""
    if not ids:
        return
    for i, key, title, summary, systems, models, tags in _rows(
        connection,
        "SELECT id, key, title, summary, systems, models, tags FROM incidents WHERE id IN ({ids})",
        ids,
    ):
        yield i, Area.OVERVIEW, "title", None, "", title
        yield i, Area.OVERVIEW, "summary", None, "", summary
        yield i, Area.OVERVIEW, "key", None, "", key
        for column, raw in (("systems", systems), ("models", models), ("tags", tags)):
            yield i, Area.OVERVIEW, column, None, "", " · ".join(json_words(json_value(raw)))
    simple = (
        ("milestones", Area.MILESTONES, "kind", ("time_note",)),
        ("timeline_events", Area.TIMELINE, "phase", ("text", "time_note")),
        ("role_assignments", Area.ROLES, "role", ("person", "note")),
        ("team_involvements", Area.TEAMS, "team", ("team", "part")),
        ("change_attributions", Area.ATTRIBUTION, "category", ("evidence",)),
        ("followups", Area.FOLLOWUPS, "title", ("title", "description", "owner")),
        ("ethics_answers", Area.ETHICS, "item_id", ("note",)),
    )
    for table, area, detail, columns in simple:
        if groups is not None and _GROUP_OF[table] not in groups:
            continue
        sql = (
            f"SELECT incident_id, id, {detail}, {', '.join(columns)} FROM {table} "
            "WHERE incident_id IN ({ids})"
        )
        for row in _rows(connection, sql, ids):
            incident, record, label = row[0], row[1], str(row[2])
            for column, text in zip(columns, row[3:], strict=True):
                yield incident, area, column, record, label, text or ""
    answers = groups is None or "answer" in groups
    for incident, record, question, value, reason in _rows(
        connection,
        "SELECT incident_id, id, question_id, value, reason FROM review_answers "
        "WHERE incident_id IN ({ids})",
        ids if answers else (),
    ):
        body = " ".join(json_words(json_value(value)))
        yield incident, Area.REVIEW, "body", record, question, body
        yield incident, Area.REVIEW, "reason", record, question, reason or ""
    accesses = groups is None or "access" in groups
    for incident, record, number, dataset, justification, notes in _rows(
        connection,
        "SELECT a.incident_id, r.id, a.number, r.dataset, r.justification, r.notes "
        "FROM data_access_revisions r JOIN data_accesses a ON a.id = r.access_id "
        "WHERE a.incident_id IN ({ids}) AND r.number = (SELECT max(x.number) "
        "FROM data_access_revisions x WHERE x.access_id = r.access_id)",
        ids if accesses else (),
    ):
        for column, text in (
            ("dataset", dataset),
            ("justification", justification),
            ("notes", notes),
        ):
            yield incident, Area.ACCESS_LOG, column, record, str(number), text or ""


def snippets(
    connection: Connection,
    ids: Sequence[int],
    patterns: Sequence[Pattern],
    per_hit: int,
    groups: Collection[str] | None = None,
) -> dict[int, tuple[Snippet, ...]]:
    """Up to `per_hit` snippets for each incident of `ids`, best first.

    `groups` names the index groups where the query's words occur at all; the others are
    not read (None: read everything).

    Best: the field holding most of the query's different words, then the more telling
    field (title before summary before timeline ...), then the order of the incident.
    """
    if not patterns or per_hit <= 0:
        return {}
    # Each incident's best `per_hit` candidates so far, best first: the key, the piece, spans.
    found: dict[int, list[tuple[tuple[float, ...], Piece, list[Span]]]] = defaultdict(list)
    order = 0
    finder = Finder(patterns)
    most = _most_words(patterns)
    for piece in pieces(connection, ids, groups):
        text = piece[5]
        if most:
            best = found.get(piece[0])
            if best and len(best) == per_hit and text.isascii():
                # The field cannot hold more than `most` of the words: when the incident's
                # last chosen snippet has as many, from a field preferred as much, it is not
                # searched.
                key = best[-1][0]
                preference = PREFERENCE.get((piece[1], piece[2]), 1.0)
                if -key[0] > most or (-key[0] == most and -key[1] >= preference):
                    continue
        spans = finder.find(text)
        if not spans:
            continue
        preference = PREFERENCE.get((piece[1], piece[2]), 1.0)
        order += 1
        words = {text[s:e].lower() for s, e in spans}
        chosen = found[piece[0]]
        insort(chosen, ((-len(words), -preference, order), piece, spans), key=_key)
        del chosen[per_hit:]
    return {
        incident: tuple(_snippet(piece, spans) for _, piece, spans in best)
        for incident, best in found.items()
    }


def _key(candidate: tuple[tuple[float, ...], Piece, list[Span]]) -> tuple[float, ...]:
    return candidate[0]


def _most_words(patterns: Sequence[Pattern]) -> int:
    """How many different words a field of ASCII text can show for `patterns` at most, when
    each is one word and not a prefix (its own word, in any case: as many as the patterns'
    words); 0 when a pattern is a phrase or a prefix (no such bound)."""
    if any(len(pattern.words) > 1 or pattern.prefix for pattern in patterns):
        return 0
    return len({pattern.words[0] for pattern in patterns if pattern.words})


def _snippet(piece: Piece, spans: list[Span]) -> Snippet:
    _, area, column, record, detail, text = piece
    part = excerpt(text, spans)
    return Snippet(Location(area, column, record, detail), part.text, part.spans)
