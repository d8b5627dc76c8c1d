"""The recovery journal: unsaved edits kept on disk until the database has them.

Autosave waits for a pause in typing; a crash (or kill -9) before it would lose what was
typed since. So the editor also writes the record it holds to a journal file a moment after
each edit, and removes the file once the record is stored. A journal file left behind by a
session that is gone holds edits the database never received: the app offers them back.

Layout: the data folder's `recovery/<database digest>/<session>/incident-<id>.json`. Each
running editor has its own session folder and holds an exclusive lock on its `lock` file
while it runs; the kernel releases the lock when the process ends, however it ends. So a
session folder whose lock can be taken belongs to a session that is gone, and only such
folders are offered: another window still editing keeps its own edits.

Files are written beside their final name and renamed into place, so a crash while writing
leaves the previous version, never half a file. Without fsync: a killed process loses
nothing the kernel already has; only a power cut could.

Text typed in a dialog (a timeline event, a follow-up ...) is not in the record until the
dialog's OK. While the dialog is open its fields are kept as a draft in the same session
folder, `draft-<kind>-<incident id>.json`, naming the incident and, for an edit, the item; the
file goes when the dialog closes either way. Drafts left by a session that is gone are offered
back like the records. A milestone time typed in the editor that cannot be saved yet (so is
not in the record) is kept the same way, as a draft of kind "held", until it is corrected or
dropped.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from hindsight.core.incident import Incident
from hindsight.core.plain import PlainError, from_plain, to_plain
from hindsight.paths import data_dir

try:  # POSIX; elsewhere every session folder counts as alive (nothing is offered twice)
    import fcntl
except ImportError:  # pragma: no cover - not on Linux
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)
FORMAT = "hindsight-recovery"
VERSION = 1
DRAFT_FORMAT = "hindsight-draft"
DRAFT_VERSION = 1
LOCK = "lock"
RECORDS = "incident-*.json"
DRAFTS = "draft-*.json"

# What a draft's field may hold: typed text, a number, a tick, or a small JSON object written
# and read by the field's kind (ui/recovery.py): a time, a day, a choice by its code (with its
# label), ticked codes, rows of copies. Drafts written before choices were kept by their codes
# hold a choice's label as text, still read.
FieldValue = str | int | bool | dict[str, Any]


@dataclass(frozen=True, slots=True)
class Recovered:
    """Unsaved edits of one incident, left behind by a session that ended."""

    incident: Incident  # the record as that session's editor held it
    written_at: datetime
    path: Path


@dataclass(frozen=True, slots=True)
class Draft:
    """The fields of a dialog that was open, with what it belongs to."""

    kind: str  # which dialog: "event", "followup", "role" ...
    incident_id: int
    incident_key: str  # "" when the dialog did not know it
    item_id: int | None  # the item edited; None when a new one was being added
    fields: dict[str, FieldValue]
    written_at: datetime | None = None
    path: Path | None = None  # where it was read from (None before it is written)
    # What the dialog was about that is not typed in it (the picture file being attached).
    about: dict[str, str] = field(default_factory=dict)

    @property
    def file_name(self) -> str:
        return draft_file_name(self.kind, self.incident_id)

    def _said(self, *, held: bool = False) -> list[tuple[str, str]]:
        # Typed texts, and the labels of choices (kept by their codes, with their labels);
        # with `held`, times held as typed (describing no valid time) too, in words.
        found = []
        for name, value in self.fields.items():
            said = value.get("label") if isinstance(value, dict) and "choice" in value else value
            if held and isinstance(value, dict) and isinstance(value.get("held"), dict):
                said = held_time_text(value["held"])
            if isinstance(said, str) and said.strip():
                found.append((name, said))
        return found

    def texts(self) -> list[str]:
        """The typed texts and the chosen labels, in the dialog's order, blank ones left out."""
        return [value for _name, value in self._said()]

    def labelled_text(self) -> str:
        """Each typed text under the name of its field ("Low: 500"), for a user to copy.

        Bare values in a row said nothing of which was the lowest and which the highest. A
        time held as typed is in it too (a draft of a held time holds nothing else).
        """
        return "\n\n".join(
            f"{name.replace('_', ' ').capitalize()}: {value}"
            for name, value in self._said(held=True)
        )


def held_time_text(held: object) -> str:
    """A time held as typed, as a draft keeps it (ui/fuzzy_time_editor.py `held_fields`), in
    words a user can copy: "best guess …, earliest …, latest …, note: …"."""
    if not isinstance(held, dict):
        return "(not readable)"
    said = []
    for name in ("best", "earliest", "latest"):
        if isinstance(held.get(name), str):
            said.append(f"{'best guess' if name == 'best' else name} {held[name]}")
    if isinstance(held.get("note"), str) and held["note"].strip():
        said.append(f"note: {held['note']}")
    return ", ".join(said) or "(not readable)"


def draft_file_name(kind: str, incident_id: int) -> str:
    if not kind.isidentifier():
        raise ValueError(f"not a draft kind: {kind!r}")
    return f"draft-{kind}-{incident_id}.json"


def _holds_anything(session: Path) -> bool:
    return any(session.glob(RECORDS)) or any(session.glob(DRAFTS))


def _write_atomically(folder: Path, target: Path, document: dict[str, Any]) -> None:
    data = json.dumps(document, ensure_ascii=False).encode("utf-8", "surrogatepass")
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def recovery_root() -> Path:
    """Where journals of every database live."""
    return data_dir() / "recovery"


def same_content(a: Incident, b: Incident) -> bool:
    """True when two records say the same, whatever their version and save times."""

    def bare(incident: Incident) -> Incident:
        return replace(incident, version=0, updated_at=None, review_progress=0)

    return bare(a) == bare(b)


def _try_lock(handle: IO[bytes]) -> bool:
    if fcntl is None:
        return False
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


class RecoverySession:
    """The journal of one running editor: its files, under its lock."""

    def __init__(self, folder: Path, database: str) -> None:
        self.folder = folder
        self.database = database
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._lock: IO[bytes] | None = (self.folder / LOCK).open("ab")
        if not _try_lock(self._lock) and fcntl is not None:
            raise OSError(f"the recovery session {folder} is in use")

    def _file(self, incident_id: int) -> Path:
        return self.folder / f"incident-{incident_id}.json"

    def write(self, incident: Incident, *, now: datetime | None = None) -> Path:
        """Keep `incident` as the editor holds it (replacing what was kept before)."""
        if incident.id is None:
            raise ValueError("only stored incidents are journalled")
        document = {
            "format": FORMAT,
            "version": VERSION,
            "database": self.database,
            "written_at": (now or datetime.now(UTC)).isoformat(),
            "record": to_plain(incident),
        }
        target = self._file(incident.id)
        _write_atomically(self.folder, target, document)
        return target

    def write_draft(self, draft: Draft, *, now: datetime | None = None) -> Path:
        """Keep the fields of an open dialog (replacing its earlier draft)."""
        document = {
            "format": DRAFT_FORMAT,
            "version": DRAFT_VERSION,
            "database": self.database,
            "written_at": (now or datetime.now(UTC)).isoformat(),
            "kind": draft.kind,
            "incident": draft.incident_id,
            "incident_key": draft.incident_key,
            "item": draft.item_id,
            "fields": dict(draft.fields),
            "about": dict(draft.about),
        }
        target = self.folder / draft.file_name
        _write_atomically(self.folder, target, document)
        return target

    def remove_draft(self, kind: str, incident_id: int) -> None:
        """Forget a dialog's draft (it was closed: OK stored it, or Cancel dropped it)."""
        (self.folder / draft_file_name(kind, incident_id)).unlink(missing_ok=True)

    def drafts(self) -> list[str]:
        """The names of this session's draft files."""
        return sorted(path.name for path in self.folder.glob(DRAFTS))

    def remove(self, incident_id: int) -> None:
        """Forget the journal of `incident_id` (its edits are stored, or were dropped)."""
        self._file(incident_id).unlink(missing_ok=True)

    def holds(self) -> list[int]:
        """The incidents this session has journal files for."""
        return sorted(
            int(path.stem.removeprefix("incident-")) for path in self.folder.glob(RECORDS)
        )

    def close(self) -> None:
        """End the session: its folder goes if nothing unsaved is left in it."""
        if self._lock is None:
            return
        leftover = self.holds() or self.drafts()
        self._lock.close()
        self._lock = None
        if not leftover:
            shutil.rmtree(self.folder, ignore_errors=True)


class RecoveryStore:
    """The journals of one database: this session's, and those left behind."""

    def __init__(self, database: str | Path, root: Path | None = None) -> None:
        name = str(database)
        digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:16]
        self.database = name
        self.folder = (root or recovery_root()) / digest

    def open_session(self) -> RecoverySession:
        """A journal for this editor, locked for as long as it is open."""
        import uuid  # here: 2 ms (it loads `platform`) that opening a database skips

        return RecoverySession(self.folder / uuid.uuid4().hex, self.database)

    def _ended_sessions(self, pattern: str) -> list[Path]:
        """The files matching `pattern` in folders of sessions that are gone.

        A gone session's folder that holds nothing (no records, no drafts) is removed.
        """
        found: list[Path] = []
        if not self.folder.is_dir():
            return found
        for session in sorted(p for p in self.folder.iterdir() if p.is_dir()):
            lock = session / LOCK
            try:
                with lock.open("ab") as handle:
                    if not _try_lock(handle):
                        continue  # a running session: its edits are its own
                    found.extend(sorted(session.glob(pattern)))
                    if not _holds_anything(session):
                        shutil.rmtree(session, ignore_errors=True)
            except OSError as error:
                log.warning("cannot look into recovery folder %s: %s", session, error)
        return found

    def left_behind(self) -> list[Recovered]:
        """Unsaved edits of sessions that ended without storing them, oldest first."""
        files = self._ended_sessions(RECORDS)
        found = [r for r in map(self._read, files) if r is not None]
        return sorted(found, key=lambda r: r.written_at)

    def drafts_left_behind(self) -> list[Draft]:
        """Drafts of dialogs that were open when their session ended, oldest first.

        A file that cannot be read back (damaged, or written by a newer Hindsight) is
        skipped with a line in the log, and left where it is.
        """
        files = self._ended_sessions(DRAFTS)
        found = [d for d in map(_read_draft, files) if d is not None]
        return sorted(found, key=lambda d: d.written_at or datetime.min.replace(tzinfo=UTC))

    def discard_draft(self, draft: Draft) -> None:
        """Drop a draft left behind (put back in its dialog, or refused)."""
        if draft.path is None:
            return
        draft.path.unlink(missing_ok=True)
        session = draft.path.parent
        if not _holds_anything(session):
            shutil.rmtree(session, ignore_errors=True)

    def find(self, incident_id: int) -> Recovered | None:
        """The newest edits of `incident_id` left behind, if any."""
        mine = [r for r in self.left_behind() if r.incident.id == incident_id]
        return mine[-1] if mine else None

    def discard(self, recovered: Recovered) -> None:
        """Drop edits left behind (put back in an editor, refused, or already stored)."""
        recovered.path.unlink(missing_ok=True)
        session = recovered.path.parent
        if not _holds_anything(session):
            shutil.rmtree(session, ignore_errors=True)

    def _read(self, path: Path) -> Recovered | None:
        try:
            document: Any = json.loads(path.read_bytes().decode("utf-8", "surrogatepass"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as error:
            log.warning("unreadable recovery file %s: %s", path, error)
            return None
        try:
            if document.get("format") != FORMAT or document.get("version") != VERSION:
                raise PlainError("not a recovery file of this version")
            incident = from_plain(Incident, document["record"])
            written = datetime.fromisoformat(document["written_at"])
        except (PlainError, KeyError, TypeError, AttributeError, ValueError) as error:
            log.warning("recovery file %s cannot be read back: %s", path, error)
            return None
        return Recovered(incident, written, path)


def _read_draft(path: Path) -> Draft | None:
    try:
        document: Any = json.loads(path.read_bytes().decode("utf-8", "surrogatepass"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        log.warning("unreadable draft file %s: %s", path, error)
        return None
    try:
        if not isinstance(document, dict) or document.get("format") != DRAFT_FORMAT:
            raise ValueError("not a draft file")
        if document.get("version") != DRAFT_VERSION:
            raise ValueError(f"a draft of version {document.get('version')!r}, not {DRAFT_VERSION}")
        kind, incident, key = document["kind"], document["incident"], document["incident_key"]
        item, fields = document.get("item"), document["fields"]
        if not isinstance(kind, str) or not kind.isidentifier():
            raise ValueError("no kind of dialog")
        if type(incident) is not int or not isinstance(key, str):
            raise ValueError("no incident")
        if item is not None and type(item) is not int:
            raise ValueError("an item that is not a number")
        if not isinstance(fields, dict) or not all(
            isinstance(name, str) and isinstance(value, str | int | bool | dict)
            for name, value in fields.items()
        ):
            raise ValueError("fields that are not text, numbers, ticks or times")
        about = document.get("about", {})
        if not isinstance(about, dict) or not all(
            isinstance(name, str) and isinstance(value, str) for name, value in about.items()
        ):
            raise ValueError("what it was about is not text")
        written = datetime.fromisoformat(document["written_at"])
        if written.tzinfo is None:
            raise ValueError("a time without its zone")
    except (KeyError, TypeError, ValueError) as error:
        log.warning("draft file %s cannot be read back: %s", path, error)
        return None
    return Draft(kind, incident, key, item, dict(fields), written, path, dict(about))
