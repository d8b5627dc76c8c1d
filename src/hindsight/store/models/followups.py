"""Tables of follow-up work items and the history of their status.

A follow-up is its own record with its own version (it is edited alone, dragged on a grid,
possibly from a view across incidents). `status` repeats the last entry of its history so that
lists can filter on it without reading the history.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hindsight.store.models.base import Base, UTCDateTime


class FollowUpRow(Base):
    __tablename__ = "followups"
    __table_args__ = (
        CheckConstraint("value BETWEEN 1 AND 5", name="ck_followups_value"),
        CheckConstraint("feasibility BETWEEN 1 AND 5", name="ck_followups_feasibility"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(500))
    description: Mapped[str] = mapped_column(Text, default="")
    owner: Mapped[str] = mapped_column(String(200), default="")
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(16))
    priority: Mapped[str] = mapped_column(String(16))
    kind: Mapped[str] = mapped_column(String(32))
    # mitigate | prevent | process | investigate | other; NULL when not said (migration 0007)
    action_type: Mapped[str | None] = mapped_column(String(16), nullable=True)
    value: Mapped[int] = mapped_column(Integer)
    feasibility: Mapped[int] = mapped_column(Integer)
    # A web address or a tracker reference ("PROJ-42"); the column kept its first name.
    tracker: Mapped[str] = mapped_column("tracker_url", String(2000), default="")
    speeds_troubleshooting: Mapped[bool] = mapped_column(Boolean, default=False)
    next_senior_review: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    history: Mapped[list[FollowUpStatusRow]] = relationship(
        back_populates="followup",
        cascade="all, delete-orphan",
        # Written in the order reached; a day may be unknown (NULL), so the day cannot order.
        order_by="FollowUpStatusRow.id",
    )

    # UPDATE ... WHERE version = :seen: a stale write can never pass unnoticed.
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class FollowUpStatusRow(Base):
    __tablename__ = "followup_status_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    followup_id: Mapped[int] = mapped_column(
        ForeignKey("followups.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16))
    reached_on: Mapped[date | None] = mapped_column(Date, nullable=True)  # NULL: not known
    followup: Mapped[FollowUpRow] = relationship(back_populates="history")
