"""The base of editor tabs whose records are saved apart from the incident record."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from hindsight.core.incident import Incident


class AttachedPage(QWidget):
    """A tab whose records (follow-ups, data accesses ...) are saved by their own service.

    The editor calls `open_incident` when an incident is opened or reloaded; the page does not
    take part in the incident's autosave, and pushes its own undo commands if it has any.
    """

    def heightForWidth(self, width: int) -> int:
        # A page not on screen asks for no height: the editor's tabs are as tall as the
        # tallest height any page asks for, shown or not (QStackedLayout), so once the
        # Follow-ups page had been built every short page of the editor scrolled.
        return super().heightForWidth(width) if self.isVisible() else -1

    def open_incident(self, incident: Incident) -> None:
        """Show the records of `incident`."""
        raise NotImplementedError

    def flush(self) -> None:
        """Send what was typed but not saved yet to be saved (before closing or switching)."""
