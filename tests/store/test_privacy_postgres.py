"""The privacy schema and repository on PostgreSQL (skipped unless a server is configured).

Set HINDSIGHT_TEST_POSTGRES to a SQLAlchemy URL of a maintenance database on a server where
the user may create databases, e.g.

    HINDSIGHT_TEST_POSTGRES='postgresql+psycopg://me@/postgres?host=/tmp&port=5432'

Each test run creates a database of its own and drops it afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

URL = os.environ.get("HINDSIGHT_TEST_POSTGRES", "")
pytestmark = pytest.mark.skipif(not URL, reason="set HINDSIGHT_TEST_POSTGRES to run")

if URL:
    pytest.importorskip("psycopg")

from alembic.autogenerate import compare_metadata  # noqa: E402
from alembic.migration import MigrationContext  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import Engine, make_url  # noqa: E402
from sqlalchemy.exc import DBAPIError  # noqa: E402

from hindsight.core.incident import Incident  # noqa: E402
from hindsight.core.privacy import AccessDetails, DataCategory, DataCopy  # noqa: E402
from hindsight.store import postgres_search_schema  # noqa: E402
from hindsight.store.database import Database  # noqa: E402
from hindsight.store.incidents import IncidentRepository  # noqa: E402
from hindsight.store.models import Base  # noqa: E402
from hindsight.store.privacy import PrivacyRepository  # noqa: E402
from hindsight.store.schema import upgrade_to_head  # noqa: E402


@pytest.fixture
def engine() -> Iterator[Engine]:
    name = f"hindsight_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    made = create_engine(make_url(URL).set(database=name))
    try:
        with made.begin() as connection:
            upgrade_to_head(connection)
        yield made
    finally:
        made.dispose()
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        admin.dispose()


POSTGRES_FORM_INDEXES = {"ix_incidents_listing", "ix_incidents_phase", "ix_incidents_review"}


def test_migrated_schema_matches_the_models(engine: Engine) -> None:
    with engine.connect() as connection:
        # The list's expression indexes (0005) are written for PostgreSQL's syntax there, and
        # its copy of the narrow one leaves the JSON lists out: the models hold SQLite's form.
        options = {
            "compare_type": True,
            "include_object": lambda _object, name, kind, _reflected, _other: (
                not (kind == "index" and name in POSTGRES_FORM_INDEXES)
                and not postgres_search_schema.is_index_object(name or "")
            ),
        }
        context = MigrationContext.configure(connection, opts=options)
        assert list(compare_metadata(context, Base.metadata)) == []


def test_log_is_append_only_and_cascades_with_the_incident(engine: Engine) -> None:
    database = Database(Path("postgresql"), engine)
    incident = IncidentRepository(database).create(Incident(title="On PostgreSQL"))
    assert incident.id is not None
    repository = PrivacyRepository(database)
    details = AccessDetails(
        accessor="Ravi Menon",
        accessed_at=datetime(2026, 9, 3, 11, 15, tzinfo=UTC),
        dataset="recs-query-log",
        categories=(DataCategory.SEARCH_QUERIES,),
        volume=100_000,
        justification="Replay",
        copies=(DataCopy("bucket", date(2026, 9, 10)),),
    )
    access = repository.record(incident.id, details, "Hannah")
    amended = repository.amend(access.id, replace(details, approver="Gabriela"), "H", "ok", 1)
    assert repository.access(access.id) == amended
    for statement in (
        "UPDATE data_access_revisions SET approver = 'x'",
        "DELETE FROM data_access_revisions",
        "DELETE FROM data_accesses",
    ):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))
    IncidentRepository(database).delete(incident.id)
    with engine.connect() as connection:
        left = connection.execute(text("SELECT count(*) FROM data_access_revisions")).scalar()
    assert left == 0
