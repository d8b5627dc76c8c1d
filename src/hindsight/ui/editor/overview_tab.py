"""Overview: title, severity, phase, affected systems and models, tags, the postmortem's
authors, reviewers and number elsewhere, whether it is a historical record, and the summary."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from hindsight.core.enums import Phase, Severity
from hindsight.core.incident import Incident
from hindsight.core.record_rules import MAX_EXTERNAL_ID
from hindsight.services.incidents import MAX_TITLE
from hindsight.ui.author_text import keep_readable_when_disabled, set_line_text
from hindsight.ui.editor import EditFn
from hindsight.ui.look import styled
from hindsight.ui.one_line import one_line
from hindsight.ui.qt_helpers import current_enum, fill_combo, select_data, split_list
from hindsight.vocabulary import vocabulary


class SummaryEdit(QPlainTextEdit):
    """The summary's box: it asks for a few lines and takes whatever room the page has.

    A plain text edit asks for about a dozen lines, and a scrolling form gives every row what
    it asks for: the page would scroll to fit a summary taller than the room it had.
    """

    LINES = 4

    def sizeHint(self) -> QSize:
        return self.minimumSizeHint()

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        frame = 2 * self.frameWidth() + int(2 * self.document().documentMargin())
        return QSize(hint.width(), self.LINES * self.fontMetrics().lineSpacing() + frame)


class OverviewTab(QWidget):
    """The incident's headline facts."""

    def __init__(self, edit: EditFn, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        keep_readable_when_disabled(self)
        self._edit = edit
        words = vocabulary()
        self.title = QLineEdit()
        # The longest title a record keeps: longer, every autosave was refused with a box.
        self.title.setMaxLength(MAX_TITLE)
        self.title.setPlaceholderText("A one-line description a reader will recognise")
        self.severity = QComboBox()
        fill_combo(self.severity, ((s.value, s) for s in Severity))
        self.severity_help = QLabel()
        self.severity_help.setWordWrap(True)
        styled(self.severity_help, "hint")
        self.phase = QComboBox()
        fill_combo(self.phase, ((words.phase_labels[p], p) for p in Phase))
        self.phase_help = QLabel()
        styled(self.phase_help, "hint")
        self.phase_help.setWordWrap(True)
        self.systems = QLineEdit()
        self.systems.setPlaceholderText("Comma-separated, e.g. search serving, log feeders")
        self.models = QLineEdit()
        self.models.setPlaceholderText("Comma-separated model names")
        self.tags = QLineEdit()
        self.tags.setPlaceholderText("Comma-separated")
        # The postmortem as a document: who wrote and reviewed it, and its number elsewhere.
        self.authors = QLineEdit()
        self.authors.setPlaceholderText("Comma-separated names of who wrote the postmortem")
        self.reviewers = QLineEdit()
        self.reviewers.setPlaceholderText("Comma-separated names of who reviewed it")
        self.external_id = QLineEdit()
        self.external_id.setPlaceholderText("Its number in another tracker, e.g. INC-2291")
        self.external_id.setMaxLength(MAX_EXTERNAL_ID)  # the record's rule: never a failed save
        self.historical = QCheckBox("Written and published outside Hindsight")
        # As wide as its text: a click beside the text would look like a click on it.
        self.historical.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.historical.setToolTip(
            "Imports set this for a postmortem published elsewhere. Its review did not pass "
            "Hindsight's publish checks, and documents say so."
        )
        self.summary = SummaryEdit()
        self.summary.setPlaceholderText(
            "What happened, who was affected and how it ended, in a few paragraphs (Markdown)."
        )
        for combo in (self.severity, self.phase):
            for index in range(combo.count()):
                combo.setItemData(index, self._help_for(combo.itemData(index)), 3)  # tooltip

        # Alt letters: none may repeat one of the menus (F E I V S) or the editor's tabs
        # (O M L T R W P K), which are live on every tab; "Title", "Authors" and "Reviewers"
        # have no letter left.
        # The form scrolls when the editor is shorter than it (a small screen at 2x scale):
        # squeezed, its rows would overlap. Given room, it fills the page and the summary
        # takes what the other rows leave.
        fields = QWidget()
        form = QFormLayout(fields)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # labels above, if narrow
        self.page_scroll = QScrollArea()
        self.page_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.page_scroll.setWidgetResizable(True)
        self.page_scroll.setWidget(fields)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.page_scroll)
        form.addRow("Title", self.title)
        form.addRow("Severit&y", self.severity)
        form.addRow("", self.severity_help)
        form.addRow("P&hase", self.phase)
        form.addRow("", self.phase_help)
        form.addRow("Systems &affected", self.systems)
        form.addRow("Mo&dels affected", self.models)
        form.addRow("Ta&gs", self.tags)
        form.addRow("Authors", self.authors)
        form.addRow("Reviewers", self.reviewers)
        form.addRow("Num&ber elsewhere", self.external_id)
        form.addRow("Historical record", self.historical)
        form.addRow("S&ummary", self.summary)

        for field, what in (
            (self.title, "The title"),
            (self.systems, "Systems affected"),
            (self.models, "Models affected"),
            (self.tags, "Tags"),
            (self.authors, "Authors"),
            (self.reviewers, "Reviewers"),
            (self.external_id, "Number elsewhere"),
        ):
            one_line(field, what)  # before the edits below: they are given the line it makes
        self.title.textEdited.connect(
            lambda text: edit("Edit title", lambda i: setattr(i, "title", text), "title")
        )
        self.summary.textChanged.connect(self._summary_changed)
        self.severity.activated.connect(self._severity_chosen)
        self.phase.activated.connect(self._phase_chosen)
        for name, field in (
            ("systems", self.systems),
            ("models", self.models),
            ("tags", self.tags),
            ("authors", self.authors),
            ("reviewers", self.reviewers),
        ):
            field.textEdited.connect(
                lambda text, n=name: edit(f"Edit {n}", lambda i: setattr(i, n, split_list(text)), n)
            )

        self.external_id.textEdited.connect(
            lambda text: edit(
                "Edit number elsewhere",
                lambda i: setattr(i, "external_id", text.strip()),
                "external_id",
            )
        )
        self.historical.clicked.connect(
            lambda checked: edit(
                "Mark as historical" if checked else "Unmark historical",
                lambda i: setattr(i, "historical", bool(checked)),
            )
        )

    @staticmethod
    def _help_for(value: object) -> str:
        words = vocabulary()
        if isinstance(value, Severity):
            return words.severity_definitions[value]
        if isinstance(value, Phase):
            return words.phase_descriptions[value]
        return ""

    def _severity_chosen(self) -> None:
        severity = current_enum(self.severity, Severity)
        self._edit("Change severity", lambda i: setattr(i, "severity", severity))

    def _phase_chosen(self) -> None:
        phase = current_enum(self.phase, Phase)
        self._edit("Change phase", lambda i: setattr(i, "phase", phase))

    def _summary_changed(self) -> None:
        text = self.summary.toPlainText()
        self._edit("Edit summary", lambda i: setattr(i, "summary", text), "summary")

    def show_incident(self, incident: Incident) -> None:
        """Fill the fields from `incident` without recording edits."""
        set_line_text(self.title, incident.title)
        select_data(self.severity, incident.severity)
        select_data(self.phase, incident.phase)
        self.severity_help.setText(self._help_for(incident.severity))
        self.phase_help.setText(self._help_for(incident.phase))
        for field, values in (
            (self.systems, incident.systems),
            (self.models, incident.models),
            (self.tags, incident.tags),
            (self.authors, incident.authors),
            (self.reviewers, incident.reviewers),
        ):
            if split_list(field.text()) != values:
                set_line_text(field, ", ".join(values))
        if self.external_id.text().strip() != incident.external_id:
            set_line_text(self.external_id, incident.external_id)
        self.historical.setChecked(incident.historical)
        if self.summary.toPlainText() != incident.summary:
            self.summary.blockSignals(True)
            self.summary.setPlainText(incident.summary)
            self.summary.blockSignals(False)
