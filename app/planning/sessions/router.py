"""Course sessions (angkatan), nominations and attendance."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["sessions"])
