"""A chart saved as a file (Save as PNG or SVG on its card) carries its title above the
picture; the picture itself is the one the view and the report show, which carry none."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image
from tests.core.test_insights import figures

from hindsight.core.insights_model import Chart
from hindsight.export import insights_charts

WIDTH, HEIGHT = 560, 300


def _rgb(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB")).astype(int)


def _charts() -> list[Chart]:
    return [chart for chart in figures().charts if chart.key != "impact_compared"]


@pytest.mark.parametrize("key", [c.key for c in _charts()])
def test_a_saved_svg_says_its_title_and_the_plain_picture_does_not(key: str) -> None:
    chart = figures().chart(key)
    saved = insights_charts.saved_image(chart, WIDTH, HEIGHT, "svg").decode()
    plain = insights_charts.image(chart, WIDTH, HEIGHT, "svg").decode()
    assert chart.title in saved
    assert chart.title not in plain
    # The title is real text, in the charts' font, above everything else.
    assert "font-weight" in saved[saved.index(chart.title) - 400 : saved.index(chart.title)]


@pytest.mark.parametrize("scale", [1, 2])
def test_a_saved_png_is_the_picture_under_a_band_with_the_title(scale: int) -> None:
    band = insights_charts.TITLE_BAND * scale
    for chart in _charts():
        plain = _rgb(insights_charts.image(chart, WIDTH, HEIGHT, "png", scale=scale))
        saved = _rgb(insights_charts.saved_image(chart, WIDTH, HEIGHT, "png", scale=scale))
        assert saved.shape == (plain.shape[0] + band, plain.shape[1], 3), chart.key
        # The band holds dark text (the title) on white.
        dark = (saved[:band] < 100).all(axis=2)
        assert dark.sum() > 20 * scale * scale, chart.key
        # Below the band, the same picture: only the phase of a hatched "no answer" bar's
        # stripes may move (they are laid from the figure's corner), never the drawing.
        below = saved[band:]
        differs = (below != plain).any(axis=2)
        for picture in (plain, below):
            changed = picture[differs]
            # Where they differ, both are the hatched bar's greys or white: no colour moved.
            assert (changed.max(axis=1) - changed.min(axis=1) < 40).all(), chart.key


def test_the_picture_drawn_after_a_saved_one_has_no_title() -> None:
    """Saving draws on a figure of its own: the figures the view and the report keep to
    draw on are not made taller nor given a title."""
    chart = figures().chart("trigger_kinds")
    before = insights_charts.image(chart, WIDTH, HEIGHT, "png", scale=1)
    insights_charts.saved_image(chart, WIDTH, HEIGHT, "png", scale=1)
    assert insights_charts.image(chart, WIDTH, HEIGHT, "png", scale=1) == before
