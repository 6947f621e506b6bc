"""GET /reports/competency-gaps and /reports/competency-gap-matrix: exact figures, scope, errors."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.competencies.reports import service as reports
from app.core.config import Settings
from tests.competencies.test_standings import (
    TEKNIS,
    add_teknis,
    assert_consistent,
    assess,
    patch_asn,
    place,
    set_standard,
)
from tests.factories import World, bearer, client_principal, create_asn, create_position, create_unit
from tests.http import as_, problem

GAPS = "/api/v1/reports/competency-gaps"
MATRIX = "/api/v1/reports/competency-gap-matrix"
ON = date(2025, 8, 14)


async def get(client: httpx.AsyncClient, url: str, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    r = await client.get(url, params=params, headers=headers)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/json"
    data: dict[str, Any] = r.json()
    return data


def by_code(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {i["competency_code"]: i for i in items}


def item(
    code: str, name: str, group: str, required: int, assessed: int, with_gap: int, mean: Any, pct: Any
) -> dict[str, Any]:
    return {
        "competency_code": code,
        "name": name,
        "group": group,
        "required": required,
        "assessed": assessed,
        "missing": required - assessed,
        "with_gap": with_gap,
        "mean_gap": mean,
        "with_gap_pct": pct,
    }


def cell(code: str, required: int, assessed: int, with_gap: int, mean: Any) -> dict[str, Any]:
    return {
        "competency_code": code,
        "required": required,
        "assessed": assessed,
        "with_gap": with_gap,
        "mean_gap": mean,
    }


KEU = "Pengelolaan Keuangan Daerah"


@pytest.fixture
async def gaps(session: AsyncSession, world: World) -> World:
    """Standards and assessments over the world (see each figure's derivation in the tests).

    unit_a: asn_a (position_a: M1 3, M2 2, teknis 2) rated M1 2, M2 2;
            extra_a (position_a) rated M1 4, M2 1, teknis 1; retired_a (position_a, inactive) rated M1 1.
    unit_a1: asn_a1 (position_a1: M1 3) rated M1 1.   unit_b: asn_b (position_b: M1 2) rated M1 2.
    """
    await add_teknis(session)
    position_a1 = await create_position(session, world.unit_a1, jenis_jabatan="pengawas")
    position_b = await create_position(session, world.unit_b, jenis_jabatan="administrator")
    extra_a = await create_asn(session, world.unit_a, position=world.position_a, name="Rudi Hartono")
    retired_a = await create_asn(session, world.unit_a, position=world.position_a, active=False)
    await place(session, world.asn_a1, position_a1)
    await place(session, world.asn_b, position_b)
    await set_standard(session, world.position_a, {"M2": 2, TEKNIS: 2, "M1": 3})
    await set_standard(session, position_a1, {"M1": 3})
    await set_standard(session, position_b, {"M1": 2})
    await assess(session, world.asn_a.nip, ON, {"M1": 2, "M2": 2})
    await assess(session, extra_a.nip, ON, {"M1": 4, "M2": 1, TEKNIS: 1})
    await assess(session, retired_a.nip, ON, {"M1": 1, "M2": 1})
    await assess(session, world.asn_a1.nip, ON, {"M1": 1})
    await assess(session, world.asn_b.nip, ON, {"M1": 2})
    await assert_consistent(session)
    await session.commit()
    return world


class TestGapReport:
    async def test_opd_a_sees_its_subtree_with_exact_figures(
        self, client: httpx.AsyncClient, settings: Settings, gaps: World
    ) -> None:
        data = await get(client, GAPS, as_(settings, gaps, "opd_a"))
        assert data["unit_id"] == gaps.unit_a.id
        assert data["name"] == gaps.unit_a.name
        # M1: asn_a −1, extra_a +1, asn_a1 −2 (the sub-unit counts; the inactive ASN does not):
        #     Σ −2 over 3 → −0.666… → −0.67; 2 of 3 below → 66.67 %.
        # M2: asn_a 0, extra_a −1 → −0.50, 1 of 2.   Teknis: extra_a −1, asn_a never rated → missing 1.
        assert data["items"] == [
            item("M1", "Integritas", "manajerial", 3, 3, 2, -0.67, 66.67),
            item("M2", "Kerjasama", "manajerial", 2, 2, 1, -0.5, 50.0),
            item(TEKNIS, KEU, "teknis", 2, 1, 1, -1.0, 100.0),
        ]

    async def test_the_province(self, client: httpx.AsyncClient, settings: Settings, gaps: World) -> None:
        for who in ("bpsdm", "auditor"):
            data = await get(client, GAPS, as_(settings, gaps, who))
            assert data["unit_id"] is None and data["name"] is None
            # M1 adds asn_b at 0: Σ −2 over 4 → −0.50, 2 of 4.
            assert data["items"][0] == item("M1", "Integritas", "manajerial", 4, 4, 2, -0.5, 50.0)
            assert [i["competency_code"] for i in data["items"]] == ["M1", "M2", TEKNIS]
        client_data = await get(client, GAPS, bearer(settings, client_principal("asn:read")))
        assert client_data == data

    async def test_named_units(self, client: httpx.AsyncClient, settings: Settings, gaps: World) -> None:
        a1_only = [item("M1", "Integritas", "manajerial", 1, 1, 1, -2.0, 100.0)]
        data = await get(client, GAPS, as_(settings, gaps, "opd_a"), unit_id=gaps.unit_a1.id)
        assert (data["unit_id"], data["items"]) == (gaps.unit_a1.id, a1_only)
        assert (await get(client, GAPS, as_(settings, gaps, "opd_a1")))["items"] == a1_only
        assert (await get(client, GAPS, as_(settings, gaps, "bpsdm"), unit_id=gaps.unit_a1.id))[
            "items"
        ] == a1_only
        # opd_b sees only unit_b: asn_b exactly at the standard.
        data = await get(client, GAPS, as_(settings, gaps, "opd_b"))
        assert data["items"] == [item("M1", "Integritas", "manajerial", 1, 1, 0, 0.0, 0.0)]

    async def test_out_of_reach_and_forbidden(
        self, client: httpx.AsyncClient, settings: Settings, gaps: World
    ) -> None:
        for url in (GAPS, MATRIX):
            problem(
                await client.get(
                    url, params={"unit_id": gaps.unit_b.id}, headers=as_(settings, gaps, "opd_a")
                ),
                404,
                "unit_not_found",
            )
            problem(
                await client.get(
                    url, params={"unit_id": gaps.unit_a.id}, headers=as_(settings, gaps, "opd_b")
                ),
                404,
                "unit_not_found",
            )
            problem(
                await client.get(
                    url, params={"unit_id": gaps.unit_a.id}, headers=as_(settings, gaps, "opd_a1")
                ),
                404,
                "unit_not_found",
            )
            problem(
                await client.get(url, params={"unit_id": 2**31 - 1}, headers=as_(settings, gaps, "bpsdm")),
                404,
                "unit_not_found",
            )
            problem(await client.get(url, headers=as_(settings, gaps, "asn_a")), 403, "forbidden")
            problem(
                await client.get(url, headers=bearer(settings, client_principal("learning:read"))),
                403,
                "forbidden",
            )
            problem(await client.get(url), 401, "unauthorized")
            for bad in ("0", "abc", str(2**31)):
                r = await client.get(url, params={"unit_id": bad}, headers=as_(settings, gaps, "bpsdm"))
                problem(r, 422, "validation_error")

    async def test_figures_follow_changes(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, gaps: World
    ) -> None:
        h = as_(settings, gaps, "bpsdm")
        # asn_a1 moves to unit_b: opd_a loses its −2, opd_b gains it.
        await patch_asn(client, h, gaps.asn_a1.nip, {"unit_id": gaps.unit_b.id})
        a = by_code((await get(client, GAPS, as_(settings, gaps, "opd_a")))["items"])
        assert a["M1"] == item("M1", "Integritas", "manajerial", 2, 2, 1, 0.0, 50.0)
        b = by_code((await get(client, GAPS, as_(settings, gaps, "opd_b")))["items"])
        assert b["M1"] == item("M1", "Integritas", "manajerial", 2, 2, 1, -1.0, 50.0)
        # A newer assessment lifts asn_a to the standard on M1.
        await assess(session, gaps.asn_a.nip, date(2025, 9, 1), {"M1": 3})
        await session.commit()
        a = by_code((await get(client, GAPS, as_(settings, gaps, "opd_a")))["items"])
        assert a["M1"] == item("M1", "Integritas", "manajerial", 2, 2, 0, 0.5, 0.0)
        # Deactivated: out of the report.
        await patch_asn(client, h, gaps.asn_a.nip, {"active": False})
        a = by_code((await get(client, GAPS, as_(settings, gaps, "opd_a")))["items"])
        assert a["M1"] == item("M1", "Integritas", "manajerial", 1, 1, 0, 1.0, 0.0)
        assert a["M2"] == item("M2", "Kerjasama", "manajerial", 1, 1, 1, -1.0, 100.0)


class TestRounding:
    async def test_half_up_ties_and_unassessed(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, world: World
    ) -> None:
        unit = await create_unit(session, "DINAS_C")
        position = await create_position(session, unit)
        people = [await create_asn(session, unit, position=position, name=f"Pegawai {i}") for i in range(8)]
        await set_standard(session, position, {"M1": 3, "M2": 3, "M3": 2, "SK1": 1})
        for i, person in enumerate(people):
            # M1: one at 2 → −1/8 = −0.125 → −0.13; M2: one at 4 → +0.13; SK1: three above → 0.375 → 0.38.
            await assess(
                session,
                person.nip,
                ON,
                {"M1": 2 if i == 0 else 3, "M2": 4 if i == 0 else 3, "SK1": 2 if i < 3 else 1},
            )
        await session.commit()
        data = await get(client, GAPS, as_(settings, world, "bpsdm"), unit_id=unit.id)
        assert data["items"] == [
            item("M1", "Integritas", "manajerial", 8, 8, 1, -0.13, 12.5),
            item("M2", "Kerjasama", "manajerial", 8, 8, 0, 0.13, 0.0),
            item("M3", "Komunikasi", "manajerial", 8, 0, 0, None, None),
            item("SK1", "Perekat Bangsa", "sosial_kultural", 8, 8, 0, 0.38, 0.0),
        ]

    async def test_empty_province(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        """Nobody has a standard: no competency is required, so the report lists none."""
        data = await get(client, GAPS, as_(settings, world, "bpsdm"))
        assert data == {"unit_id": None, "name": None, "items": []}
        data = await get(client, GAPS, as_(settings, world, "opd_a"))
        assert data == {"unit_id": world.unit_a.id, "name": world.unit_a.name, "items": []}
        matrix = await get(client, MATRIX, as_(settings, world, "bpsdm"))
        assert matrix["competencies"] == []
        assert {r["unit_id"] for r in matrix["rows"]} >= {world.unit_a.id, world.unit_b.id}
        assert all(r["cells"] == [] for r in matrix["rows"])
        assert matrix["direct"] is None


class TestMatrix:
    async def test_opd_a(self, client: httpx.AsyncClient, settings: Settings, gaps: World) -> None:
        data = await get(client, MATRIX, as_(settings, gaps, "opd_a"))
        assert (data["unit_id"], data["name"]) == (gaps.unit_a.id, gaps.unit_a.name)
        assert data["competencies"] == [
            {"code": "M1", "name": "Integritas", "group": "manajerial"},
            {"code": "M2", "name": "Kerjasama", "group": "manajerial"},
            {"code": TEKNIS, "name": KEU, "group": "teknis"},
        ]
        assert data["rows"] == [
            {
                "unit_id": gaps.unit_a1.id,
                "code": gaps.unit_a1.code,
                "name": gaps.unit_a1.name,
                "cells": [cell("M1", 1, 1, 1, -2.0), cell("M2", 0, 0, 0, None), cell(TEKNIS, 0, 0, 0, None)],
            }
        ]
        # unit_a's own ASN: M1 −1 and +1; M2 0 and −1; teknis −1 with one unrated.
        assert data["direct"] == {
            "cells": [cell("M1", 2, 2, 1, 0.0), cell("M2", 2, 2, 1, -0.5), cell(TEKNIS, 2, 1, 1, -1.0)]
        }

    async def test_province_rows_include_descendants(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, gaps: World
    ) -> None:
        # A grandchild of unit_a counts in unit_a's row too.
        deep = await create_unit(session, "SEKSI_A1X", parent=gaps.unit_a1, kind="seksi")
        position = await create_position(session, deep)
        person = await create_asn(session, deep, position=position)
        await set_standard(session, position, {"M1": 5})
        await assess(session, person.nip, ON, {"M1": 2})
        await session.commit()
        data = await get(client, MATRIX, as_(settings, gaps, "auditor"))
        assert data["unit_id"] is None and data["direct"] is None
        assert [c["code"] for c in data["competencies"]] == ["M1", "M2", TEKNIS]
        rows = {r["unit_id"]: r for r in data["rows"]}
        # unit_a: −1, +1, −2, −3 → −5/4 = −1.25, 3 below.
        assert rows[gaps.unit_a.id]["cells"] == [
            cell("M1", 4, 4, 3, -1.25),
            cell("M2", 2, 2, 1, -0.5),
            cell(TEKNIS, 2, 1, 1, -1.0),
        ]
        assert rows[gaps.unit_b.id]["cells"] == [
            cell("M1", 1, 1, 0, 0.0),
            cell("M2", 0, 0, 0, None),
            cell(TEKNIS, 0, 0, 0, None),
        ]
        assert gaps.unit_a1.id not in rows and deep.id not in rows
        tops = [r for r in data["rows"] if r["unit_id"] in (gaps.unit_a.id, gaps.unit_b.id)]
        assert [r["name"] for r in tops] == sorted(r["name"] for r in tops)

        # Within unit_a1: its child is a row, its own ASN the direct row.
        data = await get(client, MATRIX, as_(settings, gaps, "opd_a1"))
        assert [c["code"] for c in data["competencies"]] == ["M1"]
        assert data["rows"] == [
            {"unit_id": deep.id, "code": deep.code, "name": deep.name, "cells": [cell("M1", 1, 1, 1, -3.0)]}
        ]
        assert data["direct"] == {"cells": [cell("M1", 1, 1, 1, -2.0)]}

        # The matrix and the report agree: summing the rows and direct gives the report's figures.
        report = by_code((await get(client, GAPS, as_(settings, gaps, "opd_a")))["items"])
        matrix = await get(client, MATRIX, as_(settings, gaps, "opd_a"))
        for i, column in enumerate(matrix["competencies"]):
            cells = [r["cells"][i] for r in matrix["rows"]] + [matrix["direct"]["cells"][i]]
            figures = report[column["code"]]
            assert sum(c["required"] for c in cells) == figures["required"]
            assert sum(c["assessed"] for c in cells) == figures["assessed"]
            assert sum(c["with_gap"] for c in cells) == figures["with_gap"]

    async def test_service_functions(self, session: AsyncSession, gaps: World) -> None:
        """The names the XLSX export imports."""
        report = await reports.gap_report(session, gaps.principal("opd_b"), None)
        assert report.unit_id == gaps.unit_b.id
        assert [(i.competency_code, i.assessed, i.with_gap) for i in report.items] == [("M1", 1, 0)]
        matrix = await reports.gap_matrix(session, gaps.principal("bpsdm"), gaps.unit_b.id)
        assert matrix.rows == [] and matrix.direct is not None
        assert [(c.competency_code, c.assessed) for c in matrix.direct.cells] == [("M1", 1)]
