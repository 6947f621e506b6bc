"""The claimant hears of a decision on their claim, in the transaction of the decision."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from tests.factories import World
from tests.http import as_
from tests.notifications.helpers import deliveries, stored

YEAR = 2026


async def claim(client: httpx.AsyncClient, settings: Settings, world: World, nip: str, who: str) -> int:
    r = await client.post(
        f"/api/v1/asn/{nip}/learning-records",
        json={
            "title": "Pelatihan Kearsipan Digital",
            "form_code": "8",
            "start_date": f"{YEAR}-03-02",
            "end_date": f"{YEAR}-03-04",
            "jp": 12.5,
        },
        headers=as_(settings, world, who),
    )
    assert r.status_code == 201, r.text
    record_id: int = r.json()["id"]
    return record_id


async def decide(
    client: httpx.AsyncClient, settings: Settings, world: World, record_id: int, **body: Any
) -> None:
    r = await client.post(
        f"/api/v1/learning-records/{record_id}/verification", json=body, headers=as_(settings, world, "opd_a")
    )
    assert r.status_code == 200, r.text


class TestClaimDecided:
    async def test_approved_in_the_inbox_only(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        record_id = await claim(client, settings, world, world.asn_a.nip, "asn_a")
        assert await stored(session) == []  # filing tells nobody
        await decide(client, settings, world, record_id, decision="approve")

        inbox = await client.get("/api/v1/me/notifications", headers=as_(settings, world, "asn_a"))
        assert inbox.status_code == 200, inbox.text
        (item,) = inbox.json()["items"]
        assert item["title"] == "Your claim was approved"
        assert item["body"] == "“Pelatihan Kearsipan Digital” (12.5 JP) was verified and counts for 2026."
        assert item["link"] == "/saya/riwayat"
        indonesian = await client.get(
            "/api/v1/me/notifications", headers=as_(settings, world, "asn_a") | {"Accept-Language": "id"}
        )
        assert indonesian.json()["items"][0]["body"].startswith(
            "«Pelatihan Kearsipan Digital» (12,5 JP) telah"
        )
        assert await deliveries(session) == []  # an approval needs no email

    async def test_rejected_with_the_note_and_by_email(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        record_id = await claim(client, settings, world, world.asn_a.nip, "asn_a")
        await decide(client, settings, world, record_id, decision="reject", note="Sertifikat tidak terbaca")

        (row,) = await stored(session, world.users["asn_a"])
        assert (row.kind, row.title_id) == ("claim_decided", "Klaim Anda ditolak")
        assert row.body_id.endswith("Catatan verifikator: Sertifikat tidak terbaca")
        assert [d.address for d in await deliveries(session)] == [world.asn_a.email]

    async def test_nobody_to_tell_without_an_active_account(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        record_id = await claim(client, settings, world, world.asn_a.nip, "asn_a")
        world.users["asn_a"].active = False  # the account closed while the claim waited
        await session.commit()
        await decide(client, settings, world, record_id, decision="reject", note="Bukan tahun ini")
        assert await stored(session) == []
