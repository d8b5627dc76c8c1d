"""Addresses of team databases on a PostgreSQL server, as a user types them.

Plain text handling only (no SQLAlchemy, no driver), so the command line and the start of the
GUI can tell a server address from a file path without loading the store.

A password written in the address is kept in memory for connecting but never shown and never
remembered: `display` and `remembered` leave it out. libpq finds passwords by itself in
PGPASSWORD, ~/.pgpass and service files, which is where they belong.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")
SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")


class BadServerAddress(ValueError):
    """The text looks like a server address but cannot be used as one."""


def is_server_url(text: str | Path | ServerAddress) -> bool:
    """True when `text` names a database on a server rather than a file."""
    if isinstance(text, ServerAddress):
        return True
    if isinstance(text, Path):
        return False
    scheme, sep, _ = text.partition(":")
    return bool(sep) and scheme.lower() in SCHEMES


@dataclass(frozen=True)
class ServerAddress:
    """A PostgreSQL database: where it is, who connects, and libpq's options."""

    host: str = ""  # a name, an address, or a socket folder; empty: libpq's default
    port: int | None = None
    database: str = ""
    user: str = ""
    password: str = field(default="", repr=False, compare=False)
    options: tuple[tuple[str, str], ...] = ()  # sslmode, service, connect_timeout ...

    @classmethod
    def parse(cls, text: str) -> ServerAddress:
        """Read `postgresql://user@host:port/dbname?sslmode=require` (BadServerAddress if not)."""
        text = text.strip()
        if not is_server_url(text):
            raise BadServerAddress(
                f"{text!r} is not a PostgreSQL address; write it as "
                "postgresql://user@host:port/database"
            )
        try:
            parts = urlsplit(text)
            port = parts.port
        except ValueError as error:
            raise BadServerAddress(f"{_hidden(text)}: {error}") from error
        options = parse_qsl(parts.query, keep_blank_values=True)
        host = unquote(parts.hostname or "") if parts.hostname else ""
        # A socket folder may come as ?host=/run/postgresql instead of in the authority.
        kept = []
        for key, value in options:
            if key == "host" and not host:
                host = value
            elif key == "port" and port is None:
                if not value.isdigit():
                    raise BadServerAddress(f"{_hidden(text)}: the port must be a number")
                port = int(value)
            else:
                kept.append((key, value))
        mode = dict(kept).get("sslmode")
        if mode is not None and mode not in SSL_MODES:
            raise BadServerAddress(
                f"{_hidden(text)}: sslmode must be one of {', '.join(SSL_MODES)}"
            )
        database = unquote(parts.path.lstrip("/"))
        if not database and "service" not in dict(kept):
            raise BadServerAddress(
                f"{_hidden(text)} names no database; add it after the host: "
                "postgresql://host/database"
            )
        return cls(
            host=host,
            port=port,
            database=database,
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            options=tuple(kept),
        )

    @property
    def name(self) -> str:
        """The database's name, for window titles."""
        return self.database or dict(self.options).get("service", "")

    @property
    def sslmode(self) -> str:
        """The sslmode asked for ('' when libpq's default applies)."""
        return dict(self.options).get("sslmode", "")

    def url(self, *, password: bool = True, scheme: str = "postgresql") -> str:
        """The address as a URL (with the password only when asked for)."""
        authority = ""
        if self.user:
            authority = quote(self.user, safe="")
            if password and self.password:
                authority += ":" + quote(self.password, safe="")
            authority += "@"
        query = list(self.options)
        host = self.host
        if host.startswith("/"):  # a socket folder cannot stand in the authority
            query.insert(0, ("host", host))
            host = ""
        elif ":" in host:  # an IPv6 address
            host = f"[{host}]"
        netloc = authority + host + (f":{self.port}" if self.port and host else "")
        if self.port and not host:
            query.insert(1 if self.host.startswith("/") else 0, ("port", str(self.port)))
        tail = f"?{urlencode(query, safe='/')}" if query else ""
        return f"{scheme}://{netloc}/{quote(self.database, safe='')}{tail}"

    @property
    def display(self) -> str:
        """What a user is shown (and what recent lists keep): never the password."""
        return self.url(password=False)

    def __str__(self) -> str:
        return self.display


def _hidden(text: str) -> str:
    # Echo the address back without a password typed into it.
    try:
        parts = urlsplit(text)
        if parts.password:
            return text.replace(f":{parts.password}@", ":***@", 1)
    except ValueError:
        pass
    return text


Target = Path | ServerAddress


def target_from(text: str | Path | ServerAddress) -> Target:
    """A database file or a server address, from what a user typed (BadServerAddress)."""
    if isinstance(text, Path | ServerAddress):
        return text
    if is_server_url(text):
        return ServerAddress.parse(text)
    return Path(text)
