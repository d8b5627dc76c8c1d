"""Guided review: status, answers, change attributions, transitions; a key sequence.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


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
    with op.batch_alter_table("incidents") as batch:
        batch.add_column(
            sa.Column("review_status", sa.String(16), nullable=False, server_default="draft")
        )
        batch.add_column(
            sa.Column("review_progress", sa.Integer(), nullable=False, server_default="0")
        )
    op.create_table(
        "review_answers",
        *_owned_by_incident(),
        sa.Column("question_id", sa.String(100), nullable=False),
        sa.Column("bank_version", sa.String(50), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.UniqueConstraint("incident_id", "question_id", name="uq_review_answers_incident_id"),
    )
    op.create_table(
        "change_attributions",
        *_owned_by_incident(),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("verdict", sa.String(16), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.UniqueConstraint("incident_id", "category", name="uq_change_attributions_incident_id"),
    )
    op.create_table(
        "review_transitions",
        *_owned_by_incident(),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("from_status", sa.String(16), nullable=False),
        sa.Column("to_status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
    )
    for table in ("review_answers", "change_attributions", "review_transitions"):
        op.create_index(f"ix_{table}_incident_id", table, ["incident_id"])
    # Incident numbers come from a counter from now on, so deleted keys are never reused.
    op.create_table(
        "sequences",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("value", sa.Integer(), nullable=False),
    )
    op.execute(
        "INSERT INTO sequences (name, value) "
        "SELECT 'incident', COALESCE(MAX(number), 0) FROM incidents"
    )


def downgrade() -> None:
    op.drop_table("sequences")
    for table in ("review_transitions", "change_attributions", "review_answers"):
        op.drop_table(table)
    with op.batch_alter_table("incidents") as batch:
        batch.drop_column("review_progress")
        batch.drop_column("review_status")
