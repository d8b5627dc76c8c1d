"""The incident repository: round trips, child ids, versions, conflicts, deletion, listing."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import event, text

from hindsight.core.enums import Confidence, EventSource, Phase, Role, Severity
from hindsight.core.fuzzy_time import FuzzyTime
from hindsight.core.incident import (
    Incident,
    IncidentSummary,
    RoleAssignment,
    TeamInvolvement,
    TimelineEvent,
)
from hindsight.store.database import Database
from hindsight.store.errors import ConflictError, NotFoundError
from hindsight.store.incidents import IncidentRepository, team_names_in_use

CHILD_TABLES = ("milestones", "timeline_events", "role_assignments", "team_involvements")
BERLIN = timezone(timedelta(hours=2))
T0 = datetime(2026, 6, 15, 10, 20, 0, 123456, tzinfo=BERLIN)


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def database(db_path: Path) -> Iterator[Database]:
    opened = Database.open(db_path)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 7, 1, 12, 0, tzinfo=UTC))


@pytest.fixture
def repo(database: Database, clock: Clock) -> IncidentRepository:
    return IncidentRepository(database, clock=clock)


def full_incident() -> Incident:
    return Incident(
        title="Partner ad models trained on zero conversions",
        summary="Conversions stopped **joining** after a key change.",
        severity=Severity.SEV1,
        phase=Phase.MITIGATION,
        systems=["partner ads serving", "conversion merge job"],
        models=["partner-conversion"],
        tags=["data-quality", "silent-failure"],
        milestones={
            Phase.TRIGGER: FuzzyTime(at(-300), at(-290), at(-296), Confidence.HIGH, "key moved"),
            Phase.OUTAGE_BEGINS: FuzzyTime(at(-200), at(-100), at(-150), Confidence.LOW, ""),
            Phase.DETECTION: FuzzyTime.exact(at(0), "weekly report"),
        },
        events=[
            TimelineEvent(FuzzyTime.exact(at(0)), Phase.DETECTION, "noticed", EventSource.CHAT),
            TimelineEvent(
                FuzzyTime(at(5), at(6), at(5.5), Confidence.MEDIUM, "approx"),
                Phase.DETECTION,
                "partner email",
                EventSource.USER_REPORT,
            ),
            TimelineEvent(FuzzyTime.exact(at(7)), Phase.TROUBLESHOOTING, "declared SEV1"),
        ],
        roles=[
            RoleAssignment(Role.INCIDENT_COMMANDER, "Nadia", start=at(7), end=at(100), note="EM"),
            RoleAssignment(Role.COMMUNICATIONS_LEAD, "Claire", start=at(7)),
            RoleAssignment(Role.PLANNING_LEAD, "Samuel"),
        ],
        teams=[
            TeamInvolvement("Partners", "kept partners informed"),
            TeamInvolvement("Data engineering", "found the zero merged lines"),
        ],
    )


def row_ids(database: Database, table: str, incident_id: int | None = None) -> set[int]:
    query = f"SELECT id FROM {table}"
    args: dict[str, int] = {}
    if incident_id is not None:
        query += " WHERE incident_id = :incident"
        args = {"incident": incident_id}
    with database.engine.connect() as connection:
        return {row[0] for row in connection.execute(text(query), args)}


# -- round trip -------------------------------------------------------------------------------


def test_create_assigns_identity(repo: IncidentRepository, clock: Clock) -> None:
    stored = repo.create(full_incident())
    assert stored.id is not None
    assert stored.key == "HS-1"
    assert stored.version == 1
    assert stored.created_at == stored.updated_at == clock.now
    assert repo.create(Incident(title="second")).key == "HS-2"


def test_full_round_trip(repo: IncidentRepository) -> None:
    original = full_incident()
    stored = repo.create(original)
    loaded = repo.get(stored.id)
    assert loaded == stored
    for name in ("title", "summary", "severity", "phase", "systems", "models", "tags"):
        assert getattr(loaded, name) == getattr(original, name), name
    assert loaded.milestones == original.milestones
    assert loaded.events == original.events  # create() gave the caller's children their ids
    assert loaded.roles == original.roles
    assert loaded.teams == original.teams
    assert all(item.id is not None for item in [*loaded.events, *loaded.roles, *loaded.teams])
    assert isinstance(loaded.severity, Severity)
    assert isinstance(loaded.events[1].source, EventSource)


def test_times_come_back_in_utc_to_the_microsecond(repo: IncidentRepository) -> None:
    loaded = repo.get(repo.create(full_incident()).id)
    trigger = loaded.milestones[Phase.TRIGGER]
    assert trigger.best == at(-296)
    assert trigger.best.microsecond == 123456
    assert trigger.confidence is Confidence.HIGH
    assert trigger.note == "key moved"
    moments = [
        *(t for m in loaded.milestones.values() for t in (m.earliest, m.best, m.latest)),
        *(e.when.best for e in loaded.events),
        *(r.start for r in loaded.roles if r.start),
        *(r.end for r in loaded.roles if r.end),
        loaded.created_at,
        loaded.updated_at,
    ]
    assert moments and all(moment.tzinfo is UTC for moment in moments)
    commander = loaded.holders(Role.INCIDENT_COMMANDER)[0]
    assert (commander.start, commander.end) == (at(7), at(100))
    planning = loaded.holders(Role.PLANNING_LEAD)[0]
    assert (planning.start, planning.end) == (None, None)


@pytest.mark.sqlite_only("the file's text")
def test_utc_is_what_the_file_holds(repo: IncidentRepository, database: Database) -> None:
    repo.create(full_incident())
    connection = sqlite3.connect(database.path)
    try:
        [(best,)] = connection.execute(
            "SELECT best FROM milestones WHERE kind = 'detection'"
        ).fetchall()
    finally:
        connection.close()
    assert best.startswith("2026-06-15 08:20:00.123456")  # 10:20 at +02:00


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.datetimes(
            min_value=datetime(1990, 1, 1),
            max_value=datetime(2090, 1, 1),
            timezones=st.builds(lambda m: timezone(timedelta(minutes=m)), st.integers(-840, 840)),
        ),
        min_size=3,
        max_size=3,
    )
)
def test_any_fuzzy_time_round_trips(repo: IncidentRepository, moments: list[datetime]) -> None:
    earliest, best, latest = sorted(moments)
    when = FuzzyTime(earliest, latest, best, Confidence.LOW, "n")
    stored = repo.create(
        Incident(
            title="t",
            milestones={Phase.DETECTION: when},
            events=[TimelineEvent(when, Phase.DETECTION)],
        )
    )
    loaded = repo.get(stored.id)
    assert loaded.milestones[Phase.DETECTION] == when
    assert loaded.events[0].when == when


# -- saving -----------------------------------------------------------------------------------


def test_save_updates_children_by_id(repo: IncidentRepository, database: Database) -> None:
    loaded = repo.get(repo.create(full_incident()).id)
    kept_event, dropped_event, other_event = loaded.events
    kept_role, dropped_role, _ = loaded.roles
    kept_team, dropped_team = loaded.teams

    kept_event.text = "noticed in the weekly report"
    loaded.events = [other_event, kept_event]  # reordered, one removed
    loaded.events.append(TimelineEvent(FuzzyTime.exact(at(30)), Phase.MITIGATION, "rollback"))
    kept_role.end = at(120)
    loaded.roles = [kept_role, loaded.roles[2]]
    loaded.teams = [kept_team, TeamInvolvement("Legal", "reviewed credits")]
    kept_team.part = "negotiated credits"
    del loaded.milestones[Phase.TRIGGER]
    loaded.milestones[Phase.DETECTION] = FuzzyTime.exact(at(1))
    loaded.milestones[Phase.MITIGATION] = FuzzyTime.exact(at(30))
    loaded.title = "Renamed"

    saved = repo.save(loaded)
    again = repo.get(loaded.id)
    assert again == saved
    assert again.title == "Renamed"

    assert [e.id for e in again.events[:2]] == sorted([kept_event.id, other_event.id])
    new_event = again.events[2]
    assert new_event.id not in (None, kept_event.id, dropped_event.id, other_event.id)
    assert loaded.events[2].id == new_event.id  # the caller's new child learned its id
    by_id = {e.id: e for e in again.events}
    assert by_id[kept_event.id].text == "noticed in the weekly report"
    assert row_ids(database, "timeline_events") == set(by_id)
    assert dropped_event.id not in row_ids(database, "timeline_events")

    assert [r.id for r in again.roles] == [kept_role.id, loaded.roles[1].id]
    assert again.roles[0].end == at(120)
    assert dropped_role.id not in row_ids(database, "role_assignments")

    assert again.teams[0].id == kept_team.id
    assert again.teams[0].part == "negotiated credits"
    assert again.teams[1].id not in (None, dropped_team.id)
    assert dropped_team.id not in row_ids(database, "team_involvements")

    assert set(again.milestones) == {Phase.OUTAGE_BEGINS, Phase.DETECTION, Phase.MITIGATION}
    assert again.milestones[Phase.DETECTION] == FuzzyTime.exact(at(1))
    assert len(row_ids(database, "milestones")) == 3


def test_edited_children_are_updated_not_replaced(
    repo: IncidentRepository, database: Database
) -> None:
    # SQLite may hand a deleted row's id to a new row, so equal ids alone do not prove that a
    # row was kept; the statements do.
    loaded = repo.get(repo.create(full_incident()).id)
    loaded.events[1].text = "edited"
    loaded.roles[0].note = "edited"
    loaded.teams[1].part = "edited"
    statements: list[str] = []

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(" ".join(statement.split()).upper())

    event.listen(database.engine, "before_cursor_execute", record)
    try:
        repo.save(loaded)
    finally:
        event.remove(database.engine, "before_cursor_execute", record)
    for table in ("TIMELINE_EVENTS", "ROLE_ASSIGNMENTS", "TEAM_INVOLVEMENTS"):
        assert any(s.startswith(f"UPDATE {table} ") for s in statements), table
        assert not any(
            s.startswith((f"INSERT INTO {table} ", f"DELETE FROM {table} ")) for s in statements
        ), table


def test_milestone_rows_are_updated_in_place(repo: IncidentRepository, database: Database) -> None:
    loaded = repo.get(repo.create(full_incident()).id)
    before = row_ids(database, "milestones")
    loaded.milestones[Phase.DETECTION] = FuzzyTime.exact(at(2))
    repo.save(loaded)
    assert row_ids(database, "milestones") == before


def test_version_goes_up_with_every_save(repo: IncidentRepository, clock: Clock) -> None:
    created = repo.create(full_incident())
    clock.now += timedelta(minutes=5)
    first = repo.save(created)
    assert first.version == created.version + 1
    assert first.updated_at == clock.now
    assert first.created_at == created.created_at
    clock.now += timedelta(minutes=5)
    assert repo.save(first).version == first.version + 1
    assert repo.current_version(created.id) == first.version + 1


def test_child_only_change_bumps_the_version_even_if_the_clock_repeats(
    repo: IncidentRepository,
) -> None:
    # Two saves within one clock tick (coarse clocks exist) must still be told apart: a save
    # that changed only an event must not leave the version, and so staleness, unchanged.
    created = repo.create(full_incident())
    created.events[0].text = "changed"
    saved = repo.save(created)
    assert saved.version == created.version + 1
    assert saved.updated_at > created.updated_at
    saved.teams[0].part = "changed too"
    assert repo.save(saved).version == saved.version + 1


def test_save_needs_a_stored_incident(repo: IncidentRepository) -> None:
    with pytest.raises(ValueError, match="create"):
        repo.save(Incident(title="never stored"))


# -- two windows on one file ------------------------------------------------------------------


@pytest.fixture
def second_window(db_path: Path, database: Database) -> Iterator[IncidentRepository]:
    other = Database.open(db_path)
    try:
        yield IncidentRepository(other)
    finally:
        other.close()


def test_stale_save_is_refused(repo: IncidentRepository, second_window: IncidentRepository) -> None:
    stored = repo.create(full_incident())
    mine, theirs = repo.get(stored.id), second_window.get(stored.id)

    theirs.events[0].text = "their edit"
    theirs = second_window.save(theirs)
    assert repo.current_version(stored.id) == theirs.version

    mine.title = "my edit"
    with pytest.raises(ConflictError) as caught:
        repo.save(mine)
    assert (caught.value.key, caught.value.expected, caught.value.current) == (
        "HS-1",
        stored.version,
        theirs.version,
    )
    assert "HS-1" in str(caught.value)
    # Nothing of the refused save reached the file.
    assert repo.get(stored.id) == theirs


def test_stale_child_only_save_is_refused(
    repo: IncidentRepository, second_window: IncidentRepository
) -> None:
    stored = repo.create(full_incident())
    mine, theirs = repo.get(stored.id), second_window.get(stored.id)
    theirs.teams[0].part = "theirs"
    second_window.save(theirs)
    mine.teams[0].part = "mine"
    with pytest.raises(ConflictError):
        repo.save(mine)


def test_overwrite_after_a_conflict(
    repo: IncidentRepository, second_window: IncidentRepository
) -> None:
    stored = repo.create(full_incident())
    mine, theirs = repo.get(stored.id), second_window.get(stored.id)
    theirs.title = "theirs"
    theirs = second_window.save(theirs)
    mine.title = "mine"
    saved = repo.save(mine, overwrite=True)
    assert saved.title == "mine"
    assert saved.version == theirs.version + 1
    assert second_window.get(stored.id).title == "mine"


# -- deletion ---------------------------------------------------------------------------------


def test_delete_cascades(repo: IncidentRepository, database: Database) -> None:
    doomed = repo.create(full_incident())
    survivor = repo.create(full_incident())
    for table in CHILD_TABLES:
        assert row_ids(database, table, doomed.id), table
    repo.delete(doomed.id)
    for table in CHILD_TABLES:
        assert row_ids(database, table, doomed.id) == set(), table
        assert row_ids(database, table, survivor.id), table
    assert database.integrity_problems() == []
    assert [s.key for s in repo.list_summaries()] == [survivor.key]


def test_database_cascade_backs_up_the_orm(repo: IncidentRepository, database: Database) -> None:
    # A delete made outside the ORM (another tool, a future bulk delete) leaves no orphans.
    doomed = repo.create(full_incident())
    with database.write() as session:
        session.execute(text("DELETE FROM incidents WHERE id = :id"), {"id": doomed.id})
    for table in CHILD_TABLES:
        assert row_ids(database, table) == set(), table


def test_missing_incidents(repo: IncidentRepository) -> None:
    stored = repo.create(full_incident())
    repo.delete(stored.id)
    with pytest.raises(NotFoundError):
        repo.get(stored.id)
    with pytest.raises(NotFoundError):
        repo.delete(stored.id)
    with pytest.raises(NotFoundError):
        repo.save(stored)
    with pytest.raises(NotFoundError):
        repo.current_version(stored.id)
    assert issubclass(NotFoundError, LookupError)


# -- finding and listing ----------------------------------------------------------------------


def test_get_by_key_ignores_case_and_spaces(repo: IncidentRepository) -> None:
    repo.create(Incident(title="one"))
    two = repo.create(Incident(title="two"))
    assert repo.get_by_key("HS-2").id == two.id
    assert repo.get_by_key("hs-2").id == two.id
    assert repo.get_by_key("  Hs-2 ").id == two.id
    with pytest.raises(NotFoundError, match="HS-9"):
        repo.get_by_key("HS-9")


def test_list_summaries(repo: IncidentRepository, clock: Clock) -> None:
    assert repo.list_summaries() == []
    first = repo.create(full_incident())
    clock.now += timedelta(hours=1)
    second = repo.create(Incident(title="quiet one", severity=Severity.SEV4))
    summaries = repo.list_summaries()
    assert all(isinstance(s, IncidentSummary) for s in summaries)
    assert [s.key for s in summaries] == [second.key, first.key]  # newest first
    newest, oldest = summaries
    assert newest == IncidentSummary(
        id=second.id,
        key="HS-2",
        title="quiet one",
        phase=Phase.DETECTION,
        severity=Severity.SEV4,
        updated_at=clock.now,
        tags=(),
        systems=(),
    )
    assert oldest.tags == ("data-quality", "silent-failure")
    assert oldest.systems == ("partner ads serving", "conversion merge job")
    assert oldest.updated_at.tzinfo is UTC
    assert repo.count() == 2


def test_list_summaries_reads_only_the_incidents_table(
    repo: IncidentRepository, database: Database
) -> None:
    for _ in range(3):
        repo.create(full_incident())
    statements: list[str] = []

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        statements.append(statement)

    event.listen(database.engine, "before_cursor_execute", record)
    try:
        assert len(repo.list_summaries()) == 3
    finally:
        event.remove(database.engine, "before_cursor_execute", record)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1
    assert not any(table in selects[0] for table in CHILD_TABLES)


def test_team_names_in_use(repo: IncidentRepository, database: Database) -> None:
    assert team_names_in_use(database) == []
    repo.create(full_incident())
    repo.create(Incident(title="t", teams=[TeamInvolvement("SRE"), TeamInvolvement("Partners")]))
    assert team_names_in_use(database) == ["Data engineering", "Partners", "SRE"]


def test_a_deleted_incidents_id_is_never_given_again(workspace) -> None:
    # SQLite hands out max(id) + 1: without care, the next incident would take HS-2's id and
    # a window still holding that id would show it as HS-2.
    workspace.incidents.create("first")
    second = workspace.incidents.create("second")
    workspace.incidents.delete(second.id)
    third = workspace.incidents.create("third")
    assert third.id != second.id
    assert third.key == "HS-3"


def test_a_counter_left_behind_its_incidents_never_gives_a_taken_number(workspace) -> None:
    from hindsight.store.models import SequenceRow

    workspace.incidents.create("first")
    workspace.incidents.create("second")
    with workspace.database.write() as session:  # as a bulk writer might leave it
        counter = session.get(SequenceRow, "incident")
        assert counter is not None
        counter.value = 0
    third = workspace.incidents.create("third")
    assert third.key == "HS-3"
