"""Dialogs that record a data access, amend one, or confirm that a copy was deleted."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from hindsight.core.privacy import (
    CATEGORY_LABELS,
    AccessDetails,
    DataAccess,
    DataCategory,
    DataCopy,
    VolumeUnit,
    same_person,
    validation_problems,
)
from hindsight.ui.author_text import plain_tooltip, set_line_text
from hindsight.ui.flow_layout import FlowLayout
from hindsight.ui.look import styled
from hindsight.ui.optional_date import OptionalDate
from hindsight.ui.qt_helpers import (
    current_enum,
    date_time_edit,
    eliding_header,
    fill_combo,
    from_qdatetime,
    ok_cancel_buttons,
    place_window,
    problem_label,
    say_problem,
    select_data,
    to_qdatetime,
)
from hindsight.ui.vertical_scroll import VerticalScrollArea

MAX_VOLUME = 2_000_000_000
CONSULTATION_CHOICES = (
    ("Not recorded", ""),
    ("Consulted", "yes"),
    ("Not consulted", "no"),
)


class _Dialog(QDialog):
    """A form in a scroll area, a line for problems, and OK / Cancel.

    OK checks the form here, then hands it to `submit` (set by the log page), which saves it
    off the GUI thread: the dialog stays open, with everything typed, until `finish()` says
    the save is done, or `refuse()` says what to fix.
    """

    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.submit: Callable[[], None] | None = None
        self.saving = False
        self.form_widget = QWidget()
        self.form = QFormLayout(self.form_widget)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        scroll = VerticalScrollArea(self.form_widget)
        self.problem = problem_label()
        self.buttons = ok_cancel_buttons(self)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)

    def problems(self) -> list[str]:
        """What must be fixed before the form can be saved (checked before `submit`)."""
        return []

    def accept(self) -> None:
        if self.saving:
            return
        problems = self.problems()
        if problems:
            self.refuse(problems)
            return
        if self.submit is None:
            super().accept()
            return
        self.set_saving(True)
        self.submit()

    def reject(self) -> None:
        # Closing while the save runs would hide its outcome; it takes a moment at most.
        if not self.saving:
            super().reject()

    def set_saving(self, saving: bool) -> None:
        """Show that the form is being saved (OK and Cancel wait meanwhile)."""
        self.saving = saving
        self.buttons.setEnabled(not saving)
        self.form_widget.setEnabled(not saving)
        if saving:
            self.problem.hide()

    def finish(self) -> None:
        """The save succeeded: close the dialog."""
        self.set_saving(False)
        super().accept()

    def refuse(self, problems: list[str]) -> None:
        """Keep the dialog open and list what to fix."""
        self.set_saving(False)
        say_problem(self.problem, "\n".join(problems))


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    styled(label, "hint")
    label.setWordWrap(True)
    return label


def _stacked(*widgets: QWidget) -> QWidget:
    # One form field holding several widgets, so a wrapped hint gets the field's full width.
    holder = QWidget()
    column = QVBoxLayout(holder)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(3)
    for widget in widgets:
        column.addWidget(widget)
    return holder


class CopiesEditor(QWidget):
    """The copies of the accessed data: where each went, and its deletion.

    Kept in a dialog's draft as its rows (`draft_value`), `draft_edited` telling of each
    change: a row added or removed, a place, a date or a name typed."""

    COLUMNS = ("Where the copy was put", "Delete by", "Deleted on", "Deleted by")
    draft_edited = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.table = QTableWidget(0, len(self.COLUMNS))
        eliding_header(self.table)
        self.table.setHorizontalHeaderLabels(list(self.COLUMNS))
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # Widgets in cells do not size their columns (Qt sizes columns by the items under
        # them, and there are none), so the date columns are sized from a sample field: a
        # column sized to its header showed only "202" of a date.
        row_height = 0
        for column, sample in ((1, OptionalDate("")), (2, OptionalDate("", with_time=True))):
            sample.ensurePolished()
            hint = sample.sizeHint()
            row_height = max(row_height, hint.height())
            title = header.sectionSizeFromContents(column).width()
            self.table.setColumnWidth(column, max(hint.width(), title) + 6)
            sample.deleteLater()
        self.table.setColumnWidth(3, self.fontMetrics().averageCharWidth() * 20)
        self.table.verticalHeader().setDefaultSectionSize(row_height + 4)
        frame = 2 * self.table.frameWidth()
        self.table.setFixedHeight(header.sizeHint().height() + 3 * (row_height + 4) + frame)
        self.add_button = QPushButton("Add co&py")  # C and O are Cancel and OK on GNOME
        self.remove_button = QPushButton("Remove copy")
        self.add_button.clicked.connect(lambda: self.add_copy(None))
        self.remove_button.clicked.connect(self._remove_selected)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)

    def add_copy(self, copy: DataCopy | None) -> None:
        """Add a row, empty or showing `copy`."""
        row = self.table.rowCount()
        self.table.insertRow(row)
        location = QLineEdit(copy.location if copy else "")
        location.setPlaceholderText("bucket, notebook, laptop, cache …")
        location.setCursorPosition(0)
        delete_by = OptionalDate("")
        deleted_on = OptionalDate("", with_time=True)
        deleted_by = QLineEdit(copy.deleted_by if copy else "")
        deleted_by.setPlaceholderText("who confirmed it")
        deleted_by.setCursorPosition(0)
        location.setToolTip(plain_tooltip(location.text()))
        delete_by.set_date(copy.delete_by if copy else None)
        deleted_on.set_moment(copy.deleted_at if copy else None)
        for column, widget in enumerate((location, delete_by, deleted_on, deleted_by)):
            self.table.setCellWidget(row, column, widget)
        self.table.resizeRowsToContents()
        for line in (location, deleted_by):
            line.textChanged.connect(self.draft_edited)
        for when in (delete_by, deleted_on):
            when.enabled.toggled.connect(self.draft_edited)
            when.edit.dateTimeChanged.connect(self.draft_edited)
        if copy is None:
            location.setFocus()
        self.draft_edited.emit()

    def _remove_selected(self) -> None:
        rows = sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True)
        if not rows and self.table.rowCount():
            rows = [self.table.rowCount() - 1]
        for row in rows:
            self.table.removeRow(row)
        if rows:
            self.draft_edited.emit()

    def draft_value(self) -> dict[str, Any]:
        """Every row as shown, empty ones too, for a dialog's draft (ui/recovery.py): the
        day to delete by as a date, the deletion as a UTC moment, None when unticked."""
        rows = []
        for row in range(self.table.rowCount()):
            delete_by = self._date(row, 1).date_value()
            deleted_at = self._date(row, 2).moment_value()
            rows.append(
                {
                    "location": self._line(row, 0).text(),
                    "delete_by": delete_by.isoformat() if delete_by else None,
                    "deleted_at": deleted_at.isoformat() if deleted_at else None,
                    "deleted_by": self._line(row, 3).text(),
                }
            )
        return {"copies": rows}

    def set_draft_value(self, value: Mapping[str, Any]) -> None:
        """Show the rows a draft kept, in place of those shown; a value that cannot be read
        raises ValueError, TypeError or KeyError and changes nothing."""
        rows = value["copies"]
        if not isinstance(rows, list):
            raise TypeError("copies that are not a list of rows")
        copies = [_kept_copy(row) for row in rows]
        self.table.setRowCount(0)
        for copy in copies:
            self.add_copy(copy)
        self.draft_edited.emit()

    def cell(self, row: int, column: int) -> QWidget:
        """The editor in one cell (for tests and the dialog)."""
        return self.table.cellWidget(row, column)

    def _line(self, row: int, column: int) -> QLineEdit:
        widget = self.table.cellWidget(row, column)
        assert isinstance(widget, QLineEdit)  # add_copy puts one in every such cell
        return widget

    def _date(self, row: int, column: int) -> OptionalDate:
        widget = self.table.cellWidget(row, column)
        assert isinstance(widget, OptionalDate)
        return widget

    def copies(self) -> tuple[DataCopy, ...]:
        """The copies as entered; rows left entirely empty are ignored."""
        found = []
        for row in range(self.table.rowCount()):
            location = self._line(row, 0).text()
            delete_by = self._date(row, 1).date_value()
            deleted_at = self._date(row, 2).moment_value()
            deleted_by = self._line(row, 3).text()
            if location.strip() or delete_by or deleted_at or deleted_by.strip():
                found.append(DataCopy(location, delete_by, deleted_at, deleted_by))
        return tuple(found)


def _kept_copy(row: object) -> DataCopy:
    """A row of copies as a draft kept it (see CopiesEditor.draft_value)."""
    if not isinstance(row, dict):
        raise TypeError("a row of copies that is not an object")
    location, deleted_by = row["location"], row["deleted_by"]
    if not isinstance(location, str) or not isinstance(deleted_by, str):
        raise TypeError("a copy's place or remover that is not text")
    delete_by = date.fromisoformat(row["delete_by"]) if row["delete_by"] is not None else None
    deleted_at = None
    if row["deleted_at"] is not None:
        deleted_at = datetime.fromisoformat(row["deleted_at"])
        if deleted_at.tzinfo is None:
            raise ValueError("a deletion time without its zone")
    return DataCopy(location, delete_by, deleted_at, deleted_by)


class AccessDialog(_Dialog):
    """Records a data access, or amends one (then a reason is asked for)."""

    def __init__(
        self,
        recorder: str,
        access: DataAccess | None = None,
        parent: QWidget | None = None,
    ) -> None:
        amending = access is not None
        title = f"Amend {access.label}" if access else "Record a data access"
        super().__init__(title, parent)
        self.amending = amending

        self.accessor = QLineEdit()
        self.accessor.setPlaceholderText("Who looked at or copied the data")
        self.accessed_at = date_time_edit()
        self.dataset = QLineEdit()
        self.dataset.setPlaceholderText("Dataset, table, log or system, and the period it covers")
        self.categories: dict[DataCategory, QCheckBox] = {}
        grid_widget = QWidget()
        grid = FlowLayout(grid_widget, spacing=12)  # rows of three, fewer on a small screen
        grid.setContentsMargins(0, 0, 0, 0)
        for category in DataCategory:
            box = QCheckBox(CATEGORY_LABELS[category])
            box.toggled.connect(self._update_approver_hint)
            self.categories[category] = box
            grid.addWidget(box)
        self.volume = QSpinBox()
        self.volume.setRange(0, MAX_VOLUME)
        self.volume.setSpecialValueText("not known")
        self.volume.setGroupSeparatorShown(True)
        self.volume.setMinimumWidth(140)
        self.volume_unit = QComboBox()
        fill_combo(self.volume_unit, ((unit.value, unit) for unit in VolumeUnit))
        volume_row = QWidget()
        volume_layout = QHBoxLayout(volume_row)
        volume_layout.setContentsMargins(0, 0, 0, 0)
        volume_layout.addWidget(QLabel("about"))
        volume_layout.addWidget(self.volume)
        volume_layout.addWidget(self.volume_unit)
        volume_layout.addStretch(1)
        self.justification = QPlainTextEdit()
        self.justification.setPlaceholderText(
            "Why the access was needed, and why less would not do"
        )
        self.justification.setFixedHeight(70)
        self.approver = QLineEdit()
        self.approver.setPlaceholderText("The second person, in charge of the data, who approved")
        self.approver.textChanged.connect(self._update_approver_hint)
        self.approver_hint = QLabel()
        self.approver_hint.setObjectName("warning")
        self.approver_hint.setStyleSheet("color: #9a5b00;")
        self.approver_hint.setWordWrap(True)
        # Three answers: a fact nobody recorded must stay unrecorded, never become "no".
        self.privacy_consulted = QComboBox()
        for text, code in CONSULTATION_CHOICES:
            self.privacy_consulted.addItem(text, code)
        self.privacy_contact = QLineEdit()
        self.privacy_contact.setPlaceholderText("Who was consulted")
        self.privacy_contact.setEnabled(False)
        self.privacy_consulted.currentIndexChanged.connect(
            lambda _: self.privacy_contact.setEnabled(self.consulted() is True)
        )
        self.copies = CopiesEditor()
        self.notes = QPlainTextEdit()
        self.notes.setPlaceholderText("Anything else a reviewer should know")
        self.notes.setFixedHeight(60)
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("What was wrong or missing; kept in the entry's history")
        self.recorded_by = QLineEdit(recorder)
        self.recorded_by.setPlaceholderText("Your name")

        self.form.addRow("Accessed &by", self.accessor)
        self.form.addRow("&When", self.accessed_at)
        self.form.addRow("&Dataset or system", self.dataset)
        self.form.addRow("Categories", grid_widget)
        self.form.addRow("&Volume", volume_row)
        self.form.addRow("&Justification", self.justification)
        self.form.addRow("&Approver", _stacked(self.approver, self.approver_hint))
        self.form.addRow("Privacy team", _stacked(self.privacy_consulted, self.privacy_contact))
        self.form.addRow("Copies", self.copies)
        self.form.addRow("&Notes", self.notes)
        if amending:
            hint = _hint(
                "The entry's current version is kept in its history; this amendment is "
                "added after it with your name, the time and the reason."
            )
            self.form.addRow("&Reason for amending", _stacked(self.reason, hint))
        self.form.addRow("Recorded b&y", self.recorded_by)
        # A row holding several widgets: its Alt+letter goes to its first field (a label's
        # letter does nothing when its buddy, the row, takes no focus).
        for holder, field in (
            (volume_row, self.volume),
            (self.approver.parentWidget(), self.approver),
            (self.reason.parentWidget(), self.reason),
        ):
            label = self.form.labelForField(holder) if holder is not None else None
            if isinstance(label, QLabel):
                label.setBuddy(field)

        if access is not None:
            self._show(access.details)
        self._update_approver_hint()
        # The whole form when the screen has room; on a small one it scrolls (2x scale on a
        # 1920x1080 screen leaves 540 pixels: a fixed minimum of 660 put OK off the screen).
        self.setMinimumSize(520, 320)
        place_window(self, (820, 660))

    def draft_fields(self) -> dict[str, QWidget]:
        """The fields kept as a draft while the dialog is open (ui/recovery.py)."""
        fields: dict[str, QWidget] = {
            "justification": self.justification,
            "notes": self.notes,
            "accessor": self.accessor,
            "dataset": self.dataset,
            "approver": self.approver,
            "privacy_contact": self.privacy_contact,
            "reason": self.reason,
            "recorded_by": self.recorded_by,
            "accessed_at": self.accessed_at,
            "volume": self.volume,
            "volume_unit": self.volume_unit,
            "privacy_consulted": self.privacy_consulted,
            "copies": self.copies,
        }
        for category, box in self.categories.items():
            fields[f"category_{category.value}"] = box
        return fields

    def _show(self, details: AccessDetails) -> None:
        set_line_text(self.accessor, details.accessor)
        self.accessed_at.setDateTime(to_qdatetime(details.accessed_at))
        set_line_text(self.dataset, details.dataset)
        for category, box in self.categories.items():
            box.setChecked(category in details.categories)
        self.volume.setValue(details.volume or 0)
        select_data(self.volume_unit, details.volume_unit)
        self.justification.setPlainText(details.justification)
        set_line_text(self.approver, details.approver)
        codes = {None: "", True: "yes", False: "no"}
        self.privacy_consulted.setCurrentIndex(
            self.privacy_consulted.findData(codes[details.privacy_consulted])
        )
        set_line_text(self.privacy_contact, details.privacy_contact)
        for copy in details.copies:
            self.copies.add_copy(copy)
        self.notes.setPlainText(details.notes)

    def consulted(self) -> bool | None:
        """Whether the privacy team was consulted: None when it is not recorded."""
        return {"yes": True, "no": False}.get(self.privacy_consulted.currentData())

    def _update_approver_hint(self) -> None:
        personal = any(box.isChecked() and c.is_personal for c, box in self.categories.items())
        approver = self.approver.text().strip()
        if approver and same_person(approver, self.accessor.text()):
            text = "The approver must be someone other than the person who accessed the data."
        elif personal and not approver:
            text = (
                "Personal data needs a second person's approval. If nobody approved it, leave "
                "this empty: the entry will be flagged and the review cannot be published."
            )
        else:
            text = ""
        self.approver_hint.setText(text)
        self.approver_hint.setVisible(bool(text))

    def details(self) -> AccessDetails:
        """The access as entered."""
        volume = self.volume.value()
        return AccessDetails(
            accessor=self.accessor.text().strip(),
            accessed_at=from_qdatetime(self.accessed_at.dateTime()),
            dataset=self.dataset.text().strip(),
            categories=tuple(c for c, box in self.categories.items() if box.isChecked()),
            volume=volume or None,
            volume_unit=current_enum(self.volume_unit, VolumeUnit) or VolumeUnit.ROWS,
            justification=self.justification.toPlainText().strip(),
            approver=self.approver.text().strip(),
            privacy_consulted=self.consulted(),
            privacy_contact=self.privacy_contact.text().strip(),
            copies=self.copies.copies(),
            notes=self.notes.toPlainText().strip(),
        )

    def problems(self) -> list[str]:
        problems = validation_problems(self.details())
        if self.amending and not self.reason.text().strip():
            problems.append("Say why the entry is being amended.")
        if not self.recorded_by.text().strip():
            problems.append("Give your name as the person recording this.")
        return problems


class CopyChoice(QComboBox):
    """The copies of an entry not yet confirmed deleted, to pick one.

    Kept in a dialog's draft (ui/recovery.py) by the copy's place among the entry's copies
    (what the deletion is stored against) and its location: put back, the same place must
    still hold a copy at that location not confirmed deleted, or the one such copy elsewhere
    (the entry amended since); otherwise nothing is picked from the draft."""

    draft_edited = Signal()

    def __init__(self, copies: tuple[DataCopy, ...]) -> None:
        super().__init__()
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(30)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._locations = {index: copy.location for index, copy in enumerate(copies)}
        for index, copy in enumerate(copies):
            if not copy.deleted:
                due = f" (delete by {copy.delete_by.isoformat()})" if copy.delete_by else ""
                self.addItem(f"{copy.location}{due}", index)
        self.currentIndexChanged.connect(self.draft_edited)

    def copy_index(self) -> int | None:
        """The place of the picked copy among the entry's copies (None: none left)."""
        index = self.currentData()
        return index if isinstance(index, int) else None

    def draft_value(self) -> dict[str, Any]:
        """The copy picked, by its place (as text, like any choice's code) and location; the
        label for the offer of the draft to quote."""
        index = self.copy_index()
        if index is None:
            return {}
        return {
            "choice": str(index),
            "location": self._locations[index],
            "label": self.currentText(),
        }

    def set_draft_value(self, value: Mapping[str, Any]) -> None:
        """Pick the copy a draft kept; raises ValueError, TypeError or KeyError, picking
        nothing, for one that cannot be read or is not offered any more."""
        if not value:
            return  # nothing was offered to pick
        code, location = value["choice"], value["location"]
        if not isinstance(code, str) or not code.isdigit() or not isinstance(location, str):
            raise TypeError("a copy that is not kept by its place and location")
        row = self.findData(int(code))
        if row < 0 or self._locations[int(code)] != location:
            found = [
                at for at in range(self.count()) if self._locations[self.itemData(at)] == location
            ]
            if len(found) != 1:
                raise ValueError(f"the copy {location!r} is not offered any more")
            row = found[0]
        self.setCurrentIndex(row)


class ConfirmDeletionDialog(_Dialog):
    """Confirms that one copy of the data was deleted: when, and by whom."""

    def __init__(self, access: DataAccess, recorder: str, parent: QWidget | None = None) -> None:
        super().__init__(f"Confirm a deletion — {access.label}", parent)
        self.setMinimumSize(640, 280)
        self.copy = CopyChoice(access.details.copies)
        self.deleted_at = date_time_edit()
        self.deleted_at.setDateTime(to_qdatetime(datetime.now(UTC).replace(second=0)))
        self.deleted_by = QLineEdit()
        self.deleted_by.setPlaceholderText("Who deleted it or checked that it is gone")
        self.recorded_by = QLineEdit(recorder)
        self.form.addRow("Co&py", self.copy)  # C and O are Cancel and OK on GNOME
        self.form.addRow("Deleted o&n", self.deleted_at)
        self.form.addRow("Deleted or checked &by", self.deleted_by)
        hint = _hint("Recorded as an amendment of the entry; its earlier versions are kept.")
        self.form.addRow("Recorded b&y", _stacked(self.recorded_by, hint))

    def draft_fields(self) -> dict[str, QWidget]:
        """The fields kept as a draft while the dialog is open (ui/recovery.py), in the order
        its offer quotes them."""
        return {
            "deleted_by": self.deleted_by,
            "copy": self.copy,
            "recorded_by": self.recorded_by,
            "deleted_at": self.deleted_at,
        }

    def copy_index(self) -> int:
        """Which of the entry's copies was deleted."""
        return int(self.copy.currentData())

    def problems(self) -> list[str]:
        problems = []
        if self.copy.count() == 0:
            problems.append("Every copy of this entry is already confirmed deleted.")
        if not self.deleted_by.text().strip():
            problems.append("Say who deleted the copy or checked that it is gone.")
        if not self.recorded_by.text().strip():
            problems.append("Give your name as the person recording this.")
        return problems
