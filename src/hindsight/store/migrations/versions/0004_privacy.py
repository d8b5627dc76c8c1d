"""Privacy and ethics: the append-only data-access log and the ethics checklist answers.

Revision ID: 0004
Revises: 0003

An access is an identity row (`data_accesses`) and its revisions (`data_access_revisions`);
neither is ever updated or deleted by the app. On SQLite, triggers make the database refuse
it too, except when the owning incident (or entry) is already gone, so that deleting an
incident still cascades to its log. PostgreSQL gets the same rule as trigger functions
(its foreign-key cascades also run once the owner's row is gone). Any other dialect relies
on the repository, which has no update or delete for the log.
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

APPEND_ONLY = "the data-access log is append-only: record an amendment instead"

SQLITE_TRIGGERS = {
    "data_accesses_no_update": f"""
        CREATE TRIGGER data_accesses_no_update BEFORE UPDATE ON data_accesses
        BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END""",
    "data_accesses_no_delete": f"""
        CREATE TRIGGER data_accesses_no_delete BEFORE DELETE ON data_accesses
        WHEN EXISTS (SELECT 1 FROM incidents WHERE id = OLD.incident_id)
        BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END""",
    "data_access_revisions_no_update": f"""
        CREATE TRIGGER data_access_revisions_no_update BEFORE UPDATE ON data_access_revisions
        BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END""",
    "data_access_revisions_no_delete": f"""
        CREATE TRIGGER data_access_revisions_no_delete BEFORE DELETE ON data_access_revisions
        WHEN EXISTS (SELECT 1 FROM data_accesses WHERE id = OLD.access_id)
        BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END""",
}

# One function per table: each looks at its own owner column.
POSTGRESQL_TRIGGERS = {
    "data_accesses": ("incidents", "incident_id"),
    "data_access_revisions": ("data_accesses", "access_id"),
}


def _postgresql_statements() -> list[str]:
    statements = []
    for table, (owner, column) in POSTGRESQL_TRIGGERS.items():
        statements.append(f"""
            CREATE FUNCTION {table}_append_only() RETURNS trigger AS $$
            BEGIN
                IF TG_OP = 'DELETE' AND NOT EXISTS (
                    SELECT 1 FROM {owner} WHERE id = OLD.{column}
                ) THEN
                    RETURN OLD;
                END IF;
                RAISE EXCEPTION '{APPEND_ONLY}' USING ERRCODE = 'restrict_violation';
            END $$ LANGUAGE plpgsql""")
        statements.append(f"""
            CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
            FOR EACH ROW EXECUTE FUNCTION {table}_append_only()""")
    return statements


def upgrade() -> None:
    op.create_table(
        "data_accesses",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "incident_id",
            sa.Integer(),
            sa.ForeignKey("incidents.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("incident_id", "number", name="uq_data_accesses_incident_id"),
    )
    op.create_index("ix_data_accesses_incident_id", "data_accesses", ["incident_id"])
    op.create_table(
        "data_access_revisions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "access_id",
            sa.Integer(),
            sa.ForeignKey("data_accesses.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("accessor", sa.String(200), nullable=False),
        sa.Column("accessed_at", sa.DateTime(), nullable=False),
        sa.Column("dataset", sa.String(500), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("volume", sa.BigInteger(), nullable=True),
        sa.Column("volume_unit", sa.String(16), nullable=False),
        sa.Column("justification", sa.Text(), nullable=False),
        sa.Column("approver", sa.String(200), nullable=False),
        sa.Column("privacy_consulted", sa.Boolean(), nullable=False),
        sa.Column("privacy_contact", sa.String(200), nullable=False),
        sa.Column("copies", sa.JSON(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.UniqueConstraint("access_id", "number", name="uq_data_access_revisions_access_id"),
    )
    op.create_index("ix_data_access_revisions_access_id", "data_access_revisions", ["access_id"])
    op.create_table(
        "ethics_answers",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "incident_id",
            sa.Integer(),
            sa.ForeignKey("incidents.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("item_id", sa.String(100), nullable=False),
        sa.Column("choice", sa.String(8), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("answered_by", sa.String(200), nullable=False),
        sa.Column("checklist_version", sa.String(50), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.UniqueConstraint("incident_id", "item_id", name="uq_ethics_answers_incident_id"),
    )
    op.create_index("ix_ethics_answers_incident_id", "ethics_answers", ["incident_id"])
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for statement in SQLITE_TRIGGERS.values():
            op.execute(statement)
    elif dialect == "postgresql":
        for statement in _postgresql_statements():
            op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    elif dialect == "postgresql":
        for table in POSTGRESQL_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")
    op.drop_table("ethics_answers")
    op.drop_table("data_access_revisions")
    op.drop_table("data_accesses")
