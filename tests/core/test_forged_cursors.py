"""Every paged list answers a forged cursor with 422 `invalid_cursor`, never a 500.

The routes are read from the OpenAPI document, so a list added later is covered without editing
this file. Found by a black-box review: `[10**30]` overflowed SQLite's integer binding on twelve
lists, and on PostgreSQL any integer cursor on `/asn` compared `character varying > bigint`.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest

from app.core.config import Settings
from tests.factories import World
from tests.http import PROBLEM, as_, problem


def forged(values: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


FORGED = {
    "huge_int": forged([10**30]),
    "huge_negative": forged([-(10**30)]),
    "small_int": forged([1]),  # `WzFd`: a number where the key is text
    "text": forged(["x"]),  # text where the key is a number
    "float": forged([1.5]),
    "null": forged([None]),
    "nested": forged([[1]]),
    "pair_huge": forged([10**30, 10**30]),
    "pair_text": forged(["x", "y"]),
    "pair_mixed": forged([1, 10**30]),
    "long_text": forged(["x" * 300]),
}


# One integer or one string is what lists keyed by an id (or by a NIP) issue themselves.
SAME_SHAPE_AS_ISSUED = {"small_int", "text"}


def paged_routes(app: Any) -> list[str]:
    doc = app.openapi()
    found = []
    for path, ops in doc["paths"].items():
        op = ops.get("get")
        if op and any(p["name"] == "cursor" and p["in"] == "query" for p in op.get("parameters", [])):
            found.append(path)
    return sorted(found)


def concrete(path: str, world: World) -> str:
    return (
        path.replace("{nip}", world.asn_a.nip)
        .replace("{year}", "2025")
        .replace("{box}", "9")
        .replace("{unit_id}", str(world.unit_a.id))
        .replace("{session_id}", "1")  # a cursor is judged before the session is looked up
        .replace("{course_id}", "1")  # likewise before the course is looked up
    )


async def test_routes_are_found(app: Any) -> None:
    routes = paged_routes(app)
    # The lists the review named; more may come, none may go unnoticed.
    assert {"/api/v1/asn", "/api/v1/audit", "/api/v1/units", "/api/v1/asn/{nip}/learning-records"} <= set(
        routes
    )


@pytest.mark.parametrize("kind", sorted(FORGED))
async def test_every_list_refuses_forged_cursor(
    app: Any, client: httpx.AsyncClient, settings: Settings, world: World, kind: str
) -> None:
    headers = as_(settings, world, "bpsdm")
    budget = {"jurisdiction": "provinsi", "total_belanja_daerah_idr": 1_000_000}
    assert (await client.put("/api/v1/budgets/2025", json=budget, headers=headers)).status_code in (200, 201)
    answers = {}
    for path in paged_routes(app):
        r = await client.get(concrete(path, world), params={"cursor": FORGED[kind]}, headers=headers)
        answers[path] = (r.status_code, r.headers["content-type"], r.json().get("code"))
    refused = (422, PROBLEM, "invalid_cursor")
    if kind in SAME_SHAPE_AS_ISSUED:
        # Indistinguishable from an issued cursor on lists keyed by that type: a page, or refused.
        assert all(a == refused or a[0] == 200 for a in answers.values()), answers
        assert refused in answers.values()
    else:
        assert answers == dict.fromkeys(answers, refused)


async def test_issued_cursors_still_work(client: httpx.AsyncClient, settings: Settings, world: World) -> None:
    headers = as_(settings, world, "bpsdm")
    first = (await client.get("/api/v1/asn", params={"limit": 1}, headers=headers)).json()
    assert first["next_cursor"]
    second = await client.get(
        "/api/v1/asn", params={"limit": 1, "cursor": first["next_cursor"]}, headers=headers
    )
    assert second.status_code == 200
    assert second.json()["items"][0]["nip"] > first["items"][0]["nip"]


async def test_feed_refuses_huge_position(
    client: httpx.AsyncClient, settings: Settings, world: World
) -> None:
    headers = as_(settings, world, "bpsdm")
    r = await client.get("/api/v1/sync/changes", params={"since": forged([1, 10**30])}, headers=headers)
    problem(r, 422, "invalid_cursor")
