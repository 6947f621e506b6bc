from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.competencies.gaps.schemas import Group
from app.core.types import JsonDecimal

Source = Literal["idp", "gap", "mandatory"]


class NeedCourse(BaseModel):
    course_id: int
    code: str
    title: str
    jp: JsonDecimal | None = Field(description="The catalogue's JP per participant; null when it gives none")
    approved_items: int = Field(description="Approved IDP items of the year, in scope, naming the course")
    approved_jp: JsonDecimal = Field(description="Σ planned_jp of those items")


class TrainingNeedItem(BaseModel):
    competency_code: str
    name: str
    group: Group
    assessed: int = Field(
        description="Active ASN whose position standard asks for the competency and who have an actual level"
    )
    below_standard: int = Field(description="Of them, those whose actual level is below the required one")
    total_shortfall: int = Field(
        description="Σ max(0, required − actual) over the assessed: a surplus never offsets another "
        "competency's gap nor another person's"
    )
    approved_items: int = Field(description="Approved IDP items of the year, in scope, for the competency")
    approved_jp: JsonDecimal = Field(description="Σ planned_jp of those items")
    approved_cost_idr: int = Field(description="Σ estimated_cost_idr of those items")
    courses: list[NeedCourse] = Field(
        description="Catalogue courses approved IDP items name, each under every competency the course "
        "develops and under the competencies its items name; most items first"
    )


class MandatoryNeedCount(BaseModel):
    code: str
    title: str = Field(description="The need's title in the caller's language")
    course_id: int | None = Field(
        description="The catalogue course of the rule's `course_code`, if it exists"
    )
    count: int = Field(description="Active ASN in scope the rule covers who have no record that meets it")


class ApprovedTotals(BaseModel):
    items: int = Field(description="Every approved IDP item of the year in scope, with or without competency")
    jp: JsonDecimal = Field(description="Σ planned_jp")
    cost_idr: int = Field(description="Σ estimated_cost_idr")


NEED_EXAMPLE: dict[str, Any] = {
    "competency_code": "M4",
    "name": "Orientasi pada Hasil",
    "group": "manajerial",
    "assessed": 1820,
    "below_standard": 640,
    "total_shortfall": 790,
    "approved_items": 210,
    "approved_jp": 5040.0,
    "approved_cost_idr": 630000000,
    "courses": [
        {
            "course_id": 57,
            "code": "BPSDM-003",
            "title": "Pelatihan Kepemimpinan Pengawas",
            "jp": 830.0,
            "approved_items": 12,
            "approved_jp": 9960.0,
        }
    ],
}


class TrainingNeedsReport(BaseModel):
    """The training-needs analysis (analisis kebutuhan pelatihan) of a unit's subtree or the province."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "year": 2027,
                    "unit_id": 7,
                    "items": [NEED_EXAMPLE],
                    "mandatory": [
                        {
                            "code": "latsar_cpns",
                            "title": "Pelatihan Dasar CPNS (Latsar)",
                            "course_id": None,
                            "count": 85,
                        }
                    ],
                    "approved": {"items": 260, "jp": 6100.0, "cost_idr": 760000000},
                }
            ]
        }
    )

    year: int
    unit_id: int | None = Field(description="The unit whose subtree is counted; null for the province")
    items: list[TrainingNeedItem] = Field(
        description="Every competency some active ASN's standard asks for, or an approved item names, "
        "by need: total_shortfall, then below_standard (both descending), then code"
    )
    mandatory: list[MandatoryNeedCount] = Field(description="The year's mandatory needs, in rule order")
    approved: ApprovedTotals = Field(description="All approved IDP items of the year in scope")


class ProposalLine(BaseModel):
    course_id: int | None = Field(description="A catalogue course; null for a free title")
    title: str
    sessions: int = Field(description="⌈participants / the course's quota⌉ (30 without a quota)")
    participants: int
    jp: JsonDecimal | None = Field(
        description="JP per participant: the course's, else the largest planned_jp of the IDP items; null "
        "when neither gives one (set it before saving the line)"
    )
    cost_idr: int = Field(description="The line's total, whole rupiah")
    competency_codes: list[str]
    source: Source
    note: str = Field(description="Where the figures come from, in the caller's language")


class ProgramProposal(BaseModel):
    """Suggested lines of a unit's programme; `lines` fit the programme's PUT body as they are."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "unit_id": 7,
                    "unit_name": "Dinas Kesehatan",
                    "year": 2027,
                    "cost_per_jp_idr": 150000,
                    "lines": [
                        {
                            "course_id": 57,
                            "title": "Pelatihan Kepemimpinan Pengawas",
                            "sessions": 1,
                            "participants": 12,
                            "jp": 830.0,
                            "cost_idr": 1494000000,
                            "competency_codes": ["M1", "M4"],
                            "source": "idp",
                            "note": "12 item IDP yang disetujui dari 12 ASN",
                        }
                    ],
                    "total_cost_idr": 1494000000,
                    "total_participants": 12,
                }
            ]
        }
    )

    unit_id: int
    unit_name: str
    year: int
    cost_per_jp_idr: int = Field(description="The year's planning_rules.cost_per_jp_idr used for estimates")
    lines: list[ProposalLine] = Field(
        description="IDP lines (most participants first), then gap lines (by need), then mandatory lines"
    )
    total_cost_idr: int
    total_participants: int
