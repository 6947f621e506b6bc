"""The training-needs analysis per unit and for the province."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["planning"])
