"""Drawing insight charts with matplotlib, for the Insights view and the insights report.

Importing this module imports matplotlib (about half a second), so only the Insights view
and the report import it, when first used. Drawing works on any matplotlib Figure: the view
hands in the figure of a FigureCanvasQTAgg, the report one it saves as PNG or SVG.

Style: the app's sans-serif font, quiet axes, a colour-blind-safe palette (Okabe and Ito's
eight colours; an ordered orange scale for severity), and the "no answer" group always grey
with hatching so it stays apart in print and in greyscale. Every chart has axis labels with
units. The title and the coverage line are set by the caller (a heading in the document, a
label in the view), so they stay selectable text.
"""

from __future__ import annotations

import io
import math
import re
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import matplotlib
import numpy as np
from matplotlib import patheffects
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch as MplPatch
from matplotlib.ticker import FixedFormatter, FixedLocator, MaxNLocator, NullLocator

from hindsight.core.insights_model import (
    Chart,
    ChartKind,
    Role,
    Series,
)

FONT = "DejaVu Sans"
TEXT = "#1f2933"
MUTED = "#52606d"
GRID = "#d9dee3"
UNKNOWN_FACE = "#c4c9cf"
UNKNOWN_EDGE = "#5f6b7a"
UNKNOWN_HATCH = "////"
# Okabe & Ito: distinguishable with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")
SEMANTIC = {
    # Severity is ordered: one hue, darker for more severe, readable in greyscale too.
    "SEV1": "#7f2704",
    "SEV2": "#d94801",
    "SEV3": "#fd8d3c",
    "SEV4": "#fdd0a2",
    "implicated": "#D55E00",
    "ruled_out": "#0072B2",
    "opened": "#E69F00",
    "closed": "#0072B2",
    "open": "#E69F00",
    "monitoring": "#0072B2",
    "marked_unknown": "#CC79A7",
    "not_applicable": "#56B4E9",
}
LINE = "#1f2933"
MINUTE_IN_HOURS = 1 / 60  # durations under a minute are drawn at one minute on the log axis
MAX_TICK_LABELS = 10
# Margins and label room are in pixels at 96 dpi: text is sized in points, so on a screen
# drawn at twice the pixels (dpi 192) both grow alike and the layout stays the same.
LOGICAL_DPI = 96
BAR_LABEL_CHARS = 26  # a line of a horizontal bar's label; two lines at most
COLUMN_LABEL_CHARS = 13

STYLE = {
    "font.family": FONT,
    "font.size": 8,
    "axes.edgecolor": GRID,
    "axes.labelcolor": MUTED,
    "axes.labelsize": 8,
    "xtick.color": MUTED,
    "ytick.color": MUTED,
    "xtick.labelsize": 7.5,
    "ytick.labelsize": 7.5,
    "legend.fontsize": 7.5,
    "legend.frameon": False,
    "hatch.linewidth": 0.6,
    "svg.fonttype": "none",  # SVG keeps real text, searchable and selectable
}


@dataclass(frozen=True, slots=True)
class Target:
    """What a click on a drawn element stands for: incidents, and words for them."""

    ids: frozenset[int]
    label: str


Resolver = Callable[[Any], Target | None]  # from a click on the element (a _Hit)


@dataclass
class Drawn:
    """What was drawn: the clickable artists and how to turn a pick into incidents."""

    targets: dict[Artist, Resolver] = field(default_factory=dict)
    # The middle of each bar in data coordinates, by (series key, category key): where a
    # click lands on it (tests click there, as a person would).
    places: dict[tuple[str, str], tuple[Axes, float, float]] = field(default_factory=dict)

    def hit(self, mouse: Any) -> Target | None:
        """The incidents behind a click (a matplotlib mouse event), if it hit anything.

        Asked of every clickable element rather than through matplotlib's picking, which
        only looks at the uppermost of overlaid axes (a chart with a second axis).
        """
        for artist, resolver in self.targets.items():
            inside, details = artist.contains(mouse)
            if inside:
                event = _Hit(artist, mouse, details.get("ind", ()))
                found = resolver(event)
                if found is not None:
                    return found
        return None


@dataclass(frozen=True, slots=True)
class _Hit:
    """What a resolver reads of a click: the element, the mouse event, the indices hit."""

    artist: Any
    mouseevent: Any
    ind: Sequence[int]


def colour(series: Series, position: int) -> str:
    """A series' colour: fixed for known meanings, else the palette in order."""
    return SEMANTIC.get(series.key, PALETTE[position % len(PALETTE)])


def _bar_style(series: Series, position: int) -> dict[str, Any]:
    if series.unknown:
        return {
            "color": UNKNOWN_FACE,
            "edgecolor": UNKNOWN_EDGE,
            "hatch": UNKNOWN_HATCH,
            "linewidth": 0.4,
        }
    return {"color": colour(series, position), "edgecolor": "white", "linewidth": 0.4}


_UNKNOWN_SERIES = Series("unknown", "No answer", ())


def _tidy(axes: Axes, value_axis: str, horizontal: bool = False) -> None:
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.set_axisbelow(True)
    axes.grid(axis="x" if horizontal else "y", color=GRID, linewidth=0.6)
    axes.tick_params(length=2)


def _category_ticks(chart: Chart, axes: Axes) -> None:
    """Ticks under the categories; on a long time axis only every few periods, since each
    tick costs as much to draw as a bar."""
    labels = _labels(chart, axes)
    step = max(1, math.ceil(len(labels) / MAX_TICK_LABELS)) if _is_time(chart) else 1
    positions = range(0, len(labels), step)
    axes.set_xticks(list(positions), [labels[n] for n in positions])


def _wrap(label: str, width: int, lines: int = 3) -> str:
    return "\n".join(textwrap.wrap(label, width)[:lines]) or label


def _short(label: str, width: int) -> str:
    return label if len(label) <= width else label[: width - 1].rstrip() + "…"


_PERIOD_KEY = re.compile(r"^\d{4}-(\d{2}|Q\d)$")


def _bar_label(label: str) -> str:
    return _wrap(_short(label, 2 * BAR_LABEL_CHARS), BAR_LABEL_CHARS, 2)


def _is_time(chart: Chart) -> bool:
    return bool(chart.categories) and bool(_PERIOD_KEY.match(chart.categories[0].key))


def _labels(chart: Chart, axes: Axes) -> list[str]:
    labels = [c.label for c in chart.categories]
    if _is_time(chart):
        return labels
    # As many characters a line as the space under one bar allows.
    width = _width(axes) * 0.85 / max(len(labels), 1)
    return [_wrap(label, max(6, int(width / 6.2))) for label in labels]


def _fixed(target: Target) -> Resolver:
    return lambda _event: target


def _bar_target(chart: Chart, series: Series, index: int) -> Resolver:
    category = chart.categories[index]
    ids = series.ids[index] if series.ids else frozenset()
    label = category.label if len(chart.series) == 1 else f"{series.label}, {category.label}"
    target = Target(ids, f"{chart.title}: {label}")
    return lambda _event: target


def _width(axes: Axes) -> float:
    """The width of the figure `axes` is on, in pixels."""
    figure = axes.get_figure(root=True)
    return float(figure.get_size_inches()[0] * LOGICAL_DPI) if isinstance(figure, Figure) else 560.0


def _legend(axes: Axes, handles: list[Any]) -> int:
    """A legend above the plot, never over the data; returns how many rows it takes."""
    if len(handles) < 2:
        return 0
    room = _width(axes) * 0.9
    widest = max(len(str(h.get_label())) for h in handles)
    columns = max(1, min(len(handles), int(room // (widest * 5.4 + 26))))
    axes.legend(
        handles=handles,
        loc="lower left",
        bbox_to_anchor=(0, 1.02),
        ncols=columns,
        borderaxespad=0,
        handlelength=1.0,
        handletextpad=0.4,
        columnspacing=1.0,
    )
    return math.ceil(len(handles) / columns)


def _cells_target(chart: Chart, series: Series, cells: list[int]) -> Resolver:
    def resolve(event: Any) -> Target | None:
        if not len(event.ind):
            return None
        return _bar_target(chart, series, cells[int(event.ind[0])])(event)

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
        style = _bar_style(series, n)
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
            drawn.places[(series.key, chart.categories[index].key)] = (axes, x, y)
            if not grouped:
                bases[index] += size
            else:
                bases[index] = max(bases[index], size)
        for hatched, (cells, shapes) in groups.items():
            if not shapes:
                continue
            look = _bar_style(_UNKNOWN_SERIES, 0) if hatched else style
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


def _columns(chart: Chart, axes: Axes, drawn: Drawn, grouped: bool) -> int:
    handles, top = _blocks(chart, axes, drawn, horizontal=False, grouped=grouped)
    count = len(chart.categories)
    _category_ticks(chart, axes)
    axes.set_xlim(-0.6, max(count, 1) - 0.4)
    axes.set_ylim(0, top * 1.08 if top else 1)
    axes.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=chart.unit != "days"))
    _tidy(axes, chart.value_axis)
    axes.set_xlabel(chart.category_axis)
    axes.set_ylabel(chart.value_axis)
    handles += _lines(chart, axes)
    return _legend(axes, handles)


def _lines(chart: Chart, axes: Axes) -> list[Any]:
    lines = [s for s in chart.series if s.role is Role.LINE]
    if not lines or chart.kind is ChartKind.RANGES:
        return []
    target = axes.twinx() if chart.line_axis else axes
    handles = []
    for series in lines:
        xs = [i for i, v in enumerate(series.values) if v is not None]
        ys = [float(series.values[i] or 0) for i in xs]
        (line,) = target.plot(
            xs, ys, color=LINE, marker="o", markersize=3, linewidth=1.2, label=series.label
        )
        handles.append(line)
    if chart.line_axis:
        target.set_ylabel(chart.line_axis)
        target.set_ylim(0, 105)
        target.spines["top"].set_visible(False)
        target.spines["right"].set_color(GRID)
        target.tick_params(length=2)
    return handles


def _bars(chart: Chart, axes: Axes, drawn: Drawn) -> int:
    handles, top = _blocks(chart, axes, drawn, horizontal=True, grouped=False)
    count = len(chart.categories)
    labels = [_bar_label(c.label) for c in chart.categories]
    axes.set_yticks(range(count)[::-1], labels)
    axes.set_ylim(-0.6, max(count, 1) - 0.4)
    axes.set_xlim(0, top * 1.05 if top else 1)
    axes.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
    _tidy(axes, chart.value_axis, horizontal=True)
    axes.set_xlabel(chart.value_axis)
    axes.set_ylabel(chart.category_axis)
    return _legend(axes, handles)


HOUR_TICKS = (
    (1 / 60, "1 min"),
    (10 / 60, "10 min"),
    (1, "1 h"),
    (6, "6 h"),
    (24, "1 d"),
    (24 * 7, "1 wk"),
    (24 * 30, "30 d"),
    (24 * 120, "120 d"),
    (24 * 365, "1 yr"),
)


def _scaled(values: Sequence[float], log: bool) -> Any:
    """Values as drawn: hours on a log scale (one minute at least), days as they are."""
    found = np.array(values, dtype=float)
    return np.log10(np.maximum(found, MINUTE_IN_HOURS)) if log else found


def _ranges(chart: Chart, axes: Axes, side: Axes, drawn: Drawn) -> int:
    hours = chart.unit == "hours"

    # Hours go on a log scale, worked out here rather than by matplotlib: a log axis
    # transforms every one of thousands of ranges apart, a linear one all at once.
    def y(value: float) -> float:
        return math.log10(max(value, MINUTE_IN_HOURS)) if hours else value

    points = list(chart.ranges)
    # Arrays and two lines rather than thousands of artists: one path draws every range
    # (NaN between them), another every best guess.
    xs = np.array([p.position - 0.5 for p in points], dtype=float)
    shortest = _scaled([p.shortest for p in points], hours)
    longest = _scaled([p.longest for p in points], hours)
    best_y = _scaled([p.best for p in points], hours)
    gaps = np.full(len(points), np.nan)
    # Thousands of ranges become a cloud: fainter, so the medians drawn over it stay clear.
    alpha = 0.8 if len(points) <= 200 else max(0.12, 0.8 * (200 / len(points)) ** 0.5)
    (spans,) = axes.plot(
        np.column_stack((xs, xs, gaps)).ravel(),
        np.column_stack((shortest, longest, gaps)).ravel(),
        color="#56B4E9",
        linewidth=1.4,
        alpha=alpha,
        antialiased=len(points) <= 2000,  # smoothing thousands of overlapping lines is slow
        pickradius=4,
    )
    (best,) = axes.plot(
        xs,
        best_y,
        linestyle="none",
        marker="o",
        markersize=2.8,
        color="#0072B2",
        alpha=min(1.0, alpha + 0.2),
        zorder=3,
        pickradius=4,
    )
    for n, point in enumerate(points):
        drawn.places[("range", point.key)] = (axes, float(xs[n]), float(best_y[n]))
    handles: list[Any] = [
        Line2D([], [], color="#56B4E9", linewidth=1.4, label="Shortest to longest"),
        Line2D([], [], color="#0072B2", marker="o", markersize=3, linewidth=0, label="Best guess"),
    ]

    def nearest(event: Any, per_point: int) -> Target | None:
        if not len(event.ind):
            return None
        # Ranges close together are all hit: take the one whose best guess is nearest.
        mouse = event.mouseevent
        hit = sorted({int(n) // per_point for n in event.ind})

        def distance(n: int) -> float:
            px, py = axes.transData.transform((xs[n], best_y[n]))
            return float((px - mouse.x) ** 2 + (py - mouse.y) ** 2)

        point = points[min(hit, key=distance)]
        return Target(frozenset({point.incident_id}), f"{chart.title}: {point.key}")

    drawn.targets[spans] = lambda event: nearest(event, 3)  # three vertices per range
    drawn.targets[best] = lambda event: nearest(event, 1)
    series = {s.key: s for s in chart.series}
    middle = series["median_best"]
    low, high = series["median_shortest"], series["median_longest"]
    known = [i for i, v in enumerate(middle.values) if v is not None]
    if known:
        axes.fill_between(
            known,
            [y(float(low.values[i] or 0)) for i in known],
            [y(float(high.values[i] or 0)) for i in known],
            color="#E69F00",
            alpha=0.35,
            linewidth=0,
            zorder=4,
        )
        (line,) = axes.plot(
            known,
            [y(float(middle.values[i] or 0)) for i in known],
            color=LINE,
            marker="D",
            markersize=3.5,
            markeredgecolor="white",
            markeredgewidth=0.5,
            linewidth=1.1,
            zorder=5,
            path_effects=[patheffects.withStroke(linewidth=2.6, foreground="white")],
        )
        line.set_pickradius(5)
        handles += [
            Line2D([], [], color=LINE, marker="D", markersize=3.5, label="Median of best guesses"),
            MplPatch(facecolor="#E69F00", alpha=0.45, label="Medians of the bounds"),
        ]

        def period(event: Any) -> Target | None:
            if not len(event.ind):
                return None
            index = known[int(event.ind[0])]
            ids = middle.ids[index] if middle.ids else frozenset()
            return Target(ids, f"{chart.title}: {chart.categories[index].label}")

        drawn.targets[line] = period
    count = len(chart.categories)
    axes.set_xlim(-0.6, max(count, 1) - 0.4)
    _category_ticks(chart, axes)
    values = [float(v) for v in (*shortest, *longest)]
    if hours:
        bottom, top = (min(values), max(values)) if values else (0.0, 2.0)
        ticks = [(math.log10(v), text) for v, text in HOUR_TICKS]
        shown = [(v, t) for v, t in ticks if bottom - 0.5 <= v <= top + 0.5] or ticks
        axes.set_ylim(bottom - 0.18, top + 0.18)
        axes.yaxis.set_major_locator(FixedLocator([v for v, _ in shown]))
        axes.yaxis.set_major_formatter(FixedFormatter([t for _, t in shown]))
        axes.yaxis.set_minor_locator(NullLocator())
    else:
        axes.set_ylim(0, max(values, default=10) * 1.08)
        axes.yaxis.set_major_locator(MaxNLocator(nbins=5))
    _tidy(axes, chart.value_axis)
    axes.set_xlabel(chart.category_axis)
    axes.set_ylabel(chart.value_axis)
    _coverage_bars(chart, side, drawn, series)
    return _legend(axes, handles)


def _coverage_bars(chart: Chart, side: Axes, drawn: Drawn, series: dict[str, Series]) -> None:
    """Beside a range chart: how many have a range, and how many had no answer."""
    answered, unknown = series["answered"], series["unknown"]
    totals = [sum(int(v or 0) for v in s.values) for s in (answered, unknown)]
    made = side.bar([0, 1], totals, width=0.7)
    for x, (kind, total) in enumerate(zip((answered, unknown), totals, strict=True)):
        drawn.places[(kind.key, "total")] = (side, float(x), total / 2)
    for index, (patch, kind) in enumerate(zip(made.patches, (answered, unknown), strict=True)):
        patch.set(**_bar_style(kind, 0))
        if not kind.unknown:
            patch.set_facecolor("#56B4E9")
        if totals[index]:
            ids = frozenset().union(*kind.ids) if kind.ids else frozenset()
            drawn.targets[patch] = _fixed(Target(ids, f"{chart.title}: {kind.label.lower()}"))
    side.set_xticks([0, 1], ["With\nrange", "No\nanswer"], fontsize=7)
    side.set_xlim(-0.7, 1.7)
    side.set_ylim(0, max(totals) * 1.08 if max(totals) else 1)
    side.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
    side.yaxis.tick_right()
    side.yaxis.set_label_position("right")
    side.set_ylabel("Incidents" if chart.covers == "incident" else "Reviews")
    _tidy(side, "")
    side.spines["left"].set_visible(False)
    side.spines["right"].set_visible(True)
    side.spines["right"].set_color(GRID)


def draw(chart: Chart, figure: Figure) -> Drawn:
    """Draw `chart` on an empty `figure`; returns what can be clicked."""
    drawn = Drawn()
    with matplotlib.rc_context(STYLE):  # type: ignore[arg-type]  # plain keys are accepted
        figure.set_facecolor("white")
        if chart.kind is ChartKind.RANGES:
            # The side panel of counts keeps about the same width, however wide the chart.
            width = float(figure.get_size_inches()[0] * 96)
            grid = figure.add_gridspec(
                1, 2, width_ratios=(max(width - 230, 100), 100), wspace=0.12 * 560 / width
            )
            axes = figure.add_subplot(grid[0])
            rows = _ranges(chart, axes, figure.add_subplot(grid[1]), drawn)
        else:
            axes = figure.add_subplot()
            if chart.kind is ChartKind.BARS:
                rows = _bars(chart, axes, drawn)
            else:
                rows = _columns(chart, axes, drawn, grouped=chart.kind is ChartKind.GROUPED)
        if chart.empty:
            axes.text(
                0.5,
                0.5,
                "Nothing to show in this scope",
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
            (len(line) for c in chart.categories for line in _bar_label(c.label).split("\n")),
            default=8,
        )
        left = int(longest * 5.3) + 34
    right = 56 if chart.line_axis or chart.kind is ChartKind.RANGES else 16
    wrapped = chart.kind is not ChartKind.BARS and not _is_time(chart)
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


def image(
    chart: Chart, width_px: int, height_px: int, kind: str = "png", scale: float = 2
) -> bytes:
    """The chart as PNG (at `scale` times the pixel size, for sharp print) or SVG bytes."""
    figure = new_figure(width_px, height_px)
    draw(chart, figure)
    buffer = io.BytesIO()
    with matplotlib.rc_context(STYLE):  # type: ignore[arg-type]
        if kind == "png":
            # Light compression: a chart is mostly flat colour, and zlib's default is slow.
            figure.savefig(buffer, format="png", dpi=96 * scale, pil_kwargs={"compress_level": 1})
        else:
            figure.savefig(buffer, format=kind, dpi=96)
    return buffer.getvalue()
