"""The `hindsight` command: starts the GUI, or runs a headless subcommand.

Exit codes: 0 success, 1 a problem the user can fix (the message says how), 2 bad usage,
3 an internal error (its traceback is in the log file), 130 interrupted (Ctrl+C).
"""

from __future__ import annotations

import argparse
import errno
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

# Only what parsing the command line needs: starting the GUI pays for every import here.
from hindsight import STARTED, __version__, cli_export, cli_insights, cli_search, cli_team
from hindsight.core.errors import HindsightError
from hindsight.logging_setup import configure_logging
from hindsight.paths import default_database_path
from hindsight.store.postgres_url import ServerAddress, Target
from hindsight.terminal import guard_terminal_output

log = logging.getLogger(__name__)

EXIT_OK, EXIT_USER, EXIT_USAGE, EXIT_BUG = 0, 1, 2, 3
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report a command stopped by Ctrl+C


class UserError(HindsightError):
    """A failure to report in one line, with exit code 1."""


def _db_option(parser: argparse.ArgumentParser) -> None:
    # SUPPRESS: a subcommand that was not given --db must not reset the one given before it
    # (`hindsight --db X list`) to None; build_parser sets the real default once.
    parser.add_argument(
        "--db",
        type=cli_team.database_target,
        metavar="PATH_OR_URL",
        default=argparse.SUPPRESS,
        help="database file, or a team database's postgresql://user@host/database "
        "(default: the file in your data dir)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    parser = argparse.ArgumentParser(
        prog="hindsight",
        description="Postmortems of ML-system incidents. Without a subcommand, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"hindsight {__version__}")
    _db_option(parser)
    parser.set_defaults(db=None)
    parser.add_argument(
        "--demo", action="store_true", help="open a fresh temporary copy of the demo database"
    )
    parser.add_argument(
        "--startup-timing",
        nargs="?",
        const="paint",
        choices=("paint", "interactive", "loaded"),
        metavar="UNTIL",
        help="print where start-up time goes, then exit after the first paint with real rows "
        "(or, with 'interactive', once the editor is usable and shows an incident; with "
        "'loaded', once the rest of the services have loaded too)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    init = sub.add_parser(
        "init",
        help="create a new, empty database",
        description="Create a new, empty Hindsight database (owner-only). An existing file is "
        "never touched.",
    )
    _db_option(init)

    demo = sub.add_parser(
        "demo",
        help="write the demo database to a file",
        description="Write a database of three worked incidents and some generated history "
        "to a new file, to try Hindsight on.",
    )
    demo.add_argument(
        "-o", "--output", type=Path, required=True, metavar="PATH", help="the file to write"
    )

    listing = sub.add_parser(
        "list",
        help="list incidents, one a line",
        description="List every incident, one a line: key, severity, phase and title.",
    )
    listing.add_argument("--json", action="store_true", help="print a JSON array instead")
    _db_option(listing)

    check = sub.add_parser(
        "check",
        help="check the database's integrity and schema",
        description="Check the database's integrity, its schema and its search index; exit "
        "code 1 when a problem is found.",
    )
    check.add_argument("--repair", action="store_true", help="rebuild a damaged search index")
    _db_option(check)

    backup = sub.add_parser(
        "backup",
        help="copy the database consistently",
        description="Copy the database consistently, even while the app has it open (by "
        "default into the backups folder of your data dir).",
    )
    backup.add_argument("-o", "--output", type=Path, metavar="PATH", help="where to write it")
    _db_option(backup)
    cli_export.add_parsers(sub, _db_option)
    cli_insights.add_parser(sub, _db_option)
    cli_search.add_parser(sub, _db_option)
    cli_team.add_parsers(sub, _db_option)
    return parser


def _open_existing(path: Target | None):  # -> Workspace; imported lazily for a light start
    from hindsight.services.workspace import Workspace

    if isinstance(path, ServerAddress):
        return Workspace.open(path)  # refuses a schema behind or ahead, changing nothing
    target = path or default_database_path()
    if not _exists(target):
        raise UserError(
            f"There is no database at {target}. Create one with `hindsight init --db {target}` "
            "(or by starting the app)."
        )
    return Workspace.open(target, create=False)


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError as error:  # a folder on the way that may not be entered
        raise UserError(
            f"Cannot look at {path}: {error.strerror}. Check the folder's permissions."
        ) from error


def _cmd_init(args: argparse.Namespace) -> int:
    from hindsight.services.workspace import Workspace

    if isinstance(args.db, ServerAddress):
        raise UserError(
            f"A team database's tables are created with `hindsight db upgrade --db "
            f"{args.db.display}` (by a role that may create tables); nothing was changed."
        )
    target = args.db or default_database_path()
    if _exists(target):
        raise UserError(f"{target} already exists; nothing was changed. Choose a new path.")
    Workspace.open(target).close()
    print(target)
    return EXIT_OK


def _cmd_list(args: argparse.Namespace) -> int:
    workspace = _open_existing(args.db)
    try:
        summaries = workspace.incidents.summaries()
    finally:
        workspace.close()
    if args.json:
        rows = [
            {
                "key": s.key,
                "phase": s.phase.value,
                "severity": s.severity.value,
                "title": s.title,
                "updated_at": s.updated_at.isoformat(),
            }
            for s in summaries
        ]
        import json

        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        for s in summaries:
            print(f"{s.key}\t{s.phase.value}\t{s.severity.value}\t{s.title}")
    return EXIT_OK


def _cmd_check(args: argparse.Namespace) -> int:
    workspace = _open_existing(args.db)
    try:
        problems = workspace.integrity_problems()
        revision = workspace.database.schema_revision()
        problems += cli_search.index_problems(workspace, args.repair)
    finally:
        workspace.close()
    if problems:
        for problem in problems:
            print(problem)
        raise UserError(
            f"{workspace.location} has {len(problems)} integrity problem(s) listed above."
        )
    print(f"ok: {workspace.location} (schema {revision})")
    return EXIT_OK


def _cmd_backup(args: argparse.Namespace) -> int:
    workspace = _open_existing(args.db)
    try:
        if args.output is not None and args.output.exists():
            raise UserError(f"{args.output} already exists; choose another path.")
        if args.output is not None and not args.output.parent.is_dir():
            # As export does: a folder misspelt is said, not made (the backups folder is).
            raise UserError(f"{args.output.parent} is not a folder; create it or choose another.")
        written = workspace.backup(args.output)
    finally:
        workspace.close()
    print(written)
    return EXIT_OK


def _cmd_demo(args: argparse.Namespace) -> int:
    from hindsight.services.demo import write_demo_database

    print(write_demo_database(args.output))
    return EXIT_OK


def _run_gui(args: argparse.Namespace) -> int:
    timing = None
    if args.startup_timing:
        from hindsight.ui.startup_timing import StartupTiming

        timing = StartupTiming(STARTED, args.startup_timing)
        timing.mark("command line read")
    from hindsight.ui.app import run_app

    if timing is not None:
        timing.mark("Qt and the window's modules imported")
    if not args.demo:
        # Without --db: the database open when the app last closed (ui/app.py start_path).
        return run_app(args.db, timing=timing)
    # The window makes the demo copy off the GUI thread (ui/window_database.py).
    import shutil
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="hindsight-demo-"))
    try:
        return run_app(folder / "demo.sqlite", demo=True, timing=timing)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


COMMANDS = {
    "init": _cmd_init,
    "list": _cmd_list,
    "check": _cmd_check,
    "backup": _cmd_backup,
    "demo": _cmd_demo,
    "export": lambda args: cli_export.cmd_export(args, _open_existing),
    "import": lambda args: cli_export.cmd_import(args, _open_existing),
    "insights": lambda args: cli_insights.cmd_insights(args, _open_existing),
    "search": lambda args: cli_search.cmd_search(args, _open_existing),
    "db": cli_team.cmd_db,
    "copy": cli_team.cmd_copy,
}


def _interrupted() -> int:
    # Every write is whole or absent (one transaction, a file renamed into place): what an
    # interrupted command did not finish is not there at all.
    print("hindsight: interrupted", file=sys.stderr)
    return EXIT_INTERRUPTED


def _after_interrupt(error: BaseException) -> bool:
    """True when `error` was raised while handling a KeyboardInterrupt (Ctrl+C)."""
    seen: set[int] = set()
    cause: BaseException | None = error
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, KeyboardInterrupt):
            return True
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return False


def environment_message(error: OSError) -> str | None:
    """One line for an operating-system error the user's environment caused, or None.

    Every file Hindsight touches goes through code that explains its own errors; this is the
    last net, so that no folder or disk problem ever ends in "internal error".
    """
    kinds = {
        errno.EACCES: "permission denied; check the permissions of the file and its folders",
        errno.EPERM: "not permitted; check the permissions of the file and its folders",
        errno.ENOENT: "no such file or folder; check the path",
        errno.ENOTDIR: "a part of the path is a file, not a folder; check the path",
        errno.EISDIR: "it is a folder; give a file",
        errno.EROFS: "the disk is read-only",
        errno.ENOSPC: "the disk is full; free some space and try again",
        errno.EDQUOT: "your disk quota is used up; free some space and try again",
        errno.EFBIG: "the file is larger than this system allows (ulimit -f)",
        errno.ENAMETOOLONG: "the name is too long",
        errno.ELOOP: "too many symbolic links in the path",
        errno.EIO: "the disk reported an I/O error; check it",
    }
    advice = kinds.get(error.errno or 0)
    if advice is None:
        return None
    where = error.filename if error.filename is not None else "a file"
    return f"Cannot use {where}: {advice}."


def _stdout_to_null() -> None:
    """Point standard output at the null device, so that the exit's flush cannot fail."""
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, sys.stdout.fileno())
    os.close(null)


def _exclusion(token: str) -> bool:
    """True for a search word to leave out (`-model`), which argparse takes for an option."""
    return len(token) > 1 and token[0] == "-" and token[1] != "-"


def _merged(tokens: Sequence[str], query: list[str], words: list[str]) -> list[str]:
    """The query's words and the exclusions among `tokens`, in the order they were typed."""
    query, words, merged = list(query), list(words), []
    for token in tokens:
        if query and token == query[0]:
            merged.append(query.pop(0))
        elif words and token == words[0]:
            merged.append(words.pop(0))
    return merged + query + words


def parse_arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line, read; `hindsight search stale -model` takes -model as query text."""
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:
        if args.command != "search" or not all(_exclusion(token) for token in extra):
            parser.error(f"unrecognized arguments: {' '.join(extra)}")
        tokens = list(sys.argv[1:] if argv is None else argv)
        args.query = _merged(tokens, args.query, extra)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of `hindsight` and `python -m hindsight`."""
    args = parse_arguments(argv)
    if args.command is not None:
        guard_terminal_output()  # a title's ESC [31m is shown, never obeyed (terminal.py)
    try:
        log_file = configure_logging()
    except HindsightError as error:
        print(f"hindsight: {error}", file=sys.stderr)
        if args.command is None:  # the GUI says it too: it may have been started from a menu
            from hindsight.ui.app import show_start_problem

            show_start_problem(str(error))
        return EXIT_USER
    try:
        code = COMMANDS.get(args.command, _run_gui)(args)
        sys.stdout.flush()  # a closed pipe shows here, inside the net, not at exit
        return code
    except BrokenPipeError:
        # The reader went away (`hindsight list | head`): the rest of the output is unwanted.
        _stdout_to_null()
        return EXIT_USER
    except HindsightError as error:
        print(f"hindsight: {error}", file=sys.stderr)
        return EXIT_USER
    except KeyboardInterrupt:
        return _interrupted()
    except OSError as error:
        message = environment_message(error)
        if message is None:
            log.exception("unexpected error in hindsight %s", args.command or "gui")
            print(f"hindsight: internal error; the details are in {log_file}", file=sys.stderr)
            return EXIT_BUG
        log.warning("environment error in hindsight %s: %s", args.command or "gui", error)
        print(f"hindsight: {message}", file=sys.stderr)
        return EXIT_USER
    except Exception as error:
        if _after_interrupt(error):  # cleaning up after Ctrl+C failed in turn (a rollback)
            log.info("interrupted; then: %r", error)
            return _interrupted()
        log.exception("unexpected error in hindsight %s", args.command or "gui")
        print(f"hindsight: internal error; the details are in {log_file}", file=sys.stderr)
        return EXIT_BUG
