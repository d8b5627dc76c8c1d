"""Initial schema: incidents, milestones, timeline events, roles and teams.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _fuzzy_columns() -> list[sa.Column]:
    return [
        sa.Column("earliest", sa.DateTime(), nullable=False),
        sa.Column("latest", sa.DateTime(), nullable=False),
        sa.Column("best", sa.DateTime(), nullable=False),
        sa.Column("confidence", sa.String(16), nullable=False),
        sa.Column("time_note", sa.Text(), nullable=False),
    ]


def _owned_by_incident() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "incident_id",
            sa.Integer(),
            sa.ForeignKey("incidents.id", ondelete="CASCADE"),
            nullable=False,
        ),
    ]


def upgrade() -> None:
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(32), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("severity", sa.String(8), nullable=False),
        sa.Column("phase", sa.String(32), nullable=False),
        sa.Column("systems", sa.JSON(), nullable=False),
        sa.Column("models", sa.JSON(), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.UniqueConstraint("number", name="uq_incidents_number"),
        sa.UniqueConstraint("key", name="uq_incidents_key"),
    )
    op.create_table(
        "milestones",
        *_owned_by_incident(),
        sa.Column("kind", sa.String(32), nullable=False),
        *_fuzzy_columns(),
        sa.UniqueConstraint("incident_id", "kind", name="uq_milestones_incident_id"),
    )
    op.create_table(
        "timeline_events",
        *_owned_by_incident(),
        sa.Column("phase", sa.String(32), nullable=False),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        *_fuzzy_columns(),
    )
    op.create_table(
        "role_assignments",
        *_owned_by_incident(),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("person", sa.String(200), nullable=False),
        sa.Column("start", sa.DateTime(), nullable=True),
        sa.Column("end", sa.DateTime(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
    )
    op.create_table(
        "team_involvements",
        *_owned_by_incident(),
        sa.Column("team", sa.String(200), nullable=False),
        sa.Column("part", sa.Text(), nullable=False),
    )
    for table in ("milestones", "timeline_events", "role_assignments", "team_involvements"):
        op.create_index(f"ix_{table}_incident_id", table, ["incident_id"])


def downgrade() -> None:
    for table in ("team_involvements", "role_assignments", "timeline_events", "milestones"):
        op.drop_table(table)
    op.drop_table("incidents")
