from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict


class CodeItem(BaseModel):
    model_config = ConfigDict(extra="allow")

    code: str
    name: str


class CodeList(BaseModel):
    kind: str
    items: list[CodeItem]

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"kind": "employment_types", "items": [{"code": "pns", "name": "Pegawai Negeri Sipil"}]}
            ]
        }
    )

    @classmethod
    def of(cls, kind: str, items: list[dict[str, Any]]) -> CodeList:
        return cls(kind=kind, items=[CodeItem(**i) for i in items])
