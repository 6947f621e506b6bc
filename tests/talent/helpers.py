"""Shared helpers of the talent tests: URLs and request bodies."""

from __future__ import annotations

from typing import Any

import httpx


def performance_url(nip: str, year: int = 2025) -> str:
    return f"/api/v1/asn/{nip}/performance/{year}"


def potential_url(nip: str) -> str:
    return f"/api/v1/asn/{nip}/potential-assessments"


def sanction_url(nip: str) -> str:
    return f"/api/v1/asn/{nip}/disciplinary-records"


def potential_body(assessed_on: str = "2025-08-14", score: Any = 78.25, **fields: Any) -> dict[str, Any]:
    return {"assessed_on": assessed_on, "method": "assessment_center", "score": score} | fields


def sanction_body(decided_on: str = "2025-03-10", **fields: Any) -> dict[str, Any]:
    return {"level": "sedang", "decided_on": decided_on} | fields


async def put_performance(
    client: httpx.AsyncClient, headers: dict[str, str], nip: str, year: int = 2025, **body: Any
) -> httpx.Response:
    return await client.put(performance_url(nip, year), json={"predikat": "baik"} | body, headers=headers)
