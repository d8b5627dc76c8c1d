"""The grid rendered to PNG and SVG from plain data, without any window."""

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
from hindsight.services.followups import default_regions
from hindsight.ui.followups.geometry import (
    AXIS_BOTTOM,
    AXIS_LEFT,
    CARD_GAP,
    CARD_H,
    CELL_HEADER,
    CELL_PAD,
    COL_W,
    MARGIN,
)
from hindsight.ui.followups.render import grid_image, grid_size, save_grid_png, save_grid_svg

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


def test_png_is_a_valid_image_of_the_expected_size(qapp, tmp_path: Path) -> None:
    three_in_one_cell = items((5, 5), (5, 5), (5, 5), (1, 1))
    report = assess(
        three_in_one_cell,
        regions=REGIONS,
        published={},
        settings=AttentionSettings(),
        today=date(2026, 11, 26),
    )
    target = tmp_path / "grid.png"
    size = save_grid_png(target, three_in_one_cell, REGIONS, report)
    image = QImage()
    assert image.load(str(target)), "a PNG Qt can read"
    assert (image.width(), image.height()) == (round(WIDTH), expected_height(2))
    assert (size.width(), size.height()) == (image.width(), image.height())
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
    assert [p.name for p in tmp_path.iterdir()] == ["grid.png"], "no temporary file left"


def test_scale_and_an_empty_grid(qapp) -> None:
    assert (grid_size([], REGIONS).width(), grid_size([], REGIONS).height()) == (
        round(WIDTH),
        expected_height(),
    )
    image = grid_image(items((3, 3)), REGIONS, scale=2)
    assert (image.width(), image.height()) == (round(WIDTH * 2), expected_height() * 2)
    assert QApplication.topLevelWidgets() == [] or all(
        not w.isVisible() for w in QApplication.topLevelWidgets()
    ), "no window was shown"


def test_svg_holds_the_cards_and_regions(qapp, tmp_path: Path) -> None:
    target = tmp_path / "grid.svg"
    size = save_grid_svg(target, items((5, 1), (2, 5)), REGIONS, title="HS-1 follow-ups")
    text = target.read_text(encoding="utf-8")
    assert "<svg" in text and "</svg>" in text
    assert "<title>HS-1 follow-ups</title>" in text
    assert "Strategic" in text and "Fill-ins" in text
    assert "Alert number 1 on model" in text and "Sven Halvor" in text
    assert f'width="{size.width()}' in text or str(size.width()) in text


def test_renders_in_a_process_without_any_qt_application(tmp_path: Path, demo_db: Path) -> None:
    # What a command-line export does: plain data in, a file out, no QApplication made first.
    script = (
        "import sys\n"
        "from hindsight.services.workspace import Workspace\n"
        "from hindsight.ui.followups.render import save_grid_png, save_grid_svg\n"
        "w = Workspace.open(sys.argv[1])\n"
        "o = w.followups.overview(2)\n"
        "print(save_grid_png(sys.argv[2], o.items, o.regions, o.report).width())\n"
        "save_grid_svg(sys.argv[3], o.items, o.regions, o.report)\n"
        "w.close()\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            script,
            str(demo_db),
            str(tmp_path / "a.png"),
            str(tmp_path / "a.svg"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(round(WIDTH))
    assert QImage(str(tmp_path / "a.png")).width() == round(WIDTH)
    assert (tmp_path / "a.svg").read_text(encoding="utf-8").count("Per-partner") >= 1
