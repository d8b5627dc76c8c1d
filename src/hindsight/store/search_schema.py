"""The SQLite full-text index of every incident: its tables, the triggers that keep it in step,
and how it is built, checked and rebuilt.

Shape. Three FTS5 tables:
- `search_incident`: one row per incident (key, title, summary, systems, models, tags);
- `search_child`: one row per record an incident owns (a milestone's note, a timeline entry,
  a role, a team, a review answer, a change's evidence, a follow-up, an ethics answer), its
  text in columns a, b, c (which field is which is `Part.fields`);
- `search_access`: one row per revision of a data-access entry.
And `search_incident_words`, FTS5's vocabulary of search_incident (fts5vocab, 'col'): how many
incidents hold a word in each column, read in one pass over the word's list.
One row per source record keeps every write small (saving a timeline entry re-indexes that
entry alone) and tells a hit where it is (which entry, which question). Putting every kind of
child record in one table means a write touches at most three FTS5 tables (each table touched
by a transaction writes a segment when it commits) and a word is looked up once, not once per
kind of record.

Row ids. A child's rowid is `(part << 59) + (incident_id << 32) + id`: `rowid >> 59` is the
kind of record and `(rowid >> 32) & (2^27 - 1)` the incident, so matching never visits the
source tables (ids stay below 2^32 and incident ids below 2^27). The kind comes first so
that the records of one kind are one range of rowids, which FTS5 reads on its own: a word's
records of each kind are counted by FTS5 (a rowid range each), with no pass over them to
find their kinds. Data-access revisions do not carry their incident and can be deleted
after their entry (by the cascade of an incident's delete), so they are indexed by their
own id and joined at query time.

Keeping in step. SQLite triggers on the source tables, made with the index, update it in the
same statement as the data, so every writer (the app, an import, another copy of Hindsight,
the sqlite3 shell) keeps the index right, and a rollback undoes both.

Storage. All three are *external content* tables: FTS5 keeps only the inverted index, not a
second copy of the text, and reads text (when it needs to) through a view of the source.
Deleting a row needs the old text, which the triggers pass from OLD. The incident and child
views unpack JSON (systems, models, tags; the text inside review answers), which FTS5's own
statements refuse to read (its `rebuild` and content check fail on SQLite's JSON table
functions); so those two are filled with INSERT ... SELECT from their views, and checked by
comparing their vocabulary (each word, how many rows hold it and how often) with an index
built afresh from the data. Keeping no copy matters: review answers are often the largest
text of an incident. (Contentless-delete tables would be another way, but need SQLite 3.43;
Python 3.11 commonly ships 3.40.)

Changing the index later: add a migration that calls `drop_index` and then `create_index`
with the new definitions; the objects are all named `search_*`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from sqlalchemy.engine import Connection

from hindsight.core.detection import DETECTION_SOURCE_QUESTION, TRIGGER_KIND_QUESTION
from hindsight.core.search_results import Area

PREFIX = "search_"
TOKENIZER = "unicode61 remove_diacritics 2"
INCIDENT_TABLE, CHILD_TABLE, ACCESS_TABLE = "search_incident", "search_child", "search_access"
# FTS5's vocabulary of search_incident: each word's rows per column (fts5vocab, type 'col').
INCIDENT_VOCABULARY = "search_incident_words"
INCIDENT_COLUMNS = ("key", "title", "summary", "systems", "models", "tags")
CHILD_COLUMNS = ("a", "b", "c")
ACCESS_COLUMNS = ("dataset", "justification", "notes")
INCIDENT_SHIFT, PART_SHIFT = 32, 59
INCIDENT_BITS = PART_SHIFT - INCIDENT_SHIFT  # incident ids stay below 2^27
INCIDENT_MASK = (1 << INCIDENT_BITS) - 1

# SQL over an index rowid of search_child.
INCIDENT_OF_CHILD = f"((rowid >> {INCIDENT_SHIFT}) & {INCIDENT_MASK})"
PART_OF_CHILD = f"(rowid >> {PART_SHIFT})"


def child_rowid(part: int, incident: int, record: int) -> int:
    """The search_child rowid of record `record` of kind `part` of incident `incident`."""
    return (part << PART_SHIFT) + (incident << INCIDENT_SHIFT) + record


def child_place(rowid: int) -> tuple[int, int]:
    """(incident, kind of record) of a search_child rowid."""
    return (rowid >> INCIDENT_SHIFT) & INCIDENT_MASK, rowid >> PART_SHIFT


def part_range(code: int) -> tuple[int, int]:
    """The search_child rowids of the records of one kind: from the first, up to the second."""
    return code << PART_SHIFT, (code + 1) << PART_SHIFT


def _json_words(expression: str) -> str:
    """The string atoms of a JSON value, space separated (NULL or invalid JSON: nothing)."""
    return (
        f"(SELECT group_concat(atom, ' ') FROM json_tree(CASE WHEN json_valid({expression}) "
        f"THEN {expression} ELSE 'null' END) WHERE type = 'text')"
    )


def _json_list(expression: str) -> str:
    """The items of a JSON list, separated by " · " (NULL or invalid JSON: nothing)."""
    return (
        f"(SELECT group_concat(value, ' · ') FROM json_each(CASE WHEN json_valid({expression}) "
        f"THEN {expression} ELSE '[]' END))"
    )


@dataclass(frozen=True, slots=True)
class Part:
    """One kind of record in search_child: its source table and which fields it indexes.

    `fields` are the names a snippet's location uses, in the order of the columns a, b, c;
    `expressions` compute them from a source row written as {row} (default: the column of
    that name). `weight` is how much a match here counts against matches elsewhere.
    """

    name: str
    code: int
    source: str
    area: Area
    fields: tuple[str, ...]
    expressions: tuple[str, ...] = ()
    weight: float = 1.0

    def values(self, row: str) -> list[str]:
        """SQL for columns a, b, c of a source row (NEW, OLD or an alias); NULL past the end."""
        expressions = self.expressions or tuple(f"{{row}}.{f}" for f in self.fields)
        found = [e.format(row=row) for e in expressions]
        return found + ["NULL"] * (len(CHILD_COLUMNS) - len(found))

    def column(self, field: str) -> str:
        """The search_child column holding `field`."""
        return CHILD_COLUMNS[self.fields.index(field)]


PARTS: tuple[Part, ...] = (
    Part("milestone", 0, "milestones", Area.MILESTONES, ("time_note",)),
    Part("event", 1, "timeline_events", Area.TIMELINE, ("text", "time_note"), weight=1.5),
    Part("role", 2, "role_assignments", Area.ROLES, ("person", "note")),
    Part("team", 3, "team_involvements", Area.TEAMS, ("team", "part")),
    Part("answer", 4, "review_answers", Area.REVIEW, ("body", "reason"),
         expressions=(_json_words("{row}.value"), "{row}.reason"), weight=2.0),
    Part("attribution", 5, "change_attributions", Area.ATTRIBUTION, ("evidence",), weight=2.0),
    Part("followup", 6, "followups", Area.FOLLOWUPS, ("title", "description", "owner")),
    Part("ethics", 7, "ethics_answers", Area.ETHICS, ("note",)),
)  # fmt: skip
PART_BY_NAME = {part.name: part for part in PARTS}
ACCESS_WEIGHT = 1.0


@dataclass(frozen=True, slots=True)
class Feed:
    """What keeps one FTS5 table in step with one source table: the triggers' parts."""

    name: str  # names its triggers: search_<name>_ai, _ad, _au
    table: str
    source: str
    columns: tuple[str, ...]
    values: tuple[str, ...]  # SQL for each column over {row}
    rowid: str  # SQL for the index rowid over {row}
    watched: tuple[str, ...]  # source columns whose change re-indexes the row

    def sql_values(self, row: str) -> str:
        return ", ".join(value.format(row=row) for value in self.values)

    def sql_rowid(self, row: str) -> str:
        return self.rowid.format(row=row)


def _incident_feed() -> Feed:
    values = tuple(f"{{row}}.{c}" for c in ("key", "title", "summary"))
    values += tuple(_json_list(f"{{row}}.{c}") for c in ("systems", "models", "tags"))
    return Feed("incident", INCIDENT_TABLE, "incidents", INCIDENT_COLUMNS, values, "{row}.id",
                ("id", *INCIDENT_COLUMNS))  # fmt: skip


def _part_feed(part: Part) -> Feed:
    shifted = f"({part.code} << {PART_SHIFT}) + ({{row}}.incident_id << {INCIDENT_SHIFT})"
    rowid = f"({shifted} + {{row}}.id)"
    watched = ("value", "reason") if part.name == "answer" else part.fields
    return Feed(f"child_{part.name}", CHILD_TABLE, part.source, CHILD_COLUMNS,
                tuple(part.values("{row}")), rowid, ("id", "incident_id", *watched))  # fmt: skip


ACCESS_FEED = Feed("access", ACCESS_TABLE, "data_access_revisions", ACCESS_COLUMNS,
                   tuple(f"{{row}}.{c}" for c in ACCESS_COLUMNS), "{row}.id",
                   ("id", *ACCESS_COLUMNS))  # fmt: skip
FEEDS: tuple[Feed, ...] = (_incident_feed(), *(_part_feed(p) for p in PARTS), ACCESS_FEED)
FEED_BY_NAME = {feed.name: feed for feed in FEEDS}

# Partial indexes finding the answers that the trigger: and detected-by: fields read: one per
# question, so the query's literal question id lets SQLite use it; choice answers are short.
CHOICE_QUESTIONS = (TRIGGER_KIND_QUESTION, DETECTION_SOURCE_QUESTION)


def choice_index(question_id: str) -> str:
    """The name of the partial index over the answers to one choice question."""
    return f"{PREFIX}answers_{question_id.replace('.', '_')}"


# -- FTS5 availability ------------------------------------------------------------------------


@cache
def fts5_available() -> bool:
    """True when this Python's SQLite has the FTS5 module."""
    probe = sqlite3.connect(":memory:")
    try:
        probe.execute("CREATE VIRTUAL TABLE probe USING fts5(text)")
    except sqlite3.Error:
        return False
    finally:
        probe.close()
    return True


FTS5_MISSING = (
    "This Python's SQLite has no FTS5 module, which Hindsight's full-text search needs. "
    "Install a Python whose sqlite3 includes FTS5 (the python.org and most Linux builds do)."
)


# -- statements -------------------------------------------------------------------------------

_VIEW_TABLES = (INCIDENT_TABLE, CHILD_TABLE)  # read through views FTS5 cannot read itself


def _view(table: str) -> str:
    # Not named like FTS5's own shadow tables (_content, _data, _idx, _docsize, _config).
    return f"{table}_source"


def _view_sql(table: str) -> str:
    selects = []
    for feed in FEEDS:
        if feed.table == table:
            columns = ", ".join(
                f"{value} AS {column}"
                for value, column in zip(feed.values, feed.columns, strict=True)
            ).format(row="s")
            selects.append(f"SELECT {feed.sql_rowid('s')} AS rid, {columns} FROM {feed.source} s")
    return f"CREATE VIEW {_view(table)} AS {' UNION ALL '.join(selects)}"


def _table_sql(table: str, columns: Iterable[str]) -> str:
    options = f"tokenize='{TOKENIZER}'"
    if table == ACCESS_TABLE:
        options += ", content='data_access_revisions', content_rowid='id', columnsize=0"
    else:
        options += f", content='{_view(table)}', content_rowid='rid'"
    if table == CHILD_TABLE:
        # Only summaries are scored with bm25, which needs each row's length; children would
        # keep a length table (a fifth of their index) for nothing.
        options += ", columnsize=0"
    return f"CREATE VIRTUAL TABLE {table} USING fts5({', '.join(columns)}, {options})"


def _insert(feed: Feed, row: str) -> str:
    columns = ", ".join(feed.columns)
    return (
        f"INSERT INTO {feed.table}(rowid, {columns}) "
        f"VALUES ({feed.sql_rowid(row)}, {feed.sql_values(row)});"
    )


def _remove(feed: Feed, row: str) -> str:
    columns = ", ".join(feed.columns)
    return (
        f"INSERT INTO {feed.table}({feed.table}, rowid, {columns}) "
        f"VALUES ('delete', {feed.sql_rowid(row)}, {feed.sql_values(row)});"
    )


def trigger_names(feed_name: str) -> tuple[str, str, str]:
    """The names of the insert, delete and update triggers of a feed."""
    base = f"{PREFIX}{feed_name}"
    return (f"{base}_ai", f"{base}_ad", f"{base}_au")


def trigger_statements(feed_name: str) -> list[str]:
    """The statements creating the triggers of one feed."""
    feed = FEED_BY_NAME[feed_name]
    insert, delete, update = trigger_names(feed_name)
    watched = ", ".join(feed.watched)
    return [
        f"CREATE TRIGGER {insert} AFTER INSERT ON {feed.source} BEGIN {_insert(feed, 'NEW')} END",
        f"CREATE TRIGGER {delete} AFTER DELETE ON {feed.source} BEGIN {_remove(feed, 'OLD')} END",
        f"CREATE TRIGGER {update} AFTER UPDATE OF {watched} ON {feed.source} BEGIN "
        f"{_remove(feed, 'OLD')} {_insert(feed, 'NEW')} END",
    ]


def _create_choice_index(question_id: str) -> str:
    return (
        f"CREATE INDEX {choice_index(question_id)} ON review_answers (value, incident_id) "
        f"WHERE question_id = '{question_id}' AND status = 'answered'"
    )


_TABLES = {INCIDENT_TABLE: INCIDENT_COLUMNS, CHILD_TABLE: CHILD_COLUMNS,
           ACCESS_TABLE: ACCESS_COLUMNS}  # fmt: skip


def expected_objects() -> dict[str, str]:
    """Every schema object of the index: name -> type (table, view, trigger, index)."""
    objects: dict[str, str] = dict.fromkeys(_TABLES, "table")
    objects[INCIDENT_VOCABULARY] = "table"
    objects.update(dict.fromkeys((_view(t) for t in _VIEW_TABLES), "view"))
    for feed in FEEDS:
        objects.update(dict.fromkeys(trigger_names(feed.name), "trigger"))
    objects.update(dict.fromkeys((choice_index(q) for q in CHOICE_QUESTIONS), "index"))
    return objects


def is_index_table(name: str) -> bool:
    """True for the index's tables, views, SQL indexes and FTS5 shadow tables."""
    return name.startswith(PREFIX)


# -- building, checking, rebuilding -----------------------------------------------------------


def create_index(connection: Connection) -> None:
    """Create the index and its triggers and fill it from the data, in the caller's transaction."""
    for table, columns in _TABLES.items():
        if table in _VIEW_TABLES:
            connection.exec_driver_sql(_view_sql(table))
        connection.exec_driver_sql(_table_sql(table, columns))
        if table in _VIEW_TABLES:
            listed = ", ".join(columns)
            connection.exec_driver_sql(
                f"INSERT INTO {table}(rowid, {listed}) SELECT rid, {listed} FROM {_view(table)}"
            )
        else:
            connection.exec_driver_sql(f"INSERT INTO {table}({table}) VALUES ('rebuild')")
        # One segment per table: the smallest index and the fastest queries afterwards.
        connection.exec_driver_sql(f"INSERT INTO {table}({table}) VALUES ('optimize')")
    connection.exec_driver_sql(
        f"CREATE VIRTUAL TABLE {INCIDENT_VOCABULARY} USING fts5vocab({INCIDENT_TABLE}, 'col')"
    )
    for feed in FEEDS:
        for statement in trigger_statements(feed.name):
            connection.exec_driver_sql(statement)
    for question_id in CHOICE_QUESTIONS:
        connection.exec_driver_sql(_create_choice_index(question_id))


def drop_index(connection: Connection) -> None:
    """Remove every index object that exists (triggers first, so writes never fail between)."""
    present: dict[str, str] = dict(
        connection.exec_driver_sql(
            "SELECT name, type FROM sqlite_master WHERE name LIKE 'search\\_%' ESCAPE '\\'"
        ).all()
    )
    for wanted in ("trigger", "index", "view", "table"):
        for name, kind in expected_objects().items():
            if kind == wanted and present.get(name) == kind:
                connection.exec_driver_sql(f"DROP {kind.upper()} {name}")


def index_present(connection: Connection) -> bool:
    """True when the database has (at least part of) the index."""
    row = connection.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE name = ?", (INCIDENT_TABLE,)
    ).first()
    return row is not None


def index_problems(connection: Connection) -> list[str]:
    """What is wrong with the index, one line each; empty when it agrees with the data."""
    present = {
        row[0]
        for row in connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE name LIKE 'search\\_%' ESCAPE '\\'"
        )
    }
    missing = [name for name in expected_objects() if name not in present]
    if missing:
        return [
            f"the search index is incomplete ({', '.join(missing[:3])}"
            f"{' ...' if len(missing) > 3 else ''} missing); "
            "repair it with: hindsight check --repair"
        ]
    if not fts5_available():
        return [FTS5_MISSING]
    if _stale_definitions(connection):
        return [
            "the search index was built in an older layout; "
            "rebuild it with: hindsight check --repair"
        ]
    sources = {
        INCIDENT_TABLE: "incidents",
        CHILD_TABLE: "the records incidents own",
        ACCESS_TABLE: "the data-access log",
    }
    return [
        f"the search index of {sources[table]} ({table}) is out of step with the data; "
        "rebuild it with: hindsight check --repair"
        for table, columns in _TABLES.items()
        if not _in_step(connection, table, columns)
    ]


def index_outdated(connection: Connection) -> bool:
    """True when views or triggers of the index differ from those create_index makes now
    (an index of an older layout, left by a migration run without FTS5). Missing ones are
    damage, which `hindsight check` reports, not a layout."""
    return bool(_stale_definitions(connection))


@cache
def _definitions() -> dict[str, str]:
    """The SQL of every view and trigger of the index, by name, as create_index makes them."""
    found = {_view(table): _view_sql(table) for table in _VIEW_TABLES}
    for feed in FEEDS:
        found.update(zip(trigger_names(feed.name), trigger_statements(feed.name), strict=True))
    return found


def _stale_definitions(connection: Connection) -> list[str]:
    """The views and triggers there whose stored SQL is not what create_index makes now (an
    index of an older layout, such as child rowids with the incident first)."""
    stored: dict[str, str] = dict(
        connection.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type IN ('view', 'trigger') "
            "AND name LIKE 'search\\_%' ESCAPE '\\'"
        ).all()
    )
    return [name for name, sql in _definitions().items() if name in stored and stored[name] != sql]


def _in_step(connection: Connection, table: str, columns: tuple[str, ...]) -> bool:
    # With rank 1, FTS5 also compares the index with the content it was built from; it
    # cannot read the JSON views, whose words are compared below instead.
    viewed = table in _VIEW_TABLES
    command = f"{table}({table}) VALUES ('integrity-check')"
    if not viewed:
        command = f"{table}({table}, rank) VALUES ('integrity-check', 1)"
    try:
        connection.exec_driver_sql(f"INSERT INTO {command}")
    except Exception as error:  # SQLite reports a mismatch as "corrupt"
        if not _is_sqlite_error(error):
            raise
        return False
    return not viewed or _same_words(connection, table, columns)


def _same_words(connection: Connection, table: str, columns: tuple[str, ...]) -> bool:
    """True when the index holds the words its view gives now, with the same counts."""
    fresh, vocabulary, rebuilt = (f"temp.{PREFIX}check{n}" for n in ("", "_vocab", "_fresh"))
    listed = ", ".join(columns)
    statements = [
        f"CREATE VIRTUAL TABLE {fresh} USING fts5({listed}, tokenize='{TOKENIZER}', content='')",
        f"INSERT INTO {fresh}(rowid, {listed}) SELECT rid, {listed} FROM {_view(table)}",
        f"CREATE VIRTUAL TABLE {vocabulary} USING fts5vocab(main, {table}, 'row')",
        f"CREATE VIRTUAL TABLE {rebuilt} USING fts5vocab(temp, {PREFIX}check, 'row')",
    ]
    try:
        for statement in statements:
            connection.exec_driver_sql(statement)
        stored = f"SELECT term, doc, cnt FROM {vocabulary}"
        derived = f"SELECT term, doc, cnt FROM {rebuilt}"
        for first, second in ((stored, derived), (derived, stored)):
            extra = connection.exec_driver_sql(
                f"SELECT count(*) FROM ({first} EXCEPT {second})"
            ).scalar()
            if extra:
                return False
        return True
    finally:
        for name in (rebuilt, vocabulary, fresh):
            connection.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")


def _is_sqlite_error(error: BaseException) -> bool:
    from sqlalchemy.exc import DBAPIError

    return isinstance(error, DBAPIError | sqlite3.Error)


def rebuild_index(connection: Connection) -> None:
    """Drop and rebuild the whole index from the data, in the caller's transaction."""
    drop_index(connection)
    create_index(connection)
