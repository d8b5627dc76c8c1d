"""One figure draws, one after the other, every chart of a kind (the Insights view draws its
charts on a few shared figures, one per kind and size): each picture must be exactly (pixel
for pixel) the one a new figure gives, whatever chart that figure drew before."""

from __future__ import annotations

from collections import defaultdict

import pytest
from tests.core.test_insights import ITEMS, figures

from hindsight.core.enums import Severity
from hindsight.core.insights_model import Chart, ChartKind, Insights
from hindsight.core.insights_scope import Scope
from hindsight.export import insights_charts

from .test_insights_charts_reuse import HEIGHT, WIDTH, _fresh, _many, _pixels


@pytest.fixture(scope="module")
def scopes() -> list[Insights]:
    many = _many()
    return [
        figures(incidents=many, items=ITEMS),
        figures(Scope(severities=frozenset({Severity.SEV1})), incidents=many, items=ITEMS),
        figures(Scope(tags=frozenset({"nothing"})), incidents=many, items=ITEMS),  # empty
        figures(),
    ]


def _by_kind(scopes: list[Insights]) -> dict[ChartKind, list[Chart]]:
    """The charts by kind; grouped columns with the stacked ones, drawn on the same axes."""
    kinds: dict[ChartKind, list[Chart]] = defaultdict(list)
    for insights in scopes:
        for chart in insights.charts:
            kinds[insights_charts.frame_kind(chart)[0]].append(chart)
    return kinds


@pytest.mark.parametrize("order", ["forward", "backward"])
def test_every_chart_of_a_kind_drawn_on_one_figure_is_drawn_as_on_a_new_one(
    scopes: list[Insights], order: str
) -> None:
    kept = drawn = 0
    for kind, charts in _by_kind(scopes).items():
        figure = insights_charts.new_figure(WIDTH, HEIGHT)
        for n, chart in enumerate(charts if order == "forward" else charts[::-1]):
            # A chart of the whole width now and then, as the view draws some.
            width = WIDTH if n % 3 else 2 * WIDTH + 12
            figure.set_size_inches(width / figure.dpi, HEIGHT / figure.dpi)
            axes_before = list(figure.axes)
            insights_charts.draw(chart, figure)
            kept += bool(axes_before) and figure.axes == axes_before
            drawn += 1
            assert _pixels(figure) == _fresh_at(chart, width), (kind, chart.key, width)
    # Most were drawn on the axes of the chart before them (not after a chart of the kind
    # with a second value axis, or without one).
    assert kept >= drawn * 3 // 4


def _fresh_at(chart: Chart, width: int) -> bytes:
    figure = insights_charts.new_figure(width, HEIGHT)
    insights_charts.draw(chart, figure)
    return _pixels(figure)


def test_a_range_chart_in_days_after_one_in_hours_labels_its_ticks_in_days(
    scopes: list[Insights],
) -> None:
    hours = scopes[0].chart("time_to_detect")
    days = scopes[0].chart("resolution_to_publication")
    assert hours.unit == "hours" and days.unit == "days"
    figure = insights_charts.new_figure(WIDTH, HEIGHT)
    insights_charts.draw(hours, figure)
    insights_charts.draw(days, figure)
    figure.canvas.draw()
    labels = [t.get_text() for t in figure.axes[0].get_yticklabels() if t.get_text()]
    assert labels and not any(unit in " ".join(labels) for unit in ("min", "h", "d", "wk"))


def test_a_chart_with_a_second_value_axis_keeps_both(scopes: list[Insights]) -> None:
    chart = scopes[0].chart("found_first")
    assert chart.line_axis
    figure = insights_charts.new_figure(WIDTH, HEIGHT)
    insights_charts.draw(scopes[1].chart("found_first"), figure)
    first = list(figure.axes)
    assert len(first) == 2
    insights_charts.draw(chart, figure)
    assert figure.axes == first
    assert _pixels(figure) == _fresh(chart)


def test_kept_axes_are_not_tidied_again(scopes: list[Insights], monkeypatch) -> None:
    from matplotlib.axes import Axes

    figure = insights_charts.new_figure(WIDTH, HEIGHT)
    insights_charts.draw(scopes[1].chart("incidents_over_time"), figure)
    styled: list[Axes] = []
    plain = Axes.tick_params

    def counted(self, *args, **kwargs):
        styled.append(self)
        return plain(self, *args, **kwargs)

    monkeypatch.setattr(Axes, "tick_params", counted)
    chart = scopes[0].chart("incidents_over_time")
    insights_charts.draw(chart, figure)
    assert styled == []  # every tick's look set once, when the axes were made
    assert _pixels(figure) == _fresh(chart)
    insights_charts.draw(chart, insights_charts.new_figure(WIDTH, HEIGHT))
    assert styled  # new axes are tidied


def test_grouped_columns_are_drawn_on_the_axes_of_stacked_ones(scopes: list[Insights]) -> None:
    stacked = scopes[0].chart("incidents_over_time")
    grouped = scopes[0].chart("followups_opened_closed")
    assert (stacked.kind, grouped.kind) == (ChartKind.COLUMNS, ChartKind.GROUPED)
    figure = insights_charts.new_figure(WIDTH, HEIGHT)
    for chart in (stacked, grouped, stacked):
        axes_before = list(figure.axes)
        insights_charts.draw(chart, figure)
        assert not axes_before or figure.axes == axes_before
        assert _pixels(figure) == _fresh(chart), chart.key
