"""Demo privacy records: data accesses with their amendments, and ethics checklists.

Read from resources/demo/privacy.toml and written through the privacy service, so the demo
passes the same validation as anything a user records.
"""

from __future__ import annotations

import tomllib
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from hindsight.core.incident import Incident
from hindsight.core.privacy import AccessDetails, DataCategory, DataCopy, EthicsChoice, VolumeUnit
from hindsight.paths import resources_dir
from hindsight.services.workspace import Workspace

# The fields an [[access]] or an [[access.amendment]] may set, beside its copies.
DETAIL_KEYS = (
    "accessor",
    "accessed_at",
    "dataset",
    "categories",
    "volume",
    "volume_unit",
    "justification",
    "approver",
    "privacy_consulted",
    "privacy_contact",
    "notes",
)


def privacy_demo_file() -> Path:
    """The bundled demo privacy records."""
    return resources_dir() / "demo" / "privacy.toml"


def _copy(entry: dict[str, Any]) -> DataCopy:
    deleted_at = entry.get("deleted_at")
    return DataCopy(
        location=entry["location"],
        delete_by=date.fromisoformat(entry["delete_by"]) if entry.get("delete_by") else None,
        deleted_at=datetime.fromisoformat(deleted_at) if deleted_at else None,
        deleted_by=entry.get("deleted_by", ""),
    )


def _values(entry: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key in DETAIL_KEYS:
        if key not in entry:
            continue
        value = entry[key]
        if key == "accessed_at":
            value = datetime.fromisoformat(value)
        elif key == "categories":
            value = tuple(DataCategory(c) for c in value)
        elif key == "volume_unit":
            value = VolumeUnit(value)
        values[key] = value
    if "copy" in entry:
        values["copies"] = tuple(_copy(c) for c in entry["copy"])
    return values


def add_privacy_demo(workspace: Workspace, incidents: list[Incident]) -> None:
    """Record the demo data accesses and ethics answers of the demo incidents."""
    with privacy_demo_file().open("rb") as handle:
        data = tomllib.load(handle)
    privacy = workspace.privacy
    for entry in data.get("access", []):
        incident_id = incidents[entry["incident"] - 1].id
        assert incident_id is not None
        details = AccessDetails(**_values(entry))
        access = privacy.record_access(
            incident_id,
            details,
            entry["recorded_by"],
            recorded_at=datetime.fromisoformat(entry["recorded_at"]),
        )
        for amendment in entry.get("amendment", []):
            details = replace(access.details, **_values(amendment))
            access = privacy.amend_access(
                access.id,
                details,
                amendment["recorded_by"],
                amendment["reason"],
                access.current.number,
                recorded_at=datetime.fromisoformat(amendment["recorded_at"]),
            )
    for entry in data.get("ethics", []):
        incident_id = incidents[entry["incident"] - 1].id
        assert incident_id is not None
        for item_id, (choice, note) in entry.get("answers", {}).items():
            privacy.answer_ethics(
                incident_id, item_id, EthicsChoice(choice), note, entry["answered_by"], 0
            )
