"""Privacy and ethics use cases: the data-access log, the ethics checklist, the publish check,
and the PII scan over all of an incident's text.

The scanner itself is hindsight.core.pii (pure text in, findings out). Here it is pointed at
every text an incident has, each under a stable path ("summary", "events/3/text",
"answers/impact.cost/value", "accesses/7/notes" ...) so a finding can be jumped to and
redacted where it lives.
"""

from __future__ import annotations

import getpass
import logging
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from hindsight.core.enums import Phase
from hindsight.core.incident import Incident
from hindsight.core.pii import (
    CustomPattern,
    Finding,
    PatternError,
    compile_pattern,
    compile_patterns,
    redact_text,
    scan_text,
)
from hindsight.core.privacy import (
    FIELD_LABELS,
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
from hindsight.core.review import ChangeCategory, ReviewStatus
from hindsight.paths import resources_dir
from hindsight.preferences import load_section, save_section
from hindsight.services.errors import ValidationError
from hindsight.services.publish_gate import Blocker
from hindsight.store.privacy import PrivacyRepository
from hindsight.vocabulary import vocabulary

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


# -- preferences: custom patterns and the recorder's name -------------------------------------


def pattern_specs() -> list[tuple[str, str]]:
    """The team's custom PII patterns as stored: (name, regular expression) pairs."""
    stored = load_section(PREFERENCES).get("patterns", [])
    specs = []
    for entry in stored if isinstance(stored, list) else []:
        if isinstance(entry, dict):
            specs.append((str(entry.get("name", "")), str(entry.get("regex", ""))))
    return specs


def custom_patterns() -> tuple[list[CustomPattern], list[str]]:
    """The usable custom patterns, and a message for each stored one that is not usable.

    A pattern broken by hand-editing the preferences file is left out of scans rather than
    stopping them; the settings dialog shows why.
    """
    patterns: list[CustomPattern] = []
    problems: list[str] = []
    for name, regex in pattern_specs():
        try:
            patterns.append(compile_pattern(name, regex))
        except PatternError as error:
            log.warning("ignoring custom PII pattern: %s", error)
            problems.append(str(error))
    return patterns, problems


def save_pattern_specs(specs: list[tuple[str, str]]) -> list[CustomPattern]:
    """Check and store the team's custom patterns; PatternError (and nothing saved) if one
    is unusable."""
    cleaned = [(name.strip(), regex) for name, regex in specs]
    compiled = compile_patterns(cleaned)
    section = load_section(PREFERENCES)
    section["patterns"] = [{"name": name, "regex": regex} for name, regex in cleaned]
    save_section(PREFERENCES, section)
    return compiled


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
    ) -> None:
        self.repository = repository
        self.clock = clock
        self._checklist = checklist

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
        return self.repository.record(
            incident_id, self._clean(details), recorded_by.strip(), recorded_at
        )

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
        return self.repository.amend(
            access_id,
            self._clean(details),
            recorded_by.strip(),
            reason.strip(),
            based_on,
            recorded_at,
        )

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
        return self.repository.save_ethics_answer(incident_id, answer)

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
        by_path: dict[str, list[Finding]] = {}
        for finding in findings:
            by_path.setdefault(finding.field, []).append(finding)
        changes: dict[str, Any] = {}
        copies = list(details.copies)
        redacted = 0
        for path, found in by_path.items():
            parts = split_path(path)
            if parts[:2] != ["accesses", str(access_id)]:
                continue
            if len(parts) == 3 and parts[2] in ACCESS_TEXTS:
                text, count = redact_field_text(getattr(details, parts[2]), found, patterns)
                changes[parts[2]] = text
            elif len(parts) == 5 and parts[2] == "copies" and parts[4] == "location":
                index = int(parts[3])
                if index >= len(copies):
                    continue
                text, count = redact_field_text(copies[index].location, found, patterns)
                copies[index] = replace(copies[index], location=text)
            else:
                continue
            redacted += count
        if not redacted:
            raise ValidationError(f"{access.label} no longer contains that text.")
        amended = replace(details, copies=tuple(copies), **changes)
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


# -- the PII scan over everything an incident says --------------------------------------------


@dataclass(frozen=True, slots=True)
class TextField:
    """One piece of an incident's text: a stable path, a label for people, and the text."""

    path: str
    where: str
    text: str


def join_path(*parts: object) -> str:
    """A field path from its parts; '/' and '~' inside a part are escaped as in JSON Pointer."""
    return "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def split_path(path: str) -> list[str]:
    """The parts of a field path made by join_path."""
    return [p.replace("~1", "/").replace("~0", "~") for p in path.split("/")]


def _stamp(moment: datetime) -> str:
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def _strings(value: Any, parts: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], str]]:
    """Every string inside a JSON-like value, with the keys and indexes leading to it."""
    if isinstance(value, str):
        return [(parts, value)]
    if isinstance(value, list):
        return [found for i, v in enumerate(value) for found in _strings(v, (*parts, str(i)))]
    if isinstance(value, dict):
        return [found for k, v in value.items() for found in _strings(v, (*parts, str(k)))]
    return []


def incident_text_fields(
    incident: Incident, prompts: Mapping[str, str] | None = None
) -> list[TextField]:
    """Every non-empty text the incident record holds; `prompts` names review questions."""
    words = vocabulary()
    fields = [
        TextField("title", "Overview · Title", incident.title),
        TextField("summary", "Overview · Summary", incident.summary),
    ]
    for name, label in (("systems", "Systems"), ("models", "Models"), ("tags", "Tags")):
        for index, value in enumerate(getattr(incident, name)):
            fields.append(TextField(f"{name}/{index}", f"Overview · {label}", value))
    for phase, when in incident.milestones.items():
        label = words.milestone_labels[phase]
        fields.append(
            TextField(f"milestones/{phase.value}/note", f"Milestones · {label}", when.note)
        )
    for index, event in enumerate(incident.events):
        stamp = _stamp(event.when.best)
        fields.append(TextField(f"events/{index}/text", f"Timeline · {stamp}", event.text))
        fields.append(
            TextField(f"events/{index}/note", f"Timeline · {stamp} · time note", event.when.note)
        )
    for index, role in enumerate(incident.roles):
        label = words.role_labels[role.role]
        fields.append(TextField(f"roles/{index}/person", f"Roles · {label}", role.person))
        fields.append(TextField(f"roles/{index}/note", f"Roles · {label} · note", role.note))
    for index, team in enumerate(incident.teams):
        fields.append(TextField(f"teams/{index}/team", "Teams", team.team))
        fields.append(TextField(f"teams/{index}/part", f"Teams · {team.team}", team.part))
    for question_id, answer in incident.answers.items():
        title = (prompts or {}).get(question_id, question_id)
        for parts, text in _strings(answer.value):
            path = join_path("answers", question_id, "value", *parts)
            fields.append(TextField(path, f"Review · {title}", text))
        path = join_path("answers", question_id, "reason")
        fields.append(TextField(path, f"Review · {title} · reason", answer.reason))
    labels = getattr(words, "change_labels", {})
    for category, attribution in incident.attributions.items():
        label = labels.get(category, category.value.replace("_", " ").capitalize())
        fields.append(
            TextField(
                f"attributions/{category.value}/evidence",
                f"Change attribution · {label}",
                attribution.evidence,
            )
        )
    return [f for f in fields if f.text.strip()]


ACCESS_TEXTS = ("accessor", "dataset", "justification", "approver", "privacy_contact", "notes")


def access_text_fields(accesses: Iterable[DataAccess]) -> list[TextField]:
    """The current text of each data-access entry (the history is not rewritten)."""
    fields = []
    for access in accesses:
        details = access.details
        for name in ACCESS_TEXTS:
            label = FIELD_LABELS[name].lower()
            fields.append(
                TextField(
                    f"accesses/{access.id}/{name}",
                    f"{access.label} · {label}",
                    getattr(details, name),
                )
            )
        for index, copy in enumerate(details.copies):
            where = f"{access.label} · copy {index + 1}"
            fields.append(
                TextField(f"accesses/{access.id}/copies/{index}/location", where, copy.location)
            )
    return [f for f in fields if f.text.strip()]


def ethics_text_fields(
    answers: Mapping[str, EthicsAnswer], checklist: EthicsChecklist
) -> list[TextField]:
    """The notes of the ethics checklist answers."""
    titles = {item.id: part.title for part in checklist.parts for item in part.items}
    return [
        TextField(
            join_path("ethics", item_id, "note"),
            f"Ethics checklist · {titles.get(item_id, item_id)}",
            answer.note,
        )
        for item_id, answer in answers.items()
        if answer.note.strip()
    ]


def followup_text_fields(workspace: Any, incident_id: int) -> list[TextField]:
    """The title and description of the incident's follow-up items, when follow-ups exist."""
    service = getattr(workspace, "followups", None)
    items = getattr(service, "items", None)
    if items is None:
        return []
    fields = []
    for item in items(incident_id):
        title = str(getattr(item, "title", ""))
        for name in ("title", "description"):
            text = getattr(item, name, None)
            if isinstance(text, str) and text.strip():
                where = f"Follow-up · {title}" + (" · description" if name == "description" else "")
                fields.append(TextField(f"followups/{item.id}/{name}", where, text))
    return fields


def scan_fields(
    fields: Iterable[TextField], patterns: Sequence[CustomPattern] = ()
) -> list[Finding]:
    """Scan each field; findings carry the field's path and label."""
    return [
        finding.located(field.path, field.where)
        for field in fields
        for finding in scan_text(field.text, patterns)
    ]


def question_prompts(workspace: Any) -> dict[str, str]:
    """The review questions' prompts by id, for labelling findings in answers."""
    bank = getattr(getattr(workspace, "review", None), "bank", None)
    questions = getattr(bank, "questions", None) or []
    return {q.id: q.prompt for q in questions}


def scan_incident(
    workspace: Any, incident: Incident, patterns: Sequence[CustomPattern] | None = None
) -> list[Finding]:
    """Every piece of personal data in all of an incident's text.

    Covers the record itself (overview, milestones, timeline, roles, teams, review answers,
    change attribution), its follow-ups, its data-access log (current versions) and the notes
    of its ethics checklist. Without `patterns`, the team's custom patterns from the
    preferences are used.
    """
    if patterns is None:
        patterns, _ = custom_patterns()
    fields = incident_text_fields(incident, question_prompts(workspace))
    if incident.id is not None:
        privacy = getattr(workspace, "privacy", None)
        if privacy is not None:
            fields += access_text_fields(privacy.accesses(incident.id))
            fields += ethics_text_fields(privacy.ethics_answers(incident.id), privacy.checklist)
        fields += followup_text_fields(workspace, incident.id)
    return scan_fields(fields, patterns)


# -- redaction --------------------------------------------------------------------------------


def _relocate(text: str, finding: Finding, patterns: Sequence[CustomPattern]) -> Finding | None:
    """The finding in `text` as it is now (it may have moved since the scan), or None."""
    if text[finding.start : finding.end] == finding.text:
        return finding
    fresh = [
        f
        for f in scan_text(text, patterns)
        if f.text == finding.text and f.placeholder == finding.placeholder
    ]
    return min(fresh, key=lambda f: abs(f.start - finding.start)) if fresh else None


def redact_field_text(
    text: str, findings: Iterable[Finding], patterns: Sequence[CustomPattern] = ()
) -> tuple[str, int]:
    """`text` with the findings replaced by placeholders, and how many were still there."""
    located: dict[int, Finding] = {}
    for finding in findings:
        found = _relocate(text, finding, patterns)
        if found is not None:
            located[found.start] = found
    return redact_text(text, located.values()), len(located)


def _container_and_key(incident: Incident, path: str) -> tuple[Any, Any]:
    """Where the text at `path` lives: an object and an attribute name, or a list/dict and a
    key. KeyError when the path does not lead to a text of the incident."""
    parts = split_path(path)
    head = parts[0]
    if head in ("title", "summary") and len(parts) == 1:
        return incident, head
    if head in ("systems", "models", "tags") and len(parts) == 2:
        return getattr(incident, head), int(parts[1])
    if head == "milestones" and len(parts) == 3 and parts[2] == "note":
        return incident.milestones, Phase(parts[1])
    if head in ("events", "roles", "teams") and len(parts) == 3:
        item = getattr(incident, head)[int(parts[1])]
        if head == "events" and parts[2] == "note":
            return item, "when.note"
        if parts[2] in ("text", "person", "note", "team", "part"):
            return item, parts[2]
    if head == "answers" and len(parts) >= 3:
        answer = incident.answers[parts[1]]
        if parts[2] == "reason" and len(parts) == 3:
            return answer, "reason"
        if parts[2] == "value":
            if len(parts) == 3:
                return answer, "value"
            holder = answer.value
            for part in parts[3:-1]:
                holder = holder[int(part)] if isinstance(holder, list) else holder[part]
            last = parts[-1]
            return holder, int(last) if isinstance(holder, list) else last
    if head == "attributions" and len(parts) == 3 and parts[2] == "evidence":
        return incident.attributions[ChangeCategory(parts[1])], "evidence"
    raise KeyError(path)


def incident_text(incident: Incident, path: str) -> str:
    """The text at `path` in the incident record; KeyError if there is no such text."""
    holder, key = _container_and_key(incident, path)
    if isinstance(holder, dict) and isinstance(key, Phase):
        return holder[key].note
    if key == "when.note":
        return holder.when.note
    value = holder[key] if isinstance(holder, (list, dict)) else getattr(holder, key)
    if not isinstance(value, str):
        raise KeyError(path)
    return value


def set_incident_text(incident: Incident, path: str, text: str) -> None:
    """Replace the text at `path` in the incident record (the caller makes it undoable)."""
    holder, key = _container_and_key(incident, path)
    if isinstance(holder, dict) and isinstance(key, Phase):
        holder[key] = replace(holder[key], note=text)
    elif key == "when.note":
        holder.when = replace(holder.when, note=text)
    elif isinstance(holder, (list, dict)):
        holder[key] = text
    else:
        setattr(holder, key, text)


def redact_incident(
    incident: Incident, findings: Iterable[Finding], patterns: Sequence[CustomPattern] = ()
) -> int:
    """Redact findings in the incident record itself, in place; returns how many were."""
    by_path: dict[str, list[Finding]] = {}
    for finding in findings:
        by_path.setdefault(finding.field, []).append(finding)
    redacted = 0
    for path, found in by_path.items():
        try:
            text = incident_text(incident, path)
        except (KeyError, IndexError, ValueError):
            continue  # the text is gone since the scan
        new_text, count = redact_field_text(text, found, patterns)
        if count:
            set_incident_text(incident, path, new_text)
            redacted += count
    return redacted


def redact_followup(
    workspace: Any,
    item_id: int,
    findings: Iterable[Finding],
    patterns: Sequence[CustomPattern] = (),
) -> int:
    """Redact findings in a follow-up item's title and description; returns how many were.

    ConflictError if the item was saved elsewhere since it was read.
    """
    service = workspace.followups
    item = service.get(item_id)
    changes: dict[str, str] = {}
    redacted = 0
    for finding in findings:
        parts = split_path(finding.field)
        if parts[:2] != ["followups", str(item_id)] or len(parts) != 3:
            continue
        name = parts[2]
        if name not in ("title", "description"):
            continue
        current = changes.get(name, getattr(item, name))
        text, count = redact_field_text(current, [finding], patterns)
        changes[name] = text
        redacted += count
    if redacted:
        service.save(replace(item, **changes))
    return redacted
