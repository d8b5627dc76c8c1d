"""Follow-ups: work items of an incident with their own version, and their status history.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "followups",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "incident_id",
            sa.Integer(),
            sa.ForeignKey("incidents.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("priority", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("feasibility", sa.Integer(), nullable=False),
        sa.Column("tracker_url", sa.String(2000), nullable=False),
        sa.Column("speeds_troubleshooting", sa.Boolean(), nullable=False),
        sa.Column("next_senior_review", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("value BETWEEN 1 AND 5", name="ck_followups_value"),
        sa.CheckConstraint("feasibility BETWEEN 1 AND 5", name="ck_followups_feasibility"),
    )
    op.create_index("ix_followups_incident_id", "followups", ["incident_id"])
    op.create_table(
        "followup_status_changes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "followup_id",
            sa.Integer(),
            sa.ForeignKey("followups.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reached_on", sa.Date(), nullable=False),
    )
    op.create_index(
        "ix_followup_status_changes_followup_id", "followup_status_changes", ["followup_id"]
    )


def downgrade() -> None:
    op.drop_table("followup_status_changes")
    op.drop_table("followups")
