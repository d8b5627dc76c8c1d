# ruff: noqa: F811  (the export fixtures are imported by name and used as arguments)
"""The export service: templates, redaction in the file only, atomic writes, many files, CLI."""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import UTC
from pathlib import Path

import pytest
from tests.export.conftest import (  # noqa: F401  (fixtures shared with the export tests)
    FIXED_NOW,
    _qt_application,
    demo_workspace,
    exporter,
    frozen_demo_db,
    key_of,
)

from hindsight import cli
from hindsight.core.review import ReviewStatus
from hindsight.export.errors import ExportError, TemplateProblem, WriteProblem
from hindsight.export.templates import discover, user_templates_dir
from hindsight.services.export import SOURCE_DATE_EPOCH, ExportRequest, ExportService, Format
from hindsight.services.workspace import Workspace

EMAIL = "jane.doe@example.com"
IP = "203.0.113.77"


def with_personal_data(workspace: Workspace) -> int:
    incident = workspace.incidents.get_by_key("HS-1")
    if incident.review_status is ReviewStatus.PUBLISHED:
        incident = workspace.review.move(incident, ReviewStatus.DRAFT, "add the reporter")
    incident.summary += f"\n\nReported by {EMAIL} from {IP}."
    incident.events[0].text += f" Contact: {EMAIL}"
    workspace.incidents.save(incident)
    assert incident.id is not None
    return incident.id


# -- templates ----------------------------------------------------------------------------------


def test_bundled_templates_are_offered_with_their_formats() -> None:
    found = {t.name: t for t in discover()}
    assert {"full-review", "executive-summary", "followup-report"} <= found.keys()
    assert found["full-review"].formats == ("md", "html")
    assert found["followup-report"].scopes == ("incident", "all")
    assert not any(name.startswith("_") for name in found)


def test_a_users_template_appears_and_renders(
    exporter: ExportService, demo_workspace: Workspace
) -> None:
    folder = user_templates_dir()
    folder.mkdir(parents=True)
    (folder / "one-liner.md.j2").write_text(
        "{#- title: One line\n    description: Key and title. -#}\n"
        "{{ incident.key }} {{ incident.title|md_inline }}\n"
    )
    info = next(t for t in exporter.templates(Format.MARKDOWN) if t.name == "one-liner")
    assert info.user and info.title == "One line"
    rendered = exporter.render(
        key_of(demo_workspace, "HS-2"), ExportRequest(Format.MARKDOWN, "one-liner")
    )
    assert rendered.text.startswith("HS-2 Partner")


def test_a_users_template_edited_between_exports_is_read_again(
    exporter: ExportService, demo_workspace: Workspace
) -> None:
    # Environments (and so compiled templates) are kept between exports: an edit must show.
    folder = user_templates_dir()
    folder.mkdir(parents=True)
    template = folder / "edited.md.j2"
    template.write_text("first {{ incident.key }}\n")
    incident = key_of(demo_workspace, "HS-1")
    request = ExportRequest(Format.MARKDOWN, "edited")
    assert exporter.render(incident, request).text.startswith("first HS-1")
    template.write_text("second version {{ incident.key }}\n")
    later = template.stat().st_mtime + 5  # a coarse file clock must not hide the edit
    os.utime(template, (later, later))
    assert exporter.render(incident, request).text.startswith("second version HS-1")


def test_a_users_html_template_autoescapes(exporter: ExportService, workspace: Workspace) -> None:
    folder = user_templates_dir()
    folder.mkdir(parents=True)
    (folder / "bare.html.j2").write_text("<p>{{ incident.title }}</p>")
    stored = workspace.incidents.create("<script>alert(1)</script>")
    service = ExportService(workspace, clock=lambda: FIXED_NOW)
    out = service.render(stored.id, ExportRequest(Format.HTML, "bare")).text
    assert out == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"


@pytest.mark.parametrize(
    ("source", "line", "problem"),
    [
        ("line one\n{{ incident.title }\nthree", 2, "unexpected"),
        ("ok\nok\n{{ incident.no_such_field }}", 3, "no_such_field"),
        ("{% for x in incident.teams %}\n{{ 1 / 0 }}\n{% endfor %}", 2, "ZeroDivisionError"),
        ("{{ incident.__class__.__mro__ }}", 1, "unsafe"),
    ],
)
def test_a_template_error_names_template_and_line_and_writes_nothing(
    exporter: ExportService,
    demo_workspace: Workspace,
    tmp_path: Path,
    source: str,
    line: int,
    problem: str,
) -> None:
    folder = user_templates_dir()
    folder.mkdir(parents=True)
    (folder / "broken.md.j2").write_text(source)
    out = tmp_path / "out"
    out.mkdir()
    target = out / "out.md"
    with pytest.raises(TemplateProblem) as caught:
        exporter.export(
            key_of(demo_workspace, "HS-1"), ExportRequest(Format.MARKDOWN, "broken"), target
        )
    assert caught.value.line == line
    assert "broken.md.j2" in str(caught.value) and f"line {line}" in str(caught.value)
    assert problem in str(caught.value)
    assert not target.exists() and list(out.iterdir()) == []


@pytest.mark.parametrize(
    "source",
    [
        "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
        "{% for a in range(100000) %}{% for b in range(100000) %}{{ b }}{% endfor %}{% endfor %}",
        "{% for a in range(100000) %}{% for e in incident.timeline %}"
        "{% for f in incident.timeline %}{{ f.text|length }}{% endfor %}{% endfor %}{% endfor %}",
    ],
    ids=["silent", "writing", "over-the-record"],
)
def test_a_template_that_runs_too_long_is_stopped_and_named(
    exporter: ExportService,
    demo_workspace: Workspace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    source: str,
) -> None:
    from hindsight.export import templates

    monkeypatch.setattr(templates, "TEMPLATE_SECONDS", 0.5)
    folder = user_templates_dir()
    folder.mkdir(parents=True)
    (folder / "slow.md.j2").write_text(source)
    target = tmp_path / "out.md"
    with pytest.raises(TemplateProblem, match=r"slow\.md\.j2.*longer than 0 seconds"):
        exporter.export(
            key_of(demo_workspace, "HS-1"), ExportRequest(Format.MARKDOWN, "slow"), target
        )
    assert not target.exists()


def test_an_unknown_template_lists_the_choices(
    exporter: ExportService, demo_workspace: Workspace
) -> None:
    with pytest.raises(ExportError, match="available: full-review"):
        exporter.render(key_of(demo_workspace, "HS-1"), ExportRequest(Format.MARKDOWN, "nope"))


# -- personal data ------------------------------------------------------------------------------


def row_count(path: Path, table: str) -> int:
    with sqlite3.connect(path) as connection:
        return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


@pytest.mark.parametrize("fmt", [Format.MARKDOWN, Format.HTML, Format.JSON])
def test_redaction_changes_the_file_only(
    demo_workspace: Workspace, tmp_path: Path, fmt: Format
) -> None:
    incident_id = with_personal_data(demo_workspace)
    before = demo_workspace.incidents.get(incident_id)
    service = ExportService(demo_workspace, clock=lambda: FIXED_NOW)
    plain = service.render(incident_id, ExportRequest(fmt))
    assert {f.text for f in plain.findings} >= {EMAIL, IP}
    assert EMAIL in plain.text and plain.redacted == 0
    redacted = service.render(incident_id, ExportRequest(fmt, redact_pii=True))
    assert EMAIL not in redacted.text and IP not in redacted.text
    assert "[email redacted]" in redacted.text and "[IP address redacted]" in redacted.text
    assert redacted.redacted >= 3
    after = demo_workspace.incidents.get(incident_id)
    assert after == before  # the database is untouched
    assert EMAIL in after.summary and after.version == before.version


def test_redacted_pdf_holds_no_personal_data(demo_workspace: Workspace) -> None:
    from tests.export.test_documents import pdf_text

    incident_id = with_personal_data(demo_workspace)
    service = ExportService(demo_workspace, clock=lambda: FIXED_NOW)
    data = service.render(incident_id, ExportRequest(Format.PDF, redact_pii=True)).data
    text, _ = pdf_text(data)
    assert EMAIL not in text and "redacted" in text


# -- writing ------------------------------------------------------------------------------------


def test_a_failed_write_leaves_no_partial_file_and_keeps_the_old_one(
    exporter: ExportService,
    demo_workspace: Workspace,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "review.md"
    target.write_text("the previous export")

    def full_disk(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(WriteProblem, match="the disk is full"):
        exporter.export(key_of(demo_workspace, "HS-1"), ExportRequest(Format.MARKDOWN), target)
    assert target.read_text() == "the previous export"
    assert [p.name for p in folder.iterdir()] == ["review.md"]


def test_writing_into_a_missing_folder_says_so(
    exporter: ExportService, demo_workspace: Workspace, tmp_path: Path
) -> None:
    with pytest.raises(WriteProblem, match=r"Cannot write .*missing"):
        exporter.export(
            key_of(demo_workspace, "HS-1"),
            ExportRequest(Format.HTML),
            tmp_path / "missing" / "x.html",
        )


def test_export_many_writes_one_file_each_with_progress(
    exporter: ExportService, tmp_path: Path
) -> None:
    seen: list[tuple[int, int, str]] = []
    written = exporter.export_many(
        exporter.all_incident_ids(),
        ExportRequest(Format.JSON),
        tmp_path / "out",
        progress=lambda *args: seen.append(args),
    )
    assert [p.name for p in written] == ["HS-1.json", "HS-2.json", "HS-3.json"]
    assert [s[0] for s in seen] == [1, 2, 3] and all(s[1] == 3 for s in seen)
    assert json.loads(written[1].read_text())["incidents"][0]["key"] == "HS-2"


def test_export_many_stops_when_cancelled(exporter: ExportService, tmp_path: Path) -> None:
    done: list[int] = []
    written = exporter.export_many(
        exporter.all_incident_ids(),
        ExportRequest(Format.MARKDOWN),
        tmp_path / "out",
        progress=lambda n, total, name: done.append(n),
        cancelled=lambda: len(done) >= 1,
    )
    assert len(written) == 1 and [p.name for p in (tmp_path / "out").iterdir()] == [written[0].name]


def test_bulk_json_is_the_same_as_one_incident_at_a_time(
    exporter: ExportService, demo_workspace: Workspace, tmp_path: Path
) -> None:
    ids = exporter.all_incident_ids()
    for redact in (False, True):
        request = ExportRequest(Format.JSON, redact_pii=redact)
        written = exporter.export_many(ids, request, tmp_path / f"bulk-{redact}")
        assert [p.read_bytes() for p in written] == [exporter.render(i, request).data for i in ids]


def test_export_all_never_writes_over_a_file(exporter: ExportService, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    (folder / "HS-2.json").write_text("not ours")
    with pytest.raises(ExportError, match=r"already holds HS-2\.json; nothing was written"):
        exporter.export_many(exporter.all_incident_ids(), ExportRequest(Format.JSON), folder)
    assert sorted(p.name for p in folder.iterdir()) == ["HS-2.json"]
    assert (folder / "HS-2.json").read_text() == "not ours"


def test_keys_from_before_the_grammar_still_get_a_file_each(
    demo_workspace: Workspace, tmp_path: Path
) -> None:
    # Databases written before keys were checked may hold keys such as these.
    legacy = ["X/1", "X-1", ".", "..", "A:B", "A;B", "a:b2", "CON", "X~2f~1"]
    for number in range(len(legacy) - demo_workspace.incidents.count()):
        demo_workspace.incidents.create(f"extra {number}")
    with sqlite3.connect(demo_workspace.path) as connection:
        rows = connection.execute("SELECT id FROM incidents ORDER BY id").fetchall()
        for (incident_id,), key in zip(rows, legacy, strict=True):
            connection.execute("UPDATE incidents SET key = ? WHERE id = ?", (key, incident_id))
    exporter = ExportService(demo_workspace)
    for fmt in (Format.JSON, Format.MARKDOWN):
        folder = tmp_path / fmt.value
        written = exporter.export_many(exporter.all_incident_ids(), ExportRequest(fmt), folder)
        assert len(written) == len(set(written)) == len(list(folder.iterdir())) == len(rows)
        assert all(p.parent == folder for p in written)


def test_source_date_epoch_fixes_the_export_time(
    demo_workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SOURCE_DATE_EPOCH, str(int(FIXED_NOW.timestamp())))
    service = ExportService(demo_workspace, zone=UTC)
    text = service.render(key_of(demo_workspace, "HS-2"), ExportRequest(Format.MARKDOWN)).text
    assert "on 2026-11-26 09:30." in text


# -- the command line -------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_writes_the_same_bytes_as_the_service(
    frozen_demo_db: Path,
    tmp_path: Path,
    capsysbinary: pytest.CaptureFixture[bytes],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv(SOURCE_DATE_EPOCH, str(int(FIXED_NOW.timestamp())))
    for fmt in ("md", "html", "json"):
        target = tmp_path / f"cli.{fmt}"
        assert (
            cli.main(
                ["export", "HS-2", "--format", fmt, "-o", str(target), "--db", str(frozen_demo_db)]
            )
            == 0
        )
        workspace = Workspace.open(frozen_demo_db)
        try:
            service = ExportService(workspace)  # what the dialog uses
            expected = service.render(key_of(workspace, "HS-2"), ExportRequest(Format(fmt))).data
        finally:
            workspace.close()
        assert target.read_bytes() == expected
    capsysbinary.readouterr()
    assert cli.main(["export", "hs-2", "--format", "md", "--db", str(frozen_demo_db)]) == 0
    assert capsysbinary.readouterr().out == (tmp_path / "cli.md").read_bytes()


def test_cli_pdf_and_all(
    frozen_demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(
        capsys,
        "export",
        "HS-1",
        "--format",
        "pdf",
        "--page-size",
        "Letter",
        "--template",
        "executive-summary",
        "-o",
        str(tmp_path / "x.pdf"),
        "--db",
        str(frozen_demo_db),
    )
    assert code == 0 and (tmp_path / "x.pdf").read_bytes().startswith(b"%PDF")
    code, out, _ = run(
        capsys,
        "export",
        "--all",
        "--format",
        "json",
        "-o",
        str(tmp_path / "all"),
        "--db",
        str(frozen_demo_db),
    )
    assert code == 0 and len(out.splitlines()) == 3
    assert sorted(p.name for p in (tmp_path / "all").iterdir()) == [
        "HS-1.json",
        "HS-2.json",
        "HS-3.json",
    ]


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["export", "HS-1"], 2, "--format"),
        (["export", "--format", "md"], 2, "name the incident"),
        (["export", "HS-1", "--all", "--format", "json", "-o", "x"], 2, "not both"),
        (["export", "--all", "--format", "json"], 2, "needs -o"),
        (["export", "HS-1", "--format", "pdf"], 2, "needs -o"),
        (["export", "HS-1", "--format", "docx"], 2, "invalid choice"),
        (["export", "HS-99", "--format", "md"], 1, "There is no incident HS-99"),
        (["export", "HS-1", "--format", "md", "--template", "nope"], 1, "no template called nope"),
        (["export", "HS-1", "--format", "md", "-o", "/nonexistent/dir/x.md"], 1, "Cannot write"),
    ],
)
def test_cli_exit_codes(
    frozen_demo_db: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    code: int,
    message: str,
) -> None:
    if (code == 2 and "invalid choice" in message) or argv == ["export", "HS-1"]:
        with pytest.raises(SystemExit) as caught:
            cli.main([*argv, "--db", str(frozen_demo_db)])
        assert caught.value.code == 2
        assert message in capsys.readouterr().err
        return
    got, _, err = run(capsys, *argv, "--db", str(frozen_demo_db))
    assert got == code
    assert message in err and len(err.strip().splitlines()) == 1


def test_cli_warns_about_personal_data_and_redacts_on_request(
    demo_workspace: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    with_personal_data(demo_workspace)
    path = str(demo_workspace.path)
    code, out, err = run(capsys, "export", "HS-1", "--format", "md", "--db", path)
    assert code == 0 and EMAIL in out and "warning" in err and "--redact-pii" in err
    code, out, err = run(capsys, "export", "HS-1", "--format", "md", "--redact-pii", "--db", path)
    assert code == 0 and EMAIL not in out and "[email redacted]" in out and not err


def test_a_pdf_stops_between_pages_when_cancelled(
    exporter: ExportService, demo_workspace: Workspace
) -> None:
    from hindsight.export.errors import ExportCancelled

    asked: list[int] = []

    def cancelled() -> bool:
        asked.append(1)
        return len(asked) > 2  # after the layout and the first page

    with pytest.raises(ExportCancelled, match="nothing was written"):
        exporter.render(
            key_of(demo_workspace, "HS-1"), ExportRequest(Format.PDF), cancelled=cancelled
        )
    assert len(asked) == 3


def test_cli_never_writes_over_a_file_without_force_nor_over_a_database_at_all(
    frozen_demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A tester ran `hindsight export HS-1 --format md --db v.sqlite -o v.sqlite`: exit 0, and
    # the database was Markdown afterwards. The same with `hindsight insights -o`.
    before = frozen_demo_db.read_bytes()
    db = ("--db", str(frozen_demo_db))
    for argv in (
        ("export", "HS-1", "--format", "md", "-o", str(frozen_demo_db)),
        ("export", "HS-1", "--format", "pdf", "-o", str(frozen_demo_db), "--force"),
        ("insights", "--format", "md", "-o", str(frozen_demo_db)),
        ("insights", "--format", "json", "-o", str(frozen_demo_db), "--force"),
    ):
        code, _, err = run(capsys, *argv, *db)
        assert code == 1, argv
        assert str(frozen_demo_db) in err and len(err.strip().splitlines()) == 1
        assert ("--force" in argv) == ("database file" in err), err
    assert frozen_demo_db.read_bytes() == before
    notes = tmp_path / "notes.md"
    notes.write_text("mine", "utf-8")
    code, _, err = run(capsys, "export", "HS-1", "--format", "md", "-o", str(notes), *db)
    assert code == 1 and "exists already; add --force to replace it" in err
    assert notes.read_text("utf-8") == "mine"
    code, _, _ = run(capsys, "export", "HS-1", "--format", "md", "-o", str(notes), "--force", *db)
    assert code == 0 and notes.read_text("utf-8").startswith("# HS-1")


def test_no_writer_replaces_a_database_file(tmp_path: Path) -> None:
    from hindsight.export.atomic import write_atomic

    database = tmp_path / "team.sqlite"
    sqlite3.connect(database).execute("CREATE TABLE t (x)").connection.close()
    before = database.read_bytes()
    with pytest.raises(WriteProblem, match="it is a database file"):
        write_atomic(database, b"# a document")
    assert database.read_bytes() == before
    assert list(tmp_path.iterdir()) == [database]  # no temporary file left either
    other = tmp_path / "notes.txt"
    other.write_bytes(b"SQLite format 2 is not a database header")
    write_atomic(other, b"replaced")
    assert other.read_bytes() == b"replaced"
