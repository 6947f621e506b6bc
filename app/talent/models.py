"""Talent records: the yearly SKP result (performance), potential assessments and disciplinary
sanctions of each ASN — the inputs of the 9-box and of the Indeks Profesionalitas ASN.

Performance is one row per ASN and year, replaced as a whole (versioned, ETag/If-Match). Potential
assessments and disciplinary records are history: never overwritten, one row per event.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, ForeignKey, Index, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base
from app.core.types import BigId, JsonColumn, UTCDateTime, utcnow

PREDIKAT = ("sangat_baik", "baik", "butuh_perbaikan", "kurang", "sangat_kurang")
POTENTIAL_METHODS = ("assessment_center", "tes_potensi", "atasan")
POTENTIAL_CATEGORIES = ("rendah", "menengah", "tinggi")
SANCTION_LEVELS = ("ringan", "sedang", "berat")


class Performance(Base):
    """An ASN's SKP result of one year (PermenPAN-RB 6/2022): its predikat and, when known, its score."""

    __tablename__ = "performances"
    # The year's reports read every ASN's result of one year.
    __table_args__ = (Index("ix_performances_year_nip", "year", "nip"),)

    nip: Mapped[str] = mapped_column(ForeignKey("asn.nip"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    predikat: Mapped[str] = mapped_column(String(20))
    score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2), nullable=True)
    # Where the result came from: "manual" (entered in Bangkom), "sync", "import", or a client's id.
    source: Mapped[str] = mapped_column(String(120))
    updated_by: Mapped[str] = mapped_column(String(120))
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class PotentialAssessment(Base):
    """One assessment of an ASN's potential; history, never overwritten.

    `category` is what the assessor gave; when absent it is derived from the year's cut-offs by whoever
    reads it (the 9-box), never stored.
    """

    __tablename__ = "potential_assessments"
    __table_args__ = (Index("ix_potential_assessments_nip_assessed_on", "nip", "assessed_on"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    nip: Mapped[str] = mapped_column(ForeignKey("asn.nip"))
    assessed_on: Mapped[date] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(30))
    assessor: Mapped[str | None] = mapped_column(String(200), nullable=True)
    score: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    category: Mapped[str | None] = mapped_column(String(10), nullable=True)
    # [{"name": "Kemampuan berpikir", "score": "82.50"}, ...]: scores as decimal text.
    aspects: Mapped[list[dict[str, Any]]] = mapped_column(JsonColumn)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DisciplinaryRecord(Base):
    """A disciplinary sanction (PP 94/2021): in force from `decided_on` through `ends_on` (open when null)."""

    __tablename__ = "disciplinary_records"
    __table_args__ = (Index("ix_disciplinary_records_nip_decided_on", "nip", "decided_on"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    nip: Mapped[str] = mapped_column(ForeignKey("asn.nip"))
    level: Mapped[str] = mapped_column(String(10))
    decided_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    reference: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
