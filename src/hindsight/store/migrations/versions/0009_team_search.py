"""Full-text search on a team database: the PostgreSQL index, its functions and triggers.

Revision ID: 0009
Revises: 0008

On PostgreSQL this creates the table `hindsight_search` (a tsvector for each searchable
field of each record, with a GIN index), the functions folding text as SQLite's FTS5
tokenizer does, and the triggers that keep the index in step with every write; then it
indexes what the database holds already. store/postgres_search_schema.py documents the
shape. On SQLite it does nothing: its FTS5 index came with 0006.
"""

from alembic import op

from hindsight.store import postgres_search_schema

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        postgres_search_schema.create_index(connection)


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        postgres_search_schema.drop_index(connection)
