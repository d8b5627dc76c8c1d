"""The Pictures tab: graphs and dashboard screenshots attached to the incident.

Pictures are saved apart from the incident record (each attach, caption or removal is written
at once by the attachments service, not with the record's autosave), so this is an attached
page. Files are read, checked and shrunk to thumbnails on the database lane: the GUI thread
never waits on a file, and a 10 MB picture never stalls typing elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QIcon, QImage, QPixmap, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hindsight.core.attachments import MAX_BYTES, MAX_CAPTION, Attachment
from hindsight.core.incident import Incident
from hindsight.core.review import ReviewStatus
from hindsight.services.changes import Changes
from hindsight.services.recovery import Draft, FieldValue
from hindsight.services.workspace import Workspace
from hindsight.ui import file_dialogs, messages
from hindsight.ui.author_text import plain_label
from hindsight.ui.editor.attached_page import AttachedPage
from hindsight.ui.editor.dialogs import _RecordDialog
from hindsight.ui.look import styled
from hindsight.ui.operations import Operations
from hindsight.ui.recovery import keep_drafts

THUMB = QSize(220, 150)
Fields = Mapping[str, FieldValue]
PICTURE_FILTER = "Pictures (*.png *.jpg *.jpeg);;All files (*)"
HINT = (
    "Graphs and dashboard screenshots, as PNG or JPEG of at most "
    f"{MAX_BYTES // 1024 // 1024} MB: attach them or drop the files here. They appear, with "
    "their captions, in HTML and PDF exports."
)

Shown = list[tuple[Attachment, QImage]]


def thumbnail(data: bytes) -> QImage:
    """The picture shrunk to fit a thumbnail (a null image when Qt cannot read it)."""
    image = QImage.fromData(data)
    if image.isNull():
        return image
    return image.scaled(
        THUMB, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
    )


def read_pictures(workspace: Workspace, incident_id: int) -> Shown:
    """The incident's pictures with their thumbnails (run on the database lane)."""
    return [(item, thumbnail(item.data)) for item in workspace.attachments.of_incident(incident_id)]


def size_text(size: int) -> str:
    """'2.4 MB', '310 KB'."""
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{max(1, size // 1024)} KB"


class CaptionDialog(_RecordDialog):
    """Says what a picture shows: the caption under it in documents, and its alt text."""

    def __init__(self, name: str, caption: str = "", parent: QWidget | None = None) -> None:
        super().__init__("Picture caption", parent)
        self.caption = QPlainTextEdit()
        self.caption.setPlaceholderText("What the picture shows: 'Error rate by region, 5 Aug'")
        self.caption.setFixedHeight(90)
        self.caption.setPlainText(caption)
        self.form.addRow("Picture", plain_label(name, wrap=True))
        self.form.addRow("&What it shows", self.caption)
        self.finish_layout()

    def draft_fields(self) -> dict[str, QWidget]:
        return {"caption": self.caption}

    def accept(self) -> None:
        if len(self.text()) > MAX_CAPTION:
            self.refuse(f"The caption is longer than {MAX_CAPTION} characters; shorten it.")
            return
        super().accept()

    def text(self) -> str:
        """The caption as typed, trimmed."""
        return self.caption.toPlainText().strip()


class PicturesTab(AttachedPage):
    """The open incident's pictures: attach (button or drop), caption, remove."""

    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.incident_id: int | None = None
        self.read_only = False
        self.pictures: list[Attachment] = []
        self._reads = 0
        self._reading = False
        self._stale = False
        # Replaced in tests; a file dialog by default.
        self.choose_files = self._ask_for_files
        self.ask_caption = self._ask_caption
        # What the caption dialog is about, for its draft: the picture, or the file attached;
        # and a draft's fields to start from.
        self._asking: tuple[int | None, Path | None] = (None, None)
        self._fill: Mapping[str, FieldValue] | None = None
        self.setAcceptDrops(True)

        hint = plain_label(HINT, wrap=True)
        styled(hint, "hint")
        self.empty = plain_label("No pictures yet.", wrap=True)
        styled(self.empty, "hint")
        self.list = QListWidget()
        self.list.setViewMode(QListWidget.ViewMode.IconMode)
        self.list.setIconSize(THUMB)
        self.list.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.list.setMovement(QListWidget.Movement.Static)
        self.list.setWordWrap(True)
        self.list.setSpacing(8)
        self.list.setGridSize(QSize(THUMB.width() + 24, THUMB.height() + 64))
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setAcceptDrops(False)  # the tab takes drops, not the list's own moves
        self.details = plain_label("", wrap=True)
        styled(self.details, "hint")
        self.attach_button = QPushButton("&Attach picture…")
        self.caption_button = QPushButton("E&dit caption…")
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip("Remove the selected picture (Delete)")
        buttons = QHBoxLayout()
        for button in (self.attach_button, self.caption_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(hint)
        layout.addWidget(self.empty)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.details)
        self.attach_button.clicked.connect(lambda: self.attach())
        self.caption_button.clicked.connect(lambda: self.edit_caption())
        self.remove_button.clicked.connect(lambda: self.remove_selected())
        self.list.itemDoubleClicked.connect(lambda _item: self.edit_caption())
        self.list.itemSelectionChanged.connect(self._update)
        from PySide6.QtGui import QKeySequence, QShortcut

        QShortcut(QKeySequence.StandardKey.Delete, self.list, self.remove_selected)
        ops.changed.connect(self._on_changed)
        self._update()

    # The incident shown

    def open_incident(self, incident: Incident) -> None:
        """Show the pictures of `incident` (read now if the tab is on screen)."""
        if incident.id != self.incident_id:
            self.pictures = []
            self.list.clear()
        self.incident_id = incident.id
        self.read_only = incident.review_status is ReviewStatus.PUBLISHED
        if self.isVisible():
            self.reload()
        else:
            self._stale = True
        self._update()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.reload()

    @property
    def loaded(self) -> bool:
        """True when what is shown is the latest read for the open incident."""
        return not self._reading and not self._stale

    def reload(self) -> None:
        """Read the pictures again; only the latest read is shown."""
        incident_id = self.incident_id
        if incident_id is None:
            return
        self._stale = False
        self._reads += 1
        number = self._reads
        self._reading = True

        def shown(found: Shown) -> None:
            if number == self._reads:
                self._reading = False
                if incident_id == self.incident_id:
                    self._show(found)

        def failed(error: Exception) -> None:
            if number == self._reads:
                self._reading = False
                self.empty.setText(f"Cannot read the pictures: {error}")
                self.empty.show()

        self.ops.run(
            lambda ws: read_pictures(ws, incident_id),
            shown,
            owner=self,
            failed=failed,
            what="read the pictures",
        )

    def _on_changed(self, changes: Changes, _initiator: object) -> None:
        if self.incident_id is None:
            return
        if changes.everything or self.incident_id in changes.attachments:
            if self.isVisible():
                self.reload()
            else:
                self._stale = True

    def _show(self, found: Shown) -> None:
        selected = self.selected()
        self.pictures = [item for item, _ in found]
        self.list.clear()
        for item, image in found:
            entry = QListWidgetItem(item.caption or item.name)
            if not image.isNull():
                entry.setIcon(QIcon(QPixmap.fromImage(image)))
            entry.setToolTip(f"{item.name}\n{item.width} × {item.height}, {size_text(item.size)}")
            entry.setData(Qt.ItemDataRole.UserRole, item.id)
            self.list.addItem(entry)
            if selected is not None and item.id == selected.id:
                entry.setSelected(True)
        self.empty.setText("No pictures yet.")
        self.empty.setVisible(not found)
        self._update()

    def selected(self) -> Attachment | None:
        """The picture selected in the list, if any."""
        rows = [self.list.row(entry) for entry in self.list.selectedItems()]
        return self.pictures[rows[0]] if rows and rows[0] < len(self.pictures) else None

    def _update(self) -> None:
        picked = self.selected()
        writable = self.incident_id is not None and not self.read_only
        self.attach_button.setEnabled(writable)
        self.caption_button.setEnabled(writable and picked is not None)
        self.remove_button.setEnabled(writable and picked is not None)
        if picked is None:
            self.details.setText("")
        else:
            self.details.setText(
                f"{picked.name}: {picked.width} × {picked.height} pixels, "
                f"{size_text(picked.size)}. {picked.caption or 'No caption yet.'}"
            )

    # Attaching, captioning and removing

    def _ask_for_files(self) -> list[str]:
        names, _ = file_dialogs.get_open_file_names(self, "Attach pictures", "", PICTURE_FILTER)
        return list(names)

    def _ask_caption(self, name: str, caption: str) -> str | None:
        dialog = CaptionDialog(name, caption, self)
        picture_id, path = self._asking
        keep_drafts(
            dialog,
            dialog.draft_fields(),
            kind="caption",
            incident_id=self.incident_id,
            item_id=picture_id,
            about={"file": str(path)} if path is not None else None,
            fill=self._fill,
        )
        return dialog.text() if dialog.exec() else None

    def _caption_of(
        self, name: str, caption: str, about: tuple[int | None, Path | None], fill: Fields | None
    ) -> str | None:
        self._asking, self._fill = about, fill
        try:
            return self.ask_caption(name, caption)
        finally:
            self._asking, self._fill = (None, None), None

    def attach(self) -> None:
        """Ask for picture files and attach them, each with the caption the user gives."""
        if self.incident_id is None or self.read_only:
            return
        self._attach_each([Path(name) for name in self.choose_files()])

    def _attach_each(self, paths: list[Path]) -> None:
        # One file at a time: its caption dialog is closed before the next file is looked at.
        if paths:
            self._attach_one(paths[0], then=lambda: self._attach_each(paths[1:]))

    def _attach_one(
        self, path: Path, fill: Fields | None = None, then: Callable[[], object] | None = None
    ) -> None:
        """Check the file (off the GUI thread), then ask its caption and attach it; `then`
        runs once that is over either way.

        The file is checked before its caption is asked for: a caption typed for a file that
        was then refused as no picture was lost with it."""

        finished = then or (lambda: None)

        def checked(_: None) -> None:
            try:
                caption = self._caption_of(path.name, "", (None, path), fill)
                if caption is not None:
                    self.attach_files([path], caption)
            finally:
                finished()

        def refused(error: Exception) -> None:
            typed = str(fill.get("caption", "")) if fill else ""
            said = f"\n\nThe caption you had typed: {typed}" if typed.strip() else ""
            messages.show_error(self, "Cannot attach", f"{error}{said}")
            finished()

        self.ops.run(
            lambda ws: ws.attachments.check_file(path),
            checked,
            owner=self,
            failed=refused,
            what="check the picture",
        )

    def attach_files(self, paths: Sequence[Path], caption: str = "") -> None:
        """Attach the pictures in `paths` (read and checked off the GUI thread).

        A file that cannot be attached is named in one message with what to do; the others
        are attached all the same.
        """
        incident_id = self.incident_id
        if incident_id is None or self.read_only or not paths:
            return
        from hindsight.services.errors import HindsightError

        def work(ws: Workspace) -> list[str]:
            refused = []
            for path in paths:
                try:
                    ws.attachments.attach_file(incident_id, path, caption)
                except HindsightError as error:
                    refused.append(str(error))
            return refused

        def done(refused: list[str]) -> None:
            if refused:
                messages.show_error(self, "Cannot attach", "\n\n".join(refused))

        self.ops.run(work, done, owner=self, initiator=self, what="attach the picture")

    def edit_caption(self) -> None:
        """Change what the selected picture's caption says."""
        picked = self.selected()
        if picked is None or self.read_only:
            return
        self._caption_picture(picked)

    def _caption_picture(self, picked: Attachment, fill: Fields | None = None) -> None:
        caption = self._caption_of(picked.name, picked.caption, (picked.id, None), fill)
        if caption is None or caption == picked.caption:
            return
        self.ops.run(
            lambda ws: ws.attachments.set_caption(picked, caption),
            owner=self,
            initiator=self,
            what="change the caption",
        )

    def restore_draft(
        self,
        draft: Draft,
        then: Callable[[], object] | None = None,
        kept: Callable[[], object] | None = None,
    ) -> None:
        """Reopen the caption dialog a draft was left in, filled as it was, then call `then`:
        for the picture it captioned (read first), or for the file being attached. When that
        file is gone, say so and call `kept` instead: the draft stays for a later start."""
        incident_id, wanted = self.incident_id, draft.item_id
        file = draft.about.get("file")

        def look(ws: Workspace) -> tuple[list[Attachment], bool]:
            # Off the GUI thread: the pictures, and whether the file being attached is there.
            found = ws.attachments.of_incident(incident_id) if wanted and incident_id else []
            return found, file is not None and Path(file).is_file()

        def run(found: list[Attachment], there: bool) -> None:
            picked = next((p for p in found if p.id == wanted), None)
            if picked is None and file and not there:
                messages.show_error(
                    self,
                    "Picture file gone",
                    f"The picture you were attaching, {file}, is no longer there (moved or "
                    f"deleted). The caption you typed: {' '.join(draft.texts())}\n\nThe draft "
                    "is kept: put the file back and it is offered again the next time this "
                    "database opens (or discard it then).",
                )
                if kept is not None:
                    kept()
                return
            if picked is not None:
                self._caption_picture(picked, draft.fields)
            elif file:
                self._attach_one(Path(file), draft.fields, then=then)
                return  # `then` runs when its dialog is closed
            else:
                messages.show_error(
                    self,
                    "Picture gone",
                    "The picture whose caption you were writing is no longer attached. "
                    f"What you typed: {' '.join(draft.texts())}",
                )
            if then is not None:
                then()

        self.ops.run(
            look,
            lambda answer: run(*answer),
            owner=self,
            failed=lambda _error: run([], True),  # attaching then says what is wrong
            what="read the pictures",
        )

    def remove_selected(self) -> None:
        """Remove the selected picture, after asking (it cannot be undone)."""
        picked = self.selected()
        if picked is None or self.read_only:
            return
        if not messages.confirm(
            self,
            "Remove picture",
            f"Remove {picked.name} from the incident? This cannot be undone.",
            "Remove",
        ):
            return
        self.ops.run(
            lambda ws: ws.attachments.remove(picked),
            owner=self,
            initiator=self,
            what="remove the picture",
        )

    # Dropping files

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if not self.read_only and self.incident_id is not None and event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if not paths:
            messages.show_error(
                self, "Cannot attach", "Drop picture files from this computer (PNG or JPEG)."
            )
            return
        event.acceptProposedAction()
        self.attach_files(paths)
