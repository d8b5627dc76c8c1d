"""The grid drawn as a picture from plain data, without any window."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication

from hindsight.core.followup_attention import AttentionSettings, assess
from hindsight.core.followups import FollowUp, FollowUpStatus, StatusStep
from hindsight.export.grid.geometry import (
    AXIS_BOTTOM,
    AXIS_LEFT,
    CARD_GAP,
    CARD_H,
    CELL_HEADER,
    CELL_PAD,
    COL_W,
    MARGIN,
)
from hindsight.export.grid.render import grid_image, picture_layout
from hindsight.services.followups import default_regions

REGIONS = default_regions()
WIDTH = MARGIN + AXIS_LEFT + 5 * COL_W + MARGIN
ROW = CELL_HEADER + CARD_H + CELL_PAD  # a row whose fullest cell holds one card


def items(*cells: tuple[int, int]) -> list[FollowUp]:
    return [
        FollowUp(
            title=f"Alert number {n} on model age and golden-set stability",
            incident_id=1,
            incident_key="HS-1",
            id=n,
            value=value,
            feasibility=feasibility,
            owner="Sven Halvorsen",
            due=date(2026, 1, 1),
            history=[StatusStep(FollowUpStatus.OPEN, date(2025, 12, 1))],
        )
        for n, (value, feasibility) in enumerate(cells, start=1)
    ]


def expected_height(extra_cards_in_one_row: int = 0) -> int:
    return round(
        MARGIN + 5 * ROW + extra_cards_in_one_row * (CARD_H + CARD_GAP) + AXIS_BOTTOM + MARGIN
    )


def test_the_image_shows_regions_and_cards(qapp) -> None:
    three_in_one_cell = items((5, 5), (5, 5), (5, 5), (1, 1))
    report = assess(
        three_in_one_cell,
        regions=REGIONS,
        published={},
        settings=AttentionSettings(),
        today=date(2026, 11, 26),
    )
    image = grid_image(three_in_one_cell, REGIONS, report)
    assert (image.width(), image.height()) == (round(WIDTH), expected_height(2))
    # Regions are drawn: the middle of an empty strategic cell has the strategic colour.
    layout_x = MARGIN + AXIS_LEFT + COL_W / 2  # feasibility 1
    layout_y = MARGIN + ROW + 2 * (CARD_H + CARD_GAP) + ROW / 2  # value 4, under the tall row 5
    colour = image.pixelColor(round(layout_x), round(layout_y))
    assert colour == QColor(REGIONS.by_key("strategic").colour)
    # Cards are drawn: the top-right cell is not just background any more.
    card_x = MARGIN + AXIS_LEFT + 4 * COL_W + COL_W / 2
    card_y = MARGIN + CELL_HEADER + CARD_H / 2
    assert image.pixelColor(round(card_x), round(card_y)) != QColor(
        REGIONS.by_key("do_first").colour
    )


def test_scale_and_an_empty_grid(qapp) -> None:
    # (Windows another test of the same worker left open are not this test's.)
    shown_before = {id(w) for w in QApplication.topLevelWidgets() if w.isVisible()}
    empty = picture_layout([], REGIONS)
    assert (round(empty.width), round(empty.height)) == (round(WIDTH), expected_height())
    image = grid_image(items((3, 3)), REGIONS, scale=2)
    assert (image.width(), image.height()) == (round(WIDTH * 2), expected_height() * 2)
    shown = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    assert all(id(w) in shown_before for w in shown), "no window was shown"


def test_draws_in_a_process_without_any_qt_application(tmp_path: Path, demo_db: Path) -> None:
    # What a command-line export does: plain data in, a picture out, no QApplication made first.
    script = (
        "import sys\n"
        "from hindsight.services.workspace import Workspace\n"
        "from hindsight.export.grid.render import grid_image\n"
        "w = Workspace.open(sys.argv[1])\n"
        "o = w.followups.overview(2)\n"
        "image = grid_image(o.items, o.regions, o.report)\n"
        "assert image.save(sys.argv[2])\n"
        "print(image.width())\n"
        "w.close()\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "xcb-not-available"}  # no display is needed
    done = subprocess.run(
        [sys.executable, "-c", script, str(demo_db), str(tmp_path / "a.png")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(round(WIDTH))
    assert QImage(str(tmp_path / "a.png")).width() == round(WIDTH)
