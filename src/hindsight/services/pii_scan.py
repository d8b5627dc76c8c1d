"""The PII scan over everything an incident says, and the team's own PII patterns.

The scanner itself is hindsight.core.pii (pure text in, findings out). Here it is pointed at
every text an incident has, each under a stable path ("summary", "events/3/text",
"answers/impact.cost/value", "accesses/7/notes" ...) so a finding can be jumped to and
redacted where it lives. Custom patterns are kept in preferences.json, section "privacy".
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from hindsight.core.enums import Phase
from hindsight.core.incident import Incident
from hindsight.core.pii import (
    CustomPattern,
    Finding,
    PatternError,
    compile_pattern,
    compile_patterns,
    redact_text,
    scan_text,
)
from hindsight.core.privacy import (
    ACCESS_TEXT_FIELDS,
    FIELD_LABELS,
    DataAccess,
    EthicsAnswer,
    EthicsChecklist,
)
from hindsight.core.review import ChangeCategory
from hindsight.preferences import load_section, save_section
from hindsight.vocabulary import vocabulary

log = logging.getLogger(__name__)
PREFERENCES = "privacy"


# -- the team's own patterns ------------------------------------------------------------------


def pattern_specs() -> list[tuple[str, str]]:
    """The team's custom PII patterns as stored: (name, regular expression) pairs."""
    stored = load_section(PREFERENCES).get("patterns", [])
    specs = []
    for entry in stored if isinstance(stored, list) else []:
        if isinstance(entry, dict):
            specs.append((str(entry.get("name", "")), str(entry.get("regex", ""))))
    return specs


def custom_patterns() -> tuple[list[CustomPattern], list[str]]:
    """The usable custom patterns, and a message for each stored one that is not usable.

    A pattern broken by hand-editing the preferences file is left out of scans rather than
    stopping them; the settings dialog shows why.
    """
    patterns: list[CustomPattern] = []
    problems: list[str] = []
    for name, regex in pattern_specs():
        try:
            patterns.append(compile_pattern(name, regex))
        except PatternError as error:
            log.warning("ignoring custom PII pattern: %s", error)
            problems.append(str(error))
    return patterns, problems


def save_pattern_specs(specs: list[tuple[str, str]]) -> list[CustomPattern]:
    """Check and store the team's custom patterns; PatternError (and nothing saved) if one
    is unusable."""
    cleaned = [(name.strip(), regex) for name, regex in specs]
    compiled = compile_patterns(cleaned)
    section = load_section(PREFERENCES)
    section["patterns"] = [{"name": name, "regex": regex} for name, regex in cleaned]
    save_section(PREFERENCES, section)
    return compiled


# -- the PII scan over everything an incident says --------------------------------------------


@dataclass(frozen=True, slots=True)
class TextField:
    """One piece of an incident's text: a stable path, a label for people, and the text."""

    path: str
    where: str
    text: str


def join_path(*parts: object) -> str:
    """A field path from its parts; '/' and '~' inside a part are escaped as in JSON Pointer."""
    return "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def split_path(path: str) -> list[str]:
    """The parts of a field path made by join_path."""
    return [p.replace("~1", "/").replace("~0", "~") for p in path.split("/")]


def _stamp(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def _strings(value: Any, parts: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], str]]:
    """Every string inside a JSON-like value, with the keys and indexes leading to it."""
    if isinstance(value, str):
        return [(parts, value)]
    if isinstance(value, list):
        return [found for i, v in enumerate(value) for found in _strings(v, (*parts, str(i)))]
    if isinstance(value, dict):
        return [found for k, v in value.items() for found in _strings(v, (*parts, str(k)))]
    return []


def incident_text_fields(
    incident: Incident, prompts: Mapping[str, str] | None = None
) -> list[TextField]:
    """Every non-empty text the incident record holds; `prompts` names review questions."""
    words = vocabulary()
    fields = [
        TextField("title", "Overview · Title", incident.title),
        TextField("summary", "Overview · Summary", incident.summary),
    ]
    for name, label in (("systems", "Systems"), ("models", "Models"), ("tags", "Tags")):
        for index, value in enumerate(getattr(incident, name)):
            fields.append(TextField(f"{name}/{index}", f"Overview · {label}", value))
    for phase, when in incident.milestones.items():
        label = words.milestone_labels[phase]
        fields.append(
            TextField(f"milestones/{phase.value}/note", f"Milestones · {label}", when.note)
        )
    for index, event in enumerate(incident.events):
        stamp = _stamp(event.when.best)
        fields.append(TextField(f"events/{index}/text", f"Timeline · {stamp}", event.text))
        fields.append(
            TextField(f"events/{index}/note", f"Timeline · {stamp} · time note", event.when.note)
        )
    for index, role in enumerate(incident.roles):
        label = words.role_labels[role.role]
        fields.append(TextField(f"roles/{index}/person", f"Roles · {label}", role.person))
        fields.append(TextField(f"roles/{index}/note", f"Roles · {label} · note", role.note))
    for index, team in enumerate(incident.teams):
        fields.append(TextField(f"teams/{index}/team", "Teams", team.team))
        fields.append(TextField(f"teams/{index}/part", f"Teams · {team.team}", team.part))
    for question_id, answer in incident.answers.items():
        title = (prompts or {}).get(question_id, question_id)
        for parts, text in _strings(answer.value):
            path = join_path("answers", question_id, "value", *parts)
            fields.append(TextField(path, f"Review · {title}", text))
        path = join_path("answers", question_id, "reason")
        fields.append(TextField(path, f"Review · {title} · reason", answer.reason))
    labels = getattr(words, "change_labels", {})
    for category, attribution in incident.attributions.items():
        label = labels.get(category, category.value.replace("_", " ").capitalize())
        fields.append(
            TextField(
                f"attributions/{category.value}/evidence",
                f"Change attribution · {label}",
                attribution.evidence,
            )
        )
    return [f for f in fields if f.text.strip()]


def access_text_fields(accesses: Iterable[DataAccess]) -> list[TextField]:
    """The current text of each data-access entry (the history is not rewritten)."""
    fields = []
    for access in accesses:
        details = access.details
        for name in ACCESS_TEXT_FIELDS:
            label = FIELD_LABELS[name].lower()
            fields.append(
                TextField(
                    f"accesses/{access.id}/{name}",
                    f"{access.label} · {label}",
                    getattr(details, name),
                )
            )
        for index, copy in enumerate(details.copies):
            where = f"{access.label} · copy {index + 1}"
            fields.append(
                TextField(f"accesses/{access.id}/copies/{index}/location", where, copy.location)
            )
    return [f for f in fields if f.text.strip()]


def ethics_text_fields(
    answers: Mapping[str, EthicsAnswer], checklist: EthicsChecklist
) -> list[TextField]:
    """The notes of the ethics checklist answers."""
    titles = {item.id: part.title for part in checklist.parts for item in part.items}
    return [
        TextField(
            join_path("ethics", item_id, "note"),
            f"Ethics checklist · {titles.get(item_id, item_id)}",
            answer.note,
        )
        for item_id, answer in answers.items()
        if answer.note.strip()
    ]


def followup_text_fields(workspace: Any, incident_id: int) -> list[TextField]:
    """The title and description of the incident's follow-up items, when follow-ups exist."""
    service = getattr(workspace, "followups", None)
    items = getattr(service, "items", None)
    if items is None:
        return []
    fields = []
    for item in items(incident_id):
        title = str(getattr(item, "title", ""))
        for name in ("title", "description"):
            text = getattr(item, name, None)
            if isinstance(text, str) and text.strip():
                where = f"Follow-up · {title}" + (" · description" if name == "description" else "")
                fields.append(TextField(f"followups/{item.id}/{name}", where, text))
    return fields


def scan_fields(
    fields: Iterable[TextField], patterns: Sequence[CustomPattern] = ()
) -> list[Finding]:
    """Scan each field; findings carry the field's path and label."""
    return [
        finding.located(field.path, field.where)
        for field in fields
        for finding in scan_text(field.text, patterns)
    ]


def question_prompts(workspace: Any) -> dict[str, str]:
    """The review questions' prompts by id, for labelling findings in answers."""
    bank = getattr(getattr(workspace, "review", None), "bank", None)
    questions = getattr(bank, "questions", None) or []
    return {q.id: q.prompt for q in questions}


def scan_incident(
    workspace: Any, incident: Incident, patterns: Sequence[CustomPattern] | None = None
) -> list[Finding]:
    """Every piece of personal data in all of an incident's text.

    Covers the record itself (overview, milestones, timeline, roles, teams, review answers,
    change attribution), its follow-ups, its data-access log (current versions) and the notes
    of its ethics checklist. Without `patterns`, the team's custom patterns from the
    preferences are used.
    """
    if patterns is None:
        patterns, _ = custom_patterns()
    fields = incident_text_fields(incident, question_prompts(workspace))
    if incident.id is not None:
        privacy = getattr(workspace, "privacy", None)
        if privacy is not None:
            fields += access_text_fields(privacy.accesses(incident.id))
            fields += ethics_text_fields(privacy.ethics_answers(incident.id), privacy.checklist)
        fields += followup_text_fields(workspace, incident.id)
    return scan_fields(fields, patterns)


# -- redaction --------------------------------------------------------------------------------


def _relocate(text: str, finding: Finding, patterns: Sequence[CustomPattern]) -> Finding | None:
    """The finding in `text` as it is now (it may have moved since the scan), or None."""
    if text[finding.start : finding.end] == finding.text:
        return finding
    fresh = [
        f
        for f in scan_text(text, patterns)
        if f.text == finding.text and f.placeholder == finding.placeholder
    ]
    return min(fresh, key=lambda f: abs(f.start - finding.start)) if fresh else None


def redact_field_text(
    text: str, findings: Iterable[Finding], patterns: Sequence[CustomPattern] = ()
) -> tuple[str, int]:
    """`text` with the findings replaced by placeholders, and how many were still there."""
    located: dict[int, Finding] = {}
    for finding in findings:
        found = _relocate(text, finding, patterns)
        if found is not None:
            located[found.start] = found
    return redact_text(text, located.values()), len(located)


def _container_and_key(incident: Incident, path: str) -> tuple[Any, Any]:
    """Where the text at `path` lives: an object and an attribute name, or a list/dict and a
    key. KeyError when the path does not lead to a text of the incident."""
    parts = split_path(path)
    head = parts[0]
    if head in ("title", "summary") and len(parts) == 1:
        return incident, head
    if head in ("systems", "models", "tags") and len(parts) == 2:
        return getattr(incident, head), int(parts[1])
    if head == "milestones" and len(parts) == 3 and parts[2] == "note":
        return incident.milestones, Phase(parts[1])
    if head in ("events", "roles", "teams") and len(parts) == 3:
        item = getattr(incident, head)[int(parts[1])]
        if head == "events" and parts[2] == "note":
            return item, "when.note"
        if parts[2] in ("text", "person", "note", "team", "part"):
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
        return incident.attributions[ChangeCategory(parts[1])], "evidence"
    raise KeyError(path)


def incident_text(incident: Incident, path: str) -> str:
    """The text at `path` in the incident record; KeyError if there is no such text."""
    holder, key = _container_and_key(incident, path)
    if isinstance(holder, dict) and isinstance(key, Phase):
        return holder[key].note
    if key == "when.note":
        return holder.when.note
    value = holder[key] if isinstance(holder, (list, dict)) else getattr(holder, key)
    if not isinstance(value, str):
        raise KeyError(path)
    return value


def set_incident_text(incident: Incident, path: str, text: str) -> None:
    """Replace the text at `path` in the incident record (the caller makes it undoable)."""
    holder, key = _container_and_key(incident, path)
    if isinstance(holder, dict) and isinstance(key, Phase):
        holder[key] = replace(holder[key], note=text)
    elif key == "when.note":
        holder.when = replace(holder.when, note=text)
    elif isinstance(holder, (list, dict)):
        holder[key] = text
    else:
        setattr(holder, key, text)


def redact_incident(
    incident: Incident, findings: Iterable[Finding], patterns: Sequence[CustomPattern] = ()
) -> int:
    """Redact findings in the incident record itself, in place; returns how many were."""
    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        by_path.setdefault(finding.field, []).append(finding)
    redacted = 0
    for path, found in by_path.items():
        try:
            text = incident_text(incident, path)
        except (KeyError, IndexError, ValueError):
            continue  # the text is gone since the scan
        new_text, count = redact_field_text(text, found, patterns)
        if count:
            set_incident_text(incident, path, new_text)
            redacted += count
    return redacted


def redact_followup(
    workspace: Any,
    item_id: int,
    findings: Iterable[Finding],
    patterns: Sequence[CustomPattern] = (),
) -> int:
    """Redact findings in a follow-up item's title and description; returns how many were.

    ConflictError if the item was saved elsewhere since it was read.
    """
    service = workspace.followups
    item = service.get(item_id)
    changes: dict[str, str] = {}
    redacted = 0
    for finding in findings:
        parts = split_path(finding.field)
        if parts[:2] != ["followups", str(item_id)] or len(parts) != 3:
            continue
        name = parts[2]
        if name not in ("title", "description"):
            continue
        current = changes.get(name, getattr(item, name))
        text, count = redact_field_text(current, [finding], patterns)
        changes[name] = text
        redacted += count
    if redacted:
        service.save(replace(item, **changes))
    return redacted
