"""Writing the JSON exchange format: an incident and everything kept with it, as plain data.

Always the newest version (json_values.VERSION); docs/json-format.md describes every field.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from hindsight.core.enums import MILESTONE_KINDS, Marker
from hindsight.core.factors import ContributingFactor, FactorDate
from hindsight.core.followups import FollowUp
from hindsight.core.fuzzy_time import FuzzyTime, Precision
from hindsight.core.impact import ImpactMeasure
from hindsight.core.privacy import AccessDetails, DataAccess, EthicsAnswer
from hindsight.export.json_values import IncidentBundle


def moment_text(moment: datetime) -> str:
    """An instant as ISO 8601 in UTC with a Z, e.g. '2026-03-16T09:12:00Z'."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _optional_moment(moment: datetime | None) -> str | None:
    return moment_text(moment) if moment is not None else None


def _fuzzy_json(when: FuzzyTime) -> dict[str, Any]:
    if when.precision is Precision.DAY:
        # Written as the days themselves; the last day is included.
        return {
            "precision": Precision.DAY.value,
            "earliest": when.first_day.isoformat(),
            "latest": when.last_day.isoformat(),
            "best": when.best_day.isoformat(),
            "confidence": when.confidence.value,
            "note": when.note,
        }
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
        "action_type": item.action_type.value if item.action_type else None,
        "value": item.value,
        "feasibility": item.feasibility,
        "tracker": item.tracker,
        "speeds_troubleshooting": item.speeds_troubleshooting,
        "next_senior_review": item.next_senior_review.isoformat()
        if item.next_senior_review
        else None,
        "history": [
            {"status": s.status.value, "on": s.on.isoformat() if s.on else None}
            for s in item.history
        ],
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
        "markers": {
            marker.value: _fuzzy_json(incident.markers[marker])
            for marker in Marker
            if marker in incident.markers
        },
        "impacts": [_impact_json(m) for m in incident.impacts],
        "factors": [_factor_json(f) for f in incident.factors],
        "references": [
            {"kind": r.kind.value, "target": r.target, "label": r.label, "note": r.note}
            for r in incident.references
        ],
        "authors": list(incident.authors),
        "reviewers": list(incident.reviewers),
        "external_id": incident.external_id,
        "historical": incident.historical,
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
                category: {
                    "verdict": incident.attributions[category].verdict.value,
                    "evidence": incident.attributions[category].evidence,
                }
                for category in sorted(incident.attributions)
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
    if bundle.links:  # absent when none: a file without links stays readable by older readers
        data["links"] = [
            {
                "kind": link.kind.value,
                "side": "source" if link.outgoing else "target",
                "incident": link.key,
                "title": link.title,
                "note": link.note,
            }
            for link in bundle.links
        ]
    if bundle.attachments is not None:
        data["attachments"] = [
            {
                "name": a.name,
                "media_type": a.media_type,
                "caption": a.caption,
                "created_at": _optional_moment(a.created_at),
                "data": base64.b64encode(a.data).decode("ascii"),
            }
            for a in bundle.attachments
        ]
    return data


def _impact_json(measure: ImpactMeasure) -> dict[str, Any]:
    return {
        "measure": measure.measure,
        "low": measure.low,
        "high": measure.high,
        "best": measure.best,
        "unit": measure.unit,
        "slice": measure.slice,
        "source": measure.source,
        "note": measure.note,
    }


def _factor_json(factor: ContributingFactor) -> dict[str, Any]:
    return {
        "title": factor.title,
        "description": factor.description,
        "trigger_kind": factor.trigger_kind,
        "implicated": list(factor.implicated),
        "scope": factor.scope,
        "dates": {
            moment.value: _fuzzy_json(factor.dates[moment])
            for moment in FactorDate
            if moment in factor.dates
        },
    }
