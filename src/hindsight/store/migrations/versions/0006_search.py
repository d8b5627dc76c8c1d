"""Search: the full-text index of every incident, links between incidents, saved searches.

Revision ID: 0006
Revises: 0005

On SQLite the index (FTS5 tables, their content views and the triggers that keep them in
step) is built from the data already stored; store/search_schema.py documents its shape. On a
Python whose SQLite lacks FTS5 the index is left out and search falls back to plain matching;
`hindsight check --repair` builds it once FTS5 is there. Other dialects get their own index
later (PostgreSQL: tsvector).
"""

import sqlalchemy as sa
from alembic import op

from hindsight.store import search_schema

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "incident_links",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "source_id",
            sa.Integer(),
            sa.ForeignKey("incidents.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "target_id",
            sa.Integer(),
            sa.ForeignKey("incidents.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("source_id", "target_id", "kind", name="uq_incident_links_source_id"),
        sa.CheckConstraint("source_id <> target_id", name="ck_incident_links_not_self"),
    )
    op.create_index("ix_incident_links_source_id", "incident_links", ["source_id"])
    op.create_index("ix_incident_links_target_id", "incident_links", ["target_id"])
    op.create_table(
        "saved_searches",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("name", name="uq_saved_searches_name"),
    )
    connection = op.get_bind()
    if connection.dialect.name == "sqlite" and search_schema.fts5_available():
        search_schema.create_index(connection)


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        search_schema.drop_index(connection)
    op.drop_table("saved_searches")
    op.drop_index("ix_incident_links_target_id", table_name="incident_links")
    op.drop_index("ix_incident_links_source_id", table_name="incident_links")
    op.drop_table("incident_links")
