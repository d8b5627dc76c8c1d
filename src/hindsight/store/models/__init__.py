"""SQLAlchemy table models, one module per area. Column types stay portable to PostgreSQL.

Importing this package registers every table on `Base.metadata` (Alembic compares against it).
"""

from hindsight.store.models import (  # noqa: F401  (registers tables)
    followups,
    history,
    postmortem,
    privacy,
    search,
)
from hindsight.store.models.base import NAMING, Base, UTCDateTime
from hindsight.store.models.incident import (
    IncidentRow,
    MilestoneRow,
    RoleAssignmentRow,
    SequenceRow,
    TeamInvolvementRow,
    TimelineEventRow,
)
from hindsight.store.models.review import (
    ChangeAttributionRow,
    ReviewAnswerRow,
    ReviewTransitionRow,
)

__all__ = [
    "NAMING",
    "Base",
    "ChangeAttributionRow",
    "IncidentRow",
    "MilestoneRow",
    "ReviewAnswerRow",
    "ReviewTransitionRow",
    "RoleAssignmentRow",
    "SequenceRow",
    "TeamInvolvementRow",
    "TimelineEventRow",
    "UTCDateTime",
]
