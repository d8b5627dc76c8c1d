"""Freeze a database at the current schema revision, for tests/store/test_migrations.py.

Run it once each time a migration is added, right after the new revision becomes the head:

    python tests/data/make_schema_db.py

It writes tests/data/schemas/hindsight-<revision>.sqlite holding the demo incidents, made by
the app's own code. Commit the file and never regenerate it: each stored file stands for the
databases users have at that revision, and the tests upgrade every one of them to the head.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import tempfile
from pathlib import Path

SCHEMAS = Path(__file__).resolve().parent / "schemas"


def main() -> int:
    from hindsight.paths import DATA_DIR_ENV

    with tempfile.TemporaryDirectory() as scratch:
        # Keep the app's backups and logs out of the real user data directory.
        os.environ[DATA_DIR_ENV] = str(Path(scratch) / "data")

        from hindsight.services.demo import write_demo_database
        from hindsight.store.schema import HEAD_REVISION

        target = SCHEMAS / f"hindsight-{HEAD_REVISION}.sqlite"
        if target.exists() and "--force" not in sys.argv[1:]:
            print(f"{target} exists; stored schemas are frozen (use --force to replace it).")
            return 1
        built = write_demo_database(Path(scratch) / "demo.sqlite", history=False)
        connection = sqlite3.connect(built)
        try:
            revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
            assert revision == HEAD_REVISION, revision
            # One self-contained, compact file: no -wal beside it, no free pages.
            connection.execute("PRAGMA journal_mode=DELETE")
            connection.execute("VACUUM")
        finally:
            connection.close()
        SCHEMAS.mkdir(parents=True, exist_ok=True)
        target.write_bytes(built.read_bytes())
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
