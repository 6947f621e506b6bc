from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from app.competencies.courses.schemas import CREATE_EXAMPLE, CourseRead
from app.competencies.gaps.schemas import Group
from app.core.types import JsonDecimal


class PlanItem(BaseModel):
    competency_code: str
    name: str
    group: Group
    required_level: int = Field(description="Level the position standard asks for (1–5)")
    actual_level: int = Field(description="Level from the most recent assessment that rated it")
    gap: int = Field(description="actual_level − required_level; always negative here")
    courses: list[CourseRead] = Field(
        description="Up to 5 active catalogue courses developing this competency that have not ended before "
        "today (ends_on null or ≥ today), soonest start first, courses without a start date last; "
        "empty when the catalogue offers none"
    )


class DevelopmentPlan(BaseModel):
    """Catalogue courses addressing each negative gap of one ASN, largest shortfall first."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "nip": "198503142010012003",
                    "year": 2026,
                    "employment_type": "pns",
                    "position_id": 12,
                    "as_of": "2026-02-10",
                    "jpm": 83.33,
                    "items": [
                        {
                            "competency_code": "M4",
                            "name": "Orientasi pada Hasil",
                            "group": "manajerial",
                            "required_level": 3,
                            "actual_level": 2,
                            "gap": -1,
                            "courses": [
                                CREATE_EXAMPLE | {"id": 57, "jp": 830.0, "updated_at": "2026-01-05T03:00:00Z"}
                            ],
                        }
                    ],
                    "unassessed": [],
                    "verified_jp": 12.5,
                    "target_jp": 20.0,
                    "planned_jp": 830.0,
                    "projected_jp": 842.5,
                    "remaining_after_plan_jp": 0.0,
                }
            ]
        }
    )

    nip: str
    year: int = Field(description="The year whose verified JP and rules (target) are used")
    employment_type: str
    position_id: int | None
    as_of: date = Field(
        description="The date courses are judged against: today in Indonesia's easternmost zone (WIT)"
    )
    jpm: JsonDecimal | None = Field(
        description="Job Person Match of the ASN (see competency-gaps); null unless every standard "
        "competency has an actual level"
    )
    items: list[PlanItem] = Field(
        description="One entry per standard competency with a negative gap, the largest shortfall first "
        "(gap ascending), ties in the standard's order (manajerial, sosial kultural, teknis)"
    )
    unassessed: list[str] = Field(
        description="Standard competencies never rated: no gap is known, so nothing is planned for them"
    )
    verified_jp: JsonDecimal = Field(
        description="JP verified for the year so far (form caps applied, as counted toward the target); 0 if none"
    )
    target_jp: JsonDecimal | None = Field(
        description="The year's pns_min_jp for PNS/CPNS; null for PPPK (their JP is capped, not required)"
    )
    planned_jp: JsonDecimal = Field(
        description="JP of the plan: the first (soonest) course of each item, each distinct course counted "
        "once even when it addresses several competencies; a course without JP counts 0"
    )
    projected_jp: JsonDecimal = Field(description="verified_jp + planned_jp")
    remaining_after_plan_jp: JsonDecimal | None = Field(
        description="max(0, target_jp − projected_jp); null for PPPK"
    )
