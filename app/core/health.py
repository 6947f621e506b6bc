"""Liveness and readiness probes."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.migrations import alembic_config

router = APIRouter(tags=["health"])
log = logging.getLogger("bangkom.health")


@router.get(
    "/healthz",
    operation_id="healthz",
    responses={200: {"content": {"application/json": {"example": {"status": "ok"}}}}},
)
async def healthz() -> dict[str, str]:
    """The process is alive."""
    return {"status": "ok"}


def head_revisions() -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config()).get_heads())


async def _current_revisions(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as conn:
        heads: Any = await conn.run_sync(lambda c: MigrationContext.configure(c).get_current_heads())
        return set(heads)


@router.get(
    "/readyz",
    operation_id="readyz",
    responses={
        200: {
            "content": {
                "application/json": {"example": {"status": "ready", "database": "ok", "migrations": "head"}}
            }
        },
        503: {"description": "Database unreachable or migrations not at head"},
    },
)
async def readyz(request: Request) -> JSONResponse:
    """The database is reachable and migrated to head."""
    engine: AsyncEngine = request.app.state.db.engine
    try:
        current = await asyncio.wait_for(_current_revisions(engine), timeout=3)
    except Exception as exc:  # any failure to reach the database means "not ready"
        log.warning("readiness: database unreachable (%s)", type(exc).__name__)
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
    heads = request.app.state.migration_heads
    if current != heads:
        return JSONResponse(
            {"status": "unavailable", "database": "ok", "migrations": "behind", "current": sorted(current)},
            status_code=503,
        )
    return JSONResponse({"status": "ready", "database": "ok", "migrations": "head"})
