"""An open database and the services working on it: what a window or a CLI command holds.

Most services need SQLAlchemy and the ORM models, whose import is the largest part of a start.
The workspace makes what opening and showing an incident needs at once (the plain record
reader, the review bank, the change feed) and every other service the first time it is used,
so a window on a file is usable before the ORM has loaded; `prepare` loads the rest when the
app has a moment (the database lane, once the first incident is shown).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from hindsight.paths import backups_dir
from hindsight.services.changes import ChangeFeed
from hindsight.services.errors import ValidationError
from hindsight.services.history import AttributedIncidentService, HistoryService, display_name
from hindsight.services.publish_gate import PublishGate
from hindsight.services.review import ReviewService
from hindsight.store.backup import backup_file_name, read_only_uri
from hindsight.store.database import Database
from hindsight.store.postgres_url import ServerAddress, Target, target_from

if TYPE_CHECKING:
    from hindsight.services.attachments import AttachmentService
    from hindsight.services.followups import FollowUpService
    from hindsight.services.links import LinkService
    from hindsight.services.privacy import PrivacyService
    from hindsight.services.search import SearchService
    from hindsight.services.team import TeamLink
    from hindsight.store.incidents import IncidentRepository

S = TypeVar("S")
# The search index's own table (store/search_schema.py): its presence is probed with plain
# sqlite3 when a window opens a file, so that the index's checks need not load SQLAlchemy.
_SEARCH_TABLE = "search_incident"


class _OnFirstUse(Generic[S]):
    """A workspace attribute made by its method the first time it is read, once, under the
    workspace's lock (the database lane and the GUI thread may ask at the same moment).

    Like functools.cached_property, the value then lives in the instance's dictionary, so
    reading it costs nothing more and tests may still replace it.
    """

    def __init__(self, make: Callable[[Workspace], S]) -> None:
        self.make = make
        self.name = make.__name__
        self.__doc__ = make.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> _OnFirstUse[S]: ...

    @overload
    def __get__(self, instance: Workspace, owner: type | None = None) -> S: ...

    def __get__(self, instance: Workspace | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        with instance._building:
            made = instance.__dict__.get(self.name, _MISSING)
            if made is _MISSING:
                made = self.make(instance)
                instance.__dict__[self.name] = made
        return made


_MISSING = object()
# The services made on first use (Workspace.prepare makes them all).
_MADE_ON_FIRST_USE = ("history", "followups", "privacy", "search", "links", "attachments")


class Workspace:
    """One open Hindsight database."""

    def __init__(
        self, database: Database, *, author: str | None = None, defer: bool = False
    ) -> None:
        """The services of `database`; with `defer` (a window on a file), the search index
        is checked on first use unless a plain probe says it needs building or refusing."""
        self.database = database
        self._building = threading.RLock()
        self._incident_repository: IncidentRepository | None = None
        # Who is working: recorded with every change of an incident (services/history.py).
        self.author = author or display_name()
        # Every service says here what it changed; the GUI announces it to its views.
        self.changes = ChangeFeed()
        # Features that can block publishing register their checks on this gate.
        self.publish_gate = PublishGate()
        # The bank is read now (on the database lane in the app), never on the GUI thread.
        self.review = ReviewService(self._incidents_store, self.publish_gate, feed=self.changes)
        self.incidents = AttributedIncidentService(
            self._incidents_store,
            progress=self.review.percent,
            feed=self.changes,
            database=database,
        )
        self.incidents.history_source = lambda: self.history
        self.publish_gate.register("privacy", lambda incident: self.privacy.blockers(incident))
        self._team: TeamLink | None = None
        if not defer or not self._search_index_ready():
            # Opening is where a missing index is built, or a database refused whose index
            # this SQLite cannot keep up (store/search_index.py).
            self.search  # noqa: B018

    def _incidents_store(self) -> IncidentRepository:
        """The incident repository (with the ORM), made when a write or an ORM read needs it."""
        with self._building:
            if self._incident_repository is None:
                from hindsight.store.incidents import IncidentRepository

                repository = IncidentRepository(self.database)
                self.history.install(repository)
                self._incident_repository = repository
            return self._incident_repository

    @_OnFirstUse
    def history(self) -> HistoryService:
        """Who changed what in each incident."""
        from hindsight.store.history import HistoryRepository

        return HistoryService(HistoryRepository(self.database), lambda: self.author)

    @_OnFirstUse
    def followups(self) -> FollowUpService:
        """The follow-up work of incidents."""
        from hindsight.services.followups import FollowUpService
        from hindsight.store.followups import FollowUpRepository

        return FollowUpService(FollowUpRepository(self.database), feed=self.changes)

    @_OnFirstUse
    def privacy(self) -> PrivacyService:
        """The data-access log, the ethics checklist and the privacy blockers."""
        from hindsight.services.privacy import PrivacyService
        from hindsight.store.privacy import PrivacyRepository

        return PrivacyService(PrivacyRepository(self.database), feed=self.changes)

    @_OnFirstUse
    def search(self) -> SearchService:
        """Full-text search and saved searches."""
        from hindsight.services.search import SearchService
        from hindsight.store.saved_searches import SavedSearchRepository
        from hindsight.store.search_index import search_index_for

        return SearchService(
            search_index_for(self.database),
            SavedSearchRepository(self.database),
            bank=lambda: self.review.bank,
            checklist=lambda: self.privacy.checklist,
            feed=self.changes,
        )

    @_OnFirstUse
    def links(self) -> LinkService:
        """Links between incidents."""
        from hindsight.services.links import LinkService
        from hindsight.store.links import LinkRepository

        return LinkService(LinkRepository(self.database), feed=self.changes)

    @_OnFirstUse
    def attachments(self) -> AttachmentService:
        """Pictures attached to incidents."""
        from hindsight.services.attachments import AttachmentService
        from hindsight.store.attachments import AttachmentRepository

        return AttachmentService(AttachmentRepository(self.database), feed=self.changes)

    def prepare(self) -> None:
        """Make every service now (the ORM loads), so that no later call waits for it."""
        self._incidents_store()
        for name in _MADE_ON_FIRST_USE:
            getattr(self, name)

    def made(self, *names: str) -> bool:
        """True when the services `names` (of those made on first use) exist already, so
        reading them costs nothing: the GUI thread asks before it reads one."""
        return all(name in self.__dict__ for name in names)

    @property
    def prepared(self) -> bool:
        """True once every service is made."""
        made = all(name in self.__dict__ for name in _MADE_ON_FIRST_USE)
        return made and self._incident_repository is not None

    def _search_index_ready(self) -> bool:
        """True when the file's search index is there and this SQLite can keep it up: the
        only case where making the search service at open would do nothing but load it."""
        if self.database.dialect != "sqlite":
            return False  # a team database: opened as before
        try:
            connection = sqlite3.connect(read_only_uri(self.database.path), uri=True)
            try:
                present = connection.execute(
                    "SELECT 1 FROM sqlite_master WHERE name = ?", (_SEARCH_TABLE,)
                ).fetchone()
            finally:
                connection.close()
        except sqlite3.Error:
            return False  # let the search index's own opening say what is wrong
        return present is not None and _fts5_available()

    @classmethod
    def open(
        cls,
        target: Target | str,
        *,
        create: bool = True,
        author: str | None = None,
        defer: bool = False,
    ) -> Workspace:
        """Open (or create) the database file or team database `target` (StoreError if not).

        A team database is never created or upgraded here: `hindsight db upgrade` does that.
        `defer`: see the constructor (the app's windows use it).
        """
        target = target_from(target)
        if isinstance(target, ServerAddress):
            from hindsight.store.postgres import ServerDatabase

            return cls(ServerDatabase.open(target), author=author)
        database = Database.open(target, create=create, backup_dir=backups_dir())
        try:
            return cls(database, author=author, defer=defer)
        except BaseException:
            database.close()
            raise

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
        extra = [name for name in self.incidents.team_names() if name not in bundled]
        return [*bundled, *extra]

    def close(self) -> None:
        """Release the database (and stop hearing other clients)."""
        if self._team is not None:
            self._team.stop()
            self._team = None
        self.incidents.close()
        self.database.close()


_fts5: bool | None = None


def _fts5_available() -> bool:
    """True when this Python's SQLite has FTS5 (asked once)."""
    global _fts5
    if _fts5 is None:
        probe = sqlite3.connect(":memory:")
        try:
            probe.execute("CREATE VIRTUAL TABLE probe USING fts5(text)")
            _fts5 = True
        except sqlite3.Error:
            _fts5 = False
        finally:
            probe.close()
    return _fts5
