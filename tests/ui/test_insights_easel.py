"""The view draws its pictures on a few shared figures (one per kind of chart and size) and
copies them to the charts' canvases: the pictures are those a new figure draws, and a click
still lists the incidents behind a bar."""

from __future__ import annotations

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PySide6.QtCore import Qt
from tests.core.test_insights import figures

from hindsight.export import insights_charts
from hindsight.ui.insights import chart_card

from .conftest import settle
from .test_insights_view import insights_db, open_view  # noqa: F401  (a fixture)


def fresh_pixels(canvas) -> bytes:
    """The chart of `canvas` drawn by matplotlib alone, on a new figure of its size."""
    inches = canvas.figure.get_size_inches()
    figure = Figure(figsize=(float(inches[0]), float(inches[1])), dpi=canvas.figure.dpi)
    insights_charts.draw(canvas.chart, figure)
    agg = FigureCanvasAgg(figure)
    agg.draw()
    return bytes(agg.buffer_rgba())


def test_the_pictures_drawn_on_shared_figures_are_those_of_new_figures(
    make_window,
    insights_db,  # noqa: F811
    qtbot,
) -> None:
    chart_card.PICTURES.clear()
    chart_card.EASEL.clear()
    window = make_window(insights_db)
    view = open_view(window, qtbot, (1200, 800))
    qtbot.wait(50)
    view.draw_all()
    pictured = [card for card in view.cards.values() if card.canvas.isVisibleTo(card)]
    assert len(pictured) > 10 and all(card.canvas.renders == 1 for card in pictured)
    for card in pictured:
        assert bytes(card.canvas.get_renderer().buffer_rgba()) == fresh_pixels(card.canvas), (
            card.key
        )
    # Fewer figures than charts drew them: one per kind of chart, whatever its width.
    assert len({card.canvas.width() for card in pictured}) > 1
    kinds = {insights_charts.frame_kind(card.chart) for card in pictured}
    assert len(chart_card.EASEL) == len(kinds) < len(pictured)
    # The canvases' own figures hold nothing until clicked; a click makes the chart's
    # artists there, and lists the incidents behind the bar.
    card = view.cards["incidents_over_time"]
    assert not card.canvas.figure.axes
    view.charts_area.ensureWidgetVisible(card)
    point = card.canvas.point_of("SEV1", "2025-02")
    assert point is not None
    qtbot.mouseClick(card.canvas, Qt.MouseButton.LeftButton, pos=point)
    settle(qtbot, window)
    assert window.list_pane.visible_keys() == ["HS-3"]
    assert card.canvas.renders == 1


def test_the_shared_figures_stay_few() -> None:
    easel = chart_card.Easel(2)
    insights = figures()
    for width in (5.0, 6.0, 7.0):
        easel.draw(insights.chart("incidents_over_time"), (width, 3.0), 96.0)
    assert len(easel) == 1  # one kind of chart, at three widths
    for key in ("time_to_detect", "trigger_kinds", "incidents_over_time"):
        easel.draw(insights.chart(key), (5.0, 3.0), 96.0)
    assert len(easel) == 2
    easel.clear()
    assert len(easel) == 0
