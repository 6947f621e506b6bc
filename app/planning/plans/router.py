"""Individual development plans (IDP): read, propose, edit, submit, decide."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["planning"])
