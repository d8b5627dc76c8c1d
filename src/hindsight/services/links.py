"""Links between incidents: "same root cause", "recurrence" and "part of", shown on both."""

from __future__ import annotations

from hindsight.core.links import IncidentLink, LinkedIncident, LinkKind
from hindsight.services.changes import ChangeFeed, Changes
from hindsight.services.errors import ValidationError
from hindsight.store.links import DuplicateLinkError, LinkRepository

MAX_NOTE = 2000


class LinkService:
    """What the UI and the command line may do with links between incidents."""

    def __init__(self, repository: LinkRepository, feed: ChangeFeed | None = None) -> None:
        self.repository = repository
        self.feed = feed or ChangeFeed()

    def link(
        self, source_id: int, target_id: int, kind: LinkKind | str, note: str = ""
    ) -> IncidentLink:
        """Record that `source_id` <kind> `target_id` (e.g. HS-9 is a recurrence of HS-4)."""
        try:
            kind = LinkKind(kind)
        except ValueError:
            choices = ", ".join(k.value for k in LinkKind)
            raise ValidationError(
                f"{kind!r} is not a kind of link; use one of {choices}."
            ) from None
        if source_id == target_id:
            raise ValidationError("An incident cannot be linked to itself; choose another one.")
        if len(note) > MAX_NOTE:
            raise ValidationError(f"The note is longer than {MAX_NOTE} characters; shorten it.")
        try:
            link = self.repository.add(source_id, target_id, kind, note.strip())
        except DuplicateLinkError:
            raise ValidationError(
                f"These incidents are already linked as “{kind.phrase(True).lower()}”."
            ) from None
        self.feed.record(Changes.of(links=[source_id, target_id]))
        return link

    def unlink(self, link_id: int) -> None:
        """Remove a link (from both incidents)."""
        link = self.repository.remove(link_id)
        self.feed.record(Changes.of(links=[link.source_id, link.target_id]))

    def links(self, incident_id: int) -> list[LinkedIncident]:
        """The incident's links, each read from its side ("Recurred as HS-9")."""
        return self.repository.of(incident_id)
