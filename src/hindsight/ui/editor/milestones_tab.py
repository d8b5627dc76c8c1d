"""Milestones: when each phase began, as fuzzy times, with the durations they imply."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtWidgets import QGroupBox, QLabel, QScrollArea, QVBoxLayout, QWidget

from hindsight.core.enums import MILESTONE_KINDS, Phase
from hindsight.core.fuzzy_time import (
    FuzzyTime,
    OrderProblem,
    headline_durations,
)
from hindsight.core.incident import Incident
from hindsight.ui.editor import EditFn
from hindsight.ui.fuzzy_time_editor import FuzzyTimeEditor
from hindsight.ui.qt_helpers import problem_label
from hindsight.vocabulary import vocabulary

DURATION_LABELS = {
    "time_to_detect": "Time to detect",
    "time_to_mitigate": "Time to mitigate",
    "time_to_resolve": "Time to resolve",
}


def describe_durations(incident: Incident) -> str:
    """One line per headline duration, measured from impact start."""
    lines = []
    for name, span in headline_durations(incident.milestones).items():
        reading = span.describe() if span else "impossible: the milestones are out of order"
        lines.append(f"<b>{DURATION_LABELS[name]}</b>: {reading}")
    return "<br>".join(lines) or "Set the impact start and later milestones to see durations."


def describe_order_issues(incident: Incident) -> str:
    """Warnings for milestones that contradict the order of the phases."""
    labels = vocabulary().milestone_labels
    lines = []
    for issue in incident.order_issues():
        first, later = labels[issue.earlier], labels[issue.later]
        if issue.problem is OrderProblem.IMPOSSIBLE:
            lines.append(f"⚠ {later} is dated entirely before {first} could have happened.")
        else:
            lines.append(f"⚠ The best guess for {later} is earlier than the one for {first}.")
    return "<br>".join(lines)


class MilestonesTab(QWidget):
    """One checkable box per milestone; unticked means 'not known yet'."""

    def __init__(self, edit: EditFn, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._edit = edit
        self._incident: Incident | None = None
        words = vocabulary()
        self.durations = QLabel()
        self.durations.setObjectName("durations")
        self.durations.setWordWrap(True)
        self.issues = problem_label(hidden=False)
        self.boxes: dict[Phase, QGroupBox] = {}
        self.editors: dict[Phase, FuzzyTimeEditor] = {}

        inner = QWidget()
        column = QVBoxLayout(inner)
        column.addWidget(self.durations)
        column.addWidget(self.issues)
        for phase in MILESTONE_KINDS:
            box = QGroupBox(words.milestone_labels[phase])
            box.setCheckable(True)
            box.setToolTip(f"Tick once this is known. {words.phase_descriptions[phase]}")
            editor = FuzzyTimeEditor()
            QVBoxLayout(box).addWidget(editor)
            box.toggled.connect(lambda on, p=phase: self._toggled(p, on))
            editor.changed.connect(lambda p=phase: self._changed(p))
            column.addWidget(box)
            self.boxes[phase] = box
            self.editors[phase] = editor
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        QVBoxLayout(self).addWidget(scroll)

    def _default_time(self, phase: Phase) -> FuzzyTime:
        # A new milestone starts at the nearest earlier one known, else now.
        if self._incident is not None:
            for earlier in reversed(MILESTONE_KINDS[: MILESTONE_KINDS.index(phase)]):
                known = self._incident.milestones.get(earlier)
                if known is not None:
                    return FuzzyTime.exact(known.best)
        return FuzzyTime.exact(datetime.now(UTC).replace(second=0, microsecond=0))

    def _toggled(self, phase: Phase, on: bool) -> None:
        label = vocabulary().milestone_labels[phase]
        if on:
            when = self._default_time(phase)
            self.editors[phase].set_value(when)
            self._edit(f"Set {label}", lambda i: i.milestones.__setitem__(phase, when))
        else:
            self._edit(f"Clear {label}", lambda i: i.milestones.pop(phase, None))

    def _changed(self, phase: Phase) -> None:
        when = self.editors[phase].value()
        if when is None:
            return
        label = vocabulary().milestone_labels[phase]
        self._edit(
            f"Edit {label}", lambda i: i.milestones.__setitem__(phase, when), f"milestone:{phase}"
        )

    def show_incident(self, incident: Incident) -> None:
        """Fill the boxes from `incident` without recording edits."""
        self._incident = incident
        for phase, box in self.boxes.items():
            when = incident.milestones.get(phase)
            box.blockSignals(True)
            box.setChecked(when is not None)
            box.blockSignals(False)
            self.editors[phase].setEnabled(when is not None)
            if when is not None and self.editors[phase].value() != when:
                self.editors[phase].set_value(when)
        self.durations.setText(describe_durations(incident))
        issues = describe_order_issues(incident)
        self.issues.setText(issues)
        self.issues.setVisible(bool(issues))
