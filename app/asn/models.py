from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base
from app.core.types import UTCDateTime, utcnow


class Asn(Base):
    """An ASN profile. Master data (NIP, rank, position, unit) is owned by SIMPEG."""

    __tablename__ = "asn"
    __table_args__ = (
        Index("ix_asn_unit_id_nip", "unit_id", "nip"),
        Index("ix_asn_name", "name"),
    )

    nip: Mapped[str] = mapped_column(String(18), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    gender: Mapped[str] = mapped_column(String(6))
    birth_date: Mapped[date] = mapped_column(Date)
    employment_type: Mapped[str] = mapped_column(String(4))
    golongan: Mapped[str | None] = mapped_column(String(6), nullable=True)
    position_id: Mapped[int | None] = mapped_column(ForeignKey("positions.id"), nullable=True, index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    email: Mapped[str | None] = mapped_column(String(254), nullable=True, index=True)
    phone: Mapped[str | None] = mapped_column(String(20), nullable=True)
    education_level: Mapped[str | None] = mapped_column(String(4), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Optimistic locking: a concurrent update of the same row fails instead of overwriting.
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
