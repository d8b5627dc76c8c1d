"""The incident list: a table model over incident summaries, with text and state filters."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from hindsight.core.enums import Phase, Severity
from hindsight.core.incident import Incident, IncidentSummary
from hindsight.core.review import ReviewStatus
from hindsight.ui.qt_helpers import current_enum, fill_combo, local_text
from hindsight.vocabulary import vocabulary

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("Key", "Title", "Phase", "Severity", "Review", "Updated")


def summary_of(incident: Incident) -> IncidentSummary:
    """The list row for a full incident record (after a save)."""
    assert incident.id is not None and incident.updated_at is not None
    return IncidentSummary(
        id=incident.id,
        key=incident.key,
        title=incident.title,
        phase=incident.phase,
        severity=incident.severity,
        updated_at=incident.updated_at,
        tags=tuple(incident.tags),
        systems=tuple(incident.systems),
        review_status=incident.review_status,
        review_progress=incident.review_progress,
    )


def review_text(item: IncidentSummary) -> str:
    """'Published', or the status with the share of required answers, e.g. 'Draft 45%'."""
    label = vocabulary().review_status_labels[item.review_status]
    if item.review_status is ReviewStatus.PUBLISHED:
        return label
    return f"{label} {item.review_progress}%"


def _key_number(key: str) -> int:
    tail = key.rpartition("-")[2]
    return int(tail) if tail.isdigit() else 0


class _Row:
    """A summary with its cell texts and sort keys worked out once, not on every paint."""

    __slots__ = ("display", "sort_keys", "summary")

    def __init__(self, summary: IncidentSummary) -> None:
        words = vocabulary()
        self.summary = summary
        self.display = (
            summary.key,
            summary.title or "(untitled)",
            words.phase_labels[summary.phase],
            summary.severity.value,
            review_text(summary),
            local_text(summary.updated_at),
        )
        self.sort_keys = (
            _key_number(summary.key),
            summary.title.lower(),
            summary.phase.position,
            summary.severity.value,
            _REVIEW_ORDER[summary.review_status] * 1000 + summary.review_progress,
            summary.updated_at.timestamp(),
        )


_REVIEW_ORDER = {status: n for n, status in enumerate(ReviewStatus)}


class IncidentListModel(QAbstractTableModel):
    """One row per incident summary."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[_Row] = []

    def set_summaries(self, summaries: list[IncidentSummary]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self._rows = [_Row(s) for s in summaries]
        self.endResetModel()

    def upsert(self, summary: IncidentSummary) -> None:
        """Update the row of `summary.id`, or add it at the top."""
        row = self.row_of(summary.id)
        if row is not None:
            self._rows[row] = _Row(summary)
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
            return
        self.beginInsertRows(QModelIndex(), 0, 0)
        self._rows.insert(0, _Row(summary))
        self.endInsertRows()

    def remove(self, incident_id: int) -> None:
        """Drop the row of an incident that was deleted."""
        row = self.row_of(incident_id)
        if row is not None:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()

    def summary(self, row: int) -> IncidentSummary:
        """The summary shown in `row`."""
        return self._rows[row].summary

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort rows by their precomputed keys (far faster than a proxy comparing cells)."""
        if not 0 <= column < len(COLUMNS):
            return
        self.layoutAboutToBeChanged.emit()
        old = {id(row): n for n, row in enumerate(self._rows)}
        self._rows.sort(
            key=lambda row: row.sort_keys[column],
            reverse=order == Qt.SortOrder.DescendingOrder,
        )
        moved = {old[id(row)]: n for n, row in enumerate(self._rows)}
        persistent = self.persistentIndexList()
        self.changePersistentIndexList(
            persistent,
            [self.index(moved[i.row()], i.column()) for i in persistent],
        )
        self.layoutChanged.emit()

    def row_of(self, incident_id: int) -> int | None:
        """The row showing `incident_id`, if any."""
        for row, existing in enumerate(self._rows):
            if existing.summary.id == incident_id:
                return row
        return None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return row.display[column]
        if role == SORT_ROLE:
            return row.sort_keys[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            item = row.summary
            if column == 3:
                return vocabulary().severity_definitions[item.severity]
            if column == 2:
                return vocabulary().phase_descriptions[item.phase]
            return item.title
        return None


class IncidentFilter(QSortFilterProxyModel):
    """Keeps rows matching the text (key, title, tags, systems) and the chosen phase/severity."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._text = ""
        self._phase: Phase | None = None
        self._severity: Severity | None = None
        self._ids: frozenset[int] | None = None  # shown by MainWindow.show_incidents

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        # The source model sorts itself; the proxy only filters and keeps the source order.
        model = self.sourceModel()
        if model is not None:
            model.sort(column, order)

    def _refilter(self, name: str, value: object) -> None:
        # Qt 6.10 replaced invalidateFilter() with a begin/end pair.
        if hasattr(self, "beginFilterChange"):
            self.beginFilterChange()
            setattr(self, name, value)
            self.endFilterChange()
        else:
            setattr(self, name, value)
            self.invalidateFilter()

    def set_text(self, text: str) -> None:
        """Keep rows whose key, title, tags or systems contain every word of `text`."""
        self._refilter("_text", text.strip().lower())

    def set_phase(self, phase: Phase | None) -> None:
        """Keep rows in `phase` (None: any phase)."""
        self._refilter("_phase", phase)

    def set_severity(self, severity: Severity | None) -> None:
        """Keep rows of `severity` (None: any severity)."""
        self._refilter("_severity", severity)

    def set_ids(self, ids: set[int] | frozenset[int] | None) -> None:
        """Keep only the incidents `ids` (None: no such limit)."""
        self._refilter("_ids", None if ids is None else frozenset(ids))

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        model = self.sourceModel()
        assert isinstance(model, IncidentListModel)
        item = model.summary(source_row)
        if self._ids is not None and item.id not in self._ids:
            return False
        if self._phase is not None and item.phase is not self._phase:
            return False
        if self._severity is not None and item.severity is not self._severity:
            return False
        if not self._text:
            return True
        haystack = " ".join((item.key, item.title, *item.tags, *item.systems)).lower()
        return all(word in haystack for word in self._text.split())


class IncidentListPane(QWidget):
    """Filter controls above the incident table."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        words = vocabulary()
        self.model = IncidentListModel(self)
        self.proxy = IncidentFilter(self)
        self.proxy.setSourceModel(self.model)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Filter by key, title, tag or system (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.phase = QComboBox()
        fill_combo(self.phase, [("All phases", None), *((words.phase_labels[p], p) for p in Phase)])
        self.severity = QComboBox()
        fill_combo(self.severity, [("All severities", None), *((s.value, s) for s in Severity)])
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.table.horizontalHeader()
        # Sizing columns from a sample of rows keeps a list of thousands quick to show.
        header.setResizeContentsPrecision(200)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)

        filters = QHBoxLayout()
        filters.addWidget(self.phase)
        filters.addWidget(self.severity)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        self.search.textChanged.connect(self.proxy.set_text)
        self.phase.currentIndexChanged.connect(
            lambda _: self.proxy.set_phase(current_enum(self.phase, Phase))
        )
        self.severity.currentIndexChanged.connect(
            lambda _: self.proxy.set_severity(current_enum(self.severity, Severity))
        )

    def selected_id(self) -> int | None:
        """The incident selected in the table, if any."""
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.summary(self.proxy.mapToSource(rows[0]).row()).id

    def select_id(self, incident_id: int) -> bool:
        """Select the row of `incident_id` if it is visible under the filters."""
        row = self.model.row_of(incident_id)
        if row is None:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            return False
        self.table.selectRow(index.row())
        self.table.scrollTo(index)
        return True

    def visible_keys(self) -> list[str]:
        """Keys of the rows shown, top to bottom (what the user sees)."""
        return [self.proxy.index(row, 0).data() for row in range(self.proxy.rowCount())]
