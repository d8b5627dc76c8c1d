"""Migrations: the revision list, the migrated schema, stored databases, backups first."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, Integer, MetaData
from sqlalchemy.engine import Connection

import hindsight.store.database as database_module
from hindsight.store.database import Database
from hindsight.store.errors import DiskFullError
from hindsight.store.incidents import IncidentRepository
from hindsight.store.models import Base
from hindsight.store.schema import HEAD_REVISION, KNOWN_REVISIONS, MIGRATIONS_DIR
from hindsight.store.search_schema import is_index_table

SCHEMAS = Path(__file__).resolve().parent.parent / "data" / "schemas"
STORED = sorted(SCHEMAS.glob("hindsight-*.sqlite"))
CHILD_TABLES = ("milestones", "timeline_events", "role_assignments", "team_involvements")


def scripts() -> ScriptDirectory:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return ScriptDirectory.from_config(config)


def not_search_index(name: str | None, kind: str, parents: object) -> bool:
    """The search index's tables and SQL indexes have no models (store/search_schema.py)."""
    return not (kind in ("table", "index") and name is not None and is_index_table(name))


def schema_differences(database: Database, metadata: MetaData = Base.metadata) -> list[object]:
    with database.engine.connect() as connection:
        options = {"compare_type": True, "include_name": not_search_index}
        context = MigrationContext.configure(connection, opts=options)
        return list(compare_metadata(context, metadata))


def raw_contents(path: Path) -> dict[str, tuple[str, dict[str, int]]]:
    """Per incident key: its title and how many child rows of each kind it owns, read raw."""
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        contents = {}
        for incident_id, key, title in connection.execute("SELECT id, key, title FROM incidents"):
            counts = {
                table: connection.execute(
                    f"SELECT count(*) FROM {table} WHERE incident_id = ?", (incident_id,)
                ).fetchone()[0]
                for table in CHILD_TABLES
            }
            contents[key] = (title, counts)
        return contents
    finally:
        connection.close()


def stored_revision(path: Path) -> str:
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    finally:
        connection.close()


# -- the revision list ------------------------------------------------------------------------


def test_known_revisions_match_the_migration_scripts() -> None:
    directory = scripts()
    assert directory.get_heads() == [HEAD_REVISION], "exactly one head, and it is HEAD_REVISION"
    oldest_first = [script.revision for script in reversed(list(directory.walk_revisions()))]
    assert tuple(oldest_first) == KNOWN_REVISIONS
    assert KNOWN_REVISIONS[-1] == HEAD_REVISION


# -- the migrated schema ----------------------------------------------------------------------


def test_migrated_schema_matches_the_models(db_path: Path) -> None:
    database = Database.open(db_path)
    try:
        assert schema_differences(database) == []
    finally:
        database.close()


def test_schema_comparison_notices_a_difference(db_path: Path) -> None:
    # Guard for the test above: the comparison does report a model the migrations lack.
    metadata = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.tables.values():
        table.to_metadata(metadata)
    metadata.tables["incidents"].append_column(Column("priority", Integer, nullable=True))
    database = Database.open(db_path)
    try:
        differences = schema_differences(database, metadata)
    finally:
        database.close()
    assert [d[0] for d in differences if isinstance(d, tuple)] == ["add_column"]


# -- stored databases of every revision -------------------------------------------------------


# Revisions without a stored database, and why; keep this set from growing. 0002 to 0004 were
# written in one release and only its head, 0004, ever reached users, so 0002 and 0003 have
# no databases in the wild to upgrade from.
NOT_FROZEN = {"0002", "0003"}


def test_every_known_revision_has_a_stored_database() -> None:
    stored = {stored_revision(path) for path in STORED}
    missing = [rev for rev in KNOWN_REVISIONS if rev not in stored and rev not in NOT_FROZEN]
    assert missing == [], "run tests/data/make_schema_db.py and commit the file it writes"
    assert set(KNOWN_REVISIONS) >= NOT_FROZEN
    assert not NOT_FROZEN & stored, "a frozen revision is still listed in NOT_FROZEN"


@pytest.fixture(params=STORED, ids=[path.name for path in STORED])
def stored_copy(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Path]:
    """A copy of one stored database, so the stored file itself is never migrated."""
    copy = tmp_path / "stored" / request.param.name
    copy.parent.mkdir()
    shutil.copy(request.param, copy)
    yield copy


def test_stored_database_is_at_the_revision_in_its_name(stored_copy: Path) -> None:
    revision = stored_revision(stored_copy)
    assert stored_copy.name == f"hindsight-{revision}.sqlite"
    assert revision in KNOWN_REVISIONS


def test_stored_database_upgrades_to_head(stored_copy: Path, tmp_path: Path) -> None:
    before = raw_contents(stored_copy)
    assert len(before) == 3, "the stored databases hold the demo incidents"
    revision = stored_revision(stored_copy)
    backups = tmp_path / "backups"
    database = Database.open(stored_copy, backup_dir=backups)
    try:
        assert database.schema_revision() == HEAD_REVISION
        assert schema_differences(database) == []
        assert database.integrity_problems() == []
        repository = IncidentRepository(database)
        after = {}
        for summary in repository.list_summaries():
            incident = repository.get(summary.id)
            # The milestones table also holds the response markers (declared, acknowledged ...).
            moments = len(incident.milestones) + len(incident.markers)
            sizes = (range(moments), incident.events, incident.roles, incident.teams)
            after[incident.key] = (
                incident.title,
                dict(zip(CHILD_TABLES, map(len, sizes), strict=True)),
            )
            assert all(when.best.tzinfo is not None for when in incident.milestones.values())
    finally:
        database.close()
    assert after == before
    # An upgrade is always preceded by a backup; a database at the head needs none.
    assert len(list(backups.glob("*"))) == (0 if revision == HEAD_REVISION else 1)


# -- a backup before migrating ----------------------------------------------------------------

OLDER = [path for path in STORED if stored_revision(path) != HEAD_REVISION]


@dataclass
class UpgradeSpy:
    backups: Path  # where Database.open is told to put backups
    seen: list[list[str]] = field(default_factory=list)  # backups present at each upgrade


@pytest.fixture
def upgrade_spy(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> UpgradeSpy:
    """Record, each time the schema upgrade starts, which backups exist by then."""
    spy = UpgradeSpy(backups=tmp_path / "backups")
    real_upgrade = database_module.upgrade_to_head

    def upgrade(connection: Connection) -> None:
        spy.seen.append(sorted(path.name for path in spy.backups.glob("*")))
        real_upgrade(connection)

    monkeypatch.setattr(database_module, "upgrade_to_head", upgrade)
    return spy


@pytest.fixture
def older_copy(tmp_path: Path) -> Path:
    """A copy of a stored database older than the head, so opening it migrates it."""
    if not OLDER:
        pytest.skip("no stored database older than the head")
    copy = tmp_path / "older" / OLDER[0].name
    copy.parent.mkdir()
    shutil.copy(OLDER[0], copy)
    return copy


def test_backup_is_written_before_migrating(older_copy: Path, upgrade_spy: UpgradeSpy) -> None:
    revision = stored_revision(older_copy)
    contents = raw_contents(older_copy)
    Database.open(older_copy, backup_dir=upgrade_spy.backups).close()
    [backup] = list(upgrade_spy.backups.iterdir())
    assert upgrade_spy.seen == [[backup.name]], "the backup existed before the upgrade began"
    assert backup.name.startswith(f"{older_copy.stem}-before-upgrade-from-{revision}-")
    assert stored_revision(backup) == revision
    assert raw_contents(backup) == contents
    assert stored_revision(older_copy) == HEAD_REVISION


def test_failed_backup_stops_the_migration(
    older_copy: Path, upgrade_spy: UpgradeSpy, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(source: Path, destination: Path) -> Path:
        raise DiskFullError(destination, "No space left on device")

    monkeypatch.setattr(database_module, "backup_database", full_disk)
    before = older_copy.read_bytes()
    with pytest.raises(DiskFullError):
        Database.open(older_copy, backup_dir=upgrade_spy.backups)
    assert upgrade_spy.seen == []
    assert older_copy.read_bytes() == before


def test_no_backup_of_a_new_database(db_path: Path, upgrade_spy: UpgradeSpy) -> None:
    Database.open(db_path, backup_dir=upgrade_spy.backups).close()
    assert upgrade_spy.seen == [[]]  # initialised by the migrations, with nothing to back up
    Database.open(db_path, backup_dir=upgrade_spy.backups).close()
    assert upgrade_spy.seen == [[]]  # at the head: no upgrade, no backup
    assert not upgrade_spy.backups.exists()


def test_a_database_from_before_real_postmortems_takes_the_new_facts(tmp_path: Path) -> None:
    """0006 -> head: old records read as before, with nothing invented, and hold the new facts."""
    from datetime import date

    from hindsight.core.factors import ContributingFactor, FactorDate
    from hindsight.core.fuzzy_time import FuzzyTime
    from hindsight.core.impact import ImpactMeasure
    from hindsight.core.references import Reference, ReferenceKind

    source = SCHEMAS / "hindsight-0006.sqlite"
    copy = tmp_path / source.name
    shutil.copy(source, copy)
    database = Database.open(copy, backup_dir=tmp_path / "backups")
    try:
        repository = IncidentRepository(database)
        first = repository.list_summaries()[0]
        incident = repository.get(first.id)
        # Nothing the old schema could not say is made up by the upgrade.
        assert incident.impacts == [] and incident.factors == [] and incident.references == []
        assert incident.authors == [] and incident.external_id == "" and not incident.historical
        assert all(not when.by_day for when in incident.milestones.values())
        incident.impacts.append(ImpactMeasure("Queries lost", best=1.21e9, unit="queries"))
        incident.factors.append(
            ContributingFactor(
                "Feeders ran out of memory",
                dates={FactorDate.BEGAN: FuzzyTime.days(date(2026, 2, 22))},
            )
        )
        incident.references.append(Reference(ReferenceKind.TICKET, "SRCH-412"))
        incident.external_id = "INC-1"
        repository.save(incident)
        again = repository.get(first.id)
    finally:
        database.close()
    assert again.impacts[0].best == 1.21e9 and again.impacts[0].unit == "queries"
    assert again.factors[0].dates[FactorDate.BEGAN].first_day == date(2026, 2, 22)
    assert again.factors[0].dates[FactorDate.BEGAN].by_day
    assert again.references[0].target == "SRCH-412" and again.external_id == "INC-1"
