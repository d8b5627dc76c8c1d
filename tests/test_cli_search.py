"""`hindsight search` and the search index's part of `hindsight check`."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from hindsight.cli import main
from hindsight.services.workspace import Workspace
from search_world import W, build


@pytest.fixture
def world_db(db_path: Path) -> Path:
    workspace = Workspace.open(db_path)
    try:
        build(workspace)
    finally:
        workspace.close()
    return db_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_search_prints_hits_with_their_snippets(
    world_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "search", "--db", str(world_db), '"customer tickets"', "weird")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].startswith("HS-1\t") and lines[0].endswith("ran out of memory")
    assert lines[1] == (
        f"\tTimeline > Detection: [Customer tickets] about [weird] recs; {W['event_text']} noticed"
    )
    assert lines[-1] == "1 incident matches."


def test_search_limits_and_says_how_many_matched(
    world_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "search", "zebrafish", "--limit", "2", "--db", str(world_db))
    assert code == 0
    assert [line.split("\t")[0] for line in out.splitlines() if not line.startswith("\t")] == [
        "HS-2",
        "HS-4",
        "2 of 3 incidents match.",
    ]


def test_search_as_json(world_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "search", "--json", "--db", str(world_db), W["answer"])
    assert code == 0
    [hit] = json.loads(out)
    assert set(hit) == {"key", "title", "score", "snippets"}
    assert hit["key"] == "HS-1" and hit["score"] > 0
    [snippet] = hit["snippets"]
    assert snippet["where"] == "Review > Detection"
    [[start, end]] = snippet["highlights"]
    assert snippet["text"][start:end] == W["answer"]


def test_nothing_found_is_not_an_error(world_db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "search", "--db", str(world_db), "platypus") == (
        0,
        "No incident matches.\n",
        "",
    )
    code, out, _ = run(capsys, "search", "--json", "--db", str(world_db), "platypus")
    assert (code, json.loads(out)) == (0, [])


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ('"unclosed', "never closed"),
        ("severity:SEV9", "severity:SEV9 is not one of"),
        ("trigger:weather", "names none of"),
        ("OR zebrafish", "OR needs a search term"),
    ],
)
def test_a_malformed_query_is_one_line_and_exit_1(
    world_db: Path, capsys: pytest.CaptureFixture[str], query: str, says: str
) -> None:
    code, out, err = run(capsys, "search", "--db", str(world_db), query)
    assert code == 1 and out == ""
    assert err.startswith("hindsight: cannot search for") and says in err
    assert err.count("\n") == 1


@pytest.mark.parametrize("limit", ["0", "-3", "many", "1001"])
def test_bad_usage_is_exit_2(
    world_db: Path, capsys: pytest.CaptureFixture[str], limit: str
) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["search", "--limit", limit, "--db", str(world_db), "x"])
    assert caught.value.code == 2
    assert "--limit" in capsys.readouterr().err


def test_a_missing_database_is_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "search", "--db", str(tmp_path / "none.sqlite"), "x")
    assert code == 1 and "There is no database" in err


@pytest.mark.sqlite_only("tampers through sqlite3; test_postgres_search.py does it on the server")
def test_check_reports_a_damaged_index_and_repair_rebuilds_it(
    world_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "check", "--db", str(world_db))[0] == 0
    raw = sqlite3.connect(world_db)
    try:
        raw.execute("DROP TRIGGER search_child_followup_au")
        raw.execute("UPDATE followups SET description = 'rewritten behind its back'")
        raw.commit()
    finally:
        raw.close()
    code, out, err = run(capsys, "check", "--db", str(world_db))
    assert code == 1
    assert "search_child_followup_au" in out and "hindsight check --repair" in out
    assert "1 integrity problem" in err
    code, out, _ = run(capsys, "check", "--repair", "--db", str(world_db))
    assert code == 0
    assert out.splitlines()[0].startswith("repaired: rebuilt the search index")
    assert out.splitlines()[1].startswith("ok: ")
    code, out, _ = run(capsys, "search", "--db", str(world_db), "behind its back")
    assert code == 0 and out.splitlines()[-1] == "2 incidents match."


def test_a_reader_that_stops_early_is_not_an_error(world_db: Path, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "HINDSIGHT_DATA_DIR": str(tmp_path / "data")}
    command = [sys.executable, "-m", "hindsight", "search", "--db", str(world_db), "zebrafish"]
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()  # like `| head` that has read enough
    error = child.stderr.read().decode()
    assert child.wait(timeout=60) == 0
    assert "internal error" not in error


def test_an_exclusion_typed_unquoted_is_query_text_not_an_option(
    world_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, every, _ = run(capsys, "search", "--db", str(world_db), "zebrafish")
    code, quoted, _ = run(capsys, "search", "--db", str(world_db), "zebrafish -patterns")
    assert code == 0 and quoted.splitlines()[-1] != every.splitlines()[-1]  # one fewer
    code, unquoted, err = run(capsys, "search", "zebrafish", "-patterns", "--db", str(world_db))
    assert code == 0 and err == ""
    assert unquoted == quoted
    code, alone, _ = run(capsys, "search", "--db", str(world_db), "-zebrafish")
    assert code == 0 and "HS-2" not in alone


def test_an_unknown_option_is_still_bad_usage(
    world_db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["search", "zebrafish", "--colour", "--db", str(world_db)])
    assert stopped.value.code == 2
    assert "unrecognized arguments: --colour" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stopped:
        main(["list", "-x", "--db", str(world_db)])
    assert stopped.value.code == 2
