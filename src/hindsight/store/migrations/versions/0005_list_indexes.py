"""Indexes for the incident list: every sortable column, and a narrow copy for filtering.

The list sorts and filters in SQL (store/listing.py). Each sort reads one of these indexes in
order, ties broken by the incident number in the same direction, so no sort step is needed;
the filter by words scans the narrow covering index instead of the wide incident rows.
The two CASE expressions must stay the same as store/listing.py's, or SQLite stops using
them (tests/store/test_listing.py checks every sort's query plan).

Revision ID: 0005
Revises: 0004
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

PHASE_RANK = (
    "CASE phase WHEN 'pre_incident' THEN 0 WHEN 'trigger' THEN 1 WHEN 'outage_begins' THEN 2 "
    "WHEN 'detection' THEN 3 WHEN 'troubleshooting' THEN 4 WHEN 'mitigation' THEN 5 "
    "WHEN 'resolution' THEN 6 WHEN 'follow_up' THEN 7 ELSE 99 END"
)
REVIEW_RANK = (
    "(CASE review_status WHEN 'draft' THEN 0 WHEN 'in_review' THEN 1000 "
    "WHEN 'published' THEN 2000 ELSE 9000 END + review_progress)"
)

INDEXES: dict[str, list[Any]] = {
    "ix_incidents_listing": [
        "number",
        "key",
        "title",
        "tags",
        "systems",
        "phase",
        "severity",
    ],
    "ix_incidents_title": [sa.text("lower(title)"), "number"],
    "ix_incidents_phase": [sa.text(PHASE_RANK), "number"],
    "ix_incidents_phase_filter": ["phase", "number"],
    "ix_incidents_severity": ["severity", "number"],
    "ix_incidents_review": [sa.text(REVIEW_RANK), "number"],
    "ix_incidents_updated": ["updated_at", "number"],
}


# PostgreSQL has no ordering of JSON values, so its copy of the narrow index leaves the two
# JSON lists out (a filter by words reads them from the table there).
JSON_COLUMNS = ("tags", "systems")


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for name, columns in INDEXES.items():
        if postgresql:
            # An expression in an index stands in parentheses there.
            columns = [
                sa.text(f"({column.text})") if isinstance(column, sa.TextClause) else column
                for column in columns
                if column not in JSON_COLUMNS
            ]
        op.create_index(name, "incidents", columns)


def downgrade() -> None:
    for name in reversed(INDEXES):
        op.drop_index(name, table_name="incidents")
