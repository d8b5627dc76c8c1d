"""What the export dialog asks and tells: personal data found, and where the export went."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget

from hindsight.core.pii import Finding
from hindsight.export.redaction import summarise

EXPORT_ANYWAY, REDACT, CANCEL = "export", "redact", "cancel"


def ask_pii(parent: QWidget | None, findings: list[Finding]) -> str:
    """Ask what to do about personal data found: EXPORT_ANYWAY, REDACT or CANCEL."""
    lines = "\n".join(f"• {f.where}: {f.snippet}" for f in findings[:8])
    more = f"\n… and {len(findings) - 8} more." if len(findings) > 8 else ""
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "Personal data in the export",
        f"The text to export holds what looks like personal data ({summarise(findings)}).\n\n"
        f"{lines}{more}\n\nRedacting replaces it with placeholders in the exported file "
        "only; the incident in Hindsight stays as it is.",
        parent=parent,
    )
    redact = box.addButton("Redact in File", QMessageBox.ButtonRole.AcceptRole)
    anyway = box.addButton("Export Anyway", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(redact)
    box.exec()
    clicked = box.clickedButton()
    if clicked is redact:
        return REDACT
    return EXPORT_ANYWAY if clicked is anyway else CANCEL


def announce_written(parent: QWidget | None, paths: list[Path], folder: Path) -> QMessageBox:
    """Say where the export went, with Open (a single file) and Show in Folder.

    The box is not modal-blocking (open(), not exec()): the window goes on working.
    """
    if len(paths) == 1:
        text = f"The export was written to\n{paths[0]}"
    else:
        text = f"{len(paths)} files were written to\n{folder}"
    box = QMessageBox(QMessageBox.Icon.Information, "Export finished", text, parent=parent)
    box.setObjectName("exportFinished")
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if len(paths) == 1:
        open_file = box.addButton("Open", QMessageBox.ButtonRole.ActionRole)
        open_file.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(paths[0])))
        )
    show = box.addButton("Show in Folder", QMessageBox.ButtonRole.ActionRole)
    show.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder))))
    box.addButton(QMessageBox.StandardButton.Close)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
