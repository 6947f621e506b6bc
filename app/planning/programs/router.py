"""Each unit's yearly development programme and the province's consolidation."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["planning"])
