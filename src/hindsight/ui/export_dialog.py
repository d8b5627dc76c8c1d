"""The export dialog: pick format, template, page size and file; preview; write.

It calls the same ExportService as `hindsight export`, and writes exactly the bytes it
rendered. Every render and write (the preview, a PDF, a folder of files) runs through the
window's operations runner, off the GUI thread, with progress and a Cancel button; the window
stays responsive. When the file is written, a note says where, with Open and Show in Folder.
The last format, template and folder are remembered.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, Qt, QTimer, QUrl
from PySide6.QtGui import QImage, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
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
from hindsight.export.errors import ExportCancelled
from hindsight.export.redaction import summarise
from hindsight.services.errors import HindsightError
from hindsight.services.export import PAGE_SIZES, ExportRequest, ExportService, Format, Rendered
from hindsight.services.export_process import ExportProcess, HelperExportService
from hindsight.ui import file_dialogs, messages
from hindsight.ui.export_messages import (
    CANCEL,
    EXPORT_ANYWAY,
    REDACT,
    announce_written,
    ask_pii,
)
from hindsight.ui.look import styled
from hindsight.ui.operations import Operations, Task, report_bug
from hindsight.ui.qt_helpers import place_window

__all__ = ["CANCEL", "EXPORT_ANYWAY", "REDACT", "ExportDialog", "ask_pii", "open_export"]

log = logging.getLogger(__name__)

SCOPE_INCIDENT, SCOPE_ALL = "incident", "all"


class ExportDialog(QDialog):
    """Export one incident (or all of them) to a file or a folder."""

    def __init__(
        self,
        ops: Operations,
        incident_id: int | None,
        key: str = "",
        parent: QWidget | None = None,
        *,
        settings: QSettings | None = None,
        service: ExportService | None = None,
        incident_count: int = 0,
        helper: ExportProcess | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export")
        self.setObjectName("exportDialog")
        self.ops = ops
        self.incident_id = incident_id
        self.key = key
        self.settings = settings
        # Used here only for what needs no database (templates, file names); the work
        # itself runs on a worker with a service of its own over the same workspace.
        self.service = service or ExportService(ops.workspace)
        self.incident_count = incident_count
        self.helper = helper  # the window's helper process for documents, if it has one
        self.rendered: Rendered | None = None
        self.written: list[Path] = []
        self.finished_box: QMessageBox | None = None
        self._task: Task | None = None
        self._preview_number = 0  # only the latest preview asked for is shown
        self._path_edited = False
        self._browsed: Path | None = None  # the file last chosen in the file dialog
        self._remembered_template = ""
        self._build()
        self._preview_timer = QTimer(self, singleShot=True, interval=120)
        self._preview_timer.timeout.connect(self.refresh_preview)
        self._restore_choices()
        self._choices_changed()
        place_window(self, (1100, 760))

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
        styled(self.template_help, "hint")
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
        styled(self.preview_note, "hint")

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

    def _restore_choices(self) -> None:
        if self.settings is None:
            return
        self._remembered_template = str(self.settings.value("export/template", ""))
        index = self.format.findData(str(self.settings.value("export/format", "")))
        if index >= 0:
            self.format.setCurrentIndex(index)

    def _remember_choices(self, folder: Path) -> None:
        if self.settings is not None:
            self.settings.setValue("export/folder", str(folder))
            self.settings.setValue("export/format", self.chosen_format().value)
            if self.chosen_format().uses_template:
                self.settings.setValue("export/template", str(self.template.currentData()))

    def _worker_service(self, workspace: Any) -> ExportService:
        if self.helper is not None:
            # Documents are laid out and drawn in a helper process: Qt's long calls would
            # hold the interpreter lock, and so the GUI thread, for a tenth of a second each.
            return HelperExportService(
                workspace, self.helper, clock=self.service.clock, zone=self.service.zone
            )
        return ExportService(workspace, clock=self.service.clock, zone=self.service.zone)

    def _work(
        self,
        work: Callable[[ExportService, Task], Any],
        done: Callable[[Any], None],
        what: str,
        failed: Callable[[Exception], None] | None = None,
    ) -> Task:
        """Run `work` on a worker; `done` or `failed` (default: say so) back here."""

        def delivered(result: Any) -> None:
            cancelled = task.cancelled and not isinstance(result, list)
            self._settled(task)
            if cancelled:  # asked to stop before a single document was written: write none
                self.status.setText("Cancelled; nothing was written.")
                return
            done(result)

        def refused(error: Exception) -> None:
            self._settled(task)
            if isinstance(error, ExportCancelled) or task.cancelled:
                self.status.setText("Cancelled; nothing was written.")
                return
            (failed or self._failed)(error)

        self._task = task = self.ops.run_long(
            lambda workspace, task: work(self._worker_service(workspace), task),
            delivered,
            owner=self,
            failed=refused,
            what=what,
        )
        self._set_busy(True)
        return task

    def _settled(self, task: Task) -> None:
        if self._task is task:
            self._task = None
            self._set_busy(False)

    def _set_busy(self, busy: bool) -> None:
        self.export_button.setEnabled(not busy)
        if not busy:
            self.progress.hide()

    def _failed(self, error: Exception) -> None:
        if not isinstance(error, HindsightError):
            report_bug(error, "export")
        messages.show_error(self, "Export failed", str(error))

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
            index = self.template.findData(current or self._remembered_template)
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

    def _default_folder(self) -> Path:  # a settings lookup and one stat: cheap
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
            chosen = file_dialogs.get_existing_directory(self, "Export to folder", self.path.text())
        else:
            fmt = self.chosen_format()
            chosen, _ = file_dialogs.get_save_file_name(
                self, "Export to file", self.path.text(), f"{fmt.label} (*{fmt.extension})"
            )
        if chosen:
            self.path.setText(chosen)
            self._path_edited = True
            # The file dialog asked before choosing an existing file: not asked twice.
            self._browsed = Path(chosen)

    # Preview

    def _schedule_preview(self) -> None:
        self._preview_timer.start()

    def _target_id(self) -> int | None:
        return self.incident_id if self.chosen_scope() == SCOPE_INCIDENT else None

    def refresh_preview(self) -> None:
        """Render the document as it would be written (on a worker) and show it."""
        self._preview_timer.stop()
        self.rendered = None
        self._preview_number += 1
        number = self._preview_number
        if self.to_folder():
            count = self.incident_count or len(self.service.all_incident_ids())
            self.preview.setPlainText(
                f"Each of the {count} incidents is written to its own file in the folder."
            )
            self.preview_note.setText("")
            self._show_findings([])
            return
        target, request = self._target_id(), self.request()
        self.preview_note.setText("Making the preview…")

        def show(rendered: Rendered) -> None:
            if number == self._preview_number:  # a later choice asked for another preview
                self._show_preview(rendered)

        def refused(error: Exception) -> None:
            if number != self._preview_number:
                return
            if not isinstance(error, HindsightError):
                report_bug(error, "preview the export")
            self.preview.setPlainText(f"This export cannot be made:\n\n{error}")
            self.preview_note.setText("")
            self._show_findings([])

        self.ops.run_long(
            lambda workspace, _task: self._worker_service(workspace).render(
                target, request, preview=True
            ),
            show,
            owner=self,
            failed=refused,
            what="preview the export",
        )

    def _show_preview(self, rendered: Rendered) -> None:
        self.rendered = rendered
        document = self.preview.document()
        for picture in rendered.pictures:
            image = QImage.fromData(picture.png, "PNG")  # type: ignore[arg-type]
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
        """Write the file (or the folder of files) on a worker, asking first about personal
        data."""
        if self._task is not None:
            return
        target = self.path.text().strip()
        if not target:
            messages.show_error(self, "Export", "Choose where to write the export first.")
            return
        if self.to_folder():
            self._export_folder(Path(target))
            return
        incident_id, request, path = self._target_id(), self.request(), Path(target)
        if (
            path.is_file()
            and path != self._browsed
            and not messages.confirm(
                self,
                "Replace file?",
                f"{path} exists already. Replace it with the export? (A database file is never "
                "replaced.)",
                "Replace",
            )
        ):
            self.status.setText("Nothing was written.")
            return
        self.progress.setRange(0, 0)  # busy: one document has no steps to count
        self.progress.show()
        self.status.setText("Making the document…")

        def rendered(result: Rendered) -> None:
            if result.findings and not request.redact_pii:
                choice = ask_pii(self, result.findings)
                if choice == CANCEL:
                    self.status.setText("Nothing was written.")
                    return
                if choice == REDACT:
                    redacted = ExportRequest(
                        request.format, request.template, request.page_size, redact_pii=True
                    )
                    self._work(
                        lambda service, _t: service.write(
                            service.render(incident_id, redacted), path
                        ),
                        lambda written: self._written([written], written.parent),
                        "write the export",
                    )
                    return
            self._work(
                lambda service, _t: service.write(result, path),
                lambda written: self._written([written], written.parent),
                "write the export",
            )

        def refused(error: Exception) -> None:
            self.status.setText("")
            self._failed(error)

        self._work(
            lambda service, task: service.render(
                incident_id, request, cancelled=lambda: task.cancelled
            ),
            rendered,
            "make the export",
            refused,
        )

    def _export_folder(self, folder: Path) -> None:
        request = self.request()
        total = self.incident_count or len(self.service.all_incident_ids())
        self.progress.setRange(0, total)
        self.progress.setValue(0)
        self.progress.show()
        self.status.setText(f"Exporting {total} incidents…")

        def work(service: ExportService, task: Task) -> list[Path]:
            def progress(done: int, count: int, name: str) -> None:
                if not task.cancelled:  # a cancel keeps the files made so far: no raising
                    task.report(done, count, name)

            ids = service.all_incident_ids()
            return service.export_many(
                ids, request, folder, progress=progress, cancelled=lambda: task.cancelled
            )

        task = self._work(
            work, lambda written: self._folder_done(written, total, folder), "export every incident"
        )
        task.progressed.connect(self._progressed)

    def _progressed(self, done: int, total: int, name: str) -> None:
        self.progress.setValue(done)
        self.status.setText(f"Wrote {name} ({done} of {total})")

    def _folder_done(self, written: list[Path], total: int, folder: Path) -> None:
        self.written = list(written)
        if len(written) < total:
            self.status.setText(
                f"Cancelled: {len(written)} of {total} files were written to {folder}."
            )
            return
        self._written(written, folder)

    def _written(self, paths: list[Path], folder: Path) -> None:
        self.written = list(paths)
        self._remember_choices(folder)
        self.status.setText(f"Wrote {paths[0] if len(paths) == 1 else folder}")
        self.finished_box = announce_written(self.parentWidget(), paths, folder)
        self.accept()

    def busy(self) -> bool:
        """True while a document is being made or files written on a worker."""
        return self._task is not None

    def cancel(self) -> None:
        """Stop a running export (files already whole stay), or close the dialog."""
        if self._task is not None:
            self._task.cancel()
            self.status.setText("Cancelling after the current file…")
            return
        self.reject()

    def reject(self) -> None:
        if self.busy():
            self.cancel()
            return
        super().reject()


def open_export(window: Any) -> ExportDialog | None:
    """File ▸ Export… from the main window: the open incident, or all incidents."""
    if window.has_editor and window.editor.dirty:
        # The document is made from what is stored: save first, then ask again.
        window.editor.save_then(lambda stored: open_export(window) if stored else None)
        return None
    incident = window.editor.incident if window.stack.currentWidget() is window.editor else None

    def show(count: int) -> None:
        if incident is None and count == 0:
            messages.show_error(window, "Export", "There is nothing to export yet.")
            return
        dialog = ExportDialog(
            window.ops,
            incident.id if incident is not None else None,
            incident.key if incident is not None else "",
            window,
            settings=window.settings,
            incident_count=count,
            helper=window.export_helper,
        )
        dialog.open()

    window.ops.run(
        lambda workspace: workspace.incidents.count(),
        show,
        owner=window,
        what="count the incidents",
    )
    return None
