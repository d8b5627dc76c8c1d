"""Small conversions between Hindsight values and Qt widgets, shared by the UI."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from enum import Enum
from typing import Any, TypeVar, cast

from PySide6.QtCore import QByteArray, QDate, QDateTime, QRect, Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QApplication,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTableView,
    QTreeView,
    QWidget,
)

from hindsight.core.fuzzy_time import FIRST_YEAR, LAST_YEAR, FuzzyTime, days_text
from hindsight.ui.look import styled

E = TypeVar("E", bound=Enum)

DISPLAY_FORMAT = "yyyy-MM-dd HH:mm"


def to_qdatetime(moment: datetime) -> QDateTime:
    """A UTC-aware datetime as a local QDateTime (times are shown in local time)."""
    return QDateTime.fromMSecsSinceEpoch(int(moment.timestamp() * 1000))


def from_qdatetime(moment: QDateTime) -> datetime:
    """A QDateTime as a UTC-aware datetime, to the second."""
    return datetime.fromtimestamp(moment.toSecsSinceEpoch(), UTC)


def local_text(moment: datetime | None) -> str:
    """A UTC datetime shown in local time, or an empty string."""
    if moment is None:
        return ""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def fuzzy_text(when: FuzzyTime) -> str:
    """'2026-03-16 09:12' for an exact time; the best guess and its range for a fuzzy one."""
    if when.by_day:
        # Known only to the day: the day (or days), never an hour nobody knew.
        return days_text(when).replace(" (best", "\n(best")
    if when.is_exact:
        return local_text(when.best)
    # Ranges wider than a couple of days read better as dates alone.
    width = 10 if when.width.days >= 2 else 16
    low, high = local_text(when.earliest)[:width], local_text(when.latest)[:width]
    return f"{local_text(when.best)}\n≈ {low} – {high}"


class _TypedWhole:
    """Lets a date be typed whole, as written: '2030-01-02 03:04'; refuses one that is none.

    Qt takes a date field's keys section by section. With the whole text selected (Ctrl+A, a
    triple click) it refused every digit of the year, and a separator typed after a section
    it had left on its own (a year's four digits) skipped the next section too: typed in
    full, 2030-01-02 03:04 became 2030-12-01 02:03 without a word.

    Nor did Qt say when a date typed whole was none: a digit no date can have was dropped
    (2026-13-01 became 2026-01-01), a day past the month's end cut to its last day (04-31 to
    04-30), and a first digit no second could follow (the 3 of a 30th of February) made it
    move on, so the next digit went into the next section (2026-02-30 10:00 became
    2026-02-03 01:00). Such a date is refused instead: the field goes back to the value it had
    when the typing began, the rest of what is being typed is held back (until a key that is
    not text, or the field is left), and the field says why in a tooltip shown at once;
    `typingRefused` carries the same sentence to whoever shows problems beside the field.
    """

    _advanced = False  # the last digit typed moved on to the next section
    _alone = False  # ... and it was that section's only digit: no second could follow
    _whole = False  # the typing began over the whole text (or an empty field)
    _typed = ""  # what was typed since the typing began
    _in_section = ""  # the digits typed into the current section
    _before: QDateTime | None = None  # the value when the typing began
    _holding = False  # a refused date's remaining keys are being held back

    def _start_over(self) -> None:
        self._advanced = self._alone = self._holding = self._whole = False
        self._typed, self._in_section, self._before = "", "", None

    def keyPressEvent(self, event: QKeyEvent) -> None:
        edit = cast(QDateTimeEdit, self)
        text = event.text()
        line = edit.lineEdit()
        if len(text) != 1 or not text.isprintable():
            self._start_over()
            super().keyPressEvent(event)  # type: ignore[misc]
            return
        if self._holding:
            event.accept()
            return
        if self._before is None:
            self._before = edit.dateTime()
            # Typed whole: over everything, into an empty field, or from the first section on.
            self._whole = (
                not line.text()
                or line.selectedText() == line.text()
                or (edit.currentSectionIndex() == 0 and line.selectionStart() <= 0)
            )
        self._typed += text
        if text.isdigit() and self._alone and self._whole:
            self._refuse(edit)
            event.accept()
            return
        if text.isdigit() and line.text() and line.selectedText() == line.text():
            # Typing over everything starts with the first section, selected to be replaced.
            edit.setCurrentSectionIndex(0)
            edit.setSelectedSection(edit.sectionAt(0))
        elif not text.isdigit() and self._advanced:
            at = line.cursorPosition()
            if at > 0 and line.text()[at - 1] == text:
                self._advanced = self._alone = False  # the separator Qt has already passed
                event.accept()
                return
        section, shown = edit.currentSection(), line.text()
        super().keyPressEvent(event)  # type: ignore[misc]
        moved = edit.currentSection() != section
        if text.isdigit():
            typed = self._in_section + text
            if self._whole and not _typed_is_shown(edit, section, typed, shown):
                self._refuse(edit)
                return
            self._alone = moved and not self._in_section and section != edit.sectionAt(0)
            self._in_section = "" if moved else typed
        else:
            self._alone, self._in_section = False, ""
        self._advanced = text.isdigit() and moved

    def focusOutEvent(self, event: Any) -> None:
        self._start_over()
        super().focusOutEvent(event)  # type: ignore[misc]

    def mousePressEvent(self, event: Any) -> None:
        self._start_over()  # the cursor moves: what follows is typed somewhere else
        super().mousePressEvent(event)  # type: ignore[misc]

    def _refuse(self, edit: QDateTimeEdit) -> None:
        from PySide6.QtWidgets import QToolTip  # not needed to start: loaded when first shown

        before = self._before
        if before is not None:
            edit.setDateTime(before)
        kept = edit.lineEdit().text()
        sentence = (
            f"“{self._typed}” is not a date this field can take: a day past its month's end, "
            f"a month past 12, an hour past 23, a minute past 59, or a year outside "
            f"{FIRST_YEAR}–{LAST_YEAR}. It keeps {kept}; type the date again."
        )
        self._holding, self._advanced, self._alone = True, False, False
        edit.lineEdit().selectAll()
        edit.setToolTip(sentence)
        QToolTip.showText(edit.mapToGlobal(edit.rect().bottomLeft()), sentence, edit)
        QApplication.beep()
        signal = getattr(edit, "typingRefused", None)
        if signal is not None:
            signal.emit(sentence)


def _typed_is_shown(
    edit: QDateTimeEdit, section: QDateTimeEdit.Section, typed: str, before: str
) -> bool:
    """Whether Qt took the digits `typed` into `section` as they are (not dropped, not cut)."""
    if edit.lineEdit().text() == before:
        return False  # the digit was dropped
    shown = edit.sectionText(section)
    return shown.isdigit() and int(shown) == int(typed)


class DateTimeEdit(_TypedWhole, QDateTimeEdit):
    """A date-time field that takes a date typed whole, in the years a record keeps."""

    typingRefused = Signal(str)  # a typed date that is none, and why (see _TypedWhole)

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        keep_to_kept_years(self)


class DateEdit(_TypedWhole, QDateEdit):
    """A date field that takes a date typed whole, in the years a record keeps."""

    typingRefused = Signal(str)

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        keep_to_kept_years(self)


def date_time_edit(parent: QWidget | None = None) -> QDateTimeEdit:
    """A date-time field with a calendar popup in Hindsight's display format."""
    edit = DateTimeEdit(parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(DISPLAY_FORMAT)
    edit.setDateTime(QDateTime.currentDateTime())
    return edit


def keep_to_kept_years(edit: QDateTimeEdit) -> None:
    """Offer only the years a record keeps (a day inside them, whatever the time zone)."""
    edit.setDateRange(QDate(FIRST_YEAR, 1, 2), QDate(LAST_YEAR, 12, 30))


def own_viewport(area: QAbstractScrollArea) -> None:
    """Give `area` a viewport made in Python, before anything asks for its viewport.

    A widget Qt made itself has no Python object yet; the first call that returns one typed
    as a plain QWidget (`viewport()`) has PySide6 find its class among every widget class,
    loading all 68 of them with their enums: about 7 ms, paid on the way to the first paint
    by the incident list and again by the editor's scroll area. A viewport made here is
    known already, so asking for it costs nothing. It is made as Qt makes its own: the same
    name (style sheets may address it), background and touch events (a test compares them).
    """
    viewport = QWidget()
    viewport.setObjectName("qt_scrollarea_viewport")
    if isinstance(area, QAbstractItemView):
        viewport.setBackgroundRole(QPalette.ColorRole.Base)
    viewport.setAutoFillBackground(True)
    viewport.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)
    area.setViewport(viewport)


def eliding_header(view: QTableView | QTreeView) -> None:
    """Cut a column heading too long for its column with "…" (Qt clips it mid-letter)."""
    header = view.horizontalHeader() if isinstance(view, QTableView) else view.header()
    header.setTextElideMode(Qt.TextElideMode.ElideRight)


def fill_combo(combo: QComboBox, items: Iterable[tuple[str, object]]) -> None:
    """Replace the combo's entries with (label, data) pairs."""
    combo.clear()
    for label, data in items:
        if data is None:
            # currentData() is None all the same; passing None makes PySide try the icon
            # overload, which builds a hundred of Qt's enums (tens of milliseconds at start-up).
            combo.addItem(label)
        else:
            combo.addItem(label, data)


def select_data(combo: QComboBox, data: object) -> None:
    """Select the entry holding `data` (the first one if none does)."""
    index = combo.findData(data)
    combo.setCurrentIndex(max(index, 0))


def current_enum(combo: QComboBox, kind: type[E]) -> E | None:
    """The selected entry's data as a member of `kind` (Qt hands string enums back as str)."""
    data = combo.currentData()
    return None if data is None else kind(data)


def split_list(text: str) -> list[str]:
    """'a, b ,,c' -> ['a', 'b', 'c']."""
    return [part.strip() for part in text.split(",") if part.strip()]


def fits(frame: QRect, available: QRect) -> bool:
    """True when a window's frame lies wholly within a screen's available area."""
    return available.contains(frame)


def place_window(window: QWidget, preferred: tuple[int, int], saved: object = None) -> None:
    """Restore `saved` geometry if it fits a screen; else take `preferred`, cut to the screen.

    Every top-level window opens through here, so none is ever larger than the screen it opens
    on (a 1366x768 laptop, or a 2x scale that halves the room), whatever its preferred size.
    """
    parent = window.parentWidget()
    screen = (parent.screen() if parent is not None else None) or QGuiApplication.primaryScreen()
    available = screen.availableGeometry()
    # A minimum size larger than the screen would hold the window off its edges.
    window.setMinimumSize(
        min(window.minimumWidth(), available.width() - 24),
        min(window.minimumHeight(), available.height() - 48),
    )
    if (
        isinstance(saved, QByteArray | bytes)
        and saved
        and window.restoreGeometry(saved)
        and any(fits(window.geometry(), s.availableGeometry()) for s in QGuiApplication.screens())
    ):
        return
    # Room for the window frame the system draws around it.
    width = min(preferred[0], available.width() - 24)
    height = min(preferred[1], available.height() - 48)
    window.resize(max(width, window.minimumWidth()), max(height, window.minimumHeight()))
    left = available.x() + (available.width() - window.width()) // 2
    top = available.y() + max((available.height() - window.height() - 32) // 2, 0)
    window.move(left, top)


def problem_label(*, hidden: bool = True) -> QLabel:
    """A wrapping label in the 'problem' style (dark red), for what the user must fix."""
    label = QLabel()
    styled(label, "problem")
    # Plain: a problem often quotes what the user wrote ("<b>Customer</b> id" was shown bold).
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setVisible(not hidden)
    return label


def say_problem(label: QLabel, text: str) -> None:
    """Show `text` in a dialog's problem label, growing the dialog until all of it shows.

    A wrapped line added to a dialog already on screen was cut to the height the dialog had
    (Qt grows it to the label's one-line height, not to its wrapped one).
    """
    label.setText(text)
    label.show()
    window = label.window()
    layout = window.layout()
    if window is label or layout is None:
        return
    layout.activate()
    width = window.width()
    needed = layout.heightForWidth(width) if layout.hasHeightForWidth() else -1
    needed = max(needed, layout.sizeHint().height())
    screen = window.screen()
    if screen is not None:
        needed = min(needed, screen.availableGeometry().height())
    if window.height() < needed:
        window.resize(width, needed)


def ok_cancel_buttons(dialog: QDialog) -> QDialogButtonBox:
    """OK and Cancel wired to the dialog's accept and reject."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


def release_clipboard() -> None:
    """Leave the clipboard holding only data Qt made itself (call before Python exits).

    A QMimeData made in Python and put on the clipboard is deleted by Qt when the clipboard
    goes away, which on some platforms is after the interpreter has finished: the deletion
    then calls into a Python that is gone and the process crashes on exit. Re-setting the
    picture or text through Qt keeps what the user copied pasteable and drops the Python one.
    """
    clipboard = QGuiApplication.clipboard()
    data = clipboard.mimeData()
    if data is None or not (data.hasImage() or data.hasText()):
        return
    if data.hasImage():
        clipboard.setImage(clipboard.image())
    else:
        clipboard.setText(clipboard.text())
