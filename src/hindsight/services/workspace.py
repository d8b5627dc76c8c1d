"""An open database and the services working on it: what a window or a CLI command holds."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from hindsight.paths import backups_dir
from hindsight.services.attachments import AttachmentService
from hindsight.services.changes import ChangeFeed
from hindsight.services.errors import ValidationError
from hindsight.services.followups import FollowUpService
from hindsight.services.history import AttributedIncidentService, HistoryService, display_name
from hindsight.services.links import LinkService
from hindsight.services.privacy import PrivacyService
from hindsight.services.publish_gate import PublishGate
from hindsight.services.review import ReviewService
from hindsight.services.search import SearchService
from hindsight.store.attachments import AttachmentRepository
from hindsight.store.backup import backup_file_name
from hindsight.store.database import Database
from hindsight.store.followups import FollowUpRepository
from hindsight.store.history import HistoryRepository
from hindsight.store.incidents import IncidentRepository, team_names_in_use
from hindsight.store.links import LinkRepository
from hindsight.store.postgres_url import ServerAddress, Target, target_from
from hindsight.store.privacy import PrivacyRepository
from hindsight.store.saved_searches import SavedSearchRepository
from hindsight.store.search_index import search_index_for

if TYPE_CHECKING:
    from hindsight.services.team import TeamLink


class Workspace:
    """One open Hindsight database."""

    def __init__(self, database: Database, *, author: str | None = None) -> None:
        self.database = database
        # Who is working: recorded with every change of an incident (services/history.py).
        self.author = author or display_name()
        # Every service says here what it changed; the GUI announces it to its views.
        self.changes = ChangeFeed()
        repository = IncidentRepository(database)
        self.history = HistoryService(HistoryRepository(database), lambda: self.author)
        self.history.install(repository)
        # Features that can block publishing register their checks on this gate.
        self.publish_gate = PublishGate()
        self.review = ReviewService(repository, self.publish_gate, feed=self.changes)
        self.incidents = AttributedIncidentService(
            repository, progress=self.review.percent, feed=self.changes
        )
        self.incidents.history = self.history
        self.followups = FollowUpService(FollowUpRepository(database), feed=self.changes)
        self.privacy = PrivacyService(PrivacyRepository(database), feed=self.changes)
        self.publish_gate.register("privacy", self.privacy.blockers)
        self.search = SearchService(
            search_index_for(database),
            SavedSearchRepository(database),
            bank=lambda: self.review.bank,
            checklist=lambda: self.privacy.checklist,
            feed=self.changes,
        )
        self.links = LinkService(LinkRepository(database), feed=self.changes)
        self.attachments = AttachmentService(AttachmentRepository(database), feed=self.changes)

        self._team: TeamLink | None = None

    @classmethod
    def open(
        cls, target: Target | str, *, create: bool = True, author: str | None = None
    ) -> Workspace:
        """Open (or create) the database file or team database `target` (StoreError if not).

        A team database is never created or upgraded here: `hindsight db upgrade` does that.
        """
        target = target_from(target)
        if isinstance(target, ServerAddress):
            from hindsight.store.postgres import ServerDatabase

            return cls(ServerDatabase.open(target), author=author)
        database = Database.open(target, create=create, backup_dir=backups_dir())
        return cls(database, author=author)

    @property
    def path(self) -> Path:
        """The database file (for a team database, its address as a path: use `location`)."""
        return self.database.path

    @property
    def target(self) -> Target:
        """The database file, or the team database's address."""
        database = self.database
        return getattr(database, "address", None) or database.path

    @property
    def location(self) -> str:
        """The database file, or the team database's address (never with a password)."""
        return self.database.location

    @property
    def name(self) -> str:
        """A short name of the database, for window titles."""
        return self.database.name

    @property
    def is_team(self) -> bool:
        """True for a database on a server, shared with other people."""
        return self.database.dialect == "postgresql"

    def listen(self, on_state: Callable[[bool, str], None] | None = None) -> None:
        """Hear other clients' changes (team databases): they reach `changes`' listeners.

        `on_state(reachable, message)` is told when the server goes away and comes back.
        """
        if self._team is None and self.is_team:
            from hindsight.services.team import TeamLink

            self._team = TeamLink(self, on_state)
            self._team.start()

    def ping(self) -> None:
        """Ask the database for nothing, to learn whether it answers (StoreError if not)."""
        self.database.schema_revision()

    def backup(self, destination: Path | None = None) -> Path:
        """Copy the database to `destination`, or to a new file in the backups folder."""
        target = Path(destination) if destination else backups_dir() / backup_file_name(self.path)
        if target.exists():
            raise ValidationError(f"{target} already exists; choose another name for the backup.")
        return self.database.backup(target)

    def integrity_problems(self) -> list[str]:
        """What the integrity check finds; empty when the database is sound."""
        return self.database.integrity_problems()

    def team_names(self, bundled: tuple[str, ...]) -> list[str]:
        """The bundled team names followed by any others this database uses."""
        extra = [name for name in team_names_in_use(self.database) if name not in bundled]
        return [*bundled, *extra]

    def close(self) -> None:
        """Release the database (and stop hearing other clients)."""
        if self._team is not None:
            self._team.stop()
            self._team = None
        self.incidents.close()
        self.database.close()
