"""Alt letters: no two live at once in one window, each does what it says, none types a letter."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QAbstractButton, QApplication, QGroupBox, QLabel, QWidget
from tests.ui.incident_data import fill_incident

from hindsight.services.workspace import Workspace
from hindsight.ui.editor.dialogs import EventDialog, RoleDialog, TeamDialog
from hindsight.ui.editor.pictures_tab import CaptionDialog
from hindsight.ui.editor.postmortem_tabs import FactorDialog, ImpactDialog, LinkDialog
from hindsight.ui.main_window import MainWindow
from hindsight.ui.privacy.access_dialog import AccessDialog, ConfirmDeletionDialog
from hindsight.ui.privacy.patterns_dialog import PatternsDialog

from .conftest import open_incident, settle

MY_TABS = (
    "overview",
    "milestones",
    "timeline",
    "roles",
    "teams",
    "impact",
    "factors",
    "review",
    "privacy",
    "links",
    "pictures",
)
# GNOME's platform theme names dialog buttons "&OK", "&Cancel", "&Save", "&Close".
DIALOG_BUTTON_LETTERS = ("O", "C")


def letter(text: str) -> str | None:
    """The Alt letter of a text with a mnemonic ('&Roles' -> 'R'), if it has one."""
    sequence = QKeySequence.mnemonic(text)
    return sequence.toString().removeprefix("Alt+").upper() or None


def live_letters(root: QWidget) -> list[tuple[str, str]]:
    """(letter, text) of every mnemonic under `root` that is live now (its widget visible)."""
    found = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisible():
            continue
        text = ""
        if isinstance(widget, QAbstractButton) or (
            isinstance(widget, QLabel) and widget.buddy() is not None
        ):
            text = widget.text()
        elif isinstance(widget, QGroupBox):
            text = widget.title()
        key = letter(text) if text else None
        if key:
            found.append((key, text))
    return found


def window_letters(window: MainWindow) -> list[tuple[str, str]]:
    """The menus' and the editor tabs' letters: live whichever tab is shown."""
    found = [(letter(a.text()), a.text()) for a in window.menuBar().actions()]
    tabs = window.editor.tabs
    found += [(letter(tabs.tabText(i)), tabs.tabText(i)) for i in range(tabs.count())]
    return [(key, text) for key, text in found if key]


def clashes(letters: list[tuple[str, str]]) -> list[str]:
    counts = Counter(key for key, _ in letters)
    return [
        f"Alt+{key}: " + ", ".join(text for k, text in letters if k == key)
        for key, count in counts.items()
        if count > 1
    ]


def open_full(make_window, db_path, qtbot) -> MainWindow:
    workspace = Workspace.open(db_path)
    try:
        incident = fill_incident(workspace, lambda field: f"Text of {field}", year=2025)
    finally:
        workspace.close()
    window = make_window(db_path)
    open_incident(qtbot, window, incident.id)
    qtbot.waitUntil(lambda: not window.ops.busy)
    return window


def test_no_two_live_alt_letters_clash_on_any_of_my_tabs(make_window, db_path, qtbot):
    window = open_full(make_window, db_path, qtbot)
    editor = window.editor
    found = []
    for name in MY_TABS:
        page = getattr(editor, name)
        editor.tabs.setCurrentWidget(page)
        pages = [None] if name != "privacy" else range(page.pages.count())
        for index in pages:
            if index is not None:
                page.pages.setCurrentIndex(index)
            letters = window_letters(window) + live_letters(page)
            found += [f"{name}/{index}: {clash}" for clash in clashes(letters)]
    assert not found, "\n".join(found)


def test_no_alt_letter_clashes_in_my_dialogs(make_window, db_path, qtbot):
    window = open_full(make_window, db_path, qtbot)
    window.editor.show_tab("privacy")  # built on first use; it reads its record off the GUI thread
    settle(qtbot, window)
    access = window.editor.privacy.log.accesses[0]
    dialogs = [
        EventDialog(None, window),
        RoleDialog(None, window),
        TeamDialog(None, ["SRE"], window),
        AccessDialog("Tester", access, window),
        ConfirmDeletionDialog(window.editor.privacy.log.accesses[1], "Tester", window),
        PatternsDialog(window),
        ImpactDialog(None, window),
        FactorDialog(None, window, triggers=[("deploy", "A deployment")]),
        LinkDialog(None, window),
        CaptionDialog("graph.png", "", window),
    ]
    found = []
    for dialog in dialogs:
        dialog.show()
        reserved = [(key, "a dialog button") for key in DIALOG_BUTTON_LETTERS]
        letters = [(k, t) for k, t in live_letters(dialog) if t not in ("OK", "Cancel")]
        found += [f"{type(dialog).__name__}: {c}" for c in clashes(letters + reserved)]
        dialog.close()
    assert not found, "\n".join(found)


def test_each_tab_and_overview_letter_does_what_it_says(make_window, db_path, qtbot):
    window = open_full(make_window, db_path, qtbot)
    editor = window.editor
    tabs = editor.tabs
    editor.tabs.setCurrentWidget(editor.overview)
    editor.overview.title.setFocus()
    # Tabs without a letter are reached by a menu shortcut instead.
    by_shortcut = {"History": window.history_action}
    for index in range(tabs.count()):
        key = letter(tabs.tabText(index))
        if key is None:
            action = by_shortcut[tabs.tabText(index)]
            tabs.setCurrentWidget(editor.overview)
            qtbot.keySequence(QApplication.focusWidget(), action.shortcut())
        else:
            modifier = Qt.KeyboardModifier.AltModifier
            qtbot.keyClick(QApplication.focusWidget(), key.lower(), modifier)
        assert tabs.currentIndex() == index, tabs.tabText(index)
    tabs.setCurrentWidget(editor.overview)
    for label in editor.overview.findChildren(QLabel):
        key = letter(label.text()) if label.buddy() is not None else None
        if key is None:
            continue
        start = QApplication.focusWidget()
        qtbot.keyClick(start, key.lower(), Qt.KeyboardModifier.AltModifier)
        assert QApplication.focusWidget() is label.buddy(), label.text()


def test_an_alt_letter_nothing_takes_types_nothing(make_window, db_path, qtbot):
    window = open_full(make_window, db_path, qtbot)
    editor = window.editor
    editor.tabs.setCurrentWidget(editor.milestones)
    note = next(iter(editor.milestones.editors.values())).note
    note.setFocus()
    before = note.text()
    # Alt+U is the Summary label's letter, on the Overview tab: not live here.
    qtbot.keyClick(note, "u", Qt.KeyboardModifier.AltModifier)
    qtbot.keyClick(note, "q", Qt.KeyboardModifier.AltModifier)
    assert note.text() == before
    assert editor.tabs.currentWidget() is editor.milestones
    qtbot.keyClick(note, Qt.Key.Key_End)
    qtbot.keyClick(note, "q")  # plain typing still types
    assert note.text() == before + "q"


def test_ctrl_e_exports_from_a_single_line_field_too(qtbot):
    # On Linux (Qt's X11 key scheme) a line edit takes Ctrl+E for "end of line": the menu's
    # Export did nothing while the cursor was in the title. The offscreen platform has no such
    # binding, so this field takes Ctrl+E as an X11 line edit does.
    from PySide6.QtGui import QAction, QKeySequence
    from PySide6.QtWidgets import QLineEdit, QMainWindow

    from hindsight.ui.keyboard import install_alt_letter_guard

    class X11LineEdit(QLineEdit):
        def event(self, event):
            if (
                event.type() == event.Type.ShortcutOverride
                and event.key() == Qt.Key.Key_E
                and event.modifiers() == Qt.KeyboardModifier.ControlModifier
            ):
                event.accept()  # "mine: end of line"
                return True
            return super().event(event)

    install_alt_letter_guard(QApplication.instance())
    window = QMainWindow()
    qtbot.addWidget(window)
    field = X11LineEdit("Stale ranking")
    window.setCentralWidget(field)
    asked: list[bool] = []
    export = QAction("&Export…", window)
    export.setShortcut(QKeySequence("Ctrl+E"))
    export.triggered.connect(lambda: asked.append(True))
    window.addAction(export)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    field.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is field)
    field.setCursorPosition(0)
    qtbot.keyClick(field, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    assert asked == [True]
    assert field.cursorPosition() == 0  # the field did not take the key
    qtbot.keyClick(field, Qt.Key.Key_End)
    assert field.cursorPosition() == len(field.text())  # End still goes to the end


def test_tab_leaves_a_multi_line_field_for_the_next_control(qtbot):
    # Record access's Justification took Tab as a character: a keyboard user could not leave
    # it forwards (found by trying the app without a mouse).
    from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget

    from hindsight.ui.keyboard import install_alt_letter_guard

    install_alt_letter_guard(QApplication.instance())
    form = QWidget()
    qtbot.addWidget(form)
    notes = QPlainTextEdit()
    after = QLineEdit()
    layout = QVBoxLayout(form)
    layout.addWidget(notes)
    layout.addWidget(after)
    form.show()
    qtbot.waitExposed(form)
    form.activateWindow()
    notes.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is notes)
    qtbot.keyClicks(notes, "why")
    qtbot.keyClick(notes, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is after
    assert notes.toPlainText() == "why"


def test_every_field_letter_of_record_access_lands_on_a_field(qtbot):
    # Alt+A (Approver) and Alt+V (Volume) went to a row holding the field, which takes no
    # focus: nothing happened (found by trying the app without a mouse; a first fix gave the
    # rows a focus proxy, which Qt's labels do not follow).
    from PySide6.QtWidgets import QLabel

    from hindsight.ui.privacy.access_dialog import AccessDialog

    dialog = AccessDialog("Tester")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    dead = []
    for label in dialog.findChildren(QLabel):
        if "&" not in label.text().replace("&&", "") or not label.isVisible():
            continue
        buddy = label.buddy()
        if buddy is None or buddy.focusPolicy() == Qt.FocusPolicy.NoFocus:
            dead.append(label.text())
    assert not dead, dead
    dialog.accessor.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.accessor)
    qtbot.keyClick(dialog.accessor, Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is dialog.volume
    qtbot.keyClick(dialog.volume, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is dialog.approver


def test_each_menu_letter_is_one_items(make_window, db_path, qtbot):
    # In the File menu "i" chose Export Insights, not Import (both had &I; found by QA).
    window = make_window(db_path)
    clashes_found = []
    for menu in (action.menu() for action in window.menuBar().actions()):
        if menu is None:
            continue
        letters: dict[str, str] = {}
        for action in menu.actions():
            text = action.text().replace("&&", "")
            if "&" not in text:
                continue
            letter = text[text.index("&") + 1].lower()
            if letter in letters:
                clashes_found.append(f"{menu.title()}: {letters[letter]} / {text}")
            letters[letter] = text
    assert not clashes_found, clashes_found
