"""The data-access log of one incident: the entries, and each entry's details and history."""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from hindsight.core.bidi import close_bidi
from hindsight.core.privacy import (
    BLOCKING_FLAGS,
    FLAG_LABELS,
    AccessDetails,
    AccessFlag,
    DataAccess,
    DataCopy,
    access_flags,
    categories_text,
    changes_between,
)
from hindsight.services.errors import ConflictError, HindsightError, ValidationError
from hindsight.services.privacy import recorder_name, remember_recorder
from hindsight.services.recovery import Draft, FieldValue
from hindsight.services.workspace import Workspace
from hindsight.ui import messages
from hindsight.ui.author_text import plain_tooltip
from hindsight.ui.flow_layout import flowing
from hindsight.ui.look import styled
from hindsight.ui.operations import Operations, bug_message
from hindsight.ui.privacy.access_dialog import AccessDialog, ConfirmDeletionDialog
from hindsight.ui.qt_helpers import eliding_header, from_qdatetime, local_text
from hindsight.ui.recovery import keep_drafts

Save = Callable[[Workspace, str], int]  # saves a form as `recorder`; the entry id to select

BLOCKING = QColor("#a61b1b")
WARNING = QColor("#9a5b00")
# Cells start at the top of their row: a row made tall by a long dataset, in a short table,
# showed the other cells' text centred below the table's edge.
CELL_ALIGNMENT = Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft
COLUMNS = ("#", "Who and when", "Data and how much", "Categories", "Approver", "Flags")
FLAGS_COLUMN = len(COLUMNS) - 1
DATA_COLUMN, CATEGORIES_COLUMN = 2, 3
CATEGORIES_WIDTH = 170  # with room to spare; never more than the data column has
CATEGORIES_LEAST = 80
# Shorter than FLAG_LABELS, for a table cell.
FLAG_SHORT = {
    AccessFlag.NO_APPROVER: "No approver",
    AccessFlag.DELETION_OVERDUE: "Deletion overdue",
    AccessFlag.COPY_NOT_DELETED: "Copy not deleted",
    AccessFlag.PRIVACY_NOT_CONSULTED: "Privacy not consulted",
    AccessFlag.PRIVACY_CONSULTATION_UNRECORDED: "Privacy consultation not recorded",
}

Fields = Mapping[str, FieldValue]
DELETION = "deletion"  # the kind of draft of a deletion being confirmed (ui/recovery.py)


def volume_text(details: AccessDetails) -> str:
    """'100,000 rows', or '' when not known."""
    if details.volume is None:
        return ""
    return f"{details.volume:,} {details.volume_unit.value}"


def copy_text(copy: DataCopy) -> str:
    """One copy in words: where, when it is due, and whether it is gone."""
    parts = [copy.location or "(somewhere unnamed)"]
    if copy.delete_by:
        parts.append(f"delete by {copy.delete_by.isoformat()}")
    if copy.deleted_at:
        who = f" by {copy.deleted_by}" if copy.deleted_by else ""
        parts.append(f"deleted {local_text(copy.deleted_at)}{who}")
    else:
        parts.append("not deleted")
    return ", ".join(parts)


def value_text(name: str, value: Any) -> str:
    """A field's value as the history shows it."""
    if name == "categories":
        return categories_text(value) or "none"
    if name == "accessed_at":
        return local_text(value)
    if name == "privacy_consulted":
        return "not recorded" if value is None else "yes" if value else "no"
    if name == "volume":
        return "not known" if value is None else f"{value:,}"
    if name == "copies":
        return "; ".join(copy_text(c) for c in value) or "none"
    return str(value) if value not in ("", None) else "(empty)"


def copy_changes(before: tuple[DataCopy, ...], after: tuple[DataCopy, ...]) -> list[str]:
    """What an amendment did to the copies, copy by copy (matched by where they are)."""
    lines = []
    old = {copy.location: copy for copy in before}
    new = {copy.location: copy for copy in after}
    for location, copy in new.items():
        previous = old.get(location)
        if previous is None:
            lines.append(f"Copy added: {copy_text(copy)}")
        elif previous != copy:
            if copy.deleted and not previous.deleted and previous.delete_by == copy.delete_by:
                who = f" by {copy.deleted_by}" if copy.deleted_by else ""
                when = local_text(copy.deleted_at)
                lines.append(f"Copy at {location}: deletion confirmed {when}{who}")
            else:
                lines.append(f"Copy at {location}: {copy_text(previous)} → {copy_text(copy)}")
    for location, copy in old.items():
        if location not in new:
            lines.append(f"Copy removed: {copy_text(copy)}")
    return lines


def change_lines(before: AccessDetails, after: AccessDetails) -> list[str]:
    """One line per change an amendment made, in the form's order."""
    lines = []
    for change in changes_between(before, after):
        if change.field == "copies":
            lines.extend(copy_changes(change.before, change.after))
            continue
        old = value_text(change.field, change.before)
        new = value_text(change.field, change.after)
        if (
            isinstance(change.before, str)
            and change.before
            and change.after.startswith(change.before)
        ):
            lines.append(f"{change.label}: added “{change.after[len(change.before) :].strip()}”")
        else:
            lines.append(f"{change.label}: {old} → {new}")
    return lines


def _escape(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


def details_html(access: DataAccess, today: date) -> str:
    """The current state of an entry, then its history, newest first."""
    details = access.details
    flags = access_flags(details, today)
    rows = [
        ("Accessed by", details.accessor),
        ("When", local_text(details.accessed_at)),
        ("Dataset or system", details.dataset),
        ("Categories", categories_text(details.categories)),
        ("Volume", volume_text(details) or "not known"),
        ("Justification", details.justification),
        ("Approver", details.approver or "none recorded"),
        (
            "Privacy team",
            "not recorded whether it was consulted"
            if details.privacy_consulted is None
            else f"consulted: {details.privacy_contact}"
            if details.privacy_consulted
            else "not consulted",
        ),
        ("Notes", details.notes),
    ]
    parts = [f"<h3>{html.escape(access.label)}</h3>"]
    if flags:
        spans = []
        for flag in flags:
            colour = BLOCKING.name() if flag in BLOCKING_FLAGS else WARNING.name()
            spans.append(f"<span style='color:{colour}'>⚠ {FLAG_LABELS[flag]}</span>")
        parts.append(f"<p>{' &nbsp; '.join(spans)}</p>")
    parts.append("<table cellspacing='0' cellpadding='2'>")
    for label, text in rows:
        if text:
            parts.append(
                f"<tr><td valign='top' style='color:#5f6b7a;padding-right:12px'>{label}</td>"
                f"<td>{_escape(text)}</td></tr>"
            )
    parts.append("</table>")
    if details.copies:
        parts.append("<p><b>Copies</b></p><ul>")
        for copy in details.copies:
            overdue = copy.overdue(today)
            style = f" style='color:{BLOCKING.name()}'" if overdue else ""
            suffix = " — overdue" if overdue else ""
            parts.append(f"<li{style}>{_escape(copy_text(copy))}{suffix}</li>")
        parts.append("</ul>")
    return "".join(parts)


def history_html(access: DataAccess) -> str:
    """Every revision of an entry, newest first, with who, when, why and what changed."""
    parts = [f"<h3>History of {html.escape(access.label)}</h3>"]
    revisions = list(access.revisions)
    for index in range(len(revisions) - 1, -1, -1):
        revision = revisions[index]
        when = local_text(revision.recorded_at)
        who = html.escape(revision.recorded_by)
        if index == 0:
            parts.append(f"<p>Revision 1 — recorded by {who} on {when}.</p>")
            continue
        parts.append(
            f"<p>Revision {revision.number} — amended by {who} on {when}.<br>"
            f"<i>Reason:</i> {_escape(revision.reason)}</p><ul>"
        )
        for line in change_lines(revisions[index - 1].details, revision.details):
            parts.append(f"<li>{_escape(line)}</li>")
        parts.append("</ul>")
    return "".join(parts)


class AccessTable(QTableWidget):
    """The log's table: in a narrow pane, Categories gives up width to the data accessed.

    "Who and when", "Approver" and "Flags" fit their contents; "Data and how much" takes the
    rest. Categories keeps CATEGORIES_WIDTH only while the data column is left at least as
    wide (at 2x scale the log is about 560 pixels wide, and a fixed width left the data
    column a word per line).
    """

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.share_width()

    def share_width(self) -> None:
        """Set the Categories column's width from the room the other columns leave."""
        header = self.horizontalHeader()
        others = sum(
            header.sectionSize(column)
            for column in range(self.columnCount())
            if column not in (DATA_COLUMN, CATEGORIES_COLUMN)
        )
        room = self.viewport().width() - others
        width = max(min(CATEGORIES_WIDTH, room // 2), CATEGORIES_LEAST)
        if header.sectionSize(CATEGORIES_COLUMN) != width:
            self.setColumnWidth(CATEGORIES_COLUMN, width)


class AccessLogPage(QWidget):
    """Lists an incident's data accesses; records, amends and confirms deletions.

    The privacy tab reads the log (with the rest of the privacy record) and hands it over with
    `show_accesses`; what this page saves runs through the window's operations, and `changed`
    says an entry was recorded or amended here.
    """

    changed = Signal(object)  # the id of the entry to select afterwards, or None

    def __init__(self, ops: Operations, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ops = ops
        self._incident_id: int | None = None
        self.accesses: list[DataAccess] = []

        self.record_button = QPushButton("Re&cord access…")
        self.amend_button = QPushButton("&Amend…")
        self.confirm_button = QPushButton("Confirm &deletion…")
        hint = QLabel("Entries are never deleted or overwritten: a correction is an amendment.")
        styled(hint, "hint")
        hint.setWordWrap(True)
        # The buttons wrap onto a second row before any is cut short; the hint takes the rest
        # of the row, at least a readable width (on a small screen it goes under them).
        hint.setMinimumWidth(hint.fontMetrics().averageCharWidth() * 28)
        buttons = QHBoxLayout()
        buttons.addWidget(flowing((self.record_button, self.amend_button, self.confirm_button)))
        buttons.addWidget(hint, 1)

        self.table = AccessTable(0, len(COLUMNS))
        eliding_header(self.table)
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(DATA_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(CATEGORIES_COLUMN, QHeaderView.ResizeMode.Fixed)
        self.table.setColumnWidth(CATEGORIES_COLUMN, CATEGORIES_WIDTH)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.details = QTextBrowser()
        self.details.setOpenLinks(False)
        self.details.setPlaceholderText("Select an entry to see what it says now.")
        self.history = QTextBrowser()
        self.history.setOpenLinks(False)
        self.history.setPlaceholderText("Select an entry to see its history.")
        below = QSplitter(Qt.Orientation.Horizontal)
        below.addWidget(self.details)
        below.addWidget(self.history)
        below.setSizes([420, 360])

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(below)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([170, 330])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(splitter, 1)

        self.record_button.clicked.connect(self.record)
        self.amend_button.clicked.connect(self.amend_selected)
        self.confirm_button.clicked.connect(self.confirm_deletion)
        self.table.doubleClicked.connect(lambda _: self.amend_selected())
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self._read_only = False
        self._update_buttons()

    def _today(self) -> date:
        return self._ops.workspace.privacy.today()

    # Showing

    def show_incident(self, incident_id: int | None) -> None:
        """Empty the log for `incident_id` (None: nothing open) until its entries arrive."""
        self._incident_id = incident_id
        self.show_accesses([])

    def show_accesses(self, accesses: list[DataAccess], select_id: int | None = None) -> None:
        """List `accesses`, keeping (or moving) the selection."""
        keep = select_id if select_id is not None else self.selected_id()
        self.accesses = accesses
        today = self._today()
        self.table.setRowCount(len(self.accesses))
        for row, access in enumerate(self.accesses):
            details = access.details
            volume = volume_text(details)
            # An author's direction control stays in the author's own line (core/bidi.py): a
            # right-to-left override in a name turned the date under it around.
            cells = (
                str(access.number),
                f"{close_bidi(details.accessor)}\n{local_text(details.accessed_at)}",
                f"{close_bidi(details.dataset)}\n{volume}" if volume else details.dataset,
                categories_text(details.categories),
                details.approver or "—",
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(plain_tooltip(text))
                item.setTextAlignment(CELL_ALIGNMENT)
                self.table.setItem(row, column, item)
            flags = access_flags(details, today)
            flag_item = QTableWidgetItem("\n".join(f"⚠ {FLAG_SHORT[f]}" for f in flags) or "✓")
            flag_item.setTextAlignment(CELL_ALIGNMENT)
            flag_item.setToolTip(plain_tooltip("\n".join(FLAG_LABELS[f] for f in flags)))
            if flags:
                blocking = any(f in BLOCKING_FLAGS for f in flags)
                flag_item.setForeground(QBrush(BLOCKING if blocking else WARNING))
            self.table.setItem(row, FLAGS_COLUMN, flag_item)
            first = self.table.item(row, 0)
            if first is not None:
                first.setData(Qt.ItemDataRole.UserRole, access.id)
        self.table.share_width()  # the fitted columns may have changed width
        if keep is None or not self.select_access(keep):
            self.table.selectionModel().clear()
            self.details.clear()
            self.history.clear()
            if self.accesses:  # the details pane shows an entry rather than nothing
                self.select_access(self.accesses[0].id)
        self._update_buttons()

    def set_read_only(self, read_only: bool) -> None:
        """A published review's log can be read, not added to."""
        self._read_only = read_only
        self._update_buttons()

    def selected_id(self) -> int | None:
        """The id of the selected entry, if any."""
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        item = self.table.item(rows[0].row(), 0)
        return None if item is None else item.data(Qt.ItemDataRole.UserRole)

    def selected(self) -> DataAccess | None:
        """The selected entry, if any."""
        chosen = self.selected_id()
        return next((a for a in self.accesses if a.id == chosen), None)

    def select_access(self, access_id: int) -> bool:
        """Select the entry `access_id` and show its details; False if it is not listed."""
        for row, access in enumerate(self.accesses):
            if access.id == access_id:
                self.table.selectRow(row)
                self.table.scrollTo(self.table.model().index(row, 0))
                self._selection_changed()
                return True
        return False

    def _selection_changed(self) -> None:
        access = self.selected()
        if access is not None:
            self.details.setHtml(details_html(access, self._today()))
            self.history.setHtml(history_html(access))
        self._update_buttons()

    def _update_buttons(self) -> None:
        access = self.selected()
        writable = self._incident_id is not None and not self._read_only
        self.record_button.setEnabled(writable)
        self.amend_button.setEnabled(writable and access is not None)
        self.confirm_button.setEnabled(
            writable and access is not None and any(not c.deleted for c in access.details.copies)
        )

    # Recording

    def record(self, *, fill: Fields | None = None) -> None:
        """Ask for a new entry and record it (with `fill`, the fields a draft left)."""
        incident_id = self._incident_id
        if incident_id is None:
            return
        dialog = AccessDialog(recorder_name(), parent=self)
        keep_drafts(
            dialog, dialog.draft_fields(), kind="access", incident_id=incident_id, fill=fill
        )

        def prepare() -> Save:
            details = dialog.details()
            return lambda ws, recorder: ws.privacy.record_access(incident_id, details, recorder).id

        self._save_through(dialog, prepare, failure="record the access")

    def amend_selected(self) -> None:
        """Amend the selected entry in a dialog; the earlier version stays in its history."""
        access = self.selected()
        if access is not None:
            self.amend(access)

    def amend(self, access: DataAccess, *, fill: Fields | None = None) -> None:
        """Amend `access` in a dialog (with `fill`, the fields a draft left)."""
        dialog = AccessDialog(recorder_name(), access, parent=self)
        keep_drafts(
            dialog,
            dialog.draft_fields(),
            kind="access",
            incident_id=self._incident_id,
            item_id=access.id,
            fill=fill,
        )

        def prepare() -> Save:
            details, reason, seen = dialog.details(), dialog.reason.text(), access.current.number
            return lambda ws, recorder: (
                ws.privacy.amend_access(access.id, details, recorder, reason, seen).id
            )

        self._save_through(
            dialog,
            prepare,
            failure="amend the entry",
            conflict=(
                f"{access.label} was amended in another window since you opened it. Its "
                "latest version is shown now; amend it again if it still needs it."
            ),
        )

    def restore_draft(
        self,
        draft: Draft,
        then: Callable[[], object] | None = None,
        kept: Callable[[], object] | None = None,
    ) -> None:
        """Reopen the dialog a draft was left in, filled as it was, then call `then`.

        An amendment's entry is read first; when it is gone, the dialog records a new entry.
        A deletion being confirmed reopens on its entry; when no copy of it is left to
        confirm, what was typed is shown instead. When the log cannot be read, a deletion's
        draft is not used up: `kept` runs instead of `then` (the draft is offered again).
        """
        wanted, incident_id = draft.item_id, self._incident_id

        def run(found: list[DataAccess]) -> None:
            access = next((a for a in found if a.id == wanted), None)
            if draft.kind == DELETION:
                self._restore_deletion(draft, access)
            elif access is not None:
                self.amend(access, fill=draft.fields)
            else:
                if wanted is not None:
                    messages.deleted_since(self, "access entry", doing="amending", adds="records")
                self.record(fill=draft.fields)
            if then is not None:
                then()

        def unread(error: Exception) -> None:
            if draft.kind != DELETION or kept is None:
                run([])  # an entry's own dialog opens anyway, to record it anew
                return
            messages.show_error(
                self,
                "Draft kept",
                f"The access log could not be read, so the deletion you were confirming is "
                f"not reopened. Its draft is kept and offered again the next time this database "
                f"opens.\n\n{error}",
            )
            kept()

        if wanted is None or incident_id is None:
            run([])
            return
        self._ops.run(
            lambda ws: ws.privacy.accesses(incident_id),
            run,
            owner=self,
            failed=unread,
            what="read the access log",
        )

    def _restore_deletion(self, draft: Draft, access: DataAccess | None) -> None:
        if access is not None and any(not copy.deleted for copy in access.details.copies):
            self.select_access(access.id)
            self.confirm(access, fill=draft.fields)
            return
        entry = draft.about.get("entry") or "The entry"
        why = (
            "is no longer in the access log"
            if access is None
            else "has no copy left to confirm deleted (confirmed in another window since)"
        )
        typed = draft.labelled_text()
        messages.inform(
            self,
            "Deletion not confirmed",
            f"{entry} {why}, so the dialog is not reopened."
            + (f" What you typed:\n\n{typed}" if typed else ""),
        )

    def confirm_deletion(self) -> None:
        """Record that a copy of the selected entry's data was deleted."""
        access = self.selected()
        if access is not None:
            self.confirm(access)

    def confirm(self, access: DataAccess, *, fill: Fields | None = None) -> None:
        """Confirm a deletion of a copy of `access` in a dialog (with `fill`, the fields a
        draft left)."""
        dialog = ConfirmDeletionDialog(access, recorder_name(), parent=self)
        keep_drafts(
            dialog,
            dialog.draft_fields(),
            kind=DELETION,
            incident_id=self._incident_id,
            item_id=access.id,
            about={"entry": access.label},
            fill=fill,
        )

        def prepare() -> Save:
            index, by = dialog.copy_index(), dialog.deleted_by.text()
            when = from_qdatetime(dialog.deleted_at.dateTime())
            seen = access.current.number

            def confirm(ws: Workspace, recorder: str) -> int:
                ws.privacy.confirm_deletion(access.id, index, when, by, recorder, seen)
                return access.id

            return confirm

        self._save_through(
            dialog,
            prepare,
            failure="confirm the deletion",
            conflict=(
                f"{access.label} was amended in another window; try again on its latest version."
            ),
        )

    def _save_through(
        self,
        dialog: AccessDialog | ConfirmDeletionDialog,
        prepare: Callable[[], Save],
        *,
        failure: str,
        conflict: str = "",
    ) -> None:
        """Show `dialog`; its OK saves what `prepare()` read from it, off the GUI thread.

        `prepare` reads the form (on this thread) and returns the save, which returns the id
        of the entry to select. The dialog stays open, with everything typed, until the save
        succeeds: what the service refuses, and a store error, are shown in it to be fixed or
        tried again. A conflict closes it and shows the entry's latest version.
        """

        def submit() -> None:
            recorder = dialog.recorded_by.text().strip()
            save = prepare()

            def work(ws: Workspace) -> int:
                selected = save(ws, recorder)
                remember_recorder(recorder)
                return selected

            def done(selected: int) -> None:
                dialog.finish()
                self.changed.emit(selected)

            def failed(error: Exception) -> None:
                if isinstance(error, ConflictError):
                    dialog.set_saving(False)
                    dialog.reject()
                    messages.show_error(self, "Amended elsewhere", conflict)
                    self.changed.emit(None)
                elif isinstance(error, ValidationError):
                    dialog.refuse(str(error).splitlines())
                elif isinstance(error, HindsightError):
                    dialog.refuse([f"Could not {failure}: {error}", "Nothing was saved."])
                else:
                    dialog.refuse([bug_message(error)])

            self._ops.run(work, done, owner=dialog, failed=failed, initiator=self, what=failure)

        dialog.submit = submit
        dialog.exec()
