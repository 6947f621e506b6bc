"""Credentials for the mixed load: ASN logins, an OPD admin per OPD they work in, a SIMPEG client."""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
import common
import httpx
from common import DEMO_PASSWORD
from load_traffic import Actor

# Each claimant with the OPD (top-level unit) its unit belongs to.
_CLAIMANTS = """
WITH RECURSIVE tops AS (
    SELECT id, id AS top FROM units WHERE parent_id IS NULL
    UNION ALL
    SELECT u.id, t.top FROM units u JOIN tops t ON u.parent_id = t.id
)
SELECT a.nip, a.unit_id, t.top, tu.code
FROM asn a JOIN tops t ON t.id = a.unit_id JOIN units tu ON tu.id = t.top
WHERE a.active
  AND a.nip NOT IN (SELECT nip FROM users WHERE nip IS NOT NULL AND username NOT LIKE 'bench.%')
ORDER BY md5(a.nip || $2::text)
LIMIT $1
"""


async def fetch_rows(dsn: str, sql: str, *args: Any) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(dsn)
    try:
        return list(await conn.fetch(sql, *args))
    finally:
        await conn.close()


def claimants(dsn: str, count: int, seed: int) -> list[tuple[str, int, int, str]]:
    """(nip, unit_id, OPD unit id, OPD code) of `count` active ASN without a login of their own yet."""
    rows = asyncio.run(fetch_rows(dsn, _CLAIMANTS, count, str(seed)))
    return [(r["nip"], r["unit_id"], r["top"], r["code"]) for r in rows]


def updatable(dsn: str, exclude: set[str], limit: int = 4000) -> list[dict[str, Any]]:
    """Existing profiles the sync may touch: never a claimant's or a login's, so no scope moves."""
    rows = asyncio.run(
        fetch_rows(
            dsn,
            "SELECT nip, name, employment_type, unit_id FROM asn "
            "WHERE nip NOT IN (SELECT nip FROM users WHERE nip IS NOT NULL) ORDER BY md5(nip) LIMIT $1",
            limit + len(exclude),
        )
    )
    return [dict(r) for r in rows if r["nip"] not in exclude][:limit]


def create_client(env: dict[str, str]) -> tuple[str, str]:
    return common.create_client(env, "bench mixed load", "asn:write asn:read")


async def _token(http: httpx.AsyncClient, form: dict[str, str]) -> str:
    r = await http.post("/api/v1/auth/token", data=form)
    r.raise_for_status()
    return str(r.json()["access_token"])


async def _ensure_user(http: httpx.AsyncClient, admin_token: str, body: dict[str, Any]) -> None:
    r = await http.post("/api/v1/users", json=body, headers={"Authorization": f"Bearer {admin_token}"})
    if r.status_code not in (201, 409):  # 409: made by an earlier run on this database (--reuse)
        raise SystemExit(f"POST /api/v1/users {body['username']}: {r.status_code} {r.text}")


async def actors(
    base: str, people: list[tuple[str, int, int, str]], client: tuple[str, str]
) -> tuple[Actor, list[Actor], list[Actor], str]:
    """bpsdm, ASN actors, OPD admin actors and the client's token; users made through the API."""
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        login = {"grant_type": "password", "password": DEMO_PASSWORD}
        bpsdm = Actor("bpsdm", await _token(http, login | {"username": "bpsdm"}), 0)
        opds = {top: code for _, _, top, code in people}
        gate = asyncio.Semaphore(4)

        async def asn_actor(nip: str, unit_id: int, top: int) -> Actor:
            username = f"bench.{nip}"
            async with gate:
                body = {"username": username, "password": DEMO_PASSWORD, "role": "asn", "nip": nip}
                await _ensure_user(http, bpsdm.token, body)
                token = await _token(http, login | {"username": username})
                return Actor(username, token, unit_id, nip, opd_id=top)

        async def opd_actor(top: int, code: str) -> Actor:
            username = f"bench.opd.{code.lower()}"
            async with gate:
                body = {"username": username, "password": DEMO_PASSWORD, "role": "opd_admin", "unit_id": top}
                await _ensure_user(http, bpsdm.token, body)
                return Actor(username, await _token(http, login | {"username": username}), top)

        asn = await asyncio.gather(*(asn_actor(nip, unit, top) for nip, unit, top, _ in people))
        opd = await asyncio.gather(*(opd_actor(top, code) for top, code in sorted(opds.items())))
        client_token = await _token(
            http,
            {
                "grant_type": "client_credentials",
                "client_id": client[0],
                "client_secret": client[1],
                "scope": "asn:write asn:read",
            },
        )
    return bpsdm, list(asn), list(opd), client_token
