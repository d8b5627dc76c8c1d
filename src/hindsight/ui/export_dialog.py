"""The export dialog: pick format, template, page size and file; preview; write.

It calls the same ExportService as `hindsight export`, and writes exactly the bytes it
rendered. Exporting every incident to a folder runs on a worker thread with progress and a
Cancel button; the window stays responsive.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSettings, Qt, QThread, QTimer, QUrl, Signal
from PySide6.QtGui import QImage, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from hindsight.core.pii import Finding
from hindsight.export.errors import ExportError
from hindsight.export.redaction import summarise
from hindsight.services.errors import NotFoundError, StoreError, ValidationError
from hindsight.services.export import PAGE_SIZES, ExportRequest, ExportService, Format, Rendered
from hindsight.ui import messages

log = logging.getLogger(__name__)

EXPORT_ANYWAY, REDACT, CANCEL = "export", "redact", "cancel"
SCOPE_INCIDENT, SCOPE_ALL = "incident", "all"
USER_ERRORS = (ExportError, StoreError, ValidationError, NotFoundError, OSError)


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


class ExportWorker(QObject):
    """Writes one file per incident into a folder, off the GUI thread."""

    progressed = Signal(int, int, str)
    finished = Signal(list)
    failed = Signal(str)

    def __init__(
        self, service: ExportService, ids: list[int], request: ExportRequest, folder: Path
    ) -> None:
        super().__init__()
        self.service = service
        self.ids = ids
        self.request = request
        self.folder = folder
        self.cancel_event = threading.Event()

    def run(self) -> None:
        """Export every incident (the thread's started signal calls this)."""
        try:
            written = self.service.export_many(
                self.ids,
                self.request,
                self.folder,
                progress=lambda done, total, name: self.progressed.emit(done, total, name),
                cancelled=self.cancel_event.is_set,
            )
        except USER_ERRORS as error:
            self.failed.emit(str(error))
        except Exception as error:  # a bug: keep the traceback, tell the user, keep running
            log.exception("exporting many incidents failed")
            self.failed.emit(f"Hindsight hit an internal error: {error}. Details are in the log.")
        else:
            self.finished.emit(written)


class ExportDialog(QDialog):
    """Export one incident (or all of them) to a file or a folder."""

    def __init__(
        self,
        workspace: Any,
        incident_id: int | None,
        parent: QWidget | None = None,
        *,
        settings: QSettings | None = None,
        service: ExportService | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export")
        self.setObjectName("exportDialog")
        self.workspace = workspace
        self.incident_id = incident_id
        self.settings = settings
        self.service = service or ExportService(workspace)
        self.key = workspace.incidents.get(incident_id).key if incident_id is not None else ""
        self.rendered: Rendered | None = None
        self.written: list[Path] = []
        self._thread: QThread | None = None
        self._worker: ExportWorker | None = None
        self._path_edited = False
        self._build()
        self._preview_timer = QTimer(self, singleShot=True, interval=120)
        self._preview_timer.timeout.connect(self.refresh_preview)
        self._choices_changed()
        self.resize(1100, 760)

    # Construction

    def _build(self) -> None:
        self.scope = QComboBox()
        if self.incident_id is not None:
            self.scope.addItem(f"This incident ({self.key})", SCOPE_INCIDENT)
        self.scope.addItem("All incidents", SCOPE_ALL)
        self.format = QComboBox()
        for fmt in Format:
            self.format.addItem(fmt.label, fmt.value)
        self.template = QComboBox()
        self.page_size = QComboBox()
        for size in PAGE_SIZES:
            self.page_size.addItem(size, size)
        self.redact = QCheckBox("Redact personal data in the exported file (the record stays)")
        self.path = QLineEdit()
        self.path.setPlaceholderText("Where to write the file")
        self.path.textEdited.connect(self._path_was_edited)
        browse = QPushButton("Browse…")
        browse.clicked.connect(self.browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)

        form = QFormLayout()
        form.addRow("Export:", self.scope)
        form.addRow("Format:", self.format)
        form.addRow("Template:", self.template)
        form.addRow("Page size:", self.page_size)
        form.addRow("", self.redact)
        form.addRow("Save to:", path_row)
        self.template_help = QLabel()
        self.template_help.setWordWrap(True)
        self.template_help.setObjectName("hint")
        form.addRow("", self.template_help)

        self.pii_label = QLabel()
        self.pii_label.setObjectName("piiWarning")
        self.pii_label.setWordWrap(True)
        self.pii_label.setStyleSheet(
            "QLabel#piiWarning { background: #fff4d6; border: 1px solid #e6c35c;"
            " border-radius: 4px; padding: 6px; color: #5c4400; }"
        )
        self.pii_label.hide()

        self.preview = QTextBrowser()
        self.preview.setObjectName("exportPreview")
        self.preview.setOpenLinks(False)
        self.preview.setOpenExternalLinks(False)
        self.preview_note = QLabel()
        self.preview_note.setObjectName("hint")

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(form)
        left_layout.addWidget(self.pii_label)
        left_layout.addStretch(1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(QLabel("<b>Preview</b>"))
        right_layout.addWidget(self.preview, 1)
        right_layout.addWidget(self.preview_note)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([400, 700])

        self.progress = QProgressBar()
        self.progress.hide()
        self.status = QLabel()
        self.buttons = QDialogButtonBox()
        self.export_button = self.buttons.addButton(
            "Export", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.export_button.setDefault(True)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.export_button.clicked.connect(self.export)
        self.cancel_button.clicked.connect(self.cancel)

        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.progress)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.buttons)
        layout.addLayout(bottom)

        self.scope.currentIndexChanged.connect(self._choices_changed)
        self.format.currentIndexChanged.connect(self._choices_changed)
        self.template.currentIndexChanged.connect(self._template_changed)
        self.page_size.currentIndexChanged.connect(self._schedule_preview)
        self.redact.toggled.connect(self._schedule_preview)

    # Choices

    def chosen_format(self) -> Format:
        """The format picked."""
        return Format(self.format.currentData())

    def chosen_scope(self) -> str:
        """SCOPE_INCIDENT or SCOPE_ALL."""
        return str(self.scope.currentData())

    def request(self, *, redact: bool | None = None) -> ExportRequest:
        """The export the dialog describes now."""
        return ExportRequest(
            self.chosen_format(),
            str(self.template.currentData() or "full-review"),
            str(self.page_size.currentData()),
            self.redact.isChecked() if redact is None else redact,
        )

    def to_folder(self) -> bool:
        """True when every incident goes into its own file in a folder."""
        if self.chosen_scope() != SCOPE_ALL:
            return False
        if self.chosen_format() is Format.JSON:
            return True
        info = next(
            (t for t in self.service.templates() if t.name == self.template.currentData()), None
        )
        return info is None or "all" not in info.scopes

    def _choices_changed(self) -> None:
        fmt = self.chosen_format()
        current = self.template.currentData()
        self.template.blockSignals(True)
        self.template.clear()
        if fmt.uses_template:
            # Templates for this format; with "All incidents", per-incident ones go to a folder.
            for info in self.service.templates(fmt, SCOPE_INCIDENT) + [
                t for t in self.service.templates(fmt, SCOPE_ALL) if "incident" not in t.scopes
            ]:
                label = f"{info.title} (yours)" if info.user else info.title
                self.template.addItem(label, info.name)
                self.template.setItemData(
                    self.template.count() - 1, info.description, Qt.ItemDataRole.ToolTipRole
                )
            index = self.template.findData(current)
            self.template.setCurrentIndex(max(index, 0))
        self.template.blockSignals(False)
        self.template.setEnabled(fmt.uses_template)
        self.page_size.setEnabled(fmt is Format.PDF)
        self._template_changed()

    def _template_changed(self) -> None:
        info = next(
            (t for t in self.service.templates() if t.name == self.template.currentData()), None
        )
        fmt = self.chosen_format()
        if not fmt.uses_template:
            self.template_help.setText(
                "JSON holds everything about the incident; another Hindsight can import it."
            )
        else:
            self.template_help.setText(info.description if info else "")
        self._suggest_path()
        self._schedule_preview()

    def _path_was_edited(self) -> None:
        self._path_edited = True

    def _default_folder(self) -> Path:
        stored = self.settings.value("export/folder") if self.settings is not None else None
        folder = Path(str(stored)) if stored else Path.home()
        return folder if folder.is_dir() else Path.home()

    def _suggest_path(self) -> None:
        if self._path_edited and self.path.text():
            current = Path(self.path.text())
            folder = current if self.to_folder() and current.suffix == "" else current.parent
        else:
            folder = self._default_folder()
        if self.to_folder():
            self.path.setText(str(folder if folder.suffix == "" else folder.parent))
            return
        key = self.key if self.chosen_scope() == SCOPE_INCIDENT else None
        self.path.setText(str(folder / self.service.file_name(key, self.request())))

    def browse(self) -> None:
        """Ask where to write (a folder when exporting every incident to its own file)."""
        if self.to_folder():
            chosen = QFileDialog.getExistingDirectory(self, "Export to folder", self.path.text())
        else:
            fmt = self.chosen_format()
            chosen, _ = QFileDialog.getSaveFileName(
                self, "Export to file", self.path.text(), f"{fmt.label} (*{fmt.extension})"
            )
        if chosen:
            self.path.setText(chosen)
            self._path_edited = True

    # Preview

    def _schedule_preview(self) -> None:
        self._preview_timer.start()

    def _target_id(self) -> int | None:
        return self.incident_id if self.chosen_scope() == SCOPE_INCIDENT else None

    def refresh_preview(self) -> None:
        """Render the document as it would be written and show it."""
        self._preview_timer.stop()
        self.rendered = None
        if self.to_folder():
            count = len(self.service.all_incident_ids())
            self.preview.setPlainText(
                f"Each of the {count} incidents is written to its own file in the folder."
            )
            self.preview_note.setText("")
            self._show_findings([])
            return
        try:
            rendered = self.service.render(self._target_id(), self.request(), preview=True)
        except USER_ERRORS as error:
            self.preview.setPlainText(f"This export cannot be made:\n\n{error}")
            self.preview_note.setText("")
            self._show_findings([])
            return
        self.rendered = rendered
        document = self.preview.document()
        for picture in rendered.pictures:
            image = QImage.fromData(picture.png, "PNG")
            document.addResource(
                QTextDocument.ResourceType.ImageResource, QUrl(picture.data_uri), image
            )
        if rendered.preview_html:
            self.preview.setHtml(rendered.preview_html)
            self.preview_note.setText(
                "The PDF is laid out from this, on pages with numbers."
                if rendered.request.format is Format.PDF
                else "Shown with simpler styling than a browser uses."
            )
        else:
            self.preview.setPlainText(rendered.text)
            self.preview_note.setText(f"{rendered.request.format.label} text, as it is written.")
        self._show_findings(rendered.findings)

    def _show_findings(self, findings: list[Finding]) -> None:
        if not findings:
            self.pii_label.hide()
            return
        verb = "will be redacted" if self.redact.isChecked() else "would be exported as it is"
        examples = "\n".join(f"• {f.where}: {f.snippet}" for f in findings[:4])
        self.pii_label.setText(
            f"⚠ Personal data found ({summarise(findings)}); it {verb}.\n{examples}"
        )
        self.pii_label.show()

    # Exporting

    def export(self) -> None:
        """Write the file (or the folder of files), asking first about personal data."""
        target = self.path.text().strip()
        if not target:
            messages.show_error(self, "Export", "Choose where to write the export first.")
            return
        if self.to_folder():
            self._export_folder(Path(target))
            return
        request = self.request()
        try:
            rendered = self.service.render(self._target_id(), request)
            if rendered.findings and not request.redact_pii:
                choice = ask_pii(self, rendered.findings)
                if choice == CANCEL:
                    return
                if choice == REDACT:
                    rendered = self.service.render(self._target_id(), self.request(redact=True))
            written = self.service.write(rendered, Path(target))
        except USER_ERRORS as error:
            messages.show_error(self, "Export failed", str(error))
            return
        self._remember_folder(written.parent)
        self.written = [written]
        self.status.setText(f"Wrote {written}")
        self.accept()

    def _export_folder(self, folder: Path) -> None:
        ids = self.service.all_incident_ids()
        worker = ExportWorker(self.service, ids, self.request(), folder)
        thread = QThread(self)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.progressed.connect(self._progressed)
        worker.finished.connect(self._folder_done)
        worker.failed.connect(self._folder_failed)
        worker.finished.connect(thread.quit)
        worker.failed.connect(thread.quit)
        self._worker, self._thread = worker, thread
        self.progress.setRange(0, len(ids))
        self.progress.setValue(0)
        self.progress.show()
        self.export_button.setEnabled(False)
        self.status.setText(f"Exporting {len(ids)} incidents…")
        thread.start()

    def _progressed(self, done: int, total: int, name: str) -> None:
        self.progress.setValue(done)
        self.status.setText(f"Wrote {name} ({done} of {total})")

    def _folder_done(self, written: list[Path]) -> None:
        self._finish_thread()
        self.written = list(written)
        total = self.progress.maximum()
        if len(written) < total:
            self.status.setText(
                f"Cancelled: {len(written)} of {total} files were written to {self.path.text()}."
            )
            self.export_button.setEnabled(True)
            return
        if written:
            self._remember_folder(Path(written[0]).parent)
        self.status.setText(f"Wrote {len(written)} files to {self.path.text()}")
        self.accept()

    def _folder_failed(self, message: str) -> None:
        self._finish_thread()
        self.export_button.setEnabled(True)
        self.progress.hide()
        messages.show_error(self, "Export failed", message)

    def _finish_thread(self) -> None:
        if self._thread is not None:
            self._thread.quit()
            self._thread.wait()
        self._thread, self._worker = None, None

    def busy(self) -> bool:
        """True while files are being written on the worker thread."""
        return self._thread is not None

    def cancel(self) -> None:
        """Stop a running export after the current file, or close the dialog."""
        if self._worker is not None:
            self._worker.cancel_event.set()
            self.status.setText("Cancelling after the current file…")
            return
        self.reject()

    def reject(self) -> None:
        if self.busy():
            self.cancel()
            return
        super().reject()

    def _remember_folder(self, folder: Path) -> None:
        if self.settings is not None:
            self.settings.setValue("export/folder", str(folder))


def open_export(window: Any) -> ExportDialog | None:
    """File ▸ Export… from the main window: the open incident, or all incidents."""
    if window.has_editor and window.editor.dirty:
        # The document is made from what is stored: save first, then ask again.
        window.editor.save_then(lambda stored: open_export(window) if stored else None)
        return None
    incident_id = getattr(window, "_shown_id", None)
    if incident_id is None and window.workspace.incidents.count() == 0:
        messages.show_error(window, "Export", "There is nothing to export yet.")
        return None
    dialog = ExportDialog(window.workspace, incident_id, window, settings=window.settings)
    dialog.open()
    return dialog
