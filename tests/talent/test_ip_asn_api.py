"""GET /asn/{nip}/ip-asn: every education level, training by jenis jabatan, SKP band and sanction level
through the API, the points traced to the records behind them; PPPK refused; the language; scopes."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from tests.factories import World
from tests.http import as_, problem
from tests.talent.helpers import put_performance, sanction_body, sanction_url
from tests.talent.ip_helpers import YEAR, add_record, ip_asn_url, place


def dimension(data: dict[str, Any], code: str) -> dict[str, Any]:
    return next(d for d in data["dimensions"] if d["code"] == code)


def indicators(data: dict[str, Any], code: str) -> dict[str, dict[str, Any]]:
    return {i["code"]: i for i in dimension(data, code)["indicators"]}


async def read(
    client: httpx.AsyncClient, settings: Settings, world: World, nip: str, who: str = "bpsdm"
) -> Any:
    r = await client.get(ip_asn_url(nip), headers=as_(settings, world, who))
    assert r.status_code == 200, r.text
    return r.json()


class TestKualifikasi:
    @pytest.mark.parametrize(
        ("level", "points"),
        [
            ("S3", 25),
            ("S2", 20),
            ("S1", 15),
            ("D4", 15),
            ("D3", 10),
            ("D2", 5),
            ("D1", 5),
            ("SMA", 5),
            ("SMP", 1),
            ("SD", 1),
            (None, 0),
        ],
    )
    async def test_each_education_level(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        session: AsyncSession,
        level: str | None,
        points: int,
    ) -> None:
        world.asn_a.education_level = level
        await session.commit()
        data = await read(client, settings, world, world.asn_a.nip)
        kualifikasi = dimension(data, "kualifikasi")
        assert (kualifikasi["score"], kualifikasi["max"]) == (points, 25)
        assert kualifikasi["indicators"][0]["evidence"] == {"education_level": level}


class TestKompetensi:
    async def test_a_structural_position_counts_leadership_training_of_an_earlier_year(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        asn = world.asn_a
        await place(session, asn, world.unit_a, "administrator")
        pim = await add_record(session, asn, "1", "40", date(2019, 3, 1))
        functional = await add_record(session, asn, "2", "30")
        await session.commit()
        found = indicators(await read(client, settings, world, asn.nip), "kompetensi")
        assert set(found) == {"leadership", "technical", "seminar"}
        assert found["leadership"]["points"] == 15
        assert found["leadership"]["evidence"]["learning_record_ids"] == [pim]
        assert functional not in found["technical"]["evidence"]["learning_record_ids"]

    async def test_a_jf_counts_functional_training_not_leadership(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        asn = world.asn_a
        await place(session, asn, world.unit_a, "fungsional")
        await add_record(session, asn, "1", "40")
        functional = await add_record(session, asn, "2", "30", date(YEAR - 2, 9, 1))
        await session.commit()
        data = await read(client, settings, world, asn.nip)
        found = indicators(data, "kompetensi")
        assert set(found) == {"functional", "technical", "seminar"}
        assert found["functional"]["points"] == 15
        assert found["functional"]["evidence"] == {
            "learning_record_ids": [functional],
            "jp": 30.0,
            "min_jp": None,
        }
        assert dimension(data, "kompetensi")["score"] == 15

    @pytest.mark.parametrize("jenis_jabatan", ["pelaksana", None])
    async def test_a_pelaksana_or_no_position_has_neither(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        session: AsyncSession,
        jenis_jabatan: str | None,
    ) -> None:
        asn = world.asn_a
        await place(session, asn, world.unit_a, jenis_jabatan)
        await add_record(session, asn, "1", "40")
        await add_record(session, asn, "2", "40")
        await session.commit()
        data = await read(client, settings, world, asn.nip)
        assert set(indicators(data, "kompetensi")) == {"technical", "seminar"}
        assert dimension(data, "kompetensi")["score"] == 0

    async def test_technical_training_needs_20_jp_of_verified_records_in_the_year(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        asn = world.asn_a
        first = await add_record(session, asn, "3", "12.5")
        await add_record(session, asn, "8", "30", status="pending")
        await add_record(session, asn, "11", "30", date(YEAR - 1, 12, 31))
        await add_record(session, asn, "3", "30", date(YEAR + 1, 1, 2))
        await session.commit()
        data = await read(client, settings, world, asn.nip)
        technical = indicators(data, "kompetensi")["technical"]
        assert technical["points"] == 0
        assert technical["evidence"] == {"learning_record_ids": [first], "jp": 12.5, "min_jp": 20.0}
        advice = {a["indicator"]: a for a in data["how_to_improve"]}
        assert advice["technical"] == {
            "indicator": "technical",
            "points": 15,
            "action": "Take 8 JP more of technical training this year",
        }
        second = await add_record(session, asn, "8", "7.5")
        await session.commit()
        technical = indicators(await read(client, settings, world, asn.nip), "kompetensi")["technical"]
        assert technical["points"] == 15
        assert technical["evidence"]["learning_record_ids"] == [first, second]
        assert technical["evidence"]["jp"] == 20.0

    async def test_a_seminar_this_year(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        seminar = await add_record(session, world.asn_a, "9", "2")
        await session.commit()
        data = await read(client, settings, world, world.asn_a.nip)
        found = indicators(data, "kompetensi")["seminar"]
        assert (found["points"], found["evidence"]["learning_record_ids"]) == (5, [seminar])
        assert dimension(data, "kompetensi")["score"] == 5


class TestKinerja:
    @pytest.mark.parametrize(
        ("predikat", "score", "points"),
        [
            ("sangat_baik", 91, 30),
            ("baik", 90.99, 25),
            ("baik", 76, 25),
            ("butuh_perbaikan", 75.99, 15),
            ("butuh_perbaikan", 61, 15),
            ("kurang", 60.5, 5),
            ("kurang", 51, 5),
            ("sangat_kurang", 50.99, 1),
            ("sangat_baik", None, 30),
            ("baik", None, 25),
            ("butuh_perbaikan", None, 15),
            ("kurang", None, 5),
            ("sangat_kurang", None, 1),
        ],
    )
    async def test_each_skp_band(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        predikat: str,
        score: float | None,
        points: int,
    ) -> None:
        nip = world.asn_a.nip
        r = await put_performance(
            client, as_(settings, world, "opd_a"), nip, YEAR, predikat=predikat, score=score
        )
        assert r.status_code == 201, r.text
        skp = indicators(await read(client, settings, world, nip), "kinerja")["skp"]
        assert (skp["points"], skp["max"]) == (points, 30)
        assert skp["evidence"] == {"year": YEAR, "predikat": predikat, "score": score}

    async def test_without_the_years_skp_nothing_and_the_advice_says_so(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        nip = world.asn_a.nip
        await put_performance(client, as_(settings, world, "opd_a"), nip, YEAR - 1, predikat="sangat_baik")
        data = await read(client, settings, world, nip)
        assert dimension(data, "kinerja")["score"] == 0
        advice = {a["indicator"]: a for a in data["how_to_improve"]}
        assert advice["skp"] == {
            "indicator": "skp",
            "points": 30,
            "action": "Have this year's SKP result recorded",
        }


class TestDisiplin:
    @pytest.mark.parametrize(("level", "points"), [("ringan", 3), ("sedang", 1), ("berat", 0)])
    async def test_each_sanction_level_in_force_at_the_years_end(
        self, client: httpx.AsyncClient, settings: Settings, world: World, level: str, points: int
    ) -> None:
        nip, h = world.asn_a.nip, as_(settings, world, "opd_a")
        r = await client.post(sanction_url(nip), json=sanction_body(f"{YEAR}-03-10", level=level), headers=h)
        assert r.status_code == 201, r.text
        sanction = indicators(await read(client, settings, world, nip), "disiplin")["sanction"]
        assert sanction["points"] == points
        assert sanction["evidence"] == {"level": level, "disciplinary_record_ids": [r.json()["id"]]}

    async def test_the_heaviest_counts_and_an_ended_one_does_not(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        nip, h = world.asn_a.nip, as_(settings, world, "opd_a")
        ended = await client.post(
            sanction_url(nip),
            json=sanction_body(f"{YEAR}-01-10", level="berat", ends_on=f"{YEAR}-12-30"),
            headers=h,
        )
        light = await client.post(
            sanction_url(nip), json=sanction_body(f"{YEAR}-02-01", level="ringan"), headers=h
        )
        heavy = await client.post(
            sanction_url(nip),
            json=sanction_body(f"{YEAR}-06-01", level="sedang", ends_on=f"{YEAR}-12-31"),
            headers=h,
        )
        assert {ended.status_code, light.status_code, heavy.status_code} == {201}
        sanction = indicators(await read(client, settings, world, nip), "disiplin")["sanction"]
        assert sanction["points"] == 1
        assert sanction["evidence"] == {
            "level": "sedang",
            "disciplinary_record_ids": [light.json()["id"], heavy.json()["id"]],
        }

    @pytest.mark.parametrize("who", ["asn_a", "client:talent:read"])
    async def test_only_those_who_may_read_sanctions_see_which_one(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str
    ) -> None:
        nip = world.asn_a.nip
        r = await client.post(
            sanction_url(nip),
            json=sanction_body(f"{YEAR}-03-10", level="sedang"),
            headers=as_(settings, world, "opd_a"),
        )
        assert r.status_code == 201, r.text
        answer = await client.get(ip_asn_url(nip), headers=as_(settings, world, who))
        assert answer.status_code == 200, answer.text
        sanction = indicators(answer.json(), "disiplin")["sanction"]
        assert (sanction["points"], sanction["evidence"]) == (1, {})
        auditor = await client.get(ip_asn_url(nip), headers=as_(settings, world, "auditor"))
        assert indicators(auditor.json(), "disiplin")["sanction"]["evidence"]["level"] == "sedang"

    async def test_none_in_force_gives_full_points(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        sanction = indicators(await read(client, settings, world, world.asn_a.nip), "disiplin")["sanction"]
        assert sanction == {
            "code": "sanction",
            "label": "Disciplinary sanctions in force",
            "points": 5,
            "max": 5,
            "evidence": {"level": None, "disciplinary_record_ids": []},
        }


class TestWhole:
    async def test_total_category_and_advice_most_points_first(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        asn = world.asn_a
        asn.education_level = "S1"
        await place(session, asn, world.unit_a, "pengawas")
        await add_record(session, asn, "3", "24")
        await add_record(session, asn, "4", "2")
        await session.commit()
        await put_performance(
            client, as_(settings, world, "opd_a"), asn.nip, YEAR, predikat="baik", score=84.5
        )
        data = await read(client, settings, world, asn.nip)
        assert [(d["code"], d["score"], d["max"]) for d in data["dimensions"]] == [
            ("kualifikasi", 15, 25),
            ("kompetensi", 20, 40),
            ("kinerja", 25, 30),
            ("disiplin", 5, 5),
        ]
        assert (data["nip"], data["year"], data["employment_type"]) == (asn.nip, YEAR, "pns")
        assert (data["total"], data["category"]) == (65, "Rendah")
        assert [(a["indicator"], a["points"]) for a in data["how_to_improve"]] == [
            ("leadership", 15),
            ("education", 5),
            ("skp", 5),
        ]

    async def test_answered_in_indonesian_by_default(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.get(
            ip_asn_url(world.asn_a.nip), headers=as_(settings, world, "asn_a") | {"Accept-Language": "id"}
        )
        assert r.status_code == 200, r.text
        data = r.json()
        assert indicators(data, "kualifikasi")["education"]["label"] == "Pendidikan tertinggi"
        advice = {a["indicator"]: a["action"] for a in data["how_to_improve"]}
        assert advice["education"] == "Catat pendidikan tertinggi Anda di profil"
        assert advice["technical"] == "Ikuti pelatihan teknis 20 JP lagi tahun ini"

    async def test_a_cpns_is_measured(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        world.asn_a1.employment_type = "cpns"
        await session.commit()
        assert (await read(client, settings, world, world.asn_a1.nip))["employment_type"] == "cpns"

    async def test_a_pppk_is_not_measured(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.get(ip_asn_url(world.pppk_a.nip), headers=as_(settings, world, "bpsdm"))
        body = problem(r, 422, "ip_asn_not_applicable")
        assert "PPPK" in body["detail"]

    async def test_the_year_defaults_to_the_current_one(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.get(f"/api/v1/asn/{world.asn_a.nip}/ip-asn", headers=as_(settings, world, "bpsdm"))
        assert r.status_code == 200
        assert r.json()["year"] == date.today().year

    async def test_a_year_out_of_range_is_refused(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.get(ip_asn_url(world.asn_a.nip, 1900), headers=as_(settings, world, "bpsdm"))
        problem(r, 422, "validation_error")


class TestScope:
    @pytest.mark.parametrize("who", ["asn_a", "opd_a", "bpsdm", "auditor", "client:talent:read"])
    async def test_who_reads_asn_as_ip_asn(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str
    ) -> None:
        r = await client.get(ip_asn_url(world.asn_a.nip), headers=as_(settings, world, who))
        assert r.status_code == 200, r.text

    @pytest.mark.parametrize("who", ["asn_b", "opd_b", "opd_a1"])
    async def test_another_asn_or_an_opd_out_of_scope_gets_404(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str
    ) -> None:
        r = await client.get(ip_asn_url(world.asn_a.nip), headers=as_(settings, world, who))
        problem(r, 404, "asn_not_found")

    async def test_an_asn_never_sees_another(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        problem(
            await client.get(ip_asn_url(world.asn_b.nip), headers=as_(settings, world, "asn_a")),
            404,
            "asn_not_found",
        )

    async def test_a_client_needs_talent_read(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.get(ip_asn_url(world.asn_a.nip), headers=as_(settings, world, "client:asn:read"))
        problem(r, 403, "forbidden")
