"""One chart of the Insights view: its title, what it covers, the picture, its numbers.

The picture is a matplotlib canvas that builds its figure only when it is first painted, so a
page of charts costs only what is on screen; the others are drawn as they scroll into view
(or when the window draws them in idle time). Clicking a bar, a point or a range emits the
incidents behind it.

The pixels of the last charts drawn are kept (in this process, for every window): a chart is
plain, frozen numbers, so an equal chart at the same size draws the same picture. Reopening
the view, or going back to a scope shown a moment ago, then copies pixels instead of drawing.

A canvas does not draw on its own figure: its pictures are drawn on a few shared figures, one
per kind of axes, sized for each picture (`Easel`), and copied over. A figure that drew a
chart of the same kind keeps its axes and tick marks, and the glyphs and sizes of the texts
drawn are kept for the process (period labels, axis labels, tick numbers are much the same
from chart to chart), so even the first view of a process draws most of its charts as
cheaply as a change of scope redraws them. The canvas's own figure gets the chart's
artists (what a click is tested against) only when clicked.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from PySide6.QtCore import QByteArray, QMimeData, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QImage, QPaintEvent, QResizeEvent, QWheelEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from hindsight.core.insights_model import Chart, ChartKind
from hindsight.export import insights_charts
from hindsight.export.insights_report import table_of
from hindsight.export.insights_text import TextKeepingRenderer
from hindsight.ui.look import styled
from hindsight.ui.qt_helpers import eliding_header

CHART_HEIGHT = 300  # logical pixels
TABLE_HEIGHT = 320  # logical pixels: a table that stands for a chart, about ten rows
COPY_SCALE = 2  # a copied picture is drawn at twice its size on screen, for slides and print
KEPT_BYTES = 64 * 2**20  # pixels of drawn charts kept: about four pages of charts at 1x


class KeptPictures:
    """The pixels of the charts drawn last, by (chart, width, height, dpi); oldest out first."""

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self._kept: OrderedDict[tuple[Any, ...], tuple[Any, int]] = OrderedDict()
        self._bytes = 0

    def get(self, key: tuple[Any, ...]) -> Any | None:
        """The pixels kept for `key` (a matplotlib BufferRegion), or None."""
        found = self._kept.get(key)
        if found is None:
            return None
        self._kept.move_to_end(key)
        return found[0]

    def put(self, key: tuple[Any, ...], pixels: Any, size: int) -> None:
        """Keep `pixels` (`size` bytes) for `key`, letting the oldest go to stay in budget."""
        old = self._kept.pop(key, None)
        if old is not None:
            self._bytes -= old[1]
        if size > self.budget:
            return
        self._kept[key] = (pixels, size)
        self._bytes += size
        while self._bytes > self.budget:
            _, (_, dropped) = self._kept.popitem(last=False)
            self._bytes -= dropped

    def keys(self) -> list[tuple[Any, ...]]:
        """What is kept, oldest first."""
        return list(self._kept)

    def discard(self, key: tuple[Any, ...]) -> None:
        """Forget the picture of `key`, if kept."""
        old = self._kept.pop(key, None)
        if old is not None:
            self._bytes -= old[1]

    def clear(self) -> None:
        """Forget every picture (the bench draws anew with it)."""
        self._kept.clear()
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._kept)


PICTURES = KeptPictures(KEPT_BYTES)


class _EaselCanvas(FigureCanvasAgg):
    """An off-screen canvas whose renderer keeps the glyph pictures of its texts."""

    def get_renderer(self) -> TextKeepingRenderer:
        return _keeping_renderer(self)


def _keeping_renderer(canvas: FigureCanvasAgg) -> TextKeepingRenderer:
    """As FigureCanvasAgg.get_renderer, with a renderer that keeps the glyph pictures of its
    texts (made anew when the canvas's size or dpi changes)."""
    width, height = canvas.get_width_height(physical=True)
    key = (width, height, canvas.figure.dpi)
    renderer = getattr(canvas, "renderer", None)
    if canvas._lastKey != key or not isinstance(renderer, TextKeepingRenderer):
        renderer = canvas.renderer = TextKeepingRenderer(width, height, canvas.figure.dpi)
        canvas._lastKey = key  # type: ignore[assignment]  # typed None in matplotlib
    return renderer


class Easel:
    """The figures the view's pictures are drawn on: one per kind of axes (and dpi), sized
    for each picture, the last few used, for every canvas of the process (the GUI thread's
    alone).

    Any chart drawn on a figure that drew another of its kind, at any size, gives the
    picture a new figure gives (tests/export/test_insights_charts_shared.py); keeping the
    axes, their tick marks and the texts' glyphs saves about half of drawing it.
    """

    def __init__(self, count: int) -> None:
        self.count = count
        self._canvases: OrderedDict[tuple[Any, ...], _EaselCanvas] = OrderedDict()

    def draw(self, chart: Chart, size_inches: tuple[float, float], dpi: float) -> Any:
        """Draw `chart` on the figure for its kind at this size; returns its pixels (a
        matplotlib BufferRegion, for `restore_region` on a canvas of the same size)."""
        width, height = size_inches
        key = (*insights_charts.frame_kind(chart), dpi)
        canvas = self._canvases.get(key)
        if canvas is None:
            canvas = _EaselCanvas(Figure(figsize=(width, height), dpi=dpi))
            self._canvases[key] = canvas
            while len(self._canvases) > self.count:  # screens of many pixel ratios
                self._canvases.popitem(last=False)
        elif tuple(float(v) for v in canvas.figure.get_size_inches()) != (width, height):
            canvas.figure.set_size_inches(width, height, forward=False)
        self._canvases.move_to_end(key)
        insights_charts.draw(chart, canvas.figure)
        canvas.draw()
        return canvas.copy_from_bbox(canvas.figure.bbox)

    def __len__(self) -> int:
        return len(self._canvases)

    def clear(self) -> None:
        """Let every figure go (the bench starts from none, as a new process does)."""
        self._canvases.clear()


EASEL = Easel(8)  # the view's kinds of chart (at one pixel ratio, or two)


class ChartCanvas(FigureCanvasQTAgg):
    """A matplotlib canvas that draws one chart, when it is first seen."""

    picked = Signal(object)  # insights_charts.Target

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Figure(dpi=96))
        if parent is not None:
            self.setParent(parent)
        self.chart: Chart | None = None
        self.drawn = insights_charts.Drawn()
        self.builds = 0  # how often the picture was made (tests and the bench read it)
        self.renders = 0  # of those, how often drawn by matplotlib (not kept pixels)
        # The chart, size and dpi the figure's artists were made for.
        self._artists_of: tuple[Any, ...] | None = None
        self._stale = False
        self.setFixedHeight(CHART_HEIGHT)
        self.setMinimumWidth(360)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.mpl_connect("button_press_event", self._clicked)

    def set_chart(self, chart: Chart) -> None:
        """Show `chart` (drawn when next painted)."""
        self.chart = chart
        self._stale = chart.kind is not ChartKind.TABLE  # a table has no picture to draw
        self.update()

    @property
    def pending(self) -> bool:
        """True while the chart waits to be drawn."""
        return self._stale

    def build(self) -> None:
        """Make the picture of the chart now, if it is not made yet: the pixels of an equal
        chart drawn at this size before, else drawn."""
        if not self._stale or self.chart is None:
            return
        self._stale = False
        self.builds += 1
        key = self._picture_key()
        pixels = PICTURES.get(key)
        if pixels is None:
            width, height = self.get_width_height(physical=True)
            inches = self.figure.get_size_inches()
            pixels = EASEL.draw(self.chart, (float(inches[0]), float(inches[1])), self.figure.dpi)
            self.renders += 1
            PICTURES.put(key, pixels, width * height * 4)
        self.get_renderer().restore_region(pixels)

    def get_renderer(self) -> TextKeepingRenderer:
        return _keeping_renderer(self)

    def _picture_key(self) -> tuple[Any, ...]:
        width, height = self.get_width_height(physical=True)
        return (self.chart, width, height, float(self.figure.dpi))

    def _artists(self) -> None:
        """Put the chart's artists on the figure, unless they are there for this size."""
        if self.chart is None:
            return
        key = self._picture_key()
        if self._artists_of == key:
            return
        # Drawn over the last picture: the axes are kept when the chart is of the same kind.
        self.drawn = insights_charts.draw(self.chart, self.figure)
        self._artists_of = key

    def draw(self) -> None:
        # matplotlib asks for a draw after every resize, seen or not: draw only what is seen.
        # Building renders too; an unchanged figure is not rendered again.
        if self.visibleRegion().isEmpty():
            return
        self.build()
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        self.build()
        super().paintEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        # matplotlib's canvas takes every wheel turn for its scroll events, which no chart
        # uses: the page under the pointer scrolls instead (charts fill most of it).
        event.ignore()

    def resizeEvent(self, event: QResizeEvent) -> None:
        # The margins are worked out for a width: a new width lays the chart out again.
        self._stale = self.chart is not None and self.chart.kind is not ChartKind.TABLE
        super().resizeEvent(event)

    def _clicked(self, event: Any) -> None:
        if event.button != 1 or self.chart is None:
            return
        self._artists()  # a picture from kept pixels has its artists made now
        target = self.drawn.hit(event)
        if target is not None and target.ids:
            self.picked.emit(target)

    def point_of(self, series: str, category: str) -> QPoint | None:
        """Where on the widget the bar of (`series`, `category`) is drawn, if it is."""
        self.build()
        self._artists()
        place = self.drawn.places.get((series, category))
        if place is None:
            return None
        axes, x, y = place
        px, py = axes.transData.transform((x, y))
        ratio = self.device_pixel_ratio or 1
        return QPoint(round(px / ratio), round(self.height() - py / ratio))


class ChartCard(QFrame):
    """A chart with its title, coverage, note and (on request) its numbers as a table."""

    picked = Signal(object)  # insights_charts.Target
    saveRequested = Signal(str, str)  # chart key, "png" or "svg"

    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        styled(self, "chartCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = QLabel()
        styled(self.title, "chartTitle")
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.coverage = QLabel()
        styled(self.coverage, "chartCoverage")
        self.coverage.setTextFormat(Qt.TextFormat.PlainText)
        self.coverage.setWordWrap(True)  # not wider than the chart at 2x scale
        self.note = QLabel()
        styled(self.note, "hint")
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.canvas = ChartCanvas(self)
        self.canvas.picked.connect(self.picked)
        self.canvas.setToolTip("Click a bar, a point or a range to list those incidents")
        self.numbers = QTableWidget()
        eliding_header(self.numbers)
        self.numbers.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.numbers.verticalHeader().hide()
        self.numbers.setVisible(False)
        self.numbers.setMaximumHeight(220)
        self.numbers.cellDoubleClicked.connect(self._row_picked)

        self.menu_button = QToolButton()
        self.menu_button.setText("⋯")
        self.menu_button.setAccessibleName("Chart actions")
        self.menu_button.setToolTip("Copy or save the chart, or show its numbers")
        self.menu_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.menu_button)
        self.copy_action = menu.addAction("&Copy Image")
        self.copy_action.triggered.connect(self.copy_image)
        self.save_png_action = menu.addAction("Save as &PNG…")
        self.save_png_action.triggered.connect(lambda: self.saveRequested.emit(self.key, "png"))
        self.save_svg_action = menu.addAction("Save as &SVG…")
        self.save_svg_action.triggered.connect(lambda: self.saveRequested.emit(self.key, "svg"))
        menu.addSeparator()
        self.numbers_action: QAction = menu.addAction("Show &Numbers")
        self.numbers_action.setCheckable(True)
        self.numbers_action.toggled.connect(self._toggle_numbers)
        self.menu_button.setMenu(menu)

        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.menu_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.coverage)
        layout.addWidget(self.canvas)
        layout.addWidget(self.note)
        layout.addWidget(self.numbers)

    @property
    def chart(self) -> Chart | None:
        """The chart shown."""
        return self.canvas.chart

    def show_chart(self, chart: Chart) -> bool:
        """Show `chart`; False (and nothing redrawn) when it is the one shown already."""
        if chart == self.canvas.chart:
            return False
        self.title.setText(chart.title)
        self.coverage.setText(chart.coverage_text())
        self.note.setText(chart.note)
        self.canvas.set_chart(chart)
        table = chart.kind is ChartKind.TABLE
        # Numbers in mixed units share no axis: the table is the figure.
        self.canvas.setVisible(not table)
        for action in (self.copy_action, self.save_png_action, self.save_svg_action):
            action.setEnabled(not table)
        self.numbers_action.setVisible(not table)
        if table:
            self.numbers.setToolTip("Double-click a row to list its incidents")
            self.numbers.setVisible(True)
            self._fill_numbers()
            rows = self.numbers.rowCount()
            header = self.numbers.horizontalHeader().sizeHint().height()
            row = self.numbers.verticalHeader().defaultSectionSize()
            frame = 2 * self.numbers.frameWidth()
            scroll = self.numbers.horizontalScrollBar().sizeHint().height()
            self.numbers.setMaximumHeight(TABLE_HEIGHT)
            self.numbers.setFixedHeight(
                min(TABLE_HEIGHT, header + max(rows, 1) * row + frame + scroll)
            )
        elif self.numbers.isVisible():
            self._fill_numbers()
        return True

    def _row_picked(self, row: int, _column: int) -> None:
        """A double-clicked row of a table lists the incidents behind it."""
        chart = self.chart
        if chart is None or chart.kind is not ChartKind.TABLE:
            return
        with_ids = next((s for s in chart.series if s.ids), None)
        if with_ids is None or not 0 <= row < len(chart.categories):
            return
        ids = with_ids.ids[row]
        if ids:
            label = f"{chart.title}: {chart.categories[row].label}"
            self.picked.emit(insights_charts.Target(ids, label))

    def _toggle_numbers(self, shown: bool) -> None:
        if shown:
            self._fill_numbers()
        self.numbers.setVisible(shown)

    def _fill_numbers(self) -> None:
        if self.chart is None:
            return
        table = table_of(self.chart)
        self.numbers.clear()
        self.numbers.setColumnCount(len(table.headers))
        self.numbers.setRowCount(len(table.rows))
        self.numbers.setHorizontalHeaderLabels(list(table.headers))
        for row, cells in enumerate(table.rows):
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column:
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                self.numbers.setItem(row, column, item)
        self.numbers.resizeColumnsToContents()

    def copy_image(self) -> None:
        """Put the chart on the clipboard as a picture (and as SVG for apps that take it)."""
        if self.chart is None:
            return
        width = max(self.canvas.width(), 480)
        png = insights_charts.image(self.chart, width, CHART_HEIGHT, "png", scale=COPY_SCALE)
        svg = insights_charts.image(self.chart, width, CHART_HEIGHT, "svg")
        data = QMimeData()
        data.setImageData(QImage.fromData(png, "PNG"))  # type: ignore[arg-type]
        data.setData("image/svg+xml", QByteArray(svg))
        QApplication.clipboard().setMimeData(data)
