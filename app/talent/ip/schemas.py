"""Wire shapes of the Indeks Profesionalitas ASN: one PNS's year, and the report per unit."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from app.core.types import JsonDecimal

IP_ASN_EXAMPLE: dict[str, Any] = {
    "nip": "198503142010012003",
    "year": 2026,
    "employment_type": "pns",
    "total": 71,
    "category": "Sedang",
    "dimensions": [
        {
            "code": "kualifikasi",
            "score": 15,
            "max": 25,
            "indicators": [
                {
                    "code": "education",
                    "label": "Pendidikan tertinggi",
                    "points": 15,
                    "max": 25,
                    "evidence": {"education_level": "S1"},
                }
            ],
        },
        {
            "code": "kompetensi",
            "score": 20,
            "max": 40,
            "indicators": [
                {
                    "code": "technical",
                    "label": "Pelatihan teknis tahun ini",
                    "points": 15,
                    "max": 15,
                    "evidence": {"learning_record_ids": [812, 907], "jp": 24, "min_jp": 20},
                },
                {
                    "code": "seminar",
                    "label": "Seminar, lokakarya, atau sejenisnya tahun ini",
                    "points": 5,
                    "max": 5,
                    "evidence": {"learning_record_ids": [955], "jp": 2, "min_jp": None},
                },
            ],
        },
        {
            "code": "kinerja",
            "score": 25,
            "max": 30,
            "indicators": [
                {
                    "code": "skp",
                    "label": "Hasil SKP tahun ini",
                    "points": 25,
                    "max": 30,
                    "evidence": {"year": 2026, "predikat": "baik", "score": 84.5},
                }
            ],
        },
        {
            "code": "disiplin",
            "score": 5,
            "max": 5,
            "indicators": [
                {
                    "code": "sanction",
                    "label": "Hukuman disiplin yang sedang berlaku",
                    "points": 5,
                    "max": 5,
                    "evidence": {"level": None, "disciplinary_record_ids": []},
                }
            ],
        },
    ],
    "how_to_improve": [
        {
            "indicator": "education",
            "points": 5,
            "action": "Lanjutkan ke jenjang pendidikan yang lebih tinggi",
        },
        {"indicator": "skp", "points": 5, "action": "Upayakan predikat SKP Sangat Baik"},
    ],
}

CATEGORIES_EXAMPLE = [
    {"category": "Sangat Tinggi", "count": 120},
    {"category": "Tinggi", "count": 2310},
    {"category": "Sedang", "count": 20480},
    {"category": "Rendah", "count": 24050},
    {"category": "Sangat Rendah", "count": 11040},
]
DIMENSIONS_EXAMPLE = [
    {"code": "kualifikasi", "mean": 14.2, "max": 25},
    {"code": "kompetensi", "mean": 17.5, "max": 40},
    {"code": "kinerja", "mean": 24.1, "max": 30},
    {"code": "disiplin", "mean": 4.96, "max": 5},
]

IP_ASN_REPORT_EXAMPLE: dict[str, Any] = {
    "year": 2026,
    "unit_id": None,
    "name": None,
    "headcount": 58000,
    "mean": 68.42,
    "categories": CATEGORIES_EXAMPLE,
    "dimensions": DIMENSIONS_EXAMPLE,
    "direct": None,
    "units": [
        {
            "unit_id": 7,
            "code": "DISKOMINFO",
            "name": "Dinas Komunikasi dan Informatika",
            "headcount": 612,
            "mean": 71.3,
            "categories": CATEGORIES_EXAMPLE,
            "dimensions": DIMENSIONS_EXAMPLE,
        }
    ],
}


class IpAsnIndicator(BaseModel):
    code: str = Field(
        description="education | leadership | functional | technical | seminar | skp | sanction"
    )
    label: str = Field(description="In the caller's language")
    points: int
    max: int
    evidence: dict[str, Any] = Field(
        description="What the points rest on: `education_level`; `learning_record_ids`, `jp`, `min_jp` "
        "(verified learning records counted); the SKP's `year`, `predikat`, `score`; the heaviest "
        "sanction `level` in force at the year's end and its `disciplinary_record_ids`"
    )


class IpAsnDimension(BaseModel):
    code: str = Field(description="kualifikasi | kompetensi | kinerja | disiplin")
    score: int
    max: int
    indicators: list[IpAsnIndicator]


class IpAsnAdvice(BaseModel):
    indicator: str = Field(description="The indicator's code")
    points: int = Field(description="Points the step would add")
    action: str = Field(description="What to do, in the caller's language")


class IpAsnRead(BaseModel):
    """One PNS's Indeks Profesionalitas ASN for a year, from the year's `ip_asn_rules`."""

    model_config = ConfigDict(json_schema_extra={"examples": [IP_ASN_EXAMPLE]})

    nip: str
    year: int
    employment_type: str
    total: int = Field(description="0–100: the four dimensions' scores added")
    category: str = Field(description="The year's category band (Sangat Tinggi … Sangat Rendah)")
    dimensions: list[IpAsnDimension]
    how_to_improve: list[IpAsnAdvice] = Field(description="Missing indicators, most points first")


class CategoryCount(BaseModel):
    category: str
    count: int


class DimensionMean(BaseModel):
    code: str = Field(description="kualifikasi, kompetensi, kinerja or disiplin")
    mean: JsonDecimal | None = Field(description="Mean score of the dimension, 2 decimals; null when nobody")
    max: int = Field(description="The dimension's maximum under the year's rules")


class IpAsnFigures(BaseModel):
    headcount: int = Field(description="Active PNS and CPNS counted")
    mean: JsonDecimal | None = Field(description="Mean IP ASN, 2 decimals; null when nobody is counted")
    categories: list[CategoryCount] = Field(description="Every category of the year's rules, highest first")
    dimensions: list[DimensionMean] = Field(
        description="Each dimension's mean against its maximum: the lowest share is the unit's weakest"
    )


class UnitIpAsn(IpAsnFigures):
    unit_id: int
    code: str
    name: str


class IpAsnReport(IpAsnFigures):
    """The IP ASN over the active PNS/CPNS of a unit's subtree (or the province), per child unit."""

    model_config = ConfigDict(json_schema_extra={"examples": [IP_ASN_REPORT_EXAMPLE]})

    year: int
    unit_id: int | None = Field(description="The unit reported on; null for the province")
    name: str | None
    direct: IpAsnFigures | None = Field(
        description="The unit's own ASN (not in any child); null for the province"
    )
    units: list[UnitIpAsn] = Field(
        description="The unit's children (top-level units for the province), descendants included"
    )
