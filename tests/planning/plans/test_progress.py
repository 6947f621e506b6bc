"""Which plan items are done: verified records of the plan's year, matched by course or by competency
and form, each record closing one item at most."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.planning.models import ACCEPTED, CourseSession, Nomination
from tests.factories import World
from tests.http import as_
from tests.learning.helpers import create as create_record
from tests.planning.plans.helpers import YEAR, course, item, make_plan, plan_url

SPRING = {"start_date": f"{YEAR}-03-02", "end_date": f"{YEAR}-03-04"}


async def items(client: httpx.AsyncClient, settings: Settings, world: World) -> dict[str, Any]:
    r = await client.get(plan_url(world.asn_a.nip), headers=as_(settings, world, "asn_a"))
    assert r.status_code == 200, r.text
    data: dict[str, Any] = r.json()
    return data


async def record(
    client: httpx.AsyncClient, settings: Settings, world: World, who: str = "opd_a", **fields: Any
) -> int:
    data = await create_record(client, world.asn_a.nip, as_(settings, world, who), **(SPRING | fields))
    record_id: int = data["id"]
    return record_id


class TestMatching:
    async def test_course_by_folded_title(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        c = await course(
            client, as_(settings, world, "bpsdm"), ["M4"], title="Pelatihan Orientasi pada Hasil"
        )
        await make_plan(
            client,
            as_(settings, world, "asn_a"),
            world.asn_a.nip,
            [item(course_id=c, title=None, form_code=None, planned_jp=24, estimated_cost_idr=900)],
        )
        assert (await items(client, settings, world))["items"][0]["done"] is False
        rid = await record(client, settings, world, title="PELATIHAN  orientasi pada hasil!", form_code="9")
        plan = await items(client, settings, world)
        assert (plan["items"][0]["done"], plan["items"][0]["record_id"]) == (True, rid)
        assert (plan["planned_jp"], plan["done_jp"], plan["estimated_cost_idr"]) == (24, 24, 900)

    async def test_course_by_the_record_a_nomination_created(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        c = await course(client, as_(settings, world, "bpsdm"), ["M4"])
        await make_plan(client, as_(settings, world, "asn_a"), world.asn_a.nip, [item(course_id=c)])
        rid = await record(client, settings, world, title="Angkatan I: sertifikat BPSDM")
        assert (await items(client, settings, world))["items"][0]["done"] is False
        batch = CourseSession(
            course_id=c,
            batch=1,
            starts_on=date(YEAR, 3, 2),
            ends_on=date(YEAR, 3, 4),
            quota=30,
            created_by="test",
        )
        session.add(batch)
        await session.flush()
        session.add(
            Nomination(
                session_id=batch.id,
                nip=world.asn_a.nip,
                unit_id=world.unit_a.id,
                status=ACCEPTED,
                nominated_by="test",
                record_id=rid,
            )
        )
        await session.commit()
        assert (await items(client, settings, world))["items"][0]["record_id"] == rid

    async def test_competency_and_form(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        await make_plan(
            client,
            as_(settings, world, "asn_a"),
            world.asn_a.nip,
            [item(competency_code="M4", form_code="8")],
        )
        await record(client, settings, world, form_code="3", competency_codes=["M4"])  # another form
        await record(client, settings, world, form_code="8", competency_codes=["M1"])  # another competency
        assert (await items(client, settings, world))["items"][0]["done"] is False
        rid = await record(client, settings, world, form_code="8", competency_codes=["M1", "M4"])
        assert (await items(client, settings, world))["items"][0]["record_id"] == rid

    async def test_one_record_closes_one_item_earliest_first(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        same = item(competency_code="M4", form_code="8", planned_jp=5)
        await make_plan(
            client, as_(settings, world, "asn_a"), world.asn_a.nip, [same, same | {"planned_jp": 7}]
        )
        later = await record(
            client,
            settings,
            world,
            form_code="8",
            competency_codes=["M4"],
            start_date=f"{YEAR}-05-01",
            end_date=f"{YEAR}-05-02",
        )
        plan = await items(client, settings, world)
        assert [i["record_id"] for i in plan["items"]] == [later, None]
        assert plan["done_jp"] == 5
        earlier = await record(client, settings, world, form_code="8", competency_codes=["M4"])
        plan = await items(client, settings, world)
        assert [i["record_id"] for i in plan["items"]] == [earlier, later]
        assert plan["done_jp"] == 12

    async def test_only_verified_records_of_the_plans_year(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        await make_plan(
            client,
            as_(settings, world, "asn_a"),
            world.asn_a.nip,
            [item(competency_code="M4", form_code="8")],
        )
        await record(
            client, settings, world, who="asn_a", form_code="8", competency_codes=["M4"]
        )  # a pending claim
        await record(
            client,
            settings,
            world,
            form_code="8",
            competency_codes=["M4"],
            start_date=f"{YEAR - 1}-12-01",
            end_date=f"{YEAR - 1}-12-02",
        )
        assert (await items(client, settings, world))["items"][0]["done"] is False
