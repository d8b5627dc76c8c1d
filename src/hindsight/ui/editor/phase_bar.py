"""The phase bar: the eight phases in order, the current one lit, so state is seen at a glance."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QPaintEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QSizePolicy,
    QStyle,
    QStyleOptionToolButton,
    QStylePainter,
    QToolButton,
    QWidget,
)

from hindsight.core.enums import Phase
from hindsight.ui.look import styled
from hindsight.vocabulary import vocabulary

ELISION_KEEPS = 4  # letters a step keeps before "…" when the bar is squeezed (2x scale, say)


class PhaseStep(QToolButton):
    """One phase: its whole name when there is room, else the name cut short with "…".

    The bar asks for room for every name, but a narrow window (a small screen at 2x scale)
    gets less; then each step shows as much of its name as fits instead of a name clipped
    in the middle of a letter. The step lit as current is drawn bold, and measured so.
    """

    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setText(label)
        self.setCheckable(True)
        # As wide as its name at most, as narrow as a few letters and "…" at least.
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.toggled.connect(self.updateGeometry)  # lit, it is drawn bold: wider

    def _metrics(self) -> QFontMetrics:
        font = QFont(self.font())
        if self.isChecked():
            font.setBold(True)  # the style sheet draws the current phase bold
        return QFontMetrics(font)

    def _padding(self) -> int:
        # What the style draws around the text (the style sheet's padding and border).
        option = QStyleOptionToolButton()
        self.initStyleOption(option)
        size = self.style().sizeFromContents(
            QStyle.ContentsType.CT_ToolButton, option, QSize(0, 0), self
        )
        return size.width()

    def sizeHint(self) -> QSize:
        # Room for the name and half a space either side.
        metrics = self._metrics()
        text = metrics.horizontalAdvance(self.text()) + metrics.horizontalAdvance(" ")
        return QSize(text + self._padding(), super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        metrics = self._metrics()
        shortest = self.text()[:ELISION_KEEPS] + "…"
        width = min(metrics.horizontalAdvance(shortest), metrics.horizontalAdvance(self.text()))
        return QSize(width + self._padding(), super().minimumSizeHint().height())

    def shown_text(self) -> str:
        """The text drawn at the step's present width."""
        room = self.width() - self._padding()
        metrics = self._metrics()
        if metrics.horizontalAdvance(self.text()) <= room:
            return self.text()  # what fits whole stays whole (elidedText rounds otherwise)
        elided = metrics.elidedText(self.text(), Qt.TextElideMode.ElideRight, max(room, 0))
        # Too narrow for a letter and "…" (a window 500 pixels wide): the first letter alone,
        # not a blank step (the tooltip names the phase).
        return elided if elided.strip("…") else self.text()[:1]

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QStylePainter(self)
        option = QStyleOptionToolButton()
        self.initStyleOption(option)
        option.text = self.shown_text()
        painter.drawComplexControl(QStyle.ComplexControl.CC_ToolButton, option)


class PhaseBar(QWidget):
    """Clickable phase steps; emits `phaseChosen` when the user picks another phase."""

    phaseChosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        self.buttons: dict[Phase, PhaseStep] = {}
        words = vocabulary()
        for phase in Phase:
            button = PhaseStep(words.phase_labels[phase])
            styled(button, "phaseStep")
            button.setToolTip(f"{words.phase_labels[phase]}: {words.phase_descriptions[phase]}")
            button.setAccessibleName(f"Phase {words.phase_labels[phase]}")
            layout.addWidget(button, 1)
            self._group.addButton(button)
            self.buttons[phase] = button
            button.clicked.connect(lambda _=False, p=phase: self.phaseChosen.emit(p))

    def set_phase(self, current: Phase) -> None:
        """Light `current`, mark the phases before it as passed."""
        for phase, button in self.buttons.items():
            button.setChecked(phase is current)
            passed = phase.position < current.position
            if button.property("passed") != passed:  # repolishing on every key costs 0.5 ms
                button.setProperty("passed", passed)
                button.style().unpolish(button)
                button.style().polish(button)
