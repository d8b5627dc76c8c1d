"""Privacy and ethics use cases: the data-access log, the ethics checklist and the publish
check. The PII scan over an incident's text, and the team's patterns, are in pii_scan.py."""

from __future__ import annotations

import getpass
import logging
import tomllib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from hindsight.core.incident import Incident
from hindsight.core.pii import (
    CustomPattern,
    Finding,
)
from hindsight.core.privacy import (
    MAX_NAME,
    AccessDetails,
    ChecklistError,
    ChecklistItem,
    DataAccess,
    EthicsAnswer,
    EthicsChecklist,
    EthicsChoice,
    approver_problem,
    open_required_items,
    overdue_copies,
    parse_checklist,
    validation_problems,
)
from hindsight.core.review import ReviewStatus
from hindsight.core.text_fields import join_path, map_access_details
from hindsight.paths import resources_dir
from hindsight.preferences import load_section, save_section
from hindsight.services.changes import ChangeFeed, Changes
from hindsight.services.errors import ValidationError
from hindsight.services.pii_scan import redact_field_text
from hindsight.services.publish_gate import Blocker
from hindsight.store.privacy import PrivacyRepository

log = logging.getLogger(__name__)
PREFERENCES = "privacy"
AREA = "Privacy"
# A little slack for clocks that disagree, before a time counts as being in the future.
CLOCK_SLACK = timedelta(minutes=5)


# -- the checklist ----------------------------------------------------------------------------


def checklist_path() -> Path:
    """The ethics checklist shipped with Hindsight."""
    return resources_dir() / "ethics_checklist.toml"


def load_ethics_checklist(path: Path | None = None) -> EthicsChecklist:
    """Read a checklist file; ChecklistError naming the file and the problem."""
    source = path or checklist_path()
    try:
        with source.open("rb") as handle:
            data = tomllib.load(handle)
    except OSError as error:
        raise ChecklistError(f"Cannot read the ethics checklist {source}: {error}") from error
    except tomllib.TOMLDecodeError as error:
        raise ChecklistError(f"The ethics checklist {source} is not valid TOML: {error}") from error
    return parse_checklist(data, str(source))


# -- preferences: the recorder's name ------------------------------------------------------


def recorder_name() -> str:
    """The name to prefill as 'recorded by': the last one used, else the login name."""
    remembered = load_section(PREFERENCES).get("recorded_by")
    if isinstance(remembered, str) and remembered.strip():
        return remembered.strip()
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in some containers
        return ""


def remember_recorder(name: str) -> None:
    """Prefill `name` as 'recorded by' next time."""
    section = load_section(PREFERENCES)
    if section.get("recorded_by") != name.strip():
        section["recorded_by"] = name.strip()
        save_section(PREFERENCES, section)


# -- the service ------------------------------------------------------------------------------


class PrivacyService:
    """The privacy and ethics record of the incidents in one workspace."""

    def __init__(
        self,
        repository: PrivacyRepository,
        checklist: EthicsChecklist | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        feed: ChangeFeed | None = None,
    ) -> None:
        self.repository = repository
        self.clock = clock
        self._checklist = checklist
        self.feed = feed or ChangeFeed()

    @property
    def checklist(self) -> EthicsChecklist:
        """The ethics checklist in use (read from resources/ the first time it is needed)."""
        if self._checklist is None:
            self._checklist = load_ethics_checklist()
        return self._checklist

    def today(self) -> date:
        """Today as the user's calendar has it (delete-by dates are calendar days)."""
        return self.clock().astimezone().date()

    # The data-access log

    def accesses(self, incident_id: int) -> list[DataAccess]:
        """An incident's data-access log, each entry with its history."""
        return self.repository.accesses(incident_id)

    def access(self, access_id: int) -> DataAccess:
        """One entry with its history."""
        return self.repository.access(access_id)

    def record_access(
        self,
        incident_id: int,
        details: AccessDetails,
        recorded_by: str,
        *,
        recorded_at: datetime | None = None,
    ) -> DataAccess:
        """Add an entry to the log; ValidationError listing what to fix if it is incomplete."""
        self._check(details, recorded_by)
        stored = self.repository.record(
            incident_id, self._clean(details), recorded_by.strip(), recorded_at
        )
        self.feed.record(Changes.of(privacy=[incident_id]))
        return stored

    def amend_access(
        self,
        access_id: int,
        details: AccessDetails,
        recorded_by: str,
        reason: str,
        based_on: int,
        *,
        recorded_at: datetime | None = None,
    ) -> DataAccess:
        """Record a correction as the entry's next revision; the earlier ones are kept.

        `based_on` is the revision number the change was made from: ConflictError if someone
        amended the entry since.
        """
        self._check(details, recorded_by)
        if not reason.strip():
            raise ValidationError(
                "Say why the entry is being amended; the reason is kept in its history."
            )
        current = self.repository.access(access_id)
        if self._clean(details) == current.details:
            raise ValidationError("Nothing was changed, so there is no amendment to record.")
        stored = self.repository.amend(
            access_id,
            self._clean(details),
            recorded_by.strip(),
            reason.strip(),
            based_on,
            recorded_at,
        )
        self.feed.record(Changes.of(privacy=[stored.incident_id]))
        return stored

    def confirm_deletion(
        self,
        access_id: int,
        copy_index: int,
        deleted_at: datetime,
        deleted_by: str,
        recorded_by: str,
        based_on: int,
    ) -> DataAccess:
        """Record that one copy of the data was deleted, as an amendment of the entry."""
        access = self.repository.access(access_id)
        copies = list(access.details.copies)
        if not 0 <= copy_index < len(copies):
            raise ValidationError(f"{access.label} has no copy number {copy_index + 1}.")
        copy = copies[copy_index]
        if copy.deleted:
            raise ValidationError(
                f"The deletion of the copy at {copy.location} is already confirmed."
            )
        if not deleted_by.strip():
            raise ValidationError("Say who confirmed the deletion.")
        copies[copy_index] = replace(copy, deleted_at=deleted_at, deleted_by=deleted_by.strip())
        details = replace(access.details, copies=tuple(copies))
        reason = f"Deletion of the copy at {copy.location} confirmed by {deleted_by.strip()}."
        return self.amend_access(access_id, details, recorded_by, reason, based_on)

    def _check(self, details: AccessDetails, recorded_by: str) -> None:
        problems = validation_problems(details)
        if not recorded_by.strip():
            problems.append("Say who is recording this (your name).")
        elif len(recorded_by) > MAX_NAME:
            problems.append(f"The recorder's name is longer than {MAX_NAME} characters.")
        latest = self.clock() + CLOCK_SLACK
        if details.accessed_at > latest:
            problems.append("The access cannot have happened in the future; check its date.")
        if any(c.deleted_at is not None and c.deleted_at > latest for c in details.copies):
            problems.append("A deletion cannot be confirmed for a time in the future.")
        if problems:
            raise ValidationError("\n".join(problems))

    @staticmethod
    def _clean(details: AccessDetails) -> AccessDetails:
        copies = tuple(
            replace(c, location=c.location.strip(), deleted_by=c.deleted_by.strip())
            for c in details.copies
        )
        return replace(
            details,
            accessor=details.accessor.strip(),
            dataset=details.dataset.strip(),
            approver=details.approver.strip(),
            privacy_contact=details.privacy_contact.strip() if details.privacy_consulted else "",
            copies=copies,
        )

    # The ethics checklist

    def ethics_answers(self, incident_id: int) -> dict[str, EthicsAnswer]:
        """The incident's checklist answers, by item id (items never answered are absent)."""
        return self.repository.ethics_answers(incident_id)

    def answer_ethics(
        self,
        incident_id: int,
        item_id: str,
        choice: EthicsChoice | None,
        note: str,
        answered_by: str,
        version: int,
    ) -> EthicsAnswer:
        """Save the answer to one checklist item; ConflictError if saved elsewhere meanwhile.

        `version` is the version of the answer the change was made from (0 if never saved).
        A published review is read-only: reopen it first.
        """
        try:
            self.checklist.item(item_id)
        except KeyError:
            raise ValidationError(f"The ethics checklist has no item {item_id}.") from None
        if self.repository.review_status(incident_id) is ReviewStatus.PUBLISHED:
            raise ValidationError(
                "This review is published and read-only; reopen it to change the checklist."
            )
        answer = EthicsAnswer(
            item_id=item_id,
            choice=choice,
            note=note,
            answered_by=answered_by.strip()[:MAX_NAME],
            checklist_version=self.checklist.version,
            version=version,
        )
        stored = self.repository.save_ethics_answer(incident_id, answer)
        self.feed.record(Changes.of(privacy=[incident_id]))
        return stored

    def open_required(self, incident_id: int) -> list[ChecklistItem]:
        """The required checklist items not settled yet."""
        return open_required_items(self.checklist, self.ethics_answers(incident_id))

    def redact_access(
        self,
        access_id: int,
        findings: Iterable[Finding],
        recorded_by: str,
        patterns: Sequence[CustomPattern] = (),
    ) -> DataAccess:
        """Replace findings in an entry's text by an amendment (the history keeps the old text
        in the local database; only the current revision is meant to leave it)."""
        access = self.access(access_id)
        details = access.details
        # Findings by their path inside this entry ("notes", "copies/0/location" ...).
        prefix = join_path("accesses", access_id) + "/"
        by_path: dict[str, list[Finding]] = {}
        for finding in findings:
            if finding.field.startswith(prefix):
                by_path.setdefault(finding.field[len(prefix) :], []).append(finding)
        redacted = 0

        def redact(path: str, text: str) -> str:
            nonlocal redacted
            found = by_path.get(path)
            if not found:
                return text
            new_text, count = redact_field_text(text, found, patterns)
            redacted += count
            return new_text

        amended = map_access_details(details, redact)
        if not redacted:
            raise ValidationError(f"{access.label} no longer contains that text.")
        reason = f"Redacted {redacted} piece(s) of personal data found by the PII scan."
        return self.amend_access(access_id, amended, recorded_by, reason, access.current.number)

    def redact_ethics_note(
        self,
        incident_id: int,
        item_id: str,
        findings: Iterable[Finding],
        answered_by: str,
        patterns: Sequence[CustomPattern] = (),
    ) -> EthicsAnswer:
        """Replace findings in the note of one checklist answer (saved as its next version)."""
        answer = self.ethics_answers(incident_id).get(item_id)
        if answer is None:
            raise ValidationError(f"The checklist item {item_id} has no answer to redact.")
        note, count = redact_field_text(answer.note, findings, patterns)
        if not count:
            raise ValidationError("The note no longer contains that text.")
        return self.answer_ethics(
            incident_id, item_id, answer.choice, note, answered_by, answer.version
        )

    # The publish gate

    def blockers(self, incident: Incident) -> list[Blocker]:
        """What in the privacy record stops `incident` from being published."""
        if incident.id is None:
            return []
        return self.ethics_blockers(incident.id) + self.access_blockers(incident.id)

    def ethics_blockers(self, incident_id: int) -> list[Blocker]:
        """One blocker per required checklist item still open."""
        answers = self.ethics_answers(incident_id)
        titles = {item.id: part.title for part in self.checklist.parts for item in part.items}
        blockers = []
        for item in open_required_items(self.checklist, answers):
            answer = answers.get(item.id)
            if answer is not None and answer.choice is EthicsChoice.NOT_APPLICABLE:
                problem = "is marked N/A without a note saying why"
            else:
                problem = "is not answered yet"
            blockers.append(
                Blocker(
                    AREA,
                    f"Ethics checklist, {titles[item.id]}: “{item.prompt}” {problem}.",
                    f"ethics:{item.id}",
                )
            )
        return blockers

    def access_blockers(self, incident_id: int) -> list[Blocker]:
        """Accesses to personal data without an approver, and copies kept past delete-by."""
        today = self.today()
        blockers = []
        for access in self.accesses(incident_id):
            details = access.details
            target = f"access:{access.id}"
            what = f"{access.label} by {details.accessor}"
            if approver_problem(details):
                blockers.append(
                    Blocker(
                        AREA,
                        f"{what} touched personal data but has no approver. Amend it with the "
                        "second person who approved it; if nobody did, have the data's owner "
                        "review the access, then record them and say so in the notes.",
                        target,
                    )
                )
            for copy in overdue_copies(details, today):
                assert copy.delete_by is not None  # overdue copies have a date
                blockers.append(
                    Blocker(
                        AREA,
                        f"{what}: the copy at {copy.location} was to be deleted by "
                        f"{copy.delete_by.isoformat()} and its deletion is not confirmed. "
                        "Delete it, then confirm the deletion.",
                        target,
                    )
                )
        return blockers
