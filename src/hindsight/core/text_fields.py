"""The one registry of an incident's free text: every field, its path, how to read and write it.

The PII scan, redaction in an export, redaction in place and "go to this finding" all need
the same list of texts; they all take it from here, so a text field added to the record is
scanned, redacted and found everywhere once it is added here (tests compare this registry
with the record's dataclasses).

A path is a '/'-joined list of parts ("events/3/text", "answers/impact.cost/value/0");
a '/' or '~' inside a part is escaped as in JSON Pointer (join_path, split_path).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from hindsight.core.enums import Marker, Phase
from hindsight.core.factors import FactorDate
from hindsight.core.followups import FollowUp
from hindsight.core.incident import Incident
from hindsight.core.privacy import ACCESS_TEXT_FIELDS, AccessDetails, EthicsAnswer

# Where text lives, as path patterns: "*" is one part, "**" any number of parts. The UI test
# that puts markup into every field walks these.
INCIDENT_TEXT_PATHS = (
    "title",
    "summary",
    "systems/*",
    "models/*",
    "tags/*",
    "milestones/*/note",
    "events/*/text",
    "events/*/note",
    "roles/*/person",
    "roles/*/note",
    "teams/*/team",
    "teams/*/part",
    "answers/*/value/**",
    "answers/*/reason",
    "attributions/*/evidence",
    "markers/*/note",
    "impacts/*/measure",
    "impacts/*/unit",
    "impacts/*/slice",
    "impacts/*/source",
    "impacts/*/note",
    "factors/*/title",
    "factors/*/description",
    "factors/*/scope",
    "factors/*/dates/*/note",
    "references/*/target",
    "references/*/label",
    "references/*/note",
    "authors/*",
    "reviewers/*",
    "external_id",
)
IMPACT_TEXT_FIELDS = ("measure", "unit", "slice", "source", "note")
FACTOR_TEXT_FIELDS = ("title", "description", "scope")
REFERENCE_TEXT_FIELDS = ("target", "label", "note")
# Lists of records that are frozen values: a text in them is replaced by a changed copy.
FROZEN_LISTS = {"impacts": IMPACT_TEXT_FIELDS, "references": REFERENCE_TEXT_FIELDS}
FOLLOWUP_TEXT_FIELDS = ("title", "description", "owner", "tracker")
COPY_TEXT_FIELDS = ("location", "deleted_by")
ETHICS_TEXT_FIELDS = ("note", "answered_by")
OTHER_TEXT_PATHS = (
    *(f"followups/*/{name}" for name in FOLLOWUP_TEXT_FIELDS),
    *(f"accesses/*/{name}" for name in ACCESS_TEXT_FIELDS),
    *(f"accesses/*/copies/*/{name}" for name in COPY_TEXT_FIELDS),
    *(f"ethics/*/{name}" for name in ETHICS_TEXT_FIELDS),
)


def join_path(*parts: object) -> str:
    """A field path from its parts; '/' and '~' inside a part are escaped as in JSON Pointer."""
    return "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def split_path(path: str) -> list[str]:
    """The parts of a field path made by join_path."""
    return [p.replace("~1", "/").replace("~0", "~") for p in path.split("/")]


@dataclass(frozen=True, slots=True)
class TextRef:
    """One text of an incident record: its path, what it belongs to, and the text."""

    path: str
    kind: str  # the pattern in INCIDENT_TEXT_PATHS it matches, e.g. "events/*/text"
    owner: str  # the code of what holds it: a phase, role, question id or kind of change
    text: str


def _strings(value: Any, parts: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], str]]:
    """Every string inside a JSON-like value, with the keys and indexes leading to it."""
    if isinstance(value, str):
        yield parts, value
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*parts, str(index)))
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, (*parts, str(key)))


def incident_texts(incident: Incident) -> Iterator[TextRef]:
    """Every text of the record (empty ones included), in a stable order."""
    yield TextRef("title", "title", "", incident.title)
    yield TextRef("summary", "summary", "", incident.summary)
    for name in ("systems", "models", "tags"):
        for index, value in enumerate(getattr(incident, name)):
            yield TextRef(join_path(name, index), f"{name}/*", "", value)
    for phase, when in incident.milestones.items():
        yield TextRef(
            join_path("milestones", phase.value, "note"),
            "milestones/*/note",
            phase.value,
            when.note,
        )
    for index, event in enumerate(incident.events):
        yield TextRef(
            join_path("events", index, "text"), "events/*/text", event.phase.value, event.text
        )
        yield TextRef(
            join_path("events", index, "note"), "events/*/note", event.phase.value, event.when.note
        )
    for index, role in enumerate(incident.roles):
        for name in ("person", "note"):
            yield TextRef(
                join_path("roles", index, name),
                f"roles/*/{name}",
                role.role.value,
                getattr(role, name),
            )
    for index, team in enumerate(incident.teams):
        for name in ("team", "part"):
            yield TextRef(
                join_path("teams", index, name), f"teams/*/{name}", team.team, getattr(team, name)
            )
    for question_id, answer in incident.answers.items():
        for parts, text in _strings(answer.value):
            yield TextRef(
                join_path("answers", question_id, "value", *parts),
                "answers/*/value/**",
                question_id,
                text,
            )
        yield TextRef(
            join_path("answers", question_id, "reason"),
            "answers/*/reason",
            question_id,
            answer.reason,
        )
    for category, attribution in incident.attributions.items():
        yield TextRef(
            join_path("attributions", category, "evidence"),
            "attributions/*/evidence",
            category,
            attribution.evidence,
        )
    for marker, when in incident.markers.items():
        yield TextRef(
            join_path("markers", marker.value, "note"), "markers/*/note", marker.value, when.note
        )
    for head, names in FROZEN_LISTS.items():
        for index, item in enumerate(getattr(incident, head)):
            for name in names:
                yield TextRef(
                    join_path(head, index, name), f"{head}/*/{name}", "", getattr(item, name)
                )
    for index, factor in enumerate(incident.factors):
        for name in FACTOR_TEXT_FIELDS:
            yield TextRef(
                join_path("factors", index, name),
                f"factors/*/{name}",
                factor.title,
                getattr(factor, name),
            )
        for moment, when in factor.dates.items():
            yield TextRef(
                join_path("factors", index, "dates", moment.value, "note"),
                "factors/*/dates/*/note",
                factor.title,
                when.note,
            )
    for name in ("authors", "reviewers"):
        for index, value in enumerate(getattr(incident, name)):
            yield TextRef(join_path(name, index), f"{name}/*", "", value)
    yield TextRef("external_id", "external_id", "", incident.external_id)


def _holder(incident: Incident, parts: list[str]) -> tuple[Any, Any]:
    """Where the text at `parts` lives: an object and an attribute name, or a list or dict
    and a key. KeyError (or IndexError, ValueError) when there is no such text."""
    head = parts[0]
    if head in ("title", "summary", "external_id") and len(parts) == 1:
        return incident, head
    if head in ("systems", "models", "tags", "authors", "reviewers") and len(parts) == 2:
        return getattr(incident, head), int(parts[1])
    if head == "milestones" and len(parts) == 3 and parts[2] == "note":
        return incident.milestones, Phase(parts[1])
    if head == "markers" and len(parts) == 3 and parts[2] == "note":
        return incident.markers, Marker(parts[1])
    if head in FROZEN_LISTS and len(parts) == 3 and parts[2] in FROZEN_LISTS[head]:
        items = getattr(incident, head)
        index = int(parts[1])
        items[index]  # IndexError when there is no such item
        return _Frozen(items, index), parts[2]
    if head == "factors" and len(parts) == 3 and parts[2] in FACTOR_TEXT_FIELDS:
        return incident.factors[int(parts[1])], parts[2]
    if head == "factors" and len(parts) == 5 and parts[2] == "dates" and parts[4] == "note":
        return incident.factors[int(parts[1])].dates, FactorDate(parts[3])
    if head in ("events", "roles", "teams") and len(parts) == 3:
        item = getattr(incident, head)[int(parts[1])]
        if head == "events" and parts[2] == "note":
            return item, "when.note"
        allowed = {"events": ("text",), "roles": ("person", "note"), "teams": ("team", "part")}
        if parts[2] in allowed[head]:
            return item, parts[2]
    if head == "answers" and len(parts) >= 3:
        answer = incident.answers[parts[1]]
        if parts[2] == "reason" and len(parts) == 3:
            return answer, "reason"
        if parts[2] == "value":
            if len(parts) == 3:
                return answer, "value"
            holder = answer.value
            for part in parts[3:-1]:
                holder = holder[int(part)] if isinstance(holder, list) else holder[part]
            last = parts[-1]
            return holder, int(last) if isinstance(holder, list) else last
    if head == "attributions" and len(parts) == 3 and parts[2] == "evidence":
        return incident.attributions[parts[1]], "evidence"
    raise KeyError("/".join(parts))


@dataclass(frozen=True, slots=True)
class _Frozen:
    """A frozen record in a list: its text is changed by putting a changed copy in its place."""

    items: list[Any]
    index: int


def get_text(incident: Incident, path: str) -> str:
    """The text at `path` in the record; KeyError if there is no such text."""
    holder, key = _holder(incident, split_path(path))
    if isinstance(holder, dict) and isinstance(key, Phase | Marker | FactorDate):
        return holder[key].note
    if isinstance(holder, _Frozen):
        return str(getattr(holder.items[holder.index], key))
    if key == "when.note":
        return holder.when.note
    value = holder[key] if isinstance(holder, (list, dict)) else getattr(holder, key)
    if not isinstance(value, str):
        raise KeyError(path)
    return value


def set_text(incident: Incident, path: str, text: str) -> None:
    """Replace the text at `path` in the record, in place."""
    holder, key = _holder(incident, split_path(path))
    if isinstance(holder, dict) and isinstance(key, Phase | Marker | FactorDate):
        holder[key] = replace(holder[key], note=text)
    elif isinstance(holder, _Frozen):
        holder.items[holder.index] = replace(holder.items[holder.index], **{key: text})
    elif key == "when.note":
        holder.when = replace(holder.when, note=text)
    elif isinstance(holder, (list, dict)):
        holder[key] = text
    else:
        setattr(holder, key, text)


# (path, text) -> the text to keep
Mapper = Callable[[TextRef], str]


def map_incident(incident: Incident, change: Mapper) -> Incident:
    """A copy of the record with every text replaced by what `change` returns for it."""
    out = copy.deepcopy(incident)
    for ref in list(incident_texts(out)):
        new = change(ref)
        if new != ref.text:
            set_text(out, ref.path, new)
    return out


def map_followup(item: FollowUp, change: Callable[[str, str], str]) -> FollowUp:
    """A copy of a follow-up with each text (by field name) replaced by `change`."""
    texts: dict[str, Any] = {
        name: change(name, getattr(item, name)) for name in FOLLOWUP_TEXT_FIELDS
    }
    return replace(item, **texts)


def map_access_details(details: AccessDetails, change: Callable[[str, str], str]) -> AccessDetails:
    """A copy of an access entry's details with every text (by its path inside the entry:
    'notes', 'copies/0/location' ...) replaced by `change`."""
    copies = []
    for index, item in enumerate(details.copies):
        fields: dict[str, Any] = {
            name: change(join_path("copies", index, name), getattr(item, name))
            for name in COPY_TEXT_FIELDS
        }
        copies.append(replace(item, **fields))
    texts: dict[str, Any] = {
        name: change(name, getattr(details, name)) for name in ACCESS_TEXT_FIELDS
    }
    return replace(details, copies=tuple(copies), **texts)


def access_detail_texts(details: AccessDetails) -> Iterator[tuple[str, str]]:
    """(path inside the entry, text) of every text of an access entry's details."""
    for name in ACCESS_TEXT_FIELDS:
        yield name, getattr(details, name)
    for index, item in enumerate(details.copies):
        for name in COPY_TEXT_FIELDS:
            yield join_path("copies", index, name), getattr(item, name)


def map_ethics_answer(answer: EthicsAnswer, change: Callable[[str, str], str]) -> EthicsAnswer:
    """A copy of an ethics answer with each text (by field name) replaced by `change`."""
    texts: dict[str, Any] = {
        name: change(name, getattr(answer, name)) for name in ETHICS_TEXT_FIELDS
    }
    return replace(answer, **texts)
