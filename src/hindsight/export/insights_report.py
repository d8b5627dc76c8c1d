"""The insights report's document model: every chart's title, its numbers as a table, and
(for HTML and PDF) its picture.

Templates get plain text, already formatted; a reader without the pictures still has every
number. Range charts list each incident's range when there are few enough to read, and
always the per-period medians.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from hindsight.core.insights_model import Chart, ChartKind, Insights, Role, Series
from hindsight.export.views import Picture

_PERIOD = re.compile(r"^\d{4}-(\d{2}|Q\d)$")
MAX_RANGE_ROWS = 50  # a range chart lists each incident's range up to this many incidents
PICTURE_WIDTH, PICTURE_HEIGHT = 640, 300  # CSS pixels
PICTURE_SCALE = 1.5  # pixels per CSS pixel of a picture's raster parts: 144 dpi, for paper
KEPT_PICTURES = 48  # two reports' worth of chart pictures (10 to 200 kB each)


@dataclass(frozen=True, slots=True)
class TableView:
    """A table of numbers: column headings and rows of text."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class ChartView:
    """One chart in the report."""

    key: str
    title: str
    coverage: str
    note: str
    axes: str  # what the axes show, for readers of the table
    table: TableView
    ranges: TableView | None  # each incident's range, for small scopes
    ranges_left_out: int  # ranges not listed because there are too many
    picture: Picture | None


@dataclass(frozen=True, slots=True)
class SectionView:
    """Charts under one heading."""

    title: str
    charts: tuple[ChartView, ...]


@dataclass(frozen=True, slots=True)
class InsightsDocumentView:
    """What an insights template renders."""

    title: str
    scope_text: str
    period: str
    today: str
    incidents: int
    followups: int
    first_day: str
    last_day: str
    generated_at: str
    generator: str
    timezone_label: str
    sections: tuple[SectionView, ...]
    redacted: int = 0  # the base layout asks; insights hold no author text to redact

    @property
    def pictures(self) -> tuple[Picture, ...]:
        """Every chart picture, to hand to the PDF."""
        return tuple(c.picture for s in self.sections for c in s.charts if c.picture)


def number(value: float | None, unit: str = "") -> str:
    """A value as the tables show it: whole numbers plain, others to one decimal; '—' none."""
    if value is None:
        return "—"
    text = f"{int(value):,}" if float(value).is_integer() else f"{value:,.1f}"
    return f"{text} %" if unit == "%" else text


def _column(series: Series, chart: Chart) -> str:
    if series.role is Role.LINE and chart.line_axis:
        return f"{series.label} (%)"
    if chart.unit in ("hours", "days") and series.key.startswith("median"):
        return f"{series.label} ({chart.unit})"
    return series.label


def table_of(chart: Chart) -> TableView:
    """The chart's numbers: one row per category, one column per series."""
    shown = [s for s in chart.series if s.role is Role.BAR] + [
        s for s in chart.series if s.role is not Role.BAR
    ]
    headers = (chart.category_axis, *(_column(s, chart) for s in shown))
    periods = bool(chart.categories) and _PERIOD.match(chart.categories[0].key) is not None
    rows = []
    for index, category in enumerate(chart.categories):
        cells = [
            number(s.values[index], "%" if s.role is Role.LINE and chart.line_axis else "")
            for s in shown
        ]
        if periods and all(cell in ("0", "—") for cell in cells):
            continue  # an empty period says nothing; a zero elsewhere is an answer

        rows.append((category.label, *cells))
    return TableView(headers, tuple(rows))


def ranges_of(chart: Chart) -> TableView | None:
    """Each incident's range, when the chart has few enough to list."""
    if chart.kind is not ChartKind.RANGES or not chart.ranges:
        return None
    if len(chart.ranges) > MAX_RANGE_ROWS:
        return None
    unit = chart.unit
    return TableView(
        (
            "Incident",
            "Placed on",
            f"Shortest ({unit})",
            f"Best guess ({unit})",
            f"Longest ({unit})",
        ),
        tuple(
            (r.key, r.day.isoformat(), number(r.shortest), number(r.best), number(r.longest))
            for r in chart.ranges
        ),
    )


def _axes_text(chart: Chart) -> str:
    if chart.kind is ChartKind.TABLE:
        return f"Rows: {chart.category_axis}. Values: {chart.value_axis}."
    text = f"Across: {chart.category_axis}. Up: {chart.value_axis}."
    if chart.kind is ChartKind.BARS:
        text = f"Down: {chart.category_axis}. Across: {chart.value_axis}."
    if chart.line_axis:
        text += f" Line: {chart.line_axis}."
    return text


def insights_view(
    insights: Insights,
    *,
    generated_at: str,
    generator: str,
    timezone_label: str,
    picture: Callable[[Chart], Picture | None] | None = None,
) -> InsightsDocumentView:
    """The report of `insights`; `picture` draws a chart (None: a document without pictures)."""
    sections = []
    for name in insights.sections:
        charts = []
        for chart in (c for c in insights.charts if c.section == name):
            listed = ranges_of(chart)
            charts.append(
                ChartView(
                    key=chart.key,
                    title=chart.title,
                    coverage=chart.coverage_text(),
                    note=chart.note,
                    axes=_axes_text(chart),
                    table=table_of(chart),
                    ranges=listed,
                    ranges_left_out=len(chart.ranges) if listed is None else 0,
                    picture=(
                        picture(chart)
                        if picture is not None and chart.kind is not ChartKind.TABLE
                        else None
                    ),
                )
            )
        sections.append(SectionView(name, tuple(charts)))
    return InsightsDocumentView(
        title="Insights across incidents",
        scope_text=insights.scope.describe(),
        period=insights.period.label.lower(),
        today=insights.today.isoformat(),
        incidents=insights.incidents,
        followups=insights.items,
        first_day=insights.first_day.isoformat() if insights.first_day else "",
        last_day=insights.last_day.isoformat() if insights.last_day else "",
        generated_at=generated_at,
        generator=generator,
        timezone_label=timezone_label,
        sections=tuple(sections),
    )


def chart_picture(chart: Chart) -> Picture:
    """The chart drawn as SVG, for HTML and PDF: vector, so sharp on paper at any size, its
    text real text; the PDF paints it as vector too. A cloud of thousands of ranges in it is
    one picture at 144 dpi. Quicker to make than a PNG sharp enough for print.

    Pictures of the last few dozen charts are kept: a chart is plain, frozen numbers, so an
    equal chart draws an equal picture, and exporting the same scope again (or as HTML after
    PDF) then draws nothing anew.
    """
    return _kept_picture(chart)


@lru_cache(maxsize=KEPT_PICTURES)
def _kept_picture(chart: Chart) -> Picture:
    from hindsight.export.insights_charts import image

    return Picture(
        name=f"insights-{chart.key}",
        alt=f"{chart.title}. {chart.coverage_text()} The numbers are in the table below.",
        png=image(chart, PICTURE_WIDTH, PICTURE_HEIGHT, "svg", scale=PICTURE_SCALE),
        width=PICTURE_WIDTH,
        height=PICTURE_HEIGHT,
        media_type="image/svg+xml",
    )
