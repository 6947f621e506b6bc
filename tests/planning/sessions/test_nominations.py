"""Nominating within the quota and the unit quotas, per-NIP results, scope, decisions, withdrawals and the
nominee's notification."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.core.config import Settings
from app.notifications.models import Notification
from app.planning.models import Nomination
from tests.factories import World, create_asn
from tests.http import as_, audit_rows, problem
from tests.planning.sessions.helpers import codes_of, day, decide, make_course, make_session, nominate, patch


async def more_asn(session: AsyncSession, world: World, n: int, *, unit: str = "a") -> list[str]:
    target = {"a": world.unit_a, "a1": world.unit_a1, "b": world.unit_b}[unit]
    made = [await create_asn(session, target, name=f"Peserta {i}") for i in range(n)]
    await session.commit()
    return [a.nip for a in made]


class TestNominate:
    async def test_per_nip_results_and_audit(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        bpsdm = as_(settings, world, "bpsdm")
        course = await make_course(client, bpsdm)
        s = await make_session(client, bpsdm, course["id"])
        inactive = await create_asn(session, world.unit_a, active=False)
        await session.commit()
        opd = as_(settings, world, "opd_a")
        result = await nominate(
            client,
            opd,
            s["id"],
            world.asn_a.nip,
            "199999999999999999",
            world.asn_b.nip,
            inactive.nip,
            world.asn_a.nip,
        )
        assert codes_of(result) == {
            world.asn_a.nip: "nominated",
            "199999999999999999": "asn_not_found",
            world.asn_b.nip: "asn_not_found",  # another OPD's ASN: the same answer as an unknown NIP
            inactive.nip: "asn_inactive",
        }
        assert (result["nominated"], result["refused"]) == (1, 3)
        first = result["results"][0]
        assert first["nomination_id"] and first["code"] is None
        again = await nominate(client, opd, s["id"], world.asn_a.nip)
        assert codes_of(again) == {world.asn_a.nip: "already_nominated"}
        assert (
            again["results"][0]["detail"]
            == f"{world.asn_a.nip} is already nominated for this session (nominated)"
        )
        r = await client.post(
            f"/api/v1/course-sessions/{s['id']}/nominations",
            json={"nips": [world.asn_a.nip]},
            headers=opd | {"Accept-Language": "id"},
        )
        assert (
            r.json()["results"][0]["detail"]
            == f"{world.asn_a.nip} sudah diusulkan untuk angkatan ini (nominated)"
        )
        rows = await audit_rows(session, "course_session", s["id"])
        assert [row.action for row in rows] == ["create", "nominate"]
        assert rows[1].after is not None and [n["nip"] for n in rows[1].after["nominated"]] == [
            world.asn_a.nip
        ]
        stored = (
            await session.execute(select(Nomination).where(Nomination.session_id == s["id"]))
        ).scalar_one()
        assert (stored.unit_id, stored.nominated_by, stored.status) == (world.unit_a.id, "opd.a", "nominated")

    async def test_sub_unit_asn_counts_against_its_opd(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        bpsdm = as_(settings, world, "bpsdm")
        course = await make_course(client, bpsdm)
        s = await make_session(
            client, bpsdm, course["id"], unit_quota=[{"unit_id": world.unit_a.id, "quota": 1}]
        )
        result = await nominate(
            client, as_(settings, world, "opd_a1"), s["id"], world.asn_a1.nip, world.asn_a.nip
        )
        # opd_a1 reaches only its sub-unit: asn_a of the parent OPD is out of its scope.
        assert codes_of(result) == {world.asn_a1.nip: "nominated", world.asn_a.nip: "asn_not_found"}
        full = await nominate(client, as_(settings, world, "opd_a"), s["id"], world.asn_a.nip)
        assert codes_of(full) == {world.asn_a.nip: "unit_quota_full"}

    async def test_quota_exact_boundary(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        bpsdm = as_(settings, world, "bpsdm")
        course = await make_course(client, bpsdm)
        s = await make_session(client, bpsdm, course["id"], quota=3)
        nips = await more_asn(session, world, 4)
        result = await nominate(client, as_(settings, world, "opd_a"), s["id"], *nips)
        assert list(codes_of(result).values()) == ["nominated", "nominated", "nominated", "quota_full"]
        data = (await client.get(f"/api/v1/course-sessions/{s['id']}", headers=bpsdm)).json()
        assert (data["taken"], data["available"]) == (3, 0)

    async def test_unit_quotas_reserve_seats(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        bpsdm = as_(settings, world, "bpsdm")
        course = await make_course(client, bpsdm)
        # 5 seats: 3 reserved for A, so B (without a unit quota) shares the other 2.
        s = await make_session(
            client, bpsdm, course["id"], quota=5, unit_quota=[{"unit_id": world.unit_a.id, "quota": 3}]
        )
        a = await more_asn(session, world, 4)
        b = await more_asn(session, world, 3, unit="b")
        got_a = await nominate(client, as_(settings, world, "opd_a"), s["id"], *a)
        assert list(codes_of(got_a).values()) == ["nominated"] * 3 + ["unit_quota_full"]
        got_b = await nominate(client, as_(settings, world, "opd_b"), s["id"], *b)
        assert list(codes_of(got_b).values()) == ["nominated", "nominated", "quota_full"]
        data = (await client.get(f"/api/v1/course-sessions/{s['id']}", headers=bpsdm)).json()
        assert (data["taken"], data["unit_quota"][0]["taken"]) == (5, 3)

    async def test_declined_or_withdrawn_seats_are_free_again(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        bpsdm = as_(settings, world, "bpsdm")
        course = await make_course(client, bpsdm)
        s = await make_session(client, bpsdm, course["id"], quota=1)
        opd = as_(settings, world, "opd_a")
        first = await nominate(client, opd, s["id"], world.asn_a.nip)
        assert codes_of(await nominate(client, opd, s["id"], world.pppk_a.nip)) == {
            world.pppk_a.nip: "quota_full"
        }
        nomination_id = first["results"][0]["nomination_id"]
        r = await client.post(f"/api/v1/nominations/{nomination_id}/withdraw", headers=opd)
        assert r.status_code == 200 and r.json()["status"] == "withdrawn", r.text
        taken = await nominate(client, opd, s["id"], world.pppk_a.nip)
        assert codes_of(taken) == {world.pppk_a.nip: "nominated"}
        assert (
            await decide(client, bpsdm, taken["results"][0]["nomination_id"], "decline")
        ).status_code == 200
        again = await nominate(client, opd, s["id"], world.asn_a.nip)  # a withdrawn one may come back
        assert codes_of(again) == {world.asn_a.nip: "nominated"}
        assert again["results"][0]["nomination_id"] == nomination_id
        assert codes_of(await nominate(client, opd, s["id"], world.pppk_a.nip)) == {
            world.pppk_a.nip: "already_nominated"
        }

    async def test_closed_sessions(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        bpsdm = as_(settings, world, "bpsdm")
        course = await make_course(client, bpsdm)
        opd = as_(settings, world, "opd_a")
        started = await make_session(client, bpsdm, course["id"], starts_on=day(0), ends_on=day(2))
        url = f"/api/v1/course-sessions/{started['id']}/nominations"
        problem(await client.post(url, json={"nips": [world.asn_a.nip]}, headers=opd), 409, "session_closed")
        cancelled = await make_session(client, bpsdm, course["id"])
        assert (await patch(client, bpsdm, cancelled["id"], cancelled=True)).status_code == 200
        url = f"/api/v1/course-sessions/{cancelled['id']}/nominations"
        data = problem(
            await client.post(url, json={"nips": [world.asn_a.nip]}, headers=opd), 409, "session_closed"
        )
        assert data["detail"] == f"Session {cancelled['id']} is cancelled"
        problem(
            await client.post(
                "/api/v1/course-sessions/999999/nominations", json={"nips": ["1"]}, headers=opd
            ),
            404,
            "course_session_not_found",
        )

    @pytest.mark.parametrize("nips", [[], ["1"] * 501])
    async def test_between_1_and_500_nips(
        self, client: httpx.AsyncClient, settings: Settings, world: World, nips: list[str]
    ) -> None:
        bpsdm = as_(settings, world, "bpsdm")
        s = await make_session(client, bpsdm, (await make_course(client, bpsdm))["id"])
        r = await client.post(
            f"/api/v1/course-sessions/{s['id']}/nominations", json={"nips": nips}, headers=bpsdm
        )
        problem(r, 422, "validation_error")

    async def test_idempotency_key_replays_the_results(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        bpsdm = as_(settings, world, "bpsdm")
        s = await make_session(client, bpsdm, (await make_course(client, bpsdm))["id"])
        url = f"/api/v1/course-sessions/{s['id']}/nominations"
        h = as_(settings, world, "opd_a") | {"Idempotency-Key": "nom-1"}
        first = await client.post(url, json={"nips": [world.asn_a.nip]}, headers=h)
        again = await client.post(url, json={"nips": [world.asn_a.nip]}, headers=h)
        assert again.headers["idempotent-replayed"] == "true" and again.json() == first.json()


class TestList:
    async def test_scoped_and_paged(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        bpsdm = as_(settings, world, "bpsdm")
        s = await make_session(client, bpsdm, (await make_course(client, bpsdm))["id"])
        await nominate(client, as_(settings, world, "opd_a"), s["id"], world.asn_a.nip, world.asn_a1.nip)
        await nominate(client, as_(settings, world, "opd_b"), s["id"], world.asn_b.nip)
        url = f"/api/v1/course-sessions/{s['id']}/nominations"
        r = await client.get(url, headers=as_(settings, world, "auditor"), params={"limit": 2})
        assert r.json()["total"] == 3 and len(r.json()["items"]) == 2
        rest = await client.get(url, headers=bpsdm, params={"cursor": r.json()["next_cursor"]})
        assert len(rest.json()["items"]) == 1
        b = (await client.get(url, headers=as_(settings, world, "opd_b"))).json()
        assert [n["nip"] for n in b["items"]] == [world.asn_b.nip] and b["items"][0][
            "name"
        ] == "Yohanes Lawing"
        a1 = (await client.get(url, headers=as_(settings, world, "opd_a1"))).json()
        assert [n["nip"] for n in a1["items"]] == [world.asn_a1.nip]
        filtered = await client.get(url, headers=bpsdm, params={"status": "accepted"})
        assert filtered.json()["total"] == 0
        problem(await client.get(url, headers=bpsdm, params={"status": "x"}), 422, "validation_error")
        problem(await client.get(url, headers=as_(settings, world, "asn_a")), 403, "forbidden")
        problem(
            await client.get("/api/v1/course-sessions/999999/nominations", headers=bpsdm),
            404,
            "course_session_not_found",
        )


class TestDecision:
    async def test_accept_and_decline_tell_the_nominee(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        bpsdm = as_(settings, world, "bpsdm")
        course = await make_course(client, bpsdm, title="Pelatihan Kepemimpinan Pengawas")
        s = await make_session(client, bpsdm, course["id"], online_url="https://zoom.us/j/42")
        result = await nominate(client, as_(settings, world, "opd_a"), s["id"], world.asn_a.nip)
        b = await nominate(client, as_(settings, world, "opd_b"), s["id"], world.asn_b.nip)
        accepted_id, declined_id = result["results"][0]["nomination_id"], b["results"][0]["nomination_id"]
        r = await decide(client, bpsdm, accepted_id, "accept")
        assert r.status_code == 200, r.text
        assert (r.json()["status"], r.json()["decided_by"]) == ("accepted", "bpsdm")
        problem(await decide(client, bpsdm, accepted_id, "decline"), 409, "nomination_not_pending")
        r = await decide(client, bpsdm, declined_id, "decline", "Kuota OPD sudah terpenuhi")
        assert r.json()["status"] == "declined" and r.json()["decision_note"] == "Kuota OPD sudah terpenuhi"
        rows = await audit_rows(session, "nomination", accepted_id)
        assert [(row.action, (row.after or {})["status"]) for row in rows] == [("decide", "accepted")]

        inbox = await client.get("/api/v1/me/notifications", headers=as_(settings, world, "asn_a"))
        item = inbox.json()["items"][0]
        assert item["kind"] == "nomination_decided" and item["link"] == "/saya"
        assert item["title"] == "You are a participant of Pelatihan Kepemimpinan Pengawas"
        assert "batch 1" in item["body"] and "https://zoom.us/j/42" in item["body"]
        inbox_id = await client.get(
            "/api/v1/me/notifications", headers=as_(settings, world, "asn_a") | {"Accept-Language": "id"}
        )
        assert inbox_id.json()["items"][0]["title"] == "Anda menjadi peserta Pelatihan Kepemimpinan Pengawas"
        assert "angkatan 1" in inbox_id.json()["items"][0]["body"]
        declined = (
            await client.get("/api/v1/me/notifications", headers=as_(settings, world, "asn_b"))
        ).json()
        assert (
            declined["items"][0]["title"]
            == "Your nomination for Pelatihan Kepemimpinan Pengawas was declined"
        )
        assert declined["items"][0]["body"].endswith("BPSDM's note: Kuota OPD sudah terpenuhi")
        stored = await session.execute(
            select(Notification.dedup_key).where(Notification.kind == "nomination_decided")
        )
        assert len(list(stored.scalars())) == 2

    async def test_who_decides_and_withdraws(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        bpsdm = as_(settings, world, "bpsdm")
        s = await make_session(client, bpsdm, (await make_course(client, bpsdm))["id"])
        nomination_id = (await nominate(client, as_(settings, world, "opd_a"), s["id"], world.asn_a.nip))[
            "results"
        ][0]["nomination_id"]
        problem(
            await decide(client, as_(settings, world, "opd_a"), nomination_id, "accept"), 403, "forbidden"
        )
        problem(await decide(client, bpsdm, 999_999, "accept"), 404, "nomination_not_found")
        r = await client.post(
            f"/api/v1/nominations/{nomination_id}/decision", json={"decision": "maybe"}, headers=bpsdm
        )
        problem(r, 422, "validation_error")
        withdraw = f"/api/v1/nominations/{nomination_id}/withdraw"
        problem(
            await client.post(withdraw, headers=as_(settings, world, "opd_b")), 404, "nomination_not_found"
        )
        assert (await decide(client, bpsdm, nomination_id, "accept")).status_code == 200
        r = await client.post(withdraw, json={"note": "Tugas luar"}, headers=as_(settings, world, "opd_a"))
        assert r.status_code == 200 and r.json()["status"] == "withdrawn"
        problem(
            await client.post(withdraw, headers=as_(settings, world, "opd_a")),
            409,
            "nomination_not_withdrawable",
        )
        problem(await decide(client, bpsdm, nomination_id, "accept"), 409, "nomination_not_pending")

    async def test_no_decision_on_a_cancelled_session(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        bpsdm = as_(settings, world, "bpsdm")
        s = await make_session(client, bpsdm, (await make_course(client, bpsdm))["id"])
        nomination_id = (await nominate(client, bpsdm, s["id"], world.asn_b.nip))["results"][0][
            "nomination_id"
        ]
        assert (await patch(client, bpsdm, s["id"], cancelled=True)).status_code == 200
        problem(await decide(client, bpsdm, nomination_id, "accept"), 409, "session_closed")
        assert (await session.get(Asn, world.asn_b.nip)) is not None
