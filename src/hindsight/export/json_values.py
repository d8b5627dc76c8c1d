"""The JSON exchange format's building blocks: its limits, its errors, and a reader of checked
values that records every problem with the JSON path of the bad field.

Whatever passes these checks can be stored in SQLite (and PostgreSQL) and exported in every
format. The record-level reading is in json_records.py, the document in json_format.py.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from functools import lru_cache, partial
from typing import Any, TypeVar

from hindsight.core.attachments import Attachment
from hindsight.core.enums import Confidence
from hindsight.core.followups import FollowUp
from hindsight.core.fuzzy_time import (
    FIRST_YEAR,
    LAST_YEAR,
    FuzzyTime,
    FuzzyTimeError,
    Precision,
    day_start,
)
from hindsight.core.incident import Incident
from hindsight.core.keys import key_problem
from hindsight.core.links import LinkedIncident
from hindsight.core.privacy import DataAccess, EthicsAnswer
from hindsight.core.review import ReviewTransition

VERSION = 2  # the version written; every version from 1 up to it is read

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
EARLIEST = datetime(FIRST_YEAR, 1, 1, tzinfo=UTC)
LATEST = datetime(LAST_YEAR, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
_LONGEST_INTEGER_TEXT = 20  # digits; longer numbers are out of range without being converted
E = TypeVar("E", bound=StrEnum)


@dataclass
class IncidentBundle:
    """One incident with everything exported alongside it."""

    incident: Incident
    transitions: list[ReviewTransition] = field(default_factory=list)
    followups: list[FollowUp] | None = None  # None: the file (or the workspace) has none
    privacy: PrivacyRecord | None = None  # None: the file (or the workspace) has none
    attachments: list[Attachment] | None = None  # None: the file (or the workspace) has none
    # Links to other incidents, each read from this one (read from a file: by key, ids 0).
    links: list[LinkedIncident] | None = None  # None: the file (or the workspace) has none


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

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_SURROGATE = re.compile("[\ud800-\udfff]")


class Bad(Exception):
    """Stops reading one field; the problem is already recorded."""


class JsonObject(dict[str, Any]):
    """A parsed JSON object that remembers the names it held more than once."""

    repeated: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Unusable:
    """A number the file holds that no field can take (NaN, Infinity, too many digits)."""

    text: str
    problem: str


def json_object(pairs: list[tuple[str, Any]]) -> JsonObject:
    found = JsonObject(pairs)
    if len(found) != len(pairs):
        counts: dict[str, int] = {}
        for name, _ in pairs:
            counts[name] = counts.get(name, 0) + 1
        found.repeated = tuple(name for name, count in counts.items() if count > 1)
    return found


def parse_integer(text: str) -> int | Unusable:
    if len(text.lstrip("-")) > _LONGEST_INTEGER_TEXT:
        return Unusable(text[:12] + "…", f"is a number of {len(text)} digits; out of range")
    return int(text)


def parse_constant(text: str) -> Unusable:
    return Unusable(text, f"is {text}, which standard JSON does not allow; use a number or null")


def shown(value: Any) -> str:
    """A short, printable rendering of a value for a message."""
    if isinstance(value, Unusable):
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


def child(path: str, name: str | int) -> str:
    if isinstance(name, int):
        return f"{path}[{name}]"
    if _plain_name(name):
        return f"{path}.{name}" if path else name
    # ASCII escapes keep a path printable whatever the name holds (controls, surrogates).
    shown = json.dumps(
        name[:60], ensure_ascii=not name.isprintable() or bool(_SURROGATE.search(name))
    )
    return f"{path}[{shown}]"


def text_problem(value: str) -> str | None:
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


class ValueReader:
    """Reads checked values out of parsed JSON, recording every problem with its path."""

    def __init__(self, version: int = VERSION) -> None:
        self.problems: list[FormatProblem] = []
        self.version = version  # of the file being read: which fields it may hold

    def bad(self, path: str, problem: str) -> Bad:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(FormatProblem(path, problem))
        return Bad()

    def attempt(self, read: Callable[[], Any], default: Any = None) -> Any:
        """Run `read`; on a bad field return `default` so reading can go on."""
        try:
            return read()
        except Bad:
            return default

    def mapping(self, value: Any, path: str, what: str = "must be an object") -> dict[str, Any]:
        """An object whose names are each given once."""
        if not isinstance(value, dict):
            raise self.bad(path, what)
        repeated = getattr(value, "repeated", ())
        for name in repeated:
            self.bad(child(path, name), "is given more than once; keep one")
        if repeated:
            raise Bad()
        return value

    def name(self, name: str, path: str, what: str) -> str:
        """An object's name used as an id (a question, a checklist item)."""
        if not name or len(name) > MAX_ID:
            raise self.bad(path, f"{what} must be 1 to {MAX_ID} characters")
        problem = text_problem(name) or (None if name.isprintable() else "holds control characters")
        if problem:
            raise self.bad(path, f"{what} {problem}")
        return name

    def obj(self, value: Any, path: str, required: set[str], optional: set[str]) -> dict[str, Any]:
        self.mapping(value, path)
        missing = sorted(required - value.keys())
        for name in missing:
            self.bad(child(path, name), "is missing")
        for name in sorted(value.keys() - required - optional):
            allowed = ", ".join(sorted(required | optional))
            self.bad(child(path, name), f"unknown field (expected one of: {allowed})")
        if missing:
            raise Bad()
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
        problem = text_problem(value)
        if problem:
            raise self.bad(path, problem)
        return value

    def texts(self, value: Any, path: str) -> list[str]:
        if not isinstance(value, list):
            raise self.bad(path, "must be a list of texts")
        return [self.text(v, child(path, i)) for i, v in enumerate(value)]

    def integer(self, value: Any, path: str) -> int:
        if isinstance(value, Unusable):
            raise self.bad(path, value.problem)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.bad(path, "must be a whole number")
        if abs(value) > LARGEST_INTEGER:
            raise self.bad(path, f"is out of range (at most {LARGEST_INTEGER:,})")
        return value

    def free(self, value: Any, path: str, depth: int = 0) -> Any:
        """A value of any JSON type (an answer's), within the format's bounds."""
        if isinstance(value, Unusable):
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
            return [self.free(v, child(path, i), depth + 1) for i, v in enumerate(value)]
        data = self.mapping(value, path)
        for name in data:
            problem = text_problem(name)
            if problem or len(name) > MAX_NAME:
                raise self.bad(child(path, name), problem or "the name is too long")
        return {k: self.free(v, child(path, k), depth + 1) for k, v in data.items()}

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
            raise self.bad(path, f"is {shown(value)}; use one of: {allowed}") from None

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
        """A fuzzy time; from version 2, one known only to the day (precision "day", with
        dates such as "2025-08-05" for earliest, latest and best)."""
        optional = {"confidence", "note"} | ({"precision"} if self.version >= 2 else set())
        data = self.obj(value, path, {"earliest", "latest", "best"}, optional)
        precision = self.attempt(
            lambda: self.choice(
                data.get("precision", "minute"), child(path, "precision"), Precision
            )
        )
        if precision is None:
            raise Bad()
        read = self.whole_day if precision is Precision.DAY else self.moment
        before = len(self.problems)
        earliest = self.attempt(lambda: read(data["earliest"], child(path, "earliest")))
        latest = self.attempt(lambda: read(data["latest"], child(path, "latest")))
        if precision is Precision.DAY and latest is not None:
            latest += timedelta(days=1)  # the last day is included: up to the next midnight
        best = self.attempt(lambda: read(data["best"], child(path, "best")))
        confidence = self.attempt(
            lambda: self.choice(
                data.get("confidence", "medium"), child(path, "confidence"), Confidence
            )
        )
        note = self.attempt(lambda: self.text(data.get("note", ""), child(path, "note")), "")
        if len(self.problems) > before:
            raise Bad()
        if earliest > latest:
            raise self.bad(child(path, "latest"), "is before the earliest time")
        if not earliest <= best <= latest:
            raise self.bad(child(path, "best"), "must lie between the earliest and latest times")
        try:
            return FuzzyTime(earliest, latest, best, confidence, note, precision)
        except FuzzyTimeError as error:  # cannot happen after the checks above; be safe
            raise self.bad(path, str(error)) from None

    def whole_day(self, value: Any, path: str) -> datetime:
        """A day written as a date ("2025-08-05"), as the midnight starting it."""
        day = self.day(value, path)
        if day is None:
            raise self.bad(path, "not a date (e.g. 2025-08-05)")
        return day_start(day)

    def _all(self, fields: Mapping[str, Callable[[], Any]]) -> dict[str, Any]:
        """Read every field (so every problem is reported); Bad if any was wrong."""
        before = len(self.problems)
        values = {name: self.attempt(read) for name, read in fields.items()}
        if len(self.problems) > before:
            raise Bad()
        return values

    def _list(self, value: Any, path: str, read: Callable[[Any, str], Any]) -> list[Any]:
        items = self.items(value, path)
        before = len(self.problems)
        out = [self.attempt(partial(read, v, child(path, i))) for i, v in enumerate(items)]
        if len(self.problems) > before:
            raise Bad()
        return out

    def _key(self, value: Any, path: str) -> str:
        if not isinstance(value, str):
            raise self.bad(path, 'must be text, e.g. "HS-12"')
        problem = text_problem(value) or key_problem(value)
        if problem:
            raise self.bad(path, problem)
        return value
