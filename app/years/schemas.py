from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field


class YearClosingBody(BaseModel):
    """The last day claims for the year may be filed."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"claims_close_on": "2027-01-31"}]}
    )

    claims_close_on: date = Field(
        description="The last day (Indonesian date) a claim for the year may be filed; from the next day on "
        "new claims for the year are refused with 422 `year_closed`. Not before 1 January of the year; "
        "usually early in the next year"
    )


class YearClosingRead(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "year": 2026,
                    "claims_close_on": "2027-01-31",
                    "closed": False,
                    "pending_claims": 42,
                    "updated_at": "2026-12-06T08:00:00Z",
                }
            ]
        }
    )

    year: int
    claims_close_on: date | None = Field(description="Null while no closing date is set: claims are accepted")
    closed: bool = Field(
        description="Whether today is after `claims_close_on`: new claims for the year are refused"
    )
    pending_claims: int = Field(
        description="Claims for the year still waiting for a decision, in the caller's scope (an ASN: their own)"
    )
    updated_at: datetime | None = None
