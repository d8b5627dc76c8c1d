"""The milestone timeline picture shows each range as a bar and each best guess as a mark."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from PySide6.QtGui import QColor, QImage

from hindsight.core.enums import Confidence
from hindsight.core.fuzzy_time import FuzzyTime
from hindsight.export.timeline_picture import (
    COLOURS,
    LABEL_WIDTH,
    RIGHT_MARGIN,
    ROW,
    SCALE,
    TOP,
    WIDTH,
    Row,
    _bounds,
    render_timeline,
    text_timeline,
    ticks,
)

T0 = datetime(2026, 3, 1, tzinfo=UTC)
ROWS = [
    Row(
        "Impact start",
        FuzzyTime(T0, T0 + timedelta(days=6), T0 + timedelta(days=2), Confidence.LOW),
    ),
    Row("Detected", FuzzyTime.exact(T0 + timedelta(days=10))),
]


def x_of(moment: datetime) -> float:
    start, end = _bounds(ROWS)
    left, right = LABEL_WIDTH + 12, WIDTH - RIGHT_MARGIN
    return left + (right - left) * (moment - start) / (end - start)


def pixel(image: QImage, x: float, y: float) -> QColor:
    return image.pixelColor(round(x * SCALE), round(y * SCALE))


def test_ranges_are_bars_and_best_guesses_are_marks() -> None:
    picture = render_timeline(ROWS, UTC)
    assert picture is not None and picture.png.startswith(b"\x89PNG")
    image = QImage.fromData(picture.png, "PNG")
    assert image.width() == WIDTH * SCALE and picture.width == WIDTH
    row_y = TOP + ROW / 2
    bar = pixel(image, x_of(T0 + timedelta(days=5)), row_y)  # inside the range, off the mark
    assert bar != QColor("white")
    assert abs(bar.hue() - QColor(COLOURS[0]).hue()) < 20  # the first row's colour, faded
    assert pixel(image, x_of(T0 + timedelta(days=8)), row_y) == QColor("white")  # past the range
    mark = pixel(image, x_of(T0 + timedelta(days=2)), row_y)
    assert mark.lightness() < 80  # the dark best-guess diamond
    dot = pixel(image, x_of(T0 + timedelta(days=10)), TOP + ROW * 1.5)
    assert dot.lightness() < 200 and dot != QColor("white")
    assert "Impact start" in picture.alt


def test_no_milestones_no_picture() -> None:
    assert render_timeline([], UTC) is None
    assert text_timeline([], UTC) == ""


def test_text_timeline_draws_the_range_and_the_guess() -> None:
    lines = text_timeline(ROWS, UTC).splitlines()
    impact = next(line for line in lines if line.startswith("Impact start"))
    detected = next(line for line in lines if line.startswith("Detected"))
    track = impact.split("|")[1]
    assert track.index("[") < track.index("*") < track.index("]")
    assert "[" not in detected and detected.count("*") == 1
    assert detected.split("|")[1].index("*") > track.index("]")


def test_ticks_are_round_and_few() -> None:
    found = ticks(T0, T0 + timedelta(days=40), UTC)
    assert 2 <= len(found) <= 8
    assert all(t.hour == 0 and t.minute == 0 for t in found)
    hours = ticks(T0, T0 + timedelta(hours=10), UTC)
    assert all(t.minute == 0 for t in hours) and len(hours) <= 8
    years = ticks(datetime(2019, 5, 1, tzinfo=UTC), datetime(2026, 3, 1, tzinfo=UTC), UTC)
    assert all(t.month == 1 and t.day == 1 for t in years)
