"""Change attribution: a verdict and evidence for each kind of change."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QLineEdit, QWidget

from hindsight.core.incident import Incident
from hindsight.core.review import Attribution, ChangeCategory, Verdict
from hindsight.ui.author_text import set_line_text
from hindsight.ui.editor import EditFn
from hindsight.vocabulary import vocabulary


class AttributionEditor(QWidget):
    """One row per kind of change: label, verdict and evidence."""

    def __init__(self, edit: EditFn, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._edit = edit
        words = vocabulary()
        grid = QGridLayout(self)
        for column, heading in enumerate(("What may have changed", "Verdict", "Evidence")):
            label = QLabel(f"<b>{heading}</b>")
            grid.addWidget(label, 0, column)
        self.verdicts: dict[ChangeCategory, QComboBox] = {}
        self.evidence: dict[ChangeCategory, QLineEdit] = {}
        for row, category in enumerate(ChangeCategory, start=1):
            name = QLabel(words.change_labels[category])
            name.setToolTip(words.change_descriptions[category])
            verdict = QComboBox()
            verdict.addItem("— not assessed —", "")
            for value in Verdict:
                verdict.addItem(words.verdict_labels[value], value.value)
            evidence = QLineEdit()
            evidence.setPlaceholderText(words.change_descriptions[category])
            grid.addWidget(name, row, 0)
            grid.addWidget(verdict, row, 1)
            grid.addWidget(evidence, row, 2)
            verdict.activated.connect(lambda _=0, c=category: self._verdict_chosen(c))
            evidence.textEdited.connect(lambda text, c=category: self._evidence_edited(c, text))
            self.verdicts[category] = verdict
            self.evidence[category] = evidence
        grid.setColumnStretch(2, 1)

    def _verdict_chosen(self, category: ChangeCategory) -> None:
        data = self.verdicts[category].currentData()
        evidence = self.evidence[category].text()

        def set_verdict(incident: Incident) -> None:
            if not data:
                incident.attributions.pop(category, None)
            else:
                incident.attributions[category] = Attribution(category, Verdict(data), evidence)

        self._edit(f"Verdict on {vocabulary().change_labels[category].lower()}", set_verdict)

    def _evidence_edited(self, category: ChangeCategory, text: str) -> None:
        def set_evidence(incident: Incident) -> None:
            current = incident.attributions.get(category) or Attribution(category)
            current.evidence = text
            incident.attributions[category] = current

        self._edit("Edit evidence", set_evidence, f"evidence:{category.value}")

    def show_incident(self, incident: Incident) -> None:
        """Show the verdicts of `incident` without recording edits."""
        for category, combo in self.verdicts.items():
            found = incident.attributions.get(category)
            combo.blockSignals(True)
            combo.setCurrentIndex(max(combo.findData(found.verdict.value if found else ""), 0))
            combo.blockSignals(False)
            set_line_text(self.evidence[category], found.evidence if found else "")
