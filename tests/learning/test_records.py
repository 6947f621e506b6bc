"""The learning ledger over HTTP: claims and verification, voiding, history, duplicates, lists."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.security import Role
from tests.factories import World, bearer, client_principal, create_user, principal_of
from tests.http import as_, audit_rows, problem
from tests.learning.helpers import body, create, events, record_count, totals

RECORDS = "/api/v1/learning-records"


def records_of(nip: str) -> str:
    return f"/api/v1/asn/{nip}/learning-records"


async def decide(
    client: httpx.AsyncClient, record_id: int, headers: dict[str, str], decision: str = "approve"
) -> httpx.Response:
    return await client.post(
        f"{RECORDS}/{record_id}/verification",
        json={"decision": decision, "note": "Sertifikat sesuai"},
        headers=headers,
    )


async def void(client: httpx.AsyncClient, record_id: int, headers: dict[str, str]) -> httpx.Response:
    return await client.post(
        f"{RECORDS}/{record_id}/void", json={"reason": "Tercatat ganda"}, headers=headers
    )


async def self_admin(session: AsyncSession, settings: Settings, world: World) -> dict[str, str]:
    """The bearer header of an OPD admin of DINAS_A who is also ASN asn_a."""
    user = await create_user(session, "opd.a.self", Role.opd_admin, unit=world.unit_a, asn=world.asn_a)
    await session.commit()
    return bearer(settings, principal_of(user))


class TestCreate:
    async def test_own_entry_is_a_pending_claim_whatever_source_it_names(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        nip = world.asn_a.nip
        r = await client.post(
            records_of(nip),
            json=body(source="simpeg", jp=12.5, certificate_number="BT/2026/001"),
            headers=as_(settings, world, "asn_a"),
        )
        assert r.status_code == 201, r.text
        rec = r.json()
        assert r.headers["location"] == f"{RECORDS}/{rec['id']}"
        assert r.headers["etag"] == '"1"'
        assert rec["status"] == "pending"
        assert rec["source"] == "self"
        assert rec["nip"] == nip
        assert rec["year"] == 2026
        assert rec["jp"] == 12.5
        assert rec["created_by"] == nip
        assert rec["decided_by"] is None and rec["decided_at"] is None
        assert await totals(session, nip) == {}  # a claim does not count until verified
        [entry] = await audit_rows(session, "learning_record", rec["id"])
        assert (entry.action, entry.actor, entry.role) == ("create", nip, "asn")
        assert entry.after is not None and entry.after["status"] == "pending"
        [event] = await events(session, rec["id"])
        assert (event.action, event.from_status, event.to_status) == ("created", None, "pending")

    @pytest.mark.parametrize(("who", "actor"), [("opd_a", "opd.a"), ("bpsdm", "bpsdm")])
    async def test_admin_entry_is_verified(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        session: AsyncSession,
        who: str,
        actor: str,
    ) -> None:
        nip = world.asn_a1.nip  # opd_a reaches the sub-unit BIDANG_A1
        rec = await create(client, nip, as_(settings, world, who))
        assert rec["status"] == "verified"
        assert rec["source"] == "admin"
        assert rec["decided_by"] == actor
        assert rec["decided_at"] == rec["created_at"]
        assert await totals(session, nip) == {(2026, "8"): (Decimal("10.00"), 1)}

    async def test_client_with_learning_write_creates_verified(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        headers = bearer(settings, client_principal("learning:write"))
        rec = await create(client, world.asn_b.nip, headers, source="lms", external_id="course-7")
        assert (rec["status"], rec["source"], rec["external_id"]) == ("verified", "lms", "course-7")
        assert rec["decided_by"] == "client:bk_test"
        default = await create(client, world.asn_b.nip, headers)
        assert default["source"] == "api"

    @pytest.mark.parametrize(
        "who",
        [
            pytest.param("auditor", id="auditor"),
            pytest.param("client-read", id="client-without-learning-write"),
        ],
    )
    async def test_readers_may_not_write(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession, who: str
    ) -> None:
        headers = (
            bearer(settings, client_principal("learning:read", "asn:write"))
            if who == "client-read"
            else as_(settings, world, who)
        )
        r = await client.post(records_of(world.asn_a.nip), json=body(), headers=headers)
        problem(r, 403, "forbidden")
        assert await record_count(session, world.asn_a.nip) == 0

    @pytest.mark.parametrize(("who", "target"), [("opd_b", "asn_a"), ("opd_a1", "asn_a"), ("asn_a", "asn_b")])
    async def test_out_of_scope_asn_is_not_found(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str, target: str
    ) -> None:
        r = await client.post(
            records_of(getattr(world, target).nip), json=body(), headers=as_(settings, world, who)
        )
        problem(r, 404, "asn_not_found")

    async def test_an_admins_entry_for_own_nip_is_a_claim(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        headers = await self_admin(session, settings, world)
        rec = await create(client, world.asn_a.nip, headers, source="admin")
        assert (rec["status"], rec["source"], rec["decided_by"]) == ("pending", "self", None)
        assert await totals(session, world.asn_a.nip) == {}


class TestVerification:
    @pytest.mark.parametrize(
        ("decision", "status", "counted"),
        [("approve", "verified", {(2026, "8"): (Decimal("10.00"), 1)}), ("reject", "rejected", {})],
    )
    async def test_decides_a_pending_claim_once(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        session: AsyncSession,
        decision: str,
        status: str,
        counted: dict[Any, Any],
    ) -> None:
        claim = await create(client, world.asn_a.nip, as_(settings, world, "asn_a"))
        r = await decide(client, claim["id"], as_(settings, world, "opd_a"), decision)
        assert r.status_code == 200, r.text
        rec = r.json()
        assert (rec["status"], rec["decided_by"], rec["decision_note"]) == (
            status,
            "opd.a",
            "Sertifikat sesuai",
        )
        assert rec["decided_at"] is not None
        assert await totals(session, world.asn_a.nip) == counted
        again = await decide(client, claim["id"], as_(settings, world, "bpsdm"), "approve")
        problem(again, 409, "invalid_transition")
        assert [e.action for e in await audit_rows(session, "learning_record", claim["id"])] == [
            "create",
            decision,
        ]
        assert await totals(session, world.asn_a.nip) == counted

    async def test_a_verified_record_cannot_be_decided(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        rec = await create(client, world.asn_a.nip, as_(settings, world, "bpsdm"))
        problem(
            await decide(client, rec["id"], as_(settings, world, "opd_a"), "reject"),
            409,
            "invalid_transition",
        )

    async def test_own_claim_cannot_be_decided_by_oneself(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        headers = await self_admin(session, settings, world)
        claim = await create(client, world.asn_a.nip, as_(settings, world, "asn_a"))
        problem(await decide(client, claim["id"], headers), 403, "self_approval")
        assert [e.action for e in await events(session, claim["id"])] == ["created"]
        assert (await decide(client, claim["id"], as_(settings, world, "opd_a"))).status_code == 200

    @pytest.mark.parametrize(
        ("who", "status"),
        [("opd_b", 404), ("opd_a1", 404), ("asn_a", 403), ("auditor", 403), ("client", 403)],
    )
    async def test_who_may_decide(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str, status: int
    ) -> None:
        claim = await create(client, world.asn_a.nip, as_(settings, world, "asn_a"))
        headers = (
            bearer(settings, client_principal("learning:write"))
            if who == "client"
            else as_(settings, world, who)
        )
        problem(
            await decide(client, claim["id"], headers),
            status,
            "learning_record_not_found" if status == 404 else "forbidden",
        )

    async def test_parent_unit_admin_decides_sub_unit_claims(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        user = await create_user(session, world.asn_a1.nip, Role.asn, asn=world.asn_a1, unit=world.unit_a1)
        await session.commit()
        claim = await create(client, world.asn_a1.nip, bearer(settings, principal_of(user)))
        r = await decide(client, claim["id"], as_(settings, world, "opd_a"))
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "verified"

    async def test_bad_decision_is_rejected(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        claim = await create(client, world.asn_a.nip, as_(settings, world, "asn_a"))
        r = await client.post(
            f"{RECORDS}/{claim['id']}/verification",
            json={"decision": "maybe"},
            headers=as_(settings, world, "opd_a"),
        )
        data = problem(r, 422, "validation_error")
        assert data["errors"][0]["loc"] == ["body", "decision"]


class TestVoid:
    async def test_voiding_a_verified_record_removes_its_jp(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        nip = world.asn_a.nip
        await create(client, nip, as_(settings, world, "opd_a"), jp=7.25)
        gone = await create(client, nip, as_(settings, world, "opd_a"), jp=10)
        assert await totals(session, nip) == {(2026, "8"): (Decimal("17.25"), 2)}
        r = await void(client, gone["id"], as_(settings, world, "opd_a"))
        assert r.status_code == 200, r.text
        rec = r.json()
        assert (rec["status"], rec["voided_by"], rec["void_reason"]) == ("voided", "opd.a", "Tercatat ganda")
        assert rec["voided_at"] is not None
        assert await totals(session, nip) == {(2026, "8"): (Decimal("7.25"), 1)}
        problem(await void(client, gone["id"], as_(settings, world, "bpsdm")), 409, "invalid_transition")
        assert await totals(session, nip) == {(2026, "8"): (Decimal("7.25"), 1)}

    async def test_a_pending_claim_can_be_voided_without_touching_totals(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        claim = await create(client, world.asn_a.nip, as_(settings, world, "asn_a"))
        r = await void(client, claim["id"], as_(settings, world, "bpsdm"))
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "voided"
        assert await totals(session, world.asn_a.nip) == {}

    async def test_a_rejected_record_cannot_be_voided(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        claim = await create(client, world.asn_a.nip, as_(settings, world, "asn_a"))
        assert (await decide(client, claim["id"], as_(settings, world, "opd_a"), "reject")).status_code == 200
        problem(await void(client, claim["id"], as_(settings, world, "opd_a")), 409, "invalid_transition")

    async def test_an_asn_withdraws_only_its_own_pending_claim(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        me = as_(settings, world, "asn_a")
        claim = await create(client, world.asn_a.nip, me)
        verified = await create(client, world.asn_a.nip, as_(settings, world, "opd_a"))
        other = await create(client, world.asn_b.nip, as_(settings, world, "bpsdm"))
        r = await void(client, claim["id"], me)
        assert r.status_code == 200, r.text
        assert (r.json()["status"], r.json()["voided_by"]) == ("voided", world.asn_a.nip)
        problem(await void(client, verified["id"], me), 403, "forbidden")
        problem(await void(client, other["id"], me), 404, "learning_record_not_found")
        assert await totals(session, world.asn_a.nip) == {(2026, "8"): (Decimal("10.00"), 1)}

    @pytest.mark.parametrize(("who", "status"), [("opd_b", 404), ("opd_a1", 404), ("auditor", 403)])
    async def test_who_may_void(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str, status: int
    ) -> None:
        rec = await create(client, world.asn_a.nip, as_(settings, world, "bpsdm"))
        problem(
            await void(client, rec["id"], as_(settings, world, who)),
            status,
            "learning_record_not_found" if status == 404 else "forbidden",
        )

    @pytest.mark.parametrize("payload", [{}, {"reason": "  "}, {"reason": "salah input", "extra": 1}])
    async def test_a_reason_is_required(
        self, client: httpx.AsyncClient, settings: Settings, world: World, payload: dict[str, Any]
    ) -> None:
        rec = await create(client, world.asn_a.nip, as_(settings, world, "bpsdm"))
        r = await client.post(
            f"{RECORDS}/{rec['id']}/void", json=payload, headers=as_(settings, world, "bpsdm")
        )
        problem(r, 422, "validation_error")


class TestHistoryAndAudit:
    async def test_every_transition_is_listed_and_audited_once(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        nip = world.asn_a.nip
        claim = await create(client, nip, as_(settings, world, "asn_a"))
        assert (await decide(client, claim["id"], as_(settings, world, "opd_a"))).status_code == 200
        assert (await void(client, claim["id"], as_(settings, world, "bpsdm"))).status_code == 200

        r = await client.get(f"{RECORDS}/{claim['id']}", headers=as_(settings, world, "auditor"))
        assert r.status_code == 200, r.text
        assert r.headers["etag"] == '"3"'
        detail = r.json()
        assert detail["status"] == "voided"
        assert [
            (h["action"], h["actor"], h["role"], h["from_status"], h["to_status"], h["note"])
            for h in detail["history"]
        ] == [
            ("created", nip, "asn", None, "pending", None),
            ("approved", "opd.a", "opd_admin", "pending", "verified", "Sertifikat sesuai"),
            ("voided", "bpsdm", "bpsdm_admin", "verified", "voided", "Tercatat ganda"),
        ]
        stamps = [h["at"] for h in detail["history"]]
        assert stamps == sorted(stamps)

        rows = await audit_rows(session, "learning_record", claim["id"])
        assert [(a.action, a.actor, a.role) for a in rows] == [
            ("create", nip, "asn"),
            ("approve", "opd.a", "opd_admin"),
            ("void", "bpsdm", "bpsdm_admin"),
        ]
        assert [(a.before or {}).get("status") for a in rows] == [None, "pending", "verified"]
        assert [(a.after or {}).get("status") for a in rows] == ["pending", "verified", "voided"]
        assert len(await events(session, claim["id"])) == 3
        assert await totals(session, nip) == {(2026, "8"): (Decimal("0.00"), 0)}

    @pytest.mark.parametrize(
        ("who", "status"), [("asn_a", 200), ("opd_a", 200), ("opd_b", 404), ("asn_b", 404)]
    )
    async def test_get_is_scoped(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str, status: int
    ) -> None:
        rec = await create(client, world.asn_a.nip, as_(settings, world, "bpsdm"))
        r = await client.get(f"{RECORDS}/{rec['id']}", headers=as_(settings, world, who))
        if status == 404:
            problem(r, 404, "learning_record_not_found")
            missing = await client.get(f"{RECORDS}/999999999", headers=as_(settings, world, who))
            assert missing.json()["code"] == r.json()["code"]
        else:
            assert r.status_code == 200, r.text
            assert r.json()["id"] == rec["id"]


class TestDuplicates:
    async def test_same_source_and_external_id_is_the_same_record(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        headers = bearer(settings, client_principal("learning:write"))
        nip = world.asn_a.nip
        first = await create(client, nip, headers, source="lms", external_id="enrol-42", jp=6)
        r = await client.post(
            records_of(nip),
            json=body(source="lms", external_id="enrol-42", jp=6, title="Judul lain"),
            headers=headers,
        )
        assert r.status_code == 200, r.text
        assert r.json() == first
        assert r.headers["location"] == f"{RECORDS}/{first['id']}"
        assert await record_count(session, nip) == 1
        assert len(await audit_rows(session, "learning_record", first["id"])) == 1
        assert len(await events(session, first["id"])) == 1
        assert await totals(session, nip) == {(2026, "8"): (Decimal("6.00"), 1)}
        # The key is per source and per ASN.
        assert (await create(client, nip, headers, source="siasn", external_id="enrol-42"))["id"] != first[
            "id"
        ]
        await create(client, world.asn_b.nip, headers, source="lms", external_id="enrol-42")

    @pytest.mark.parametrize("number", ["PKP/III/2026/0457", " pkp/iii/2026/0457 ", "Pkp/III/2026/0457"])
    async def test_same_certificate_number(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession, number: str
    ) -> None:
        nip = world.asn_a.nip
        first = await create(
            client, nip, as_(settings, world, "asn_a"), certificate_number="PKP/III/2026/0457"
        )
        r = await client.post(
            records_of(nip),
            json=body(certificate_number=number, start_date="2025-05-01", end_date="2025-05-02"),
            headers=as_(settings, world, "opd_a"),
        )
        data = problem(r, 409, "possible_duplicate")
        assert data["duplicate_of"] == first["id"]
        assert await record_count(session, nip) == 1

    @pytest.mark.parametrize(
        "title",
        [
            "Pelatihan Kepemimpinan Pengawas",
            "  pelatihan   KEPEMIMPINAN pengawas. ",
            "Pelatihan Kepemimpinan-Pengawas!",
        ],
    )
    async def test_same_normalised_title_and_dates(
        self, client: httpx.AsyncClient, settings: Settings, world: World, title: str
    ) -> None:
        nip = world.asn_a.nip
        first = await create(
            client, nip, as_(settings, world, "bpsdm"), title="Pelatihan Kepemimpinan Pengawas"
        )
        r = await client.post(records_of(nip), json=body(title=title), headers=as_(settings, world, "asn_a"))
        assert problem(r, 409, "possible_duplicate")["duplicate_of"] == first["id"]

    async def test_other_dates_or_another_asn_are_not_duplicates(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        headers = as_(settings, world, "bpsdm")
        title = "Pelatihan Kepemimpinan Pengawas"
        await create(client, world.asn_a.nip, headers, title=title, certificate_number="C-1")
        await create(client, world.asn_a.nip, headers, title=title, end_date="2026-03-05")
        await create(client, world.asn_b.nip, headers, title=title, certificate_number="C-1")

    @pytest.mark.parametrize("ending", ["void", "reject"])
    async def test_a_dead_record_does_not_block(
        self, client: httpx.AsyncClient, settings: Settings, world: World, ending: str
    ) -> None:
        nip = world.asn_a.nip
        again = {"title": "Seminar Nasional ASN", "certificate_number": "SEM-9"}
        first = await create(client, nip, as_(settings, world, "asn_a"), **again)
        admin = as_(settings, world, "opd_a")
        r = await (
            void(client, first["id"], admin)
            if ending == "void"
            else decide(client, first["id"], admin, "reject")
        )
        assert r.status_code == 200, r.text
        second = await create(client, nip, as_(settings, world, "asn_a"), **again)
        assert second["id"] != first["id"]

    async def test_idempotency_key_replays_the_first_response(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        headers = as_(settings, world, "asn_a") | {"Idempotency-Key": "rec-1"}
        payload = body()
        first = await client.post(records_of(world.asn_a.nip), json=payload, headers=headers)
        second = await client.post(records_of(world.asn_a.nip), json=payload, headers=headers)
        assert first.status_code == second.status_code == 201
        assert second.json() == first.json()
        assert second.headers["location"] == first.headers["location"]
        assert second.headers["idempotent-replayed"] == "true"
        assert await record_count(session, world.asn_a.nip) == 1
        assert len(await audit_rows(session, "learning_record", first.json()["id"])) == 1
        other = await client.post(records_of(world.asn_a.nip), json=body(), headers=headers)
        problem(other, 422, "idempotency_key_reused")


class TestList:
    async def seed(self, client: httpx.AsyncClient, settings: Settings, world: World) -> dict[str, int]:
        nip = world.asn_a.nip
        admin, me = as_(settings, world, "opd_a"), as_(settings, world, "asn_a")
        ids = {
            "old": (await create(client, nip, admin, start_date="2025-02-03", end_date="2025-02-03"))["id"],
            "verified": (await create(client, nip, admin))["id"],
            "pending": (await create(client, nip, me))["id"],
            "rejected": (await create(client, nip, me))["id"],
            "voided": (await create(client, nip, admin))["id"],
        }
        assert (await decide(client, ids["rejected"], admin, "reject")).status_code == 200
        assert (await void(client, ids["voided"], admin)).status_code == 200
        await create(client, world.asn_b.nip, as_(settings, world, "bpsdm"))
        return ids

    async def test_filters_by_year_and_status(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        ids = await self.seed(client, settings, world)
        headers = as_(settings, world, "asn_a")

        async def listed(**params: Any) -> list[int]:
            r = await client.get(records_of(world.asn_a.nip), params=params, headers=headers)
            assert r.status_code == 200, r.text
            page = r.json()
            assert page["total"] == len(page["items"])
            return [item["id"] for item in page["items"]]

        newest_first = sorted(ids.values(), reverse=True)
        assert await listed() == newest_first
        assert await listed(year=2025) == [ids["old"]]
        assert await listed(year=2026) == [i for i in newest_first if i != ids["old"]]
        assert await listed(year=2024) == []
        for status in ("pending", "rejected", "voided"):
            assert await listed(status=status) == [ids[status]]
        assert await listed(status="verified", year=2026) == [ids["verified"]]
        r = await client.get(records_of(world.asn_a.nip), params={"status": "lost"}, headers=headers)
        problem(r, 422, "validation_error")

    @pytest.mark.parametrize(
        ("who", "target", "status"),
        [
            ("asn_a", "asn_a", 200),
            ("asn_a", "asn_b", 404),
            ("opd_a", "asn_a", 200),
            ("opd_b", "asn_a", 404),
            ("opd_a1", "asn_a", 404),
            ("auditor", "asn_a", 200),
            ("client", "asn_a", 200),
        ],
    )
    async def test_scoped(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str, target: str, status: int
    ) -> None:
        await create(client, world.asn_a.nip, as_(settings, world, "bpsdm"))
        headers = (
            bearer(settings, client_principal("learning:read"))
            if who == "client"
            else as_(settings, world, who)
        )
        r = await client.get(records_of(getattr(world, target).nip), headers=headers)
        if status == 404:
            problem(r, 404, "asn_not_found")
        else:
            assert r.status_code == 200, r.text
            assert r.json()["total"] == 1

    async def test_a_client_without_learning_read_is_refused(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.get(
            records_of(world.asn_a.nip), headers=bearer(settings, client_principal("asn:read"))
        )
        problem(r, 403, "forbidden")

    async def test_cursor_pagination_covers_everything_once(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        ids = await self.seed(client, settings, world)
        headers = as_(settings, world, "opd_a")
        seen: list[int] = []
        cursor: str | None = None
        pages = 0
        while True:
            params: dict[str, Any] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
            r = await client.get(records_of(world.asn_a.nip), params=params, headers=headers)
            assert r.status_code == 200, r.text
            page = r.json()
            assert page["total"] == 5
            assert len(page["items"]) <= 2
            seen += [item["id"] for item in page["items"]]
            pages += 1
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert pages == 3
        assert seen == sorted(ids.values(), reverse=True)
        bad = await client.get(records_of(world.asn_a.nip), params={"cursor": "!!"}, headers=headers)
        problem(bad, 422, "invalid_cursor")
