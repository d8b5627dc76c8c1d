"""The demo incidents' follow-up items, read from resources/demo/followups.toml."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any

from hindsight.core.followups import FollowUp, FollowUpKind, FollowUpStatus, Priority, StatusStep
from hindsight.core.incident import Incident
from hindsight.paths import resources_dir
from hindsight.services.workspace import Workspace


def followups_file() -> Path:
    """The bundled demo follow-ups."""
    return resources_dir() / "demo" / "followups.toml"


def _item(entry: dict[str, Any], incidents: list[Incident]) -> FollowUp:
    incident = incidents[entry["incident"] - 1]
    assert incident.id is not None
    steps = [StatusStep(FollowUpStatus(status), on) for status, on in entry["steps"]]
    # The demo dates every step.
    opened, last = steps[0].on, steps[-1].on
    assert opened is not None and last is not None
    return FollowUp(
        title=entry["title"],
        incident_id=incident.id,
        incident_key=incident.key,
        description=entry.get("description", ""),
        owner=entry.get("owner", ""),
        due=entry.get("due"),
        history=steps,
        priority=Priority(entry["priority"]),
        kind=FollowUpKind(entry["kind"]),
        value=entry["value"],
        feasibility=entry["feasibility"],
        tracker=entry.get("tracker", ""),
        speeds_troubleshooting=entry.get("speeds_troubleshooting", False),
        next_senior_review=entry.get("next_senior_review"),
        # Recorded in the afternoon of the day they were opened, last touched when they moved.
        created_at=datetime.combine(opened, time(15, 0), UTC),
        updated_at=datetime.combine(last, time(15, 0), UTC),
    )


def load_demo_followups(incidents: list[Incident], path: Path | None = None) -> list[FollowUp]:
    """The demo items for the stored demo incidents (in file order), not yet stored.

    Items of incidents beyond those given are left out, so a partial demo stays consistent.
    """
    with (path or followups_file()).open("rb") as handle:
        data = tomllib.load(handle)
    return [
        _item(entry, incidents)
        for entry in data["followup"]
        if 1 <= entry["incident"] <= len(incidents)
    ]


def add_followups_demo(workspace: Workspace, incidents: list[Incident]) -> None:
    """Add the demo follow-up items to the stored demo incidents."""
    workspace.followups.create_many(load_demo_followups(incidents))
