"""Closing a year's claims: who sets and reads the date, claims refused after it and accepted on it,
decisions still possible, and the claims left listed for a final decision."""

from __future__ import annotations

import json
from datetime import date, timedelta

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from tests.factories import World
from tests.http import as_, audit_rows, problem
from tests.learning.helpers import body as record_body
from tests.reminders.helpers import today

LAST = today().year - 1


def url(year: int = LAST) -> str:
    return f"/api/v1/years/{year}/closing"


def claim_in(year: int) -> dict[str, str | int]:
    day = date(year, 6, 2) if year < today().year else today()
    return record_body(start_date=day.isoformat(), end_date=day.isoformat(), jp=4)


async def close(client: httpx.AsyncClient, h: dict[str, str], on: date, **headers: str) -> httpx.Response:
    return await client.put(url(), json={"claims_close_on": on.isoformat()}, headers=h | headers)


async def file(
    client: httpx.AsyncClient, settings: Settings, world: World, who: str, year: int
) -> httpx.Response:
    nip = world.asn_a.nip if who == "asn_a" else world.asn_b.nip
    return await client.post(
        f"/api/v1/asn/{nip}/learning-records", json=claim_in(year), headers=as_(settings, world, who)
    )


class TestTheDate:
    async def test_set_changed_with_if_match_and_read_by_everyone(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        r = await client.get(url(), headers=as_(settings, world, "asn_a"))
        assert r.status_code == 200, r.text
        assert r.json() == {
            "year": LAST,
            "claims_close_on": None,
            "closed": False,
            "pending_claims": 0,
            "updated_at": None,
        }
        assert "etag" not in r.headers

        h = as_(settings, world, "bpsdm")
        r = await close(client, h, date(LAST + 1, 1, 31))
        assert r.status_code == 201, r.text
        assert r.headers["etag"] == '"1"' and r.json()["claims_close_on"] == f"{LAST + 1}-01-31"
        problem(await close(client, h, date(LAST + 1, 2, 28)), 428, "precondition_required")
        r = await close(client, h, date(LAST + 1, 2, 28), **{"If-Match": '"1"'})
        assert r.status_code == 200 and r.headers["etag"] == '"2"', r.text
        for who in ("auditor", "opd_b", "asn_b"):
            got = await client.get(url(), headers=as_(settings, world, who))
            assert got.json()["claims_close_on"] == f"{LAST + 1}-02-28" and got.headers["etag"] == '"2"'
        rows = await audit_rows(session, "year_closing", LAST)
        assert [(row.action, (row.after or {})["claims_close_on"]) for row in rows] == [
            ("create", f"{LAST + 1}-01-31"),
            ("update", f"{LAST + 1}-02-28"),
        ]

    @pytest.mark.parametrize("who", ["auditor", "opd_a", "asn_a"])
    async def test_only_bpsdm_sets_it(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str
    ) -> None:
        problem(await close(client, as_(settings, world, who), date(LAST + 1, 1, 31)), 403, "forbidden")

    async def test_not_before_the_year_begins(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "bpsdm")
        data = problem(await close(client, h, date(LAST - 1, 12, 31)), 422, "invalid_closing_date")
        assert f"before {LAST} begins" in data["detail"]
        assert (await close(client, h, date(LAST, 1, 1))).status_code == 201


class TestClaims:
    async def test_refused_after_the_date_and_accepted_on_it(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "bpsdm")
        before = await file(client, settings, world, "asn_a", LAST)
        assert before.status_code == 201, before.text
        yesterday = today() - timedelta(days=1)
        assert (await close(client, h, yesterday)).status_code == 201

        refused = problem(await file(client, settings, world, "asn_b", LAST), 422, "year_closed")
        assert refused["detail"] == (
            f"Claims for {LAST} closed on {yesterday.isoformat()}; a claim for that year can no longer be filed"
        )
        assert refused["year"] == LAST and refused["claims_close_on"] == yesterday.isoformat()
        nip = world.asn_b.nip
        indonesian = await client.post(
            f"/api/v1/asn/{nip}/learning-records",
            json=claim_in(LAST),
            headers=as_(settings, world, "asn_b") | {"Accept-Language": "id"},
        )
        assert problem(indonesian, 422, "year_closed")["detail"].startswith(
            f"Pengajuan klaim untuk tahun {LAST} telah ditutup pada {yesterday.isoformat()}"
        )
        # The current year is open; an admin's verified record is not a claim; the claim filed before
        # the closing can still be decided.
        assert (await file(client, settings, world, "asn_b", today().year)).status_code == 201
        admin = await client.post(f"/api/v1/asn/{nip}/learning-records", json=claim_in(LAST), headers=h)
        assert admin.status_code == 201 and admin.json()["status"] == "verified", admin.text
        decided = await client.post(
            f"/api/v1/learning-records/{before.json()['id']}/verification",
            json={"decision": "approve"},
            headers=as_(settings, world, "opd_a"),
        )
        assert decided.status_code == 200 and decided.json()["status"] == "verified", decided.text

        assert (await close(client, h, today(), **{"If-Match": '"1"'})).status_code == 200
        assert (await file(client, settings, world, "asn_b", LAST)).status_code == 201
        got = (await client.get(url(), headers=as_(settings, world, "asn_b"))).json()
        assert got["closed"] is False and got["pending_claims"] == 1

    async def test_a_claim_with_its_evidence_is_refused_too(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        await close(client, as_(settings, world, "bpsdm"), today() - timedelta(days=1))
        pdf = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
        r = await client.post(
            f"/api/v1/asn/{world.asn_a.nip}/learning-records/with-evidence",
            data={"record": json.dumps(claim_in(LAST))},
            files={"file": ("sertifikat.pdf", pdf, "application/pdf")},
            headers=as_(settings, world, "asn_a"),
        )
        problem(r, 422, "year_closed")


class TestPending:
    async def test_the_claims_left_for_a_final_decision_follow_the_callers_scope(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        ids: dict[str, list[int]] = {}
        for who in ("asn_a", "asn_b", "asn_a"):
            r = await file(client, settings, world, who, LAST)
            assert r.status_code == 201, r.text
            ids.setdefault(who, []).append(r.json()["id"])
        assert (await file(client, settings, world, "asn_b", today().year)).status_code == 201

        def listed(r: httpx.Response) -> list[int]:
            assert r.status_code == 200, r.text
            return [item["id"] for item in r.json()["items"]]

        pending = f"{url()}/pending"
        everyone = await client.get(pending, headers=as_(settings, world, "auditor"))
        assert sorted(listed(everyone)) == sorted(ids["asn_a"] + ids["asn_b"])
        assert everyone.json()["total"] == 3 and everyone.json()["items"][0]["asn_name"]
        assert listed(await client.get(pending, headers=as_(settings, world, "opd_b"))) == ids["asn_b"]
        page = await client.get(f"{pending}?limit=1", headers=as_(settings, world, "opd_a"))
        assert listed(page) == ids["asn_a"][:1] and page.json()["total"] == 2
        rest = await client.get(
            f"{pending}?limit=1&cursor={page.json()['next_cursor']}", headers=as_(settings, world, "opd_a")
        )
        assert listed(rest) == ids["asn_a"][1:]
        outside = await client.get(
            f"{pending}?unit_id={world.unit_b.id}", headers=as_(settings, world, "opd_a")
        )
        problem(outside, 404, "unit_not_found")
        problem(await client.get(pending, headers=as_(settings, world, "asn_a")), 403, "forbidden")
        counts = await client.get(url(), headers=as_(settings, world, "opd_a"))
        assert counts.json()["pending_claims"] == 2
