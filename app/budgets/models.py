"""Budgets for competency development: the jurisdiction's total spending and each unit's pagu/realisasi.

Money is integer rupiah in BIGINT columns (Rp21.69 trillion fits many thousand times over).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base
from app.core.types import UTCDateTime, utcnow

JURISDICTIONS = ("provinsi", "kabupaten_kota")


class Budget(Base):
    """A year's total belanja daerah (APBD spending) and the kind of jurisdiction, for the threshold."""

    __tablename__ = "budgets"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    jurisdiction: Mapped[str] = mapped_column(String(20))
    total_belanja_daerah_idr: Mapped[int] = mapped_column(BigInteger)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class UnitBudget(Base):
    """A unit's competency-development budget in a year: planned (pagu) and spent (realisasi)."""

    __tablename__ = "unit_budgets"

    year: Mapped[int] = mapped_column(ForeignKey("budgets.year"), primary_key=True, autoincrement=False)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True, autoincrement=False)
    pagu_idr: Mapped[int] = mapped_column(BigInteger)
    realisasi_idr: Mapped[int] = mapped_column(BigInteger)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
