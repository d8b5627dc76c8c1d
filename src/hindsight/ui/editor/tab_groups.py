"""A tab widget whose tabs may hold a group of tabs, so a dozen pages fit a laptop's width.

The editor has more pages than a 1366-pixel screen shows as tabs side by side; related pages
(roles and teams, impact and causes, links and pictures) share one tab with their own row of
tabs inside it. Callers keep working in pages: `setCurrentWidget(page)` brings a page to the
front through its group, and `currentWidget()` is the page on screen, never a group.

Where even the top tabs do not fit (a narrow window, or 2x on a laptop), Qt hides some behind
scroll arrows; a "Pages" button then appears at the row's end and lists every page, groups'
pages included, so each is one click away.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QMenu, QTabWidget, QToolButton, QWidget


class TabGroups(QTabWidget):
    """Top-level tabs, each one page or a group of pages under a second row of tabs."""

    pageChanged = Signal()  # the page on screen changed (a top tab or a tab within a group)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDocumentMode(True)
        self.groups: list[QTabWidget] = []
        self.currentChanged.connect(lambda _index: self.pageChanged.emit())
        self.every_page = QToolButton(self)
        self.every_page.setObjectName("everyPage")
        self.every_page.setText("Pages \N{BLACK DOWN-POINTING SMALL TRIANGLE}")
        # The triangle in the text says "a list"; Qt's own arrow would sit under the word.
        self.every_page.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0; }")
        self.every_page.setToolTip("Every page of the editor, those the tabs cannot show too")
        self.every_page.setAutoRaise(True)
        self.every_page.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.every_page.setMenu(QMenu(self.every_page))
        self.every_page.menu().aboutToShow.connect(self._list_pages)
        self.setCornerWidget(self.every_page, Qt.Corner.TopRightCorner)
        self.every_page.hide()

    def pages_menu_entries(self) -> list[tuple[str, bool]]:
        """What the Pages button lists: (text, on screen now) for every page, in tab order."""
        shown = self.currentWidget()
        return [(text, page is shown) for text, _top, _group, _inner, page in self._entries()]

    def _entries(self) -> list[tuple[str, int, QTabWidget | None, int, QWidget | None]]:
        """(text, top tab, its group or None, index within the group, page) of every page."""
        entries: list[tuple[str, int, QTabWidget | None, int, QWidget | None]] = []
        for top in range(self.count()):
            tab = super().widget(top)
            title = self.tabText(top)
            if isinstance(tab, QTabWidget) and tab in self.groups:
                group_title = _without_mnemonic(title)
                for inner in range(tab.count()):
                    text = f"{group_title}: {tab.tabText(inner)}"
                    entries.append((text, top, tab, inner, tab.widget(inner)))
            else:
                entries.append((title, top, None, -1, tab))
        return entries

    def _list_pages(self) -> None:
        menu = self.every_page.menu()
        menu.clear()
        shown = self.currentWidget()
        for text, top, group, inner, page in self._entries():
            action = menu.addAction(text)
            if page is shown:  # the page on screen, in bold (a check box would read as a to-do)
                font = action.font()
                font.setBold(True)
                action.setFont(font)
            action.triggered.connect(lambda _on=False, t=top, g=group, i=inner: self._show(t, g, i))

    def _show(self, top: int, group: QTabWidget | None, inner: int) -> None:
        if group is not None:
            group.setCurrentIndex(inner)
        self.setCurrentIndex(top)

    def _fit(self) -> None:
        # Shown while the tabs need more room than the whole row: then Qt hides some of them.
        needed = self.tabBar().sizeHint().width()
        self.every_page.setVisible(needed > self.width())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit()

    def tabInserted(self, index: int) -> None:
        super().tabInserted(index)
        self._fit()

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


def _without_mnemonic(text: str) -> str:
    """A tab's title without its Alt+letter marker (a literal & stays written &&)."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&&")
