"""JP read models over HTTP: the yearly summary, the compliance report and the verification queue."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from datetime import date
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from app.asn.models import Asn
from app.asn.service import AsnNotFound
from app.core.config import Settings
from app.core.fastread import FastReader
from app.core.security import Principal, Role
from app.learning.models import JpTotal, JpYearTotal, LearningRecord
from app.learning.reports import service as reports
from app.org.models import Unit
from app.rules.defaults import DEFAULT_RULES
from tests.factories import (
    World,
    bearer,
    client_principal,
    create_asn,
    create_unit,
    create_user,
    principal_of,
)
from tests.http import as_, problem

YEAR = 2026
REPORT = "/api/v1/reports/jp-compliance"
QUEUE = "/api/v1/verification-queue"

_titles = itertools.count(1)


async def record(
    client: httpx.AsyncClient, nip: str, headers: dict[str, str], jp: Any, **overrides: Any
) -> dict[str, Any]:
    """POST a learning record (verified when an admin sends it, a pending claim from the ASN itself)."""
    body = {
        "title": f"Pelatihan Teknis Pengelolaan Arsip {next(_titles)}",
        "form_code": "8",
        "start_date": f"{YEAR}-03-02",
        "end_date": f"{YEAR}-03-04",
        "jp": jp,
    } | overrides
    r = await client.post(f"/api/v1/asn/{nip}/learning-records", json=body, headers=headers)
    assert r.status_code == 201, r.text
    data: dict[str, Any] = r.json()
    return data


async def decide(client: httpx.AsyncClient, record_id: int, headers: dict[str, str], decision: str) -> None:
    r = await client.post(
        f"/api/v1/learning-records/{record_id}/verification", json={"decision": decision}, headers=headers
    )
    assert r.status_code == 200, r.text


async def void(client: httpx.AsyncClient, record_id: int, headers: dict[str, str]) -> None:
    r = await client.post(
        f"/api/v1/learning-records/{record_id}/void", json={"reason": "Tercatat ganda"}, headers=headers
    )
    assert r.status_code == 200, r.text


async def put_rules(client: httpx.AsyncClient, headers: dict[str, str], year: int, **changes: Any) -> None:
    r = await client.put(f"/api/v1/rules/{year}", json=DEFAULT_RULES | changes, headers=headers)
    assert r.status_code == 201, r.text


async def summary(
    client: httpx.AsyncClient, nip: str, headers: dict[str, str], year: int | None = YEAR
) -> dict[str, Any]:
    params = {} if year is None else {"year": year}
    r = await client.get(f"/api/v1/asn/{nip}/jp-summary", params=params, headers=headers)
    assert r.status_code == 200, r.text
    data: dict[str, Any] = r.json()
    return data


async def report(client: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    r = await client.get(REPORT, params={"year": YEAR} | params, headers=headers)
    assert r.status_code == 200, r.text
    data: dict[str, Any] = r.json()
    return data


def figures(row: dict[str, Any]) -> tuple[Any, ...]:
    keys = ("headcount", "compliant", "non_compliant", "compliance_pct", "total_jp", "mean_jp")
    return tuple(row[k] for k in keys)


# -- GET /asn/{nip}/jp-summary ------------------------------------------------------------------------


class TestSummaryPns:
    async def test_exactly_the_minimum_is_compliant(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        admin = as_(settings, world, "bpsdm")
        await record(client, world.asn_a.nip, admin, 12.5)
        await record(client, world.asn_a.nip, admin, 7.5, form_code="9")
        s = await summary(client, world.asn_a.nip, admin)
        assert s == {
            "nip": world.asn_a.nip,
            "year": YEAR,
            "employment_type": "pns",
            "verified_jp": 20.0,
            "pending_jp": 0.0,
            "target_jp": 20.0,
            "cap_jp": None,
            "remaining_jp": 0.0,
            "compliant": True,
            "over_cap": None,
            "by_form": [
                {"form_code": "8", "jp": 12.5, "recorded_jp": 12.5, "records": 1},
                {"form_code": "9", "jp": 7.5, "recorded_jp": 7.5, "records": 1},
            ],
        }

    async def test_one_hundredth_short_is_not(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        admin = as_(settings, world, "bpsdm")
        await record(client, world.asn_a.nip, admin, 19.99)
        s = await summary(client, world.asn_a.nip, admin)
        assert (s["verified_jp"], s["compliant"], s["remaining_jp"]) == (19.99, False, 0.01)

    async def test_no_records(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        s = await summary(client, world.asn_a1.nip, as_(settings, world, "bpsdm"))
        assert (s["verified_jp"], s["pending_jp"], s["remaining_jp"], s["compliant"]) == (0, 0, 20, False)
        assert s["by_form"] == []

    async def test_cpns_has_the_pns_minimum(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        cpns = await create_asn(session, world.unit_a, employment_type="cpns")
        await session.commit()
        admin = as_(settings, world, "bpsdm")
        await record(client, cpns.nip, admin, 21)
        s = await summary(client, cpns.nip, admin)
        assert (s["employment_type"], s["target_jp"], s["cap_jp"], s["compliant"]) == ("cpns", 20, None, True)
        assert s["remaining_jp"] == 0

    async def test_forms_in_code_order(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        admin = as_(settings, world, "bpsdm")
        for form in ("16", "2", "10"):
            await record(client, world.asn_a.nip, admin, 1, form_code=form)
        s = await summary(client, world.asn_a.nip, admin)
        assert [f["form_code"] for f in s["by_form"]] == ["2", "10", "16"]


class TestSummaryPppk:
    @pytest.mark.parametrize(
        ("jp", "counted", "over_cap"), [(24, 24, False), (24.01, 24, True), (90.25, 24, True)]
    )
    async def test_cap_not_target(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        jp: float,
        counted: float,
        over_cap: bool,
    ) -> None:
        admin = as_(settings, world, "bpsdm")
        await record(client, world.pppk_a.nip, admin, jp)
        s = await summary(client, world.pppk_a.nip, admin)
        assert s["employment_type"] == "pppk"
        # Counted up to the cap; what the records hold beyond it stays visible per form.
        assert (s["verified_jp"], s["target_jp"], s["cap_jp"]) == (counted, None, 24)
        assert (s["compliant"], s["remaining_jp"], s["over_cap"]) == (None, None, over_cap)
        assert [(f["jp"], f["recorded_jp"]) for f in s["by_form"]] == [(jp, jp)]

    async def test_cap_follows_the_years_rules(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        admin = as_(settings, world, "bpsdm")
        await put_rules(client, admin, YEAR, pppk_max_jp=30)
        await record(client, world.pppk_a.nip, admin, 20)
        await record(client, world.pppk_a.nip, admin, 15, form_code="9")
        s = await summary(client, world.pppk_a.nip, admin)
        assert (s["verified_jp"], s["cap_jp"], s["over_cap"]) == (30, 30, True)
        assert sum(f["jp"] for f in s["by_form"]) == 35


class TestSummaryCounting:
    async def test_pending_claims_apart_until_approved(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        own, admin = as_(settings, world, "asn_a"), as_(settings, world, "opd_a")
        await record(client, world.asn_a.nip, admin, 10)
        first = await record(client, world.asn_a.nip, own, 4.25)
        await record(client, world.asn_a.nip, own, 3)
        s = await summary(client, world.asn_a.nip, own)
        assert (s["verified_jp"], s["pending_jp"]) == (10, 7.25)
        await decide(client, first["id"], admin, "approve")
        s = await summary(client, world.asn_a.nip, own)
        assert (s["verified_jp"], s["pending_jp"]) == (14.25, 3)

    async def test_voided_and_rejected_do_not_count(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        own, admin = as_(settings, world, "asn_a"), as_(settings, world, "opd_a")
        kept = await record(client, world.asn_a.nip, admin, 5)
        voided = await record(client, world.asn_a.nip, admin, 30)
        rejected = await record(client, world.asn_a.nip, own, 8)
        withdrawn = await record(client, world.asn_a.nip, own, 9)
        await void(client, voided["id"], admin)
        await decide(client, rejected["id"], admin, "reject")
        await void(client, withdrawn["id"], own)
        s = await summary(client, world.asn_a.nip, admin)
        assert (s["verified_jp"], s["pending_jp"]) == (5, 0)
        assert s["by_form"] == [{"form_code": "8", "jp": 5.0, "recorded_jp": 5.0, "records": 1}]
        await void(client, kept["id"], admin)
        assert (await summary(client, world.asn_a.nip, admin))["by_form"] == []

    async def test_a_record_counts_in_the_year_it_ends(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        own, admin = as_(settings, world, "asn_a"), as_(settings, world, "bpsdm")
        nip = world.asn_a.nip
        await record(client, nip, admin, 6, start_date="2025-12-29", end_date="2025-12-31")
        await record(client, nip, admin, 10, start_date="2025-12-30", end_date="2026-01-01")
        await record(client, nip, own, 2, start_date="2025-12-31", end_date="2025-12-31")
        await record(client, nip, own, 3, start_date="2026-01-01", end_date="2026-01-01")
        earlier, later = await summary(client, nip, admin, 2025), await summary(client, nip, admin, 2026)
        assert (earlier["year"], earlier["verified_jp"], earlier["pending_jp"]) == (2025, 6, 2)
        assert (later["year"], later["verified_jp"], later["pending_jp"]) == (2026, 10, 3)
        assert (await summary(client, nip, admin, 2024))["verified_jp"] == 0

    async def test_year_defaults_to_the_current_year(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        s = await summary(client, world.asn_a.nip, as_(settings, world, "bpsdm"), year=None)
        assert s["year"] == date.today().year

    async def test_form_cap_per_year(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        admin = as_(settings, world, "bpsdm")
        await put_rules(client, admin, YEAR, form_rules=[{"form_code": "9", "max_jp_per_year": 4}])
        nip = world.asn_a.nip
        for jp in (3, 3):
            await record(client, nip, admin, jp, form_code="9")
        await record(client, nip, admin, 15)
        s = await summary(client, nip, admin)
        assert s["by_form"] == [
            {"form_code": "8", "jp": 15.0, "recorded_jp": 15.0, "records": 1},
            {"form_code": "9", "jp": 4.0, "recorded_jp": 6.0, "records": 2},
        ]
        assert (s["verified_jp"], s["compliant"], s["remaining_jp"]) == (19, False, 1)
        # The cap belongs to 2026's rules; 2025 still runs on the earlier rule set without it.
        await record(client, nip, admin, 6, form_code="9", start_date="2025-05-05", end_date="2025-05-05")
        assert (await summary(client, nip, admin, 2025))["verified_jp"] == 6

    async def test_rules_of_the_year_set_target_and_cap(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        admin = as_(settings, world, "bpsdm")
        await put_rules(client, admin, YEAR, pns_min_jp=30, pppk_max_jp=12)
        await record(client, world.pppk_a.nip, admin, 13)
        pns, pppk = (
            await summary(client, world.asn_a.nip, admin),
            await summary(client, world.pppk_a.nip, admin),
        )
        assert (pns["target_jp"], pns["remaining_jp"]) == (30, 30)
        assert (pppk["cap_jp"], pppk["over_cap"]) == (12, True)
        assert (await summary(client, world.asn_a.nip, admin, 2025))["target_jp"] == 20


class TestSummaryScope:
    @pytest.mark.parametrize(
        ("who", "target", "status"),
        [
            ("bpsdm", "asn_b", 200),
            ("auditor", "asn_b", 200),
            ("opd_a", "asn_a1", 200),  # descendant unit
            ("opd_a", "pppk_a", 200),
            ("opd_a", "asn_b", 404),
            ("opd_a1", "asn_a", 404),  # the parent unit is out of reach
            ("opd_b", "asn_a", 404),
            ("asn_a", "asn_a", 200),
            ("asn_a", "asn_b", 404),
            ("asn_a", "pppk_a", 404),  # a colleague in the same unit
        ],
    )
    async def test_reach(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str, target: str, status: int
    ) -> None:
        nip = getattr(world, target).nip
        r = await client.get(f"/api/v1/asn/{nip}/jp-summary", headers=as_(settings, world, who))
        if status == 404:
            problem(r, 404, "asn_not_found")
        else:
            assert r.status_code == 200, r.text
            assert r.json()["nip"] == nip

    async def test_unknown_nip(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        r = await client.get(
            "/api/v1/asn/199001012015011001/jp-summary", headers=as_(settings, world, "bpsdm")
        )
        problem(r, 404, "asn_not_found")

    async def test_clients_need_learning_read(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        url = f"/api/v1/asn/{world.asn_b.nip}/jp-summary"
        assert (
            await client.get(url, headers=bearer(settings, client_principal("learning:read")))
        ).status_code == 200
        problem(
            await client.get(url, headers=bearer(settings, client_principal("asn:read"))), 403, "forbidden"
        )

    @pytest.mark.parametrize("year", ["1900", "2101", "x"])
    async def test_bad_year(
        self, client: httpx.AsyncClient, settings: Settings, world: World, year: str
    ) -> None:
        r = await client.get(
            f"/api/v1/asn/{world.asn_a.nip}/jp-summary",
            params={"year": year},
            headers=as_(settings, world, "bpsdm"),
        )
        problem(r, 422, "validation_error")


@pytest.fixture
async def committed(engine: AsyncEngine) -> AsyncIterator[dict[str, Any]]:
    """Committed rows, so the summary runs where production runs it (asyncpg on PostgreSQL)."""
    async with AsyncSession(engine, expire_on_commit=False) as s:
        parent = await create_unit(s, "JP_FAST_PARENT")
        child = await create_unit(s, "JP_FAST_CHILD", parent=parent, kind="bidang")
        asn = await create_asn(s, child, name="Dewi Lestari")
        s.add_all(
            [
                JpTotal(nip=asn.nip, year=YEAR, form_code="8", jp=Decimal("12.50"), records=2),
                JpTotal(nip=asn.nip, year=YEAR, form_code="9", jp=Decimal("7.49"), records=1),
                JpTotal(nip=asn.nip, year=YEAR, form_code="4", jp=Decimal("0"), records=0),
                JpTotal(nip=asn.nip, year=YEAR - 1, form_code="8", jp=Decimal("40"), records=1),
            ]
        )
        s.add(
            LearningRecord(
                nip=asn.nip,
                title="Klaim",
                title_key="klaim",
                form_code="8",
                start_date=date(YEAR, 2, 1),
                end_date=date(YEAR, 2, 1),
                year=YEAR,
                jp=Decimal("2.25"),
                competency_codes=[],
                source="self",
                status="pending",
                created_by=asn.nip,
            )
        )
        await s.commit()
    yield {"parent": parent, "child": child, "asn": asn}
    async with AsyncSession(engine) as s:
        await s.execute(delete(LearningRecord).where(LearningRecord.nip == asn.nip))
        await s.execute(delete(JpTotal).where(JpTotal.nip == asn.nip))
        await s.execute(delete(JpYearTotal).where(JpYearTotal.nip == asn.nip))
        await s.execute(delete(Asn).where(Asn.nip == asn.nip))
        await s.execute(delete(Unit).where(Unit.id.in_([child.id, parent.id])))
        await s.commit()


async def test_summary_on_the_fast_read_path(
    settings: Settings, engine: AsyncEngine, committed: dict[str, Any]
) -> None:
    reader = FastReader(settings, engine)
    asn, parent, child = committed["asn"], committed["parent"], committed["child"]
    try:
        for principal in (
            Principal(subject="bpsdm", role=Role.bpsdm_admin),
            Principal(subject="opd.p", role=Role.opd_admin, unit_id=parent.id),
            Principal(subject=asn.nip, role=Role.asn, nip=asn.nip),
        ):
            s = await reports.jp_summary(reader, principal, asn.nip, YEAR)
            assert (s.verified_jp, s.pending_jp, s.compliant) == (Decimal("19.99"), Decimal("2.25"), False)
            assert [(f.form_code, f.jp, f.records) for f in s.by_form] == [
                ("8", Decimal("12.50"), 2),
                ("9", Decimal("7.49"), 1),
            ]
        for outsider in (
            Principal(subject="opd.c", role=Role.opd_admin, unit_id=child.id + 1000),
            Principal(subject="x", role=Role.asn, nip="199001012015011001"),
        ):
            with pytest.raises(AsnNotFound):
                await reports.jp_summary(reader, outsider, asn.nip, YEAR)
        before = await reports.jp_summary(reader, Principal(subject="b", role=Role.auditor), asn.nip, 2000)
        # Before the first rule set: the first one.
        assert (before.verified_jp, before.target_jp) == (Decimal(0), Decimal(20))
    finally:
        await reader.close()


# -- GET /reports/jp-compliance -----------------------------------------------------------------------


@pytest.fixture
async def ledger(
    client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
) -> dict[str, Asn]:
    """2026: asn_a 20 (compliant), asn_a1 19.99, a CPNS in BIDANG_A1 24.98, asn_b 5, pppk_a 30.

    Noise that must not count: an inactive PNS with 40, a pending claim, a voided record, 2025's JP.
    """
    cpns = await create_asn(session, world.unit_a1, employment_type="cpns", name="Rina Wulandari")
    gone = await create_asn(session, world.unit_a, name="Pensiunan", active=False)
    await session.commit()
    admin, own = as_(settings, world, "bpsdm"), as_(settings, world, "asn_a")
    await record(client, world.asn_a.nip, admin, 12)
    await record(client, world.asn_a.nip, admin, 8, form_code="9")
    await record(client, world.asn_a.nip, own, 10)  # pending
    await record(client, world.asn_a1.nip, admin, 19.99)
    await record(client, cpns.nip, admin, 24.98)
    await record(client, world.asn_b.nip, admin, 5)
    await void(client, (await record(client, world.asn_b.nip, admin, 30))["id"], admin)
    await record(client, world.asn_b.nip, admin, 50, start_date="2025-06-02", end_date="2025-06-02")
    await record(client, world.pppk_a.nip, admin, 30)
    await record(client, gone.nip, admin, 40)
    return {"cpns": cpns, "inactive": gone}


class TestComplianceReport:
    async def test_every_unit(
        self, client: httpx.AsyncClient, settings: Settings, world: World, ledger: dict[str, Asn]
    ) -> None:
        r = await report(client, as_(settings, world, "bpsdm"))
        assert (r["year"], r["unit_id"], r["name"], r["target_jp"], r["direct"]) == (
            YEAR,
            None,
            None,
            20,
            None,
        )
        # Active PNS/CPNS: 20 + 19.99 + 24.98 + 5 = 69.97 over 4; the mean 17.4925 rounds to 17.49.
        assert figures(r) == (4, 2, 2, 50.0, 69.97, 17.49)
        assert [(u["unit_id"], u["code"], u["name"]) for u in r["units"]] == [
            (world.unit_a.id, "DINAS_A", "Unit DINAS_A"),
            (world.unit_b.id, "DINAS_B", "Unit DINAS_B"),
        ]
        dinas_a, dinas_b = r["units"]
        # BIDANG_A1's two ASN count in DINAS_A's row: 64.97 / 3 = 21.656…
        assert figures(dinas_a) == (3, 2, 1, 66.67, 64.97, 21.66)
        assert figures(dinas_b) == (1, 0, 1, 0.0, 5.0, 5.0)
        assert r["pppk"] == {
            "cap_jp": 24.0,
            "headcount": 1,
            "reached_cap": 1,
            "total_jp": 30.0,
            "mean_jp": 30.0,
            "over_cap": 1,
        }

    async def test_one_unit_rows_are_its_children(
        self, client: httpx.AsyncClient, settings: Settings, world: World, ledger: dict[str, Asn]
    ) -> None:
        r = await report(client, as_(settings, world, "bpsdm"), unit_id=world.unit_a.id)
        assert (r["unit_id"], r["name"]) == (world.unit_a.id, "Unit DINAS_A")
        assert figures(r) == (3, 2, 1, 66.67, 64.97, 21.66)
        [bidang] = r["units"]
        # 19.99 + 24.98 = 44.97 over 2: 22.485 rounds half-up to 22.49.
        assert (bidang["unit_id"], *figures(bidang)) == (world.unit_a1.id, 2, 1, 1, 50.0, 44.97, 22.49)
        assert figures(r["direct"]) == (1, 1, 0, 100.0, 20.0, 20.0)
        assert r["pppk"]["headcount"] == 1

    async def test_descendants_count_in_their_ancestors_row(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        seksi = await create_unit(session, "SEKSI_A1X", parent=world.unit_a1, kind="seksi")
        deep = await create_asn(session, seksi, name="Agus Salim")
        await session.commit()
        admin = as_(settings, world, "bpsdm")
        await record(client, deep.nip, admin, 21)
        r = await report(client, admin, unit_id=world.unit_a.id)
        [bidang] = r["units"]
        assert figures(bidang) == (2, 1, 1, 50.0, 21.0, 10.5)
        top = await report(client, admin)
        assert figures(top["units"][0]) == (3, 1, 2, 33.33, 21.0, 7.0)
        leaf = await report(client, admin, unit_id=world.unit_a1.id)
        assert [u["unit_id"] for u in leaf["units"]] == [seksi.id]
        assert figures(leaf["direct"]) == (1, 0, 1, 0.0, 0.0, 0.0)

    async def test_form_caps_apply_before_the_target(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        admin = as_(settings, world, "bpsdm")
        await put_rules(client, admin, YEAR, form_rules=[{"form_code": "9", "max_jp_per_year": 4}])
        await record(client, world.asn_b.nip, admin, 16)
        await record(client, world.asn_b.nip, admin, 3, form_code="9")
        await record(client, world.asn_b.nip, admin, 3, form_code="9")
        await record(client, world.asn_a.nip, admin, 10, form_code="9")
        await record(client, world.asn_a.nip, admin, 16.5)
        r = await report(client, admin)
        dinas_a, dinas_b = r["units"]
        assert figures(dinas_b) == (1, 1, 0, 100.0, 20.0, 20.0)  # 16 + min(6, 4)
        assert figures(dinas_a) == (2, 1, 1, 50.0, 20.5, 10.25)  # 16.5 + min(10, 4); asn_a1 has none
        assert (r["compliant"], r["total_jp"]) == (2, 40.5)

    async def test_pppk_reaching_the_cap_counts_those_at_it_and_over_it(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        below = await create_asn(session, world.unit_a, employment_type="pppk", name="Dewi Lestari")
        at = await create_asn(session, world.unit_a1, employment_type="pppk", name="Made Wirawan")
        over = await create_asn(session, world.unit_b, employment_type="pppk", name="Yohanes Kii")
        await session.commit()
        admin = as_(settings, world, "bpsdm")
        await record(client, below.nip, admin, 23.99)
        await record(client, at.nip, admin, 12)
        await record(client, at.nip, admin, 12, form_code="9")
        await record(client, over.nip, admin, 24.01)
        pppk = (await report(client, admin))["pppk"]
        # pppk_a (no JP) and 23.99 are below the cap; 24 reaches it; 24.01 reaches and goes over it.
        assert (pppk["headcount"], pppk["reached_cap"], pppk["over_cap"]) == (4, 2, 1)
        dinas_a = (await report(client, admin, unit_id=world.unit_a.id))["pppk"]
        assert (dinas_a["headcount"], dinas_a["reached_cap"], dinas_a["over_cap"]) == (3, 1, 0)
        await put_rules(client, admin, YEAR, pppk_max_jp=12)
        lowered = (await report(client, admin))["pppk"]
        assert (lowered["cap_jp"], lowered["reached_cap"], lowered["over_cap"]) == (12, 3, 3)

    async def test_empty_year_is_zeros(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        empty = await create_unit(session, "BIDANG_B1", parent=world.unit_b, kind="bidang")
        await session.commit()
        admin = as_(settings, world, "bpsdm")
        r = await report(client, admin, year=2020)
        assert (r["year"], *figures(r)) == (2020, 3, 0, 3, 0.0, 0.0, 0.0)
        assert r["pppk"] == {
            "cap_jp": 24.0,
            "headcount": 1,
            "reached_cap": 0,
            "total_jp": 0.0,
            "mean_jp": 0.0,
            "over_cap": 0,
        }
        b = await report(client, admin, unit_id=world.unit_b.id, year=2020)
        assert [(u["unit_id"], *figures(u)) for u in b["units"]] == [(empty.id, 0, 0, 0, 0.0, 0.0, 0.0)]
        assert figures(b["direct"]) == (1, 0, 1, 0.0, 0.0, 0.0)

    async def test_year_defaults_to_the_current_year(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.get(REPORT, headers=as_(settings, world, "auditor"))
        assert r.status_code == 200, r.text
        assert r.json()["year"] == date.today().year


class TestComplianceReportScope:
    async def test_opd_admin_gets_its_own_subtree(
        self, client: httpx.AsyncClient, settings: Settings, world: World, ledger: dict[str, Asn]
    ) -> None:
        mine = await report(client, as_(settings, world, "opd_a"))
        assert (mine["unit_id"], *figures(mine)) == (world.unit_a.id, 3, 2, 1, 66.67, 64.97, 21.66)
        assert [u["unit_id"] for u in mine["units"]] == [world.unit_a1.id]
        assert mine["pppk"]["headcount"] == 1
        sub = await report(client, as_(settings, world, "opd_a"), unit_id=world.unit_a1.id)
        assert (sub["units"], *figures(sub)) == ([], 2, 1, 1, 50.0, 44.97, 22.49)
        assert sub["pppk"]["headcount"] == 0
        b = await report(client, as_(settings, world, "opd_b"))
        assert (b["unit_id"], *figures(b)) == (world.unit_b.id, 1, 0, 1, 0.0, 5.0, 5.0)

    @pytest.mark.parametrize(
        ("who", "unit"),
        [("opd_a", "unit_b"), ("opd_a1", "unit_a"), ("opd_b", "unit_a1")],
    )
    async def test_units_outside_reach_do_not_exist(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str, unit: str
    ) -> None:
        r = await client.get(
            REPORT, params={"unit_id": getattr(world, unit).id}, headers=as_(settings, world, who)
        )
        problem(r, 404, "unit_not_found")

    async def test_unknown_unit(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        r = await client.get(REPORT, params={"unit_id": 999_999}, headers=as_(settings, world, "bpsdm"))
        problem(r, 404, "unit_not_found")

    @pytest.mark.parametrize(
        ("caller", "status"),
        [
            ("asn_a", 403),
            ("auditor", 200),
            ("opd_a1", 200),
            ("client:learning:read", 200),
            ("client:asn:read", 403),
        ],
    )
    async def test_who_may_read(
        self, client: httpx.AsyncClient, settings: Settings, world: World, caller: str, status: int
    ) -> None:
        if caller.startswith("client:"):
            headers = bearer(settings, client_principal(caller.removeprefix("client:")))
        else:
            headers = as_(settings, world, caller)
        r = await client.get(REPORT, headers=headers)
        if status == 403:
            problem(r, 403, "forbidden")
        else:
            assert r.status_code == 200, r.text

    async def test_opd_admin_without_a_unit(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, world: World
    ) -> None:
        stray = await create_user(session, "opd.none", Role.opd_admin)
        await session.commit()
        r = await client.get(REPORT, headers=bearer(settings, principal_of(stray)))
        problem(r, 403, "no_unit_assigned")


# -- GET /verification-queue --------------------------------------------------------------------------


@pytest.fixture
async def claims(
    client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
) -> dict[str, list[int]]:
    """Pending claims, in this order: asn_a, asn_b, asn_a1, asn_a; plus admin records (verified)."""
    user_a1 = await create_user(session, world.asn_a1.nip, Role.asn, asn=world.asn_a1, unit=world.unit_a1)
    await session.commit()
    a, b, a1 = (
        as_(settings, world, "asn_a"),
        as_(settings, world, "asn_b"),
        bearer(settings, principal_of(user_a1)),
    )
    ids: dict[str, list[int]] = {"asn_a": [], "asn_b": [], "asn_a1": []}
    for who, headers in (("asn_a", a), ("asn_b", b), ("asn_a1", a1), ("asn_a", a)):
        nip = getattr(world, who).nip
        ids[who].append((await record(client, nip, headers, 4))["id"])
    await record(client, world.asn_a.nip, as_(settings, world, "bpsdm"), 4)
    return ids


async def queue(
    client: httpx.AsyncClient, headers: dict[str, str], **params: Any
) -> tuple[list[dict[str, Any]], int, str | None]:
    r = await client.get(QUEUE, params=params, headers=headers)
    assert r.status_code == 200, r.text
    body = r.json()
    return body["items"], body["total"], body["next_cursor"]


class TestVerificationQueue:
    async def test_oldest_first_with_the_asn(
        self, client: httpx.AsyncClient, settings: Settings, world: World, claims: dict[str, list[int]]
    ) -> None:
        items, total, cursor = await queue(client, as_(settings, world, "bpsdm"))
        expected = [claims["asn_a"][0], claims["asn_b"][0], claims["asn_a1"][0], claims["asn_a"][1]]
        assert ([i["id"] for i in items], total, cursor) == (expected, 4, None)
        first = items[0]
        assert (first["nip"], first["asn_name"], first["unit_id"]) == (
            world.asn_a.nip,
            "Siti Rahmawati",
            world.unit_a.id,
        )
        assert (first["status"], first["jp"], first["source"]) == ("pending", 4.0, "self")
        assert items[2]["asn_name"] == "Budi Santoso"
        assert items[2]["unit_id"] == world.unit_a1.id

    @pytest.mark.parametrize(
        ("who", "expected"),
        [
            ("bpsdm", {"asn_a", "asn_b", "asn_a1"}),
            ("auditor", {"asn_a", "asn_b", "asn_a1"}),
            ("opd_a", {"asn_a", "asn_a1"}),
            ("opd_a1", {"asn_a1"}),
            ("opd_b", {"asn_b"}),
        ],
    )
    async def test_scope(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        claims: dict[str, list[int]],
        who: str,
        expected: set[str],
    ) -> None:
        items, total, _ = await queue(client, as_(settings, world, who))
        want = sorted(i for name in expected for i in claims[name])
        assert ([i["id"] for i in items], total) == (want, len(want))

    async def test_unit_filter(
        self, client: httpx.AsyncClient, settings: Settings, world: World, claims: dict[str, list[int]]
    ) -> None:
        items, _, _ = await queue(client, as_(settings, world, "bpsdm"), unit_id=world.unit_a1.id)
        assert [i["id"] for i in items] == claims["asn_a1"]
        items, _, _ = await queue(client, as_(settings, world, "opd_a"), unit_id=world.unit_a.id)
        assert [i["id"] for i in items] == sorted(claims["asn_a"] + claims["asn_a1"])
        r = await client.get(
            QUEUE, params={"unit_id": world.unit_b.id}, headers=as_(settings, world, "opd_a")
        )
        problem(r, 404, "unit_not_found")

    async def test_pages(
        self, client: httpx.AsyncClient, settings: Settings, world: World, claims: dict[str, list[int]]
    ) -> None:
        headers = as_(settings, world, "bpsdm")
        seen: list[int] = []
        cursor: str | None = None
        while True:
            params: dict[str, Any] = {"limit": 3} | ({"cursor": cursor} if cursor else {})
            items, total, cursor = await queue(client, headers, **params)
            assert total == 4
            seen += [i["id"] for i in items]
            if cursor is None:
                break
        assert seen == sorted(i for ids in claims.values() for i in ids)
        r = await client.get(QUEUE, params={"cursor": "bm90LWEtY3Vyc29y"}, headers=headers)
        problem(r, 422, "invalid_cursor")

    async def test_decided_claims_leave(
        self, client: httpx.AsyncClient, settings: Settings, world: World, claims: dict[str, list[int]]
    ) -> None:
        admin = as_(settings, world, "bpsdm")
        await decide(client, claims["asn_a"][0], admin, "approve")
        await decide(client, claims["asn_b"][0], admin, "reject")
        await void(client, claims["asn_a1"][0], admin)
        items, total, _ = await queue(client, admin)
        assert ([i["id"] for i in items], total) == ([claims["asn_a"][1]], 1)

    @pytest.mark.parametrize("caller", ["asn_a", "client"])
    async def test_not_for_asn_or_clients(
        self, client: httpx.AsyncClient, settings: Settings, world: World, caller: str
    ) -> None:
        headers = (
            bearer(settings, client_principal("learning:read"))
            if caller == "client"
            else as_(settings, world, caller)
        )
        problem(await client.get(QUEUE, headers=headers), 403, "forbidden")
