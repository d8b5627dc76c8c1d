"""Loading and validating a question bank (TOML) into plain objects.

A bank with any error is rejected whole, with a message naming the file, the question and
the field, so the caller can keep using the bank it had.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hindsight.core.enums import MILESTONE_KINDS, Phase
from hindsight.core.review import AnswerType, ChangeKind, change_kind_problem
from hindsight.paths import resources_dir
from hindsight.vocabulary import ChangeKindInfo, vocabulary

ID_PATTERN = re.compile(r"^[a-z0-9_.]+$")
CHOICE_TYPES = (AnswerType.SINGLE_CHOICE, AnswerType.MULTIPLE_CHOICE)
SECTION_KINDS = ("questions", "change_attribution")


class BankError(ValueError):
    """A question bank that cannot be used; the message says where and what."""

    def __init__(self, path: Path, where: str, problem: str) -> None:
        self.path = path
        self.where = where
        self.problem = problem
        super().__init__(f"Question bank {path}: {where}: {problem}")


@dataclass(frozen=True, slots=True)
class Option:
    """One choice of a single- or multiple-choice question (also an item field)."""

    id: str
    label: str


@dataclass(frozen=True, slots=True)
class Question:
    """One question of the bank."""

    id: str
    prompt: str
    guidance: str
    type: AnswerType
    required: bool = False
    allow_na: bool = True
    options: tuple[Option, ...] = ()
    milestone: Phase | None = None
    scale: tuple[str, ...] = ()
    fields: tuple[Option, ...] = ()

    def option_label(self, option_id: str) -> str:
        """The label of a choice, or the id itself when the bank no longer has it."""
        for option in self.options:
            if option.id == option_id:
                return option.label
        return option_id


@dataclass(frozen=True, slots=True)
class Section:
    """A step of the review: a list of questions, or the change-attribution table."""

    id: str
    title: str
    intro: str = ""
    kind: str = "questions"
    questions: tuple[Question, ...] = ()
    # For the change-attribution section: every kind of change it asks about, in order (the
    # bundled kinds, then those the bank adds).
    change_kinds: tuple[ChangeKindInfo, ...] = ()

    def change_label(self, code: ChangeKind) -> str:
        """The label of a kind of change this section (or the vocabulary) knows."""
        for kind in self.change_kinds:
            if kind.id == code:
                return kind.label
        return vocabulary().change_label(code)


@dataclass(frozen=True, slots=True)
class QuestionBank:
    """A whole bank: its identity and sections in order."""

    name: str
    version: str
    sections: tuple[Section, ...]
    path: Path | None = None
    _by_id: dict[str, Question] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_id.update({q.id: q for s in self.sections for q in s.questions})

    def question(self, question_id: str) -> Question | None:
        """The question with `question_id`, if this bank has it."""
        return self._by_id.get(question_id)

    @property
    def questions(self) -> list[Question]:
        """Every question, in order."""
        return [q for s in self.sections for q in s.questions]

    @property
    def change_kinds(self) -> tuple[ChangeKindInfo, ...]:
        """The kinds of change the bank's attribution section asks about (else the bundled)."""
        for section in self.sections:
            if section.kind == "change_attribution":
                return section.change_kinds
        return vocabulary().change_kinds

    def change_label(self, code: ChangeKind) -> str:
        """The label of a kind of change, as this bank (or the vocabulary) names it."""
        for kind in self.change_kinds:
            if kind.id == code:
                return kind.label
        return vocabulary().change_label(code)


def _text(data: dict[str, Any], key: str, path: Path, where: str, *, required: bool = True) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise BankError(path, where, f"field '{key}' must be text")
    if required and not value.strip():
        raise BankError(path, where, f"field '{key}' is missing or empty")
    return value.strip()


def _flag(data: dict[str, Any], key: str, default: bool, path: Path, where: str) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise BankError(path, where, f"field '{key}' must be true or false")
    return value


def _options(data: dict[str, Any], key: str, path: Path, where: str) -> tuple[Option, ...]:
    raw = data.get(key, [])
    if not isinstance(raw, list):
        raise BankError(path, where, f"field '{key}' must be a list")
    options: list[Option] = []
    for number, entry in enumerate(raw, start=1):
        spot = f"{where}, field '{key}', entry {number}"
        if not isinstance(entry, dict):
            raise BankError(path, spot, "must be a table with id and label")
        option = Option(_text(entry, "id", path, spot), _text(entry, "label", path, spot))
        if not ID_PATTERN.match(option.id):
            raise BankError(path, spot, f"id '{option.id}' may use only a-z, 0-9, '_' and '.'")
        if any(o.id == option.id for o in options):
            raise BankError(path, spot, f"id '{option.id}' is used twice")
        options.append(option)
    return tuple(options)


def _question(data: Any, path: Path, section_id: str, number: int) -> Question:
    if not isinstance(data, dict):
        raise BankError(path, f"section '{section_id}', question {number}", "must be a table")
    qid = data.get("id")
    if not isinstance(qid, str) or not qid:
        raise BankError(path, f"section '{section_id}', question {number}", "field 'id' is missing")
    where = f"question '{qid}'"
    if not ID_PATTERN.match(qid):
        raise BankError(path, where, "field 'id' may use only a-z, 0-9, '_' and '.'")
    kind_text = data.get("type")
    try:
        kind = AnswerType(str(kind_text))
    except ValueError:
        allowed = ", ".join(t.value for t in AnswerType)
        raise BankError(
            path, where, f"field 'type' is '{kind_text}'; use one of {allowed}"
        ) from None
    question = Question(
        id=qid,
        prompt=_text(data, "prompt", path, where),
        guidance=_text(data, "guidance", path, where, required=False),
        type=kind,
        required=_flag(data, "required", False, path, where),
        allow_na=_flag(data, "allow_na", True, path, where),
        options=_options(data, "options", path, where),
        fields=_options(data, "fields", path, where),
        milestone=_milestone(data, path, where, kind),
        scale=_scale(data, path, where, kind),
    )
    if kind in CHOICE_TYPES and len(question.options) < 2:
        raise BankError(path, where, "field 'options' needs at least two choices for this type")
    if kind is AnswerType.ITEMS and not question.fields:
        raise BankError(path, where, "field 'fields' must name the columns of each item")
    return question


def _milestone(data: dict[str, Any], path: Path, where: str, kind: AnswerType) -> Phase | None:
    raw = data.get("milestone")
    if kind is not AnswerType.FUZZY_TIME:
        if raw is not None:
            raise BankError(path, where, "field 'milestone' is only for fuzzy_time questions")
        return None
    allowed = ", ".join(p.value for p in MILESTONE_KINDS)
    try:
        phase = Phase(str(raw))
    except ValueError:
        raise BankError(
            path, where, f"field 'milestone' is '{raw}'; use one of {allowed}"
        ) from None
    if phase not in MILESTONE_KINDS:
        raise BankError(path, where, f"field 'milestone' is '{raw}'; use one of {allowed}")
    return phase


def _scale(data: dict[str, Any], path: Path, where: str, kind: AnswerType) -> tuple[str, ...]:
    raw = data.get("scale")
    if kind is not AnswerType.SCALE:
        return ()
    if raw is None:
        return ("1", "2", "3", "4", "5")
    if not isinstance(raw, list) or len(raw) != 5 or not all(isinstance(x, str) for x in raw):
        raise BankError(path, where, "field 'scale' must list five labels, for 1 to 5")
    return tuple(raw)


def _section(data: Any, path: Path, number: int, seen: set[str]) -> Section:
    if not isinstance(data, dict):
        raise BankError(path, f"section {number}", "must be a table")
    sid = data.get("id")
    if not isinstance(sid, str) or not ID_PATTERN.match(sid or "-"):
        raise BankError(path, f"section {number}", "field 'id' is missing or not a simple id")
    where = f"section '{sid}'"
    kind = data.get("kind", "questions")
    if kind not in SECTION_KINDS:
        raise BankError(path, where, f"field 'kind' is '{kind}'; use one of {SECTION_KINDS}")
    raw_questions = data.get("question", [])
    if not isinstance(raw_questions, list):
        raise BankError(path, where, "field 'question' must be a list of tables")
    questions = []
    for n, raw in enumerate(raw_questions, start=1):
        question = _question(raw, path, sid, n)
        if question.id in seen:
            raise BankError(path, f"question '{question.id}'", "field 'id' is used twice")
        seen.add(question.id)
        questions.append(question)
    if kind == "questions" and not questions:
        raise BankError(path, where, "has no questions")
    return Section(
        id=sid,
        title=_text(data, "title", path, where),
        intro=_text(data, "intro", path, where, required=False),
        kind=kind,
        questions=tuple(questions),
        change_kinds=_change_kinds(data, path, where) if kind == "change_attribution" else (),
    )


def _change_kinds(data: dict[str, Any], path: Path, where: str) -> tuple[ChangeKindInfo, ...]:
    """The bundled kinds of change, then the ones this bank adds (`[[section.change]]`).

    A bank entry with a bundled code relabels that kind; `omit = [codes]` leaves bundled
    kinds out of this bank's reviews (answers already given to them are kept).
    """
    kinds = {k.id: k for k in vocabulary().change_kinds}
    omit = data.get("omit", [])
    if not isinstance(omit, list) or not all(isinstance(c, str) for c in omit):
        raise BankError(path, where, "field 'omit' must list codes of kinds of change")
    for code in omit:
        if code not in kinds:
            raise BankError(
                path, where, f"field 'omit' names '{code}', which is not a bundled kind"
            )
        del kinds[code]
    raw = data.get("change", [])
    if not isinstance(raw, list):
        raise BankError(path, where, "field 'change' must be a list of tables")
    for number, entry in enumerate(raw, start=1):
        spot = f"{where}, kind of change {number}"
        if not isinstance(entry, dict):
            raise BankError(path, spot, "must be a table with id, label and description")
        code = _text(entry, "id", path, spot)
        problem = change_kind_problem(code)
        if problem:
            raise BankError(path, spot, problem)
        kinds[code] = ChangeKindInfo(
            code,
            _text(entry, "label", path, spot),
            _text(entry, "description", path, spot, required=False),
        )
    if not kinds:
        raise BankError(path, where, "asks about no kind of change")
    return tuple(kinds.values())


def load_bank(path: Path) -> QuestionBank:
    """Read and validate the bank at `path`; BankError says what is wrong and where."""
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except OSError as error:
        raise BankError(path, "file", f"cannot be read ({error.strerror or error})") from error
    except tomllib.TOMLDecodeError as error:
        raise BankError(path, "file", f"is not valid TOML ({error})") from error
    where = "bank"
    sections_raw = data.get("section")
    if not isinstance(sections_raw, list) or not sections_raw:
        raise BankError(path, where, "field 'section' must list at least one section")
    seen_questions: set[str] = set()
    sections: list[Section] = []
    for number, raw in enumerate(sections_raw, start=1):
        section = _section(raw, path, number, seen_questions)
        if any(s.id == section.id for s in sections):
            raise BankError(path, f"section '{section.id}'", "field 'id' is used twice")
        sections.append(section)
    version = data.get("version")
    if not isinstance(version, str) or not version.strip():
        raise BankError(path, where, "field 'version' is missing (e.g. version = \"2026.1\")")
    return QuestionBank(
        name=_text(data, "name", path, where),
        version=version.strip(),
        sections=tuple(sections),
        path=path,
    )


def default_bank_path() -> Path:
    """The bank shipped with Hindsight."""
    return resources_dir() / "question_bank.toml"
