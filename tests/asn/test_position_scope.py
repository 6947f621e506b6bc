"""A position given to an ASN must lie in the caller's units (an OPD admin cannot borrow another
agency's Sekretaris Daerah position for its people)."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.core.config import Settings
from tests.factories import World, create_position
from tests.http import as_, audit_rows, problem

NEW = {
    "nip": "199208172019032007",
    "name": "Rina Marlina, S.E.",
    "employment_type": "pns",
    "golongan": "III/b",
}


async def etag_of(client: httpx.AsyncClient, nip: str, headers: dict[str, str]) -> str:
    return (await client.get(f"/api/v1/asn/{nip}", headers=headers)).headers["etag"]


class TestUpdate:
    async def test_opd_admin_cannot_use_another_units_position(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        sekda = await create_position(session, world.unit_b, jenis_jabatan="jpt_madya", code="SEKDA")
        h = as_(settings, world, "opd_a")
        nip = world.asn_a1.nip
        audits = len(await audit_rows(session, "asn", nip))
        r = await client.patch(
            f"/api/v1/asn/{nip}",
            json={"position_id": sekda.id},
            headers=h | {"If-Match": await etag_of(client, nip, h)},
        )
        problem(r, 403, "position_out_of_scope")
        stored = await session.get(Asn, nip, populate_existing=True)
        assert stored is not None and stored.position_id != sekda.id
        assert len(await audit_rows(session, "asn", nip)) == audits

    async def test_opd_admin_uses_a_position_of_its_subtree(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        staff = await create_position(session, world.unit_a1)
        h = as_(settings, world, "opd_a")
        nip = world.asn_a1.nip
        r = await client.patch(
            f"/api/v1/asn/{nip}",
            json={"position_id": staff.id},
            headers=h | {"If-Match": await etag_of(client, nip, h)},
        )
        assert r.status_code == 200, r.text
        assert r.json()["position_id"] == staff.id
        assert (await audit_rows(session, "asn", nip))[-1].after["position_id"] == staff.id  # type: ignore[index]

    async def test_bpsdm_places_anywhere(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        sekda = await create_position(session, world.unit_b, jenis_jabatan="jpt_madya", code="SEKDA")
        h = as_(settings, world, "bpsdm")
        nip = world.asn_a1.nip
        r = await client.patch(
            f"/api/v1/asn/{nip}",
            json={"position_id": sekda.id},
            headers=h | {"If-Match": await etag_of(client, nip, h)},
        )
        assert r.status_code == 200, r.text

    async def test_unchanged_out_of_scope_position_does_not_block_other_edits(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        # BPSDM placed the person in another unit's position; the OPD admin may still fix the phone.
        sekda = await create_position(session, world.unit_b, jenis_jabatan="jpt_madya", code="SEKDA")
        bpsdm, opd = as_(settings, world, "bpsdm"), as_(settings, world, "opd_a")
        nip = world.asn_a1.nip
        await client.patch(
            f"/api/v1/asn/{nip}",
            json={"position_id": sekda.id},
            headers=bpsdm | {"If-Match": await etag_of(client, nip, bpsdm)},
        )
        r = await client.patch(
            f"/api/v1/asn/{nip}",
            json={"position_id": sekda.id, "phone": "+62 811 5400 123"},
            headers=opd | {"If-Match": await etag_of(client, nip, opd)},
        )
        assert r.status_code == 200, r.text


class TestCreate:
    async def test_opd_admin_cannot_create_with_another_units_position(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        sekda = await create_position(session, world.unit_b, jenis_jabatan="jpt_madya", code="SEKDA")
        r = await client.post(
            "/api/v1/asn",
            json=NEW | {"unit_id": world.unit_a.id, "position_id": sekda.id},
            headers=as_(settings, world, "opd_a"),
        )
        problem(r, 403, "position_out_of_scope")
        assert await session.get(Asn, NEW["nip"]) is None
        assert await audit_rows(session, "asn", NEW["nip"]) == []

    async def test_unknown_position_is_still_422(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.post(
            "/api/v1/asn",
            json=NEW | {"unit_id": world.unit_a.id, "position_id": 999_999},
            headers=as_(settings, world, "opd_a"),
        )
        problem(r, 422, "position_not_found")
