"""Tables of the privacy and ethics record: the data-access log and ethics answers.

The data-access log is append-only. `data_accesses` holds only an entry's identity (which
incident, its number there, when it was first recorded); everything the entry says lives in
`data_access_revisions`, one row per version, never updated or deleted (SQLite triggers made
by migration 0004 refuse it). Deleting the incident still removes its entries, through the
foreign keys' ON DELETE CASCADE: the triggers only refuse while the owner still exists.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hindsight.store.models.base import Base, UTCDateTime


class DataAccessRow(Base):
    __tablename__ = "data_accesses"
    __table_args__ = (UniqueConstraint("incident_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    # The database removes revisions with their entry; the ORM never deletes them itself.
    revisions: Mapped[list[DataAccessRevisionRow]] = relationship(
        back_populates="access", order_by="DataAccessRevisionRow.number", passive_deletes="all"
    )


class DataAccessRevisionRow(Base):
    __tablename__ = "data_access_revisions"
    __table_args__ = (UniqueConstraint("access_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    access_id: Mapped[int] = mapped_column(
        ForeignKey("data_accesses.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    accessor: Mapped[str] = mapped_column(String(200))
    accessed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    dataset: Mapped[str] = mapped_column(String(500))
    categories: Mapped[list[str]] = mapped_column(JSON)
    volume: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    volume_unit: Mapped[str] = mapped_column(String(16))
    justification: Mapped[str] = mapped_column(Text)
    approver: Mapped[str] = mapped_column(String(200))
    privacy_consulted: Mapped[bool] = mapped_column(Boolean)
    # False when nobody recorded whether the privacy team was consulted (then
    # privacy_consulted is false and means nothing). Added by migration 0007, true for the
    # entries recorded before, whose answer was always given.
    privacy_consultation_recorded: Mapped[bool] = mapped_column(
        Boolean, default=True, server_default=true()
    )
    privacy_contact: Mapped[str] = mapped_column(String(200))
    # [{"location", "delete_by" (ISO date), "deleted_at" (ISO UTC), "deleted_by"}]
    copies: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    notes: Mapped[str] = mapped_column(Text)

    access: Mapped[DataAccessRow] = relationship(back_populates="revisions")


class EthicsAnswerRow(Base):
    __tablename__ = "ethics_answers"
    __table_args__ = (UniqueConstraint("incident_id", "item_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[str] = mapped_column(String(100))
    choice: Mapped[str | None] = mapped_column(String(8), nullable=True)
    note: Mapped[str] = mapped_column(Text)
    answered_by: Mapped[str] = mapped_column(String(200))
    checklist_version: Mapped[str] = mapped_column(String(50))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, nullable=False)

    # UPDATE ... WHERE version = :seen, as for incidents: two windows never overwrite silently.
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
