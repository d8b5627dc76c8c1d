"""The Triage view's incident filter: type a key or words of a title, pick from what matches.

A database may hold tens of thousands of incidents, so the filter never lists them all: each
pause in typing asks the database (on the operations runner) for the first few incidents with
follow-ups whose key or title contains the text, and offers them in a completer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QStringListModel, Qt, QTimer, Signal
from PySide6.QtWidgets import QCompleter, QLineEdit, QWidget

from hindsight.services.workspace import Workspace
from hindsight.ui.operations import Operations

if TYPE_CHECKING:  # the store's type: SQLAlchemy loads with the follow-ups service, not here
    from hindsight.services.followups import IncidentChoice

SUGGESTIONS = 30
TYPING_PAUSE_MS = 150


def choice_label(choice: IncidentChoice) -> str:
    """'HS-12 — Search ranking went stale', short enough for a field."""
    title = choice.title if len(choice.title) <= 60 else choice.title[:59] + "…"
    return f"{choice.key} — {title}"


class IncidentFilter(QLineEdit):
    """A field choosing one incident, or all of them when empty."""

    chosen = Signal(object)  # the incident id, or None for all incidents

    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.setPlaceholderText("All incidents")
        self.setToolTip("Type an incident's key or words of its title, then pick it")
        self.setClearButtonEnabled(True)
        self.setAccessibleName("Incident")
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 11)
        self._choices: dict[str, int] = {}
        self._latest: list[IncidentChoice] = []
        self._latest_text: str | None = None  # what the suggestions held were found for
        self._id: int | None = None
        self._label = ""
        self._asked = 0
        self._model = QStringListModel(self)
        self.completer_ = QCompleter(self._model, self)
        # The database already matched the text (anywhere in key or title): show all it found.
        self.completer_.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer_.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer_.activated.connect(self._picked)
        self.setCompleter(self.completer_)
        self._pause = QTimer(self)
        self._pause.setSingleShot(True)
        self._pause.setInterval(TYPING_PAUSE_MS)
        self._pause.timeout.connect(self._ask)
        self.textEdited.connect(self._typed)
        self.textChanged.connect(self._changed)
        self.returnPressed.connect(self._commit)

    @property
    def incident_id(self) -> int | None:
        """The incident chosen (None: all incidents)."""
        return self._id

    def set_choice(self, incident_id: int | None, label: str = "") -> None:
        """Choose an incident (None: all) without asking the database."""
        self._id, self._label = incident_id, label if incident_id is not None else ""
        self.blockSignals(True)
        self.setText(self._label)
        self.blockSignals(False)
        self.setToolTip(self._label or "Type an incident's key or words of its title, then pick it")

    def _typed(self, text: str) -> None:
        self._pause.start()

    def _changed(self, text: str) -> None:
        if not text.strip() and self._id is not None:
            self._choose(None, "")

    def _ask(self, then_commit: bool = False) -> None:
        text = self.text().strip()
        self._asked += 1
        asked = self._asked

        def answer(choices: list[IncidentChoice]) -> None:
            if asked != self._asked:
                return  # the user typed on meanwhile
            self._latest, self._latest_text = choices, text
            self._choices = {choice_label(c): c.id for c in choices}
            self._model.setStringList(list(self._choices))
            if then_commit:
                self._commit()
            elif choices and self.hasFocus():
                self.completer_.complete()

        def work(ws: Workspace) -> list[IncidentChoice]:
            return ws.followups.incident_choices(text, SUGGESTIONS)

        self.ops.run(work, answer, owner=self, what="find incidents")

    def _picked(self, label: str) -> None:
        if label in self._choices:
            self._choose(self._choices[label], label)

    def _commit(self) -> None:
        """Enter: take the incident whose key was typed, or the only one that matches."""
        text = self.text().strip()
        if not text:
            self._choose(None, "")
            return
        if text == self._label:
            return
        if self._pause.isActive() or not self._latest_matches(text):
            self._pause.stop()
            self._ask(then_commit=True)
            return
        exact = [c for c in self._latest if c.key.casefold() == text.casefold()]
        found = exact or (self._latest if len(self._latest) == 1 else [])
        if found:
            self._choose(found[0].id, choice_label(found[0]))
        else:
            more = "several incidents match" if self._latest else "no incident with follow-ups"
            self.setToolTip(f"“{text}”: {more}. Pick one from the list.")

    def _latest_matches(self, text: str) -> bool:
        return self._latest_text == text

    def _choose(self, incident_id: int | None, label: str) -> None:
        changed = incident_id != self._id
        self.set_choice(incident_id, label)
        if changed:
            self.chosen.emit(incident_id)
