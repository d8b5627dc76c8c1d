"""Search: the index's records of one kind are one range of rowids.

Revision ID: 0010
Revises: 0009

On SQLite the full-text index of the records an incident owns is rebuilt with the kind of
record at the top of each rowid, before the incident (store/search_schema.py, "Row ids"),
so that FTS5 counts a word's records of each kind on its own. Nothing else changes: the
same tables, views and triggers, made again. On a Python whose SQLite lacks FTS5 an index
cannot be rebuilt; such a database is refused for searching until it is opened with FTS5
(`hindsight check` then reports the old index and `--repair` rebuilds it). PostgreSQL's
index has no rowids and is left as it is.
"""

from alembic import op

from hindsight.store import search_schema

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name != "sqlite" or not search_schema.fts5_available():
        return
    if search_schema.index_present(connection):
        search_schema.rebuild_index(connection)


def downgrade() -> None:
    # The previous revision's layout is built by its own code; an older Hindsight reading
    # this layout would misplace records, so the index is dropped and built again by it
    # (it builds a missing index when it opens the database).
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        search_schema.drop_index(connection)
