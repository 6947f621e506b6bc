"""Wire shapes of the SIMPEG sync (a batch of profiles in, counts and per-row errors out) and of
the change feed (pages of changes with the changed entity as it is now)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, WithJsonSchema

from app.asn.schemas import EXAMPLE, AsnRead
from app.competencies.assessments.schemas import AssessmentRead
from app.learning.schemas import RecordDetail
from app.rules.talent import Predikat
from app.talent.schemas import PerformanceRead, ScoreIn

MAX_ITEMS = 5000

# Each item is checked on its own (a bad row is reported in the 200, not a 422 for the whole batch),
# so the body takes any JSON value as an item and the schema says so: a schema that demanded
# AsnCreate here would call requests invalid that the API rightly answers with 200.
Items = Annotated[
    list[Any],
    WithJsonSchema(
        {
            "type": "array",
            "items": {
                "description": "A profile with the fields of `AsnCreate`. Any JSON value is taken: the "
                "item is validated on its own, and one that is not a valid profile (a missing or "
                "mistyped field, an unknown field, a value that is not an object) is reported in the "
                "response's `errors` under its index, while the other items are applied",
            },
            "maxItems": MAX_ITEMS,
            "description": f"Up to {MAX_ITEMS} profiles keyed by NIP",
        }
    ),
]


class SyncAsnBody(BaseModel):
    """A batch of ASN profiles from SIMPEG.

    Each item has the fields of `AsnCreate`; `nip`, `name`, `employment_type` and `unit_id` are always
    required. A new NIP creates a profile. For an existing one the fields present in the item are
    set (an explicit `null` clears an optional field) and fields the item leaves out keep their
    stored values. Items are validated one by one, after the body is read: the body's own shape
    (an object with `items`, a list of at most 5,000) is all that can make the whole request a 422.
    """

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "items": [
                        EXAMPLE,
                        {
                            "nip": "199001012015011001",
                            "name": "Budi Santoso",
                            "employment_type": "pns",
                            "unit_id": 23,
                            "golongan": "III/a",
                        },
                    ]
                }
            ]
        },
    )

    items: Items


PerformanceItems = Annotated[
    list[Any],
    WithJsonSchema(
        {
            "type": "array",
            "items": {
                "description": "An SKP result with the fields of `SyncPerformanceItem`. Any JSON value is "
                "taken: the item is validated on its own, and one that is not a valid result is reported "
                "in the response's `errors` under its index, while the other items are applied",
            },
            "maxItems": MAX_ITEMS,
            "description": f"Up to {MAX_ITEMS} SKP results keyed by NIP and year",
        }
    ),
]


class SyncPerformanceItem(BaseModel):
    """One ASN's SKP result of one year, as e-Kinerja or SIMPEG sends it."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"nip": "198503142010012003", "year": 2025, "predikat": "baik", "score": 84.5}]
        },
    )

    nip: Annotated[str, StringConstraints(pattern=r"^[0-9]{18}$")]
    year: int = Field(ge=1950, le=2100, strict=True)
    predikat: Predikat
    score: ScoreIn | None = None


class SyncPerformanceBody(BaseModel):
    """A batch of SKP results (e-Kinerja, SIMPEG).

    Each item has the fields of `SyncPerformanceItem`: `nip`, `year`, `predikat` and an optional
    `score`. A new (nip, year) records the result; an existing one is replaced. Items are validated one
    by one, after the body is read: the body's own shape (an object with `items`, a list of at most
    5,000) is all that can make the whole request a 422.
    """

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "items": [
                        {"nip": "198503142010012003", "year": 2025, "predikat": "baik", "score": 84.5},
                        {"nip": "199001012015011001", "year": 2025, "predikat": "sangat_baik"},
                    ]
                }
            ]
        },
    )

    items: PerformanceItems


class SyncError(BaseModel):
    index: int = Field(description="Position of the item in `items`")
    nip: str | None = Field(description="The item's NIP as sent, when it had one")
    code: str = Field(
        description="validation_error, invalid_nip, nip_mismatch, invalid_golongan, unit_not_found, "
        "position_not_found or duplicate_in_batch; for SKP results validation_error, asn_not_found, "
        "invalid_performance_year or duplicate_in_batch"
    )
    detail: str
    field: str | None = Field(default=None, description="For validation_error: the first offending field")


class SyncResult(BaseModel):
    """What the batch did: valid rows applied, invalid rows reported and left untouched."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "created": 1,
                    "updated": 0,
                    "unchanged": 0,
                    "errors": [
                        {
                            "index": 1,
                            "nip": "199001012015011001",
                            "code": "unit_not_found",
                            "detail": "unit_id: no unit with id 23",
                            "field": None,
                        }
                    ],
                }
            ]
        }
    )

    created: int = Field(description="New profiles")
    updated: int = Field(description="Existing profiles with at least one field changed")
    unchanged: int = Field(description="Existing profiles whose given fields all equal the stored ones")
    errors: list[SyncError] = Field(
        description="Rejected items, in request order; nothing of them was written"
    )


class SyncPerformanceResult(BaseModel):
    """What the batch did: valid results applied, invalid rows reported and left untouched."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "created": 1,
                    "updated": 0,
                    "unchanged": 0,
                    "errors": [
                        {
                            "index": 1,
                            "nip": "199001012015011001",
                            "code": "asn_not_found",
                            "detail": "No ASN with NIP 199001012015011001",
                            "field": None,
                        }
                    ],
                }
            ]
        }
    )

    created: int = Field(description="Results recorded for a (nip, year) that had none")
    updated: int = Field(description="Results whose predikat or score changed")
    unchanged: int = Field(description="Results equal to the stored ones (predikat and score)")
    errors: list[SyncError] = Field(
        description="Rejected items, in request order; nothing of them was written"
    )


CHANGES_EXAMPLE: dict[str, Any] = {
    "items": [
        {
            "seq": 1041,
            "entity": "asn",
            "key": "198503142010012003",
            "op": "upsert",
            "at": "2026-06-20T01:00:00Z",
            "data": EXAMPLE | {"updated_at": "2026-06-20T01:00:00Z"},
        },
        {
            "seq": 1042,
            "entity": "learning_record",
            "key": "4711",
            "op": "void",
            "at": "2026-06-20T01:05:00Z",
            "data": {
                "id": 4711,
                "nip": "198503142010012003",
                "title": "Pelatihan Kepemimpinan Administrator",
                "form_code": "1",
                "organizer": "BPSDM Provinsi Kalimantan Timur",
                "start_date": "2026-03-02",
                "end_date": "2026-06-19",
                "year": 2026,
                "jp_claimed": 830.0,
                "duration_minutes": None,
                "jp": 830.0,
                "competency_codes": [],
                "certificate_number": "BPSDM/KALTIM/2026/0042",
                "cost_idr": None,
                "status": "voided",
                "source": "self",
                "external_id": None,
                "created_by": "198503142010012003",
                "created_at": "2026-06-20T01:00:00Z",
                "decided_by": None,
                "decided_at": None,
                "decision_note": None,
                "voided_by": "opd.diskominfo",
                "voided_at": "2026-06-20T01:05:00Z",
                "void_reason": "Tercatat ganda dengan data SIMPEG",
                "evidence": None,
                "history": [
                    {
                        "at": "2026-06-20T01:00:00Z",
                        "actor": "198503142010012003",
                        "role": "asn",
                        "action": "created",
                        "from_status": None,
                        "to_status": "pending",
                        "note": None,
                    },
                    {
                        "at": "2026-06-20T01:05:00Z",
                        "actor": "opd.diskominfo",
                        "role": "opd_admin",
                        "action": "voided",
                        "from_status": "pending",
                        "to_status": "voided",
                        "note": "Tercatat ganda dengan data SIMPEG",
                    },
                ],
            },
        },
    ],
    "next_cursor": "WyJjMSIsMTA0Ml0",
    "has_more": False,
}


class ChangeItem(BaseModel):
    """One change: which entity, how, when, and the entity as it is now (not as it was then)."""

    seq: int = Field(description="Position in the feed: strictly increasing, no gaps, in commit order")
    entity: Literal["asn", "learning_record", "assessment", "performance"]
    key: str = Field(
        description="The entity's key: the NIP for asn, `{nip}/{year}` for performance, the id (as text) otherwise"
    )
    op: Literal["upsert", "void"] = Field(description="void: a learning record was voided; upsert otherwise")
    at: datetime = Field(description="When the change was committed")
    data: AsnRead | RecordDetail | AssessmentRead | PerformanceRead | None = Field(
        description="The entity as it is NOW, as its own GET returns it (GET /asn/{nip}, "
        "GET /learning-records/{id}, GET /assessments/{id}, GET /asn/{nip}/performance/{year}); a later change of the same entity appears "
        "again further on in the feed. null only if the row no longer exists."
    )


class ChangesPage(BaseModel):
    """A page of the change feed; store `next_cursor` and send it as `since` on the next poll."""

    model_config = ConfigDict(json_schema_extra={"examples": [CHANGES_EXAMPLE]})

    items: list[ChangeItem]
    next_cursor: str = Field(
        description="Where this page ended. Always present: when nothing new was found it is the "
        "position you sent (possibly moved past changes your scopes do not reach)"
    )
    has_more: bool = Field(
        description="More changes were already committed after next_cursor: poll again now"
    )
