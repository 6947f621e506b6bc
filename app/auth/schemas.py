from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class TokenResponse(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int = Field(description="Seconds until the access token expires")
    refresh_token: str | None = Field(default=None, description="Absent for client credentials")
    scope: str | None = None

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "access_token": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9...",
                    "token_type": "bearer",
                    "expires_in": 900,
                    "refresh_token": "4q3Vw0kz5q9bX2Yy0C7nq6d1m8X0fJr3o2bKq1Hc1dE",
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

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "username": "admin.diskominfo",
                    "role": "opd_admin",
                    "nip": None,
                    "unit_id": 23,
                    "scopes": [],
                }
            ]
        }
    )
