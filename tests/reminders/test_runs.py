"""Running campaigns: a dry run writes nothing, a real run queues once per person and period and is
audited, a second run within the interval queues nothing, a run after the interval queues again."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.notifications.models import Notification, NotificationDelivery
from app.reminders import service
from tests.factories import World
from tests.http import as_, audit_rows, problem
from tests.reminders.helpers import default_campaign, notifications, put_campaigns, run, today

URL = "/api/v1/reminder-rules"
JP = "asn_below_jp_target"


async def deliveries(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(NotificationDelivery)) or 0)


class TestOverHttp:
    async def test_a_dry_run_shows_who_gets_what_and_writes_nothing(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        year = today().year
        h = as_(settings, world, "bpsdm")
        await put_campaigns(client, h, year, default_campaign(JP, from_month=1))
        r = await client.post(f"{URL}/{year}/run", headers=h)  # a dry run unless asked otherwise
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["dry_run"] is True and body["as_of"] == today().isoformat()
        (result,) = body["results"]
        assert result["campaign"] == JP and result["queued"] == 0 and result["recipients_total"] == 2
        first = result["recipients"][0]
        assert first["username"] == world.asn_a.nip and first["nip"] == world.asn_a.nip
        assert first["reason"] == f"0 of 20 JP verified for {year}; 20 JP to go"
        assert first["title"] == f"Your {year} JP is below target"
        assert first["message"].startswith("Dear Siti Rahmawati, your verified JP for")
        r = await client.post(f"{URL}/{year}/run", headers=h | {"Accept-Language": "id"})
        assert r.json()["results"][0]["recipients"][0]["reason"].startswith("0 dari 20 JP terverifikasi")
        assert await notifications(session, JP) == 0
        assert await audit_rows(session, "reminder_run", f"{year}:{today().isoformat()}") == []

    async def test_a_real_run_twice_queues_once_and_audits_each_run(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        year = today().year
        h = as_(settings, world, "bpsdm")
        in_app_only = default_campaign("account_invitation", channels=["in_app"])
        await put_campaigns(client, h, year, default_campaign(JP, from_month=1), in_app_only)
        world.users["asn_b"].must_change_password = True
        await session.commit()

        r = await client.post(f"{URL}/{year}/run?dry_run=false", headers=h)
        assert r.status_code == 200, r.text
        results = {x["campaign"]: x for x in r.json()["results"]}
        assert results[JP]["queued"] == 2 and results["account_invitation"]["queued"] == 1
        assert (
            await notifications(session, JP) == 2 and await notifications(session, "account_invitation") == 1
        )
        # Email where the campaign asks for it and the ASN profile has an address; in-app only otherwise.
        assert await deliveries(session) == 2
        stored = (
            await session.execute(
                select(Notification).where(Notification.kind == JP).order_by(Notification.id)
            )
        ).scalars()
        first = next(iter(stored))
        assert first.user_id == world.users["asn_a"].id and first.link == "/saya"
        assert first.dedup_key == f"{JP}:{year}:{today().toordinal() // 30}"
        assert first.title_id == f"JP Anda tahun {year} belum mencapai target"

        again = await client.post(f"{URL}/{year}/run?dry_run=false&campaign={JP}", headers=h)
        (result,) = again.json()["results"]
        assert (result["selected"], result["skipped_recent"], result["queued"]) == (2, 2, 0)
        assert result["recipients"] == []
        assert await notifications(session, JP) == 2 and await deliveries(session) == 2

        rows = await audit_rows(session, "reminder_run", f"{year}:{today().isoformat()}")
        assert [row.action for row in rows] == ["run", "run"]
        assert rows[0].after and rows[0].after["campaigns"][JP] == {
            "selected": 2,
            "skipped_recent": 0,
            "queued": 2,
        }
        assert rows[1].after and list(rows[1].after["campaigns"]) == [JP]

    async def test_an_unknown_campaign_is_404(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.post(f"{URL}/2026/run?campaign=nope", headers=as_(settings, world, "bpsdm"))
        problem(r, 404, "campaign_not_found")

    @pytest.mark.parametrize("who", ["auditor", "opd_a", "asn_a"])
    async def test_only_bpsdm_runs(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession, who: str
    ) -> None:
        r = await client.post(f"{URL}/2026/run?dry_run=false", headers=as_(settings, world, who))
        problem(r, 403, "forbidden")


async def test_the_interval_holds_between_runs_and_lets_the_next_one_through(
    client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
) -> None:
    day = today()
    h = as_(settings, world, "bpsdm")
    # The closing reminder runs in the days before the closing date, whatever the month: every OPD admin.
    r = await client.put(
        f"/api/v1/years/{day.year}/closing",
        json={"claims_close_on": (day + timedelta(days=30)).isoformat()},
        headers=h,
    )
    assert r.status_code == 201, r.text
    await put_campaigns(
        client, h, day.year, default_campaign("year_closing", threshold=30, min_interval_days=3)
    )

    async def real(on_day: int) -> tuple[int, int]:
        done = await run(session, day.year, day + timedelta(days=on_day), "year_closing", dry_run=False)
        return done.skipped_recent, done.queued

    assert await real(0) == (0, 3)
    assert await real(0) == (3, 0)
    assert await real(2) == (3, 0)  # still within 3 days of the first
    assert await real(3) == (0, 3)
    assert await notifications(session, "year_closing") == 6


async def test_a_daily_run_covers_last_year_while_its_claims_are_open(
    client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
) -> None:
    day = today()
    assert await service.default_years(session, day) == [day.year]
    h = as_(settings, world, "bpsdm")
    r = await client.put(
        f"/api/v1/years/{day.year - 1}/closing", json={"claims_close_on": day.isoformat()}, headers=h
    )
    assert r.status_code == 201, r.text
    assert await service.default_years(session, day) == [day.year, day.year - 1]
    later = day + timedelta(days=1)
    assert await service.default_years(session, later) == [later.year]  # closed: this year only
