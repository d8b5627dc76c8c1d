"""Every piece of free text of an incident, to scan for personal data and redact in a copy.

One walker visits each text field of an incident (and of its follow-up items) with a stable
path and a label for people, and returns a copy with each text replaced by what the visitor
returns. Scanning visits without changing anything; redacting replaces findings by their
placeholders. The stored record is never touched: exports work on the copy.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields, is_dataclass, replace
from typing import Any

from hindsight.core.followups import FollowUp
from hindsight.core.incident import Incident
from hindsight.core.pii import CustomPattern, Finding, redact_text, scan_text
from hindsight.core.privacy import ACCESS_TEXT_FIELDS
from hindsight.core.review import ReviewTransition
from hindsight.export.json_format import PrivacyRecord

# (path, label for people, text) -> the text to keep
Visitor = Callable[[str, str, str], str]


def _json_texts(value: Any, path: str, where: str, visit: Visitor) -> Any:
    if isinstance(value, str):
        return visit(path, where, value)
    if isinstance(value, list):
        return [_json_texts(v, f"{path}[{i}]", where, visit) for i, v in enumerate(value)]
    if isinstance(value, dict):
        return {k: _json_texts(v, f"{path}.{k}", where, visit) for k, v in value.items()}
    return value


def map_incident_texts(incident: Incident, visit: Visitor) -> Incident:
    """A copy of `incident` whose every free text went through `visit`."""
    out = copy.deepcopy(incident)
    out.title = visit("title", "Title", out.title)
    out.summary = visit("summary", "Summary", out.summary)
    for name in ("systems", "models", "tags"):
        values = getattr(out, name)
        label = name.capitalize()
        setattr(out, name, [visit(f"{name}[{i}]", label, v) for i, v in enumerate(values)])
    for phase, when in list(out.milestones.items()):
        note = visit(f"milestones.{phase.value}.note", f"Milestone {phase.value} note", when.note)
        out.milestones[phase] = when.with_note(note)
    for i, event in enumerate(out.events):
        where = f"Timeline entry {i + 1}"
        event.text = visit(f"events[{i}].text", where, event.text)
        event.when = event.when.with_note(visit(f"events[{i}].note", where, event.when.note))
    for i, role in enumerate(out.roles):
        where = f"Role {role.role.value}"
        role.person = visit(f"roles[{i}].person", where, role.person)
        role.note = visit(f"roles[{i}].note", where, role.note)
    for i, team in enumerate(out.teams):
        team.team = visit(f"teams[{i}].team", "Teams", team.team)
        team.part = visit(f"teams[{i}].part", f"Team {team.team}", team.part)
    for qid, answer in out.answers.items():
        where = f"Answer to {qid}"
        answer.value = _json_texts(answer.value, f"answers.{qid}.value", where, visit)
        answer.reason = visit(f"answers.{qid}.reason", where, answer.reason)
    for category, attribution in out.attributions.items():
        attribution.evidence = visit(
            f"attributions.{category.value}.evidence",
            f"Change attribution {category.value}",
            attribution.evidence,
        )
    return out


def map_followup_texts(item: FollowUp, index: int, visit: Visitor) -> FollowUp:
    """A copy of follow-up `item` whose every free text went through `visit`."""
    where = f"Follow-up “{item.title}”"
    path = f"followups[{index}]"
    return replace(
        item,
        title=visit(f"{path}.title", where, item.title),
        description=visit(f"{path}.description", where, item.description),
        owner=visit(f"{path}.owner", where, item.owner),
        tracker_url=visit(f"{path}.tracker_url", where, item.tracker_url),
    )


def map_transition_texts(
    transitions: Sequence[ReviewTransition], visit: Visitor
) -> list[ReviewTransition]:
    """Copies of review transitions whose reasons went through `visit`."""
    return [
        replace(t, reason=visit(f"review.transitions[{i}].reason", "Review history", t.reason))
        for i, t in enumerate(transitions)
    ]


def map_privacy_texts(record: PrivacyRecord, visit: Visitor) -> PrivacyRecord:
    """A copy of a privacy record whose every free text (in every revision) went through
    `visit`."""
    accesses = []
    for access in record.accesses:
        revisions = []
        for revision in access.revisions:
            where = f"{access.label}, revision {revision.number}"
            path = f"privacy.accesses[{access.number}].revisions[{revision.number}]"
            details = revision.details
            changes: dict[str, Any] = {
                name: visit(f"{path}.{name}", where, getattr(details, name))
                for name in ACCESS_TEXT_FIELDS
            }
            copies = tuple(
                replace(
                    c,
                    location=visit(f"{path}.copies[{i}].location", where, c.location),
                    deleted_by=visit(f"{path}.copies[{i}].deleted_by", where, c.deleted_by),
                )
                for i, c in enumerate(details.copies)
            )
            revisions.append(
                replace(
                    revision,
                    recorded_by=visit(f"{path}.recorded_by", where, revision.recorded_by),
                    reason=visit(f"{path}.reason", where, revision.reason),
                    details=replace(details, copies=copies, **changes),
                )
            )
        accesses.append(replace(access, revisions=tuple(revisions)))
    ethics = {
        item_id: replace(
            answer,
            note=visit(f"privacy.ethics.{item_id}.note", "Ethics checklist", answer.note),
            answered_by=visit(
                f"privacy.ethics.{item_id}.answered_by", "Ethics checklist", answer.answered_by
            ),
        )
        for item_id, answer in record.ethics.items()
    }
    return PrivacyRecord(accesses, ethics)


def map_view_texts(view: Any, visit: Visitor, path: str = "privacy") -> Any:
    """A copy of a frozen view (e.g. PrivacyView) with every string inside through `visit`."""
    if isinstance(view, str):
        return visit(path, "Privacy and ethics", view)
    if isinstance(view, tuple):
        return tuple(map_view_texts(v, visit, f"{path}[{i}]") for i, v in enumerate(view))
    if is_dataclass(view) and not isinstance(view, type):
        changes = {
            f.name: map_view_texts(getattr(view, f.name), visit, f"{path}.{f.name}")
            for f in fields(view)
        }
        return replace(view, **changes)
    return view


class Redactor:
    """A visitor that records what the PII scan finds and, when asked, redacts it."""

    def __init__(self, patterns: Sequence[CustomPattern] = (), *, redact: bool = False) -> None:
        self.patterns = patterns
        self.redact = redact
        self.findings: list[Finding] = []

    def __call__(self, path: str, where: str, text: str) -> str:
        if not text:
            return text
        hits = scan_text(text, self.patterns)
        if not hits:
            return text
        self.findings.extend(hit.located(path, where) for hit in hits)
        return redact_text(text, hits) if self.redact else text

    @property
    def count(self) -> int:
        """How many pieces of personal data were found (and redacted, when redacting)."""
        return len(self.findings)


@dataclass
class Scan:
    """Findings of a scan, and the record copies with every finding redacted."""

    findings: list[Finding]
    incident: Incident
    followups: list[FollowUp]

    @property
    def count(self) -> int:
        """How many pieces of personal data were found."""
        return len(self.findings)


def scan_incident(
    incident: Incident,
    followups: Iterable[FollowUp] = (),
    patterns: Sequence[CustomPattern] = (),
) -> Scan:
    """Scan every text of `incident` and its follow-ups; the copies come back redacted."""
    redactor = Redactor(patterns, redact=True)
    redacted = map_incident_texts(incident, redactor)
    items = [map_followup_texts(item, i, redactor) for i, item in enumerate(followups)]
    return Scan(redactor.findings, redacted, items)


def summarise(findings: Iterable[Finding]) -> str:
    """'2 × E-mail address, 1 × IP address' style counts by kind."""
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding.label] = counts.get(finding.label, 0) + 1
    return ", ".join(f"{n} × {label}" for label, n in counts.items())
