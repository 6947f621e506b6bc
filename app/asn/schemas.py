from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    WithJsonSchema,
)

from app.core.pagination import Page
from app.core.params import IsoDate, Trimmed, trimmed

Nip = Annotated[str, StringConstraints(min_length=1, max_length=32), Trimmed]
PersonName = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f<>]+$"),
    Trimmed,
]
# No format characters (category Cf) either: an invisible zero-width space would make an address that
# matches no LMS actor or attendance report while looking like the real one.
_EMAIL_PART = r"[^@\s\x00-\x1f\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]+"
EMAIL_PATTERN = rf"^{_EMAIL_PART}@{_EMAIL_PART}\.{_EMAIL_PART}$"
_EMAIL = re.compile(EMAIL_PATTERN)


def _email(value: str) -> str:
    # Checked here rather than by a `pattern` constraint, whose error shows the caller the regex.
    if not _EMAIL.fullmatch(value):
        raise ValueError(
            "Not an email address: write it as name@domain (such as siti@kaltimprov.go.id), without spaces"
        )
    return value


Email = Annotated[
    str,
    StringConstraints(to_lower=True, max_length=254),
    AfterValidator(_email),
    WithJsonSchema({"maxLength": 254, "pattern": EMAIL_PATTERN, "type": "string"}),
]
Phone = Annotated[str, StringConstraints(pattern=r"^\+?[0-9][0-9 \-]{6,18}[0-9]$")]
EmploymentType = Literal["pns", "cpns", "pppk"]
Gender = Literal["male", "female"]
Golongan = Annotated[str, StringConstraints(max_length=6), trimmed()]
EducationLevel = Literal["SD", "SMP", "SMA", "D1", "D2", "D3", "D4", "S1", "S2", "S3"]
Id = Annotated[int, Field(ge=1, le=2**31 - 1)]

EXAMPLE: dict[str, Any] = {
    "nip": "198503142010012003",
    "name": "Siti Rahmawati, S.Kom.",
    "gender": "female",
    "birth_date": "1985-03-14",
    "employment_type": "pns",
    "golongan": "III/c",
    "position_id": 101,
    "unit_id": 23,
    "email": "siti.rahmawati@kaltimprov.go.id",
    "phone": "+62 812-5555-0101",
    "education_level": "S1",
    "active": True,
}


class AsnCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE]})

    nip: Nip = Field(description="18-digit NIP (PNS/CPNS) or NI PPPK")
    name: PersonName
    employment_type: EmploymentType
    unit_id: Id
    gender: Gender | None = Field(default=None, description="Derived from the NIP when omitted")
    birth_date: IsoDate | None = Field(default=None, description="Derived from the NIP when omitted")
    golongan: Golongan | None = Field(default=None, description="I/a..IV/e for PNS/CPNS, I..XVII for PPPK")
    position_id: Id | None = None
    email: Email | None = None
    phone: Phone | None = None
    education_level: EducationLevel | None = None
    active: StrictBool = True


class AsnUpdate(BaseModel):
    """Fields to change; an `asn` may send only email, phone and education_level."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"phone": "+62 811-5400-123", "education_level": "S2"}]},
    )

    nip: Nip | None = None
    name: PersonName | None = None
    employment_type: EmploymentType | None = None
    unit_id: Id | None = None
    gender: Gender | None = None
    birth_date: IsoDate | None = None
    golongan: Golongan | None = None
    position_id: Id | None = None
    email: Email | None = None
    phone: Phone | None = None
    education_level: EducationLevel | None = None
    active: StrictBool | None = None


class AsnRead(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={"examples": [EXAMPLE | {"updated_at": "2026-01-05T03:00:00Z"}]},
    )

    nip: str
    name: str
    gender: str
    birth_date: date
    employment_type: str
    golongan: str | None
    position_id: int | None
    unit_id: int
    email: str | None
    phone: str | None
    education_level: str | None
    active: bool
    updated_at: datetime


class AsnPage(Page[AsnRead]):
    pass
