"""Liveness and readiness probes."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Select, literal, select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.core.db import Database
from app.core.migrations import alembic_config

router = APIRouter(tags=["health"])
log = logging.getLogger("bangkom.health")
# A load balancer polls /readyz every few seconds; an answer must not hang on a dead database.
READY_TIMEOUT_SECONDS = 3


@router.get(
    "/healthz",
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


def _one() -> Select[tuple[int]]:
    return select(literal(1))


async def _probe(db: Database) -> set[str]:
    # Both pools answer: the ORM's (alembic_version) and the fast read path's (SELECT 1 on PostgreSQL's
    # own asyncpg pool), one round trip each, concurrently.
    current, _ = await asyncio.gather(_current_revisions(db.engine), db.fast.fetch_one("readyz", _one, {}))
    return set(current)


@router.get(
    "/readyz",
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
    """The database is reachable (through both connection pools) and migrated to head."""
    db: Database = request.app.state.db
    try:
        current = await asyncio.wait_for(_probe(db), timeout=READY_TIMEOUT_SECONDS)
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
