"""Axes that work out their ticks once a draw, texts laid out once for the process, and a
first axis whose pixels are copied when it was drawn before: the pictures must be exactly
(pixel for pixel) those plain matplotlib draws."""

from __future__ import annotations

from typing import Any

import matplotlib
import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.backends.backend_mixed import MixedModeRenderer
from matplotlib.backends.backend_svg import RendererSVG
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.transforms import IdentityTransform
from tests.export.test_insights_charts_reuse import HEIGHT, WIDTH, _fresh, _pixels, scopes  # noqa: F401
from tests.export.test_insights_text import KeepingCanvas

from hindsight.core.insights_model import Chart, ChartKind, Insights
from hindsight.export import insights_charts, insights_style, insights_text
from hindsight.export.insights_text import TextKeepingRenderer


def _kept(figure: Figure) -> bytes:
    canvas = KeepingCanvas(figure)
    canvas.draw()
    return bytes(canvas.buffer_rgba())


def _plain_axes(chart: Chart, monkeypatch: pytest.MonkeyPatch) -> bytes:
    with monkeypatch.context() as patched:
        patched.setattr(insights_charts, "ChartAxes", Axes)
        figure = insights_charts.new_figure(WIDTH, HEIGHT)
        insights_charts.draw(chart, figure)
        assert all(type(axes) is Axes for axes in figure.axes)
        return _pixels(figure)


def test_chart_axes_draw_what_plain_axes_draw(
    scopes: list[Insights],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for insights in scopes:
        for chart in insights.charts:
            figure = insights_charts.new_figure(WIDTH, HEIGHT)
            insights_charts.draw(chart, figure)
            assert all(isinstance(axes, insights_charts.ChartAxes) for axes in figure.axes)
            assert _pixels(figure) == _plain_axes(chart, monkeypatch), chart.key


def _draws(monkeypatch: pytest.MonkeyPatch, module: Any, name: str, note: Any) -> list[Any]:
    """What `module.name` (a draw function) is called for from now on, as `note` tells it."""
    drawn: list[Any] = []
    plain = getattr(module, name)

    def counted(artist: Any, renderer: Any) -> None:
        drawn.append(note(artist))
        plain(artist, renderer)

    monkeypatch.setattr(module, name, counted)
    return drawn


def _axis_draws(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Which axes matplotlib draws from now on ("x" or "y")."""
    return _draws(monkeypatch, insights_charts, "_AXIS_DRAW", lambda axis: axis.axis_name)


def test_a_first_axis_drawn_before_is_copied_with_the_pixels_drawing_gives(
    scopes: list[Insights],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    insights_text.forget()
    figures: dict[Any, Figure] = {}  # one per kind, as the view's
    for insights in scopes[:2]:
        for chart in insights.charts:
            figure = figures.setdefault(insights_charts.frame_kind(chart), Figure())
            figure.set_size_inches(WIDTH / 96, HEIGHT / 96)
            figure.set_dpi(96)
            insights_charts.draw(chart, figure)
            assert _kept(figure) == _fresh(chart), chart.key
    drawn = _axis_draws(monkeypatch)
    copied = 0
    for chart in scopes[0].charts:  # again: the categories of each were drawn before
        figure = figures[insights_charts.frame_kind(chart)]
        insights_charts.draw(chart, figure)
        drawn.clear()
        pixels = _kept(figure)
        axes = list(drawn)
        assert pixels == _fresh(chart), chart.key
        if chart.kind in (ChartKind.COLUMNS, ChartKind.GROUPED, ChartKind.RANGES):
            assert "x" not in axes[:1], chart.key  # the categories: copied, not drawn
            copied += 1
        elif chart.kind is ChartKind.BARS:
            assert axes == ["x"], chart.key  # the values drawn, the categories copied
            copied += 1
    assert copied >= 10


def _drawn_and_kept(chart: Chart) -> Figure:
    """A figure that drew `chart` once, nothing laid out before it, its pixels kept."""
    insights_text.forget()
    figure = insights_charts.new_figure(WIDTH, HEIGHT)
    insights_charts.draw(chart, figure)
    _kept(figure)
    return figure


def test_an_axis_that_changed_in_any_way_is_drawn_again(
    scopes: list[Insights],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    figure = _drawn_and_kept(scopes[0].chart("incidents_over_time"))
    drawn = _axis_draws(monkeypatch)
    axes = figure.axes[0]
    changes = [
        lambda: axes.tick_params(axis="x", labelcolor="red"),
        lambda: axes.tick_params(axis="x", length=5),
        lambda: axes.xaxis.get_major_ticks()[1].label1.set_fontsize(11),
        lambda: axes.xaxis.get_major_ticks()[2].gridline.set_visible(True),
        lambda: axes.set_xlabel("Another label"),
        lambda: axes.xaxis.label.set_color("blue"),
        lambda: axes.set_xlim(-1, 3),
        lambda: figure.subplots_adjust(left=0.3),
        lambda: axes.set_facecolor("#fafafa"),
        lambda: figure.set_facecolor("#fefefe"),
        # Drawn before the axis: the axis is then drawn over it, as always.
        lambda: axes.axhspan(0, 1, color="orange", zorder=0),
        lambda: figure.set_size_inches((WIDTH + 40) / 96, HEIGHT / 96),
    ]
    for change in changes:
        change()
        drawn.clear()
        kept = _kept(figure)
        assert drawn[:1] == ["x"]
        assert kept == _pixels(figure)  # plain Agg, nothing kept
        drawn.clear()
        assert _kept(figure) == kept


def _svg_renderer(figure: Figure) -> Any:
    """A renderer as matplotlib's SVG pictures draw with."""
    import io

    figure.dpi = 72
    return MixedModeRenderer(figure, 4, 3, 96, RendererSVG(288, 216, io.StringIO()))


@pytest.mark.parametrize("drawing", ["agg", "svg"])
def test_a_text_is_laid_out_as_matplotlib_lays_it_out(drawing: str) -> None:
    insights_text.forget()
    figure = Figure(figsize=(4, 3), dpi=96)
    texts = [
        figure.text(0.5, 0.5, "One line"),
        figure.text(0.5, 0.5, "Two\nlines", ha="center", va="top", rotation=90),
        figure.text(0.5, 0.5, "Right\naligned lines", multialignment="right", va="baseline"),
        figure.text(0.5, 0.5, "Turned", rotation=30, rotation_mode="anchor", fontsize=11),
        figure.text(0.5, 0.5, "Spaced\nout", linespacing=2.5, fontweight="bold"),
        figure.text(0.5, 0.5, ""),
    ]
    # The same words every other way: each its own layout.
    same = {"s": "Same\nwords"}
    texts += [
        figure.text(0.5, 0.5, **same),
        figure.text(0.5, 0.5, ha="right", **same),
        figure.text(0.5, 0.5, va="center", **same),
        figure.text(0.5, 0.5, rotation=45, **same),
        figure.text(0.5, 0.5, rotation=45, rotation_mode="anchor", **same),
        figure.text(0.5, 0.5, multialignment="center", **same),
        figure.text(0.5, 0.5, multialignment="center", ha="center", **same),
        figure.text(0.5, 0.5, linespacing=2, **same),
        figure.text(0.5, 0.5, fontsize=9, **same),
        figure.text(0.5, 0.5, fontstyle="italic", **same),
        figure.text(0.5, 0.5, family="DejaVu Serif", **same),
    ]
    renderer = TextKeepingRenderer(384, 288, 96) if drawing == "agg" else _svg_renderer(figure)
    plain = insights_text._plain_text_layout
    for text in texts:
        for _ in range(2):  # laid out, then kept
            box, lines, corner = text._get_layout(renderer)
            expected_box, expected_lines, expected_corner = plain(text, renderer)
            assert np.array_equal(box.get_points(), expected_box.get_points()), text.get_text()
            assert lines == expected_lines and corner == expected_corner
            box.x0 = -1000  # the kept layout is not the one handed out
    assert len(insights_text._TEXT_LAYOUTS) == len(texts)
    # Another size of text: laid out anew.
    texts[0].set_fontsize(13)
    box, _, _ = texts[0]._get_layout(renderer)
    assert np.array_equal(box.get_points(), plain(texts[0], renderer)[0].get_points())
    assert len(insights_text._TEXT_LAYOUTS) == len(texts) + 1


@pytest.mark.parametrize("dpi", [96, 144, 192])
def test_bars_draw_their_categories_first_and_look_as_drawn_the_other_way(
    scopes: list[Insights],  # noqa: F811
    dpi: int,
) -> None:
    bars = [c for insights in scopes for c in insights.charts if c.kind is ChartKind.BARS]
    assert len(bars) >= 8
    for chart in bars:
        figure = insights_charts.new_figure(WIDTH, HEIGHT)
        figure.set_dpi(dpi)
        insights_charts.draw(chart, figure)
        axes = figure.axes[0]
        assert axes.yaxis.get_zorder() < axes.xaxis.get_zorder()
        first = _pixels(figure)
        axes.yaxis.set_zorder(axes.xaxis.get_zorder())  # matplotlib's order: x, then y
        assert _pixels(figure) == first, (chart.key, dpi)


def _legend_draws(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    return _draws(monkeypatch, insights_style, "_LEGEND_DRAW", lambda legend: 1)


def test_a_legend_drawn_before_over_the_same_pixels_is_copied(
    scopes: list[Insights],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    insights_text.forget()
    with_legends = [c for c in scopes[0].charts if c.kind is not ChartKind.TABLE]
    for chart in with_legends:
        figure = insights_charts.new_figure(WIDTH, HEIGHT)
        insights_charts.draw(chart, figure)
        _kept(figure)
    drawn = _legend_draws(monkeypatch)
    legends = 0
    for chart in with_legends:
        figure = insights_charts.new_figure(WIDTH, HEIGHT)
        insights_charts.draw(chart, figure)
        legends += figure.axes[0].get_legend() is not None
        assert _kept(figure) == _fresh(chart), chart.key
    assert legends >= 5
    assert drawn == [1] * legends  # for the plain pictures alone


def test_a_legend_that_changed_or_lies_over_other_pixels_is_drawn(
    scopes: list[Insights],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    figure = _drawn_and_kept(scopes[0].chart("incidents_over_time"))
    drawn = _legend_draws(monkeypatch)
    axes = figure.axes[0]
    legend = axes.get_legend()
    assert legend is not None
    changes = [
        lambda: legend.texts[0].set_text("Another name"),
        lambda: legend.legend_handles[1].set_facecolor("green"),
        lambda: legend.legend_handles[1].set_hatch("xx"),
        lambda: legend.texts[1].set_fontsize(10),
        lambda: legend.set_bbox_to_anchor((0.1, 1.02), transform=axes.transAxes),
        lambda: figure.subplots_adjust(top=0.8),
        # Something under the legend: the pixels it is drawn over are not those kept.
        lambda: figure.text(
            legend.get_window_extent().x0 + 20,
            legend.get_window_extent().y0 + 2,
            "Under the legend",
            transform=IdentityTransform(),
            zorder=-1,
        ),
        lambda: figure.set_size_inches((WIDTH + 40) / 96, HEIGHT / 96),
    ]
    for n, change in enumerate(changes):
        change()
        drawn.clear()
        kept = _kept(figure)
        assert drawn == [1], n
        assert kept == _pixels(figure)  # plain Agg, nothing kept
        drawn.clear()
        assert _kept(figure) == kept
        assert drawn == []


def test_svg_pictures_are_those_of_texts_laid_out_anew(
    scopes: list[Insights],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # SVG files then say the same date and name their parts the same.
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    monkeypatch.setitem(matplotlib.rcParams, "svg.hashsalt", "same")
    insights_text.forget()
    charts = [c for c in scopes[0].charts + scopes[1].charts if c.kind is not ChartKind.TABLE]
    kept = [insights_charts.image(chart, WIDTH, HEIGHT, "svg") for chart in charts]
    assert insights_text._TEXT_LAYOUTS  # the SVG renderer's layouts were kept
    with monkeypatch.context() as plain:
        plain.setattr(Text, "_get_layout", insights_text._plain_text_layout)
        anew = [insights_charts.image(chart, WIDTH, HEIGHT, "svg") for chart in charts]
    assert kept == anew
