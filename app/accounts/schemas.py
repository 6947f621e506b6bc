from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StringConstraints

from app.core.pagination import Page
from app.core.params import Trimmed

Username = Annotated[
    str,
    StringConstraints(to_lower=True, min_length=3, max_length=100, pattern=r"^[A-Za-z0-9._@\-]+$"),
]
Password = Annotated[str, StringConstraints(min_length=8, max_length=200)]
UserRole = Literal["asn", "opd_admin", "bpsdm_admin", "auditor"]
Scope = Literal[
    "asn:read",
    "asn:write",
    "learning:read",
    "learning:write",
    "budget:read",
    "budget:write",
    "reference:read",
    "talent:read",
    "talent:write",
]
Id = Annotated[int, Field(ge=1, le=2**31 - 1)]
SCOPE_COUNT = len(get_args(Scope))  # a client may hold every scope


class UserCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"username": "opd.dinkes", "password": "Ganti#Segera1", "role": "opd_admin", "unit_id": 14}
            ]
        },
    )

    username: Username
    password: Password
    role: UserRole
    unit_id: Id | None = Field(default=None, description="Required for opd_admin")
    nip: Annotated[str, StringConstraints(min_length=18, max_length=18)] | None = Field(
        default=None, description="Required for asn"
    )


class UserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"active": False}]})

    role: UserRole | None = None
    unit_id: Id | None = None
    nip: Annotated[str, StringConstraints(min_length=18, max_length=18)] | None = None
    active: StrictBool | None = None
    password: Password | None = Field(
        default=None, description="Sets a new password and ends the user's sessions"
    )


class UserRead(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": 3,
                    "username": "opd.diskominfo",
                    "role": "opd_admin",
                    "unit_id": 23,
                    "nip": None,
                    "active": True,
                    "created_at": "2026-01-05T03:00:00Z",
                    "name": None,
                }
            ]
        },
    )

    id: int
    username: str
    role: str
    unit_id: int | None
    nip: str | None
    active: bool
    created_at: datetime
    name: str | None = Field(
        default=None, description="The ASN profile's name (ASN accounts); null otherwise"
    )


class UserPage(Page[UserRead]):
    pass


ClientName = Annotated[str, StringConstraints(min_length=1, max_length=200), Trimmed]


class ClientCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"name": "SIMPEG Kaltim", "scopes": ["asn:read", "asn:write", "learning:read"]}]
        },
    )

    name: ClientName
    scopes: list[Scope] = Field(min_length=1, max_length=SCOPE_COUNT)


class ClientUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"active": False}]})

    name: ClientName | None = None
    scopes: list[Scope] | None = Field(default=None, min_length=1, max_length=SCOPE_COUNT)
    active: StrictBool | None = None


class ClientRead(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": 1,
                    "client_id": "bk_x2Yc9QfT3mLp",
                    "name": "SIMPEG Kaltim",
                    "scopes": ["asn:read", "asn:write"],
                    "active": True,
                    "created_at": "2026-01-05T03:00:00Z",
                }
            ]
        },
    )

    id: int
    client_id: str
    name: str
    scopes: list[str]
    active: bool
    created_at: datetime


class ClientWithSecret(ClientRead):
    client_secret: str = Field(description="Shown once; store it now")


class ClientPage(Page[ClientRead]):
    pass


Nip = Annotated[str, StringConstraints(min_length=18, max_length=18, pattern=r"^[0-9]{18}$")]
# The most accounts one request creates; a larger unit is provisioned a part (`nips`) at a time.
PROVISION_CAP = 5000


class ProvisionRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"unit_id": 14, "include_sub_units": True}]},
    )

    unit_id: Id
    include_sub_units: StrictBool = False
    nips: list[Nip] | None = Field(
        default=None,
        min_length=1,
        max_length=PROVISION_CAP,
        description="Only these ASN of the unit (or its sub-units); all of them when absent",
    )


class ProvisionedAccount(BaseModel):
    user_id: int
    nip: str
    name: str
    unit_id: int
    unit_name: str
    username: str
    one_time_password: str | None = Field(
        description="Shown in this answer only; null in a replay of the same Idempotency-Key"
    )


class ProvisionSkipped(BaseModel):
    nip: str
    reason: Literal["has_account", "not_found"] = Field(
        description="has_account: the ASN already has an account; not_found: no active ASN with this "
        "NIP in the unit (or its sub-units)"
    )


class ProvisionResult(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "unit_id": 14,
                    "include_sub_units": True,
                    "created": 1,
                    "items": [
                        {
                            "user_id": 41,
                            "nip": "198703122010012004",
                            "name": "Rina Marlina",
                            "unit_id": 14,
                            "unit_name": "Dinas Kesehatan",
                            "username": "198703122010012004",
                            "one_time_password": "Kmn4hjR-7qwA3xe",
                        }
                    ],
                    "skipped": [],
                }
            ]
        }
    )

    unit_id: int
    include_sub_units: bool
    created: int
    items: list[ProvisionedAccount]
    skipped: list[ProvisionSkipped]


class PasswordReset(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "user_id": 41,
                    "username": "198703122010012004",
                    "one_time_password": "Kmn4hjR-7qwA3xe",
                    "must_change_password": True,
                }
            ]
        }
    )

    user_id: int
    username: str
    one_time_password: str = Field(description="Shown once; the user must change it at the next login")
    must_change_password: bool
