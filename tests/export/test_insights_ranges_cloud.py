"""Thousands of ranges are drawn as one picture of the pixels they cover: the chart looks as
the stroked line made it, every range can still be clicked, and vector output keeps it."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date

import numpy as np
import pytest
from matplotlib.backend_bases import MouseEvent
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from tests.core.test_insights import figures

from hindsight.core.insights_model import Chart, RangePoint
from hindsight.export import insights_charts, insights_ranges

WIDTH, HEIGHT = 640, 300


def cloudy(count: int) -> Chart:
    """The time-to-detect chart with `count` made-up ranges spread over its periods."""
    chart = figures().chart("time_to_detect")
    rng = random.Random(3)
    periods = len(chart.categories)
    points = []
    for n in range(count):
        shortest = rng.uniform(0.05, 100)
        best = shortest * rng.uniform(1, 3)
        points.append(
            RangePoint(
                n + 1,
                f"HS-{n + 1}",
                date(2025, 1, 1),
                rng.uniform(0, periods - 0.01),
                shortest,
                best,
                best * rng.uniform(1, 4),
            )
        )
    return replace(chart, ranges=tuple(points))


def drawn(chart: Chart) -> tuple[Figure, insights_charts.Drawn, np.ndarray]:
    figure = insights_charts.new_figure(WIDTH, HEIGHT)
    canvas = FigureCanvasAgg(figure)
    found = insights_charts.draw(chart, figure)
    canvas.draw()
    return figure, found, np.asarray(canvas.buffer_rgba())[..., :3].astype(int)


def test_thousands_of_ranges_are_one_picture_that_looks_like_the_line(monkeypatch) -> None:
    chart = cloudy(insights_ranges.CLOUD + 500)
    figure, _, cloud = drawn(chart)
    axes = figure.axes[0]
    [picture] = [a for a in axes.artists if isinstance(a, insights_ranges.RangeCloud)]
    [spans] = [line for line in axes.lines if len(line.get_xdata()) == 3 * len(chart.ranges)]
    assert picture.get_visible() and not spans.get_visible()  # the line stays for clicks
    # The same chart with every range stroked, as before.
    monkeypatch.setattr(insights_ranges, "CLOUD", 10**9)
    _, _, stroked = drawn(chart)
    apart = np.abs(cloud - stroked).max(axis=2)
    # A shade rounded apart here and there, a range's end a pixel apart: nothing to see.
    assert (apart > 16).mean() < 0.02
    assert apart.max() < 64
    tinted = (cloud != 255).any(axis=2).sum()
    assert abs(tinted - (stroked != 255).any(axis=2).sum()) < 0.08 * tinted


def test_fewer_ranges_are_still_drawn_as_a_line() -> None:
    figure, _, _ = drawn(cloudy(50))
    assert not figure.axes[0].artists


def test_a_range_in_the_cloud_is_clicked_as_before() -> None:
    chart = cloudy(insights_ranges.CLOUD + 500)
    figure, found, _ = drawn(chart)
    for point in (chart.ranges[7], chart.ranges[1234]):
        axes, x, y = found.places[("range", point.key)]
        px, py = axes.transData.transform((x, y))
        event = MouseEvent("button_press_event", figure.canvas, px, py, button=1)
        target = found.hit(event)
        assert target is not None and target.ids == frozenset({point.incident_id})


@pytest.mark.parametrize("kind", ["svg", "pdf"])
def test_vector_pictures_hold_the_cloud_as_an_image(kind: str) -> None:
    data = insights_charts.image(cloudy(insights_ranges.CLOUD + 500), WIDTH, HEIGHT, kind)
    if kind == "svg":
        assert data.count(b"<image") == 1
    else:
        assert b"/Subtype /Image" in data
