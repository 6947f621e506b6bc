from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints, field_validator

from app.core.decimals import PlainDecimal
from app.core.pagination import Page
from app.core.params import IsoDate, Trimmed
from app.core.types import JsonDecimal

CourseCode = Annotated[
    str,
    StringConstraints(min_length=1, max_length=60, pattern=r"^[A-Za-z0-9_.\-/]+$"),
]
Title = Annotated[
    str,
    StringConstraints(min_length=1, max_length=300, pattern=r"^[^\x00-\x1f\x7f]+$"),
    Trimmed,
]
Organizer = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$"),
    Trimmed,
]
FormCode = Annotated[
    str,
    Field(min_length=1, max_length=4, description="SIASN jenisDiklat code, see /reference/learning_forms"),
]
CompetencyCode = Annotated[str, StringConstraints(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9_.\-]+$")]
CourseJp = Annotated[
    Decimal,
    Field(gt=0, le=2000, max_digits=6, decimal_places=2, description="JP the course gives (0 < jp ≤ 2000)"),
    PlainDecimal(),
]
Quota = Annotated[int, Field(ge=1, le=1_000_000, description="Seats offered")]
CompetencyCodes = Annotated[
    list[CompetencyCode],
    Field(
        max_length=30,
        description="Competencies the course develops (codes of /competencies); duplicates are dropped",
    ),
]

CREATE_EXAMPLE: dict[str, Any] = {
    "code": "BPSDM-PKP-2026-III",
    "title": "Pelatihan Kepemimpinan Pengawas Angkatan III",
    "form_code": "1",
    "jp": 830,
    "competency_codes": ["M1", "M4", "M7"],
    "organizer": "BPSDM Provinsi Kalimantan Timur",
    "starts_on": "2026-03-02",
    "ends_on": "2026-06-19",
    "quota": 40,
    "active": True,
}


def _unique(codes: list[str]) -> list[str]:
    return list(dict.fromkeys(codes))


class CourseCreate(BaseModel):
    """A learning activity offered in the catalogue."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [CREATE_EXAMPLE]})

    code: CourseCode = Field(description="Unique (case-insensitive) code of the offering")
    title: Title
    form_code: FormCode
    jp: CourseJp | None = None
    competency_codes: CompetencyCodes = Field(default_factory=list)
    organizer: Organizer | None = None
    starts_on: IsoDate | None = None
    ends_on: IsoDate | None = Field(default=None, description="Not before starts_on")
    quota: Quota | None = None
    active: StrictBool = Field(default=True, description="Inactive courses are never recommended")

    @field_validator("competency_codes")
    @classmethod
    def _dedupe(cls, codes: list[str]) -> list[str]:
        return _unique(codes)


class CourseUpdate(BaseModel):
    """The fields to change; `competency_codes`, when given, replaces the whole list."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"quota": 60, "competency_codes": ["M1", "M4"], "active": True}]},
    )

    code: CourseCode | None = None
    title: Title | None = None
    form_code: FormCode | None = None
    jp: CourseJp | None = None
    competency_codes: CompetencyCodes | None = None
    organizer: Organizer | None = None
    starts_on: IsoDate | None = None
    ends_on: IsoDate | None = None
    quota: Quota | None = None
    active: StrictBool | None = None

    @field_validator("competency_codes")
    @classmethod
    def _dedupe(cls, codes: list[str] | None) -> list[str] | None:
        return None if codes is None else _unique(codes)


class CourseRead(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [CREATE_EXAMPLE | {"id": 57, "jp": 830.0, "updated_at": "2026-01-05T03:00:00Z"}]
        }
    )

    id: int
    code: str
    title: str
    form_code: str
    jp: JsonDecimal | None = Field(description="JP the course gives, 2 decimals; null when not fixed")
    competency_codes: list[str] = Field(description="Competencies the course develops, in dictionary order")
    organizer: str | None
    starts_on: date | None
    ends_on: date | None
    quota: int | None
    active: bool
    updated_at: datetime


class CoursePage(Page[CourseRead]):
    pass
