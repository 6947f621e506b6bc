"""The competency dictionary, the default levels and the default standard of a new position."""

from __future__ import annotations

import itertools
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.audit import AuditEntry
from app.core.config import Settings
from tests.factories import World, bearer, client_principal
from tests.http import as_, audit_rows, problem

BASE = "/api/v1/competencies"
DEFAULTS = "/api/v1/competencies/standard-defaults"
SHIPPED = ["M1", "M2", "M3", "M4", "M5", "M6", "M7", "M8", "SK1"]

_codes = itertools.count(1)


def levels(*numbers: int) -> list[dict[str, Any]]:
    return [{"level": n, "description": f"Deskripsi perilaku level {n}"} for n in numbers]


def teknis(**overrides: Any) -> dict[str, Any]:
    return {
        "code": f"T.ARSIP{next(_codes)}",
        "name": "Pengelolaan Arsip Dinamis",
        "group": "teknis",
        "description": "Kemampuan mengelola arsip dinamis.",
        "levels": levels(1, 2, 3, 4, 5),
    } | overrides


async def create(client: httpx.AsyncClient, headers: dict[str, str], **overrides: Any) -> dict[str, Any]:
    r = await client.post(BASE, json=teknis(**overrides), headers=headers)
    assert r.status_code == 201, r.text
    data: dict[str, Any] = r.json()
    return data


class TestList:
    async def test_ships_eight_manajerial_and_sk1_with_five_levels(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.get(BASE, params={"limit": 500}, headers=as_(settings, world, "asn_a"))
        assert r.status_code == 200, r.text
        body = r.json()
        assert [c["code"] for c in body["items"]][:9] == SHIPPED
        assert body["total"] == len(body["items"])
        assert body["next_cursor"] is None
        shipped = {c["code"]: c for c in body["items"] if c["code"] in SHIPPED}
        assert shipped["M1"]["name"] == "Integritas" and shipped["M1"]["group"] == "manajerial"
        assert shipped["SK1"]["name"] == "Perekat Bangsa" and shipped["SK1"]["group"] == "sosial_kultural"
        assert sum(c["group"] == "manajerial" for c in shipped.values()) == 8
        for c in shipped.values():
            assert [lv["level"] for lv in c["levels"]] == [1, 2, 3, 4, 5]
            assert all(lv["description"].strip() for lv in c["levels"])
            assert c["active"] is True

    async def test_filters(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        admin = as_(settings, world, "bpsdm")
        made = await create(client, admin, name="Analisis Kebijakan Publik")
        r = await client.get(BASE, params={"group": "sosial_kultural"}, headers=admin)
        assert [c["code"] for c in r.json()["items"]] == ["SK1"]
        r = await client.get(BASE, params={"group": "teknis"}, headers=admin)
        assert made["code"] in [c["code"] for c in r.json()["items"]]
        assert all(c["group"] == "teknis" for c in r.json()["items"])
        r = await client.get(BASE, params={"q": "integ"}, headers=admin)
        assert [c["code"] for c in r.json()["items"]] == ["M1"]
        r = await client.get(BASE, params={"q": "kebijakan publik"}, headers=admin)
        assert [c["code"] for c in r.json()["items"]] == [made["code"]]
        r = await client.get(BASE, params={"group": "rahasia"}, headers=admin)
        problem(r, 422, "validation_error")

    async def test_active_filter_hides_retired(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        admin = as_(settings, world, "bpsdm")
        made = await create(client, admin)
        r = await client.patch(
            f"{BASE}/{made['code']}", json={"active": False}, headers=admin | {"If-Match": '"1"'}
        )
        assert r.status_code == 200, r.text
        active = await client.get(BASE, params={"active": "true", "limit": 500}, headers=admin)
        assert made["code"] not in [c["code"] for c in active.json()["items"]]
        retired = await client.get(BASE, params={"active": "false", "limit": 500}, headers=admin)
        assert made["code"] in [c["code"] for c in retired.json()["items"]]
        assert all(not c["active"] for c in retired.json()["items"])

    async def test_cursor_pages_keep_the_order_and_miss_nothing(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        admin = as_(settings, world, "bpsdm")
        # Teknis codes sorting before "M1" still come after the manajerial and sosial kultural ones.
        extra = [(await create(client, admin, code=code))["code"] for code in ("A.01", "ZZ.9", "B-7", "N_3")]
        seen: list[str] = []
        cursor: str | None = None
        while True:
            params: dict[str, Any] = {"limit": 4} | ({"cursor": cursor} if cursor else {})
            r = await client.get(BASE, params=params, headers=admin)
            assert r.status_code == 200, r.text
            seen += [c["code"] for c in r.json()["items"]]
            cursor = r.json()["next_cursor"]
            if cursor is None:
                break
        everything = await client.get(BASE, params={"limit": 500}, headers=admin)
        assert seen == [c["code"] for c in everything.json()["items"]]
        assert seen[:9] == SHIPPED
        assert sorted(extra) == [c for c in seen if c in extra]
        assert len(seen) == len(set(seen)) == everything.json()["total"]

    async def test_bad_cursor_and_limit(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        admin = as_(settings, world, "bpsdm")
        problem(await client.get(BASE, params={"cursor": "%%%"}, headers=admin), 422, "invalid_cursor")
        problem(await client.get(BASE, params={"cursor": "WyJ4IiwxXQ"}, headers=admin), 422, "invalid_cursor")
        problem(await client.get(BASE, params={"limit": 501}, headers=admin), 422, "validation_error")

    async def test_clients_need_reference_read(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.get(BASE, headers=bearer(settings, client_principal("reference:read")))
        assert r.status_code == 200
        r = await client.get(BASE, headers=bearer(settings, client_principal("learning:read")))
        problem(r, 403, "forbidden")
        r = await client.post(
            BASE, json=teknis(), headers=bearer(settings, client_principal("reference:read"))
        )
        problem(r, 403, "forbidden")


class TestGet:
    async def test_one_with_etag(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        r = await client.get(f"{BASE}/M4", headers=as_(settings, world, "opd_a"))
        assert r.status_code == 200, r.text
        assert r.headers["etag"] == '"1"'
        assert r.json()["name"] == "Orientasi pada Hasil"
        assert len(r.json()["levels"]) == 5

    async def test_unknown(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        r = await client.get(f"{BASE}/NOPE", headers=as_(settings, world, "asn_a"))
        problem(r, 404, "competency_not_found")


class TestCreate:
    async def test_teknis_created_with_location_etag_and_audit(
        self, client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
    ) -> None:
        body = teknis(code="T.KEU-01_A", levels=list(reversed(levels(1, 2, 3, 4, 5))))
        r = await client.post(BASE, json=body, headers=as_(settings, world, "bpsdm"))
        assert r.status_code == 201, r.text
        assert r.headers["location"] == "/api/v1/competencies/T.KEU-01_A"
        assert r.headers["etag"] == '"1"'
        data = r.json()
        assert data["group"] == "teknis" and data["active"] is True
        assert [lv["level"] for lv in data["levels"]] == [1, 2, 3, 4, 5]
        got = await client.get(r.headers["location"], headers=as_(settings, world, "asn_a"))
        assert got.json() == data
        (row,) = await audit_rows(session, "competency", "T.KEU-01_A")
        assert row.action == "create" and row.actor == "bpsdm"
        assert row.after is not None and row.after["group"] == "teknis"

    async def test_group_defaults_to_teknis(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        body = teknis()
        del body["group"]
        r = await client.post(BASE, json=body, headers=as_(settings, world, "bpsdm"))
        assert r.status_code == 201, r.text
        assert r.json()["group"] == "teknis"

    async def test_idempotent_retry(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        headers = as_(settings, world, "bpsdm") | {"Idempotency-Key": "kompetensi-1"}
        body = teknis()
        first = await client.post(BASE, json=body, headers=headers)
        again = await client.post(BASE, json=body, headers=headers)
        assert first.status_code == again.status_code == 201
        assert again.json() == first.json()
        other = await client.post(BASE, json=teknis(), headers=headers)
        problem(other, 422, "idempotency_key_reused")

    @pytest.mark.parametrize("group", ["manajerial", "sosial_kultural"])
    async def test_shipped_groups_cannot_be_added(
        self, client: httpx.AsyncClient, settings: Settings, world: World, group: str
    ) -> None:
        r = await client.post(BASE, json=teknis(group=group), headers=as_(settings, world, "bpsdm"))
        data = problem(r, 422, "competency_group_not_creatable")
        assert "teknis" in data["detail"]

    async def test_duplicate_code(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        admin = as_(settings, world, "bpsdm")
        made = await create(client, admin)
        problem(
            await client.post(BASE, json=teknis(code=made["code"]), headers=admin), 409, "competency_exists"
        )
        problem(await client.post(BASE, json=teknis(code="M1"), headers=admin), 409, "competency_exists")

    @pytest.mark.parametrize(
        ("overrides", "needle"),
        [
            ({"levels": levels(1, 2, 4, 5)}, "missing level 3"),
            ({"levels": levels(1, 2, 3, 3, 5)}, "level 3 is described more than once"),
            ({"levels": levels(1, 2, 3, 4, 5, 6)}, ""),
            ({"levels": levels(2, 3, 4, 5, 6)}, "less than or equal to 5"),
            ({"levels": levels(0, 1, 2, 3, 4)}, "greater than or equal to 1"),
            ({"levels": []}, "missing level 1"),
            ({"levels": [*levels(1, 2, 3, 4), {"level": 5, "description": "   "}]}, ""),
            ({"levels": [*levels(1, 2, 3, 4), {"level": 5}]}, ""),
            ({"code": "t.arsip"}, "pattern"),
            ({"code": "T ARSIP"}, "pattern"),
            ({"code": "T" * 21}, "at most 20"),
            ({"code": ""}, ""),
            ({"name": ""}, ""),
            ({"group": "lainnya"}, ""),
            ({"extra": 1}, ""),
        ],
    )
    async def test_invalid_bodies(
        self,
        client: httpx.AsyncClient,
        session: AsyncSession,
        settings: Settings,
        world: World,
        overrides: dict[str, Any],
        needle: str,
    ) -> None:
        r = await client.post(BASE, json=teknis(**overrides), headers=as_(settings, world, "bpsdm"))
        data = problem(r, 422, "validation_error")
        assert needle in data["detail"] + str(data["errors"])
        rows = await session.execute(select(AuditEntry).where(AuditEntry.entity == "competency"))
        assert rows.first() is None

    @pytest.mark.parametrize("who", ["asn_a", "opd_a", "auditor"])
    async def test_only_bpsdm(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str
    ) -> None:
        problem(await client.post(BASE, json=teknis(), headers=as_(settings, world, who)), 403, "forbidden")


class TestUpdate:
    async def test_if_match_rules(
        self, client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
    ) -> None:
        admin = as_(settings, world, "bpsdm")
        made = await create(client, admin)
        url = f"{BASE}/{made['code']}"
        problem(
            await client.patch(url, json={"name": "Kearsipan"}, headers=admin), 428, "precondition_required"
        )
        stale = admin | {"If-Match": '"7"'}
        problem(
            await client.patch(url, json={"name": "Kearsipan"}, headers=stale), 412, "precondition_failed"
        )
        r = await client.patch(
            url,
            json={"name": "Kearsipan", "levels": levels(5, 4, 3, 2, 1)},
            headers=admin | {"If-Match": '"1"'},
        )
        assert r.status_code == 200, r.text
        assert r.headers["etag"] == '"2"'
        assert r.json()["name"] == "Kearsipan"
        old = admin | {"If-Match": '"1"'}
        problem(await client.patch(url, json={"name": "Lagi"}, headers=old), 412, "precondition_failed")
        _create_row, update_row = await audit_rows(session, "competency", made["code"])
        assert update_row.action == "update"
        assert update_row.before is not None and update_row.before["name"] == "Pengelolaan Arsip Dinamis"
        assert update_row.after is not None and update_row.after["name"] == "Kearsipan"

    async def test_shipped_descriptions_editable_group_and_code_not(
        self, client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
    ) -> None:
        admin = as_(settings, world, "bpsdm") | {"If-Match": '"1"'}
        new_levels = levels(1, 2, 3, 4, 5)
        r = await client.patch(
            f"{BASE}/M1",
            json={"description": "Perilaku jujur dan etis.", "levels": new_levels},
            headers=admin,
        )
        assert r.status_code == 200, r.text
        assert r.json()["description"] == "Perilaku jujur dan etis."
        assert r.json()["levels"] == new_levels
        assert r.json()["group"] == "manajerial"
        for body in ({"group": "teknis"}, {"code": "M9"}):
            problem(await client.patch(f"{BASE}/M2", json=body, headers=admin), 422, "validation_error")
        assert len(await audit_rows(session, "competency", "M1")) == 1
        assert await audit_rows(session, "competency", "M2") == []

    async def test_invalid_updates(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        admin = as_(settings, world, "bpsdm") | {"If-Match": '"1"'}
        problem(await client.patch(f"{BASE}/M3", json={"name": None}, headers=admin), 422, "null_not_allowed")
        problem(
            await client.patch(f"{BASE}/M3", json={"active": None}, headers=admin), 422, "null_not_allowed"
        )
        r = await client.patch(f"{BASE}/M3", json={"levels": levels(1, 2, 3)}, headers=admin)
        problem(r, 422, "validation_error")
        problem(
            await client.patch(f"{BASE}/NOPE", json={"name": "X"}, headers=admin), 404, "competency_not_found"
        )

    async def test_unchanged_patch_writes_nothing(
        self, client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
    ) -> None:
        admin = as_(settings, world, "bpsdm") | {"If-Match": '"1"'}
        r = await client.patch(f"{BASE}/M5", json={"name": "Pelayanan Publik"}, headers=admin)
        assert r.status_code == 200, r.text
        assert r.headers["etag"] == '"1"'
        assert await audit_rows(session, "competency", "M5") == []

    @pytest.mark.parametrize("who", ["asn_a", "opd_a", "auditor"])
    async def test_only_bpsdm(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str
    ) -> None:
        r = await client.patch(
            f"{BASE}/M1", json={"name": "X"}, headers=as_(settings, world, who) | {"If-Match": '"1"'}
        )
        problem(r, 403, "forbidden")


EXPECTED_DEFAULTS = [
    {"jenis_jabatan": "jpt_utama", "jenjang": None, "required_level": 5},
    {"jenis_jabatan": "jpt_madya", "jenjang": None, "required_level": 5},
    {"jenis_jabatan": "jpt_pratama", "jenjang": None, "required_level": 4},
    {"jenis_jabatan": "administrator", "jenjang": None, "required_level": 3},
    {"jenis_jabatan": "pengawas", "jenjang": None, "required_level": 2},
    {"jenis_jabatan": "pelaksana", "jenjang": None, "required_level": 1},
    {"jenis_jabatan": "fungsional", "jenjang": "ahli_utama", "required_level": 4},
    {"jenis_jabatan": "fungsional", "jenjang": "ahli_madya", "required_level": 3},
    {"jenis_jabatan": "fungsional", "jenjang": "ahli_muda", "required_level": 2},
    {"jenis_jabatan": "fungsional", "jenjang": "ahli_pertama", "required_level": 1},
    {"jenis_jabatan": "fungsional", "jenjang": "penyelia", "required_level": 1},
    {"jenis_jabatan": "fungsional", "jenjang": "mahir", "required_level": 1},
    {"jenis_jabatan": "fungsional", "jenjang": "terampil", "required_level": 1},
    {"jenis_jabatan": "fungsional", "jenjang": "pemula", "required_level": 1},
]


class TestDefaults:
    async def test_shipped_table(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        r = await client.get(DEFAULTS, headers=as_(settings, world, "asn_a"))
        assert r.status_code == 200, r.text
        assert r.json()["items"] == EXPECTED_DEFAULTS
        assert r.headers["etag"].startswith('"d-')

    async def test_put_replaces_the_table(
        self, client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
    ) -> None:
        admin = as_(settings, world, "bpsdm")
        tag = (await client.get(DEFAULTS, headers=admin)).headers["etag"]
        items = [
            {"jenis_jabatan": "administrator", "required_level": 4},
            {"jenis_jabatan": "fungsional", "jenjang": "ahli_muda", "required_level": 3},
        ]
        problem(
            await client.put(DEFAULTS, json={"items": items}, headers=admin), 428, "precondition_required"
        )
        r = await client.put(DEFAULTS, json={"items": items}, headers=admin | {"If-Match": '"d-0"'})
        problem(r, 412, "precondition_failed")
        r = await client.put(DEFAULTS, json={"items": items}, headers=admin | {"If-Match": tag})
        assert r.status_code == 200, r.text
        expected = [
            {"jenis_jabatan": "administrator", "jenjang": None, "required_level": 4},
            {"jenis_jabatan": "fungsional", "jenjang": "ahli_muda", "required_level": 3},
        ]
        assert r.json()["items"] == expected
        assert r.headers["etag"] != tag
        got = await client.get(DEFAULTS, headers=admin)
        assert got.json()["items"] == expected and got.headers["etag"] == r.headers["etag"]
        (row,) = await audit_rows(session, "standard_defaults", "all")
        assert row.action == "update"
        assert row.before == {"items": EXPECTED_DEFAULTS}
        assert row.after == {"items": expected}
        # The new defaults apply to positions created from now on.
        pid = await new_position(client, settings, world, "administrator")
        assert await levels_of(client, settings, world, pid) == {c: 4 for c in SHIPPED}
        pid = await new_position(client, settings, world, "pengawas")
        assert await levels_of(client, settings, world, pid) == {}

    @pytest.mark.parametrize(
        ("item", "status", "code"),
        [
            ({"jenis_jabatan": "menteri", "required_level": 3}, 422, "invalid_code"),
            ({"jenis_jabatan": "fungsional", "required_level": 3}, 422, "invalid_code"),
            (
                {"jenis_jabatan": "fungsional", "jenjang": "ahli_super", "required_level": 3},
                422,
                "invalid_code",
            ),
            ({"jenis_jabatan": "pengawas", "jenjang": "ahli_muda", "required_level": 3}, 422, "invalid_code"),
            ({"jenis_jabatan": "pengawas", "required_level": 6}, 422, "validation_error"),
            ({"jenis_jabatan": "pengawas", "required_level": 0}, 422, "validation_error"),
            ({"jenis_jabatan": "pengawas"}, 422, "validation_error"),
            ({"jenis_jabatan": "administrator", "required_level": 2}, 422, "duplicate_default"),
        ],
    )
    async def test_invalid_tables(
        self,
        client: httpx.AsyncClient,
        session: AsyncSession,
        settings: Settings,
        world: World,
        item: dict[str, Any],
        status: int,
        code: str,
    ) -> None:
        admin = as_(settings, world, "bpsdm")
        tag = (await client.get(DEFAULTS, headers=admin)).headers["etag"]
        items = [{"jenis_jabatan": "administrator", "required_level": 3}, item]
        r = await client.put(DEFAULTS, json={"items": items}, headers=admin | {"If-Match": tag})
        problem(r, status, code)
        assert (await client.get(DEFAULTS, headers=admin)).json()["items"] == EXPECTED_DEFAULTS
        assert await audit_rows(session, "standard_defaults", "all") == []

    @pytest.mark.parametrize("who", ["asn_a", "opd_a", "auditor"])
    async def test_only_bpsdm(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str
    ) -> None:
        r = await client.put(
            DEFAULTS, json={"items": []}, headers=as_(settings, world, who) | {"If-Match": "*"}
        )
        problem(r, 403, "forbidden")


_positions = itertools.count(1)


async def new_position(
    client: httpx.AsyncClient, settings: Settings, world: World, kind: str, jenjang: str | None = None
) -> int:
    body = {
        "code": f"JAB-{kind}-{next(_positions)}",
        "name": f"Jabatan {kind}",
        "jenis_jabatan": kind,
        "jenjang": jenjang,
        "unit_id": world.unit_a.id,
    }
    r = await client.post("/api/v1/positions", json=body, headers=as_(settings, world, "bpsdm"))
    assert r.status_code == 201, r.text
    position_id: int = r.json()["id"]
    return position_id


async def levels_of(
    client: httpx.AsyncClient, settings: Settings, world: World, position_id: int
) -> dict[str, int]:
    r = await client.get(f"/api/v1/positions/{position_id}/standards", headers=as_(settings, world, "asn_a"))
    assert r.status_code == 200, r.text
    return {i["competency_code"]: i["required_level"] for i in r.json()["items"]}


class TestDefaultStandardOnCreation:
    @pytest.mark.parametrize(
        ("kind", "jenjang", "level"),
        [
            ("jpt_utama", None, 5),
            ("jpt_pratama", None, 4),
            ("administrator", None, 3),
            ("pengawas", None, 2),
            ("pelaksana", None, 1),
            ("fungsional", "ahli_utama", 4),
            ("fungsional", "ahli_madya", 3),
            ("fungsional", "ahli_muda", 2),
            ("fungsional", "terampil", 1),
        ],
    )
    async def test_new_position_gets_the_default_levels(
        self,
        client: httpx.AsyncClient,
        session: AsyncSession,
        settings: Settings,
        world: World,
        kind: str,
        jenjang: str | None,
        level: int,
    ) -> None:
        pid = await new_position(client, settings, world, kind, jenjang)
        r = await client.get(f"/api/v1/positions/{pid}/standards", headers=as_(settings, world, "asn_a"))
        body = r.json()
        assert [i["competency_code"] for i in body["items"]] == SHIPPED
        assert {i["required_level"] for i in body["items"]} == {level}
        assert body["updated_at"] is not None
        # One write, one audit row: the default standard is recorded in the position's creation row.
        assert await audit_rows(session, "position_standard", str(pid)) == []
        (row,) = await audit_rows(session, "position", str(pid))
        assert row.action == "create" and row.actor == "bpsdm"
        assert row.after is not None and len(row.after["standard"]) == 9
        assert {line["required_level"] for line in row.after["standard"]} == {level}

    async def test_retired_and_teknis_competencies_are_left_out(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        admin = as_(settings, world, "bpsdm")
        await create(client, admin)
        r = await client.patch(f"{BASE}/M8", json={"active": False}, headers=admin | {"If-Match": '"1"'})
        assert r.status_code == 200, r.text
        pid = await new_position(client, settings, world, "pengawas")
        assert await levels_of(client, settings, world, pid) == {c: 2 for c in SHIPPED if c != "M8"}

    async def test_no_default_row_no_standard(
        self, client: httpx.AsyncClient, session: AsyncSession, settings: Settings, world: World
    ) -> None:
        admin = as_(settings, world, "bpsdm")
        tag = (await client.get(DEFAULTS, headers=admin)).headers["etag"]
        r = await client.put(DEFAULTS, json={"items": []}, headers=admin | {"If-Match": tag})
        assert r.status_code == 200, r.text
        pid = await new_position(client, settings, world, "administrator")
        r = await client.get(f"/api/v1/positions/{pid}/standards", headers=admin)
        assert r.json()["items"] == [] and r.json()["updated_at"] is None
        assert await audit_rows(session, "position_standard", str(pid)) == []
