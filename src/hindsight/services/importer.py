"""Import use cases: read a JSON export, check all of it, then write it in one transaction.

Nothing is written until the whole file has been read and checked; then every incident of the
file goes in through one write transaction, so an import is all or nothing. A key that already
exists here is skipped or renamed, as the user chooses; without a choice, the import stops
before writing and says which keys clash.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hindsight.core.record_rules import record_problems
from hindsight.core.review import ReviewStatus
from hindsight.export.json_format import FormatError, IncidentBundle, decode, read_text
from hindsight.review.progress import open_required_questions
from hindsight.services.changes import Changes
from hindsight.services.errors import ValidationError
from hindsight.store.imports import (
    ImportItem,
    ImportOutcome,
    KeyConflictError,
    OnConflict,
    import_incidents,
    taken_keys,
)
from hindsight.store.links import existing_keys

MAX_FILE_BYTES = 256 * 1024 * 1024
PROBLEMS_LISTED = 12  # a refusal names this many problems of a file, then counts the rest


def refusal(head: str, problems: list[str]) -> str:
    """`head` and the one problem after it, or, for several, each on a line of its own.

    At most PROBLEMS_LISTED are named; the rest are counted. A file refused for one field
    at a time had to be imported again for each (a refusal used to name only the first).
    """
    if len(problems) == 1:
        return f"{head} {problems[0]}"
    lines = [f"{head} Fix these in the file and import it again:"]
    lines += [f"- {problem}" for problem in problems[:PROBLEMS_LISTED]]
    rest = len(problems) - PROBLEMS_LISTED
    if rest > 0:
        lines.append(f"…and {rest} more")
    return "\n".join(lines)


_INDEXED = re.compile(r"incidents\[(\d+)\]")
_KEY_SHOWN = 40  # characters of a key quoted beside its index


def _keys_in(text: str) -> dict[int, str]:
    """The keys of a refused file's incidents by index, where the file says one plainly.

    Read again only once the file is refused, so a problem can say which incident it is in
    ("incidents[2] (HS-3).severity"), not only where in the file. A file that is not JSON at
    all names none.
    """
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return {}
    incidents = document.get("incidents") if isinstance(document, dict) else None
    if not isinstance(incidents, list):
        return {}
    keys = {}
    for index, incident in enumerate(incidents):
        key = incident.get("key") if isinstance(incident, dict) else None
        if isinstance(key, str) and key.strip():
            flat = " ".join(key.split())
            keys[index] = flat if len(flat) <= _KEY_SHOWN else flat[: _KEY_SHOWN - 1] + "…"
    return keys


def _named(problem: str, keys: dict[int, str]) -> str:
    """`problem` with its incident's key after the index that starts it, when known."""
    found = _INDEXED.match(problem)
    if found is None or int(found.group(1)) not in keys:
        return problem
    return f"{found.group(0)} ({keys[int(found.group(1))]}){problem[found.end() :]}"


class ImportProblem(ValidationError):
    """An import that was refused; nothing was written. The message names the file."""


@dataclass
class ImportPlan:
    """A checked file, ready to import: its incidents and which of their keys clash."""

    path: Path
    bundles: list[IncidentBundle]
    conflicts: list[str]
    notes: list[str] = field(default_factory=list)

    @property
    def keys(self) -> list[str]:
        """The keys of the file's incidents, in file order."""
        return [b.incident.key for b in self.bundles]


@dataclass
class ImportResult:
    """What an import did."""

    path: Path
    outcomes: list[ImportOutcome]
    notes: list[str] = field(default_factory=list)

    @property
    def imported(self) -> list[ImportOutcome]:
        """The incidents written."""
        return [o for o in self.outcomes if not o.skipped]

    @property
    def skipped(self) -> list[ImportOutcome]:
        """The incidents left out because their key exists here."""
        return [o for o in self.outcomes if o.skipped]

    def summary(self) -> str:
        """One or two sentences for a message box or the terminal."""
        parts = []
        imported = self.imported
        if imported:
            keys = ", ".join(
                f"{o.original_key} as {o.key}" if o.renamed else str(o.key) for o in imported
            )
            parts.append(
                f"Imported {len(imported)} incident{'s' if len(imported) != 1 else ''}: {keys}."
            )
        else:
            parts.append("Imported nothing.")
        if self.skipped:
            keys = ", ".join(o.original_key for o in self.skipped)
            parts.append(f"Skipped (the key exists already): {keys}.")
        parts.extend(self.notes)
        return " ".join(parts)


class ImportService:
    """Imports into one workspace."""

    def __init__(
        self, workspace: Any, clock: Callable[[], datetime] = lambda: datetime.now(UTC)
    ) -> None:
        self.workspace = workspace
        self.clock = clock

    def read(self, path: Path | str) -> ImportPlan:
        """Read and check the file at `path`; ImportProblem naming the file and the bad field."""
        path = Path(path)
        try:
            if path.stat().st_size > MAX_FILE_BYTES:
                raise ImportProblem(
                    f"{path} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB; "
                    "it is not a Hindsight export."
                )
            raw = path.read_bytes()
        except OSError as error:
            raise ImportProblem(
                f"Cannot read {path}: {error.strerror or error}. Check the file and try again."
            ) from error
        text = ""
        try:
            text = decode(raw)
            del raw  # held once, as text; the incidents are parsed and checked one by one
            bundles = read_text(text)
        except FormatError as error:
            keys = _keys_in(text)
            found = [_named(str(problem), keys) for problem in error.problems] or [str(error)]
            raise ImportProblem(
                refusal(f"{path} is not a usable Hindsight export; nothing was imported.", found)
            ) from error
        return self.plan(path, bundles)

    def plan(self, path: Path, bundles: list[IncidentBundle]) -> ImportPlan:
        """Which keys of `bundles` are taken here, and what cannot be carried over.

        The file is held to the editor's rules: a record the editor would refuse, or a review
        marked published that the publish check would stop, is refused (nothing is written)
        unless it is marked `historical`, a postmortem published outside Hindsight.
        """
        found: list[str] = []
        for index, bundle in enumerate(bundles):
            incident = bundle.incident
            where = f"incidents[{index}] ({incident.key})"
            found.extend(f"{where}: {p}" for p in record_problems(incident))
            if incident.review_status is ReviewStatus.PUBLISHED and not incident.historical:
                # Required questions only: kinds of change added to the vocabulary since
                # the file was written were never asked of its published review.
                review = self.workspace.review
                missing = open_required_questions(review.bank, incident)
                if missing:
                    found.append(
                        f"{where}.review.status: published, but {len(missing)} required "
                        f"question(s) are not answered (first: {missing[0].prompt}). "
                        'Import it as "in_review", or set '
                        '"historical": true to bring it in as a postmortem published '
                        "outside Hindsight."
                    )
        if found:
            raise ImportProblem(
                refusal(f"{path} holds what Hindsight would refuse; nothing was imported.", found)
            )
        conflicts = taken_keys(self.workspace.database, [b.incident.key for b in bundles])
        return ImportPlan(path, bundles, conflicts, self._unlinkable(bundles))

    def _unlinkable(self, bundles: list[IncidentBundle]) -> list[str]:
        """A note for each link whose other incident is neither in the file nor here."""
        in_file = {b.incident.key.upper() for b in bundles}
        named = {link.key for b in bundles for link in b.links or ()}
        here = existing_keys(self.workspace.database, named - in_file)
        notes = []
        for bundle in bundles:
            for link in bundle.links or ():
                if link.key.upper() not in in_file | here:
                    notes.append(
                        f"{bundle.incident.key}'s link “{link.phrase} {link.key}” was left out: "
                        f"{link.key} is neither in the file nor in this database (import it, "
                        "then link the two in the Links tab)."
                    )
        return notes

    def apply(
        self, plan: ImportPlan, on_conflict: OnConflict | str = OnConflict.FAIL
    ) -> ImportResult:
        """Write the plan's incidents in one transaction; ImportProblem (nothing written) if
        keys clash and no policy was chosen."""
        policy = OnConflict(on_conflict)
        items = []
        for bundle in plan.bundles:
            incident = replace(bundle.incident, id=None, version=0)
            incident.review_progress = self.workspace.review.percent(incident)
            privacy = bundle.privacy
            items.append(
                ImportItem(
                    incident,
                    tuple(bundle.transitions),
                    tuple(bundle.followups or ()),
                    tuple(privacy.accesses) if privacy else (),
                    tuple(privacy.ethics.values()) if privacy else (),
                    tuple(bundle.links or ()),
                )
            )
        try:
            outcomes = import_incidents(self.workspace.database, items, policy, self.clock)
        except KeyConflictError as error:
            raise ImportProblem(
                f"{plan.path}: {error} in {self.workspace.path}; nothing was imported. "
                "Choose to skip those incidents or to import them under new keys."
            ) from error
        self.workspace.changes.record(Changes(everything=True))
        return ImportResult(plan.path, outcomes, list(plan.notes))

    def import_file(
        self, path: Path | str, on_conflict: OnConflict | str = OnConflict.FAIL
    ) -> ImportResult:
        """Read, check and import the file at `path` in one go."""
        return self.apply(self.read(path), on_conflict)
