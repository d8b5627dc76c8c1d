"""The phase bar: the eight phases in order, the current one lit, so state is seen at a glance."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QToolButton, QWidget

from hindsight.core.enums import Phase
from hindsight.vocabulary import vocabulary


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
        self.buttons: dict[Phase, QToolButton] = {}
        words = vocabulary()
        for phase in Phase:
            button = QToolButton()
            button.setObjectName("phaseStep")
            button.setCheckable(True)
            button.setText(words.phase_labels[phase])
            button.setMinimumWidth(button.sizeHint().width())
            button.setToolTip(words.phase_descriptions[phase])
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
