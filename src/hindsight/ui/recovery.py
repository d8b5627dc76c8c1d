"""Writing the recovery journal a moment after each edit, off the GUI thread.

At most every JOURNAL_DELAY_MS the editor's record is pickled (on the GUI thread: a few
milliseconds) and written by a worker, so a crash loses at most the last fraction of a second
of typing. Writes of one database run one at a time, in order, so an older copy never lands
after a newer one.

A dialog holding text the user types (a timeline event, a follow-up ...) hands its fields to a
DraftKeeper: a moment after each change they are written as a draft by the same writer, and
the draft is removed when the dialog closes, whether OK stored the text or Cancel dropped it.
"""

from __future__ import annotations

import logging
import pickle
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any, Protocol, runtime_checkable

from PySide6.QtCore import QDate, QObject, Qt, QThreadPool, QTimer, Signal, SignalInstance
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QDialog,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)
from shiboken6 import isValid

from hindsight.core.fuzzy_time import FuzzyTime
from hindsight.core.incident import Incident
from hindsight.core.plain import PlainError, from_plain, to_plain
from hindsight.services.recovery import Draft, FieldValue, RecoverySession, RecoveryStore
from hindsight.ui.author_text import set_line_text
from hindsight.ui.operations import Operations
from hindsight.ui.qt_helpers import from_qdatetime, to_qdatetime

log = logging.getLogger(__name__)
JOURNAL_DELAY_MS = 200


@dataclass(frozen=True, slots=True)
class DraftKind:
    """How the offer of a draft names its dialog, and the editor tab that opens it."""

    noun: str  # "a timeline event"
    tab: str  # the editor's tab ("timeline")


DRAFT_KINDS: dict[str, DraftKind] = {
    "event": DraftKind("a timeline event", "timeline"),
    "role": DraftKind("a response role", "roles"),
    "team": DraftKind("a team", "teams"),
    "impact": DraftKind("an impact measure", "impact"),
    "factor": DraftKind("a contributing factor", "factors"),
    "link": DraftKind("a link", "links"),
    "incident_link": DraftKind("a link to another incident", "related"),
    "followup": DraftKind("a follow-up", "followups"),
    "access": DraftKind("a data access entry", "privacy"),
    "deletion": DraftKind("a deletion's confirmation", "privacy"),
    "caption": DraftKind("a picture's caption", "pictures"),
    "held": DraftKind("a milestone's time", "milestones"),  # PageDraftKeeper
    "review_held": DraftKind("a time on the Review page", "review"),  # PageDraftKeeper
    "ethics": DraftKind("a note of the ethics checklist", "privacy"),  # PageDraftKeeper
    "reopen": DraftKind("the reason to reopen a review", "review"),
}


class RecoveryJournal(QObject):
    """Keeps the edited record of one database on disk until it is stored."""

    # Why the journal cannot write ("" once a write succeeds again): typing is then not kept
    # for crash recovery, which the window says rather than only the log.
    troubleChanged = Signal(str)

    def __init__(self, store: RecoveryStore, ops: Operations, parent: QObject | None = None):
        super().__init__(parent)
        self.store = store
        self._ops = ops
        self._pending: Incident | None = None
        self._timer = QTimer(self, singleShot=True, interval=JOURNAL_DELAY_MS)
        self._timer.timeout.connect(self._write)
        self._writer = QThreadPool(self)
        self._writer.setMaxThreadCount(1)
        self._session: RecoverySession | None = None  # made by the writer, on first use
        self.failed = False  # the last write failed (a full disk, say)
        # To write at the next tick.
        self._drafts: dict[tuple[str, int], DraftKeeper | PageDraftKeeper] = {}
        # Drafts of a gone session put back in a dialog: each is deleted right after this
        # session first writes that dialog's draft (on the same writer, so in that order), so
        # a second crash leaves one draft to offer, not two.
        self._replacing: dict[tuple[str, int], Draft] = {}
        self._draft_timer = QTimer(self, singleShot=True, interval=JOURNAL_DELAY_MS)
        self._draft_timer.timeout.connect(self._write_drafts)

    def _session_now(self) -> RecoverySession:
        # Runs on the writer thread: the session folder and its lock are made there.
        if self._session is None:
            self._session = self.store.open_session()
        return self._session

    def keep(self, incident: Incident) -> None:
        """The editor's record changed: write it soon (not later than the delay)."""
        if incident.id is None:
            return
        self._pending = incident
        if not self._timer.isActive():
            self._timer.start()

    def _write(self) -> None:
        incident, self._pending = self._pending, None
        if incident is None:
            return
        # Only the pickling half of a copy runs here (3 ms for 200 events): the writer
        # unpickles its own copy, so the GUI thread pays half of a clone() per write.
        frozen = pickle.dumps(incident, protocol=pickle.HIGHEST_PROTOCOL)
        self._ops.submit(
            lambda: self._session_now().write(pickle.loads(frozen)),
            done=self._written,
            failed=self._not_written,
            owner=self,
            pool=self._writer,
        )

    def _written(self, _path: object) -> None:
        if self.failed:
            self.troubleChanged.emit("")
        self.failed = False

    def _not_written(self, error: Exception) -> None:
        # The edits are still in the editor and autosave goes on; only the safety net is gone.
        if not self.failed:
            self.troubleChanged.emit(journal_trouble(error))
        self.failed = True
        log.warning("recovery journal not written: %s", error)

    def forget(self, incident: Incident) -> None:
        """Every edit of `incident` is stored: drop its journal (after pending writes)."""
        if incident.id is None:
            return
        incident_id = incident.id
        if self._pending is not None and self._pending.id == incident_id:
            self._pending = None
            self._timer.stop()
        self._ops.submit(
            lambda: self._session_now().remove(incident_id),
            owner=self,
            failed=self._not_written,
            pool=self._writer,
        )

    def keep_draft(self, keeper: DraftKeeper | PageDraftKeeper) -> None:
        """A dialog's fields changed: write its draft soon (not later than the delay)."""
        self._drafts[keeper.key] = keeper
        if not self._draft_timer.isActive():
            self._draft_timer.start()

    def replacing(self, draft: Draft) -> None:
        """`draft`, left by a gone session, is being put back in its dialog (see _replacing)."""
        self._replacing[(draft.kind, draft.incident_id)] = draft

    def not_replacing(self, draft: Draft) -> None:
        """`draft` was not put back in a dialog after all: it stays (see _replacing)."""
        self._replacing.pop((draft.kind, draft.incident_id), None)

    def _write_drafts(self) -> None:
        keepers, self._drafts = list(self._drafts.values()), {}
        for keeper in keepers:
            if isValid(keeper):  # its dialog may have gone without closing (its window went)
                self._submit_draft(keeper.draft())  # a few strings read from the fields: cheap
                replaced = self._replacing.pop(keeper.key, None)
                if replaced is not None:
                    self._submit_discard(replaced)

    def _submit_discard(self, draft: Draft) -> None:
        store = self.store
        self._ops.submit(
            lambda: store.discard_draft(draft),
            owner=self,
            failed=self._not_written,
            pool=self._writer,
        )

    def _submit_draft(self, draft: Draft) -> None:
        self._ops.submit(
            lambda: self._session_now().write_draft(draft),
            done=self._written,
            failed=self._not_written,
            owner=self,
            pool=self._writer,
        )

    def forget_draft(self, kind: str, incident_id: int) -> None:
        """The dialog closed: drop its draft (after the writes already asked for)."""
        self._drafts.pop((kind, incident_id), None)
        replaced = self._replacing.pop((kind, incident_id), None)
        if replaced is not None:  # closed before its first write: the old one goes now
            self._submit_discard(replaced)
        self._ops.submit(
            lambda: self._session_now().remove_draft(kind, incident_id),
            owner=self,
            failed=self._not_written,
            pool=self._writer,
        )

    def flush_now(self) -> None:
        """Write what is pending at once (the window is closing)."""
        if self._timer.isActive():
            self._timer.stop()
            self._write()
        if self._draft_timer.isActive():
            self._draft_timer.stop()
            self._write_drafts()

    def close(self, msecs: int = 5000) -> None:
        """Write what is pending, wait for it, and end the session (the window is closing).

        Files of edits still unsaved stay, for the next start to offer back.
        """
        self.flush_now()
        self._writer.waitForDone(msecs)
        if self._session is not None:
            self._session.close()
            self._session = None


def journal_trouble(error: Exception) -> str:
    """One line on why the journal cannot write, and what that means for the user."""
    if isinstance(error, OSError):
        where = f" {error.filename}" if error.filename else ""
        why = f"cannot write{where}: {error.strerror or error}"
    else:
        why = str(error) or type(error).__name__
    return (
        f"What you type is not kept for crash recovery ({why}). Saving goes on; make the "
        "data folder writable (or set HINDSIGHT_DATA_DIR) to have it kept again."
    )


def journal_of(widget: QWidget | None) -> RecoveryJournal | None:
    """The recovery journal of the editor or window `widget` is in, if any."""
    while widget is not None:
        journal = getattr(widget, "journal", None)
        if isinstance(journal, RecoveryJournal):
            return journal
        widget = widget.parentWidget()
    return None


@runtime_checkable
class KeptField(Protocol):
    """A field made of several widgets that says itself what a draft keeps of it (the rows of
    a data access's copies, say): a small JSON object, put back by `set_draft_value`, which
    raises ValueError, TypeError or KeyError for a value it cannot take."""

    @property
    def draft_edited(self) -> SignalInstance: ...

    def draft_value(self) -> dict[str, Any]: ...

    def set_draft_value(self, value: Mapping[str, Any]) -> None: ...


def field_value(field: QWidget) -> FieldValue:
    """What a field of a dialog holds, as a draft keeps it."""
    # Here, not at the top: the journal is made when a database opens, the time fields later.
    from hindsight.ui.fuzzy_time_editor import FuzzyTimeEditor
    from hindsight.ui.optional_date import OptionalDate

    if isinstance(field, KeptField):
        return field.draft_value()
    if isinstance(field, QPlainTextEdit):
        return field.toPlainText()
    if isinstance(field, QLineEdit):
        return field.text()
    if isinstance(field, QComboBox):
        code = _choice_code(field.currentData())
        if field.isEditable() or code is None:
            return field.currentText()  # a name typed or picked: the text is the value
        # A choice by its stored code (labels change); the label for the offer to quote.
        return {"choice": code, "label": field.currentText()}
    if isinstance(field, QSpinBox):
        return field.value()
    if isinstance(field, QAbstractButton):
        return field.isChecked()
    if isinstance(field, QListWidget):  # ticked choices, by their stored codes
        return {"codes": ticked_codes(field)}
    if isinstance(field, FuzzyTimeEditor):
        value = field.value()  # None while it cannot be read (a best guess out of range)
        if value is not None:
            return {"fuzzy": to_plain(value)}
        # Held: the fields as the user left them, to show again (still held) on restore.
        return {"fuzzy": None, "held": field.held_fields()}
    if isinstance(field, OptionalDate):
        moment = field.moment_value()
        return {"moment": moment.isoformat() if moment is not None else None}
    if isinstance(field, QDateEdit):  # a day, as written: not a moment moved between zones
        return {"date": _qdate_text(field.date())}
    if isinstance(field, QDateTimeEdit):
        return {"moment": from_qdatetime(field.dateTime()).isoformat()}
    raise TypeError(f"a draft cannot keep a {type(field).__name__}")


def _choice_code(data: object) -> str | None:
    """The stored code of a choice's data (Qt hands string enums back as str)."""
    if isinstance(data, Enum):
        data = data.value
    return data if isinstance(data, str) else None


def _choose(field: QComboBox, value: Mapping[str, Any]) -> None:
    code = value["choice"]
    if not isinstance(code, str):
        raise TypeError("a choice whose code is not text")
    for index in range(field.count()):
        if _choice_code(field.itemData(index)) == code:
            field.setCurrentIndex(index)
            return
    raise ValueError(f"{code!r} is not offered any more")


def ticked_codes(field: QListWidget) -> list[str]:
    """The stored codes of the ticked entries of a list of choices."""
    return [
        str(field.item(row).data(Qt.ItemDataRole.UserRole))
        for row in range(field.count())
        if field.item(row).checkState() == Qt.CheckState.Checked
    ]


def _qdate_text(day: QDate) -> str:
    return date(day.year(), day.month(), day.day()).isoformat()


def set_field_value(field: QWidget, value: FieldValue) -> None:
    """Put a kept value back in its field (a value that does not fit it is left out)."""
    try:
        _set_field_value(field, value)
    except (PlainError, KeyError, TypeError, ValueError) as error:
        log.warning("a draft's value %r not put back: %s", value, error)


def _set_field_value(field: QWidget, value: FieldValue) -> None:
    from hindsight.ui.fuzzy_time_editor import FuzzyTimeEditor
    from hindsight.ui.optional_date import OptionalDate

    if isinstance(field, KeptField):
        if not isinstance(value, dict):
            raise TypeError(f"not what a {type(field).__name__} keeps")
        field.set_draft_value(value)
        return
    if isinstance(value, dict):
        if isinstance(field, FuzzyTimeEditor):
            if isinstance(value.get("held"), dict):
                field.show_held(value["held"])
            elif value.get("fuzzy") is not None:
                field.set_value(from_plain(FuzzyTime, value["fuzzy"]))
        elif isinstance(field, QComboBox) and "choice" in value:
            _choose(field, value)
        elif isinstance(field, QListWidget) and "codes" in value:
            _tick_codes(field, value["codes"])
        elif isinstance(field, OptionalDate) and "moment" in value:
            moment = value["moment"]
            field.set_moment(_aware(moment) if moment is not None else None)
        elif isinstance(field, QDateEdit) and value.get("date") is not None:
            day = date.fromisoformat(str(value["date"]))
            field.setDate(QDate(day.year, day.month, day.day))
        elif isinstance(field, QDateTimeEdit) and value.get("moment") is not None:
            field.setDateTime(to_qdatetime(_aware(value["moment"])))
    elif isinstance(value, bool):
        if isinstance(field, QAbstractButton):
            field.setChecked(value)
    elif isinstance(value, int):
        if isinstance(field, QSpinBox):
            field.setValue(value)
    elif isinstance(field, QPlainTextEdit):
        field.setPlainText(value)
    elif isinstance(field, QLineEdit):
        set_line_text(field, value)
    elif isinstance(field, QComboBox):
        if field.isEditable():
            field.setCurrentText(value)
        elif (index := field.findText(value)) >= 0:  # a choice, by its label (older drafts)
            field.setCurrentIndex(index)


def _tick_codes(field: QListWidget, codes: object) -> None:
    if not isinstance(codes, list) or not all(isinstance(code, str) for code in codes):
        raise TypeError("ticked choices that are not a list of codes")
    offered = set()
    for row in range(field.count()):
        entry = field.item(row)
        code = entry.data(Qt.ItemDataRole.UserRole)
        offered.add(code)
        ticked = Qt.CheckState.Checked if code in codes else Qt.CheckState.Unchecked
        entry.setCheckState(ticked)
    unknown = [code for code in codes if code not in offered]
    if unknown:  # a choice no longer offered: the others come back
        log.warning("a draft's choices %s not offered any more, left out", unknown)


def _aware(text: object) -> datetime:
    moment = datetime.fromisoformat(str(text))
    if moment.tzinfo is None:
        raise ValueError("a time without its zone")
    return moment


def _changed_signals(field: QWidget) -> list[SignalInstance]:
    from hindsight.ui.fuzzy_time_editor import FuzzyTimeEditor
    from hindsight.ui.optional_date import OptionalDate

    if isinstance(field, KeptField):
        return [field.draft_edited]
    if isinstance(field, QPlainTextEdit | QLineEdit):
        return [field.textChanged]
    if isinstance(field, QComboBox):
        return [field.currentTextChanged]
    if isinstance(field, QSpinBox):
        return [field.valueChanged]
    if isinstance(field, QAbstractButton):
        return [field.toggled]
    if isinstance(field, QListWidget):
        return [field.itemChanged]
    if isinstance(field, FuzzyTimeEditor):
        return [field.edited]  # held input too, not only a valid time
    if isinstance(field, OptionalDate):
        return [field.enabled.toggled, field.edit.dateTimeChanged]
    if isinstance(field, QDateTimeEdit):
        return [field.dateTimeChanged]
    raise TypeError(f"a draft cannot keep a {type(field).__name__}")


class DraftKeeper(QObject):
    """Keeps the fields of one open dialog in the recovery journal until it closes.

    The dialog hands over its fields by name (text fields, choices, numbers, ticks), in the
    order its offer should quote them: a moment after each change they are written as a
    draft; when the dialog closes, however it closes, the draft is removed.
    """

    def __init__(
        self,
        dialog: QDialog,
        journal: RecoveryJournal,
        fields: Mapping[str, QWidget],
        *,
        kind: str,
        incident_id: int,
        incident_key: str = "",
        item_id: int | None = None,
        about: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(dialog)
        self.journal = journal
        self.fields = dict(fields)
        self.kind, self.incident_id = kind, incident_id
        self.incident_key, self.item_id = incident_key, item_id
        self.about = dict(about or {})
        self._open = True
        for field in self.fields.values():
            for signal in _changed_signals(field):
                signal.connect(self._changed)
        dialog.finished.connect(self._closed)

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind, self.incident_id)

    def draft(self) -> Draft:
        """The fields as they are now."""
        values = {name: field_value(field) for name, field in self.fields.items()}
        return Draft(
            self.kind, self.incident_id, self.incident_key, self.item_id, values, about=self.about
        )

    def fill(self, values: Mapping[str, FieldValue]) -> None:
        """Put a draft's values back, as if typed (so they are kept again at once)."""
        for name, value in values.items():
            field = self.fields.get(name)
            if field is not None:
                set_field_value(field, value)
        self._changed()

    def _changed(self) -> None:
        if self._open:
            self.journal.keep_draft(self)

    def _closed(self) -> None:
        if self._open:
            self._open = False
            self.journal.forget_draft(self.kind, self.incident_id)


HELD = "held"  # the kind of draft holding times typed on Milestones that cannot be saved
REVIEW_HELD = "review_held"  # the same, typed in the Review page's answers
HELD_KINDS = (HELD, REVIEW_HELD)  # drafts of held times: no dialog, restored into a page
ETHICS = "ethics"  # checklist notes typed, not saved yet (ui/privacy/ethics_page.py)


class PageDraftKeeper(QObject):
    """Keeps in the journal what a page of the incident editor holds that is in no record
    yet, as a draft of kind `kind`: the times it holds (typed, but describing no valid time;
    HELD for Milestones, REVIEW_HELD for the Review page) until they are corrected or
    dropped, or the ethics checklist's notes (ETHICS) until they are saved."""

    def __init__(self, journal: RecoveryJournal, parent: QObject, *, kind: str = HELD) -> None:
        super().__init__(parent)
        self.journal = journal
        self.kind = kind
        self.incident_id: int | None = None  # whose held times the journal has (or will)
        self._draft: Draft | None = None

    @property
    def key(self) -> tuple[str, int]:
        return (self.kind, self.incident_id or 0)

    def draft(self) -> Draft:
        assert self._draft is not None  # keep() sets it before asking for a write
        return self._draft

    def keep(
        self,
        incident_id: int | None,
        incident_key: str,
        fields: Mapping[str, FieldValue],
        about: Mapping[str, str],
    ) -> None:
        """The held times of `incident_id` are now `fields` (none: forget them)."""
        if self.incident_id is not None and (incident_id != self.incident_id or not fields):
            self.journal.forget_draft(self.kind, self.incident_id)
            self.incident_id, self._draft = None, None
        if incident_id is None or not fields:
            return
        self.incident_id = incident_id
        self._draft = Draft(
            self.kind, incident_id, incident_key, None, dict(fields), about=dict(about)
        )
        self.journal.keep_draft(self)


def keep_drafts(
    dialog: QDialog,
    fields: Mapping[str, QWidget],
    *,
    kind: str,
    incident_id: int | None,
    incident_key: str = "",
    item_id: int | None = None,
    about: Mapping[str, str] | None = None,
    fill: Mapping[str, FieldValue] | None = None,
) -> DraftKeeper | None:
    """Keep `dialog`'s fields as a draft in the journal of the window it belongs to.

    Nothing is kept for a dialog outside a window with a journal, or about no stored
    incident. `about` is kept with the fields (what the dialog is about that is not typed in
    it). With `fill`, a draft's values are put back in the fields first.
    """
    journal = journal_of(dialog.parentWidget())
    if journal is None or incident_id is None:
        if fill:
            for name, value in fill.items():
                if name in fields:
                    set_field_value(fields[name], value)
        return None
    keeper = DraftKeeper(
        dialog,
        journal,
        fields,
        kind=kind,
        incident_id=incident_id,
        incident_key=incident_key,
        item_id=item_id,
        about=about,
    )
    if fill:
        keeper.fill(fill)
    return keeper
