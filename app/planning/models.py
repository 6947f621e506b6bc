"""Development planning: individual development plans (IDP), the yearly programme of each unit, the
course sessions (angkatan) BPSDM runs with their nominations, and the certificates BPSDM issues.

Sources of truth only; the training-needs analysis is read from these and from the competency
standings (app/competencies/models.py), never stored.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base
from app.core.types import BigId, JsonColumn, UTCDateTime, utcnow

# An IDP's states: drafted (or returned) by the ASN, submitted for the OPD admin, approved or returned.
DRAFT = "draft"
SUBMITTED = "submitted"
APPROVED = "approved"
RETURNED = "returned"
PLAN_STATUSES = (DRAFT, SUBMITTED, APPROVED, RETURNED)

# Where a programme line's need came from.
LINE_SOURCES = ("idp", "gap", "mandatory")

# A nomination's states: proposed by the OPD, accepted or declined by BPSDM, or withdrawn by the OPD.
NOMINATED = "nominated"
ACCEPTED = "accepted"
DECLINED = "declined"
WITHDRAWN = "withdrawn"
NOMINATION_STATUSES = (NOMINATED, ACCEPTED, DECLINED, WITHDRAWN)
# The states that hold a seat of the quota.
HOLDS_SEAT = (NOMINATED, ACCEPTED)


class DevelopmentPlan(Base):
    """One ASN's individual development plan (IDP) for one year."""

    __tablename__ = "development_plans"
    __table_args__ = (
        UniqueConstraint("nip", "year"),
        # The OPD admin's queue and the needs analysis: a year's plans by state, per unit.
        Index("ix_development_plans_year_status_unit", "year", "status", "unit_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    nip: Mapped[str] = mapped_column(ForeignKey("asn.nip"))
    year: Mapped[int] = mapped_column(Integer)
    # The ASN's unit when the plan last changed state: who may approve it and where its needs count.
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    status: Mapped[str] = mapped_column(String(10), default=DRAFT)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    decided_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    decision_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class DevelopmentPlanItem(Base):
    """One planned learning activity of an IDP: a catalogue course, or a free title, for a competency."""

    __tablename__ = "development_plan_items"
    __table_args__ = (
        Index("ix_development_plan_items_plan", "plan_id", "position"),
        Index("ix_development_plan_items_competency", "competency_code"),
        Index("ix_development_plan_items_course", "course_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("development_plans.id"))
    position: Mapped[int] = mapped_column(SmallInteger)  # the order the ASN gave the items
    competency_code: Mapped[str | None] = mapped_column(ForeignKey("competencies.code"), nullable=True)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"), nullable=True)
    title: Mapped[str] = mapped_column(String(300))
    form_code: Mapped[str] = mapped_column(String(4))
    planned_jp: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    planned_quarter: Mapped[int] = mapped_column(SmallInteger)  # 1–4
    estimated_cost_idr: Mapped[int] = mapped_column(BigInteger, default=0)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)


class DevelopmentPlanEvent(Base):
    """The history of an IDP: every creation, edit and change of state, with the items as they were."""

    __tablename__ = "development_plan_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("development_plans.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(20))  # created, edited, submitted, approved, returned
    from_status: Mapped[str | None] = mapped_column(String(10), nullable=True)
    to_status: Mapped[str | None] = mapped_column(String(10), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    items: Mapped[list[dict[str, Any]] | None] = mapped_column(JsonColumn, nullable=True)


class DevelopmentProgram(Base):
    """A unit's yearly development programme (the organisational plan BPSDM consolidates)."""

    __tablename__ = "development_programs"

    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True, autoincrement=False)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    updated_by: Mapped[str] = mapped_column(String(120))
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class DevelopmentProgramLine(Base):
    """One line of a unit's programme: a course (or a free title) run in sessions for participants."""

    __tablename__ = "development_program_lines"
    __table_args__ = (
        ForeignKeyConstraint(
            ["unit_id", "year"], ["development_programs.unit_id", "development_programs.year"]
        ),
        Index("ix_development_program_lines_program", "unit_id", "year", "position"),
        Index("ix_development_program_lines_year", "year"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    unit_id: Mapped[int] = mapped_column(Integer)
    year: Mapped[int] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(SmallInteger)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"), nullable=True)
    title: Mapped[str] = mapped_column(String(300))
    sessions: Mapped[int] = mapped_column(Integer)
    participants: Mapped[int] = mapped_column(Integer)
    jp: Mapped[Decimal] = mapped_column(Numeric(8, 2))  # per participant
    cost_idr: Mapped[int] = mapped_column(BigInteger)  # the line's total
    competency_codes: Mapped[list[str]] = mapped_column(JsonColumn, default=list)
    source: Mapped[str] = mapped_column(String(10))
    note: Mapped[str | None] = mapped_column(Text, nullable=True)


class CourseSession(Base):
    """A dated session (angkatan) of a catalogue course, with its quota of participants."""

    __tablename__ = "course_sessions"
    __table_args__ = (
        UniqueConstraint("course_id", "batch"),
        Index("ix_course_sessions_starts_on", "starts_on"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    batch: Mapped[int] = mapped_column(Integer)  # angkatan: 1, 2, … per course
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    quota: Mapped[int] = mapped_column(Integer)
    place: Mapped[str | None] = mapped_column(String(300), nullable=True)
    online_url: Mapped[str | None] = mapped_column(String(500), nullable=True)
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class CourseSessionUnitQuota(Base):
    """The seats of a session set aside for one OPD: its nominations never exceed them."""

    __tablename__ = "course_session_unit_quotas"

    session_id: Mapped[int] = mapped_column(ForeignKey("course_sessions.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True, autoincrement=False)
    quota: Mapped[int] = mapped_column(Integer)


class Nomination(Base):
    """An ASN an OPD proposes for a session; BPSDM accepts or declines; attendance credits it."""

    __tablename__ = "nominations"
    __table_args__ = (
        UniqueConstraint("session_id", "nip"),
        Index("ix_nominations_session_unit", "session_id", "unit_id"),
        Index("ix_nominations_nip", "nip"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("course_sessions.id"))
    nip: Mapped[str] = mapped_column(ForeignKey("asn.nip"))
    # The OPD whose unit quota the seat counts against (the top unit above the ASN's unit).
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    status: Mapped[str] = mapped_column(String(10), default=NOMINATED)
    nominated_by: Mapped[str] = mapped_column(String(120))
    nominated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    decision_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Set once, when attendance credits the nominee: the verified learning record it created.
    record_id: Mapped[int | None] = mapped_column(
        ForeignKey("learning_records.id"), nullable=True, unique=True
    )
    attended_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Certificate(Base):
    """A numbered certificate BPSDM issued to a credited participant of a session."""

    __tablename__ = "certificates"
    __table_args__ = (UniqueConstraint("session_id", "sequence"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    # Printed on the certificate and checked publicly; ends in a random part so it cannot be guessed.
    number: Mapped[str] = mapped_column(String(80), unique=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("course_sessions.id"))
    sequence: Mapped[int] = mapped_column(Integer)
    nomination_id: Mapped[int] = mapped_column(ForeignKey("nominations.id"), unique=True)
    nip: Mapped[str] = mapped_column(ForeignKey("asn.nip"), index=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("learning_records.id"))
    issued_by: Mapped[str] = mapped_column(String(120))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
