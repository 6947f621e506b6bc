"""Competencies: the dictionary, position standards (SKJ), assessments, the catalogue and the
figures kept for the gap report.

Sources of truth are the dictionary, `position_standards`, `assessments`/`assessment_results` and
the ASN profiles. `competency_levels` (latest rating per ASN and competency), `competency_standings`
(each ASN's required vs actual level per standard competency) and `competency_unit_totals` (their
sums per unit) are derived, kept current in the transaction that changes a source
(see standings.py), so the province-wide gap report reads a few thousand rows instead of joining
hundreds of thousands.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base
from app.core.types import BigId, JsonColumn, UTCDateTime, utcnow

GROUPS = ("manajerial", "sosial_kultural", "teknis")
METHODS = ("assessment_center", "uji_kompetensi", "atasan", "self")
LEVELS = range(1, 6)


class Competency(Base):
    """A competency of the dictionary with its five level descriptions."""

    __tablename__ = "competencies"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    group: Mapped[str] = mapped_column(String(20), index=True)
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    # [{"level": 1, "description": "..."}, ...] for levels 1..5, in order.
    levels: Mapped[list[dict[str, Any]]] = mapped_column(JsonColumn)
    # Retired competencies stay for history (old assessments) but are not offered for new standards.
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class StandardDefault(Base):
    """The required manajerial/sosial kultural level a new position of a kind gets (docs/domain.md).

    `jenjang` is "" for kinds without jenjang (every kind but fungsional).
    """

    __tablename__ = "standard_defaults"

    jenis_jabatan: Mapped[str] = mapped_column(String(20), primary_key=True)
    jenjang: Mapped[str] = mapped_column(String(20), primary_key=True, default="")
    required_level: Mapped[int] = mapped_column(SmallInteger)


class PositionStandard(Base):
    """One line of a position's competency standard (SKJ)."""

    __tablename__ = "position_standards"

    position_id: Mapped[int] = mapped_column(ForeignKey("positions.id"), primary_key=True)
    competency_code: Mapped[str] = mapped_column(ForeignKey("competencies.code"), primary_key=True)
    required_level: Mapped[int] = mapped_column(SmallInteger)


class Assessment(Base):
    """One assessment of one ASN; history, never overwritten."""

    __tablename__ = "assessments"
    __table_args__ = (
        Index("ix_assessments_nip_assessed_on", "nip", "assessed_on"),
        # Data completeness: who has an assessment in a date range, for everyone at once.
        Index("ix_assessments_assessed_on_nip", "assessed_on", "nip"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    nip: Mapped[str] = mapped_column(ForeignKey("asn.nip"))
    assessed_on: Mapped[date] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(30))
    assessor: Mapped[str | None] = mapped_column(String(200), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AssessmentResult(Base):
    """The level an assessment gave one competency."""

    __tablename__ = "assessment_results"

    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), primary_key=True)
    competency_code: Mapped[str] = mapped_column(ForeignKey("competencies.code"), primary_key=True)
    level: Mapped[int] = mapped_column(SmallInteger)


class CompetencyLevel(Base):
    """Derived: an ASN's current level of a competency, from the latest assessment that rated it.

    "Latest" is by `assessed_on`, then by assessment id (two assessments on one day: the one recorded last).
    """

    __tablename__ = "competency_levels"

    nip: Mapped[str] = mapped_column(ForeignKey("asn.nip"), primary_key=True)
    competency_code: Mapped[str] = mapped_column(ForeignKey("competencies.code"), primary_key=True)
    level: Mapped[int] = mapped_column(SmallInteger)
    assessed_on: Mapped[date] = mapped_column(Date)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"))


class CompetencyStanding(Base):
    """Derived: for each competency of an ASN's position standard, required and current level.

    Keeps the unit and active flag the row was counted with, so moving an ASN subtracts exactly what
    was added for it.
    """

    __tablename__ = "competency_standings"

    nip: Mapped[str] = mapped_column(String(18), primary_key=True)
    competency_code: Mapped[str] = mapped_column(String(20), primary_key=True)
    unit_id: Mapped[int] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean)
    required_level: Mapped[int] = mapped_column(SmallInteger)
    actual_level: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)


class CompetencyUnitTotal(Base):
    """Derived: per unit (its own ASN only, active ones) and competency, the sums the gap report needs."""

    __tablename__ = "competency_unit_totals"

    unit_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    competency_code: Mapped[str] = mapped_column(String(20), primary_key=True)
    # ASN whose standard asks for the competency; of them, rated; of them, below the required level.
    required: Mapped[int] = mapped_column(Integer, default=0)
    assessed: Mapped[int] = mapped_column(Integer, default=0)
    with_gap: Mapped[int] = mapped_column(Integer, default=0)
    # Σ (actual − required) over the rated ones; mean gap = gap_sum / assessed.
    gap_sum: Mapped[int] = mapped_column(Integer, default=0)
    # Σ max(0, required − actual) over the rated ones: a surplus never offsets another person's shortfall.
    shortfall_sum: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Course(Base):
    """A learning activity of the catalogue (BPSDM's and others'), mapped to competencies."""

    __tablename__ = "courses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    form_code: Mapped[str] = mapped_column(String(4))
    jp: Mapped[Decimal | None] = mapped_column(Numeric(8, 2), nullable=True)
    organizer: Mapped[str | None] = mapped_column(String(200), nullable=True)
    starts_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    ends_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    quota: Mapped[int | None] = mapped_column(Integer, nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class CourseCompetency(Base):
    """A competency a course develops (a table rather than a JSON list, so "courses for M4" is indexed)."""

    __tablename__ = "course_competencies"
    __table_args__ = (Index("ix_course_competencies_code", "competency_code", "course_id"),)

    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"), primary_key=True)
    competency_code: Mapped[str] = mapped_column(ForeignKey("competencies.code"), primary_key=True)
