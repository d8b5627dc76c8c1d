"""The ranked list beside the grid: a table model over the ranked ids of a board.

The model holds no rows of its own. Its rows are the board's ranked index (ids in order, with
their rank labels and cells); the rest of a row is read from the board's whole items, which
the board reads only for rows that are painted. A row whose item is not read yet shows its
rank, region and values at once and the rest a moment later.

Author text (titles, owners) is shown as plain text; tooltips escape it.
"""

from __future__ import annotations

from html import escape
from typing import Any, Protocol

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QWidget

from hindsight.core.followup_attention import Flag
from hindsight.core.followup_index import RankedIndex
from hindsight.core.followup_ranking import RankGroup
from hindsight.core.followup_regions import RegionMap
from hindsight.core.followups import FollowUp

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
REGION_COLUMN = COLUMNS.index("Region")
ATTENTION_COLUMN = COLUMNS.index("Attention")
LOADING = "…"
_MUTED = QColor("#6b7280")
_ALERT = QColor("#b42318")
_CENTRE = int(Qt.AlignmentFlag.AlignCenter)
_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.FontRole,
        Qt.ItemDataRole.TextAlignmentRole,
        ITEM_ID_ROLE,
    }
)


def plain_tip(text: str) -> str:
    """A tooltip that shows `text` literally (Qt would take markup in it for rich text)."""
    return "<p style='white-space:pre-wrap'>" + escape(text) + "</p>" if text else ""


class RowSource(Protocol):
    """What the list shows: the board."""

    regions: RegionMap

    @property
    def index(self) -> RankedIndex: ...

    def known(self, item_id: int) -> FollowUp | None: ...

    def want(self, item_id: int) -> None: ...

    def flags_of(self, item_id: int) -> tuple[Flag, ...]: ...


class RankedListModel(QAbstractTableModel):
    """One row per ranked item, in the order of the ranking rule."""

    def __init__(self, source: RowSource, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source = source
        self._bold = QFont()
        self._bold.setBold(True)

    def item_id(self, row: int) -> int:
        """The item shown in `row`."""
        return self.source.index.id_at(row)

    def row_of(self, item_id: int | None) -> int | None:
        """The row showing `item_id`, if any."""
        return None if item_id is None else self.source.index.row_of(item_id)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.source.index)

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
        # Views ask for many roles of every visible cell on each paint: answer the ones this
        # model has nothing for before doing any work.
        if role not in _ROLES or not index.isValid():
            return None
        row, column = index.row(), index.column()
        ranked = self.source.index
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column, ranked.id_at(row))
        if role == ITEM_ID_ROLE:
            return ranked.id_at(row)
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == ATTENTION_COLUMN:
                return _ALERT
            return _MUTED if ranked.group_at(row) is RankGroup.CLOSED else None
        if role == Qt.ItemDataRole.FontRole:
            return self._bold if column == 0 else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _CENTRE if column in (0, 5, 6) else None
        return self._tip(column, ranked.id_at(row))

    def _text(self, row: int, column: int, item_id: int) -> str:
        ranked = self.source.index
        cell = ranked.cell_of(item_id)
        assert cell is not None
        # What the index knows is shown at once; the rest once the item is read.
        if column == 0:
            return ranked.label_at(row)
        if column == REGION_COLUMN:
            return self.source.regions.at(*cell).name
        if column in (5, 6):
            return str(cell[column - 5])
        item = self.source.known(item_id)
        if item is None:
            self.source.want(item_id)
            return LOADING if column == 1 else ""
        if column == 1:
            return item.title
        if column == INCIDENT_COLUMN:
            return item.incident_key
        if column == 4:
            return item.priority.label
        if column == 7:
            return item.status.label
        if column == 8:
            return item.owner
        if column == 9:
            return item.due.isoformat() if item.due else ""
        flags = self.source.flags_of(item_id)
        return ", ".join(dict.fromkeys(flag.kind.badge for flag in flags))

    def _tip(self, column: int, item_id: int) -> str | None:
        if column == ATTENTION_COLUMN:
            reasons = "\n".join(flag.reason for flag in self.source.flags_of(item_id))
            return plain_tip(reasons) or None
        if column == REGION_COLUMN:
            cell = self.source.index.cell_of(item_id)
            return plain_tip(self.source.regions.at(*cell).description) if cell else None
        item = self.source.known(item_id)
        return plain_tip(item.title) if item is not None else None

    # Telling the views what changed

    def reset(self) -> None:
        """Every row may be different (a new filter, a reload)."""
        self.beginResetModel()
        self.endResetModel()

    def rows_changed(self, first: int, last: int | None = None) -> None:
        """Rows first..last (to the end when None) show something else now."""
        count = self.rowCount()
        if not count:
            return
        last = count - 1 if last is None else min(last, count - 1)
        if first <= last:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(COLUMNS) - 1))

    def items_changed(self, ids: list[int]) -> None:
        """These items were read or changed: repaint their rows."""
        rows = [row for row in map(self.source.index.row_of, ids) if row is not None]
        if rows:
            self.rows_changed(min(rows), max(rows))
