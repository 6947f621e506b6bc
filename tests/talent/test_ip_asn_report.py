"""The IP ASN report: the SQL path agrees with ip_asn() on a varied world (under the default rules and
others), the report's figures per unit, scopes, a year's own rules, and the spreadsheet."""

from __future__ import annotations

import copy
import csv
import io
import random
from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.core.config import Settings
from app.core.types import round2
from app.org.models import Unit
from app.rules.defaults import DEFAULT_IP_ASN_RULES
from app.rules.talent import IpAsnRules
from app.talent.ip import points, scores, service
from app.talent.ip.models import IpAsnScore, IpAsnScoreYear
from app.talent.ipasn import ip_asn
from app.talent.models import DisciplinaryRecord, Performance
from tests.factories import RULES_BODY, World, new_asn
from tests.http import as_, problem
from tests.talent.ip_helpers import YEAR, add_record, place, report_url

LEVELS = [None, "S3", "S2", "S1", "D4", "D3", "D2", "D1", "SMA", "SMP", "SD"]
JENIS = [None, "jpt_pratama", "administrator", "pengawas", "fungsional", "pelaksana"]
FORMS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "11"]
JPS = ["2", "8", "12.5", "19.99", "20", "32", "0.01"]
SCORES = [
    None,
    Decimal("91"),
    Decimal("90.99"),
    Decimal("76"),
    Decimal("61"),
    Decimal("60.99"),
    Decimal("51"),
    Decimal("12"),
]
PREDIKAT = ["sangat_baik", "baik", "butuh_perbaikan", "kurang", "sangat_kurang"]


def other_rules() -> IpAsnRules:
    own = copy.deepcopy(DEFAULT_IP_ASN_RULES)
    own["kualifikasi"] = {"S3": 30, "S2": 22, "S1": 17, "D3": 9}  # S3 above the max of 25: capped
    own["kompetensi"]["leadership"] = {"forms": ["1"], "points": 20, "min_jp": "30"}
    own["kompetensi"]["technical"] = {"forms": ["3", "8", "6"], "points": 12, "min_jp": "10"}
    own["kompetensi"]["seminar"] = {"forms": ["4", "9", "3"], "points": 10}
    own["kompetensi"]["max"] = 25
    own["kinerja_score_bands"] = [
        {"min": "80", "points": 35},
        {"min": "60.5", "points": 20},
        {"min": "0", "points": 2},
    ]
    own["disiplin"] = {"none": 7, "ringan": 4, "sedang": 2, "berat": 1}
    own["categories"] = [
        {"label": "Baik", "min": "70"},
        {"label": "Cukup", "min": "40.5"},
        {"label": "Kurang", "min": "0"},
    ]
    return IpAsnRules.model_validate(own)


@dataclass
class Varied:
    people: list[Asn]  # measured: active PNS/CPNS
    left_out: list[Asn]  # PPPK and inactive


async def varied_world(session: AsyncSession, world: World, count: int = 60, seed: int = 16) -> Varied:
    """`count` ASN spread over the world's units with every education level, jenis jabatan, training
    mix (verified or pending, this year, earlier, later), SKP band and sanction (in force or ended)."""
    rng = random.Random(seed)
    units = [world.unit_a, world.unit_a1, world.unit_b]
    people: list[Asn] = []
    for n in range(count):
        asn = new_asn(
            units[n % 3],
            employment_type="cpns" if n % 7 == 0 else "pns",
            birth=date(1970 + n % 30, 1 + n % 12, 1 + n % 28),
            name=f"ASN {n}",
        )
        asn.education_level = LEVELS[n % len(LEVELS)]
        session.add(asn)
        people.append(asn)
    left_out = [
        new_asn(world.unit_a1, employment_type="pppk", name="PPPK"),
        new_asn(world.unit_b, name="Pensiun", active=False),
    ]
    session.add_all(left_out)
    await session.flush()
    world.asn_a.education_level = "S2"
    people += [world.asn_a, world.asn_a1, world.asn_b]
    left_out.append(world.pppk_a)
    for n, asn in enumerate([*people, *left_out]):
        unit = next(u for u in units if u.id == asn.unit_id)
        await place(session, asn, unit, JENIS[n % len(JENIS)])
        for _ in range(rng.randrange(0, 6)):
            on = date(rng.choice([YEAR - 4, YEAR - 1, YEAR, YEAR, YEAR, YEAR + 1]), rng.randrange(1, 13), 1)
            await add_record(
                session,
                asn,
                rng.choice(FORMS),
                rng.choice(JPS),
                on,
                rng.choice(["verified"] * 4 + ["pending", "rejected"]),
            )
        if n % 4 == 0:  # some do all their training, so every category is reached
            await add_record(session, asn, "3", "24", date(YEAR, 3, 1))
            await add_record(session, asn, "9", "2", date(YEAR, 4, 1))
            await add_record(session, asn, rng.choice(["1", "2"]), "40", date(YEAR - 3, 4, 1))
        if n % 5:
            score = SCORES[n % len(SCORES)]
            session.add(
                Performance(
                    nip=asn.nip,
                    year=YEAR,
                    predikat=rng.choice(PREDIKAT),
                    score=score,
                    source="test",
                    updated_by="test",
                )
            )
        if n % 3 == 0:
            session.add(
                Performance(
                    nip=asn.nip, year=YEAR - 1, predikat="sangat_baik", source="test", updated_by="test"
                )
            )
        for _ in range(rng.choice([0, 0, 0, 1, 2])):
            decided = date(rng.choice([YEAR - 2, YEAR, YEAR + 1]), rng.randrange(1, 13), 1)
            ends = rng.choice([None, date(YEAR, 12, 30), date(YEAR, 12, 31), date(YEAR + 1, 6, 30)])
            if ends is not None and ends < decided:
                ends = None
            session.add(
                DisciplinaryRecord(
                    nip=asn.nip,
                    level=rng.choice(["ringan", "sedang", "berat"]),
                    decided_on=decided,
                    ends_on=ends,
                    created_by="test",
                )
            )
    # Written around the services, as a bulk load is: the stored scores are rebuilt after it, as the
    # demo loader does (add_record's totals already stored some years, from part of the world).
    await scores.rebuild(session)
    await session.commit()
    return Varied(people, left_out)


async def by_python(
    session: AsyncSession, people: list[Asn], rules: IpAsnRules
) -> dict[str, tuple[Any, ...]]:
    out = {}
    for asn in people:
        result = ip_asn(await service.facts_for(session, asn, YEAR, rules), rules)
        scores = tuple(d.score for d in result.dimensions)
        out[asn.nip] = (*scores, result.total, result.category)
    return out


async def by_sql(session: AsyncSession, rules: IpAsnRules) -> dict[str, tuple[Any, ...]]:
    rows = (await session.execute(points.points_statement(rules, YEAR))).all()
    labels = [c.label for c in rules.categories]
    return {
        r.nip: (r.kualifikasi, r.kompetensi, r.kinerja, r.disiplin, r.total, labels[r.category]) for r in rows
    }


def figures(points: list[tuple[Any, ...]], rules: IpAsnRules) -> dict[str, Any]:
    counts = Counter(p[5] for p in points)
    maxima = [rules.kualifikasi_max, rules.kompetensi.max, rules.kinerja_max, rules.disiplin_max]

    def mean(column: int) -> float | None:
        return None if not points else float(round2(Decimal(sum(p[column] for p in points)) / len(points)))

    return {
        "headcount": len(points),
        "mean": mean(4),
        "categories": [{"category": c.label, "count": counts[c.label]} for c in rules.categories],
        "dimensions": [
            {"code": code, "mean": mean(column), "max": maxima[column]}
            for column, code in enumerate(("kualifikasi", "kompetensi", "kinerja", "disiplin"))
        ],
    }


class TestTheTwoPathsAgree:
    @pytest.mark.parametrize(
        "rules", [IpAsnRules.model_validate(DEFAULT_IP_ASN_RULES), other_rules()], ids=["default", "other"]
    )
    async def test_sql_points_equal_ip_asn_for_everyone(
        self, session: AsyncSession, world: World, rules: IpAsnRules
    ) -> None:
        varied = await varied_world(session, world)
        python = await by_python(session, varied.people, rules)
        sql = await by_sql(session, rules)
        assert sql == python
        # The world is varied enough to mean something: every dimension takes several values.
        for column in range(4):
            assert len({p[column] for p in python.values()}) >= 3, column
        assert len({p[5] for p in python.values()}) >= 3

    async def test_the_report_equals_the_sum_of_ip_asn(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        varied = await varied_world(session, world)
        rules = IpAsnRules.model_validate(DEFAULT_IP_ASN_RULES)
        python = await by_python(session, varied.people, rules)
        r = await client.get(report_url(), headers=as_(settings, world, "bpsdm"))
        assert r.status_code == 200, r.text
        data = r.json()
        assert {k: data[k] for k in ("headcount", "mean", "categories", "dimensions")} == figures(
            list(python.values()), rules
        )
        assert (data["year"], data["unit_id"], data["name"], data["direct"]) == (YEAR, None, None, None)

        def of(*units: Unit) -> list[tuple[Any, ...]]:
            ids = {u.id for u in units}
            return [python[a.nip] for a in varied.people if a.unit_id in ids]

        rows = {u["unit_id"]: u for u in data["units"]}
        assert set(rows) == {world.unit_a.id, world.unit_b.id}
        a = rows[world.unit_a.id]
        assert (a["code"], a["name"]) == ("DINAS_A", "Unit DINAS_A")
        assert {k: a[k] for k in ("headcount", "mean", "categories", "dimensions")} == figures(
            of(world.unit_a, world.unit_a1), rules
        )
        b = rows[world.unit_b.id]
        assert {k: b[k] for k in ("headcount", "mean", "categories", "dimensions")} == figures(
            of(world.unit_b), rules
        )

        own = await client.get(report_url(), headers=as_(settings, world, "opd_a"))
        assert own.status_code == 200, own.text
        mine = own.json()
        assert (mine["unit_id"], mine["headcount"]) == (world.unit_a.id, a["headcount"])
        assert [u["unit_id"] for u in mine["units"]] == [world.unit_a1.id]
        assert {k: mine["units"][0][k] for k in ("headcount", "mean", "categories", "dimensions")} == figures(
            of(world.unit_a1), rules
        )
        assert mine["direct"] == figures(of(world.unit_a), rules)

    async def test_a_years_own_rules_are_applied(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        varied = await varied_world(session, world, count=30)
        h = as_(settings, world, "bpsdm")
        rules = other_rules()
        r = await client.put(
            f"/api/v1/rules/{YEAR}",
            json=RULES_BODY | {"ip_asn_rules": rules.model_dump(mode="json")},
            headers=h,
        )
        assert r.status_code == 201, r.text
        python = await by_python(session, varied.people, rules)
        data = (await client.get(report_url(), headers=h)).json()
        assert {k: data[k] for k in ("headcount", "mean", "categories", "dimensions")} == figures(
            list(python.values()), rules
        )
        assert [c["category"] for c in data["categories"]] == ["Baik", "Cukup", "Kurang"]
        one = (await client.get(f"/api/v1/asn/{world.asn_a.nip}/ip-asn?year={YEAR}", headers=h)).json()
        assert (one["total"], one["category"]) == python[world.asn_a.nip][4:]


class TestReport:
    async def test_nobody_measured_gives_no_mean(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        world.asn_b.employment_type = "pppk"
        await session.commit()
        data = (
            await client.get(report_url(unit_id=world.unit_b.id), headers=as_(settings, world, "bpsdm"))
        ).json()
        assert (data["headcount"], data["mean"], data["units"]) == (0, None, [])
        assert data["direct"] == {
            "headcount": 0,
            "mean": None,
            "categories": data["categories"],
            "dimensions": [
                {"code": code, "mean": None, "max": maximum}
                for code, maximum in (
                    ("kualifikasi", 25),
                    ("kompetensi", 40),
                    ("kinerja", 30),
                    ("disiplin", 5),
                )
            ],
        }
        assert {c["count"] for c in data["categories"]} == {0}

    async def test_pppk_and_inactive_are_left_out(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        world.asn_a1.active = False
        await session.commit()
        data = (await client.get(report_url(), headers=as_(settings, world, "bpsdm"))).json()
        assert data["headcount"] == 2  # asn_a and asn_b; asn_a1 inactive, pppk_a not measured
        # Nothing recorded: no points but the 5 of no sanction; 5 is "Sangat Rendah".
        assert data["mean"] == 5.0

    @pytest.mark.parametrize("who", ["bpsdm", "auditor", "client:talent:read"])
    async def test_readers(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str
    ) -> None:
        r = await client.get(report_url(unit_id=world.unit_a.id), headers=as_(settings, world, who))
        assert r.status_code == 200, r.text

    async def test_an_asn_may_not(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        problem(await client.get(report_url(), headers=as_(settings, world, "asn_a")), 403, "forbidden")

    async def test_an_opd_admin_only_its_subtree(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "opd_a1")
        problem(await client.get(report_url(unit_id=world.unit_a.id), headers=h), 404, "unit_not_found")
        problem(await client.get(report_url(unit_id=world.unit_b.id), headers=h), 404, "unit_not_found")
        assert (await client.get(report_url(unit_id=world.unit_a1.id), headers=h)).json()["headcount"] == 1


class TestExport:
    async def test_xlsx_rows_per_asn_and_the_unit_summary(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        varied = await varied_world(session, world, count=24)
        rules = IpAsnRules.model_validate(DEFAULT_IP_ASN_RULES)
        python = await by_python(session, varied.people, rules)
        r = await client.get(f"/api/v1/exports/ip-asn?year={YEAR}", headers=as_(settings, world, "bpsdm"))
        assert r.status_code == 200, r.text
        assert r.headers["content-type"].startswith(
            "application/vnd.openxmlformats-officedocument.spreadsheetml"
        )
        assert r.headers["content-disposition"] == f'attachment; filename="ip-asn-{YEAR}.xlsx"'
        book = load_workbook(io.BytesIO(r.content))
        assert book.sheetnames == ["IP ASN", "Ringkasan Unit"]
        rows = list(book["IP ASN"].iter_rows(values_only=True))
        assert rows[0][0] == "NIP" and rows[0][-2:] == ("Nilai IP ASN", "Kategori")
        assert {row[0]: (*row[6:11], row[11]) for row in rows[1:]} == python
        summary = list(book["Ringkasan Unit"].iter_rows(values_only=True))
        assert summary[0][:4] == ("Kode Unit", "Unit Kerja", "Jumlah PNS", "Rata-rata IP ASN")
        assert summary[-1][1:3] == ("Jumlah", len(python))

    async def test_csv_in_scope_and_octet_stream_on_request(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "opd_b")
        r = await client.get(f"/api/v1/exports/ip-asn?year={YEAR}&format=csv", headers=h)
        assert r.status_code == 200, r.text
        lines = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig")), delimiter=";"))
        assert [line[0] for line in lines[1:]] == [world.asn_b.nip]
        raw = await client.get(
            f"/api/v1/exports/ip-asn?year={YEAR}", headers=h | {"Accept": "application/octet-stream"}
        )
        assert raw.status_code == 200
        assert raw.headers["content-type"] == "application/octet-stream"
        assert raw.content[:2] == b"PK"
        problem(
            await client.get(f"/api/v1/exports/ip-asn?unit_id={world.unit_a.id}", headers=h),
            404,
            "unit_not_found",
        )


class TestStoredScores:
    """The report reads ip_asn_scores; after each kind of change the stored rows are what ip_asn()
    gives each PNS, and the report their sum."""

    async def live(self, session: AsyncSession, rules: IpAsnRules) -> dict[str, tuple[Any, ...]]:
        people = (
            await session.execute(
                select(Asn)
                .where(Asn.active.is_(True), Asn.employment_type != "pppk")
                .order_by(Asn.nip)
                .execution_options(populate_existing=True)
            )
        ).scalars()
        return await by_python(session, list(people), rules)

    async def check(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        session: AsyncSession,
        rules: IpAsnRules | None = None,
    ) -> dict[str, tuple[Any, ...]]:
        rules = rules or IpAsnRules.model_validate(DEFAULT_IP_ASN_RULES)
        python = await self.live(session, rules)
        assert await scores.is_stored(session, YEAR)
        labels = [c.label for c in rules.categories]
        stored = (
            await session.execute(select(IpAsnScore).where(IpAsnScore.year == YEAR).order_by(IpAsnScore.nip))
        ).scalars()
        assert {
            s.nip: (s.kualifikasi, s.kompetensi, s.kinerja, s.disiplin, s.total, labels[s.category])
            for s in stored
        } == python
        data = (await client.get(report_url(), headers=as_(settings, world, "bpsdm"))).json()
        assert {k: data[k] for k in ("headcount", "mean", "categories", "dimensions")} == figures(
            list(python.values()), rules
        )
        return python

    async def test_every_kind_of_change_keeps_the_stored_report_live(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await varied_world(session, world, count=24)
        h = as_(settings, world, "bpsdm")
        before = await self.check(client, settings, world, session)
        # The one with the fewest kompetensi points, so the training below moves them.
        nip = min((n for n in before if n != world.asn_b.nip), key=lambda n: (before[n][1], n))

        # Learning verified (a leadership course of an earlier year counts in later ones) and voided.
        r = await client.post(
            f"/api/v1/asn/{nip}/learning-records",
            json={
                "title": "Pelatihan Kepemimpinan Administrator",
                "form_code": "1",
                "organizer": "BPSDM",
                "start_date": f"{YEAR - 1}-03-02",
                "end_date": f"{YEAR - 1}-05-04",
                "jp": 40,
            },
            headers=h,
        )
        assert r.status_code == 201, r.text
        assert r.json()["status"] == "verified"
        r = await client.post(
            f"/api/v1/asn/{nip}/learning-records",
            json={
                "title": "Bimbingan Teknis Anggaran",
                "form_code": "3",
                "organizer": "BPSDM",
                "start_date": f"{YEAR}-03-02",
                "end_date": f"{YEAR}-03-04",
                "jp": 24,
            },
            headers=h,
        )
        assert r.status_code == 201, r.text
        technical = r.json()["id"]
        after_learning = await self.check(client, settings, world, session)
        assert after_learning[nip] != before[nip]
        r = await client.post(
            f"/api/v1/learning-records/{technical}/void", json={"reason": "Tercatat ganda"}, headers=h
        )
        assert r.status_code == 200, r.text
        await self.check(client, settings, world, session)

        # The SKP result of the year, by hand and by sync.
        url = f"/api/v1/asn/{nip}/performance/{YEAR}"
        found = await client.get(url, headers=h)
        etag = {"If-Match": found.headers["etag"]} if found.status_code == 200 else {}
        r = await client.put(url, json={"predikat": "kurang"}, headers=h | etag)
        assert r.status_code in (200, 201), r.text
        other = world.asn_b.nip
        r = await client.post(
            "/api/v1/sync/performance",
            json={"items": [{"nip": other, "year": YEAR, "predikat": "sangat_baik", "score": 95}]},
            headers=as_(settings, world, "client:talent:write"),
        )
        assert r.status_code == 200, r.text
        await self.check(client, settings, world, session)

        # A sanction decided the year before, still in force at the year's end.
        r = await client.post(
            f"/api/v1/asn/{nip}/disciplinary-records",
            json={"level": "berat", "decided_on": f"{YEAR - 1}-06-01"},
            headers=h,
        )
        assert r.status_code == 201, r.text
        after_sanction = await self.check(client, settings, world, session)
        assert after_sanction[nip][3] == 0  # disiplin: berat

        # Education, then the jenis jabatan of the position held, then a move to another unit.
        tag = (await client.get(f"/api/v1/asn/{nip}", headers=h)).headers["etag"]
        r = await client.patch(
            f"/api/v1/asn/{nip}", json={"education_level": "SMA"}, headers=h | {"If-Match": tag}
        )
        assert r.status_code == 200, r.text
        await self.check(client, settings, world, session)
        position_id = (await session.get(Asn, nip, populate_existing=True)).position_id  # type: ignore[union-attr]
        assert position_id is not None
        url = f"/api/v1/positions/{position_id}"
        tag = (await client.get(url, headers=h)).headers.get("etag", '"1"')
        r = await client.patch(
            url, json={"jenis_jabatan": "pelaksana", "jenjang": None}, headers=h | {"If-Match": tag}
        )
        assert r.status_code == 200, r.text
        await self.check(client, settings, world, session)
        tag = (await client.get(f"/api/v1/asn/{nip}", headers=h)).headers["etag"]
        r = await client.patch(
            f"/api/v1/asn/{nip}", json={"unit_id": world.unit_b.id}, headers=h | {"If-Match": tag}
        )
        assert r.status_code == 200, r.text
        await self.check(client, settings, world, session)

        # The year's rules.
        rules = other_rules()
        r = await client.put(
            f"/api/v1/rules/{YEAR}",
            json=RULES_BODY | {"ip_asn_rules": rules.model_dump(mode="json")},
            headers=h,
        )
        assert r.status_code == 201, r.text
        await self.check(client, settings, world, session, rules)

    async def test_a_year_not_stored_is_computed(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        varied = await varied_world(session, world, count=12)
        await session.execute(delete(IpAsnScoreYear).where(IpAsnScoreYear.year == YEAR))
        await session.execute(delete(IpAsnScore).where(IpAsnScore.year == YEAR))
        await session.commit()
        rules = IpAsnRules.model_validate(DEFAULT_IP_ASN_RULES)
        python = await by_python(session, varied.people, rules)
        data = (await client.get(report_url(), headers=as_(settings, world, "bpsdm"))).json()
        assert {k: data[k] for k in ("headcount", "mean", "categories", "dimensions")} == figures(
            list(python.values()), rules
        )

    async def test_the_first_write_stores_its_year_and_the_current_one(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        # Start from no stored year (a test that committed data may have left some in this database).
        await session.execute(delete(IpAsnScore))
        await session.execute(delete(IpAsnScoreYear))
        assert await scores.stored_years(session) == set()
        r = await client.put(
            f"/api/v1/asn/{world.asn_a.nip}/performance/{YEAR}",
            json={"predikat": "baik"},
            headers=as_(settings, world, "bpsdm"),
        )
        assert r.status_code == 201, r.text
        assert await scores.stored_years(session) == {YEAR, scores.current_year()}
        await self.check(client, settings, world, session)
