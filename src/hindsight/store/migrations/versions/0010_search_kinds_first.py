"""Search: the index's records of one kind are one range of rowids.

Revision ID: 0010
Revises: 0009

On SQLite the full-text index of the records an incident owns is rebuilt with the kind of
record at the top of each rowid, before the incident (store/search_schema.py, "Row ids"),
so that FTS5 counts a word's records of each kind on its own, and FTS5's vocabulary of the
incidents' index is added (search_incident_words). The other tables, views and triggers
are made again as they were; an index that was missing is built. A Python whose SQLite
lacks FTS5 cannot rebuild it: such a database is refused for searching there, and rebuilt
when it is next opened with FTS5 (search_index_for finds the older layout). PostgreSQL's
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
    if connection.dialect.name == "sqlite" and search_schema.fts5_available():
        # Built afresh, also where it was missing (as 0006 builds it).
        search_schema.rebuild_index(connection)


def downgrade() -> None:
    # The previous revision's layout is built by its own code; an older Hindsight reading
    # this layout would misplace records, so the index is dropped and built again by it
    # (it builds a missing index when it opens the database).
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        search_schema.drop_index(connection)
