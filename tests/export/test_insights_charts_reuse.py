"""A figure that drew a chart before keeps its axes for the next draw of the same kind: the
picture must be exactly (pixel for pixel) the one a new figure gives."""

from __future__ import annotations

import random
import re
from dataclasses import replace
from datetime import timedelta

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from tests.core.test_insights import INCIDENTS, ITEMS, figures

from hindsight.core.enums import Severity
from hindsight.core.fuzzy_time import FuzzyTime
from hindsight.core.impact import ImpactMeasure
from hindsight.core.insights_model import Chart, IncidentFacts, Insights
from hindsight.core.insights_scope import Scope
from hindsight.export import insights_charts

WIDTH, HEIGHT = 560, 300


def _many() -> tuple[IncidentFacts, ...]:
    """Two hundred incidents made from the hand-made five, spread over two years."""
    rng = random.Random(5)
    made = []
    for n in range(200):
        base = INCIDENTS[n % len(INCIDENTS)]
        shift = timedelta(days=rng.randint(-300, 120), hours=rng.randint(0, 23))
        made.append(
            replace(
                base,
                id=n + 1,
                key=f"HS-{n + 1}",
                severity=rng.choice(list(Severity)),
                created_at=base.created_at + shift,
                milestones={
                    phase: FuzzyTime(t.earliest + shift, t.latest + shift, t.best + shift)
                    for phase, t in base.milestones.items()
                },
                trigger_kind=rng.choice((None, "world", "upstream_data", "unknown")),
                teams=tuple(rng.sample(["SRE", "ML", "Data", "Legal"], rng.randint(0, 3))),
                impacts=(ImpactMeasure("Queries lost", best=float(n), unit="queries"),),
            )
        )
    return tuple(made)


def _pixels(figure: Figure) -> bytes:
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    return bytes(canvas.buffer_rgba())


def _fresh(chart: Chart) -> bytes:
    figure = insights_charts.new_figure(WIDTH, HEIGHT)
    insights_charts.draw(chart, figure)
    return _pixels(figure)


@pytest.fixture(scope="module")
def scopes() -> list[Insights]:
    many = _many()
    return [
        figures(incidents=many, items=ITEMS),
        figures(Scope(severities=frozenset({Severity.SEV1})), incidents=many, items=ITEMS),
        figures(Scope(tags=frozenset({"nothing"})), incidents=many, items=ITEMS),  # empty
        figures(),
    ]


def test_a_kept_figure_draws_the_same_picture_as_a_new_one(scopes: list[Insights]) -> None:
    kept = 0
    for chart in scopes[0].charts:
        versions = [insights.chart(chart.key) for insights in scopes]
        figure = insights_charts.new_figure(WIDTH, HEIGHT)
        # Every chart after every other on one figure: all, narrowed, empty, small, all.
        for version in [*versions, versions[0]]:
            axes_before = list(figure.axes)
            insights_charts.draw(version, figure)
            kept += bool(axes_before) and figure.axes == axes_before
            assert _pixels(figure) == _fresh(version), (chart.key, version.covered)
    # The axes were kept for every chart after the first of its figure.
    assert kept >= 3 * len(scopes[0].charts)


def test_a_kept_figure_answers_clicks_as_a_new_one(scopes: list[Insights]) -> None:
    chart = scopes[0].chart("incidents_over_time")
    figure = insights_charts.new_figure(WIDTH, HEIGHT)
    insights_charts.draw(scopes[1].chart(chart.key), figure)
    drawn = insights_charts.draw(chart, figure)
    fresh = insights_charts.new_figure(WIDTH, HEIGHT)
    expected = insights_charts.draw(chart, fresh)
    assert set(drawn.places) == set(expected.places)
    # Only the artists of the last draw can be clicked.
    assert len(drawn.targets) == len(expected.targets)
    assert all(artist.axes in figure.axes for artist in drawn.targets)


def _without_metadata(svg: bytes) -> bytes:
    """The drawing: without the date written and the names matplotlib makes up for the
    shapes it reuses (which differ with how the shape was made, not with what it is)."""
    drawing = re.sub(rb"<metadata>.*?</metadata>", b"", svg, flags=re.DOTALL)
    return re.sub(rb"\b(m|p|h|image)[0-9a-f]{10}\b", rb"\1", drawing)


def test_pictures_drawn_on_kept_figures_are_those_of_new_ones(scopes: list[Insights]) -> None:
    insights_charts._PICTURE_FIGURES.clear()
    for chart in scopes[0].charts:
        for version in [insights.chart(chart.key) for insights in scopes]:
            svg = insights_charts.image(version, WIDTH, HEIGHT, "svg", scale=1.5)
            figure = insights_charts.new_figure(WIDTH, HEIGHT)
            expected = insights_charts._image(version, figure, "svg", 1.5)
            assert _without_metadata(svg) == _without_metadata(expected), chart.key
    # One figure per chart, kept for the next picture of it.
    assert len(insights_charts._PICTURE_FIGURES) == len(scopes[0].charts)


def test_a_picture_asked_for_while_another_is_drawn_gets_a_figure_of_its_own(
    scopes: list[Insights],
) -> None:
    chart = scopes[0].chart("incidents_over_time")
    insights_charts._PICTURE_FIGURES.clear()
    with insights_charts._PICTURE_FIGURES_LOCK:  # another thread is drawing a picture
        png = insights_charts.image(chart, WIDTH, HEIGHT, "png", scale=1)
    assert not insights_charts._PICTURE_FIGURES
    assert png == insights_charts.image(chart, WIDTH, HEIGHT, "png", scale=1)
    assert len(insights_charts._PICTURE_FIGURES) == 1
