"""The publish gate: one list of checks that must pass before a review is published.

Each feature that can block publishing registers a check here (the review's own
completeness, the privacy checklist and data-access rules, ...). A check returns blockers,
each saying what is missing in words the author can act on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from hindsight.core.incident import Incident


@dataclass(frozen=True, slots=True)
class Blocker:
    """One reason the review cannot be published yet."""

    area: str  # which part of the review: "Review", "Privacy", ...
    message: str  # what is missing, and what to do
    target: str = ""  # where to jump to fix it (a question id, an access id ...), if any


GateCheck = Callable[[Incident], list[Blocker]]


class PublishGate:
    """Runs every registered check against an incident."""

    def __init__(self) -> None:
        self._checks: list[tuple[str, GateCheck]] = []

    def register(self, name: str, check: GateCheck) -> None:
        """Add a check; `name` identifies it in logs and tests."""
        self._checks.append((name, check))

    @property
    def check_names(self) -> list[str]:
        """The names of the registered checks, in order."""
        return [name for name, _ in self._checks]

    def blockers(self, incident: Incident) -> list[Blocker]:
        """Everything that stops `incident` from being published; empty when it may be."""
        found: list[Blocker] = []
        for _, check in self._checks:
            found.extend(check(incident))
        return found
