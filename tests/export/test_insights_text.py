"""Texts drawn from kept glyph pictures: the same pixels as drawn anew, without drawing."""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from tests.export.test_insights_charts_reuse import HEIGHT, WIDTH, _fresh, scopes  # noqa: F401

from hindsight.core.insights_model import Insights
from hindsight.export import insights_charts, insights_text
from hindsight.export.insights_text import TextKeepingRenderer


class KeepingCanvas(FigureCanvasAgg):
    def get_renderer(self) -> Any:
        width, height = self.get_width_height(physical=True)
        if self._lastKey != (width, height, self.figure.dpi):
            self.renderer = TextKeepingRenderer(width, height, self.figure.dpi)
            self._lastKey = (width, height, self.figure.dpi)
        return self.renderer


def _kept(figure: Figure) -> bytes:
    canvas = KeepingCanvas(figure)
    canvas.draw()
    return bytes(canvas.buffer_rgba())


def test_kept_texts_draw_the_pixels_of_texts_drawn_anew(
    scopes: list[Insights],  # noqa: F811
) -> None:
    insights_text.forget()
    for chart in scopes[0].charts:
        figure = insights_charts.new_figure(WIDTH, HEIGHT)
        # Every scope twice on one figure: the second time every text is a kept one.
        for version in [insights.chart(chart.key) for insights in scopes] * 2:
            insights_charts.draw(version, figure)
            assert _kept(figure) == _fresh(version), (chart.key, version.covered)


def test_a_text_drawn_before_is_not_drawn_again(scopes: list[Insights], monkeypatch) -> None:  # noqa: F811
    insights_text.forget()
    figure = insights_charts.new_figure(WIDTH, HEIGHT)
    insights_charts.draw(scopes[0].chart("found_first"), figure)
    first = _kept(figure)
    drawn: list[int] = []  # texts whose glyphs were drawn one by one (not the kept text)
    plain = insights_text.TextKeepingRenderer._draw_text_glyphs_and_boxes

    def counted(self, *args, **kwargs) -> None:
        drawn.append(1)
        plain(self, *args, **kwargs)

    monkeypatch.setattr(insights_text.TextKeepingRenderer, "_draw_text_glyphs_and_boxes", counted)
    assert _kept(figure) == first
    assert drawn == []  # every tick label, axis label and legend entry came from kept glyphs
    # A text not seen before is drawn, and kept.
    figure.axes[0].set_xlabel("A label never drawn before")
    _kept(figure)
    assert drawn == [1]
    drawn.clear()
    _kept(figure)
    assert drawn == []


def test_a_text_is_measured_and_laid_out_once_for_every_renderer(
    scopes: list[Insights],  # noqa: F811
    monkeypatch,
) -> None:
    insights_text.forget()
    chart = scopes[0].chart("incidents_over_time")
    figure = insights_charts.new_figure(WIDTH, HEIGHT)
    insights_charts.draw(chart, figure)
    _kept(figure)
    expected = _fresh_at(chart, WIDTH + 37)
    insights_text.forget()
    _kept(figure)
    measured: list[str] = []
    plain = RendererAgg.get_text_width_height_descent

    def counted(self, s, prop, ismath):
        measured.append(s)
        return plain(self, s, prop, ismath)

    monkeypatch.setattr(RendererAgg, "get_text_width_height_descent", counted)
    laid_out: list[str] = []
    prepare = RendererAgg._prepare_font

    def preparing(self, prop):
        laid_out.append("font")
        return prepare(self, prop)

    monkeypatch.setattr(RendererAgg, "_prepare_font", preparing)
    # Another figure, wider (its own renderer): the same texts, at other places.
    wider = insights_charts.new_figure(WIDTH + 37, HEIGHT)
    insights_charts.draw(chart, wider)
    assert _kept(wider) == expected
    assert measured == [] and laid_out == []
    # A text never drawn: measured and laid out once, then kept.
    wider.axes[0].set_xlabel("Never drawn before")
    _kept(wider)
    assert measured.count("Never drawn before") == 1 and laid_out
    measured.clear()
    _kept(insights_charts.new_figure(WIDTH, HEIGHT))
    wider.axes[0].set_xlabel("Never drawn before")
    _kept(wider)
    assert "Never drawn before" not in measured


def _fresh_at(chart, width: int) -> bytes:
    figure = insights_charts.new_figure(width, HEIGHT)
    insights_charts.draw(chart, figure)
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    return bytes(canvas.buffer_rgba())


def test_kept_texts_stay_within_their_number(monkeypatch) -> None:
    insights_text.forget()
    monkeypatch.setattr(insights_text, "KEPT_TEXTS", 5)
    figure = insights_charts.new_figure(WIDTH, HEIGHT)
    axes = figure.add_subplot()
    axes.set_axis_off()
    for n in range(12):
        axes.text(0.1, n / 12, f"text {n}")
    _kept(figure)
    assert len(insights_text._GLYPHS) == 5


def test_a_text_drawn_without_glyph_pictures_is_not_kept(monkeypatch) -> None:
    """Should matplotlib draw text some other way, nothing empty is kept in its place."""
    insights_text.forget()
    monkeypatch.setattr(insights_text._Recorder, "draw_text_image", lambda *args: None)
    figure = insights_charts.new_figure(WIDTH, HEIGHT)
    figure.text(0.5, 0.5, "words")
    _kept(figure)
    assert not insights_text._GLYPHS


def test_a_text_handed_over_whole_is_drawn_and_not_kept() -> None:
    """Older matplotlib hands Agg a whole text's picture, turned: drawn as it is, not kept."""

    class Agg:
        def __init__(self) -> None:
            self.calls: list[tuple[object, int, int, float]] = []

        def draw_text_image(self, image, x, y, angle, gc) -> None:
            self.calls.append((image, x, y, angle))

    agg = Agg()
    recorder = insights_text._Recorder(agg)
    glyph = np.zeros((3, 2), dtype=np.uint8)
    recorder.draw_text_image(glyph, 4, 5, 0, None)
    assert recorder.keepable and len(recorder.glyphs) == 1 and agg.calls[0][1:] == (4, 5, 0)
    whole = object()  # a font object holding the whole text, as older versions hand over
    recorder.draw_text_image(whole, 6, 7, 90.0, None)
    assert agg.calls[1] == (whole, 6, 7, 90.0)
    assert not recorder.keepable and len(recorder.glyphs) == 1


def test_a_fonts_heights_are_read_once_and_lay_texts_out_as_matplotlib_does(monkeypatch) -> None:
    insights_text.forget()
    read: list[float] = []
    plain_read = insights_text._font_height_metrics

    def counted(prop: Any, dpi: float) -> Any:
        read.append(dpi)
        return plain_read(prop, dpi)

    monkeypatch.setattr(insights_text, "_font_height_metrics", counted)
    for dpi in (72.0, 100.0, 144.0):
        figure = Figure(figsize=(4, 3), dpi=dpi)
        texts = [
            figure.text(0.1, 0.1 + 0.1 * i, text, fontsize=size, fontweight=weight)
            for i, (text, size, weight) in enumerate(
                [
                    ("Incidents", 9, "normal"),
                    ("Q1 2025\nQ2 2025", 9, "normal"),
                    ("Time to detect (days)", 11, "bold"),
                    ("gjpqy ÉÅ", 7.5, "normal"),
                ]
            )
        ]
        width, height = FigureCanvasAgg(figure).get_width_height(physical=True)
        keeping = TextKeepingRenderer(width, height, dpi)
        plain = RendererAgg(width, height, dpi)
        for text in texts:
            # The box, each line's size and place, and the drawn box: all the same numbers.
            assert repr(text._get_layout(keeping)) == repr(text._get_layout(plain)), text
            assert repr(text._get_layout(keeping)) == repr(text._get_layout(plain)), text
    # Two fonts (normal, bold) at three sizes, read once each per dpi, however often laid out.
    assert len(read) == 3 * 4 - 3  # the two 9-point texts share a font


def _texts_drawn(
    renderer_class: type, places: list[tuple[float, float, float, float, bool]]
) -> Any:
    """Pixels of texts at `places` (x, y, angle, size, antialiased) drawn by one renderer."""
    from matplotlib.font_manager import FontProperties

    renderer = renderer_class(300, 200, 100.0)
    for n, (x, y, angle, size, antialiased) in enumerate(places):
        gc = renderer.new_gc()
        gc.set_antialiased(antialiased)
        gc.set_foreground("#333333")
        text = ("Q3 2025", "gjpqy ÉÅ 0.5", "Incidents", "1,234")[n % 4]
        renderer.draw_text(gc, x, y, text, FontProperties(size=size), angle)
        gc.restore()
    return np.asarray(renderer.buffer_rgba()).copy()


def test_glyph_pictures_drawn_again_at_any_place_within_a_pixel_are_the_pixels_of_agg() -> None:
    """A glyph's kept picture, moved by whole pixels, is what FreeType renders there: texts
    at random places (so glyphs fall at every 64th of a pixel, and at the same 64th in
    other pixels), turned or not, with and without antialiasing, equal plain Agg's."""
    import random

    rng = random.Random(12)
    places = [
        (
            rng.uniform(5, 200),
            rng.uniform(20, 190),
            rng.choice((0.0, 0.0, 90.0, 30.0)),
            rng.choice((7.5, 9.0, 11.0)),
            rng.random() < 0.8,
        )
        for _ in range(300)
    ]
    expected = _texts_drawn(RendererAgg, places)
    insights_text.forget()
    first = _texts_drawn(TextKeepingRenderer, places)  # glyph pictures made, then reused
    assert np.array_equal(first, expected)
    assert len(insights_text._GLYPH_PICTURES) < sum(
        len(("Q3 2025", "gjpqy ÉÅ 0.5", "Incidents", "1,234")[n % 4]) for n in range(300)
    )  # some glyphs fell at a place within a pixel seen before
    insights_text._GLYPHS.clear()  # whole texts drawn anew from the kept glyph pictures
    again = _texts_drawn(TextKeepingRenderer, [(x + 17, y - 9, *rest) for x, y, *rest in places])
    moved = _texts_drawn(RendererAgg, [(x + 17, y - 9, *rest) for x, y, *rest in places])
    assert np.array_equal(again, moved)


def test_without_matplotlibs_private_glyph_calls_texts_are_drawn_as_agg_draws_them(
    monkeypatch,
) -> None:
    # The glyph pictures use FT2Font's private calls; another matplotlib lacking them must
    # still draw every text, as plain Agg does.
    places = [(10.0 + 7 * n, 30.0 + 5 * n, 0.0, 9.0, True) for n in range(20)]
    expected = _texts_drawn(RendererAgg, places)
    monkeypatch.setattr(insights_text, "_GLYPH_PICTURES_WORK", False)
    insights_text.forget()
    drawn = _texts_drawn(TextKeepingRenderer, places)
    assert np.array_equal(drawn, expected)
    assert not insights_text._GLYPH_PICTURES
