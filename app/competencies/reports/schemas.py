from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from app.competencies.gaps.schemas import Group
from app.core.types import JsonDecimal

_MEAN_GAP = (
    "Σ (actual − required) / assessed, half-up to 2 decimals (negative: a shortfall); null if none assessed"
)


class CompetencyGapItem(BaseModel):
    competency_code: str
    name: str
    group: Group
    required: int = Field(description="Active ASN whose position standard asks for this competency")
    assessed: int = Field(description="Of them, those with a level from an assessment")
    missing: int = Field(description="Of them, those never assessed on it (required − assessed)")
    with_gap: int = Field(description="Of the assessed, those below the required level")
    mean_gap: JsonDecimal | None = Field(description=_MEAN_GAP)
    with_gap_pct: JsonDecimal | None = Field(
        description="100 × with_gap / assessed, half-up to 2 decimals; null if none assessed"
    )


class CompetencyGapReport(BaseModel):
    """Competency gaps of the active ASN in a unit and its descendants (or the province), per competency."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "unit_id": 7,
                    "name": "Dinas Kesehatan",
                    "items": [
                        {
                            "competency_code": "M1",
                            "name": "Integritas",
                            "group": "manajerial",
                            "required": 412,
                            "assessed": 380,
                            "missing": 32,
                            "with_gap": 95,
                            "mean_gap": -0.31,
                            "with_gap_pct": 25.0,
                        }
                    ],
                }
            ]
        }
    )

    unit_id: int | None = Field(description="The unit reported on; null for the whole province")
    name: str | None = Field(description="Its name; null for the whole province")
    items: list[CompetencyGapItem] = Field(
        description="Competencies some ASN in reach is required to have: manajerial M1–M8, sosial kultural, "
        "then teknis by code"
    )


class MatrixCompetency(BaseModel):
    code: str
    name: str
    group: Group


class GapCell(BaseModel):
    competency_code: str
    required: int = Field(description="Active ASN of the row whose standard asks for the competency")
    assessed: int = Field(description="Of them, those with a level from an assessment")
    with_gap: int = Field(description="Of the assessed, those below the required level")
    mean_gap: JsonDecimal | None = Field(description=_MEAN_GAP)


class GapMatrixRow(BaseModel):
    unit_id: int
    code: str
    name: str
    cells: list[GapCell] = Field(description="One cell per column of `competencies`, in that order")


class GapMatrixDirect(BaseModel):
    cells: list[GapCell] = Field(description="One cell per column of `competencies`, in that order")


class CompetencyGapMatrix(BaseModel):
    """Mean competency gap per unit × competency: the heat map of where shortfalls are."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "unit_id": 7,
                    "name": "Dinas Kesehatan",
                    "competencies": [{"code": "M1", "name": "Integritas", "group": "manajerial"}],
                    "rows": [
                        {
                            "unit_id": 31,
                            "code": "DINKES-YANKES",
                            "name": "Bidang Pelayanan Kesehatan",
                            "cells": [
                                {
                                    "competency_code": "M1",
                                    "required": 40,
                                    "assessed": 36,
                                    "with_gap": 9,
                                    "mean_gap": -0.28,
                                }
                            ],
                        }
                    ],
                    "direct": {
                        "cells": [
                            {
                                "competency_code": "M1",
                                "required": 12,
                                "assessed": 12,
                                "with_gap": 2,
                                "mean_gap": -0.17,
                            }
                        ]
                    },
                }
            ]
        }
    )

    unit_id: int | None = Field(description="The unit reported on; null for the whole province")
    name: str | None = Field(description="Its name; null for the whole province")
    competencies: list[MatrixCompetency] = Field(
        description="The columns: competencies some ASN in reach is required to have, in report order"
    )
    rows: list[GapMatrixRow] = Field(
        description="The unit's children (the top-level units for the province), each with its descendants"
    )
    direct: GapMatrixDirect | None = Field(
        description="The unit's own ASN, outside every child; null for the province"
    )
