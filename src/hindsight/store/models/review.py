"""Tables of the guided review: answers, change attributions and status transitions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hindsight.store.models.base import Base, UTCDateTime
from hindsight.store.models.incident import IncidentRow


class ReviewAnswerRow(Base):
    __tablename__ = "review_answers"
    __table_args__ = (UniqueConstraint("incident_id", "question_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    question_id: Mapped[str] = mapped_column(String(100))
    bank_version: Mapped[str] = mapped_column(String(50))
    status: Mapped[str] = mapped_column(String(16))
    value: Mapped[Any] = mapped_column(JSON, nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    incident: Mapped[IncidentRow] = relationship(back_populates="answers")


class ChangeAttributionRow(Base):
    __tablename__ = "change_attributions"
    __table_args__ = (UniqueConstraint("incident_id", "category"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    category: Mapped[str] = mapped_column(String(32))
    verdict: Mapped[str] = mapped_column(String(16))
    evidence: Mapped[str] = mapped_column(Text, default="")
    incident: Mapped[IncidentRow] = relationship(back_populates="attributions")


class ReviewTransitionRow(Base):
    __tablename__ = "review_transitions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    from_status: Mapped[str] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text, default="")
