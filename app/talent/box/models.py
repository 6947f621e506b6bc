"""Derived: where each ASN stands on the 9-box for each year they have an SKP result.

Kept in step by `placements.refresh` in the transaction that changes an input (the year's SKP result,
a potential assessment, the competency levels or standard behind the JPM, the year's rules), so the
province's talent map counts 60,000 stored rows instead of recomputing 60,000 JPMs per request.
Figures are integer hundredths (8889 = 88.89): exact on both databases.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, Index, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base


class TalentPlacement(Base):
    __tablename__ = "talent_placements"
    # The map counts a year's boxes; the people of a box are listed by NIP.
    __table_args__ = (
        Index("ix_talent_placements_year_unit_id_box", "year", "unit_id", "box"),
        Index("ix_talent_placements_year_box_nip", "year", "box", "nip"),
    )

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    nip: Mapped[str] = mapped_column(String(18), primary_key=True)
    # The ASN's unit and active flag, kept with the row (they follow every move) so the map reads one table.
    unit_id: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean)
    predikat: Mapped[str] = mapped_column(String(20))
    kinerja: Mapped[str] = mapped_column(String(10))
    # Null when the position standard is missing or not every competency of it has a level.
    jpm: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # The latest potential assessment on or before the year's last day, if any.
    potential_score: Mapped[int | None] = mapped_column(Integer, nullable=True)
    potential_assessed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    potensial_score: Mapped[int | None] = mapped_column(Integer, nullable=True)
    potensial: Mapped[str | None] = mapped_column(String(10), nullable=True)
    box: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
