"""The `hindsight db` and `hindsight copy` subcommands (wired into cli.py), and `--db`'s type.

`--db` takes a file path or a team database's address (postgresql://...): `database_target`
tells them apart as the command line is read, so an address is never taken for a path (and no
folder named after it is made). `db upgrade` is the one way the schema of a team database
changes; `db status` says where a database stands; `copy` moves a whole database between
files and servers, all or nothing.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hindsight.core.errors import HindsightError
from hindsight.store.postgres_url import BadServerAddress, ServerAddress, Target, target_from


class CommandError(HindsightError):
    """A failure to report in one line, with exit code 1 (cli.py reports HindsightError)."""


def database_target(text: str) -> Target:
    """argparse type of --db, --from and --to: a file path or a server address."""
    try:
        return target_from(text)
    except BadServerAddress as error:
        raise argparse.ArgumentTypeError(str(error)) from error


def add_parsers(sub: Any, db_option: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add `db` (upgrade, status) and `copy` to the subcommand parsers."""
    db = sub.add_parser(
        "db",
        help="upgrade or inspect a database's schema",
        description="Schema changes of a team database run only through `hindsight db "
        "upgrade` (files are upgraded when opened, after a backup).",
    )
    actions = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    upgrade = actions.add_parser(
        "upgrade",
        help="create or upgrade the schema to this version's (needs the owner's rights)",
    )
    db_option(upgrade)
    status = actions.add_parser("status", help="print the schema version and whether it fits")
    db_option(status)

    copy = sub.add_parser(
        "copy",
        help="copy a whole database between files and team databases",
        description="Copy every incident, follow-up, privacy record and history entry into "
        "a new file or an empty team database at the same schema, in one transaction: on any "
        "failure nothing is left behind.",
    )
    copy.add_argument(
        "--from", dest="source", type=database_target, required=True, metavar="PATH_OR_URL"
    )
    copy.add_argument(
        "--to", dest="destination", type=database_target, required=True, metavar="PATH_OR_URL"
    )


def _server(target: Target | None, command: str) -> ServerAddress:
    if not isinstance(target, ServerAddress):
        raise CommandError(
            f"`hindsight db {command}` works on team databases: give --db postgresql://"
            "host/database. A file's schema is upgraded when it is opened, after a backup."
        )
    return target


def cmd_db(args: argparse.Namespace) -> int:
    """Run `hindsight db upgrade|status`."""
    from hindsight.store.postgres import ServerDatabase, upgrade_server
    from hindsight.store.schema import HEAD_REVISION

    address = _server(args.db, args.db_command)
    if args.db_command == "upgrade":
        before, after = upgrade_server(address)
        if before == after:
            print(f"{address.display} is at schema {after} already; nothing changed.")
        elif before is None:
            print(f"Created the schema {after} in {address.display}.")
        else:
            print(f"Upgraded {address.display} from schema {before} to {after}.")
        return 0
    database = ServerDatabase.open(address)  # refuses a schema behind or ahead
    try:
        print(
            f"ok: {address.display} (schema {database.schema_revision()}, {HEAD_REVISION} expected)"
        )
    finally:
        database.close()
    return 0


def cmd_copy(args: argparse.Namespace) -> int:
    """Run `hindsight copy --from X --to Y`."""
    from hindsight.services.copy import copy_database

    if isinstance(args.destination, Path) and args.destination.exists():
        raise CommandError(
            f"{args.destination} already exists; copy into a new file or an empty team "
            "database. Nothing was copied."
        )
    report = copy_database(args.source, args.destination)
    print(report.summary())
    return 0
