"""Compiling a parsed query (core/search_query.py) into SQLite statements.

Nothing the user typed is ever part of the SQL text: words and phrases become FTS5 string
literals (`"..."` with inner quotes doubled, so FTS5 operators, column filters and NEAR are
just words) passed as bound parameters; field values are bound parameters too.

Matching is per incident: a word matches an incident when any of its fields contains it, so
`feeder memory` finds an incident with "feeder" in its title and "memory" in a timeline
entry. Each clause is a set of incidents: text clauses are intersected, OR groups united,
exclusions and fields filter.

Ranking (BM25-style, weighted per field). A word scores, in each place it occurs:
- the summary, the one long field: bm25 (term frequency and length matter there), times 2.5;
- every short field (title x10, systems/models/tags x4, review answers and change evidence
  x2, timeline x1.5, key, milestones, roles, teams, follow-ups, access log, ethics x1): the
  field's weight times the word's idf, ln(1 + (N - n + 0.5) / (n + 0.5)) with n the field's
  matching rows and N the incidents. That is bm25 for a short text with one hit, without
  the per-row length lookups that make bm25 cost about a microsecond a row.
An incident's score is the sum over its words and places; ties go to the newer incident.
Fields are weighted outside bm25 on purpose: FTS5's own column weights act inside bm25's
saturation, so there a title weighted 10 counts barely twice a summary hit.

Cost. Before the statement, each word is counted in every place (FTS5's own counts, which
read only the word's list: a word's rows in each column of the incidents from FTS5's
vocabulary of them, VOCABULARY_SQL, one pass; each kind of record by its range of rowids,
counts_sql(); a prefix's kinds of record in one pass over its records, part_counts_sql()),
so each place's weight is a bound number, a place without the word is left out, and a word
found nowhere answers at once. With several clauses every hit must match, a word's rows in
the incidents' own fields (any column) are counted only where the bounds of its rows per
place leave open how it is scored or which clause is rarest, and for the rarest clause
(NOT_COUNTED). A prefix of ASCII letters and digits with few words is first
written out as those words, table by table (Expansion), and is then counted, matched and
ranked like a word: FTS5 would gather its words again in every statement and range it
reads. Each word is then found with one FTS5 scan per place; a word in more than
BM25_LIMIT incidents is scored in summaries by presence too. With several
clauses, the others are scored only where the rarest one (by those counts) matches: its
incidents are put in a temporary table first (CompiledQuery.prelude); the others' score rows
are written to a temporary table too, and the rarest one is then scored only where every
clause matches (_Compiler._narrowed: its summaries' bm25 for a few incidents, not all of
its own), each matching incident's rows summed in the same order. The scores are grouped
into a materialized table, which the page is sorted from with its LIMIT and the matches
counted from.

A page asked for without its total (SearchRequest.exact_total False: the list's first
answer, which counts the matches after) can skip the work that only the total needs:
- A word alone whose title matches provably hold the page is ranked among them only (their
  whole score, every place). They hold it when more incidents have it in their title than
  the page reaches and a title match alone outscores every other place together (each
  place's score is a bound number; a summary scored by bm25 has no bound, so never then):
  every incident with the word in its title then ranks above every incident without.
  They are ranked a window of ids at a time, newest first, each window reading only its
  stretch of the word's lists, until no older incident can enter the page (Windows).
- Fields alone are walked newest first (each incident tested, follow-ups looked up by
  incident) until the page and one more are found, among the newest WALK_WINDOW incidents.
Either gives one row more than the page when more match; the total is then a lower bound
(the incidents whose own fields hold the word, exact when the word is nowhere else). When
fewer rows come, the exact statement (CompiledQuery.fallback) answers instead.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cache, partial
from typing import ClassVar

from hindsight.core.detection import DETECTION_SOURCE_QUESTION, TRIGGER_KIND_QUESTION
from hindsight.core.review import Verdict
from hindsight.core.search_query import (
    AnyOf,
    Field,
    FieldName,
    Not,
    Text,
)
from hindsight.core.search_results import SearchRequest
from hindsight.store.search_common import (
    INCIDENT_COLUMNS,
    NAMED_FIELDS,
    day_start,
    followup_statuses,
    idf,
    incident_date_sql,
)
from hindsight.store.search_schema import (
    ACCESS_TABLE,
    ACCESS_WEIGHT,
    CHILD_TABLE,
    INCIDENT_BITS,
    INCIDENT_MASK,
    INCIDENT_OF_CHILD,
    INCIDENT_SHIFT,
    INCIDENT_TABLE,
    INCIDENT_VOCABULARY,
    PART_BY_NAME,
    PART_OF_CHILD,
    PARTS,
    part_range,
)

# Weights of the fields of search_incident; the labels are searched as one.
INCIDENT_WEIGHTS = {"key": 1.0, "title": 10.0, "summary": 2.5, "{systems models tags}": 4.0}
# Words in more incidents than this are scored in summaries by presence instead of bm25:
# bm25 over tens of thousands of rows costs 30-100 ms, and so common a word barely tells
# incidents apart anyway.
BM25_LIMIT = 5000
# Counts.incidents of counts read without it (the incidents whose own fields hold a literal:
# a pass over its list, 0.2-0.8 ms for a word of the bench). A query of several clauses needs
# it only where the bounds of its rows per place leave open how it is scored or which clause
# is rarest (_Compiler.incidents_of).
NOT_COUNTED = -1
INCIDENTS_SQL = f"SELECT count(*) FROM {INCIDENT_TABLE} WHERE {INCIDENT_TABLE} MATCH ?"


def fts_string(text: Text) -> str:
    """`text` as one FTS5 string literal: a phrase of its words, never an FTS5 operator."""
    literal = '"' + text.text.replace('"', '""') + '"'
    return literal + " *" if text.prefix else literal


def stored_time(moment: datetime) -> str:
    """`moment` as the store writes datetimes on SQLite (naive UTC with microseconds)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _within(expression: str, within: str) -> str:
    """A filter keeping `expression` to the incidents of the CTE `within` ("": no filter).

    The test runs on the rows FTS5 returns: written as an expression, SQLite cannot hand it
    to FTS5 as a rowid lookup per incident, which would re-read the word's list each time.
    """
    return f" AND {expression} IN (SELECT i FROM {within})" if within else ""


@dataclass(frozen=True)
class Span:
    """A window of incident ids, from the parameter `low` up to (without) `high`.

    FTS5 reads only that stretch of a word's list: an incident's own row is its id, and a
    record's rowid has its incident under its kind, so each kind is a range of its own.
    """

    low: str
    high: str


def _incident_ids_within(match: str, within: str, span: Span | None = None) -> str:
    return incident_ids_sql(match, within, span)


def _span_of_incidents(span: Span | None) -> str:
    return f" AND rowid >= {span.low} AND rowid < {span.high}" if span else ""


def incident_ids_sql(match: str, within: str = "", span: Span | None = None) -> str:
    """SQL for the ids of incidents whose own fields match the parameter `match` (those of
    `span` only, when given)."""
    return (
        f"SELECT rowid AS i FROM {INCIDENT_TABLE} WHERE {INCIDENT_TABLE} MATCH {match}"
        f"{_span_of_incidents(span)}{_within('+rowid', within)}"
    )


def child_ids_sql(match: str, within: str = "", part: str = "") -> str:
    """SQL for (i, g): incidents with a record matching `match`, and the kind of record,
    each pair once.

    The pair is the top of the record's rowid (`rowid >> 32` is kind << 27 | incident), so
    one integer is made distinct rather than two columns. A kind asked for is its range of
    rowids, which FTS5 reads alone.
    """
    kind = ""
    if part:
        first, end = part_range(PART_BY_NAME[part].code)
        kind = f" AND rowid >= {first} AND rowid < {end}"
    return (
        f"SELECT ig & {INCIDENT_MASK} AS i, ig >> {INCIDENT_BITS} AS g FROM (SELECT DISTINCT "
        f"rowid >> {INCIDENT_SHIFT} AS ig FROM {CHILD_TABLE} WHERE {CHILD_TABLE} MATCH {match}"
        f"{kind}{_within(INCIDENT_OF_CHILD, within)})"
    )


def spanned_child_ids_sql(match: str, within: str, span: Span, codes: Sequence[int]) -> str:
    """child_ids_sql() for the incidents of `span` only, over the kinds `codes`: one range
    of rowids per kind (the kind is at the top of a record's rowid, its incident below)."""
    scans = " UNION ALL ".join(
        f"SELECT DISTINCT rowid >> {INCIDENT_SHIFT} AS ig FROM {CHILD_TABLE} "
        f"WHERE {CHILD_TABLE} MATCH {match} "
        f"AND rowid >= {first} + ({span.low} << {INCIDENT_SHIFT}) "
        f"AND rowid < {first} + ({span.high} << {INCIDENT_SHIFT})"
        f"{_within(INCIDENT_OF_CHILD, within)}"
        for first in (part_range(code)[0] for code in codes)
    )
    return f"SELECT ig & {INCIDENT_MASK} AS i, ig >> {INCIDENT_BITS} AS g FROM ({scans})"


def child_incidents_sql(match: str) -> str:
    """SQL for the incidents with a record matching `match`, once per record (for a UNION)."""
    return f"SELECT {INCIDENT_OF_CHILD} AS i FROM {CHILD_TABLE} WHERE {CHILD_TABLE} MATCH {match}"


def access_ids_sql(match: str, within: str = "") -> str:
    """SQL for the ids of incidents whose data-access log matches (current revisions only)."""
    return (
        f"SELECT DISTINCT a.incident_id AS i FROM {ACCESS_TABLE} "
        f"JOIN data_access_revisions r ON r.id = {ACCESS_TABLE}.rowid "
        f"JOIN data_accesses a ON a.id = r.access_id "
        f"WHERE {ACCESS_TABLE} MATCH {match} AND r.number = "
        f"(SELECT max(x.number) FROM data_access_revisions x WHERE x.access_id = r.access_id)"
        f"{_within('a.incident_id', within)}"
    )


@dataclass
class CompiledQuery:
    """The statement and its parameters; columns: incident id, score, total matches."""

    sql: str
    params: dict[str, object]
    count_sql: str
    counted_apart: bool = False  # True: the rows carry no total; run count_sql for it
    # Statements to run first, in the same transaction, with the same parameters.
    prelude: tuple[str, ...] = ()
    # A page without its total (SearchRequest.exact_total False): the rows are (id, score),
    # one more than the page when more match; `at_least` is a lower bound of the total.
    # When fewer rows come than that, `fallback` (if any) answers instead, with its total.
    page_only: bool = False
    at_least: int = 0
    at_least_exact: bool = False  # `at_least` is the total itself
    fallback: CompiledQuery | None = None
    # Set: `sql` ranks one window of incident ids (its prelude fills the window's title
    # matches); run it window by window, newest first (rank_windows()), and page the rows.
    windows: Windows | None = None


@dataclass(frozen=True)
class Windows:
    """Title matches ranked a window of incident ids at a time, newest first.

    Each window's statement gives its best `rows` (the page's offset and limit, and one
    more) by score, newer first on ties; the best `rows` of all are among those. Windows
    stop once the last of the best `rows` so far scores `best`, the most any incident can
    (the word in every place it occurs): an incident further back cannot score more, and
    on a tie the newer one ranks first. A word in every place of many incidents (`model`)
    is then ranked from its newest title matches alone.
    """

    low: str  # the parameters of the window's first id and the id past its last
    high: str
    titles: int  # incidents with the word in their title
    best: float
    rows: int

    def at_best(self, score: float) -> bool:
        """True when `score` is `best` (to far above the rounding of a sum of doubles)."""
        return score >= self.best - 1e-9 * (1.0 + abs(self.best))

    def first_width(self, top: int) -> int:
        """How many ids the first window spans, below `top` (the highest id, plus one)."""
        return max(1, -(-WINDOW_REACH * self.rows * top // max(self.titles, 1)))


# The first window of title matches holds about this many times the rows wanted (if they are
# spread evenly over the ids); each window further back is twice as wide. For `model` (2,949
# title matches, one in six of them with the word in every place) a page of 50 is found in
# the first window, a tenth of the ids.
WINDOW_REACH = 8


# SQL of (i, s) score rows, given a CTE to keep within ("": all) and a window of incident ids
# to read (None: all).
Arm = Callable[[str, "Span | None"], str]


@dataclass
class Leaf:
    """One word or phrase: the CTE of incidents it matches, and its score arms.

    Each arm gives the word's score in one place (title and summary, timeline ...), and can
    keep to a set of incidents, so that a query of several clauses scores only the incidents
    that can still match them all.
    """

    ids: str
    arms: list[Arm]
    # Rows of the index it matches (about its incidents), to pick the rarest: at least
    # `estimate`, at most `estimate + spread` (0 once its incidents are counted).
    estimate: int = 0
    # Incidents whose own fields match (a lower bound of its matches); NOT_COUNTED until
    # own() asks `count_incidents`.
    incidents: int = 0
    only_incidents: bool = False  # found in incidents' own fields only: `incidents` is all
    # Its title: how many incidents have it there, the parameter matching them, the score a
    # title match adds, and the most every other place together can add (inf: unbounded).
    titles: int = 0
    title_match: str = ""
    title_score: float = 0.0
    title_arm: Arm | None = None  # the arm scoring the title (one of `arms`)
    title_factor: str = ""  # the parameter of the score a title match adds
    others: float = math.inf
    # A prefix matched as it is (not written out as its words, Expansion): FTS5 gathers its
    # words again for every range read.
    prefix: bool = False
    # The statements whose union is `ids`, each of column i (empty: `ids` alone).
    members: tuple[str, ...] = ()
    # The literal search_incident is matched with; the summaries scored by bm25 (an arm
    # whose cost is per row: _narrowed); its rows in every place of the index (each column
    # of the incidents, each kind of record, the access log) per incident there is.
    literal: str = ""
    bm25: int = 0
    share: float = 0.0
    spread: int = 0
    elsewhere: int = 0  # of `estimate`, the rows outside the incidents' own fields
    count_incidents: Callable[[], int] | None = None

    def own(self) -> int:
        """`incidents`, counted now if it was not (`estimate` is then exact too)."""
        if self.incidents == NOT_COUNTED:
            assert self.count_incidents is not None
            self.incidents = self.count_incidents()
            self.estimate, self.spread = self.incidents + self.elsewhere, 0
        return self.incidents


@dataclass(frozen=True)
class Expansion:
    """A prefix written out as the words of the index that have it, table by table: for each
    FTS5 table, a literal matching the same rows as the prefix (an OR of its words there).

    FTS5 gathers a prefix's words again in every statement and every range of rowids it
    reads (a few milliseconds each for `feed*`); its words, listed once, are each one list
    that FTS5 seeks in. A table holding none of the words keeps the prefix (nothing to
    gather). bm25 keeps the prefix too: it scores a phrase, not each word of an OR.
    """

    incident: str
    child: str
    access: str


@dataclass(frozen=True)
class Counts:
    """How many rows of each place of the index one FTS5 literal matches."""

    # Rows of search_incident, in any column; NOT_COUNTED when the counts were read without
    # it (_Compiler.incidents_of gives it, when the bounds of `columns` do not settle it).
    incidents: int
    columns: dict[str, int]  # rows of search_incident, per column of INCIDENT_WEIGHTS
    parts: tuple[int, ...]  # rows of search_child, per kind of record (by its code)
    access: int  # rows (revisions) of search_access
    # A prefix written out as its words (None: the literal is matched as it is).
    expansion: Expansion | None = field(default=None, compare=False)

    @property
    def children(self) -> int:
        """Rows of search_child, of any kind."""
        return sum(self.parts)


def counts_sql(
    by_kind: bool = True, *, child: str = ":m", access: str = ":m", total: bool = True
) -> str:
    """One statement counting a literal (the parameter :m) in every FTS5 table and in each
    column of search_incident: FTS5's own counts, which read only the word's list.

    Columns: incidents (NOT_COUNTED without `total`), each column of INCIDENT_WEIGHTS,
    access revisions, then either the
    child records of each kind (`by_kind`: each kind is a range of rowids that FTS5 counts
    on its own) or the child records of any kind (for a prefix: FTS5 gathers every word
    with the prefix again for each statement of a range, so its kinds are counted in one
    pass instead, part_counts_sql()).
    """
    columns = ", ".join(
        f"(SELECT count(*) FROM {INCIDENT_TABLE} WHERE {INCIDENT_TABLE} MATCH :c{n})"
        for n in range(len(INCIDENT_WEIGHTS))
    )
    children = f"(SELECT count(*) FROM {CHILD_TABLE} WHERE {CHILD_TABLE} MATCH {child})"
    if by_kind:
        children = _kind_counts_sql(child)
    return (
        f"SELECT {_incidents_count(total)}, "
        f"{columns}, (SELECT count(*) FROM {ACCESS_TABLE} WHERE {ACCESS_TABLE} MATCH {access}), "
        f"{children}"
    )


def _kind_counts_sql(child: str = ":m") -> str:
    """Columns counting the records of each kind holding `child` (a parameter), one range
    of rowids each."""
    return ", ".join(
        f"(SELECT count(*) FROM {CHILD_TABLE} WHERE {CHILD_TABLE} MATCH {child} "
        f"AND rowid >= {first} AND rowid < {end})"
        for first, end in (part_range(part.code) for part in PARTS)
    )


def counts_by_kind(literal: str) -> bool:
    """True when counts_sql() counts the literal's records of each kind by their ranges
    (not for a prefix, whose kinds part_counts_sql() counts)."""
    return not literal.endswith("*")


# A word of ASCII letters and digits alone is one token of the index: itself in lower case
# (unicode61 folds nothing else in it, and splits nothing off). Its rows in each column of
# search_incident are read from FTS5's vocabulary of the table, one pass over its list,
# rather than counted with a column filter each, one pass each.
_ASCII_WORD = re.compile(r'"([A-Za-z0-9]+)"')
VOCABULARY_SQL = f"SELECT col, doc FROM {INCIDENT_VOCABULARY} WHERE term = ?"


def single_token(literal: str) -> str | None:
    """The index's token of a literal that is one ASCII word (not a prefix), else None."""
    found = _ASCII_WORD.fullmatch(literal)
    return found.group(1).lower() if found else None


def place_columns(place: str) -> tuple[str, ...]:
    """The columns of search_incident a place of INCIDENT_WEIGHTS searches."""
    return tuple(place.strip("{}").split())


@cache
def word_counts_sql(
    places: tuple[str, ...], *, child: str = ":m", access: str = ":m", total: bool = True
) -> str:
    """counts_sql() for a single token whose counts per column came from the vocabulary
    (VOCABULARY_SQL): the places of INCIDENT_WEIGHTS in `places` are counted here, those
    of several columns holding it in more than one (a row may hold it in two of them).

    Columns: incidents (NOT_COUNTED without `total`), each place of `places`, access
    revisions, each kind's records.
    """
    numbers = {place: n for n, place in enumerate(INCIDENT_WEIGHTS)}
    columns = "".join(
        f"(SELECT count(*) FROM {INCIDENT_TABLE} WHERE {INCIDENT_TABLE} MATCH :c{numbers[p]}), "
        for p in places
    )
    return (
        f"SELECT {_incidents_count(total)}, "
        f"{columns}(SELECT count(*) FROM {ACCESS_TABLE} WHERE {ACCESS_TABLE} MATCH {access}), "
        f"{_kind_counts_sql(child)}"
    )


def _incidents_count(total: bool) -> str:
    """The first column of the counts: the literal's rows of search_incident, or NOT_COUNTED."""
    return f"({INCIDENTS_SQL.replace('?', ':m')})" if total else str(NOT_COUNTED)


def counted_places(vocabulary: dict[str, int]) -> tuple[str, ...]:
    """The places of INCIDENT_WEIGHTS that word_counts_sql() must count, given the word's
    rows per column of search_incident: those of several columns with it in two or more."""
    return tuple(
        place
        for place in INCIDENT_WEIGHTS
        if sum(1 for column in place_columns(place) if vocabulary.get(column)) > 1
    )


def word_counts_of(
    vocabulary: dict[str, int], places: tuple[str, ...], row: Sequence[int]
) -> Counts:
    """The Counts of a single token: its vocabulary per column and a row of
    word_counts_sql(places)."""
    columns = {}
    for place in INCIDENT_WEIGHTS:
        if place in places:
            columns[place] = int(row[1 + places.index(place)])
        else:  # one column at most holds it
            columns[place] = sum(vocabulary.get(column, 0) for column in place_columns(place))
    rest = 1 + len(places)
    return Counts(
        incidents=int(row[0]),
        columns=columns,
        access=int(row[rest]),
        parts=tuple(int(n) for n in row[rest + 1 : rest + 1 + len(PARTS)]),
    )


def counts_params(literal: str) -> dict[str, str]:
    """The parameters of counts_sql() for one literal."""
    params = {"m": literal}
    for n, column in enumerate(INCIDENT_WEIGHTS):
        params[f"c{n}"] = f"{column} : {literal}"
    return params


# A prefix of ASCII letters and digits alone (`feed*`): its words are listed from FTS5's
# vocabularies (Expansion) when there are at most EXPANSION_LIMIT of them in each table.
_ASCII_PREFIX = re.compile(r'"([A-Za-z0-9]+)" \*')
_ASCII_TERM = re.compile(r"[a-z0-9]+")
EXPANSION_LIMIT = 16


def single_prefix(literal: str) -> str | None:
    """The index's token that a literal of one ASCII word as a prefix starts, else None."""
    found = _ASCII_PREFIX.fullmatch(literal)
    return found.group(1).lower() if found else None


def prefix_bounds(prefix: str) -> tuple[str, str]:
    """The terms having `prefix` (ASCII) are those from the first up to (without) the
    second: its last character moved on by one (terms are compared byte by byte)."""
    return prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)


def any_of(terms: Sequence[str]) -> str | None:
    """An FTS5 literal matching the rows holding any of `terms` (words of the index, ASCII
    letters and digits), or None when they are not all such words."""
    if not terms or not all(_ASCII_TERM.fullmatch(term) for term in terms):
        return None
    return "(" + " OR ".join(f'"{term}"' for term in terms) + ")"


def expansion_params(literal: str, expansion: Expansion) -> dict[str, str]:
    """The parameters of counts_sql(child=":k", access=":a") for a prefix written out."""
    params = counts_params(expansion.incident)
    params["k"], params["a"] = expansion.child, expansion.access
    return params


def _packing(children: int) -> tuple[int, int]:
    """How to count kinds of record in a few sums: (kinds per sum, bits per kind).

    A sum adds 1 << (bits * (kind - first kind of the sum)) per record: each kind of the
    sum counts in its own bits, and a kind outside the sum adds nothing (SQLite shifts a
    negative distance the other way, and 64 or more bits out). It must never overflow: the
    last kind's field has what is left of 63 bits, enough for `children`.
    """
    for per_sum in (8, 4, 3, 2):
        bits = -(-64 // per_sum)  # the next kind of the sum is shifted out of 64 bits
        if (per_sum - 1) * bits + children.bit_length() <= 63:
            return per_sum, bits
    return 1, 64


def part_counts_sql(children: int) -> str:
    """A statement counting the records of each kind that match the literal :m, given that
    `children` records match in all (one pass over them, no sorting: see _packing)."""
    per_sum, bits = _packing(children)
    kind = f"{PART_OF_CHILD}"
    sums = ", ".join(
        f"sum(1 << ({bits} * ({kind} - {first})))" if per_sum > 1
        else f"count(*) FILTER (WHERE {kind} = {first})"
        for first in range(0, len(PARTS), per_sum)
    )  # fmt: skip
    return f"SELECT {sums} FROM {CHILD_TABLE} WHERE {CHILD_TABLE} MATCH :m"


def part_counts(children: int, row: Sequence[int | None]) -> tuple[int, ...]:
    """The count of each kind of record from a row of part_counts_sql(children)."""
    per_sum, bits = _packing(children)
    mask = (1 << bits) - 1 if per_sum > 1 else -1
    found = []
    for code in range(len(PARTS)):
        packed = int(row[code // per_sum] or 0)
        found.append((packed >> (bits * (code % per_sum))) & mask if per_sum > 1 else packed)
    return tuple(found)


def counts_of(row: Sequence[int], parts: tuple[int, ...] | None = None) -> Counts:
    """The Counts of a row of counts_sql(): with the kinds' counts of part_counts_sql() when
    the row has the child records of any kind, else from the row itself (by kind)."""
    columns = len(INCIDENT_WEIGHTS)
    if parts is None:
        parts = tuple(int(n) for n in row[2 + columns : 2 + columns + len(PARTS)])
    return Counts(
        incidents=int(row[0]),
        columns=dict(zip(INCIDENT_WEIGHTS, map(int, row[1 : 1 + columns]), strict=True)),
        access=int(row[1 + columns]),
        parts=parts,
    )


def _every_place(literal: str) -> Counts:
    """Counts for compiling without an index to ask (the SQL alone): one row everywhere."""
    return Counts(1, dict.fromkeys(INCIDENT_WEIGHTS, 1), (1,) * len(PARTS), 1)


@dataclass
class _Compiler:
    request: SearchRequest
    incident_count: int
    # How many rows of each place of the index a literal matches.
    counts: Callable[[str], Counts] = _every_place
    params: dict[str, object] = field(default_factory=dict)
    ctes: list[str] = field(default_factory=list)
    prelude: list[str] = field(default_factory=list)
    walking: bool = False  # fields alone, a page without its total: walked newest first
    # How many incidents' own fields match every one of some FTS5 literals, counting up to
    # a number at most (None: no index to ask; several clauses are then not narrowed,
    # _narrowing_pays).
    together: Callable[[tuple[str, ...], int], int] | None = None
    # The incidents whose own fields match a literal, for counts read without it
    # (Counts.incidents NOT_COUNTED).
    incidents_of: Callable[[str], int] | None = None
    narrows: ClassVar[bool] = (
        True  # several text clauses: the rarest scored where all match (_narrowed)
    )

    def param(self, value: object) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f":{name}"

    def cte(self, body: str, *, materialized: bool = False) -> str:
        name = f"q{len(self.ctes)}"
        keyword = "MATERIALIZED " if materialized else ""
        self.ctes.append(f"{name} AS {keyword}({body})")
        return name

    # -- text -----------------------------------------------------------------------------

    def leaf(self, text: Text) -> Leaf:
        """Where `text` matches, and how it scores there.

        The word's counts in each place are read once, before the statement, so every
        weight is a number bound as a parameter (worked out per row, an idf is a call into
        Python for each matching row); a place where the word does not occur is left out.
        """
        literal = fts_string(text)
        counts = self.counts(literal)
        match = child_match = access_match = self.param(literal)
        written = literal  # what search_incident is matched with
        if counts.expansion is not None:
            # A prefix written out as its words in each table (Expansion).
            written = counts.expansion.incident
            match = self.param(written)
            child_match = self.param(counts.expansion.child)
            access_match = self.param(counts.expansion.access)
        total = self.incident_count
        incidents = low = high = counts.incidents
        if incidents == NOT_COUNTED:
            # Read without it: at least the rows of its busiest place, at most all of them.
            low, high = max(counts.columns.values(), default=0), sum(counts.columns.values())
            if low == high or low <= BM25_LIMIT < high:  # settled, or how to score it is not
                incidents = low = high = low if low == high else self._incidents(literal)
        by_bm25 = high <= BM25_LIMIT
        arms: list[Arm] = []
        scores: dict[str, float] = {}  # what each place adds to an incident's score
        title_match = title_factor = ""
        title_arm: Arm | None = None
        for column, weight in INCIDENT_WEIGHTS.items():
            found = counts.columns.get(column, 0)
            if not found or (column == "summary" and by_bm25):
                continue
            in_column = self.param(f"{column} : {written}")
            score = scores[column] = weight * idf(found, total)
            factor = self.param(score)
            arms.append(_scored(partial(_incident_ids_within, in_column), factor))
            if column == "title":
                title_match, title_factor, title_arm = in_column, factor, arms[-1]
        if by_bm25 and counts.columns.get("summary", 0):
            scores["summary"] = math.inf  # bm25 has no bound worked out here
            # FTS5's column weights act inside bm25's saturation (a heavy column only makes
            # one hit count as several), so the summary is scored on its own and weighted
            # outside, like the other fields.
            arms.append(
                _bm25_arm(
                    self.param(INCIDENT_WEIGHTS["summary"]),
                    self.param(f"summary : {literal}"),
                )
            )
        members = [incident_ids_sql(match)]
        if counts.children:
            arms.append(self._children(child_match, counts))
            members.append(child_incidents_sql(child_match))
            # An incident's records add each kind's score once (its (incident, kind) pairs).
            for part in PARTS:
                if counts.parts[part.code]:
                    scores[f"part {part.name}"] = part.weight * idf(counts.parts[part.code], total)
        if counts.access:
            score = scores["access"] = ACCESS_WEIGHT * idf(counts.access, total)
            access = self.param(score)
            # The access log's rowids are revisions, not incidents: no window to read there.
            arms.append(_scored(lambda within, span: access_ids_sql(access_match, within), access))
            members.append(access_ids_sql(access_match))
        elsewhere = counts.children + counts.access
        title_score = scores.pop("title", 0.0)
        return Leaf(
            self.cte(" UNION ".join(members)),
            arms,
            low + elsewhere,
            members=tuple(members),
            literal=written,
            bm25=counts.columns.get("summary", 0) if by_bm25 else 0,
            share=(sum(counts.columns.values()) + counts.children + counts.access) / max(total, 1),
            incidents=incidents,
            spread=high - low,
            elsewhere=elsewhere,
            count_incidents=partial(self._incidents, literal),
            only_incidents=not counts.children and not counts.access,
            titles=counts.columns.get("title", 0),
            title_match=title_match,
            title_score=title_score,
            title_arm=title_arm,
            title_factor=title_factor,
            others=sum(scores.values()),
            prefix=text.prefix and counts.expansion is None,
        )

    def _children(self, match: str, counts: Counts) -> Arm:
        """The arm of the incidents' records: each kind's weight times the word's idf there.

        The idf counts the kind's matching rows against all incidents, so it is the same
        whether or not the arm keeps to a set of incidents; each matching record picks its
        kind's weight (kinds where the word does not occur never come up).
        """
        total = self.incident_count
        pick = " ".join(
            f"WHEN {p.code} THEN {self.param(p.weight * idf(counts.parts[p.code], total))}"
            for p in PARTS
            if counts.parts[p.code]
        )
        codes = [p.code for p in PARTS if counts.parts[p.code]]

        def arm(within: str, span: Span | None) -> str:
            pairs = (
                spanned_child_ids_sql(match, within, span, codes)
                if span
                else child_ids_sql(match, within)
            )
            return f"SELECT c.i AS i, CASE c.g {pick} ELSE 0.0 END AS s FROM ({pairs}) AS c"

        return arm

    # -- fields ---------------------------------------------------------------------------

    def field_condition(self, item: Field, incident: str) -> str:
        """SQL true for the incident `incident` (an id expression) when `item` holds."""
        name = item.name
        if name in (FieldName.AFTER, FieldName.BEFORE):
            start = self.param(stored_time(day_start(self.request, item.day)))
            operator = ">=" if name is FieldName.AFTER else "<"
            return f"{incident_date_sql(incident)} {operator} {start}"
        column = INCIDENT_COLUMNS.get(name)
        if column is not None and incident == OUTER_ID:
            # Over the incidents table itself: test the column, no subquery.
            return f"o.{column} = {self.param(item.value)}"
        if incident == OUTER_ID and self.walking and name is FieldName.FOLLOWUP:
            # A page walked newest first stops at its last row: each incident's follow-ups
            # are looked up (by incident), rather than a list of every match made first.
            return (
                f"EXISTS (SELECT 1 FROM followups AS f WHERE f.incident_id = {incident} "
                f"AND f.status IN ({self._list(followup_statuses(item.value))}))"
            )
        if incident == OUTER_ID:
            # Over the incidents table: its ids are walked (on their smallest index) and
            # each looked up in the field's list, rather than each id of the list looked
            # up in the table, which reads a page of incidents per id (the list can hold
            # tens of thousands: followup:open).
            return f"+{incident} IN ({self.field_ids(item)})"
        return f"{incident} IN ({self.field_ids(item)})"

    def field_ids(self, item: Field) -> str:
        """SQL for the ids of incidents where `item` (not a date field) holds."""
        name, value = item.name, item.value
        column = INCIDENT_COLUMNS.get(name)
        if column is not None:
            return f"SELECT id FROM incidents WHERE {column} = {self.param(value)}"
        if name in NAMED_FIELDS:
            return self.name_ids(name, value)
        if name is FieldName.FOLLOWUP:
            return (
                "SELECT incident_id FROM followups "
                f"WHERE status IN ({self._list(followup_statuses(value))})"
            )
        if name is FieldName.IMPLICATED:
            kinds = self.request.choices.get(item, frozenset({value}))
            if not kinds:
                return "SELECT id FROM incidents WHERE 0"
            return (
                "SELECT incident_id FROM change_attributions "
                f"WHERE category IN ({self._list(sorted(kinds))}) "
                f"AND verdict = {self.param(Verdict.IMPLICATED.value)}"
            )
        question = TRIGGER_KIND_QUESTION if name is FieldName.TRIGGER else DETECTION_SOURCE_QUESTION
        codes = self.request.choices.get(item, frozenset({value}))
        if not codes:
            return "SELECT id FROM incidents WHERE 0"
        # A choice is stored as a JSON string, and option ids are plain ([a-z0-9_.]), so the
        # stored text is the id in quotes. The question id is written as a literal (it is
        # ours, not the user's) so that SQLite can use the partial index made for it.
        return (
            "SELECT incident_id FROM review_answers "
            f"WHERE question_id = '{question}' AND status = 'answered' "
            f"AND value IN ({self._list([json.dumps(code) for code in sorted(codes)])})"
        )

    def name_ids(self, name: FieldName, value: str) -> str:
        """Incidents with a tag, system, team or follow-up owner named like `value`.

        The name must hold the value's words in order, the last one as the start of a word
        (tag:drift finds "concept-drift", team:"ML plat" finds "ML platform").
        """
        literal = fts_string(Text(value, prefix=True))
        if name in (FieldName.TAG, FieldName.SYSTEM):
            column = "tags" if name is FieldName.TAG else "systems"
            return incident_ids_sql(self.param(f"{column} : {literal}"))
        part, field_name = ("team", "team") if name is FieldName.TEAM else ("followup", "owner")
        column = PART_BY_NAME[part].column(field_name)
        match = self.param(f"{column} : {literal}")
        return f"SELECT i FROM ({child_ids_sql(match, part=part)})"

    def _list(self, values: list[str]) -> str:
        return ", ".join(self.param(value) for value in values)

    # -- clauses --------------------------------------------------------------------------

    def negated(self, operand: Text | Field, incident: str) -> str:
        if isinstance(operand, Text):
            return f"{incident} NOT IN (SELECT i FROM {self.leaf(operand).ids})"
        return f"NOT ({self.field_condition(operand, incident)})"

    def compile(self) -> CompiledQuery:
        required: list[tuple[int, list[Leaf]]] = []  # text clauses every hit matches
        conditions: list[str] = []  # SQL over i: fields, exclusions, mixed OR groups
        optional: list[Leaf] = []  # words of mixed OR groups: they add to the score
        # Without a text clause every hit must match, the incidents table is scanned and the
        # other clauses test it directly.
        alone = not any(_required_text(clause) for clause in self.request.query.clauses)
        incident = OUTER_ID if alone else "i"
        page_only = not self.request.exact_total and self.request.limit > 0
        exact = self
        # Words in an OR group with fields add to the score: then no walk.
        words_in_or = any(
            isinstance(clause, AnyOf) and any(isinstance(o, Text) for o in clause.operands)
            for clause in self.request.query.clauses
        )
        if page_only and alone and not words_in_or:
            # The exact answer is compiled first (a fallback), with its own parameters.
            exact = type(self)(replace(self.request, exact_total=True), self.incident_count,
                               self.counts, incidents_of=self.incidents_of)  # fmt: skip
            self.walking = True
        for number, clause in enumerate(self.request.query.clauses):
            if isinstance(clause, Text):
                required.append((number, [self.leaf(clause)]))
            elif isinstance(clause, Field):
                conditions.append(self.field_condition(clause, incident))
            elif isinstance(clause, Not):
                conditions.append(self.negated(clause.operand, incident))
            elif all(isinstance(operand, Text) for operand in clause.operands):
                leaves = [self.leaf(operand) for operand in clause.operands]  # type: ignore[arg-type]
                required.append((number, leaves))
            else:
                conditions.append(self._mixed_or(clause, optional, incident))
        limit = self.param(self.request.limit)
        offset = self.param(self.request.offset)
        if self.walking and conditions and not required and not optional:
            return self._walked(conditions, offset, exact.compile())
        if page_only and not conditions and not optional and len(required) == 1:
            title_first = self._title_first(required[0][1], offset)
            if title_first is not None:
                # Never used when the index is read in one transaction (the page and one
                # more are title matches), but a short page is then answered exactly.
                exact = type(self)(replace(self.request, exact_total=True),
                                   self.incident_count, self.counts,
                                   incidents_of=self.incidents_of)  # fmt: skip
                return replace(title_first, fallback=exact.compile())
        if not required and not optional:
            # Fields alone: a filter, newest first. The incidents it keeps are kept in a
            # table, paged and counted from there: the filter runs once (reading a table of
            # follow-ups or answers costs more than the page). Without a field, every
            # incident: paged and counted apart, each cheap on the table itself.
            filtered = f"FROM incidents AS o{_where(conditions)}"
            with_ = f"WITH {', '.join(self.ctes)} " if self.ctes else ""
            if conditions:
                kept = f"{_RANKED} AS MATERIALIZED (SELECT o.id AS i {filtered})"
                return CompiledQuery(
                    f"WITH {', '.join([*self.ctes, kept])} SELECT i, 0.0 AS score, "
                    f"(SELECT count(*) FROM {_RANKED}) AS total FROM {_RANKED} "
                    f"ORDER BY i DESC LIMIT {limit} OFFSET {offset}",
                    self.params,
                    f"{with_}SELECT count(*) {filtered}",
                )
            return CompiledQuery(
                f"{with_}SELECT o.id, 0.0 AS score {filtered} "
                f"ORDER BY o.id DESC LIMIT {limit} OFFSET {offset}",
                self.params,
                f"{with_}SELECT count(*) {filtered}",
                counted_apart=True,
            )
        if any(not any(leaf.arms for leaf in leaves) for _, leaves in required):
            # A word every hit must contain occurs nowhere: nothing matches.
            return CompiledQuery("SELECT 0 AS i, 0.0 AS score, 0 AS total WHERE 0", {}, "SELECT 0")
        tests = list(conditions)  # per incident, after grouping: each is tested once
        if not required:
            matched = self.cte(
                f"SELECT o.id AS i FROM incidents AS o{_where(conditions)}", materialized=True
            )
            rows = [f"SELECT i, 0.0 AS s, -1 AS c FROM {matched}"]
            rows += [self._row(arm, -1, matched) for leaf in optional for arm in leaf.arms]
            tests = []
        else:
            # Every hit matches the rarest clause, so scoring the other words only where it
            # matches keeps `rare common` about as fast as `rare`.
            rarest = _rarest(required)
            restrictor = None
            if len(required) > 1 or optional:
                # The rarest clause's incidents go into a temporary table keyed by id, filled
                # before the statement: each arm's IN test then reads that table's own
                # b-tree, where over a CTE SQLite would build an index of it for every arm.
                leaves = dict(required)[rarest]
                # Every statement of theirs is inserted as it comes (the table's key drops
                # the repeats), rather than their union made first (an index of its own).
                members = " UNION ALL ".join(
                    member
                    for leaf in leaves
                    for member in (leaf.members or (f"SELECT i FROM {leaf.ids}",))
                )
                restrictor = WITHIN_TABLE
                self.prelude = [
                    MAKE_WITHIN,
                    f"DELETE FROM {WITHIN_TABLE}",
                    f"WITH {', '.join(self.ctes)} INSERT OR IGNORE INTO {WITHIN_TABLE} (i) "
                    f"{members}",
                ]
            fields = _clause_fields(required) if len(required) > 1 or optional else None
            if (
                fields is not None
                and not optional
                and self.narrows
                and self._narrowing_pays(required, rarest)
            ):
                rows = self._narrowed(required, rarest, fields)
            else:
                rows = [
                    self._row(
                        arm,
                        number if fields is None else 1 << fields[number][0],
                        None if number == rarest else restrictor,
                    )
                    for number, leaves in required
                    for leaf in leaves
                    for arm in leaf.arms
                ]
            other = -1 if fields is None else 0  # the words of mixed OR groups: no clause
            rows += [self._row(arm, other, restrictor) for leaf in optional for arm in leaf.arms]
            if fields is not None:
                # Every clause has a row: each adds 1 in its own bits of c (_clause_fields),
                # so one sum per incident tells which clauses it has.
                tests += [f"(sum(c) >> {shift}) & {mask}" for shift, mask in fields.values()]
            elif len(required) > 1 or optional:
                # Every clause has a row (c is its number): max() of a test needs no set of
                # distinct values per incident, as count(DISTINCT c) would.
                tests += [f"max(c = {number})" for number, _ in required]
        having = f" HAVING {' AND '.join(tests)}" if tests else ""
        union = " UNION ALL ".join(rows)
        grouped = f"FROM ({union}) GROUP BY i{having}"
        # The scores are kept in a table, sorted for the page with a LIMIT (keeping only
        # the page's rows) and counted once; a count over a window keeps every row twice.
        scored = f"{_RANKED} AS MATERIALIZED (SELECT i, sum(s) AS score {grouped})"
        sql = (
            f"WITH {', '.join([*self.ctes, scored])} SELECT i, score, "
            f"(SELECT count(*) FROM {_RANKED}) AS total FROM {_RANKED} "
            f"ORDER BY score DESC, i DESC LIMIT {limit} OFFSET {offset}"
        )
        with_ = f"WITH {', '.join(self.ctes)} "
        count_sql = f"{with_}SELECT count(*) FROM (SELECT i {grouped})"
        if len(required) == 1 and not conditions and not optional:
            # One clause alone: its incidents, counted without scoring them.
            members = " UNION ".join(f"SELECT i FROM {leaf.ids}" for leaf in required[0][1])
            count_sql = f"{with_}SELECT count(*) FROM ({members})"
        return CompiledQuery(sql, self.params, count_sql, prelude=tuple(self.prelude))

    def _narrowing_pays(self, required: list[tuple[int, list[Leaf]]], rarest: int) -> bool:
        """True when the rarest clause is worth scoring only where every clause matches
        (_narrowed): its summaries are scored by bm25 (about 2.4 µs a row; its other arms
        cost about as much kept to a few incidents or not), few of the incidents whose own
        fields hold it hold every other clause too, by FTS5's count of them all (a fraction
        of a millisecond), and the summaries this saves outweigh the other clauses' rows
        written (about 0.8 µs each). When nearly every incident of the rarest clause has the
        others (`tokenizer upgrade`), the rows would be written for nothing.
        """
        leaves = dict(required)[rarest]
        summaries = sum(leaf.bm25 for leaf in leaves)
        if self.together is None or not summaries:
            return False
        literals = tuple(
            clause[0].literal
            if len(clause) == 1
            else "(" + " OR ".join(leaf.literal for leaf in clause) + ")"
            for _, clause in required
        )
        own = sum(leaf.own() for leaf in leaves)
        # Counting stops once it is too many (a common word's list is not read through).
        most = own // max(NARROW_SHARE, 1) + 1
        together = self.together(literals, most)
        if together * NARROW_SHARE > own:
            return False
        # The rows written, were the other clauses' places spread evenly over the
        # incidents, against the summaries no longer scored: a common word's many rows
        # (`model tokenizer stale`: 8,000 written, 1,900 summaries saved) cost more.
        written = own * sum(
            leaf.share for number, clause in required if number != rarest for leaf in clause
        )
        saved = summaries * (1 - together / max(own, 1))
        return saved * NARROW_GAIN > written

    def _narrowed(
        self,
        required: list[tuple[int, list[Leaf]]],
        rarest: int,
        fields: dict[int, tuple[int, int]],
    ) -> list[str]:
        """The score rows of several text clauses, the rarest one scored only where every
        clause matches (its summaries' bm25 is the dearest arm, and few of its incidents
        have the other words: `tokenizer fraud-scorer stale` keeps 100 of 3,164).

        The other clauses' rows (kept to the rarest one's incidents, as before) are written
        to a temporary table first, in the order of the statement, and the incidents having
        every one of those clauses are listed from them (KEPT_TABLE); the rarest clause's
        arms are kept to those. An incident that matches keeps every row it had, in the same
        order (the other clauses' rows are read back in the order written), so its score is
        summed as before, bit for bit; an incident that does not loses only rows that the
        HAVING test would have dropped with it. Returns the statement's rows: the earlier
        clauses' rows, the rarest clause's arms, the later clauses' rows.
        """
        tagged = [
            f"SELECT i, s, c, {int(number > rarest)} AS a "
            f"FROM ({self._row(arm, 1 << fields[number][0], WITHIN_TABLE)})"
            for number, leaves in required
            if number != rarest
            for leaf in leaves
            for arm in leaf.arms
        ]
        having = " AND ".join(
            f"(sum(c) >> {shift}) & {mask}"
            for number, (shift, mask) in fields.items()
            if number != rarest
        )
        self.prelude += [
            MAKE_ROWS,
            f"DELETE FROM {ROWS_TABLE}",
            f"INSERT INTO {ROWS_TABLE} (i, s, c, a) {' UNION ALL '.join(tagged)}",
            MAKE_KEPT,
            f"DELETE FROM {KEPT_TABLE}",
            f"INSERT INTO {KEPT_TABLE} (i) SELECT i FROM {ROWS_TABLE} GROUP BY i HAVING {having}",
        ]
        earlier = any(number < rarest for number, _ in required)
        later = any(number > rarest for number, _ in required)
        shift = fields[rarest][0]
        return [
            *([f"SELECT i, s, c FROM {ROWS_TABLE} WHERE a = 0"] if earlier else []),
            *(
                self._row(arm, 1 << shift, KEPT_TABLE)
                for leaves in (dict(required)[rarest],)
                for leaf in leaves
                for arm in leaf.arms
            ),
            *([f"SELECT i, s, c FROM {ROWS_TABLE} WHERE a = 1"] if later else []),
        ]

    def _walked(self, conditions: list[str], offset: str, exact: CompiledQuery) -> CompiledQuery:
        """Fields alone, a page without its total: the newest incidents are walked, each
        tested, until the page and one more are found, within a window of the newest
        ones (a few matching far down would walk them all); else `exact` answers."""
        window = self.param(
            max(WALK_WINDOW, WALK_FACTOR * (self.request.offset + self.request.limit + 1))
        )
        more = self.param(self.request.limit + 1)
        newest = f"(SELECT min(id) FROM (SELECT id FROM incidents ORDER BY id DESC LIMIT {window}))"
        with_ = f"WITH {', '.join(self.ctes)} " if self.ctes else ""
        return CompiledQuery(
            f"{with_}SELECT o.id, 0.0 AS score FROM incidents AS o "
            f"WHERE o.id >= {newest} AND {' AND '.join(conditions)} "
            f"ORDER BY o.id DESC LIMIT {more} OFFSET {offset}",
            self.params,
            exact.count_sql,
            page_only=True,
            fallback=exact,
        )

    def _title_first(self, leaves: list[Leaf], offset: str) -> CompiledQuery | None:
        """One word or phrase alone, a page without its total, when its title matches
        provably hold the page: only they are ranked (their whole score), else None.

        They hold it when a title match alone outscores every other place together (so
        every incident with it in its title ranks above every incident without), and more
        incidents have it in their title than the page reaches (so the page and one more
        are title matches). A summary scored by bm25 has no bound here: never then.
        """
        if len(leaves) != 1:
            return None
        leaf = leaves[0]
        reach = self.request.offset + self.request.limit
        # A margin far above the rounding of a sum of a few doubles.
        beaten = leaf.title_score > leaf.others * (1 + 1e-9) + 1e-9
        if not leaf.title_match or leaf.titles <= reach or not beaten:
            return None
        # They are ranked a window of ids at a time, newest first (Windows): the title
        # matches of the window, each with the title's score read from their table rather
        # than from the word's list again, and every other place of the word read only for
        # the window's stretch of ids. Not a prefix matched as it is: FTS5 would gather its
        # words again for each kind's range of each window (`feed*`: 9 ms became 14); it is
        # ranked in one window of every id, its records read in one pass. A prefix written
        # out as its words (Expansion) is ranked a window at a time, like a word.
        span = None if leaf.prefix else Span(self.param(0), self.param(0))
        wanted = self.request.offset + self.request.limit + 1
        windows = None
        if span is None:
            page = f"LIMIT {self.param(self.request.limit + 1)} OFFSET {offset}"
        else:
            page = f"LIMIT {self.param(wanted)}"  # the offset is taken after the windows
            windows = Windows(
                low=span.low.lstrip(":"),
                high=span.high.lstrip(":"),
                titles=leaf.titles,
                best=leaf.title_score + leaf.others,
                rows=wanted,
            )
        rows = " UNION ALL ".join(
            [f"SELECT i, {leaf.title_factor} AS s, 0 AS c FROM {WITHIN_TABLE}"]
            + [
                self._row(arm, 0, WITHIN_TABLE, span)
                for arm in leaf.arms
                if arm is not leaf.title_arm
            ]
        )
        return CompiledQuery(
            f"WITH {', '.join(self.ctes)} SELECT i, sum(s) AS score FROM ({rows}) GROUP BY i "
            f"ORDER BY score DESC, i DESC {page}",
            self.params,
            f"WITH {', '.join(self.ctes)} SELECT count(*) FROM {leaf.ids}",
            prelude=(
                MAKE_WITHIN,
                f"DELETE FROM {WITHIN_TABLE}",
                f"INSERT INTO {WITHIN_TABLE} (i) SELECT rowid FROM {INCIDENT_TABLE} "
                f"WHERE {INCIDENT_TABLE} MATCH {leaf.title_match}{_span_of_incidents(span)}",
            ),
            page_only=True,
            at_least=leaf.own(),
            at_least_exact=leaf.only_incidents,
            windows=windows,
        )

    def _incidents(self, literal: str) -> int:
        """The incidents whose own fields match `literal`, for counts read without them."""
        assert self.incidents_of is not None, "counts without their incidents need incidents_of"
        return self.incidents_of(literal)

    @staticmethod
    def _row(arm: Arm, clause: int, restrictor: str | None, span: Span | None = None) -> str:
        """A score arm as rows of (i, s, c), kept to the incidents of `restrictor` (and of
        the window `span`, when given)."""
        return f"SELECT i, s, {clause} AS c FROM ({arm(restrictor or '', span)})"

    def _mixed_or(self, clause: AnyOf, optional: list[Leaf], incident: str) -> str:
        """An OR group holding fields or exclusions: a condition; its words add to the score."""
        parts = []
        for operand in clause.operands:
            if isinstance(operand, Text):
                leaf = self.leaf(operand)
                optional.append(leaf)
                parts.append(f"{incident} IN (SELECT i FROM {leaf.ids})")
            elif isinstance(operand, Field):
                parts.append(self.field_condition(operand, incident))
            else:
                parts.append(self.negated(operand.operand, incident))
        return "(" + " OR ".join(parts) + ")"


_RANKED = "ranked"  # the CTE of every match and its score
# Fields alone, a page without its total: how many of the newest incidents are walked (at
# least; or this many times the rows the page reaches) before the exact answer is asked for.
WALK_WINDOW = 2000
WALK_FACTOR = 20
# The incidents a query's other clauses are scored for (its rarest clause's): a table of the
# connection's own temporary database, filled by CompiledQuery.prelude.
WITHIN_NAME = "hindsight_search_within"
WITHIN_TABLE = f"temp.{WITHIN_NAME}"
# Several text clauses: the other clauses' score rows, written before the statement (with
# `a` 0 for those of clauses before the rarest, 1 after), and the incidents having them all.
# Several text clauses are narrowed when at most 1/NARROW_SHARE of the rarest one's own
# incidents have them all (_narrowing_pays).
NARROW_SHARE = 4
# ... and when a summary no longer scored by bm25 saves more than the rows written cost
# this many times over (bm25 about 2.4 µs a row, writing and reading back 0.8 µs).
NARROW_GAIN = 3.0
ROWS_NAME = "hindsight_search_rows"
ROWS_TABLE = f"temp.{ROWS_NAME}"
KEPT_NAME = "hindsight_search_kept"
KEPT_TABLE = f"temp.{KEPT_NAME}"
MAKE_WITHIN = f"CREATE TEMP TABLE IF NOT EXISTS {WITHIN_NAME} (i INTEGER PRIMARY KEY)"
MAKE_ROWS = f"CREATE TEMP TABLE IF NOT EXISTS {ROWS_NAME} (i INTEGER, s, c INTEGER, a INTEGER)"
MAKE_KEPT = f"CREATE TEMP TABLE IF NOT EXISTS {KEPT_NAME} (i INTEGER PRIMARY KEY)"
# The temporary tables of the statements above. Each statement that needs one makes it if it
# is not there, but a table made in a read transaction is gone again when it is rolled back
# (as every read ends), and SQLite then reads the whole schema again at the next statement
# (about 0.8 ms: the index's many triggers) and prepares every statement again. The search
# makes them once per connection, outside any transaction (SqliteSearchIndex).
TEMPORARY_TABLES = (MAKE_WITHIN, MAKE_ROWS, MAKE_KEPT)
OUTER_ID = "o.id"  # the incident, when fields test the incidents table (alias o) directly


def _scored(ids: Callable[[str, Span | None], str], factor: str) -> Arm:
    """An arm giving every incident that `ids` selects the score `factor` (one value)."""
    return lambda within, span: f"SELECT i, {factor} AS s FROM ({ids(within, span)})"


def _bm25_arm(weight: str, match: str) -> Arm:
    """An arm of (i, s) rows scoring the summary by bm25, kept to a set of incidents.

    The set is tested in the WHERE clause, so bm25 is worked out only for the rows kept;
    "+rowid" keeps SQLite from handing the test to FTS5 as a rowid lookup per incident,
    which re-reads the word's whole list each time. LIMIT -1 (no limit) keeps SQLite from
    merging this into the grouping query when it is the only arm: bm25 works only here.
    """

    def arm(within: str, span: Span | None) -> str:
        return (
            f"SELECT rowid AS i, {weight} * -bm25({INCIDENT_TABLE}, 0, 0, 1, 0, 0, 0) AS s "
            f"FROM {INCIDENT_TABLE} WHERE {INCIDENT_TABLE} MATCH {match}"
            f"{_span_of_incidents(span)}{_within('+rowid', within)} LIMIT -1"
        )

    return arm


def _weighted(ids: str, weight: float) -> Arm:
    """An arm giving every incident of the CTE `ids` the score `weight`."""

    def arm(within: str, span: Span | None) -> str:  # plain matching reads no index
        kept = f" WHERE i IN (SELECT i FROM {within})" if within else ""
        return f"SELECT i, {weight} AS s FROM {ids}{kept}"

    return arm


def _clause_fields(required: list[tuple[int, list[Leaf]]]) -> dict[int, tuple[int, int]] | None:
    """Where each text clause counts its rows in one integer: (shift, mask) by its number.

    An arm gives an incident at most one row (the records' arm one per kind of record), so a
    clause gives it at most its arms and kinds together; its field holds that many without
    carrying into the next. None when the fields would not fit in 62 bits (SQLite's sum of
    integers fails past 63): the clauses are then tested one by one.
    """
    fields, shift = {}, 0
    for number, leaves in required:
        bits = sum(len(leaf.arms) + len(PARTS) for leaf in leaves).bit_length()
        fields[number] = (shift, (1 << bits) - 1)
        shift += bits
    return fields if shift <= 62 else None


def _rarest(required: list[tuple[int, list[Leaf]]]) -> int:
    """The number of the clause matching the fewest rows of the index (the first of them on
    a tie). Only clauses that could be it by the bounds of their rows are counted exactly
    (Leaf.own()): one whose fewest rows exceed another's most cannot be."""
    lows = [sum(leaf.estimate for leaf in leaves) for _, leaves in required]
    ceiling = min(
        low + sum(leaf.spread for leaf in leaves)
        for low, (_, leaves) in zip(lows, required, strict=True)
    )
    candidates = [item for item, low in zip(required, lows, strict=True) if low <= ceiling]
    if len(candidates) > 1:
        for _, leaves in candidates:
            for leaf in leaves:
                leaf.own()
    rarest, _ = min(candidates, key=lambda item: sum(leaf.estimate for leaf in item[1]))
    return rarest


def several_required(request: SearchRequest) -> bool:
    """True when several text clauses must all match (the rarest is then chosen): the counts
    can be read without each literal's incidents (NOT_COUNTED), which are then counted only
    where the rows per place leave open how a word is scored or which clause is rarest."""
    return sum(1 for clause in request.query.clauses if _required_text(clause)) > 1


def _required_text(clause: object) -> bool:
    """True for a word, a phrase, or an OR group of them: text every hit must contain."""
    if isinstance(clause, AnyOf):
        return all(isinstance(operand, Text) for operand in clause.operands)
    return isinstance(clause, Text)


def _where(conditions: list[str]) -> str:
    return f" WHERE {' AND '.join(conditions)}" if conditions else ""


class PlainCompiler(_Compiler):
    """Words matched as plain lower-case text, for a SQLite without FTS5 (no index).

    A word matches a field that contains it (so "feed" finds "feeder" too); an incident's
    score is the summed weight of the groups that mention the word. Slower than the index
    (every field of every incident is read) and not ranked by bm25, but it finds things.
    """

    narrows = False

    def leaf(self, text: Text) -> Leaf:
        needle = self.param(" ".join(text.text.lower().split()))
        members, arms = [], []
        for source, incident, columns, weight in _PLAIN_SOURCES:
            test = " OR ".join(f"instr(lower(s.{c}), {needle}) > 0" for c in columns)
            if source == "data_access_revisions":
                sql = (
                    "SELECT DISTINCT a.incident_id AS i FROM data_access_revisions s "
                    "JOIN data_accesses a ON a.id = s.access_id "
                    f"WHERE ({test}) AND s.number = (SELECT max(x.number) FROM "
                    "data_access_revisions x WHERE x.access_id = s.access_id)"
                )
            else:
                sql = f"SELECT DISTINCT {incident} AS i FROM {source} s WHERE {test}"
            ids = self.cte(sql, materialized=True)
            members.append(f"SELECT i FROM {ids}")
            arms.append(_weighted(ids, weight))
        return Leaf(self.cte(" UNION ".join(members)), arms, members=tuple(members))

    def name_ids(self, name: FieldName, value: str) -> str:
        """Incidents with a tag, system, team or owner containing `value` (any case)."""
        needle = f"lower({self.param(value)})"
        if name in (FieldName.TAG, FieldName.SYSTEM):
            listed = "tags" if name is FieldName.TAG else "systems"
            return (
                f"SELECT id FROM incidents WHERE EXISTS (SELECT 1 FROM json_each("
                f"CASE WHEN json_valid({listed}) THEN {listed} ELSE '[]' END) "
                f"WHERE instr(lower(value), {needle}) > 0)"
            )
        table, column = (
            ("team_involvements", "team") if name is FieldName.TEAM else ("followups", "owner")
        )
        return f"SELECT incident_id FROM {table} WHERE instr(lower({column}), {needle}) > 0"


# What a plain search reads: (table, its incident, the columns, the weight of a match).
_PLAIN_SOURCES = (
    ("incidents", "s.id", ("key", "title", "summary", "systems", "models", "tags"), 10.0),
    *(
        (
            part.source,
            "s.incident_id",
            ("value", "reason") if part.name == "answer" else part.fields,
            part.weight,
        )
        for part in PARTS
    ),
    ("data_access_revisions", "", ("dataset", "justification", "notes"), ACCESS_WEIGHT),
)


def compile_query(
    request: SearchRequest,
    incident_count: int,
    counts: Callable[[str], Counts] = _every_place,
    *,
    plain: bool = False,
    together: Callable[[tuple[str, ...], int], int] | None = None,
    incidents: Callable[[str], int] | None = None,
) -> CompiledQuery:
    """The SQL of `request`: against the FTS5 index, or by plain matching without one.

    `counts(literal)` says how many rows of each place of the index a literal matches
    (counts_sql()); it gives each word's weights, how it is scored, and which is rarest.
    `together(literals, most)` says how many incidents' own fields match them all, up to
    `most` (TOGETHER_SQL); it tells whether several clauses are narrowed
    (_Compiler._narrowing_pays). `incidents(literal)` counts the incidents whose own fields
    match a literal whose Counts were read without them (NOT_COUNTED), when it is needed.
    """
    compiler = PlainCompiler if plain else _Compiler
    return compiler(
        request, incident_count, counts, together=together, incidents_of=incidents
    ).compile()


# How many incidents' own fields match every one of some FTS5 literals, up to the second
# parameter: one FTS5 query of them joined with AND (together_query()), the first.
TOGETHER_SQL = (
    f"SELECT count(*) FROM (SELECT 1 FROM {INCIDENT_TABLE} WHERE {INCIDENT_TABLE} MATCH ? LIMIT ?)"
)


def together_query(literals: Sequence[str]) -> str:
    """The FTS5 query matching the rows that match each of `literals`."""
    return " AND ".join(literals)
