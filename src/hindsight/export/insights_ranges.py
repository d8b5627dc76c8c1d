"""Range charts: one fuzzy duration per incident over time, the medians per period, and
beside them how many incidents have a range and how many had no answer.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib import patheffects
from matplotlib.artist import Artist, allow_rasterization
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.lines import Line2D
from matplotlib.patches import Patch as MplPatch
from matplotlib.ticker import (
    FixedFormatter,
    FixedLocator,
    MaxNLocator,
    NullLocator,
    ScalarFormatter,
)

from hindsight.core.insights_model import Chart, Series
from hindsight.export.insights_style import (
    GRID,
    LINE,
    MINUTE_IN_HOURS,
    Drawn,
    Target,
    bar_style,
    category_ticks,
    fixed,
    legend,
    tidy,
)

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


CLOUD = 2000  # more ranges than this are drawn as one picture of the pixels they cover
SPAN_COLOUR = "#56B4E9"
SPAN_WIDTH = 1.4  # points


class RangeCloud(Artist):
    """Thousands of vertical ranges drawn as what they are on the pixels: every pixel of the
    axes under at least one range takes their translucent colour, once (as one line through
    all of them paints it, without antialiasing), worked out with arrays in one pass and
    drawn as one image at the output's own resolution. Stroking the line would cost about
    as much as the rest of the chart.
    """

    zorder = 2  # where a line would be

    def __init__(
        self, xs: Any, lows: Any, highs: Any, colour: str, alpha: float, width: float
    ) -> None:
        super().__init__()
        self._xs, self._lows, self._highs = xs, lows, highs
        self._rgb = np.array([round(v * 255) for v in to_rgb(colour)], dtype=np.uint8)
        self._opacity = alpha
        self._width = width

    def coverage(self, renderer: Any, scale: float = 1.0) -> tuple[Any, float, float]:
        """How many ranges cover each pixel of the axes (rows from the top), and where the
        axes' lower left corner is, in the renderer's units; `scale` pixels per unit."""
        axes = self.axes
        assert axes is not None
        box = axes.bbox
        left, bottom = math.floor(box.x0), math.floor(box.y0)
        columns = max(1, math.ceil((box.x1 - left) * scale))
        rows = max(1, math.ceil((box.y1 - bottom) * scale))
        to_pixels = axes.transData.transform
        low = to_pixels(np.column_stack((self._xs, self._lows)))
        high = to_pixels(np.column_stack((self._xs, self._highs)))
        half = renderer.points_to_pixels(self._width) * scale / 2
        x = (low[:, 0] - left) * scale
        # The pixels whose middle is inside the stroke (caps reach out half its width), as
        # a line drawn without antialiasing covers them.
        lows = (low[:, 1] - bottom) * scale - half - 0.5
        highs = (high[:, 1] - bottom) * scale + half - 0.5
        bottoms = np.clip(np.ceil(lows), 0, rows).astype(int)
        tops = np.clip(np.floor(highs) + 1, 0, rows).astype(int)  # exclusive
        first = np.ceil(x - half - 0.5).astype(int)
        last = np.floor(x + half - 0.5).astype(int) + 1  # exclusive
        steps = np.zeros((rows + 1, columns + 1), dtype=np.int32)
        for offset in range(int(np.max(last - first, initial=0))):
            column = first + offset
            keep = (column < last) & (column >= 0) & (column < columns) & (bottoms < tops)
            np.add.at(steps, (bottoms[keep], column[keep]), 1)
            np.add.at(steps, (tops[keep], column[keep]), -1)
        counts = np.cumsum(steps, axis=0)[:rows, :columns]
        return counts, float(left), float(bottom)

    @allow_rasterization
    def draw(self, renderer: Any) -> None:
        if not self.get_visible() or self.axes is None or not len(self._xs):
            return
        scaling = renderer.option_scale_image()
        scale = float(renderer.get_image_magnification()) if scaling else 1.0
        counts, left, bottom = self.coverage(renderer, scale)
        image = np.empty((*counts.shape, 4), dtype=np.uint8)
        image[..., :3] = self._rgb
        # One path: where ranges overlap, its colour is laid once, not once per range.
        image[..., 3] = np.where(counts > 0, round(self._opacity * 255), 0)
        gc = renderer.new_gc()
        gc.set_clip_rectangle(self.axes.bbox)
        if scaling:
            from matplotlib.transforms import Affine2D

            # From the image's unit square to its size in the renderer's units (the renderer
            # moves it to `left`, `bottom`); its first row is the lowest, as for Agg.
            rows, columns = counts.shape
            placed = Affine2D().scale(columns / scale, rows / scale)
            renderer.draw_image(gc, left, bottom, image, placed.frozen())
        else:
            renderer.draw_image(gc, left, bottom, image)
        gc.restore()
        self.stale = False


def scaled(values: Sequence[float] | Any, log: bool) -> Any:
    """Values as drawn: hours on a log scale (one minute at least), days as they are."""
    found = np.array(values, dtype=float)
    return np.log10(np.maximum(found, MINUTE_IN_HOURS)) if log else found


def draw_ranges(chart: Chart, axes: Axes, side: Axes, drawn: Drawn) -> int:
    """Each incident's range and the medians on `axes`, the counts on `side`; legend rows."""
    hours = chart.unit == "hours"

    # Hours go on a log scale, worked out here rather than by matplotlib: a log axis
    # transforms every one of thousands of ranges apart, a linear one all at once.
    def y(value: float) -> float:
        return math.log10(max(value, MINUTE_IN_HOURS)) if hours else value

    points = list(chart.ranges)
    # Arrays and two lines rather than thousands of artists: one path draws every range
    # (NaN between them), another every best guess.
    columns = np.fromiter(
        (v for p in points for v in (p.position, p.shortest, p.longest, p.best)),
        dtype=float,
        count=4 * len(points),
    ).reshape(-1, 4)  # (no ranges: no rows)
    xs = columns[:, 0] - 0.5
    shortest, longest, best_y = (scaled(columns[:, n], hours) for n in (1, 2, 3))
    gaps = np.full(len(points), np.nan)
    # Thousands of ranges become a cloud: fainter, so the medians drawn over it stay clear.
    alpha = 0.8 if len(points) <= 200 else max(0.12, 0.8 * (200 / len(points)) ** 0.5)
    (spans,) = axes.plot(
        np.column_stack((xs, xs, gaps)).ravel(),
        np.column_stack((shortest, longest, gaps)).ravel(),
        color=SPAN_COLOUR,
        linewidth=SPAN_WIDTH,
        alpha=alpha,
        pickradius=4,
    )
    if len(points) > CLOUD:
        # The line stays for clicks; the pixels it would cover are drawn as one picture.
        spans.set_visible(False)
        axes.add_artist(RangeCloud(xs, shortest, longest, SPAN_COLOUR, alpha, SPAN_WIDTH))
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
        # In SVG and PDF, thousands of dots are one picture rather than thousands of shapes.
        rasterized=len(points) > CLOUD,
    )
    # Thousands of places (about 3 ms for 10,000 ranges), wanted only where a canvas is
    # clicked.
    drawn.place_later(
        lambda: [
            (("range", point.key), (axes, x, y_best))
            for point, x, y_best in zip(points, xs.tolist(), best_y.tolist(), strict=True)
        ]
    )
    handles: list[Any] = [
        Line2D([], [], color="#56B4E9", linewidth=1.4, label="Shortest to longest"),
        # No line at all (not one of width 0, which an SVG reader may draw a hair wide).
        Line2D([], [], color="#0072B2", marker="o", markersize=3, linestyle="", label="Best guess"),
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
    category_ticks(chart, axes)
    # The lowest and highest end of any range (as the numbers drawn: no NaN among them).
    lowest = float(min(shortest.min(), longest.min())) if len(points) else None
    highest = float(max(shortest.max(), longest.max())) if len(points) else None
    if hours:
        bottom, top = (
            (lowest, highest) if lowest is not None and highest is not None else (0.0, 2.0)
        )
        ticks = [(math.log10(v), text) for v, text in HOUR_TICKS]
        shown = [(v, t) for v, t in ticks if bottom - 0.5 <= v <= top + 0.5] or ticks
        axes.set_ylim(bottom - 0.18, top + 0.18)
        axes.yaxis.set_major_locator(FixedLocator([v for v, _ in shown]))
        axes.yaxis.set_major_formatter(FixedFormatter([t for _, t in shown]))
        axes.yaxis.set_minor_locator(NullLocator())
    else:
        axes.set_ylim(0, (highest if highest is not None else 10) * 1.08)
        axes.yaxis.set_major_locator(MaxNLocator(nbins=5))
        # As on new axes: kept axes may come from a chart in hours, labelled as such.
        axes.yaxis.set_major_formatter(ScalarFormatter())
        axes.yaxis.set_minor_locator(NullLocator())
    tidy(axes, chart.value_axis)
    axes.set_xlabel(chart.category_axis)
    axes.set_ylabel(chart.value_axis)
    coverage_bars(chart, side, drawn, series)
    return legend(axes, handles)


def coverage_bars(chart: Chart, side: Axes, drawn: Drawn, series: dict[str, Series]) -> None:
    """Beside a range chart: how many have a range, and how many had no answer."""
    answered, unknown = series["answered"], series["unknown"]
    totals = [sum(int(v or 0) for v in s.values) for s in (answered, unknown)]
    made = side.bar([0, 1], totals, width=0.7)
    for x, (kind, total) in enumerate(zip((answered, unknown), totals, strict=True)):
        drawn.place((kind.key, "total"), (side, float(x), total / 2))
    for index, (patch, kind) in enumerate(zip(made.patches, (answered, unknown), strict=True)):
        patch.set(**bar_style(kind, 0))
        if not kind.unknown:
            patch.set_facecolor("#56B4E9")
        if totals[index]:
            ids = frozenset().union(*kind.ids) if kind.ids else frozenset()
            drawn.targets[patch] = fixed(Target(ids, f"{chart.title}: {kind.label.lower()}"))
    side.set_xticks([0, 1], ["With\nrange", "No\nanswer"], fontsize=7)
    side.set_xlim(-0.7, 1.7)
    side.set_ylim(0, max(totals) * 1.08 if max(totals) else 1)
    side.yaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
    side.yaxis.tick_right()
    side.yaxis.set_label_position("right")
    side.set_ylabel("Incidents" if chart.covers == "incident" else "Reviews")
    tidy(side, "")
    side.spines["left"].set_visible(False)
    side.spines["right"].set_visible(True)
    side.spines["right"].set_color(GRID)
