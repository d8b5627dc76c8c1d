"""How the main window opens, switches, backs up and remembers databases, off the GUI thread.

Also what happens right after a database opens: unsaved edits found in the recovery journal
are offered back, then drafts of dialogs that were open, and the integrity check runs in the
background instead of delaying the first paint.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel

from hindsight.core.bidi import isolated
from hindsight.paths import backups_dir, data_dir
from hindsight.services.errors import HindsightError, SchemaBehindError, SchemaMissingError
from hindsight.store.postgres_url import ServerAddress, is_server_url, target_from
from hindsight.ui import messages

# QMessageBox and the file dialogs are imported by the methods that show them: their classes
# and enums cost the first paint about 3.5 ms, and a database that opens shows neither.

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtWidgets import QMessageBox

    from hindsight.core.incident import Incident
    from hindsight.services.recovery import Draft, Recovered
    from hindsight.services.workspace import Workspace
    from hindsight.ui.main_window import MainWindow

log = logging.getLogger(__name__)

MAX_RECENT = 8
FIRST_PAINT_PATIENCE_MS = 400
QUOTE_CHARS = 80  # of a draft's first text, in its offer

# A draft left behind, with its incident's key now (None: the incident is gone).
LeftDraft = tuple["Draft", str | None]
DB_FILTER = "Hindsight databases (*.sqlite *.db);;All files (*)"


class DatabaseDoor(QObject):
    """The main window's ways in and out of databases."""

    # (reachable, what is wrong): a team database's server went away or came back. Emitted
    # from the listener's thread; delivered on the GUI thread.
    serverState = Signal(bool, str)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self._offered: set[tuple[str, int]] = set()
        self.server_label: QLabel | None = None
        self.serverState.connect(self._show_server_state)

    # Team databases

    def choose_team_database(self) -> None:
        """Ask for a team database's address (testing it on request) and open it."""
        from hindsight.ui.team_dialog import TeamDatabaseDialog

        recent = [p for p in self.recent_paths() if is_server_url(p)]
        dialog = TeamDatabaseDialog(self.window.ops, recent, self.window)
        if dialog.exec() and dialog.address is not None:
            self.open(dialog.address)

    def watch_team(self, workspace: Workspace) -> None:
        """Hear other people's changes to a team database, and show the server's state."""
        if self.server_label is not None:
            self.server_label.hide()
        if workspace.is_team:
            # The workspace stops and joins its listener when it closes.
            workspace.listen(self.serverState.emit)

    def _show_server_state(self, reachable: bool, problem: str) -> None:
        window = self.window
        if self.server_label is None:
            self.server_label = QLabel(window)
            self.server_label.setObjectName("serverState")
            self.server_label.setWordWrap(False)
            window.statusBar().addPermanentWidget(self.server_label)
        label = self.server_label
        if reachable:
            label.hide()
            window.statusBar().showMessage("Connected to the team database again.", 8000)
            if window.has_editor and window.editor.dirty:
                window.editor.save_then(None)  # what could not be saved meanwhile
            return
        label.setText(
            "⚠ Team database unreachable: your edits are kept, and saved when it is back. "
            "Reconnecting…"
        )
        label.setToolTip(problem)
        label.show()

    # Opening

    def open(
        self, path: Path | ServerAddress | str, *, first: bool = False, demo: bool = False
    ) -> None:
        """Open `path` off the GUI thread; show it when it is open, explain when it is not.

        `path` is a file or a team database's address. With `demo`, `path` is a temporary
        copy of the demo database, made first if missing.
        """
        window = self.window
        target = target_from(path)
        if isinstance(target, Path):
            target = target.expanduser().absolute()
        # A team database is known to the list by its address (as its workspace.path).
        path = target if isinstance(target, Path) else Path(target.display)
        shown = str(target)

        def open_workspace() -> None:
            window.ops.submit(
                lambda: _open_workspace(target, make_demo=demo),
                lambda workspace: window.adopt(workspace, demo=demo),
                owner=window,
                failed=lambda error: self._cannot_open(shown, error, first, target),
                what=f"open {shown}",
            )

        def proceed() -> None:
            if not first:
                open_workspace()
                return
            # The list's first page comes from a plain SQLite reading, and is painted, before
            # the rest of the store loads (SQLAlchemy's import would hold Python's lock while
            # the window paints). A database that cannot be listed yet opens at once.
            from hindsight.store.listing import IncidentListing

            started = False

            def start() -> None:
                nonlocal started
                if not started:
                    started = True
                    open_workspace()

            window.list_pane.firstShown.connect(start, Qt.ConnectionType.SingleShotConnection)
            QTimer.singleShot(FIRST_PAINT_PATIENCE_MS, start)  # a slow disk: do not wait on
            if isinstance(target, ServerAddress):
                listing = IncidentListing.for_server(target, check=True)
            else:
                listing = IncidentListing.for_sqlite(path, check=True)
            window.list_pane.set_listing(listing, path)

        if window.has_editor and window.editor.dirty:
            window.editor.save_then(lambda stored: proceed() if stored else None)
        else:
            proceed()

    def _cannot_open(
        self, path: str, error: Exception, first: bool, target: Path | ServerAddress | None = None
    ) -> None:
        from PySide6.QtWidgets import QMessageBox

        from hindsight.ui import file_dialogs

        if isinstance(error, SchemaBehindError | SchemaMissingError) and isinstance(
            target, ServerAddress
        ):
            self._offer_upgrade(target, error, first)
            return
        if not isinstance(error, HindsightError):
            from hindsight.ui.operations import bug_message, report_bug

            report_bug(error, f"open {path}")
            text = bug_message(error)
        else:
            text = str(error)
        if not first:
            messages.show_error(self.window, "Cannot open database", text)
            return
        # Nothing is open yet: offer another file, a new one, or quitting.
        window = self.window
        window.list_pane.set_listing(None, None)
        box = QMessageBox(QMessageBox.Icon.Critical, "Cannot open database", text, parent=window)
        other = box.addButton("Open Another…", QMessageBox.ButtonRole.AcceptRole)
        new = box.addButton("New Database…", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        chosen = None
        if box.clickedButton() is other:
            name, _ = file_dialogs.get_open_file_name(
                window, "Open database", str(data_dir()), DB_FILTER
            )
            chosen = name
        elif box.clickedButton() is new:
            name, _ = file_dialogs.get_save_file_name(
                window, "New database", str(data_dir() / "incidents.sqlite"), DB_FILTER
            )
            chosen = name
        if chosen:
            self.open(Path(chosen), first=True)
        else:
            window.close()

    def _offer_upgrade(self, address: ServerAddress, error: HindsightError, first: bool) -> None:
        """A team database whose schema is behind (or missing): upgrade it if the user agrees.

        Declining leaves it untouched and explains as any other refusal. The upgrade needs the
        owner's rights; without them the server's refusal is shown.
        """
        from hindsight.services.team import upgrade_team_database

        window = self.window
        shown = address.display
        question = (
            f"{error}\n\nUpgrade the schema of {shown} now? Every client of this team "
            "database must then run this version of Hindsight. It needs the database owner's "
            "rights, and runs in one transaction: nothing changes if it fails."
        )
        if not messages.confirm(window, "Upgrade team database", question, "Upgrade Schema"):
            self._cannot_open(shown, error, first)
            return
        window.statusBar().showMessage(f"Upgrading the schema of {shown}…")

        def upgraded(revisions: tuple[str | None, str]) -> None:
            before, after = revisions
            was = f"from schema {before}" if before else "(it had no tables)"
            window.statusBar().showMessage(f"Upgraded {shown} {was} to {after}.", 8000)
            self.open(address, first=first)

        def failed(problem: Exception) -> None:
            window.statusBar().clearMessage()
            self._cannot_open(shown, problem, first)

        window.ops.submit(
            lambda: upgrade_team_database(address),
            upgraded,
            owner=window,
            failed=failed,
            what=f"upgrade {shown}",
        )

    def choose_database(self) -> None:
        """Ask for a database file and open it."""
        from hindsight.ui import file_dialogs

        name, _ = file_dialogs.get_open_file_name(
            self.window, "Open database", str(data_dir()), DB_FILTER
        )
        if name:
            self.open(Path(name))

    def new_database(self) -> None:
        """Ask where to create a new, empty database and open it."""
        from hindsight.ui import file_dialogs

        name, _ = file_dialogs.get_save_file_name(
            self.window, "New database", str(data_dir() / "incidents.sqlite"), DB_FILTER
        )
        if not name:
            return
        path = Path(name)
        if path.exists():
            messages.show_error(
                self.window,
                "File exists",
                f"{path} already exists. Use Open Database to open it, or pick a new name.",
            )
            return
        self.open(path)

    def open_demo(self) -> None:
        """Open (creating it the first time) the demo database in the data folder."""
        path = data_dir() / "demo.sqlite"

        def made(_written: Path) -> None:
            self.open(path)

        if path.exists():
            self.open(path)
            return
        from hindsight.services.demo import write_demo_database

        self.window.ops.submit(
            lambda: write_demo_database(path),
            made,
            owner=self.window,
            what="create the demo database",
        )

    def backup_now(self) -> None:
        """Copy the open database to the backups folder, off the GUI thread."""
        window = self.window
        if window.workspace is None:
            return
        window.backup_action.setEnabled(False)
        window.statusBar().showMessage("Backing up…")

        def done(written: Path) -> None:
            window.backup_action.setEnabled(True)
            window.statusBar().showMessage(f"Backed up to {written}", 8000)

        def failed(error: Exception) -> None:
            window.backup_action.setEnabled(True)
            window.statusBar().clearMessage()
            messages.show_error(window, "Backup failed", str(error))

        window.ops.run_long(
            lambda ws, _task: ws.backup(), done, owner=window, failed=failed, what="back up"
        )

    def restore_backup(self) -> None:
        """Open a backup as a new database beside the others; nothing is overwritten.

        The backup is copied (SQLite's backup API) to the data folder as
        `<name>-restored[-stamp].sqlite` and opened: the database open until now, and the
        backup itself, stay as they were.
        """
        from hindsight.ui import file_dialogs

        window = self.window
        name, _ = file_dialogs.get_open_file_name(
            window, "Restore from backup", str(backups_dir()), DB_FILTER
        )
        if not name:
            return
        chosen = Path(name)

        def copy() -> Path:
            from hindsight.store.backup import backup_database, backup_file_name
            from hindsight.store.errors import NotADatabaseError
            from hindsight.store.inspection import inspect_file

            try:
                inspect_file(chosen)  # refused before anything is written
            except NotADatabaseError as error:
                why = error.detail or "not a database"
                raise HindsightError(
                    f"{chosen} is not a Hindsight database or backup ({why}). Choose a backup: "
                    f"Back Up Now writes them to {backups_dir()}."
                ) from error
            target = data_dir() / f"{chosen.stem}-restored.sqlite"
            if target.exists():
                target = data_dir() / backup_file_name(chosen, "restored")
            return backup_database(chosen, target)

        def restored(target: Path) -> None:
            self.open(target)
            # Short: the status bar cut a longer message (the full path is in the title bar).
            window.statusBar().showMessage(
                f"Restored {chosen.name} as {target.name}; the database before is unchanged.",
                15000,
            )

        window.ops.submit(
            copy,
            restored,
            owner=window,
            failed=lambda error: messages.show_error(window, "Not restored", str(error)),
            what="restore the backup",
        )

    # Recent databases

    def recent_paths(self) -> list[str]:
        """Recently opened databases, most recent first."""
        value = self.window.settings.value("recent", [])
        if isinstance(value, str):
            return [value]
        return [str(v) for v in value] if isinstance(value, list) else []

    def remember_recent(self, path: Path | str) -> None:
        """Put `path` (a file, or a team database's address) first in the recent list, and
        reopen it next time."""
        settings = self.window.settings
        paths = [str(path), *[p for p in self.recent_paths() if p != str(path)]]
        settings.setValue("recent", paths[:MAX_RECENT])
        settings.setValue("lastDatabase", str(path))
        self.fill_recent_menu()

    def fill_recent_menu(self) -> None:
        """List the recent databases in File ▸ Open Recent."""
        menu = self.window.recent_menu
        menu.clear()
        paths = self.recent_paths()
        for number, name in enumerate(paths, start=1):
            action = menu.addAction(f"&{number} {name}")
            # A team database's address stays an address (never a path).
            action.triggered.connect(lambda _=False, p=name: self.open(target_from(p)))
        menu.setEnabled(bool(paths))

    # After opening

    def offer_recovered_edits(self) -> None:
        """Tell the user about edits an ended session could not save, and offer them."""
        journal = self.window.journal
        if journal is None:
            return
        store = journal.store

        def still_unsaved(workspace: Workspace) -> tuple[list[Recovered], list[LeftDraft]]:
            # Edits the database got after all (or whose incident is gone) are dropped.
            from hindsight.services.errors import NotFoundError
            from hindsight.services.recovery import same_content
            from hindsight.ui.recovery import HELD_KINDS  # loaded with the journal

            kept = []
            for recovered in store.left_behind():
                try:
                    stored = workspace.incidents.get(recovered.incident.id or 0)
                except NotFoundError:
                    store.discard(recovered)
                    continue
                # Ids of deleted incidents can be given again; keys never are.
                if stored.key != recovered.incident.key or same_content(stored, recovered.incident):
                    store.discard(recovered)
                else:
                    kept.append(recovered)
            drafts: list[LeftDraft] = []
            for draft in store.drafts_left_behind():
                if draft.item_id is None and not draft.texts() and draft.kind not in HELD_KINDS:
                    store.discard_draft(draft)  # a dialog opened, nothing typed in it
                    continue
                key: str | None
                try:
                    key = workspace.incidents.get(draft.incident_id).key
                except NotFoundError:
                    key = None
                if draft.incident_key and key != draft.incident_key:
                    key = None  # its id given to another incident since
                drafts.append((draft, key))
            return kept, drafts

        self.window.ops.run(
            still_unsaved, self._recovered, owner=self.window, what="read the recovery journal"
        )

    def _recovered(self, left: tuple[list[Recovered], list[LeftDraft]]) -> None:
        found, drafts = left
        self._show_recovered(found)
        self.offer_drafts(list(drafts))

    def _show_recovered(self, found: list[Recovered]) -> None:
        from PySide6.QtWidgets import QMessageBox

        window = self.window
        if not found or window.workspace is None:
            return
        keys = ", ".join(dict.fromkeys(r.incident.key for r in found))
        when = found[-1].written_at.astimezone().strftime("%Y-%m-%d %H:%M")
        first = found[-1].incident
        box = QMessageBox(window)
        messages.plain(box)
        box.setIcon(QMessageBox.Icon.Information)
        box.setWindowTitle("Unsaved edits recovered")
        box.setText(
            f"Hindsight found edits that were not saved when it last stopped: {keys} "
            f"(last written {when})."
        )
        box.setInformativeText(
            "They are put back when you open the incident, as a step you can undo, and are "
            "kept until then."
        )
        open_button = box.addButton(f"Open {first.key}", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("Later", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is open_button and first.id is not None:
            # One read: selecting the row opens it, and open_incident does nothing more when
            # it is on its way (both reading it asked twice whether to put older edits back).
            window.list_pane.select_id(first.id)
            window.open_incident(first.id)

    # Drafts of dialogs left open

    def offer_drafts(self, drafts: list[LeftDraft]) -> None:
        """Offer each draft in turn: Restore reopens its dialog, Discard deletes it, Later
        keeps it for the next start."""
        from PySide6.QtWidgets import QMessageBox

        from hindsight.ui.recovery import DRAFT_KINDS

        window = self.window
        if window.workspace is None or window.journal is None:
            return
        while drafts:
            draft, key = drafts.pop(0)
            kind = DRAFT_KINDS.get(draft.kind)
            if kind is None:  # a dialog of a newer Hindsight: left for it
                log.warning("draft %s of an unknown dialog %r skipped", draft.path, draft.kind)
                continue
            box = self._draft_box(draft, key, kind.noun)
            restore = copy = None
            if key is not None:
                restore = box.addButton("Restore", QMessageBox.ButtonRole.AcceptRole)
            else:
                copy = box.addButton("Copy Text", QMessageBox.ButtonRole.ActionRole)
            discard = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
            box.addButton("Later", QMessageBox.ButtonRole.RejectRole)
            first = restore or copy
            if first is not None:
                box.setDefaultButton(first)
            box.exec()
            chosen = box.clickedButton()
            if chosen is discard:
                self._discard_draft(draft)
            elif chosen is copy:
                from PySide6.QtWidgets import QApplication

                QApplication.clipboard().setText(draft.labelled_text())
                window.statusBar().showMessage(
                    "The text is on the clipboard; the draft is kept until you discard it.",
                    15000,
                )
            elif chosen is restore and restore is not None:
                self.restore_draft(draft, kind.tab, then=lambda: self.offer_drafts(drafts))
                return  # the next offer waits until this dialog is closed

    def _discard_draft(self, draft: Draft) -> None:
        journal = self.window.journal
        if journal is not None:
            store = journal.store
            self.window.ops.submit(lambda: store.discard_draft(draft), owner=self.window)

    def _draft_box(self, draft: Draft, key: str | None, noun: str) -> QMessageBox:
        from PySide6.QtWidgets import QMessageBox

        from hindsight.ui.recovery import HELD_KINDS

        texts = draft.texts()
        quote = " ".join(texts[0].split()) if texts else ""
        if len(quote) > QUOTE_CHARS:
            quote = quote[: QUOTE_CHARS - 1] + "…"
        quote = isolated(quote)  # a right-to-left title keeps its closing quote after it
        doing = "adding" if draft.item_id is None else "editing"
        to = "to" if draft.item_id is None else "of"
        named = key or draft.incident_key or f"incident {draft.incident_id}"
        when = draft.written_at.astimezone().strftime("%Y-%m-%d %H:%M") if draft.written_at else ""
        box = QMessageBox(self.window)
        messages.plain(box)  # it quotes what was typed
        box.setIcon(QMessageBox.Icon.Information)
        box.setWindowTitle("Typing recovered")
        if draft.kind in HELD_KINDS:  # times typed in a page, not saved: no dialog
            what = draft.about.get("what", "A milestone")
            problem = draft.about.get("problem", "")
            where = "Milestones tab" if draft.kind == "held" else "Review page"
            on_review = " on the Review page" if draft.kind != "held" else ""
            box.setText(
                f"While you were typing {what} of {named}{on_review}, a time that could not be "
                f"saved yet{f' ({problem})' if problem else ''}, Hindsight stopped."
            )
            if key is not None:
                box.setInformativeText(
                    f"Restore opens {named} on its {where} with the time as you typed "
                    f"it (last written {when}), to correct there; Discard deletes it."
                )
                return box
        elif draft.kind == "reopen":  # the reason asked for when a review is reopened
            said = f": ‘{quote}’" if quote else "."
            box.setText(
                f"While you were giving the reason to reopen the review of {named}, Hindsight "
                f"stopped{said}"
            )
        elif draft.kind == "ethics":  # notes of the checklist, saved a moment after typing
            said = f": ‘{quote}’" if quote else "."
            box.setText(
                f"While you were writing in the ethics checklist of {named}, before the note "
                f"was saved, Hindsight stopped{said}"
            )
        elif draft.kind == "deletion":  # about a copy of an entry: no item added or edited
            entry = draft.about.get("entry", "an entry")
            said = f": ‘{quote}’" if quote else "."
            box.setText(
                f"While you were confirming the deletion of a copy of {entry} in {named}, "
                f"Hindsight stopped{said}"
            )
        else:
            said = f": ‘{quote}’" if quote else "."
            box.setText(f"While you were {doing} {noun} {to} {named}, Hindsight stopped{said}")
        if key is not None:
            box.setInformativeText(
                f"Restore opens {named} and that dialog with what you typed (last written "
                f"{when}); nothing is stored until you press OK. Discard deletes it."
            )
        else:
            box.setInformativeText(
                f"{named} is no longer in this database, so the dialog cannot be reopened. "
                "What you typed is under Show Details: copy what you need, then discard it."
            )
            box.setDetailedText(draft.labelled_text())
        return box

    def restore_draft(self, draft: Draft, tab: str, then: Callable[[], object]) -> None:
        """Open the draft's incident, then its dialog on the tab `tab`, filled as it was left.

        The draft left behind is deleted once that dialog closes (meanwhile this session
        keeps what the dialog holds); `then` runs after, or at once if the incident was not
        opened after all (another was chosen, or saving the one shown failed).
        """
        window = self.window
        incident_id = draft.incident_id

        def dialog() -> None:
            from hindsight.core.review import ReviewStatus
            from hindsight.ui.recovery import HELD_KINDS

            editor = window.editor
            page = getattr(editor, tab)
            editor.show_tab(tab)
            shown = editor.incident
            if (
                shown is not None
                and shown.review_status is ReviewStatus.PUBLISHED
                and tab != "followups"  # follow-ups go on after publishing
                and draft.kind != "reopen"  # a published review is what is being reopened
            ):
                messages.show_error(
                    window,
                    "Draft kept",
                    f"{shown.key} was published since, and is read-only. The draft is kept: "
                    "it is offered again the next time this database opens, to restore once "
                    "the review is reopened.",
                )
                then()
                return

            journal = window.journal
            if journal is not None:
                # Deleted once this session keeps the reopened dialog's draft (ui/recovery.py).
                journal.replacing(draft)

            def closed() -> None:
                self._discard_draft(draft)
                then()

            def kept() -> None:  # no dialog was reopened after all: the draft stays
                if journal is not None:
                    journal.not_replacing(draft)
                then()

            if tab == "pictures":
                page.restore_draft(draft, then=closed, kept=kept)
            elif tab == "followups":
                page.board.restore_draft(draft, then=closed)
            elif tab == "privacy" and draft.kind == "ethics":
                # Put back as typed and saved a moment later; this session's draft of them
                # replaces the old one (nothing put back: the old one goes now).
                page.pages.setCurrentWidget(page.ethics)
                left = page.ethics.restore_notes(
                    draft.fields, settled=lambda put_back: then() if put_back else closed()
                )
                if left:
                    messages.inform(
                        window,
                        "Notes not put back",
                        "The checklist no longer has these items, so their notes are not put "
                        "back: " + "; ".join(left),
                    )
            elif tab == "privacy":
                page.pages.setCurrentWidget(page.log)
                page.log.restore_draft(draft, then=closed, kept=kept)
            elif draft.kind in HELD_KINDS:
                # Shown held again: the page keeps it anew (replacing the old at once).
                holder = editor if draft.kind == "held" else page
                left = holder.restore_held(draft.fields)
                if left:
                    gone = (
                        "No longer known in the record, so not put back: "
                        if draft.kind == "held"
                        else "Not put back (the question is no longer asked, or its time is no "
                        "longer marked Known): "
                    )
                    tick = "the milestone" if draft.kind == "held" else "Known"
                    messages.inform(
                        window,
                        "Time not put back",
                        gone + "; ".join(left) + f". Tick {tick} and type it again if it is "
                        "still needed.",
                    )
                if editor.held_input():
                    then()
                else:
                    closed()  # nothing held again: nothing will replace the draft
            else:
                page.restore_draft(draft)
                closed()

        if window.showing(incident_id):
            QTimer.singleShot(0, dialog)
            return

        def shown(which: int) -> None:
            window.incidentShown.disconnect(shown)
            if which == incident_id:
                QTimer.singleShot(0, dialog)
            else:
                then()

        window.incidentShown.connect(shown)
        window.list_pane.select_id(incident_id)
        window.open_incident(incident_id)

    def recovered_to_apply(self, stored: Incident, recovered: Any) -> Incident | None:
        """The edits left behind to put back on `stored`, after asking if they clash."""
        from PySide6.QtWidgets import QMessageBox

        from hindsight.services.recovery import Recovered, same_content

        window = self.window
        if not isinstance(recovered, Recovered) or window.journal is None:
            return None
        store = window.journal.store

        def discard() -> None:
            window.ops.submit(lambda: store.discard(recovered), owner=window)

        kept = recovered.incident
        if kept.key != stored.key or same_content(kept, stored):
            discard()  # about an incident deleted since, or stored after all
            return None
        if kept.version != stored.version:
            # Saved elsewhere since: putting the edits back would overwrite that change, and
            # discarding them loses what was typed; neither is the default (Escape: later).
            box = QMessageBox(window)
            box.setIcon(QMessageBox.Icon.Question)
            messages.plain(box)
            box.setWindowTitle("Recovered edits are older")
            box.setText(
                f"{stored.key} has unsaved edits from an earlier session, but it was saved "
                "elsewhere since they were made."
            )
            box.setInformativeText(
                "Put Back Mine replaces the newer version with these edits when saved (its "
                "History keeps the newer one). Discard Mine deletes them. Decide Later opens "
                "the saved version and asks again the next time it opens."
            )
            mine = box.addButton("Put Back Mine", QMessageBox.ButtonRole.AcceptRole)
            drop = box.addButton("Discard Mine", QMessageBox.ButtonRole.DestructiveRole)
            later = box.addButton("Decide Later", QMessageBox.ButtonRole.RejectRole)
            box.setDefaultButton(later)
            box.setEscapeButton(later)
            box.exec()
            chosen = box.clickedButton()
            if chosen is drop:
                discard()
                return None
            if chosen is not mine:
                return None  # kept in the journal: asked again next time
        # Once put back, the editor journals them in its own session.
        discard()
        window.statusBar().showMessage(
            f"Put back unsaved edits of {stored.key} from "
            f"{recovered.written_at.astimezone():%Y-%m-%d %H:%M}; Ctrl+Z undoes it.",
            15000,
        )
        return kept

    def check_integrity_later(self) -> None:
        """Run SQLite's quick check in the background; say so only if it finds damage."""
        window = self.window
        workspace = window.workspace
        if workspace is None:
            return

        def found(problems: list[str]) -> None:
            if problems:
                messages.show_error(
                    window,
                    "Database damaged",
                    f"SQLite's check found damage in {workspace.path}: {problems[0]}. Your "
                    "work so far is in it, but back up now and open your latest backup "
                    "(in the backups folder) if something looks wrong.",
                )

        window.ops.run_long(
            lambda ws, _task: ws.database.quick_problems(),
            found,
            owner=window,
            failed=lambda error: log.warning("quick check failed: %s", error),
            what="check the database",
        )


def _open_workspace(path: Path | ServerAddress, *, make_demo: bool = False) -> Workspace:
    # On the database lane: SQLAlchemy and the migrations load here, not on the GUI thread.
    from hindsight.services.workspace import Workspace

    if make_demo and isinstance(path, Path) and not path.exists():
        from hindsight.services.demo import write_demo_database

        write_demo_database(path)
    return Workspace.open(path, defer=True)  # the ORM loads on first use (services/workspace.py)
