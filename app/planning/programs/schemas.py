from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictInt

from app.core.decimals import PlainDecimal
from app.core.rupiah import whole_number
from app.core.types import JsonDecimal

Source = Literal["idp", "gap", "mandatory"]
MAX_LINES = 500
MAX_PARTICIPANTS = 100_000
MAX_SESSIONS = 10_000
# A line's cost: up to Rp10 trillion (a whole province's programme is far below 10^16).
MAX_LINE_COST_IDR = 10**13

Jp = Annotated[
    JsonDecimal,
    Field(gt=0, le=2000, max_digits=8, decimal_places=2, description="JP per participant (0 < jp ≤ 2000)"),
    PlainDecimal(),
]
LineCost = Annotated[
    StrictInt,
    Field(
        ge=0,
        le=MAX_LINE_COST_IDR,
        description="The line's total cost: whole rupiah, a JSON integer (0 ≤ cost_idr ≤ 10^13)",
        examples=[450000000],
    ),
    BeforeValidator(whole_number),
]
Pct2 = Annotated[JsonDecimal, Field(description="Percent, rounded half-up to 2 decimals")]
Pct4 = Annotated[JsonDecimal, Field(description="Percent, rounded half-up to 4 decimals")]

LINE_EXAMPLE: dict[str, Any] = {
    "course_id": 57,
    "title": "Pelatihan Kepemimpinan Pengawas",
    "sessions": 2,
    "participants": 60,
    "jp": 40,
    "cost_idr": 450000000,
    "competency_codes": ["M1", "M4"],
    "source": "gap",
    "note": "Pengawas tanpa PKP",
}


class ProgramLineBody(BaseModel):
    """One line: a catalogue course (or a free title) run in `sessions` for `participants` people."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [LINE_EXAMPLE]})

    id: int | None = Field(
        default=None,
        ge=1,
        le=2**62,
        description="A line of this programme to keep (its id stays); leave out for a new line. Lines of "
        "the programme not sent are removed",
    )
    course_id: int | None = Field(
        default=None, ge=1, le=2**31 - 1, description="An active catalogue course; null for a free title"
    )
    title: str | None = Field(
        default=None,
        min_length=1,
        max_length=300,
        description="Defaults to the course's title; required without a course",
    )
    sessions: int = Field(ge=1, le=MAX_SESSIONS, description="Angkatan (batches) to run")
    participants: int = Field(ge=1, le=MAX_PARTICIPANTS, description="People trained over all sessions")
    jp: Jp | None = Field(
        default=None, description="JP per participant; defaults to the course's JP; required without one"
    )
    cost_idr: LineCost
    competency_codes: list[Annotated[str, Field(min_length=1, max_length=20)]] | None = Field(
        default=None,
        max_length=50,
        description="Competencies the line develops; defaults to the course's. Known codes, each once",
    )
    source: Source = Field(
        description="Where the need came from: `idp` (approved individual plans), `gap` (the competency "
        "gap analysis), `mandatory` (training the regulations require)"
    )
    note: str | None = Field(default=None, max_length=2000)


class ProgramBody(BaseModel):
    """A unit's programme for the year: every line (the whole list replaces the one stored)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "note": "Usulan program pengembangan kompetensi 2027",
                    "lines": [
                        LINE_EXAMPLE,
                        {
                            "title": "Bimtek Penyusunan Laporan Keuangan",
                            "sessions": 1,
                            "participants": 25,
                            "jp": 24,
                            "cost_idr": 87500000,
                            "competency_codes": [],
                            "source": "idp",
                        },
                    ],
                }
            ]
        },
    )

    note: str | None = Field(default=None, max_length=2000)
    lines: list[ProgramLineBody] = Field(max_length=MAX_LINES, description=f"At most {MAX_LINES} lines")


class ProgramLineRead(BaseModel):
    id: int
    course_id: int | None
    title: str
    sessions: int
    participants: int
    jp: JsonDecimal = Field(description="JP per participant")
    cost_idr: int = Field(description="The line's total cost")
    competency_codes: list[str]
    source: Source
    note: str | None


class CompetencyCoverage(BaseModel):
    competency_code: str
    below_standard: int = Field(description="ASN of the subtree below their standard in the competency")
    planned_participants: int = Field(description="Σ participants of the lines naming the competency")
    covered: int = Field(description="min(below_standard, planned_participants)")


class GapClosed(BaseModel):
    """How much of the measured competency gap of the unit's subtree the programme's lines reach."""

    below_standard: int = Field(
        description="Σ over competencies of the active ASN of the unit and its descendants rated below "
        "their standard"
    )
    covered: int = Field(
        description="Σ over competencies of min(below_standard, participants of the lines naming it)"
    )
    pct: Pct2 | None = Field(description="covered / below_standard × 100; null when nobody is below")
    competencies: list[CompetencyCoverage] = Field(
        description="Each competency with a gap or a line naming it, in dictionary order"
    )


GAP_EXAMPLE: dict[str, Any] = {
    "below_standard": 140,
    "covered": 60,
    "pct": 42.86,
    "competencies": [
        {"competency_code": "M1", "below_standard": 80, "planned_participants": 60, "covered": 60},
        {"competency_code": "M4", "below_standard": 60, "planned_participants": 60, "covered": 0},
    ],
}
READ_EXAMPLE: dict[str, Any] = {
    "unit_id": 7,
    "unit_name": "Dinas Kesehatan",
    "year": 2027,
    "note": "Usulan program pengembangan kompetensi 2027",
    "lines": [LINE_EXAMPLE | {"id": 101, "jp": 40.0}],
    "total_cost_idr": 450000000,
    "total_participants": 60,
    "total_jp": 2400.0,
    "pagu_idr": 500000000,
    "within_pagu": True,
    "remaining_pagu_idr": 50000000,
    "gap_closed": GAP_EXAMPLE,
    "updated_at": "2026-12-06T08:00:00Z",
    "version": 3,
}


class ProgramTotals(BaseModel):
    total_cost_idr: int = Field(description="Σ cost_idr of the lines")
    total_participants: int = Field(description="Σ participants of the lines")
    total_jp: JsonDecimal = Field(description="Σ jp × participants of the lines")


class ProgramRead(ProgramTotals):
    """A unit's programme for the year, its cost against the unit's pagu, and the gap it closes."""

    model_config = ConfigDict(json_schema_extra={"examples": [READ_EXAMPLE]})

    unit_id: int
    unit_name: str
    year: int
    note: str | None
    lines: list[ProgramLineRead]
    pagu_idr: int | None = Field(description="The unit's own pagu for the year; null without a unit budget")
    within_pagu: bool | None = Field(description="total_cost_idr ≤ pagu_idr; null without a pagu")
    remaining_pagu_idr: int | None = Field(
        description="pagu_idr − total_cost_idr (negative when over the pagu); null without a pagu"
    )
    gap_closed: GapClosed
    updated_at: datetime | None = Field(description="Null while the unit has no programme for the year")
    version: int = Field(description="The ETag's number; 0 while the unit has no programme (PUT creates it)")


class ProvinceUnit(BaseModel):
    unit_id: int
    code: str
    name: str
    lines: list[ProgramLineRead]
    total_cost_idr: int
    total_participants: int
    total_jp: JsonDecimal
    pagu_idr: int | None
    within_pagu: bool | None


class CourseTotal(BaseModel):
    course_id: int | None = Field(description="Null for free-title lines (grouped by title)")
    course_code: str | None
    title: str
    units: int = Field(description="Units planning it")
    sessions: int
    participants: int
    total_jp: JsonDecimal = Field(description="Σ jp × participants")
    cost_idr: int


class ProvinceProgram(ProgramTotals):
    """Every unit's programme for the year, consolidated by course, against the mandatory spending."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "year": 2027,
                    "total_cost_idr": 75000000000,
                    "total_participants": 18250,
                    "total_jp": 512400.0,
                    "jurisdiction": "provinsi",
                    "total_belanja_daerah_idr": 21690000000000,
                    "threshold_pct": 0.34,
                    "required_min_idr": 73746000000,
                    "compliant": True,
                    "shortfall_idr": 0,
                    "programme_pct": 0.3458,
                    "bangkom_pagu_idr": 76000000000,
                    "units": [
                        {
                            "unit_id": 7,
                            "code": "DINKES",
                            "name": "Dinas Kesehatan",
                            "lines": [LINE_EXAMPLE | {"id": 101, "jp": 40.0}],
                            "total_cost_idr": 450000000,
                            "total_participants": 60,
                            "total_jp": 2400.0,
                            "pagu_idr": 500000000,
                            "within_pagu": True,
                        }
                    ],
                    "by_course": [
                        {
                            "course_id": 57,
                            "course_code": "PKP-2027",
                            "title": "Pelatihan Kepemimpinan Pengawas",
                            "units": 12,
                            "sessions": 20,
                            "participants": 600,
                            "total_jp": 24000.0,
                            "cost_idr": 4500000000,
                        }
                    ],
                }
            ]
        }
    )

    year: int
    jurisdiction: Literal["provinsi", "kabupaten_kota"] | None = Field(description="Null without a budget")
    total_belanja_daerah_idr: int | None = Field(description="The year's budget; null when none is recorded")
    threshold_pct: JsonDecimal | None = Field(description="The year's budget_min_pct for the jurisdiction")
    required_min_idr: int | None = Field(description="⌈total_belanja_daerah × threshold_pct / 100⌉")
    compliant: bool | None = Field(description="total_cost_idr ≥ required_min_idr")
    shortfall_idr: int | None = Field(description="max(0, required_min_idr − total_cost_idr)")
    programme_pct: Pct4 | None = Field(description="total_cost / total_belanja_daerah × 100")
    bangkom_pagu_idr: int | None = Field(description="Σ the units' pagu for the year, for comparison")
    units: list[ProvinceUnit] = Field(description="Units with a programme or a pagu for the year, by name")
    by_course: list[CourseTotal] = Field(description="The lines consolidated by course, costliest first")
