"""Every piece of free text of an incident, to scan for personal data and redact in a copy.

The texts and their paths come from the one registry (core/text_fields.py); here each is
visited with a label for people, and a copy comes back with each text replaced by what the
visitor returns. Scanning visits without changing anything; redacting replaces findings by their
placeholders. The stored record is never touched: exports work on the copy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields, is_dataclass, replace
from typing import Any

from hindsight.core.attachments import Attachment
from hindsight.core.bidi import close_bidi
from hindsight.core.followups import FollowUp
from hindsight.core.incident import Incident
from hindsight.core.pii import CustomPattern, Finding, redact_text, scan_text
from hindsight.core.review import ReviewTransition
from hindsight.core.text_fields import (
    TextRef,
    join_path,
    map_access_details,
    map_ethics_answer,
    map_followup,
    map_incident,
    split_path,
)
from hindsight.export.errors import RedactionIncomplete
from hindsight.export.json_format import PrivacyRecord

# (path, label for people, text) -> the text to keep
Visitor = Callable[[str, str, str], str]


def map_incident_texts(incident: Incident, visit: Visitor) -> Incident:
    """A copy of `incident` whose every free text (core/text_fields.py) went through `visit`."""
    return map_incident(incident, lambda ref: visit(ref.path, _where(ref), ref.text))


def _where(ref: TextRef) -> str:
    kind = ref.kind.split("/")[0]
    if kind == "events":
        return f"Timeline entry {int(split_path(ref.path)[1]) + 1}"
    labels = {
        "title": "Title",
        "summary": "Summary",
        "systems": "Systems",
        "models": "Models",
        "tags": "Tags",
        "milestones": f"Milestone {ref.owner} note",
        "roles": f"Role {ref.owner}",
        "teams": f"Team {ref.owner}" if ref.kind.endswith("part") else "Teams",
        "answers": f"Answer to {ref.owner}",
        "attributions": f"Change attribution {ref.owner}",
        "markers": f"Milestone {ref.owner} note",
        "impacts": "Impact measures",
        "factors": f"Contributing factor “{ref.owner}”",
        "references": "Links",
        "authors": "Authors",
        "reviewers": "Reviewers",
        "external_id": "External incident number",
    }
    return labels.get(kind, ref.path)


def map_followup_texts(item: FollowUp, index: int, visit: Visitor) -> FollowUp:
    """A copy of follow-up `item` whose every free text went through `visit`."""
    where = f"Follow-up “{item.title}”"
    return map_followup(
        item, lambda name, text: visit(join_path("followups", index, name), where, text)
    )


def map_attachment_texts(attachments: Sequence[Attachment], visit: Visitor) -> list[Attachment]:
    """Copies of attached pictures whose captions went through `visit` (pixels are kept)."""
    return [
        replace(
            item,
            caption=visit(
                join_path("attachments", i, "caption"), f"Picture {item.name}", item.caption
            ),
        )
        for i, item in enumerate(attachments)
    ]


def map_transition_texts(
    transitions: Sequence[ReviewTransition], visit: Visitor
) -> list[ReviewTransition]:
    """Copies of review transitions whose reasons went through `visit`."""
    return [
        replace(
            t,
            reason=visit(
                join_path("review", "transitions", i, "reason"), "Review history", t.reason
            ),
        )
        for i, t in enumerate(transitions)
    ]


def _prefixed(visit: Visitor, path: str, where: str) -> Callable[[str, str], str]:
    """`visit` for texts whose paths continue `path`."""
    return lambda name, text: visit(f"{path}/{name}", where, text)


def map_privacy_texts(record: PrivacyRecord, visit: Visitor) -> PrivacyRecord:
    """A copy of a privacy record whose every free text (in every revision) went through
    `visit`."""
    accesses = []
    for access in record.accesses:
        revisions = []
        for revision in access.revisions:
            where = f"{access.label}, revision {revision.number}"
            path = join_path("privacy", "accesses", access.number, "revisions", revision.number)
            details = map_access_details(revision.details, _prefixed(visit, path, where))
            revisions.append(
                replace(
                    revision,
                    recorded_by=visit(f"{path}/recorded_by", where, revision.recorded_by),
                    reason=visit(f"{path}/reason", where, revision.reason),
                    details=details,
                )
            )
        accesses.append(replace(access, revisions=tuple(revisions)))
    ethics = {
        item_id: map_ethics_answer(
            answer,
            _prefixed(visit, join_path("privacy", "ethics", item_id), "Ethics checklist"),
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

    def __init__(
        self,
        patterns: Sequence[CustomPattern] = (),
        *,
        redact: bool = False,
        for_reading: bool = False,
    ) -> None:
        self.patterns = patterns
        self.redact = redact
        # For a document people read (not for data, nor for writing back): each text's
        # right-to-left overrides and embeddings end with its lines (close_bidi).
        self.for_reading = for_reading
        self.findings: list[Finding] = []

    def __call__(self, path: str, where: str, text: str) -> str:
        if not text:
            return text
        hits = scan_text(text, self.patterns)
        if self.redact and hits.stopped:
            # Matches after the stop would stay in the redacted copy: none is made.
            raise RedactionIncomplete(hits.stopped[0].name, where or path)
        if hits:
            self.findings.extend(hit.located(path, where) for hit in hits)
            if self.redact:
                text = redact_text(text, hits)
        return close_bidi(text) if self.for_reading else text

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
