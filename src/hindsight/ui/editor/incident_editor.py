"""The incident editor: the record being edited, its undo history, its saving and recovery.

Editing is incremental. An edit changes the record in place and refreshes the tab on screen;
the other tabs are marked stale and refresh when shown, and each is built the first time it is
shown. Undo keeps a copy of the record at the start of each step, not at every key typed in
one field. Saving hands a copy of the record to the database lane (the GUI thread never waits);
the recovery journal keeps unsaved edits on disk within a moment of typing them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from enum import Enum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QPoint, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from hindsight.core.enums import Phase
from hindsight.core.incident import Incident, clone, stored_ids, take_new_ids
from hindsight.core.review import ReviewStatus
from hindsight.services.errors import (
    ConflictError,
    HindsightError,
    ServerUnreachableError,
    StoreError,
    ValidationError,
)
from hindsight.services.recovery import held_time_text
from hindsight.ui.autosave import Autosaver
from hindsight.ui.clamped_label import ClampedLabel
from hindsight.ui.editor import EditFn, Mutation
from hindsight.ui.editor.attached_page import AttachedPage
from hindsight.ui.editor.overview_tab import OverviewTab
from hindsight.ui.editor.phase_bar import PhaseBar
from hindsight.ui.editor.tab_groups import TabGroups
from hindsight.ui.look import styled
from hindsight.ui.operations import Operations
from hindsight.ui.read_only import set_read_only
from hindsight.ui.undo import SnapshotCommand
from hindsight.ui.vertical_scroll import VerticalScrollArea
from hindsight.vocabulary import vocabulary

if TYPE_CHECKING:
    from hindsight.services.workspace import Workspace
    from hindsight.ui.editor.history_tab import HistoryTab
    from hindsight.ui.editor.milestones_tab import MilestonesTab
    from hindsight.ui.editor.pictures_tab import PicturesTab
    from hindsight.ui.editor.postmortem_tabs import FactorsTab, ImpactTab, LinksTab
    from hindsight.ui.editor.record_tabs import RolesTab, TeamsTab, TimelineTab
    from hindsight.ui.followups.incident_tab import FollowUpsTab
    from hindsight.ui.fuzzy_time_editor import FuzzyTimeEditor
    from hindsight.ui.privacy.privacy_tab import PrivacyTab
    from hindsight.ui.recovery import RecoveryJournal
    from hindsight.ui.review.review_page import ReviewPage
    from hindsight.ui.search.related import RelatedTab

log = logging.getLogger(__name__)

# The pages, in order: attribute name and tab title. A page alone under a top tab has the top
# tab's title (with its Alt key); pages in a group have plain titles on the group's own row.
TABS = (
    ("overview", "&Overview"),
    ("milestones", "Milestones"),
    ("timeline", "Events"),
    ("roles", "Roles"),
    ("teams", "Teams"),
    ("impact", "Impact size"),
    ("factors", "Cause breakdown"),
    ("review", "&Review"),
    ("followups", "Follo&w-ups"),
    ("privacy", "&Privacy"),
    ("related", "Related incidents"),
    ("links", "External links"),
    ("pictures", "Pictures"),
    ("history", "History"),
)
# The top tabs: fourteen pages side by side do not fit a 1366-pixel screen, so related pages
# share a tab. Alt letters: none repeats a menu's (F E I V S).
TAB_GROUPS = (
    ("&Overview", ("overview",)),
    ("Ti&meline", ("milestones", "timeline")),  # the milestones, then every event
    ("Peop&le", ("roles", "teams")),
    ("Impac&t && causes", ("impact", "factors")),
    ("&Review", ("review",)),
    ("Follo&w-ups", ("followups",)),
    ("&Privacy", ("privacy",)),
    ("Lin&ks", ("related", "links", "pictures")),
    # Every letter of it is taken: Incident > Change History (Ctrl+H).
    ("History", ("history",)),
)
TAB_TITLES = dict(TABS)
# The text on each page's own tab: the top tab's for a page alone, else its title in the group.
_TAB_TEXT = {
    name: title if len(names) == 1 else TAB_TITLES[name]
    for title, names in TAB_GROUPS
    for name in names
}

# Tabs whose widgets read a workspace service as they are built (the follow-up regions, the
# ethics checklist): a service made on first use is made on the database lane before them.
_BUILT_WITH: dict[str, tuple[str, ...]] = {"followups": ("followups",), "privacy": ("privacy",)}


# The least height of the tabs and their page; below it the editor scrolls (see __init__).
PAGE_MIN_HEIGHT = 300


class ConflictChoice(Enum):
    """What the user decided when someone else saved the incident first."""

    RELOAD = "reload"
    OVERWRITE = "overwrite"
    KEEP_EDITING = "keep"


def ask_conflict(parent: QWidget, error: ConflictError) -> ConflictChoice:
    """Ask whether to reload the other version or overwrite it with ours."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Changed elsewhere")
    box.setText(
        f"{error.key} was saved from another window or another Hindsight since you opened it."
    )
    box.setInformativeText(
        "Reload Theirs shows their version and drops your unsaved edits. Overwrite with Mine "
        "saves your version over theirs. Keep Editing saves nothing for now."
    )
    reload = box.addButton("Reload Theirs", QMessageBox.ButtonRole.DestructiveRole)
    overwrite = box.addButton("Overwrite with Mine", QMessageBox.ButtonRole.AcceptRole)
    keep = box.addButton("Keep Editing", QMessageBox.ButtonRole.RejectRole)
    # Enter and Escape keep editing: neither copy is lost by a key pressed by habit.
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    box.exec()
    clicked = box.clickedButton()
    if clicked is reload:
        return ConflictChoice.RELOAD
    if clicked is overwrite:
        return ConflictChoice.OVERWRITE
    return ConflictChoice.KEEP_EDITING


class IncidentEditor(QWidget):
    """Edits one incident; every change is undoable and saved without asking."""

    saveStateChanged = Signal(str)
    incidentSaved = Signal(object)  # the stored Incident
    edited = Signal()  # the record changed in memory (an edit, an undo or a redo)

    def __init__(
        self,
        workspace: Workspace,
        ops: Operations,
        parent: QWidget | None = None,
        *,
        journal: RecoveryJournal | None = None,
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.ops = ops  # runs this editor's service calls off the GUI thread
        self.journal = journal
        self._held_keeper: PageDraftKeeper | None = None  # held milestone times, journalled
        if journal is not None:
            from hindsight.ui.recovery import PageDraftKeeper  # loaded with the journal

            self._held_keeper = PageDraftKeeper(journal, self)
        self.incident: Incident | None = None
        self.undo_stack = QUndoStack(self)
        self._open_step: SnapshotCommand | None = None  # the step typing merges into
        self.autosaver = Autosaver(self._save, parent=self)
        self.autosaver.stateChanged.connect(self._say_state)
        self.autosaver.dirtyChanged.connect(self._dirty_changed)
        self._refused: str | None = None  # the last refusal said in a message box
        self.team_names: list[str] = list(vocabulary().team_names)
        # Replaced in tests; ask the user by default.
        self.resolve_conflict: Callable[[ConflictError], ConflictChoice] = lambda error: (
            ask_conflict(self, error)
        )
        self.report_error: Callable[[str], object] = lambda message: QMessageBox.warning(
            self, "Not saved", message
        )

        self.key_label = QLabel()
        styled(self.key_label, "incidentKey")
        self.title_label = ClampedLabel(max_lines=2)  # a long title leaves the tabs room
        styled(self.title_label, "incidentTitle")
        self.severity_label = QLabel()
        styled(self.severity_label, "severityBadge")
        self.severity_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.severity_label.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.phase_bar = PhaseBar()
        self.phase_bar.phaseChosen.connect(self._phase_chosen)
        self.published_banner = QWidget()
        self.published_banner.setObjectName("publishedBanner")
        self.published_text = QLabel()
        self.published_text.setWordWrap(True)
        self.reopen_button = QPushButton("Reopen…")
        self.reopen_button.clicked.connect(lambda: self.review.reopen())
        banner = QHBoxLayout(self.published_banner)
        banner.setContentsMargins(8, 4, 8, 4)
        banner.addWidget(self.published_text, 1)
        banner.addWidget(self.reopen_button)
        self.published_banner.hide()

        # Tabs are built the first time they are needed; until then a placeholder stands in.
        self.tabs = TabGroups()
        self._pages: dict[str, QWidget] = {}
        self._placeholders: dict[str, QWidget] = {}
        self._stale: set[str] = set()
        self.attached_pages: list[AttachedPage] = []
        for group_title, names in TAB_GROUPS:
            pages = []
            for name in names:
                placeholder = QWidget()
                self._placeholders[name] = placeholder
                pages.append((placeholder, _TAB_TEXT[name]))
            self.tabs.add_group(group_title, pages)
        self._page("overview")
        self.tabs.pageChanged.connect(self._tab_shown)

        heading = QHBoxLayout()
        heading.addWidget(self.key_label)
        heading.addWidget(self.title_label, 1)
        heading.addWidget(self.severity_label, 0, Qt.AlignmentFlag.AlignTop)
        body = QWidget()
        body.setObjectName("editorBody")
        layout = QVBoxLayout(body)
        layout.addLayout(heading)
        layout.addWidget(self.phase_bar)
        layout.addWidget(self.published_banner)
        layout.addWidget(self.tabs, 1)
        # A window too short for the heading and a usable page (a 2x scale on a 768-pixel
        # screen leaves the editor about 330 pixels) scrolls the editor as a whole: the page
        # keeps PAGE_MIN_HEIGHT instead of shrinking to a sliver under the heading.
        self.tabs.setMinimumHeight(PAGE_MIN_HEIGHT)
        self.body_scroll = VerticalScrollArea(body)
        self.body_scroll.setObjectName("editorScroll")
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.body_scroll)
        # A field focused from elsewhere (a search hit, a privacy finding) is scrolled to.
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._show_focused)

    def _show_focused(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is None or not self.isAncestorOf(new):
            return
        # Each scroll area around the field, the page's own first, then the editor's; one that
        # shows any of the field already (a click landed on it) is left where it is.
        holder = new.parentWidget()
        while holder is not None and holder is not self:
            if isinstance(holder, QScrollArea):
                viewport = holder.viewport()
                place = QRect(new.mapTo(viewport, QPoint(0, 0)), new.size())
                if not place.intersects(viewport.rect()):
                    holder.ensureWidgetVisible(new, 0, 0)
            holder = holder.parentWidget()

    # Tabs, built on first use

    def _make(self, name: str) -> QWidget:
        # Imported here: each tab's modules load when the tab is first needed, not at start-up.
        edit = self._edit_from(name)
        if name == "overview":
            return OverviewTab(edit)
        if name == "milestones":
            from hindsight.ui.editor.milestones_tab import MilestonesTab

            return MilestonesTab(edit)
        if name in ("timeline", "roles", "teams"):
            from hindsight.ui.editor import record_tabs

            if name == "teams":
                return record_tabs.TeamsTab(edit, lambda: self.team_names)
            kind = record_tabs.TimelineTab if name == "timeline" else record_tabs.RolesTab
            return kind(edit)
        if name in ("impact", "factors", "links"):
            from hindsight.ui.editor import postmortem_tabs

            if name == "factors":
                return postmortem_tabs.FactorsTab(edit, self._trigger_kinds)
            tab = postmortem_tabs.ImpactTab if name == "impact" else postmortem_tabs.LinksTab
            return tab(edit)
        if name == "review":
            from hindsight.ui.review.review_page import ReviewPage

            review = ReviewPage(edit, lambda: self.workspace.review)
            review.set_ops(self.ops)
            review.before_move = self.save_then
            review.current = lambda: self.incident
            review.statusChanged.connect(self._status_moved)
            review.targetActivated.connect(lambda target: self.privacy.focus_target(target))
            return review
        if name == "followups":
            from hindsight.ui.followups.incident_tab import FollowUpsTab

            return FollowUpsTab(self.ops, self.undo_stack)
        if name == "privacy":
            from hindsight.ui.privacy.privacy_tab import PrivacyTab

            privacy = PrivacyTab(self)
            # A checklist note waiting to be saved: the status bar never says "Saved" over it.
            privacy.ethics.savingChanged.connect(
                lambda: self._say_state("Unsaved changes" if self.autosaver.dirty else "Saved")
            )
            return privacy
        if name == "pictures":
            from hindsight.ui.editor.pictures_tab import PicturesTab

            return PicturesTab(self.ops)
        if name == "related":
            from hindsight.ui.search.related import RelatedTab

            return RelatedTab(self.ops)
        if name == "history":
            from hindsight.ui.editor.history_tab import HistoryTab

            return HistoryTab(self.ops)
        raise KeyError(name)

    def _trigger_kinds(self) -> list[tuple[str, str]]:
        """(code, label) of the trigger kinds the question bank in use offers."""
        question = self.workspace.review.bank.question("trigger.kind")
        return [(o.id, o.label) for o in question.options] if question else []

    def _page(self, name: str) -> Any:
        """The tab `name`, built if need be, and showing the record as it is now."""
        page = self._pages.get(name)
        if page is not None:
            if name in self._stale:
                self._refresh_page(name)
            return page
        page = self._make(name)
        self._pages[name] = page
        placeholder = self._placeholders.pop(name)
        self.tabs.replace(placeholder, page, _TAB_TEXT[name])
        placeholder.deleteLater()
        if isinstance(page, AttachedPage):
            self.attached_pages.append(page)
            if self.incident is not None:
                page.open_incident(self.incident)
        elif self.incident is not None:
            self._show_in(name, page)
        return page

    def _name_of(self, widget: QWidget | None) -> str | None:
        for name, page in self._pages.items():
            if page is widget:
                return name
        for name, placeholder in self._placeholders.items():
            if placeholder is widget:
                return name
        return None

    def _tab_shown(self) -> None:
        name = self._name_of(self.tabs.currentWidget())
        if name is None:
            return
        needs = _BUILT_WITH.get(name, ())
        if name not in self._pages and needs and not self._services_made(needs):
            # Just after start the service may not be made yet (it loads the ORM): it is made
            # on the database lane, and the tab is built when it is there.
            self.ops.run(
                lambda ws: [getattr(ws, need) for need in needs],
                lambda _: self._tab_shown(),
                owner=self,
                what="prepare the tab",
            )
            return
        self._page(name)
        if name in self._stale:
            self._refresh_page(name)

    def _services_made(self, names: tuple[str, ...]) -> bool:
        ops = self.ops
        return not ops.has_workspace or ops.workspace.made(*names)

    @property
    def overview(self) -> OverviewTab:
        return self._page("overview")

    @property
    def milestones(self) -> MilestonesTab:
        return self._page("milestones")

    @property
    def timeline(self) -> TimelineTab:
        return self._page("timeline")

    @property
    def roles(self) -> RolesTab:
        return self._page("roles")

    @property
    def teams(self) -> TeamsTab:
        return self._page("teams")

    @property
    def impact(self) -> ImpactTab:
        return self._page("impact")

    @property
    def factors(self) -> FactorsTab:
        return self._page("factors")

    @property
    def links(self) -> LinksTab:
        return self._page("links")

    @property
    def review(self) -> ReviewPage:
        return self._page("review")

    @property
    def followups(self) -> FollowUpsTab:
        return self._page("followups")

    @property
    def privacy(self) -> PrivacyTab:
        return self._page("privacy")

    @property
    def related(self) -> RelatedTab:
        return self._page("related")

    @property
    def pictures(self) -> PicturesTab:
        return self._page("pictures")

    @property
    def history(self) -> HistoryTab:
        return self._page("history")

    def current_tab(self) -> str | None:
        """The name of the tab on screen ('overview', 'review' ...)."""
        return self._name_of(self.tabs.currentWidget())

    def show_tab(self, name: str) -> None:
        """Bring the tab `name` to the front (building it if need be)."""
        self.tabs.setCurrentWidget(self._page(name))

    # Loading and editing

    def load(self, incident: Incident, *, recovered: Incident | None = None) -> None:
        """Show `incident` for editing; the undo history starts afresh.

        With `recovered`, the unsaved edits found in the recovery journal are put back on top
        of the stored record, as one undoable step, and saved like any other edit.
        """
        self.autosaver.discard()
        self._drop_held_input()
        self.undo_stack.clear()
        self._open_step = None
        self.incident = incident
        self._refresh_all()
        for page in self.attached_pages:
            page.open_incident(incident)
        self.autosaver.announce()
        if recovered is not None:
            self._put_back(recovered)

    def clear(self) -> None:
        """Show nothing (the incident was deleted, or another database opened)."""
        self.autosaver.discard()
        self._drop_held_input()
        self.undo_stack.clear()
        self._open_step = None
        self.incident = None

    def _edit_from(self, origin: str) -> EditFn:
        """The edit function of the tab `origin`: its edits refresh it even when hidden."""

        def edit(label: str, mutate: Mutation, merge_key: str | None = None) -> None:
            self.edit(label, mutate, merge_key, origin=origin)

        return edit

    def edit(
        self,
        label: str,
        mutate: Mutation,
        merge_key: str | None = None,
        *,
        origin: str | None = None,
    ) -> None:
        """Apply `mutate` to the record, as one undoable step (typing in one field merges)."""
        incident = self.incident
        if incident is None:
            return
        if incident.review_status is ReviewStatus.PUBLISHED:
            self.saveStateChanged.emit("Published: reopen the review to edit")
            return
        step = self._open_step
        merging = (
            merge_key is not None
            and step is not None
            and step.merge_key == merge_key
            and self.undo_stack.command(self.undo_stack.index() - 1) is step
        )
        if merging:
            mutate(incident)
        else:
            self._close_step()
            before = clone(incident)
            mutate(incident)
            if incident == before:
                return
            step = SnapshotCommand(
                self._restore, before, self._snapshot, label, merge_key, self._revealer(origin)
            )
            self.undo_stack.push(step)
            self._open_step = step
        self._changed(origin=origin)

    def _revealer(self, origin: str | None) -> Callable[[], None] | None:
        """What brings the tab `origin` to the front, when an edit made there is undone."""
        if origin is None:
            return None

        def reveal() -> None:
            if self.current_tab() != origin:
                self.show_tab(origin)

        return reveal

    def _put_back(self, recovered: Incident) -> None:
        incident = self.incident
        assert incident is not None
        self._close_step()
        before = clone(incident)
        restored = clone(recovered)
        restored.id, restored.key, restored.version = incident.id, incident.key, incident.version
        restored.created_at, restored.updated_at = incident.created_at, incident.updated_at
        restored.review_status = incident.review_status
        self.incident = restored
        self.undo_stack.push(
            SnapshotCommand(self._restore, before, self._snapshot, "Restore unsaved edits")
        )
        self._changed(everything=True)

    def _snapshot(self) -> Incident:
        assert self.incident is not None
        return clone(self.incident)

    def _close_step(self) -> None:
        # Typing in another field (or an undo) starts a new step: keep the record as it is now.
        if self._open_step is not None and self.incident is not None:
            self._open_step.close()
        self._open_step = None

    def _restore(self, snapshot: Incident) -> None:
        # Identity and version belong to the stored record, not to the undo history.
        self._open_step = None
        current = self.incident
        restored = clone(snapshot)
        if current is not None:
            restored.id, restored.key, restored.version = current.id, current.key, current.version
            restored.created_at, restored.updated_at = current.created_at, current.updated_at
        self.incident = restored
        self._changed(everything=True)

    def _changed(self, *, everything: bool = False, origin: str | None = None) -> None:
        if everything:
            self._refresh_all()
        else:
            # The tab on screen and the one the edit came from show it now; the rest later.
            self._refresh_header()
            shown = {self.current_tab(), origin} - {None}
            self._stale.update(name for name in self._pages if name not in shown)
            for name in shown:
                if name in self._pages:
                    self._refresh_page(name)
        self.autosaver.touch()
        if self.journal is not None and self.incident is not None:
            self.journal.keep(self.incident)
        self.edited.emit()

    def _status_moved(self, stored: Incident) -> None:
        self.load(stored)
        self.incidentSaved.emit(stored)

    def _phase_chosen(self, phase: Phase) -> None:
        self.edit("Change phase", lambda i: setattr(i, "phase", phase))

    def refresh(self) -> None:
        """Show the record again (after a setting such as the question bank changed)."""
        self._refresh_all()

    def _refresh_all(self) -> None:
        self._refresh_header()
        self._stale = set(self._pages)
        current = self.current_tab()
        if current is not None and current in self._pages:
            self._refresh_page(current)

    def _refresh_header(self) -> None:
        incident = self.incident
        if incident is None:
            return
        self.key_label.setText(incident.key)
        self.title_label.setText(incident.title or "(untitled)")
        severity = incident.severity.value
        if self.severity_label.text() != severity:
            self.severity_label.setText(severity)
            self.severity_label.setProperty("severity", severity)
            self.severity_label.setToolTip(vocabulary().severity_definitions[incident.severity])
            self.severity_label.style().unpolish(self.severity_label)
            self.severity_label.style().polish(self.severity_label)
        self.phase_bar.set_phase(incident.phase)
        # A published review is read-only until someone reopens it: say so on every tab.
        published = incident.review_status is ReviewStatus.PUBLISHED
        self.phase_bar.setEnabled(not published)
        self.published_banner.setVisible(published)
        if published:
            self.published_text.setText(
                f"{incident.key} is published and read-only. Reopen its review to change it "
                "(the reason is recorded)."
            )

    def _refresh_page(self, name: str) -> None:
        self._stale.discard(name)
        page = self._pages.get(name)
        if page is not None and self.incident is not None:
            self._show_in(name, page)

    def _show_in(self, name: str, page: Any) -> None:
        incident = self.incident
        assert incident is not None
        if isinstance(page, AttachedPage):
            return  # their records are saved apart; they reload when an incident opens
        page.show_incident(incident)
        if name != "review":  # the review page says it itself, beside its Reopen button
            # Read-only, not disabled: a published review's pages still scroll, and their
            # text can be selected and copied (set after show_incident, which may add rows).
            set_read_only(page, incident.review_status is ReviewStatus.PUBLISHED)

    # Saving

    @property
    def dirty(self) -> bool:
        """True while edits are waiting to be saved (or being saved), or input is held."""
        return self.autosaver.dirty or bool(self.held_input())

    def held_input(self) -> list[FuzzyTimeEditor]:
        """The time fields of the tabs whose typed input cannot be saved as it stands."""
        from hindsight.ui.fuzzy_time_editor import FuzzyTimeEditor

        return [
            field
            for field in self.findChildren(FuzzyTimeEditor)
            if field.held_problem is not None and field.window() is self.window()
        ]

    def held_input_changed(self, _field: object) -> None:
        """A time field started or stopped holding input (called by the field)."""
        self._say_state("Unsaved changes" if self.autosaver.dirty else "Saved")
        self._keep_held()

    def held_input_edited(self, _field: object) -> None:
        """A time field holding input was edited further (called by the field)."""
        self._keep_held()

    def _held_milestones(self) -> dict[Phase, FuzzyTimeEditor]:
        page = self._pages.get("milestones")
        editors: dict[Phase, FuzzyTimeEditor] = getattr(page, "editors", {})
        return {
            phase: field
            for phase, field in editors.items()
            if field.held_problem is not None and field.window() is self.window()
        }

    def _keep_held(self) -> None:
        # Held milestone times are not in the record, so not in its journal: a draft keeps
        # them (ui/recovery.py PageDraftKeeper), and Restore shows them again (restore_held).
        keeper, incident = self._held_keeper, self.incident
        if keeper is None:
            return
        if incident is None:
            keeper.keep(None, "", {}, {})
            return
        from hindsight.ui.recovery import field_value

        held = self._held_milestones()
        fields = {phase.value: field_value(field) for phase, field in held.items()}
        first = next(iter(held.values()), None)
        about = {"what": first.what, "problem": first.held_problem or ""} if first else {}
        keeper.keep(incident.id, incident.key, fields, about)

    def restore_held(self, fields: dict[str, Any]) -> list[str]:
        """Show milestone times a draft kept as they were typed, held again with their
        message; the milestones they could not be shown in (not known in the record now),
        each with what was typed."""
        from hindsight.ui.recovery import set_field_value

        page = self.milestones
        words = vocabulary().milestone_labels
        left = []
        for name, value in fields.items():
            phase = next((p for p in page.editors if p.value == name), None)
            if phase is None:
                log.warning("held time of an unknown milestone %r not put back", name)
                continue
            if not page.boxes[phase].isChecked():
                held = value.get("held") if isinstance(value, dict) else None
                left.append(f"{words[phase]}: {held_time_text(held)}")
                continue
            set_field_value(page.editors[phase], value)
        return left

    def _say_state(self, state: str) -> None:
        held = self.held_input()
        if held and state == "Saved":
            state = f"Not saved: {held[0].what}: {held[0].held_problem}"
        privacy = self._pages.get("privacy")
        if state == "Saved" and privacy is not None:
            from hindsight.ui.privacy.privacy_tab import PrivacyTab  # loaded with the page

            if isinstance(privacy, PrivacyTab) and privacy.ethics.unsaved_notes():
                state = "Unsaved changes"  # a checklist note, saved a moment after typing
        self.saveStateChanged.emit(state)

    def let_go_of_held_input(self) -> bool:
        """Ask whether to drop input that cannot be saved; True when none is left.

        Keeping it shows the first such field; dropping it puts back the time saved before.
        """
        held = self.held_input()
        if not held:
            return True
        first = held[0]
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Time not saved",
            f"{first.what} cannot be saved as typed: {first.held_problem}.\n\n"
            "Correct it, or discard what was typed there and keep the time saved before.",
            parent=self,
        )
        discard = box.addButton("Discard Typed Time", QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton("Keep Editing", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        if self.ask_about_held(box) is discard:
            for field in held:
                field.revert()
            return True
        self.show_field(first)
        return False

    def _drop_held_input(self) -> None:
        # Another record replaces this one (or none): a time typed for it is not for that.
        for field in self.held_input():
            field.revert()

    def ask_about_held(self, box: QMessageBox) -> object:
        """Show `box` and return the button clicked (replaced in tests)."""
        box.exec()
        return box.clickedButton()

    def show_field(self, field: QWidget) -> None:
        """Bring the tab holding `field` to the front and put the keyboard there."""
        holder: QWidget | None = field
        while holder is not None and self._name_of(holder) is None:
            holder = holder.parentWidget()
        if holder is not None:
            self.tabs.setCurrentWidget(holder)
        field.setFocus()

    def save_now(self) -> None:
        """Start saving pending edits now (Ctrl+S); the GUI thread does not wait for it."""
        self.save_then(None)

    def save_then(self, then: Callable[[bool], None] | None, *, leaving: bool = True) -> None:
        """Save pending edits, then call `then(True)`; `then(False)` if they were not saved.

        When a time field holds input that cannot be saved, `then(False)` follows, unless
        `leaving` (the caller goes on to something else) and the user drops that input.

        Attached pages queue their own pending saves first (a checklist note, say); they run
        on the same lane before the record's, so all is stored when `then` is called.
        """
        for page in self.attached_pages:
            page.flush()
        self._refused = None  # asked for: a refusal is said in a message box again
        if then is None:
            self.autosaver.flush(None)
            return

        def stored(saved: bool) -> None:
            # A time typed that cannot be saved: `then` hears "saved" only once it is
            # dropped, with the user's word; kept, it is not saved.
            if saved and self.held_input():
                saved = leaving and self.let_go_of_held_input()
            then(saved)

        self.autosaver.flush(stored)

    def _dirty_changed(self, dirty: bool) -> None:
        if not dirty and self.journal is not None and self.incident is not None:
            self.journal.forget(self.incident)

    def _save(self, done: Callable[[bool], None], overwrite: bool = False) -> None:
        incident = self.incident
        if incident is None:
            done(True)
            return
        self._close_step()
        snapshot = clone(incident)
        known = stored_ids(snapshot)

        def saved(stored: Incident) -> None:
            self._refused = None
            # Keep the object being edited; take the stored identity and version, and the ids
            # of the records that were new (else the next save would store them again).
            if self.incident is incident:
                incident.version, incident.updated_at = stored.version, stored.updated_at
                incident.review_progress = stored.review_progress
                take_new_ids(incident, stored, known)
            self.incidentSaved.emit(stored)
            done(True)

        def failed(error: Exception) -> None:
            if isinstance(error, ConflictError):
                self._on_conflict(error, done)
                return
            if isinstance(error, ServerUnreachableError):
                # The status bar says the server is away; the edits stay here and in the
                # recovery journal, and are saved once it answers (ui/window_database.py).
                self.saveStateChanged.emit("Not saved: server unreachable, edits kept")
                done(False)
                return
            message = str(error) if isinstance(error, HindsightError) else repr(error)
            if isinstance(error, ValidationError | StoreError):
                # Said in the status bar at every refused save; in a message box once, not at
                # every pause in typing (it took the keyboard from the field being fixed).
                short = error.short if isinstance(error, StoreError) else message
                self.saveStateChanged.emit(f"Not saved: {short}")
                if message != self._refused:
                    self._refused = message
                    self.report_error(message)
                done(False)
                return
            self.saveStateChanged.emit("Not saved")
            self.report_error(message)
            done(False)

        self.ops.run(
            lambda ws: ws.incidents.save(snapshot, overwrite=overwrite),
            saved,
            owner=self,
            failed=failed,
            initiator=self,
            what="save the incident",
        )

    def _on_conflict(self, error: ConflictError, done: Callable[[bool], None]) -> None:
        choice = self.resolve_conflict(error)
        if choice is ConflictChoice.OVERWRITE:
            self._save(done, overwrite=True)
            return
        if choice is ConflictChoice.RELOAD and self.incident is not None:
            incident_id = self.incident.id or 0

            def reloaded(fresh: Incident) -> None:
                done(True)  # nothing is pending any more: their version replaces ours
                self.load(fresh)
                self.incidentSaved.emit(fresh)

            self.ops.run(
                lambda ws: ws.incidents.get(incident_id),
                reloaded,
                owner=self,
                failed=lambda _error: done(False),
                what="reload the incident",
            )
            return
        self.saveStateChanged.emit("Not saved: changed elsewhere")
        done(False)

    def reload_if_clean(self) -> None:
        """Someone else saved the open incident: show their version unless we are editing."""
        if self.incident is None or self.dirty:
            return
        incident_id = self.incident.id or 0

        def fresh(stored: Incident) -> None:
            incident = self.incident
            if (
                incident is not None
                and incident.id == stored.id
                and not self.dirty
                and stored.version != incident.version
            ):
                current = self.current_tab()
                self.load(stored)
                if current is not None:
                    self.show_tab(current)

        self.ops.run(lambda ws: ws.incidents.get(incident_id), fresh, owner=self, what="reload")

    def schedule_team_names(self) -> None:
        """Refresh the team names offered in the Teams dialog (bundled ones, then in use)."""
        bundled = vocabulary().team_names

        def names(found: list[str]) -> None:
            self.team_names = found

        QTimer.singleShot(
            0,
            lambda: self.ops.run(
                lambda ws: ws.team_names(bundled), names, owner=self, what="read team names"
            ),
        )
