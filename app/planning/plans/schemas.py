"""Individual development plans (IDP) on the wire: items in, the plan with its progress out."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictInt, StringConstraints

from app.core.decimals import PlainDecimal
from app.core.pagination import Page
from app.core.params import Trimmed, trimmed
from app.core.rupiah import whole_number
from app.core.types import JsonDecimal

MAX_ITEMS = 30

PlanStatus = Literal["draft", "submitted", "approved", "returned"]
Title = Annotated[
    str, StringConstraints(min_length=1, max_length=300, pattern=r"^[^\x00-\x1f\x7f]+$"), Trimmed
]
Note = Annotated[str, StringConstraints(max_length=2000), trimmed()]
CompetencyCode = Annotated[str, StringConstraints(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9_.\-]+$")]
FormCode = Annotated[str, StringConstraints(min_length=1, max_length=4)]
PlannedJp = Annotated[Decimal, Field(gt=0, le=2000, max_digits=6, decimal_places=2), PlainDecimal()]
CostIdr = Annotated[StrictInt, Field(ge=0, le=10**13), BeforeValidator(whole_number)]

ITEM_EXAMPLE: dict[str, Any] = {
    "competency_code": "M4",
    "course_id": 57,
    "title": "Pelatihan Orientasi pada Hasil",
    "form_code": "3",
    "planned_jp": 24,
    "planned_quarter": 2,
    "estimated_cost_idr": 3500000,
    "reason": "Kesenjangan M4: level 2 dari 3",
}


class PlanItemIn(BaseModel):
    """One planned activity: a catalogue course, or a free title, for a competency."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [ITEM_EXAMPLE]})

    competency_code: CompetencyCode | None = Field(
        default=None, description="The competency it develops (see /competencies); null for none"
    )
    course_id: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = Field(
        default=None, description="A catalogue course (see /courses); null for an activity outside it"
    )
    title: Title | None = Field(
        default=None,
        description="Defaults to the course's title, else the competency's name; required without either",
    )
    form_code: FormCode | None = Field(
        default=None,
        description="SIASN jenisDiklat code (see /reference/learning_forms); defaults to the course's, "
        "required without a course",
    )
    planned_jp: PlannedJp = Field(description="JP planned (0 < jp ≤ 2000, 2 decimals)")
    planned_quarter: Annotated[int, Field(ge=1, le=4)] = Field(
        description="Quarter of the year planned (1–4)"
    )
    estimated_cost_idr: CostIdr = Field(default=0, description="Estimated cost in whole rupiah")
    reason: Note | None = Field(default=None, description="Why: the gap or the need it answers")


class PlanCreate(BaseModel):
    """Start from the given items instead of the proposal (omit `items`, or the body, for the proposal)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{}, {"items": [ITEM_EXAMPLE]}]})

    items: list[PlanItemIn] | None = Field(default=None, max_length=MAX_ITEMS)


class PlanItemsPut(BaseModel):
    """The plan's items, replacing all it had, in this order."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"items": [ITEM_EXAMPLE]}]})

    items: list[PlanItemIn] = Field(max_length=MAX_ITEMS)


class PlanDecision(BaseModel):
    """The approver's decision on a submitted plan; returning it needs a note saying what to change."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"decision": "approve", "note": "Sesuai kebutuhan jabatan"},
                {"decision": "return", "note": "Tambahkan pelatihan teknis untuk T2"},
            ]
        },
    )

    decision: Literal["approve", "return"]
    note: Note | None = None


class PlanItemRead(BaseModel):
    competency_code: str | None
    course_id: int | None
    title: str
    form_code: str
    planned_jp: JsonDecimal
    planned_quarter: int
    estimated_cost_idr: int
    reason: str | None
    done: bool = Field(description="Whether a verified record of the plan's year closed the item")
    record_id: int | None = Field(description="The verified learning record that closed it")


READ_EXAMPLE: dict[str, Any] = {
    "nip": "198503142010012003",
    "year": 2027,
    "unit_id": 4,
    "status": "submitted",
    "items": [ITEM_EXAMPLE | {"planned_jp": 24.0, "done": False, "record_id": None}],
    "planned_jp": 24.0,
    "done_jp": 0.0,
    "estimated_cost_idr": 3500000,
    "created_by": "198503142010012003",
    "created_at": "2026-12-06T08:00:00Z",
    "submitted_at": "2026-12-07T02:00:00Z",
    "decided_by": None,
    "decided_at": None,
    "decision_note": None,
    "updated_at": "2026-12-07T02:00:00Z",
}


class PlanRead(BaseModel):
    """An ASN's individual development plan (IDP) for a year, with each item's progress."""

    model_config = ConfigDict(json_schema_extra={"examples": [READ_EXAMPLE]})

    nip: str
    year: int
    unit_id: int = Field(description="The ASN's unit when the plan was created or last changed state")
    status: PlanStatus
    items: list[PlanItemRead]
    planned_jp: JsonDecimal = Field(description="JP of all items")
    done_jp: JsonDecimal = Field(description="Planned JP of the items done")
    estimated_cost_idr: int = Field(description="Estimated cost of all items")
    created_by: str
    created_at: datetime
    submitted_at: datetime | None = Field(description="When it was last submitted")
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None
    updated_at: datetime


class PlanSummary(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "nip": "198503142010012003",
                    "name": "Siti Rahmawati",
                    "unit_id": 4,
                    "unit": "Bidang Anggaran",
                    "year": 2027,
                    "status": "submitted",
                    "item_count": 3,
                    "planned_jp": 40.0,
                    "estimated_cost_idr": 7500000,
                    "submitted_at": "2026-12-07T02:00:00Z",
                    "updated_at": "2026-12-07T02:00:00Z",
                }
            ]
        }
    )

    nip: str
    name: str
    unit_id: int = Field(description="The ASN's current unit")
    unit: str
    year: int
    status: PlanStatus
    item_count: int
    planned_jp: JsonDecimal
    estimated_cost_idr: int
    submitted_at: datetime | None
    updated_at: datetime


class PlanPage(Page[PlanSummary]):
    pass


class PlanItemSnapshot(BaseModel):
    competency_code: str | None
    course_id: int | None
    title: str
    form_code: str
    planned_jp: JsonDecimal
    planned_quarter: int
    estimated_cost_idr: int
    reason: str | None


class PlanEventRead(BaseModel):
    at: datetime
    actor: str
    role: str
    action: Literal["created", "edited", "submitted", "approved", "returned"]
    from_status: PlanStatus | None
    to_status: PlanStatus | None
    note: str | None
    items: list[PlanItemSnapshot] = Field(description="The items as they were after this step")


class PlanHistory(BaseModel):
    """Every step of a plan, oldest first."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "nip": "198503142010012003",
                    "year": 2027,
                    "events": [
                        {
                            "at": "2026-12-06T08:00:00Z",
                            "actor": "198503142010012003",
                            "role": "asn",
                            "action": "created",
                            "from_status": None,
                            "to_status": "draft",
                            "note": None,
                            "items": [ITEM_EXAMPLE | {"planned_jp": 24.0}],
                        }
                    ],
                }
            ]
        }
    )

    nip: str
    year: int
    events: list[PlanEventRead]
