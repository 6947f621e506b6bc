"""What an importer hands back to the job runner for one source row."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class ReportLine:
    """One line of a job's report (stored as an ImportRow): a rejected row, or an attendance participant."""

    row: int  # the spreadsheet row number (header = 1) or, for attendance, the report's line
    outcome: str  # models.ERROR | MATCHED | UNMATCHED | BELOW_THRESHOLD | NEEDS_REVIEW
    nip: str | None = None
    name: str | None = None
    code: str | None = None  # the problem code, as the API would answer it (e.g. invalid_nip)
    field: str | None = None
    detail: str | None = None
    data: dict[str, Any] | None = None


@dataclass(slots=True)
class AttendanceOutcome:
    total: int = 0  # participants after merging one person's rejoins
    created: int = 0  # new verified records
    unchanged: int = 0  # records an earlier upload of the same session already made
    summary: dict[str, int] = field(default_factory=dict)  # matched, unmatched, below_threshold, needs_review
    lines: list[ReportLine] = field(default_factory=list)  # one per participant


@dataclass(slots=True)
class Applied:
    """What one chunk of spreadsheet rows did: counts, and a line for every rejected row."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    lines: list[ReportLine] = field(default_factory=list)
