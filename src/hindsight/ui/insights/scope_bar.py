"""The scope controls of the Insights view: dates, severities, tags, systems, teams, period.

They make a core `Scope` value; the view turns it into figures. A saved search narrows the
scope to the incidents it matches when the figures are worked out (services/insights.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from PySide6.QtCore import QDate, Signal
from PySide6.QtGui import QAction, QMouseEvent
from PySide6.QtWidgets import (
    QComboBox,
    QMenu,
    QPushButton,
    QToolButton,
    QWidget,
)

from hindsight.core.enums import Severity
from hindsight.core.insights_scope import Period, Scope
from hindsight.ui.flow_layout import FlowLayout, captioned
from hindsight.ui.look import styled
from hindsight.ui.optional_date import OptionalDate
from hindsight.ui.qt_helpers import fill_combo
from hindsight.ui.search.saved_filter import NameCombo

MAX_CHOICES = 60  # values offered in one menu, most used first
ANY_SEARCH = "Any incident"
SEARCH_TIP = "Only the incidents a saved search matches"


class _StayOpenMenu(QMenu):
    """A menu of tick boxes that stays open while the user ticks several."""

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        action = self.activeAction()
        if action is not None and action.isCheckable() and action.isEnabled():
            action.trigger()
            return
        super().mouseReleaseEvent(event)


# A name longer than this is cut with "…" in the list (the whole name in its tooltip) and in
# the button's caption: a pasted 400-character system name made the list wider than the screen.
MENU_CHARS = 60
CAPTION_CHARS = 24


def _cut(text: str, most: int) -> str:
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


class ChoiceButton(QToolButton):
    """A button opening a list of tick boxes; nothing ticked means 'any'."""

    changed = Signal()

    def __init__(self, noun: str, plural: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.noun, self.plural = noun, plural
        styled(self, "choiceButton")  # room for its arrow (style.qss)
        self.setAccessibleName(plural.capitalize())
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self._menu = _StayOpenMenu(self)
        self._menu.setToolTipsVisible(True)
        self.setMenu(self._menu)
        self._actions: dict[str, QAction] = {}
        self._caption()

    def set_values(self, values: Sequence[str], labels: Sequence[str] | None = None) -> None:
        """Offer `values` (ticks are kept for values still offered)."""
        ticked = self.selected()
        self._menu.clear()
        self._actions = {}
        clear = self._menu.addAction(f"Any {self.noun}")
        clear.triggered.connect(self.clear)
        self._menu.addSeparator()
        shown = list(values)[:MAX_CHOICES]
        for value, label in zip(shown, labels or shown, strict=True):
            action = self._menu.addAction(_cut(label, MENU_CHARS))
            action.setToolTip(label)  # the whole name, where it was cut
            action.setCheckable(True)
            action.setChecked(value in ticked)
            action.toggled.connect(self._toggled)
            self._actions[value] = action
        if len(values) > MAX_CHOICES:
            more = self._menu.addAction(f"{len(values) - MAX_CHOICES} more, used less often")
            more.setEnabled(False)
        self._caption()

    def selected(self) -> frozenset[str]:
        """The values ticked."""
        return frozenset(v for v, a in self._actions.items() if a.isChecked())

    def select(self, values: Iterable[str]) -> None:
        """Tick exactly `values` (of those offered)."""
        wanted = set(values)
        for value, action in self._actions.items():
            action.blockSignals(True)
            action.setChecked(value in wanted)
            action.blockSignals(False)
        self._caption()
        self.changed.emit()

    def clear(self) -> None:
        """Tick nothing: any value."""
        self.select(())

    def _toggled(self, _checked: bool) -> None:
        self._caption()
        self.changed.emit()

    def _caption(self) -> None:
        chosen = sorted(self.selected(), key=str.casefold)
        if not chosen:
            self.setText(f"Any {self.noun}")
        elif len(chosen) <= 2:
            self.setText(", ".join(_cut(value, CAPTION_CHARS) for value in chosen))
        else:
            self.setText(f"{len(chosen)} {self.plural}")
        self.setToolTip(", ".join(chosen) if chosen else f"Incidents with any {self.noun}")


class ScopeBar(QWidget):
    """The controls that set which incidents the charts cover, and how time is grouped."""

    changed = Signal()
    searchGone = Signal(str)  # the saved search chosen was deleted or renamed elsewhere

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.start = OptionalDate("&From")
        self.end = OptionalDate("&To")
        self.severities = ChoiceButton("severity", "severities")
        self.severities.set_values([s.value for s in Severity])
        self.tags = ChoiceButton("tag", "tags")
        self.systems = ChoiceButton("system", "systems")
        self.teams = ChoiceButton("team", "teams")
        # As wide whatever the name chosen: a long one is cut, whole in the tooltip and list.
        self.search = NameCombo()
        self.search.setAccessibleName("Saved search")
        self.search.setToolTip(SEARCH_TIP)
        self.search.addItem(ANY_SEARCH, "")
        self.period = QComboBox()
        self.period.setAccessibleName("Group by")
        fill_combo(
            self.period,
            [("Automatic", None), ("Month", Period.MONTH), ("Quarter", Period.QUARTER)],
        )
        # Placed by the view beside the summary line, so that the scope keeps to one row on a
        # 1280-pixel window (at the end of the flowing row it took a row of its own).
        self.reset_button = QPushButton("&Reset")
        self.reset_button.setToolTip("Every incident, grouped automatically")
        # One row on a wide window, two or more on a small screen: never wider than the screen.
        row = FlowLayout(self, spacing=6)
        row.addWidget(self.start)
        row.addWidget(self.end)
        for text, widget in (
            ("Severity", self.severities),
            ("Tags", self.tags),
            ("Systems", self.systems),
            ("Teams", self.teams),
            ("Sea&rch", self.search),
            ("&Group by", self.period),
        ):
            row.addWidget(captioned(text, widget))
        for choice in (self.severities, self.tags, self.systems, self.teams):
            choice.changed.connect(self.changed)
        for optional in (self.start, self.end):
            optional.enabled.toggled.connect(lambda _: self.changed.emit())
            optional.edit.dateChanged.connect(lambda _: self.changed.emit())
        self.period.currentIndexChanged.connect(lambda _: self.changed.emit())
        self.search.currentIndexChanged.connect(lambda _: self._search_tip())
        self.search.currentIndexChanged.connect(lambda _: self.changed.emit())
        self.reset_button.clicked.connect(self.reset)

    def set_choices(
        self,
        tags: Sequence[str],
        systems: Sequence[str],
        teams: Sequence[str],
        first: date | None,
    ) -> None:
        """Offer the tags, systems and teams in use; start the date fields near the data.

        Nothing the user chose changes, so no change of scope is announced.
        """
        self.blockSignals(True)
        try:
            for button, values in (
                (self.tags, tags),
                (self.systems, systems),
                (self.teams, teams),
            ):
                button.set_values(values)
            if first is not None and not self.start.enabled.isChecked():
                self.start.edit.setDate(QDate(first.year, first.month, first.day))
        finally:
            self.blockSignals(False)

    def set_searches(self, names: Sequence[str]) -> None:
        """Offer the saved searches `names`; the one chosen stays chosen while it exists.

        When it is gone (deleted or renamed elsewhere) the scope falls back to any incident,
        and that change of scope is announced.
        """
        chosen = self.saved_search()
        offered = [self.search.itemData(n) for n in range(1, self.search.count())]
        if offered == list(names):
            return
        self.search.blockSignals(True)
        try:
            self.search.clear()
            self.search.addItem(ANY_SEARCH, "")
            for name in names:
                self.search.add_name(name, name)
            index = self.search.findData(chosen) if chosen else 0
            self.search.setCurrentIndex(max(index, 0))
        finally:
            self.search.blockSignals(False)
        self._search_tip()
        if chosen and self.saved_search() != chosen:
            self.searchGone.emit(chosen)
            self.changed.emit()

    def _search_tip(self) -> None:
        name = self.saved_search()
        self.search.setToolTip(f"{name}\n{SEARCH_TIP}" if name else SEARCH_TIP)

    def saved_search(self) -> str:
        """The name of the saved search chosen, or '' for any incident."""
        return str(self.search.currentData() or "")

    def choose_search(self, name: str) -> bool:
        """Choose the saved search `name` (False when it is not offered)."""
        index = self.search.findData(name)
        if index < 0:
            return False
        self.search.setCurrentIndex(index)
        return True

    def scope(self) -> Scope:
        """The scope the controls describe."""
        return Scope(
            start=self.start.date_value(),
            end=self.end.date_value(),
            severities=frozenset(Severity(s) for s in self.severities.selected()),
            tags=self.tags.selected(),
            systems=self.systems.selected(),
            teams=self.teams.selected(),
            saved_search=self.saved_search(),
        )

    def chosen_period(self) -> Period | None:
        """Month, quarter, or None for automatic."""
        data = self.period.currentData()
        return None if data is None else Period(data)

    def reset(self) -> None:
        """Back to every incident, grouped automatically."""
        self.blockSignals(True)
        try:
            for optional in (self.start, self.end):
                optional.enabled.setChecked(False)
            for choice in (self.severities, self.tags, self.systems, self.teams):
                choice.clear()
            self.period.setCurrentIndex(0)
            self.search.setCurrentIndex(0)
        finally:
            self.blockSignals(False)
        self.changed.emit()
