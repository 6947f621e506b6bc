"""Mandatory needs as rule data: planning_rules in the year's rule set, validated, and counted per scope."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.audit import AuditEntry
from app.core.config import Settings
from app.reference.codes import codes
from app.rules.defaults import DEFAULT_PLANNING_RULES
from app.rules.planning import EMPLOYMENT_TYPES, JENIS_JABATAN
from tests import factories
from tests.factories import RULES_BODY, World
from tests.http import problem
from tests.planning.needs.helpers import REPORT, YEAR, add_course, as_, build, verified_jp

LATSAR, LEADERSHIP = (dict(n) for n in DEFAULT_PLANNING_RULES["mandatory"])


def counts(body: dict[str, Any]) -> dict[str, int]:
    return {n["code"]: n["count"] for n in body["mandatory"]}


async def report(
    client: httpx.AsyncClient, headers: dict[str, str], unit_id: int | None = None
) -> dict[str, Any]:
    query = f"?year={YEAR}" + ("" if unit_id is None else f"&unit_id={unit_id}")
    r = await client.get(REPORT + query, headers=headers)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def rules(*mandatory: dict[str, Any], cost_per_jp_idr: int = 150_000) -> dict[str, Any]:
    return RULES_BODY | {"planning_rules": {"mandatory": list(mandatory), "cost_per_jp_idr": cost_per_jp_idr}}


class TestCounts:
    async def test_default_needs_per_scope(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, world: World
    ) -> None:
        province = await build(session, world)
        # CPNS: one without Latsar, one with a Diklat Struktural (form 1), one inactive, one in unit_b.
        await factories.create_asn(session, world.unit_a, employment_type="cpns")
        done = await factories.create_asn(session, world.unit_a1, employment_type="cpns")
        await verified_jp(session, done, YEAR - 3, "1")
        await factories.create_asn(session, world.unit_a, employment_type="cpns", active=False)
        await factories.create_asn(session, world.unit_b, employment_type="cpns")
        # Structural officials: `extra` (pengawas), asn_a1 and `unrated` (administrator); a PNS pelaksana
        # (asn_a) is not, nor a PPPK.
        # A leadership record counting after the year asked for does not meet the need in that year.
        await verified_jp(session, world.asn_a1, YEAR + 1, "5")
        # A record of another form meets nothing.
        await verified_jp(session, province.extra, YEAR, "3")
        await session.commit()
        bpsdm = as_(settings, world, "bpsdm")

        body = await report(client, bpsdm, world.unit_a.id)
        assert counts(body) == {"latsar_cpns": 1, "pelatihan_kepemimpinan": 3}
        assert [n["course_id"] for n in body["mandatory"]] == [None, None]
        assert counts(await report(client, bpsdm, world.unit_a1.id)) == {
            "latsar_cpns": 0,
            "pelatihan_kepemimpinan": 2,
        }
        assert counts(await report(client, bpsdm)) == {"latsar_cpns": 2, "pelatihan_kepemimpinan": 3}

        await verified_jp(session, world.asn_a1, YEAR, "1")
        await session.commit()
        assert counts(await report(client, bpsdm, world.unit_a.id))["pelatihan_kepemimpinan"] == 2

    async def test_titles_in_both_languages(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, world: World
    ) -> None:
        bpsdm = as_(settings, world, "bpsdm")
        english = await report(client, bpsdm)
        assert [n["title"] for n in english["mandatory"]] == [LATSAR["title_en"], LEADERSHIP["title_en"]]
        r = await client.get(f"{REPORT}?year={YEAR}", headers=bpsdm | {"Accept-Language": "id"})
        assert [n["title"] for n in r.json()["mandatory"]] == [LATSAR["title_id"], LEADERSHIP["title_id"]]

    async def test_the_years_rules_decide(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, world: World
    ) -> None:
        unit = await factories.create_unit(session, "DINAS_WAJIB")
        recent = await factories.create_asn(session, unit, employment_type="cpns")
        await verified_jp(session, recent, YEAR - 1, "1")
        old = await factories.create_asn(session, unit, employment_type="cpns")
        await verified_jp(session, old, YEAR - 2, "1")
        pppk = await factories.create_asn(session, unit, employment_type="pppk")
        course = await add_course(session, ["M1"], code="LATSAR-2027", title="Latsar CPNS 2027")
        await session.commit()
        bpsdm = as_(settings, world, "bpsdm")
        custom = LATSAR | {"satisfied_within_years": 2, "course_code": "latsar-2027"}
        orientation = {
            "code": "orientasi_pppk",
            "title_id": "Orientasi PPPK",
            "title_en": "PPPK orientation",
            "employment_types": ["pppk"],
            "form_codes": ["13", "16"],
        }
        r = await client.put(f"/api/v1/rules/{YEAR}", json=rules(custom, orientation), headers=bpsdm)
        assert r.status_code == 201, r.text
        assert r.json()["planning_rules"]["mandatory"][1]["jenis_jabatan"] is None
        body = await report(client, bpsdm, unit.id)
        # Within 2 years of 2027: 2026 counts, 2025 no longer.
        assert counts(body) == {"latsar_cpns": 1, "orientasi_pppk": 1}
        assert body["mandatory"][0]["course_id"] == course.id  # the code matches case-insensitively
        assert pppk.active

        entry = (
            await session.execute(
                select(AuditEntry).where(AuditEntry.entity == "rule_set", AuditEntry.key == str(YEAR))
            )
        ).scalar_one()
        assert entry.after is not None
        assert entry.after["planning_rules"]["mandatory"][1]["code"] == "orientasi_pppk"

    async def test_a_rule_set_without_planning_rules_answers_the_defaults(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.get(f"/api/v1/rules/{YEAR}", headers=as_(settings, world, "auditor"))
        assert r.status_code == 200, r.text
        assert r.json()["planning_rules"] == DEFAULT_PLANNING_RULES


class TestValidation:
    def test_the_literals_match_the_reference_lists(self) -> None:
        assert set(EMPLOYMENT_TYPES) == codes("employment_types")
        assert set(JENIS_JABATAN) == codes("jenis_jabatan")

    @pytest.mark.parametrize(
        ("change", "where"),
        [
            ({"form_codes": ["99"]}, "form_codes"),
            ({"jenis_jabatan": ["eselon_2"]}, "jenis_jabatan"),
            ({"employment_types": ["honorer"]}, "employment_types"),
            ({"employment_types": []}, "employment_types"),
            ({"form_codes": ["1", "1"]}, "mandatory"),
            ({"code": "Latsar CPNS"}, "code"),
            ({"satisfied_within_years": 0}, "satisfied_within_years"),
            ({"unknown": 1}, "unknown"),
        ],
    )
    async def test_refused(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        change: dict[str, Any],
        where: str,
    ) -> None:
        r = await client.put(
            f"/api/v1/rules/{YEAR}", json=rules(LATSAR | change), headers=as_(settings, world, "bpsdm")
        )
        body = problem(r, 422, "validation_error")
        assert any(where in ".".join(str(p) for p in e["loc"]) for e in body["errors"]), body

    async def test_codes_once_and_cost_not_negative(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        bpsdm = as_(settings, world, "bpsdm")
        r = await client.put(f"/api/v1/rules/{YEAR}", json=rules(LATSAR, LATSAR), headers=bpsdm)
        problem(r, 422, "validation_error")
        r = await client.put(
            f"/api/v1/rules/{YEAR}", json=rules(LATSAR, LATSAR), headers=bpsdm | {"Accept-Language": "id"}
        )
        assert "mencantumkan kode yang sama dua kali" in r.text
        r = await client.put(f"/api/v1/rules/{YEAR}", json=rules(LATSAR, cost_per_jp_idr=-1), headers=bpsdm)
        problem(r, 422, "validation_error")
