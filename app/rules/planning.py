"""The year's rules for development planning: the mandatory trainings some ASN must still attend, and the
price per JP used to cost a proposed programme line no IDP priced. Defaults in app/rules/defaults.py."""

from __future__ import annotations

import re
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from app.core.i18n import msg
from app.reference import forms
from app.rules.defaults import DEFAULT_PLANNING_RULES

EmploymentType = Literal["pns", "cpns", "pppk"]
JenisJabatan = Literal[
    "jpt_utama", "jpt_madya", "jpt_pratama", "administrator", "pengawas", "pelaksana", "fungsional"
]
EMPLOYMENT_TYPES: tuple[EmploymentType, ...] = get_args(EmploymentType)
JENIS_JABATAN: tuple[JenisJabatan, ...] = get_args(JenisJabatan)

_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
FormCode = Annotated[str, Field(min_length=1, max_length=4)]


def _twice(values: list[str]) -> list[str]:
    return sorted({v for v in values if values.count(v) > 1})


class MandatoryNeed(BaseModel):
    """A training every ASN of these employment types (and position kinds) must have: who lacks a verified
    record of one of `form_codes` (within `satisfied_within_years`, when set) still needs it."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [DEFAULT_PLANNING_RULES["mandatory"][0]]},
    )

    code: str = Field(min_length=1, max_length=40, description="A stable name: lower case, digits, `_`")
    title_id: str = Field(min_length=1, max_length=200, description="The need's name in Indonesian")
    title_en: str = Field(min_length=1, max_length=200, description="The need's name in English")
    employment_types: list[EmploymentType] = Field(
        min_length=1, max_length=len(EMPLOYMENT_TYPES), description="Who must have it: pns, cpns, pppk"
    )
    jenis_jabatan: list[JenisJabatan] | None = Field(
        default=None,
        max_length=len(JENIS_JABATAN),
        description="Only holders of positions of these kinds (null: whatever the position, or none)",
    )
    course_code: str | None = Field(
        default=None,
        max_length=60,
        description="The catalogue course that meets the need, by code: the proposal plans it; a code the "
        "catalogue does not hold (yet) leaves the need without a course",
    )
    form_codes: list[FormCode] = Field(
        min_length=1,
        max_length=25,
        description="A verified learning record of one of these forms (SIASN jenisDiklat) meets the need",
    )
    satisfied_within_years: int | None = Field(
        default=None,
        ge=1,
        le=50,
        description="The record must count in one of the last this many years up to the year asked for "
        "(null: any year up to it)",
    )

    @field_validator("code")
    @classmethod
    def _code_shape(cls, value: str) -> str:
        if not _CODE.match(value):
            raise ValueError(msg("a mandatory need's code is lower case letters, digits and _"))
        return value

    @field_validator("form_codes")
    @classmethod
    def _known_forms(cls, value: list[str]) -> list[str]:
        unknown = sorted({code for code in value if not forms.is_form_code(code)})
        if unknown:
            raise ValueError(forms.unknown_form_detail(*unknown))
        return value

    @model_validator(mode="after")
    def _once_each(self) -> MandatoryNeed:
        named: list[tuple[str, list[str]]] = [
            ("employment_types", [str(v) for v in self.employment_types]),
            ("jenis_jabatan", [str(v) for v in self.jenis_jabatan or []]),
            ("form_codes", self.form_codes),
        ]
        for name, values in named:
            if _twice(values):
                raise ValueError(msg("{name} names a code twice", name=name))
        return self


class PlanningRules(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [DEFAULT_PLANNING_RULES]})

    mandatory: list[MandatoryNeed] = Field(
        default_factory=lambda: [
            MandatoryNeed.model_validate(n) for n in DEFAULT_PLANNING_RULES["mandatory"]
        ],
        max_length=50,
        description="Mandatory trainings (Latsar for CPNS, leadership training for structural officials); "
        "the training-needs report counts who still needs each, the programme proposal plans them",
    )
    cost_per_jp_idr: int = Field(
        default=DEFAULT_PLANNING_RULES["cost_per_jp_idr"],
        ge=0,
        le=100_000_000,
        description="Rupiah per JP per participant: the estimate for a proposed programme line no IDP priced",
    )

    @model_validator(mode="after")
    def _codes_once(self) -> PlanningRules:
        if _twice([need.code for need in self.mandatory]):
            raise ValueError(msg("planning_rules.mandatory lists a code twice"))
        return self
