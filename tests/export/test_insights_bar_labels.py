"""Labels of horizontal bars never overlap: two lines each for a few bars, one for many."""

from __future__ import annotations

import dataclasses
from itertools import pairwise

from matplotlib.backends.backend_agg import FigureCanvasAgg
from tests.core.test_insights import figures

from hindsight.export import insights_charts
from hindsight.export.insights_style import ONE_LINE_BAR_CHARS, TWO_LINE_BARS, bar_labels

LONG = "Pipeline or infrastructure capacity"


def drawn_labels(chart) -> list[str]:
    """The category labels as drawn on a report-sized picture; fails if any two overlap."""
    figure = insights_charts.new_figure(640, 300)
    canvas = FigureCanvasAgg(figure)
    insights_charts.draw(chart, figure)
    canvas.draw()
    renderer = canvas.get_renderer()
    texts = [t for t in figure.axes[0].get_yticklabels() if t.get_text()]
    boxes = sorted((t.get_window_extent(renderer) for t in texts), key=lambda box: box.y0)
    for lower, upper in pairwise(boxes):
        assert lower.y1 <= upper.y0 + 0.5, (lower, upper)
    return [t.get_text() for t in texts]


def relabelled(chart, label):
    categories = tuple(
        dataclasses.replace(category, label=label(n)) for n, category in enumerate(chart.categories)
    )
    return dataclasses.replace(chart, categories=categories)


def test_many_bars_have_one_line_labels_that_do_not_overlap() -> None:
    chart = relabelled(figures().chart("change_attribution"), lambda n: f"{LONG} {n}")
    assert len(chart.categories) > TWO_LINE_BARS
    labels = drawn_labels(chart)
    assert len(labels) == len(chart.categories)
    assert all("\n" not in label for label in labels)


def test_a_few_bars_keep_two_line_labels_that_do_not_overlap() -> None:
    chart = relabelled(figures().chart("trigger_kinds"), lambda n: f"{LONG} {n}")
    assert len(chart.categories) <= TWO_LINE_BARS
    assert all(label.count("\n") == 1 for label in drawn_labels(chart))


def test_a_one_line_label_is_cut_with_an_ellipsis_past_its_room() -> None:
    chart = relabelled(figures().chart("change_attribution"), lambda n: "x" * 80)
    labels = bar_labels(chart)
    assert all(len(label) <= ONE_LINE_BAR_CHARS and label.endswith("…") for label in labels)
