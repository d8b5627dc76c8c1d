"""The search box's query language: parsed here, in pure Python, and compiled in the store.

    feeder memory            both words, anywhere in the incident (AND is implied)
    "nightly training"       the exact phrase
    recommend*               words starting with "recommend"
    -rollback                leave out incidents that mention "rollback"
    feeder OR logging        either word; OR binds tighter than the implied AND, so
                             `stale feeder OR logging` is stale AND (feeder OR logging)
    severity:SEV1            fields, which combine with text and with each other
    team:"ML platform"       a quoted value holds spaces

Fields: severity, phase, status (the review's), tag, system, team, trigger (the review's
trigger kind), detected-by (who noticed first; `users` is the public mark: end users,
customers, partners or support before any monitor), implicated (change attribution), owner and
followup (follow-ups: `followup:open` is any item not done or dropped), after and before
(the incident's date: impact start, else detection, else when it was recorded; `after` includes
the day, `before` excludes it). A word holding no letter or digit matches nothing and is left
out. A word with a colon whose name is not a field (`error:timeout`, a URL) is plain text.

`parse` turns text into a `Query` or raises `QueryError` with a one-line explanation; it
never raises anything else. `str(query)` writes a query back in a canonical form that parses
to the same query.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from hindsight.core.detection import FOUND_BY_THE_AFFECTED
from hindsight.core.enums import Phase, Severity
from hindsight.core.errors import HindsightError
from hindsight.core.followups import FollowUpStatus
from hindsight.core.review import ReviewStatus
from hindsight.core.search_text import Pattern, is_searchable

MAX_TERMS = 64  # words, phrases and fields in one search


class QueryError(HindsightError, ValueError):
    """A query that cannot be understood; the message says what is wrong in one line."""


class FieldName(StrEnum):
    """The fields a query can filter on."""

    SEVERITY = "severity"
    PHASE = "phase"
    STATUS = "status"
    TAG = "tag"
    SYSTEM = "system"
    TEAM = "team"
    TRIGGER = "trigger"
    DETECTED_BY = "detected-by"
    IMPLICATED = "implicated"
    OWNER = "owner"
    FOLLOWUP = "followup"
    AFTER = "after"
    BEFORE = "before"


# followup: values. "open" means open work (not done or dropped), as the Triage view does.
FOLLOWUP_OPEN, FOLLOWUP_CLOSED = "open", "closed"
FOLLOWUP_VALUES: tuple[str, ...] = (
    FOLLOWUP_OPEN,
    FOLLOWUP_CLOSED,
    *(s.value for s in FollowUpStatus if s is not FollowUpStatus.OPEN),
)
# detected-by: values that stand for the public mark as a whole.
PUBLIC_DETECTION_ALIASES = frozenset({"users", "public", "affected"})


@dataclass(frozen=True, slots=True)
class Text:
    """A word (`prefix`: any word starting with it) or an exact phrase."""

    text: str
    phrase: bool = False
    prefix: bool = False

    @property
    def pattern(self) -> Pattern:
        """The folded words this text must match, next to each other."""
        return Pattern.of(self.text, prefix=self.prefix)

    def __str__(self) -> str:
        if self.phrase:
            return f'"{self.text}"'
        return self.text + ("*" if self.prefix else "")


@dataclass(frozen=True, slots=True)
class Field:
    """A filter on a field; `value` is normalised (a code, an ISO date, or the text given)."""

    name: FieldName
    value: str

    def __str__(self) -> str:
        value = _shown(self.value) if self.name in _CODED else self.value
        bare = value and not any(c.isspace() or c == '"' for c in value)
        return f"{self.name}:{value}" if bare else f'{self.name}:"{value}"'

    @property
    def day(self) -> date:
        """The date of an after: or before: field."""
        return date.fromisoformat(self.value)


@dataclass(frozen=True, slots=True)
class Not:
    """Leave out incidents that match `operand`."""

    operand: Text | Field

    def __str__(self) -> str:
        return f"-{self.operand}"


Operand = Text | Field | Not


@dataclass(frozen=True, slots=True)
class AnyOf:
    """At least one of two or more operands (written with OR)."""

    operands: tuple[Operand, ...]

    def __str__(self) -> str:
        return " OR ".join(str(operand) for operand in self.operands)


Clause = Operand | AnyOf


@dataclass(frozen=True, slots=True)
class Query:
    """Clauses that must all hold. No clauses: every incident matches."""

    clauses: tuple[Clause, ...] = ()

    def __str__(self) -> str:
        return " ".join(str(clause) for clause in self.clauses)

    def __bool__(self) -> bool:
        return bool(self.clauses)

    def operands(self) -> Iterator[Operand]:
        """Every operand, in order, looking inside OR groups."""
        for clause in self.clauses:
            if isinstance(clause, AnyOf):
                yield from clause.operands
            else:
                yield clause

    def positive_texts(self) -> list[Text]:
        """The words and phrases a hit may contain (not the excluded ones), for highlighting."""
        return [operand for operand in self.operands() if isinstance(operand, Text)]

    def fields(self) -> list[Field]:
        """Every field filter, excluded or not."""
        found = []
        for operand in self.operands():
            inner = operand.operand if isinstance(operand, Not) else operand
            if isinstance(inner, Field):
                found.append(inner)
        return found


# What the search box's help shows: an example of each construct, and what it finds.
SYNTAX: tuple[tuple[str, str], ...] = (
    ("feeder memory", "both words, anywhere in the incident"),
    ('"nightly training"', "the exact phrase"),
    ("recommend*", "words starting so"),
    ("-rollback", "leave out incidents with the word (or phrase, or field)"),
    ("feeder OR logging", "either word"),
    ("severity:SEV1", "severity SEV1 to SEV4"),
    ("phase:follow-up", "the phase the incident is in"),
    ("status:published", "the review's status: draft, in-review, published"),
    ("tag:drift", "a tag holding the word"),
    ("system:recs", "a system holding the word"),
    ('team:"ML platform"', "a team drawn in; quote names with spaces"),
    ("trigger:data", "the review's kind of trigger"),
    ("detected-by:users", "found first by users, customers or support, before any monitor"),
    ("implicated:training-data", "a kind of change the review implicates"),
    ("owner:priya", "a follow-up owned by that person"),
    ("followup:open", "open follow-up work (or closed, blocked, done ...)"),
    ("after:2026-01-01", "impact began on or after the day"),
    ("before:2026-01-01", "impact began before the day"),
)


# -- parsing ----------------------------------------------------------------------------------


class _Or:
    """The OR operator between two operands, while parsing."""


_OR = _Or()


def parse(text: str) -> Query:
    """The query `text` stands for; QueryError (one line) when it is malformed."""
    clauses: list[Clause] = []
    pending_or = False
    for item in _items(text):
        if item is _OR:
            if not clauses or pending_or:
                raise QueryError("OR needs a search term on each side, as in: feeder OR logging")
            pending_or = True
        elif isinstance(item, Text | Field | Not):
            if pending_or:
                previous = clauses[-1]
                before = previous.operands if isinstance(previous, AnyOf) else (previous,)
                clauses[-1] = AnyOf((*before, item))
                pending_or = False
            else:
                clauses.append(item)
    if pending_or:
        raise QueryError("OR needs a search term on each side, as in: feeder OR logging")
    query = Query(tuple(_searchable(clauses)))
    terms = sum(1 for _ in query.operands())
    if terms > MAX_TERMS:
        # Thousands of words ran for a minute and then failed in SQLite (too many terms in
        # one statement); no one searches with more than a few dozen.
        raise QueryError(
            f"A search can hold at most {MAX_TERMS} words, phrases and fields; this one has "
            f"{terms:,}. Keep the ones that matter most."
        )
    return query


def _searchable(clauses: Iterable[Clause]) -> Iterator[Clause]:
    """The clauses without words that hold no letter or digit (they could match nothing)."""
    for clause in clauses:
        operands = clause.operands if isinstance(clause, AnyOf) else (clause,)
        kept = tuple(operand for operand in operands if _can_match(operand))
        if len(kept) == 1:
            yield kept[0]
        elif kept:
            yield AnyOf(kept)


def _can_match(operand: Operand) -> bool:
    inner = operand.operand if isinstance(operand, Not) else operand
    return not isinstance(inner, Text) or is_searchable(inner.text)


def _items(text: str) -> Iterator[Operand | _Or]:
    """The operands and ORs of `text`, left to right."""
    position, length = 0, len(text)
    while position < length:
        if text[position].isspace():
            position += 1
            continue
        negated = text[position] == "-" and position + 1 < length
        negated = negated and not text[position + 1].isspace()
        start = position + 1 if negated else position
        operand, position = _operand(text, start, operators=not negated)
        if operand is None or isinstance(operand, _Or):
            if operand is not None:
                yield operand
            continue
        yield Not(operand) if negated else operand


def _operand(
    text: str, start: int, *, operators: bool = True
) -> tuple[Text | Field | _Or | None, int]:
    """The operand starting at `start`, and where the next one may start.

    With `operators`, OR is the operator and AND is dropped (it is what juxtaposition means
    already); after a minus they are words ("-OR" excludes the word "or").
    """
    if text[start] == '"':
        content, end = _quoted(text, start)
        return Text(" ".join(content.split()), phrase=True), end
    end = start
    while end < len(text) and not text[end].isspace() and text[end] != '"':
        end += 1
    token = text[start:end]
    if operators and token == "OR":
        return _OR, end
    if operators and token == "AND":
        return None, end
    name, colon, rest = token.partition(":")
    field = _field_name(name) if colon else None
    if field is not None:
        if not rest and end < len(text) and text[end] == '"':
            value, end = _quoted(text, end)
        else:
            value = rest
        return Field(field, _field_value(field, value)), end
    word = token.rstrip("*")
    return Text(word, prefix=len(word) < len(token)), end


def _quoted(text: str, start: int) -> tuple[str, int]:
    """The text between the quote at `start` and the next one, and the position after it."""
    close = text.find('"', start + 1)
    if close < 0:
        raise QueryError(
            f'The quote at character {start + 1} is never closed: add a closing " or remove it.'
        )
    return text[start + 1 : close], close + 1


def _field_name(name: str) -> FieldName | None:
    try:
        return FieldName(name.lower())
    except ValueError:
        return None


def _field_value(field: FieldName, raw: str) -> str:
    value = " ".join(raw.split())
    if not value:
        raise QueryError(f"{field}: needs a value, as in {_EXAMPLES[field]}.")
    if field is FieldName.SEVERITY:
        return _pick(field, value, [s.value for s in Severity], upper=True)
    if field is FieldName.PHASE:
        return _pick(field, value, [p.value for p in Phase])
    if field is FieldName.STATUS:
        return _pick(field, value, [s.value for s in ReviewStatus])
    if field is FieldName.FOLLOWUP:
        return _pick(field, value, list(FOLLOWUP_VALUES))
    if field in (FieldName.AFTER, FieldName.BEFORE):
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            raise QueryError(
                f"{field}:{value} is not a date; write it as YYYY-MM-DD, as in {_EXAMPLES[field]}."
            ) from None
    if field in (FieldName.TRIGGER, FieldName.DETECTED_BY, FieldName.IMPLICATED):
        # Their codes are data (the bank's options, the kinds of change): the service
        # resolves them against the bank in use.
        return _code(value)
    return value


# Fields whose values are codes, written with dashes ("follow-up") and stored with "_".
_CODED = frozenset(
    {
        FieldName.PHASE,
        FieldName.STATUS,
        FieldName.IMPLICATED,
        FieldName.FOLLOWUP,
        FieldName.TRIGGER,
        FieldName.DETECTED_BY,
    }
)

_EXAMPLES = {
    FieldName.SEVERITY: "severity:SEV1",
    FieldName.PHASE: "phase:follow-up",
    FieldName.STATUS: "status:published",
    FieldName.TAG: "tag:drift",
    FieldName.SYSTEM: 'system:"feature store"',
    FieldName.TEAM: "team:finance",
    FieldName.TRIGGER: "trigger:data",
    FieldName.DETECTED_BY: "detected-by:users",
    FieldName.IMPLICATED: "implicated:training-data",
    FieldName.OWNER: "owner:priya",
    FieldName.FOLLOWUP: "followup:open",
    FieldName.AFTER: "after:2026-01-01",
    FieldName.BEFORE: "before:2026-01-01",
}


def _code(value: str) -> str:
    """A value written like a code: lower case, with _ for dashes and spaces."""
    return value.strip().lower().replace("-", "_").replace(" ", "_")


def _shown(code: str) -> str:
    return code.replace("_", "-")


def _pick(field: FieldName, value: str, codes: list[str], *, upper: bool = False) -> str:
    """The code `value` names: itself, or the one code it begins; QueryError otherwise."""
    wanted = value.strip().upper() if upper else _code(value)
    if wanted in codes:
        return wanted
    starting = [code for code in codes if code.startswith(wanted)]
    if len(starting) == 1:
        return starting[0]
    choices = ", ".join(_shown(code) for code in codes)
    raise QueryError(f"{field}:{value} is not one of: {choices}.")


def choice_codes(field: FieldName, value: str, options: Mapping[str, str]) -> frozenset[str]:
    """The options (id -> label) a trigger:, detected-by: or implicated: value stands for.

    A value names an option by its id, by one word of its id (`data` names `upstream_data`
    and `data_growth`) or by the start of its id. For detected-by, `users` (or `public`)
    stands for every source that is the public mark. QueryError when nothing matches.
    """
    wanted = _code(value)
    if field is FieldName.DETECTED_BY and wanted in PUBLIC_DETECTION_ALIASES:
        return frozenset(code for code in options if code in FOUND_BY_THE_AFFECTED)
    if wanted in options:
        return frozenset({wanted})
    found = frozenset(
        code
        for code in options
        if wanted in code.split("_") or (wanted and code.startswith(wanted))
    )
    if found:
        return found
    choices = ", ".join(_shown(code) for code in options)
    extra = ", or users for the public mark" if field is FieldName.DETECTED_BY else ""
    raise QueryError(f"{field}:{value} names none of: {choices}{extra}.")
