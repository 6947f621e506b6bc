"""The talent map, the people of a box and the XLSX export: counts per box and unit from the stored
placements, which must agree with ninebox.place() for every ASN and follow every change of an input."""

from __future__ import annotations

import io
import random
from collections import Counter
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.core.config import Settings
from app.core.spreadsheets import XLSX_MEDIA_TYPE
from tests import factories
from tests.competencies.helpers import add_teknis, set_standard
from tests.factories import World
from tests.http import as_, problem
from tests.talent.ninebox_world import (
    POTENSIAL_INPUTS,
    PREDIKAT_OF,
    YEAR,
    give_inputs,
    put_rules,
    talent_rules,
    talent_url,
    with_standard,
)

MAP = "/api/v1/reports/talent-map"
PREDIKAT = ("sangat_baik", "baik", "butuh_perbaikan", "kurang", "sangat_kurang")


def box_url(box: int) -> str:
    return f"{MAP}/box/{box}"


async def get_map(
    client: httpx.AsyncClient, settings: Settings, world: World, who: str = "bpsdm", **params: Any
) -> dict[str, Any]:
    r = await client.get(MAP, params={"year": YEAR} | params, headers=as_(settings, world, who))
    assert r.status_code == 200, r.text
    data: dict[str, Any] = r.json()
    return data


async def people(
    client: httpx.AsyncClient, settings: Settings, world: World, box: int, who: str = "bpsdm", **params: Any
) -> list[dict[str, Any]]:
    """Every page of a box's people."""
    out: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {"year": YEAR, "limit": 3} | params | ({"cursor": cursor} if cursor else {})
        r = await client.get(box_url(box), params=query, headers=as_(settings, world, who))
        assert r.status_code == 200, r.text
        page = r.json()
        out += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            assert page["total"] == len(out)
            return out


def counts(boxes: list[dict[str, Any]]) -> dict[int, int]:
    return {b["box"]: b["count"] for b in boxes if b["count"]}


async def varied_world(
    client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
) -> None:
    """Every box at its cut-offs, every missing input, and random people, in three units and two
    standards (one with a teknis competency, for group weights); one inactive ASN."""
    await add_teknis(session, "T.TIK")
    await with_standard(session, world)
    teknis = await factories.create_position(
        session, world.unit_b, jenis_jabatan="fungsional", jenjang="ahli_muda"
    )
    await set_standard(session, teknis, {"M1": 3, "SK1": 3, "T.TIK": 4})
    units = [world.unit_a, world.unit_a1, world.unit_b]
    made: list[Asn] = []
    for n in range(9 + 3 + 18):
        unit = units[n % 3]
        position = teknis if unit is world.unit_b and n % 2 else world.position_a
        made.append(await factories.create_asn(session, unit, position=position, name=f"ASN {n:02d}"))
    await session.commit()
    std_a = {"M1", "M2"}
    rng = random.Random(16)
    for n, asn in enumerate(made):
        codes = std_a if asn.position_id == world.position_a.id else {"M1", "SK1", "T.TIK"}
        if n < 9:  # every box exactly at its cut-off (the standard-a people)
            kinerja = ("di_bawah", "sesuai", "di_atas")[n // 3]
            potensial = ("rendah", "menengah", "tinggi")[n % 3]
            (m1, m2), score = POTENSIAL_INPUTS[potensial]
            levels = {"M1": m1, "M2": m2} if codes == std_a else {"M1": m1, "SK1": m2, "T.TIK": m2}
            await give_inputs(
                client,
                settings,
                world,
                asn.nip,
                levels=levels,
                predikat=PREDIKAT_OF[kinerja],
                potential=score,
            )
        elif n < 12:  # one input missing each
            levels = {code: 3 for code in codes}
            if n == 9:
                await give_inputs(client, settings, world, asn.nip, levels=levels, potential="80")
            elif n == 10:
                await give_inputs(client, settings, world, asn.nip, levels=levels, predikat="baik")
            else:
                await give_inputs(
                    client, settings, world, asn.nip, levels={"M1": 3}, predikat="baik", potential="80"
                )
        else:
            levels = {code: rng.randint(1, 5) for code in codes}
            await give_inputs(
                client,
                settings,
                world,
                asn.nip,
                levels=levels,
                predikat=rng.choice(PREDIKAT),
                potential=f"{rng.uniform(40, 100):.2f}",
            )
    # asn_a1 holds no position (no JPM); asn_b has nothing; pppk_a is deactivated below.
    await give_inputs(client, settings, world, world.asn_a1.nip, predikat="sangat_baik", potential="90")
    await give_inputs(client, settings, world, world.pppk_a.nip, predikat="sangat_baik", potential="90")
    r = await client.patch(
        f"/api/v1/asn/{world.pppk_a.nip}",
        json={"active": False},
        headers=as_(settings, world, "bpsdm") | {"If-Match": '"1"'},
    )
    assert r.status_code == 200, r.text


async def placed_one_by_one(
    client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
) -> dict[str, tuple[int, dict[str, Any]]]:
    """NIP → (unit_id, GET /asn/{nip}/talent) for every active ASN: ninebox.place() over each one's inputs."""
    from sqlalchemy import select

    rows = (await session.execute(select(Asn.nip, Asn.unit_id).where(Asn.active.is_(True)))).all()
    out = {}
    for nip, unit_id in rows:
        r = await client.get(talent_url(nip), headers=as_(settings, world, "bpsdm"))
        assert r.status_code == 200, r.text
        out[nip] = (unit_id, r.json())
    return out


async def assert_agreement(
    client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
) -> Counter[int]:
    one_by_one = await placed_one_by_one(client, settings, world, session)
    by_box = Counter(t["box"] for _, t in one_by_one.values() if t["box"] is not None)
    report = await get_map(client, settings, world)
    assert report["headcount"] == len(one_by_one)
    assert report["assessed"] == sum(by_box.values())
    assert counts(report["boxes"]) == dict(by_box)
    assert [b["box"] for b in report["boxes"]] == list(range(1, 10))
    missing = Counter(
        m for _, t in one_by_one.values() for m in t["missing"] if t["inputs"]["predikat"] is not None
    )
    missing["performance"] = sum(1 for _, t in one_by_one.values() if t["inputs"]["predikat"] is None)
    assert {m["input"]: m["count"] for m in report["missing"]} == {
        k: missing[k] for k in ("performance", "jpm", "potential_assessment")
    }
    # Per top-level unit (DINAS_A with BIDANG_A1 under it, DINAS_B).
    row_of = {
        world.unit_a.id: world.unit_a.id,
        world.unit_a1.id: world.unit_a.id,
        world.unit_b.id: world.unit_b.id,
    }
    for unit in report["units"]:
        mine = [t for unit_id, t in one_by_one.values() if row_of.get(unit_id) == unit["unit_id"]]
        assert unit["headcount"] == len(mine)
        assert counts(unit["boxes"]) == dict(Counter(t["box"] for t in mine if t["box"] is not None))
    # The people of each box, with the same potensial score.
    for box in range(1, 10):
        expected = {
            nip: (t["kinerja"], t["potensial"], t["potensial_score"])
            for nip, (_, t) in one_by_one.items()
            if t["box"] == box
        }
        listed = await people(client, settings, world, box)
        assert [p["nip"] for p in listed] == sorted(expected)
        assert {p["nip"]: (p["kinerja"], p["potensial"], p["potensial_score"]) for p in listed} == expected
    return by_box


class TestAgreementWithPlace:
    async def test_the_stored_map_is_what_place_gives_each_asn(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await varied_world(client, settings, world, session)
        by_box = await assert_agreement(client, settings, world, session)
        assert set(by_box) == set(range(1, 10)), "the world puts someone in every box"
        # The year's rules change: sum_ratio, group weights, other potensial weights and cut-offs and a
        # kinerja map; the stored placements follow and still agree.
        await put_rules(
            client,
            settings,
            world,
            YEAR,
            jpm_method="sum_ratio",
            jpm_group_weights=[
                {"groups": ["teknis"], "weight": 35},
                {"groups": ["manajerial", "sosial_kultural"], "weight": 65},
            ],
            talent_rules=talent_rules(
                potensial_weights={"jpm": "0.35", "potential_score": "0.65"},
                potensial_cutoffs={"tinggi": "77.5", "menengah": "62.25"},
                kinerja_by_predikat={
                    "sangat_baik": "di_atas",
                    "baik": "di_atas",
                    "butuh_perbaikan": "sesuai",
                    "kurang": "di_bawah",
                    "sangat_kurang": "di_bawah",
                },
            ),
        )
        await assert_agreement(client, settings, world, session)
        await put_rules(
            client,
            settings,
            world,
            YEAR,
            jpm_method="capped",
            jpm_group_weights=[
                {"groups": ["teknis"], "weight": 33.33},
                {"groups": ["manajerial"], "weight": 33.33},
                {"groups": ["sosial_kultural"], "weight": 33.34},
            ],
        )
        await assert_agreement(client, settings, world, session)


class TestPlacementsFollowTheirInputs:
    async def test_every_input_moves_the_box(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await with_standard(session, world)
        nip = world.asn_a.nip
        h = as_(settings, world, "bpsdm")

        async def box() -> dict[int, int]:
            return counts((await get_map(client, settings, world))["boxes"])

        await give_inputs(client, settings, world, nip, levels={"M1": 4, "M2": 4}, predikat="baik")
        assert await box() == {}
        await give_inputs(client, settings, world, nip, potential="60")  # 80: tinggi
        assert await box() == {8: 1}
        r = await client.put(
            f"/api/v1/asn/{nip}/performance/{YEAR}",
            json={"predikat": "sangat_baik"},
            headers=h | {"If-Match": '"1"'},
        )
        assert r.status_code == 200, r.text
        assert await box() == {9: 1}
        await give_inputs(client, settings, world, nip, levels={"M1": 3, "M2": 3})  # JPM 75 → 67.5
        assert await box() == {7: 1}
        await set_standard(session, world.position_a, {"M1": 3, "M2": 3})  # JPM 100 again
        assert await box() == {9: 1}
        await put_rules(
            client,
            settings,
            world,
            YEAR,
            talent_rules=talent_rules(potensial_cutoffs={"tinggi": "81", "menengah": "65"}),
        )
        assert await box() == {7: 1}
        # Moved to another unit: counted there; deactivated: not counted.
        r = await client.patch(
            f"/api/v1/asn/{nip}", json={"unit_id": world.unit_b.id}, headers=h | {"If-Match": '"1"'}
        )
        assert r.status_code == 200, r.text
        report = await get_map(client, settings, world)
        assert [(u["unit_id"], counts(u["boxes"])) for u in report["units"]] == [
            (world.unit_a.id, {}),
            (world.unit_b.id, {7: 1}),
        ]
        r = await client.patch(f"/api/v1/asn/{nip}", json={"active": False}, headers=h | {"If-Match": '"2"'})
        assert r.status_code == 200, r.text
        assert await box() == {}

    async def test_a_sync_batch_places_its_people(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await with_standard(session, world)
        nip = world.asn_a.nip
        await give_inputs(client, settings, world, nip, levels={"M1": 4, "M2": 4}, potential="90")
        r = await client.post(
            "/api/v1/sync/performance",
            json={"items": [{"nip": nip, "year": YEAR, "predikat": "baik"}]},
            headers=as_(settings, world, "client:talent:write"),
        )
        assert r.status_code == 200, r.text
        assert counts((await get_map(client, settings, world))["boxes"]) == {8: 1}


class TestMap:
    async def test_an_opd_admin_gets_its_subtree_with_its_direct_people(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await with_standard(session, world)
        await give_inputs(
            client,
            settings,
            world,
            world.asn_a.nip,
            levels={"M1": 4, "M2": 4},
            predikat="sangat_baik",
            potential="90",
        )
        await give_inputs(client, settings, world, world.asn_b.nip, predikat="baik")
        report = await get_map(client, settings, world, "opd_a")
        assert (report["unit_id"], report["name"], report["headcount"], report["assessed"]) == (
            world.unit_a.id,
            world.unit_a.name,
            3,
            1,
        )
        assert counts(report["boxes"]) == {9: 1}
        assert report["direct"]["headcount"] == 2 and counts(report["direct"]["boxes"]) == {9: 1}
        assert [(u["unit_id"], u["headcount"], u["assessed"]) for u in report["units"]] == [
            (world.unit_a1.id, 1, 0)
        ]
        assert {m["input"]: m["count"] for m in report["missing"]} == {
            "performance": 2,
            "jpm": 0,
            "potential_assessment": 0,
        }
        province = await get_map(client, settings, world, "auditor")
        assert (province["unit_id"], province["direct"], province["headcount"]) == (None, None, 4)
        assert {m["input"]: m["count"] for m in province["missing"]}["potential_assessment"] == 1
        b = await get_map(client, settings, world, "bpsdm", unit_id=world.unit_b.id)
        assert (b["headcount"], b["assessed"], b["units"]) == (1, 0, [])

    @pytest.mark.parametrize(
        ("who", "unit"), [("opd_b", "unit_a"), ("opd_a1", "unit_a"), ("opd_a", "unit_b")]
    )
    async def test_another_subtree_is_not_found(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str, unit: str
    ) -> None:
        unit_id = getattr(world, unit).id
        for url in (MAP, box_url(9), "/api/v1/exports/talent-map"):
            r = await client.get(url, params={"unit_id": unit_id}, headers=as_(settings, world, who))
            problem(r, 404, "unit_not_found")

    @pytest.mark.parametrize("who", ["asn_a", "client:asn:read"])
    async def test_asn_and_clients_without_talent_read_are_refused(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str
    ) -> None:
        for url in (MAP, box_url(9), "/api/v1/exports/talent-map"):
            problem(await client.get(url, headers=as_(settings, world, who)), 403, "forbidden")

    async def test_a_client_with_talent_read(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.get(MAP, headers=as_(settings, world, "client:talent:read"))
        assert r.status_code == 200, r.text

    async def test_box_people_are_scoped_and_paged(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await with_standard(session, world)
        extra = [
            await factories.create_asn(session, world.unit_a, position=world.position_a) for _ in range(4)
        ]
        other = await factories.create_asn(session, world.unit_b, position=world.position_a)
        await session.commit()
        for asn in [*extra, other]:
            await give_inputs(
                client,
                settings,
                world,
                asn.nip,
                levels={"M1": 4, "M2": 4},
                predikat="sangat_baik",
                potential="90",
            )
        assert {p["nip"] for p in await people(client, settings, world, 9, "opd_a")} == {a.nip for a in extra}
        assert [p["nip"] for p in await people(client, settings, world, 9, "opd_b")] == [other.nip]
        listed = await people(client, settings, world, 9)
        assert len(listed) == 5
        assert listed[0] | {"nip": None} == {
            "nip": None,
            "name": listed[0]["name"],
            "unit_id": listed[0]["unit_id"],
            "unit": listed[0]["unit"],
            "kinerja": "di_atas",
            "potensial": "tinggi",
            "potensial_score": 95.0,
        }
        assert await people(client, settings, world, 8) == []

        # Searched by part of the NIP or of the name, within the caller's reach.
        assert [p["nip"] for p in await people(client, settings, world, 9, q=extra[0].nip[-6:])] == [
            extra[0].nip
        ]
        assert len(await people(client, settings, world, 9, q=other.name.upper()[:6])) == 5  # any case
        assert await people(client, settings, world, 9, "opd_a", q=other.nip) == []  # not in its reach
        assert await people(client, settings, world, 9, q="%") == []

    @pytest.mark.parametrize("box", ["0", "10", "x"])
    async def test_box_must_be_one_to_nine(
        self, client: httpx.AsyncClient, settings: Settings, world: World, box: str
    ) -> None:
        r = await client.get(f"{MAP}/box/{box}", headers=as_(settings, world, "bpsdm"))
        problem(r, 422, "validation_error")

    async def test_a_forged_cursor(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        from app.core.pagination import encode_cursor

        r = await client.get(
            box_url(9), params={"cursor": encode_cursor([7])}, headers=as_(settings, world, "bpsdm")
        )
        problem(r, 422, "invalid_cursor")


class TestExport:
    async def test_xlsx_holds_the_map_and_every_person(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await with_standard(session, world)
        await give_inputs(
            client,
            settings,
            world,
            world.asn_a.nip,
            levels={"M1": 4, "M2": 4},
            predikat="sangat_baik",
            potential="90",
        )
        await give_inputs(client, settings, world, world.asn_b.nip, predikat="baik")
        r = await client.get(
            "/api/v1/exports/talent-map", params={"year": YEAR}, headers=as_(settings, world, "bpsdm")
        )
        assert r.status_code == 200, r.text
        assert r.headers["content-type"] == XLSX_MEDIA_TYPE
        assert r.headers["content-disposition"] == f'attachment; filename="peta-talenta-{YEAR}.xlsx"'
        book = load_workbook(io.BytesIO(r.content))
        assert book.sheetnames == ["Peta Talenta", "Daftar Talenta"]
        summary = list(book["Peta Talenta"].iter_rows(values_only=True))
        assert summary[-1][:4] == (None, "Jumlah", 4, 1) and summary[-1][4:] == (0,) * 8 + (1,)
        rows = {row[0]: row for row in book["Daftar Talenta"].iter_rows(min_row=2, values_only=True)}
        assert len(rows) == 4
        a = rows[world.asn_a.nip]
        assert a[3:12] == ("Sangat Baik", "Di atas ekspektasi", 100, 90, 95, "Tinggi", 9, a[10], "Ya")
        assert a[12] is None
        assert rows[world.asn_b.nip][12] == "JPM, Penilaian potensi"
        assert rows[world.asn_a1.nip][12] == "SKP"

    async def test_csv_and_bytes_for_a_generated_client(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "opd_a")
        csv = await client.get("/api/v1/exports/talent-map", params={"format": "csv"}, headers=h)
        assert csv.status_code == 200
        assert csv.headers["content-type"].startswith("text/csv")
        lines = csv.content.decode("utf-8-sig").splitlines()
        assert lines[0].startswith("NIP;Nama;Unit Kerja;Predikat SKP")
        assert len(lines) == 1 + 3  # opd_a's three active ASN
        raw = await client.get(
            "/api/v1/exports/talent-map", headers=h | {"Accept": "application/octet-stream"}
        )
        assert raw.status_code == 200
        assert raw.headers["content-type"] == "application/octet-stream"
        assert raw.content[:2] == b"PK"
