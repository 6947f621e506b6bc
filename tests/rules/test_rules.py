"""Yearly rule sets: the seeded docs/domain.md values, year fallback, PUT with If-Match, validation, audit."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.audit import AuditEntry
from app.core.config import Settings
from tests.factories import World, bearer, client_principal
from tests.http import PROBLEM, as_

SEED_YEAR = 2019

SEEDED = {
    "jp_minutes": 45,
    "pns_min_jp": 20,
    "pppk_max_jp": 24,
    "budget_min_pct": {"provinsi": 0.34, "kabupaten_kota": 0.16},
    "jpm_bands": [
        {"label": "Optimal", "min": 90},
        {"label": "Cukup Optimal", "min": 78},
        {"label": "Kurang Optimal", "min": 0},
    ],
    "form_rules": [],
}

RULES_2026: dict[str, Any] = {
    "jp_minutes": 50,
    "pns_min_jp": 24,
    "pppk_max_jp": 30.5,
    "budget_min_pct": {"provinsi": 0.5, "kabupaten_kota": 0.2},
    "jpm_bands": [
        {"label": "Memenuhi Syarat", "min": 80},
        {"label": "Masih Memenuhi Syarat", "min": 68},
        {"label": "Kurang Memenuhi Syarat", "min": 0},
    ],
    "form_rules": [
        {"form_code": "9", "fixed_jp": 4},
        {"form_code": "16", "max_jp_per_day": 3},
        {"form_code": "22", "jp_factor": 0.5, "max_jp_per_day": 2, "max_jp_per_year": 10},
    ],
}
FORM_RULE_KEYS = ("form_code", "jp_factor", "max_jp_per_day", "fixed_jp", "max_jp_per_year")


def rule_fields(body: dict[str, Any]) -> dict[str, Any]:
    """The rule values of a response, with form rules' absent members dropped."""
    out = {k: body[k] for k in SEEDED}
    out["form_rules"] = [{k: v for k, v in r.items() if v is not None} for r in body["form_rules"]]
    return out


def numbers_only(value: Any) -> bool:
    """True when every leaf besides labels and codes is a JSON number (never a string or bool)."""
    if isinstance(value, dict):
        return all(numbers_only(v) for k, v in value.items() if k not in ("label", "form_code"))
    if isinstance(value, list):
        return all(numbers_only(v) for v in value)
    return value is None or (isinstance(value, int | float) and not isinstance(value, bool))


async def rule_audit(session: AsyncSession, year: int) -> list[AuditEntry]:
    rows = await session.execute(
        select(AuditEntry)
        .where(AuditEntry.entity == "rule_set", AuditEntry.key == str(year))
        .order_by(AuditEntry.id)
    )
    return list(rows.scalars())


async def put(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    year: int,
    body: dict[str, Any],
    if_match: str | None = None,
) -> httpx.Response:
    h = headers | ({"If-Match": if_match} if if_match is not None else {})
    return await client.put(f"/api/v1/rules/{year}", json=body, headers=h)


class TestGet:
    async def test_seeded_values(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        r = await client.get(f"/api/v1/rules/{SEED_YEAR}", headers=as_(settings, world, "asn_a"))
        assert r.status_code == 200
        body = r.json()
        assert rule_fields(body) == SEEDED
        assert (body["year"], body["source_year"]) == (SEED_YEAR, SEED_YEAR)
        assert r.headers["etag"] == '"1"'
        assert body["updated_at"].endswith(("Z", "+00:00"))

    async def test_values_are_json_numbers(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.get("/api/v1/rules/2026", headers=as_(settings, world, "bpsdm"))
        body = r.json()
        assert numbers_only(rule_fields(body))
        assert isinstance(body["jp_minutes"], int)
        # Seen in the raw text too: no quoted numbers.
        assert '"0.34"' not in r.text and '"20"' not in r.text
        assert json.loads(r.text)["budget_min_pct"]["provinsi"] == 0.34

    @pytest.mark.parametrize("year", [2020, 2026, 2100])
    async def test_a_later_year_uses_the_latest_earlier_set(
        self, client: httpx.AsyncClient, settings: Settings, world: World, year: int
    ) -> None:
        r = await client.get(f"/api/v1/rules/{year}", headers=as_(settings, world, "opd_a"))
        assert r.status_code == 200
        body = r.json()
        assert (body["year"], body["source_year"]) == (year, SEED_YEAR)
        assert rule_fields(body) == SEEDED
        # Not the year's own resource: nothing to send back in If-Match.
        assert "etag" not in r.headers

    @pytest.mark.parametrize("year", [2000, 2018])
    async def test_a_year_before_the_first_set_uses_the_earliest(
        self, client: httpx.AsyncClient, settings: Settings, world: World, year: int
    ) -> None:
        r = await client.get(f"/api/v1/rules/{year}", headers=as_(settings, world, "auditor"))
        assert r.status_code == 200
        assert (r.json()["year"], r.json()["source_year"]) == (year, SEED_YEAR)
        assert rule_fields(r.json()) == SEEDED

    @pytest.mark.parametrize("year", ["1999", "2101", "0", "-2026", "abc", "2026.5"])
    async def test_year_out_of_range(
        self, client: httpx.AsyncClient, settings: Settings, world: World, year: str
    ) -> None:
        r = await client.get(f"/api/v1/rules/{year}", headers=as_(settings, world, "bpsdm"))
        assert r.status_code == 422
        assert r.headers["content-type"] == PROBLEM
        assert r.json()["code"] == "validation_error"
        assert r.json()["errors"][0]["loc"][:2] == ["path", "year"]

    async def test_readers(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        for who in ("bpsdm", "auditor", "opd_a", "asn_b"):
            assert (
                await client.get("/api/v1/rules/2026", headers=as_(settings, world, who))
            ).status_code == 200
        assert (
            await client.get(
                "/api/v1/rules/2026", headers=bearer(settings, client_principal("reference:read"))
            )
        ).status_code == 200
        r = await client.get(
            "/api/v1/rules/2026", headers=bearer(settings, client_principal("learning:read", "budget:read"))
        )
        assert r.status_code == 403
        assert r.json()["code"] == "forbidden"
        anon = await client.get("/api/v1/rules/2026")
        assert anon.status_code == 401
        assert anon.headers["www-authenticate"].startswith("Bearer")


class TestPut:
    async def test_create_a_years_own_set(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        h = as_(settings, world, "bpsdm")
        r = await put(client, h, 2026, RULES_2026)
        assert r.status_code == 201, r.text
        assert r.headers["etag"] == '"1"'
        body = r.json()
        assert (body["year"], body["source_year"]) == (2026, 2026)
        assert rule_fields(body) == RULES_2026
        assert numbers_only(rule_fields(body))
        assert all(tuple(rule) == FORM_RULE_KEYS for rule in body["form_rules"])
        assert body["form_rules"][0] == {
            "form_code": "9",
            "jp_factor": None,
            "max_jp_per_day": None,
            "fixed_jp": 4,
            "max_jp_per_year": None,
        }

        got = await client.get("/api/v1/rules/2026", headers=as_(settings, world, "asn_a"))
        assert got.headers["etag"] == '"1"'
        assert rule_fields(got.json()) == RULES_2026

        rows = await rule_audit(session, 2026)
        assert [(a.action, a.actor, a.role) for a in rows] == [("create", "bpsdm", "bpsdm_admin")]
        assert rows[0].before is None
        after = rows[0].after
        assert after is not None
        assert after["jp_minutes"] == 50
        assert Decimal(after["pppk_max_jp"]) == Decimal("30.5")
        assert [b["label"] for b in after["jpm_bands"]] == [
            "Memenuhi Syarat",
            "Masih Memenuhi Syarat",
            "Kurang Memenuhi Syarat",
        ]
        assert rows[0].request_id == r.headers["x-request-id"]

    async def test_following_years_pick_up_the_new_set(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "bpsdm")
        assert (await put(client, h, 2026, RULES_2026)).status_code == 201
        for year, source, values in (
            (2025, SEED_YEAR, SEEDED),
            (2026, 2026, RULES_2026),
            (2027, 2026, RULES_2026),
            (2100, 2026, RULES_2026),
        ):
            body = (await client.get(f"/api/v1/rules/{year}", headers=h)).json()
            assert (body["year"], body["source_year"]) == (year, source)
            assert rule_fields(body) == values

    async def test_an_earlier_set_becomes_the_earliest(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "bpsdm")
        assert (await put(client, h, 2010, RULES_2026)).status_code == 201
        for year, source in ((2005, 2010), (2010, 2010), (2018, 2010), (2019, SEED_YEAR), (2030, SEED_YEAR)):
            assert (await client.get(f"/api/v1/rules/{year}", headers=h)).json()["source_year"] == source

    async def test_replacing_needs_if_match(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        h = as_(settings, world, "bpsdm")
        created = await put(client, h, 2026, RULES_2026)
        assert created.status_code == 201
        changed = RULES_2026 | {"pns_min_jp": 30}

        missing = await put(client, h, 2026, changed)
        assert missing.status_code == 428
        assert missing.headers["content-type"] == PROBLEM
        assert missing.json()["code"] == "precondition_required"

        stale = await put(client, h, 2026, changed, '"99"')
        assert stale.status_code == 412
        assert stale.headers["content-type"] == PROBLEM
        assert stale.json()["code"] == "precondition_failed"
        assert (await client.get("/api/v1/rules/2026", headers=h)).json()["pns_min_jp"] == 24

        ok = await put(client, h, 2026, changed, created.headers["etag"])
        assert ok.status_code == 200, ok.text
        assert ok.headers["etag"] == '"2"'
        assert ok.json()["pns_min_jp"] == 30
        assert (await client.get("/api/v1/rules/2027", headers=h)).json()["pns_min_jp"] == 30

        again = await put(client, h, 2026, RULES_2026, created.headers["etag"])
        assert again.status_code == 412

        rows = await rule_audit(session, 2026)
        assert [a.action for a in rows] == ["create", "update"]
        assert rows[1].before == rows[0].after
        assert rows[1].after is not None and Decimal(rows[1].after["pns_min_jp"]) == 30
        assert rows[1].before is not None and Decimal(rows[1].before["pns_min_jp"]) == 24
        assert rows[1].request_id == ok.headers["x-request-id"]

    async def test_replacing_the_seeded_set(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        h = as_(settings, world, "bpsdm")
        assert (await put(client, h, SEED_YEAR, RULES_2026)).status_code == 428
        etag = (await client.get(f"/api/v1/rules/{SEED_YEAR}", headers=h)).headers["etag"]
        r = await put(client, h, SEED_YEAR, SEEDED | {"jp_minutes": 60}, etag)
        assert r.status_code == 200
        assert r.json()["jp_minutes"] == 60
        rows = await rule_audit(session, SEED_YEAR)
        assert len(rows) == 1 and rows[0].action == "update"
        assert rows[0].before is not None and rows[0].before["jp_minutes"] == 45
        assert rows[0].after is not None and rows[0].after["jp_minutes"] == 60

    async def test_identical_replace_changes_nothing(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        h = as_(settings, world, "bpsdm")
        created = await put(client, h, 2026, RULES_2026)
        r = await put(client, h, 2026, RULES_2026, created.headers["etag"])
        assert r.status_code == 200
        assert r.headers["etag"] == created.headers["etag"]
        assert [a.action for a in await rule_audit(session, 2026)] == ["create"]

    async def test_form_rules_default_empty(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        body = {k: v for k, v in RULES_2026.items() if k != "form_rules"}
        r = await put(client, as_(settings, world, "bpsdm"), 2030, body)
        assert r.status_code == 201
        assert r.json()["form_rules"] == []

    @pytest.mark.parametrize("year", ["1999", "2101", "abc"])
    async def test_year_out_of_range(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession, year: str
    ) -> None:
        r = await client.put(f"/api/v1/rules/{year}", json=RULES_2026, headers=as_(settings, world, "bpsdm"))
        assert r.status_code == 422
        assert r.headers["content-type"] == PROBLEM
        assert r.json()["code"] == "validation_error"
        assert (await session.execute(select(AuditEntry))).first() is None

    @pytest.mark.parametrize("who", ["opd_a", "asn_a", "auditor"])
    async def test_only_bpsdm_admin(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession, who: str
    ) -> None:
        r = await put(client, as_(settings, world, who), 2026, RULES_2026)
        assert r.status_code == 403
        assert r.headers["content-type"] == PROBLEM
        assert r.json()["code"] == "forbidden"
        assert (await client.get("/api/v1/rules/2026", headers=as_(settings, world, "bpsdm"))).json()[
            "source_year"
        ] == SEED_YEAR
        assert await rule_audit(session, 2026) == []

    async def test_clients_and_anonymous(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        every_scope = client_principal(
            "asn:read",
            "asn:write",
            "learning:read",
            "learning:write",
            "budget:read",
            "budget:write",
            "reference:read",
        )
        assert (await put(client, bearer(settings, every_scope), 2026, RULES_2026)).status_code == 403
        anon = await put(client, {}, 2026, RULES_2026)
        assert anon.status_code == 401
        assert anon.headers["www-authenticate"].startswith("Bearer")


def _variant(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    body = copy.deepcopy(RULES_2026)
    target: Any = body
    for part in path[:-1]:
        target = target[part]
    if value is _DELETE:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return body


_DELETE = object()


class TestValidation:
    @pytest.mark.parametrize(
        ("path", "value", "code"),
        [
            (
                ("jpm_bands",),
                [
                    {"label": "Kurang", "min": 0},
                    {"label": "Cukup", "min": 78},
                    {"label": "Optimal", "min": 90},
                ],
                "validation_error",
            ),
            (
                ("jpm_bands",),
                [
                    {"label": "Optimal", "min": 90},
                    {"label": "Cukup", "min": 78},
                    {"label": "Kurang", "min": 10},
                ],
                "validation_error",
            ),
            (
                ("jpm_bands",),
                [
                    {"label": "Optimal", "min": 90},
                    {"label": "Juga Optimal", "min": 90},
                    {"label": "Kurang", "min": 0},
                ],
                "validation_error",
            ),
            (("jpm_bands",), [], "validation_error"),
            (("jpm_bands",), [{"label": "Semua", "min": 0}] * 11, "validation_error"),
            (("jpm_bands", 0, "min"), 101, "validation_error"),
            (("jpm_bands", 0, "label"), "", "validation_error"),
            (("jpm_bands", 0, "color"), "green", "validation_error"),
            (
                ("form_rules",),
                [{"form_code": "9", "fixed_jp": 4}, {"form_code": "9", "jp_factor": 2}],
                "validation_error",
            ),
            (("form_rules",), [{"form_code": "26"}], "unknown_form_code"),
            (("form_rules",), [{"form_code": "0"}], "unknown_form_code"),
            (("form_rules",), [{"form_code": "9"}, {"form_code": "E1"}], "unknown_form_code"),
            (("form_rules",), [{"fixed_jp": 4}], "validation_error"),
            (("form_rules",), [{"form_code": "9", "jp_factor": 0}], "validation_error"),
            (("form_rules",), [{"form_code": "9", "jp_factor": 0.12345}], "validation_error"),
            (("form_rules",), [{"form_code": "9", "fixed_jp": 2001}], "validation_error"),
            (("form_rules",), [{"form_code": "9", "max_jp_per_day": -1}], "validation_error"),
            (("form_rules",), [{"form_code": "9", "factor": 2}], "validation_error"),
            (("jp_minutes",), 0, "validation_error"),
            (("jp_minutes",), -45, "validation_error"),
            (("jp_minutes",), 45.5, "validation_error"),
            (("jp_minutes",), _DELETE, "validation_error"),
            (("pns_min_jp",), 0, "validation_error"),
            (("pns_min_jp",), 20.555, "validation_error"),
            (("pppk_max_jp",), None, "validation_error"),
            (("budget_min_pct", "provinsi"), 0, "validation_error"),
            (("budget_min_pct", "provinsi"), 101, "validation_error"),
            (("budget_min_pct", "kota"), 0.16, "validation_error"),
            (("budget_min_pct",), _DELETE, "validation_error"),
            (("year",), 2026, "validation_error"),  # extra fields are refused
            (("source_year",), 2019, "validation_error"),
            (("notes",), "revisi", "validation_error"),
        ],
    )
    async def test_rejected(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        session: AsyncSession,
        path: tuple[Any, ...],
        value: Any,
        code: str,
    ) -> None:
        h = as_(settings, world, "bpsdm")
        r = await put(client, h, 2026, _variant(path, value))
        assert r.status_code == 422, r.text
        assert r.headers["content-type"] == PROBLEM
        body = r.json()
        assert body["code"] == code
        if code == "validation_error":
            assert body["errors"] and body["errors"][0]["loc"][0] == "body"
        assert (await client.get("/api/v1/rules/2026", headers=h)).json()["source_year"] == SEED_YEAR
        assert await rule_audit(session, 2026) == []

    @pytest.mark.parametrize("body", [[], "rules", None])
    async def test_not_an_object(
        self, client: httpx.AsyncClient, settings: Settings, world: World, body: Any
    ) -> None:
        r = await client.put("/api/v1/rules/2026", json=body, headers=as_(settings, world, "bpsdm"))
        assert r.status_code == 422
        assert r.json()["code"] == "validation_error"

    async def test_validation_applies_to_replacements_too(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "bpsdm")
        created = await put(client, h, 2026, RULES_2026)
        r = await put(
            client, h, 2026, _variant(("form_rules",), [{"form_code": "99"}]), created.headers["etag"]
        )
        assert r.status_code == 422
        assert r.json()["code"] == "unknown_form_code"
        assert "99" in r.json()["detail"]
