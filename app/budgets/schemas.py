from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.core.pagination import Page
from app.core.rupiah import PositiveRupiah, Rupiah
from app.core.types import JsonDecimal

Jurisdiction = Literal["provinsi", "kabupaten_kota"]
Pct = Annotated[JsonDecimal, Field(description="Percent, rounded half-up to 4 decimals")]


class BudgetBody(BaseModel):
    """A year's total belanja daerah and the kind of jurisdiction (which sets the threshold)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"jurisdiction": "provinsi", "total_belanja_daerah_idr": 21690000000000}]
        },
    )

    jurisdiction: Jurisdiction
    total_belanja_daerah_idr: PositiveRupiah


class BudgetRead(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "year": 2025,
                    "jurisdiction": "provinsi",
                    "total_belanja_daerah_idr": 21690000000000,
                    "updated_at": "2025-01-15T02:00:00Z",
                }
            ]
        },
    )

    year: int
    jurisdiction: Jurisdiction
    total_belanja_daerah_idr: int
    updated_at: datetime


BudgetPage = Page[BudgetRead]


class UnitBudgetBody(BaseModel):
    """A unit's competency-development budget: planned (pagu) and spent (realisasi)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"pagu_idr": 4250000000, "realisasi_idr": 3987500000}]},
    )

    pagu_idr: Rupiah
    realisasi_idr: Rupiah = Field(description="May exceed pagu_idr; the response then flags over_pagu")


class UnitBudgetRead(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "year": 2025,
                    "unit_id": 7,
                    "code": "BPSDM",
                    "name": "Badan Pengembangan Sumber Daya Manusia",
                    "pagu_idr": 4250000000,
                    "realisasi_idr": 3987500000,
                    "over_pagu": False,
                    "realisation_rate_pct": 93.8235,
                    "updated_at": "2025-12-30T02:00:00Z",
                }
            ]
        }
    )

    year: int
    unit_id: int
    code: str
    name: str
    pagu_idr: int
    realisasi_idr: int
    over_pagu: bool = Field(description="realisasi_idr exceeds pagu_idr")
    realisation_rate_pct: Pct | None = Field(description="realisasi / pagu × 100; null when pagu is 0")
    updated_at: datetime


UnitBudgetPage = Page[UnitBudgetRead]


class UnitBudgetCompliance(BaseModel):
    unit_id: int
    code: str
    name: str
    pagu_idr: int
    realisasi_idr: int
    over_pagu: bool
    realisation_rate_pct: Pct | None
    headcount: int = Field(description="Active ASN of the unit and its descendants")
    verified_jp: JsonDecimal = Field(description="Their verified JP of the year (forms' yearly caps applied)")
    cost_per_jp_idr: int | None = Field(description="realisasi / verified_jp, half-up; null without JP")
    cost_per_asn_idr: int | None = Field(description="realisasi / headcount, half-up; null without ASN")


class ComplianceFigures(BaseModel):
    year: int
    jurisdiction: Jurisdiction
    total_belanja_daerah_idr: int
    threshold_pct: JsonDecimal = Field(description="The year's budget_min_pct for the jurisdiction")
    required_min_idr: int = Field(description="⌈total × threshold_pct / 100⌉")
    bangkom_pagu_idr: int = Field(description="Σ pagu of the units' competency-development budgets")
    bangkom_realisasi_idr: int
    pagu_pct: Pct = Field(description="bangkom_pagu / total × 100")
    realisasi_pct: Pct = Field(description="bangkom_realisasi / total × 100")
    compliant: bool = Field(description="bangkom_pagu_idr ≥ required_min_idr")
    shortfall_idr: int = Field(description="max(0, required_min_idr − bangkom_pagu_idr)")
    realisation_rate_pct: Pct | None = Field(description="realisasi / pagu × 100; null when pagu is 0")
    verified_jp: JsonDecimal = Field(description="Verified JP of the year over active ASN")
    cost_per_jp_idr: int | None = Field(
        description="bangkom_realisasi / verified_jp, half-up; null without JP"
    )


COMPLIANCE_EXAMPLE: dict[str, Any] = {
    "year": 2025,
    "jurisdiction": "provinsi",
    "total_belanja_daerah_idr": 21690000000000,
    "threshold_pct": 0.34,
    "required_min_idr": 73746000000,
    "bangkom_pagu_idr": 75000000000,
    "bangkom_realisasi_idr": 68250000000,
    "pagu_pct": 0.3458,
    "realisasi_pct": 0.3147,
    "compliant": True,
    "shortfall_idr": 0,
    "realisation_rate_pct": 91.0,
    "verified_jp": 1450230.5,
    "cost_per_jp_idr": 47061,
}


class BudgetCompliance(ComplianceFigures):
    """The mandatory-spending check of one year, with each budgeted unit's figures."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                COMPLIANCE_EXAMPLE
                | {
                    "units": [
                        {
                            "unit_id": 7,
                            "code": "BPSDM",
                            "name": "Badan Pengembangan Sumber Daya Manusia",
                            "pagu_idr": 4250000000,
                            "realisasi_idr": 3987500000,
                            "over_pagu": False,
                            "realisation_rate_pct": 93.8235,
                            "headcount": 412,
                            "verified_jp": 10215.5,
                            "cost_per_jp_idr": 390338,
                            "cost_per_asn_idr": 9678398,
                        }
                    ]
                }
            ]
        }
    )

    units: list[UnitBudgetCompliance] = Field(description="Units with a budget for the year, by name")


class ComplianceTrend(BaseModel):
    """The check for each year on record in the range, oldest first."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"items": [COMPLIANCE_EXAMPLE]}]})

    from_year: int | None
    to_year: int | None
    items: list[ComplianceFigures]
