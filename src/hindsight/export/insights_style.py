"""The look shared by the insight charts, and what a click on them stands for.

Style: the app's sans-serif font, quiet axes, a colour-blind-safe palette (Okabe and Ito's
eight colours; an ordered orange scale for severity), and the "no answer" group always grey
with hatching so it stays apart in print and in greyscale. Margins are in pixels at 96 dpi.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.artist import Artist, allow_rasterization
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Text

from hindsight.core.insights_model import Chart, Series
from hindsight.export.insights_text import (
    TextKeepingRenderer,
    _font_fields,
    keep_pixels,
    kept_pixels,
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
TWO_LINE_BARS = 9  # bars in a chart whose labels may take two lines
ONE_LINE_BAR_CHARS = 36  # a one-line bar label ("Pipeline or infrastructure capacity" whole)
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


Resolver = Callable[[Any], Target | None]  # from a click on the element (a Hit)


@dataclass
class Drawn:
    """What was drawn: the clickable artists and how to turn a pick into incidents."""

    targets: dict[Artist, Resolver] = field(default_factory=dict)
    # The middle of each bar in data coordinates, by (series key, category key): where a
    # click lands on it (tests click there, as a person would). Places of thousands of
    # ranges are worked out only when asked for (see `places`).
    _places: dict[tuple[str, str], tuple[Axes, float, float]] = field(default_factory=dict)
    _later: list[Callable[[], Iterable[tuple[tuple[str, str], tuple[Axes, float, float]]]]] = field(
        default_factory=list
    )

    @property
    def places(self) -> dict[tuple[str, str], tuple[Axes, float, float]]:
        """Where each bar, point or range is, by (series key, category key)."""
        while self._later:
            self._places.update(self._later.pop(0)())
        return self._places

    def place(self, key: tuple[str, str], where: tuple[Axes, float, float]) -> None:
        """Say where the bar or point of `key` (series key, category key) is."""
        self._places[key] = where

    def place_later(
        self, make: Callable[[], Iterable[tuple[tuple[str, str], tuple[Axes, float, float]]]]
    ) -> None:
        """Places that `make` gives when first asked for (a picture drawn for the screen is
        never asked: only a canvas's own figure is clicked)."""
        self._later.append(make)

    def hit(self, mouse: Any) -> Target | None:
        """The incidents behind a click (a matplotlib mouse event), if it hit anything.

        Asked of every clickable element rather than through matplotlib's picking, which
        only looks at the uppermost of overlaid axes (a chart with a second axis).
        """
        for artist, resolver in self.targets.items():
            inside, details = artist.contains(mouse)
            if inside:
                event = Hit(artist, mouse, details.get("ind", ()))
                found = resolver(event)
                if found is not None:
                    return found
        return None


@dataclass(frozen=True, slots=True)
class Hit:
    """What a resolver reads of a click: the element, the mouse event, the indices hit."""

    artist: Any
    mouseevent: Any
    ind: Sequence[int]


def colour(series: Series, position: int) -> str:
    """A series' colour: fixed for known meanings, else the palette in order."""
    return SEMANTIC.get(series.key, PALETTE[position % len(PALETTE)])


def bar_style(series: Series, position: int) -> dict[str, Any]:
    """How a series' bars look: its colour, or grey hatching for "no answer"."""
    if series.unknown:
        return {
            "color": UNKNOWN_FACE,
            "edgecolor": UNKNOWN_EDGE,
            "hatch": UNKNOWN_HATCH,
            "linewidth": 0.4,
        }
    return {"color": colour(series, position), "edgecolor": "white", "linewidth": 0.4}


UNKNOWN_SERIES = Series("unknown", "No answer", ())


_TIDIED = "_hindsight_tidied"  # on axes: how tidy() left them (kept axes keep it)


def tidy(axes: Axes, value_axis: str, horizontal: bool = False) -> None:
    """Quiet axes: no top or right frame, a light grid behind the data.

    Axes kept from the last draw are left as they are when tidied the same way: setting
    every tick's look again costs about a tenth of redrawing a chart.
    """
    if getattr(axes, _TIDIED, None) == horizontal:
        return
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    axes.set_axisbelow(True)
    axes.grid(axis="x" if horizontal else "y", color=GRID, linewidth=0.6)
    axes.tick_params(length=2)
    setattr(axes, _TIDIED, horizontal)


def category_ticks(chart: Chart, axes: Axes) -> None:
    """Ticks under the categories; on a long time axis only every few periods, since each
    tick costs as much to draw as a bar."""
    texts = category_labels(chart, axes)
    step = max(1, math.ceil(len(texts) / MAX_TICK_LABELS)) if is_time(chart) else 1
    positions = range(0, len(texts), step)
    axes.set_xticks(list(positions), [texts[n] for n in positions])


def wrap(label: str, width: int, lines: int = 3) -> str:
    """`label` on lines of at most `width` characters (at most `lines` of them)."""
    return "\n".join(textwrap.wrap(label, width)[:lines]) or label


def short(label: str, width: int) -> str:
    """`label` cut to `width` characters, with an ellipsis when cut."""
    return label if len(label) <= width else label[: width - 1].rstrip() + "…"


PERIOD_KEY = re.compile(r"^\d{4}-(\d{2}|Q\d)$")


def bar_label(label: str) -> str:
    """A horizontal bar's label: two lines at most."""
    return wrap(short(label, 2 * BAR_LABEL_CHARS), BAR_LABEL_CHARS, 2)


def bar_labels(chart: Chart) -> list[str]:
    """The labels of a chart of horizontal bars: two lines each, or one when the bars are too
    many for two lines a bar (in a 300-pixel chart two-line labels overlapped their
    neighbours beyond about nine bars)."""
    if len(chart.categories) <= TWO_LINE_BARS:
        return [bar_label(c.label) for c in chart.categories]
    return [short(c.label, ONE_LINE_BAR_CHARS) for c in chart.categories]


def is_time(chart: Chart) -> bool:
    """True when the chart's categories are months or quarters."""
    return bool(chart.categories) and bool(PERIOD_KEY.match(chart.categories[0].key))


def category_labels(chart: Chart, axes: Axes) -> list[str]:
    """The category labels, wrapped to the room under each bar (periods as they are)."""
    labels = [c.label for c in chart.categories]
    if is_time(chart):
        return labels
    # As many characters a line as the space under one bar allows.
    width = figure_width(axes) * 0.85 / max(len(labels), 1)
    return [wrap(label, max(6, int(width / 6.2))) for label in labels]


def fixed(target: Target) -> Resolver:
    """A resolver that always answers `target`."""
    return lambda _event: target


def bar_target(chart: Chart, series: Series, index: int) -> Resolver:
    """What a click on the bar of `series` at category `index` stands for."""
    category = chart.categories[index]
    ids = series.ids[index] if series.ids else frozenset()
    label = category.label if len(chart.series) == 1 else f"{series.label}, {category.label}"
    target = Target(ids, f"{chart.title}: {label}")
    return lambda _event: target


def figure_width(axes: Axes) -> float:
    """The width of the figure `axes` is on, in pixels."""
    figure = axes.get_figure(root=True)
    return float(figure.get_size_inches()[0] * LOGICAL_DPI) if isinstance(figure, Figure) else 560.0


def legend(axes: Axes, handles: list[Any]) -> int:
    """A legend above the plot, never over the data; returns how many rows it takes."""
    if len(handles) < 2:
        return 0
    room = figure_width(axes) * 0.9
    widest = max(len(str(h.get_label())) for h in handles)
    columns = max(1, min(len(handles), int(room // (widest * 5.4 + 26))))
    made = ChartLegend(
        axes,
        handles,
        [str(h.get_label()) for h in handles],
        loc="lower left",
        bbox_to_anchor=(0, 1.02),
        ncols=columns,
        borderaxespad=0,
        handlelength=1.0,
        handletextpad=0.4,
        columnspacing=1.0,
    )
    # As Axes.legend does.
    axes.legend_ = made
    made._remove_method = axes._remove_legend  # type: ignore[attr-defined]
    return math.ceil(len(handles) / columns)


# Legend.draw as matplotlib wrote it (under the decorator ChartLegend.draw has too).
_LEGEND_DRAW: Any = getattr(Legend.draw, "__wrapped__", Legend.draw)


class ChartLegend(Legend):
    """A legend whose pixels are copied rather than drawn when it drew them before.

    A chart's legend is the same from scope to scope, above the plot, where nothing else is
    drawn. When drawn by a TextKeepingRenderer (the view's canvases), the pixels it changed,
    with a margin, are kept with what they were before, by everything the legend's look
    depends on; the next time, if those pixels are what they were before, they become what
    the legend made of them: the pixels drawing gives, since Agg paints each pixel from its
    own colour and what is drawn over it.
    """

    @allow_rasterization
    def draw(self, renderer: Any) -> None:
        key = _legend_key(self, renderer)
        if key is None:
            _LEGEND_DRAW(self, renderer)
            return
        canvas = np.asarray(renderer.buffer_rgba())
        found = kept_pixels(key)
        if found is not None:
            (top, bottom, left, right), before, after = found
            if np.array_equal(canvas[top:bottom, left:right], before):
                canvas[top:bottom, left:right] = after
                self.stale = False
                return
        was = canvas.copy()
        _LEGEND_DRAW(self, renderer)
        # Compared as one 32-bit number a pixel (much quicker than four bytes apart).
        changed = (canvas.view(np.uint32) != was.view(np.uint32))[..., 0]
        rows, columns = np.flatnonzero(changed.any(axis=1)), np.flatnonzero(changed.any(axis=0))
        if not len(rows):
            return
        margin = math.ceil(LEGEND_MARGIN * renderer.dpi / LOGICAL_DPI)
        top, bottom = max(int(rows[0]) - margin, 0), int(rows[-1]) + 1 + margin
        left, right = max(int(columns[0]) - margin, 0), int(columns[-1]) + 1 + margin
        before = was[top:bottom, left:right].copy()
        after = canvas[top:bottom, left:right].copy()
        keep_pixels(key, ((top, bottom, left, right), before, after), 2 * after.nbytes)


LEGEND_MARGIN = 3  # pixels at 96 dpi around what a legend changed, kept and compared too


def _legend_key(legend: Legend, renderer: Any) -> tuple[Any, ...] | None:
    """What a legend's pixels depend on, when drawn by a TextKeepingRenderer; else None."""
    if not isinstance(renderer, TextKeepingRenderer) or not legend.get_visible():
        return None
    if legend.get_agg_filter() is not None or legend.get_rasterized():
        return None
    figure = legend.get_figure(root=True)
    return (
        "legend",
        int(renderer.width),
        int(renderer.height),
        renderer.dpi,
        figure.dpi if figure is not None else None,
        tuple(legend.get_bbox_to_anchor().bounds),
        legend._loc,  # type: ignore[attr-defined]
        legend._ncols,  # type: ignore[attr-defined]
        legend._mode,  # type: ignore[attr-defined]
        legend._alignment,  # type: ignore[attr-defined]
        legend._fontsize,  # type: ignore[attr-defined]
        legend.shadow,
        legend.get_frame_on(),
        appearance(legend.legendPatch),
        appearance(legend.get_title()),
        tuple(
            getattr(legend, name)
            for name in (
                "borderpad",
                "labelspacing",
                "handlelength",
                "handleheight",
                "handletextpad",
                "borderaxespad",
                "columnspacing",
                "markerscale",
                "numpoints",
                "scatterpoints",
            )
        ),
        tuple(appearance(text) for text in legend.texts),
        tuple(
            appearance(handle) if handle is not None else None for handle in legend.legend_handles
        ),
        mpl.rcParams["hatch.linewidth"],
        mpl.rcParams["hatch.color"],
        mpl.rcParams["text.hinting"],
        mpl.rcParams["text.hinting_factor"],
        mpl.rcParams["path.sketch"],
    )


def appearance(artist: Any) -> tuple[Any, ...]:
    """What a line, text or patch looks like, wherever it is (a key for its pixels)."""
    if not artist.get_visible():
        return (False,)
    common = (
        type(artist),
        artist.get_alpha(),
        artist.get_zorder(),
        artist.get_clip_on(),
        artist.get_rasterized(),
        artist.get_agg_filter(),
        tuple(artist.get_path_effects()),
        artist.get_snap(),
    )
    if isinstance(artist, Text):
        return (
            *common,
            artist.get_text(),
            *_font_fields(artist.get_fontproperties()),
            colour_key(artist.get_color()),
            artist.get_rotation(),
            artist.get_rotation_mode(),
            artist.get_horizontalalignment(),
            artist.get_verticalalignment(),
            artist._get_multialignment(),  # type: ignore[attr-defined]
            artist.get_linespacing(),
            artist.get_antialiased(),
            artist.get_usetex(),
            artist.get_wrap(),
            artist.get_bbox_patch() is None,
        )
    if isinstance(artist, Line2D):
        return (
            *common,
            colour_key(artist.get_color()),
            artist.get_linewidth(),
            artist.get_linestyle(),
            artist.get_dash_capstyle(),
            artist.get_solid_capstyle(),
            artist.get_marker(),
            artist.get_markersize(),
            artist.get_markeredgewidth(),
            colour_key(artist.get_markeredgecolor()),
            colour_key(artist.get_markerfacecolor()),
            artist.get_antialiased(),
            artist.get_drawstyle(),
        )
    if isinstance(artist, Patch):
        return (
            *common,
            colour_key(artist.get_facecolor()),
            colour_key(artist.get_edgecolor()),
            artist.get_linewidth(),
            artist.get_linestyle(),
            artist.get_hatch(),
            artist.get_antialiased(),
        )
    return (*common, id(artist))  # anything else: never taken for another


def colour_key(value: Any) -> Any:
    return tuple(float(v) for v in value) if not isinstance(value, str) else value
