"""SIMPEG sync: bulk upsert of ASN profiles with per-row errors, idempotency, audit and placement."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.competencies.models import CompetencyStanding, PositionStandard
from app.competencies.standards import standings
from app.core.audit import AuditEntry
from app.core.config import Settings
from tests.factories import World
from tests.http import as_, audit_rows, problem

SYNC = "/api/v1/sync/asn"
WRITER = "client:asn:write"


def make_nips(count: int, *, start: date = date(1960, 1, 1), gender: str = "male") -> list[str]:
    """`count` distinct valid PNS NIPs (999 sequence numbers per birth date)."""
    digit = "1" if gender == "male" else "2"
    return [f"{start + timedelta(days=i // 999):%Y%m%d}201001{digit}{i % 999 + 1:03d}" for i in range(count)]


def profile(nip: str, world: World, **overrides: Any) -> dict[str, Any]:
    return {
        "nip": nip,
        "name": f"Pegawai {nip[-6:]}",
        "employment_type": "pns",
        "golongan": "III/b",
        "position_id": world.position_a.id,
        "unit_id": world.unit_a.id,
        "email": f"p{nip}@kaltimprov.go.id",
        "phone": "+62 812-5555-0101",
        "education_level": "S1",
        "active": True,
    } | overrides


async def post(
    client: httpx.AsyncClient,
    settings: Settings,
    world: World,
    items: list[Any],
    *,
    who: str = WRITER,
    key: str | None = None,
) -> httpx.Response:
    headers = as_(settings, world, who) | {"Idempotency-Key": key or str(uuid.uuid4())}
    return await client.post(SYNC, json={"items": items}, headers=headers)


async def stored(session: AsyncSession, nip: str) -> Asn | None:
    stmt = select(Asn).where(Asn.nip == nip).execution_options(populate_existing=True)
    return (await session.execute(stmt)).scalar_one_or_none()


async def count_asn(session: AsyncSession, nips: list[str]) -> int:
    return int(await session.scalar(select(func.count()).select_from(Asn).where(Asn.nip.in_(nips))) or 0)


async def audit_count(session: AsyncSession) -> int:
    return int(
        await session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.entity == "asn"))
        or 0
    )


class TestBatch:
    async def test_5000_rows_with_invalid_ones(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        nips = make_nips(5000)
        items: list[Any] = [profile(n, world) for n in nips]
        items[10]["nip"] = "19601301" + nips[10][8:]  # month 13: no birth date
        items[20]["gender"] = "female"  # the NIP says male
        items[25]["birth_date"] = "1960-01-02"  # the NIP says 1960-01-01
        items[30]["golongan"] = "IX"  # a PPPK golongan on a PNS
        items[40]["unit_id"] = 999_999
        items[50]["position_id"] = 999_999
        items[60]["email"] = "not-an-email"
        items[70] = profile(nips[0], world, name="Someone Else")  # NIP of row 0 again
        items[80] = "not an object"
        del items[90]["name"]
        items[100]["phone"] = "+62 812 3456 7890 1234"  # allowed by the pattern, longer than the column
        r = await post(client, settings, world, items)
        assert r.status_code == 200, r.text
        body = r.json()
        errors = {e["index"]: e for e in body["errors"]}
        assert [e["index"] for e in body["errors"]] == [10, 20, 25, 30, 40, 50, 60, 70, 80, 90, 100]
        expected = {
            10: ("invalid_nip", items[10]["nip"]),
            20: ("nip_mismatch", nips[20]),
            25: ("nip_mismatch", nips[25]),
            30: ("invalid_golongan", nips[30]),
            40: ("unit_not_found", nips[40]),
            50: ("position_not_found", nips[50]),
            60: ("validation_error", nips[60]),
            70: ("duplicate_in_batch", nips[0]),
            80: ("validation_error", None),
            90: ("validation_error", nips[90]),
            100: ("validation_error", nips[100]),
        }
        assert {i: (e["code"], e["nip"]) for i, e in errors.items()} == expected
        assert errors[60]["field"] == "email" and "email" in errors[60]["detail"]
        assert errors[90]["field"] == "name"
        assert errors[100]["field"] == "phone"
        assert "unit" in errors[40]["detail"]
        assert body["created"] == 5000 - 11  # row 70 repeats row 0's NIP; row 0 was created
        assert body["updated"] == 0 and body["unchanged"] == 0
        rejected = [nips[i] for i in (20, 25, 30, 40, 50, 60, 90, 100)]
        assert await count_asn(session, rejected) == 0
        assert await count_asn(session, nips) == 4989
        row0 = await stored(session, nips[0])
        assert row0 is not None and row0.name == items[0]["name"]  # the later duplicate did not win
        assert row0.gender == "male" and row0.birth_date == date(1960, 1, 1) and row0.version == 1
        assert await audit_count(session) == 4989

    async def test_created_updated_unchanged(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        nips = make_nips(105)
        first = [profile(n, world) for n in nips[:100]]
        r = await post(client, settings, world, first)
        assert r.json() == {"created": 100, "updated": 0, "unchanged": 0, "errors": []}
        second = [dict(p) for p in first] + [profile(n, world) for n in nips[100:]]
        for i in range(10):
            second[i]["name"] = f"Nama Baru {i}"
        second[10]["golongan"] = "IV/a"
        r = await post(client, settings, world, second)
        assert r.json() == {"created": 5, "updated": 11, "unchanged": 89, "errors": []}
        changed = await stored(session, nips[0])
        assert changed is not None and changed.name == "Nama Baru 0" and changed.version == 2
        same = await stored(session, nips[50])
        assert same is not None and same.version == 1
        update = await audit_rows(session, "asn", nips[10])
        assert [a.action for a in update] == ["create", "update"]
        assert update[1].before is not None and update[1].after is not None
        assert update[1].before["golongan"] == "III/b" and update[1].after["golongan"] == "IV/a"
        assert update[1].actor.startswith("client:") and update[1].role == "client"
        assert [a.action for a in await audit_rows(session, "asn", nips[50])] == ["create"]
        created = await audit_rows(session, "asn", nips[104])
        assert [a.action for a in created] == ["create"] and created[0].before is None
        assert created[0].after is not None and created[0].after["birth_date"] == "1960-01-01"

    async def test_omitted_fields_are_kept_and_null_clears(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        a = world.asn_a
        email = a.email
        core = {"nip": a.nip, "name": a.name, "employment_type": "pns", "unit_id": world.unit_a.id}
        r = await post(client, settings, world, [core])
        assert r.json() == {"created": 0, "updated": 0, "unchanged": 1, "errors": []}
        assert await audit_rows(session, "asn", a.nip) == []
        r = await post(client, settings, world, [core | {"email": None, "phone": "+62 811-5400-123"}])
        assert r.json()["updated"] == 1
        row = await stored(session, a.nip)
        assert row is not None and row.email is None and row.phone == "+62 811-5400-123"
        assert row.golongan == "III/a" and row.position_id == world.position_a.id  # omitted: kept
        [entry] = await audit_rows(session, "asn", a.nip)
        assert entry.before is not None and entry.before["email"] == email
        assert entry.after is not None and entry.after["email"] is None

    async def test_golongan_is_checked_against_the_resulting_profile(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        a = world.asn_a  # PNS with III/a; becoming PPPK without a PPPK golongan is refused
        item = {"nip": a.nip, "name": a.name, "employment_type": "pppk", "unit_id": world.unit_a.id}
        r = await post(client, settings, world, [item])
        [error] = r.json()["errors"]
        assert error["code"] == "invalid_golongan" and error["index"] == 0
        row = await stored(session, a.nip)
        assert row is not None and row.employment_type == "pns" and row.version == 1

    async def test_invalid_rows_leave_existing_profiles_untouched(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        b = world.asn_b
        items = [
            {"nip": b.nip, "name": "Ganti", "employment_type": "pns", "unit_id": 999_999},
            {
                "nip": world.asn_a.nip,
                "name": "Nama Baru",
                "employment_type": "pns",
                "unit_id": world.unit_a.id,
            },
        ]
        r = await post(client, settings, world, items)
        assert r.json()["updated"] == 1 and [e["code"] for e in r.json()["errors"]] == ["unit_not_found"]
        row = await stored(session, b.nip)
        assert row is not None and row.name == b.name and row.version == 1
        assert await audit_rows(session, "asn", b.nip) == []

    async def test_outer_shape_must_be_valid(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        headers = as_(settings, world, WRITER)
        for body in ({"items": "x"}, {}, {"items": [], "extra": 1}, [1, 2]):
            r = await client.post(SYNC, json=body, headers=headers)
            problem(r, 422, "validation_error")
        r = await client.post(SYNC, json={"items": []}, headers=headers)
        assert r.json() == {"created": 0, "updated": 0, "unchanged": 0, "errors": []}

    async def test_5001_rows_are_refused(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        nips = make_nips(5001)
        r = await post(client, settings, world, [profile(n, world) for n in nips])
        data = problem(r, 422, "batch_too_large")
        assert "5000" in data["detail"]
        assert await count_asn(session, nips) == 0


class TestIdempotency:
    async def test_replay_returns_the_first_response(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        nips = make_nips(3)
        items = [profile(n, world) for n in nips] + [profile("123", world)]
        first = await post(client, settings, world, items, key="sync-1")
        assert first.json()["created"] == 3 and len(first.json()["errors"]) == 1
        audits = await audit_count(session)
        again = await post(client, settings, world, items, key="sync-1")
        assert again.status_code == 200 and again.json() == first.json()
        assert again.headers["idempotent-replayed"] == "true"
        assert await audit_count(session) == audits
        # A new key with the same data: everything is unchanged now.
        fresh = await post(client, settings, world, items, key="sync-2")
        assert fresh.json()["unchanged"] == 3 and fresh.json()["created"] == 0
        assert await audit_count(session) == audits

    async def test_same_key_other_body(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        nips = make_nips(2)
        await post(client, settings, world, [profile(nips[0], world)], key="sync-k")
        r = await post(client, settings, world, [profile(nips[1], world)], key="sync-k")
        problem(r, 422, "idempotency_key_reused")
        assert await count_asn(session, [nips[1]]) == 0


class TestAccess:
    @pytest.mark.parametrize("who", ["client:asn:read", "client:learning:write", "asn_a", "opd_a", "auditor"])
    async def test_refused(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession, who: str
    ) -> None:
        nip = make_nips(1)[0]
        r = await post(client, settings, world, [profile(nip, world)], who=who)
        problem(r, 403, "forbidden")
        assert await count_asn(session, [nip]) == 0

    @pytest.mark.parametrize("who", [WRITER, "client:asn:read asn:write", "bpsdm"])
    async def test_allowed(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession, who: str
    ) -> None:
        nip = make_nips(1)[0]
        r = await post(client, settings, world, [profile(nip, world)], who=who)
        assert r.status_code == 200 and r.json()["created"] == 1
        [entry] = await audit_rows(session, "asn", nip)
        assert entry.action == "create"

    async def test_anonymous(self, client: httpx.AsyncClient) -> None:
        r = await client.post(SYNC, json={"items": []})
        problem(r, 401, "unauthorized")


class TestEffects:
    async def test_version_and_etag_follow_updates(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        a = world.asn_a
        reader = as_(settings, world, "bpsdm")
        before = (await client.get(f"/api/v1/asn/{a.nip}", headers=reader)).headers["etag"]
        core = {"nip": a.nip, "name": a.name, "employment_type": "pns", "unit_id": world.unit_a.id}
        await post(client, settings, world, [core])  # unchanged: same ETag
        assert (await client.get(f"/api/v1/asn/{a.nip}", headers=reader)).headers["etag"] == before
        r = await post(client, settings, world, [core | {"name": "Siti Rahmawati, S.Kom."}])
        assert r.json()["updated"] == 1
        got = await client.get(f"/api/v1/asn/{a.nip}", headers=reader)
        assert got.headers["etag"] != before and got.headers["etag"] == '"2"'
        assert got.json()["name"] == "Siti Rahmawati, S.Kom."
        # The new ETag is what a PATCH must now send.
        r = await client.patch(
            f"/api/v1/asn/{a.nip}", json={"phone": "+62 811-5400-123"}, headers=reader | {"If-Match": before}
        )
        problem(r, 412, "precondition_failed")
        r = await client.patch(
            f"/api/v1/asn/{a.nip}",
            json={"phone": "+62 811-5400-123"},
            headers=reader | {"If-Match": got.headers["etag"]},
        )
        assert r.status_code == 200, r.text

    async def test_moved_asn_moves_its_competency_figures(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        a = world.asn_a
        session.add(PositionStandard(position_id=world.position_a.id, competency_code="M1", required_level=3))
        await session.flush()
        await standings.refresh(session, standings.nips([a.nip]))
        await session.commit()

        async def units() -> set[int]:
            rows = await session.execute(
                select(CompetencyStanding.unit_id)
                .where(CompetencyStanding.nip == a.nip)
                .execution_options(populate_existing=True)
            )
            return set(rows.scalars())

        assert await units() == {world.unit_a.id}
        item = {"nip": a.nip, "name": a.name, "employment_type": "pns", "unit_id": world.unit_b.id}
        r = await post(client, settings, world, [item])
        assert r.json()["updated"] == 1
        assert await units() == {world.unit_b.id}
        # A new ASN on the position gets standings in the same request.
        nip = make_nips(1)[0]
        await post(client, settings, world, [profile(nip, world)])
        rows = await session.execute(select(CompetencyStanding.unit_id).where(CompetencyStanding.nip == nip))
        assert set(rows.scalars()) == {world.unit_a.id}
