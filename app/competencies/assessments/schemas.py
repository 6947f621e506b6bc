from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.core.pagination import Page
from app.core.params import IsoDate, Trimmed, trimmed

Method = Literal["assessment_center", "uji_kompetensi", "atasan", "self"]
CompetencyCode = Annotated[str, StringConstraints(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9_.\-]+$")]
# Strict: a level is a JSON integer 1..5, never "3", 3.0 or true.
Level = Annotated[int, Field(ge=1, le=5, strict=True, description="Level 1–5")]
Assessor = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$"),
    Trimmed,
]
Note = Annotated[str, StringConstraints(max_length=2000), trimmed()]

CREATE_EXAMPLE: dict[str, Any] = {
    "assessed_on": "2025-08-14",
    "method": "assessment_center",
    "assessor": "UPT Penilaian Kompetensi BKD Provinsi Kalimantan Timur",
    "note": "Assessment center promosi jabatan administrator",
    "results": [
        {"competency_code": "M1", "level": 3},
        {"competency_code": "M4", "level": 2},
        {"competency_code": "SK1", "level": 3},
    ],
}


class ResultIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    competency_code: CompetencyCode
    level: Level


class AssessmentCreate(BaseModel):
    """One assessment of an ASN; each competency at most once, levels 1–5."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [CREATE_EXAMPLE]})

    assessed_on: IsoDate = Field(description="The day of the assessment: from 1990 on, not in the future")
    method: Method
    assessor: Assessor | None = None
    note: Note | None = None
    results: list[ResultIn] = Field(min_length=1, max_length=200)


class ResultRead(BaseModel):
    competency_code: str
    level: int


class AssessmentRead(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                CREATE_EXAMPLE
                | {
                    "id": 812,
                    "nip": "198503142010012003",
                    "created_by": "opd.disdik",
                    "created_at": "2025-08-20T02:15:00Z",
                }
            ]
        }
    )

    id: int
    nip: str
    assessed_on: date
    method: Method
    assessor: str | None
    note: str | None
    results: list[ResultRead]
    created_by: str
    created_at: datetime


class AssessmentPage(Page[AssessmentRead]):
    pass
