from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from app.core.pagination import Page
from app.core.params import Trimmed

Code = Annotated[str, StringConstraints(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_.\-]+$")]
Name = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$"),
    Trimmed,
]
JenisJabatan = Annotated[
    str,
    Field(
        pattern=r"^(jpt_utama|jpt_madya|jpt_pratama|administrator|pengawas|pelaksana|fungsional)$",
        examples=["administrator"],
    ),
]


class UnitCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "code": "DISKOMINFO_APTIKA",
                    "name": "Bidang Aplikasi Informatika",
                    "kind": "bidang",
                    "parent_id": 23,
                }
            ]
        },
    )

    code: Code
    name: Name
    kind: str = Field(max_length=30, description="A code from /reference/unit_kinds", examples=["dinas"])
    parent_id: int | None = Field(default=None, ge=1, le=2**31 - 1)


class UnitUpdate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"name": "Dinas Komunikasi, Informatika dan Statistik"}]},
    )

    code: Code | None = None
    name: Name | None = None
    kind: str | None = Field(default=None, max_length=30)
    parent_id: int | None = Field(default=None, ge=1, le=2**31 - 1)


class UnitRead(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": 23,
                    "code": "DISKOMINFO",
                    "name": "Dinas Komunikasi dan Informatika",
                    "parent_id": None,
                    "kind": "dinas",
                    "updated_at": "2026-01-05T03:00:00Z",
                }
            ]
        },
    )

    id: int
    code: str
    name: str
    parent_id: int | None
    kind: str
    updated_at: datetime


class UnitPage(Page[UnitRead]):
    pass


class PositionCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "code": "DISKOMINFO-PRAKOM-MUDA",
                    "name": "Pranata Komputer Ahli Muda",
                    "jenis_jabatan": "fungsional",
                    "jenjang": "ahli_muda",
                    "unit_id": 23,
                }
            ]
        },
    )

    code: Annotated[
        str,
        StringConstraints(min_length=1, max_length=60, pattern=r"^[A-Za-z0-9_.\-]+$"),
    ]
    name: Name
    jenis_jabatan: JenisJabatan
    jenjang: str | None = Field(
        default=None, max_length=20, description="Required for fungsional; a code from /reference/jenjang"
    )
    unit_id: int = Field(ge=1, le=2**31 - 1)


class PositionUpdate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"name": "Pranata Komputer Ahli Madya", "jenjang": "ahli_madya"}]},
    )

    code: (
        Annotated[
            str,
            StringConstraints(min_length=1, max_length=60, pattern=r"^[A-Za-z0-9_.\-]+$"),
        ]
        | None
    ) = None
    name: Name | None = None
    jenis_jabatan: JenisJabatan | None = None
    jenjang: str | None = Field(default=None, max_length=20)
    unit_id: int | None = Field(default=None, ge=1, le=2**31 - 1)


class PositionRead(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": 101,
                    "code": "DISKOMINFO-PRAKOM-MUDA",
                    "name": "Pranata Komputer Ahli Muda",
                    "jenis_jabatan": "fungsional",
                    "jenjang": "ahli_muda",
                    "unit_id": 23,
                    "updated_at": "2026-01-05T03:00:00Z",
                }
            ]
        },
    )

    id: int
    code: str
    name: str
    jenis_jabatan: str
    jenjang: str | None
    unit_id: int
    updated_at: datetime


class PositionPage(Page[PositionRead]):
    pass
