from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base
from app.core.types import UTCDateTime, utcnow


class Unit(Base):
    """A perangkat daerah (OPD) or one of its sub-units; the tree is kept as a materialised path."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), nullable=True, index=True)
    # "/1/7/23/": ancestors then self, so "all descendants" is one indexed prefix match.
    path: Mapped[str] = mapped_column(String(400), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Optimistic locking: a concurrent update of the same row fails instead of overwriting.
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Position(Base):
    """A jabatan in a unit; its competency standard comes with the competency domain."""

    __tablename__ = "positions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    jenis_jabatan: Mapped[str] = mapped_column(String(20))
    jenjang: Mapped[str | None] = mapped_column(String(20), nullable=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Optimistic locking: a concurrent update of the same row fails instead of overwriting.
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
