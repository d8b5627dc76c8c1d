"""The panel beside the Review page that lists what still blocks publishing.

It opens when publishing is refused, keeps itself up to date while the author fixes things,
scrolls however long the list is, and closes with its button or Esc (the Review page's
shortcut). It takes the place of the section list beside the questions, so the question area
keeps its width and height.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from hindsight.services.publish_gate import Blocker
from hindsight.ui.look import styled

TARGET = Qt.ItemDataRole.UserRole


class PublishPanel(QFrame):
    """What blocks publishing, grouped by area; click (or Enter) an item to go to it."""

    targetChosen = Signal(str)
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("publishPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = QLabel()
        self.title.setObjectName("publishPanelTitle")
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.close_button = QToolButton()
        self.close_button.setText("✕")
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip("Close this list (Esc)")
        self.close_button.setAccessibleName("Close the list of what blocks publishing")
        self.hint = QLabel("Click one to go to it. The list follows your changes.")
        styled(self.hint, "hint")
        self.hint.setWordWrap(True)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        self.list.setUniformItemSizes(False)
        self.list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.list.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setSpacing(2)
        heading = QHBoxLayout()
        heading.addWidget(self.title, 1)
        heading.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(heading)
        layout.addWidget(self.hint)
        layout.addWidget(self.list, 1)
        self.close_button.clicked.connect(self.close_panel)
        self.list.itemActivated.connect(self._activated)
        self.list.itemClicked.connect(self._activated)
        self.blockers: list[Blocker] = []

    def show_blockers(self, blockers: list[Blocker]) -> None:
        """List `blockers` (empty: say that nothing blocks publishing any more)."""
        self.blockers = list(blockers)
        current = self.list.currentItem()
        keep = current.data(TARGET) if current is not None else None
        self.list.clear()
        count = len(blockers)
        if count:
            noun = "thing" if count == 1 else "things"
            self.title.setText(f"Not published yet: {count} {noun} to settle")
            self.hint.setText("Click one to go to it. The list follows your changes.")
        else:
            self.title.setText("✓ Nothing blocks publishing now")
            self.hint.setText("Publish when you are ready.")
        area = None
        for blocker in blockers:
            if blocker.area != area:
                area = blocker.area
                heading = QListWidgetItem(area)
                heading.setFlags(Qt.ItemFlag.NoItemFlags)
                font = heading.font()
                font.setBold(True)
                heading.setFont(font)
                self.list.addItem(heading)
            item = QListWidgetItem(blocker.message)
            item.setData(TARGET, blocker.target)
            if not blocker.target:
                item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.list.addItem(item)
            if keep and blocker.target == keep:
                self.list.setCurrentItem(item)

    def messages(self) -> list[str]:
        """The listed blockers' texts (headings left out)."""
        return [b.message for b in self.blockers]

    def close_panel(self) -> None:
        """Close the panel (the page puts the section list back); publishing again opens it."""
        self.closed.emit()

    def _activated(self, item: QListWidgetItem) -> None:
        target = item.data(TARGET)
        if target:
            self.targetChosen.emit(str(target))
