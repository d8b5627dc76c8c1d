"""The follow-up repository: round trips, per-item versions, history, cascades, publish dates."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from hindsight.core.followups import (
    FollowUp,
    FollowUpKind,
    FollowUpStatus,
    Priority,
    StatusStep,
)
from hindsight.core.incident import Incident
from hindsight.store.database import Database
from hindsight.store.errors import ConflictError, NotFoundError
from hindsight.store.followups import FollowUpRepository
from hindsight.store.incidents import IncidentRepository
from hindsight.store.models import IncidentRow, ReviewTransitionRow

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@pytest.fixture
def database(db_path: Path):
    opened = Database.open(db_path)
    yield opened
    opened.close()


@pytest.fixture
def incidents(database: Database) -> list[Incident]:
    repository = IncidentRepository(database)
    return [repository.create(Incident(title=f"incident {n}")) for n in (1, 2)]


@pytest.fixture
def repository(database: Database) -> FollowUpRepository:
    return FollowUpRepository(database, clock=lambda: NOW)


def full_item(incident_id: int) -> FollowUp:
    return FollowUp(
        title="Alert on serving-model age",
        incident_id=incident_id,
        description="Page when the model is **older than 48 h**.",
        owner="Sven Halvorsen",
        due=date(2026, 4, 15),
        history=[
            StatusStep(FollowUpStatus.OPEN, date(2026, 3, 24)),
            StatusStep(FollowUpStatus.IN_PROGRESS, date(2026, 3, 26)),
        ],
        priority=Priority.HIGHEST,
        kind=FollowUpKind.MONITORING,
        value=5,
        feasibility=4,
        tracker="https://tracker.example.com/SRCH-412",
        speeds_troubleshooting=True,
        next_senior_review=date(2027, 1, 14),
    )


def content(item: FollowUp) -> FollowUp:
    """Everything but identity, times and version."""
    return replace(item, id=None, incident_key="", created_at=None, updated_at=None, version=0)


def test_round_trip_keeps_every_field(repository, incidents) -> None:
    original = full_item(incidents[0].id)
    stored = repository.create(original)
    assert stored.id is not None
    assert stored.incident_key == "HS-1"
    assert stored.version == 1
    assert stored.created_at == NOW == stored.updated_at
    assert content(stored) == content(original)
    assert repository.get(stored.id) == stored
    assert repository.items() == [stored]


def test_items_of_one_incident(repository, incidents) -> None:
    first = repository.create(full_item(incidents[0].id))
    second = repository.create(replace(full_item(incidents[1].id), title="Other"))
    assert [i.id for i in repository.items(incidents[1].id)] == [second.id]
    assert [i.id for i in repository.items(incidents[0].id)] == [first.id]
    assert [i.incident_key for i in repository.items()] == ["HS-1", "HS-2"]
    assert repository.items(incidents[1].id)[0].history == second.history


def test_save_changes_fields_and_history_and_bumps_the_version(repository, incidents) -> None:
    stored = repository.create(full_item(incidents[0].id))
    edited = stored.with_status(FollowUpStatus.DONE, date(2026, 4, 9))
    edited.title, edited.owner, edited.due = "Renamed", "Fatima", None
    saved = repository.save(edited)
    assert saved.version == stored.version + 1
    assert saved.updated_at > stored.updated_at
    again = repository.get(stored.id)
    assert (again.title, again.owner, again.due) == ("Renamed", "Fatima", None)
    assert [s.status for s in again.history] == [
        FollowUpStatus.OPEN,
        FollowUpStatus.IN_PROGRESS,
        FollowUpStatus.DONE,
    ]
    assert again.status is FollowUpStatus.DONE


def test_a_stale_save_is_a_conflict(repository, incidents) -> None:
    stored = repository.create(full_item(incidents[0].id))
    mine, theirs = replace(stored, title="mine"), replace(stored, title="theirs")
    repository.save(theirs)
    with pytest.raises(ConflictError) as caught:
        repository.save(mine)
    assert caught.value.expected == 1 and caught.value.current == 2
    assert "HS-1 follow-up" in str(caught.value)
    assert repository.get(stored.id).title == "theirs"
    overwritten = repository.save(mine, overwrite=True)
    assert (overwritten.title, overwritten.version) == ("mine", 3)


def test_move_changes_the_cell_and_checks_the_version(repository, incidents) -> None:
    stored = repository.create(full_item(incidents[0].id))
    moved = repository.move(stored.id, 2, 5, version=stored.version)
    assert moved.cell == (2, 5)
    assert moved.version == stored.version + 1
    assert moved.history == stored.history
    assert repository.get(stored.id).cell == (2, 5)
    with pytest.raises(ConflictError):
        repository.move(stored.id, 3, 3, version=stored.version)
    assert repository.get(stored.id).cell == (2, 5)


def test_delete_with_and_without_a_version(repository, incidents, database) -> None:
    first = repository.create(full_item(incidents[0].id))
    second = repository.create(full_item(incidents[0].id))
    repository.save(replace(first, title="changed"))
    with pytest.raises(ConflictError):
        repository.delete(first.id, version=first.version)
    repository.delete(first.id)
    repository.delete(second.id, version=second.version)
    assert repository.items() == []
    with database.read() as session:
        left = session.execute(text("SELECT count(*) FROM followup_status_changes")).scalar()
    assert left == 0
    with pytest.raises(NotFoundError):
        repository.get(first.id)
    with pytest.raises(NotFoundError):
        repository.move(first.id, 1, 1, version=1)


def test_deleting_an_incident_deletes_its_followups(repository, incidents, database) -> None:
    kept = repository.create(full_item(incidents[1].id))
    repository.create(full_item(incidents[0].id))
    IncidentRepository(database).delete(incidents[0].id)
    assert [i.id for i in repository.items()] == [kept.id]
    assert database.integrity_problems() == []


def test_an_item_needs_an_existing_incident(repository, incidents) -> None:
    with pytest.raises(NotFoundError):
        repository.create(full_item(999))


def test_the_database_refuses_values_off_the_grid(repository, incidents) -> None:
    # The service validates first; the check constraint is the last line of defence.
    with pytest.raises(IntegrityError):
        repository.create(replace(full_item(incidents[0].id), value=6))


def test_create_many_in_one_transaction(repository, incidents) -> None:
    items = [replace(full_item(incidents[n % 2].id), title=f"item {n}") for n in range(5)]
    stored = repository.create_many(items)
    assert [i.title for i in stored] == [f"item {n}" for n in range(5)]
    assert len(repository.items()) == 5


def test_owners_are_distinct_and_sorted(repository, incidents) -> None:
    for owner in ("wei", "Amara", "wei", " ", "Zoe"):
        repository.create(replace(full_item(incidents[0].id), owner=owner))
    assert repository.owners() == ["Amara", "wei", "Zoe"]


def test_published_dates_come_from_the_latest_publish_of_published_reviews(
    repository, incidents, database
) -> None:
    first, second = incidents

    def move(incident_id: int, when: datetime, old: str, new: str) -> None:
        with database.write() as session:
            session.add(
                ReviewTransitionRow(
                    incident_id=incident_id, at=when, from_status=old, to_status=new, reason=""
                )
            )
            session.get(IncidentRow, incident_id).review_status = new

    move(first.id, datetime(2026, 4, 1, 9, tzinfo=UTC), "draft", "published")
    move(first.id, datetime(2026, 4, 2, 9, tzinfo=UTC), "published", "in_review")
    move(first.id, datetime(2026, 4, 5, 9, tzinfo=UTC), "in_review", "published")
    move(second.id, datetime(2026, 5, 1, 9, tzinfo=UTC), "draft", "published")
    move(second.id, datetime(2026, 5, 3, 9, tzinfo=UTC), "published", "draft")
    assert repository.published_on() == {first.id: datetime(2026, 4, 5, 9, tzinfo=UTC)}


def test_current_version(repository, incidents) -> None:
    stored = repository.create(full_item(incidents[0].id))
    assert repository.current_version(stored.id) == 1
    repository.move(stored.id, 1, 1, version=1)
    assert repository.current_version(stored.id) == 2
    with pytest.raises(NotFoundError):
        repository.current_version(12345)
