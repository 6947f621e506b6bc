"""The account list: names from the ASN profiles, and an OPD admin's view of the ASN accounts of its units
(the accounts whose passwords it may reset)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.core.config import Settings
from app.core.security import Role
from tests import factories
from tests.factories import World
from tests.http import as_


async def usernames(
    client: httpx.AsyncClient, headers: dict[str, str], **params: Any
) -> dict[str, dict[str, Any]]:
    r = await client.get("/api/v1/users", params={"limit": 500, **params}, headers=headers)
    assert r.status_code == 200, r.text
    return {item["username"]: item for item in r.json()["items"]}


async def give_accounts(session: AsyncSession, world: World) -> None:
    """asn_a1 (sub-unit) and pppk_a get accounts too; an ASN account without a profile sits in unit_a."""
    await factories.create_user(session, world.asn_a1.nip, Role.asn, asn=world.asn_a1, unit=world.unit_a1)
    await factories.create_user(session, world.pppk_a.nip, Role.asn, asn=world.pppk_a, unit=world.unit_a)
    await factories.create_user(session, "tanpa.profil", Role.asn, unit=world.unit_a)
    await session.commit()


@contextmanager
def count_selects(engine: AsyncEngine) -> Iterator[list[str]]:
    executed: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            executed.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", before)
    try:
        yield executed
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", before)


class TestNames:
    async def test_asn_accounts_carry_the_profile_name_others_none(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        for who in ("bpsdm", "auditor"):
            items = await usernames(client, as_(settings, world, who))
            assert items[world.asn_b.nip]["name"] == "Yohanes Lawing"
            assert items[world.asn_a.nip]["name"] == world.asn_a.name
            assert items["opd.a"]["name"] is None and items["bpsdm"]["name"] is None

    async def test_get_create_and_update_carry_it_too(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "bpsdm")
        one = await client.get(f"/api/v1/users/{world.users['asn_b'].id}", headers=h)
        assert one.status_code == 200 and one.json()["name"] == "Yohanes Lawing"
        body = {
            "username": world.asn_a1.nip,
            "password": "Panjang#12345",
            "role": "asn",
            "nip": world.asn_a1.nip,
        }
        created = await client.post("/api/v1/users", json=body, headers=h)
        assert created.status_code == 201, created.text
        assert created.json()["name"] == "Budi Santoso"
        changed = await client.patch(
            f"/api/v1/users/{created.json()['id']}",
            json={"active": False},
            headers=h | {"If-Match": created.headers["etag"]},
        )
        assert changed.status_code == 200, changed.text
        assert changed.json()["name"] == "Budi Santoso"

    @pytest.mark.parametrize("who", ["bpsdm", "opd_a"])
    async def test_one_query_per_page_whatever_its_size(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        session: AsyncSession,
        engine: AsyncEngine,
        who: str,
    ) -> None:
        h = as_(settings, world, who)
        await usernames(client, h)  # warm whatever the first request caches
        with count_selects(engine) as few:
            await usernames(client, h)
        for _ in range(12):
            asn = await factories.create_asn(session, world.unit_a, name="Rina Lestari")
            await factories.create_user(session, asn.nip, Role.asn, asn=asn, unit=world.unit_a)
        await session.commit()
        with count_selects(engine) as many:
            items = await usernames(client, h)
        assert len(items) >= 13
        assert len(many) == len(few), many


class TestOpdAdmin:
    async def test_sees_only_the_asn_accounts_of_its_units(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await give_accounts(session, world)
        r = await client.get("/api/v1/users", headers=as_(settings, world, "opd_a"))
        assert r.status_code == 200, r.text
        items = {item["username"]: item for item in r.json()["items"]}
        assert set(items) == {world.asn_a.nip, world.asn_a1.nip, world.pppk_a.nip, "tanpa.profil"}
        assert r.json()["total"] == 4
        assert items[world.asn_a1.nip]["name"] == "Budi Santoso"
        assert items["tanpa.profil"]["name"] is None
        assert {i["role"] for i in items.values()} == {"asn"}
        # Its sub-unit's admin sees only the sub-unit; the other OPD only its own ASN.
        assert set(await usernames(client, as_(settings, world, "opd_a1"))) == {world.asn_a1.nip}
        assert set(await usernames(client, as_(settings, world, "opd_b"))) == {world.asn_b.nip}

    async def test_the_profile_unit_decides(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        # Transferred to DINAS_B: the account still says unit_a, the profile says unit_b.
        world.asn_a.unit_id = world.unit_b.id
        await session.commit()
        assert world.asn_a.nip not in await usernames(client, as_(settings, world, "opd_a"))
        moved = await usernames(client, as_(settings, world, "opd_b"))
        assert world.asn_a.nip in moved
        # What it lists it may reset.
        r = await client.post(
            f"/api/v1/users/{moved[world.asn_a.nip]['id']}/password-reset",
            headers=as_(settings, world, "opd_b"),
        )
        assert r.status_code == 200, r.text
        assert world.asn_a.nip in await usernames(
            client, as_(settings, world, "bpsdm"), unit_id=world.unit_b.id
        )

    async def test_filters_still_apply(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await give_accounts(session, world)
        h = as_(settings, world, "opd_a")
        assert set(await usernames(client, h, q="budi")) == {world.asn_a1.nip}
        assert set(await usernames(client, h, q="  PRATIWI ")) == {world.pppk_a.nip}
        assert set(await usernames(client, h, q=world.asn_a.nip[:14])) >= {world.asn_a.nip}
        assert set(await usernames(client, h, q="yohanes")) == set()
        assert set(await usernames(client, h, q="opd")) == set()
        assert set(await usernames(client, h, unit_id=world.unit_a1.id)) == {world.asn_a1.nip}
        assert set(await usernames(client, h, unit_id=world.unit_b.id)) == set()
        assert set(await usernames(client, h, role="opd_admin")) == set()
        world.users["asn_a"].active = False
        await session.commit()
        assert set(await usernames(client, h, active=False)) == {world.asn_a.nip}
        assert world.asn_a.nip not in await usernames(client, h, active=True)

    async def test_pages(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await give_accounts(session, world)
        h = as_(settings, world, "opd_a")
        seen: list[str] = []
        cursor = None
        while True:
            params: dict[str, Any] = {"limit": 3} | ({"cursor": cursor} if cursor else {})
            r = await client.get("/api/v1/users", params=params, headers=h)
            assert r.status_code == 200, r.text
            page = r.json()
            assert page["total"] == 4 and len(page["items"]) <= 3
            seen += [i["username"] for i in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert len(seen) == 4 and set(seen) == set(await usernames(client, h))

    async def test_asn_may_not_list(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.get("/api/v1/users", headers=as_(settings, world, "asn_a"))
        assert r.status_code == 403
