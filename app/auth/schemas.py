from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int = Field(description="Seconds until the access token expires")
    refresh_token: str | None = Field(default=None, description="Absent for client credentials")
    scope: str | None = None
    must_change_password: bool | None = Field(
        default=None,
        description="Users only: true after a one-time password; every other call answers 403 "
        "password_change_required until POST /api/v1/auth/password",
    )

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "access_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...",
                    "token_type": "bearer",
                    "expires_in": 900,
                    "refresh_token": "4q3Vw0kz5q9bX2Yy0C7nq6d1m8X0fJr3o2bKq1Hc1dE",
                    "must_change_password": False,
                }
            ]
        }
    )


class Me(BaseModel):
    username: str
    role: str
    nip: str | None
    unit_id: int | None
    scopes: list[str]
    must_change_password: bool = False

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "username": "admin.diskominfo",
                    "role": "opd_admin",
                    "nip": None,
                    "unit_id": 23,
                    "scopes": [],
                    "must_change_password": False,
                }
            ]
        }
    )


class PasswordChange(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"current_password": "Kmn4-hjR7qwA3xe", "new_password": "Sungai Kapuas 2026"}]
        },
    )

    current_password: str = Field(min_length=1, max_length=200)
    new_password: str = Field(
        min_length=1,
        max_length=200,
        description="At least 10 characters, without the username or NIP, different from the current one",
    )
