"""Who changed which part of an incident, and when (migration 0008).

One row per stored change of an incident record (created, saved, review moved), written in
the same transaction as the change, by the services layer (services/history.py). `changes`
is a JSON list of {"part", "field", "before", "after"}, plain values as the record holds them.
The rows go with their incident when it is deleted.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from hindsight.store.models.base import Base, UTCDateTime


class IncidentHistoryRow(Base):
    __tablename__ = "incident_history"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    author: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(16))  # created, saved, review
    version: Mapped[int] = mapped_column(Integer)  # the incident's version after the change
    changes: Mapped[list[Any]] = mapped_column(JSON)


Index("ix_incident_history_incident", IncidentHistoryRow.incident_id, IncidentHistoryRow.id)
