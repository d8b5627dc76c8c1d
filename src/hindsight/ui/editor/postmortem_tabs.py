"""Tabs for what real postmortems state: impact measures, contributing factors and links."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QWidget,
)

from hindsight.core.factors import ContributingFactor, FactorDate, factor_problems
from hindsight.core.fuzzy_time import FuzzyTime, day_text, days_text
from hindsight.core.impact import ImpactMeasure
from hindsight.core.impact import problems as impact_problems
from hindsight.core.incident import Incident
from hindsight.core.references import MAX_LABEL, Reference, ReferenceKind, target_problems
from hindsight.ui.editor import EditFn
from hindsight.ui.editor.dialogs import _RecordDialog
from hindsight.ui.editor.record_tabs import Fields, RecordTab, _first_line
from hindsight.ui.fuzzy_time_editor import FuzzyTimeEditor
from hindsight.ui.qt_helpers import current_enum, fill_combo, select_data
from hindsight.vocabulary import vocabulary


def parse_number(text: str, what: str) -> float | None:
    """A number typed by a person ('1.21e9', '12,500', '16%'), None when blank."""
    cleaned = text.strip().replace(",", "").replace("_", "").rstrip("%").strip()
    if not cleaned:
        return None
    try:
        return float(cleaned)
    except ValueError:
        raise ValueError(f"The {what} value {text.strip()!r} is not a number.") from None


def _number_text(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(value)


class ImpactDialog(_RecordDialog):
    """Edits one impact measure: what, a value or range, unit, slice, source and a note."""

    def __init__(self, measure: ImpactMeasure | None, parent: QWidget | None = None) -> None:
        super().__init__("Impact measure", parent)
        self.measure = QLineEdit()
        self.measure.setPlaceholderText("What was measured: queries lost, requests failing …")
        self.low = QLineEdit()
        self.best = QLineEdit()
        self.high = QLineEdit()
        for field, hint in ((self.low, "lowest"), (self.best, "best"), (self.high, "highest")):
            field.setPlaceholderText(f"{hint} (blank when not known)")
        self.unit = QLineEdit()
        self.unit.setPlaceholderText("%, queries, users, USD …")
        self.slice = QLineEdit()
        self.slice.setPlaceholderText("Whom or what it applies to: all traffic, worst hour …")
        self.source = QLineEdit()
        self.source.setPlaceholderText("How it was measured, or where the number comes from")
        self.note = QPlainTextEdit()
        self.note.setPlaceholderText("Anything else; the whole statement when there is no number")
        self.note.setFixedHeight(60)
        self.form.addRow("&What was measured", self.measure)
        self.form.addRow("&Lowest value", self.low)
        self.form.addRow("&Best estimate", self.best)
        self.form.addRow("&Highest value", self.high)
        self.form.addRow("&Unit", self.unit)
        self.form.addRow("&Applies to", self.slice)
        self.form.addRow("&Source", self.source)
        self.form.addRow("&Note", self.note)
        self.finish_layout()
        self._id = measure.id if measure else None
        if measure is not None:
            self.measure.setText(measure.measure)
            self.low.setText(_number_text(measure.low))
            self.best.setText(_number_text(measure.best))
            self.high.setText(_number_text(measure.high))
            self.unit.setText(measure.unit)
            self.slice.setText(measure.slice)
            self.source.setText(measure.source)
            self.note.setPlainText(measure.note)

    def draft_fields(self) -> dict[str, QWidget]:
        return {
            "measure": self.measure,
            "note": self.note,
            "slice": self.slice,
            "source": self.source,
            "low": self.low,
            "best": self.best,
            "high": self.high,
            "unit": self.unit,
        }

    def _built(self) -> ImpactMeasure:
        return ImpactMeasure(
            measure=self.measure.text().strip(),
            low=parse_number(self.low.text(), "lowest"),
            best=parse_number(self.best.text(), "best"),
            high=parse_number(self.high.text(), "highest"),
            unit=self.unit.text().strip(),
            slice=self.slice.text().strip(),
            source=self.source.text().strip(),
            note=self.note.toPlainText().strip(),
            id=self._id,
        )

    def accept(self) -> None:
        try:
            found = impact_problems(self._built())
        except ValueError as error:
            found = [str(error)]
        if found:
            self.refuse(" ".join(found))
            return
        super().accept()

    def result_measure(self) -> ImpactMeasure:
        """The measure as edited (accept() has checked it)."""
        return self._built()


class ImpactTab(RecordTab):
    """The incident's impact as numbers with their uncertainty and the slice they apply to."""

    headers = ("What was measured", "Value", "For whom or what", "Source")
    noun = "measure"
    empty = "No measures of impact yet: users, requests or money affected, as a range if unsure."
    draft_kind = "impact"
    stretch_column = 2
    fixed_widths = ((0, 240), (3, 170))  # long names and sources wrap, leaving the slice room

    def items(self, incident: Incident) -> list[Any]:
        return incident.impacts

    def cells(self, item: Any) -> list[str]:
        return [item.measure, item.value_text() or _first_line(item.note), item.slice, item.source]

    def run_dialog(self, item: Any | None, fill: Fields | None = None) -> Any | None:
        dialog = ImpactDialog(item, self)
        return dialog.result_measure() if self.exec_dialog(dialog, item, fill) else None


class _OptionalTime(QWidget):
    """A fuzzy time that may be left unknown: a 'known' box over the editor."""

    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from PySide6.QtWidgets import QCheckBox, QVBoxLayout

        self.known = QCheckBox(f"{label}: known")
        self.editor = FuzzyTimeEditor(compact=True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.known)
        layout.addWidget(self.editor)
        self.known.toggled.connect(self.editor.setVisible)
        self.editor.clear()
        self.editor.setVisible(False)


class FactorDialog(_RecordDialog):
    """Edits one contributing factor: what it was, whom it hurt, what it implicates, its dates."""

    def __init__(
        self,
        factor: ContributingFactor | None,
        parent: QWidget | None = None,
        *,
        triggers: Sequence[tuple[str, str]] = (),
    ) -> None:
        # Four dates, each of several lines when known: its fields scroll on a short screen.
        super().__init__("Contributing factor", parent, scrolling=True)
        self.title = QLineEdit()
        self.title.setPlaceholderText("One cause, in a line: 'Feature file listed every row twice'")
        self.scope = QLineEdit()
        self.scope.setPlaceholderText("Whom or what it hurt: '0.8% of requests, 16% at worst'")
        self.description = QPlainTextEdit()
        self.description.setPlaceholderText("What went wrong and how (Markdown)")
        self.description.setFixedHeight(80)
        self.implicated = QListWidget()
        self.implicated.setFixedHeight(110)
        for code, label in vocabulary().change_labels.items():
            entry = QListWidgetItem(label)
            entry.setData(Qt.ItemDataRole.UserRole, code)
            entry.setFlags(entry.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            entry.setCheckState(Qt.CheckState.Unchecked)
            self.implicated.addItem(entry)
        # The options of the bank's trigger question; a factor may name none.
        self.trigger = QComboBox()
        self.trigger.addItem("Not said", "")
        for code, label in triggers:
            self.trigger.addItem(label, code)
        self.dates = {kind: _OptionalTime(kind.label) for kind in FactorDate}
        self.form.addRow("&Factor", self.title)
        self.form.addRow("Sco&pe", self.scope)
        self.form.addRow("&What happened", self.description)
        self.form.addRow("&Trigger", self.trigger)
        self.form.addRow("Kinds of change", self.implicated)
        for kind, field in self.dates.items():
            self.form.addRow(kind.label, field)
            field.known.toggled.connect(lambda _: self.fit_fields())
        self._id = factor.id if factor else None
        if factor is not None:
            if factor.trigger_kind and self.trigger.findData(factor.trigger_kind) < 0:
                # A trigger the bank no longer offers is kept, under its own code.
                self.trigger.addItem(factor.trigger_kind, factor.trigger_kind)
            self.trigger.setCurrentIndex(max(0, self.trigger.findData(factor.trigger_kind)))
            self.title.setText(factor.title)
            self.scope.setText(factor.scope)
            self.description.setPlainText(factor.description)
            for row in range(self.implicated.count()):
                entry = self.implicated.item(row)
                if entry.data(Qt.ItemDataRole.UserRole) in factor.implicated:
                    entry.setCheckState(Qt.CheckState.Checked)
            for kind, when in factor.dates.items():
                self.dates[kind].known.setChecked(True)
                self.dates[kind].editor.set_value(when)
        self.finish_layout()  # after the dates shown: as tall as they need, up to the screen

    def draft_fields(self) -> dict[str, QWidget]:
        fields: dict[str, QWidget] = {
            "title": self.title,
            "description": self.description,
            "scope": self.scope,
            "trigger": self.trigger,
            "implicated": self.implicated,  # the kinds of change ticked, by their codes
        }
        for kind, field in self.dates.items():  # "began", then "began_known" ...
            fields[kind.value] = field.editor
            fields[f"{kind.value}_known"] = field.known
        return fields

    def _built(self) -> ContributingFactor | None:
        dates = {}
        for kind, field in self.dates.items():
            if field.known.isChecked():
                when = field.editor.value()
                if when is None:
                    return None
                dates[kind] = when
        implicated = [
            self.implicated.item(row).data(Qt.ItemDataRole.UserRole)
            for row in range(self.implicated.count())
            if self.implicated.item(row).checkState() == Qt.CheckState.Checked
        ]
        return ContributingFactor(
            title=self.title.text().strip(),
            description=self.description.toPlainText(),
            trigger_kind=str(self.trigger.currentData() or ""),
            implicated=implicated,
            scope=self.scope.text().strip(),
            dates=dates,
            id=self._id,
        )

    def accept(self) -> None:
        factor = self._built()
        if factor is None:
            self.refuse("Fix the dates first: each best guess must lie within its range.")
            return
        found = factor_problems(factor)
        if found:
            self.refuse(" ".join(found))
            return
        super().accept()

    def result_factor(self) -> ContributingFactor:
        """The factor as edited (accept() has checked it)."""
        factor = self._built()
        assert factor is not None
        return factor


def factor_time_text(when: FuzzyTime | None) -> str:
    """A factor's date in the table: '5 Aug 2025' when known to the day, '5 Aug 2025 14:30'
    (local time) otherwise; a range on a second line. One format for every column."""
    if when is None:
        return "—"
    if when.by_day:
        return days_text(when).replace(" (best", "\n(best")

    def moment(at: datetime, with_day: bool = True) -> str:
        local = at.astimezone()  # the reader's zone, as every other time in the editor
        return f"{day_text(local.date())} {local:%H:%M}" if with_day else f"{local:%H:%M}"

    if when.is_exact:
        return moment(when.best)
    day = when.best.astimezone().date()
    # The range's days are written only where they differ from the best guess's.
    within = all(t.astimezone().date() == day for t in (when.earliest, when.latest))
    return (
        f"{moment(when.best)}\n≈ {moment(when.earliest, with_day=not within)} – "
        f"{moment(when.latest, with_day=not within)}"
    )


class FactorsTab(RecordTab):
    """Several causes in one incident, each with its own trigger, scope and dates."""

    headers = ("Factor", "Trigger", "Scope", "Began", "Mitigated")
    noun = "factor"
    empty = "No factors yet: each thing that contributed, what it touched and when it began."
    draft_kind = "factor"
    stretch_column = 2
    fixed_widths = ((0, 220), (1, 120))  # title and trigger wrap: the scope and dates keep room

    def __init__(
        self,
        edit: EditFn,
        triggers: Callable[[], Sequence[tuple[str, str]]] = tuple,
        parent: QWidget | None = None,
    ) -> None:
        self._triggers = triggers  # (code, label) of the bank's trigger kinds, read when needed
        super().__init__(edit, parent)

    def items(self, incident: Incident) -> list[Any]:
        return incident.factors

    def cells(self, item: Any) -> list[str]:
        labels = dict(self._triggers())
        trigger = labels.get(item.trigger_kind, item.trigger_kind) or "—"
        return [
            item.title,
            trigger,
            item.scope,
            factor_time_text(item.dates.get(FactorDate.BEGAN)),
            factor_time_text(item.dates.get(FactorDate.MITIGATED)),
        ]

    def run_dialog(self, item: Any | None, fill: Fields | None = None) -> Any | None:
        dialog = FactorDialog(item, self, triggers=self._triggers())
        return dialog.result_factor() if self.exec_dialog(dialog, item, fill) else None


class LinkDialog(_RecordDialog):
    """Edits one link: a dashboard, a chat thread, a ticket reference, the original write-up."""

    def __init__(self, reference: Reference | None, parent: QWidget | None = None) -> None:
        super().__init__("Link", parent)
        self.kind = QComboBox()
        fill_combo(self.kind, ((k.label, k) for k in ReferenceKind))
        self.target = QLineEdit()
        self.target.setPlaceholderText("https://… or a tracker reference such as PROJ-42")
        self.label = QLineEdit()
        self.label.setPlaceholderText("What it is: 'Error-rate dashboard'")
        self.note = QLineEdit()
        self.form.addRow("&Kind", self.kind)
        self.form.addRow("&Address or reference", self.target)
        self.form.addRow("&Label", self.label)
        self.form.addRow("&Note", self.note)
        self.finish_layout()
        self._id = reference.id if reference else None
        if reference is not None:
            select_data(self.kind, reference.kind)
            self.target.setText(reference.target)
            self.label.setText(reference.label)
            self.note.setText(reference.note)

    def draft_fields(self) -> dict[str, QWidget]:
        return {"label": self.label, "target": self.target, "note": self.note, "kind": self.kind}

    def accept(self) -> None:
        target = self.target.text().strip()
        found = ["Give the address or the reference."] if not target else []
        found += target_problems(target, "The address")
        if len(self.label.text().strip()) > MAX_LABEL:
            found.append(f"The label is longer than {MAX_LABEL} characters; shorten it.")
        if found:
            self.refuse(" ".join(found))
            return
        super().accept()

    def result_reference(self) -> Reference:
        """The link as edited."""
        return Reference(
            kind=current_enum(self.kind, ReferenceKind) or ReferenceKind.OTHER,
            target=self.target.text().strip(),
            label=self.label.text().strip(),
            note=self.note.text().strip(),
            id=self._id,
        )


class LinksTab(RecordTab):
    """Dashboards, chat threads, tickets, runbooks and the original write-up."""

    headers = ("Kind", "Label", "Address or reference", "Note")
    noun = "link"
    empty = "No links yet: dashboards, tickets, chat threads or documents about this incident."
    draft_kind = "link"
    stretch_column = 2

    def items(self, incident: Incident) -> list[Any]:
        return incident.references

    def cells(self, item: Any) -> list[str]:
        return [item.kind.label, item.label, item.target, item.note]

    def run_dialog(self, item: Any | None, fill: Fields | None = None) -> Any | None:
        dialog = LinkDialog(item, self)
        return dialog.result_reference() if self.exec_dialog(dialog, item, fill) else None
