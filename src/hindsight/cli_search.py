"""The `hindsight search` subcommand, and the search index's part of `hindsight check`.

Search runs the same service as the app's search box: the same query language, ranking and
snippets. Exit codes follow cli.py: 0 success (also when nothing matches), 1 a problem the
user can fix (a malformed query, a damaged index: one line saying what to do), 2 bad usage.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hindsight.cli_export import CommandError

if TYPE_CHECKING:
    from hindsight.core.search_results import SearchPage

MAX_LIMIT = 1000


def _limit(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= MAX_LIMIT:
        raise argparse.ArgumentTypeError(f"give a number from 1 to {MAX_LIMIT}")
    return value


def add_parser(sub: Any, db_option: Callable[[argparse.ArgumentParser], None]) -> None:
    """Add `search` to the subcommand parsers."""
    search = sub.add_parser(
        "search",
        help="search every incident's text, ranked by relevance",
        description='Search every incident: words, "exact phrases", prefix*, -exclusion, '
        "OR, and fields such as severity:SEV1, phase:follow-up, status:published, tag:drift, "
        "system:recs, team:finance, trigger:data, detected-by:users, "
        "implicated:training-data, owner:NAME, followup:open, after:2026-01-01, before:DATE. "
        "Quote the query for your shell.",
    )
    search.add_argument("query", nargs="*", metavar="QUERY", help="what to look for")
    search.add_argument(
        "--json", action="store_true", help="print a JSON array: key, title, score, snippets"
    )
    search.add_argument(
        "--limit", type=_limit, default=20, metavar="N", help="at most N results (default 20)"
    )
    db_option(search)


def page_as_json(page: SearchPage) -> list[dict[str, Any]]:
    """The hits of `page` as plain JSON data."""
    return [
        {
            "key": hit.key,
            "title": hit.title,
            "score": hit.score,
            "snippets": [
                {
                    "where": snippet.where,
                    "text": snippet.text,
                    "highlights": [list(span) for span in snippet.spans],
                }
                for snippet in hit.snippets
            ],
        }
        for hit in page.hits
    ]


def page_as_text(page: SearchPage) -> str:
    """The hits of `page` for a terminal: key, score and title, then the snippets."""
    if not page.hits:
        return "No incident matches."
    lines = []
    for hit in page.hits:
        lines.append(f"{hit.key}\t{hit.score:g}\t{hit.title}")
        lines += [f"\t{snippet.where}: {snippet.marked()}" for snippet in hit.snippets]
    shown = len(page.hits)
    noun = "incident matches" if page.total == 1 else "incidents match"
    lines.append(
        f"{page.total} {noun}." if shown == page.total else f"{shown} of {page.total} {noun}."
    )
    return "\n".join(lines)


def cmd_search(args: argparse.Namespace, open_workspace: Callable[[Path | None], Any]) -> int:
    """`hindsight search`."""
    from hindsight.core.search_query import QueryError

    text = " ".join(args.query)
    workspace = open_workspace(args.db)
    try:
        page = workspace.search.search(text, limit=args.limit)
    except QueryError as error:
        shown = text if len(text) <= 60 else text[:59] + "…"
        raise CommandError(f"cannot search for {shown!r}: {error}") from error
    finally:
        workspace.close()
    if page.notice:
        print(f"hindsight: note: {page.notice}", file=sys.stderr)
    as_json = json.dumps(page_as_json(page), indent=2, ensure_ascii=False) if args.json else None
    try:
        print(as_json if as_json is not None else page_as_text(page))
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader stopped early (`| head`): not an error. Quiet the flush at exit too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def index_problems(workspace: Any, repair: bool) -> list[str]:
    """The search index's problems for `hindsight check`; with `repair`, rebuilt first.

    Prints what the repair did. Returns what is still wrong.
    """
    problems: list[str] = workspace.search.index_problems()
    if problems and repair:
        workspace.search.rebuild_index()
        print(f"repaired: rebuilt the search index of {workspace.path}")
        problems = workspace.search.index_problems()
    return problems
