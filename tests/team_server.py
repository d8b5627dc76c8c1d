"""The PostgreSQL server the tests' PostgreSQL half runs against, and fresh databases on it.

HINDSIGHT_TEST_POSTGRES holds the address of a maintenance database on a server where the
user may create databases (`.ci/postgres start DIR` starts a throwaway one and prints it).
Each test gets a database of its own, copied from a template made once per test session (at
the head schema), and dropped after the test.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import replace

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from hindsight.store.postgres import sqlalchemy_url
from hindsight.store.postgres_url import ServerAddress

URL_ENV = "HINDSIGHT_TEST_POSTGRES"
REQUIRED_ENV = "HINDSIGHT_REQUIRE_POSTGRES"  # set by .ci/run: a skipped PostgreSQL half fails
SKIP_REASON = (
    f"PostgreSQL half: set {URL_ENV} to a server's maintenance database "
    "(`.ci/postgres start /tmp/hindsight-pg` starts one and prints it; see the README)"
)


def configured() -> str:
    """The server's address from the environment ('' when none is configured)."""
    return os.environ.get(URL_ENV, "").strip()


def required() -> bool:
    """True where the PostgreSQL half must run (CI)."""
    return os.environ.get(REQUIRED_ENV, "") not in ("", "0")


class TestServer:
    """Makes and drops databases on the test server."""

    __test__ = False  # not a test class

    def __init__(self, url: str) -> None:
        self.admin_address = ServerAddress.parse(url)
        self.admin: Engine = create_engine(
            sqlalchemy_url(self.admin_address), isolation_level="AUTOCOMMIT"
        )
        self.template = f"hindsight_template_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        self._template_ready = False

    def address(self, name: str) -> ServerAddress:
        """The address of the database `name` on this server."""
        return replace(self.admin_address, database=name)

    def empty_database(self) -> ServerAddress:
        """A new database without any table."""
        name = f"hindsight_test_{uuid.uuid4().hex[:12]}"
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        return self.address(name)

    def new_database(self) -> ServerAddress:
        """A new database at the head schema, empty of incidents."""
        if not self._template_ready:
            from hindsight.store.postgres import upgrade_server

            with self.admin.connect() as connection:
                connection.execute(text(f'CREATE DATABASE "{self.template}"'))
            upgrade_server(self.address(self.template))
            self._template_ready = True
        name = f"hindsight_test_{uuid.uuid4().hex[:12]}"
        with self.admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"'))
        return self.address(name)

    def drop(self, address: ServerAddress) -> None:
        """Drop a database made by this server object, whoever is still connected."""
        with self.admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{address.database}" WITH (FORCE)'))

    def close(self) -> None:
        """Drop the template and let go of the server."""
        if self._template_ready:
            self.drop(self.address(self.template))
        self.admin.dispose()
