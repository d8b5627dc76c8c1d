"""The `hindsight insights` subcommand: the insights report, or every figure as JSON.

It calls the same service as the Insights view's export, so the same scope gives the same
figures; `--format json` is exactly what the view draws. Exit codes follow cli.py.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from hindsight.core.errors import HindsightError

FORMATS = ("md", "html", "pdf", "json")


class InsightsCommandError(HindsightError):
    """A failure to report in one line, with exit code 1."""


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2025-01-31") from error


def add_parser(sub: Any, db_option: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add `insights` to the subcommand parsers."""
    parser = sub.add_parser(
        "insights",
        help="figures across incidents: a report (Markdown, HTML, PDF) or JSON",
        description="Write the insights report over the incidents in a scope. Without -o, "
        "Markdown, HTML and JSON go to standard output. Dates are the day impact began.",
    )
    parser.add_argument("--from", dest="start", type=_day, metavar="DATE", help="first day")
    parser.add_argument("--to", dest="end", type=_day, metavar="DATE", help="last day")
    parser.add_argument(
        "--severity",
        action="append",
        choices=("SEV1", "SEV2", "SEV3", "SEV4"),
        default=[],
        help="only this severity (repeat for several)",
    )
    for name in ("tag", "system", "team"):
        parser.add_argument(
            f"--{name}",
            action="append",
            default=[],
            metavar=name.upper(),
            help=f"only incidents with this {name} (repeat for any of several)",
        )
    parser.add_argument(
        "--search",
        metavar="NAME",
        default="",
        help="only the incidents a saved search matches (its name, any case)",
    )
    parser.add_argument(
        "--query",
        metavar="Q",
        default="",
        help="only the incidents this search query matches (with --search: both)",
    )
    parser.add_argument(
        "--by",
        choices=("auto", "month", "quarter"),
        default="auto",
        help="count time by month or quarter (auto: quarters beyond two years)",
    )
    parser.add_argument("--format", choices=FORMATS, default="md")
    parser.add_argument(
        "--template", default="insights-report", metavar="NAME", help="for md, html and pdf"
    )
    parser.add_argument("--page-size", choices=("A4", "Letter"), default="A4", help="for PDF")
    parser.add_argument("-o", "--output", type=Path, metavar="PATH", help="file to write")
    parser.add_argument(
        "--force", action="store_true", help="replace the file -o names if it exists already"
    )
    db_option(parser)


def cmd_insights(args: argparse.Namespace, open_workspace: Callable[[Path | None], Any]) -> int:
    """`hindsight insights`."""
    from hindsight.core.insights_scope import Period, Scope
    from hindsight.export.errors import ExportError
    from hindsight.services.errors import ValidationError
    from hindsight.services.insights_report import ReportRequest, render_report

    if args.format == "pdf" and args.output is None:
        print("hindsight insights: error: a PDF needs -o PATH", file=sys.stderr)
        return 2
    scope = Scope(
        start=args.start,
        end=args.end,
        severities=frozenset(args.severity),
        tags=frozenset(args.tag),
        systems=frozenset(args.system),
        teams=frozenset(args.team),
        saved_search=args.search.strip(),
        search_query=args.query.strip(),
    )
    if scope.problems:
        raise InsightsCommandError(" ".join(scope.problems))
    from hindsight.cli_export import refuse_existing

    refuse_existing(args.output, args.force)
    period = None if args.by == "auto" else Period(args.by)
    request = ReportRequest(args.format, scope, period, args.template, args.page_size)
    workspace = open_workspace(args.db)
    try:
        report = render_report(workspace, request)
        if args.output is None:
            sys.stdout.buffer.write(report.data)
            sys.stdout.flush()
        else:
            from hindsight.export.atomic import write_atomic

            print(write_atomic(args.output, report.data, replace=args.force))
        return 0
    except (ExportError, ValidationError) as error:
        raise InsightsCommandError(str(error)) from error
    finally:
        workspace.close()
