from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.core.types import JsonDecimal

Group = Literal["manajerial", "sosial_kultural", "teknis"]


class GapItem(BaseModel):
    competency_code: str
    name: str
    group: Group
    required_level: int = Field(description="Level the position standard asks for (1–5)")
    actual_level: int | None = Field(
        description="Level from the most recent assessment that rated this competency; null if never rated"
    )
    gap: int | None = Field(
        description="actual_level − required_level (negative: a shortfall); null if unrated"
    )
    assessed_on: str | None = Field(
        default=None, description="Date of the assessment the actual level comes from"
    )


class CompetencyGaps(BaseModel):
    """One ASN's competencies against the standard of the position held."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "nip": "198503142010012003",
                    "position_id": 12,
                    "year": 2026,
                    "items": [
                        {
                            "competency_code": "M1",
                            "name": "Integritas",
                            "group": "manajerial",
                            "required_level": 3,
                            "actual_level": 3,
                            "gap": 0,
                            "assessed_on": "2025-08-14",
                        },
                        {
                            "competency_code": "M4",
                            "name": "Orientasi pada Hasil",
                            "group": "manajerial",
                            "required_level": 3,
                            "actual_level": 2,
                            "gap": -1,
                            "assessed_on": "2025-08-14",
                        },
                    ],
                    "jpm": 83.33,
                    "ikk": 16.67,
                    "jpm_category": "Cukup Optimal",
                    "missing": [],
                }
            ]
        }
    )

    nip: str
    position_id: int | None
    year: int = Field(description="The year whose jpm_bands give the category")
    items: list[GapItem]
    jpm: JsonDecimal | None = Field(
        description="Job Person Match: min(100, 100 × Σ actual / Σ required), 2 decimals; null unless every "
        "standard competency has an actual level"
    )
    ikk: JsonDecimal | None = Field(description="Indeks Kesenjangan Kompetensi: 100 − JPM; null with JPM")
    jpm_category: str | None = Field(description="The first jpm_bands entry whose min ≤ jpm")
    missing: list[str] = Field(description="Standard competencies without an actual level (why jpm is null)")
