"""Showing text an author wrote: always literally, never as Qt rich text, from its start, and
readable when the page is read-only.

Qt guesses whether a label's or a tooltip's text is HTML (`Qt.mightBeRichText`): a title such
as `<img src=x onerror=...>` would be drawn as a broken picture, and `<a>`, `<b>`, `<style>` or
a table would change what the reader sees. Author text goes through these helpers instead;
only Markdown rendered and sanitised on purpose (the export preview) is shown as HTML.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtGui import Qt as GuiQt
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget


def plain_tooltip(text: str) -> str:
    """A tooltip that shows `text` literally (tooltips have no text format of their own).

    Line breaks are kept and long lines wrap, so a long note makes a readable tooltip.
    """
    if not text:
        return ""
    return GuiQt.convertFromPlainText(text, Qt.WhiteSpaceMode.WhiteSpaceNormal)


def escaped(text: str) -> str:
    """`text` for a place in rich text (a label with links), with its line breaks kept."""
    return html.escape(text).replace("\n", "<br>")


def plain_label(text: str = "", parent: QWidget | None = None, *, wrap: bool = False) -> QLabel:
    """A label that shows its text literally."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    label.setText(text)
    return label


def set_line_text(field: QLineEdit, text: str) -> None:
    """Show `text` in a one-line field from its start, so a long note reads from its beginning.

    A field the user is typing in keeps its cursor: rewriting it would move it under them.
    """
    if field.text() == text:
        return
    field.setText(text)
    if not field.hasFocus():
        field.setCursorPosition(0)


# A published review's pages are read-only (ui/read_only.py): their choices disabled, and Qt
# greys disabled text to about 1.4:1 against its background. On these pages disabled text
# stays dark (about 7:1) while disabled buttons keep Qt's grey, so what cannot be pressed
# still looks so; fields that cannot be typed in are shaded, not white. A style sheet,
# not a palette: under the application's style sheet, palettes do not reach child widgets.
READABLE_WHEN_DISABLED = """
QLabel:disabled, QLineEdit:disabled, QPlainTextEdit:disabled, QTextEdit:disabled,
QAbstractSpinBox:disabled, QComboBox:disabled, QCheckBox:disabled, QRadioButton:disabled,
QGroupBox:disabled, QAbstractItemView:disabled { color: #4a5160; }
QLabel#problem:disabled { color: #a61b1b; }
QLineEdit:read-only, QPlainTextEdit[readOnly="true"], QTextEdit[readOnly="true"],
QAbstractSpinBox[readOnly="true"] { background: #f1f2f4; }
"""


def keep_readable_when_disabled(widget: QWidget) -> None:
    """Keep the text of `widget` and its children readable while they are disabled."""
    widget.setStyleSheet(READABLE_WHEN_DISABLED)
