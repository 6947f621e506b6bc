"""SIMPEG sync keeps the competency figures right, and the bulk write paths behind it.

New ASN get their standings straight from the position standards (standings.add_new), moved ones are
refreshed, renamed ones are left alone; after every batch the derived tables must equal a
recomputation from the sources. On PostgreSQL new profiles are COPied into asn under a savepoint;
a NIP that another transaction created in the meantime sends the batch through the upsert instead.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.competencies.standards import standings
from app.core.changes import Change
from app.core.config import Settings
from app.sync import service
from tests.competencies.test_standings import (
    TEKNIS,
    add_teknis,
    assert_consistent,
    assess,
    place,
    set_standard,
    stored_standings,
)
from tests.conftest import backend
from tests.factories import World, create_position
from tests.http import audit_rows
from tests.sync.test_sync_asn import make_nips, post, profile


async def item_of(session: AsyncSession, asn: Asn, **changes: Any) -> dict[str, Any]:
    """A sync item carrying every stored field of a profile (as stored now), with `changes` applied."""
    stmt = select(Asn).where(Asn.nip == asn.nip).execution_options(populate_existing=True)
    row = (await session.execute(stmt)).scalar_one()
    fields = {f: getattr(row, f) for f in service.FIELDS}
    return fields | {"birth_date": row.birth_date.isoformat()} | changes


class TestStandingsFollowTheSync:
    async def test_created_moved_and_renamed_in_one_batch(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await add_teknis(session)
        position_x = await create_position(session, world.unit_a1, jenis_jabatan="administrator")
        await set_standard(session, world.position_a, {"M1": 2, "M2": 3, TEKNIS: 2})
        await set_standard(session, position_x, {"M1": 3, "M4": 3})
        await place(session, world.asn_b, world.position_a)
        await assess(session, world.asn_a.nip, date(2025, 1, 10), {"M1": 1, "M2": 3})
        await session.commit()
        a, a1, b = world.unit_a.id, world.unit_a1.id, world.unit_b.id
        before = await assert_consistent(session)

        nips = make_nips(5, start=date(1971, 5, 5))
        items = [
            profile(nips[0], world),  # new on position_a in unit_a
            profile(nips[1], world, position_id=position_x.id, unit_id=a1, active=False),  # not counted
            profile(nips[2], world, position_id=None),  # no standard
            profile(nips[3], world, position_id=position_x.id, unit_id=b),  # another unit's position
            await item_of(session, world.asn_a, unit_id=b),  # rated, moves to unit_b
            await item_of(session, world.asn_a1, position_id=position_x.id),  # gets a standard
            await item_of(session, world.asn_b, name="Yohanes Lawing, S.H."),  # renamed: figures untouched
            profile(nips[4], world, unit_id=a1, position_id=position_x.id, golongan="IX"),  # rejected
        ]
        r = await post(client, settings, world, items)
        body = r.json()
        assert (body["created"], body["updated"], body["unchanged"]) == (4, 3, 0), body
        assert [(e["index"], e["code"]) for e in body["errors"]] == [(7, "invalid_golongan")]
        totals = await assert_consistent(session)
        assert totals[(a, "M1")] == (before[(a, "M1")][0], 0, 0, 0)  # asn_a left, nips[0] came
        assert totals[(b, "M1")] == (before[(b, "M1")][0] + 2, 1, 1, -1)  # asn_a (rated) and nips[3]
        assert totals[(b, "M4")] == (1, 0, 0, 0)
        assert totals[(a1, "M4")] == (1, 0, 0, 0)  # asn_a1 only: nips[1] is inactive
        rows = {n for n, *_ in await stored_standings(session)}
        assert {nips[0], nips[1], nips[3]} <= rows and nips[2] not in rows and nips[4] not in rows

        # The same batch again: every row unchanged, figures identical.
        standings_before = await stored_standings(session)
        r = await post(client, settings, world, items[:7])
        assert (r.json()["created"], r.json()["updated"], r.json()["unchanged"]) == (0, 0, 7)
        assert await assert_consistent(session) == totals
        assert await stored_standings(session) == standings_before

        # A new ASN moved and another deactivated in a later batch; a full rebuild agrees.
        later = [items[0] | {"unit_id": a1, "position_id": position_x.id}, items[3] | {"active": False}]
        r = await post(client, settings, world, later)
        assert r.json()["updated"] == 2
        totals = await assert_consistent(session)
        assert totals[(a1, "M4")] == (2, 0, 0, 0) and (b, "M4") not in totals
        await standings.refresh(session, None)
        assert await assert_consistent(session) == totals

    async def test_created_without_positions_or_standards_adds_nothing(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        before = await assert_consistent(session)  # position_a has no standard yet
        nips = make_nips(3, start=date(1972, 6, 6))
        items = [profile(nips[0], world), profile(nips[1], world, position_id=None)]
        r = await post(client, settings, world, items)
        assert r.json()["created"] == 2
        assert await assert_consistent(session) == before


@pytest.mark.skipif(
    backend() != "postgres", reason="SQLite has one writer: no NIP can appear between the read and the write"
)
class TestCreatedMeanwhile:
    async def test_a_nip_created_by_another_transaction_goes_through_the_upsert(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        session: AsyncSession,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        """`_stored` cannot lock a row that does not exist yet; if another request creates it before
        the COPY, the COPY fails on the primary key and the batch is upserted instead."""
        await set_standard(session, world.position_a, {"M1": 2})
        await session.commit()
        b, a1 = world.asn_b, world.asn_a1
        real_stored = service._stored

        async def stored_missing_two(s: AsyncSession, nips: list[str]) -> dict[str, dict[str, Any]]:
            # As seen just before the other transaction committed asn_b and asn_a1.
            found = await real_stored(s, nips)
            return {n: p for n, p in found.items() if n not in (b.nip, a1.nip)}

        monkeypatch.setattr(service, "_stored", stored_missing_two)
        new = make_nips(2, start=date(1973, 7, 7))
        items = [
            profile(new[0], world),
            await item_of(session, b, name="Yohanes Lawing, S.H.", position_id=world.position_a.id),
            await item_of(session, a1),  # what the other transaction wrote: nothing to do
            profile(new[1], world),
        ]
        r = await post(client, settings, world, items)
        assert r.status_code == 200, r.text
        assert r.json() == {"created": 2, "updated": 1, "unchanged": 1, "errors": []}
        row = (
            await session.execute(
                select(Asn).where(Asn.nip == b.nip).execution_options(populate_existing=True)
            )
        ).scalar_one()
        assert row.name == "Yohanes Lawing, S.H." and row.version == 2
        [entry] = await audit_rows(session, "asn", b.nip)
        assert entry.action == "update" and entry.after is not None and entry.after["name"] == row.name
        assert [e.action for e in await audit_rows(session, "asn", new[0])] == ["create"]
        assert await audit_rows(session, "asn", a1.nip) == []
        fed = set((await session.execute(select(Change.key).where(Change.entity == "asn"))).scalars())
        assert {new[0], new[1], b.nip} <= fed and a1.nip not in fed
        # asn_b, unseen by the read, is refreshed as a moved ASN: counted once, on its new position.
        totals = await assert_consistent(session)
        assert totals[(world.unit_b.id, "M1")] == (1, 0, 0, 0)
        assert totals[(world.unit_a.id, "M1")] == (3, 0, 0, 0)  # asn_a and the two new ones
