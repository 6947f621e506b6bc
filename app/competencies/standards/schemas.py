"""Wire models of the competency dictionary, default levels and position standards (SKJ)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints, field_validator

from app.core.i18n import msg
from app.core.pagination import Page
from app.core.params import Trimmed

Group = Literal["manajerial", "sosial_kultural", "teknis"]
Mode = Literal["replace", "merge", "defaults"]
Level = Annotated[int, Field(ge=1, le=5, description="Competency level, 1–5")]
Code = Annotated[
    str,
    StringConstraints(min_length=1, max_length=20, pattern=r"^[A-Z0-9_.\-]+$"),
]
CodeRef = Annotated[str, StringConstraints(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9_.\-]+$")]
Name = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$"),
    Trimmed,
]
Description = Annotated[str, StringConstraints(min_length=1, max_length=4000), Trimmed]
JenisJabatan = Annotated[str, Field(max_length=20, examples=["administrator"])]
Jenjang = Annotated[str, Field(max_length=20, examples=["ahli_madya"])]

LEVELS_EXAMPLE: list[dict[str, Any]] = [
    {"level": 1, "description": "Memahami dasar-dasar pengelolaan arsip dinamis."},
    {"level": 2, "description": "Mampu menata arsip dinamis unit kerja sesuai pedoman."},
    {"level": 3, "description": "Mampu menyusun dan menerapkan klasifikasi arsip di lingkup organisasi."},
    {"level": 4, "description": "Mampu mengevaluasi dan memperbaiki sistem kearsipan organisasi."},
    {"level": 5, "description": "Mampu merumuskan kebijakan kearsipan di tingkat provinsi."},
]
COMPETENCY_EXAMPLE: dict[str, Any] = {
    "code": "T.ARSIP",
    "name": "Pengelolaan Arsip Dinamis",
    "group": "teknis",
    "description": "Kemampuan mengelola arsip dinamis sesuai ketentuan kearsipan.",
    "levels": LEVELS_EXAMPLE,
}


class LevelDescription(BaseModel):
    model_config = ConfigDict(extra="forbid")

    level: Level
    description: Description


def _five_levels(levels: list[LevelDescription]) -> list[LevelDescription]:
    """Exactly the levels 1..5, once each, returned in order."""
    seen = [item.level for item in levels]
    duplicates = sorted({n for n in seen if seen.count(n) > 1})
    if duplicates:
        raise ValueError(
            msg("level {levels} is described more than once", levels=", ".join(map(str, duplicates)))
        )
    missing = sorted(set(range(1, 6)) - set(seen))
    if missing:
        raise ValueError(
            msg(
                "levels 1–5 must each be described; missing level {levels}",
                levels=", ".join(map(str, missing)),
            )
        )
    return sorted(levels, key=lambda item: item.level)


class CompetencyCreate(BaseModel):
    """A teknis competency with its five level descriptions (manajerial and sosial kultural ship)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [COMPETENCY_EXAMPLE]})

    code: Code = Field(description="Uppercase letters, digits, '.', '-' or '_'; at most 20 characters")
    name: Name
    group: Group = Field(default="teknis", description="Only teknis competencies can be added")
    description: Description | None = None
    levels: list[LevelDescription] = Field(max_length=5, description="Levels 1–5, each described once")

    @field_validator("levels")
    @classmethod
    def _levels(cls, levels: list[LevelDescription]) -> list[LevelDescription]:
        return _five_levels(levels)


class CompetencyUpdate(BaseModel):
    """The fields that may change; code and group never do. `active: false` retires a competency."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"description": "Kemampuan mengelola arsip dinamis dan statis."}, {"active": False}]
        },
    )

    name: Name | None = None
    description: Description | None = None
    levels: list[LevelDescription] | None = Field(default=None, max_length=5)
    active: StrictBool | None = None

    @field_validator("levels")
    @classmethod
    def _levels(cls, levels: list[LevelDescription] | None) -> list[LevelDescription] | None:
        return None if levels is None else _five_levels(levels)


class CompetencyRead(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [COMPETENCY_EXAMPLE | {"active": True, "updated_at": "2026-02-01T03:00:00Z"}]
        },
    )

    code: str
    name: str
    group: Group
    description: str | None
    levels: list[LevelDescription]
    active: bool = Field(description="Retired competencies stay for history but take no new standards")
    updated_at: datetime


CompetencyPage = Page[CompetencyRead]


class StandardDefault(BaseModel):
    model_config = ConfigDict(extra="forbid")

    jenis_jabatan: JenisJabatan
    jenjang: Jenjang | None = Field(default=None, description="Fungsional only; null for other kinds")
    required_level: Level


DEFAULTS_EXAMPLE: dict[str, Any] = {
    "items": [
        {"jenis_jabatan": "jpt_pratama", "jenjang": None, "required_level": 4},
        {"jenis_jabatan": "administrator", "jenjang": None, "required_level": 3},
        {"jenis_jabatan": "fungsional", "jenjang": "ahli_madya", "required_level": 3},
    ]
}


class StandardDefaults(BaseModel):
    """The manajerial/sosial kultural level a new position of each kind gets."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [DEFAULTS_EXAMPLE]})

    items: list[StandardDefault] = Field(max_length=200)


class StandardItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    competency_code: CodeRef
    required_level: Level


STANDARD_EXAMPLE: dict[str, Any] = {
    "items": [
        {"competency_code": "M1", "required_level": 3},
        {"competency_code": "M4", "required_level": 3},
        {"competency_code": "SK1", "required_level": 3},
        {"competency_code": "T.ARSIP", "required_level": 2},
    ]
}


class StandardPut(BaseModel):
    """The position's whole standard; it replaces the current one."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [STANDARD_EXAMPLE]})

    items: list[StandardItem] = Field(max_length=100)


class StandardLine(BaseModel):
    competency_code: str
    name: str
    group: Group
    required_level: int


class PositionStandardRead(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "position_id": 12,
                    "items": [
                        {
                            "competency_code": "M1",
                            "name": "Integritas",
                            "group": "manajerial",
                            "required_level": 3,
                        },
                        {
                            "competency_code": "SK1",
                            "name": "Perekat Bangsa",
                            "group": "sosial_kultural",
                            "required_level": 3,
                        },
                    ],
                    "updated_at": "2026-02-01T03:00:00Z",
                }
            ]
        }
    )

    position_id: int
    items: list[StandardLine]
    updated_at: datetime | None = Field(
        default=None, description="When the standard last changed (from the audit trail); null if never"
    )


class BulkApply(BaseModel):
    """Apply a standard to every position of a kind (optionally one jenjang, one unit subtree)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "jenis_jabatan": "fungsional",
                    "jenjang": "ahli_pertama",
                    "unit_id": 23,
                    "mode": "merge",
                    "items": [{"competency_code": "T.ARSIP", "required_level": 2}],
                },
                {"jenis_jabatan": "administrator", "mode": "defaults"},
            ]
        },
    )

    jenis_jabatan: JenisJabatan
    jenjang: Jenjang | None = None
    unit_id: int | None = Field(default=None, ge=1, le=2**31 - 1, description="This unit and its descendants")
    mode: Mode = Field(
        description="replace: the items become the whole standard; merge: the items are set, other lines "
        "stay; defaults: manajerial/sosial kultural lines are reset to standard-defaults, teknis stay"
    )
    items: list[StandardItem] | None = Field(default=None, max_length=100)


class BulkResult(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"positions": 140, "positions_changed": 37, "asn_affected": 212}]}
    )

    positions: int = Field(description="Positions the selection matched")
    positions_changed: int = Field(description="Of them, those whose standard changed (one audit row each)")
    asn_affected: int = Field(description="ASN holding a changed position")
