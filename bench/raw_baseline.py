"""The yardstick: a minimal Starlette + asyncpg endpoint reading the same ASN row, no auth, no ORM.

Run: BENCH_PG_DSN=postgresql://postgres@127.0.0.1/db uvicorn bench.raw_baseline:app --port 8200
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import asyncpg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

DSN = os.environ.get("BENCH_PG_DSN", "postgresql://postgres@127.0.0.1:5432/bangkom_bench")
QUERY = (
    "SELECT nip, name, gender, birth_date, employment_type, golongan, position_id, unit_id, email, phone,"
    " education_level, active, updated_at FROM asn WHERE nip = $1"
)


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    app.state.pool = await asyncpg.create_pool(DSN, min_size=5, max_size=10)
    yield
    await app.state.pool.close()


async def asn_get(request: Request) -> Response:
    async with request.app.state.pool.acquire() as conn:
        row = await conn.fetchrow(QUERY, request.path_params["nip"])
    if row is None:
        return JSONResponse({"detail": "not found"}, status_code=404)
    data = dict(row)
    data["birth_date"] = data["birth_date"].isoformat()
    data["updated_at"] = data["updated_at"].isoformat()
    return JSONResponse(data)


app = Starlette(routes=[Route("/api/v1/asn/{nip}", asn_get)], lifespan=lifespan)
