"""The JSON exchange format: a document of incidents, written in the newest version and read
back with strict checks from any version (1 and 2).

The format is documented in docs/json-format.md. Reading never trusts the file: every field is
checked, unknown fields are refused (a misspelt field would otherwise be dropped silently),
and each problem is reported with the JSON path of the bad field, e.g.
`incidents[0].milestones.outage_begins.earliest: not a date-time`. The parts live in
json_values.py (limits, errors, checked values), json_records.py (reading records) and
json_writer.py (writing them).
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from functools import partial
from typing import Any

from hindsight.export.json_records import RecordReader
from hindsight.export.json_values import (
    EARLIEST,
    LARGEST_INTEGER,
    LATEST,
    MAX_DEPTH,
    MAX_ID,
    MAX_KEY,
    MAX_NAME,
    MAX_PROBLEMS,
    MAX_TEXT,
    MAX_TITLE,
    VERSION,
    Bad,
    FormatError,
    FormatProblem,
    IncidentBundle,
    PrivacyRecord,
    child,
    json_object,
    parse_constant,
    parse_integer,
    shown,
)
from hindsight.export.json_writer import incident_json, moment_text, privacy_json

FORMAT = "hindsight-incident"
__all__ = [
    "EARLIEST",
    "FORMAT",
    "LARGEST_INTEGER",
    "LATEST",
    "MAX_DEPTH",
    "MAX_ID",
    "MAX_KEY",
    "MAX_NAME",
    "MAX_PROBLEMS",
    "MAX_TEXT",
    "MAX_TITLE",
    "VERSION",
    "FormatError",
    "FormatProblem",
    "IncidentBundle",
    "PrivacyRecord",
    "decode",
    "document_json",
    "dumps",
    "incident_json",
    "loads",
    "moment_text",
    "parse",
    "privacy_json",
    "read_document",
    "read_text",
]


# -- writing ------------------------------------------------------------------------------------


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
def _check_header(reader: RecordReader, top: Mapping[str, Any]) -> None:
    """The format's name and version (FormatError at once: nothing else can be read), then
    the optional fields."""
    if top["format"] != FORMAT:
        raise FormatError([FormatProblem("format", f"is {shown(top['format'])}, not {FORMAT!r}")])
    version = top["version"]
    if isinstance(version, bool) or not isinstance(version, int):
        raise FormatError([FormatProblem("version", "must be a whole number")])
    version = min(version, LARGEST_INTEGER)
    if version > VERSION:
        raise FormatError(
            [
                FormatProblem(
                    "version",
                    f"is {version}, made by a newer Hindsight (this one reads versions 1 "
                    f"to {VERSION}); update Hindsight to import it",
                )
            ]
        )
    if version < 1:
        raise FormatError([FormatProblem("version", f"is {version}; versions start at 1")])
    reader.version = version  # which fields the file may hold
    if "exported_at" in top:
        reader.attempt(lambda: reader.moment(top["exported_at"], "exported_at"))
    if "generator" in top:
        reader.attempt(lambda: reader.text(top["generator"], "generator"))


def _check_incidents(reader: RecordReader, incidents: Iterable[Any]) -> list[IncidentBundle]:
    bundles: list[IncidentBundle] = []
    seen: dict[str, int] = {}
    count = 0
    for index, raw in enumerate(incidents):
        count += 1
        path = child("incidents", index)
        bundle = reader.attempt(partial(reader.incident, raw, path))
        if bundle is None:
            continue
        key = bundle.incident.key.upper()
        if key in seen:
            reader.bad(child(path, "key"), f"repeats the key of incidents[{seen[key]}]")
        seen[key] = index
        bundles.append(bundle)
    if not count:
        reader.bad("incidents", "holds no incident")
    return bundles


def read_document(data: Any) -> list[IncidentBundle]:
    """The incidents of a parsed export file; FormatError listing every bad field."""
    reader = RecordReader()
    try:
        top = reader.obj(data, "", {"format", "version", "incidents"}, {"exported_at", "generator"})
    except Bad:
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
    decoder = json.JSONDecoder(object_pairs_hook=json_object, parse_constant=parse_constant)
    reader = RecordReader()

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
    top = json_object(pairs)
    with contextlib.suppress(Bad):  # the problems are recorded on the reader
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
            return json.loads(raw, object_pairs_hook=json_object, parse_constant=parse_constant)
        except ValueError as error:
            if isinstance(error, (UnicodeDecodeError, json.JSONDecodeError)):
                raise
            # Python refuses to convert a number of thousands of digits: read again, marking
            # long numbers instead of converting them, so the reader can say where they are.
            return json.loads(
                raw,
                object_pairs_hook=json_object,
                parse_int=parse_integer,
                parse_constant=parse_constant,
            )
    except UnicodeDecodeError:
        raise FormatError([FormatProblem("", "the file is not UTF-8 text")]) from None
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise FormatError([FormatProblem("", f"not valid JSON ({error.msg} at {where})")]) from None
    except RecursionError:
        problem = f"lists or objects are nested too deeply (at most {MAX_DEPTH} levels in a value)"
        raise FormatError([FormatProblem("", problem)]) from None
