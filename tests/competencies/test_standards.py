"""Position standards (SKJ): reading, replacing with If-Match, bulk apply, and the gap figures they feed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from app.asn.models import Asn
from app.competencies.models import CompetencyStanding, CompetencyUnitTotal
from app.core.audit import AuditEntry
from app.core.config import Settings
from app.org.models import Position
from tests.factories import World, bearer, client_principal, create_asn, create_position
from tests.http import as_, audit_rows, problem

BULK = "/api/v1/position-standards/bulk"
SHIPPED = ["M1", "M2", "M3", "M4", "M5", "M6", "M7", "M8", "SK1"]


def url(position_id: int) -> str:
    return f"/api/v1/positions/{position_id}/standards"


def items(**levels: int) -> list[dict[str, Any]]:
    return [{"competency_code": code, "required_level": level} for code, level in levels.items()]


async def standings_of(session: AsyncSession, nip: str) -> dict[str, tuple[int, int | None]]:
    rows = await session.execute(
        select(
            CompetencyStanding.competency_code,
            CompetencyStanding.required_level,
            CompetencyStanding.actual_level,
        ).where(CompetencyStanding.nip == nip)
    )
    return {code: (required, actual) for code, required, actual in rows}


async def unit_required(session: AsyncSession, unit_id: int) -> dict[str, int]:
    rows = await session.execute(
        select(CompetencyUnitTotal.competency_code, CompetencyUnitTotal.required).where(
            CompetencyUnitTotal.unit_id == unit_id, CompetencyUnitTotal.required != 0
        )
    )
    return dict(rows.all())


async def levels_of(client: httpx.AsyncClient, headers: dict[str, str], position_id: int) -> dict[str, int]:
    r = await client.get(url(position_id), headers=headers)
    assert r.status_code == 200, r.text
    return {i["competency_code"]: i["required_level"] for i in r.json()["items"]}


async def put(
    client: httpx.AsyncClient, headers: dict[str, str], position_id: int, **levels: int
) -> httpx.Response:
    """PUT with the ETag just read (so it is the current one)."""
    tag = (await client.get(url(position_id), headers=headers)).headers["etag"]
    return await client.put(
        url(position_id), json={"items": items(**levels)}, headers=headers | {"If-Match": tag}
    )


async def teknis(client: httpx.AsyncClient, headers: dict[str, str], code: str) -> None:
    body = {
        "code": code,
        "name": f"Kompetensi Teknis {code}",
        "levels": [{"level": n, "description": f"Level {n}"} for n in range(1, 6)],
    }
    r = await client.post("/api/v1/competencies", json=body, headers=headers)
    assert r.status_code == 201, r.text


class TestRead:
    async def test_empty_standard(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        r = await client.get(url(world.position_a.id), headers=as_(settings, world, "asn_b"))
        assert r.status_code == 200, r.text
        assert r.json() == {"position_id": world.position_a.id, "items": [], "updated_at": None}
        assert r.headers["etag"].startswith('"s-')

    async def test_lines_ordered_with_names_and_groups(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        admin = as_(settings, world, "bpsdm")
        await teknis(client, admin, "A.KEU")
        r = await client.put(
            url(world.position_a.id), json={"items": items(SK1=2, **{"A.KEU": 3}, M4=3, M1=2)}, headers=admin
        )
        assert r.status_code == 201, r.text
        got = await client.get(
            url(world.position_a.id), headers=bearer(settings, client_principal("reference:read"))
        )
        assert got.status_code == 200, got.text
        body = got.json()
        assert [i["competency_code"] for i in body["items"]] == ["M1", "M4", "SK1", "A.KEU"]
        assert body["items"][0] == {
            "competency_code": "M1",
            "name": "Integritas",
            "group": "manajerial",
            "required_level": 2,
        }
        assert body["items"][2]["group"] == "sosial_kultural" and body["items"][3]["group"] == "teknis"
        assert body["updated_at"] is not None
        assert got.headers["etag"] == r.headers["etag"]
        assert r.json() == body

    async def test_unknown_position(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        problem(
            await client.get(url(99999), headers=as_(settings, world, "asn_a")), 404, "position_not_found"
        )
        r = await client.get(url(1), headers=bearer(settings, client_principal("asn:read")))
        problem(r, 403, "forbidden")


class TestPut:
    async def test_create_then_replace_with_if_match(
        self, client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
    ) -> None:
        admin = as_(settings, world, "bpsdm")
        pid = world.position_a.id
        empty_tag = (await client.get(url(pid), headers=admin)).headers["etag"]
        # A PUT that creates needs no If-Match.
        r = await client.put(url(pid), json={"items": items(M1=3, M2=2)}, headers=admin)
        assert r.status_code == 201, r.text
        first_tag = r.headers["etag"]
        assert first_tag != empty_tag
        # Replacing needs one, and the current one.
        problem(
            await client.put(url(pid), json={"items": items(M1=4)}, headers=admin),
            428,
            "precondition_required",
        )
        r = await client.put(url(pid), json={"items": items(M1=4)}, headers=admin | {"If-Match": empty_tag})
        problem(r, 412, "precondition_failed")
        r = await client.put(url(pid), json={"items": items(M1=4)}, headers=admin | {"If-Match": first_tag})
        assert r.status_code == 200, r.text
        assert [(i["competency_code"], i["required_level"]) for i in r.json()["items"]] == [("M1", 4)]
        assert r.headers["etag"] not in (first_tag, empty_tag)
        created, updated = await audit_rows(session, "position_standard", pid)
        assert created.action == "create" and created.before is None
        assert created.after == {"items": items(M1=3, M2=2)}
        assert updated.action == "update"
        assert updated.before == {"items": items(M1=3, M2=2)}
        assert updated.after == {"items": items(M1=4)}

    async def test_same_content_writes_nothing_and_keeps_the_tag(
        self, client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
    ) -> None:
        admin = as_(settings, world, "bpsdm")
        pid = world.position_a.id
        first = await client.put(url(pid), json={"items": items(M1=3)}, headers=admin)
        again = await client.put(
            url(pid), json={"items": items(M1=3)}, headers=admin | {"If-Match": first.headers["etag"]}
        )
        assert again.status_code == 200
        assert again.headers["etag"] == first.headers["etag"]
        assert len(await audit_rows(session, "position_standard", pid)) == 1

    async def test_if_match_on_a_create_must_still_be_current(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        admin = as_(settings, world, "bpsdm")
        pid = world.position_a.id
        r = await client.put(url(pid), json={"items": items(M1=3)}, headers=admin | {"If-Match": '"s-stale"'})
        problem(r, 412, "precondition_failed")
        r = await put(client, admin, pid, M1=3)
        assert r.status_code == 201, r.text

    async def test_emptying_a_standard(
        self, client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
    ) -> None:
        admin = as_(settings, world, "bpsdm")
        pid = world.position_a.id
        assert (await put(client, admin, pid, M1=3)).status_code == 201
        r = await put(client, admin, pid)
        assert r.status_code == 200, r.text
        assert r.json()["items"] == []
        assert (await audit_rows(session, "position_standard", pid))[-1].after == {"items": []}
        assert await standings_of(session, world.asn_a.nip) == {}

    @pytest.mark.parametrize(
        ("body", "status", "code"),
        [
            ({"items": items(NOPE=3)}, 422, "unknown_competency"),
            ({"items": items(M1=3, **{"X.1": 2})}, 422, "unknown_competency"),
            ({"items": items(M1=6)}, 422, "validation_error"),
            ({"items": items(M1=0)}, 422, "validation_error"),
            ({"items": [{"competency_code": "M1"}]}, 422, "validation_error"),
            ({"items": [{"competency_code": "M 1", "required_level": 2}]}, 422, "validation_error"),
            ({"items": items(M1=3) + items(M1=2)}, 422, "duplicate_competency"),
            ({"items": items(M1=3), "extra": True}, 422, "validation_error"),
            ({}, 422, "validation_error"),
        ],
    )
    async def test_invalid_bodies(
        self,
        client: httpx.AsyncClient,
        session: AsyncSession,
        settings: Settings,
        world: World,
        body: dict[str, Any],
        status: int,
        code: str,
    ) -> None:
        pid = world.position_a.id
        r = await client.put(url(pid), json=body, headers=as_(settings, world, "bpsdm"))
        problem(r, status, code)
        assert await audit_rows(session, "position_standard", pid) == []
        assert await levels_of(client, as_(settings, world, "bpsdm"), pid) == {}

    async def test_unknown_competency_lists_the_codes(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.put(
            url(world.position_a.id),
            json={"items": items(M1=2, ZZ=1, AA=1)},
            headers=as_(settings, world, "bpsdm"),
        )
        assert problem(r, 422, "unknown_competency")["codes"] == ["AA", "ZZ"]

    async def test_unknown_position(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.put(url(99999), json={"items": items(M1=2)}, headers=as_(settings, world, "bpsdm"))
        problem(r, 404, "position_not_found")

    async def test_retired_competency_not_for_new_lines_but_may_stay(
        self, client: httpx.AsyncClient, settings: Settings, world: World, place: Place
    ) -> None:
        admin = as_(settings, world, "bpsdm")
        await teknis(client, admin, "T.LAMA")
        pid = world.position_a.id
        assert (await put(client, admin, pid, M1=2, **{"T.LAMA": 2})).status_code == 201
        r = await client.patch(
            "/api/v1/competencies/T.LAMA", json={"active": False}, headers=admin | {"If-Match": '"1"'}
        )
        assert r.status_code == 200, r.text
        r = await put(client, admin, pid, M1=3, **{"T.LAMA": 2})
        assert r.status_code == 200, r.text
        assert await levels_of(client, admin, pid) == {"M1": 3, "T.LAMA": 2}
        r = await client.put(url(place.admin_b.id), json={"items": items(**{"T.LAMA": 2})}, headers=admin)
        assert problem(r, 422, "unknown_competency")["codes"] == ["T.LAMA"]
        bulk = {"jenis_jabatan": "administrator", "mode": "merge", "items": items(**{"T.LAMA": 2})}
        problem(await client.post(BULK, json=bulk, headers=admin), 422, "unknown_competency")

    @pytest.mark.parametrize("who", ["asn_a", "opd_a", "auditor"])
    async def test_only_bpsdm_writes(
        self, client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World, who: str
    ) -> None:
        r = await client.put(
            url(world.position_a.id), json={"items": items(M1=2)}, headers=as_(settings, world, who)
        )
        problem(r, 403, "forbidden")
        r = await client.post(
            BULK, json={"jenis_jabatan": "pelaksana", "mode": "defaults"}, headers=as_(settings, world, who)
        )
        problem(r, 403, "forbidden")
        assert await audit_rows(session, "position_standard", world.position_a.id) == []


class TestGapFigures:
    async def test_standard_feeds_standings_and_unit_totals(
        self, client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
    ) -> None:
        admin = as_(settings, world, "bpsdm")
        pid = world.position_a.id
        assert await standings_of(session, world.asn_a.nip) == {}
        assert (await put(client, admin, pid, M1=3, M2=2)).status_code == 201
        assert await standings_of(session, world.asn_a.nip) == {"M1": (3, None), "M2": (2, None)}
        assert await unit_required(session, world.unit_a.id) == {"M1": 1, "M2": 1}
        assert (await put(client, admin, pid, M1=4, SK1=2)).status_code == 200
        assert await standings_of(session, world.asn_a.nip) == {"M1": (4, None), "SK1": (2, None)}
        assert await unit_required(session, world.unit_a.id) == {"M1": 1, "SK1": 1}
        # Other ASN (no position, other units) are untouched.
        assert await standings_of(session, world.asn_b.nip) == {}
        assert await unit_required(session, world.unit_b.id) == {}

    async def test_gap_report_of_the_asn_follows(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        admin = as_(settings, world, "bpsdm")
        assert (await put(client, admin, world.position_a.id, M1=3, M2=2)).status_code == 201
        r = await client.get(f"/api/v1/asn/{world.asn_a.nip}/competency-gaps", headers=admin)
        if r.status_code == 404 and r.json().get("code") == "not_found":
            pytest.skip("the competency-gaps route is built by another part of the issue")
        assert r.status_code == 200, r.text
        assert [i["competency_code"] for i in r.json()["items"]] == ["M1", "M2"]
        assert r.json()["missing"] == ["M1", "M2"]


@dataclass
class Place:
    admin_a: Position
    admin_a1: Position
    admin_b: Position
    madya: Position
    muda: Position
    holder_a1: Asn
    holder_b: Asn
    holder_madya: Asn


@pytest.fixture
async def place(session: AsyncSession, world: World) -> Place:
    admin_a = await create_position(session, world.unit_a, jenis_jabatan="administrator")
    admin_a1 = await create_position(session, world.unit_a1, jenis_jabatan="administrator")
    admin_b = await create_position(session, world.unit_b, jenis_jabatan="administrator")
    madya = await create_position(session, world.unit_a, jenis_jabatan="fungsional", jenjang="ahli_madya")
    muda = await create_position(session, world.unit_b, jenis_jabatan="fungsional", jenjang="ahli_muda")
    holder_a1 = await create_asn(session, world.unit_a1, position=admin_a1, name="Rudi Hartono")
    holder_b = await create_asn(session, world.unit_b, position=admin_b, name="Maria Ulfa")
    holder_madya = await create_asn(session, world.unit_a, position=madya, name="Dewi Lestari")
    await session.commit()
    return Place(admin_a, admin_a1, admin_b, madya, muda, holder_a1, holder_b, holder_madya)


class TestBulk:
    async def test_replace_within_a_unit_subtree(
        self, client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World, place: Place
    ) -> None:
        admin = as_(settings, world, "bpsdm")
        assert (await put(client, admin, place.admin_a.id, M1=1, M2=1, M3=1)).status_code == 201
        body = {
            "jenis_jabatan": "administrator",
            "unit_id": world.unit_a.id,
            "mode": "replace",
            "items": items(M1=3, SK1=3),
        }
        r = await client.post(BULK, json=body, headers=admin)
        assert r.status_code == 200, r.text
        assert r.json() == {"positions": 2, "positions_changed": 2, "asn_affected": 1}
        assert await levels_of(client, admin, place.admin_a.id) == {"M1": 3, "SK1": 3}
        assert await levels_of(client, admin, place.admin_a1.id) == {"M1": 3, "SK1": 3}
        assert await levels_of(client, admin, place.admin_b.id) == {}
        assert await levels_of(client, admin, place.madya.id) == {}
        # Gap figures follow for the holders.
        assert await standings_of(session, place.holder_a1.nip) == {"M1": (3, None), "SK1": (3, None)}
        assert await unit_required(session, world.unit_a1.id) == {"M1": 1, "SK1": 1}
        assert await standings_of(session, place.holder_b.nip) == {}
        # One audit row per changed position, with its lines before and after.
        *_, row_a = await audit_rows(session, "position_standard", place.admin_a.id)
        assert row_a.action == "update"
        assert row_a.before == {"items": items(M1=1, M2=1, M3=1)}
        assert row_a.after == {"items": items(M1=3, SK1=3)}
        (row_a1,) = await audit_rows(session, "position_standard", place.admin_a1.id)
        assert row_a1.action == "create" and row_a1.after == {"items": items(M1=3, SK1=3)}
        # Applying it again changes nothing and records nothing.
        again = await client.post(BULK, json=body, headers=admin)
        assert again.json() == {"positions": 2, "positions_changed": 0, "asn_affected": 0}
        assert len(await audit_rows(session, "position_standard", place.admin_a1.id)) == 1

    async def test_merge_keeps_other_lines(
        self, client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World, place: Place
    ) -> None:
        admin = as_(settings, world, "bpsdm")
        await teknis(client, admin, "T.ANGGARAN")
        assert (
            await put(client, admin, place.admin_b.id, M1=2, M2=2, **{"T.ANGGARAN": 1})
        ).status_code == 201
        body = {"jenis_jabatan": "administrator", "mode": "merge", "items": items(M1=4, **{"T.ANGGARAN": 3})}
        r = await client.post(BULK, json=body, headers=admin)
        assert r.status_code == 200, r.text
        assert r.json() == {"positions": 3, "positions_changed": 3, "asn_affected": 2}
        assert await levels_of(client, admin, place.admin_b.id) == {"M1": 4, "M2": 2, "T.ANGGARAN": 3}
        assert await levels_of(client, admin, place.admin_a.id) == {"M1": 4, "T.ANGGARAN": 3}
        assert await standings_of(session, place.holder_b.nip) == {
            "M1": (4, None),
            "M2": (2, None),
            "T.ANGGARAN": (3, None),
        }
        assert await unit_required(session, world.unit_b.id) == {"M1": 1, "M2": 1, "T.ANGGARAN": 1}
        *_, row = await audit_rows(session, "position_standard", place.admin_b.id)
        assert row.before == {"items": items(M1=2, M2=2, **{"T.ANGGARAN": 1})}
        assert row.after == {"items": items(M1=4, M2=2, **{"T.ANGGARAN": 3})}

    async def test_defaults_reset_manajerial_and_keep_teknis(
        self, client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World, place: Place
    ) -> None:
        admin = as_(settings, world, "bpsdm")
        await teknis(client, admin, "T.AUDIT")
        assert (await put(client, admin, place.madya.id, M1=5, M2=5, **{"T.AUDIT": 2})).status_code == 201
        r = await client.post(BULK, json={"jenis_jabatan": "fungsional", "mode": "defaults"}, headers=admin)
        assert r.status_code == 200, r.text
        assert r.json() == {"positions": 2, "positions_changed": 2, "asn_affected": 1}
        assert await levels_of(client, admin, place.madya.id) == {c: 3 for c in SHIPPED} | {"T.AUDIT": 2}
        assert await levels_of(client, admin, place.muda.id) == {c: 2 for c in SHIPPED}
        assert await levels_of(client, admin, place.admin_a.id) == {}
        figures = await standings_of(session, place.holder_madya.nip)
        assert figures == {c: (3, None) for c in SHIPPED} | {"T.AUDIT": (2, None)}
        assert await unit_required(session, world.unit_a.id) == {c: 1 for c in [*SHIPPED, "T.AUDIT"]}
        (row,) = await audit_rows(session, "position_standard", place.muda.id)
        assert row.action == "create" and row.after is not None and len(row.after["items"]) == 9

    async def test_defaults_for_one_jenjang(
        self, client: httpx.AsyncClient, settings: Settings, world: World, place: Place
    ) -> None:
        admin = as_(settings, world, "bpsdm")
        body = {"jenis_jabatan": "fungsional", "jenjang": "ahli_muda", "mode": "defaults"}
        r = await client.post(BULK, json=body, headers=admin)
        assert r.json() == {"positions": 1, "positions_changed": 1, "asn_affected": 0}
        assert await levels_of(client, admin, place.madya.id) == {}

    async def test_defaults_skip_kinds_without_a_default(
        self, client: httpx.AsyncClient, settings: Settings, world: World, place: Place
    ) -> None:
        admin = as_(settings, world, "bpsdm")
        assert (await put(client, admin, place.admin_a.id, M1=4)).status_code == 201
        defaults = "/api/v1/competencies/standard-defaults"
        tag = (await client.get(defaults, headers=admin)).headers["etag"]
        r = await client.put(defaults, json={"items": []}, headers=admin | {"If-Match": tag})
        assert r.status_code == 200, r.text
        r = await client.post(
            BULK, json={"jenis_jabatan": "administrator", "mode": "defaults"}, headers=admin
        )
        assert r.json() == {"positions": 0, "positions_changed": 0, "asn_affected": 0}
        assert await levels_of(client, admin, place.admin_a.id) == {"M1": 4}

    @pytest.mark.parametrize(
        ("body", "status", "code"),
        [
            (
                {"jenis_jabatan": "pelaksana", "mode": "defaults", "items": items(M1=2)},
                422,
                "items_not_allowed",
            ),
            ({"jenis_jabatan": "pelaksana", "mode": "replace"}, 422, "items_required"),
            ({"jenis_jabatan": "pelaksana", "mode": "merge", "items": []}, 422, "items_required"),
            ({"jenis_jabatan": "menteri", "mode": "defaults"}, 422, "invalid_code"),
            ({"jenis_jabatan": "pelaksana", "jenjang": "ahli_muda", "mode": "defaults"}, 422, "invalid_code"),
            (
                {"jenis_jabatan": "fungsional", "jenjang": "ahli_super", "mode": "defaults"},
                422,
                "invalid_code",
            ),
            ({"jenis_jabatan": "pelaksana", "unit_id": 999999, "mode": "defaults"}, 422, "unit_not_found"),
            (
                {"jenis_jabatan": "pelaksana", "mode": "replace", "items": items(NOPE=2)},
                422,
                "unknown_competency",
            ),
            (
                {"jenis_jabatan": "pelaksana", "mode": "replace", "items": items(M1=2) + items(M1=3)},
                422,
                "duplicate_competency",
            ),
            (
                {"jenis_jabatan": "pelaksana", "mode": "replace", "items": items(M1=7)},
                422,
                "validation_error",
            ),
            (
                {"jenis_jabatan": "pelaksana", "mode": "overwrite", "items": items(M1=2)},
                422,
                "validation_error",
            ),
            ({"mode": "defaults"}, 422, "validation_error"),
        ],
    )
    async def test_invalid_bodies(
        self,
        client: httpx.AsyncClient,
        session: AsyncSession,
        settings: Settings,
        world: World,
        body: dict[str, Any],
        status: int,
        code: str,
    ) -> None:
        problem(await client.post(BULK, json=body, headers=as_(settings, world, "bpsdm")), status, code)
        rows = await session.execute(select(AuditEntry).where(AuditEntry.entity == "position_standard"))
        assert rows.first() is None


class TestBulkIsSetBased:
    async def test_statement_count_does_not_grow_with_positions(
        self,
        client: httpx.AsyncClient,
        connection: AsyncConnection,
        session: AsyncSession,
        settings: Settings,
        world: World,
    ) -> None:
        admin = as_(settings, world, "bpsdm")
        for _ in range(60):
            position = await create_position(session, world.unit_b, jenis_jabatan="pengawas")
            await create_asn(session, world.unit_b, position=position, name="Agus Salim")
        await session.commit()
        statements: list[str] = []

        def count(conn: Any, cursor: Any, sql: str, *args: Any) -> None:
            if "position_standards" in sql:
                statements.append(sql)

        event.listen(connection.sync_connection, "before_cursor_execute", count)
        try:
            body = {"jenis_jabatan": "pengawas", "mode": "replace", "items": items(M1=2, M2=2)}
            r = await client.post(BULK, json=body, headers=admin)
        finally:
            event.remove(connection.sync_connection, "before_cursor_execute", count)
        assert r.status_code == 200, r.text
        assert r.json() == {"positions": 60, "positions_changed": 60, "asn_affected": 60}
        assert len(statements) <= 8, statements
        assert await unit_required(session, world.unit_b.id) == {"M1": 60, "M2": 60}
        rows = await session.execute(
            select(AuditEntry.key).where(
                AuditEntry.entity == "position_standard", AuditEntry.action == "create"
            )
        )
        assert len(rows.all()) == 60
