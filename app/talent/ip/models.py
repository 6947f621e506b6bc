"""Derived: each active PNS/CPNS's IP ASN points per year, and which years are stored complete.

Kept in step by `scores.refresh` in the transaction that changes an input (education, employment
type, position and its jenis jabatan, unit, active flag; verified learning; the year's SKP result; a
sanction; the year's rules), so the province report groups 60,000 stored rows instead of computing
60,000 people's points per request. Rows hold what points_statement() gives (app/talent/ip/points.py).
"""

from __future__ import annotations

from sqlalchemy import Index, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base


class IpAsnScore(Base):
    __tablename__ = "ip_asn_scores"
    # The report groups a year's rows by unit and category.
    __table_args__ = (Index("ix_ip_asn_scores_year_unit_id_category", "year", "unit_id", "category"),)

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    nip: Mapped[str] = mapped_column(String(18), primary_key=True)
    # The ASN's unit, kept with the row (a move refreshes it) so the report reads one table.
    unit_id: Mapped[int] = mapped_column(Integer)
    kualifikasi: Mapped[int] = mapped_column(SmallInteger)
    kompetensi: Mapped[int] = mapped_column(SmallInteger)
    kinerja: Mapped[int] = mapped_column(SmallInteger)
    disiplin: Mapped[int] = mapped_column(SmallInteger)
    total: Mapped[int] = mapped_column(SmallInteger)
    # The index of the year's category band (0: the highest), as the year's ip_asn_rules list them.
    category: Mapped[int] = mapped_column(SmallInteger)


class IpAsnScoreYear(Base):
    """A year whose ip_asn_scores hold every active PNS/CPNS; the report of any other year is computed."""

    __tablename__ = "ip_asn_score_years"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
