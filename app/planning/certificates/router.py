"""Certificates BPSDM issues, and their public check."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["sessions"])
