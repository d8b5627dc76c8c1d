"""Settings ▸ PII Patterns: the team's own kinds of personal data, as named regexes.

A pattern is refused by name when it is not a valid regular expression, and when it takes
longer than the scan's time limit on one of the probe texts (hindsight.core.pii.probe_pattern):
such a pattern would be stopped in every scan of a text like it.
"""

from __future__ import annotations

import html

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hindsight.core.pii import (
    CustomPattern,
    PatternError,
    compile_patterns,
    probe_pattern,
    scan_text,
)
from hindsight.services.pii_scan import custom_patterns, pattern_specs, save_pattern_specs
from hindsight.ui.qt_helpers import eliding_header, place_window, problem_label, say_problem

EXAMPLE = "Customer CUST-00421337 wrote from jo@example.com about order ORD-2026-118204."


class PatternsDialog(QDialog):
    """Edits, tries and saves the custom patterns; an invalid regex is refused by name."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("PII patterns")
        self.setMinimumSize(520, 320)
        intro = QLabel(
            "Besides e-mail and IP addresses, phone and card numbers, the PII scan looks for "
            "these patterns: your own identifiers, such as a customer id format. Each is a "
            "Python regular expression; its name labels findings and their placeholder "
            "(“Customer id” redacts to “[customer id redacted]”)."
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(0, 2)
        eliding_header(self.table)
        self.table.setHorizontalHeaderLabels(["Name", "Regular expression"])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 180)
        self.add_button = QPushButton("&Add pattern")
        self.remove_button = QPushButton("&Remove")
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        self.sample = QPlainTextEdit(EXAMPLE)
        self.sample.setFixedHeight(60)
        self.sample_result = QLabel()
        self.sample_result.setWordWrap(True)
        self.problem = problem_label()
        # What probing each (name, regex) found: "" when it is fast enough, else the problem.
        # Kept for the dialog's life, so typing in the sample does not probe again.
        self._probed: dict[tuple[str, str], str] = {}
        self.box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(QLabel("Try them on some text:"))
        layout.addWidget(self.sample)
        layout.addWidget(self.sample_result)
        layout.addWidget(self.problem)
        layout.addWidget(self.box)
        place_window(self, (680, 520))  # never taller than a small screen at 2x scale

        for name, regex in pattern_specs():
            self.add_row(name, regex)
        _, stored_problems = custom_patterns()
        if stored_problems:
            self._show_problem(
                "Some stored patterns are not used until fixed: " + " ".join(stored_problems)
            )
        self.add_button.clicked.connect(lambda: self.add_row("", ""))
        self.remove_button.clicked.connect(self._remove_selected)
        self.table.itemChanged.connect(lambda _item: self._try())
        self.sample.textChanged.connect(self._try)
        self.box.accepted.connect(self.accept)
        self.box.rejected.connect(self.reject)
        self._try()

    def add_row(self, name: str, regex: str) -> None:
        """Add a pattern row (empty for the user to fill in)."""
        row = self.table.rowCount()
        self.table.insertRow(row)
        name_item = QTableWidgetItem(name)
        self.table.setItem(row, 0, name_item)
        self.table.setItem(row, 1, QTableWidgetItem(regex))
        if not name:
            self.table.setCurrentCell(row, 0)
            self.table.editItem(name_item)

    def _remove_selected(self) -> None:
        for row in sorted({i.row() for i in self.table.selectedIndexes()}, reverse=True):
            self.table.removeRow(row)
        self._try()

    def specs(self) -> list[tuple[str, str]]:
        """The (name, regex) pairs in the table; fully empty rows are left out."""
        found = []
        for row in range(self.table.rowCount()):
            name_item, regex_item = self.table.item(row, 0), self.table.item(row, 1)
            name = name_item.text() if name_item is not None else ""
            regex = regex_item.text() if regex_item is not None else ""
            if name.strip() or regex.strip():
                found.append((name, regex))
        return found

    def _show_problem(self, message: str) -> None:
        say_problem(self.problem, message)

    def checked_patterns(self) -> list[CustomPattern]:
        """The table's patterns compiled and probed; PatternError for the first unusable."""
        patterns = compile_patterns(self.specs())
        for custom in patterns:
            key = (custom.name, custom.regex.pattern)
            if key not in self._probed:
                try:
                    probe_pattern(custom)
                    self._probed[key] = ""
                except PatternError as error:
                    self._probed[key] = str(error)
            if self._probed[key]:
                raise PatternError(self._probed[key])
        return patterns

    def _try(self) -> None:
        try:
            patterns = self.checked_patterns()
        except PatternError as error:
            self.sample_result.setText("")
            self._show_problem(str(error))
            return
        self.problem.hide()
        scanned = scan_text(self.sample.toPlainText(), patterns)
        stopped = "".join(
            f" Stopped <b>{html.escape(s.name)}</b> on this sample: {html.escape(s.message)}"
            for s in scanned.stopped
        )
        if not scanned:
            self.sample_result.setText("Nothing found in the sample." + stopped)
            return
        listed = ", ".join(f"<b>{html.escape(f.label)}</b>: {html.escape(f.text)}" for f in scanned)
        self.sample_result.setText(f"Found {listed}" + stopped)

    def accept(self) -> None:
        try:
            save_pattern_specs(self.specs())
        except PatternError as error:
            self._show_problem(str(error))
            return
        except OSError as error:
            self._show_problem(f"The patterns could not be saved: {error}")
            return
        super().accept()
