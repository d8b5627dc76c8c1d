"""The JSON exchange format, version 1: writing it, and reading it back with strict checks.

The format is documented in docs/json-format.md. Reading never trusts the file: every field is
checked, unknown fields are refused (a misspelt field would otherwise be dropped silently),
and each problem is reported with the JSON path of the bad field, e.g.
`incidents[0].milestones.outage_begins.earliest: not a date-time`.
"""

from __future__ import annotations

import contextlib
import json
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from functools import lru_cache, partial
from typing import Any, TypeVar

from hindsight.core.enums import MILESTONE_KINDS, Confidence, EventSource, Phase, Role, Severity
from hindsight.core.followups import FollowUp, FollowUpKind, FollowUpStatus, Priority, StatusStep
from hindsight.core.followups import problems as followup_problems
from hindsight.core.fuzzy_time import FuzzyTime
from hindsight.core.incident import Incident, RoleAssignment, TeamInvolvement, TimelineEvent
from hindsight.core.keys import key_problem
from hindsight.core.privacy import (
    AccessDetails,
    AccessRevision,
    DataAccess,
    DataCategory,
    DataCopy,
    EthicsAnswer,
    EthicsChoice,
    VolumeUnit,
)
from hindsight.core.review import (
    Answer,
    AnswerStatus,
    Attribution,
    ChangeCategory,
    ReviewStatus,
    ReviewTransition,
    Verdict,
)

FORMAT = "hindsight-incident"
VERSION = 1
MAX_KEY = 32
MAX_TITLE = 500
MAX_NAME = 200
MAX_PROBLEMS = 50
# Bounds on what a file may hold (docs/json-format.md): whatever passes them can be stored
# in SQLite and exported in every format.
MAX_TEXT = 5_000_000  # characters in one text field
MAX_DEPTH = 32  # levels of lists and objects inside an answer's value
MAX_ID = 100  # characters in a question or checklist item id
LARGEST_INTEGER = 2**63 - 1  # SQLite's integers are 64-bit
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(2999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
_LONGEST_INTEGER_TEXT = 20  # digits; longer numbers are out of range without being converted
E = TypeVar("E", bound=StrEnum)


@dataclass
class IncidentBundle:
    """One incident with everything exported alongside it."""

    incident: Incident
    transitions: list[ReviewTransition] = field(default_factory=list)
    followups: list[FollowUp] | None = None  # None: the file (or the workspace) has none
    privacy: PrivacyRecord | None = None  # None: the file (or the workspace) has none


@dataclass
class PrivacyRecord:
    """An incident's privacy record: the access log (every revision) and ethics answers."""

    accesses: list[DataAccess] = field(default_factory=list)
    ethics: dict[str, EthicsAnswer] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FormatProblem:
    """One bad field: where it is (a JSON path) and what is wrong with it."""

    path: str
    problem: str

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}" if self.path else self.problem


class FormatError(ValueError):
    """A file that is not a usable Hindsight export; `problems` lists every bad field found."""

    def __init__(self, problems: list[FormatProblem]) -> None:
        self.problems = problems
        first = str(problems[0]) if problems else "unknown problem"
        more = len(problems) - 1
        suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more > 0 else ""
        super().__init__(first + suffix)


# -- writing ------------------------------------------------------------------------------------


def moment_text(moment: datetime) -> str:
    """An instant as ISO 8601 in UTC with a Z, e.g. '2026-03-16T09:12:00Z'."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _optional_moment(moment: datetime | None) -> str | None:
    return moment_text(moment) if moment is not None else None


def _fuzzy_json(when: FuzzyTime) -> dict[str, Any]:
    return {
        "earliest": moment_text(when.earliest),
        "latest": moment_text(when.latest),
        "best": moment_text(when.best),
        "confidence": when.confidence.value,
        "note": when.note,
    }


def _followup_json(item: FollowUp) -> dict[str, Any]:
    return {
        "title": item.title,
        "description": item.description,
        "owner": item.owner,
        "due": item.due.isoformat() if item.due else None,
        "priority": item.priority.value,
        "kind": item.kind.value,
        "value": item.value,
        "feasibility": item.feasibility,
        "tracker_url": item.tracker_url,
        "speeds_troubleshooting": item.speeds_troubleshooting,
        "next_senior_review": item.next_senior_review.isoformat()
        if item.next_senior_review
        else None,
        "history": [{"status": s.status.value, "on": s.on.isoformat()} for s in item.history],
        "created_at": _optional_moment(item.created_at),
        "updated_at": _optional_moment(item.updated_at),
    }


def privacy_json(
    accesses: Iterable[DataAccess], answers: Mapping[str, EthicsAnswer]
) -> dict[str, Any]:
    """The privacy record (the data-access log with every revision, the ethics answers)."""
    return {
        "accesses": [
            {
                "number": access.number,
                "revisions": [
                    {
                        "number": r.number,
                        "recorded_at": moment_text(r.recorded_at),
                        "recorded_by": r.recorded_by,
                        "reason": r.reason,
                        "details": _details_json(r.details),
                    }
                    for r in access.revisions
                ],
            }
            for access in accesses
        ],
        "ethics": {
            item_id: {
                "choice": a.choice.value if a.choice else None,
                "note": a.note,
                "answered_by": a.answered_by,
                "checklist_version": a.checklist_version,
                "updated_at": _optional_moment(a.updated_at),
            }
            for item_id, a in sorted(answers.items())
        },
    }


def _details_json(details: AccessDetails) -> dict[str, Any]:
    return {
        "accessor": details.accessor,
        "accessed_at": moment_text(details.accessed_at),
        "dataset": details.dataset,
        "categories": [c.value for c in details.categories],
        "volume": details.volume,
        "volume_unit": details.volume_unit.value,
        "justification": details.justification,
        "approver": details.approver,
        "privacy_consulted": details.privacy_consulted,
        "privacy_contact": details.privacy_contact,
        "copies": [
            {
                "location": c.location,
                "delete_by": c.delete_by.isoformat() if c.delete_by else None,
                "deleted_at": _optional_moment(c.deleted_at),
                "deleted_by": c.deleted_by,
            }
            for c in details.copies
        ],
        "notes": details.notes,
    }


def incident_json(bundle: IncidentBundle) -> dict[str, Any]:
    """One incident (and what came with it) as plain JSON data."""
    incident = bundle.incident
    data: dict[str, Any] = {
        "key": incident.key,
        "title": incident.title,
        "summary": incident.summary,
        "severity": incident.severity.value,
        "phase": incident.phase.value,
        "systems": list(incident.systems),
        "models": list(incident.models),
        "tags": list(incident.tags),
        "created_at": _optional_moment(incident.created_at),
        "updated_at": _optional_moment(incident.updated_at),
        "milestones": {
            phase.value: _fuzzy_json(incident.milestones[phase])
            for phase in MILESTONE_KINDS
            if phase in incident.milestones
        },
        "events": [
            {
                "when": _fuzzy_json(e.when),
                "phase": e.phase.value,
                "source": e.source.value,
                "text": e.text,
            }
            for e in incident.events
        ],
        "roles": [
            {
                "role": r.role.value,
                "person": r.person,
                "start": _optional_moment(r.start),
                "end": _optional_moment(r.end),
                "note": r.note,
            }
            for r in incident.roles
        ],
        "teams": [{"team": t.team, "part": t.part} for t in incident.teams],
        "review": {
            "status": incident.review_status.value,
            "answers": {
                qid: {
                    "status": a.status.value,
                    "value": a.value,
                    "reason": a.reason,
                    "bank_version": a.bank_version,
                }
                for qid, a in sorted(incident.answers.items())
            },
            "attributions": {
                category.value: {
                    "verdict": incident.attributions[category].verdict.value,
                    "evidence": incident.attributions[category].evidence,
                }
                for category in ChangeCategory
                if category in incident.attributions
            },
            "transitions": [
                {
                    "at": moment_text(t.at),
                    "from": t.from_status.value,
                    "to": t.to_status.value,
                    "reason": t.reason,
                }
                for t in bundle.transitions
            ],
        },
    }
    if bundle.followups is not None:
        data["followups"] = [_followup_json(item) for item in bundle.followups]
    if bundle.privacy is not None:
        data["privacy"] = privacy_json(bundle.privacy.accesses, bundle.privacy.ethics)
    return data


def document_json(
    bundles: Iterable[IncidentBundle], exported_at: datetime, generator: str
) -> dict[str, Any]:
    """The whole file: the format's name and version, then the incidents."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": moment_text(exported_at),
        "generator": generator,
        "incidents": [incident_json(b) for b in bundles],
    }


def dumps(document: Mapping[str, Any]) -> bytes:
    """The file's bytes: UTF-8, indented, ending in a newline."""
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# -- reading ------------------------------------------------------------------------------------

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SURROGATE = re.compile("[\ud800-\udfff]")


class _Bad(Exception):
    """Stops reading one field; the problem is already recorded."""


class _Object(dict[str, Any]):
    """A parsed JSON object that remembers the names it held more than once."""

    repeated: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class _Unusable:
    """A number the file holds that no field can take (NaN, Infinity, too many digits)."""

    text: str
    problem: str


def _object(pairs: list[tuple[str, Any]]) -> _Object:
    found = _Object(pairs)
    if len(found) != len(pairs):
        counts: dict[str, int] = {}
        for name, _ in pairs:
            counts[name] = counts.get(name, 0) + 1
        found.repeated = tuple(name for name, count in counts.items() if count > 1)
    return found


def _integer(text: str) -> int | _Unusable:
    if len(text.lstrip("-")) > _LONGEST_INTEGER_TEXT:
        return _Unusable(text[:12] + "…", f"is a number of {len(text)} digits; out of range")
    return int(text)


def _constant(text: str) -> _Unusable:
    return _Unusable(text, f"is {text}, which standard JSON does not allow; use a number or null")


def _shown(value: Any) -> str:
    """A short, printable rendering of a value for a message."""
    if isinstance(value, _Unusable):
        return value.text
    if isinstance(value, str):
        text = json.dumps(value[:40] + ("…" if len(value) > 40 else ""))
    elif isinstance(value, (bool, int, float)) or value is None:
        text = json.dumps(value)
    else:
        text = "a list" if isinstance(value, list) else "an object"
    return text


@lru_cache(maxsize=4096)
def _plain_name(name: str) -> bool:
    return _IDENTIFIER.match(name) is not None


def _child(path: str, name: str | int) -> str:
    if isinstance(name, int):
        return f"{path}[{name}]"
    if _plain_name(name):
        return f"{path}.{name}" if path else name
    # ASCII escapes keep a path printable whatever the name holds (controls, surrogates).
    shown = json.dumps(
        name[:60], ensure_ascii=not name.isprintable() or bool(_SURROGATE.search(name))
    )
    return f"{path}[{shown}]"


def _text_problem(value: str) -> str | None:
    """Why a text cannot be kept, or None."""
    if value.isascii():
        return None
    bad = _SURROGATE.search(value)
    if bad:
        return (
            f"holds an unpaired surrogate (\\u{ord(bad.group()):04x} at character "
            f"{bad.start() + 1}), which is not text; fix the file's encoding"
        )
    return None


_RANGE = (
    f"is outside the years Hindsight keeps ({EARLIEST.year} to {LATEST.year}); "
    "check the date for a typo"
)


class _Reader:
    """Reads checked values out of parsed JSON, recording every problem with its path."""

    def __init__(self) -> None:
        self.problems: list[FormatProblem] = []

    def bad(self, path: str, problem: str) -> _Bad:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(FormatProblem(path, problem))
        return _Bad()

    def attempt(self, read: Callable[[], Any], default: Any = None) -> Any:
        """Run `read`; on a bad field return `default` so reading can go on."""
        try:
            return read()
        except _Bad:
            return default

    def mapping(self, value: Any, path: str, what: str = "must be an object") -> dict[str, Any]:
        """An object whose names are each given once."""
        if not isinstance(value, dict):
            raise self.bad(path, what)
        repeated = getattr(value, "repeated", ())
        for name in repeated:
            self.bad(_child(path, name), "is given more than once; keep one")
        if repeated:
            raise _Bad()
        return value

    def name(self, name: str, path: str, what: str) -> str:
        """An object's name used as an id (a question, a checklist item)."""
        if not name or len(name) > MAX_ID:
            raise self.bad(path, f"{what} must be 1 to {MAX_ID} characters")
        problem = _text_problem(name) or (
            None if name.isprintable() else "holds control characters"
        )
        if problem:
            raise self.bad(path, f"{what} {problem}")
        return name

    def obj(self, value: Any, path: str, required: set[str], optional: set[str]) -> dict[str, Any]:
        self.mapping(value, path)
        missing = sorted(required - value.keys())
        for name in missing:
            self.bad(_child(path, name), "is missing")
        for name in sorted(value.keys() - required - optional):
            allowed = ", ".join(sorted(required | optional))
            self.bad(_child(path, name), f"unknown field (expected one of: {allowed})")
        if missing:
            raise _Bad()
        return value

    def text(
        self, value: Any, path: str, *, limit: int | None = None, non_empty: bool = False
    ) -> str:
        if not isinstance(value, str):
            raise self.bad(path, "must be text")
        if non_empty and not value.strip():
            raise self.bad(path, "must not be empty")
        limit = MAX_TEXT if limit is None else limit
        if len(value) > limit:
            raise self.bad(path, f"is longer than {limit:,} characters")
        problem = _text_problem(value)
        if problem:
            raise self.bad(path, problem)
        return value

    def texts(self, value: Any, path: str) -> list[str]:
        if not isinstance(value, list):
            raise self.bad(path, "must be a list of texts")
        return [self.text(v, _child(path, i)) for i, v in enumerate(value)]

    def integer(self, value: Any, path: str) -> int:
        if isinstance(value, _Unusable):
            raise self.bad(path, value.problem)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.bad(path, "must be a whole number")
        if abs(value) > LARGEST_INTEGER:
            raise self.bad(path, f"is out of range (at most {LARGEST_INTEGER:,})")
        return value

    def free(self, value: Any, path: str, depth: int = 0) -> Any:
        """A value of any JSON type (an answer's), within the format's bounds."""
        if isinstance(value, _Unusable):
            raise self.bad(path, value.problem)
        if isinstance(value, str):
            return self.text(value, path)
        if isinstance(value, float):
            if not math.isfinite(value):
                raise self.bad(path, "is a number too large to keep; out of range")
            return value
        if isinstance(value, bool) or value is None:
            return value
        if isinstance(value, int):
            return self.integer(value, path)
        if depth >= MAX_DEPTH:
            raise self.bad(path, f"is nested more than {MAX_DEPTH} levels deep")
        if isinstance(value, list):
            return [self.free(v, _child(path, i), depth + 1) for i, v in enumerate(value)]
        data = self.mapping(value, path)
        for name in data:
            problem = _text_problem(name)
            if problem or len(name) > MAX_NAME:
                raise self.bad(_child(path, name), problem or "the name is too long")
        return {k: self.free(v, _child(path, k), depth + 1) for k, v in data.items()}

    def boolean(self, value: Any, path: str) -> bool:
        if not isinstance(value, bool):
            raise self.bad(path, "must be true or false")
        return value

    def choice(self, value: Any, path: str, kind: type[E]) -> E:
        try:
            if not isinstance(value, str):
                raise ValueError(value)
            return kind(value)
        except ValueError:
            allowed = ", ".join(m.value for m in kind)
            raise self.bad(path, f"is {_shown(value)}; use one of: {allowed}") from None

    def moment(self, value: Any, path: str) -> datetime:
        if not isinstance(value, str):
            raise self.bad(path, "not a date-time (write it as text, e.g. 2026-03-16T09:12:00Z)")
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise self.bad(path, "not a date-time (e.g. 2026-03-16T09:12:00Z)") from None
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise self.bad(path, "a date-time needs a time zone (end it with Z for UTC)")
        try:
            moment = moment.astimezone(UTC)
        except OverflowError:
            moment = EARLIEST.replace(year=1) if moment.year < 1000 else LATEST
        if not EARLIEST <= moment <= LATEST:
            raise self.bad(path, _RANGE)
        return moment

    def optional_moment(self, value: Any, path: str) -> datetime | None:
        return None if value is None else self.moment(value, path)

    def day(self, value: Any, path: str) -> date | None:
        if value is None:
            return None
        if not isinstance(value, str):
            raise self.bad(path, "not a date (e.g. 2026-03-24)")
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise self.bad(path, "not a date (e.g. 2026-03-24)") from None
        if not EARLIEST.date() <= day <= LATEST.date():
            raise self.bad(path, _RANGE)
        return day

    def items(self, value: Any, path: str) -> list[Any]:
        if not isinstance(value, list):
            raise self.bad(path, "must be a list")
        return value

    # -- the format's parts

    def fuzzy(self, value: Any, path: str) -> FuzzyTime:
        data = self.obj(value, path, {"earliest", "latest", "best"}, {"confidence", "note"})
        before = len(self.problems)
        earliest = self.attempt(lambda: self.moment(data["earliest"], _child(path, "earliest")))
        latest = self.attempt(lambda: self.moment(data["latest"], _child(path, "latest")))
        best = self.attempt(lambda: self.moment(data["best"], _child(path, "best")))
        confidence = self.attempt(
            lambda: self.choice(
                data.get("confidence", "medium"), _child(path, "confidence"), Confidence
            )
        )
        note = self.attempt(lambda: self.text(data.get("note", ""), _child(path, "note")), "")
        if len(self.problems) > before:
            raise _Bad()
        if earliest > latest:
            raise self.bad(_child(path, "latest"), "is before the earliest time")
        if not earliest <= best <= latest:
            raise self.bad(_child(path, "best"), "must lie between the earliest and latest times")
        return FuzzyTime(earliest, latest, best, confidence, note)

    def event(self, value: Any, path: str) -> TimelineEvent:
        data = self.obj(value, path, {"when", "phase"}, {"source", "text"})
        fields = {
            "when": lambda: self.fuzzy(data["when"], _child(path, "when")),
            "phase": lambda: self.choice(data["phase"], _child(path, "phase"), Phase),
            "source": lambda: self.choice(
                data.get("source", "other"), _child(path, "source"), EventSource
            ),
            "text": lambda: self.text(data.get("text", ""), _child(path, "text")),
        }
        return TimelineEvent(**self._all(fields))

    def role(self, value: Any, path: str) -> RoleAssignment:
        data = self.obj(value, path, {"role", "person"}, {"start", "end", "note"})
        fields = {
            "role": lambda: self.choice(data["role"], _child(path, "role"), Role),
            "person": lambda: self.text(data["person"], _child(path, "person"), limit=MAX_NAME),
            "start": lambda: self.optional_moment(data.get("start"), _child(path, "start")),
            "end": lambda: self.optional_moment(data.get("end"), _child(path, "end")),
            "note": lambda: self.text(data.get("note", ""), _child(path, "note")),
        }
        return RoleAssignment(**self._all(fields))

    def team(self, value: Any, path: str) -> TeamInvolvement:
        data = self.obj(value, path, {"team"}, {"part"})
        fields = {
            "team": lambda: self.text(data["team"], _child(path, "team"), limit=MAX_NAME),
            "part": lambda: self.text(data.get("part", ""), _child(path, "part")),
        }
        return TeamInvolvement(**self._all(fields))

    def answer(self, qid: str, value: Any, path: str) -> Answer:
        data = self.obj(value, path, {"status"}, {"value", "reason", "bank_version"})
        fields = {
            "status": lambda: self.choice(data["status"], _child(path, "status"), AnswerStatus),
            "reason": lambda: self.text(data.get("reason", ""), _child(path, "reason")),
            "bank_version": lambda: self.text(
                data.get("bank_version", ""), _child(path, "bank_version"), limit=50
            ),
        }
        fields["value"] = lambda: self.free(data.get("value"), _child(path, "value"))
        checked = self._all(fields)
        return Answer(question_id=qid, **checked)

    def transition(self, value: Any, path: str) -> ReviewTransition:
        data = self.obj(value, path, {"at", "from", "to"}, {"reason"})
        fields = {
            "at": lambda: self.moment(data["at"], _child(path, "at")),
            "from_status": lambda: self.choice(data["from"], _child(path, "from"), ReviewStatus),
            "to_status": lambda: self.choice(data["to"], _child(path, "to"), ReviewStatus),
            "reason": lambda: self.text(data.get("reason", ""), _child(path, "reason")),
        }
        return ReviewTransition(**self._all(fields))

    def review(self, value: Any, path: str) -> tuple[dict[str, Any], list[ReviewTransition]]:
        data = self.obj(value, path, {"status"}, {"answers", "attributions", "transitions"})
        result: dict[str, Any] = {}
        result["review_status"] = self.attempt(
            lambda: self.choice(data["status"], _child(path, "status"), ReviewStatus)
        )
        answers: dict[str, Answer] = {}
        raw_answers = self.attempt(
            lambda: self.mapping(
                data.get("answers", {}),
                _child(path, "answers"),
                "must be an object keyed by question id",
            ),
            {},
        )
        for qid, raw in raw_answers.items():
            where = _child(_child(path, "answers"), qid)
            if self.attempt(partial(self.name, qid, where, "a question id")) is None:
                continue
            found = self.attempt(partial(self.answer, qid, raw, where))
            if found is not None:
                answers[qid] = found
        result["answers"] = answers
        attributions: dict[ChangeCategory, Attribution] = {}
        raw_attributions = self.attempt(
            lambda: self.mapping(
                data.get("attributions", {}),
                _child(path, "attributions"),
                "must be an object keyed by kind of change",
            ),
            {},
        )
        for name, raw in raw_attributions.items():
            where = _child(_child(path, "attributions"), name)
            found = self.attempt(partial(self._attribution, name, raw, where))
            if found is not None:
                attributions[found.category] = found
        result["attributions"] = attributions
        transitions = self._list(
            data.get("transitions", []), _child(path, "transitions"), self.transition
        )
        return result, transitions

    def _attribution(self, name: str, value: Any, path: str) -> Attribution:
        try:
            category = ChangeCategory(name)
        except ValueError:
            allowed = ", ".join(c.value for c in ChangeCategory)
            raise self.bad(path, f"unknown kind of change (use one of: {allowed})") from None
        data = self.obj(value, path, {"verdict"}, {"evidence"})
        fields = {
            "verdict": lambda: self.choice(data["verdict"], _child(path, "verdict"), Verdict),
            "evidence": lambda: self.text(data.get("evidence", ""), _child(path, "evidence")),
        }
        return Attribution(category=category, **self._all(fields))

    def followup(self, value: Any, path: str) -> FollowUp:
        data = self.obj(
            value,
            path,
            {"title", "value", "feasibility", "history"},
            {
                "description",
                "owner",
                "due",
                "priority",
                "kind",
                "tracker_url",
                "speeds_troubleshooting",
                "next_senior_review",
                "created_at",
                "updated_at",
            },
        )
        fields: dict[str, Callable[[], Any]] = {
            "title": lambda: self.text(data["title"], _child(path, "title"), limit=MAX_TITLE),
            "description": lambda: self.text(
                data.get("description", ""), _child(path, "description")
            ),
            "owner": lambda: self.text(
                data.get("owner", ""), _child(path, "owner"), limit=MAX_NAME
            ),
            "due": lambda: self.day(data.get("due"), _child(path, "due")),
            "priority": lambda: self.choice(
                data.get("priority", "medium"), _child(path, "priority"), Priority
            ),
            "kind": lambda: self.choice(
                data.get("kind", "fix"), _child(path, "kind"), FollowUpKind
            ),
            "value": lambda: self.integer(data["value"], _child(path, "value")),
            "feasibility": lambda: self.integer(data["feasibility"], _child(path, "feasibility")),
            "tracker_url": lambda: self.text(
                data.get("tracker_url", ""), _child(path, "tracker_url")
            ),
            "speeds_troubleshooting": lambda: self.boolean(
                data.get("speeds_troubleshooting", False), _child(path, "speeds_troubleshooting")
            ),
            "next_senior_review": lambda: self.day(
                data.get("next_senior_review"), _child(path, "next_senior_review")
            ),
            "history": lambda: self._list(data["history"], _child(path, "history"), self._step),
            "created_at": lambda: self.optional_moment(
                data.get("created_at"), _child(path, "created_at")
            ),
            "updated_at": lambda: self.optional_moment(
                data.get("updated_at"), _child(path, "updated_at")
            ),
        }
        item = FollowUp(incident_id=0, **self._all(fields))
        found = followup_problems(item)
        if found:
            raise self.bad(path, " ".join(found))
        return item

    def _step(self, value: Any, path: str) -> StatusStep:
        data = self.obj(value, path, {"status", "on"}, set())
        status = self.attempt(
            lambda: self.choice(data["status"], _child(path, "status"), FollowUpStatus)
        )
        on = self.attempt(lambda: self.day(data["on"], _child(path, "on")))
        if status is None or on is None:
            if on is None and data["on"] is None:
                self.bad(_child(path, "on"), "not a date (e.g. 2026-03-24)")
            raise _Bad()
        return StatusStep(status, on)

    def _all(self, fields: Mapping[str, Callable[[], Any]]) -> dict[str, Any]:
        """Read every field (so every problem is reported); _Bad if any was wrong."""
        before = len(self.problems)
        values = {name: self.attempt(read) for name, read in fields.items()}
        if len(self.problems) > before:
            raise _Bad()
        return values

    def _list(self, value: Any, path: str, read: Callable[[Any, str], Any]) -> list[Any]:
        items = self.items(value, path)
        before = len(self.problems)
        out = [self.attempt(partial(read, v, _child(path, i))) for i, v in enumerate(items)]
        if len(self.problems) > before:
            raise _Bad()
        return out

    def incident(self, value: Any, path: str) -> IncidentBundle:
        data = self.obj(
            value,
            path,
            {"key", "title"},
            {
                "summary",
                "severity",
                "phase",
                "systems",
                "models",
                "tags",
                "created_at",
                "updated_at",
                "milestones",
                "events",
                "roles",
                "teams",
                "review",
                "followups",
                "privacy",
            },
        )
        before = len(self.problems)
        key = self.attempt(lambda: self._key(data["key"], _child(path, "key")), "")
        fields: dict[str, Callable[[], Any]] = {
            "title": lambda: self.text(
                data["title"], _child(path, "title"), limit=MAX_TITLE, non_empty=True
            ),
            "summary": lambda: self.text(data.get("summary", ""), _child(path, "summary")),
            "severity": lambda: self.choice(
                data.get("severity", "SEV3"), _child(path, "severity"), Severity
            ),
            "phase": lambda: self.choice(
                data.get("phase", "detection"), _child(path, "phase"), Phase
            ),
            "systems": lambda: self.texts(data.get("systems", []), _child(path, "systems")),
            "models": lambda: self.texts(data.get("models", []), _child(path, "models")),
            "tags": lambda: self.texts(data.get("tags", []), _child(path, "tags")),
            "created_at": lambda: self.optional_moment(
                data.get("created_at"), _child(path, "created_at")
            ),
            "updated_at": lambda: self.optional_moment(
                data.get("updated_at"), _child(path, "updated_at")
            ),
            "milestones": lambda: self._milestones(
                data.get("milestones", {}), _child(path, "milestones")
            ),
            "events": lambda: self._list(
                data.get("events", []), _child(path, "events"), self.event
            ),
            "roles": lambda: self._list(data.get("roles", []), _child(path, "roles"), self.role),
            "teams": lambda: self._list(data.get("teams", []), _child(path, "teams"), self.team),
        }
        values = {name: self.attempt(read) for name, read in fields.items()}
        review: dict[str, Any] = {}
        transitions: list[ReviewTransition] = []
        if "review" in data:
            found = self.attempt(lambda: self.review(data["review"], _child(path, "review")))
            if found is not None:
                review, transitions = found
        followups = None
        if "followups" in data:
            followups = self.attempt(
                lambda: self._list(data["followups"], _child(path, "followups"), self.followup)
            )
        privacy = None
        if "privacy" in data:
            privacy = self.attempt(lambda: self.privacy(data["privacy"], _child(path, "privacy")))
        if len(self.problems) > before:
            raise _Bad()
        incident = Incident(key=key, **values, **review)
        return IncidentBundle(incident, transitions, followups, privacy)

    def privacy(self, value: Any, path: str) -> PrivacyRecord:
        data = self.obj(value, path, set(), {"accesses", "ethics"})
        accesses = self._list(data.get("accesses", []), _child(path, "accesses"), self.access)
        numbers = [a.number for a in accesses]
        for index, number in enumerate(numbers):
            if numbers.index(number) != index:
                where = _child(_child(_child(path, "accesses"), index), "number")
                raise self.bad(where, f"repeats access number {number}")
        ethics: dict[str, EthicsAnswer] = {}
        raw = self.mapping(
            data.get("ethics", {}),
            _child(path, "ethics"),
            "must be an object keyed by checklist item",
        )
        before = len(self.problems)
        for item_id, entry in raw.items():
            where = _child(_child(path, "ethics"), item_id)
            found = self.attempt(partial(self.ethics_answer, item_id, entry, where))
            if found is not None:
                ethics[item_id] = found
        if len(self.problems) > before:
            raise _Bad()
        return PrivacyRecord(accesses, ethics)

    def access(self, value: Any, path: str) -> DataAccess:
        data = self.obj(value, path, {"number", "revisions"}, set())
        number = self.integer(data["number"], _child(path, "number"))
        if number < 1:
            raise self.bad(_child(path, "number"), "must be 1 or more")
        revisions = self._list(data["revisions"], _child(path, "revisions"), self.revision)
        if not revisions:
            raise self.bad(_child(path, "revisions"), "an access needs at least one revision")
        for index, revision in enumerate(revisions):
            if revision.number != index + 1:
                where = _child(_child(_child(path, "revisions"), index), "number")
                raise self.bad(where, f"must be {index + 1} (revisions count up from 1)")
        return DataAccess(0, 0, number, tuple(revisions))

    def revision(self, value: Any, path: str) -> AccessRevision:
        data = self.obj(
            value, path, {"number", "recorded_at", "details"}, {"recorded_by", "reason"}
        )
        fields = {
            "number": lambda: self.integer(data["number"], _child(path, "number")),
            "recorded_at": lambda: self.moment(data["recorded_at"], _child(path, "recorded_at")),
            "recorded_by": lambda: self.text(
                data.get("recorded_by", ""), _child(path, "recorded_by"), limit=MAX_NAME
            ),
            "reason": lambda: self.text(data.get("reason", ""), _child(path, "reason")),
            "details": lambda: self.details(data["details"], _child(path, "details")),
        }
        return AccessRevision(**self._all(fields))

    def details(self, value: Any, path: str) -> AccessDetails:
        text_fields = ("justification", "approver", "privacy_contact", "notes")
        data = self.obj(
            value,
            path,
            {"accessor", "accessed_at", "dataset"},
            {"categories", "volume", "volume_unit", "privacy_consulted", "copies", *text_fields},
        )

        def volume() -> int | None:
            raw = data.get("volume")
            if raw is None:
                return None
            number = self.integer(raw, _child(path, "volume"))
            if number < 0:
                raise self.bad(_child(path, "volume"), "cannot be negative")
            return number

        fields: dict[str, Callable[[], Any]] = {
            "accessor": lambda: self.text(
                data["accessor"], _child(path, "accessor"), limit=MAX_NAME
            ),
            "accessed_at": lambda: self.moment(data["accessed_at"], _child(path, "accessed_at")),
            "dataset": lambda: self.text(data["dataset"], _child(path, "dataset"), limit=500),
            "categories": lambda: tuple(
                self._list(
                    data.get("categories", []),
                    _child(path, "categories"),
                    lambda v, w: self.choice(v, w, DataCategory),
                )
            ),
            "volume": volume,
            "volume_unit": lambda: self.choice(
                data.get("volume_unit", "rows"), _child(path, "volume_unit"), VolumeUnit
            ),
            "privacy_consulted": lambda: self.boolean(
                data.get("privacy_consulted", False), _child(path, "privacy_consulted")
            ),
            "copies": lambda: tuple(
                self._list(data.get("copies", []), _child(path, "copies"), self.copy)
            ),
        }
        for name in text_fields:
            fields[name] = partial(self.text, data.get(name, ""), _child(path, name))
        return AccessDetails(**self._all(fields))

    def copy(self, value: Any, path: str) -> DataCopy:
        data = self.obj(value, path, {"location"}, {"delete_by", "deleted_at", "deleted_by"})
        fields = {
            "location": lambda: self.text(data["location"], _child(path, "location")),
            "delete_by": lambda: self.day(data.get("delete_by"), _child(path, "delete_by")),
            "deleted_at": lambda: self.optional_moment(
                data.get("deleted_at"), _child(path, "deleted_at")
            ),
            "deleted_by": lambda: self.text(data.get("deleted_by", ""), _child(path, "deleted_by")),
        }
        return DataCopy(**self._all(fields))

    def ethics_answer(self, item_id: str, value: Any, path: str) -> EthicsAnswer:
        self.name(item_id, path, "a checklist item id")
        data = self.obj(
            value, path, set(), {"choice", "note", "answered_by", "checklist_version", "updated_at"}
        )
        fields = {
            "choice": lambda: (
                None
                if data.get("choice") is None
                else self.choice(data["choice"], _child(path, "choice"), EthicsChoice)
            ),
            "note": lambda: self.text(data.get("note", ""), _child(path, "note")),
            "answered_by": lambda: self.text(
                data.get("answered_by", ""), _child(path, "answered_by"), limit=MAX_NAME
            ),
            "checklist_version": lambda: self.text(
                data.get("checklist_version", ""), _child(path, "checklist_version"), limit=50
            ),
            "updated_at": lambda: self.optional_moment(
                data.get("updated_at"), _child(path, "updated_at")
            ),
        }
        return EthicsAnswer(item_id=item_id, **self._all(fields))

    def _key(self, value: Any, path: str) -> str:
        if not isinstance(value, str):
            raise self.bad(path, 'must be text, e.g. "HS-12"')
        problem = _text_problem(value) or key_problem(value)
        if problem:
            raise self.bad(path, problem)
        return value

    def _milestones(self, value: Any, path: str) -> dict[Phase, FuzzyTime]:
        self.mapping(value, path, "must be an object keyed by milestone")
        found: dict[Phase, FuzzyTime] = {}
        before = len(self.problems)
        for name, raw in value.items():
            where = _child(path, name)
            try:
                phase = Phase(name)
            except ValueError:
                phase = None
            if phase is None or phase not in MILESTONE_KINDS:
                allowed = ", ".join(p.value for p in MILESTONE_KINDS)
                self.bad(where, f"unknown milestone (use one of: {allowed})")
                continue
            when = self.attempt(partial(self.fuzzy, raw, where))
            if when is not None:
                found[phase] = when
        if len(self.problems) > before:
            raise _Bad()
        return found


def _check_header(reader: _Reader, top: Mapping[str, Any]) -> None:
    """The format's name and version (FormatError at once: nothing else can be read), then
    the optional fields."""
    if top["format"] != FORMAT:
        raise FormatError([FormatProblem("format", f"is {_shown(top['format'])}, not {FORMAT!r}")])
    version = top["version"]
    if isinstance(version, bool) or not isinstance(version, int):
        raise FormatError([FormatProblem("version", "must be a whole number")])
    version = min(version, LARGEST_INTEGER)
    if version > VERSION:
        raise FormatError(
            [
                FormatProblem(
                    "version",
                    f"is {version}, made by a newer Hindsight (this one reads version "
                    f"{VERSION}); update Hindsight to import it",
                )
            ]
        )
    if version < 1:
        raise FormatError([FormatProblem("version", f"is {version}; versions start at 1")])
    if "exported_at" in top:
        reader.attempt(lambda: reader.moment(top["exported_at"], "exported_at"))
    if "generator" in top:
        reader.attempt(lambda: reader.text(top["generator"], "generator"))


def _check_incidents(reader: _Reader, incidents: Iterable[Any]) -> list[IncidentBundle]:
    bundles: list[IncidentBundle] = []
    seen: dict[str, int] = {}
    count = 0
    for index, raw in enumerate(incidents):
        count += 1
        path = _child("incidents", index)
        bundle = reader.attempt(partial(reader.incident, raw, path))
        if bundle is None:
            continue
        key = bundle.incident.key.upper()
        if key in seen:
            reader.bad(_child(path, "key"), f"repeats the key of incidents[{seen[key]}]")
        seen[key] = index
        bundles.append(bundle)
    if not count:
        reader.bad("incidents", "holds no incident")
    return bundles


def read_document(data: Any) -> list[IncidentBundle]:
    """The incidents of a parsed export file; FormatError listing every bad field."""
    reader = _Reader()
    try:
        top = reader.obj(data, "", {"format", "version", "incidents"}, {"exported_at", "generator"})
    except _Bad:
        raise FormatError(
            reader.problems or [FormatProblem("", "not a Hindsight export")]
        ) from None
    _check_header(reader, top)
    incidents = reader.attempt(lambda: reader.items(top["incidents"], "incidents"))
    bundles = _check_incidents(reader, incidents) if incidents is not None else []
    if reader.problems:
        raise FormatError(reader.problems)
    return bundles


class _NotStreamable(Exception):
    """The file is read whole instead (its incidents come before its version, say)."""


_SPACE = re.compile(r"[ \t\n\r]*")


def read_text(text: str) -> list[IncidentBundle]:
    """The incidents of an export file's text, parsed and checked one incident at a time.

    Only one incident's parsed JSON is held at once (a large file costs its text and the
    records, not also every parsed object). The result, and every message, is the same as
    read_document(parse(text)), which a file is given to when it cannot be read this way.
    """
    try:
        return _read_streaming(text)
    except _NotStreamable:
        return read_document(parse(text))


def _read_streaming(text: str) -> list[IncidentBundle]:
    decoder = json.JSONDecoder(object_pairs_hook=_object, parse_constant=_constant)
    reader = _Reader()

    def space(at: int) -> int:
        match = _SPACE.match(text, at)
        return match.end() if match else at

    def expect(at: int, what: str) -> int:
        at = space(at)
        if not text.startswith(what, at):
            raise json.JSONDecodeError(f"Expecting {what!r} delimiter", text, at)
        return at + 1

    def value(at: int) -> tuple[Any, int]:
        try:
            return decoder.raw_decode(text, at)
        except json.JSONDecodeError:
            raise
        except (ValueError, RecursionError):  # thousands of digits, or nesting: read whole
            raise _NotStreamable from None

    try:
        at = space(0)
        if not text.startswith("{", at):
            raise _NotStreamable
        pairs: list[tuple[str, Any]] = []
        bundles: list[IncidentBundle] | None = None
        at = space(at + 1)
        if text.startswith("}", at):
            raise _NotStreamable
        while True:
            name, at = value(space(at))
            if not isinstance(name, str):
                raise json.JSONDecodeError("Expecting property name", text, at)
            at = space(expect(at, ":"))
            header = dict(pairs)
            streamable = (
                name == "incidents"
                and text.startswith("[", at)
                and bundles is None
                and {"format", "version"} <= header.keys()
            )
            if streamable:
                _check_header(reader, header)
                incidents = _Incidents(text, at, value, space, expect)
                bundles = _check_incidents(reader, incidents)
                assert incidents.end is not None  # read to the end above
                at = incidents.end
                pairs.append((name, []))
            else:
                found, at = value(at)
                pairs.append((name, found))
            at = space(at)
            if text.startswith("}", at):
                at += 1
                break
            at = expect(at, ",")
        if space(at) != len(text):
            raise json.JSONDecodeError("Extra data", text, space(at))
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise FormatError([FormatProblem("", f"not valid JSON ({error.msg} at {where})")]) from None
    if bundles is None:
        raise _NotStreamable
    top = _object(pairs)
    with contextlib.suppress(_Bad):  # the problems are recorded on the reader
        reader.obj(top, "", {"format", "version", "incidents"}, {"exported_at", "generator"})
    if reader.problems:
        raise FormatError(reader.problems)
    return bundles


class _Incidents:
    """The incidents of the list starting at `at`, parsed one at a time as they are read;
    once read to the end, `end` is where the list ends in the text."""

    def __init__(
        self,
        text: str,
        at: int,
        value: Callable[[int], tuple[Any, int]],
        space: Callable[[int], int],
        expect: Callable[[int, str], int],
    ) -> None:
        self.text, self.at = text, at
        self.value, self.space, self.expect = value, space, expect
        self.end: int | None = None

    def __iter__(self) -> Iterator[Any]:
        text, position = self.text, self.space(self.at + 1)
        if not text.startswith("]", position):
            while True:
                found, position = self.value(position)
                yield found
                position = self.space(position)
                if text.startswith("]", position):
                    break
                position = self.space(self.expect(position, ","))
        self.end = position + 1


def loads(raw: bytes | str) -> list[IncidentBundle]:
    """Parse and check an export file's contents; FormatError on any problem."""
    return read_text(decode(raw) if isinstance(raw, bytes) else raw)


def decode(raw: bytes) -> str:
    """An export file's bytes as text (UTF-8, with or without a byte order mark)."""
    try:
        return raw.decode(json.detect_encoding(raw))
    except UnicodeDecodeError:
        raise FormatError([FormatProblem("", "the file is not UTF-8 text")]) from None


def parse(raw: bytes | str) -> Any:
    """The JSON value in `raw`, with what no field can take marked instead of converted.

    Repeated names in an object, NaN and Infinity, and numbers too long to be in range are
    kept for the reader to refuse with their path; nesting deeper than Python can follow is
    refused here.
    """
    try:
        try:
            return json.loads(raw, object_pairs_hook=_object, parse_constant=_constant)
        except ValueError as error:
            if isinstance(error, (UnicodeDecodeError, json.JSONDecodeError)):
                raise
            # Python refuses to convert a number of thousands of digits: read again, marking
            # long numbers instead of converting them, so the reader can say where they are.
            return json.loads(
                raw, object_pairs_hook=_object, parse_int=_integer, parse_constant=_constant
            )
    except UnicodeDecodeError:
        raise FormatError([FormatProblem("", "the file is not UTF-8 text")]) from None
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise FormatError([FormatProblem("", f"not valid JSON ({error.msg} at {where})")]) from None
    except RecursionError:
        problem = f"lists or objects are nested too deeply (at most {MAX_DEPTH} levels in a value)"
        raise FormatError([FormatProblem("", problem)]) from None
