"""The Review page's views of one section: its questions (or the change attribution table),
and the answers whose questions the bank in use no longer has."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from hindsight.core.incident import Incident
from hindsight.review.answers import answer_text
from hindsight.review.bank import QuestionBank, Section
from hindsight.review.progress import orphaned_answers
from hindsight.ui.editor import EditFn
from hindsight.ui.look import styled
from hindsight.ui.review.attribution_editor import AttributionEditor
from hindsight.ui.review.question_card import QuestionCard


class SectionView(QScrollArea):
    """The questions of one section (or the attribution table), scrollable."""

    # Viewport width from which guidance fits beside each answer rather than under it. Decided
    # on the viewport, not the cards, since a card with guidance beside is wider than one without.
    GUIDANCE_BESIDE_FROM = 720

    def __init__(self, section: Section, bank: QuestionBank, edit: EditFn) -> None:
        super().__init__()
        self.section = section
        self.setWidgetResizable(True)
        # Text wraps to the pane's width; only a pane narrower than a row of choices scrolls.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        inner = QWidget()
        column = QVBoxLayout(inner)
        title = QLabel(section.title)
        title.setTextFormat(Qt.TextFormat.PlainText)
        title.setWordWrap(True)  # a long title must not make the page wider than its pane
        styled(title, "sectionTitle")
        column.addWidget(title)
        if section.intro:
            intro = QLabel(section.intro)
            intro.setTextFormat(Qt.TextFormat.PlainText)
            styled(intro, "hint")
            intro.setWordWrap(True)
            column.addWidget(intro)
        self.cards: dict[str, QuestionCard] = {}
        self.attribution: AttributionEditor | None = None
        if section.kind == "change_attribution":
            self.attribution = AttributionEditor(edit, section.change_kinds)
            column.addWidget(self.attribution)
        for question in section.questions:
            card = QuestionCard(question, bank.version, edit)
            column.addWidget(card)
            self.cards[question.id] = card
        column.addStretch(1)
        self.setWidget(inner)

    def resizeEvent(self, event: QResizeEvent) -> None:
        beside = event.size().width() >= self.GUIDANCE_BESIDE_FROM
        for card in self.cards.values():
            card.place_guidance(beside)
        super().resizeEvent(event)

    def show_incident(self, incident: Incident) -> None:
        for card in self.cards.values():
            card.show_incident(incident)
        if self.attribution is not None:
            self.attribution.show_incident(incident)

    def focus_question(self, question_id: str) -> None:
        """Scroll to a question and put the cursor in its answer."""
        card = self.cards.get(question_id)
        target = card if card is not None else self.attribution
        if target is None:
            return
        self.ensureWidgetVisible(target, 0, 40)
        self.horizontalScrollBar().setValue(0)
        focus = target if card is None else card.answer
        # Focus the first input inside the answer, not the container.
        first = focus.findChildren(QWidget)
        (first[0] if first else focus).setFocus()


class OtherAnswersView(QScrollArea):
    """Answers whose questions are not in the bank in use: kept and shown, read-only."""

    def __init__(self) -> None:
        super().__init__()
        self.setWidgetResizable(True)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.setWidget(self.label)

    def show_answers(self, incident: Incident, bank: QuestionBank) -> None:
        parts = [
            f"{a.question_id} (bank {a.bank_version or 'unknown'})\n{answer_text(None, a)}"
            for a in orphaned_answers(bank, incident)
        ]
        if not parts:
            self.label.clear()
            return
        intro = (
            "These answers belong to questions that the question bank in use no longer has. "
            "They are kept, and exported with the review."
        )
        self.label.setText(intro + "\n\n" + "\n\n".join(parts))
