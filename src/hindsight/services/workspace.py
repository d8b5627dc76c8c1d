"""An open database and the services working on it: what a window or a CLI command holds."""

from __future__ import annotations

from pathlib import Path

from hindsight.paths import backups_dir
from hindsight.services.attachments import AttachmentService
from hindsight.services.changes import ChangeFeed
from hindsight.services.errors import ValidationError
from hindsight.services.followups import FollowUpService
from hindsight.services.incidents import IncidentService
from hindsight.services.links import LinkService
from hindsight.services.privacy import PrivacyService
from hindsight.services.publish_gate import PublishGate
from hindsight.services.review import ReviewService
from hindsight.services.search import SearchService
from hindsight.store.attachments import AttachmentRepository
from hindsight.store.backup import backup_file_name
from hindsight.store.database import Database
from hindsight.store.followups import FollowUpRepository
from hindsight.store.incidents import IncidentRepository, team_names_in_use
from hindsight.store.links import LinkRepository
from hindsight.store.privacy import PrivacyRepository
from hindsight.store.saved_searches import SavedSearchRepository
from hindsight.store.search_index import search_index_for


class Workspace:
    """One open Hindsight database."""

    def __init__(self, database: Database) -> None:
        self.database = database
        # Every service says here what it changed; the GUI announces it to its views.
        self.changes = ChangeFeed()
        repository = IncidentRepository(database)
        # Features that can block publishing register their checks on this gate.
        self.publish_gate = PublishGate()
        self.review = ReviewService(repository, self.publish_gate, feed=self.changes)
        self.incidents = IncidentService(
            repository, progress=self.review.percent, feed=self.changes
        )
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

    @classmethod
    def open(cls, path: Path | str, *, create: bool = True) -> Workspace:
        """Open or create the database at `path` (StoreError when it cannot be used)."""
        return cls(Database.open(path, create=create, backup_dir=backups_dir()))

    @property
    def path(self) -> Path:
        """The database file."""
        return self.database.path

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
        """Release the database."""
        self.database.close()
