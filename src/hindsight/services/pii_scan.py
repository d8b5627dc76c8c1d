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
from typing import TYPE_CHECKING, Any

from hindsight.core.enums import Marker, Phase, Role
from hindsight.core.incident import Incident
from hindsight.core.pii import (
    CustomPattern,
    Finding,
    PatternError,
    ScanResult,
    check_patterns,
    compile_pattern,
    redact_text,
    scan_text,
)
from hindsight.core.privacy import (
    FIELD_LABELS,
    DataAccess,
    EthicsAnswer,
    EthicsChecklist,
)
from hindsight.core.text_fields import (
    ETHICS_TEXT_FIELDS,
    FOLLOWUP_TEXT_FIELDS,
    TextRef,
    access_detail_texts,
    get_text,
    incident_texts,
    join_path,
    set_text,
    split_path,
)
from hindsight.preferences import load_section, save_section
from hindsight.vocabulary import vocabulary

if TYPE_CHECKING:
    from hindsight.services.workspace import Workspace

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
    is unusable, or so slow on a probe text that it would be stopped in every scan."""
    cleaned = [(name.strip(), regex) for name, regex in specs]
    compiled = check_patterns(cleaned)
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


def _stamp(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def _label(incident: Incident, ref: TextRef, prompts: Mapping[str, str]) -> str:
    words = vocabulary()
    kind = ref.kind
    parts = split_path(ref.path)
    if kind in ("title", "summary"):
        return f"Overview · {kind.capitalize()}"
    if kind in ("systems/*", "models/*", "tags/*"):
        return f"Overview · {parts[0].capitalize()}"
    if kind == "milestones/*/note":
        return f"Milestones · {words.milestone_labels[Phase(ref.owner)]}"
    if kind.startswith("events/"):
        stamp = _stamp(incident.events[int(parts[1])].when.best)
        return f"Timeline · {stamp}" + (" · time note" if kind.endswith("note") else "")
    if kind.startswith("roles/"):
        label = words.role_labels[Role(ref.owner)]
        return f"Roles · {label}" + (" · note" if kind.endswith("note") else "")
    if kind == "teams/*/team":
        return "Teams"
    if kind == "teams/*/part":
        return f"Teams · {ref.owner}"
    if kind.startswith("answers/"):
        title = prompts.get(ref.owner, ref.owner)
        return f"Review · {title}" + (" · reason" if kind.endswith("reason") else "")
    if kind == "markers/*/note":
        return f"Milestones · {words.marker_labels[Marker(ref.owner)]}"
    if kind.startswith("impacts/"):
        return f"Impact · measure {int(parts[1]) + 1} · {parts[2]}"
    if kind.startswith("factors/"):
        return f"Contributing factors · {ref.owner or int(parts[1]) + 1}" + (
            " · date note" if kind.endswith("note") else f" · {parts[2]}"
        )
    if kind.startswith("references/"):
        return f"Links · {int(parts[1]) + 1} · {parts[2]}"
    if kind in ("authors/*", "reviewers/*", "external_id"):
        return f"Overview · {parts[0].replace('_', ' ').capitalize()}"
    return f"Change attribution · {words.change_label(ref.owner)}"


def incident_text_fields(
    incident: Incident, prompts: Mapping[str, str] | None = None
) -> list[TextField]:
    """Every non-empty text the incident record holds; `prompts` names review questions."""
    return [
        TextField(ref.path, _label(incident, ref, prompts or {}), ref.text)
        for ref in incident_texts(incident)
        if ref.text.strip()
    ]


def access_text_fields(accesses: Iterable[DataAccess]) -> list[TextField]:
    """The current text of each data-access entry (the history is not rewritten)."""
    fields = []
    for access in accesses:
        for path, text in access_detail_texts(access.details):
            parts = split_path(path)
            if parts[0] == "copies":
                where = f"{access.label} · copy {int(parts[1]) + 1}"
            else:
                where = f"{access.label} · {FIELD_LABELS[path].lower()}"
            fields.append(TextField(join_path("accesses", access.id) + "/" + path, where, text))
    return [f for f in fields if f.text.strip()]


def ethics_text_fields(
    answers: Mapping[str, EthicsAnswer], checklist: EthicsChecklist
) -> list[TextField]:
    """The notes of the ethics checklist answers."""
    titles = {item.id: part.title for part in checklist.parts for item in part.items}
    return [
        TextField(
            join_path("ethics", item_id, name),
            f"Ethics checklist · {titles.get(item_id, item_id)}",
            getattr(answer, name),
        )
        for item_id, answer in answers.items()
        for name in ETHICS_TEXT_FIELDS
        if name == "note" and getattr(answer, name).strip()
    ]


def followup_text_fields(workspace: Workspace, incident_id: int) -> list[TextField]:
    """The texts of the incident's follow-up items (title, description, owner, link)."""
    fields = []
    for item in workspace.followups.items(incident_id):
        for name in FOLLOWUP_TEXT_FIELDS:
            text = getattr(item, name)
            if text.strip():
                where = f"Follow-up · {item.title}" + ("" if name == "title" else f" · {name}")
                fields.append(TextField(join_path("followups", item.id, name), where, text))
    return fields


def scan_fields(fields: Iterable[TextField], patterns: Sequence[CustomPattern] = ()) -> ScanResult:
    """Scan each field; findings carry the field's path and label.

    A custom pattern stopped at the time limit in one field is reported once, with that
    field, and not tried on the fields after it: one scan then costs at most the limit per
    such pattern, however many texts the incident has.
    """
    result = ScanResult()
    active = list(patterns)
    for field in fields:
        scanned = scan_text(field.text, active)
        result.extend(finding.located(field.path, field.where) for finding in scanned)
        if scanned.stopped:
            result.stopped += tuple(s.located(field.path, field.where) for s in scanned.stopped)
            names = {s.name for s in scanned.stopped}
            active = [custom for custom in active if custom.name not in names]
    return result


def question_prompts(workspace: Any) -> dict[str, str]:
    """The review questions' prompts by id, for labelling findings in answers."""
    bank = getattr(getattr(workspace, "review", None), "bank", None)
    questions = getattr(bank, "questions", None) or []
    return {q.id: q.prompt for q in questions}


def scan_incident(
    workspace: Any, incident: Incident, patterns: Sequence[CustomPattern] | None = None
) -> ScanResult:
    """Every piece of personal data in all of an incident's text.

    Covers the record itself (overview, milestones, timeline, roles, teams, review answers,
    change attribution), its follow-ups, its data-access log (current versions) and the notes
    of its ethics checklist. Without `patterns`, the team's custom patterns from the
    preferences are used. The result's `stopped` lists the custom patterns stopped at the
    time limit (see `scan_fields`).
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


def incident_text(incident: Incident, path: str) -> str:
    """The text at `path` in the incident record; KeyError if there is no such text."""
    return get_text(incident, path)


def set_incident_text(incident: Incident, path: str, text: str) -> None:
    """Replace the text at `path` in the incident record (the caller makes it undoable)."""
    set_text(incident, path, text)


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
        if name not in FOLLOWUP_TEXT_FIELDS:
            continue
        current = changes.get(name, getattr(item, name))
        text, count = redact_field_text(current, [finding], patterns)
        changes[name] = text
        redacted += count
    if redacted:
        service.save(replace(item, **changes))
    return redacted
