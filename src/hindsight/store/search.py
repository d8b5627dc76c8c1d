"""Full-text search behind a small interface, and its SQLite FTS5 implementation.

`SearchIndex` is what the services use. `SqliteSearchIndex` answers it with the FTS5 index
of store/search_schema.py and the SQL of store/search_sql.py; a PostgreSQL store can answer
the same calls with tsvector columns and `ts_rank`, keeping the query language, the snippets
(store/search_snippets.py works on plain text) and the services as they are.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Protocol, cast

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from hindsight.core.detection import TRIGGER_KIND_QUESTION, TRIGGER_WHAT_QUESTION
from hindsight.core.review import Verdict
from hindsight.core.search_query import Text
from hindsight.core.search_results import (
    RelatedIncident,
    SearchPage,
    SearchRequest,
    Snippet,
)
from hindsight.store import search_schema
from hindsight.store.database import Database
from hindsight.store.errors import NotFoundError, SearchIndexDamagedError
from hindsight.store.search_common import (
    COMMON_CAP,
    RELATED_POOL,
    RELATED_SCAN,
    Traits,
    add_traits,
    incident_date_sql,
    json_value,
    most_distinctive,
    rank_related,
    search_page,
)
from hindsight.store.search_snippets import snippets
from hindsight.store.search_sql import (
    EXPANSION_LIMIT,
    INCIDENTS_SQL,
    TEMPORARY_TABLES,
    TOGETHER_SQL,
    VOCABULARY_SQL,
    CompiledQuery,
    Counts,
    Expansion,
    any_of,
    compile_query,
    counted_places,
    counts_by_kind,
    counts_of,
    counts_params,
    counts_sql,
    expansion_params,
    fts_string,
    part_counts,
    part_counts_sql,
    prefix_bounds,
    several_required,
    single_prefix,
    single_token,
    together_query,
    word_counts_of,
    word_counts_sql,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


class SearchIndex(Protocol):
    """Finding incidents by their text; one implementation per kind of store."""

    def search(self, request: SearchRequest) -> SearchPage:
        """One page of the incidents matching `request`, best first, with snippets."""
        ...

    def ranked(self, request: SearchRequest) -> list[int]:
        """The ids of every incident matching `request`, best first (no page, no snippets)."""
        ...

    def snippets(
        self, request: SearchRequest, ids: Sequence[int]
    ) -> dict[int, tuple[Snippet, ...]]:
        """Snippets of the incidents `ids` for `request` (a list asks for the rows it shows)."""
        ...

    def related(self, incident_id: int, limit: int = 5) -> list[RelatedIncident]:
        """The `limit` earlier incidents most like `incident_id`, most alike first."""
        ...

    def problems(self) -> list[str]:
        """What is wrong with the index, one line each; empty when it agrees with the data."""
        ...

    def rebuild(self) -> None:
        """Build the index again from the data."""
        ...


class SqliteSearchIndex:
    """The FTS5 index of one SQLite database."""

    plain = False  # True: no FTS5 index; words are matched as plain text
    notice = ""

    def __init__(self, database: Database) -> None:
        self.database = database
        self._engine_prepared: Any = None  # the engine whose connections get the tables

    def _read(self) -> Any:
        """database.read(), on a connection that holds the search's temporary tables.

        They are made once per connection when it is checked out of the pool, outside any
        transaction (search_sql.TEMPORARY_TABLES says why); the statements needing one
        still make it if it is not there.
        """
        engine = self.database.engine
        if self._engine_prepared is not engine:
            make = _TABLE_MAKERS[self.plain]
            with _LISTENING:
                if not event.contains(engine, "checkout", make):
                    event.listen(engine, "checkout", make)
            self._engine_prepared = engine
        return self.database.read()

    # -- searching ------------------------------------------------------------------------

    def search(self, request: SearchRequest) -> SearchPage:
        """One page of the incidents matching `request`, best first, with snippets."""
        with self._read() as session:
            connection = _driver(session)
            with self._index_errors():
                counter = _Counter(connection, lazy=several_required(request))
                compiled = self._compile(connection, request, counter)
                rows, total, exact = _ranked_page(connection, compiled, request)
            ids = [row[0] for row in rows]
            titles = _titles(connection, ids)
            found = self._snippets(connection, request, ids, counter)
        page = search_page(rows, titles, found, total, request, self.notice)
        return page if exact else replace(page, total_exact=False)

    def _compile(
        self, connection: Any, request: SearchRequest, counter: _Counter | None = None
    ) -> CompiledQuery:
        # The query is weighed against the incidents there are now.
        total_incidents = connection.exec_driver_sql("SELECT count(*) FROM incidents").scalar_one()
        counts = counter or _Counter(connection, lazy=several_required(request))
        return compile_query(
            request,
            total_incidents,
            counts,
            plain=self.plain,
            together=counts.together,
            incidents=counts.incidents,
        )

    def ranked(self, request: SearchRequest) -> list[int]:
        """The ids of every incident matching `request`, best first (no page, no snippets)."""
        everything = replace(request, limit=-1, offset=0)  # SQLite: LIMIT -1 is no limit
        with self._read() as session:
            connection = _driver(session)
            with self._index_errors():
                compiled = self._compile(connection, everything)
                _prelude(connection, compiled)
                rows = connection.exec_driver_sql(compiled.sql, compiled.params)
                return [row[0] for row in rows]

    def snippets(
        self, request: SearchRequest, ids: Sequence[int]
    ) -> dict[int, tuple[Snippet, ...]]:
        """Snippets of the incidents `ids` for `request` (a list asks for the rows it shows)."""
        with self._read() as session, self._index_errors():
            return self._snippets(_driver(session), request, ids)

    def _snippets(
        self,
        connection: Connection,
        request: SearchRequest,
        ids: Sequence[int],
        counter: _Counter | None = None,
    ) -> dict[int, tuple[Snippet, ...]]:
        texts = request.query.positive_texts()
        if not texts or not ids or request.snippets <= 0:
            return {}
        groups = None
        if not self.plain:
            groups = (
                _matching_groups(counter, texts)
                if counter is not None
                else _groups_found(connection, texts)
            )
        patterns = [text.pattern for text in texts]
        return snippets(connection, ids, patterns, request.snippets, groups)

    def _index_errors(self) -> Any:
        return _IndexErrors(self.database)

    # -- related incidents ----------------------------------------------------------------

    def related(self, incident_id: int, limit: int = 5) -> list[RelatedIncident]:
        """The `limit` earlier incidents most like `incident_id`, most alike first.

        Likeness: the incident's most distinctive words (of title, summary and the trigger
        answer, plus its systems), each counting its rarity when another incident's key,
        title or summary has it; then the same trigger kind, shared implicated changes and
        shared systems add to that. Earlier: the other incident's date (impact start, else
        detection, else when recorded) is before this one's.
        """
        with self._read() as session:
            connection = _driver(session)
            with self._index_errors():
                me = _traits(connection, [incident_id]).get(incident_id)
                if me is None:
                    raise NotFoundError(f"Incident {incident_id} no longer exists.")
                chosen = self._distinctive(connection, incident_id, me)
                pool = self._pool(connection, incident_id, chosen)
                if not pool:
                    return []
                others = _traits(connection, list(pool))
        return rank_related(me, chosen, pool, others, limit)

    def _distinctive(
        self, connection: Connection, incident_id: int, me: Traits
    ) -> list[tuple[str, float]]:
        """The incident's rarest words (with their idf) that other incidents also use."""
        total = connection.exec_driver_sql("SELECT count(*) FROM incidents").scalar_one()
        counted: list[tuple[str, int]] = []
        for word in me.candidate_words():
            count = connection.exec_driver_sql(
                "SELECT count(*) FROM (SELECT rowid FROM search_incident "
                f"WHERE search_incident MATCH ? AND rowid <> ? LIMIT {COMMON_CAP})",
                (fts_string(Text(word)), incident_id),
            ).scalar_one()
            if count:
                counted.append((word, count))
        return most_distinctive(counted, total)

    @staticmethod
    def _pool(
        connection: Connection, incident_id: int, chosen: list[tuple[str, float]]
    ) -> dict[int, tuple[float, set[str]]]:
        """Incidents sharing chosen words: their summed idf and which words they share."""
        if not chosen:
            return {}
        arms, params = [], []
        for index, (word, weight) in enumerate(chosen):
            # A common word adds its (small) weight to its most recently recorded incidents
            # only, which bounds the work; words rarer than that are counted everywhere.
            arms.append(
                f"SELECT * FROM (SELECT rowid AS i, ? AS s, {index} AS w FROM search_incident "
                f"WHERE search_incident MATCH ? AND rowid <> ? ORDER BY rowid DESC "
                f"LIMIT {RELATED_SCAN})"
            )
            params += [weight, fts_string(Text(word)), incident_id]
        rows = connection.exec_driver_sql(
            f"SELECT i, sum(s) AS score, group_concat(w) FROM ({' UNION ALL '.join(arms)}) "
            f"GROUP BY i ORDER BY score DESC, i DESC LIMIT {RELATED_POOL}",
            tuple(params),
        ).all()
        return {
            row[0]: (float(row[1]), {chosen[int(w)][0] for w in str(row[2]).split(",")})
            for row in rows
        }

    # -- upkeep ---------------------------------------------------------------------------

    def problems(self) -> list[str]:
        """What is wrong with the index, one line each; empty when it agrees with the data."""
        with self.database.read() as session:
            connection = session.connection()
            if not search_schema.index_present(connection):
                if search_schema.fts5_available():
                    return [
                        "the database has no search index; build it with: hindsight check --repair"
                    ]
                return []
            return search_schema.index_problems(connection)

    def rebuild(self) -> None:
        """Build the index again from the data (one write transaction)."""
        if not search_schema.fts5_available():
            raise SearchIndexDamagedError(self.database.path, search_schema.FTS5_MISSING)
        with self.database.write() as session:
            search_schema.rebuild_index(session.connection())


# A connection's pool record says that it holds the search's temporary tables (and, for the
# FTS5 index, its vocabularies of the records and the access log).
_TABLES_MADE = "hindsight_search_tables"


def _tables_maker(plain: bool) -> Callable[[Any, Any, Any], None]:
    """A pool `checkout` listener making the search's temporary tables on a connection,
    once (search_sql.TEMPORARY_TABLES); with `plain`, not FTS5's vocabularies."""
    statements: tuple[str, ...] = TEMPORARY_TABLES
    if not plain:
        tables = (search_schema.CHILD_TABLE, search_schema.ACCESS_TABLE)
        statements += tuple(_terms_vocabulary_sql(table) for table in tables)
    made = (_TABLES_MADE, plain)

    def make(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if record.info.get(made) or dbapi_connection.in_transaction:
            return
        try:
            for statement in statements:
                dbapi_connection.execute(statement)
        except sqlite3.Error:
            return  # each statement needing a table makes it in its transaction, as before
        record.info[made] = True

    return make


class _IndexErrors:
    """Reports a damaged or missing index as such, not as a damaged database."""

    plain = False  # True: no FTS5 index; words are matched as plain text
    notice = ""

    def __init__(self, database: Database) -> None:
        self.database = database

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: Any, error: BaseException | None, trace: Any) -> None:
        if error is None:
            return
        original = getattr(error, "orig", error)
        if isinstance(error, DBAPIError | sqlite3.Error) and isinstance(original, sqlite3.Error):
            text = str(original)
            if "no such table: search_" in text or "no such module: fts5" in text:
                raise SearchIndexDamagedError(
                    self.database.path, "its search index is missing"
                ) from error
            code = getattr(original, "sqlite_errorcode", 0) or 0
            if code & 0xFF == 11:  # SQLITE_CORRUPT, incl. SQLITE_CORRUPT_VTAB
                raise SearchIndexDamagedError(self.database.path, text) from error


class _Rows(list[Any]):
    """Rows read at once, answering what SQLAlchemy's result does here."""

    def all(self) -> list[Any]:
        return self

    def one(self) -> Any:
        if len(self) != 1:
            raise ValueError(f"{len(self)} rows where one was expected")
        return self[0]

    def scalar_one(self) -> Any:
        return self.one()[0]


class _Driver:
    """The sqlite3 connection under a session's, for the search's statements.

    SQLAlchemy makes a result row in Python for each row (about a microsecond: as much as
    SQLite's own work for a page's snippets) and wraps each statement; the driver's tuples
    serve as well here. Errors are the driver's, which the store classifies the same way.
    """

    def __init__(self, session: Session) -> None:
        self.raw = session.connection().connection.dbapi_connection

    def exec_driver_sql(self, sql: str, parameters: Any = ()) -> _Rows:
        assert self.raw is not None
        return _Rows(self.raw.execute(sql, parameters).fetchall())


def _driver(session: Session) -> Connection:
    # The search's functions take what has exec_driver_sql, as the snippets of the
    # PostgreSQL store do (its QmarkConnection).
    return cast(Connection, _Driver(session))


def _prelude(
    connection: Connection, compiled: CompiledQuery, params: dict[str, object] | None = None
) -> None:
    """Run what the compiled statements need first (filling the temporary table they read)."""
    for statement in compiled.prelude:
        connection.exec_driver_sql(statement, compiled.params if params is None else params)


def _windowed_rows(
    connection: Connection, compiled: CompiledQuery, request: SearchRequest
) -> list[Any]:
    """The page's rows (and one more) of a statement ranking a window of ids at a time
    (CompiledQuery.windows): windows newest first, until no incident further back can
    enter the best rows (Windows says when) or every id has been read."""
    windows = compiled.windows
    assert windows is not None
    params = dict(compiled.params)
    newest = connection.exec_driver_sql("SELECT max(id) FROM incidents").scalar_one() or 0
    high = newest + 1
    width = windows.first_width(high)
    best: list[Any] = []
    while high > 0:
        low = max(high - width, 0)
        params[windows.low], params[windows.high] = low, high
        _prelude(connection, compiled, params)
        best += connection.exec_driver_sql(compiled.sql, params).all()
        best.sort(key=lambda row: (-row[1], -row[0]))  # as ORDER BY score DESC, i DESC
        del best[windows.rows :]
        if len(best) == windows.rows and windows.at_best(best[-1][1]):
            break
        high, width = low, width * 2
    return best[request.offset : request.offset + request.limit + 1]


def _ranked_page(
    connection: Connection, compiled: CompiledQuery, request: SearchRequest
) -> tuple[Sequence[Any], int, bool]:
    """The rows of a page of `compiled`, the total, and whether it is exact (not a bound)."""
    if compiled.windows is None:  # else each window runs the prelude for its ids
        _prelude(connection, compiled)
    if request.limit == 0:  # the count alone (`count`): nothing is scored
        return (
            [],
            connection.exec_driver_sql(compiled.count_sql, compiled.params).scalar_one(),
            True,
        )
    rows: Sequence[Any]
    if compiled.windows is not None:
        rows = _windowed_rows(connection, compiled, request)
    else:
        rows = connection.exec_driver_sql(compiled.sql, compiled.params).all()
    if compiled.page_only:
        if len(rows) > request.limit:
            # More match than the page: the total is known only to be above it.
            rows = rows[: request.limit]
            if compiled.at_least_exact:
                return rows, compiled.at_least, True
            return rows, max(request.offset + len(rows) + 1, compiled.at_least), False
        if compiled.fallback is not None:
            return _ranked_page(connection, compiled.fallback, request)
        return rows, request.offset + len(rows), True
    if compiled.counted_apart:
        total = connection.exec_driver_sql(compiled.count_sql, compiled.params).scalar_one()
    elif rows:
        total = rows[0][2]
    elif request.offset or not request.limit:
        total = connection.exec_driver_sql(compiled.count_sql, compiled.params).scalar_one()
    else:
        total = 0
    return rows, total, True


def _groups_found(connection: Connection, texts: Sequence[Text]) -> set[str]:
    """The kinds of record where any of `texts` occurs at all (snippets read only those),
    for snippets asked for on their own: a look at each word's records, without counting."""
    names = {part.code: part.name for part in search_schema.PARTS}
    found = {"incident"}
    table = search_schema.ACCESS_TABLE
    for text in texts:
        literal = fts_string(text)
        codes = connection.exec_driver_sql(
            f"SELECT DISTINCT {search_schema.PART_OF_CHILD} FROM {search_schema.CHILD_TABLE} "
            f"WHERE {search_schema.CHILD_TABLE} MATCH ?",
            (literal,),
        ).all()
        found.update(names[code] for (code,) in codes if code in names)
        if connection.exec_driver_sql(
            f"SELECT EXISTS (SELECT 1 FROM {table} WHERE {table} MATCH ?)", (literal,)
        ).scalar_one():
            found.add("access")
    return found


def _matching_groups(counter: _Counter, texts: Sequence[Text]) -> set[str]:
    """The kinds of record where any of `texts` occurs at all (snippets read only those),
    from the counts a search has made of them anyway."""
    found = {"incident"}
    for text in texts:
        counts = counter(fts_string(text))
        found.update(part.name for part in search_schema.PARTS if counts.parts[part.code])
        if counts.access:
            found.add("access")
    return found


class _Counter:
    """Counts a literal in every place of the index, once per literal (counts_sql()).

    `lazy`: a word's or phrase's incidents (the rows of search_incident holding it, in any
    column) are not counted with the rest (Counts.incidents NOT_COUNTED) but by
    `incidents()`, when the compiler needs them.
    """

    def __init__(self, connection: Connection, *, lazy: bool = False) -> None:
        self.connection = connection
        self.lazy = lazy
        self.known: dict[str, Counts] = {}
        self.own: dict[str, int] = {}

    def __call__(self, literal: str) -> Counts:
        counts = self.known.get(literal)
        if counts is None:
            run = self.connection.exec_driver_sql
            token = single_token(literal)
            prefix = single_prefix(literal)
            expanded = self._expanded(literal, prefix) if prefix is not None else None
            if token is not None:
                vocabulary: dict[str, int] = dict(run(VOCABULARY_SQL, (token,)).all())
                places = counted_places(vocabulary)
                sql = word_counts_sql(places, total=not self.lazy)
                row = tuple(run(sql, counts_params(literal)).one())
                counts = word_counts_of(vocabulary, places, row)
            elif expanded is not None:
                counts = expanded
            elif counts_by_kind(literal):
                sql = COUNTS_WITHOUT_INCIDENTS_SQL if self.lazy else COUNTS_SQL
                counts = counts_of(tuple(run(sql, counts_params(literal)).one()))
            else:
                row = tuple(run(COUNTS_ANY_KIND_SQL, counts_params(literal)).one())
                children = int(row[-1])
                parts = (0,) * len(search_schema.PARTS)
                if children:
                    kinds = run(part_counts_sql(children), {"m": literal}).one()
                    parts = part_counts(children, tuple(kinds))
                counts = counts_of(row, parts)
            self.known[literal] = counts
        return counts

    def incidents(self, literal: str) -> int:
        """How many incidents' own fields match `literal` (the rows of search_incident)."""
        found = self.own.get(literal)
        if found is None:
            counted = self.known.get(literal)
            if counted is not None and counted.incidents >= 0:
                found = counted.incidents
            else:
                found = int(self.connection.exec_driver_sql(INCIDENTS_SQL, (literal,)).scalar_one())
            self.own[literal] = found
        return found

    def together(self, literals: tuple[str, ...], most: int) -> int:
        """How many incidents' own fields match every one of `literals` (FTS5's AND), up
        to `most`."""
        query = together_query(literals)
        return int(self.connection.exec_driver_sql(TOGETHER_SQL, (query, most)).scalar_one())

    def _expanded(self, literal: str, prefix: str) -> Counts | None:
        """The Counts of a prefix written out as its words in each table (Expansion), or
        None when a table has more than EXPANSION_LIMIT of them (or words of other
        letters): the prefix is then counted and matched as it is."""
        run = self.connection.exec_driver_sql
        bounds = prefix_bounds(prefix)
        # Each word of search_incident has a row per column holding it: EXPANSION_LIMIT
        # words have at most this many rows, and a full answer means more words.
        most = len(search_schema.INCIDENT_COLUMNS) * (EXPANSION_LIMIT + 1)
        rows = run(EXPANSION_INCIDENT_SQL, (*bounds, most)).all()
        if len(rows) == most:
            return None
        vocabularies: dict[str, dict[str, int]] = {}
        for term, column, docs in rows:
            vocabularies.setdefault(term, {})[column] = docs
        literals = []
        for table in (search_schema.CHILD_TABLE, search_schema.ACCESS_TABLE):
            run(_terms_vocabulary_sql(table))
        for terms in (
            list(vocabularies),
            *(
                [term for (term,) in run(_terms_sql(table), (*bounds, EXPANSION_LIMIT + 1))]
                for table in (search_schema.CHILD_TABLE, search_schema.ACCESS_TABLE)
            ),
        ):
            if len(terms) > EXPANSION_LIMIT:
                return None
            written = any_of(terms)
            if terms and written is None:
                return None
            literals.append(written or literal)  # no word there: the prefix finds nothing
        expansion = Expansion(*literals)
        params = expansion_params(literal, expansion)
        if len(vocabularies) == 1:
            # One word in search_incident: its rows per column are its vocabulary's.
            vocabulary = next(iter(vocabularies.values()))
            places = counted_places(vocabulary)
            row = tuple(run(word_counts_sql(places, child=":k", access=":a"), params).one())
            counts = word_counts_of(vocabulary, places, row)
        else:
            counts = counts_of(tuple(run(COUNTS_EXPANDED_SQL, params).one()))
        return replace(counts, expansion=expansion)


COUNTS_SQL = counts_sql()
COUNTS_WITHOUT_INCIDENTS_SQL = counts_sql(total=False)
COUNTS_ANY_KIND_SQL = counts_sql(by_kind=False)
COUNTS_EXPANDED_SQL = counts_sql(child=":k", access=":a")
EXPANSION_INCIDENT_SQL = (
    f"SELECT term, col, doc FROM {search_schema.INCIDENT_VOCABULARY} "
    "WHERE term >= ? AND term < ? LIMIT ?"
)


def _terms_sql(table: str) -> str:
    """The words of the FTS5 table `table` from the first parameter up to (without) the
    second, at most the third: from FTS5's vocabulary of the table, made in the
    connection's own temporary database (once per connection; the file's schema is not
    touched, and a read transaction may write there, as the search's own table)."""
    return f"SELECT term FROM temp.hindsight_{table}_words WHERE term >= ? AND term < ? LIMIT ?"


def _terms_vocabulary_sql(table: str) -> str:
    """Make _terms_sql()'s vocabulary of `table` in the connection's temporary database."""
    return (
        f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.hindsight_{table}_words "
        f"USING fts5vocab(main, {table}, 'row')"
    )


# The listeners making the search's temporary tables, for the FTS5 index and without it (one
# per engine at most: a module's own functions, so that event.contains finds them).
_TABLE_MAKERS = {plain: _tables_maker(plain) for plain in (False, True)}
_LISTENING = threading.Lock()


def _titles(connection: Connection, ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    if not ids:
        return {}
    marks = ", ".join("?" for _ in ids)
    rows = connection.exec_driver_sql(
        f"SELECT id, key, title FROM incidents WHERE id IN ({marks})", tuple(ids)
    ).all()
    return {row[0]: (row[1], row[2]) for row in rows}


def _traits(connection: Connection, ids: Sequence[int]) -> dict[int, Traits]:
    marks = ", ".join("?" for _ in ids)
    found = {
        row[0]: Traits(row)
        for row in connection.exec_driver_sql(
            f"SELECT id, key, title, summary, systems, {incident_date_sql('incidents.id')} "
            f"FROM incidents WHERE id IN ({marks})",
            tuple(ids),
        )
    }
    answers = connection.exec_driver_sql(
        "SELECT incident_id, question_id, value FROM review_answers "
        f"WHERE incident_id IN ({marks}) AND status = 'answered' "
        "AND question_id IN (?, ?)",
        (*ids, TRIGGER_KIND_QUESTION, TRIGGER_WHAT_QUESTION),
    ).all()
    implicated = connection.exec_driver_sql(
        "SELECT incident_id, category FROM change_attributions "
        f"WHERE incident_id IN ({marks}) AND verdict = ?",
        (*ids, Verdict.IMPLICATED.value),
    ).all()
    # SQLite gives JSON columns as their text.
    return add_traits(found, ((i, q, json_value(v)) for i, q, v in answers), implicated)
