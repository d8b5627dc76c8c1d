"""Drawing insight charts with matplotlib, for the Insights view and the insights report.

Importing this module imports matplotlib (about half a second), so only the Insights view
and the report import it, when first used. Drawing works on any matplotlib Figure: the view
hands in the figure of a FigureCanvasQTAgg, the report one it saves as PNG or SVG. The look is
in insights_style.py, range charts in insights_ranges.py. Every chart has axis labels with
units. The title and the coverage line are set by the caller (a heading in the document, a
label in the view), so they stay selectable text.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import matplotlib
import matplotlib as mpl
from matplotlib import axis as maxis
from matplotlib.artist import allow_rasterization
from matplotlib.axes import Axes
from matplotlib.backends import backend_svg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.gridspec import GridSpec
from matplotlib.patches import Patch as MplPatch
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import Bbox

from hindsight.core.insights_model import Chart, ChartKind, Role, Series
from hindsight.export.insights_ranges import draw_ranges
from hindsight.export.insights_style import (
    GRID,
    LINE,
    LOGICAL_DPI,
    MUTED,
    STYLE,
    TEXT,
    UNKNOWN_SERIES,
    Drawn,
    Resolver,
    Target,
    appearance,
    bar_labels,
    bar_style,
    bar_target,
    category_ticks,
    is_time,
    legend,
    tidy,
)
from hindsight.export.insights_text import TextKeepingRenderer, keep_pixels, kept_pixels

__all__ = ["Drawn", "Target", "draw", "frame_kind", "image", "new_figure"]


def _cells_target(chart: Chart, series: Series, cells: list[int]) -> Resolver:
    def resolve(event: Any) -> Target | None:
        if not len(event.ind):
            return None
        return bar_target(chart, series, cells[int(event.ind[0])])(event)

    return resolve


def _blocks(
    chart: Chart, axes: Axes, drawn: Drawn, *, horizontal: bool, grouped: bool
) -> tuple[list[Any], float]:
    """Bars as one collection per series (quick to build and draw, whatever their number).

    Returns the legend handles and the largest total, for the value axis.
    """
    bars = [s for s in chart.series if s.role is Role.BAR]
    count = len(chart.categories)
    width = 0.8 / len(bars) if grouped and bars else 0.8
    hatched_categories = {i for i, c in enumerate(chart.categories) if c.unknown}
    bases = [0.0] * count
    handles: list[Any] = []
    for n, series in enumerate(bars):
        style = bar_style(series, n)
        groups: dict[bool, tuple[list[int], list[list[tuple[float, float]]]]] = {
            False: ([], []),
            True: ([], []),
        }
        for index, value in enumerate(series.values):
            size = float(value or 0)
            if size <= 0:
                continue
            place = count - 1 - index if horizontal else index  # the first bar on top
            start = place - 0.4 + (n * width if grouped else 0)
            base = 0.0 if grouped else bases[index]
            corners = [(start, base), (start, base + size), (start + width, base + size)]
            corners.append((start + width, base))
            if horizontal:
                corners = [(b, a) for a, b in corners]
            cells, shapes = groups[index in hatched_categories or series.unknown]
            cells.append(index)
            shapes.append(corners)
            middle = (start + width / 2, base + size / 2)
            x, y = (middle[1], middle[0]) if horizontal else middle
            drawn.place((series.key, chart.categories[index].key), (axes, x, y))
            if not grouped:
                bases[index] += size
            else:
                bases[index] = max(bases[index], size)
        for hatched, (cells, shapes) in groups.items():
            if not shapes:
                continue
            look = bar_style(UNKNOWN_SERIES, 0) if hatched else style
            collection = PolyCollection(
                shapes,
                facecolors=look["color"],
                edgecolors=look["edgecolor"],
                linewidths=look["linewidth"],
                hatch=look.get("hatch"),
            )
            axes.add_collection(collection)
            drawn.targets[collection] = _cells_target(chart, series, cells)
        handles.append(
            MplPatch(
                **{k: v for k, v in style.items() if k != "color"},
                facecolor=style["color"],
                label=series.label,
            )
        )
    return handles, max(bases, default=0.0)


def _columns(chart: Chart, axes: Axes, twin: Axes | None, drawn: Drawn, grouped: bool) -> int:
    handles, top = _blocks(chart, axes, drawn, horizontal=False, grouped=grouped)
    count = len(chart.categories)
    category_ticks(chart, axes)
    axes.set_xlim(-0.6, max(count, 1) - 0.4)
    axes.set_ylim(0, top * 1.08 if top else 1)
    axes.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=chart.unit != "days"))
    tidy(axes, chart.value_axis)
    axes.set_xlabel(chart.category_axis)
    axes.set_ylabel(chart.value_axis)
    handles += _lines(chart, axes, twin)
    return legend(axes, handles)


def _twinned(chart: Chart) -> bool:
    """True when `chart` draws its line on a second value axis (on the right)."""
    return (
        bool(chart.line_axis)
        and chart.kind not in (ChartKind.RANGES, ChartKind.BARS, ChartKind.TABLE)
        and any(s.role is Role.LINE for s in chart.series)
    )


def _lines(chart: Chart, axes: Axes, twin: Axes | None) -> list[Any]:
    lines = [s for s in chart.series if s.role is Role.LINE]
    if not lines or chart.kind is ChartKind.RANGES:
        return []
    target = twin if twin is not None else axes
    handles = []
    for series in lines:
        xs = [i for i, v in enumerate(series.values) if v is not None]
        ys = [float(series.values[i] or 0) for i in xs]
        (line,) = target.plot(
            xs, ys, color=LINE, marker="o", markersize=3, linewidth=1.2, label=series.label
        )
        handles.append(line)
    if twin is not None:
        target.set_ylabel(chart.line_axis)
        target.set_ylim(0, 105)
        target.spines["top"].set_visible(False)
        target.spines["right"].set_color(GRID)
        target.tick_params(length=2)
    return handles


CATEGORIES_FIRST = 0.01  # how far below the value axis the category axis of bars is drawn


def _bars(chart: Chart, axes: Axes, drawn: Drawn) -> int:
    handles, top = _blocks(chart, axes, drawn, horizontal=True, grouped=False)
    count = len(chart.categories)
    axes.set_yticks(range(count)[::-1], bar_labels(chart))
    axes.set_ylim(-0.6, max(count, 1) - 0.4)
    axes.set_xlim(0, top * 1.05 if top else 1)
    axes.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    tidy(axes, chart.value_axis, horizontal=True)
    # The categories' axis is drawn first, so its pixels can be copied from the same chart
    # in another scope (see _TicksOnceADraw). The two axes share no pixel that the frame
    # drawn after them leaves showing: the picture is the one drawn in the other order.
    axes.yaxis.set_zorder(axes.xaxis.get_zorder() - CATEGORIES_FIRST)
    axes.set_xlabel(chart.value_axis)
    axes.set_ylabel(chart.category_axis)
    return legend(axes, handles)


# Axis.draw as matplotlib wrote it (under the decorator that _TicksOnceADraw.draw has too).
_AXIS_DRAW: Any = getattr(maxis.Axis.draw, "__wrapped__", maxis.Axis.draw)


class _TicksOnceADraw:
    """An axis that works out its ticks and their labels' boxes once while it is drawn, and
    whose pixels are copied rather than drawn when they can be.

    matplotlib's Axis.draw works out which ticks to draw (placing and labelling each) and
    the boxes of their labels, then again to place the axis label, and the ticks a third
    time for the extent of the spine beside it. Nothing changes between them, so here the
    second and third time are given the first answer.

    The axis drawn first on a figure (the x axis of its first axes) is drawn on a blank
    figure: the figure's and the axes' white ground and nothing else. What the canvas holds
    then follows from the canvas's size, the grounds and the axis alone; an axis drawn before
    with the same ticks, labels and look at the same place (the categories of a chart, in
    another scope) has its pixels copied over the canvas instead of drawn: the very pixels
    drawing gives. Only on the view's canvases (a TextKeepingRenderer).
    """

    _drawing: dict[str, Any] | None = None

    @allow_rasterization
    def draw(self, renderer: Any) -> None:
        self._drawing = {"renderer": renderer}
        try:
            key = _first_axis_key(self, renderer)  # type: ignore[arg-type]
            found = kept_pixels(key) if key is not None else None
            if found is not None:
                renderer.restore_region(found)
                self.stale = False  # type: ignore[attr-defined]
                return
            _AXIS_DRAW(self, renderer)
            if key is not None:
                box = Bbox.from_bounds(0, 0, renderer.width, renderer.height)
                size = int(renderer.width) * int(renderer.height) * 4
                keep_pixels(key, renderer.copy_from_bbox(box), size)
        finally:
            self._drawing = None

    def _update_ticks(self) -> list[Any]:
        drawing = self._drawing
        if drawing is None:
            return super()._update_ticks()  # type: ignore[misc]
        if "ticks" not in drawing:
            drawing["ticks"] = super()._update_ticks()  # type: ignore[misc]
        return list(drawing["ticks"])

    def _get_ticklabel_bboxes(self, ticks: list[Any], renderer: Any) -> Any:
        drawing = self._drawing
        if drawing is None or renderer is not drawing["renderer"] or ticks != drawing.get("ticks"):
            return super()._get_ticklabel_bboxes(ticks, renderer)  # type: ignore[misc]
        if "boxes" not in drawing:
            drawing["boxes"] = super()._get_ticklabel_bboxes(ticks, renderer)  # type: ignore[misc]
        first, second = drawing["boxes"]
        return list(first), list(second)


def _parts(tick: Any) -> tuple[Any, ...]:
    """What a tick draws: its grid line, its two marks and its two labels."""
    return (tick.gridline, tick.tick1line, tick.tick2line, tick.label1, tick.label2)


def _first_axis_key(axis: Any, renderer: Any) -> tuple[Any, ...] | None:
    """What the canvas holds once `axis` is drawn, when it is the first thing drawn on the
    figure's white ground; else None."""
    if not isinstance(renderer, TextKeepingRenderer):
        return None
    axes = axis.axes
    figure = axes.get_figure(root=True)
    if figure is None or axes.get_figure(root=False) is not figure:
        return None
    if not (axes.axison and axes._frameon) or axes.get_animated():
        return None
    # The first drawn of the figure's children (after its ground), and of the axes'.
    drawn = sorted(
        (a for a in figure.get_children() if a is not figure.patch and not a.get_animated()),
        key=lambda a: a.get_zorder(),
    )
    if not drawn or drawn[0] is not axes:
        return None
    inside = sorted(
        (a for a in axes.get_children() if a is not axes.patch and not a.get_animated()),
        key=lambda a: a.get_zorder(),
    )
    if not inside or inside[0] is not axis:
        return None
    if axes.get_rasterization_zorder() is not None:
        return None
    ticks = axis._update_ticks()
    return (
        int(renderer.width),
        int(renderer.height),
        renderer.dpi,
        figure.dpi,
        appearance(figure.patch),
        appearance(axes.patch),
        tuple(axes.patch.get_bbox().bounds) if axes.patch.get_visible() else None,
        tuple(axes.bbox.bounds),
        axis.axis_name,
        axis.get_scale(),
        tuple(float(v) for v in axis.get_view_interval()),
        axis.get_label_position(),
        axis.get_ticks_position(),
        axis.labelpad,
        None if axis._autolabelpos else tuple(axis.label.get_position()),
        appearance(axis.label),
        appearance(axis.offsetText),
        axis.major.formatter.get_offset() if axis.offsetText.get_visible() else None,
        mpl.rcParams["text.hinting"],
        mpl.rcParams["text.hinting_factor"],
        mpl.rcParams["path.sketch"],
        tuple(
            (
                float(tick.get_loc()),
                tick in axis.minorTicks,
                tick._size,
                tick._width,
                tick._pad,
                tick._tickdir,
                tuple(map(appearance, _parts(tick))),
            )
            for tick in ticks
        ),
    )


class _XAxis(_TicksOnceADraw, maxis.XAxis):
    pass


class _YAxis(_TicksOnceADraw, maxis.YAxis):
    pass


class ChartAxes(Axes):
    """Axes whose axes work out their ticks once a draw (see _TicksOnceADraw)."""

    def _init_axis(self) -> None:
        self.xaxis = _XAxis(self, clear=False)
        self.spines.bottom.register_axis(self.xaxis)
        self.spines.top.register_axis(self.xaxis)
        self.yaxis = _YAxis(self, clear=False)
        self.spines.left.register_axis(self.yaxis)
        self.spines.right.register_axis(self.yaxis)


# Each figure remembers (in this attribute) the axes it was last drawn on and what they were
# made for: a figure drawing the same kind of chart again (a new scope in the view, another
# chart of the kind, the same at another size) keeps them and only swaps what is drawn on
# them. Making axes (and their tick marks) is about a quarter of drawing a chart. Kept on the
# figure itself, they go when it goes.
_FRAME = "_hindsight_frame"


def frame_kind(chart: Chart) -> tuple[ChartKind, bool]:
    """The axes `chart` is drawn on: their kind (grouped columns are set up as stacked ones)
    and whether a second value axis goes with them. Charts of one frame kind can be drawn
    on each other's axes."""
    kind = ChartKind.COLUMNS if chart.kind is ChartKind.GROUPED else chart.kind
    return kind, _twinned(chart)


def _signature(chart: Chart, figure: Figure) -> tuple[Any, ...]:
    """What the axes of `chart` depend on (their places follow the figure's size)."""
    return (*frame_kind(chart), float(figure.dpi))


def _range_grid(figure: Figure) -> dict[str, Any]:
    """A range chart's two columns: the side panel of counts keeps about the same width,
    however wide the chart."""
    width = float(figure.get_size_inches()[0] * LOGICAL_DPI)
    return {"width_ratios": (max(width - 230, 100), 100), "wspace": 0.12 * 560 / width}


def _emptied(axes: Axes) -> None:
    """Remove what was drawn on `axes`, keeping the axes, their ticks and their settings."""
    for artist in (
        *axes.collections,
        *axes.lines,
        *axes.patches,
        *axes.texts,
        *axes.images,
        *axes.artists,
    ):
        artist.remove()
    if axes.legend_ is not None:
        axes.legend_.remove()
    axes.containers.clear()
    axes.ignore_existing_data_limits = True


def _axes(chart: Chart, figure: Figure) -> tuple[Axes, ...]:
    """The axes to draw `chart` on: those of the last draw when they fit, else new ones."""
    signature = _signature(chart, figure)
    kept: tuple[tuple[Any, ...], tuple[Axes, ...]] | None = getattr(figure, _FRAME, None)
    # A figure cleared by someone else since has lost them: then they are made anew.
    if kept is not None and kept[0] == signature and (figure.axes == list(kept[1])):
        for axes in kept[1]:
            _emptied(axes)
        spec = kept[1][0].get_subplotspec()
        if chart.kind is ChartKind.RANGES and spec is not None:
            columns = _range_grid(figure)  # for the figure's width now
            grid = spec.get_gridspec()
            if isinstance(grid, GridSpec):  # as made below
                grid.set_width_ratios(columns["width_ratios"])
                grid.update(wspace=columns["wspace"])
        return kept[1]
    figure.clear()
    if chart.kind is ChartKind.RANGES:
        grid = figure.add_gridspec(1, 2, **_range_grid(figure))
        made: tuple[Axes, ...] = (
            figure.add_subplot(grid[0], axes_class=ChartAxes),
            figure.add_subplot(grid[1], axes_class=ChartAxes),
        )
    else:
        main = figure.add_subplot(axes_class=ChartAxes)
        # A line in its own unit gets a second value axis, on the right, sharing the first's
        # categories (kept with it, as it is).
        made = (main,)
        if _twinned(chart):
            # (axes_class is a class of axes; matplotlib's stubs type it as axes)
            made = (main, main.twinx(axes_class=ChartAxes))  # type: ignore[arg-type]
    setattr(figure, _FRAME, (signature, made))
    return made


def draw(chart: Chart, figure: Figure) -> Drawn:
    """Draw `chart` on `figure` (anything drawn there before is replaced); returns what
    can be clicked.

    A figure that drew the same kind of chart at the same size before keeps its axes: the
    picture is the same as on a new figure, only quicker to make.
    """
    drawn = Drawn()
    with matplotlib.rc_context(STYLE):  # type: ignore[arg-type]  # plain keys are accepted
        figure.set_facecolor("white")
        frame = _axes(chart, figure)
        axes = frame[0]
        if chart.kind is ChartKind.RANGES:
            rows = draw_ranges(chart, axes, frame[1], drawn)
        elif chart.kind is ChartKind.TABLE:
            axes.set_axis_off()  # mixed units share no axis; the card shows the table
            rows = 0
        elif chart.kind is ChartKind.BARS:
            rows = _bars(chart, axes, drawn)
        else:
            twin = frame[1] if len(frame) > 1 else None
            rows = _columns(chart, axes, twin, drawn, grouped=chart.kind is ChartKind.GROUPED)
        if chart.empty or chart.kind is ChartKind.TABLE:
            axes.text(
                0.5,
                0.5,
                "Nothing to show in this scope"
                if chart.empty
                else "Numbers in mixed units: see the table",
                transform=axes.transAxes,
                ha="center",
                va="center",
                color=MUTED,
            )
        _layout(chart, figure, rows)
    return drawn


def _layout(chart: Chart, figure: Figure, legend_rows: int) -> None:
    # Fixed margins instead of a layout engine: laying out measures every label twice.
    width, height = figure.get_size_inches() * LOGICAL_DPI
    left = 64 if chart.kind is ChartKind.RANGES else 54
    if chart.kind is ChartKind.BARS:
        longest = max(
            (len(line) for label in bar_labels(chart) for line in label.split("\n")),
            default=8,
        )
        left = int(longest * 5.3) + 34
    right = 56 if chart.line_axis or chart.kind is ChartKind.RANGES else 16
    wrapped = chart.kind is not ChartKind.BARS and not is_time(chart)
    bottom = 62 if wrapped else 40
    top = 10 + 15 * legend_rows
    figure.subplots_adjust(
        left=min(left / width, 0.45),
        right=1 - right / width,
        bottom=bottom / height,
        top=1 - top / height,
    )


def new_figure(width_px: int, height_px: int, dpi: float = 96) -> Figure:
    """A figure of the given size in pixels, not tied to any window."""
    return Figure(figsize=(width_px / dpi, height_px / dpi), dpi=dpi)


# The figures pictures were last drawn on, by chart key and size: a picture of the same chart
# in another scope (the next report) keeps their axes and tick marks, which in an SVG are
# about a third of the work. One thread at a time uses them; another makes a new figure.
_PICTURE_FIGURES: dict[tuple[str, int, int], Figure] = {}
KEPT_FIGURES = 48  # a report's charts twice over
_PICTURE_FIGURES_LOCK = threading.Lock()


def image(
    chart: Chart, width_px: int, height_px: int, kind: str = "png", scale: float = 2
) -> bytes:
    """The chart as PNG (at `scale` times the pixel size, for sharp print) or SVG bytes (its
    few pixel parts, such as a cloud of thousands of ranges, at `scale` times)."""
    if not _PICTURE_FIGURES_LOCK.acquire(blocking=False):
        return _image(chart, new_figure(width_px, height_px), kind, scale)
    try:
        key = (chart.key, width_px, height_px)
        figure = _PICTURE_FIGURES.get(key)
        if figure is None:
            if len(_PICTURE_FIGURES) >= KEPT_FIGURES:  # pictures of many sizes: start over
                _PICTURE_FIGURES.clear()
            figure = _PICTURE_FIGURES[key] = new_figure(width_px, height_px)
        return _image(chart, figure, kind, scale)
    finally:
        _PICTURE_FIGURES_LOCK.release()


# A saved chart's title: the band above the picture it takes, in pixels, and its size.
TITLE_BAND = 28
TITLE_SIZE = 10


def saved_image(
    chart: Chart, width_px: int, height_px: int, kind: str = "png", scale: float = 2
) -> bytes:
    """The chart as a file of its own (Save as PNG or SVG): the picture `image` makes, with
    the chart's title in a band above it, since a file alone must say what it shows (the
    view's card and the report print the title beside the picture, so theirs have none).

    Drawn on a figure of its own at the picture's size, then made taller by the band with
    the plot kept where it was from the bottom: the picture below the band is the same.
    """
    return _image(chart, new_figure(width_px, height_px), kind, scale, title=chart.title)


def _titled(figure: Figure, title: str) -> None:
    """`title` in a band above the drawn chart: the figure made taller by the band, its plot
    kept the same size and as far from the bottom edge (its margins are pixels)."""
    width, height = figure.get_size_inches() * LOGICAL_DPI
    params = figure.subplotpars
    bottom, top = params.bottom * height, (1 - params.top) * height
    taller = height + TITLE_BAND
    figure.set_size_inches(width / LOGICAL_DPI, taller / LOGICAL_DPI)
    figure.subplots_adjust(bottom=bottom / taller, top=1 - (top + TITLE_BAND) / taller)
    figure.text(
        8 / width,
        1 - 7 / taller,
        title,
        ha="left",
        va="top",
        fontsize=TITLE_SIZE,
        fontweight="bold",
        color=TEXT,
    )


def _image(chart: Chart, figure: Figure, kind: str, scale: float, title: str = "") -> bytes:
    draw(chart, figure)
    if title:
        with matplotlib.rc_context(STYLE):  # type: ignore[arg-type]  # the charts' font
            _titled(figure, title)
    buffer = io.BytesIO()
    with matplotlib.rc_context(STYLE):  # type: ignore[arg-type]
        if kind == "png":
            # Light compression: a chart is mostly flat colour, and zlib's default is slow.
            figure.savefig(buffer, format="png", dpi=96 * scale, pil_kwargs={"compress_level": 1})
        elif kind == "svg":
            with _light_png():
                figure.savefig(buffer, format=kind, dpi=96 * scale)
        else:
            figure.savefig(buffer, format=kind, dpi=96 * scale)
    return buffer.getvalue()


class _LightPNGImage:
    """A PIL image that saves itself as PNG with light compression unless told otherwise."""

    def __init__(self, image: Any) -> None:
        self._image = image

    def save(self, fp: Any, format: Any = None, **params: Any) -> None:
        params.setdefault("compress_level", 1)
        self._image.save(fp, format=format, **params)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._image, name)


class _LightPNGModule:
    """PIL's Image module, but for images made from arrays that save as light PNG."""

    def __init__(self, module: Any) -> None:
        self._module = module

    def fromarray(self, *args: Any, **kwargs: Any) -> _LightPNGImage:
        return _LightPNGImage(self._module.fromarray(*args, **kwargs))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._module, name)


_light_png_lock = threading.Lock()
_light_png_users = 0
_PIL_IMAGE: Any = None  # the module matplotlib's SVG backend uses, while it is stood in for


@contextmanager
def _light_png() -> Iterator[None]:
    """While in this context, the pixel parts of SVG pictures (a cloud of ranges, its dots)
    are written as PNG with light compression: zlib's default compression of the eight or so
    pictures of a report took about 0.2 s of the PDF's time; this takes a quarter of it. The
    pixels are the same (PNG is lossless), the SVG a little longer.

    matplotlib's SVG backend writes them with PIL's Image module and no option: it is stood
    in for in that backend (alone) while any thread is in this context.
    """
    global _light_png_users, _PIL_IMAGE
    with _light_png_lock:
        if _light_png_users == 0:
            _PIL_IMAGE = backend_svg.Image
            backend_svg.Image = _LightPNGModule(_PIL_IMAGE)  # type: ignore[assignment]
        _light_png_users += 1
    try:
        yield
    finally:
        with _light_png_lock:
            _light_png_users -= 1
            if _light_png_users == 0:
                backend_svg.Image = _PIL_IMAGE
                _PIL_IMAGE = None
