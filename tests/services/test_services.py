"""Services: incident use cases, the demo data, the workspace."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import replace
from datetime import UTC
from pathlib import Path

import pytest

from hindsight.core.enums import Phase, Role, Severity
from hindsight.core.incident import Incident, TeamInvolvement
from hindsight.paths import backups_dir
from hindsight.services.demo import load_demo_incidents, populate, write_demo_database
from hindsight.services.demo_history import COUNT as HISTORY_COUNT
from hindsight.services.errors import ValidationError
from hindsight.services.incidents import MAX_TITLE
from hindsight.services.workspace import Workspace
from hindsight.store.errors import NotADatabaseError
from hindsight.vocabulary import vocabulary

# -- incidents --------------------------------------------------------------------------------


@pytest.mark.parametrize("title", ["", "   ", "\t\n"])
def test_create_requires_a_title(workspace: Workspace, title: str) -> None:
    with pytest.raises(ValidationError, match="title"):
        workspace.incidents.create(title)
    assert workspace.incidents.count() == 0


def test_title_length_is_limited(workspace: Workspace) -> None:
    with pytest.raises(ValidationError, match=str(MAX_TITLE)):
        workspace.incidents.create("x" * (MAX_TITLE + 1))
    created = workspace.incidents.create("x" * MAX_TITLE)
    created.title = "y" * (MAX_TITLE + 1)
    with pytest.raises(ValidationError):
        workspace.incidents.save(created)
    assert workspace.incidents.get(created.id).title == "x" * MAX_TITLE


def test_create_and_find(workspace: Workspace) -> None:
    created = workspace.incidents.create("Stale ranking", severity=Severity.SEV2)
    assert (created.key, created.severity, created.phase) == (
        "HS-1",
        Severity.SEV2,
        Phase.DETECTION,
    )
    assert workspace.incidents.get_by_key("hs-1") == created
    assert [s.title for s in workspace.incidents.summaries()] == ["Stale ranking"]
    created.summary = "edited"
    saved = workspace.incidents.save(created)
    assert workspace.incidents.get(created.id).summary == "edited"
    workspace.incidents.delete(saved.id)
    assert workspace.incidents.count() == 0


def test_add_checks_the_title_too(workspace: Workspace) -> None:
    with pytest.raises(ValidationError):
        workspace.incidents.add(Incident(title=" "))


def test_what_an_import_would_refuse_is_not_saved(workspace: Workspace) -> None:
    # An export of the record must import again: the editor had stored a blank title and
    # names over 200 characters, which the import then refused.
    from hindsight.core.incident import RoleAssignment
    from hindsight.core.record_rules import MAX_PERSON

    stored = workspace.incidents.create("Stale ranking")
    for change, said in (
        ({"title": "   "}, "needs a title"),
        ({"roles": [RoleAssignment(Role.INCIDENT_COMMANDER, "x" * (MAX_PERSON + 1))]}, "Role 1"),
        ({"teams": [TeamInvolvement(team="t" * (MAX_PERSON + 1))]}, "Team 1"),
    ):
        with pytest.raises(ValidationError, match=said):
            workspace.incidents.save(replace(stored, **change))
    long_enough = [RoleAssignment(Role.INCIDENT_COMMANDER, "x" * MAX_PERSON)]
    assert workspace.incidents.save(replace(stored, roles=long_enough)).roles[0].person


# -- demo data --------------------------------------------------------------------------------


def test_demo_incidents_are_complete() -> None:
    incidents = load_demo_incidents()
    assert len(incidents) == 3
    for incident in incidents:
        assert incident.title and incident.summary
        assert incident.milestones and incident.events and incident.teams
        command = {r for r in Role if r.is_command}
        assert {r.role for r in incident.roles} >= command, incident.title
        assert incident.impacts, incident.title  # the story in numbers
        assert incident.order_issues() == [], incident.title
        assert all(m.best.tzinfo is UTC for m in incident.milestones.values())
    assert [i.severity for i in incidents] == [Severity.SEV2, Severity.SEV1, Severity.SEV2]
    # Several causes, some dated only to the day, as real write-ups give them.
    assert [len(i.factors) for i in incidents] == [3, 2, 3]
    assert any(d.by_day for i in incidents for f in i.factors for d in f.dates.values())


def test_demo_records_a_hand_over() -> None:
    recs = load_demo_incidents()[2]
    assert [r.person for r in recs.holders(Role.INCIDENT_COMMANDER)] == [
        "Gabriela Souza",
        "Tariq Haddad",
    ]
    first, second = recs.holders(Role.INCIDENT_COMMANDER)
    assert first.end == second.start
    assert second.end is None


def test_demo_teams_are_in_the_bundled_list() -> None:
    bundled = set(vocabulary().team_names)
    used = {t.team for incident in load_demo_incidents() for t in incident.teams}
    assert used <= bundled


def test_demo_database(tmp_path: Path) -> None:
    path = write_demo_database(tmp_path / "demo.sqlite")
    workspace = Workspace.open(path, create=False)
    try:
        # The reference incidents come first; the generated history follows them.
        keys = [s.key for s in reversed(workspace.incidents.summaries())]
        assert keys == [f"HS-{n}" for n in range(1, 4 + HISTORY_COUNT)]
        titles = [workspace.incidents.get_by_key(f"HS-{n}").title for n in (1, 2, 3)]
        assert titles == [i.title for i in load_demo_incidents()]
        stored = workspace.incidents.get_by_key("HS-3")
        assert len(stored.roles) == len(load_demo_incidents()[2].roles)
    finally:
        workspace.close()


def test_demo_database_refuses_an_existing_path(tmp_path: Path) -> None:
    path = tmp_path / "mine.sqlite"
    path.write_bytes(b"precious")
    with pytest.raises(ValidationError, match="already exists"):
        write_demo_database(path)
    assert path.read_bytes() == b"precious"


def test_populate_an_open_workspace(workspace: Workspace) -> None:
    workspace.incidents.create("mine")
    populate(workspace, history=False)
    assert [s.title for s in workspace.incidents.summaries()][-1] == "mine"
    assert workspace.incidents.count() == 1 + len(load_demo_incidents())


# -- workspace --------------------------------------------------------------------------------


@pytest.mark.sqlite_only("a file's backup; tests/test_team.py covers the server")
def test_open_without_create_refuses_a_missing_file(db_path: Path) -> None:
    with pytest.raises(NotADatabaseError):
        Workspace.open(db_path, create=False)
    assert not db_path.exists()


@pytest.mark.sqlite_only("a file's backup; tests/test_team.py covers the server")
def test_backup_to_a_path(workspace: Workspace, tmp_path: Path) -> None:
    populate(workspace, history=False)
    target = tmp_path / "copies" / "copy.sqlite"
    assert workspace.backup(target) == target
    assert sorted(os.listdir(target.parent)) == ["copy.sqlite"]  # no .partial left behind
    connection = sqlite3.connect(f"{target.as_uri()}?mode=ro", uri=True)
    try:
        assert connection.execute("SELECT count(*) FROM incidents").fetchone()[0] == 3
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        connection.close()


@pytest.mark.sqlite_only("a file's backup; tests/test_team.py covers the server")
def test_backup_sees_uncheckpointed_writes(workspace: Workspace, tmp_path: Path) -> None:
    # The workspace is open, so recent writes may still be in the -wal file only.
    workspace.incidents.create("just written")
    target = workspace.backup(tmp_path / "copy.sqlite")
    copy = Workspace.open(target, create=False)
    try:
        assert [s.title for s in copy.incidents.summaries()] == ["just written"]
    finally:
        copy.close()


@pytest.mark.sqlite_only("a file's backup; tests/test_team.py covers the server")
def test_backup_to_the_backups_folder(workspace: Workspace, data_dir: Path) -> None:
    workspace.incidents.create("x")
    written = workspace.backup()
    assert written.parent == backups_dir() == data_dir / "backups"
    assert written.name.startswith(f"{workspace.path.stem}-manual-")
    assert written.is_file()


def test_team_names_merge_bundled_and_used(workspace: Workspace) -> None:
    bundled = ("SRE", "Product")
    assert workspace.team_names(bundled) == ["SRE", "Product"]
    workspace.incidents.add(
        Incident(
            title="t",
            teams=[TeamInvolvement("Vendors"), TeamInvolvement("SRE"), TeamInvolvement("Audit")],
        )
    )
    workspace.incidents.add(Incident(title="u", teams=[TeamInvolvement("Vendors")]))
    assert workspace.team_names(bundled) == ["SRE", "Product", "Audit", "Vendors"]


def test_integrity_problems_of_a_sound_workspace(workspace: Workspace) -> None:
    populate(workspace)
    assert workspace.integrity_problems() == []


def test_a_failed_demo_leaves_no_file(tmp_path, monkeypatch) -> None:
    from hindsight.services import demo

    def broken(workspace, incidents=None, **options):
        raise RuntimeError("boom")

    monkeypatch.setattr(demo, "populate", broken)
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(RuntimeError):
        demo.write_demo_database(folder / "demo.sqlite")
    assert list(folder.iterdir()) == []


def test_a_backup_never_overwrites_a_file(workspace, tmp_path) -> None:
    from hindsight.services.errors import ValidationError

    target = tmp_path / "mine.sqlite"
    target.write_text("keep me")
    with pytest.raises(ValidationError, match="already exists"):
        workspace.backup(target)
    assert target.read_text() == "keep me"


def test_the_display_name_is_kept_trimmed_and_reset_by_an_empty_one() -> None:
    from hindsight.services.errors import ValidationError
    from hindsight.services.history import default_author, display_name, set_display_name

    assert display_name() == default_author()
    assert set_display_name("  Ana\tLópez  ") == "Ana López"
    assert display_name() == "Ana López"
    with pytest.raises(ValidationError, match="Display name"):
        set_display_name("x" * 201)
    with pytest.raises(ValidationError, match="control characters"):
        set_display_name("Ana\u200bLópez")
    assert display_name() == "Ana López"  # a refused name changes nothing
    assert set_display_name("   ") == default_author()
    assert display_name() == default_author()
