"""Follow-up services: validation, settings in preferences, attention with a fixed clock, CSV."""

from __future__ import annotations

import csv
import os
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from hindsight.core.followup_attention import Attention, AttentionSettings
from hindsight.core.followup_ranking import rank
from hindsight.core.followups import FollowUp, FollowUpKind, FollowUpStatus, Priority, StatusStep
from hindsight.preferences import load_section, preferences_path
from hindsight.services.errors import ValidationError
from hindsight.services.followups import CSV_COLUMNS, FollowUpService
from hindsight.services.workspace import Workspace
from hindsight.store.followups import FollowUpRepository
from hindsight.store.models import IncidentRow, ReviewTransitionRow

# Noon UTC: the same calendar day in every time zone from UTC-11 to UTC+11.
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
TODAY = date(2026, 11, 26)


@pytest.fixture
def service(workspace: Workspace) -> FollowUpService:
    return FollowUpService(FollowUpRepository(workspace.database, clock=lambda: NOW), lambda: NOW)


@pytest.fixture
def incident_id(workspace: Workspace) -> int:
    return workspace.incidents.create("Stale ranking").id


def test_workspace_has_a_followup_service(workspace: Workspace) -> None:
    assert isinstance(workspace.followups, FollowUpService)
    assert workspace.followups.regions.at(5, 5).name == "Do first"


def test_new_items_are_opened_today(service, incident_id) -> None:
    stored = service.create(FollowUp(title="  Alert on model age ", incident_id=incident_id))
    assert stored.title == "Alert on model age"
    assert stored.history == [StatusStep(FollowUpStatus.OPEN, TODAY)]
    assert service.new_item(incident_id).history == [StatusStep(FollowUpStatus.OPEN, TODAY)]


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"title": ""}, "needs a title"),
        ({"value": 0}, "value must be"),
        ({"tracker": "ftp://x.example.com"}, "http"),
        ({"history": [StatusStep(FollowUpStatus.OPEN, date(2026, 11, 27))]}, "has not come yet"),
    ],
)
def test_invalid_items_are_refused_with_a_reason(service, incident_id, changes, fragment) -> None:
    with pytest.raises(ValidationError, match=fragment):
        service.create(FollowUp(**{"title": "ok", "incident_id": incident_id, **changes}))
    assert service.items() == []


def test_move_checks_the_scale(service, incident_id) -> None:
    stored = service.create(FollowUp(title="x", incident_id=incident_id))
    with pytest.raises(ValidationError, match="1 to 5"):
        service.move(stored.id, 6, 1, version=stored.version)
    assert service.move(stored.id, 5, 1, version=stored.version).cell == (5, 1)


def test_settings_live_in_the_followups_preferences_section(service) -> None:
    assert service.settings() == AttentionSettings()
    service.save_settings(AttentionSettings(highest_review_days=14, languishing_days=45))
    assert load_section("followups") == {
        "highest_review_days": 14,
        "languishing_days": 45,
        "overdue_grace_days": 0,
    }
    assert service.settings().languishing_days == 45
    assert preferences_path().is_file()


def test_attention_uses_the_clock_thresholds_and_publish_date(
    service, workspace, incident_id
) -> None:
    def add(**fields) -> FollowUp:
        return service.create(FollowUp(incident_id=incident_id, **fields))

    late = add(title="late", due=date(2026, 11, 25))
    highest = add(title="urgent", priority=Priority.HIGHEST)
    monitoring = add(
        title="alert",
        kind=FollowUpKind.MONITORING,
        history=[StatusStep(FollowUpStatus.OPEN, date(2026, 8, 1))],
    )
    report = service.overview().report
    assert {k: [f.kind for f in v] for k, v in report.flags.items()} == {
        late.id: [Attention.OVERDUE],
        monitoring.id: [Attention.LANGUISHING],
    }
    # Publishing the review 30 days ago starts the rule for Highest items.
    with workspace.database.write() as session:
        session.add(
            ReviewTransitionRow(
                incident_id=incident_id,
                at=datetime(2026, 10, 27, 9, tzinfo=UTC),
                from_status="in_review",
                to_status="published",
                reason="",
            )
        )
        session.get(IncidentRow, incident_id).review_status = "published"
    assert service.overview().report.of(highest.id)[0].kind is Attention.BLOCKER_REVIEW
    assert service.attention_count() == 3
    service.save_settings(AttentionSettings(highest_review_days=31, languishing_days=200))
    assert service.attention_count() == 1


def test_csv_export_of_the_ranked_list(service, incident_id, tmp_path: Path) -> None:
    a = service.create(
        FollowUp(
            title='=HYPERLINK("http://evil")',
            incident_id=incident_id,
            value=5,
            feasibility=5,
            owner="Sven",
            due=date(2026, 1, 1),
            priority=Priority.HIGHEST,
        )
    )
    service.create(
        FollowUp(title="Strategic, with a comma", incident_id=incident_id, value=5, feasibility=1)
    )
    overview = service.overview()
    target = tmp_path / "out" / "ranked.csv"
    target.parent.mkdir()
    service.export_csv(rank(overview.items, overview.regions), overview.report, target)
    with target.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == CSV_COLUMNS
    first = dict(zip(CSV_COLUMNS, rows[1], strict=True))
    assert first["rank"] == "1"
    assert first["title"] == '\'=HYPERLINK("http://evil")', "formulas are defused"
    assert first["region"] == "Do first"
    assert first["priority"] == "Highest"
    assert first["due"] == "2026-01-01"
    assert first["attention"].startswith("Due on 2026-01-01")
    second = dict(zip(CSV_COLUMNS, rows[2], strict=True))
    assert (second["rank"], second["title"], second["region"]) == (
        "S1",
        "Strategic, with a comma",
        "Strategic",
    )
    assert len(rows) == 3
    assert [p.name for p in target.parent.iterdir()] == ["ranked.csv"], "no temporary file left"
    assert a.id is not None


def test_csv_export_writes_nothing_on_failure(
    service, incident_id, tmp_path: Path, monkeypatch
) -> None:
    service.create(FollowUp(title="x", incident_id=incident_id))
    target = tmp_path / "out" / "ranked.csv"
    target.parent.mkdir()
    target.write_text("previous export")
    overview = service.overview()

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(ValidationError, match="the disk is full"):
        service.export_csv(rank(overview.items, overview.regions), overview.report, target)
    assert target.read_text() == "previous export"
    assert [p.name for p in target.parent.iterdir()] == ["ranked.csv"]


def test_csv_export_into_a_missing_folder_says_so(service, tmp_path: Path) -> None:
    with pytest.raises(
        ValidationError, match=r"the folder does not exist.*choose a folder that exists"
    ):
        service.export_csv([], service.overview().report, tmp_path / "nowhere" / "x.csv")


# -- the demo ---------------------------------------------------------------------------------


def test_demo_followups(demo_db: Path) -> None:
    workspace = Workspace.open(demo_db)
    try:
        service = FollowUpService(workspace.followups.repository, lambda: NOW)
        overview = service.overview()
    finally:
        workspace.close()
    items = overview.items
    by_title = {item.title: item for item in items}
    assert {item.incident_key for item in items} == {"HS-1", "HS-2", "HS-3"}
    assert sum(item.status is FollowUpStatus.DONE for item in items) >= 5
    overdue = [i for i in items if Attention.OVERDUE in [f.kind for f in overview.report.of(i.id)]]
    assert len(overdue) >= 2
    languishing = [
        i.title
        for i in items
        if Attention.LANGUISHING in [f.kind for f in overview.report.of(i.id)]
    ]
    assert languishing == ["Per-partner trailing-average sales alert"]
    alert = by_title["Per-partner trailing-average sales alert"]
    assert overview.regions.at(*alert.cell).strategic
    strategic = [i for i in items if overview.regions.at(*i.cell).strategic]
    assert len(strategic) >= 2
    assert all(i.next_senior_review for i in strategic)
    assert by_title["Alert when the conversion merge job writes zero merged lines"].is_closed
    regions = {overview.regions.at(*i.cell).key for i in items}
    assert regions == {"do_first", "fill_ins", "reconsider", "strategic"}
    assert replace(alert).kind is FollowUpKind.MONITORING
