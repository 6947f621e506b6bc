"""The date after which a year's learning claims are no longer accepted."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base
from app.core.types import UTCDateTime, utcnow


class YearClosing(Base):
    __tablename__ = "year_closings"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    # The last day a claim for `year` may be filed (Indonesian date); from the next day on it is refused.
    claims_close_on: Mapped[date] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str] = mapped_column(String(120))
