"""OWASP API10:2023 Unsafe Consumption of APIs: data from integrations (SIMPEG sync, LMS xAPI) is
validated like user input, row by row; a bad row is reported and nothing of it is written."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.core.config import Settings
from app.learning.models import LearningRecord
from tests.factories import World, bearer, client_principal
from tests.http import as_

SYNC = "/api/v1/sync/asn"
STATEMENTS = "/api/v1/xapi/statements"
GOOD_NIP = "196001012010011001"


def profile(nip: str, world: World, **changes: Any) -> dict[str, Any]:
    return {
        "nip": nip,
        "name": f"Pegawai {nip[-4:]}",
        "employment_type": "pns",
        "unit_id": world.unit_a.id,
    } | changes


async def test_sync_rejects_bad_rows_and_applies_the_rest(
    client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
) -> None:
    items = [
        profile(GOOD_NIP, world),
        profile("19600101201001100X", world),  # not digits
        profile("196013012010011002", world),  # month 13
        profile("196001012010011003", world, name="<script>alert(1)</script>" * 20),  # too long
        profile("196001012010011004", world, unit_id=999_999),  # unknown unit
        profile("196001012010011005", world, email="javascript:alert(1)"),
        profile("196001012010011006", world, role="bpsdm_admin"),  # not a profile field
    ]
    r = await client.post(
        SYNC,
        json={"items": items},
        headers=as_(settings, world, "bpsdm") | {"Idempotency-Key": str(uuid.uuid4())},
    )
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["created"] == 1
    assert [e["index"] for e in data["errors"]] == [1, 2, 3, 4, 5, 6]
    stored = (await session.execute(select(Asn.nip).where(Asn.nip.like("1960010120100110%")))).scalars().all()
    assert stored == [GOOD_NIP]


async def test_xapi_statements_are_validated_one_by_one(
    client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
) -> None:
    def statement(nip: str, **changes: Any) -> dict[str, Any]:
        return {
            "id": str(uuid.uuid4()),
            "actor": {"account": {"homePage": "https://lms.kaltimprov.go.id", "name": nip}},
            "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
            "object": {"id": f"https://lms.kaltimprov.go.id/course/{uuid.uuid4().hex}"},
            "result": {"duration": "PT2H"},
            "timestamp": "2026-03-10T15:42:00+08:00",
        } | changes

    good = statement(world.asn_a.nip)
    batch = [
        good,
        statement("not-a-nip"),
        statement(world.asn_a.nip, result={"duration": "P9999Y"}),  # absurd JP
        statement(world.asn_a.nip, timestamp="yesterday"),
        statement(world.asn_a.nip, id="not-a-uuid"),
        statement(
            world.asn_a.nip, result={"extensions": {"https://lms.kaltimprov.go.id/xapi/extensions/jp": -5}}
        ),
    ]
    headers = bearer(settings, client_principal("learning:write")) | {"X-Experience-API-Version": "1.0.3"}
    r = await client.post(STATEMENTS, json=batch, headers=headers)
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["ids"] == [good["id"]]
    assert [x["index"] for x in data["rejected"]] == [1, 2, 3, 4, 5]
    rows = (
        await session.execute(select(LearningRecord.id).where(LearningRecord.nip == world.asn_a.nip))
    ).all()
    assert len(rows) == 1


async def test_an_integration_client_is_held_to_its_scopes(
    client: httpx.AsyncClient, settings: Settings, world: World
) -> None:
    # An LMS client that may write learning records cannot write profiles.
    r = await client.post(
        SYNC,
        json={"items": [profile(GOOD_NIP, world)]},
        headers=bearer(settings, client_principal("learning:write")),
    )
    assert r.status_code == 403
