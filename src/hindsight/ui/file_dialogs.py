"""File dialogs that never open the files they list.

A file dialog finds each listed file's icon and kind from its content (Qt reads the first bytes
of a file whose name does not settle its type, as the platform's own dialogs do). Opening and
closing the open database's file, or its -wal or -shm, from this process drops every POSIX lock
SQLite holds on it: the next program to close the database (a `hindsight` command) then takes
itself for the last one and deletes the -wal and -shm files under the app, whose later saves
go nowhere while it says "Saved". Every file dialog of the app is made here: Qt's own dialog,
with an icon provider that tells files and folders apart by the file system alone.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QFileInfo
from PySide6.QtGui import QAbstractFileIconProvider, QIcon
from PySide6.QtWidgets import QFileDialog, QFileIconProvider, QWidget

from hindsight.ui.qt_helpers import place_window

PREFERRED_SIZE = (800, 520)  # cut to the screen


class NameOnlyIcons(QFileIconProvider):
    """Icons and kinds from what a file is (folder, file, link), never from its content."""

    def icon(self, what: QAbstractFileIconProvider.IconType | QFileInfo) -> QIcon:  # type: ignore[override]
        if isinstance(what, QFileInfo):
            kind = (
                QAbstractFileIconProvider.IconType.Folder
                if what.isDir()
                else QAbstractFileIconProvider.IconType.File
            )
            return super().icon(kind)
        return super().icon(what)

    def type(self, info: QFileInfo) -> str:
        if info.isDir():
            return "Folder"
        suffix = info.suffix()
        return f"{suffix.upper()} file" if suffix else "File"


def configure(dialog: QFileDialog) -> QFileDialog:
    """Make `dialog` list files without opening them (see the module's note)."""
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    provider = NameOnlyIcons()
    dialog.setIconProvider(provider)
    dialog._name_only_icons = provider  # type: ignore[attr-defined]  # lives as long as it
    return dialog


def documents_folder() -> Path:
    """Where a document the user saves is first offered: their Documents folder, else home.

    Not the app's data folder, which holds its own files and is hidden from most users."""
    from PySide6.QtCore import QStandardPaths

    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    folder = Path(found) if found else Path.home()
    return folder if folder.is_dir() else Path.home()


def in_last_folder(purpose: str, name: str, default: Path) -> str:
    """`name` in the folder last chosen for `purpose` (this session), else in `default`."""
    return str(Path(_last_folders.get(purpose, default)) / name)


def remember_folder(purpose: str, chosen: str | Path) -> None:
    """Note the folder of `chosen` as the one to offer next time for `purpose`."""
    if chosen:
        _last_folders[purpose] = str(Path(chosen).parent)


_last_folders: dict[str, str] = {}


Mode = QFileDialog.FileMode
Accept = QFileDialog.AcceptMode


def _ask(
    parent: QWidget | None,
    caption: str,
    directory: str,
    filter: str,
    mode: QFileDialog.FileMode,
    accept: QFileDialog.AcceptMode = Accept.AcceptOpen,
) -> tuple[list[str], str]:
    """The files (or folder) picked in one of the app's dialogs, and the filter chosen."""
    dialog = configure(QFileDialog(parent, caption, directory, filter))
    dialog.setFileMode(mode)
    dialog.setAcceptMode(accept)
    place_window(dialog, PREFERRED_SIZE)  # at 2x its buttons ran off a 768-pixel screen
    if mode is Mode.Directory:
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    if not dialog.exec():
        return [], ""
    return dialog.selectedFiles(), dialog.selectedNameFilter()


# The same arguments and answers as QFileDialog's static functions of the same names.


def get_open_file_name(
    parent: QWidget | None, caption: str = "", directory: str = "", filter: str = ""
) -> tuple[str, str]:
    """The file the user picked to open and the filter chosen (("", "") when cancelled)."""
    names, chosen = _ask(parent, caption, directory, filter, Mode.ExistingFile)
    return (names[0], chosen) if names else ("", "")


def get_open_file_names(
    parent: QWidget | None, caption: str = "", directory: str = "", filter: str = ""
) -> tuple[list[str], str]:
    """The files the user picked to open and the filter chosen (none when cancelled)."""
    return _ask(parent, caption, directory, filter, Mode.ExistingFiles)


def get_save_file_name(
    parent: QWidget | None, caption: str = "", directory: str = "", filter: str = ""
) -> tuple[str, str]:
    """The file the user picked to write (asked before replacing one) and the filter chosen."""
    names, chosen = _ask(parent, caption, directory, filter, Mode.AnyFile, Accept.AcceptSave)
    return (names[0], chosen) if names else ("", "")


def get_existing_directory(parent: QWidget | None, caption: str = "", directory: str = "") -> str:
    """The folder the user picked ("" when cancelled)."""
    names, _chosen = _ask(parent, caption, directory, "", Mode.Directory)
    return names[0] if names else ""
