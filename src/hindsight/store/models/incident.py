"""Tables of the incident record: incidents, milestones, timeline events, roles, teams."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hindsight.store.models.base import Base, UTCDateTime

if TYPE_CHECKING:
    from hindsight.store.models.postmortem import (
        ContributingFactorRow,
        ImpactMeasureRow,
        ReferenceRow,
    )
    from hindsight.store.models.review import ChangeAttributionRow, ReviewAnswerRow


class IncidentRow(Base):
    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)
    title: Mapped[str] = mapped_column(String(500))
    summary: Mapped[str] = mapped_column(Text, default="")
    severity: Mapped[str] = mapped_column(String(8))
    phase: Mapped[str] = mapped_column(String(32))
    systems: Mapped[list[str]] = mapped_column(JSON, default=list)
    models: Mapped[list[str]] = mapped_column(JSON, default=list)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    review_status: Mapped[str] = mapped_column(String(16), server_default="draft")
    # Share of required review questions settled, kept at each save for the incident list.
    review_progress: Mapped[int] = mapped_column(Integer, server_default="0")
    # The postmortem as a document (migration 0007).
    authors: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    reviewers: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")
    external_id: Mapped[str] = mapped_column(String(100), default="", server_default="")
    historical: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # The first impact measure as one line, kept at each save for the incident list.
    impact_headline: Mapped[str] = mapped_column(Text, default="", server_default="")

    milestones: Mapped[list[MilestoneRow]] = relationship(
        back_populates="incident", cascade="all, delete-orphan"
    )
    events: Mapped[list[TimelineEventRow]] = relationship(
        back_populates="incident", cascade="all, delete-orphan"
    )
    roles: Mapped[list[RoleAssignmentRow]] = relationship(
        back_populates="incident", cascade="all, delete-orphan"
    )
    teams: Mapped[list[TeamInvolvementRow]] = relationship(
        back_populates="incident", cascade="all, delete-orphan"
    )
    answers: Mapped[list[ReviewAnswerRow]] = relationship(
        back_populates="incident", cascade="all, delete-orphan"
    )
    attributions: Mapped[list[ChangeAttributionRow]] = relationship(
        back_populates="incident", cascade="all, delete-orphan"
    )
    impacts: Mapped[list[ImpactMeasureRow]] = relationship(
        back_populates="incident", cascade="all, delete-orphan"
    )
    factors: Mapped[list[ContributingFactorRow]] = relationship(
        back_populates="incident", cascade="all, delete-orphan"
    )
    references: Mapped[list[ReferenceRow]] = relationship(
        back_populates="incident", cascade="all, delete-orphan"
    )

    # UPDATE ... WHERE version = :seen: a stale write can never pass unnoticed.
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


# The incident list's indexes (migration 0005, where the reason for each is given).
Index(
    "ix_incidents_listing",
    IncidentRow.number,
    IncidentRow.key,
    IncidentRow.title,
    IncidentRow.tags,
    IncidentRow.systems,
    IncidentRow.phase,
    IncidentRow.severity,
)
Index("ix_incidents_title", func.lower(IncidentRow.title), IncidentRow.number)
Index(
    "ix_incidents_phase",
    text(
        "CASE phase WHEN 'pre_incident' THEN 0 WHEN 'trigger' THEN 1 "
        "WHEN 'outage_begins' THEN 2 WHEN 'detection' THEN 3 WHEN 'troubleshooting' THEN 4 "
        "WHEN 'mitigation' THEN 5 WHEN 'resolution' THEN 6 WHEN 'follow_up' THEN 7 ELSE 99 END"
    ),
    IncidentRow.number,
)
Index("ix_incidents_phase_filter", IncidentRow.phase, IncidentRow.number)
Index("ix_incidents_severity", IncidentRow.severity, IncidentRow.number)
Index(
    "ix_incidents_review",
    text(
        "(CASE review_status WHEN 'draft' THEN 0 WHEN 'in_review' THEN 1000 "
        "WHEN 'published' THEN 2000 ELSE 9000 END + review_progress)"
    ),
    IncidentRow.number,
)
Index("ix_incidents_updated", IncidentRow.updated_at, IncidentRow.number)
Index("ix_incidents_impact", func.lower(IncidentRow.impact_headline), IncidentRow.number)


class _FuzzyColumns:
    earliest: Mapped[datetime] = mapped_column(UTCDateTime)
    latest: Mapped[datetime] = mapped_column(UTCDateTime)
    best: Mapped[datetime] = mapped_column(UTCDateTime)
    confidence: Mapped[str] = mapped_column(String(16))
    time_note: Mapped[str] = mapped_column(Text, default="")
    # "minute", or "day" for a time known only to the day (migration 0007).
    time_precision: Mapped[str] = mapped_column(
        String(8), default="minute", server_default="minute"
    )


class MilestoneRow(_FuzzyColumns, Base):
    __tablename__ = "milestones"
    __table_args__ = (UniqueConstraint("incident_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))  # a phase, or a response moment (Marker)
    # True for a milestone the contributing factors date and the author did not set: stored
    # so that queries (insights, search) see the incident's milestones without the factors.
    derived: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    incident: Mapped[IncidentRow] = relationship(back_populates="milestones")


class TimelineEventRow(_FuzzyColumns, Base):
    __tablename__ = "timeline_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    phase: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text, default="")
    incident: Mapped[IncidentRow] = relationship(back_populates="events")


class RoleAssignmentRow(Base):
    __tablename__ = "role_assignments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(32))
    person: Mapped[str] = mapped_column(String(200))
    start: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    end: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    incident: Mapped[IncidentRow] = relationship(back_populates="roles")


class TeamInvolvementRow(Base):
    __tablename__ = "team_involvements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    team: Mapped[str] = mapped_column(String(200))
    part: Mapped[str] = mapped_column(Text, default="")
    incident: Mapped[IncidentRow] = relationship(back_populates="teams")


class SequenceRow(Base):
    """Counters that only go up, so a deleted incident's key is never handed out again."""

    __tablename__ = "sequences"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)
