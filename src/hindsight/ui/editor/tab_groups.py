"""A tab widget whose tabs may hold a group of tabs, so a dozen pages fit a laptop's width.

The editor has more pages than a 1366-pixel screen shows as tabs side by side; related pages
(roles and teams, impact and causes, links and pictures) share one tab with their own row of
tabs inside it. Callers keep working in pages: `setCurrentWidget(page)` brings a page to the
front through its group, and `currentWidget()` is the page on screen, never a group.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QTabWidget, QWidget


class TabGroups(QTabWidget):
    """Top-level tabs, each one page or a group of pages under a second row of tabs."""

    pageChanged = Signal()  # the page on screen changed (a top tab or a tab within a group)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDocumentMode(True)
        self.groups: list[QTabWidget] = []
        self.currentChanged.connect(lambda _index: self.pageChanged.emit())

    def add_group(self, title: str, pages: Sequence[tuple[QWidget, str]]) -> None:
        """Add a top tab `title` over `pages` ((page, tab title) pairs); one page stands alone."""
        if len(pages) == 1:
            self.addTab(pages[0][0], title)
            return
        group = QTabWidget()
        group.setObjectName("tabGroup")
        group.setDocumentMode(True)
        for page, page_title in pages:
            group.addTab(page, page_title)
        group.currentChanged.connect(lambda _index: self.pageChanged.emit())
        self.groups.append(group)
        self.addTab(group, title)

    def holder_of(self, page: QWidget) -> QTabWidget | None:
        """The tab widget `page` is a tab of: this one, a group, or None."""
        if super().indexOf(page) >= 0:
            return self
        for group in self.groups:
            if group.indexOf(page) >= 0:
                return group
        return None

    def replace(self, old: QWidget, new: QWidget, title: str) -> None:
        """Put `new` where `old` is, under `title`, without moving what is on screen."""
        holder = self.holder_of(old)
        if holder is None:
            raise ValueError("not a page of these tabs")
        tabs: QTabWidget = holder
        index = QTabWidget.indexOf(tabs, old)
        current = QTabWidget.currentIndex(tabs)
        tabs.blockSignals(True)
        try:
            tabs.removeTab(index)
            tabs.insertTab(index, new, title)
            tabs.setCurrentIndex(current)
        finally:
            tabs.blockSignals(False)

    def setCurrentWidget(self, widget: QWidget) -> None:  # type: ignore[override]
        """Bring `widget` to the front: a top tab, or a page within its group."""
        holder = self.holder_of(widget)
        if holder is None or holder is self:
            super().setCurrentWidget(widget)
            return
        holder.setCurrentWidget(widget)
        super().setCurrentWidget(holder)

    def currentWidget(self) -> QWidget:
        """The page on screen (within its group when the top tab is a group)."""
        shown = super().currentWidget()
        if isinstance(shown, QTabWidget) and shown in self.groups:
            return shown.currentWidget()
        return shown

    def indexOf(self, widget: QWidget) -> int:  # type: ignore[override]
        """The top tab showing `widget`, itself or through its group; -1 when none does."""
        holder = self.holder_of(widget)
        if holder is None:
            return -1
        return super().indexOf(widget if holder is self else holder)
