"""Linking the open incident to another: "same root cause", "recurrence" or "part of".

The other incident is found the way the list finds incidents: type its key or any words of
it, and pick from the best matches (read off the GUI thread on each pause in typing). The
link is read from the open incident's side ("This incident is a recurrence of HS-4") and is
stored once; both incidents show it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from hindsight.core.links import LinkKind
from hindsight.core.search_query import QueryError
from hindsight.core.search_results import SearchHit
from hindsight.services.workspace import Workspace
from hindsight.ui.operations import Operations
from hindsight.ui.qt_helpers import ok_cancel_buttons, problem_label, say_problem

SUGGESTIONS = 12
TYPING_PAUSE_MS = 150

# How the link reads from the open incident: (kind, the open incident is the link's source).
CHOICES: tuple[tuple[str, LinkKind, bool], ...] = (
    ("has the same root cause as", LinkKind.SAME_CAUSE, True),
    ("is a recurrence of", LinkKind.RECURRENCE, True),
    ("recurred as (the other is a recurrence of this one)", LinkKind.RECURRENCE, False),
    ("is part of", LinkKind.PART_OF, True),
    ("includes (the other is part of this one)", LinkKind.PART_OF, False),
)


def hit_label(key: str, title: str) -> str:
    """'HS-12 — Search ranking went stale', short enough for a field."""
    title = title if len(title) <= 70 else title[:69] + "…"
    return f"{key} — {title}"


class IncidentPicker(QLineEdit):
    """Finds another incident by its key or its words, through the search service."""

    picked = Signal(object)  # the incident id, or None when the text names none
    draft_edited = Signal()  # typed or picked: what a draft keeps changed (ui/recovery.py)

    def __init__(self, ops: Operations, exclude: int | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.ops = ops
        self.exclude = exclude
        self.setPlaceholderText("Type its key (HS-4) or words from it, then pick it")
        self.setClearButtonEnabled(True)
        self._choices: dict[str, int] = {}
        self._id: int | None = None
        self._asked = 0
        self._model = QStringListModel(self)
        self.completer_ = QCompleter(self._model, self)
        self.completer_.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer_.activated.connect(self._chosen)
        self.setCompleter(self.completer_)
        self._pause = QTimer(self, singleShot=True, interval=TYPING_PAUSE_MS)
        self._pause.timeout.connect(self._ask)
        self.textEdited.connect(self._typed)
        self.textChanged.connect(self.draft_edited)

    def draft_value(self) -> dict[str, Any]:
        """What a draft keeps: the incident picked (its id and label), or the words typed."""
        if self._id is not None:
            return {"incident": self._id, "label": self.text()}
        return {"text": self.text()}

    def set_draft_value(self, value: Mapping[str, Any]) -> None:
        """Put back what a draft kept; TypeError or KeyError for a value it cannot take."""
        if "incident" in value:
            incident, label = value["incident"], value["label"]
            if not isinstance(incident, int) or not isinstance(label, str):
                raise TypeError("an incident picked that is not an id and a label")
            self.choose(incident, label, from_start=True)
            return
        text = value["text"]
        if not isinstance(text, str):
            raise TypeError("words typed that are not text")
        self.setText(text)

    @property
    def incident_id(self) -> int | None:
        """The incident picked, if any."""
        return self._id

    def choose(self, incident_id: int, label: str, *, from_start: bool = False) -> None:
        """Pick `incident_id` without asking the database (shown as `label`).

        With `from_start` the field shows the label's beginning, its key, rather than the end
        of a long title (for a pick from the list; not while the user may type on).
        """
        self._id = incident_id
        self._choices[label] = incident_id
        self.setText(label)
        self.setToolTip(label)
        if from_start:
            # After the completer has put the label in (it moves the cursor to the end).
            QTimer.singleShot(0, self, lambda: self.setCursorPosition(0))
        self.picked.emit(incident_id)

    def _typed(self, _text: str) -> None:
        if self._id is not None:
            self._id = None
            self.setToolTip("")
            self.picked.emit(None)
        self._pause.start()

    def _ask(self) -> None:
        text = self.text().strip()
        self._asked += 1
        asked = self._asked
        if not text:
            self._model.setStringList([])
            return
        exclude = self.exclude

        def work(ws: Workspace) -> list[SearchHit]:
            try:
                hits = ws.search.search(text, limit=SUGGESTIONS + 1, snippets=0).hits
            except QueryError:
                # Half-typed syntax (an open quote): look for its words as plain words.
                plain = " ".join(text.replace('"', " ").split())
                if not plain:
                    return []
                hits = ws.search.search(f'"{plain}"', limit=SUGGESTIONS + 1, snippets=0).hits
            return [hit for hit in hits if hit.incident_id != exclude][:SUGGESTIONS]

        def answer(hits: list[SearchHit]) -> None:
            if asked != self._asked:
                return  # typed on meanwhile
            self._choices = {hit_label(h.key, h.title): h.incident_id for h in hits}
            self._model.setStringList(list(self._choices))
            exact = [h for h in hits if h.key.casefold() == text.casefold()]
            if exact:
                self.choose(exact[0].incident_id, hit_label(exact[0].key, exact[0].title))
            elif hits and self.hasFocus():
                self.completer_.complete()

        self.ops.run(work, answer, owner=self, what="find incidents")

    def _chosen(self, label: str) -> None:
        if label in self._choices:
            self.choose(self._choices[label], label, from_start=True)


class LinkDialog(QDialog):
    """Records a link from the open incident to another one."""

    def __init__(
        self,
        ops: Operations,
        incident_id: int,
        key: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Link {key} to another incident")
        self.ops = ops
        self.incident_id = incident_id
        self.kind = QComboBox()
        self.kind.setAccessibleName("Kind of link")
        for text, kind, outgoing in CHOICES:
            # By a code of its own, so a draft keeps the choice whatever its words become.
            self.kind.addItem(text, f"{kind.value}:{'out' if outgoing else 'in'}")
        self.other = IncidentPicker(ops, incident_id)
        self.other.setAccessibleName("Other incident")
        self.note = QLineEdit()
        self.note.setPlaceholderText("Optional: what the evidence is")
        self.note.setAccessibleName("Note")
        self.problem = problem_label()
        form = QFormLayout()
        form.addRow(QLabel(f"{key}"), self.kind)
        form.addRow("Other incident:", self.other)
        form.addRow("Note:", self.note)
        self.buttons = ok_cancel_buttons(self)
        self.buttons.accepted.disconnect()
        self.buttons.accepted.connect(self._link)
        self.ok = self.buttons.button(self.buttons.StandardButton.Ok)
        self.ok.setText("Link")
        self.ok.setEnabled(False)
        self.other.picked.connect(lambda picked: self.ok.setEnabled(picked is not None))
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.resize(max(self.sizeHint().width(), self.fontMetrics().horizontalAdvance("M") * 44), 0)

    def draft_fields(self) -> dict[str, QWidget]:
        """The fields kept as a draft while the dialog is open (ui/recovery.py), in the order
        its offer quotes them."""
        return {"note": self.note, "kind": self.kind, "other": self.other}

    def choose_kind(self, kind: LinkKind, outgoing: bool = True) -> None:
        """Preselect how the link reads."""
        for row, (_text, choice, direction) in enumerate(CHOICES):
            if choice is kind and (direction == outgoing or kind.symmetric):
                self.kind.setCurrentIndex(row)
                return

    def _link(self) -> None:
        other = self.other.incident_id
        if other is None:
            say_problem(self.problem, "Pick the other incident from the list first.")
            return
        _text, kind, outgoing = CHOICES[self.kind.currentIndex()]
        source, target = (self.incident_id, other) if outgoing else (other, self.incident_id)
        note = self.note.text()
        self.ok.setEnabled(False)

        def failed(error: Exception) -> None:
            self.ok.setEnabled(True)
            say_problem(self.problem, str(error))

        self.ops.run(
            lambda ws: ws.links.link(source, target, kind, note),
            lambda _link: self.accept(),
            owner=self,
            failed=failed,
            what="link the incidents",
        )

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Enter in the picker picks from the list; it must not link before a choice. Once an
        # incident is picked (the list closed), Enter links, as in every other field.
        popup = self.other.completer_.popup()
        listing = popup is not None and popup.isVisible()
        if (
            event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and self.other.hasFocus()
            and (self.other.incident_id is None or listing)
        ):
            return
        super().keyPressEvent(event)
