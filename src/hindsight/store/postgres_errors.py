"""Errors of a team database on a PostgreSQL server, sorted like SQLite's (store/errors.py).

A server's problems a user can act on (cannot reach it, login refused, no such database, a
role without the rights, a schema of another version) become StoreErrors naming the database
by its address (never with a password) and saying what to do. Anything else is a bug.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from hindsight.store.errors import StoreError, classify


class ServerError(StoreError):
    """A StoreError about a database on a server: named by its address, not a file."""

    what = "Hindsight cannot use this team database."

    def __init__(self, location: str, detail: str = "") -> None:
        self.location = location
        super().__init__(Path(location), detail)

    @property
    def message(self) -> str:
        """One paragraph naming the database, what is wrong and what to do."""
        text = f"{self.what} Database: {self.location}."
        if self.detail:
            text += f" ({self.detail})"
        if self.advice:
            text += f" {self.advice}"
        return text


class ServerUnreachableError(ServerError):
    what = "Hindsight cannot reach the team database's server."
    advice = (
        "Check the address and your network, and that the server is running. Unsaved edits "
        "are kept; Hindsight saves them once the server answers again."
    )


class ServerLoginError(ServerError):
    what = "The server refused the login to the team database."
    advice = (
        "Check the user name. Hindsight takes the password from libpq's usual places "
        "(PGPASSWORD, ~/.pgpass or a service file), never from its own settings."
    )


class ServerDatabaseMissingError(ServerError):
    what = "The server has no database of that name."
    advice = (
        "Check the name, or ask the server's administrator to create it, then create its "
        "tables with: hindsight db upgrade --db ADDRESS"
    )


class ServerPermissionError(ServerError):
    what = "Your database role lacks a right Hindsight needs on the team database."
    advice = "Ask its administrator for the grants listed in the README's section on team mode."


class ServerBusyError(ServerError):
    what = "Another Hindsight has been writing to the team database for a long time."
    advice = "Wait until its import or copy is done, then try again; nothing was written."


class ServerFullError(ServerError):
    what = "The team database's server is out of disk space."
    advice = "Ask its administrator to free space; nothing was written."


class SchemaMissingError(ServerError):
    what = "The team database has no Hindsight tables yet."
    advice = "Create them once with: hindsight db upgrade --db ADDRESS (needs the owner's rights)."


class SchemaBehindError(ServerError):
    what = "The team database's schema is older than this Hindsight."
    advice = (
        "Nothing was opened. Someone with the owner's rights upgrades it with: "
        "hindsight db upgrade --db ADDRESS (every client should then run this version)."
    )

    def __init__(self, location: str, detail: str = "", *, revision: str | None = None) -> None:
        self.revision = revision
        super().__init__(location, detail)


class ServerSchemaTooNewError(ServerError):
    what = "The team database was upgraded by a newer version of Hindsight."
    advice = "Update Hindsight to use it; nothing was changed."


class NotHindsightServerError(ServerError):
    what = "This database on the server holds tables that are not Hindsight's."
    advice = "Choose a database made for Hindsight, or an empty one."


# SQLSTATE classes and codes (PostgreSQL's appendix "Error Codes"); stable across versions.
_LOGIN = {"28000", "28P01"}
_MISSING = {"3D000"}
_PERMISSION = {"42501"}
_BUSY = {"55P03", "57014"}  # lock_not_available, query_canceled (a timeout)
_FULL = {"53100"}
_GONE_CLASSES = ("08", "57P")  # connection exceptions; admin or crash shutdown


def classify_server_error(error: BaseException, location: str) -> ServerError | None:
    """The environment error `error` stands for, or None when it is a bug of ours."""
    try:
        import psycopg
    except ImportError:  # pragma: no cover - the driver is a dependency
        return None
    original = getattr(error, "orig", None) or error
    if not isinstance(original, psycopg.Error):
        return None
    state = getattr(original, "sqlstate", None) or ""
    text = " ".join(str(original).split())
    if state in _LOGIN or ("password" in text.lower() and not state):
        return ServerLoginError(location, text)
    # A refused connection carries no SQLSTATE: the server's FATAL line says what it was.
    if state in _MISSING or (not state and "database" in text and "does not exist" in text):
        return ServerDatabaseMissingError(location, text)
    if state in _PERMISSION:
        return ServerPermissionError(location, text)
    if state in _BUSY:
        return ServerBusyError(location, text)
    if state in _FULL:
        return ServerFullError(location, text)
    if state.startswith(_GONE_CLASSES) or isinstance(
        original, psycopg.OperationalError | psycopg.InterfaceError
    ):
        return ServerUnreachableError(location, text)
    return None


def is_connection_lost(error: BaseException) -> bool:
    """True when `error` says the server went away (retrying later may work)."""
    return isinstance(error, ServerUnreachableError)


@contextmanager
def server_errors(location: str) -> Iterator[None]:
    """Re-raise failures the server's environment caused as ServerError; let bugs through."""
    try:
        yield
    except StoreError:
        raise
    except Exception as error:
        translated: StoreError | None = classify_server_error(error, location)
        if translated is None and isinstance(error, OSError):
            # This machine's own trouble while talking to the server (a full disk, a
            # missing file): sorted as for a file.
            translated = classify(error, location)
        if translated is None:
            raise
        raise translated from error
