"""What the incident list shows: its columns, the query behind it, and one row of it.

The list is a query, not a Python list: the store answers a ListQuery with the ids of the
matching incidents in order, then with the rows of the few ids on screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum

from hindsight.core.enums import Phase, Severity
from hindsight.core.review import ReviewStatus


class ListColumn(IntEnum):
    """The incident list's columns, in display order."""

    KEY = 0
    TITLE = 1
    PHASE = 2
    SEVERITY = 3
    REVIEW = 4
    UPDATED = 5
    IMPACT = 6  # the headline impact measure, e.g. "1.21B queries lost"

    @property
    def heading(self) -> str:
        """The column's header text."""
        return _HEADINGS[self]


_HEADINGS = {
    ListColumn.KEY: "Key",
    ListColumn.TITLE: "Title",
    ListColumn.PHASE: "Phase",
    ListColumn.SEVERITY: "Severity",
    ListColumn.REVIEW: "Review",
    ListColumn.UPDATED: "Updated",
    ListColumn.IMPACT: "Impact",
}


@dataclass(frozen=True, slots=True)
class ListQuery:
    """Which incidents the list shows, and in which order."""

    text: str = ""  # every word must appear in the key, title, a tag or a system
    phase: Phase | None = None
    severity: Severity | None = None
    only: frozenset[int] | None = None  # an explicit set of ids (a chart's bar, say)
    sort: ListColumn = ListColumn.KEY
    descending: bool = True

    @property
    def words(self) -> list[str]:
        """The filter's words, lower case."""
        return self.text.lower().split()

    @property
    def filtered(self) -> bool:
        """True when the query leaves incidents out."""
        return bool(self.words or self.phase or self.severity or self.only is not None)


@dataclass(frozen=True, slots=True)
class ListRow:
    """The columns of one incident in the list, without its record."""

    id: int
    key: str
    title: str
    phase: Phase
    severity: Severity
    review_status: ReviewStatus
    review_progress: int
    updated_at: datetime
    impact: str = ""  # the headline impact measure as one line; "" when none is recorded
