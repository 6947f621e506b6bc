"""Wire shapes of the 9-box: one ASN's placement, the talent map per unit, the people in a box."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.core.pagination import Page
from app.core.types import JsonDecimal

Kinerja = Literal["di_bawah", "sesuai", "di_atas"]
Potensial = Literal["rendah", "menengah", "tinggi"]
Predikat = Literal["sangat_baik", "baik", "butuh_perbaikan", "kurang", "sangat_kurang"]
MissingInput = Literal["performance", "jpm", "potential_assessment"]

TALENT_EXAMPLE: dict[str, Any] = {
    "nip": "198503142010012003",
    "year": 2025,
    "kinerja": "di_atas",
    "potensial": "tinggi",
    "potensial_score": 84.13,
    "box": 9,
    "box_label": "Kinerja di atas ekspektasi, potensial tinggi",
    "in_talent_pool": True,
    "missing": [],
    "recommendation": "Promosi; masuk kelompok rencana suksesi",
    "inputs": {
        "predikat": "sangat_baik",
        "jpm": 88.89,
        "potential_score": 79.37,
        "potential_assessed_on": "2025-08-14",
    },
}


class TalentInputs(BaseModel):
    predikat: Predikat | None = Field(description="The year's SKP predikat; null when none is recorded")
    jpm: JsonDecimal | None = Field(
        description="Job Person Match under the year's jpm_method; null unless every competency of the "
        "position standard has a level"
    )
    potential_score: JsonDecimal | None = Field(
        description="The score of the latest potential assessment on or before the year's last day"
    )
    potential_assessed_on: date | None = Field(description="The day of that assessment")


class TalentRead(BaseModel):
    """Where one ASN stands on the year's 9-box, from the year's talent_rules; nothing is guessed."""

    model_config = ConfigDict(json_schema_extra={"examples": [TALENT_EXAMPLE]})

    nip: str
    year: int
    kinerja: Kinerja | None = Field(description="From the predikat (talent_rules.kinerja_by_predikat)")
    potensial: Potensial | None = Field(description="From potensial_score and the year's cut-offs")
    potensial_score: JsonDecimal | None = Field(
        description="weights.jpm × JPM + weights.potential_score × potential score, half-up to 2 decimals"
    )
    box: int | None = Field(description="1–9; null when an input is missing")
    box_label: str | None
    in_talent_pool: bool = Field(description="The box is one of talent_rules.pool_boxes")
    missing: list[MissingInput] = Field(description="The inputs that are absent, in this order")
    recommendation: str | None = Field(description="The development action the year's rules give the box")
    inputs: TalentInputs


class BoxCount(BaseModel):
    box: int
    label: str
    count: int


class UnitTalentMap(BaseModel):
    unit_id: int
    code: str
    name: str
    headcount: int = Field(description="Active ASN of the unit and its descendants")
    assessed: int = Field(description="Of them, those placed in a box (no input missing)")
    boxes: list[BoxCount]


class DirectTalentMap(BaseModel):
    headcount: int
    assessed: int
    boxes: list[BoxCount]


class MissingCount(BaseModel):
    input: MissingInput
    count: int = Field(description="Active ASN in reach without this input (one person may lack several)")


MAP_EXAMPLE: dict[str, Any] = {
    "year": 2025,
    "unit_id": None,
    "name": None,
    "headcount": 59138,
    "assessed": 14210,
    "boxes": [{"box": 9, "label": "Kinerja di atas ekspektasi, potensial tinggi", "count": 812}],
    "missing": [
        {"input": "performance", "count": 1790},
        {"input": "potential_assessment", "count": 43120},
    ],
    "direct": None,
    "units": [
        {
            "unit_id": 7,
            "code": "DISKES",
            "name": "Dinas Kesehatan",
            "headcount": 4120,
            "assessed": 998,
            "boxes": [{"box": 9, "label": "Kinerja di atas ekspektasi, potensial tinggi", "count": 61}],
        }
    ],
}


class TalentMap(BaseModel):
    """Counts per box of the active ASN in a unit and its descendants (or the province) for a year."""

    model_config = ConfigDict(json_schema_extra={"examples": [MAP_EXAMPLE]})

    year: int
    unit_id: int | None = Field(description="The unit reported on; null for the whole province")
    name: str | None
    headcount: int = Field(description="Active ASN in reach")
    assessed: int = Field(description="Of them, those placed in a box")
    boxes: list[BoxCount] = Field(description="Boxes 1–9, each with the year's label and its count")
    missing: list[MissingCount] = Field(
        description="Per input, how many were not placed for lack of it; JPM is counted only for those "
        "who have the other two inputs"
    )
    direct: DirectTalentMap | None = Field(
        description="The unit's own ASN (not its sub-units); null for the province"
    )
    units: list[UnitTalentMap] = Field(
        description="The unit's children (top-level units for the province), each with its descendants"
    )


class BoxPerson(BaseModel):
    nip: str
    name: str
    unit_id: int
    unit: str = Field(description="The unit's name")
    kinerja: Kinerja
    potensial: Potensial
    potensial_score: JsonDecimal


class BoxPeoplePage(Page[BoxPerson]):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [
                        {
                            "nip": "198503142010012003",
                            "name": "Siti Rahmawati",
                            "unit_id": 7,
                            "unit": "Dinas Kesehatan",
                            "kinerja": "di_atas",
                            "potensial": "tinggi",
                            "potensial_score": 84.13,
                        }
                    ],
                    "next_cursor": None,
                    "total": 1,
                }
            ]
        }
    )
