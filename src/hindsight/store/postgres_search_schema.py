"""The full-text index of a team (PostgreSQL) database: its table, functions and triggers.

Shape. One table, `hindsight_search`, holds a tsvector for each searchable field of each
record: (incident, kind of record, record id, field, words). The kinds and fields are those
of the SQLite index (store/search_schema.py): an incident's key, title, summary, systems,
models and tags; each record an incident owns (milestone notes, timeline entries, roles,
teams, review answers, change evidence, follow-ups, ethics notes); each revision of a
data-access entry. One row per field, not one per record, because a phrase must not match
across two fields (tsvector concatenation would make the last word of a title and the first
of a summary neighbours), and because the tag:, system:, team: and owner: filters search
one field. Empty fields have no row.

Words. FTS5's `unicode61 remove_diacritics 2` tokenizer decides what a word is on SQLite,
and a search must find the same incidents on both. PostgreSQL's own parser does not agree
with it ("log-feeder" is three tokens there, "a.b.com" a host name, and in some locales any
non-ASCII character is a letter), so the text is first folded by `hindsight_search_fold`:
lower case, Latin, Greek and Cyrillic letters without their diacritics (the same folding as
core/search_text.py), and every run of characters that is not a letter or a digit (Unicode
categories L and N, as unicode61 has them) replaced by one space. What is left is words
separated by spaces, which the parser reads as words in any locale. The `simple` text search
configuration then keeps every word as it is: no stemming and no stop words, because SQLite
has neither (an `english` configuration would find "monitoring" for "monitored", which the
file would not) and because a team's postmortems mix languages and jargon (model names,
error codes) that a dictionary would mangle. It is a built-in configuration: no extension,
nothing a least-rights role may not use.

Keeping in step. Triggers on each source table rewrite the rows of the record they fire for,
in the same statement as the write, whoever writes (the app, an import, `hindsight copy`,
psql), with the rights of the index's owner. Created by migration 0009 from these
definitions; changing them later needs a new migration that calls `drop_index` and then
`create_index`.

Known differences from the SQLite index, all on text unlikely in a postmortem: a word of
more than 2047 bytes is not indexed; past the 16,383rd word of one field every word shares
the last position, and a word's 257th and later occurrences in one field keep no position,
so a phrase there may be missed; digits of non-Latin scripts may split a word where the
locale does not call them letters.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sqlalchemy.engine import Connection

from hindsight.core.search_text import fold
from hindsight.store.search_schema import PARTS

TABLE = "hindsight_search"
FOLD_FUNCTION = "hindsight_search_fold"
DOC_FUNCTION = "hindsight_search_doc"
JSON_WORDS_FUNCTION = "hindsight_search_json_words"
JSON_LIST_FUNCTION = "hindsight_search_json_list"
CONFIGURATION = "simple"

INCIDENT_KIND = 0
ACCESS_KIND = len(PARTS) + 1  # after the kinds of the child records (their code + 1)


@dataclass(frozen=True, slots=True)
class Source:
    """One source table: its kind in the index, and the text of each field over a row."""

    kind: int
    name: str  # names the trigger and its function
    table: str
    incident: str  # SQL for the row's incident over {row}
    fields: tuple[str, ...]  # field names, numbered from 0 in the index
    texts: tuple[str, ...]  # SQL for each field's text over {row}
    watched: tuple[str, ...]  # columns whose change re-indexes the row

    def text(self, field: str, row: str) -> str:
        """SQL for one field's text over `row`."""
        return self.texts[self.fields.index(field)].format(row=row)

    def number(self, field: str) -> int:
        """The number of `field` in the index."""
        return self.fields.index(field)


def _incident_source() -> Source:
    plain = ("key", "title", "summary")
    listed = ("systems", "models", "tags")
    texts = tuple(f"{{row}}.{c}" for c in plain)
    texts += tuple(f"{JSON_LIST_FUNCTION}({{row}}.{c})" for c in listed)
    return Source(INCIDENT_KIND, "incident", "incidents", "{row}.id", plain + listed, texts,
                  plain + listed)  # fmt: skip


def _part_source(code: int, name: str, table: str, fields: tuple[str, ...]) -> Source:
    texts: tuple[str, ...]
    if name == "answer":
        texts = (f"{JSON_WORDS_FUNCTION}({{row}}.value)", "{row}.reason")
        watched: tuple[str, ...] = ("incident_id", "value", "reason")
    else:
        texts = tuple(f"{{row}}.{f}" for f in fields)
        watched = ("incident_id", *fields)
    return Source(code + 1, name, table, "{row}.incident_id", fields, texts, watched)


ACCESS_SOURCE = Source(
    ACCESS_KIND,
    "access",
    "data_access_revisions",
    "(SELECT a.incident_id FROM data_accesses a WHERE a.id = {row}.access_id)",
    ("dataset", "justification", "notes"),
    ("{row}.dataset", "{row}.justification", "{row}.notes"),
    ("access_id", "dataset", "justification", "notes"),
)
SOURCES: tuple[Source, ...] = (
    _incident_source(),
    *(_part_source(p.code, p.name, p.source, p.fields) for p in PARTS),
    ACCESS_SOURCE,
)
SOURCE_BY_NAME = {source.name: source for source in SOURCES}
INCIDENT_SOURCE = SOURCE_BY_NAME["incident"]


# -- folding ------------------------------------------------------------------------------------

# Blocks whose letters have a case or diacritics to fold: Latin (with its extensions), Greek
# and Cyrillic. Other scripts pass unchanged, as far as case goes, on both sides.
_FOLDED_BLOCKS = ((0x80, 0x24F), (0x370, 0x52F), (0x1E00, 0x1FFF))


@cache
def fold_map() -> tuple[str, str]:
    """The characters `fold` changes in the folded blocks, and what it changes them to."""
    sources, targets = [], []
    for first, last in _FOLDED_BLOCKS:
        for code in range(first, last + 1):
            char = chr(code)
            folded = fold(char)
            if folded != char and len(folded) == 1:
                sources.append(char)
                targets.append(folded)
    return "".join(sources), "".join(targets)


@cache
def word_class() -> str:
    """A regular expression bracket matching one character that is not a letter or digit."""
    ranges: list[tuple[int, int]] = []
    start = None
    for code in range(0x80, 0x110000):
        inside = not 0xD800 <= code <= 0xDFFF and chr(code).isalnum()
        if inside and start is None:
            start = code
        elif not inside and start is not None:
            ranges.append((start, code - 1))
            start = None
    if start is not None:
        ranges.append((start, 0x10FFFF))
    listed = "".join(chr(a) if a == b else f"{chr(a)}-{chr(b)}" for a, b in ranges)
    # Lower case only: the text is folded before this is applied.
    return f"[^0-9a-z{listed}]"


def _literal(text: str) -> str:
    """`text` as an SQL string literal (our own constants, never user text)."""
    return "'" + text.replace("'", "''") + "'"


def function_statements() -> list[str]:
    """The statements creating the folding and document functions."""
    sources, targets = fold_map()
    fold_sql = (
        f"CREATE OR REPLACE FUNCTION {FOLD_FUNCTION}(t text) RETURNS text "
        "LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fold$ "
        "SELECT btrim(regexp_replace("
        "CASE WHEN t ~ '[^\\x01-\\x7f]' "
        f"THEN translate(lower(t), {_literal(sources)}, {_literal(targets)}) "
        f"ELSE lower(t) END, {_literal(word_class() + '+')}, ' ', 'g'))"
        " $fold$"
    )
    doc_sql = (
        f"CREATE OR REPLACE FUNCTION {DOC_FUNCTION}(t text) RETURNS tsvector "
        "LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $doc$ "
        f"SELECT to_tsvector('{CONFIGURATION}'::regconfig, {FOLD_FUNCTION}(coalesce(t, '')))"
        " $doc$"
    )
    # The strings inside a JSON value in document order, as SQLite's json_tree lists them.
    words_sql = f"""
CREATE OR REPLACE FUNCTION {JSON_WORDS_FUNCTION}(v json) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $words$
DECLARE
    kind text := json_typeof(v);
    item json;
    found text;
    parts text[] := '{{}}';
BEGIN
    IF kind IS NULL OR kind IN ('null', 'number', 'boolean') THEN
        RETURN NULL;
    ELSIF kind = 'string' THEN
        RETURN v #>> '{{}}';
    ELSIF kind = 'array' THEN
        FOR item IN SELECT e.value FROM json_array_elements(v) WITH ORDINALITY AS e
                ORDER BY e.ordinality LOOP
            found := {JSON_WORDS_FUNCTION}(item);
            IF found IS NOT NULL THEN parts := parts || found; END IF;
        END LOOP;
    ELSE
        FOR item IN SELECT e.value FROM json_each(v) WITH ORDINALITY AS e
                ORDER BY e.ordinality LOOP
            found := {JSON_WORDS_FUNCTION}(item);
            IF found IS NOT NULL THEN parts := parts || found; END IF;
        END LOOP;
    END IF;
    IF cardinality(parts) = 0 THEN RETURN NULL; END IF;
    RETURN array_to_string(parts, ' ');
END
$words$"""
    # The items of a JSON list joined by " · ", as SQLite's json_each gives them.
    list_sql = f"""
CREATE OR REPLACE FUNCTION {JSON_LIST_FUNCTION}(v json) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $list$
SELECT CASE WHEN json_typeof(v) = 'array' THEN
    (SELECT string_agg(coalesce(e.value #>> '{{}}', ''), ' · ' ORDER BY e.ordinality)
     FROM json_array_elements(v) WITH ORDINALITY AS e
     WHERE json_typeof(e.value) <> 'null')
ELSE {JSON_WORDS_FUNCTION}(v) END
$list$"""
    return [fold_sql, doc_sql, words_sql, list_sql]


# -- the table and its triggers -----------------------------------------------------------------


def _rows_sql(source: Source, row: str) -> str:
    """SQL selecting the index rows (incident, kind, record, field, doc) of one source row."""
    values = ", ".join(
        f"({number}, {DOC_FUNCTION}({text.format(row=row)}))"
        for number, text in enumerate(source.texts)
    )
    return (
        f"SELECT {source.incident.format(row=row)}, {source.kind}, {row}.id, f.field, f.doc "
        f"FROM (VALUES {values}) AS f(field, doc) WHERE f.doc <> ''::tsvector"
    )


def expected_sql() -> str:
    """SQL for every row the index should hold, computed afresh from the data."""
    selects = []
    for source in SOURCES:
        values = ", ".join(
            f"({number}, {DOC_FUNCTION}({text.format(row='s')}))"
            for number, text in enumerate(source.texts)
        )
        selects.append(
            f"SELECT {source.incident.format(row='s')} AS incident_id, {source.kind} AS kind, "
            f"s.id AS source_id, f.field, f.doc FROM {source.table} AS s "
            f"CROSS JOIN LATERAL (VALUES {values}) AS f(field, doc) WHERE f.doc <> ''::tsvector"
        )
    return " UNION ALL ".join(selects)


def trigger_function(source: Source) -> str:
    """The name of the function of `source`'s trigger."""
    return f"{TABLE}_{source.name}"


def trigger_name(source: Source) -> str:
    """The name of `source`'s trigger."""
    return f"{TABLE}_{source.name}"


def trigger_statements(source: Source) -> list[str]:
    """The statements creating the trigger (and its function) of one source table.

    The function runs with its owner's rights (SECURITY DEFINER, with the search path of its
    creation, so nothing the caller sets changes what it runs): a role granted its rights
    before this index existed still saves; only searching needs the grants run again.
    """
    function = trigger_function(source)
    body = f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path FROM CURRENT AS $trigger$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        DELETE FROM {TABLE} WHERE kind = {source.kind} AND source_id = OLD.id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        INSERT INTO {TABLE} (incident_id, kind, source_id, field, doc) {_rows_sql(source, "NEW")};
    END IF;
    RETURN NULL;
END
$trigger$"""
    watched = ", ".join(source.watched)
    trigger = (
        f"CREATE TRIGGER {trigger_name(source)} AFTER INSERT OR DELETE OR UPDATE OF {watched} "
        f"ON {source.table} FOR EACH ROW EXECUTE FUNCTION {function}()"
    )
    return [body, trigger]


def table_statements() -> list[str]:
    """The statements creating the index table and its SQL indexes."""
    return [
        f"CREATE TABLE {TABLE} ("
        "incident_id integer NOT NULL, kind smallint NOT NULL, source_id integer NOT NULL, "
        "field smallint NOT NULL, doc tsvector NOT NULL, "
        "PRIMARY KEY (kind, source_id, field))",
        f"CREATE INDEX {TABLE}_doc ON {TABLE} USING gin (doc)",
        # An incident's own fields alone: what related incidents and the tag: and system:
        # fields look words up in, without wading through every timeline entry holding them.
        f"CREATE INDEX {TABLE}_incident_doc ON {TABLE} USING gin (doc) "
        f"WHERE kind = {INCIDENT_KIND}",
        f"CREATE INDEX {TABLE}_incident ON {TABLE} (incident_id)",
    ]


def expected_objects() -> dict[str, str]:
    """Every object of the index: name -> kind (table, function, trigger)."""
    objects = {TABLE: "table"}
    for name in (FOLD_FUNCTION, DOC_FUNCTION, JSON_WORDS_FUNCTION, JSON_LIST_FUNCTION):
        objects[name] = "function"
    for source in SOURCES:
        objects[trigger_function(source)] = "function"
        objects[f"trigger {trigger_name(source)}"] = "trigger"
    return objects


def is_index_object(name: str) -> bool:
    """True for the index's table and SQL indexes (made by migration 0009, not by the models)."""
    return name.startswith(TABLE)


def fill(connection: Connection) -> None:
    """Fill the (empty) index from the data."""
    connection.exec_driver_sql(
        f"INSERT INTO {TABLE} (incident_id, kind, source_id, field, doc) {expected_sql()}"
    )


def create_index(connection: Connection) -> None:
    """Create the index, its functions and triggers, and fill it, in the caller's transaction."""
    for statement in function_statements():
        connection.exec_driver_sql(statement)
    for statement in table_statements():
        connection.exec_driver_sql(statement)
    for source in SOURCES:
        for statement in trigger_statements(source):
            connection.exec_driver_sql(statement)
    fill(connection)


def drop_index(connection: Connection) -> None:
    """Remove the index and everything made for it (triggers first)."""
    for source in SOURCES:
        connection.exec_driver_sql(
            f"DROP TRIGGER IF EXISTS {trigger_name(source)} ON {source.table}"
        )
        connection.exec_driver_sql(f"DROP FUNCTION IF EXISTS {trigger_function(source)}()")
    connection.exec_driver_sql(f"DROP TABLE IF EXISTS {TABLE}")
    for name, argument in (
        (JSON_LIST_FUNCTION, "json"),
        (JSON_WORDS_FUNCTION, "json"),
        (DOC_FUNCTION, "text"),
        (FOLD_FUNCTION, "text"),
    ):
        connection.exec_driver_sql(f"DROP FUNCTION IF EXISTS {name}({argument})")


def missing_objects(connection: Connection) -> list[str]:
    """The index's objects the database lacks."""
    present = {
        row[0]
        for row in connection.exec_driver_sql(
            "SELECT proname FROM pg_proc WHERE proname LIKE 'hindsight\\_search%%' "
            "UNION ALL SELECT relname FROM pg_class WHERE relname = %s "
            "UNION ALL SELECT 'trigger ' || tgname FROM pg_trigger WHERE NOT tgisinternal",
            (TABLE,),
        )
    }
    return [name for name in expected_objects() if name not in present]


def index_problems(connection: Connection) -> list[str]:
    """What is wrong with the index, one line each; empty when it agrees with the data."""
    missing = missing_objects(connection)
    if missing:
        return [
            f"the search index is incomplete ({', '.join(missing[:3])}"
            f"{' ...' if len(missing) > 3 else ''} missing); its owner can rebuild it with: "
            "hindsight check --repair"
        ]
    stored = f"SELECT incident_id, kind, source_id, field, doc FROM {TABLE}"
    stale, lacking = (
        connection.exec_driver_sql(
            f"SELECT count(*) FROM (({first}) EXCEPT ALL ({second})) AS d"
        ).scalar_one()
        for first, second in ((stored, expected_sql()), (expected_sql(), stored))
    )
    if not stale and not lacking:
        return []
    return [
        f"the search index ({TABLE}) is out of step with the data ({stale} indexed fields "
        f"the data no longer has, {lacking} fields of the data not indexed); "
        "rebuild it with: hindsight check --repair"
    ]


def rebuild_index(connection: Connection) -> None:
    """Build the index again from the data, in the caller's transaction.

    With every object there, only the rows are rewritten, which the app's own role may do;
    a missing function or trigger needs the objects made again, which needs the owner.
    """
    if missing_objects(connection):
        drop_index(connection)
        create_index(connection)
        return
    connection.exec_driver_sql(f"DELETE FROM {TABLE}")
    fill(connection)
