"""Tables of what real postmortems hold besides the timeline: impact measures, contributing
factors, links to outside things, and attached pictures.

Measures, factors and references are part of the incident record (saved with it, under its
version). Attachments are kept apart: pictures are large and change rarely, so they are
written when attached, not with every save of the record.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hindsight.store.models.base import Base, UTCDateTime
from hindsight.store.models.incident import IncidentRow


class ImpactMeasureRow(Base):
    __tablename__ = "impact_measures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    measure: Mapped[str] = mapped_column(String(200))
    low: Mapped[float | None] = mapped_column(Float, nullable=True)
    high: Mapped[float | None] = mapped_column(Float, nullable=True)
    best: Mapped[float | None] = mapped_column(Float, nullable=True)
    unit: Mapped[str] = mapped_column(String(40), default="")
    slice: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    incident: Mapped[IncidentRow] = relationship(back_populates="impacts")


class ContributingFactorRow(Base):
    __tablename__ = "contributing_factors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    trigger_kind: Mapped[str] = mapped_column(String(100), default="")
    implicated: Mapped[list[str]] = mapped_column(JSON, default=list)
    scope: Mapped[str] = mapped_column(Text, default="")
    # {"began": fuzzy time, ...} in the JSON exchange format's shape; the incident's
    # milestones derived from them are stored as milestone rows, where queries read them.
    dates: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    incident: Mapped[IncidentRow] = relationship(back_populates="factors")


class ReferenceRow(Base):
    __tablename__ = "incident_references"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    target: Mapped[str] = mapped_column(String(2000))
    label: Mapped[str] = mapped_column(String(300), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    incident: Mapped[IncidentRow] = relationship(back_populates="references")


class AttachmentRow(Base):
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(32))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    caption: Mapped[str] = mapped_column(Text, default="")
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
