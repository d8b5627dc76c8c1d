"""Read-only pages and dialogs that can still be read: scrolled, selected, copied, opened.

A published review cannot be changed until someone reopens it. Disabling its pages did
that, but a disabled widget takes no input at all: its scroll bars stopped, so whatever lay
below the fold or right of the table's edge could not be reached, and no text could be
selected or copied. `set_read_only` instead makes each input of a page read-only (text stays
selectable), turns off what changes things (buttons, boxes to tick, lists to pick from) and
leaves everything that only shows (scroll areas, tables, tabs) working.

Only what this module changed is changed back: a widget disabled or read-only for a reason of
its own stays so when the page becomes editable again. A widget with a `set_read_only(bool)`
method of its own (a table of records whose Edit button becomes View) is told, and its
children are left to it (such a method must not hand its own widget back to this module).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollBar,
    QTabBar,
    QTextBrowser,
    QTextEdit,
    QWidget,
)

from hindsight.ui.author_text import keep_readable_when_disabled

# Dynamic properties marking what this module changed, so that only that is changed back.
_ROOT = "hindsightReadOnlyRoot"  # a page or dialog this module made read-only
_MADE_READ_ONLY = "hindsightMadeReadOnly"
_WAS_ENABLED = "hindsightWasEnabled"  # a switched-off control's own state before
_HELD = "hindsightHeldToggles"
_UNTICKABLE_ROLE = Qt.ItemDataRole.UserRole + 0x7A11  # a list item this module made so
_TRIGGERS = "hindsightEditTriggers"

# Parts of widgets that only show or move about: left alone.
_LEFT_ALONE = (QScrollBar, QTabBar, QTextBrowser, QDialogButtonBox)


def set_read_only(root: QWidget, read_only: bool) -> None:
    """Make the inputs inside `root` read-only (or editable again), keeping it readable."""
    if not read_only and not root.property(_ROOT):
        # Never made read-only: nothing to change back, and no walk over its children (for
        # children Qt made, PySide6 looks through every widget class to name their type).
        return
    root.setProperty(_ROOT, read_only)
    _visit(root, read_only)


def _visit(widget: QWidget, read_only: bool) -> None:
    own = getattr(widget, "set_read_only", None)
    if callable(own):
        own(read_only)
        return
    if isinstance(widget, _LEFT_ALONE):
        return
    _apply(widget, read_only)
    for child in widget.children():
        if isinstance(child, QWidget) and not child.isWindow():
            _visit(child, read_only)


def _apply(widget: QWidget, read_only: bool) -> None:
    if isinstance(widget, (QLineEdit, QPlainTextEdit, QTextEdit, QAbstractSpinBox)):
        _read_only_input(widget, read_only)
    elif isinstance(widget, (QAbstractButton, QComboBox, QAbstractSlider)):
        _switch_off(widget, read_only)
    elif isinstance(widget, QAbstractItemView):
        _no_editing(widget, read_only)
    elif isinstance(widget, QGroupBox) and widget.isCheckable():
        _no_toggling(widget, read_only)


def _read_only_input(
    widget: QLineEdit | QPlainTextEdit | QTextEdit | QAbstractSpinBox, read_only: bool
) -> None:
    if read_only and not widget.isReadOnly():
        widget.setReadOnly(True)
        widget.setProperty(_MADE_READ_ONLY, True)
    elif not read_only and widget.property(_MADE_READ_ONLY):
        widget.setReadOnly(False)
        widget.setProperty(_MADE_READ_ONLY, False)
    else:
        return
    # The style's :read-only look follows the property only once repolished.
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def _switch_off(widget: QWidget, read_only: bool) -> None:
    if read_only:
        if widget.property(_WAS_ENABLED) is None:
            parent = widget.parentWidget()
            was = widget.isEnabledTo(parent) if parent is not None else widget.isEnabled()
            widget.setProperty(_WAS_ENABLED, was)
        widget.setEnabled(False)  # again each time: a page may have switched it on since
    elif widget.property(_WAS_ENABLED) is not None:
        widget.setEnabled(bool(widget.property(_WAS_ENABLED)))
        widget.setProperty(_WAS_ENABLED, None)


def _no_toggling(box: QGroupBox, read_only: bool) -> None:
    # A group box's own check box (a milestone recorded or not) cannot be switched off alone
    # without disabling what is inside it; its clicks and key presses are held back instead.
    if read_only and not box.property(_HELD):
        box.installEventFilter(_HOLD_TOGGLES)
        box.setProperty(_HELD, True)
    elif not read_only and box.property(_HELD):
        box.removeEventFilter(_HOLD_TOGGLES)
        box.setProperty(_HELD, False)


class _HoldToggles(QObject):
    """Swallows what would tick or untick a checkable group box."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (
            QEvent.Type.MouseButtonPress,
            QEvent.Type.MouseButtonRelease,
            QEvent.Type.MouseButtonDblClick,
        ):
            return True
        if kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            key = event.key()  # type: ignore[attr-defined]
            return bool(key in (Qt.Key.Key_Space, Qt.Key.Key_Select))
        return False


_HOLD_TOGGLES = _HoldToggles()


def _no_editing(view: QAbstractItemView, read_only: bool) -> None:
    if read_only and view.property(_TRIGGERS) is None:
        view.setProperty(_TRIGGERS, int(view.editTriggers().value))
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    elif not read_only and view.property(_TRIGGERS) is not None:
        view.setEditTriggers(QAbstractItemView.EditTrigger(view.property(_TRIGGERS)))
        view.setProperty(_TRIGGERS, None)
    if isinstance(view, QListWidget):
        _no_ticking(view, [view.item(row) for row in range(view.count())], read_only)


def _no_ticking(view: QListWidget, items: list[QListWidgetItem], read_only: bool) -> None:
    # An item's box is ticked by a click whatever the edit triggers say: while read-only the
    # items cannot be ticked (their ticks still show), and only those made so change back.
    checkable = Qt.ItemFlag.ItemIsUserCheckable
    blocked = view.blockSignals(True)  # a flag is no answer changed: nothing to store
    try:
        for item in items:
            if read_only and item.flags() & checkable:
                item.setFlags(item.flags() & ~checkable)
                item.setData(_UNTICKABLE_ROLE, True)
            elif not read_only and item.data(_UNTICKABLE_ROLE):
                item.setFlags(item.flags() | checkable)
                item.setData(_UNTICKABLE_ROLE, None)
    finally:
        view.blockSignals(blocked)


def view_only(dialog: QDialog) -> None:
    """Turn an editing dialog into one that shows its record: inputs read-only, only Close."""
    set_read_only(dialog, True)
    if not dialog.styleSheet():
        keep_readable_when_disabled(dialog)  # its ticks and choices greyed, still legible
    for box in dialog.findChildren(QDialogButtonBox):
        for button in box.buttons():
            role = box.buttonRole(button)
            if role is QDialogButtonBox.ButtonRole.RejectRole:
                button.setText("Close")
                if isinstance(button, QPushButton):
                    button.setDefault(True)  # Return closes it, as Escape does
            elif role is not QDialogButtonBox.ButtonRole.HelpRole:
                button.hide()  # OK, Apply, Reset ...: there is nothing to store
