"""Set-based reads for insights: the few facts per incident and per follow-up the figures need.

Nothing here loads a full record. Each read is a handful of queries over whole tables (or
over a chunk of ids), returning plain core objects: `IncidentFacts`, and `FollowUp` items
without their description or full history (their first day and current status are kept,
which is all the figures and the attention rules read).

Columns are read as the driver hands them over (`_raw`), skipping SQLAlchemy's conversion
of each value (a type object's method per cell, half of a first read's time on 10,000
incidents): times, days and JSON lists are turned into Python values here, by a few plain
functions that accept both the driver's form (text on SQLite) and the converted one.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import MISSING, fields
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from sqlalchemy import Select, func, select, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import NullType

from hindsight.core.enums import Confidence, Phase, Severity
from hindsight.core.followups import (
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    Priority,
    StatusStep,
)
from hindsight.core.fuzzy_time import FuzzyTime, Precision
from hindsight.core.impact import ImpactMeasure
from hindsight.core.insights_model import DETECTION_QUESTION, TRIGGER_QUESTION, IncidentFacts
from hindsight.core.review import AnswerStatus, ChangeKind, ReviewStatus, Verdict
from hindsight.store.database import Database
from hindsight.store.models import (
    ChangeAttributionRow,
    IncidentRow,
    MilestoneRow,
    ReviewAnswerRow,
    ReviewTransitionRow,
    TeamInvolvementRow,
)
from hindsight.store.models.followups import FollowUpRow, FollowUpStatusRow
from hindsight.store.models.postmortem import ImpactMeasureRow

Q = TypeVar("Q", bound=Select)  # type: ignore[type-arg]  # any select, whatever it returns
CHUNK = 500  # ids per IN (...) list, well under every database's limit on parameters
MILESTONES = (Phase.OUTAGE_BEGINS, Phase.DETECTION, Phase.MITIGATION, Phase.RESOLUTION)
CHOICE_QUESTIONS = (TRIGGER_QUESTION, DETECTION_QUESTION)
_LEFT_OPEN = (AnswerStatus.UNKNOWN.value, AnswerStatus.NOT_APPLICABLE.value)
# Stored codes to members by dictionary: calling an enum per row cost a tenth of a first read.
# A code no member has still fails loudly (KeyError), as the call would (ValueError).
_PHASES = {m.value: m for m in Phase}
_CONFIDENCES = {m.value: m for m in Confidence}
_VERDICTS = {m.value: m for m in Verdict}
_SEVERITIES = {m.value: m for m in Severity}
_REVIEW_STATUSES = {m.value: m for m in ReviewStatus}
_ANSWER_STATUSES = {m.value: m for m in AnswerStatus}
_ITEM_STATUSES = {m.value: m for m in FollowUpStatus}
_PRIORITIES = {m.value: m for m in Priority}
_ITEM_KINDS = {m.value: m for m in FollowUpKind}


def _chunks(ids: Collection[int] | None) -> Iterator[list[int] | None]:
    if ids is None:
        yield None
        return
    ordered = sorted(ids)
    for start in range(0, len(ordered), CHUNK):
        yield ordered[start : start + CHUNK]


def _where(query: Q, column: Any, chunk: list[int] | None) -> Q:
    return query if chunk is None else query.where(column.in_(chunk))


def _sqlalchemy_rows(session: Session, query: Any) -> Sequence[Any]:
    """Every row of `query` through SQLAlchemy's connection, each value converted by its type."""
    return session.connection().execute(query).all()


def _rows(session: Session, query: Any) -> Sequence[Any]:
    """Every row of `query`, fetched at once (no ORM, no row-by-row fetch), read by position.

    On SQLite the compiled statement goes to the driver itself: making SQLAlchemy's result
    rows cost as much again as SQLite's own work (about 0.25 s of a first read of 10,000
    incidents and 20,000 items). The statements bind only numbers and text, which the driver
    takes as they are.
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return _sqlalchemy_rows(session, query)
    compiled = query.compile(
        dialect=connection.dialect, compile_kwargs={"render_postcompile": True}
    )
    values = compiled.construct_params()
    driver = connection.connection.driver_connection
    assert driver is not None
    arguments = [values[name] for name in compiled.positiontup or ()]
    return driver.execute(str(compiled), arguments).fetchall()


def _raw(column: Any) -> ColumnElement[Any]:
    """`column` as the driver gives it (no per-value conversion), under its own name."""
    return type_coerce(column, NullType()).label(column.key)


def _aware(moment: Any) -> datetime:
    """A stored UTC time (text on SQLite, a naive datetime elsewhere) as an aware datetime."""
    if isinstance(moment, str):  # SQLite keeps times as ISO text, without an offset
        try:
            # Read as UTC in one parse: a replace(tzinfo=...) afterwards cost six times as
            # much as the parse, a sixth of a first read.
            moment = datetime.fromisoformat(moment + "+00:00")
        except ValueError:  # text with an offset of its own
            moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


_parse = datetime.fromisoformat


def _stored_time(earliest: Any, latest: Any, best: Any, confidence: str) -> FuzzyTime:
    """A milestone as stored, without checking it again.

    Every stored milestone was checked when it was saved (UTC, in order); building it
    through the constructor again (three zone conversions and two enum calls each) cost a
    fifth of a first read. The result equals what the constructor makes of the same values.
    """
    made = object.__new__(FuzzyTime)
    put = object.__setattr__
    try:  # SQLite's text, read as UTC in one parse each (as _aware does, without its calls)
        times = (_parse(earliest + "+00:00"), _parse(latest + "+00:00"), _parse(best + "+00:00"))
    except (TypeError, ValueError):  # not text, or text with an offset of its own
        times = (_aware(earliest), _aware(latest), _aware(best))
    if times[0].tzinfo is None or times[1].tzinfo is None or times[2].tzinfo is None:
        times = (_aware(earliest), _aware(latest), _aware(best))  # a day alone parses naive
    put(made, "earliest", times[0])
    put(made, "latest", times[1])
    put(made, "best", times[2])
    put(made, "confidence", _CONFIDENCES[confidence])
    put(made, "note", "")
    put(made, "precision", Precision.MINUTE)
    return made


def _strings(value: Any) -> tuple[str, ...]:
    """A stored JSON list of text (raw JSON text on SQLite) as a tuple."""
    if isinstance(value, str):
        value = _json(value) if value != "[]" else ()
    return tuple(value or ())


_scan = json.JSONDecoder().scan_once  # type: ignore[attr-defined]  # set by its __init__


def _json(text: str) -> Any:
    """json.loads(text), quicker for the compact JSON the store writes.

    The decoder's scanner is called directly (json.loads checks its argument's type and
    matches white space with a regular expression on either side: 2.5 µs against 0.8 on a
    list of three tags); any text it does not read to its end goes to json.loads itself.
    """
    try:
        value, end = _scan(text, 0)
    except StopIteration:
        return json.loads(text)  # raises as it would have
    return value if end == len(text) else json.loads(text)


class _Once(dict[Any, Any]):
    """Values made once per distinct stored text during one read (tags, days, steps)."""

    def __init__(self, make: Callable[[Any], Any]) -> None:
        super().__init__()
        self._make = make

    def __missing__(self, key: Any) -> Any:
        made = self[key] = self._make(key)
        return made


def _json_text(value: Any) -> Any:
    """A stored JSON value; the driver of SQLite hands over its text, others decode it."""
    return _json(value) if isinstance(value, str) else value


def _text_json(session: Session) -> bool:
    """True when the driver hands JSON over as text (SQLite), not decoded."""
    return session.get_bind().dialect.name == "sqlite"


class InsightsRepository:
    """Reads what insights need from one database."""

    def __init__(self, database: Database) -> None:
        self.database = database

    # What changed

    def change_mark(self) -> tuple[Any, int, int] | None:
        """(connection, data version, own changes) on SQLite; None elsewhere.

        Two marks of one connection are equal only when nothing was committed to the
        database in between: SQLite's data version of a connection moves with every commit
        of any other connection, its count of changes with every row it changed itself. A
        refresh that finds its connection's mark unchanged knows nothing changed without
        reading every incident's and item's version (about 20 ms on 10,000 incidents).
        """
        if self.database.dialect != "sqlite":
            return None  # (without a round trip to a server for nothing)
        with self.database.read() as session:
            connection = session.connection()
            if connection.dialect.name != "sqlite":
                return None
            driver = connection.connection.driver_connection
            assert driver is not None
            (version,) = driver.execute("PRAGMA data_version").fetchone()
            return driver, int(version), int(driver.total_changes)

    def incident_versions(self) -> dict[int, int]:
        """Every incident's id and version: comparing two of these finds what changed."""
        with self.database.read() as session:
            rows = _rows(session, select(IncidentRow.id, IncidentRow.version))
            return {incident_id: version for incident_id, version in rows}

    def followup_versions(self) -> dict[int, int]:
        """Every follow-up item's id and version."""
        with self.database.read() as session:
            rows = _rows(session, select(FollowUpRow.id, FollowUpRow.version))
            return {item_id: version for item_id, version in rows}

    # Incidents

    def incident_facts(self, ids: Collection[int] | None = None) -> list[IncidentFacts]:
        """The facts of every incident (or of those in `ids`), in id order."""
        found: list[IncidentFacts] = []
        with self.database.read() as session:
            for chunk in _chunks(ids):
                found.extend(self._facts(session, chunk))
        found.sort(key=lambda f: f.id)
        return found

    def _facts(self, session: Session, chunk: list[int] | None) -> list[IncidentFacts]:
        rows = _rows(
            session,
            _where(
                select(
                    IncidentRow.id,
                    IncidentRow.key,
                    IncidentRow.severity,
                    _raw(IncidentRow.created_at),
                    *(
                        (_raw(IncidentRow.tags), _raw(IncidentRow.systems))
                        if _text_json(session)
                        else (IncidentRow.tags, IncidentRow.systems)
                    ),
                    IncidentRow.review_status,
                ),
                IncidentRow.id,
                chunk,
            ),
        )
        if not rows:
            return []
        milestones: dict[int, dict[Phase, FuzzyTime]] = {}
        for incident_id, kind, earliest, latest, best, confidence in _rows(
            session,
            _where(
                select(
                    MilestoneRow.incident_id,
                    MilestoneRow.kind,
                    _raw(MilestoneRow.earliest),
                    _raw(MilestoneRow.latest),
                    _raw(MilestoneRow.best),
                    MilestoneRow.confidence,
                ).where(MilestoneRow.kind.in_([p.value for p in MILESTONES])),
                MilestoneRow.incident_id,
                chunk,
            ),
        ):
            milestones.setdefault(incident_id, {})[_PHASES[kind]] = _stored_time(
                earliest, latest, best, confidence
            )
        teams: dict[int, list[str]] = {}
        for incident_id, team in _rows(
            session,
            _where(
                select(TeamInvolvementRow.incident_id, TeamInvolvementRow.team).order_by(
                    TeamInvolvementRow.id
                ),
                TeamInvolvementRow.incident_id,
                chunk,
            ),
        ):
            if team.strip():
                teams.setdefault(incident_id, []).append(team.strip())
        choices, left_open, recorded = self._answers(session, chunk)
        verdicts: dict[int, dict[ChangeKind, Verdict]] = {}
        for incident_id, category, verdict in _rows(
            session,
            _where(
                select(
                    ChangeAttributionRow.incident_id,
                    ChangeAttributionRow.category,
                    ChangeAttributionRow.verdict,
                ),
                ChangeAttributionRow.incident_id,
                chunk,
            ),
        ):
            verdicts.setdefault(incident_id, {})[category] = _VERDICTS[verdict]
        published = self._published(session, chunk)
        impacts: dict[int, list[ImpactMeasure]] = {}
        for incident_id, measure, low, high, central, unit in _rows(
            session,
            _where(
                select(
                    ImpactMeasureRow.incident_id,
                    ImpactMeasureRow.measure,
                    ImpactMeasureRow.low,
                    ImpactMeasureRow.high,
                    ImpactMeasureRow.best,
                    ImpactMeasureRow.unit,
                ).order_by(ImpactMeasureRow.id),
                ImpactMeasureRow.incident_id,
                chunk,
            ),
        ):
            impacts.setdefault(incident_id, []).append(
                ImpactMeasure(measure, low, high, central, unit)
            )
        # Incidents share lists of tags and systems (and a tuple is immutable).
        lists = _Once(_strings) if _text_json(session) else None
        strings = lists.__getitem__ if lists is not None else _strings
        return [
            IncidentFacts(
                id=incident_id,
                key=key,
                severity=_SEVERITIES[severity],
                created_at=_aware(created_at),
                tags=strings(tags),
                systems=strings(systems),
                teams=tuple(dict.fromkeys(teams.get(incident_id, ()))),
                milestones=milestones.get(incident_id, {}),
                review_status=_REVIEW_STATUSES[review_status],
                published_at=published.get(incident_id),
                trigger_kind=choices.get((incident_id, TRIGGER_QUESTION)),
                detection_source=choices.get((incident_id, DETECTION_QUESTION)),
                verdicts=verdicts.get(incident_id, {}),
                answers_recorded=recorded.get(incident_id, 0),
                left_open=left_open.get(incident_id, {}),
                impacts=tuple(impacts.get(incident_id, ())),
            )
            for incident_id, key, severity, created_at, tags, systems, review_status in rows
        ]

    @staticmethod
    def _answers(
        session: Session, chunk: list[int] | None
    ) -> tuple[dict[tuple[int, str], str], dict[int, dict[str, AnswerStatus]], dict[int, int]]:
        choices: dict[tuple[int, str], str] = {}
        left_open: dict[int, dict[str, AnswerStatus]] = {}
        # Only two questions' values and the answers left open are read, never the text.
        text_json = _text_json(session)
        values = _Once(_json)  # a few options' JSON text, thousands of times
        query = select(
            ReviewAnswerRow.incident_id,
            ReviewAnswerRow.question_id,
            ReviewAnswerRow.status,
            _raw(ReviewAnswerRow.value) if text_json else ReviewAnswerRow.value,
        ).where(
            ReviewAnswerRow.question_id.in_(CHOICE_QUESTIONS)
            | ReviewAnswerRow.status.in_(_LEFT_OPEN)
        )
        for incident_id, question, status, value in _rows(
            session, _where(query, ReviewAnswerRow.incident_id, chunk)
        ):
            if status in _LEFT_OPEN:
                left_open.setdefault(incident_id, {})[question] = _ANSWER_STATUSES[status]
                continue
            if text_json and isinstance(value, str):
                value = values[value]
            if isinstance(value, str) and value:
                choices[(incident_id, question)] = value
        counted = _where(
            select(ReviewAnswerRow.incident_id, func.count(ReviewAnswerRow.id)).group_by(
                ReviewAnswerRow.incident_id
            ),
            ReviewAnswerRow.incident_id,
            chunk,
        )
        recorded: dict[int, int] = {i: n for i, n in _rows(session, counted)}
        return choices, left_open, recorded

    @staticmethod
    def _published(session: Session, chunk: list[int] | None) -> dict[int, datetime]:
        query = (
            select(ReviewTransitionRow.incident_id, func.max(ReviewTransitionRow.at))
            .join(IncidentRow, IncidentRow.id == ReviewTransitionRow.incident_id)
            .where(
                ReviewTransitionRow.to_status == ReviewStatus.PUBLISHED.value,
                IncidentRow.review_status == ReviewStatus.PUBLISHED.value,
            )
            .group_by(ReviewTransitionRow.incident_id)
        )
        found = _rows(session, _where(query, ReviewTransitionRow.incident_id, chunk))
        return {incident_id: _aware(at) for incident_id, at in found if at is not None}

    # Follow-ups

    def followups(self, ids: Collection[int] | None = None) -> list[FollowUp]:
        """Every follow-up item (or those in `ids`) as light FollowUp objects, in id order.

        Each carries no description, and a history cut to its first day and its current
        status: all that the figures and the attention rules read.
        """
        found: list[FollowUp] = []
        with self.database.read() as session:
            for chunk in _chunks(ids):
                found.extend(self._followups(session, chunk))
        found.sort(key=lambda item: item.id or 0)
        return found

    @staticmethod
    def _followups(session: Session, chunk: list[int] | None) -> list[FollowUp]:
        found = _rows(
            session,
            _where(
                select(
                    FollowUpRow.id,
                    FollowUpRow.incident_id,
                    FollowUpRow.status,
                    FollowUpRow.priority,
                    FollowUpRow.kind,
                    FollowUpRow.value,
                    FollowUpRow.feasibility,
                    _raw(FollowUpRow.due_on),
                    _raw(FollowUpRow.next_senior_review),
                    _raw(FollowUpRow.created_at),
                ),
                FollowUpRow.id,
                chunk,
            ),
        )
        # The incidents' keys by a query of their own, not joined: SQLite walked the items
        # in the order of their incidents' index for the join, each a look-up of its row
        # (60 ms against 25 for the 20,000 items of the bench database, and 4 for the keys).
        keys = _incident_keys(session, None if chunk is None else {row[1] for row in found})
        # The first known day, and the day of the last step (the current status), which
        # may be unknown for an item brought in from a postmortem written elsewhere.
        last_steps = _where(
            select(func.max(FollowUpStatusRow.id)).group_by(FollowUpStatusRow.followup_id),
            FollowUpStatusRow.followup_id,
            chunk,
        )
        latest = dict(
            _rows(
                session,
                select(FollowUpStatusRow.followup_id, _raw(FollowUpStatusRow.reached_on)).where(
                    FollowUpStatusRow.id.in_(last_steps)
                ),
            )
        )
        spans: dict[int, tuple[date | None, date | None]] = {
            followup_id: (first, latest.get(followup_id))
            for followup_id, first in _rows(
                session,
                _where(
                    select(
                        FollowUpStatusRow.followup_id,
                        func.min(FollowUpStatusRow.reached_on),
                    ).group_by(FollowUpStatusRow.followup_id),
                    FollowUpStatusRow.followup_id,
                    chunk,
                ),
            )
        }
        # Days repeat (a few thousand among tens of thousands of items): each is read once,
        # and so is each step, a frozen value items may share.
        days = _Once(_day)
        steps = _Once(lambda key: StatusStep(*key))
        return _light_items(found, keys, spans, days, steps, _LIGHT_DEFAULTS)


def _incident_keys(session: Session, ids: Collection[int] | None) -> dict[int, str]:
    """The key of every incident (or of those in `ids`), by id."""
    keys: dict[int, str] = {}
    for chunk in _chunks(ids):
        query = _where(select(IncidentRow.id, IncidentRow.key), IncidentRow.id, chunk)
        keys.update(_rows(session, query))
    return keys


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _light_fields() -> dict[str, Any] | None:
    """The fields of a new FollowUp that a light item leaves at their defaults, or None when
    one of them is made by a factory (then each item must be made by the constructor, lest
    items share a mutable default)."""
    made = FollowUp(title="", incident_id=0)
    given = set(_LIGHT_GIVEN)
    if any(f.default_factory is not MISSING for f in fields(FollowUp) if f.name not in given):
        return None
    return {name: value for name, value in vars(made).items() if name not in given}


# What _light_items gives a FollowUp; the rest keep their defaults.
_LIGHT_GIVEN = (
    "id",
    "title",
    "incident_id",
    "incident_key",
    "due",
    "history",
    "priority",
    "kind",
    "value",
    "feasibility",
    "next_senior_review",
    "created_at",
)
_LIGHT_DEFAULTS = _light_fields()


def _light_items(
    rows: Sequence[Sequence[Any]],
    keys: dict[int, str],
    spans: dict[int, tuple[Any, Any]],
    days: dict[Any, date | None],
    steps: dict[tuple[FollowUpStatus, date | None], StatusStep],
    defaults: dict[str, Any] | None,
) -> list[FollowUp]:
    """A light FollowUp of every row (with its incident's key from `keys`; an item of no
    incident there is left out, as the join left it out), in one loop, each made with one
    dictionary of its fields (a call per row, with its look-ups and the two updates of its
    dictionary, cost about a third more).

    An item is made without the constructor (about a fifth of the items' read, in a
    profile): its checks turn codes into members, and these are members already; the result
    is equal to what it makes. With `defaults` None (a field of FollowUp made by a factory,
    which items must not share) each is made by the constructor instead.
    """
    new, cls = object.__new__, FollowUp
    base = defaults or {}
    statuses, priorities, kinds = _ITEM_STATUSES, _PRIORITIES, _ITEM_KINDS
    opened = FollowUpStatus.OPEN
    made: list[FollowUp] = []
    add = made.append
    for (
        item_id,
        incident_id,
        status_code,
        priority,
        kind,
        value,
        feasibility,
        due_on,
        next_senior_review,
        created_at,
    ) in rows:
        incident_key = keys.get(incident_id)
        if incident_key is None:
            continue
        status = statuses[status_code]
        history: list[StatusStep] = []
        span = spans.get(item_id)
        if span is not None:
            first, last = days[span[0]], days[span[1]]
            if first != last or status is not opened:
                # The first step's own status is not read by anything: only its day is.
                history.append(steps[opened, first])
            history.append(steps[status, last])
        # In the order the constructor gives them: the defaults, then the fields read.
        values = {
            **base,
            "id": item_id,
            "title": "",
            "incident_id": incident_id,
            "incident_key": incident_key,
            "due": days[due_on],
            "history": history,
            "priority": priorities[priority],
            "kind": kinds[kind],
            "value": value,
            "feasibility": feasibility,
            "next_senior_review": days[next_senior_review],
            "created_at": None if created_at is None else _aware(created_at),
        }
        if defaults is None:
            add(cls(**values))
            continue
        item = new(cls)
        item.__dict__ = values
        add(item)
    return made
