"""Wire shapes of the talent records: the yearly SKP result, potential assessments and sanctions."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.core.decimals import PlainDecimal
from app.core.pagination import Page
from app.core.params import FlooredDate, Trimmed
from app.core.types import JsonDecimal
from app.rules.talent import Potensial, Predikat, SanctionLevel

PotentialMethod = Literal["assessment_center", "tes_potensi", "atasan"]
# One definition of the talent vocabularies: the rules' (app/rules/talent.py).
PotentialCategory = Potensial

ScoreIn = Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2), PlainDecimal()]
Text200 = Annotated[
    str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$"), Trimmed
]
AspectName = Annotated[
    str, StringConstraints(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f]+$"), Trimmed
]

PERFORMANCE_EXAMPLE: dict[str, Any] = {"predikat": "baik", "score": 84.5}
PERFORMANCE_READ_EXAMPLE: dict[str, Any] = {
    "nip": "198503142010012003",
    "year": 2025,
    "predikat": "baik",
    "score": 84.5,
    "source": "manual",
    "updated_by": "opd.disdik",
    "created_at": "2026-01-20T02:15:00Z",
    "updated_at": "2026-01-20T02:15:00Z",
}


class PerformanceBody(BaseModel):
    """The year's SKP result: its predikat and, when known, its score (0–100)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [PERFORMANCE_EXAMPLE]})

    predikat: Predikat = Field(description="The SKP predikat (PermenPAN-RB 6/2022)")
    score: ScoreIn | None = Field(default=None, description="The SKP score 0–100, two decimals at most")


class PerformanceRead(BaseModel):
    model_config = ConfigDict(
        from_attributes=True, json_schema_extra={"examples": [PERFORMANCE_READ_EXAMPLE]}
    )

    nip: str
    year: int
    predikat: Predikat
    score: JsonDecimal | None
    source: str = Field(description='Where it came from: "manual", "sync", "import" or a client id')
    updated_by: str
    created_at: datetime
    updated_at: datetime


class AspectIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: AspectName
    score: ScoreIn


class AspectRead(BaseModel):
    name: str
    score: JsonDecimal


POTENTIAL_EXAMPLE: dict[str, Any] = {
    "assessed_on": "2025-08-14",
    "method": "assessment_center",
    "assessor": "UPT Penilaian Kompetensi BKD Provinsi Kalimantan Timur",
    "score": 78.25,
    "category": "menengah",
    "aspects": [
        {"name": "Kemampuan berpikir", "score": 80},
        {"name": "Motivasi dan komitmen", "score": 76.5},
    ],
}


class PotentialAssessmentCreate(BaseModel):
    """One assessment of potential; each aspect named once."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [POTENTIAL_EXAMPLE]})

    assessed_on: FlooredDate = Field(description="The day of the assessment: not in the future")
    method: PotentialMethod
    assessor: Text200 | None = None
    score: ScoreIn = Field(description="The potential score 0–100")
    category: PotentialCategory | None = Field(
        default=None,
        description="As the assessor gave it; when absent, the 9-box derives it from the year's cut-offs",
    )
    aspects: list[AspectIn] = Field(default_factory=list, max_length=50)


class PotentialAssessmentRead(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                POTENTIAL_EXAMPLE
                | {
                    "id": 310,
                    "nip": "198503142010012003",
                    "created_by": "bpsdm.admin",
                    "created_at": "2025-08-20T02:15:00Z",
                }
            ]
        }
    )

    id: int
    nip: str
    assessed_on: date
    method: PotentialMethod
    assessor: str | None
    score: JsonDecimal
    category: PotentialCategory | None
    aspects: list[AspectRead]
    created_by: str
    created_at: datetime


class PotentialAssessmentPage(Page[PotentialAssessmentRead]):
    pass


SANCTION_EXAMPLE: dict[str, Any] = {
    "level": "sedang",
    "decided_on": "2025-03-10",
    "ends_on": "2026-03-09",
    "reference": "800.1.6.4/123/BKD",
}


class DisciplinaryRecordCreate(BaseModel):
    """A disciplinary sanction: in force from `decided_on` through `ends_on` (open-ended when null)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [SANCTION_EXAMPLE]})

    level: SanctionLevel = Field(description="ringan, sedang or berat (PP 94/2021)")
    decided_on: FlooredDate = Field(description="The day the sanction was decided: not in the future")
    ends_on: FlooredDate | None = Field(
        default=None, description="The sanction's last day in force; not before decided_on"
    )
    reference: Text200 | None = Field(default=None, description="The decision's (SK) number")


class DisciplinaryRecordRead(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                SANCTION_EXAMPLE
                | {
                    "id": 41,
                    "nip": "198503142010012003",
                    "created_by": "opd.disdik",
                    "created_at": "2025-03-12T02:15:00Z",
                }
            ]
        },
    )

    id: int
    nip: str
    level: SanctionLevel
    decided_on: date
    ends_on: date | None
    reference: str | None
    created_by: str
    created_at: datetime


class DisciplinaryRecordPage(Page[DisciplinaryRecordRead]):
    pass
