from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.core.decimals import PlainDecimal, TitledByDirection
from app.core.types import JsonDecimal
from app.rules.completeness import CompletenessRules
from app.rules.defaults import (
    DEFAULT_COMPLETENESS_RULES,
    DEFAULT_IP_ASN_RULES,
    DEFAULT_PLANNING_RULES,
    DEFAULT_TALENT_RULES,
    MAX_JP_PER_DAY,
)
from app.rules.planning import PlanningRules
from app.rules.talent import IpAsnRules, TalentRules

Jp = Annotated[JsonDecimal, Field(gt=0, le=2000, max_digits=8, decimal_places=2), PlainDecimal()]
Pct = Annotated[JsonDecimal, Field(gt=0, le=100, max_digits=7, decimal_places=4), PlainDecimal()]


class FormRule(TitledByDirection):
    """How one learning form converts to JP (factor, per-day cap, fixed JP, per-year cap)."""

    model_config = ConfigDict(extra="forbid")

    form_code: str = Field(max_length=4, examples=["9"])
    jp_factor: (
        Annotated[JsonDecimal, Field(gt=0, le=10, max_digits=6, decimal_places=4), PlainDecimal()] | None
    ) = None
    max_jp_per_day: Jp | None = Field(
        default=None,
        description="This form's JP per day of the record; where the rule set's own `max_jp_per_day` is "
        "stricter, that one applies",
    )
    fixed_jp: Jp | None = None
    max_jp_per_year: Jp | None = None


class JpmBand(TitledByDirection):
    model_config = ConfigDict(extra="forbid")

    label: str = Field(min_length=1, max_length=60)
    min: Annotated[JsonDecimal, Field(ge=0, le=100, max_digits=5, decimal_places=2), PlainDecimal()]


CompetencyGroup = Literal["manajerial", "sosial_kultural", "teknis"]
JpmMethod = Literal["capped", "sum_ratio"]


class JpmGroupWeight(TitledByDirection):
    """One part of a weighted JPM: the JPM over these competency groups counts `weight` parts."""

    model_config = ConfigDict(extra="forbid")

    groups: list[CompetencyGroup] = Field(
        min_length=1, max_length=3, examples=[["manajerial", "sosial_kultural"]]
    )
    weight: Annotated[JsonDecimal, Field(gt=0, le=100, max_digits=5, decimal_places=2), PlainDecimal()]


class BudgetMinPct(TitledByDirection):
    model_config = ConfigDict(extra="forbid")

    provinsi: Pct
    kabupaten_kota: Pct


class RuleSetBody(BaseModel):
    """The regulation values for a year; thresholds are data, never constants in code."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "jp_minutes": 45,
                    "pns_min_jp": 20,
                    "pppk_max_jp": 24,
                    "max_jp_per_day": 32,
                    "budget_min_pct": {"provinsi": 0.34, "kabupaten_kota": 0.16},
                    "jpm_bands": [
                        {"label": "Optimal", "min": 90},
                        {"label": "Cukup Optimal", "min": 78},
                        {"label": "Kurang Optimal", "min": 0},
                    ],
                    "jpm_method": "capped",
                    "jpm_group_weights": [
                        {"groups": ["teknis"], "weight": 40},
                        {"groups": ["manajerial", "sosial_kultural"], "weight": 60},
                    ],
                    "form_rules": [
                        {"form_code": "9", "fixed_jp": 4},
                        {"form_code": "16", "max_jp_per_day": 3},
                    ],
                    "completeness_rules": DEFAULT_COMPLETENESS_RULES,
                }
            ]
        },
    )

    jp_minutes: int = Field(ge=1, le=600, description="Minutes in one JP (Peraturan LAN 5/2018: 45)")
    pns_min_jp: Jp = Field(description="Yearly minimum for PNS/CPNS (PP 11/2017 art. 203: 20)")
    pppk_max_jp: Jp = Field(description="Yearly cap for PPPK (PP 49/2018 art. 40: 24)")
    max_jp_per_day: Jp = Field(
        default=MAX_JP_PER_DAY,
        description="The most JP any record stores per day it spans (end − start + 1), on every path; "
        "more is cut down to it. A form rule's own `max_jp_per_day` applies where it is stricter. "
        "Default 32: what 24 hours hold at 45 minutes a JP",
    )
    budget_min_pct: BudgetMinPct
    jpm_bands: list[JpmBand] = Field(min_length=1, max_length=10)
    jpm_method: JpmMethod = Field(
        default="capped",
        description="`capped`: 100 × Σ min(actual, required) / Σ required, so a surplus on one competency "
        "never hides a shortfall on another (the default); `sum_ratio`: min(100, 100 × Σ actual / "
        "Σ required), the assessment centre's formula",
    )
    jpm_group_weights: list[JpmGroupWeight] = Field(
        default_factory=list,
        max_length=3,
        description="Empty: one JPM over all competencies. Otherwise each entry's JPM over its groups, "
        "weighted (e.g. teknis 40, manajerial + sosial_kultural 60); every group named once; an entry "
        "whose groups the standard lacks is left out and the rest reweighted",
    )
    form_rules: list[FormRule] = Field(default_factory=list, max_length=100)
    talent_rules: TalentRules = Field(
        default_factory=lambda: TalentRules.model_validate(DEFAULT_TALENT_RULES),
        description="The 9-box: predikat to kinerja, potensial weights and cut-offs, boxes, pool, visibility",
    )
    ip_asn_rules: IpAsnRules = Field(
        default_factory=lambda: IpAsnRules.model_validate(DEFAULT_IP_ASN_RULES),
        description="Points of the Indeks Profesionalitas ASN's indicators and its categories",
    )
    completeness_rules: CompletenessRules = Field(
        default_factory=lambda: CompletenessRules.model_validate(DEFAULT_COMPLETENESS_RULES),
        description="Data completeness: how long a competency assessment stays valid, the verification "
        "queue's SLA in days, and the indicators averaged into a unit's score",
    )
    planning_rules: PlanningRules = Field(
        default_factory=lambda: PlanningRules.model_validate(DEFAULT_PLANNING_RULES),
        description="Development planning: the mandatory trainings (who must still attend them) and the "
        "rupiah per JP that prices a proposed programme line no IDP priced",
    )

    @model_validator(mode="after")
    def _consistent(self) -> RuleSetBody:
        mins = [b.min for b in self.jpm_bands]
        if mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
            raise ValueError("jpm_bands must be ordered from the highest min down, without repeats")
        if mins[-1] != Decimal(0):
            raise ValueError("the last jpm_bands entry must have min 0 so every JPM gets a category")
        named = [g for entry in self.jpm_group_weights for g in entry.groups]
        if len(set(named)) != len(named):
            raise ValueError("jpm_group_weights names a competency group twice")
        if named and set(named) != {"manajerial", "sosial_kultural", "teknis"}:
            raise ValueError("jpm_group_weights must name every group: manajerial, sosial_kultural, teknis")
        codes = [r.form_code for r in self.form_rules]
        if len(set(codes)) != len(codes):
            raise ValueError("form_rules lists a form_code twice")
        return self


class RuleSetRead(RuleSetBody):
    model_config = ConfigDict(extra="forbid")

    year: int = Field(description="The year asked for")
    source_year: int = Field(description="The year whose rule set applies (the latest on or before `year`)")
    updated_at: datetime


class RuleSetCopy(BaseModel):
    """Which year's own rule set to copy, and whether an existing set of the target may be replaced."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"from_year": 2025}, {"from_year": 2025, "replace": True}]},
    )

    from_year: int = Field(ge=2000, le=2100, description="A year with a rule set of its own")
    replace: bool = Field(
        default=False,
        description="Overwrite the target year's own set (needs If-Match with its ETag); without it, "
        "a target that has one answers 409 `rules_exist`",
    )
