"""Wire shapes of import jobs: the job with its progress and first error lines, and job pages."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from app.core.pagination import Page


class ImportKind(StrEnum):
    asn = "asn"
    learning_records = "learning_records"
    attendance = "attendance"
    assessment_results = "assessment_results"
    performance = "performance"


class JobStatus(StrEnum):
    queued = "queued"
    running = "running"
    succeeded = "succeeded"
    failed = "failed"
    interrupted = "interrupted"


class TemplateKind(StrEnum):
    asn = "asn"
    learning_records = "learning-records"
    assessment_results = "assessment-results"
    performance = "performance"


class ReportLineRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    row: int = Field(description="Spreadsheet row number (the header is row 1); attendance: the report line")
    outcome: str = Field(
        description="error; for attendance also matched, unmatched, below_threshold or needs_review (a NIP in "
        "the display name beside a name unlike the profile's: not credited, for an admin to decide)"
    )
    nip: str | None
    name: str | None
    code: str | None = Field(description="The problem code the API would answer, e.g. invalid_nip")
    field: str | None = Field(description="The column (API field name) at fault, when one is")
    detail: str | None
    data: dict[str, Any] | None = Field(default=None, description="Attendance: email, minutes, share, jp, …")


JOB_EXAMPLE: dict[str, Any] = {
    "id": 42,
    "kind": "asn",
    "status": "running",
    "filename": "pegawai-dinas-kominfo.xlsx",
    "total": 60000,
    "processed": 12500,
    "created": 11890,
    "updated": 590,
    "unchanged": 18,
    "failed": 2,
    "errors": [
        {
            "row": 17,
            "outcome": "error",
            "nip": "198503142010012003",
            "name": "Siti Rahmawati",
            "code": "nip_mismatch",
            "field": None,
            "detail": "birth_date 1985-03-15 does not match the NIP (1985-03-14)",
            "data": None,
        }
    ],
    "summary": {"encoding": "utf-8", "ignored_columns": ["Keterangan"]},
    "message": None,
    "created_by": "bpsdm",
    "created_at": "2026-11-28T02:00:00Z",
    "started_at": "2026-11-28T02:00:01Z",
    "finished_at": None,
    "report_url": "/api/v1/imports/42/report",
}


class ImportJobRead(BaseModel):
    """An import job: `processed` of `total` rows done so far, the counts, and the first error lines."""

    model_config = ConfigDict(json_schema_extra={"examples": [JOB_EXAMPLE]})

    id: int
    kind: ImportKind
    status: JobStatus = Field(
        description="queued, running, succeeded, failed (the whole file: see `message`), or interrupted "
        "(its worker stopped; retry it)"
    )
    filename: str
    total: int | None = Field(description="Data rows in the file, once it has been read")
    processed: int
    created: int
    updated: int
    unchanged: int
    failed: int = Field(description="Rows rejected; each is a line of the report")
    errors: list[ReportLineRead] = Field(
        description="The first 100 rejected rows; the whole report is at `report_url`"
    )
    summary: dict[str, Any] = Field(
        description="Notes on the file (encoding, ignored_columns); attendance: matched, unmatched, "
        "below_threshold, needs_review"
    )
    message: str | None = Field(description="Why the whole job failed")
    created_by: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    report_url: str


class ImportJobPage(Page[ImportJobRead]):
    pass
