from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from app.asn.schemas import EmploymentType
from app.core.pagination import Page
from app.core.types import JsonDecimal
from app.learning.schemas import RecordRead


class FormJp(BaseModel):
    form_code: str
    jp: JsonDecimal = Field(
        description="Verified JP of this form counted toward the year (after its yearly cap)"
    )
    recorded_jp: JsonDecimal = Field(
        description="Verified JP of this form as recorded, before the yearly cap"
    )
    records: int = Field(description="Verified records of this form in the year")


class JpSummary(BaseModel):
    """One ASN's learning hours in one year against the year's rules."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "nip": "198503142010012003",
                    "year": 2026,
                    "employment_type": "pns",
                    "verified_jp": 16.0,
                    "pending_jp": 8.0,
                    "target_jp": 20.0,
                    "cap_jp": None,
                    "remaining_jp": 4.0,
                    "compliant": False,
                    "over_cap": None,
                    "by_form": [
                        {"form_code": "8", "jp": 12.0, "recorded_jp": 12.0, "records": 1},
                        {"form_code": "9", "jp": 4.0, "recorded_jp": 6.0, "records": 2},
                    ],
                }
            ]
        }
    )

    nip: str
    year: int
    employment_type: EmploymentType
    verified_jp: JsonDecimal = Field(
        description="Verified JP counted toward the year: each form capped by max_jp_per_year, and a "
        "PPPK's total by cap_jp (what went beyond it is in by_form)"
    )
    pending_jp: JsonDecimal = Field(description="JP of the year's claims still awaiting verification")
    target_jp: JsonDecimal | None = Field(description="The yearly minimum (PNS/CPNS); null for PPPK")
    cap_jp: JsonDecimal | None = Field(description="The yearly cap (PPPK); null for PNS/CPNS")
    remaining_jp: JsonDecimal | None = Field(
        description="JP still needed to reach the minimum; null for PPPK"
    )
    compliant: bool | None = Field(description="verified_jp ≥ target_jp; null for PPPK")
    over_cap: bool | None = Field(
        description="The PPPK's verified JP went beyond cap_jp (verified_jp then counts only cap_jp); "
        "null for PNS/CPNS"
    )
    by_form: list[FormJp]


Headcount = Annotated[int, Field(description="Active PNS/CPNS")]
Compliant = Annotated[int, Field(description="Of those, how many reached the yearly minimum")]
CompliancePct = Annotated[
    JsonDecimal, Field(description="100 × compliant / headcount, 2 decimals (0 when empty)")
]
TotalJp = Annotated[JsonDecimal, Field(description="Verified JP, each ASN's forms capped by max_jp_per_year")]
MeanJp = Annotated[
    JsonDecimal, Field(description="total_jp / headcount, half-up to 2 decimals (0 when empty)")
]


class Figures(BaseModel):
    headcount: Headcount
    compliant: Compliant
    non_compliant: int
    compliance_pct: CompliancePct
    total_jp: TotalJp
    mean_jp: MeanJp


class UnitJpCompliance(BaseModel):
    unit_id: int
    code: str
    name: str
    headcount: Headcount
    compliant: Compliant
    non_compliant: int
    compliance_pct: CompliancePct
    total_jp: TotalJp
    mean_jp: MeanJp


class PppkFigures(BaseModel):
    cap_jp: JsonDecimal = Field(description="The year's PPPK cap (pppk_max_jp)")
    headcount: int = Field(description="Active PPPK")
    reached_cap: int = Field(
        description="PPPK whose verified JP reached the cap (≥ cap_jp), those over it included"
    )
    total_jp: JsonDecimal
    mean_jp: JsonDecimal
    over_cap: int = Field(description="PPPK whose verified JP exceeds the cap")


REPORT_EXAMPLE: dict[str, Any] = {
    "year": 2026,
    "unit_id": None,
    "name": None,
    "target_jp": 20.0,
    "headcount": 3,
    "compliant": 2,
    "non_compliant": 1,
    "compliance_pct": 66.67,
    "total_jp": 52.5,
    "mean_jp": 17.5,
    "direct": None,
    "units": [
        {
            "unit_id": 7,
            "code": "DISKOMINFO",
            "name": "Dinas Komunikasi dan Informatika",
            "headcount": 3,
            "compliant": 2,
            "non_compliant": 1,
            "compliance_pct": 66.67,
            "total_jp": 52.5,
            "mean_jp": 17.5,
        }
    ],
    "pppk": {
        "cap_jp": 24.0,
        "headcount": 1,
        "reached_cap": 1,
        "total_jp": 30.0,
        "mean_jp": 30.0,
        "over_cap": 1,
    },
}


class JpComplianceReport(BaseModel):
    """Compliance with the yearly JP minimum over the active PNS/CPNS in scope, per child unit."""

    model_config = ConfigDict(json_schema_extra={"examples": [REPORT_EXAMPLE]})

    year: int
    unit_id: int | None = Field(description="The unit reported on; null for every unit in reach")
    name: str | None
    target_jp: JsonDecimal = Field(description="The year's minimum for PNS/CPNS (pns_min_jp)")
    headcount: Headcount
    compliant: Compliant
    non_compliant: int
    compliance_pct: CompliancePct
    total_jp: TotalJp
    mean_jp: MeanJp
    direct: Figures | None = Field(
        description="ASN placed in the unit itself rather than in one of its children (null without a unit)"
    )
    units: list[UnitJpCompliance] = Field(
        description="One row per child unit (per top-level unit without unit_id), descendants included"
    )
    pppk: PppkFigures = Field(
        description="Active PPPK in the same scope, reported apart (a cap, not a minimum)"
    )


class QueueItem(RecordRead):
    asn_name: str
    unit_id: int


class QueuePage(Page[QueueItem]):
    pass
