"""The `hindsight export` and `hindsight import` subcommands (wired into cli.py).

They call the same services as the export dialog and the File ▸ Import menu, so a command
line export writes the same bytes as the GUI. Exit codes follow cli.py: 0 success, 1 a problem
the user can fix (one line naming the file and what to do), 2 bad usage.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hindsight.core.errors import HindsightError

DOCUMENT_FORMATS = ("md", "html", "pdf", "json")


class CommandError(HindsightError):
    """A failure to report in one line, with exit code 1 (cli.py reports HindsightError)."""


def add_parsers(sub: Any, db_option: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add `export` and `import` to the subcommand parsers."""
    export = sub.add_parser(
        "export",
        help="write an incident as Markdown, HTML, PDF or JSON",
        description="Write an incident as a document or a JSON file. Without -o, Markdown, "
        "HTML and JSON go to standard output.",
    )
    export.add_argument("key", nargs="?", metavar="KEY", help="the incident, e.g. HS-3")
    export.add_argument(
        "--all", action="store_true", help="every incident, one file each, into the folder -o"
    )
    export.add_argument("--format", choices=DOCUMENT_FORMATS, required=True)
    export.add_argument(
        "--template",
        default="full-review",
        metavar="NAME",
        help="full-review (default), executive-summary, followup-report, or your own",
    )
    export.add_argument("--page-size", choices=("A4", "Letter"), default="A4", help="for PDF")
    export.add_argument("-o", "--output", type=Path, metavar="PATH", help="file (or folder)")
    export.add_argument(
        "--force", action="store_true", help="replace the file -o names if it exists already"
    )
    export.add_argument(
        "--redact-pii",
        action="store_true",
        help="replace personal data found in the text with placeholders (in the file only)",
    )
    db_option(export)

    importing = sub.add_parser(
        "import",
        help="import incidents from a Hindsight JSON export",
        description="Import the incidents of a JSON file written by `hindsight export --format "
        "json` (or by the app). The whole file is checked first: a file with any problem "
        "imports nothing.",
    )
    importing.add_argument(
        "file", type=Path, metavar="FILE", help="the JSON file (one incident or many)"
    )
    importing.add_argument(
        "--on-conflict",
        choices=("skip", "rename"),
        help="when a key exists already: skip that incident, or import it under a new key",
    )
    db_option(importing)


def _usage(args: argparse.Namespace) -> str | None:
    if args.all and args.key:
        return "give either KEY or --all, not both"
    if not args.all and not args.key:
        return "name the incident to export (KEY), or use --all"
    if args.all and args.output is None:
        return "--all needs -o FOLDER"
    if args.format == "pdf" and args.output is None:
        return "a PDF needs -o PATH"
    return None


def refuse_existing(output: Path | None, force: bool) -> None:
    """Raise CommandError when `output` names a file that exists and --force was not given
    (before any work: a PDF of a long review takes a while to make)."""
    if output is not None and not force and output.is_file():
        raise CommandError(f"{output} exists already; add --force to replace it")


def cmd_export(args: argparse.Namespace, open_workspace: Callable[[Path | None], Any]) -> int:
    """`hindsight export`."""
    from hindsight.export.errors import ExportError
    from hindsight.export.redaction import summarise
    from hindsight.services.export import ExportRequest, ExportService, Format

    problem = _usage(args)
    if problem:
        print(f"hindsight export: error: {problem}", file=sys.stderr)
        return 2
    request = ExportRequest(
        Format(args.format), args.template, args.page_size, redact_pii=args.redact_pii
    )
    if not args.all:
        refuse_existing(args.output, args.force)
    workspace = open_workspace(args.db)
    try:
        service = ExportService(workspace)
        if args.all:
            ids = service.all_incident_ids()
            for path in service.export_many(ids, request, args.output):
                print(path)
            return 0
        incident = workspace.incidents.get_by_key(args.key)
        assert incident.id is not None
        rendered = service.render(incident.id, request)
        if rendered.findings and not args.redact_pii:
            print(
                f"hindsight: warning: {incident.key} holds text that looks like personal data "
                f"({summarise(rendered.findings)}); exported as it is. Use --redact-pii to "
                "replace it in the file.",
                file=sys.stderr,
            )
        if args.output is None:
            sys.stdout.buffer.write(rendered.data)
            sys.stdout.flush()
        else:
            print(service.write(rendered, args.output, replace=args.force))
        return 0
    except ExportError as error:
        raise CommandError(str(error)) from error
    finally:
        workspace.close()


def cmd_import(args: argparse.Namespace, open_workspace: Callable[[Path | None], Any]) -> int:
    """`hindsight import`."""
    from hindsight.services.importer import ImportService

    workspace = open_workspace(args.db)
    try:
        service = ImportService(workspace)
        plan = service.read(args.file)
        if plan.conflicts and not args.on_conflict:
            raise CommandError(
                f"{', '.join(plan.conflicts)} already "
                f"{'exists' if len(plan.conflicts) == 1 else 'exist'} in {workspace.path}; "
                "nothing was imported. Add --on-conflict skip or --on-conflict rename."
            )
        result = service.apply(plan, args.on_conflict or "fail")
    finally:
        workspace.close()
    print(result.summary())
    return 0
