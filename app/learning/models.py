from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base
from app.core.types import BigId, JsonColumn, UTCDateTime, utcnow

# Record states: a claim starts pending; admins and integrations create verified records.
PENDING, VERIFIED, REJECTED, VOIDED = "pending", "verified", "rejected", "voided"
STATUSES = (PENDING, VERIFIED, REJECTED, VOIDED)
LIVE_STATUSES = (PENDING, VERIFIED)


class LearningRecord(Base):
    """One learning activity of one ASN: an append-only ledger entry changed only by transitions."""

    __tablename__ = "learning_records"
    __table_args__ = (
        # The same (source, external_id) for the same ASN is the same record (idempotent intake).
        UniqueConstraint("nip", "source", "external_id"),
        Index("ix_learning_records_nip_year", "nip", "year"),
        Index("ix_learning_records_status_created", "status", "created_at"),
        Index("ix_learning_records_nip_certificate_key", "nip", "certificate_key"),
        Index("ix_learning_records_nip_title_dates", "nip", "title_key", "start_date", "end_date"),
        # xAPI voids name only the statement id; without this they would scan the ledger.
        Index("ix_learning_records_source_external", "source", "external_id"),
        # The verification queue reads only pending claims: a small index instead of the whole ledger.
        Index(
            "ix_learning_records_pending",
            "nip",
            "id",
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),
        # Data completeness: the pending claims filed before a day, and those of a year, without the heap.
        Index(
            "ix_learning_records_pending_created",
            "created_at",
            "nip",
            "year",
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    nip: Mapped[str] = mapped_column(ForeignKey("asn.nip"))
    title: Mapped[str] = mapped_column(String(300))
    # The title folded (case, accents, punctuation, look-alikes): what "the same title" means for duplicates.
    title_key: Mapped[str] = mapped_column(String(300))
    form_code: Mapped[str] = mapped_column(String(4))
    organizer: Mapped[str | None] = mapped_column(String(200), nullable=True)
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    # The year the record counts in: the year of its end date (docs/domain.md).
    year: Mapped[int] = mapped_column(Integer)
    jp_claimed: Mapped[Decimal | None] = mapped_column(Numeric(8, 2), nullable=True)
    duration_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    jp: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    competency_codes: Mapped[list[str]] = mapped_column(JsonColumn, default=list)
    certificate_number: Mapped[str | None] = mapped_column(String(100), nullable=True)
    # The number folded (case, spacing, look-alikes): what "the same certificate" means for duplicates.
    certificate_key: Mapped[str | None] = mapped_column(String(300), nullable=True)
    cost_idr: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    source: Mapped[str] = mapped_column(String(30))
    external_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    status: Mapped[str] = mapped_column(String(10))
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    decision_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    voided_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    void_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Evidence file: stored under the evidence directory by a generated name, never a user path.
    evidence_key: Mapped[str | None] = mapped_column(String(80), nullable=True)
    evidence_type: Mapped[str | None] = mapped_column(String(40), nullable=True)
    evidence_size: Mapped[int | None] = mapped_column(Integer, nullable=True)
    evidence_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    evidence_name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class LearningEvent(Base):
    """The history of a record: every transition, with who made it and why."""

    __tablename__ = "learning_events"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("learning_records.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str | None] = mapped_column(String(10), nullable=True)
    to_status: Mapped[str | None] = mapped_column(String(10), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    data: Mapped[dict[str, Any] | None] = mapped_column(JsonColumn, nullable=True)


class JpTotal(Base):
    """Verified JP per ASN, year and learning form, kept current by every transition.

    Reports read these (tens of thousands of rows) instead of summing the ledger (millions).
    """

    __tablename__ = "jp_totals"

    nip: Mapped[str] = mapped_column(ForeignKey("asn.nip"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    form_code: Mapped[str] = mapped_column(String(4), primary_key=True)
    jp: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=Decimal("0"))
    records: Mapped[int] = mapped_column(Integer, default=0)


class JpYearTotal(Base):
    """Verified JP per ASN and year with each form's yearly cap applied: what counts toward the target.

    One row per ASN and year, so the province's compliance report is a single pass over ~60,000
    rows. Kept by every transition, and recomputed from jp_totals when a year's rules change.
    """

    __tablename__ = "jp_year_totals"
    # Data completeness: who has verified JP in a year, for everyone at once.
    __table_args__ = (Index("ix_jp_year_totals_year_nip", "year", "nip", postgresql_include=["jp"]),)

    nip: Mapped[str] = mapped_column(ForeignKey("asn.nip"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    jp: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=Decimal("0"))
