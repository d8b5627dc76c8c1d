"""Compiling a parsed query (core/search_query.py) into one PostgreSQL statement.

Nothing the user typed is part of the SQL text or of tsquery syntax. Each word or phrase is
first folded by the server's own `hindsight_search_fold` (the function that folded the
indexed text, so both sides cut words alike), and the folded words are written into a
tsquery string here, each one quoted as a tsquery lexeme (`'word'`, inner quotes doubled,
backslashes doubled), joined by `<->` for a phrase, the last followed by `:*` for a prefix.
That string is a bound parameter of `to_tsquery`. Field values are bound parameters too.

Matching follows the SQLite index (store/search_sql.py): a word matches an incident when any
of its fields holds it; text clauses are intersected, OR groups united, exclusions and fields
filter. Ranking: each field a word matches adds `ts_rank_cd` times the field's weight (the
same weights as on SQLite: title 10, systems/models/tags 4, summary 2.5, review answers and
change evidence 2, timeline 1.5, everything else 1); ties go to the newer incident. So a title
match ranks above a follow-up note as on SQLite, though the order of hits otherwise differs
from SQLite's bm25 (no idf: a rare word does not outweigh a common one).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from sqlalchemy.engine import Connection

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
from hindsight.store.postgres_search_schema import (
    ACCESS_KIND,
    CONFIGURATION,
    INCIDENT_KIND,
    SOURCE_BY_NAME,
    TABLE,
)
from hindsight.store.search_common import (
    INCIDENT_COLUMNS,
    NAMED_FIELDS,
    day_start,
    followup_statuses,
    incident_date_sql,
)
from hindsight.store.search_schema import ACCESS_WEIGHT, PARTS

# The weight of a match in each field of an incident (by field number in the index).
INCIDENT_FIELD_WEIGHTS = (1.0, 10.0, 2.5, 4.0, 4.0, 4.0)  # key title summary systems models tags


def _weight_sql() -> str:
    """SQL for the weight of an index row `s` (its kind and field), from our constants."""
    incident = " ".join(f"WHEN {n} THEN {w}" for n, w in enumerate(INCIDENT_FIELD_WEIGHTS))
    kinds = " ".join(f"WHEN {p.code + 1} THEN {p.weight}" for p in PARTS)
    return (
        f"(CASE s.kind WHEN {INCIDENT_KIND} THEN (CASE s.field {incident} ELSE 1.0 END) "
        f"{kinds} WHEN {ACCESS_KIND} THEN {ACCESS_WEIGHT} ELSE 1.0 END)"
    )


# An access entry is searched by its current revision only (the one with no later number).
_CURRENT = (
    f"(s.kind <> {ACCESS_KIND} OR NOT EXISTS (SELECT 1 FROM data_access_revisions r "
    "JOIN data_access_revisions x ON x.access_id = r.access_id AND x.number > r.number "
    "WHERE r.id = s.source_id))"
)


def lexeme(word: str) -> str:
    """`word` as one quoted tsquery lexeme: never an operator, whatever it holds."""
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def tsquery_string(folded: str, *, prefix: bool) -> str:
    """The tsquery of folded words next to each other (the last a prefix); "" for no words."""
    words = folded.split()
    if not words:
        return ""
    return " <-> ".join(lexeme(w) for w in words) + (":*" if prefix else "")


@dataclass
class ServerQuery:
    """The statement and its parameters; columns: incident id, score, total matches."""

    sql: str
    params: dict[str, object]
    count_sql: str


@dataclass
class ServerCompiler:
    """Compiles one request; `folded` gives each text of the query as the server folds it."""

    request: SearchRequest
    folded: Mapping[str, str]
    params: dict[str, object] = field(default_factory=dict)
    ctes: list[str] = field(default_factory=list)
    joined: list[str] = field(default_factory=list)  # leaves whose score counts

    def param(self, value: object) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f":{name}"

    def tsquery(self, text: Text) -> str | None:
        """SQL for the tsquery of `text`; None when it holds no word the index keeps."""
        string = tsquery_string(self.folded.get(text.text, ""), prefix=text.prefix)
        if not string:
            return None
        return f"to_tsquery('{CONFIGURATION}', {self.param(string)})"

    def leaf(self, text: Text) -> str:
        """A CTE of (i, s): the incidents where `text` matches and its score there."""
        query = self.tsquery(text)
        name = f"q{len(self.ctes)}"
        if query is None:
            body = "SELECT NULL::integer AS i, 0.0::float8 AS s WHERE false"
        else:
            body = (
                f"SELECT s.incident_id AS i, sum({_weight_sql()} * ts_rank_cd(s.doc, {query})) "
                f"AS s FROM {TABLE} AS s WHERE s.doc @@ {query} AND {_CURRENT} "
                "GROUP BY s.incident_id"
            )
        self.ctes.append(f"{name} AS ({body})")
        return name

    def scored(self, text: Text) -> str:
        """A leaf whose score counts; SQL true when the incident matches it."""
        name = self.leaf(text)
        self.joined.append(name)
        return f"{name}.i IS NOT NULL"

    # -- fields -----------------------------------------------------------------------------

    def field_condition(self, item: Field) -> str:
        """SQL true for the incident `o` when `item` holds."""
        name, value = item.name, item.value
        if name in (FieldName.AFTER, FieldName.BEFORE):
            start = day_start(self.request, item.day).astimezone(UTC).replace(tzinfo=None)
            operator = ">=" if name is FieldName.AFTER else "<"
            return f"{incident_date_sql('o.id')} {operator} {self.param(start)}"
        column = INCIDENT_COLUMNS.get(name)
        if column is not None:
            return f"o.{column} = {self.param(value)}"
        if name in NAMED_FIELDS:
            return self._named(name, value)
        if name is FieldName.FOLLOWUP:
            return (
                "o.id IN (SELECT incident_id FROM followups "
                f"WHERE status = ANY({self.param(followup_statuses(value))}))"
            )
        if name is FieldName.IMPLICATED:
            kinds = sorted(self.request.choices.get(item, frozenset({value})))
            if not kinds:
                return "false"
            return (
                "o.id IN (SELECT incident_id FROM change_attributions "
                f"WHERE category = ANY({self.param(kinds)}) "
                f"AND verdict = {self.param(Verdict.IMPLICATED.value)})"
            )
        question = TRIGGER_KIND_QUESTION if name is FieldName.TRIGGER else DETECTION_SOURCE_QUESTION
        codes = sorted(self.request.choices.get(item, frozenset({value})))
        if not codes:
            return "false"
        # A choice is stored as a JSON string: compare the string it holds.
        return (
            "o.id IN (SELECT incident_id FROM review_answers "
            f"WHERE question_id = {self.param(question)} AND status = 'answered' "
            f"AND json_typeof(value) = 'string' AND (value #>> '{{}}') = ANY({self.param(codes)}))"
        )

    def _named(self, name: FieldName, value: str) -> str:
        """A tag, system, team or follow-up owner holding the value's words, the last a prefix."""
        query = self.tsquery(Text(value, prefix=True))
        if query is None:
            return "false"
        if name in (FieldName.TAG, FieldName.SYSTEM):
            source = SOURCE_BY_NAME["incident"]
            number = source.number("tags" if name is FieldName.TAG else "systems")
        else:
            part, column = ("team", "team") if name is FieldName.TEAM else ("followup", "owner")
            source = SOURCE_BY_NAME[part]
            number = source.number(column)
        return (
            f"o.id IN (SELECT s.incident_id FROM {TABLE} AS s WHERE s.kind = {source.kind} "
            f"AND s.field = {number} AND s.doc @@ {query})"
        )

    # -- clauses ----------------------------------------------------------------------------

    def _operand(self, operand: Text | Field | Not, *, score: bool) -> str:
        if isinstance(operand, Text):
            if score:
                return self.scored(operand)
            return f"o.id IN (SELECT i FROM {self.leaf(operand)})"
        if isinstance(operand, Field):
            return self.field_condition(operand)
        inner = operand.operand
        if isinstance(inner, Text):
            return f"o.id NOT IN (SELECT i FROM {self.leaf(inner)})"
        return f"NOT ({self.field_condition(inner)})"

    def compile(self) -> ServerQuery:
        """The statement of the request: a page of (id, score, total), best first."""
        conditions = []
        for clause in self.request.query.clauses:
            if isinstance(clause, AnyOf):
                parts = [self._operand(o, score=True) for o in clause.operands]
                conditions.append("(" + " OR ".join(parts) + ")")
            else:
                conditions.append(self._operand(clause, score=True))
        joins = "".join(f" LEFT JOIN {name} ON {name}.i = o.id" for name in self.joined)
        score = " + ".join(["0.0", *(f"coalesce({name}.s, 0.0)" for name in self.joined)])
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        with_ = f"WITH {', '.join(self.ctes)} " if self.ctes else ""
        matched = f"FROM incidents AS o{joins}{where}"
        limit = None if self.request.limit < 0 else self.request.limit
        sql = (
            f"{with_}SELECT o.id, {score} AS score, count(*) OVER () AS total {matched} "
            f"ORDER BY score DESC, o.id DESC "
            f"LIMIT {self.param(limit)} OFFSET {self.param(self.request.offset)}"
        )
        return ServerQuery(sql, self.params, f"{with_}SELECT count(*) {matched}")


def query_texts(request: SearchRequest) -> list[str]:
    """Every text the request's query searches for (words, phrases and named values)."""
    texts: list[str] = []
    for operand in request.query.operands():
        inner = operand.operand if isinstance(operand, Not) else operand
        if isinstance(inner, Text):
            texts.append(inner.text)
        elif inner.name in NAMED_FIELDS:
            texts.append(inner.value)
    return list(dict.fromkeys(texts))


class QmarkConnection:
    """A connection taking the store's SQL written for SQLite's driver, on psycopg.

    store/search_snippets.py and the related-incident traits (store/search.py) bind ids with
    `?` and read JSON columns as JSON text, decoding it themselves; psycopg wants `%s` (and
    a literal `%` doubled) and decodes JSON itself, which would make a JSON string answer
    unreadable to them. So `?` becomes `%s` (their SQL holds no other `?` or `%`), and for
    the statement JSON columns come back as their text.
    """

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def exec_driver_sql(self, statement: str, parameters: Any = None) -> Any:
        """Run `statement` with `?` placeholders; the rows are read before returning."""
        from psycopg.pq import Format

        converted = statement.replace("%", "%%").replace("?", "%s")
        raw = self.connection.connection.dbapi_connection
        adapters = raw.adapters  # type: ignore[union-attr]
        kept = {}
        for name in ("json", "jsonb"):
            oid = adapters.types[name].oid
            kept[name] = adapters.get_loader(oid, Format.TEXT)
            adapters.register_loader(name, _JsonText)
        try:
            result = self.connection.exec_driver_sql(converted, tuple(parameters or ()))
            frozen = result.freeze()
        finally:
            for name, loader in kept.items():
                if loader is not None:
                    adapters.register_loader(name, loader)
        return frozen()


def _json_text_loader() -> type:
    from psycopg.adapt import Loader

    class JsonText(Loader):
        """Loads a JSON value as its text."""

        def load(self, data: Any) -> str:
            return bytes(data).decode("utf-8")

    return JsonText


_JsonText = _json_text_loader()
