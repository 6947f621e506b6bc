from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Response

from app.auth.dependencies import ANY_USER, allow
from app.core.security import Principal
from app.reference import codes
from app.reference.schemas import CodeList

router = APIRouter(prefix="/reference", tags=["reference"])

Kind = Literal[
    "golongan",
    "jenis_jabatan",
    "jenjang",
    "eselon",
    "learning_forms",
    "employment_types",
    "education_levels",
    "unit_kinds",
]


@router.get(
    "/{kind}",
    response_model=CodeList,
)
async def reference_get(
    kind: Kind,
    _: Annotated[Principal, Depends(allow(*ANY_USER, scope="reference:read"))],
    response: Response,
) -> CodeList:
    """A code list shipped with the system."""
    response.headers["Cache-Control"] = "private, max-age=3600"
    return CodeList.of(kind, codes.items(kind))
