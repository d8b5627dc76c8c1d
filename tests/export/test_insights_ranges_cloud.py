"""Thousands of ranges are drawn as one picture of the pixels they cover: the chart looks as
the stroked line made it, every range can still be clicked, and vector output keeps it."""

from __future__ import annotations

import contextlib
import io
import random
from dataclasses import replace
from datetime import date

import matplotlib
import numpy as np
import pytest
from matplotlib.backend_bases import MouseEvent
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from tests.core.test_insights import figures

from hindsight.core.insights_model import Chart, RangePoint
from hindsight.export import insights_charts, insights_ranges
from hindsight.export.insights_style import STYLE

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
    # The ranges and the dots are pictures, not thousands of shapes each.
    assert len(data) < 400_000
    if kind == "svg":
        assert data.count(b"<image") == 2
    else:
        assert data.count(b"/Subtype /Image") == 4  # each with its transparency


def test_the_cloud_in_svg_lands_where_agg_draws_it(qapp) -> None:
    from PySide6.QtCore import QByteArray, QRectF
    from PySide6.QtGui import QColor, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    chart = cloudy(insights_ranges.CLOUD + 500)

    def changed(render) -> np.ndarray:
        """The pixels the cloud changes, in `render`'s picture."""
        pictures = []
        for shown in (True, False):
            figure = insights_charts.new_figure(WIDTH, HEIGHT)
            insights_charts.draw(chart, figure)
            for artist in figure.axes[0].artists:
                artist.set_visible(shown)
            pictures.append(render(figure))
        return (pictures[0] != pictures[1]).any(axis=2)

    def agg(figure: Figure) -> np.ndarray:
        canvas = FigureCanvasAgg(figure)
        canvas.draw()
        return np.asarray(canvas.buffer_rgba())[..., :3].copy()

    def svg(figure: Figure) -> np.ndarray:
        buffer = io.BytesIO()
        with matplotlib.rc_context(STYLE):  # type: ignore[arg-type]
            figure.savefig(buffer, format="svg", dpi=96)
        image = QImage(WIDTH, HEIGHT, QImage.Format.Format_RGB32)
        image.fill(QColor("white"))
        painter = QPainter(image)
        QSvgRenderer(QByteArray(buffer.getvalue())).render(painter, QRectF(0, 0, WIDTH, HEIGHT))
        painter.end()
        bits = np.frombuffer(image.constBits(), dtype=np.uint8)
        rows = bits.reshape(HEIGHT, image.bytesPerLine())[:, : WIDTH * 4]
        return rows.reshape(HEIGHT, WIDTH, 4).copy()  # the image's memory goes with it

    by_agg, by_svg = changed(agg), changed(svg)
    assert by_agg.sum() > 5000
    assert (by_agg & by_svg).sum() > 0.9 * by_agg.sum()
    assert (by_svg & ~by_agg).sum() < 0.1 * by_agg.sum()


def _embedded_pictures(svg: bytes) -> list[np.ndarray]:
    import base64
    import re

    from PIL import Image

    found = re.findall(rb"data:image/png;base64,\s*([A-Za-z0-9+/=\s]+)", svg)
    pngs = [base64.b64decode(b"".join(data.split())) for data in found]
    return [np.asarray(Image.open(io.BytesIO(png))) for png in pngs]


def test_svg_pictures_are_written_as_light_png_with_the_same_pixels(monkeypatch) -> None:
    from matplotlib.backends import backend_svg
    from PIL import Image

    chart = cloudy(insights_ranges.CLOUD + 500)
    levels: list[object] = []
    save = Image.Image.save

    def noted(self, fp, format=None, **params):
        levels.append(params.get("compress_level"))
        return save(self, fp, format, **params)

    monkeypatch.setattr(Image.Image, "save", noted)
    light = insights_charts.image(chart, WIDTH, HEIGHT, "svg")
    assert levels == [1, 1]  # the cloud and its dots
    assert backend_svg.Image is Image  # matplotlib's own again
    levels.clear()
    with monkeypatch.context() as plain:
        plain.setattr(insights_charts, "_light_png", contextlib.nullcontext)
        usual = insights_charts.image(chart, WIDTH, HEIGHT, "svg")
    assert levels == [None, None]
    pictures, expected = _embedded_pictures(light), _embedded_pictures(usual)
    assert len(pictures) == 2
    assert all(np.array_equal(a, b) for a, b in zip(pictures, expected, strict=True))
