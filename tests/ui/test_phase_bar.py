"""The phase bar at any width: whole names when they fit, names cut short with "…" when not."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics

from hindsight.core.enums import Phase
from hindsight.ui.app import application
from hindsight.ui.editor.phase_bar import PhaseBar
from hindsight.vocabulary import vocabulary

from .conftest import new_incident


def _bar(qtbot, width: int) -> PhaseBar:
    application()  # styled as the app is: the current phase is drawn bold
    bar = PhaseBar()
    qtbot.addWidget(bar)
    bar.set_phase(Phase.TROUBLESHOOTING)
    bar.resize(width, bar.sizeHint().height())
    bar.show()
    qtbot.waitExposed(bar)
    return bar


def _fits(step) -> bool:
    font = QFont(step.font())
    font.setBold(step.isChecked())
    drawn = QFontMetrics(font).horizontalAdvance(step.shown_text())
    return drawn <= step.width() - step._padding()


def test_a_wide_bar_shows_every_whole_name(qtbot):
    bar = _bar(qtbot, 1400)
    labels = vocabulary().phase_labels
    assert {phase: step.shown_text() for phase, step in bar.buttons.items()} == {
        phase: labels[phase] for phase in Phase
    }
    assert all(_fits(step) for step in bar.buttons.values())
    # Another phase lit (drawn bold, so wider) keeps its whole name too.
    qtbot.mouseClick(bar.buttons[Phase.MITIGATION], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bar.buttons[Phase.MITIGATION].shown_text() == labels[Phase.MITIGATION])


def test_the_editor_shows_every_whole_name_in_a_window_of_1280_pixels(make_window, db_path, qtbot):
    window = make_window(db_path)  # 1280 by 800, no split saved yet
    new_incident(qtbot, window, "Stale ranking")
    labels = vocabulary().phase_labels
    for phase, step in window.editor.phase_bar.buttons.items():
        qtbot.waitUntil(lambda step=step, phase=phase: step.shown_text() == labels[phase])


def test_a_narrow_bar_cuts_names_short_instead_of_clipping_them(qtbot):
    bar = _bar(qtbot, 560)  # the editor's width on a 960-pixel-wide screen at 2x scale
    shown = {phase: step.shown_text() for phase, step in bar.buttons.items()}
    labels = vocabulary().phase_labels
    cut = [phase for phase in Phase if shown[phase] != labels[phase]]
    assert cut  # the names do not all fit at this width
    for phase in cut:
        assert shown[phase].endswith("…")
        assert labels[phase].startswith(shown[phase][:-1])
    assert all(_fits(step) for step in bar.buttons.values())
    # The whole name is one hover away.
    for phase in Phase:
        assert bar.buttons[phase].toolTip().startswith(labels[phase] + ":")


def test_the_bar_never_asks_for_more_than_a_small_screen_has(qtbot):
    bar = _bar(qtbot, 1400)
    assert bar.minimumSizeHint().width() < 560 < bar.sizeHint().width()
    bar.resize(560, bar.height())
    # Another phase made current is drawn bold: it is measured bold, and still fits.
    qtbot.mouseClick(bar.buttons[Phase.MITIGATION], Qt.MouseButton.LeftButton)
    assert bar.buttons[Phase.MITIGATION].isChecked()
    qtbot.waitUntil(lambda: all(_fits(step) for step in bar.buttons.values()))


def test_a_step_too_narrow_for_a_letter_and_an_ellipsis_shows_its_first_letter(qtbot):
    # In a window 500 pixels wide, squeezed below the bar's least width, the steps were blank.
    bar = _bar(qtbot, 1400)
    labels = vocabulary().phase_labels
    for phase, step in bar.buttons.items():
        step.setFixedWidth(step._padding() + 4)  # less than a letter and "…"
        shown = step.shown_text()
        assert shown == labels[phase][:1], phase
