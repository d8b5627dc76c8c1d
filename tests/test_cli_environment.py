"""The command line in a hostile environment: closed and read-only folders, a data folder that
is a file, a full disk. Each gives exit 1 and one line naming the path; never a traceback, never
exit 3, never a file left half-written.

Run in child processes: permissions are checked by the kernel (as root, with the capabilities
that bypass them dropped through setpriv), and a full disk is a file-size limit (RLIMIT_FSIZE,
with SIGXFSZ ignored so writes fail with EFBIG instead of killing the process).
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from hindsight.services.demo import write_demo_database

ROOT = os.geteuid() == 0
SETPRIV = shutil.which("setpriv")
needs_permissions = pytest.mark.skipif(
    ROOT and SETPRIV is None, reason="root without setpriv: permissions cannot be enforced"
)


def hindsight(
    *args: object, data: Path, limit: int | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `python -m hindsight ARGS` as a user whom permissions bind."""
    command = [sys.executable, "-m", "hindsight", *map(str, args)]
    if ROOT and SETPRIV is not None:
        command = [SETPRIV, "--bounding-set=-dac_override,-dac_read_search", *command]
    pre: Callable[[], None] | None = None
    if limit is not None:

        def pre() -> None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    env = {**os.environ, "HINDSIGHT_DATA_DIR": str(data), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        command, capture_output=True, text=True, env=env, preexec_fn=pre, timeout=120
    )


def one_line_refusal(result: subprocess.CompletedProcess[str], *names: object) -> str:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("hindsight: "), result.stderr
    for name in names:
        assert str(name) in lines[0]
    return lines[0]


@pytest.fixture
def place(tmp_path: Path) -> Iterator[Path]:
    """A folder with a closed and a read-only folder in it (restored for clean-up)."""
    (tmp_path / "closed").mkdir(mode=0o000)
    (tmp_path / "read-only").mkdir(mode=0o555)
    (tmp_path / "data").mkdir()
    yield tmp_path
    for name in ("closed", "read-only"):
        (tmp_path / name).chmod(0o755)


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    return write_demo_database(tmp_path / "demo.sqlite")


@needs_permissions
def test_a_data_folder_that_cannot_be_entered(place: Path) -> None:
    result = hindsight("list", data=place / "closed" / "data")
    line = one_line_refusal(result, place / "closed" / "data")
    assert "HINDSIGHT_DATA_DIR" in line


def test_a_data_folder_that_is_a_file(place: Path) -> None:
    (place / "plain").write_text("")
    for data in (place / "plain", place / "plain" / "below"):
        line = one_line_refusal(hindsight("list", data=data), data)
        assert "is a file, not a folder" in line


@needs_permissions
def test_a_database_in_a_closed_folder(place: Path) -> None:
    target = place / "closed" / "x.sqlite"
    for command in (["list"], ["check"], ["init"], ["export", "HS-1", "--format", "md"]):
        one_line_refusal(hindsight(*command, "--db", target, data=place / "data"), target)


@needs_permissions
def test_backup_into_a_read_only_folder(place: Path, demo: Path) -> None:
    target = place / "read-only" / "b.sqlite"
    one_line_refusal(hindsight("backup", "-o", target, "--db", demo, data=place / "data"), target)
    assert os.listdir(place / "read-only") == []


@needs_permissions
def test_import_of_a_file_in_a_closed_folder(place: Path, demo: Path) -> None:
    source = place / "closed" / "x.json"
    one_line_refusal(hindsight("import", source, "--db", demo, data=place / "data"), source)


@needs_permissions
def test_exports_and_demo_into_a_read_only_folder(place: Path, demo: Path) -> None:
    folder = place / "read-only"
    cases = [
        ["export", "HS-1", "--format", "md", "-o", folder / "x.md", "--db", demo],
        ["export", "--all", "--format", "json", "-o", folder / "all", "--db", demo],
        ["demo", "-o", folder / "d.sqlite"],
        ["init", "--db", folder / "n.sqlite"],
    ]
    for case in cases:
        one_line_refusal(hindsight(*case, data=place / "data"), folder)
    assert os.listdir(folder) == []


# -- a full disk ----------------------------------------------------------------------------------

LIMIT = 120_000  # bytes: more than a log line or a small export, less than a database


def test_demo_onto_a_full_disk_says_so_and_leaves_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    line = one_line_refusal(
        hindsight("demo", "-o", out / "demo.sqlite", data=tmp_path / "data", limit=LIMIT),
        out / "demo.sqlite",
    )
    assert "disk holding this database is full" in line
    assert os.listdir(out) == []


def test_init_and_backup_onto_a_full_disk(tmp_path: Path, demo: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    for case in (
        ["init", "--db", out / "new.sqlite"],
        ["backup", "-o", out / "b.sqlite", "--db", demo],
    ):
        line = one_line_refusal(hindsight(*case, data=tmp_path / "data", limit=LIMIT), out)
        assert "full" in line
        assert os.listdir(out) == []


def test_exports_onto_a_full_disk(tmp_path: Path, demo: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    cases = [
        ["export", "HS-1", "--format", "pdf", "-o", out / "x.pdf"],
        ["export", "--all", "--format", "json", "-o", out / "all"],
    ]
    for case in cases:
        # Room for the database's -shm file (32 KiB), not for the exported files.
        result = hindsight(*case, "--db", demo, data=tmp_path / "data", limit=40_000)
        line = one_line_refusal(result, out)
        assert "the disk is full" in line
    leftovers = [p for p in out.rglob("*") if p.is_file()]
    assert leftovers == []


def test_import_onto_a_full_disk_writes_nothing(tmp_path: Path, demo: Path) -> None:
    exported = tmp_path / "all"
    assert (
        hindsight(
            "export",
            "--all",
            "--format",
            "json",
            "-o",
            exported,
            "--db",
            demo,
            data=tmp_path / "data",
        ).returncode
        == 0
    )
    target = tmp_path / "target.sqlite"
    assert hindsight("init", "--db", target, data=tmp_path / "data").returncode == 0
    # Room for the -shm file (32 KiB), not for what the import writes to the -wal file.
    result = hindsight(
        "import", exported / "HS-3.json", "--db", target, data=tmp_path / "data", limit=40_000
    )
    line = one_line_refusal(result, target)
    assert "full" in line
    check = hindsight("list", "--db", target, data=tmp_path / "data")
    assert (check.returncode, check.stdout) == (0, "")


def small_files() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))


def test_preferences_onto_a_full_disk_keep_the_old_file(tmp_path: Path) -> None:
    from hindsight.export.errors import WriteProblem
    from hindsight.preferences import load_section, preferences_path, save_section

    save_section("privacy", {"patterns": []})
    before = preferences_path().read_bytes()
    script = (
        "from hindsight.preferences import save_section\n"
        "save_section('privacy', {'patterns': [{'name': 'x', 'regex': 'y' * 100000}]})\n"
    )
    env = {**os.environ}
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=env,
        preexec_fn=small_files,
        timeout=60,
    )
    assert result.returncode != 0 and WriteProblem.__name__ in result.stderr
    assert "the disk is full" in result.stderr
    assert preferences_path().read_bytes() == before
    assert load_section("privacy") == {"patterns": []}
    assert [p.name for p in preferences_path().parent.iterdir() if p.name.startswith(".")] == []
