"""The privacy repository: an append-only access log, and versioned ethics answers."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from hindsight.core.incident import Incident
from hindsight.core.privacy import (
    AccessDetails,
    DataCategory,
    DataCopy,
    EthicsAnswer,
    EthicsChoice,
    VolumeUnit,
)
from hindsight.store.database import Database
from hindsight.store.errors import ConflictError, NotFoundError
from hindsight.store.incidents import IncidentRepository
from hindsight.store.privacy import PrivacyRepository

T0 = datetime(2026, 9, 3, 11, 15, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 9, 4, 17, 30, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


@pytest.fixture
def database(db_path: Path):
    opened = Database.open(db_path)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def incident_id(database: Database) -> int:
    created = IncidentRepository(database).create(Incident(title="Recommendations dried up"))
    assert created.id is not None
    return created.id


@pytest.fixture
def repository(database: Database) -> PrivacyRepository:
    return PrivacyRepository(database, clock=Clock())


def the_copy() -> AccessDetails:
    return AccessDetails(
        accessor="Ravi Menon",
        accessed_at=T0,
        dataset="recs-query-log",
        categories=(DataCategory.SEARCH_QUERIES, DataCategory.IP_ADDRESSES),
        volume=100_000,
        volume_unit=VolumeUnit.ROWS,
        justification="Replay against the July models.",
        copies=(DataCopy("gs://recs-analysis/replay-0903/", date(2026, 9, 10)),),
        notes="Recorded after the fact.",
    )


def test_record_and_read_back_every_field(repository: PrivacyRepository, incident_id: int) -> None:
    details = replace(
        the_copy(),
        approver="Gabriela Souza",
        privacy_consulted=True,
        privacy_contact="Priya Raman",
        copies=(
            DataCopy("bucket", date(2026, 9, 10), T0 + timedelta(days=1), "Priya Raman"),
            DataCopy("cache", date(2026, 9, 30)),
        ),
    )
    access = repository.record(incident_id, details, "Hannah Kowalczyk")
    assert (access.number, access.label) == (1, "Access 1")
    [revision] = access.revisions
    assert (revision.number, revision.recorded_by, revision.reason) == (1, "Hannah Kowalczyk", "")
    assert repository.access(access.id).details == details
    assert repository.accesses(incident_id)[0].details == details


def test_entries_are_numbered_per_incident(
    repository: PrivacyRepository, database: Database, incident_id: int
) -> None:
    other = IncidentRepository(database).create(Incident(title="Other")).id
    assert other is not None
    numbers = [
        repository.record(incident_id, the_copy(), "H").number,
        repository.record(other, the_copy(), "H").number,
        repository.record(incident_id, the_copy(), "H").number,
    ]
    assert numbers == [1, 1, 2]
    assert [a.number for a in repository.accesses(incident_id)] == [1, 2]


def test_an_amendment_keeps_the_earlier_revision(
    repository: PrivacyRepository, incident_id: int
) -> None:
    first = repository.record(incident_id, the_copy(), "Hannah Kowalczyk")
    corrected = replace(first.details, approver="Gabriela Souza")
    amended = repository.amend(first.id, corrected, "Tariq Haddad", "Approver found", based_on=1)
    assert [r.number for r in amended.revisions] == [1, 2]
    original, latest = amended.revisions
    assert original.details == first.details and original.details.approver == ""
    assert latest.details.approver == "Gabriela Souza"
    assert (latest.recorded_by, latest.reason) == ("Tariq Haddad", "Approver found")
    assert latest.recorded_at > original.recorded_at
    assert repository.access(first.id).details == corrected


def test_a_stale_amendment_is_a_conflict(repository: PrivacyRepository, incident_id: int) -> None:
    access = repository.record(incident_id, the_copy(), "H")
    repository.amend(access.id, replace(access.details, volume=1), "A", "fix", based_on=1)
    with pytest.raises(ConflictError) as raised:
        repository.amend(access.id, replace(access.details, volume=2), "B", "fix", based_on=1)
    assert (raised.value.expected, raised.value.current) == (1, 2)
    assert [r.details.volume for r in repository.access(access.id).revisions] == [100_000, 1]


def test_missing_records_raise_not_found(repository: PrivacyRepository) -> None:
    with pytest.raises(NotFoundError):
        repository.access(999)
    with pytest.raises(NotFoundError):
        repository.record(999, the_copy(), "H")
    with pytest.raises(NotFoundError):
        repository.amend(999, the_copy(), "H", "why", based_on=1)


def test_unknown_categories_from_a_newer_app_are_skipped(
    repository: PrivacyRepository, database: Database, incident_id: int
) -> None:
    access = repository.record(incident_id, the_copy(), "H")
    # Simulate a newer Hindsight's category on a fresh revision row (inserts are allowed).
    with database.write() as session:
        session.execute(
            text(
                "INSERT INTO data_access_revisions (access_id, number, recorded_at, recorded_by,"
                " reason, accessor, accessed_at, dataset, categories, volume, volume_unit,"
                " justification, approver, privacy_consulted, privacy_contact, copies, notes)"
                " SELECT access_id, 2, recorded_at, recorded_by, 'newer', accessor, accessed_at,"
                ' dataset, \'["search_queries", "biometrics"]\', volume, volume_unit,'
                " justification, approver, privacy_consulted, privacy_contact, copies, notes"
                " FROM data_access_revisions WHERE access_id = :id"
            ),
            {"id": access.id},
        )
    assert repository.access(access.id).details.categories == (DataCategory.SEARCH_QUERIES,)


# -- append-only, enforced by the database ----------------------------------------------------


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE data_access_revisions SET approver = 'someone' WHERE access_id = :id",
        "DELETE FROM data_access_revisions WHERE access_id = :id",
        "UPDATE data_accesses SET number = 7 WHERE id = :id",
        "DELETE FROM data_accesses WHERE id = :id",
    ],
)
def test_the_database_refuses_to_rewrite_the_log(
    repository: PrivacyRepository, database: Database, incident_id: int, statement: str
) -> None:
    access = repository.record(incident_id, the_copy(), "H")
    with pytest.raises(IntegrityError, match="append-only"), database.write() as session:
        session.execute(text(statement), {"id": access.id})
    assert repository.access(access.id) == access


def test_deleting_the_incident_still_removes_its_log(
    repository: PrivacyRepository, database: Database, incident_id: int
) -> None:
    access = repository.record(incident_id, the_copy(), "H")
    repository.amend(access.id, replace(access.details, volume=5), "H", "fix", based_on=1)
    repository.save_ethics_answer(incident_id, EthicsAnswer("impact.uneven_harm", EthicsChoice.NO))
    IncidentRepository(database).delete(incident_id)
    with database.read() as session:
        for table in ("data_accesses", "data_access_revisions", "ethics_answers"):
            assert session.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 0
    assert database.integrity_problems() == []


# -- ethics answers ---------------------------------------------------------------------------


def test_ethics_answers_are_saved_with_a_version(
    repository: PrivacyRepository, incident_id: int
) -> None:
    assert repository.ethics_answers(incident_id) == {}
    first = repository.save_ethics_answer(
        incident_id,
        EthicsAnswer("impact.uneven_harm", EthicsChoice.YES, "two markets", "Hannah", None, "v1"),
    )
    assert (first.version, first.choice, first.note) == (1, EthicsChoice.YES, "two markets")
    second = repository.save_ethics_answer(
        incident_id, replace(first, choice=EthicsChoice.NO, note="checked again")
    )
    assert second.version == 2
    assert repository.ethics_answers(incident_id) == {"impact.uneven_harm": second}


def test_a_stale_ethics_answer_is_a_conflict(
    repository: PrivacyRepository, incident_id: int
) -> None:
    first = repository.save_ethics_answer(incident_id, EthicsAnswer("cause.x", EthicsChoice.YES))
    repository.save_ethics_answer(incident_id, replace(first, note="mine"))
    with pytest.raises(ConflictError):
        repository.save_ethics_answer(incident_id, replace(first, note="theirs"))
    with pytest.raises(ConflictError):  # a second "first answer" from another window
        repository.save_ethics_answer(incident_id, EthicsAnswer("cause.x", EthicsChoice.NO))
    assert repository.ethics_answers(incident_id)["cause.x"].note == "mine"


@pytest.mark.sqlite_only(
    "SQLite's catalogue; tests/store/test_privacy_postgres.py covers the server"
)
def test_the_privacy_migration_goes_down_and_up_again(database: Database) -> None:
    from alembic import command
    from alembic.config import Config

    from hindsight.store.schema import MIGRATIONS_DIR

    def run(action, target: str) -> None:
        with database.engine.connect() as connection, connection.begin():
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS_DIR))
            config.attributes["connection"] = connection
            action(config, target)

    def privacy_objects() -> set[str]:
        with database.read() as session:
            rows = session.execute(
                text(
                    "SELECT name FROM sqlite_master WHERE name LIKE 'data_access%' "
                    "OR name LIKE 'ethics_answers%'"
                )
            )
            return {row[0] for row in rows}

    present = privacy_objects()
    assert "data_access_revisions_no_update" in present
    run(command.downgrade, "0003")
    assert privacy_objects() == set()
    run(command.upgrade, "head")
    assert privacy_objects() == present
