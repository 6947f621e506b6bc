from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from app.core.pagination import Page


class AuditRead(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": 812,
                    "at": "2026-03-02T02:15:09Z",
                    "actor": "admin.diskominfo",
                    "role": "opd_admin",
                    "action": "update",
                    "entity": "asn",
                    "key": "198503142010012003",
                    "before": {"phone": None},
                    "after": {"phone": "+62 812-5555-0101"},
                    "request_id": "5f0c2d0e8f8b4d1c9a3f7e1b2c4d6e8f",
                }
            ]
        },
    )

    id: int
    at: datetime
    actor: str
    role: str
    action: str
    entity: str
    key: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    request_id: str | None


class AuditPage(Page[AuditRead]):
    pass


class AuditEntities(BaseModel):
    """Not paginated: the names are the few kinds of object the system writes (unit, asn, user, …)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"items": ["asn", "learning_record", "unit"]}]})

    items: list[str]
