from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints

from app.core.pagination import Page
from app.core.params import FlooredDate, Trimmed

SessionQuota = Annotated[int, Field(ge=1, le=10_000, description="Seats (1–10,000)")]
Place = Annotated[
    str,
    StringConstraints(min_length=1, max_length=300, pattern=r"^[^\x00-\x1f\x7f]+$"),
    Trimmed,
]
OnlineUrl = Annotated[
    str,
    StringConstraints(min_length=9, max_length=500, pattern=r"^https://[^\s\x00-\x1f\x7f]+$"),
    Field(description="Where an online session is held: an https URL"),
]
NipText = Annotated[
    str,
    StringConstraints(min_length=1, max_length=32, pattern=r"^[^\x00-\x1f\x7f]+$"),
    Trimmed,
]
Note = Annotated[str, StringConstraints(max_length=1000), Trimmed]


class UnitQuotaIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    unit_id: int = Field(ge=1, le=2**31 - 1, description="A top-level unit (an OPD)")
    quota: SessionQuota


UnitQuotas = Annotated[
    list[UnitQuotaIn],
    Field(
        max_length=500,
        description="Seats reserved for OPDs: an OPD listed never takes more than its quota, and the "
        "seats it does not use are not open to others; the sum is at most `quota`",
    ),
]

CREATE_EXAMPLE: dict[str, Any] = {
    "starts_on": "2026-08-03",
    "ends_on": "2026-08-07",
    "quota": 40,
    "unit_quota": [{"unit_id": 14, "quota": 10}],
    "place": "Kampus BPSDM Provinsi Kalimantan Timur, Samarinda",
    "online_url": None,
}


class SessionCreate(BaseModel):
    """A dated session (angkatan) of a catalogue course; its batch number is the course's next one."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [CREATE_EXAMPLE]})

    starts_on: FlooredDate
    ends_on: FlooredDate = Field(description="Not before starts_on")
    quota: SessionQuota
    unit_quota: UnitQuotas = Field(default_factory=list)
    place: Place | None = Field(default=None, description="Where it is held; a place or an online_url")
    online_url: OnlineUrl | None = None


class SessionUpdate(BaseModel):
    """The fields to change; `unit_quota`, when given, replaces the whole list."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"quota": 30, "ends_on": "2026-08-08"}]}
    )

    starts_on: FlooredDate | None = None
    ends_on: FlooredDate | None = None
    quota: SessionQuota | None = None
    unit_quota: UnitQuotas | None = None
    place: Place | None = None
    online_url: OnlineUrl | None = None
    cancelled: StrictBool | None = Field(
        default=None, description="A cancelled session takes no nominations and credits no attendance"
    )


class UnitSeats(BaseModel):
    unit_id: int
    unit_name: str
    quota: int = Field(description="Seats reserved for the OPD")
    taken: int = Field(description="Its nominations holding a seat (nominated or accepted)")


NOMINATION_EXAMPLE: dict[str, Any] = {
    "id": 311,
    "session_id": 12,
    "nip": "198503142010012003",
    "name": "Siti Rahmawati",
    "unit_id": 14,
    "status": "accepted",
    "nominated_by": "opd.disdik",
    "nominated_at": "2026-07-01T02:00:00Z",
    "decided_by": "bpsdm",
    "decided_at": "2026-07-03T02:00:00Z",
    "decision_note": None,
    "record_id": None,
    "attended_at": None,
}


class NominationRead(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [NOMINATION_EXAMPLE]})

    id: int
    session_id: int
    nip: str
    name: str
    unit_id: int = Field(description="The OPD whose seats the nomination counts against")
    status: Literal["nominated", "accepted", "declined", "withdrawn"]
    nominated_by: str
    nominated_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None
    record_id: int | None = Field(description="The verified learning record attendance created")
    attended_at: datetime | None


class NominationPage(Page[NominationRead]):
    pass


SESSION_EXAMPLE: dict[str, Any] = {
    "id": 12,
    "course_id": 57,
    "course_code": "BPSDM-PKP-2026",
    "course_title": "Pelatihan Kepemimpinan Pengawas",
    "batch": 3,
    "starts_on": "2026-08-03",
    "ends_on": "2026-08-07",
    "quota": 40,
    "taken": 12,
    "available": 28,
    "unit_quota": [{"unit_id": 14, "unit_name": "Dinas Pendidikan", "quota": 10, "taken": 4}],
    "place": "Kampus BPSDM Provinsi Kalimantan Timur, Samarinda",
    "online_url": None,
    "cancelled": False,
    "nominations_open": True,
    "created_by": "bpsdm",
    "created_at": "2026-06-01T02:00:00Z",
    "updated_at": "2026-06-01T02:00:00Z",
}


class SessionRead(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [SESSION_EXAMPLE | {"nominations": None}]})

    id: int
    course_id: int
    course_code: str
    course_title: str
    batch: int = Field(description="Angkatan: 1, 2, … per course")
    starts_on: date
    ends_on: date
    quota: int
    taken: int = Field(description="Seats held by nominations (nominated or accepted)")
    available: int = Field(description="quota − taken")
    unit_quota: list[UnitSeats]
    place: str | None
    online_url: str | None
    cancelled: bool
    nominations_open: bool = Field(description="Not cancelled and not started yet (Indonesian date)")
    created_by: str
    created_at: datetime
    updated_at: datetime
    nominations: list[NominationRead] | None = Field(
        default=None,
        description="One session read: an OPD admin's nominees (its units), an ASN's own nomination; "
        "null for other callers and in lists (see nominations_list)",
    )


class SessionPage(Page[SessionRead]):
    pass


class NominationsCreate(BaseModel):
    """ASN to propose for the session (at most 500)."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"nips": ["198503142010012003", "199001012015031004"]}]},
    )

    nips: list[NipText] = Field(min_length=1, max_length=500)


class NominationResult(BaseModel):
    nip: str
    status: Literal["nominated", "refused"]
    nomination_id: int | None = None
    code: str | None = Field(
        default=None,
        description="Why it was refused: asn_not_found, asn_inactive, already_nominated, quota_full, "
        "unit_quota_full",
    )
    detail: str | None = None


class NominationsResult(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "nominated": 1,
                    "refused": 1,
                    "results": [
                        {"nip": "198503142010012003", "status": "nominated", "nomination_id": 311},
                        {
                            "nip": "199001012015031004",
                            "status": "refused",
                            "code": "unit_quota_full",
                            "detail": "The 10 seats reserved for your OPD are taken",
                        },
                    ],
                }
            ]
        }
    )

    nominated: int
    refused: int
    results: list[NominationResult] = Field(description="One per NIP, in the order given (repeats dropped)")


class DecisionBody(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"decision": "accept", "note": None}]}
    )

    decision: Literal["accept", "decline"]
    note: Note | None = None


class WithdrawBody(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"note": "Sedang tugas luar daerah"}]}
    )

    note: Note | None = None


class AttendanceBody(BaseModel):
    """The NIPs of the participants who attended."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"nips": ["198503142010012003"]}]}
    )

    nips: list[NipText] = Field(min_length=1, max_length=10_000)


class NotCredited(BaseModel):
    nip: str
    code: str = Field(
        description="asn_not_found, not_nominated, nomination_not_accepted or possible_duplicate"
    )
    detail: str


class AttendanceResult(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "credited": 1,
                    "already_credited": 0,
                    "not_credited": [
                        {
                            "nip": "199001012015031004",
                            "code": "not_nominated",
                            "detail": "199001012015031004 is not a nominee of this session",
                        }
                    ],
                }
            ]
        }
    )

    credited: int = Field(description="New verified learning records")
    already_credited: int = Field(description="Accepted nominees credited before (nothing new)")
    not_credited: list[NotCredited]


class Suggestion(BaseModel):
    nip: str
    name: str
    unit_id: int
    rank: int
    reasons: list[str] = Field(description="Why, in the caller's language")
    planned: bool = Field(description="An approved IDP item of the session's year names this course")
    shortfall: int = Field(description="Σ (required − actual) over the course's competencies, where below")


class SuggestionList(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [
                        {
                            "nip": "198503142010012003",
                            "name": "Siti Rahmawati",
                            "unit_id": 14,
                            "rank": 1,
                            "reasons": ["Approved development plan 2026 names this course"],
                            "planned": True,
                            "shortfall": 0,
                        }
                    ]
                }
            ]
        }
    )

    items: list[Suggestion]
