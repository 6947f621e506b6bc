"""Import jobs: an uploaded spreadsheet, its progress, and its per-row report."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from app.core.db import Base
from app.core.types import BigId, JsonColumn, UTCDateTime, utcnow

# What a job imports.
ASN, LEARNING_RECORDS, ATTENDANCE = "asn", "learning_records", "attendance"
ASSESSMENT_RESULTS = "assessment_results"  # an assessment centre's sheet: competency levels and potential
PERFORMANCE = "performance"  # SKP results: one ASN's predikat (and score) of a year per row
KINDS = (ASN, LEARNING_RECORDS, ATTENDANCE, ASSESSMENT_RESULTS, PERFORMANCE)
# Job states. "interrupted" is not stored: a running job whose heartbeat is older than
# runner.stale_after() (BANGKOM_IMPORT_STALE_SECONDS) is reported as interrupted (its worker died) and may be run again.
QUEUED, RUNNING, SUCCEEDED, FAILED = "queued", "running", "succeeded", "failed"
INTERRUPTED = "interrupted"
# Row outcomes kept in the report. Plain successes are counted, not listed, except for attendance,
# whose report lists every person (matched, unmatched, below the threshold, or a NIP whose name does
# not resemble the display name's: needs_review, credited by hand if at all).
ERROR, MATCHED, UNMATCHED, BELOW_THRESHOLD = "error", "matched", "unmatched", "below_threshold"
NEEDS_REVIEW = "needs_review"


class ImportJob(Base):
    __tablename__ = "import_jobs"
    __table_args__ = (Index("ix_import_jobs_created_by", "created_by", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(12), default=QUEUED)
    filename: Mapped[str] = mapped_column(String(255))
    file_format: Mapped[str] = mapped_column(String(8))  # csv | xlsx
    # The upload itself, so a job can be run again after an interruption (and by any worker).
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    # Kind-specific parameters (attendance: course_id or title/form_code/session_date/session_minutes,
    # min_share).
    options: Mapped[dict[str, Any]] = mapped_column(JsonColumn, default=dict)
    total: Mapped[int | None] = mapped_column(Integer, nullable=True)  # data rows, once read
    processed: Mapped[int] = mapped_column(Integer, default=0)
    created: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)  # rows listed with outcome "error"
    # Kind-specific counts (attendance: matched, unmatched, below_threshold).
    summary: Mapped[dict[str, Any]] = mapped_column(JsonColumn, default=dict)
    # Why the whole job failed (unreadable file, missing columns, …); row problems go to the rows.
    message: Mapped[str | None] = mapped_column(Text, nullable=True)
    # The same message as a template and its parameters (app.core.i18n.message_to_json), so it is
    # answered in the reader's language; None for a message stored before, or one without a template.
    message_data: Mapped[dict[str, Any] | None] = mapped_column(JsonColumn, nullable=True)
    # Who uploaded it: the runner acts as this caller (role, unit scope, client scopes, own NIP).
    created_by: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # an OPD admin's unit
    nip: Mapped[str | None] = mapped_column(String(32), nullable=True)  # an admin's own NIP
    scopes: Mapped[str | None] = mapped_column(String(200), nullable=True)  # a client's, space-separated
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    runs: Mapped[int] = mapped_column(Integer, default=0)


class ImportRow(Base):
    """One line of a job's report: a rejected row, or an attendance participant and what became of it."""

    __tablename__ = "import_job_rows"
    __table_args__ = (Index("ix_import_job_rows_job_row", "job_id", "row"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("import_jobs.id", ondelete="CASCADE"))
    row: Mapped[int] = mapped_column(Integer)  # the spreadsheet's row number (header = 1)
    outcome: Mapped[str] = mapped_column(String(20))
    nip: Mapped[str | None] = mapped_column(String(32), nullable=True)
    name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    field: Mapped[str | None] = mapped_column(String(60), nullable=True)
    detail: Mapped[str | None] = mapped_column(Text, nullable=True)  # in English
    # `detail` as a template and its parameters (app.core.i18n.message_to_json), so the report is
    # answered in the reader's language; None when the detail has no template.
    message: Mapped[dict[str, Any] | None] = mapped_column(JsonColumn, nullable=True)
    # Kind-specific facts for the report (attendance: email, minutes, share, jp, record_id).
    data: Mapped[dict[str, Any] | None] = mapped_column(JsonColumn, nullable=True)
