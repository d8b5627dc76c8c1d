"""Placing cards on the grid: rows as tall as their fullest cell, chips, stretching, hit tests."""

from __future__ import annotations

import itertools

import pytest

from hindsight.export.grid.geometry import (
    CARD_GAP,
    CARD_H,
    CELL_HEADER,
    CELL_PAD,
    CHIP_H,
    COL_W,
    FRAME_H,
    layout_grid,
    stretch_floor,
)

ONE_CARD_ROW = CELL_HEADER + CARD_H + CELL_PAD


def test_an_empty_grid_has_five_rows_of_one_card() -> None:
    layout = layout_grid({})
    assert all(h == ONE_CARD_ROW for h in layout.row_h.values())
    assert layout.grid.h == 5 * ONE_CARD_ROW
    assert layout.height == 5 * ONE_CARD_ROW + FRAME_H


def test_value_runs_up_and_feasibility_across() -> None:
    layout = layout_grid({})
    assert layout.row_y[5] < layout.row_y[4] < layout.row_y[1]
    assert layout.col_x[1] < layout.col_x[2] < layout.col_x[5]
    assert layout.col_x[2] - layout.col_x[1] == COL_W


@pytest.mark.parametrize(("value", "feasibility"), list(itertools.product(range(1, 6), repeat=2)))
def test_cell_at_finds_every_cell_from_inside_and_nothing_outside(value, feasibility) -> None:
    layout = layout_grid({(value, feasibility): [1, 2, 3]})
    rect = layout.cell_rect(value, feasibility)
    assert layout.cell_at(*rect.center()) == (value, feasibility)
    assert layout.cell_at(rect.x + 0.5, rect.y + 0.5) == (value, feasibility)
    assert layout.cell_at(rect.right - 0.5, rect.bottom - 0.5) == (value, feasibility)
    assert layout.cell_rect(value, feasibility).contains(*layout.cards[3].center())


def test_no_card_is_placed_off_the_grid() -> None:
    assert layout_grid({}).cell_at(0, 0) is None
    layout = layout_grid({})
    assert layout.cell_at(layout.grid.right + 1, layout.grid.y + 5) is None
    assert layout.cell_at(layout.grid.x + 5, layout.grid.bottom + 1) is None


def test_a_row_is_as_tall_as_its_fullest_cell_and_cards_never_overlap() -> None:
    layout = layout_grid({(4, 1): [1, 2, 3], (4, 5): [4], (2, 2): [5]})
    assert layout.row_h[4] == CELL_HEADER + 3 * CARD_H + 2 * CARD_GAP + CELL_PAD
    assert layout.row_h[2] == ONE_CARD_ROW
    tops = sorted(layout.cards[i].y for i in (1, 2, 3))
    assert all(b - a == CARD_H + CARD_GAP for a, b in itertools.pairwise(tops))
    assert layout.counts == {(4, 1): 3, (4, 5): 1, (2, 2): 1}


def test_a_crowded_cell_collapses_behind_a_chip_until_expanded() -> None:
    ids = list(range(1, 11))
    folded = layout_grid({(3, 3): ids}, collapse_after=6)
    assert sorted(folded.cards) == [1, 2, 3, 4, 5], "the first five, in the given order"
    chip = folded.chips[(3, 3)]
    assert (chip.hidden, chip.total) == (5, 10)
    assert chip.rect.y == folded.cards[5].bottom + CARD_GAP
    assert folded.row_h[3] == CELL_HEADER + 5 * (CARD_H + CARD_GAP) + CHIP_H + CELL_PAD
    unfolded = layout_grid({(3, 3): ids}, collapse_after=6, expanded={(3, 3)})
    assert sorted(unfolded.cards) == ids
    assert unfolded.chips[(3, 3)].hidden == 0, "a chip to fold it again"
    exactly = layout_grid({(3, 3): ids[:6]}, collapse_after=6)
    assert len(exactly.cards) == 6 and exactly.chips == {}


def test_stretch_floor_fills_the_height_without_shrinking_full_rows() -> None:
    assert stretch_floor([100, 100, 100, 100, 100], 400) == 0.0
    assert stretch_floor([100] * 5, 1000) == 200
    # A tall row keeps its height; the others share what is left.
    assert stretch_floor([100, 100, 100, 100, 600], 1000) == 0.0
    assert stretch_floor([100, 100, 100, 100, 500], 1000) == 125
    layout = layout_grid({(5, 5): [1, 2, 3, 4]}, rows_height=1200)
    assert sum(layout.row_h.values()) == pytest.approx(1200)
    assert layout.row_h[5] == CELL_HEADER + 4 * CARD_H + 3 * CARD_GAP + CELL_PAD
