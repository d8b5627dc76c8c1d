"""What a user sees in a widget tree: texts as Qt renders them, and the state of each control.

Two helpers for tests that walk whole tabs rather than single fields:

- `seen_texts(root)` lists every text a widget under `root` shows or would show (labels,
  fields, table cells, list items, tooltips, tab titles ...), each as the user reads it: rich
  text is rendered to its plain reading the way Qt decides to, so `<b>x</b>` shown as rich text
  reads `x` while shown as plain text it reads `<b>x</b>`.
- `visible_state(root)` records, for each widget the user can see under `root`, what it shows
  and whether it is ticked, chosen or enabled; two views of the same record compare equal.
"""

from __future__ import annotations

from collections.abc import Iterator

from PySide6.QtCore import QCoreApplication, QEvent, Qt
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QProgressBar,
    QScrollBar,
    QTableWidget,
    QTabWidget,
    QTextEdit,
    QWidget,
)


def as_read(text: str, text_format: Qt.TextFormat = Qt.TextFormat.AutoText) -> str:
    """`text` as the user reads it once Qt has rendered it in `text_format`."""
    rich = text_format is Qt.TextFormat.RichText or (
        text_format is Qt.TextFormat.AutoText and GuiQt.mightBeRichText(text)
    )
    if not rich:
        return text
    document = QTextDocument()
    document.setHtml(text)
    return document.toPlainText()


def tooltip_read(text: str) -> str:
    """A tooltip as shown (QToolTip decides between rich and plain text by itself)."""
    return as_read(text) if text else ""


def flush_deletions() -> None:
    """Delete widgets scheduled with deleteLater, so a walk sees only what is still shown."""
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def _widgets(root: QWidget) -> Iterator[QWidget]:
    yield root
    yield from root.findChildren(QWidget)


def _table_texts(table: QTableWidget) -> Iterator[str]:
    for column in range(table.columnCount()):
        header = table.horizontalHeaderItem(column)
        if header is not None:
            yield header.text()
    for row in range(table.rowCount()):
        for column in range(table.columnCount()):
            item = table.item(row, column)
            if item is not None:
                yield item.text()
                yield tooltip_read(item.toolTip())


def widget_texts(widget: QWidget) -> Iterator[str]:
    """The texts one widget shows (not those of its children)."""
    yield tooltip_read(widget.toolTip())
    if isinstance(widget, QLabel):
        yield as_read(widget.text(), widget.textFormat())
    elif isinstance(widget, QLineEdit):
        yield widget.text()
    elif isinstance(widget, QPlainTextEdit | QTextEdit):
        yield widget.toPlainText()
    elif isinstance(widget, QAbstractSpinBox):
        yield widget.text()
    elif isinstance(widget, QComboBox):
        yield widget.currentText()
        for index in range(widget.count()):
            yield widget.itemText(index)
            yield tooltip_read(str(widget.itemData(index, Qt.ItemDataRole.ToolTipRole) or ""))
    elif isinstance(widget, QGroupBox):
        yield widget.title()
    elif isinstance(widget, (QAbstractButton, QProgressBar)):
        yield widget.text()
    elif isinstance(widget, QTabWidget):
        for index in range(widget.count()):
            yield widget.tabText(index)
            yield tooltip_read(widget.tabToolTip(index))
    elif isinstance(widget, QTableWidget):
        yield from _table_texts(widget)
    elif isinstance(widget, QListWidget):
        for row in range(widget.count()):
            item = widget.item(row)
            yield item.text()
            yield tooltip_read(item.toolTip())


def seen_texts(root: QWidget) -> list[str]:
    """Every non-empty text shown anywhere under `root`, hidden pages included."""
    flush_deletions()
    return [text for widget in _widgets(root) for text in widget_texts(widget) if text]


def _state(widget: QWidget) -> tuple[object, ...]:
    checked = widget.isChecked() if isinstance(widget, QAbstractButton | QGroupBox) else None
    chosen = widget.currentIndex() if isinstance(widget, QComboBox) else None
    value = widget.value() if isinstance(widget, QProgressBar) else None
    rows = None
    if isinstance(widget, QListWidget):
        rows = tuple(
            (widget.item(row).text(), widget.item(row).checkState(), widget.item(row).isHidden())
            for row in range(widget.count())
        )
    return (
        tuple(widget_texts(widget)),
        checked,
        chosen,
        value,
        rows,
        widget.isEnabled(),
        widget.isReadOnly() if isinstance(widget, QLineEdit | QPlainTextEdit) else None,
    )


def _is_scrolling(widget: QWidget) -> bool:
    node: QWidget | None = widget
    while node is not None:
        if isinstance(node, QScrollBar) or node.objectName().startswith("qt_scrollarea_"):
            return True
        node = node.parentWidget()
    return False


def visible_state(root: QWidget) -> list[tuple[str, tuple[object, ...]]]:
    """(path, state) of every widget under `root` that is visible when `root` is shown."""
    flush_deletions()
    found = []
    for widget in _widgets(root):
        if widget is not root and not widget.isVisibleTo(root):
            continue
        if _is_scrolling(widget):
            continue  # scroll bars come and go with the layout, not with the record
        path = []
        node: QWidget | None = widget
        while node is not None and node is not root:
            path.append(type(node).__name__)
            node = node.parentWidget()
        found.append(("/".join(reversed(path)), _state(widget)))
    return found
