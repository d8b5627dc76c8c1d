"""The demo database: the three reference incidents, read from resources/demo/."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from hindsight.core.enums import Confidence, EventSource, Marker, Phase, Role, Severity
from hindsight.core.factors import ContributingFactor, FactorDate
from hindsight.core.fuzzy_time import FuzzyTime
from hindsight.core.impact import ImpactMeasure
from hindsight.core.incident import Incident, RoleAssignment, TeamInvolvement, TimelineEvent
from hindsight.core.references import Reference, ReferenceKind
from hindsight.export.atomic import reason
from hindsight.paths import resources_dir
from hindsight.services.errors import StoreError, ValidationError
from hindsight.services.followups_demo import add_followups_demo
from hindsight.services.privacy_demo import add_privacy_demo
from hindsight.services.workspace import Workspace


def demo_file() -> Path:
    """The bundled demo incidents."""
    return resources_dir() / "demo" / "incidents.toml"


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _fuzzy(entry: dict[str, Any]) -> FuzzyTime:
    note = entry.get("note", "")
    if "day" in entry or "first_day" in entry:
        # Known only to the day, as the write-up gives it.
        first = date.fromisoformat(entry.get("day") or entry["first_day"])
        last = date.fromisoformat(entry["last_day"]) if "last_day" in entry else first
        best = date.fromisoformat(entry["best_day"]) if "best_day" in entry else None
        confidence = Confidence(entry.get("confidence", "medium"))
        return FuzzyTime.days(first, last, best, confidence, note)
    if "at" in entry:
        return FuzzyTime.exact(datetime.fromisoformat(entry["at"]), note)
    return FuzzyTime(
        earliest=datetime.fromisoformat(entry["earliest"]),
        latest=datetime.fromisoformat(entry["latest"]),
        best=datetime.fromisoformat(entry["best"]),
        confidence=Confidence(entry.get("confidence", "medium")),
        note=note,
    )


def _incident(entry: dict[str, Any]) -> Incident:
    return Incident(
        title=entry["title"],
        summary=entry.get("summary", ""),
        severity=Severity(entry["severity"]),
        phase=Phase(entry["phase"]),
        systems=list(entry.get("systems", [])),
        models=list(entry.get("models", [])),
        tags=list(entry.get("tags", [])),
        milestones={Phase(m["kind"]): _fuzzy(m) for m in entry.get("milestone", [])},
        events=[
            TimelineEvent(
                when=_fuzzy({k: v for k, v in e.items() if k != "text"}),
                phase=Phase(e["phase"]),
                text=e["text"],
                source=EventSource(e.get("source", "other")),
            )
            for e in entry.get("event", [])
        ],
        roles=[
            RoleAssignment(
                role=Role(r["role"]),
                person=r["person"],
                start=_time(r.get("start")),
                end=_time(r.get("end")),
                note=r.get("note", ""),
            )
            for r in entry.get("role", [])
        ],
        teams=[
            TeamInvolvement(team=t["team"], part=t.get("part", "")) for t in entry.get("team", [])
        ],
        markers={Marker(m["kind"]): _fuzzy(m) for m in entry.get("marker", [])},
        impacts=[
            ImpactMeasure(
                measure=i["measure"],
                low=i.get("low"),
                best=i.get("best"),
                high=i.get("high"),
                unit=i.get("unit", ""),
                slice=i.get("slice", ""),
                source=i.get("source", ""),
                note=i.get("note", ""),
            )
            for i in entry.get("impact", [])
        ],
        factors=[
            ContributingFactor(
                title=f["title"],
                description=f.get("description", ""),
                trigger_kind=f.get("trigger", ""),
                implicated=list(f.get("implicated", [])),
                scope=f.get("scope", ""),
                dates={FactorDate(k): _fuzzy(v) for k, v in f.get("dates", {}).items()},
            )
            for f in entry.get("factor", [])
        ],
        references=[
            Reference(ReferenceKind(r["kind"]), r["target"], r.get("label", ""), r.get("note", ""))
            for r in entry.get("link", [])
        ],
        authors=list(entry.get("authors", [])),
        reviewers=list(entry.get("reviewers", [])),
        external_id=entry.get("external_id", ""),
    )


def load_demo_incidents(path: Path | None = None) -> list[Incident]:
    """The demo incidents as plain records, in file order."""
    with (path or demo_file()).open("rb") as handle:
        data = tomllib.load(handle)
    return [_incident(entry) for entry in data["incident"]]


# Each feature adds its part of the demo (review answers, follow-ups, privacy records) with a
# function taking the workspace and the stored demo incidents, in file order.
DemoPart = Callable[[Workspace, list[Incident]], None]
DEMO_PARTS: list[DemoPart] = [add_followups_demo, add_privacy_demo]


def populate(
    workspace: Workspace, incidents: list[Incident] | None = None, *, history: bool = True
) -> None:
    """Add the demo incidents, every feature's part of the demo, and (with `history`) the
    generated past incidents the Insights view draws, to an open workspace."""
    stored = [
        workspace.incidents.add(incident)
        for incident in (incidents if incidents is not None else load_demo_incidents())
    ]
    for part in DEMO_PARTS:
        part(workspace, stored)
    # Reviews go last: publishing runs the publish gate over every other part of the demo.
    from hindsight.services.review_demo import add_review_demo

    add_review_demo(workspace, stored)
    if history:
        from hindsight.services.demo_history import add_history

        add_history(workspace)


def write_demo_database(path: Path, *, history: bool = True) -> Path:
    """Create a new database at `path` holding the demo incidents."""
    path = Path(path)
    if path.exists():
        raise ValidationError(f"{path} already exists; choose another path or remove it first.")
    # Built beside the target and renamed into place, so a failure leaves no half-made file.
    partial = path.with_name(f".{path.name}.partial")
    leftovers = [partial, *(Path(f"{partial}{x}") for x in ("-wal", "-shm", "-journal"))]
    try:
        for leftover in leftovers:  # from a run that was killed
            leftover.unlink(missing_ok=True)
    except OSError as error:  # the folder is not there, not a folder, or closed
        raise ValidationError(
            f"Cannot write {path}: {reason(error)}. Nothing was written; choose another folder."
        ) from error
    try:
        workspace = Workspace.open(partial)
        try:
            populate(workspace, history=history)
            workspace.database.checkpoint()  # the file alone must hold everything
        finally:
            workspace.close()
        try:
            os.link(partial, path)  # never over a file that appeared meanwhile
        except FileExistsError:
            raise ValidationError(
                f"{path} appeared while the demo was being made; nothing was written."
            ) from None
        except OSError:  # a file system without hard links
            if path.exists():
                raise ValidationError(f"{path} already exists; nothing was written.") from None
            os.replace(partial, path)
    except StoreError as error:
        # The message names the file the user asked for, not the temporary one.
        raise type(error)(path, error.detail) from error
    finally:
        for leftover in leftovers:
            leftover.unlink(missing_ok=True)
    return path
