"""The PII scan page: findings in all of an incident's text, to jump to and redact."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hindsight.core.pii import Finding, ScanResult, StoppedPattern
from hindsight.ui.author_text import plain_tooltip
from hindsight.ui.look import styled
from hindsight.ui.qt_helpers import eliding_header, problem_label

RESCAN_DELAY_MS = 400
COLUMNS = ("Kind", "Where", "Text around it")
SNIPPET = Qt.ItemDataRole.UserRole + 1  # (before, found, after) of a finding's snippet
MARK = QColor("#fde68a")


class SnippetDelegate(QStyledItemDelegate):
    """Draws a snippet with the finding marked, without a widget per row (a QLabel per row
    made listing 30 findings take 50 ms, and 1,000 findings seconds)."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        parts = index.data(SNIPPET)
        if not parts:
            super().paint(painter, option, index)
            return
        before, found, after = parts
        item = QStyleOptionViewItem(option)
        self.initStyleOption(item, index)
        item.text = ""
        widget = item.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, item, painter, widget)
        area = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, item, widget)
        area = area.adjusted(4, 0, -4, 0)
        selected = bool(item.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        plain, bold = QFont(item.font), QFont(item.font)
        bold.setBold(True)
        metrics, bold_metrics = QFontMetrics(plain), QFontMetrics(bold)
        baseline = area.top() + (area.height() + metrics.ascent() - metrics.descent()) // 2
        painter.save()
        painter.setClipRect(area)
        x = area.left()
        painter.setFont(plain)
        painter.setPen(item.palette.color(role))
        painter.drawText(x, baseline, before)
        x += metrics.horizontalAdvance(before)
        width = bold_metrics.horizontalAdvance(found)
        painter.fillRect(QRect(x, area.top() + 2, width, area.height() - 4), MARK)
        painter.setFont(bold)
        painter.setPen(QColor("#1f2328"))  # dark on the yellow mark, selected or not
        painter.drawText(x, baseline, found)
        painter.setFont(plain)
        painter.setPen(item.palette.color(role))
        painter.drawText(x + width, baseline, after)
        painter.restore()


class ScanPage(QWidget):
    """Asks for the scan (on demand, on showing, and after edits) and lists what it found.

    `request()` starts a scan off the GUI thread (the privacy tab runs it); its findings come
    back through `show_findings`, so typing never waits for a scan.
    """

    jumpRequested = Signal(object)  # a Finding
    redactRequested = Signal(list)  # [Finding]

    def __init__(self, request: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._request = request
        self.scanning = False
        self.findings: list[Finding] = []
        # Custom patterns the latest scan stopped at the time limit (hindsight.core.pii).
        self.stopped: list[StoppedPattern] = []
        self._timer = QTimer(self, singleShot=True, interval=RESCAN_DELAY_MS)
        self._timer.timeout.connect(self.rescan)

        # Alt letters clear of the menus and the editor's tabs.
        self.scan_button = QPushButton("S&can now")
        self.go_button = QPushButton("&Go to")
        self.redact_button = QPushButton("Re&dact")
        self.redact_all_button = QPushButton("Redact all")
        self.patterns_button = QPushButton("P&atterns…")
        self.summary = QLabel()
        styled(self.summary, "hint")
        buttons = QHBoxLayout()
        for button in (self.scan_button, self.go_button, self.redact_button):
            buttons.addWidget(button)
        buttons.addWidget(self.redact_all_button)
        buttons.addStretch(1)
        buttons.addWidget(self.summary)
        buttons.addWidget(self.patterns_button)
        explain = QLabel(
            "Looks for e-mail and IP addresses, phone and card numbers and your team's own "
            "patterns in every text of this incident: overview, milestones, timeline, roles, "
            "teams, review answers, follow-ups, the data-access log and the checklist notes. "
            "Double-click a finding "
            "to go to it. Redacting replaces it with a placeholder such as [email redacted]; "
            "in the record that is undoable, in the access log it is an amendment."
        )
        styled(explain, "hint")
        explain.setWordWrap(True)
        # Which custom pattern a scan stopped, where, and what to do about it.
        self.stopped_label = problem_label()

        self.table = QTableWidget(0, len(COLUMNS))
        eliding_header(self.table)
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # Columns sized once per listing: sizing them to their contents on every cell set
        # made refilling a long list quadratic (12 s for 450 findings).
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.setItemDelegateForColumn(2, SnippetDelegate(self.table))
        self.empty = QLabel()
        styled(self.empty, "hint")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(explain)
        layout.addWidget(self.stopped_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty, 1)

        self.scan_button.clicked.connect(self.rescan)
        self.go_button.clicked.connect(self.go_to_selected)
        self.redact_button.clicked.connect(self.redact_selected)
        self.redact_all_button.clicked.connect(lambda: self.redactRequested.emit(self.findings))
        self.table.cellDoubleClicked.connect(lambda row, _column: self.go_to_row(row))
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self._update_buttons()

    def schedule(self) -> None:
        """Scan again after a short pause (called after each edit)."""
        self._timer.start()

    def rescan(self) -> None:
        """Scan now (off the GUI thread); the findings arrive through `show_findings`."""
        self._timer.stop()
        self.scanning = True
        self.summary.setText("Scanning…")
        self._request()

    def clear(self) -> None:
        """Show no findings, and no verdict either, until a scan of the new text ends."""
        self._timer.stop()
        self.findings = []
        self.stopped = []
        self.table.setRowCount(0)
        self.table.hide()
        self.empty.hide()
        self.stopped_label.hide()
        self.summary.setText("Not scanned yet")
        self._update_buttons()

    def show_findings(self, findings: list[Finding]) -> None:
        """List `findings` (the result of the latest scan), and say which custom patterns
        it stopped at the time limit when it is a ScanResult that stopped some."""
        self.scanning = False
        self.findings = findings
        self.stopped = list(findings.stopped) if isinstance(findings, ScanResult) else []
        self.stopped_label.setText("\n".join(s.message for s in self.stopped))
        self.stopped_label.setVisible(bool(self.stopped))
        self.table.setUpdatesEnabled(False)
        self.table.setRowCount(0)
        self.table.setRowCount(len(findings))
        for row, finding in enumerate(findings):
            kind = QTableWidgetItem(finding.label)
            kind.setData(Qt.ItemDataRole.UserRole, row)
            where = QTableWidgetItem(finding.where)
            where.setToolTip(plain_tooltip(finding.field))
            self.table.setItem(row, 0, kind)
            self.table.setItem(row, 1, where)
            snippet = QTableWidgetItem(finding.snippet)
            found = " ".join(finding.text.splitlines())
            snippet.setData(SNIPPET, (finding.before, found, finding.after))
            snippet.setToolTip(plain_tooltip(finding.snippet))
            self.table.setItem(row, 2, snippet)
        self.table.resizeColumnToContents(0)
        self.table.resizeColumnToContents(1)
        self.table.setUpdatesEnabled(True)
        count = len(findings)
        noun = "finding" if count == 1 else "findings"
        stopped = len(self.stopped)
        halted = f", {stopped} pattern{'' if stopped == 1 else 's'} stopped" if stopped else ""
        self.summary.setText(f"{count} {noun}{halted}")
        self.table.setVisible(bool(findings))
        self.empty.setVisible(not findings)
        self.empty.setText(
            "Nothing found by the patterns that finished (see above)."
            if stopped
            else "No personal data found in this incident's text."
        )
        self._update_buttons()

    def selected_rows(self) -> list[int]:
        """The selected rows, in order."""
        return sorted({index.row() for index in self.table.selectionModel().selectedRows()})

    def go_to_row(self, row: int) -> None:
        """Ask to show where the finding on `row` is."""
        if 0 <= row < len(self.findings):
            self.jumpRequested.emit(self.findings[row])

    def go_to_selected(self) -> None:
        """Go to the first selected finding."""
        rows = self.selected_rows()
        if rows:
            self.go_to_row(rows[0])

    def redact_selected(self) -> None:
        """Ask to redact the selected findings."""
        chosen = [self.findings[row] for row in self.selected_rows()]
        if chosen:
            self.redactRequested.emit(chosen)

    def _update_buttons(self) -> None:
        selected = bool(self.selected_rows())
        self.go_button.setEnabled(selected)
        self.redact_button.setEnabled(selected)
        self.redact_all_button.setEnabled(bool(self.findings))
