"""The Review page: a stepper through the question bank's sections, with a derived header."""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from hindsight.core.detection import found_by_the_affected
from hindsight.core.enums import Phase
from hindsight.core.fuzzy_time import headline_durations
from hindsight.core.incident import Incident, clone
from hindsight.core.review import ReviewStatus, Verdict
from hindsight.review.answers import answer_text
from hindsight.review.bank import QuestionBank
from hindsight.review.progress import orphaned_answers
from hindsight.services.changes import Changes
from hindsight.services.errors import HindsightError
from hindsight.services.publish_gate import Blocker
from hindsight.services.recovery import held_time_text
from hindsight.services.review import PublishBlockedError, ReviewService
from hindsight.ui import messages
from hindsight.ui.author_text import keep_readable_when_disabled
from hindsight.ui.editor import EditFn
from hindsight.ui.fuzzy_time_editor import FuzzyTimeEditor
from hindsight.ui.look import styled
from hindsight.ui.operations import Operations, bug_message
from hindsight.ui.qt_helpers import problem_label
from hindsight.ui.read_only import set_read_only
from hindsight.ui.review.answer_widgets import FuzzyTimeAnswer
from hindsight.ui.review.publish_panel import PublishPanel
from hindsight.ui.review.section_view import OtherAnswersView, SectionView
from hindsight.vocabulary import vocabulary

if TYPE_CHECKING:
    from hindsight.services.recovery import Draft
    from hindsight.ui.recovery import PageDraftKeeper

log = logging.getLogger(__name__)
OTHER_ANSWERS = "Other answers"
REOPEN = "reopen"  # the kind of draft of the reason a review is being reopened for
# How long after an edit the list of what blocks publishing is checked again.
RECHECK_DELAY_MS = 300


def _no_durations(incident: Incident) -> str:
    """Why no duration shows yet: the milestone each one still needs."""
    if Phase.OUTAGE_BEGINS not in incident.milestones:
        return "Durations appear once the impact's start is dated (Timeline ▸ Milestones)."
    return (
        "Durations appear once detection, mitigation or resolution is dated "
        "(Timeline ▸ Milestones)."
    )


def review_summary(incident: Incident, bank: QuestionBank) -> list[str]:
    """The derived header lines: durations, how it was detected, implicated changes."""
    words = vocabulary()
    lines = []
    names = {
        "time_to_detect": "Detect",
        "time_to_mitigate": "Mitigate",
        "time_to_resolve": "Resolve",
    }
    spans = headline_durations(incident.milestones)
    times = [
        f"{names[name]}: {span.describe() if span else 'milestones out of order'}"
        for name, span in spans.items()
    ]
    lines.append(" · ".join(times) if times else _no_durations(incident))
    source = incident.answers.get("detection.source")
    question = bank.question("detection.source")
    if source is not None and question is not None and source.value:
        how = f"Detected by: {answer_text(question, source)}"
        if found_by_the_affected(source.value):
            how = f"⚠ {how}, before any monitor caught it"
        lines.append(how)
    implicated = [
        words.change_labels[c]
        for c, a in incident.attributions.items()
        if a.verdict is Verdict.IMPLICATED
    ]
    if implicated:
        lines.append("Implicated: " + ", ".join(implicated))
    return lines


class ProgressBar(QProgressBar):
    """The review's share of required answers: 230 pixels wide, narrower in a small window.

    At a fixed width, a small window at 2x scale pushed the bar over the buttons beside it;
    narrowed, the bar says only the percentage (the whole sentence is its tooltip).
    """

    WORDS = "%p% of required answered"

    def __init__(self) -> None:
        super().__init__()
        self.setFormat(self.WORDS)
        self.setToolTip("The share of required questions answered or settled")
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("100%") + 24)
        self.setMaximumWidth(230)

    def sizeHint(self) -> QSize:
        return QSize(230, super().sizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        room = self.fontMetrics().horizontalAdvance(self.WORDS.replace("%p", "100")) + 16
        self.setFormat(self.WORDS if self.width() >= room else "%p%")


# The section list's least width, and the most of a narrow page it takes: on a small screen at
# 2x scale (a page about 440 pixels wide) it took 170 and left the questions 270, a few words
# a line.
SECTIONS_LEAST_WIDTH = 110
SECTIONS_MOST_SHARE = 0.35


class ReviewPage(QWidget):
    """Sections on the left with progress marks, the current section in the middle, and what
    blocks publishing on the right once publishing was refused."""

    statusChanged = Signal(object)  # the stored Incident after a status move
    targetActivated = Signal(str)  # a publish blocker's target was clicked

    def __init__(
        self,
        edit: EditFn,
        review: Callable[[], ReviewService],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        keep_readable_when_disabled(self)
        self._edit = edit
        self._review = review
        self._incident: Incident | None = None
        self._bank: QuestionBank | None = None
        self.views: list[QWidget] = []
        self._moving = False
        self._section_width = 200
        self._checks = 0  # numbers the blocker checks, so only the latest one is shown
        self._held_keeper: PageDraftKeeper | None = None  # made with the first held time
        self._reason_fill: str | None = None  # a reason a draft kept, for the next ask
        # Set by the editor: its operations runner, a save of pending edits before a move,
        # and the record to move.
        self.ops: Operations | None = None
        # Saves pending edits, then calls on with whether they were stored (the editor sets it).
        self.before_move: Callable[[Callable[[bool], None]], None] = lambda then: then(True)
        self.current: Callable[[], Incident | None] = lambda: self._incident
        # Replaced in tests; asks the user by default.
        self.ask_reason: Callable[[str], str | None] = self._ask_reason

        self.status_label = QLabel()
        styled(self.status_label, "reviewStatus")
        self.progress = ProgressBar()
        self.submit_button = QPushButton("Submit for review")
        self.publish_button = QPushButton("Publish")
        self.reopen_button = QPushButton("Reopen…")
        self.next_open_button = QPushButton("First open question")
        self.next_open_button.setToolTip(
            "Jump to the first required question not answered (Ctrl+J)"
        )
        self.summary = QLabel()
        styled(self.summary, "durations")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.move_problem = problem_label()
        self.bank_problem = problem_label()
        self.publish_panel = PublishPanel()
        self.publish_panel.hide()
        self.publish_panel.targetChosen.connect(self._blocker_clicked)
        self._recheck = QTimer(self, singleShot=True, interval=RECHECK_DELAY_MS)
        self._recheck.timeout.connect(self.check_blockers)

        self.sections = QListWidget()
        self.sections.setWordWrap(True)
        self.sections.setMinimumWidth(SECTIONS_LEAST_WIDTH)
        self.stack = QStackedWidget()
        self.back_button = QPushButton("◀ Back")
        self.next_button = QPushButton("Next ▶")
        nav = QHBoxLayout()
        nav.addWidget(self.back_button)
        nav.addStretch(1)
        nav.addWidget(self.next_button)
        right = QWidget()
        right_column = QVBoxLayout(right)
        right_column.setContentsMargins(0, 0, 0, 0)
        right_column.addWidget(self.stack, 1)
        right_column.addLayout(nav)
        # The list of what blocks publishing takes the place of the section list while it is
        # open (it is the better guide then), so the questions keep their width and height.
        self.left = QStackedWidget()
        self.left.addWidget(self.sections)
        self.left.addWidget(self.publish_panel)
        self.splitter = QSplitter()
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([200, 700])
        self._sections_wanted = 200  # the section list's width when there is room for it
        self.splitter.splitterMoved.connect(self._splitter_dragged)

        top = QHBoxLayout()
        top.addWidget(self.status_label)
        top.addWidget(self.progress)
        top.addStretch(1)
        for button in (
            self.next_open_button,
            self.submit_button,
            self.publish_button,
            self.reopen_button,
        ):
            top.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.bank_problem)
        layout.addWidget(self.move_problem)
        layout.addWidget(self.splitter, 1)

        self.sections.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.sections.currentRowChanged.connect(self._update_nav)
        self.back_button.clicked.connect(lambda: self.go_to(self.sections.currentRow() - 1))
        self.next_button.clicked.connect(lambda: self.go_to(self.sections.currentRow() + 1))
        self.next_open_button.clicked.connect(self.jump_to_first_open)
        self.submit_button.clicked.connect(lambda: self.move_to(ReviewStatus.IN_REVIEW))
        self.publish_button.clicked.connect(lambda: self.move_to(ReviewStatus.PUBLISHED))
        self.reopen_button.clicked.connect(self.reopen)
        QShortcut(QKeySequence("Ctrl+J"), self, self.jump_to_first_open)
        QShortcut(
            QKeySequence("Alt+Right"), self, lambda: self.go_to(self.sections.currentRow() + 1)
        )
        QShortcut(
            QKeySequence("Alt+Left"), self, lambda: self.go_to(self.sections.currentRow() - 1)
        )
        self.close_panel_shortcut = QShortcut(
            QKeySequence(Qt.Key.Key_Escape),
            self,
            self.publish_panel.close_panel,
            context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
        )
        self.close_panel_shortcut.setEnabled(False)
        self.publish_panel.closed.connect(self._panel_closed)

    # Times typed in an answer that describe no valid time (held by the field)

    def held_input_changed(self, field: FuzzyTimeEditor) -> None:
        """A time field of an answer started or stopped holding input (called by the field):
        the journal keeps what it holds, and the editor is told, as for its own fields."""
        self._keep_held()
        holder = self._held_holder()
        if holder is not None:
            holder.held_input_changed(field)

    def held_input_edited(self, field: FuzzyTimeEditor) -> None:
        """A time field of an answer holding input was edited further (called by the field)."""
        self._keep_held()
        holder = self._held_holder()
        if holder is not None and hasattr(holder, "held_input_edited"):
            holder.held_input_edited(field)

    def _held_holder(self) -> Any:
        # The next one up the way the field looks for this page (the incident editor).
        holder = self.parent()
        while holder is not None and not hasattr(holder, "held_input_changed"):
            holder = holder.parent()
        return holder

    def held_answers(self) -> dict[str, FuzzyTimeAnswer]:
        """The time answers holding input, by question id, in the bank's order."""
        return {
            question_id: card.answer
            for view in self.views
            if isinstance(view, SectionView)
            for question_id, card in view.cards.items()
            if isinstance(card.answer, FuzzyTimeAnswer)
            and card.answer.editor.held_problem is not None
        }

    def _keep_held(self) -> None:
        # Held times are not in the record, so not in its journal: a draft of kind
        # REVIEW_HELD keeps them (ui/recovery.py), and Restore shows them again (restore_held).
        from hindsight.ui.recovery import REVIEW_HELD, PageDraftKeeper, field_value, journal_of

        if self._held_keeper is None:
            journal = journal_of(self)
            if journal is None:
                return
            self._held_keeper = PageDraftKeeper(journal, self, kind=REVIEW_HELD)
        incident = self._incident
        if incident is None or incident.id is None:
            self._held_keeper.keep(None, "", {}, {})
            return
        held = self.held_answers()
        fields = {question_id: field_value(a.editor) for question_id, a in held.items()}
        first = next(iter(held.values()), None)
        about = (
            {"what": first.editor.what, "problem": first.editor.held_problem or ""}
            if first is not None
            else {}
        )
        self._held_keeper.keep(incident.id, incident.key, fields, about)

    def restore_held(self, fields: Mapping[str, Any]) -> list[str]:
        """Show times a draft kept as they were typed in the answers, held again with their
        message, and go to the first; those that could not be shown (a question the bank no
        longer has, or a milestone not known in the record now), each with what was typed."""
        from hindsight.ui.recovery import set_field_value

        answers = {
            question_id: card.answer
            for view in self.views
            if isinstance(view, SectionView)
            for question_id, card in view.cards.items()
        }
        left = []
        first = None
        for question_id, value in fields.items():
            answer = answers.get(question_id)
            typed = held_time_text(value.get("held") if isinstance(value, dict) else None)
            if not isinstance(answer, FuzzyTimeAnswer):
                log.warning("held time of an unknown question %r not put back", question_id)
                left.append(f"{question_id}: {typed}")
            elif not answer.known.isChecked():
                left.append(f"{answer.editor.what}: {typed}")
            else:
                set_field_value(answer.editor, value)
                first = first or question_id
        if first is not None:
            self.go_to_question(first)
        return left

    def set_ops(self, ops: Operations) -> None:
        """Run status moves and publish checks through `ops` (the editor's runner)."""
        self.ops = ops
        ops.changed.connect(self._on_changed)

    # Building

    def _build(self, bank: QuestionBank) -> None:
        for view in self.views:
            self.stack.removeWidget(view)
            view.deleteLater()
        self.sections.clear()
        self.views = [SectionView(section, bank, self._edit) for section in bank.sections]
        self.views.append(OtherAnswersView())
        for view in self.views:
            self.stack.addWidget(view)
        for section in bank.sections:
            self.sections.addItem(section.title)
        self.sections.addItem(OTHER_ANSWERS)
        self._bank = bank
        self.sections.setCurrentRow(0)

    # Navigation

    def go_to(self, row: int) -> None:
        """Show section number `row` (ignored when out of range)."""
        if 0 <= row < self.sections.count() and not self.sections.item(row).isHidden():
            self.sections.setCurrentRow(row)

    def _update_nav(self, row: int) -> None:
        last = self.sections.count() - 1
        if self.sections.item(last) is not None and self.sections.item(last).isHidden():
            last -= 1
        self.back_button.setEnabled(row > 0)
        self.next_button.setEnabled(row < last)

    def _blocker_clicked(self, target: str) -> None:
        if not self.go_to_question(target):
            self.targetActivated.emit(target)

    def go_to_question(self, question_id: str) -> bool:
        """Show the section holding `question_id` (or the attribution table) and focus it."""
        for row, view in enumerate(self.views):
            if not isinstance(view, SectionView):
                continue
            owns = question_id in view.cards or (
                question_id == "change_attribution" and view.attribution is not None
            )
            if owns:
                self.go_to(row)
                view.focus_question(question_id)
                return True
        return False

    def jump_to_first_open(self) -> None:
        """Go to the first required question without an answer."""
        if self._incident is None:
            return
        found = self._review().progress(self._incident).first_open_required()
        if found is not None:
            self.go_to_question(found[1])

    # Status

    def _ask_reason(self, title: str) -> str | None:
        # The reason typed is kept as a draft of kind REOPEN while the dialog is open.
        from hindsight.ui.recovery import keep_drafts

        fill, self._reason_fill = self._reason_fill, None
        ask = QInputDialog(self)
        ask.setWindowTitle(title)
        ask.setLabelText("Reason (recorded with the review):")
        ask.setInputMode(QInputDialog.InputMode.TextInput)  # makes its field, to keep here
        field = ask.findChild(QLineEdit)
        incident = self._incident
        if field is not None and incident is not None:
            keep_drafts(
                ask,
                {"reason": field},
                kind=REOPEN,
                incident_id=incident.id,
                incident_key=incident.key,
                fill={"reason": fill} if fill is not None else None,
            )
        try:
            return ask.textValue() if ask.exec() else None
        finally:
            ask.deleteLater()

    def move_to(self, status: ReviewStatus, reason: str = "") -> None:
        """Save pending edits, then ask the service to move the review (off the GUI thread);
        a refusal opens the list of what blocks it."""
        if self._moving or self.ops is None:
            return
        self._set_moving(True)
        self.before_move(
            lambda saved: self._move(status, reason) if saved else self._set_moving(False)
        )

    def _move(self, status: ReviewStatus, reason: str) -> None:
        incident = self.current()
        if incident is None or self.ops is None:
            self._set_moving(False)
            return
        self.move_problem.hide()
        snapshot = clone(incident)  # the worker reads a copy nobody edits

        def done(stored: Incident) -> None:
            self._set_moving(False)
            if self._incident is None or self._incident.id != stored.id:
                return  # another incident is open now; the list shows the move
            if status is ReviewStatus.PUBLISHED:
                self.publish_panel.close_panel()
            self.statusChanged.emit(stored)

        def failed(error: Exception) -> None:
            self._set_moving(False)
            if self._incident is None or self._incident.id != snapshot.id:
                return
            if isinstance(error, PublishBlockedError):
                self.show_blockers(error.blockers)
            elif isinstance(error, HindsightError):
                self._say(str(error))
            else:
                self._say(bug_message(error))

        self.ops.run(
            lambda ws: ws.review.move(snapshot, status, reason),
            done,
            owner=self,
            failed=failed,
            what="move the review",
        )

    def _set_moving(self, moving: bool) -> None:
        self._moving = moving
        for button in (self.submit_button, self.publish_button, self.reopen_button):
            button.setEnabled(not moving)

    def _say(self, message: str) -> None:
        self.move_problem.setText(message)
        self.move_problem.show()

    def reopen(self, *, fill: str | None = None) -> None:
        """Reopen a published review, with a recorded reason (with `fill`, the reason a draft
        left, put in the dialog that asks for it)."""
        self._reason_fill = fill
        reason = self.ask_reason("Reopen the review")
        self._reason_fill = None
        if reason is None:
            return
        if not reason.strip():
            self._say("Reopening needs a reason; nothing was changed.")
            return
        self.move_to(ReviewStatus.IN_REVIEW, reason)

    def restore_draft(self, draft: Draft) -> None:
        """Reopen the dialog asking why the review is reopened, with the reason a draft kept;
        when the review is no longer published (reopened elsewhere), say so and show it."""
        reason = draft.fields.get("reason")
        if not isinstance(reason, str):
            log.warning("a reopening's draft %s without a reason, not put back", draft.path)
            return
        incident = self._incident
        if incident is not None and incident.review_status is ReviewStatus.PUBLISHED:
            self.reopen(fill=reason)
            return
        messages.inform(
            self,
            "Review not published",
            "The review is not published now (reopened since), so there is nothing to reopen."
            + (f" The reason you typed: {reason}" if reason.strip() else ""),
        )

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._keep_questions_room()

    def _keep_questions_room(self) -> None:
        """Give the section list the width it had (or was dragged to), at most its share.

        In a narrow page the list is cut to SECTIONS_MOST_SHARE (its names word-wrap); widened
        again, it gets its width back. The panel of what blocks publishing is only cut.
        """
        sizes = self.splitter.sizes()
        total = sum(sizes)
        if total <= 0:
            return
        most = max(int(total * SECTIONS_MOST_SHARE), SECTIONS_LEAST_WIDTH)
        wanted = (
            sizes[0] if self.left.currentWidget() is self.publish_panel else self._sections_wanted
        )
        width = min(wanted, most)
        if width != sizes[0]:
            self.splitter.setSizes([width, total - width])

    def _splitter_dragged(self) -> None:
        if self.left.currentWidget() is self.sections:
            self._sections_wanted = self.splitter.sizes()[0]

    # What blocks publishing

    def show_blockers(self, blockers: list[Blocker]) -> None:
        """Open the panel listing `blockers` beside the questions."""
        self.publish_panel.show_blockers(blockers)
        if self.left.currentWidget() is not self.publish_panel:
            self._section_width = self.splitter.sizes()[0]
            self.left.setCurrentWidget(self.publish_panel)
            total = sum(self.splitter.sizes())
            panel = min(max(total // 3, self._section_width), 360)
            self.splitter.setSizes([panel, max(total - panel, 0)])
        self.close_panel_shortcut.setEnabled(True)

    def _panel_closed(self) -> None:
        self.close_panel_shortcut.setEnabled(False)
        if self.left.currentWidget() is self.publish_panel:
            self.left.setCurrentWidget(self.sections)
            total = sum(self.splitter.sizes())
            self.splitter.setSizes([self._section_width, max(total - self._section_width, 0)])

    def check_blockers(self) -> None:
        """Ask the publish gate again (off the GUI thread) and update the open panel."""
        incident = self._incident
        if self.publish_panel.isHidden() or incident is None or self.ops is None:
            return
        self._checks += 1
        number = self._checks
        snapshot = copy.deepcopy(incident)

        def done(blockers: list[Blocker]) -> None:
            current = self._incident
            same = current is not None and current.id == snapshot.id
            if number == self._checks and same and not self.publish_panel.isHidden():
                self.publish_panel.show_blockers(blockers)

        self.ops.run(
            lambda ws: ws.review.blockers(snapshot),
            done,
            owner=self,
            what="check what blocks publishing",
        )

    def _on_changed(self, changes: Changes, _initiator: object) -> None:
        incident = self._incident
        if incident is not None and changes.touches(incident.id):
            self._recheck.start()

    # Display

    def show_incident(self, incident: Incident) -> None:
        """Refresh answers, marks, header and controls from `incident`."""
        service = self._review()
        if self._bank is not service.bank:
            self._build(service.bank)
        bank = service.bank
        if self._incident is None or self._incident.id != incident.id:
            self.publish_panel.close_panel()
            self.move_problem.hide()
        else:
            self._recheck.start()
        self._incident = incident
        progress = service.progress(incident)
        for row, (view, part) in enumerate(zip(self.views, progress.sections, strict=False)):
            assert isinstance(view, SectionView)
            view.show_incident(incident)
            mark = "✓" if part.complete and part.started else ("◐" if part.started else "○")
            counts = f"{part.required_settled}/{part.required_total}" if part.required_total else ""
            self.sections.item(row).setText(f"{mark}  {part.section.title}  {counts}".rstrip())
        others = self.views[-1]
        assert isinstance(others, OtherAnswersView)
        orphans = orphaned_answers(bank, incident)
        self.sections.item(len(self.views) - 1).setHidden(not orphans)
        others.show_answers(incident, bank)
        self._update_nav(self.sections.currentRow())
        self.progress.setValue(progress.percent)
        status = incident.review_status
        self.status_label.setText(vocabulary().review_status_labels[status])
        self.status_label.setProperty("status", status.value)
        self.status_label.style().unpolish(self.status_label)
        self.status_label.style().polish(self.status_label)
        published = status is ReviewStatus.PUBLISHED
        self.submit_button.setVisible(status is ReviewStatus.DRAFT)
        self.publish_button.setVisible(not published)
        self.reopen_button.setVisible(published)
        self.next_open_button.setEnabled(not progress.complete and not published)
        self.set_read_only(published)
        self.summary.setText("\n".join(review_summary(incident, bank)))
        self.bank_problem.setText(service.bank_problem)
        self.bank_problem.setVisible(bool(service.bank_problem))

    def set_read_only(self, read_only: bool) -> None:
        """A published review can be read (scrolled, its text selected), not changed."""
        set_read_only(self.stack, read_only)
