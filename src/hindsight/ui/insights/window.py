"""The Insights view: a page of charts over the incidents in a scope.

The figures are worked out on the database lane (services/insights.py keeps a snapshot, so
a change of scope reads nothing); the charts on screen are drawn first, the rest in idle
time. A change saved anywhere is looked at only while the view is shown (else when it is
shown next), after a short pause, and only the charts whose numbers changed are redrawn.
Clicking a bar, a point or a range lists those incidents in the main window.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QPaintEvent, QShowEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from hindsight.core.insights_model import ChartKind, Insights
from hindsight.export import insights_charts
from hindsight.services.insights import ScopeChoices, insights_for
from hindsight.ui import file_dialogs
from hindsight.ui.clamped_label import ClampedLabel, carried_over
from hindsight.ui.insights.chart_card import CHART_HEIGHT, ChartCard
from hindsight.ui.insights.scope_bar import ScopeBar
from hindsight.ui.look import styled
from hindsight.ui.qt_helpers import place_window, problem_label

if TYPE_CHECKING:
    from hindsight.services.changes import Changes
    from hindsight.services.workspace import Workspace
    from hindsight.ui.main_window import MainWindow

SCOPE_DELAY_MS = 150  # gather a burst of ticks into one recount
CHANGE_DELAY_MS = 400  # gather saves (autosave, a drag) into one recount
COLUMNS = 2
SUMMARY_LINES = 4  # of the summary above the charts: a long scope is cut, whole in the tooltip
IMAGE_FILTERS = {"png": "PNG pictures (*.png)", "svg": "SVG pictures (*.svg)"}


class _SummaryLabel(ClampedLabel):
    """The summary above the charts: its lines are always those `wrapped_lines` makes, so a
    word longer than the line (a saved search named without spaces) is broken at its end
    instead of running past it; beyond `max_lines` the rest is cut, whole in the tooltip."""

    def _height(self, count: int) -> int:
        return count * self.fontMetrics().lineSpacing() + self._frame()[1]

    def heightForWidth(self, width: int) -> int:
        return self._height(max(len(self.lines(width)), 1))

    def minimumSizeHint(self) -> QSize:
        return QSize(self.minimumWidth(), self._height(1))

    def paintEvent(self, event: QPaintEvent) -> None:
        lines = self.lines()
        if not self.is_cut():  # (cut lines carry their direction controls already)
            lines = [before + line for before, line in zip(carried_over(lines), lines, strict=True)]
        self._paint_lines(lines, centred=False)


class InsightsWindow(QMainWindow):
    """Charts across the incidents of the main window's database."""

    updated = Signal()  # new figures are shown (tests and the bench wait on it)

    def __init__(self, main: MainWindow) -> None:
        super().__init__(main)
        self.setWindowFlag(Qt.WindowType.Window)
        self.main = main
        self.ops = main.ops
        self.insights: Insights | None = None
        self.cards: dict[str, ChartCard] = {}
        self._busy = False
        self._again = False
        self._stale = True
        self.idle_drawing = True  # draw charts off screen in idle moments (the bench turns it off)
        name = main.workspace.path.name if main.workspace is not None else ""
        self.setWindowTitle(f"Hindsight — Insights — {name}" if name else "Hindsight — Insights")
        place_window(self, (1320, 860))

        self.scope_bar = ScopeBar()
        # Plain, word-wrapped, at most a few lines (the rest "…", whole in the tooltip). Its
        # least width is set, not its longest word's: a saved search named as one long word
        # made the window wider than the screen (such a word is broken where the line ends).
        self.summary = _SummaryLabel(SUMMARY_LINES)
        self.summary.setObjectName("insightsSummary")
        self.summary.setMinimumWidth(self.summary.fontMetrics().averageCharWidth() * 32)
        self.state = QLabel("Working out the figures…")
        styled(self.state, "hint")
        self.problem = problem_label()
        self.page = QWidget()
        styled(self.page, "insightsPage")
        self.page_layout = QVBoxLayout(self.page)
        self.page_layout.addStretch(1)
        self.charts_area = QScrollArea()
        self.charts_area.setWidgetResizable(True)
        # A scroll bar appearing later would narrow every chart and draw them all again.
        self.charts_area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.charts_area.setWidget(self.page)
        self._grids: list[tuple[QGridLayout, list[tuple[ChartCard, bool]]]] = []
        self._columns = COLUMNS
        self._card_least = 0
        self.charts_area.viewport().installEventFilter(self)  # two cards a row, or one
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.addWidget(self.scope_bar)
        summary_row = QHBoxLayout()
        summary_row.addWidget(self.summary, 1)
        summary_row.addWidget(self.scope_bar.reset_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(summary_row)
        layout.addWidget(self.state)
        layout.addWidget(self.problem)
        layout.addWidget(self.charts_area, 1)
        self.setCentralWidget(central)
        self._build_menus()

        self._scope_timer = QTimer(self)
        self._scope_timer.setSingleShot(True)
        self._scope_timer.setInterval(SCOPE_DELAY_MS)
        self._scope_timer.timeout.connect(self.refresh)
        self._change_timer = QTimer(self)
        self._change_timer.setSingleShot(True)
        self._change_timer.setInterval(CHANGE_DELAY_MS)
        self._change_timer.timeout.connect(self.refresh)
        self.scope_bar.changed.connect(self._scope_timer.start)
        self.scope_bar.searchGone.connect(
            lambda name: self.statusBar().showMessage(
                f"The saved search “{name}” is gone (deleted or renamed): the view counts "
                "every incident again.",
                20000,
            )
        )
        self.ops.changed.connect(self._on_changed)

    def _build_menus(self) -> None:
        keys = QKeySequence.StandardKey
        file_menu = self.menuBar().addMenu("&File")
        self.export_action = file_menu.addAction("&Export Report…")
        self.export_action.setShortcut(QKeySequence("Ctrl+E"))
        self.export_action.triggered.connect(lambda: self.main.insights_ui.export_report())
        file_menu.addSeparator()
        close = file_menu.addAction("&Close")
        close.setShortcut(keys.Close)
        close.triggered.connect(self.close)
        view_menu = self.menuBar().addMenu("&View")
        self.reload_action = view_menu.addAction("Re&load")
        self.reload_action.setShortcut(keys.Refresh)
        self.reload_action.triggered.connect(self.refresh)
        self.reset_action = view_menu.addAction("&All Incidents")
        self.reset_action.triggered.connect(self.scope_bar.reset)

    # Figures

    def refresh(self) -> None:
        """Work out the figures for the scope shown (once more, if asked while busy)."""
        if self._busy:
            self._again = True
            return
        scope, period = self.scope_bar.scope(), self.scope_bar.chosen_period()
        if scope.problems:
            self.problem.setText(" ".join(scope.problems))
            self.problem.show()
            return
        self.problem.hide()
        self._busy, self._stale = True, False
        self.state.setText("Working out the figures…")

        def work(workspace: Workspace) -> tuple[Insights, ScopeChoices, list[str]]:
            service = insights_for(workspace)
            return service.figures(scope, period), service.choices(), service.saved_searches()

        self.ops.run(
            work,
            self._show,
            owner=self,
            failed=self._failed,
            what="work out the insights",
        )

    def _show(self, result: tuple[Insights, ScopeChoices, list[str]]) -> None:
        self._busy = False
        insights, choices, searches = result
        self.insights = insights
        self.scope_bar.set_choices(choices.tags, choices.systems, choices.teams, choices.first_day)
        self.scope_bar.set_searches(searches)
        self._ensure_cards(insights)
        redrawn = sum(self.cards[c.key].show_chart(c) for c in insights.charts)
        noun = "incident" if insights.incidents == 1 else "incidents"
        scope_text = insights.scope.describe()  # names as written: no str.capitalize()
        self.summary.setText(
            f"{scope_text[:1].upper() + scope_text[1:]}: {insights.incidents} {noun}, "
            f"{insights.items} follow-up item{'' if insights.items == 1 else 's'}; counted by "
            f"{insights.period.label.lower()}, "
            f"as of {insights.today.isoformat()}. Click a bar, a point or a range to list "
            "those incidents in the main window."
        )
        self.state.setText(
            f"{redrawn} chart{'s' if redrawn != 1 else ''} redrawn." if redrawn else "Up to date."
        )
        QTimer.singleShot(0, self._draw_next)
        self.updated.emit()
        if self._again:
            self._again = False
            self.refresh()

    def _failed(self, error: Exception) -> None:
        self._busy = False
        self.state.setText("")
        self.problem.setText(f"The figures could not be worked out: {error}")
        self.problem.show()
        # A chosen saved search may have gone: the list read anew drops it, back to any.
        self.ops.run(
            lambda ws: insights_for(ws).saved_searches(),
            self.scope_bar.set_searches,
            owner=self,
            what="read the saved searches",
        )
        if self._again:
            self._again = False
            self.refresh()

    def _ensure_cards(self, insights: Insights) -> None:
        if self.cards:
            return
        self.page_layout.takeAt(self.page_layout.count() - 1)  # the stretch
        for section in insights.sections:
            heading = QLabel(section)
            styled(heading, "sectionTitle")
            self.page_layout.addWidget(heading)
            grid = QGridLayout()
            grid.setHorizontalSpacing(12)
            grid.setVerticalSpacing(12)
            entries = []
            for chart in (c for c in insights.charts if c.section == section):
                card = ChartCard(chart.key)
                card.picked.connect(self._picked)
                card.saveRequested.connect(self.save_chart)
                self.cards[chart.key] = card
                entries.append((card, chart.kind is ChartKind.TABLE))
            self._grids.append((grid, entries))
            self.page_layout.addLayout(grid)
        self.page_layout.addStretch(1)
        # The cards' least width, measured once (a resize asks it of every card otherwise).
        self._card_least = max(card.minimumSizeHint().width() for card in self.cards.values())
        self._columns = self._columns_for(self.charts_area.viewport().width())
        self._place_cards()
        # Lay the page out now, so the first paint sees the cards where they will stay and
        # draws only those on screen (not all of them, squeezed, before the layout settles).
        self.page_layout.activate()
        self.page.resize(self.charts_area.viewport().width(), self.page.sizeHint().height())

    def _columns_for(self, width: int) -> int:
        """Two cards side by side where two fit at their least width, else one (a small
        screen at 2x scale: two made the page wider than the window, scrolling sideways)."""
        return COLUMNS if width >= COLUMNS * self._card_least + 12 * (COLUMNS - 1) + 24 else 1

    def _place_cards(self) -> None:
        columns = self._columns
        for grid, entries in self._grids:
            for card, _table in entries:
                grid.removeWidget(card)
            row = column = 0
            for n, (card, table) in enumerate(entries):
                # A table (many columns of numbers) takes the whole width, and so does the
                # last chart of a row left alone, leaving no hole.
                alone = column == 0 and (n == len(entries) - 1 or entries[n + 1][1])
                whole = table or alone
                if whole and column:
                    row, column = row + 1, 0
                span = columns if whole else 1
                grid.addWidget(card, row, column, 1, span)
                column += span
                if column >= columns:
                    row, column = row + 1, 0
            for column in range(COLUMNS):
                grid.setColumnStretch(column, 1 if column < columns else 0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.charts_area.viewport()
            and event.type() == QEvent.Type.Resize
            and self.cards
        ):
            columns = self._columns_for(self.charts_area.viewport().width())
            if columns != self._columns:
                self._columns = columns
                self._place_cards()
        return super().eventFilter(watched, event)

    def _draw_next(self) -> None:
        """Draw one chart that is not on screen yet; again at the next idle moment."""
        if not self.idle_drawing:
            return
        for card in self.cards.values():
            if card.canvas.pending and card.isVisible():
                card.canvas.build()
                QTimer.singleShot(0, self._draw_next)
                return

    def draw_all(self) -> None:
        """Draw every chart now (the bench measures this; the view draws them lazily)."""
        for card in self.cards.values():
            card.canvas.build()

    # Reacting

    def _on_changed(self, changes: Changes, _initiator: object) -> None:
        touched = (
            changes.everything
            or changes.incidents
            or changes.removed
            or changes.followups
            or changes.saved_searches  # the list offered, and a chosen search's query
        )
        if not touched:
            return  # privacy records do not enter any figure
        if not self.isVisible():
            self._stale = True
            return
        self._change_timer.start()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def closeEvent(self, event: QCloseEvent) -> None:
        self._scope_timer.stop()
        self._change_timer.stop()
        super().closeEvent(event)

    def _picked(self, target: insights_charts.Target) -> None:
        self.main.show_incidents(set(target.ids), target.label)

    # Pictures

    def save_chart(self, key: str, kind: str) -> None:
        """Ask where, then write one chart as PNG or SVG (off the GUI thread)."""
        card = self.cards.get(key)
        if card is None or card.chart is None:
            return
        chart = card.chart
        suggested = file_dialogs.in_last_folder(
            "chart", f"{key}.{kind}", file_dialogs.documents_folder()
        )
        name, _ = file_dialogs.get_save_file_name(
            self, f"Save chart as {kind.upper()}", suggested, IMAGE_FILTERS[kind]
        )
        if not name:
            return
        file_dialogs.remember_folder("chart", name)
        path = Path(name)
        if path.suffix.lower() != f".{kind}":
            path = path.with_name(path.name + f".{kind}")
        width = max(card.canvas.width(), 480)

        def work(_workspace: Workspace, _task: object) -> Path:
            from hindsight.export.atomic import write_atomic

            scale = 2 if kind == "png" else 1
            return write_atomic(
                path, insights_charts.saved_image(chart, width, CHART_HEIGHT, kind, scale=scale)
            )

        self.ops.run_long(
            work,
            lambda written: self.statusBar().showMessage(f"Saved {written}", 8000),
            owner=self,
            what=f"save the chart as {kind.upper()}",
        )
