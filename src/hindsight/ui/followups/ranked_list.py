"""The ranked list beside the grid: a table model over ranked follow-up items."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QWidget

from hindsight.core.followup_attention import AttentionReport
from hindsight.core.followup_ranking import RankedItem, RankGroup

Index = QModelIndex | QPersistentModelIndex
ITEM_ID_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMNS = (
    "#",
    "Title",
    "Incident",
    "Region",
    "Priority",
    "Value",
    "Feas.",
    "Status",
    "Owner",
    "Due",
    "Attention",
)
HEADER_TIPS = {
    "#": (
        "Rank: region, then priority, value, feasibility and age. Strategic items (S1, S2 ...) "
        "are listed apart after tactical work; closed items come last."
    ),
    "Feas.": "Feasibility: 1 is very hard, 5 is easy and cheap.",
    "Value": "Value: 1 is little, 5 is a lot.",
}
INCIDENT_COLUMN = COLUMNS.index("Incident")
ATTENTION_COLUMN = COLUMNS.index("Attention")
_MUTED = QColor("#6b7280")
_ALERT = QColor("#b42318")


class RankedListModel(QAbstractTableModel):
    """One row per ranked item, in the order of the ranking rule."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[RankedItem] = []
        self._report = AttentionReport()
        self._row_of: dict[int, int] = {}

    def set_rows(self, rows: list[RankedItem], report: AttentionReport) -> None:
        """Replace every row."""
        self.beginResetModel()
        self._rows = rows
        self._report = report
        self._row_of = {entry.item.id: n for n, entry in enumerate(rows) if entry.item.id}
        self.endResetModel()

    def entry(self, row: int) -> RankedItem:
        """The ranked item shown in `row`."""
        return self._rows[row]

    def row_of(self, item_id: int) -> int | None:
        """The row showing `item_id`, if any."""
        return self._row_of.get(item_id)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return HEADER_TIPS.get(COLUMNS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        entry = self._rows[index.row()]
        item = entry.item
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(entry, column)
        if role == ITEM_ID_ROLE:
            return item.id
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == ATTENTION_COLUMN:
                return "\n".join(flag.reason for flag in self._report.of(item.id)) or None
            if column == COLUMNS.index("Region"):
                return entry.region.description
            return item.title
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == ATTENTION_COLUMN:
                return _ALERT
            if entry.group is RankGroup.CLOSED:
                return _MUTED
        if role == Qt.ItemDataRole.FontRole and column == 0:
            bold = QFont()
            bold.setBold(True)
            return bold
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (0, 5, 6):
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def _text(self, entry: RankedItem, column: int) -> str:
        item = entry.item
        return (
            entry.label,
            item.title,
            item.incident_key,
            entry.region.name,
            item.priority.label,
            str(item.value),
            str(item.feasibility),
            item.status.label,
            item.owner,
            item.due.isoformat() if item.due else "",
            ", ".join(self._report.badges(item.id)),
        )[column]
