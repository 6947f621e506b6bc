"""A year's reminder campaigns as rule data: the defaults, a year's own set and its fallback, PUT with
If-Match, template and threshold validation, who may read and write."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.reminders.templates import AUDIENCES
from tests.factories import World
from tests.http import as_, audit_rows, problem
from tests.reminders.helpers import default_campaign, rules_body

URL = "/api/v1/reminder-rules"


class TestDefaults:
    async def test_a_year_without_its_own_set_gets_one_active_campaign_per_audience(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.get(f"{URL}/2026", headers=as_(settings, world, "bpsdm"))
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["year"] == 2026 and body["source_year"] is None and "etag" not in r.headers
        assert sorted(c["audience"] for c in body["campaigns"]) == sorted(AUDIENCES)
        assert all(c["active"] and c["template_id"] and c["template_en"] for c in body["campaigns"])
        jp = next(c for c in body["campaigns"] if c["audience"] == "asn_below_jp_target")
        assert jp["from_month"] == 7 and jp["channels"] == ["in_app", "email"]

    @pytest.mark.parametrize(("who", "status"), [("auditor", 200), ("opd_a", 403), ("asn_a", 403)])
    async def test_bpsdm_and_the_auditor_read_them(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str, status: int
    ) -> None:
        r = await client.get(f"{URL}/2026", headers=as_(settings, world, who))
        assert r.status_code == status, r.text


class TestPut:
    async def test_create_replace_with_if_match_and_fall_back(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        h = as_(settings, world, "bpsdm")
        campaign = default_campaign("opd_queue_overdue", min_interval_days=3)
        body = rules_body(campaign)
        r = await client.put(f"{URL}/2026", json=body, headers=h)
        assert r.status_code == 201, r.text
        assert r.headers["etag"] == '"1"' and r.json()["source_year"] == 2026
        # Later years without their own follow it; earlier ones keep the defaults.
        later = (await client.get(f"{URL}/2028", headers=h)).json()
        assert later["source_year"] == 2026 and [c["code"] for c in later["campaigns"]] == [
            "opd_queue_overdue"
        ]
        assert (await client.get(f"{URL}/2025", headers=h)).json()["source_year"] is None

        changed = rules_body(campaign | {"active": False})
        assert (await client.put(f"{URL}/2026", json=changed, headers=h)).status_code == 428
        stale = await client.put(f"{URL}/2026", json=changed, headers=h | {"If-Match": '"7"'})
        problem(stale, 412, "precondition_failed")
        r = await client.put(f"{URL}/2026", json=changed, headers=h | {"If-Match": '"1"'})
        assert r.status_code == 200, r.text
        assert r.headers["etag"] == '"2"' and r.json()["campaigns"][0]["active"] is False
        got = await client.get(f"{URL}/2026", headers=h)
        assert got.headers["etag"] == '"2"' and "login_url" not in got.json()

        rows = await audit_rows(session, "reminder_rules", 2026)
        assert [row.action for row in rows] == ["create", "update"]
        assert rows[1].before and rows[1].before["campaigns"][0]["active"] is True

    async def test_only_bpsdm_writes(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        body = rules_body(default_campaign("year_closing"))
        for who in ("auditor", "opd_a", "asn_a"):
            r = await client.put(f"{URL}/2026", json=body, headers=as_(settings, world, who))
            assert r.status_code == 403, (who, r.text)


class TestTemplates:
    @pytest.mark.parametrize(
        ("field", "text", "placeholder"),
        [
            ("template_en", "Close on {close_date}; take {courses}", "courses"),
            ("template_id", "Halo {nama}", "nama"),
            ("title_en", "Claims of {unit} ({verified_jp})", "verified_jp"),
        ],
    )
    async def test_an_unknown_placeholder_is_named(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        field: str,
        text: str,
        placeholder: str,
    ) -> None:
        body = rules_body(default_campaign("year_closing", **{field: text}))
        r = await client.put(f"{URL}/2026", json=body, headers=as_(settings, world, "bpsdm"))
        data = problem(r, 422, "unknown_placeholder")
        assert (
            data["placeholder"] == placeholder
            and data["campaign"] == "year_closing"
            and data["field"] == field
        )
        assert "{" + placeholder + "}" in data["detail"] and "close_date" in data["detail"]

    @pytest.mark.parametrize(
        "text", ["Halo {name", "{name.__class__}", "{0}", "{}", "{name!r}", "{days_left:>5}"]
    )
    async def test_a_malformed_template_is_refused(
        self, client: httpx.AsyncClient, settings: Settings, world: World, text: str
    ) -> None:
        body = rules_body(default_campaign("year_closing", template_en=text))
        r = await client.put(f"{URL}/2026", json=body, headers=as_(settings, world, "bpsdm"))
        problem(r, 422, "invalid_template")

    async def test_literal_braces_and_every_allowed_placeholder_pass(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        text = "{{JP}} {name} {username} {year} {login_url} {nip} {unit} {target_jp} {verified_jp} " + (
            "{remaining_jp} {courses}"
        )
        body = rules_body(default_campaign("asn_below_jp_target", template_id=text, title_id="{{x}} {year}"))
        r = await client.put(f"{URL}/2026", json=body, headers=as_(settings, world, "bpsdm"))
        assert r.status_code == 201, r.text

    async def test_the_problem_speaks_indonesian(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        body = rules_body(default_campaign("year_closing", template_id="Halo {nama}"))
        h = as_(settings, world, "bpsdm") | {"Accept-Language": "id"}
        data = problem(await client.put(f"{URL}/2026", json=body, headers=h), 422, "unknown_placeholder")
        assert "tidak diisi untuk sasaran year_closing" in data["detail"]


class TestShape:
    @pytest.mark.parametrize(
        ("campaign", "word"),
        [
            (default_campaign("opd_completeness_below", threshold=None), "opd_completeness_below needs"),
            (default_campaign("opd_completeness_below", threshold=101), "opd_completeness_below needs"),
            (default_campaign("year_closing", threshold=None), "year_closing needs"),
            (default_campaign("asn_below_jp_target", threshold=5), "threshold is used by"),
            (default_campaign("year_closing", channels=["email", "email"]), "channels lists"),
            (default_campaign("year_closing", channels=[]), "channels"),
            (default_campaign("year_closing", from_month=13), "from_month"),
            (default_campaign("year_closing", min_interval_days=0), "min_interval_days"),
            (default_campaign("year_closing", audience="everyone"), "audience"),
            (default_campaign("year_closing", code="Year Closing"), "code"),
        ],
    )
    async def test_refused(
        self, client: httpx.AsyncClient, settings: Settings, world: World, campaign: dict[str, Any], word: str
    ) -> None:
        r = await client.put(f"{URL}/2026", json=rules_body(campaign), headers=as_(settings, world, "bpsdm"))
        data = problem(r, 422, "validation_error")
        assert word in r.text, data

    async def test_codes_are_unique(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        twice = rules_body(default_campaign("year_closing"), default_campaign("year_closing", threshold=3))
        r = await client.put(f"{URL}/2026", json=twice, headers=as_(settings, world, "bpsdm"))
        problem(r, 422, "validation_error")
        assert "campaigns lists a code twice" in r.text
