"""The `hindsight` command line, run in-process (and once as `python -m hindsight`)."""

from __future__ import annotations

import json
import logging
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import hindsight.logging_setup
from hindsight import __version__, cli
from hindsight.core.enums import Phase, Severity
from hindsight.services.demo import load_demo_incidents
from hindsight.store.schema import HEAD_REVISION


@pytest.fixture(autouse=True)
def fresh_logging(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Let each test's main() set up logging into that test's own data directory."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    monkeypatch.setattr(hindsight.logging_setup, "_configured", False)
    yield
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = cli.main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_demo_writes_a_database(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "out" / "demo.sqlite"
    code, out, err = run(capsys, "demo", "-o", target)
    assert (code, err) == (0, "")
    assert out.strip() == str(target)
    assert target.is_file()


@pytest.mark.sqlite_only("a file's bytes and backups")
def test_demo_refuses_an_existing_file(capsys: pytest.CaptureFixture[str], demo_db: Path) -> None:
    before = demo_db.read_bytes()
    code, _, err = run(capsys, "demo", "-o", demo_db)
    assert code == 1
    assert "already exists" in err
    assert demo_db.read_bytes() == before


def test_list(capsys: pytest.CaptureFixture[str], demo_db: Path) -> None:
    code, out, err = run(capsys, "list", "--db", demo_db)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    titles = [incident.title for incident in load_demo_incidents()]
    assert lines == [
        f"HS-3\tresolution\tSEV2\t{titles[2]}",
        f"HS-2\tfollow_up\tSEV1\t{titles[1]}",
        f"HS-1\tfollow_up\tSEV2\t{titles[0]}",
    ]


def test_db_option_before_the_subcommand(capsys: pytest.CaptureFixture[str], demo_db: Path) -> None:
    code, out, err = run(capsys, "--db", demo_db, "list")
    assert (code, err) == (0, "")
    assert len(out.splitlines()) == 3


def test_list_json(capsys: pytest.CaptureFixture[str], demo_db: Path) -> None:
    code, out, err = run(capsys, "list", "--json", "--db", demo_db)
    assert (code, err) == (0, "")
    rows = json.loads(out)
    assert [row["key"] for row in rows] == ["HS-3", "HS-2", "HS-1"]
    for row in rows:
        assert set(row) == {"key", "phase", "severity", "title", "updated_at"}
        Phase(row["phase"])
        Severity(row["severity"])
        assert row["title"]
        assert row["updated_at"].endswith("+00:00")
    assert rows[1]["severity"] == "SEV1"


def test_list_json_of_an_empty_database(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from hindsight.services.workspace import Workspace

    path = tmp_path / "empty.sqlite"
    Workspace.open(path).close()
    code, out, _ = run(capsys, "list", "--json", "--db", path)
    assert (code, json.loads(out)) == (0, [])


def test_check(capsys: pytest.CaptureFixture[str], demo_db: Path) -> None:
    code, out, err = run(capsys, "check", "--db", demo_db)
    assert (code, err) == (0, "")
    assert out.startswith("ok: ")
    assert str(demo_db) in out
    assert f"schema {HEAD_REVISION}" in out


@pytest.mark.sqlite_only("a file's bytes and backups")
def test_check_reports_problems(capsys: pytest.CaptureFixture[str], demo_db: Path) -> None:
    # An orphan row slipped in with foreign keys off, as another tool might do.
    connection = sqlite3.connect(demo_db)
    connection.execute("PRAGMA foreign_keys=OFF")
    connection.execute("UPDATE team_involvements SET incident_id = 99 WHERE id = 1")
    connection.commit()
    connection.close()
    code, out, err = run(capsys, "check", "--db", demo_db)
    assert code == 1
    assert "team_involvements" in out and "incidents" in out
    assert "1 integrity problem" in err


@pytest.mark.sqlite_only("a file's bytes and backups")
def test_backup(capsys: pytest.CaptureFixture[str], demo_db: Path, tmp_path: Path) -> None:
    target = tmp_path / "copy.sqlite"
    code, out, err = run(capsys, "backup", "--db", demo_db, "-o", target)
    assert (code, err) == (0, "")
    assert out.strip() == str(target)
    connection = sqlite3.connect(target)
    try:
        assert connection.execute("SELECT count(*) FROM incidents").fetchone()[0] == 3
    finally:
        connection.close()
    before = target.read_bytes()
    code, out, err = run(capsys, "backup", "--db", demo_db, "-o", target)
    assert code == 1
    assert "already exists" in err
    assert target.read_bytes() == before
    # A folder that is not there is said, not made (a tester's /nonexist/ was made quietly).
    missing = tmp_path / "no-such-folder" / "b.sqlite"
    code, out, err = run(capsys, "backup", "--db", demo_db, "-o", missing)
    assert code == 1 and "is not a folder" in err
    assert not missing.parent.exists()


@pytest.mark.sqlite_only("a file's bytes and backups")
def test_backup_to_the_backups_folder(
    capsys: pytest.CaptureFixture[str], demo_db: Path, data_dir: Path
) -> None:
    code, out, _ = run(capsys, "backup", "--db", demo_db)
    assert code == 0
    written = Path(out.strip())
    assert written.parent == data_dir / "backups"
    assert written.is_file()


def test_missing_database(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "nope.sqlite"
    code, out, err = run(capsys, "list", "--db", missing)
    assert code == 1
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("hindsight: ")
    assert str(missing) in err
    assert not missing.exists()


def test_default_database_is_in_the_data_dir(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    code, _, err = run(capsys, "list")
    assert code == 1
    assert str(data_dir / "hindsight.sqlite") in err


def test_text_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("not a database\n")
    code, out, err = run(capsys, "list", "--db", path)
    assert (code, out) == (1, "")
    assert err.count("\n") == 1
    assert "not a Hindsight database" in err
    assert str(path) in err
    assert path.read_text() == "not a database\n"


@pytest.mark.sqlite_only("a file's bytes and backups")
def test_corrupt_database_gets_a_one_line_message(
    capsys: pytest.CaptureFixture[str], demo_db: Path
) -> None:
    data = bytearray(demo_db.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    data[page:] = bytes(len(data) - page)  # zero every page after the first
    demo_db.write_bytes(bytes(data))
    code, _, err = run(capsys, "check", "--db", demo_db)
    assert code == 1
    assert "damaged" in err
    assert err.count("\n") == 1


def test_internal_error(
    capsys: pytest.CaptureFixture[str],
    demo_db: Path,
    data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(args: object) -> int:
        raise RuntimeError("a bug of ours")

    monkeypatch.setitem(cli.COMMANDS, "list", broken)
    code, _, err = run(capsys, "list", "--db", demo_db)
    assert code == 3
    log_file = data_dir / "hindsight.log"
    assert str(log_file) in err
    assert "Traceback" not in err
    logged = log_file.read_text(encoding="utf-8")
    assert "RuntimeError: a bug of ours" in logged


def test_unknown_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        cli.main(["frobnicate"])
    assert caught.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_missing_argument(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        cli.main(["demo"])
    assert caught.value.code == 2


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        cli.main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out.strip() == f"hindsight {__version__}"


def test_module_entry_point(demo_db: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "hindsight", "list", "--db", str(demo_db)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert [line.split("\t")[0] for line in result.stdout.splitlines()] == ["HS-3", "HS-2", "HS-1"]


def test_a_reader_that_stops_early_is_not_an_internal_error(demo_db: Path) -> None:
    # `hindsight list | head -0`: the pipe is closed before anything is written.
    process = subprocess.Popen(
        [sys.executable, "-m", "hindsight", "list", "--db", str(demo_db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    error = process.stderr.read().decode()
    assert process.wait(timeout=60) == 1
    assert "internal error" not in error
    assert "Traceback" not in error and "BrokenPipe" not in error


def test_module_entry_point_passes_the_exit_code(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "hindsight", "list", "--db", str(tmp_path / "missing.sqlite")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "missing.sqlite" in result.stderr


def _escape_db(path: Path) -> Path:
    from hindsight.services.workspace import Workspace

    workspace = Workspace.open(path)
    try:
        workspace.incidents.create("Red \x1b[31malert\x1b[0m\x07 and \x9b2J gone")
    finally:
        workspace.close()
    return path


def test_a_terminal_is_shown_control_characters_never_given_them(tmp_path: Path) -> None:
    # A title pasted from a log with ESC [31m: on a terminal, `hindsight list` would have
    # turned the terminal red (or worse); it shows ␛[31m instead.
    import os
    import pty

    db = _escape_db(tmp_path / "escapes.sqlite")
    leader, follower = pty.openpty()
    try:
        child = subprocess.run(
            [sys.executable, "-m", "hindsight", "list", "--db", str(db)],
            stdout=follower,
            stderr=subprocess.PIPE,
            env={**os.environ, "HINDSIGHT_DATA_DIR": str(tmp_path / "data")},
            timeout=60,
        )
        os.close(follower)
        follower = -1
        shown = b""
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal's other end closed
                break
            if not chunk:
                break
            shown += chunk
    finally:
        if follower != -1:
            os.close(follower)
        os.close(leader)
    assert child.returncode == 0, child.stderr
    text = shown.decode("utf-8")
    assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text
    assert "Red ␛[31malert␛[0m␇ and \ufffd2J gone" in text


def test_output_to_a_pipe_or_file_is_left_exact(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = _escape_db(tmp_path / "escapes.sqlite")
    code, out, _err = run(capsys, "list", "--db", db)
    assert code == 0 and "\x1b[31malert" in out  # not a terminal: as stored
    code, out, _err = run(capsys, "list", "--json", "--db", db)
    assert json.loads(out)[0]["title"].startswith("Red \x1b[31malert")


def test_markdown_export_replaces_control_characters(tmp_path: Path) -> None:
    from hindsight.terminal import show_controls

    assert show_controls("a\x1bb\tc\nd\re\x7f\x85") == "a␛b\tc\nd␍e␡\ufffd"
    # A right-to-left override in a title printed the rest of the line backwards.
    assert show_controls("Amara \u202eNowsu\u202c (on call)") == "Amara \ufffdNowsu\ufffd (on call)"
    assert (
        show_controls("\u2067iso\u2069 \u05e9\u05dc\u05d5\u05dd")
        == "\ufffdiso\ufffd \u05e9\u05dc\u05d5\u05dd"
    )
    db = _escape_db(tmp_path / "escapes.sqlite")
    target = tmp_path / "hs1.md"
    child = subprocess.run(
        [sys.executable, "-m", "hindsight", "export", "HS-1", "--format", "md", "-o", str(target),
         "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=120,
    )  # fmt: skip
    assert child.returncode == 0, child.stderr
    document = target.read_text(encoding="utf-8")
    assert "Red \ufffd\\[31malert" in document  # Markdown escapes the bracket
    assert not any(ch in document for ch in "\x1b\x07\x9b")


@pytest.mark.parametrize(
    ("where", "advice"),
    [("folder", "give a file name inside it"), ("missing", "choose a folder that exists")],
)
def test_export_to_a_folder_or_a_missing_one_says_what_to_do(
    capsys: pytest.CaptureFixture[str], demo_db: Path, tmp_path: Path, where: str, advice: str
) -> None:
    # Both ended "choose another folder or free some space": the disk had nothing to do
    # with either (found by trying the command line).
    target = tmp_path if where == "folder" else tmp_path / "nowhere" / "x.md"
    code, _out, err = run(capsys, "--db", demo_db, "export", "HS-1", "--format", "md", "-o", target)
    assert code == 1
    assert advice in err
    assert "space" not in err


def test_ctrl_c_says_interrupted_and_exits_130_even_when_cleaning_up_fails(
    capsys: pytest.CaptureFixture[str], demo_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A tester's Ctrl+C: `check` printed "internal error" and exited 3 (the rollback after the
    # interrupt failed in turn); `copy`, `import` and `insights` exited 1 without a word.
    def interrupted(_args: object) -> int:
        raise KeyboardInterrupt

    def rollback_fails(_args: object) -> int:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            raise RuntimeError("Can't reconnect until invalid transaction is rolled back") from None

    for command in (interrupted, rollback_fails):
        monkeypatch.setitem(cli.COMMANDS, "list", command)
        assert cli.main(["list", "--db", str(demo_db)]) == 130
        err = capsys.readouterr().err
        assert err == "hindsight: interrupted\n"
