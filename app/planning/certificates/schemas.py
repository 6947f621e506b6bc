from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from app.core.pagination import Page
from app.core.types import JsonDecimal

ISSUER = "BPSDM Provinsi Kalimantan Timur"
NUMBER_EXAMPLE = "BPSDM-KT-2026-LATSAR-A01-0007-7KQ2"


class IssuedCertificate(BaseModel):
    number: str = Field(examples=[NUMBER_EXAMPLE])
    nip: str = Field(examples=["198503142010012003"])
    name: str = Field(examples=["Siti Rahmawati"])


class IssueResult(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "issued": [
                        {"number": NUMBER_EXAMPLE, "nip": "198503142010012003", "name": "Siti Rahmawati"}
                    ],
                    "already_issued": 6,
                }
            ]
        }
    )

    issued: list[IssuedCertificate] = Field(
        description="The certificates this request issued, in sequence order (empty when every credited "
        "participant already holds one)"
    )
    already_issued: int = Field(description="Certificates the session had before this request")


class CertificateRead(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "number": NUMBER_EXAMPLE,
                    "session_id": 12,
                    "sequence": 7,
                    "nip": "198503142010012003",
                    "name": "Siti Rahmawati",
                    "course_id": 3,
                    "course_code": "LATSAR",
                    "course_title": "Pelatihan Dasar CPNS",
                    "batch": 1,
                    "starts_on": "2026-03-02",
                    "ends_on": "2026-04-30",
                    "jp": 1141,
                    "record_id": 4521,
                    "issued_by": "bpsdm",
                    "issued_at": "2026-05-04T02:00:00Z",
                    "issued_on": "2026-05-04",
                    "revoked": False,
                }
            ]
        }
    )

    number: str
    session_id: int
    sequence: int = Field(description="1, 2, 3, … within the session, in the order issued")
    nip: str
    name: str
    course_id: int
    course_code: str
    course_title: str
    batch: int = Field(description="The session's angkatan")
    starts_on: date
    ends_on: date
    jp: JsonDecimal = Field(description="The JP of the verified learning record the attendance created")
    record_id: int = Field(description="That learning record")
    issued_by: str
    issued_at: datetime
    issued_on: date = Field(description="The Indonesian date of issuing, printed on the certificate")
    revoked: bool = Field(
        description="True once the learning record was voided: the certificate is not valid"
    )


CertificatePage = Page[CertificateRead]


class PublicCertificate(BaseModel):
    """What anyone holding a certificate number may learn: never the NIP, email, phone or birth date."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "number": NUMBER_EXAMPLE,
                    "name": "Siti Rahmawati",
                    "course_title": "Pelatihan Dasar CPNS",
                    "starts_on": "2026-03-02",
                    "ends_on": "2026-04-30",
                    "jp": 1141,
                    "issued_on": "2026-05-04",
                    "issuer": ISSUER,
                    "valid": True,
                    "revoked": False,
                }
            ]
        }
    )

    number: str
    name: str = Field(description="The holder's name as on the certificate")
    course_title: str
    starts_on: date
    ends_on: date
    jp: JsonDecimal
    issued_on: date
    issuer: str = Field(examples=[ISSUER])
    valid: bool = Field(description="False once the certificate was revoked")
    revoked: bool = Field(description="True when the learning record behind it was voided")
