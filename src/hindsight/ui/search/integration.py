"""Search wired into the main window: opening a hit where it matched, saved searches' upkeep.

Double-clicking a snippet opens its incident (saving the open one first, as any choice in the
list does) and, once the editor shows it, goes to the snippet's field.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

if TYPE_CHECKING:  # the search's own modules load with the first search
    from hindsight.core.search_results import Location, Snippet
    from hindsight.core.search_text import Pattern
    from hindsight.ui.editor.incident_editor import IncidentEditor
    from hindsight.ui.main_window import MainWindow


def go_to(editor: IncidentEditor, location: Location, patterns: Sequence[Pattern]) -> bool:
    """ui/search/jump.py's go_to, imported on first use (it loads the PII scanner's modules,
    which the first paint does not need)."""
    from hindsight.ui.search.jump import go_to as jump

    return jump(editor, location, patterns)


class SearchIntegration(QObject):
    """Connects the list's search to the editor and keeps saved searches current."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self._pending: tuple[int, Snippet, Sequence[Pattern]] | None = None
        pane = window.list_pane
        pane.snippetActivated.connect(self.go_to_snippet)
        window.workspaceReady.connect(lambda _workspace: window.when_started(pane.saved.reload))
        window.incidentShown.connect(self._shown)

    def go_to_snippet(self, incident_id: int, snippet: Snippet) -> None:
        """Open `incident_id` (if it is not open) on the field `snippet` was found in."""
        patterns = self.window.list_pane.patterns()
        if self.window.showing(incident_id):
            self._pending = None
            go_to(self.window.editor, snippet.location, patterns)
            return
        self._pending = (incident_id, snippet, patterns)
        self.window.open_incident(incident_id)

    def _shown(self, incident_id: int) -> None:
        pending, self._pending = self._pending, None
        if pending is not None and pending[0] == incident_id:
            go_to(self.window.editor, pending[1].location, pending[2])
