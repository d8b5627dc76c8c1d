"""The privacy and ethics record of an incident, as plain values, and the rules over it.

A data access records one look at data during the response: who, when, what data, how much,
why, who approved it, whether the privacy team was consulted, and where copies went. The log
is append-only: an access is a list of revisions, the current state is the latest one, and a
correction is a new revision saying who made it, when and why (see hindsight.store.privacy).

The ethics checklist is data (resources/ethics_checklist.toml); answers are kept per item.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from hindsight.core.fuzzy_time import ensure_utc

MAX_NAME = 200
MAX_DATASET = 500


class DataCategory(StrEnum):
    """What kind of data an access touched."""

    PERSONAL_IDENTIFIERS = "personal_identifiers"
    IP_ADDRESSES = "ip_addresses"
    SEARCH_QUERIES = "search_queries"
    PURCHASE_HISTORY = "purchase_history"
    LOCATION = "location"
    USER_FREE_TEXT = "user_free_text"
    PROTECTED_CHARACTERISTICS = "protected_characteristics"
    AGGREGATES_ONLY = "aggregates_only"
    SYNTHETIC = "synthetic"

    @property
    def is_personal(self) -> bool:
        """True for data about identifiable people (all but aggregates and synthetic data)."""
        return self not in (DataCategory.AGGREGATES_ONLY, DataCategory.SYNTHETIC)


CATEGORY_LABELS: dict[DataCategory, str] = {
    DataCategory.PERSONAL_IDENTIFIERS: "Personal identifiers",
    DataCategory.IP_ADDRESSES: "IP addresses",
    DataCategory.SEARCH_QUERIES: "Search queries",
    DataCategory.PURCHASE_HISTORY: "Purchase or financial history",
    DataCategory.LOCATION: "Location",
    DataCategory.USER_FREE_TEXT: "Free text written by users",
    DataCategory.PROTECTED_CHARACTERISTICS: "Protected characteristics",
    DataCategory.AGGREGATES_ONLY: "Aggregates only",
    DataCategory.SYNTHETIC: "Synthetic data",
}


class VolumeUnit(StrEnum):
    """What the rough volume of an access counts."""

    ROWS = "rows"
    USERS = "users"


@dataclass(frozen=True, slots=True)
class DataCopy:
    """A copy of the accessed data put somewhere, and whether it has been deleted."""

    location: str
    delete_by: date | None = None
    deleted_at: datetime | None = None
    deleted_by: str = ""

    def __post_init__(self) -> None:
        if self.deleted_at is not None:
            object.__setattr__(self, "deleted_at", ensure_utc(self.deleted_at))

    @property
    def deleted(self) -> bool:
        """True once someone has confirmed the deletion."""
        return self.deleted_at is not None

    def overdue(self, today: date) -> bool:
        """True when the delete-by date has passed and no deletion is confirmed."""
        return self.delete_by is not None and self.delete_by < today and not self.deleted


# The free-text fields of an access entry: what the PII scan reads and redaction rewrites.
ACCESS_TEXT_FIELDS = (
    "accessor",
    "dataset",
    "justification",
    "approver",
    "privacy_contact",
    "notes",
)


@dataclass(frozen=True, slots=True)
class AccessDetails:
    """What one data access was: the content of one revision of the log entry."""

    accessor: str
    accessed_at: datetime
    dataset: str
    categories: tuple[DataCategory, ...] = ()
    volume: int | None = None
    volume_unit: VolumeUnit = VolumeUnit.ROWS
    justification: str = ""
    approver: str = ""
    # Whether the privacy or data-protection team was consulted: None when not recorded,
    # which is never read as "no".
    privacy_consulted: bool | None = None
    privacy_contact: str = ""
    copies: tuple[DataCopy, ...] = ()
    notes: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "accessed_at", ensure_utc(self.accessed_at))
        # Stored and compared in a fixed order, so a re-ticked box is not a change.
        ordered = tuple(c for c in DataCategory if c in {DataCategory(x) for x in self.categories})
        object.__setattr__(self, "categories", ordered)
        object.__setattr__(self, "volume_unit", VolumeUnit(self.volume_unit))
        object.__setattr__(self, "copies", tuple(self.copies))

    @property
    def personal(self) -> bool:
        """True when any category touched is personal data."""
        return any(c.is_personal for c in self.categories)


@dataclass(frozen=True, slots=True)
class AccessRevision:
    """One version of a log entry: its content and who recorded it, when and why."""

    number: int  # 1 for the first record, then one more for each amendment
    recorded_at: datetime
    recorded_by: str
    details: AccessDetails
    reason: str = ""  # why it was amended; empty for the first record


@dataclass(frozen=True, slots=True)
class DataAccess:
    """A log entry with its whole history, oldest revision first."""

    id: int
    incident_id: int
    number: int  # 1, 2, 3 ... within the incident, shown as "Access 2"
    revisions: tuple[AccessRevision, ...]

    @property
    def current(self) -> AccessRevision:
        """The latest revision: what the entry says now."""
        return self.revisions[-1]

    @property
    def details(self) -> AccessDetails:
        """The current content of the entry."""
        return self.revisions[-1].details

    @property
    def label(self) -> str:
        """How the entry is named to people, e.g. 'Access 2'."""
        return f"Access {self.number}"


# -- rules ------------------------------------------------------------------------------------


def same_person(first: str, second: str) -> bool:
    """True when two names written by people are the same name (case and spacing aside)."""
    return " ".join(first.split()).casefold() == " ".join(second.split()).casefold()


def approver_problem(details: AccessDetails) -> str:
    """Why the approval of this access is not good enough, or '' when it is.

    Personal data needs an approver, and the approver must be a second person: nobody
    approves their own access.
    """
    if details.approver.strip() and same_person(details.approver, details.accessor):
        return (
            "The approver must be a second person, not the one who accessed the data. If "
            "nobody else approved it, leave the approver empty: the entry will be flagged."
        )
    if details.personal and not details.approver.strip():
        return "Personal data was accessed without a recorded approver."
    return ""


def validation_problems(details: AccessDetails) -> list[str]:
    """What must be fixed before the entry can be saved; empty when it can be.

    A missing approver is not among them: the log must be able to record an access that
    happened without approval. It is flagged instead (see access_flags) and blocks publishing.
    """
    problems = []
    if not details.accessor.strip():
        problems.append("Say who accessed the data.")
    if not details.dataset.strip():
        problems.append("Name the dataset or system that was accessed.")
    if not details.categories:
        problems.append("Tick at least one category of data.")
    if not details.justification.strip():
        problems.append("Give the justification: why the access was needed.")
    if details.approver.strip() and same_person(details.approver, details.accessor):
        problems.append(approver_problem(details))
    if details.privacy_consulted is True and not details.privacy_contact.strip():
        problems.append("Name who on the privacy or data-protection team was consulted.")
    if details.volume is not None and details.volume < 0:
        problems.append("The volume cannot be negative.")
    for limit, value, what in (
        (MAX_NAME, details.accessor, "accessor's name"),
        (MAX_NAME, details.approver, "approver's name"),
        (MAX_NAME, details.privacy_contact, "privacy contact's name"),
        (MAX_DATASET, details.dataset, "dataset name"),
    ):
        if len(value) > limit:
            problems.append(f"The {what} is longer than {limit} characters; shorten it.")
    for number, copy in enumerate(details.copies, start=1):
        where = f"Copy {number}"
        if not copy.location.strip():
            problems.append(f"{where}: say where the copy was put.")
        if details.personal and copy.delete_by is None and not copy.deleted:
            problems.append(f"{where}: a copy of personal data needs a delete-by date.")
        if copy.deleted and not copy.deleted_by.strip():
            problems.append(f"{where}: say who confirmed the deletion.")
        if copy.deleted_by.strip() and not copy.deleted:
            problems.append(f"{where}: give the date and time of the deletion.")
        if copy.deleted_at is not None and copy.deleted_at < details.accessed_at:
            problems.append(f"{where}: the copy cannot be deleted before the data was accessed.")
    return problems


class AccessFlag(StrEnum):
    """Something about an access that a reviewer should see at a glance."""

    NO_APPROVER = "no_approver"
    PRIVACY_NOT_CONSULTED = "privacy_not_consulted"
    PRIVACY_CONSULTATION_UNRECORDED = "privacy_consultation_unrecorded"
    DELETION_OVERDUE = "deletion_overdue"
    COPY_NOT_DELETED = "copy_not_deleted"


FLAG_LABELS: dict[AccessFlag, str] = {
    AccessFlag.NO_APPROVER: "No approver",
    AccessFlag.PRIVACY_NOT_CONSULTED: "Privacy team not consulted",
    AccessFlag.PRIVACY_CONSULTATION_UNRECORDED: (
        "Not recorded whether the privacy team was consulted"
    ),
    AccessFlag.DELETION_OVERDUE: "Deletion overdue",
    AccessFlag.COPY_NOT_DELETED: "Copy not deleted yet",
}
# The flags that stop a review from being published; the others are shown as warnings.
BLOCKING_FLAGS = frozenset({AccessFlag.NO_APPROVER, AccessFlag.DELETION_OVERDUE})


def access_flags(details: AccessDetails, today: date) -> list[AccessFlag]:
    """What a reviewer should notice about this access on `today`, most serious first."""
    flags = []
    if details.personal and not details.approver.strip():
        flags.append(AccessFlag.NO_APPROVER)
    if any(copy.overdue(today) for copy in details.copies):
        flags.append(AccessFlag.DELETION_OVERDUE)
    elif any(not copy.deleted for copy in details.copies):
        flags.append(AccessFlag.COPY_NOT_DELETED)
    if details.personal and details.privacy_consulted is False:
        flags.append(AccessFlag.PRIVACY_NOT_CONSULTED)
    elif details.personal and details.privacy_consulted is None:
        flags.append(AccessFlag.PRIVACY_CONSULTATION_UNRECORDED)
    return flags


def overdue_copies(details: AccessDetails, today: date) -> list[DataCopy]:
    """The copies whose delete-by date has passed without a confirmed deletion."""
    return [copy for copy in details.copies if copy.overdue(today)]


# -- history ----------------------------------------------------------------------------------

FIELD_LABELS: dict[str, str] = {
    "accessor": "Accessed by",
    "accessed_at": "When",
    "dataset": "Dataset or system",
    "categories": "Categories",
    "volume": "Volume",
    "volume_unit": "Volume counts",
    "justification": "Justification",
    "approver": "Approver",
    "privacy_consulted": "Privacy team consulted",
    "privacy_contact": "Privacy contact",
    "copies": "Copies",
    "notes": "Notes",
}


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field that an amendment changed, with the values before and after."""

    field: str
    before: Any
    after: Any

    @property
    def label(self) -> str:
        """The field's name as people read it."""
        return FIELD_LABELS.get(self.field, self.field)


def changes_between(before: AccessDetails, after: AccessDetails) -> list[FieldChange]:
    """The fields that differ between two revisions, in the form's order."""
    return [
        FieldChange(f.name, getattr(before, f.name), getattr(after, f.name))
        for f in fields(AccessDetails)
        if getattr(before, f.name) != getattr(after, f.name)
    ]


# -- the ethics checklist ---------------------------------------------------------------------


class EthicsChoice(StrEnum):
    """How an ethics checklist item was answered."""

    YES = "yes"
    NO = "no"
    NOT_APPLICABLE = "na"


CHOICE_LABELS: dict[EthicsChoice, str] = {
    EthicsChoice.YES: "Yes",
    EthicsChoice.NO: "No",
    EthicsChoice.NOT_APPLICABLE: "N/A",
}


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    """One question of the ethics checklist, under a stable id."""

    id: str
    prompt: str
    guidance: str = ""
    required: bool = False


@dataclass(frozen=True, slots=True)
class ChecklistPart:
    """One of the checklist's parts: impact, cause, troubleshooting, call to action."""

    id: str
    title: str
    intro: str
    items: tuple[ChecklistItem, ...]


@dataclass(frozen=True, slots=True)
class EthicsChecklist:
    """The whole checklist, in order, with the version its wording belongs to."""

    version: str
    parts: tuple[ChecklistPart, ...]

    def items(self) -> list[ChecklistItem]:
        """Every item, part by part."""
        return [item for part in self.parts for item in part.items]

    def item(self, item_id: str) -> ChecklistItem:
        """The item with `item_id`; KeyError if the checklist has none."""
        for item in self.items():
            if item.id == item_id:
                return item
        raise KeyError(item_id)


@dataclass(frozen=True, slots=True)
class EthicsAnswer:
    """The answer to one checklist item. `version` 0 means it was never saved."""

    item_id: str
    choice: EthicsChoice | None = None
    note: str = ""
    answered_by: str = ""
    updated_at: datetime | None = None
    checklist_version: str = ""
    version: int = 0

    @property
    def settled(self) -> bool:
        """Answered; an N/A only counts with a note saying why it does not apply."""
        if self.choice is EthicsChoice.NOT_APPLICABLE:
            return bool(self.note.strip())
        return self.choice is not None


def open_required_items(
    checklist: EthicsChecklist, answers: Mapping[str, EthicsAnswer]
) -> list[ChecklistItem]:
    """The required items not settled yet, in checklist order."""
    return [
        item
        for item in checklist.items()
        if item.required and not (item.id in answers and answers[item.id].settled)
    ]


class ChecklistError(ValueError):
    """An ethics checklist file that cannot be used; the message says where and what."""


def parse_checklist(
    data: Mapping[str, Any], source: str = "the ethics checklist"
) -> EthicsChecklist:
    """Build the checklist from parsed TOML; ChecklistError naming the part or item if wrong."""
    version = data.get("version")
    if not isinstance(version, str) or not version.strip():
        raise ChecklistError(f"{source}: give the checklist a version string.")
    raw_parts = data.get("part")
    if not isinstance(raw_parts, list) or not raw_parts:
        raise ChecklistError(f"{source}: the checklist has no [[part]] tables.")
    seen: set[str] = set()
    parts = []
    for number, raw in enumerate(raw_parts, start=1):
        where = f"{source}: part {number}"
        part_id, title = raw.get("id"), raw.get("title")
        if not isinstance(part_id, str) or not isinstance(title, str) or not title.strip():
            raise ChecklistError(f"{where}: each part needs an id and a title.")
        items = []
        for raw_item in raw.get("item", []):
            item_id = raw_item.get("id")
            prompt = raw_item.get("prompt")
            if not isinstance(item_id, str) or not item_id.strip():
                raise ChecklistError(f"{where} ({part_id}): an item has no id.")
            if not isinstance(prompt, str) or not prompt.strip():
                raise ChecklistError(f"{where}: item {item_id} has no prompt.")
            if item_id in seen:
                raise ChecklistError(f"{where}: the item id {item_id} is used twice.")
            seen.add(item_id)
            items.append(
                ChecklistItem(
                    id=item_id,
                    prompt=" ".join(prompt.split()),
                    guidance=" ".join(str(raw_item.get("guidance", "")).split()),
                    required=bool(raw_item.get("required", False)),
                )
            )
        if not items:
            raise ChecklistError(f"{where} ({part_id}): the part has no items.")
        parts.append(
            ChecklistPart(
                part_id, title.strip(), " ".join(str(raw.get("intro", "")).split()), tuple(items)
            )
        )
    return EthicsChecklist(version.strip(), tuple(parts))


def categories_text(categories: Iterable[DataCategory]) -> str:
    """Category labels joined for a list cell."""
    return ", ".join(CATEGORY_LABELS[c] for c in categories)
