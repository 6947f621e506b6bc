"""Courses and sessions for the session tests, made through the API as BPSDM makes them."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

import httpx

from app.core.types import latest_indonesian_date

_codes = itertools.count(1)


def today() -> date:
    return latest_indonesian_date()


def day(offset: int) -> str:
    return (today() + timedelta(days=offset)).isoformat()


async def make_course(client: httpx.AsyncClient, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    n = next(_codes)
    body = {
        "code": f"SES-{n:04d}",
        "title": f"Pelatihan Pelayanan Publik {n}",
        "form_code": "3",
        "jp": 24,
        "competency_codes": ["M4", "M5"],
        "organizer": "BPSDM Provinsi Kalimantan Timur",
    } | fields
    r = await client.post("/api/v1/courses", json=body, headers=headers)
    assert r.status_code == 201, r.text
    data: dict[str, Any] = r.json()
    return data


def session_body(**fields: Any) -> dict[str, Any]:
    return {
        "starts_on": day(30),
        "ends_on": day(34),
        "quota": 5,
        "place": "Kampus BPSDM Kaltim, Samarinda",
    } | fields


async def make_session(
    client: httpx.AsyncClient, headers: dict[str, str], course_id: int, **fields: Any
) -> dict[str, Any]:
    r = await client.post(
        f"/api/v1/courses/{course_id}/sessions", json=session_body(**fields), headers=headers
    )
    assert r.status_code == 201, r.text
    data: dict[str, Any] = r.json()
    return data


async def nominate(
    client: httpx.AsyncClient, headers: dict[str, str], session_id: int, *nips: str
) -> dict[str, Any]:
    r = await client.post(
        f"/api/v1/course-sessions/{session_id}/nominations", json={"nips": list(nips)}, headers=headers
    )
    assert r.status_code == 200, r.text
    data: dict[str, Any] = r.json()
    return data


def codes_of(result: dict[str, Any]) -> dict[str, str | None]:
    """NIP → `nominated` or the refusal's code."""
    return {r["nip"]: r["code"] or r["status"] for r in result["results"]}


async def decide(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    nomination_id: int,
    decision: str,
    note: str | None = None,
) -> httpx.Response:
    return await client.post(
        f"/api/v1/nominations/{nomination_id}/decision",
        json={"decision": decision, "note": note},
        headers=headers,
    )


async def patch(
    client: httpx.AsyncClient, headers: dict[str, str], session_id: int, **fields: Any
) -> httpx.Response:
    url = f"/api/v1/course-sessions/{session_id}"
    etag = (await client.get(url, headers=headers)).headers["etag"]
    return await client.patch(url, json=fields, headers=headers | {"If-Match": etag})
