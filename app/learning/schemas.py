from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    StringConstraints,
    model_validator,
)

from app.core.decimals import PlainDecimal
from app.core.pagination import Page
from app.core.params import FlooredDate, Trimmed, trimmed
from app.core.rupiah import whole_number
from app.core.types import JsonDecimal

Text200 = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$"),
    Trimmed,
]
Title = Annotated[
    str,
    StringConstraints(min_length=1, max_length=300, pattern=r"^[^\x00-\x1f\x7f]+$"),
    Trimmed,
]
Note = Annotated[str, StringConstraints(max_length=2000), trimmed()]
CompetencyCode = Annotated[str, StringConstraints(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9_.\-]+$")]
SourceName = Annotated[str, StringConstraints(min_length=1, max_length=30, pattern=r"^[a-z0-9_\-]+$")]
ExternalId = Annotated[str, StringConstraints(min_length=1, max_length=200), Trimmed]
JpIn = Annotated[Decimal, Field(gt=0, le=2000, max_digits=7, decimal_places=2), PlainDecimal()]
Status = Literal["pending", "verified", "rejected", "voided"]

CREATE_EXAMPLE: dict[str, Any] = {
    "title": "Pelatihan Kepemimpinan Pengawas Angkatan III",
    "form_code": "1",
    "organizer": "BPSDM Provinsi Kalimantan Timur",
    "start_date": "2026-03-02",
    "end_date": "2026-06-19",
    "jp": 830,
    "competency_codes": ["M1", "M4"],
    "certificate_number": "PKP/III/2026/0457",
    "cost_idr": 18500000,
}


class RecordCreate(BaseModel):
    """A learning activity; give `jp` or `duration_minutes` (JP then follows the year's rules)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [CREATE_EXAMPLE]})

    title: Title
    form_code: str = Field(max_length=4, description="SIASN jenisDiklat code, see /reference/learning_forms")
    organizer: Text200 | None = None
    start_date: FlooredDate
    end_date: FlooredDate
    jp: JpIn | None = None
    duration_minutes: Annotated[int, Field(gt=0, le=2000 * 60)] | None = None
    competency_codes: list[CompetencyCode] = Field(default_factory=list, max_length=30)
    certificate_number: Annotated[str, StringConstraints(min_length=1, max_length=100), Trimmed] | None = None
    # Money is whole rupiah, JSON integers only (app/core/rupiah.py): true, "1000" and 1.5 are refused.
    cost_idr: Annotated[StrictInt, Field(ge=0, le=10**13), BeforeValidator(whole_number)] | None = None
    source: SourceName | None = Field(
        default=None, description="Where the record comes from; defaults by caller"
    )
    external_id: ExternalId | None = Field(
        default=None, description="The source's id; (source, external_id) is idempotent"
    )

    @model_validator(mode="after")
    def _one_measure(self) -> RecordCreate:
        if self.jp is None and self.duration_minutes is None:
            raise ValueError("give jp or duration_minutes")
        if self.end_date < self.start_date:
            raise ValueError("end_date is before start_date")
        return self


class RecordEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: datetime
    actor: str
    role: str
    action: str
    from_status: str | None
    to_status: str | None
    note: str | None


class EvidenceInfo(BaseModel):
    content_type: str
    size: int
    sha256: str
    filename: str | None


class RecordRead(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                CREATE_EXAMPLE
                | {
                    "id": 4711,
                    "nip": "198503142010012003",
                    "year": 2026,
                    "jp": 830.0,
                    "status": "pending",
                    "source": "self",
                    "external_id": None,
                    "created_by": "198503142010012003",
                    "created_at": "2026-06-20T01:00:00Z",
                    "decided_by": None,
                    "decided_at": None,
                    "decision_note": None,
                    "voided_by": None,
                    "voided_at": None,
                    "void_reason": None,
                    "evidence": None,
                }
            ]
        }
    )

    id: int
    nip: str
    title: str
    form_code: str
    organizer: str | None
    start_date: date
    end_date: date
    year: int
    jp: JsonDecimal
    jp_claimed: JsonDecimal | None
    duration_minutes: int | None
    competency_codes: list[str]
    certificate_number: str | None
    cost_idr: int | None
    source: str
    external_id: str | None
    status: Status
    created_by: str
    created_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None
    voided_by: str | None
    voided_at: datetime | None
    void_reason: str | None
    evidence: EvidenceInfo | None


class RecordDetail(RecordRead):
    history: list[RecordEventRead]


class RecordPage(Page[RecordRead]):
    pass


class Decision(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"decision": "approve", "note": "Sertifikat sesuai"}]}
    )

    decision: Literal["approve", "reject"]
    note: Note | None = None


class VoidRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"reason": "Tercatat ganda dengan data SIMPEG"}]}
    )

    reason: Annotated[str, StringConstraints(min_length=3, max_length=2000), trimmed(3)]
