"""A workspace on a team database: other people's changes reach its ChangeFeed.

The store's listener (store/postgres_notify.py) hears what other clients committed; this
turns each batch into the Changes the views already understand and records it on the
workspace's feed outside any operation, so the GUI's operation runner announces it to every
view (Operations.set_workspace subscribes to the feed). The reachability of the server is
passed on as it changes, for the status bar.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from hindsight.services.changes import Changes
from hindsight.store.postgres_notify import ChangeListener, Heard
from hindsight.store.postgres_url import ServerAddress

if TYPE_CHECKING:
    from hindsight.services.workspace import Workspace


def upgrade_team_database(address: ServerAddress) -> tuple[str | None, str]:
    """Create or upgrade the schema of the team database at `address` (owner's rights).

    One transaction; returns the revision before (None for an empty database) and after.
    """
    from hindsight.store.postgres import upgrade_server

    return upgrade_server(address)


def changes_heard(heard: Heard) -> Changes:
    """What a batch of notifications means to the views."""
    kinds = heard.kinds
    return Changes.of(
        incidents=kinds.get("i", ()),
        removed=kinds.get("r", ()),
        followups=kinds.get("f", ()),
        privacy=kinds.get("p", ()),
        links=kinds.get("l", ()),
        everything=heard.everything,
        saved_searches=heard.saved_searches,
    )


class TeamLink:
    """Listens to a team database for one workspace."""

    def __init__(
        self, workspace: Workspace, on_state: Callable[[bool, str], None] | None = None
    ) -> None:
        from hindsight.store.postgres import ServerDatabase

        database = workspace.database
        assert isinstance(database, ServerDatabase)
        self.workspace = workspace
        self.listener = ChangeListener(
            database.address,
            self._heard,
            own=lambda: database.own_connections,
            state=on_state,
        )

    def _heard(self, heard: Heard) -> None:
        changes = changes_heard(heard)
        # Deleted incidents are not also "saved": their notification of the delete wins.
        if changes.removed and changes.incidents & changes.removed:
            changes = Changes.of(
                incidents=changes.incidents - changes.removed,
                removed=changes.removed,
                followups=changes.followups,
                privacy=changes.privacy,
                links=changes.links,
                everything=changes.everything,
                saved_searches=changes.saved_searches,
            )
        self.workspace.changes.record(changes)

    def start(self) -> None:
        """Begin listening."""
        self.listener.start()

    def stop(self) -> None:
        """Stop listening."""
        self.listener.stop()
