"""The pixels of charts drawn are kept: an equal chart at the same size is copied, not drawn
again, looks the same, and can still be clicked."""

from __future__ import annotations

from PySide6.QtCore import Qt

from hindsight.ui.insights import chart_card
from hindsight.ui.insights.chart_card import KeptPictures

from .conftest import settle
from .test_insights_view import insights_db, open_view  # noqa: F401  (a fixture)


def pixels(card) -> bytes:
    return bytes(card.canvas.get_renderer().buffer_rgba())


def drawn_view(make_window, path, qtbot):
    window = make_window(path)
    view = open_view(window, qtbot, (1200, 800))
    qtbot.wait(50)
    view.draw_all()
    return window, view


def test_a_second_view_copies_the_pictures_and_they_can_be_clicked(
    make_window,
    insights_db,  # noqa: F811
    qtbot,
) -> None:
    chart_card.PICTURES.clear()
    _, first = drawn_view(make_window, insights_db, qtbot)
    pictured = [k for k, card in first.cards.items() if card.canvas.isVisibleTo(card)]
    assert len(pictured) > 10
    assert all(first.cards[k].canvas.renders == 1 for k in pictured)
    window, second = drawn_view(make_window, insights_db, qtbot)
    for key in pictured:
        card = second.cards[key]
        assert card.canvas.builds >= 1 and card.canvas.renders == 0, key
        assert pixels(card) == pixels(first.cards[key]), key
    # A click on a copied picture: its artists are made then, and the click lands.
    card = second.cards["incidents_over_time"]
    second.charts_area.ensureWidgetVisible(card)
    point = card.canvas.point_of("SEV1", "2025-02")
    assert point is not None
    qtbot.mouseClick(card.canvas, Qt.MouseButton.LeftButton, pos=point)
    settle(qtbot, window)
    assert window.list_pane.visible_keys() == ["HS-3"]
    assert card.canvas.renders == 0  # the click made artists, it drew nothing


def test_a_scope_shown_before_comes_back_from_kept_pixels(
    make_window,
    insights_db,  # noqa: F811
    qtbot,
) -> None:
    chart_card.PICTURES.clear()
    window, view = drawn_view(make_window, insights_db, qtbot)
    card = view.cards["incidents_over_time"]
    before = pixels(card)
    for _ in range(2):  # SEV1 only, then every severity again
        view.scope_bar.severities._actions["SEV1"].trigger()
        qtbot.waitUntil(lambda: not window.ops.busy and not view._busy, timeout=10000)
        qtbot.wait(view._scope_timer.interval() + 50)
        qtbot.waitUntil(lambda: not window.ops.busy and not view._busy, timeout=10000)
        view.draw_all()
    assert view.insights is not None and not view.insights.scope.severities
    assert card.canvas.renders == 2  # every incident, SEV1; every incident again is copied
    assert pixels(card) == before


def test_kept_pictures_stay_within_their_budget() -> None:
    kept = KeptPictures(100)
    kept.put(("a",), "A", 40)
    kept.put(("b",), "B", 40)
    assert kept.get(("a",)) == "A"  # now the newest
    kept.put(("c",), "C", 40)
    assert kept.get(("b",)) is None and kept.get(("a",)) == "A" and kept.get(("c",)) == "C"
    kept.put(("huge",), "H", 101)
    assert kept.get(("huge",)) is None and len(kept) == 2
    assert kept.keys() == [("a",), ("c",)]
    kept.discard(("a",))
    kept.put(("d",), "D", 60)  # room made by the discarded one
    assert kept.keys() == [("c",), ("d",)]
    kept.clear()
    assert len(kept) == 0
