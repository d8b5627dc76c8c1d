"""Review use cases: the question bank in use, progress, and moving a review to publication."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from hindsight.core.incident import Incident
from hindsight.core.review import ReviewStatus, ReviewTransition
from hindsight.preferences import load_section, save_section
from hindsight.review.bank import BankError, QuestionBank, default_bank_path, load_bank
from hindsight.review.progress import ReviewProgress, open_required_questions, review_progress
from hindsight.services.changes import ChangeFeed, Changes
from hindsight.services.errors import ValidationError
from hindsight.services.publish_gate import Blocker, PublishGate

if TYPE_CHECKING:
    from hindsight.store.incidents import IncidentRepository

log = logging.getLogger(__name__)
PREFERENCES = "review"

# Which moves between review states are allowed; reopening a published review needs a reason.
ALLOWED_MOVES: dict[ReviewStatus, tuple[ReviewStatus, ...]] = {
    ReviewStatus.DRAFT: (ReviewStatus.IN_REVIEW, ReviewStatus.PUBLISHED),
    ReviewStatus.IN_REVIEW: (ReviewStatus.DRAFT, ReviewStatus.PUBLISHED),
    ReviewStatus.PUBLISHED: (ReviewStatus.DRAFT, ReviewStatus.IN_REVIEW),
}


class PublishBlockedError(ValidationError):
    """Publishing was refused; `blockers` lists what is missing."""

    def __init__(self, key: str, blockers: list[Blocker]) -> None:
        self.blockers = blockers
        lines = "\n".join(f"- {b.area}: {b.message}" for b in blockers)
        super().__init__(f"{key} cannot be published yet. Still missing:\n{lines}")


def _bank_from_preferences() -> tuple[QuestionBank, str]:
    """The team's chosen bank, or the default one with the reason it was not used."""
    chosen = load_section(PREFERENCES).get("bank_path")
    if chosen:
        try:
            return load_bank(Path(chosen)), ""
        except BankError as error:
            log.warning("falling back to the default question bank: %s", error)
            problem = f"{error} Using the default question bank instead."
            return load_bank(default_bank_path()), problem
    return load_bank(default_bank_path()), ""


class ReviewService:
    """The guided review of incidents in one workspace."""

    def __init__(
        self,
        repository: Callable[[], IncidentRepository],
        gate: PublishGate,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        feed: ChangeFeed | None = None,
    ) -> None:
        # A function giving the repository: the workspace makes it (and loads the ORM) only
        # when a review moves or its history is read, never to read the bank.
        self.repository = repository
        self.gate = gate
        self.clock = clock
        self.feed = feed or ChangeFeed()
        self.bank, self.bank_problem = _bank_from_preferences()
        gate.register("review", self.unanswered_blockers)

    # The bank

    def choose_bank(self, path: Path) -> QuestionBank:
        """Use the bank at `path` from now on; BankError (and no change) if it is invalid."""
        bank = load_bank(path)
        save_section(PREFERENCES, {"bank_path": str(path)})
        self.bank, self.bank_problem = bank, ""
        return bank

    def use_default_bank(self) -> QuestionBank:
        """Go back to the bank shipped with Hindsight."""
        save_section(PREFERENCES, {})
        self.bank, self.bank_problem = load_bank(default_bank_path()), ""
        return self.bank

    # Progress and the gate

    def progress(self, incident: Incident) -> ReviewProgress:
        """Per-section progress of `incident` against the bank in use."""
        return review_progress(self.bank, incident)

    def percent(self, incident: Incident) -> int:
        """Share of required items settled, 0-100."""
        return self.progress(incident).percent

    def unanswered_blockers(self, incident: Incident) -> list[Blocker]:
        """The review's own publish check: required questions and change attribution."""
        titles = {q.id: s.title for s in self.bank.sections for q in s.questions}
        blockers = [
            Blocker("Review", f"{titles[q.id]}: {q.prompt}", q.id)
            for q in open_required_questions(self.bank, incident)
        ]
        missing = [k.id for k in self.bank.change_kinds if k.id not in incident.attributions]
        if missing:
            blockers.append(
                Blocker(
                    "Review",
                    f"Change attribution: {len(missing)} kind(s) of change have no verdict yet.",
                    "change_attribution",
                )
            )
        return blockers

    def blockers(self, incident: Incident) -> list[Blocker]:
        """Everything that stops publishing, from every registered check."""
        return self.gate.blockers(incident)

    # Status

    def move(self, incident: Incident, to_status: ReviewStatus, reason: str = "") -> Incident:
        """Move the review to `to_status`, recording the transition; returns the stored record.

        Publishing runs the publish gate; reopening a published review needs a reason.
        """
        current = incident.review_status
        if to_status is current:
            return incident
        if to_status not in ALLOWED_MOVES[current]:
            raise ValidationError(f"A review cannot go from {current.value} to {to_status.value}.")
        if current is ReviewStatus.PUBLISHED and not reason.strip():
            raise ValidationError("Say why the published review is being reopened.")
        if to_status is ReviewStatus.PUBLISHED:
            blockers = self.blockers(incident)
            if blockers:
                raise PublishBlockedError(incident.key, blockers)
        transition = ReviewTransition(self.clock(), current, to_status, reason.strip())
        stored = self.repository().change_review_status(incident, transition)
        # Publishing starts the clock of the follow-up rule on Highest items.
        self.feed.record(Changes.of(incidents=[stored.id], followups=[stored.id]))
        return stored

    def history(self, incident_id: int) -> list[ReviewTransition]:
        """The review's recorded status changes, oldest first."""
        return self.repository().review_transitions(incident_id)

    def published_at(self, incident_id: int) -> datetime | None:
        """When the review was last published, if it is published now."""
        moves = self.history(incident_id)
        if not moves or moves[-1].to_status is not ReviewStatus.PUBLISHED:
            return None
        return moves[-1].at
