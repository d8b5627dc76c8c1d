"""The search box above the incident list, with its help, its save button and what it says.

Under the box, one line says what is shown ("12 incidents match, best first") or, when the
query cannot be understood, why (the parser's one-line message); the list keeps its last good
answer meanwhile.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from hindsight.ui.look import styled

if TYPE_CHECKING:  # the help (and the query language it quotes) loads when first asked for
    from hindsight.ui.search.help import SearchHelp

PLACEHOLDER = "Search every incident (Ctrl+F)"
SEARCHING = "Searching…"


class SearchBar(QWidget):
    """The search box, a help button, a save button, and a line saying what is shown."""

    saveRequested = Signal()
    relevanceRequested = Signal()  # show the matches best first again

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.box = QLineEdit()
        self.box.setPlaceholderText(PLACEHOLDER)
        self.box.setClearButtonEnabled(True)
        self.box.setAccessibleName("Search incidents")
        self.box.setToolTip(
            'Words anywhere in an incident, "exact phrases", prefix*, -left-out, OR, and '
            "fields such as severity:SEV1 or tag:drift. Press the ? button for the whole list."
        )
        self.help_button = QToolButton()
        self.help_button.setText("?")
        self.help_button.setToolTip("How to search: the query language, with examples")
        self.help_button.setAccessibleName("Search help")
        self.help_button.clicked.connect(self.show_help)
        self.save_button = QToolButton()
        self.save_button.setText("Save…")
        self.save_button.setToolTip("Keep this search under a name, with its count")
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self.saveRequested)
        self.message = QLabel()
        styled(self.message, "problem")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.message.hide()
        self.status = QLabel()
        styled(self.status, "hint")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setWordWrap(True)
        self.best_first = QToolButton()
        self.best_first.setText("Best first")
        self.best_first.setToolTip("Sort the matches by relevance again")
        self.best_first.setAutoRaise(True)
        self.best_first.clicked.connect(self.relevanceRequested)
        self.best_first.hide()
        self.help: SearchHelp | None = None

        box_row = QHBoxLayout()
        box_row.setContentsMargins(0, 0, 0, 0)
        box_row.addWidget(self.box, 1)
        box_row.addWidget(self.help_button)
        box_row.addWidget(self.save_button)
        status_row = QHBoxLayout()
        status_row.setContentsMargins(0, 0, 0, 0)
        status_row.addWidget(self.status, 1)
        status_row.addWidget(self.best_first)
        self.status_bar = QWidget()
        self.status_bar.setLayout(status_row)
        self.status_bar.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(box_row)
        layout.addWidget(self.message)
        layout.addWidget(self.status_bar)
        self.box.textChanged.connect(self._typed)

    def _typed(self, text: str) -> None:
        # The status line appears with the first key, not with the first answer: the list
        # then changes height while the search runs, so its rows are painted once, not twice.
        if text.strip() and not self.status_bar.isVisibleTo(self):
            self.show_status(SEARCHING, sorted_by_column=False)

    def show_help(self) -> None:
        """Open the query language's help under the box."""
        if self.help is None:
            from hindsight.ui.search.help import SearchHelp

            self.help = SearchHelp(self)
            self.help.chosen.connect(self.add_term)
        self.help.show_below(self.box)

    def add_term(self, term: str) -> None:
        """Add `term` to the end of the query and put the cursor after it."""
        text = self.box.text().rstrip()
        self.box.setText(f"{text} {term}" if text else term)
        self.box.setFocus()
        self.box.setCursorPosition(len(self.box.text()))

    def show_problem(self, message: str) -> None:
        """Say under the box why the query is not searched (empty: nothing to say)."""
        self.message.setText(message)
        self.message.setVisible(bool(message))
        if message and self.status.text() == SEARCHING:
            self.show_status("", sorted_by_column=False)  # nothing is being searched

    def show_status(self, text: str, *, sorted_by_column: bool) -> None:
        """Say what the list shows (empty: hide the line)."""
        self.status.setText(text)
        self.best_first.setVisible(bool(text) and sorted_by_column)
        self.status_bar.setVisible(bool(text))
