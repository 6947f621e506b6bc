"""Wire shapes of data completeness: the report, its trend, the league of OPDs and the people missing items."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.completeness.indicators import ActionCode
from app.core.pagination import Page
from app.core.types import JsonDecimal
from app.rules.completeness import IndicatorCode

Source = Literal["live", "snapshot"]

INDICATORS_EXAMPLE: list[dict[str, Any]] = [
    {"code": "contact", "label": "Email dan nomor telepon di profil", "complete": 540, "pct": 88.24},
    {"code": "education", "label": "Pendidikan tertinggi di profil", "complete": 598, "pct": 97.71},
    {
        "code": "position_standard",
        "label": "Jabatan yang memiliki standar kompetensi",
        "complete": 575,
        "pct": 93.95,
    },
    {
        "code": "competency_assessment",
        "label": "Penilaian kompetensi yang masih berlaku",
        "complete": 301,
        "pct": 49.18,
    },
    {"code": "potential_assessment", "label": "Penilaian potensi", "complete": 244, "pct": 39.87},
    {"code": "performance_last_year", "label": "Hasil SKP tahun lalu", "complete": 603, "pct": 98.53},
    {"code": "jp_this_year", "label": "Pembelajaran (JP) tercatat tahun ini", "complete": 417, "pct": 68.14},
    {
        "code": "queue_within_sla",
        "label": "Tidak ada klaim yang menunggu melewati batas verifikasi",
        "complete": 590,
        "pct": 96.41,
    },
]
QUEUE_EXAMPLE = {"pending": 37, "oldest_days": 21, "over_sla": 6}

REPORT_EXAMPLE: dict[str, Any] = {
    "as_of": "2026-12-07",
    "source": "live",
    "unit_id": None,
    "name": None,
    "headcount": 612,
    "score": 79.0,
    "indicators": INDICATORS_EXAMPLE,
    "queue": QUEUE_EXAMPLE,
    "units": [
        {
            "unit_id": 7,
            "code": "DISKOMINFO",
            "name": "Dinas Komunikasi dan Informatika",
            "headcount": 612,
            "score": 79.0,
            "indicators": INDICATORS_EXAMPLE,
            "queue": QUEUE_EXAMPLE,
        }
    ],
}


class IndicatorFigure(BaseModel):
    code: IndicatorCode
    label: str = Field(description="In the caller's language")
    complete: int = Field(description="Active ASN who meet it")
    pct: JsonDecimal | None = Field(description="100 × complete / headcount, 2 decimals; null when nobody")


class QueueFigure(BaseModel):
    pending: int = Field(description="Learning claims awaiting verification")
    oldest_days: int | None = Field(description="Days the oldest of them has waited; null when none")
    over_sla: int = Field(description="Of them, those waiting longer than the year's `queue_sla_days`")


class CompletenessFigures(BaseModel):
    headcount: int = Field(description="Active ASN counted")
    score: JsonDecimal | None = Field(
        description="Mean of the `pct` of the year's `score_indicators`, 2 decimals; null when nobody"
    )
    indicators: list[IndicatorFigure] = Field(description="Every indicator of the checklist, in order")
    queue: QueueFigure


class UnitCompleteness(CompletenessFigures):
    unit_id: int
    code: str
    name: str


class CompletenessReport(CompletenessFigures):
    """The checklist over the active ASN of a unit's subtree (or the province), per child unit."""

    model_config = ConfigDict(json_schema_extra={"examples": [REPORT_EXAMPLE]})

    as_of: date
    source: Source = Field(description="`live` (today's records) or `snapshot` (the day's stored figures)")
    unit_id: int | None = Field(description="The unit reported on; null for the province")
    name: str | None
    units: list[UnitCompleteness] = Field(
        description="The unit's children (the top-level units, the OPDs, for the province), each with "
        "its descendants"
    )


class TrendIndicator(BaseModel):
    code: IndicatorCode
    pct: JsonDecimal | None


class TrendPoint(BaseModel):
    date: date
    headcount: int
    score: JsonDecimal | None
    indicators: list[TrendIndicator]


class CompletenessTrend(BaseModel):
    """One point per day with a snapshot between `from` and `to`, oldest first."""

    model_config = ConfigDict(
        populate_by_name=True,
        json_schema_extra={
            "examples": [
                {
                    "unit_id": 7,
                    "name": "Dinas Komunikasi dan Informatika",
                    "from": "2026-11-08",
                    "to": "2026-12-07",
                    "points": [
                        {
                            "date": "2026-12-07",
                            "headcount": 612,
                            "score": 79.0,
                            "indicators": [{"code": "contact", "pct": 88.24}],
                        }
                    ],
                }
            ]
        },
    )

    unit_id: int | None = Field(description="null for the province")
    name: str | None
    from_: date = Field(alias="from", serialization_alias="from")
    to: date
    points: list[TrendPoint]


class SparkPoint(BaseModel):
    date: date
    score: JsonDecimal | None


class LeagueRow(BaseModel):
    rank: int | None = Field(description="1 for the highest score; equal scores share a rank; null: no ASN")
    unit_id: int
    code: str
    name: str
    headcount: int
    score: JsonDecimal | None
    indicators: list[IndicatorFigure]
    score_7_days_ago: JsonDecimal | None = Field(
        description="From the snapshot of 7 days before; null if none"
    )
    score_30_days_ago: JsonDecimal | None = Field(
        description="From the snapshot of 30 days before; null if none"
    )
    sparkline: list[SparkPoint] = Field(description="The last 30 snapshot scores up to the day, oldest first")


LEAGUE_EXAMPLE: dict[str, Any] = {
    "as_of": "2026-12-07",
    "source": "live",
    "units": [
        {
            "rank": 1,
            "unit_id": 7,
            "code": "DISKOMINFO",
            "name": "Dinas Komunikasi dan Informatika",
            "headcount": 612,
            "score": 79.0,
            "indicators": INDICATORS_EXAMPLE,
            "score_7_days_ago": 77.5,
            "score_30_days_ago": 71.25,
            "sparkline": [{"date": "2026-12-06", "score": 78.9}],
        }
    ],
}


class CompletenessLeague(BaseModel):
    """The OPDs (top-level units) ranked by score, highest first, units without ASN last."""

    model_config = ConfigDict(json_schema_extra={"examples": [LEAGUE_EXAMPLE]})

    as_of: date
    source: Source
    units: list[LeagueRow]


class GapAction(BaseModel):
    code: ActionCode = Field(description="What closes the gap; the SPA maps it to a page")
    label: str = Field(description="In the caller's language")


class DataGap(BaseModel):
    nip: str
    name: str
    unit_id: int
    unit_name: str
    missing: list[IndicatorCode] = Field(description="Every indicator the ASN misses, in checklist order")
    actions: list[GapAction] = Field(description="One per missing indicator, in the same order")


GAPS_EXAMPLE: dict[str, Any] = {
    "items": [
        {
            "nip": "198503142010012003",
            "name": "Siti Rahmawati",
            "unit_id": 7,
            "unit_name": "Dinas Komunikasi dan Informatika",
            "missing": ["contact", "potential_assessment"],
            "actions": [
                {"code": "fill_contact", "label": "Lengkapi email dan nomor telepon di profil"},
                {"code": "record_potential", "label": "Catat penilaian potensi"},
            ],
        }
    ],
    "next_cursor": "WyIxOTg1MDMxNDIwMTAwMTIwMDMiXQ",
    "total": 121,
}


class DataGapPage(Page[DataGap]):
    model_config = ConfigDict(json_schema_extra={"examples": [GAPS_EXAMPLE]})
