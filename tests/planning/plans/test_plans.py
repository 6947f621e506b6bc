"""Individual development plans: proposal, editing, the states and who moves them, the queue, history,
audit and notifications."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.core.config import Settings
from app.core.security import Role
from app.notifications.models import Notification
from app.planning.plans.service import default_quarter
from tests.factories import World, create_user
from tests.http import as_, audit_rows, problem
from tests.planning.plans.helpers import (
    TODAY,
    YEAR,
    assess,
    course,
    item,
    make_plan,
    plan_url,
    standard,
    step,
)


async def notifications(session: AsyncSession, kind: str) -> list[Notification]:
    rows = await session.execute(
        select(Notification)
        .where(Notification.kind == kind)
        .order_by(Notification.id)
        .execution_options(populate_existing=True)
    )
    return list(rows.scalars())


class TestProposal:
    async def test_one_item_per_gap_with_its_first_course_or_a_free_item(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        bpsdm = as_(settings, world, "bpsdm")
        await standard(session, world.position_a.id, {"M1": 3, "M4": 4, "M2": 3})
        await assess(session, world.asn_a.nip, {"M1": 2, "M4": 1, "M2": 3})
        m4 = await course(client, bpsdm, ["M4"], jp=24)
        r = await client.post(plan_url(world.asn_a.nip), headers=as_(settings, world, "asn_a"))
        assert r.status_code == 201, r.text
        assert r.headers["etag"] == '"1"'
        assert r.headers["location"] == plan_url(world.asn_a.nip)
        plan = r.json()
        assert plan["status"] == "draft" and plan["unit_id"] == world.unit_a.id
        assert plan["created_by"] == world.asn_a.nip and plan["submitted_at"] is None
        first, second = plan["items"]
        assert first == {
            "competency_code": "M4",
            "course_id": m4,
            "title": "Pelatihan Orientasi pada Hasil",
            "form_code": "3",
            "planned_jp": 24.0,
            "planned_quarter": _quarter_of(3),
            "estimated_cost_idr": 0,
            "reason": "Kesenjangan M4: level 1 dari 4",
            "done": False,
            "record_id": None,
        }
        assert second["competency_code"] == "M1" and second["course_id"] is None
        assert second["title"]  # the competency's name
        assert second["form_code"] == "24" and second["planned_jp"] == 10.0
        assert second["planned_quarter"] == default_quarter(YEAR, TODAY)
        assert plan["planned_jp"] == 34.0 and plan["done_jp"] == 0 and plan["estimated_cost_idr"] == 0
        got = await client.get(plan_url(world.asn_a.nip), headers=as_(settings, world, "opd_a"))
        assert got.status_code == 200 and got.headers["etag"] == '"1"'
        assert got.json() == plan

    async def test_a_course_is_proposed_once_and_next_year_starts_in_the_first_quarter(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await standard(session, world.position_a.id, {"M1": 3, "M4": 4})
        await assess(session, world.asn_a.nip, {"M1": 2, "M4": 1})
        both = await course(client, as_(settings, world, "bpsdm"), ["M1", "M4"])
        r = await client.post(
            plan_url(world.asn_a.nip, YEAR + 1), json={}, headers=as_(settings, world, "opd_a")
        )
        assert r.status_code == 201, r.text
        items = r.json()["items"]
        assert [(i["competency_code"], i["course_id"]) for i in items] == [("M4", both), ("M1", None)]
        assert {i["planned_quarter"] for i in items} == {1}
        assert r.json()["created_by"] == "opd.a"

    async def test_no_gap_no_item(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        r = await client.post(plan_url(world.asn_a.nip), headers=as_(settings, world, "asn_a"))
        assert r.status_code == 201, r.text
        assert r.json()["items"] == []


def _quarter_of(offset: int) -> int:
    """The quarter a course starting `offset` days from today is planned in."""
    starts = TODAY + timedelta(days=offset)
    return (starts.month - 1) // 3 + 1 if starts.year == YEAR else default_quarter(YEAR, TODAY)


class TestCreate:
    async def test_from_given_items_and_only_once(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "asn_a")
        r = await make_plan(
            client, h, world.asn_a.nip, [item(competency_code="M4", estimated_cost_idr=1500000)]
        )
        assert r.json()["items"][0]["competency_code"] == "M4"
        assert r.json()["estimated_cost_idr"] == 1500000
        again = await client.post(plan_url(world.asn_a.nip), json={}, headers=h)
        problem(again, 409, "development_plan_exists")
        empty = await client.post(plan_url(world.asn_a.nip, YEAR + 1), json={"items": []}, headers=h)
        assert empty.status_code == 201 and empty.json()["items"] == []

    async def test_year_bounds(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        h = as_(settings, world, "asn_a")
        problem(
            await client.post(plan_url(world.asn_a.nip, YEAR + 2), headers=h),
            422,
            "development_plan_year_out_of_range",
        )
        problem(await client.post(plan_url(world.asn_a.nip, 1999), headers=h), 422, "validation_error")

    async def test_idempotency_key_replays(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "asn_a") | {"Idempotency-Key": "idp-1"}
        first = await client.post(plan_url(world.asn_a.nip), json={"items": [item()]}, headers=h)
        second = await client.post(plan_url(world.asn_a.nip), json={"items": [item()]}, headers=h)
        assert first.status_code == second.status_code == 201
        assert second.headers["idempotent-replayed"] == "true"
        assert second.json() == first.json() and second.headers["etag"] == first.headers["etag"]

    async def test_not_found_until_made(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        problem(
            await client.get(plan_url(world.asn_a.nip), headers=as_(settings, world, "asn_a")),
            404,
            "development_plan_not_found",
        )

    async def test_who_may_create_and_read(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        body = {"items": [item()]}
        problem(
            await client.post(plan_url(world.asn_a1.nip), json=body, headers=as_(settings, world, "asn_a")),
            404,
            "asn_not_found",
        )
        problem(
            await client.post(plan_url(world.asn_a.nip), json=body, headers=as_(settings, world, "opd_b")),
            404,
            "asn_not_found",
        )
        problem(
            await client.post(plan_url(world.asn_a.nip), json=body, headers=as_(settings, world, "auditor")),
            403,
            "forbidden",
        )
        assert (
            await client.post(plan_url(world.asn_a1.nip), json=body, headers=as_(settings, world, "opd_a"))
        ).status_code == 201
        assert (
            await client.post(plan_url(world.asn_b.nip), json=body, headers=as_(settings, world, "bpsdm"))
        ).status_code == 201
        url = plan_url(world.asn_a1.nip)
        assert (await client.get(url, headers=as_(settings, world, "auditor"))).status_code == 200
        assert (
            await client.get(url, headers=as_(settings, world, "client:learning:read"))
        ).status_code == 200
        problem(await client.get(url, headers=as_(settings, world, "client:asn:read")), 403, "forbidden")
        problem(await client.get(url, headers=as_(settings, world, "opd_b")), 404, "asn_not_found")
        problem(await client.get(url, headers=as_(settings, world, "asn_a")), 404, "asn_not_found")
        problem(
            await client.get(url + "/history", headers=as_(settings, world, "opd_b")), 404, "asn_not_found"
        )


class TestItems:
    async def test_if_match_required_and_items_replaced(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "asn_a")
        await make_plan(client, h, world.asn_a.nip)
        m4 = await course(
            client, as_(settings, world, "bpsdm"), ["M4"], form_code="8", title="Bimtek Perencanaan"
        )
        url = plan_url(world.asn_a.nip, tail="/items")
        body = {
            "items": [
                {"course_id": m4, "planned_jp": "12.5", "planned_quarter": 3},
                item(competency_code="M1", title=None),
            ]
        }
        problem(await client.put(url, json=body, headers=h), 428, "precondition_required")
        problem(await client.put(url, json=body, headers=h | {"If-Match": '"7"'}), 412, "precondition_failed")
        r = await client.put(url, json=body, headers=h | {"If-Match": '"1"'})
        assert r.status_code == 200, r.text
        assert r.headers["etag"] == '"2"'
        first, second = r.json()["items"]
        assert (first["title"], first["form_code"], first["planned_jp"]) == ("Bimtek Perencanaan", "8", 12.5)
        assert first["competency_code"] is None and first["estimated_cost_idr"] == 0
        assert second["title"] and second["title"] != "Coaching oleh atasan"  # the competency's name
        assert r.json()["status"] == "draft"
        assert (
            len((await client.put(url, json={"items": []}, headers=h | {"If-Match": '"2"'})).json()["items"])
            == 0
        )

    async def test_unknown_references_each_with_its_loc(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "asn_a")
        await make_plan(client, h, world.asn_a.nip)
        body = {
            "items": [
                item(competency_code="NOPE"),
                item(course_id=999999),
                item(form_code="99"),
                item(form_code=None),
                {"planned_jp": 1, "planned_quarter": 1},
            ]
        }
        r = await client.put(
            plan_url(world.asn_a.nip, tail="/items"), json=body, headers=h | {"If-Match": '"1"'}
        )
        data = problem(r, 422, "invalid_plan_items")
        assert [(e["loc"], e["type"]) for e in data["errors"]] == [
            (["body", "items", 0, "competency_code"], "unknown_competency"),
            (["body", "items", 1, "course_id"], "unknown_course"),
            (["body", "items", 2, "form_code"], "unknown_form_code"),
            (["body", "items", 3, "form_code"], "missing"),
            (["body", "items", 4, "form_code"], "missing"),
            (["body", "items", 4, "title"], "missing"),
        ]
        assert data["detail"].startswith("items.0.competency_code: no competency with code NOPE")
        # The same rules when a plan starts from given items.
        r = await client.post(
            plan_url(world.asn_a.nip, YEAR + 1), json={"items": [item(course_id=999999)]}, headers=h
        )
        problem(r, 422, "invalid_plan_items")

    async def test_field_rules(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        h = as_(settings, world, "asn_a") | {"If-Match": '"1"'}
        await make_plan(client, h, world.asn_a.nip)
        url = plan_url(world.asn_a.nip, tail="/items")
        for bad in (
            item(planned_jp=0),
            item(planned_jp=2000.01),
            item(planned_jp="1.005"),
            item(planned_quarter=5),
            item(planned_quarter=0),
            item(estimated_cost_idr=-1),
            item(estimated_cost_idr=1.5),
            item(extra="x"),
        ):
            problem(await client.put(url, json={"items": [bad]}, headers=h), 422, "validation_error")
        problem(await client.put(url, json={"items": [item()] * 31}, headers=h), 422, "validation_error")
        r = await client.put(url, json={"items": [item(planned_jp=2000)] * 30}, headers=h)
        assert r.status_code == 200 and r.json()["planned_jp"] == 60000


class TestStates:
    async def test_the_whole_round(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        asn, opd = as_(settings, world, "asn_a"), as_(settings, world, "opd_a")
        nip = world.asn_a.nip
        problem(
            await step(client, opd, nip, "/decision", {"decision": "approve"}),
            404,
            "development_plan_not_found",
        )
        await make_plan(client, asn, nip, [])
        problem(await step(client, asn, nip, "/submit"), 422, "development_plan_empty")
        items = plan_url(nip, tail="/items")
        assert (
            await client.put(items, json={"items": [item()]}, headers=asn | {"If-Match": '"1"'})
        ).status_code == 200
        problem(
            await step(client, opd, nip, "/decision", {"decision": "approve"}),
            409,
            "development_plan_not_submitted",
        )
        r = await step(client, asn, nip, "/submit")
        assert r.status_code == 200, r.text
        assert r.json()["status"] == "submitted" and r.json()["submitted_at"] and r.headers["etag"] == '"3"'
        problem(await step(client, asn, nip, "/submit"), 409, "development_plan_not_editable")
        problem(
            await client.put(items, json={"items": [item()]}, headers=asn | {"If-Match": '"3"'}),
            409,
            "development_plan_not_editable",
        )
        problem(await step(client, asn, nip, "/decision", {"decision": "approve"}), 403, "forbidden")
        problem(
            await step(client, as_(settings, world, "auditor"), nip, "/decision", {"decision": "approve"}),
            403,
            "forbidden",
        )
        problem(
            await step(client, as_(settings, world, "opd_b"), nip, "/decision", {"decision": "approve"}),
            404,
            "asn_not_found",
        )
        problem(
            await step(client, opd, nip, "/decision", {"decision": "return"}), 422, "decision_note_required"
        )
        problem(
            await step(client, opd, nip, "/decision", {"decision": "return", "note": "  "}),
            422,
            "decision_note_required",
        )
        problem(await step(client, opd, nip, "/decision", {"decision": "maybe"}), 422, "validation_error")
        r = await step(
            client, opd, nip, "/decision", {"decision": "return", "note": "Tambah pelatihan teknis"}
        )
        assert r.status_code == 200, r.text
        returned = r.json()
        assert returned["status"] == "returned" and returned["decided_by"] == "opd.a"
        assert returned["decision_note"] == "Tambah pelatihan teknis" and returned["decided_at"]
        # Editing a returned plan keeps it returned until it is submitted again.
        r = await client.put(
            items,
            json={"items": [item(), item(title="Magang", form_code="10")]},
            headers=asn | {"If-Match": r.headers["etag"]},
        )
        assert r.status_code == 200 and r.json()["status"] == "returned"
        assert (await step(client, opd, nip, "/submit")).json()[
            "status"
        ] == "submitted"  # on the ASN's behalf
        r = await step(client, as_(settings, world, "bpsdm"), nip, "/decision", {"decision": "approve"})
        assert r.status_code == 200, r.text
        assert (
            r.json()["status"] == "approved"
            and r.json()["decided_by"] == "bpsdm"
            and r.json()["decision_note"] is None
        )
        problem(
            await step(client, opd, nip, "/decision", {"decision": "return", "note": "x"}),
            409,
            "development_plan_not_submitted",
        )
        problem(await step(client, asn, nip, "/submit"), 409, "development_plan_not_editable")
        problem(
            await client.put(items, json={"items": []}, headers=asn | {"If-Match": '"7"'}),
            409,
            "development_plan_not_editable",
        )

        history = await client.get(plan_url(nip, tail="/history"), headers=as_(settings, world, "auditor"))
        assert history.status_code == 200
        events = history.json()["events"]
        assert [(e["action"], e["from_status"], e["to_status"], e["role"]) for e in events] == [
            ("created", None, "draft", "asn"),
            ("edited", "draft", "draft", "asn"),
            ("submitted", "draft", "submitted", "asn"),
            ("returned", "submitted", "returned", "opd_admin"),
            ("edited", "returned", "returned", "asn"),
            ("submitted", "returned", "submitted", "opd_admin"),
            ("approved", "submitted", "approved", "bpsdm_admin"),
        ]
        assert [len(e["items"]) for e in events] == [0, 1, 1, 1, 2, 2, 2]
        assert events[3]["note"] == "Tambah pelatihan teknis"
        assert events[4]["items"][1] == {
            "competency_code": None,
            "course_id": None,
            "title": "Magang",
            "form_code": "10",
            "planned_jp": 4.0,
            "planned_quarter": 2,
            "estimated_cost_idr": 0,
            "reason": None,
        }
        rows = await audit_rows(session, "development_plan", f"{nip}/{YEAR}")
        assert [(a.action, a.actor) for a in rows] == [
            ("create", nip),
            ("update", nip),
            ("submit", nip),
            ("return", "opd.a"),
            ("update", nip),
            ("submit", "opd.a"),
            ("approve", "bpsdm"),
        ]
        assert rows[3].before is not None and rows[3].before["status"] == "submitted"
        assert rows[3].after is not None and rows[3].after["status"] == "returned"

    async def test_no_one_decides_their_own_plan(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await make_plan(client, as_(settings, world, "asn_a"), world.asn_a.nip)
        assert (
            await step(client, as_(settings, world, "asn_a"), world.asn_a.nip, "/submit")
        ).status_code == 200
        await create_user(session, "opd.self", Role.opd_admin, unit=world.unit_a, asn=world.asn_a)
        await session.commit()
        world.users["opd_self"] = (await session.execute(select_user("opd.self"))).scalar_one()
        r = await step(
            client, as_(settings, world, "opd_self"), world.asn_a.nip, "/decision", {"decision": "approve"}
        )
        problem(r, 403, "self_approval")

    async def test_the_unit_follows_the_asn_on_each_step(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await make_plan(client, as_(settings, world, "asn_a"), world.asn_a.nip)
        asn = await session.get(Asn, world.asn_a.nip)
        assert asn is not None
        asn.unit_id = world.unit_a1.id
        await session.commit()
        r = await step(client, as_(settings, world, "opd_a"), world.asn_a.nip, "/submit")
        assert r.json()["unit_id"] == world.unit_a1.id


def select_user(username: str) -> Any:
    from app.auth.models import User

    return select(User).where(User.username == username)


class TestNotifications:
    async def test_admins_reaching_the_asn_hear_of_a_submission(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await make_plan(
            client, as_(settings, world, "asn_a"), world.asn_a.nip, [item(), item(planned_jp="12.5")]
        )
        await make_plan(client, as_(settings, world, "opd_a1"), world.asn_a1.nip)
        assert (
            await step(client, as_(settings, world, "asn_a"), world.asn_a.nip, "/submit")
        ).status_code == 200
        assert (
            await step(client, as_(settings, world, "opd_a"), world.asn_a1.nip, "/submit")
        ).status_code == 200
        sent = await notifications(session, "development_plan_submitted")
        users = {v.id: k for k, v in world.users.items()}
        # asn_a is in DINAS_A: only opd_a reaches them; asn_a1 is in BIDANG_A1: opd_a1 (opd_a submitted it).
        assert [users[n.user_id] for n in sent] == ["opd_a", "opd_a1"]
        first = sent[0]
        assert first.link == "/opd/rencana"
        assert first.title_en == "A development plan awaits your decision"
        assert (
            first.body_en
            == f"Siti Rahmawati (NIP {world.asn_a.nip}) submitted the development plan for {YEAR}: 2 items, 16.5 JP."
        )
        assert first.title_id == "Rencana pengembangan menunggu keputusan Anda"
        assert first.body_id.endswith("2 butir, 16,5 JP.")

    async def test_the_asn_hears_of_each_decision(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        asn, opd, nip = as_(settings, world, "asn_a"), as_(settings, world, "opd_a"), world.asn_a.nip
        await make_plan(client, asn, nip)
        await step(client, asn, nip, "/submit")
        await step(client, opd, nip, "/decision", {"decision": "return", "note": "Lengkapi biaya"})
        await step(client, asn, nip, "/submit")
        await step(client, opd, nip, "/decision", {"decision": "approve"})
        decided = await notifications(session, "development_plan_decided")
        assert [n.user_id for n in decided] == [world.users["asn_a"].id] * 2
        returned, approved = decided
        assert returned.link == "/saya/rencana"
        assert returned.title_en == "Your development plan was returned"
        assert (
            returned.body_en
            == f"Your development plan for {YEAR} was returned for changes. The approver's note: Lengkapi biaya"
        )
        assert returned.body_id.endswith("Catatan pemberi persetujuan: Lengkapi biaya")
        assert approved.title_id == "Rencana pengembangan Anda disetujui"
        assert approved.body_en == f"Your development plan for {YEAR} was approved."
        # Each submission is a new message to the admins.
        assert len(await notifications(session, "development_plan_submitted")) == 2


class TestList:
    async def _three(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        bpsdm = as_(settings, world, "bpsdm")
        await make_plan(client, bpsdm, world.asn_b.nip, [item(estimated_cost_idr=1000)])
        await make_plan(
            client, bpsdm, world.asn_a.nip, [item(), item(planned_jp="2.5", estimated_cost_idr=500)]
        )
        await make_plan(client, bpsdm, world.asn_a1.nip)
        await make_plan(client, bpsdm, world.asn_a.nip, year=YEAR + 1)
        await step(client, bpsdm, world.asn_a.nip, "/submit")
        await step(client, bpsdm, world.asn_b.nip, "/submit")

    async def test_scope_filters_and_queue_order(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        await self._three(client, settings, world)

        async def nips(who: str, **params: Any) -> list[tuple[str, int]]:
            r = await client.get(
                "/api/v1/development-plans", params=params, headers=as_(settings, world, who)
            )
            assert r.status_code == 200, r.text
            assert r.json()["total"] == len(r.json()["items"])
            return [(i["nip"], i["year"]) for i in r.json()["items"]]

        a, a1, b = world.asn_a.nip, world.asn_a1.nip, world.asn_b.nip
        assert await nips("bpsdm") == [(b, YEAR), (a, YEAR), (a1, YEAR), (a, YEAR + 1)]
        assert await nips("auditor", year=YEAR) == [(b, YEAR), (a, YEAR), (a1, YEAR)]
        assert await nips("opd_a") == [(a, YEAR), (a1, YEAR), (a, YEAR + 1)]
        assert await nips("opd_a1") == [(a1, YEAR)]
        assert await nips("opd_b") == [(b, YEAR)]
        assert await nips("bpsdm", status="submitted") == [(a, YEAR), (b, YEAR)]  # oldest submission first
        assert await nips("opd_a", status="draft", year=YEAR) == [(a1, YEAR)]
        assert await nips("bpsdm", unit_id=world.unit_a1.id) == [(a1, YEAR)]
        assert await nips("bpsdm", q="yohanes") == [(b, YEAR)]
        assert await nips("bpsdm", q=a, year=YEAR) == [(a, YEAR)]
        problem(
            await client.get(
                "/api/v1/development-plans",
                params={"unit_id": world.unit_b.id},
                headers=as_(settings, world, "opd_a"),
            ),
            404,
            "unit_not_found",
        )
        problem(
            await client.get("/api/v1/development-plans", headers=as_(settings, world, "asn_a")),
            403,
            "forbidden",
        )

    async def test_rows_and_paging(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        await self._three(client, settings, world)
        h = as_(settings, world, "bpsdm")
        seen: list[dict[str, Any]] = []
        params: dict[str, Any] = {"status": "submitted", "limit": 1}
        while True:
            page = (await client.get("/api/v1/development-plans", params=params, headers=h)).json()
            assert page["total"] == 2
            seen += page["items"]
            if not page["next_cursor"]:
                break
            params["cursor"] = page["next_cursor"]
        assert [s["nip"] for s in seen] == [world.asn_a.nip, world.asn_b.nip]
        row = seen[0]
        assert (
            row["name"] == "Siti Rahmawati"
            and row["unit_id"] == world.unit_a.id
            and row["unit"] == "Unit DINAS_A"
        )
        assert row["status"] == "submitted" and row["submitted_at"]
        assert (row["item_count"], row["planned_jp"], row["estimated_cost_idr"]) == (2, 6.5, 500)
        problem(
            await client.get(
                "/api/v1/development-plans", params={"cursor": "WzFd"} | {"status": "submitted"}, headers=h
            ),
            422,
            "invalid_cursor",
        )


class TestLanguages:
    async def test_problems_in_indonesian_by_default_and_english_on_request(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "asn_a")
        url = plan_url(world.asn_a.nip)
        en = problem(await client.get(url, headers=h), 404, "development_plan_not_found")
        assert en["detail"] == f"{world.asn_a.nip} has no development plan for {YEAR} yet"
        assert en["title"] == "Development plan not found"
        idn = problem(
            await client.get(url, headers=h | {"Accept-Language": "id"}), 404, "development_plan_not_found"
        )
        assert idn["detail"] == f"{world.asn_a.nip} belum memiliki rencana pengembangan untuk tahun {YEAR}"
        assert idn["title"] == "Rencana pengembangan tidak ditemukan"
        await make_plan(client, h, world.asn_a.nip)
        r = await client.put(
            url + "/items",
            json={"items": [item(course_id=999999)]},
            headers=h | {"If-Match": '"1"', "Accept-Language": "id"},
        )
        data = problem(r, 422, "invalid_plan_items")
        assert data["errors"][0]["msg"] == "tidak ada pelatihan dengan id 999999; lihat /api/v1/courses"
        assert (
            data["detail"] == "items.0.course_id: tidak ada pelatihan dengan id 999999; lihat /api/v1/courses"
        )
        r = await step(
            client, h | {"Accept-Language": "id"}, world.asn_a.nip, "/decision", {"decision": "approve"}
        )
        assert problem(r, 403, "forbidden")["title"] == "Anda tidak berwenang melakukan ini"
