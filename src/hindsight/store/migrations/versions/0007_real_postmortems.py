"""Real postmortems: impact measures, contributing factors, references, pictures, honest
precision and unknowns.

Revision ID: 0007
Revises: 0006

- incidents: authors, reviewers, an external incident number, whether the record is a
  historical one (written and published outside Hindsight), and the first impact measure as
  one line for the list (with an index for sorting by it, as every list column has);
- milestones and timeline entries: the precision of their time (a day, or a moment), and
  milestones marked `derived` when the contributing factors date them;
- new tables: impact measures, contributing factors, references (dashboards, tickets ...)
  and attached pictures;
- follow-ups: the action's type (mitigate, prevent ...), and a status step whose day is not
  known (reached_on may be NULL);
- data-access revisions: whether the privacy consultation was recorded at all. The log is
  append-only (its rows may never be updated), so the old entries are not touched: the new
  column's default says they were recorded, which they were (the old form always asked).

Only ADD COLUMN where a table has triggers (search, the append-only log), so none is lost;
the one column made nullable is in a table without triggers, copied by Alembic's batch mode
on SQLite. Column types stay portable to PostgreSQL.
"""

import warnings

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _owned(name: str, *columns: sa.Column) -> None:
    """A table of rows an incident owns, deleted with it."""
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "incident_id",
            sa.Integer(),
            sa.ForeignKey("incidents.id", ondelete="CASCADE"),
            nullable=False,
        ),
        *columns,
    )
    op.create_index(f"ix_{name}_incident_id", name, ["incident_id"])


def upgrade() -> None:
    op.add_column("incidents", sa.Column("authors", sa.JSON(), nullable=False, server_default="[]"))
    op.add_column(
        "incidents", sa.Column("reviewers", sa.JSON(), nullable=False, server_default="[]")
    )
    op.add_column(
        "incidents",
        sa.Column("external_id", sa.String(100), nullable=False, server_default=""),
    )
    op.add_column(
        "incidents",
        sa.Column("historical", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column(
        "incidents",
        sa.Column("impact_headline", sa.Text(), nullable=False, server_default=""),
    )
    op.create_index(
        "ix_incidents_impact", "incidents", [sa.text("lower(impact_headline)"), "number"]
    )
    for table in ("milestones", "timeline_events"):
        op.add_column(
            table,
            sa.Column("time_precision", sa.String(8), nullable=False, server_default="minute"),
        )
    op.add_column(
        "milestones",
        sa.Column("derived", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    _owned(
        "impact_measures",
        sa.Column("measure", sa.String(200), nullable=False),
        sa.Column("low", sa.Float(), nullable=True),
        sa.Column("high", sa.Float(), nullable=True),
        sa.Column("best", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(40), nullable=False),
        sa.Column("slice", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
    )
    _owned(
        "contributing_factors",
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("trigger_kind", sa.String(100), nullable=False),
        sa.Column("implicated", sa.JSON(), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("dates", sa.JSON(), nullable=False),
    )
    _owned(
        "incident_references",
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("target", sa.String(2000), nullable=False),
        sa.Column("label", sa.String(300), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
    )
    _owned(
        "attachments",
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("media_type", sa.String(32), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("caption", sa.Text(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.add_column("followups", sa.Column("action_type", sa.String(16), nullable=True))
    with warnings.catch_warnings():
        # Copying the table reflects its neighbours, whose expression indexes SQLAlchemy
        # cannot reflect (and need not: they are left as they are).
        warnings.filterwarnings("ignore", "Skipped unsupported reflection", sa.exc.SAWarning)
        with op.batch_alter_table("followup_status_changes") as batch:
            batch.alter_column("reached_on", existing_type=sa.Date(), nullable=True)
    op.add_column(
        "data_access_revisions",
        sa.Column(
            "privacy_consultation_recorded",
            sa.Boolean(),
            nullable=False,
            server_default=sa.true(),
        ),
    )


def downgrade() -> None:
    op.drop_column("data_access_revisions", "privacy_consultation_recorded")
    # Days that were not known become the day the item was recorded: the old schema needs one.
    op.execute(
        "UPDATE followup_status_changes SET reached_on = (SELECT date(created_at) FROM "
        "followups WHERE followups.id = followup_status_changes.followup_id) "
        "WHERE reached_on IS NULL"
    )
    with op.batch_alter_table("followup_status_changes") as batch:
        batch.alter_column("reached_on", existing_type=sa.Date(), nullable=False)
    op.drop_column("followups", "action_type")
    for table in ("attachments", "incident_references", "contributing_factors", "impact_measures"):
        op.drop_index(f"ix_{table}_incident_id", table_name=table)
        op.drop_table(table)
    kinds = ", ".join(
        f"'{k}'" for k in ("acknowledged", "declared", "first_public_notice", "closed")
    )
    op.execute(f"DELETE FROM milestones WHERE derived OR kind IN ({kinds})")
    op.drop_column("milestones", "derived")
    for table in ("timeline_events", "milestones"):
        op.drop_column(table, "time_precision")
    op.drop_index("ix_incidents_impact", table_name="incidents")
    for column in ("impact_headline", "historical", "external_id", "reviewers", "authors"):
        op.drop_column("incidents", column)
