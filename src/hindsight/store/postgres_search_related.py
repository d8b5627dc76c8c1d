"""Related incidents on a team database: the SQLite index's method, with the tsvector index.

An incident's most distinctive words (of title, trigger answer, systems and summary: those
fewest other incidents use in their own fields) are looked up in the other incidents' key,
title, summary, systems, models and tags; each shared word counts its rarity (idf), and the
same trigger kind, shared implicated changes and shared systems add to that, as on SQLite
(store/search.py). Only earlier incidents are offered.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.engine import Connection

from hindsight.core.detection import TRIGGER_KIND_QUESTION, TRIGGER_WHAT_QUESTION
from hindsight.core.review import Verdict
from hindsight.core.search_results import RelatedIncident
from hindsight.store.errors import NotFoundError
from hindsight.store.postgres_search_schema import CONFIGURATION, INCIDENT_KIND, TABLE
from hindsight.store.postgres_search_sql import lexeme
from hindsight.store.search_common import (
    COMMON_CAP,
    RELATED_POOL,
    RELATED_SCAN,
    Traits,
    add_traits,
    incident_date_sql,
    most_distinctive,
    rank_related,
)


def related_incidents(
    connection: Connection, incident_id: int, limit: int
) -> list[RelatedIncident]:
    """The `limit` earlier incidents most like `incident_id`, most alike first."""
    me = _traits(connection, [incident_id]).get(incident_id)
    if me is None:
        raise NotFoundError(f"Incident {incident_id} no longer exists.")
    chosen = _distinctive(connection, incident_id, me)
    pool = _pool(connection, incident_id, chosen)
    if not pool:
        return []
    others = _traits(connection, list(pool))
    return rank_related(me, chosen, pool, others, limit)


def _with_word(word_param: str, me_param: str) -> str:
    """SQL for the other incidents whose own fields hold a word (a bound parameter)."""
    return (
        f"SELECT DISTINCT s.incident_id AS i FROM {TABLE} AS s WHERE s.kind = {INCIDENT_KIND} "
        f"AND s.doc @@ to_tsquery('{CONFIGURATION}', {word_param}) AND s.incident_id <> {me_param}"
    )


def _distinctive(connection: Connection, incident_id: int, me: Traits) -> list[tuple[str, float]]:
    """The incident's rarest words (with their idf) that other incidents also use."""
    total = connection.execute(text("SELECT count(*) FROM incidents")).scalar_one()
    counted: list[tuple[str, int]] = []
    for word in me.candidate_words():
        count = connection.execute(
            text(f"SELECT count(*) FROM ({_with_word(':w', ':me')} LIMIT {COMMON_CAP}) AS d"),
            {"w": lexeme(word), "me": incident_id},
        ).scalar_one()
        if count:
            counted.append((word, int(count)))
    return most_distinctive(counted, int(total))


def _pool(
    connection: Connection, incident_id: int, chosen: list[tuple[str, float]]
) -> dict[int, tuple[float, set[str]]]:
    """Incidents sharing chosen words: their summed idf and which words they share."""
    if not chosen:
        return {}
    arms = []
    params: dict[str, object] = {"me": incident_id}
    for index, (word, weight) in enumerate(chosen):
        params[f"w{index}"], params[f"s{index}"] = lexeme(word), weight
        # A common word counts for its most recently recorded incidents only, as on SQLite.
        arms.append(
            f"SELECT * FROM (SELECT d.i, CAST(:s{index} AS float8) AS s, {index} AS w FROM "
            f"({_with_word(f':w{index}', ':me')}) AS d ORDER BY d.i DESC "
            f"LIMIT {RELATED_SCAN}) AS a{index}"
        )
    rows = connection.execute(
        text(
            f"SELECT i, sum(s) AS score, array_agg(w) FROM ({' UNION ALL '.join(arms)}) AS u "
            f"GROUP BY i ORDER BY score DESC, i DESC LIMIT {RELATED_POOL}"
        ),
        params,
    ).all()
    return {row[0]: (float(row[1]), {chosen[int(w)][0] for w in row[2]}) for row in rows}


def _traits(connection: Connection, ids: Sequence[int]) -> dict[int, Traits]:
    """What likeness compares, for each incident of `ids` (JSON comes decoded by psycopg)."""
    found = {
        row[0]: Traits(row)
        for row in connection.execute(
            text(
                f"SELECT me.id, me.key, me.title, me.summary, me.systems, "
                f"{incident_date_sql('me.id')} FROM incidents AS me WHERE me.id = ANY(:ids)"
            ),
            {"ids": list(ids)},
        )
    }
    answers = connection.execute(
        text(
            "SELECT incident_id, question_id, value FROM review_answers "
            "WHERE incident_id = ANY(:ids) AND status = 'answered' AND question_id = ANY(:q)"
        ),
        {"ids": list(ids), "q": [TRIGGER_KIND_QUESTION, TRIGGER_WHAT_QUESTION]},
    ).all()
    implicated = connection.execute(
        text(
            "SELECT incident_id, category FROM change_attributions "
            "WHERE incident_id = ANY(:ids) AND verdict = :v"
        ),
        {"ids": list(ids), "v": Verdict.IMPLICATED.value},
    ).all()
    return add_traits(found, answers, implicated)
