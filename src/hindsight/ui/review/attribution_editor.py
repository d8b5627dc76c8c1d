"""Change attribution: a verdict and evidence for each kind of change the bank asks about."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QLineEdit, QPushButton, QWidget

from hindsight.core.incident import Incident
from hindsight.core.review import Attribution, ChangeKind, Verdict
from hindsight.ui.author_text import set_line_text
from hindsight.ui.editor import EditFn
from hindsight.vocabulary import ChangeKindInfo, vocabulary


class AttributionEditor(QWidget):
    """One row per kind of change: label, verdict and evidence."""

    def __init__(
        self,
        edit: EditFn,
        kinds: Sequence[ChangeKindInfo] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._edit = edit
        words = vocabulary()
        self.kinds = tuple(kinds) or words.change_kinds
        grid = QGridLayout(self)
        for column, heading in enumerate(("What may have changed", "Verdict", "Evidence")):
            label = QLabel(f"<b>{heading}</b>")
            grid.addWidget(label, 0, column)
        self.verdicts: dict[ChangeKind, QComboBox] = {}
        self.evidence: dict[ChangeKind, QLineEdit] = {}
        for row, kind in enumerate(self.kinds, start=1):
            category = kind.id
            name = QLabel(kind.label)
            name.setToolTip(kind.description)
            verdict = QComboBox()
            verdict.addItem("— not assessed —", "")
            for value in Verdict:
                verdict.addItem(words.verdict_labels[value], value.value)
            evidence = QLineEdit()
            evidence.setPlaceholderText(kind.description)
            grid.addWidget(name, row, 0)
            grid.addWidget(verdict, row, 1)
            grid.addWidget(evidence, row, 2)
            verdict.activated.connect(lambda _=0, c=category: self._verdict_chosen(c))
            evidence.textEdited.connect(lambda text, c=category: self._evidence_edited(c, text))
            self.verdicts[category] = verdict
            self.evidence[category] = evidence
        # A review of an incident outside ML (or outside most of the pipeline) should not have
        # to assess every kind of change one by one.
        self.rest_not_applicable = QPushButton("Mark the rest not applicable")
        self.rest_not_applicable.setToolTip(
            "Give every kind of change without a verdict yet the verdict Not applicable."
        )
        self.rest_not_applicable.clicked.connect(self._rest_not_applicable)
        grid.addWidget(self.rest_not_applicable, len(self.kinds) + 1, 1, 1, 2)
        grid.setColumnStretch(2, 1)

    def _label(self, category: ChangeKind) -> str:
        return next((k.label for k in self.kinds if k.id == category), category)

    def _verdict_chosen(self, category: ChangeKind) -> None:
        data = self.verdicts[category].currentData()
        evidence = self.evidence[category].text()

        def set_verdict(incident: Incident) -> None:
            if not data:
                incident.attributions.pop(category, None)
            else:
                incident.attributions[category] = Attribution(category, Verdict(data), evidence)

        self._edit(f"Verdict on {self._label(category).lower()}", set_verdict)

    def _rest_not_applicable(self) -> None:
        codes = [k.id for k in self.kinds]

        def mark(incident: Incident) -> None:
            for code in codes:
                if code not in incident.attributions:
                    incident.attributions[code] = Attribution(code, Verdict.NOT_APPLICABLE)

        self._edit("Mark the rest not applicable", mark)

    def _evidence_edited(self, category: ChangeKind, text: str) -> None:
        def set_evidence(incident: Incident) -> None:
            current = incident.attributions.get(category) or Attribution(category)
            current.evidence = text
            incident.attributions[category] = current

        self._edit("Edit evidence", set_evidence, f"evidence:{category}")

    def show_incident(self, incident: Incident) -> None:
        """Show the verdicts of `incident` without recording edits."""
        for category, combo in self.verdicts.items():
            found = incident.attributions.get(category)
            combo.blockSignals(True)
            combo.setCurrentIndex(max(combo.findData(found.verdict.value if found else ""), 0))
            combo.blockSignals(False)
            set_line_text(self.evidence[category], found.evidence if found else "")
        self.rest_not_applicable.setEnabled(
            any(k.id not in incident.attributions for k in self.kinds)
        )
