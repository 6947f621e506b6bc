"""Daily snapshots of the completeness figures, so past days and the trend are read, never recomputed.

One row per day and unit, each unit's figures rolled up over its descendants, and one row for the whole
province (unit_id 0). The indexes the report reads are declared with their tables (assessments,
jp_year_totals, learning_records) and created by the same migration as this table.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Date, Integer, Numeric
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base

# The province's row: no unit has id 0.
PROVINCE = 0


class CompletenessSnapshot(Base):
    __tablename__ = "completeness_snapshots"

    taken_on: Mapped[date] = mapped_column(Date, primary_key=True)
    unit_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    headcount: Mapped[int] = mapped_column(Integer)
    # Active ASN meeting each indicator (app/completeness/indicators.py).
    contact: Mapped[int] = mapped_column(Integer)
    education: Mapped[int] = mapped_column(Integer)
    position_standard: Mapped[int] = mapped_column(Integer)
    competency_assessment: Mapped[int] = mapped_column(Integer)
    potential_assessment: Mapped[int] = mapped_column(Integer)
    performance_last_year: Mapped[int] = mapped_column(Integer)
    jp_this_year: Mapped[int] = mapped_column(Integer)
    queue_within_sla: Mapped[int] = mapped_column(Integer)
    # The verification queue that day: pending claims, those past the SLA, the oldest one's age in days.
    queue_pending: Mapped[int] = mapped_column(Integer)
    queue_over_sla: Mapped[int] = mapped_column(Integer)
    queue_oldest_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # As computed that day, under that day's score_indicators; null when the unit had no active ASN.
    score: Mapped[Decimal | None] = mapped_column(Numeric(5, 2), nullable=True)
