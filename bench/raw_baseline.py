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


SUMMARY = (
    "SELECT a.employment_type, t.form_code, t.jp FROM asn a"
    " LEFT JOIN jp_totals t ON t.nip = a.nip AND t.year = $2 WHERE a.nip = $1"
)


async def jp_summary(request: Request) -> Response:
    """The same figures Bangkom's jp-summary returns, from the same table, with no auth or rules."""
    year = int(request.query_params.get("year", "2026"))
    async with request.app.state.pool.acquire() as conn:
        rows = await conn.fetch(SUMMARY, request.path_params["nip"], year)
    if not rows:
        return JSONResponse({"detail": "not found"}, status_code=404)
    by_form = [
        {"form_code": r["form_code"], "jp": float(r["jp"])} for r in rows if r["form_code"] is not None
    ]
    verified = sum(f["jp"] for f in by_form)
    return JSONResponse(
        {
            "nip": request.path_params["nip"],
            "year": year,
            "employment_type": rows[0]["employment_type"],
            "verified_jp": verified,
            "target_jp": 20,
            "compliant": verified >= 20,
            "by_form": by_form,
        }
    )


app = Starlette(
    routes=[Route("/api/v1/asn/{nip}", asn_get), Route("/api/v1/asn/{nip}/jp-summary", jp_summary)],
    lifespan=lifespan,
)
