"""One-line fields that stay on one line, and say when they are full.

A title pasted with a line break and a tab was kept as it was: the editor's heading showed it
on two lines, the list ran its words together, and the field showed spaces where the record
had something else. And a field with a length limit dropped what went past it without a word.
"""

from __future__ import annotations

import re

from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QLineEdit, QToolTip

# Line breaks of every kind, tabs and the other controls that space text out: one space each run.
_SPACING = re.compile(r"[\t\n\v\f\r\x1c-\x1f\x85\u2028\u2029]+")
_NO_LIMIT = 32767  # QLineEdit's own maximum length: no limit set


class _OneLine(QValidator):
    """Turns each run of line breaks or tabs typed or pasted into the field into one space."""

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:  # type: ignore[override]
        if not _SPACING.search(text):
            return QValidator.State.Acceptable, text, pos
        before = _SPACING.sub(" ", text[:pos])
        return QValidator.State.Acceptable, _SPACING.sub(" ", text), len(before)


def one_line(edit: QLineEdit, what: str) -> None:
    """Keep `edit` on one line; when it is full, say so (`what`: "The title", "Tags" ...)."""
    edit.setValidator(_OneLine(edit))

    def full(text: str) -> None:
        limit = edit.maxLength()
        if limit < _NO_LIMIT and len(text) >= limit:
            QToolTip.showText(
                edit.mapToGlobal(edit.rect().bottomLeft()),
                f"{what} holds at most {limit} characters; what went past that was not taken.",
                edit,
            )

    edit.textEdited.connect(full)
