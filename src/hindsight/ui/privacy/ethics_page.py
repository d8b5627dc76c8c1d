"""The ethics checklist of one incident: four parts of yes / no / N/A items with notes.

Answers are saved on their own (not with the incident record), off the GUI thread: a choice at
once, a note a moment after typing stops. Each answer carries a version, so an answer saved
meanwhile from another window is reloaded rather than overwritten; a note whose save failed
stays as typed. Until a note is saved it is in the recovery journal (a draft of kind
`ethics`, ui/recovery.py), so a crash in the moment between typing and saving loses nothing:
the next start offers it back.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from hindsight.core.privacy import (
    CHOICE_LABELS,
    ChecklistItem,
    EthicsAnswer,
    EthicsChecklist,
    EthicsChoice,
    open_required_items,
)
from hindsight.core.review import ReviewStatus
from hindsight.services.errors import ConflictError, HindsightError
from hindsight.services.privacy import recorder_name, remember_recorder
from hindsight.services.workspace import Workspace
from hindsight.ui import messages
from hindsight.ui.author_text import plain_tooltip, set_line_text
from hindsight.ui.look import styled
from hindsight.ui.operations import Operations, bug_message
from hindsight.ui.qt_helpers import problem_label
from hindsight.ui.recovery import ETHICS, PageDraftKeeper, journal_of

log = logging.getLogger(__name__)
NOTE_DELAY_MS = 700


class ItemRow(QFrame):
    """One checklist item: its prompt, guidance, a choice and a note."""

    def __init__(self, item: ChecklistItem) -> None:
        super().__init__()
        self.item = item
        self.setObjectName("ethicsItem")
        prompt = QLabel(item.prompt)
        prompt.setWordWrap(True)
        prompt.setTextFormat(Qt.TextFormat.PlainText)  # a team's checklist is text, not HTML
        prompt.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = prompt.font()
        font.setBold(item.required)
        prompt.setFont(font)
        self.prompt = prompt
        self.marker = QLabel()
        self.marker.setMinimumWidth(70)
        self.marker.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        guidance = QLabel(item.guidance)
        guidance.setTextFormat(Qt.TextFormat.PlainText)
        styled(guidance, "hint")
        guidance.setWordWrap(True)
        self.group = QButtonGroup(self)
        self.buttons: dict[EthicsChoice, QRadioButton] = {}
        choices = QHBoxLayout()
        for choice in EthicsChoice:
            button = QRadioButton(CHOICE_LABELS[choice])
            self.group.addButton(button)
            self.buttons[choice] = button
            choices.addWidget(button)
        self.note = QLineEdit()
        self.note.setPlaceholderText("Note: how you know, what was checked, who decided")
        choices.addWidget(self.note, 1)

        top = QHBoxLayout()
        top.addWidget(prompt, 1)
        top.addWidget(self.marker)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 6, 4, 6)
        layout.setSpacing(3)
        layout.addLayout(top)
        if item.guidance:
            layout.addWidget(guidance)
        layout.addLayout(choices)

    def choice(self) -> EthicsChoice | None:
        """The ticked choice, if any."""
        for choice, button in self.buttons.items():
            if button.isChecked():
                return choice
        return None

    def show_answer(self, answer: EthicsAnswer | None) -> None:
        """Show a stored answer without saving anything."""
        self.group.setExclusive(False)
        for choice, button in self.buttons.items():
            button.blockSignals(True)
            button.setChecked(answer is not None and answer.choice is choice)
            button.blockSignals(False)
        self.group.setExclusive(True)
        note = answer.note if answer else ""
        set_line_text(self.note, note)
        self.note.setToolTip(plain_tooltip(note))
        self.show_state(answer)

    def set_read_only(self, read_only: bool) -> None:
        """A published review's checklist stays readable; only the choices are greyed."""
        for button in self.buttons.values():
            button.setEnabled(not read_only)
        self.note.setReadOnly(read_only)

    def show_state(self, answer: EthicsAnswer | None) -> None:
        """Mark the item open, or answered."""
        settled = answer is not None and answer.settled
        if settled:
            self.marker.setText("✓")
            self.marker.setStyleSheet("color: #2f7d32; font-weight: bold;")
            self.marker.setToolTip("Answered")
        elif self.item.required:
            na = answer is not None and answer.choice is EthicsChoice.NOT_APPLICABLE
            self.marker.setText("N/A needs a note" if na else "required")
            self.marker.setStyleSheet("color: #a61b1b;")
            self.marker.setToolTip("Must be answered before the review can be published")
        else:
            self.marker.setText("optional")
            self.marker.setStyleSheet("color: #5f6b7a;")
            self.marker.setToolTip("")


class EthicsPage(QScrollArea):
    """The checklist; every change is saved through the privacy service, off the GUI thread."""

    changed = Signal()  # an answer was saved here, or found changed elsewhere
    savingChanged = Signal()  # notes started or stopped waiting to be saved

    def __init__(
        self, ops: Operations, checklist: EthicsChecklist, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._ops = ops
        self.checklist = checklist
        self._incident_id: int | None = None
        self._incident_key = ""
        self._status = ReviewStatus.DRAFT
        self._loaded = False  # the open incident's answers have been shown
        self._to_restore: dict[str, str] = {}  # notes a draft left, put back once loaded
        self._keeper: PageDraftKeeper | None = None  # made with the first unsaved note
        self._settled: Callable[[bool], object] | None = None  # told when notes are put back
        self.answers: dict[str, EthicsAnswer] = {}
        self._pending: set[str] = set()  # notes typed, not sent to be saved yet
        self._saving: Counter[str] = Counter()  # saves of each item not finished yet
        # The version each save made, written on the operations lane where saves run in
        # order: a save asked while an earlier one of the same item runs builds on it.
        self._made: dict[tuple[int, str], int] = {}
        self._timer = QTimer(self, singleShot=True, interval=NOTE_DELAY_MS)
        self._timer.timeout.connect(self.flush)

        inner = QWidget()
        column = QVBoxLayout(inner)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.answering_as = QLineEdit(recorder_name())
        self.answering_as.setPlaceholderText("Your name")
        self.answering_as.setMaximumWidth(260)
        self.problem = problem_label()
        who = QHBoxLayout()
        who.addWidget(self.summary, 1)
        who.addWidget(QLabel("Answering as"))
        who.addWidget(self.answering_as)
        column.addLayout(who)
        column.addWidget(self.problem)
        self.rows: dict[str, ItemRow] = {}
        for part in checklist.parts:
            title = QLabel(part.title)
            title.setObjectName("ethicsPartTitle")
            title.setStyleSheet("font-weight: bold; font-size: 12pt; padding-top: 8px;")
            column.addWidget(title)
            if part.intro:
                intro = QLabel(part.intro)
                styled(intro, "hint")
                intro.setWordWrap(True)
                column.addWidget(intro)
            box = QFrame()
            box.setObjectName("ethicsPart")
            box.setStyleSheet(
                "QFrame#ethicsPart { border: 1px solid #d9e1ea; border-radius: 4px; }"
            )
            box_layout = QVBoxLayout(box)
            box_layout.setSpacing(2)
            for number, item in enumerate(part.items):
                if number:
                    line = QFrame()
                    line.setFrameShape(QFrame.Shape.HLine)
                    line.setStyleSheet("color: #e6ebf1;")
                    box_layout.addWidget(line)
                row = ItemRow(item)
                for choice, button in row.buttons.items():
                    button.clicked.connect(lambda _=False, i=item.id, c=choice: self._chosen(i, c))
                row.note.textEdited.connect(lambda _text, i=item.id: self._note_edited(i))
                row.note.editingFinished.connect(self.flush)
                self.rows[item.id] = row
                box_layout.addWidget(row)
            column.addWidget(box)
        column.addStretch(1)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidget(inner)

    # Showing

    def show_incident(self, incident_id: int | None, status: ReviewStatus, key: str = "") -> None:
        """Empty the checklist for `incident_id` until its answers arrive (`show_answers`)."""
        self.flush()  # notes typed for the previous incident are saved to it
        self._incident_id = incident_id
        self._incident_key = key
        self._status = status
        self._pending.clear()
        self._loaded = False
        self._to_restore = {}
        self.answers = {}
        self.problem.hide()
        for row in self.rows.values():
            row.show_answer(None)
            row.set_read_only(incident_id is None or status is ReviewStatus.PUBLISHED)
        self._update_summary()

    def show_answers(self, answers: dict[str, EthicsAnswer]) -> None:
        """Show the answers read for the open incident; notes not saved yet stay as typed."""
        for item_id, row in self.rows.items():
            if item_id in self._pending or self._saving[item_id]:
                continue
            answer = answers.get(item_id)
            if answer is None:
                self.answers.pop(item_id, None)
            else:
                self.answers[item_id] = answer
            row.show_answer(answer)
        self._loaded = True
        self._update_summary()
        if self._to_restore or self._settled is not None:
            self._put_back()

    def _update_summary(self) -> None:
        answered, total = self.counts()
        still_open = self.open_required()
        text = f"{answered} of {total} items answered."
        if still_open:
            noun = "item" if still_open == 1 else "items"
            text += f" <span style='color:#a61b1b'>{still_open} required {noun} open.</span>"
        else:
            text += " Every required item is answered."
        if self._status is ReviewStatus.PUBLISHED:
            text += " The review is published: reopen it to change the checklist."
        self.summary.setText(text)

    def counts(self) -> tuple[int, int]:
        """(items answered, items in the checklist)."""
        items = self.checklist.items()
        return sum(1 for item in items if self._answer(item.id).settled), len(items)

    def open_required(self) -> int:
        """How many required items are not settled (what blocks publishing)."""
        return len(open_required_items(self.checklist, self.answers))

    def _answer(self, item_id: str) -> EthicsAnswer:
        return self.answers.get(item_id) or EthicsAnswer(item_id)

    def focus_item(self, item_id: str) -> bool:
        """Scroll to an item and put the cursor in its note; False if there is no such item."""
        row = self.rows.get(item_id)
        if row is None:
            return False
        self.ensureWidgetVisible(row, 0, 60)
        row.note.setFocus()
        return True

    # Saving

    def _chosen(self, item_id: str, choice: EthicsChoice) -> None:
        self._save(item_id, choice)

    def _note_edited(self, item_id: str) -> None:
        self._pending.add(item_id)
        self._timer.start()
        self._keep()

    # Notes not saved yet, in the recovery journal

    def unsaved_notes(self) -> dict[str, str]:
        """The notes shown that are not the ones saved, by item id: typed and waiting, being
        saved, or whose save failed."""
        if self._incident_id is None or not self._loaded:
            return {}
        return {
            item_id: row.note.text()
            for item_id, row in self.rows.items()
            if row.note.text() != self._answer(item_id).note
        }

    def _keep(self) -> None:
        # The notes are not in the incident's record, so not in its journal: a draft keeps
        # them until they are saved (restore_notes puts them back after a crash).
        self.savingChanged.emit()
        if self._keeper is None:
            journal = journal_of(self)
            if journal is None:
                return
            self._keeper = PageDraftKeeper(journal, self, kind=ETHICS)
        notes = self.unsaved_notes()
        self._keeper.keep(self._incident_id, self._incident_key, notes, {})

    def restore_notes(
        self, fields: Mapping[str, Any], settled: Callable[[bool], object] | None = None
    ) -> list[str]:
        """Put back notes a draft kept (once the open incident's answers are read), to be saved
        as if just typed; returns the ones that cannot be (an item the checklist no longer
        has, or a value that is not a note), each as "item: note", with a log line.
        `settled(put_back)` is told, once they are in, whether any note was put back (a note
        equal to the one saved is not)."""
        left = []
        self._to_restore = {}
        self._settled = settled
        for item_id, note in fields.items():
            if item_id in self.rows and isinstance(note, str):
                self._to_restore[item_id] = note
            else:
                log.warning("checklist note of %r not put back", item_id)
                left.append(f"{item_id}: {note}")
        if self._loaded:
            self._put_back()
        return left

    def _put_back(self) -> None:
        notes, self._to_restore = self._to_restore, {}
        settled, self._settled = self._settled, None
        first = None
        for item_id, note in notes.items():
            row = self.rows[item_id]
            if row.note.text() == note:
                continue
            row.note.setText(note)
            self._pending.add(item_id)
            first = first or item_id
        if first is not None:
            self.focus_item(first)
            self._timer.start()
        self._keep()
        if settled is not None:
            settled(first is not None)

    def flush(self) -> None:
        """Send notes typed but not saved yet to be saved."""
        self._timer.stop()
        for item_id in list(self._pending):
            self._save(item_id, self.rows[item_id].choice())

    @property
    def saving(self) -> bool:
        """True while answers are typed or being saved."""
        return bool(self._pending or +self._saving)

    def _save(self, item_id: str, choice: EthicsChoice | None) -> None:
        self._pending.discard(item_id)
        incident_id = self._incident_id
        if incident_id is None:
            return
        row = self.rows[item_id]
        current = self._answer(item_id)
        note = row.note.text()
        if not self._saving[item_id] and current.choice is choice and current.note == note:
            return
        who = self.answering_as.text().strip()
        made, key, seen = self._made, (incident_id, item_id), current.version
        if not self._saving[item_id]:
            made.pop(key, None)  # nothing of this item is on its way: start from what is shown
        self._saving[item_id] += 1

        def work(ws: Workspace) -> EthicsAnswer:
            saved = ws.privacy.answer_ethics(
                incident_id, item_id, choice, note, who, made.get(key, seen)
            )
            made[key] = saved.version
            if who:
                remember_recorder(who)
            return saved

        def done(saved: EthicsAnswer) -> None:
            self._saving[item_id] -= 1
            if incident_id != self._incident_id:
                return
            self.problem.hide()
            self.answers[item_id] = saved
            row.show_state(saved)
            self._update_summary()
            self._keep()
            self.changed.emit()

        def failed(error: Exception) -> None:
            self._saving[item_id] -= 1
            if isinstance(error, ConflictError):
                message = (
                    "This answer was changed in another window; its latest version is shown now."
                )
            elif isinstance(error, HindsightError):
                message = f"Not saved: {error} Your note is kept here; edit it to try again."
            else:
                message = bug_message(error)
            if incident_id != self._incident_id:
                messages.show_error(self, "Checklist answer not saved", message)
                return
            self._say(message)
            self._keep()
            if isinstance(error, ConflictError):
                self.changed.emit()  # the tab reads the record again

        self._ops.run(
            work, done, owner=self, failed=failed, initiator=self, what="save the checklist answer"
        )

    def _say(self, message: str) -> None:
        self.problem.setText(message)
        self.problem.show()
