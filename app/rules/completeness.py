"""The year's rules for data completeness: how old a competency assessment may be, how long a claim may
wait for verification, and which indicators make up a unit's score. Defaults in app/rules/defaults.py."""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.core.i18n import msg
from app.rules.defaults import DEFAULT_COMPLETENESS_RULES

IndicatorCode = Literal[
    "contact",
    "education",
    "position_standard",
    "competency_assessment",
    "potential_assessment",
    "performance_last_year",
    "jp_this_year",
    "queue_within_sla",
]
# The checklist every active ASN is measured against, in the order reports list it.
INDICATOR_CODES: tuple[IndicatorCode, ...] = get_args(IndicatorCode)


class CompletenessRules(BaseModel):
    model_config = ConfigDict(extra="forbid")

    assessment_valid_years: int = Field(
        default=DEFAULT_COMPLETENESS_RULES["assessment_valid_years"],
        ge=1,
        le=20,
        description="A competency assessment counts while it is at most this many years old on the day "
        "measured (one exactly this old still counts)",
    )
    queue_sla_days: int = Field(
        default=DEFAULT_COMPLETENESS_RULES["queue_sla_days"],
        ge=1,
        le=365,
        description="Days a learning claim may wait for verification; an ASN with a claim pending longer "
        "misses `queue_within_sla`",
    )
    score_indicators: list[IndicatorCode] = Field(
        default_factory=lambda: list(DEFAULT_COMPLETENESS_RULES["score_indicators"]),
        min_length=1,
        max_length=len(INDICATOR_CODES),
        description="The indicators whose percentages are averaged into a unit's score",
    )

    @model_validator(mode="after")
    def _once_each(self) -> CompletenessRules:
        if len(set(self.score_indicators)) != len(self.score_indicators):
            raise ValueError(msg("score_indicators names an indicator twice"))
        return self
