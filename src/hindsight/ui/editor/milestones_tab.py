"""Milestones: when each phase began, as fuzzy times, with the durations they imply."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from PySide6.QtWidgets import QGroupBox, QLabel, QScrollArea, QVBoxLayout, QWidget

from hindsight.core.enums import MILESTONE_KINDS, Confidence, Phase
from hindsight.core.fuzzy_time import (
    FuzzyTime,
    OrderProblem,
    headline_durations,
)
from hindsight.core.incident import Incident
from hindsight.ui.author_text import keep_readable_when_disabled
from hindsight.ui.editor import EditFn
from hindsight.ui.fuzzy_time_editor import FuzzyTimeEditor
from hindsight.ui.look import styled
from hindsight.ui.qt_helpers import problem_label
from hindsight.vocabulary import vocabulary

UNKNOWN_HINT = "Not known yet. Tick the box to date it."
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
    words = vocabulary()
    lines = []
    for issue in incident.order_issues():
        # A response moment (acknowledged, declared ...) can be out of order too.
        first, later = words.moment_label(issue.earlier), words.moment_label(issue.later)
        if issue.problem is OrderProblem.IMPOSSIBLE:
            lines.append(f"⚠ {later} is dated entirely before {first} could have happened.")
        else:
            lines.append(f"⚠ The best guess for {later} is earlier than the one for {first}.")
    return "<br>".join(lines)


def first_guess(milestones: Mapping[Phase, FuzzyTime], phase: Phase, now: datetime) -> FuzzyTime:
    """What a milestone just marked as known starts as, for the author to narrow down.

    Never an exact time of high confidence that nobody gave: a range of low confidence
    between the nearest known milestones around it, or the last day when none is known.
    """
    position = MILESTONE_KINDS.index(phase)
    before = [milestones[p] for p in MILESTONE_KINDS[:position] if p in milestones]
    after = [milestones[p] for p in MILESTONE_KINDS[position + 1 :] if p in milestones]
    now = now.replace(second=0, microsecond=0)
    if before:
        earliest = before[-1].best
        latest = after[0].best if after else max(now, earliest)
    elif after:
        earliest, latest = after[0].best - timedelta(days=1), after[0].best
    else:
        earliest, latest = now - timedelta(days=1), now
    latest = max(latest, earliest)  # the known milestones are out of order already
    best = (earliest + (latest - earliest) / 2).replace(second=0, microsecond=0)
    best = min(max(best, earliest), latest)
    return FuzzyTime(earliest, latest, best, Confidence.LOW)


class MilestonesTab(QWidget):
    """One checkable box per milestone; unticked means 'not known yet'."""

    def __init__(self, edit: EditFn, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        keep_readable_when_disabled(self)
        self._edit = edit
        self._incident: Incident | None = None
        words = vocabulary()
        self.durations = QLabel()
        styled(self.durations, "durations")
        self.durations.setWordWrap(True)
        self.issues = problem_label(hidden=False)
        self.boxes: dict[Phase, QGroupBox] = {}
        self.editors: dict[Phase, FuzzyTimeEditor] = {}
        self.unknown_hints: dict[Phase, QLabel] = {}
        self._shown_id: int | None = None

        inner = QWidget()
        column = QVBoxLayout(inner)
        column.addWidget(self.durations)
        column.addWidget(self.issues)
        for phase in MILESTONE_KINDS:
            box = QGroupBox(words.milestone_labels[phase])
            box.setCheckable(True)
            box.setToolTip(f"Tick once this is known. {words.phase_descriptions[phase]}")
            editor = FuzzyTimeEditor(what=words.milestone_labels[phase])
            hint = QLabel(UNKNOWN_HINT)
            styled(hint, "hint")
            inside = QVBoxLayout(box)
            inside.addWidget(hint)
            inside.addWidget(editor)
            self.unknown_hints[phase] = hint
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

    def _toggled(self, phase: Phase, on: bool) -> None:
        label = vocabulary().milestone_labels[phase]
        if on:
            known = self._incident.milestones if self._incident is not None else {}
            when = first_guess(known, phase, datetime.now(UTC))
            self.editors[phase].set_value(when)
            self._show_known(phase, True)
            self._edit(f"Set {label}", lambda i: i.milestones.__setitem__(phase, when))
        else:
            self._edit(f"Clear {label}", lambda i: i.milestones.pop(phase, None))

    def _show_known(self, phase: Phase, known: bool) -> None:
        self.editors[phase].setVisible(known)
        self.unknown_hints[phase].setVisible(not known)

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
        switched = incident.id != self._shown_id
        self._incident, self._shown_id = incident, incident.id
        for phase, box in self.boxes.items():
            when = incident.milestones.get(phase)
            editor = self.editors[phase]
            box.blockSignals(True)
            box.setChecked(when is not None)
            box.blockSignals(False)
            self._show_known(phase, when is not None)
            if when is None:
                editor.clear()
            elif switched or editor.value() not in (None, when):
                # A range being typed that is not valid yet stays as typed.
                editor.set_value(when)
        self.durations.setText(describe_durations(incident))
        issues = describe_order_issues(incident)
        self.issues.setText(issues)
        self.issues.setVisible(bool(issues))
