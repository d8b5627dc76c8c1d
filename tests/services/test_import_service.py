# ruff: noqa: F811  (the export fixtures are imported by name and used as arguments)
"""Imports: all or nothing, bad files refused with the field's path, existing keys handled."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from tests.export.conftest import (  # noqa: F401  (fixtures shared with the export tests)
    FIXED_NOW,
    _qt_application,
    demo_workspace,
    frozen_demo_db,
)

from hindsight import cli
from hindsight.services.export import ExportRequest, ExportService, Format
from hindsight.services.importer import ImportProblem, ImportService
from hindsight.services.workspace import Workspace
from hindsight.store import imports
from hindsight.store.errors import DiskFullError

TABLES = (
    "incidents",
    "milestones",
    "timeline_events",
    "role_assignments",
    "team_involvements",
    "review_answers",
    "change_attributions",
    "review_transitions",
    "followups",
    "followup_status_changes",
    "data_accesses",
    "data_access_revisions",
    "ethics_answers",
)


def counts(workspace: Workspace) -> dict[str, int]:
    engine = workspace.database.engine
    present = set(inspect(engine).get_table_names())
    with engine.connect() as connection:
        return {
            t: connection.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
            for t in TABLES
            if t in present
        }


@pytest.fixture
def bundle_file(demo_workspace: Workspace, tmp_path: Path) -> Path:
    """All three demo incidents in one export file."""
    service = ExportService(demo_workspace, clock=lambda: FIXED_NOW)
    documents = [
        json.loads(service.render(i, ExportRequest(Format.JSON)).data)
        for i in service.all_incident_ids()
    ]
    merged = documents[0]
    merged["incidents"] = [d["incidents"][0] for d in documents]
    path = tmp_path / "all.json"
    path.write_text(json.dumps(merged, ensure_ascii=False))
    return path


def test_a_file_of_many_incidents_imports_whole(workspace: Workspace, bundle_file: Path) -> None:
    result = ImportService(workspace).import_file(bundle_file)
    assert [o.key for o in result.imported] == ["HS-1", "HS-2", "HS-3"]
    assert counts(workspace)["incidents"] == 3
    assert workspace.incidents.create("next one").key == "HS-4"
    assert "Imported 3 incidents: HS-1, HS-2, HS-3." in result.summary()


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (
            lambda d: d["incidents"][2]["milestones"]["detection"].update(earliest="soon"),
            "incidents[2] (HS-3).milestones.detection.earliest: not a date-time",
        ),
        (
            lambda d: d["incidents"][1]["roles"][0].pop("person"),
            "incidents[1] (HS-2).roles[0].person: is missing",
        ),
        (lambda d: d["incidents"][2].update(severity="bad"), "incidents[2] (HS-3).severity"),
        (
            lambda d: d["incidents"][0]["followups"][0].update(history="open"),
            "incidents[0] (HS-1).followups[0].history: must be a list",
        ),
        (
            lambda d: d["incidents"][2]["privacy"]["accesses"][0]["revisions"][0]["details"].update(
                categories=["gossip"]
            ),
            "incidents[2] (HS-3).privacy.accesses[0].revisions[0].details.categories[0]",
        ),
    ],
)
def test_a_malformed_file_is_refused_and_nothing_is_written(
    workspace: Workspace, bundle_file: Path, mutate, path: str
) -> None:
    document = json.loads(bundle_file.read_text())
    if "privacy" in path and "privacy" not in document["incidents"][2]:
        pytest.skip("this build keeps no privacy record")
    mutate(document)
    bundle_file.write_text(json.dumps(document))
    before = counts(workspace)
    with pytest.raises(ImportProblem) as caught:
        ImportService(workspace).import_file(bundle_file)
    assert path in str(caught.value) and str(bundle_file) in str(caught.value)
    assert "nothing was imported" in str(caught.value)
    assert counts(workspace) == before


def test_a_format_problem_names_its_incidents_key_where_the_file_gives_one(
    workspace: Workspace, bundle_file: Path
) -> None:
    document = json.loads(bundle_file.read_text())
    document["incidents"][0].update(severity="bad")
    document["incidents"][1].update(severity="worse", key=["not", "a", "key"])
    document["incidents"][2].update(severity="awful", key="  HS-3\n" + "x" * 80)
    bundle_file.write_text(json.dumps(document))
    with pytest.raises(ImportProblem) as caught:
        ImportService(workspace).import_file(bundle_file)
    lines = str(caught.value).splitlines()
    assert lines[1].startswith("- incidents[0] (HS-1).severity: ")
    assert any(line.startswith("- incidents[1].severity: ") for line in lines)  # no plain key
    long = next(
        line for line in lines if line.startswith("- incidents[2] (") and "severity" in line
    )
    assert long.startswith("- incidents[2] (HS-3 xxx") and "…).severity: " in long
    # A file that is not JSON at all is refused as before, naming no incident.
    bundle_file.write_text('{"incidents": [')
    with pytest.raises(ImportProblem) as caught:
        ImportService(workspace).import_file(bundle_file)
    assert "nothing was imported" in str(caught.value)


def test_a_failure_while_writing_rolls_back_every_incident(
    workspace: Workspace, bundle_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = imports._insert
    calls: list[int] = []

    def failing(session, model, params) -> None:
        calls.append(1)
        if len(calls) > 4:  # the incidents and some of their parts are in by now
            raise OSError(28, "No space left on device")
        real(session, model, params)

    monkeypatch.setattr(imports, "_insert", failing)
    before = counts(workspace)
    with pytest.raises(DiskFullError, match="nothing was written"):
        ImportService(workspace).import_file(bundle_file)
    assert counts(workspace) == before


def test_existing_keys_stop_the_import_unless_skip_or_rename(
    demo_workspace: Workspace, bundle_file: Path
) -> None:
    service = ImportService(demo_workspace)
    before = counts(demo_workspace)
    with pytest.raises(ImportProblem, match="HS-1, HS-2, HS-3 already exist"):
        service.import_file(bundle_file)
    assert counts(demo_workspace) == before

    skipped = service.import_file(bundle_file, "skip")
    assert not skipped.imported and len(skipped.skipped) == 3
    assert counts(demo_workspace) == before

    renamed = service.import_file(bundle_file, "rename")
    assert [(o.original_key, o.key) for o in renamed.imported] == [
        ("HS-1", "HS-4"),
        ("HS-2", "HS-5"),
        ("HS-3", "HS-6"),
    ]
    copy, original = (
        demo_workspace.incidents.get_by_key("HS-5"),
        demo_workspace.incidents.get_by_key("HS-2"),
    )
    assert copy.title == original.title and copy.answers == original.answers
    assert len(demo_workspace.followups.items(copy.id)) == len(
        demo_workspace.followups.items(original.id)
    )
    assert "HS-2 as HS-5" in renamed.summary()


def test_a_key_that_is_free_here_is_kept_and_numbering_continues(
    workspace: Workspace, bundle_file: Path
) -> None:
    document = json.loads(bundle_file.read_text())
    document["incidents"] = [document["incidents"][1]]
    document["incidents"][0]["key"] = "HS-40"
    bundle_file.write_text(json.dumps(document))
    workspace.incidents.create("first")
    ImportService(workspace).import_file(bundle_file)
    assert workspace.incidents.get_by_key("HS-40").title.startswith("Partner")
    assert workspace.incidents.create("after").key == "HS-41"


def test_a_deleted_incident_comes_back_under_its_key_and_numbering_moves_on(
    workspace: Workspace, bundle_file: Path
) -> None:
    ImportService(workspace).import_file(bundle_file)
    workspace.incidents.delete(workspace.incidents.get_by_key("HS-2").id)
    document = json.loads(bundle_file.read_text())
    document["incidents"] = [document["incidents"][1]]
    bundle_file.write_text(json.dumps(document))
    assert ImportService(workspace).read(bundle_file).conflicts == []
    ImportService(workspace).import_file(bundle_file)
    assert workspace.incidents.get_by_key("HS-2").title.startswith("Partner")
    assert workspace.incidents.create("new").key == "HS-4"


def test_unreadable_and_non_json_files_are_refused(workspace: Workspace, tmp_path: Path) -> None:
    with pytest.raises(ImportProblem, match="Cannot read"):
        ImportService(workspace).import_file(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"\xff\xfe not json")
    with pytest.raises(ImportProblem, match=r"not UTF-8|not valid JSON"):
        ImportService(workspace).import_file(bad)


def test_cli_import(
    workspace: Workspace, bundle_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = workspace.location
    assert cli.main(["import", str(bundle_file), "--db", path]) == 0
    assert "Imported 3 incidents" in capsys.readouterr().out
    assert cli.main(["import", str(bundle_file), "--db", path]) == 1
    err = capsys.readouterr().err
    assert "already exist" in err and "--on-conflict" in err
    assert cli.main(["import", str(bundle_file), "--on-conflict", "skip", "--db", path]) == 0
    assert "Skipped" in capsys.readouterr().out
    assert cli.main(["import", str(bundle_file.with_name("nope.json")), "--db", path]) == 1


def test_a_bulk_import_stores_what_one_at_a_time_would(
    demo_workspace: Workspace, bundle_file: Path, tmp_path: Path
) -> None:
    """The set-based import gives the same records, row for row, as the repositories' own
    one-incident-at-a-time path: exported again, every incident gives the same JSON."""
    target = Workspace.open(tmp_path / "bulk.sqlite")
    try:
        result = ImportService(target).import_file(bundle_file)
        assert [o.key for o in result.imported] == ["HS-1", "HS-2", "HS-3"]
        source = ExportService(demo_workspace, clock=lambda: FIXED_NOW)
        copy = ExportService(target, clock=lambda: FIXED_NOW)
        request = ExportRequest(Format.JSON)
        for key in ("HS-1", "HS-2", "HS-3"):
            original = demo_workspace.incidents.get_by_key(key).id
            imported = target.incidents.get_by_key(key).id
            assert original is not None and imported is not None
            assert copy.render(imported, request).data == source.render(original, request).data
        # Rows the app writes later on top of imported ones behave as their own would.
        stored = target.incidents.get_by_key("HS-2")
        stored.title += " (edited)"
        assert target.incidents.save(stored).version == stored.version + 1
        assert counts(target) == counts(demo_workspace)
    finally:
        target.close()


# -- the editor's rules (issue 14, item 9) ------------------------------------------------------


def _published_without_answers(demo_workspace: Workspace, tmp_path: Path) -> dict:
    exporter = ExportService(demo_workspace, clock=lambda: FIXED_NOW)
    incident = demo_workspace.incidents.get_by_key("HS-1")
    assert incident.id is not None
    text = exporter.render(incident.id, ExportRequest(Format.JSON)).text
    data = json.loads(text)
    record = data["incidents"][0]
    assert record["review"]["status"] == "published"
    record["key"] = "OLD-1"
    record["review"]["answers"] = {}
    return data


def test_a_published_review_with_open_questions_is_refused_unless_historical(
    demo_workspace: Workspace, tmp_path: Path
) -> None:
    data = _published_without_answers(demo_workspace, tmp_path)
    path = tmp_path / "published.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    service = ImportService(demo_workspace)
    before = demo_workspace.incidents.count()
    with pytest.raises(ImportProblem, match=r"review\.status: published, but \d+ required"):
        service.import_file(path)
    assert demo_workspace.incidents.count() == before

    data["incidents"][0]["historical"] = True
    path.write_text(json.dumps(data), encoding="utf-8")
    service.import_file(path)
    stored = demo_workspace.incidents.get_by_key("OLD-1")
    assert stored.historical and stored.review_status.value == "published"


def test_an_import_applies_the_records_rules(demo_workspace: Workspace, tmp_path: Path) -> None:
    data = _published_without_answers(demo_workspace, tmp_path)
    record = data["incidents"][0]
    record["historical"] = True
    record["impacts"] = [{"measure": "Queries lost", "low": 20, "high": 10, "unit": "queries"}]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ImportProblem, match="swap them"):
        ImportService(demo_workspace).import_file(path)
    # A fuzzy time needs all three of earliest, latest and best.
    record["impacts"] = []
    record["milestones"]["detection"] = {"earliest": "2026-03-16T09:00:00Z"}
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ImportProblem, match=r"milestones\.detection"):
        ImportService(demo_workspace).import_file(path)


def test_a_refusal_lists_each_problem_then_counts_the_rest(
    demo_workspace: Workspace, tmp_path: Path
) -> None:
    data = _published_without_answers(demo_workspace, tmp_path)
    record = data["incidents"][0]
    record["historical"] = True
    copies = []
    for number in range(1, 16):
        copy = json.loads(json.dumps(record))
        copy["key"] = f"OLD-{number}"
        copy["impacts"] = [{"measure": f"Lost {number}", "low": 20, "high": 10, "unit": "q"}]
        copies.append(copy)
    data["incidents"] = copies
    path = tmp_path / "many.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    before = demo_workspace.incidents.count()
    with pytest.raises(ImportProblem) as caught:
        ImportService(demo_workspace).import_file(path)
    lines = str(caught.value).splitlines()
    named = [line for line in lines if line.startswith("- incidents[")]
    assert [line.split("]")[0] for line in named] == [f"- incidents[{i}" for i in range(12)]
    assert all("swap them" in line for line in named)
    assert lines[-1] == "…and 3 more"
    assert "nothing was imported" in lines[0] and str(path) in lines[0]
    assert demo_workspace.incidents.count() == before


def test_a_refusal_by_the_editors_rules_lists_each_incident(
    demo_workspace: Workspace, tmp_path: Path
) -> None:
    data = _published_without_answers(demo_workspace, tmp_path)
    second = json.loads(json.dumps(data["incidents"][0]))
    second["key"] = "OLD-2"
    data["incidents"].append(second)
    path = tmp_path / "two.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ImportProblem) as caught:
        ImportService(demo_workspace).import_file(path)
    lines = str(caught.value).splitlines()
    assert lines[0].endswith("Fix these in the file and import it again:")
    assert [line[:17] for line in lines[1:]] == ["- incidents[0] (O", "- incidents[1] (O"]
    assert "OLD-1" in lines[1] and "OLD-2" in lines[2] and len(lines) == 3
