"""Team mode: the history of each incident (who changed what, when) and, on PostgreSQL, change
notifications for other clients.

Revision ID: 0008
Revises: 0007

On PostgreSQL, triggers on the tables a user edits send a notification on the channel
`hindsight_changes` for each changed row: "i:ID" (an incident saved or created), "r:ID"
(removed), "f:ID" (its follow-ups), "p:ID" (its privacy record), "l:ID" (its links) and "s"
(saved searches). The server delivers them when the transaction commits, to every client
listening (store/postgres_notify.py), whoever wrote: the app, the command line or an import.
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

CHANNEL = "hindsight_changes"

# table: (kind, the columns holding the incident's id)
NOTIFYING = {
    "incidents": ("i", ("id",)),
    "followups": ("f", ("incident_id",)),
    "data_accesses": ("p", ("incident_id",)),
    "data_access_revisions": ("p", ()),  # its incident is found through its access
    "ethics_answers": ("p", ("incident_id",)),
    "incident_links": ("l", ("source_id", "target_id")),
    "saved_searches": ("s", ()),
}

NOTIFY_FUNCTION = f"""
CREATE FUNCTION hindsight_notify() RETURNS trigger AS $$
DECLARE
    rec jsonb;
    kind text := TG_ARGV[0];
    i integer;
    incident text;
BEGIN
    IF TG_OP = 'DELETE' THEN rec := to_jsonb(OLD); ELSE rec := to_jsonb(NEW); END IF;
    IF TG_OP = 'DELETE' AND kind = 'i' THEN kind := 'r'; END IF;
    IF kind = 's' THEN
        PERFORM pg_notify('{CHANNEL}', 's');
    ELSIF TG_TABLE_NAME = 'data_access_revisions' THEN
        SELECT incident_id::text INTO incident FROM data_accesses
            WHERE id = (rec->>'access_id')::integer;
        PERFORM pg_notify('{CHANNEL}', kind || ':' || coalesce(incident, ''));
    ELSE
        FOR i IN 1 .. TG_NARGS - 1 LOOP
            PERFORM pg_notify('{CHANNEL}', kind || ':' || coalesce(rec->>TG_ARGV[i], ''));
        END LOOP;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    op.create_table(
        "incident_history",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "incident_id",
            sa.Integer(),
            sa.ForeignKey("incidents.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
    )
    op.create_index("ix_incident_history_incident", "incident_history", ["incident_id", "id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(NOTIFY_FUNCTION)
        for table, (kind, columns) in NOTIFYING.items():
            arguments = ", ".join(f"'{value}'" for value in (kind, *columns))
            op.execute(
                f"CREATE TRIGGER {table}_notify AFTER INSERT OR UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION hindsight_notify({arguments})"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in NOTIFYING:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_notify ON {table}")
        op.execute("DROP FUNCTION IF EXISTS hindsight_notify()")
    op.drop_index("ix_incident_history_incident", table_name="incident_history")
    op.drop_table("incident_history")
