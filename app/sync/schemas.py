"""Wire shapes of the SIMPEG sync: a batch of profiles in, counts and per-row errors out."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema

from app.asn.schemas import EXAMPLE

MAX_ITEMS = 5000

# Each item is checked on its own (a bad row is reported, not a 422 for the whole body), so the
# body only promises a list; the schema documents what an item must be.
Items = Annotated[
    list[Any],
    WithJsonSchema(
        {
            "type": "array",
            "items": {"$ref": "#/components/schemas/AsnCreate"},
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
    stored values.
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


class SyncError(BaseModel):
    index: int = Field(description="Position of the item in `items`")
    nip: str | None = Field(description="The item's NIP as sent, when it had one")
    code: str = Field(
        description="validation_error, invalid_nip, nip_mismatch, invalid_golongan, unit_not_found, "
        "position_not_found or duplicate_in_batch"
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
