"""The index agrees with the data after any sequence of edits, deletes and imports.

Hypothesis drives random writes through the services (the app's own paths), then every word
of a small vocabulary is searched and compared with a plain reading of every incident, and
counted in every place of the index as a search counts it (FTS5's vocabulary, rowid ranges)
and with a MATCH per place.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Connection

from hindsight.core.enums import Phase, Role
from hindsight.core.followups import FollowUp, FollowUpStatus, StatusStep
from hindsight.core.fuzzy_time import FuzzyTime
from hindsight.core.incident import Incident, RoleAssignment, TeamInvolvement, TimelineEvent
from hindsight.core.privacy import AccessDetails, DataCategory, EthicsChoice
from hindsight.core.review import Answer, AnswerStatus, Attribution, Verdict
from hindsight.core.search_text import words
from hindsight.services.export import ExportRequest, ExportService, Format
from hindsight.services.importer import ImportService
from hindsight.services.workspace import Workspace
from hindsight.store import search, search_sql
from hindsight.store.search_schema import PARTS, child_place
from hindsight.store.search_sql import Counts

VOCABULARY = ("amber", "birch", "cedar", "delta", "ember", "fjord", "café", "haven")
NOON = datetime(2025, 5, 1, 12, tzinfo=UTC)

phrase = st.lists(st.sampled_from(VOCABULARY), min_size=0, max_size=3).map(" ".join)
pick = st.integers(min_value=0, max_value=50)

operation = st.one_of(
    st.tuples(st.just("create"), phrase, phrase, phrase, phrase),
    st.tuples(st.just("title"), pick, phrase),
    st.tuples(st.just("event"), pick, phrase),
    st.tuples(st.just("drop_event"), pick),
    st.tuples(st.just("answer"), pick, phrase, st.booleans()),
    st.tuples(st.just("people"), pick, phrase, phrase),
    st.tuples(st.just("labels"), pick, phrase),
    st.tuples(st.just("delete"), pick),
    st.tuples(st.just("followup"), pick, phrase, phrase),
    st.tuples(st.just("edit_followup"), pick, phrase),
    st.tuples(st.just("delete_followup"), pick),
    st.tuples(st.just("access"), pick, phrase),
    st.tuples(st.just("amend"), pick, phrase),
    st.tuples(st.just("ethics"), pick, phrase),
    st.tuples(st.just("import"), pick),
)


def _nth(items: list, n: int):  # -> item or None
    return items[n % len(items)] if items else None


def apply(workspace: Workspace, op: tuple, scratch: Path) -> None:
    kind = op[0]
    ids = [s.id for s in workspace.incidents.summaries()]
    if kind == "create":
        _, title, summary, event, system = op
        workspace.incidents.add(
            Incident(
                title=f"incident {title}",
                summary=summary,
                systems=[system] if system else [],
                milestones={Phase.DETECTION: FuzzyTime.exact(NOON, note=event)},
                events=[TimelineEvent(FuzzyTime.exact(NOON), Phase.DETECTION, event)],
                attributions={
                    "training_data": Attribution("training_data", Verdict.IMPLICATED, summary)
                },
            )
        )
        return
    target = _nth(ids, op[1]) if len(op) > 1 else None
    if target is None:
        return
    if kind in ("title", "event", "drop_event", "answer", "people", "labels"):
        incident = workspace.incidents.get(target)
        if kind == "title":
            incident.title = f"incident {op[2]}"
        elif kind == "event":
            incident.events.append(TimelineEvent(FuzzyTime.exact(NOON), Phase.MITIGATION, op[2]))
        elif kind == "drop_event" and incident.events:
            incident.events.pop(0)
        elif kind == "answer":
            status = AnswerStatus.UNKNOWN if op[3] else AnswerStatus.ANSWERED
            answer = (
                Answer("detection.signal", status, reason=op[2])
                if op[3]
                else Answer("troubleshooting.people", value=op[2].split())
            )
            incident.answers = {answer.question_id: answer}
        elif kind == "people":
            incident.roles = [RoleAssignment(Role.PLANNING_LEAD, f"Ada {op[2]}", note=op[3])]
            incident.teams = [TeamInvolvement(f"Team {op[3]}", op[2])]
        elif kind == "labels":
            incident.tags = op[2].split()
            incident.models = [op[2]]
        workspace.incidents.save(incident)
    elif kind == "delete":
        workspace.incidents.delete(target)
    elif kind == "followup":
        workspace.followups.create(
            FollowUp(
                title=f"item {op[2]}",
                incident_id=target,
                description=op[3],
                owner=op[2],
                history=[StatusStep(FollowUpStatus.OPEN, date(2025, 5, 2))],
            )
        )
    elif kind in ("edit_followup", "delete_followup"):
        item = _nth(workspace.followups.items(), op[1])
        if item is None:
            return
        if kind == "edit_followup":
            workspace.followups.save(replace(item, description=op[2]))
        else:
            workspace.followups.delete(item.id, version=item.version)
    elif kind == "access":
        workspace.privacy.record_access(
            target,
            AccessDetails(
                "Ada",
                NOON,
                f"logs {op[2]}",
                categories=(DataCategory.AGGREGATES_ONLY,),
                justification=f"why {op[2]}",
            ),
            "Ada",
        )
    elif kind == "amend":
        entries = [e for i in ids for e in workspace.privacy.accesses(i)]
        entry = _nth(entries, op[1])
        if entry is None:
            return
        details = replace(entry.details, notes=f"amended {op[2]}", justification=op[2] or "x")
        if details != entry.details:
            workspace.privacy.amend_access(
                entry.id, details, "Ada", "correction", entry.current.number
            )
    elif kind == "ethics":
        item = workspace.privacy.checklist.items()[0]
        current = workspace.privacy.ethics_answers(target).get(item.id)
        workspace.privacy.answer_ethics(
            target, item.id, EthicsChoice.YES, op[2], "Ada", current.version if current else 0
        )
    elif kind == "import":
        rendered = ExportService(workspace).render(target, ExportRequest(Format.JSON))
        path = scratch / f"export-{len(list(scratch.iterdir()))}.json"
        path.write_bytes(rendered.data)
        importer = ImportService(workspace)
        importer.apply(importer.read(path), "rename")


def strings(value: object) -> list[str]:
    """Every string inside a JSON-like value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [text for item in value for text in strings(item)]
    if isinstance(value, dict):
        return [text for item in value.values() for text in strings(item)]
    return []


def plain_reading(workspace: Workspace) -> dict[int, set[str]]:
    """Every indexed word of every incident, read through the services."""
    found: dict[int, set[str]] = {}
    for summary in workspace.incidents.summaries():
        incident = workspace.incidents.get(summary.id)
        texts = [incident.key, incident.title, incident.summary]
        texts += incident.systems + incident.models + incident.tags
        texts += [when.note for when in incident.milestones.values()]
        texts += [t for e in incident.events for t in (e.text, e.when.note)]
        texts += [t for r in incident.roles for t in (r.person, r.note)]
        texts += [t for team in incident.teams for t in (team.team, team.part)]
        for answer in incident.answers.values():
            texts.append(answer.reason)
            texts += strings(answer.value)
        texts += [a.evidence for a in incident.attributions.values()]
        for item in workspace.followups.items(summary.id):
            texts += [item.title, item.description, item.owner]
        for entry in workspace.privacy.accesses(summary.id):
            details = entry.details
            texts += [details.dataset, details.justification, details.notes]
        texts += [a.note for a in workspace.privacy.ethics_answers(summary.id).values()]
        found[summary.id] = {word for text in texts for word in words(text)}
    return found


def matched(connection: Connection, literal: str) -> Counts:
    """A literal's counts in each place of the index, each read with a MATCH of its own
    (what the store reads from FTS5's vocabulary for a word, and by rowid ranges)."""

    def rows(table: str, match: str) -> list[int]:
        sql = f"SELECT rowid FROM {table} WHERE {table} MATCH ?"
        return [row[0] for row in connection.exec_driver_sql(sql, (match,))]

    kinds = [0] * len(PARTS)
    for rowid in rows("search_child", literal):
        kinds[child_place(rowid)[1]] += 1
    return Counts(
        incidents=len(rows("search_incident", literal)),
        columns={
            place: len(rows("search_incident", f"{place} : {literal}"))
            for place in search_sql.INCIDENT_WEIGHTS
        },
        parts=tuple(kinds),
        access=len(rows("search_access", literal)),
    )


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.lists(operation, min_size=1, max_size=14))
def test_the_index_agrees_with_the_data(operations: list[tuple]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        scratch = Path(folder)
        workspace = Workspace.open(scratch / "db.sqlite")
        try:
            for op in operations:
                apply(workspace, op, scratch)
            assert workspace.search.index_problems() == []
            reading = plain_reading(workspace)
            for word in VOCABULARY:
                expected = {i for i, found in reading.items() if word.replace("é", "e") in found}
                hits = workspace.search.search(word, limit=1000).hits
                assert {hit.incident_id for hit in hits} == expected, word
            with workspace.database.read() as session:
                for word in VOCABULARY:
                    literal = f'"{word}"'
                    counted = search._Counter(search._driver(session))(literal)
                    assert counted == matched(session.connection(), literal), word
        finally:
            workspace.close()
