"""The SQLite full-text index of every incident: its tables, the triggers that keep it in step,
and how it is built, checked and rebuilt.

Shape. One FTS5 table per group of fields (`search_incident` for key, title and summary,
`search_event` for the timeline, `search_answer` for review answers ...), each row standing for
one source row: one timeline event, one answer. Searching per group and combining the groups
per incident keeps every write cheap (saving a timeline event re-indexes that event alone) and
tells a hit where it is (which event, which question).

Keeping in step. SQLite triggers on the source tables, created with the index, update it in
the same statement as the data, so every writer (the app, an import, another copy of
Hindsight, the sqlite3 shell) keeps the index right, and a rollback undoes both.

Storage. Every group is an *external content* table: FTS5 stores only the inverted index,
not a second copy of the text, which it reads from the source table through a view when it
needs it. Deleting from such an index needs the old text, which the triggers hand over from
OLD. Two groups derive their text from JSON (the incident's systems, models and tags; the
text inside review answers). FTS5 refuses to read views that use SQLite's JSON table
functions (its `rebuild` and content check fail), so for those two the index is filled with
an INSERT ... SELECT from the view, and checked by comparing its vocabulary (every word with
how many rows hold it and how often) with an index built afresh from the data. Keeping no
copy matters: review answers are often the largest text of an incident. (Contentless-delete
tables would be the other way, but need SQLite 3.43; Python 3.11 commonly ships 3.40.)

Row ids. A child row's index rowid is `(incident_id << 32) + id`: the incident is
`rowid >> 32`, so matching an incident never has to visit the source table, and one incident's
rows are one rowid range. The data-access log is the exception: its revisions do not carry
the incident id and can be deleted after their entry (by the cascade of an incident's delete),
so they are indexed by their own id and joined at query time.

Changing the index later: add a migration that calls `drop_index` and then `create_index`
with the new definitions; the objects are all named `search_*`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from sqlalchemy.engine import Connection

from hindsight.core.detection import DETECTION_SOURCE_QUESTION, TRIGGER_KIND_QUESTION
from hindsight.core.search_results import Area

PREFIX = "search_"
TOKENIZER = "unicode61 remove_diacritics 2"
SHIFT = 32  # child rowid = (incident_id << SHIFT) + id


@dataclass(frozen=True, slots=True)
class Group:
    """One FTS5 table over one source table.

    kind: "external" (content read through a view of the source), "derived" (the same, with
    a view FTS5 itself cannot read because it unpacks JSON) or "incident" (external content
    on `incidents` itself).
    `rowid` is the index rowid of a source row; for the incident's own groups it is the
    incident id.
    `expressions` computes each column from a row of the source (written with {row} for
    NEW, OLD or the table alias in a full scan).
    """

    name: str
    source: str
    area: Area
    columns: tuple[str, ...]
    kind: str = "external"
    expressions: tuple[str, ...] = ()
    rowid: str = "({row}.incident_id << 32) + {row}.id"
    weight: float = 1.0  # how much a match here counts against other groups

    @property
    def table(self) -> str:
        """The FTS5 table's name."""
        return f"{PREFIX}{self.name}"

    @property
    def view(self) -> str:
        """The content view of a group (not named like FTS5's own _content, _data ... tables)."""
        return f"{PREFIX}{self.name}_source"

    def values(self, row: str) -> list[str]:
        """The SQL expressions of the indexed columns for `row` (NEW, OLD or an alias)."""
        expressions = self.expressions or tuple(f"{{row}}.{c}" for c in self.columns)
        return [e.format(row=row) for e in expressions]

    def rowid_of(self, row: str) -> str:
        """The SQL expression of the index rowid for `row`."""
        return self.rowid.format(row=row)

    @property
    def watched(self) -> tuple[str, ...]:
        """Source columns whose change re-indexes a row."""
        return _WATCHED.get(self.name, ("id", "incident_id", *self.columns))

    @property
    def has_view(self) -> bool:
        """True when the group's content is read through a view of its source."""
        return self.kind in ("external", "derived")


def _json_words(expression: str, kinds: str = "'text'") -> str:
    """The string atoms of a JSON value, space separated (NULL or invalid JSON: nothing)."""
    return (
        f"(SELECT group_concat(atom, ' ') FROM json_tree(CASE WHEN json_valid({expression}) "
        f"THEN {expression} ELSE 'null' END) WHERE type IN ({kinds}))"
    )


def _json_list(column: str) -> str:
    """The items of a JSON list column, separated by " · " (NULL or invalid JSON: nothing)."""
    return (
        f"(SELECT group_concat(value, ' · ') FROM json_each(CASE WHEN json_valid({column}) "
        f"THEN {column} ELSE '[]' END))"
    )


GROUPS: tuple[Group, ...] = (
    Group("incident", "incidents", Area.OVERVIEW, ("key", "title", "summary"), "incident",
          rowid="{row}.id"),
    Group("labels", "incidents", Area.OVERVIEW, ("systems", "models", "tags"), "derived",
          expressions=tuple(_json_list(f"{{row}}.{c}") for c in ("systems", "models", "tags")),
          rowid="{row}.id", weight=4.0),
    Group("milestone", "milestones", Area.MILESTONES, ("time_note",), weight=1.0),
    Group("event", "timeline_events", Area.TIMELINE, ("text", "time_note"), weight=1.5),
    Group("role", "role_assignments", Area.ROLES, ("person", "note"), weight=1.0),
    Group("team", "team_involvements", Area.TEAMS, ("team", "part"), weight=1.0),
    Group("answer", "review_answers", Area.REVIEW, ("body", "reason"), "derived",
          expressions=(_json_words("{row}.value"), "{row}.reason"), weight=2.0),
    Group("attribution", "change_attributions", Area.ATTRIBUTION, ("evidence",), weight=2.0),
    Group("followup", "followups", Area.FOLLOWUPS, ("title", "description", "owner"),
          weight=1.0),
    Group("access", "data_access_revisions", Area.ACCESS_LOG,
          ("dataset", "justification", "notes"), rowid="{row}.id", weight=1.0),
    Group("ethics", "ethics_answers", Area.ETHICS, ("note",), weight=1.0),
)  # fmt: skip
GROUP_BY_NAME = {group.name: group for group in GROUPS}

# Source columns whose change re-indexes a row, where they differ from the indexed columns.
_WATCHED: dict[str, tuple[str, ...]] = {
    "incident": ("id", "key", "title", "summary"),
    "labels": ("id", "systems", "models", "tags"),
    "answer": ("id", "incident_id", "value", "reason"),
    "access": ("id", "dataset", "justification", "notes"),
}


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


def _create_table(group: Group) -> str:
    columns = ", ".join(group.columns)
    options = f"tokenize='{TOKENIZER}'"
    if group.kind != "incident":
        # Only the incident group is ranked with bm25, which needs each row's length; the
        # others would keep a length table (a fifth of the index) for nothing.
        options += ", columnsize=0"
    if group.kind == "incident":
        options += f", content='{group.source}', content_rowid='id'"
    else:
        options += f", content='{group.view}', content_rowid='rid'"
    return f"CREATE VIRTUAL TABLE {group.table} USING fts5({columns}, {options})"


def _create_view(group: Group) -> str:
    values = ", ".join(
        f"{value} AS {column}"
        for value, column in zip(group.values("s"), group.columns, strict=True)
    )
    return (
        f"CREATE VIEW {group.view} AS SELECT {group.rowid_of('s')} AS rid, {values} "
        f"FROM {group.source} AS s"
    )


def _insert(group: Group, row: str) -> str:
    columns = ", ".join(group.columns)
    values = ", ".join(group.values(row))
    return f"INSERT INTO {group.table}(rowid, {columns}) VALUES ({group.rowid_of(row)}, {values});"


def _remove(group: Group, row: str) -> str:
    columns = ", ".join(group.columns)
    values = ", ".join(group.values(row))
    return (
        f"INSERT INTO {group.table}({group.table}, rowid, {columns}) "
        f"VALUES ('delete', {group.rowid_of(row)}, {values});"
    )


def trigger_names(group: Group) -> tuple[str, str, str]:
    """The names of the insert, delete and update triggers of `group`."""
    return (f"{group.table}_ai", f"{group.table}_ad", f"{group.table}_au")


def _triggers(group: Group) -> list[str]:
    insert, delete, update = trigger_names(group)
    watched = ", ".join(group.watched)
    return [
        f"CREATE TRIGGER {insert} AFTER INSERT ON {group.source} BEGIN {_insert(group, 'NEW')} END",
        f"CREATE TRIGGER {delete} AFTER DELETE ON {group.source} BEGIN {_remove(group, 'OLD')} END",
        f"CREATE TRIGGER {update} AFTER UPDATE OF {watched} ON {group.source} BEGIN "
        f"{_remove(group, 'OLD')} {_insert(group, 'NEW')} END",
    ]


def _fill(group: Group) -> str:
    if group.kind == "derived":
        columns = ", ".join(group.columns)
        return (
            f"INSERT INTO {group.table}(rowid, {columns}) SELECT rid, {columns} FROM {group.view}"
        )
    return f"INSERT INTO {group.table}({group.table}) VALUES ('rebuild')"


# Partial indexes finding the answers that the trigger: and detected-by: fields read: one per
# question, so the query's literal question id lets SQLite use it; choice answers are short.
CHOICE_QUESTIONS = (TRIGGER_KIND_QUESTION, DETECTION_SOURCE_QUESTION)


def choice_index(question_id: str) -> str:
    """The name of the partial index over the answers to one choice question."""
    return f"{PREFIX}answers_{question_id.replace('.', '_')}"


def _create_choice_index(question_id: str) -> str:
    return (
        f"CREATE INDEX {choice_index(question_id)} ON review_answers (value, incident_id) "
        f"WHERE question_id = '{question_id}' AND status = 'answered'"
    )


def expected_objects() -> dict[str, str]:
    """Every schema object of the index: name -> type (table, view, trigger, index)."""
    objects: dict[str, str] = {}
    for group in GROUPS:
        objects[group.table] = "table"
        if group.has_view:
            objects[group.view] = "view"
        for name in trigger_names(group):
            objects[name] = "trigger"
    for question_id in CHOICE_QUESTIONS:
        objects[choice_index(question_id)] = "index"
    return objects


def is_index_table(name: str) -> bool:
    """True for the index's tables, views, SQL indexes and FTS5 shadow tables."""
    return name.startswith(PREFIX)


# -- building, checking, rebuilding -----------------------------------------------------------


def _execute(connection: Connection, statements: Iterator[str] | list[str]) -> None:
    for statement in statements:
        connection.exec_driver_sql(statement)


def create_index(connection: Connection) -> None:
    """Create the index and its triggers and fill it from the data, in the caller's transaction."""
    for group in GROUPS:
        if group.has_view:
            connection.exec_driver_sql(_create_view(group))
        connection.exec_driver_sql(_create_table(group))
        connection.exec_driver_sql(_fill(group))
        _execute(connection, _triggers(group))
        # One segment per table: the smallest index and the fastest queries afterwards.
        connection.exec_driver_sql(f"INSERT INTO {group.table}({group.table}) VALUES ('optimize')")
    for question_id in CHOICE_QUESTIONS:
        connection.exec_driver_sql(_create_choice_index(question_id))


def drop_index(connection: Connection) -> None:
    """Remove every index object that exists (triggers first, so writes never fail between)."""
    present: dict[str, str] = dict(
        connection.exec_driver_sql(
            "SELECT name, type FROM sqlite_master WHERE name LIKE 'search\\_%' ESCAPE '\\'"
        ).all()
    )
    # Triggers first, so that no write can fail between two of these statements.
    for wanted in ("trigger", "index", "view", "table"):
        for name, kind in expected_objects().items():
            if kind == wanted and present.get(name) == kind:
                connection.exec_driver_sql(f"DROP {kind.upper()} {name}")


def index_present(connection: Connection) -> bool:
    """True when the database has (at least part of) the index."""
    row = connection.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE name = ?", (GROUPS[0].table,)
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
    problems = []
    for group in GROUPS:
        if not _group_in_step(connection, group):
            problems.append(
                f"the search index of {group.source} ({group.table}) is out of step with the "
                "data; rebuild it with: hindsight check --repair"
            )
    return problems


def _group_in_step(connection: Connection, group: Group) -> bool:
    table = group.table
    # With rank 1, FTS5 also compares the index with the content it was built from; it
    # cannot read a derived group's view, whose words are compared below instead.
    check = "'integrity-check'" if group.kind == "derived" else "'integrity-check', 1"
    rank = "" if group.kind == "derived" else ", rank"
    try:
        connection.exec_driver_sql(f"INSERT INTO {table}({table}{rank}) VALUES ({check})")
    except Exception as error:  # SQLite reports a mismatch as "corrupt"
        if not _is_sqlite_error(error):
            raise
        return False
    return group.kind != "derived" or _same_words(connection, group)


def _same_words(connection: Connection, group: Group) -> bool:
    """True when the index holds the words its view gives now, with the same counts."""
    fresh, vocabulary, rebuilt = (f"temp.{PREFIX}check{n}" for n in ("", "_vocab", "_fresh"))
    columns = ", ".join(group.columns)
    statements = [
        f"CREATE VIRTUAL TABLE {fresh} USING fts5({columns}, tokenize='{TOKENIZER}', content='')",
        f"INSERT INTO {fresh}(rowid, {columns}) SELECT rid, {columns} FROM {group.view}",
        f"CREATE VIRTUAL TABLE {vocabulary} USING fts5vocab(main, {group.table}, 'row')",
        f"CREATE VIRTUAL TABLE {rebuilt} USING fts5vocab(temp, {PREFIX}check, 'row')",
    ]
    try:
        _execute(connection, statements)
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
