"""The loop `bangkom serve` runs: a daily job starts once a day across workers, and never gets lost."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from app import background
from app.background import Daily, Frequent, ScheduledRun
from app.core.types import utcnow
from tests.conftest import _maker

DAY = date(2026, 3, 2)
MORNING = datetime(2026, 3, 2, 6, 30)


@pytest.fixture
def sessions(connection: AsyncConnection) -> background.Sessions:
    return _maker(connection)


def counting(done: list[date], fail: bool = False) -> Daily:
    async def run(session: AsyncSession, day: date) -> None:
        done.append(day)
        if fail:
            raise RuntimeError("the mail server's DNS name does not resolve")

    return Daily("snapshot", time(6, 0), run)


async def runs(session: AsyncSession) -> list[tuple[str, date, bool]]:
    rows = (await session.execute(select(ScheduledRun).order_by(ScheduledRun.job))).scalars()
    return [(r.job, r.day, r.finished_at is not None) for r in rows]


class TestDaily:
    async def test_once_a_day_from_its_time(
        self, sessions: background.Sessions, session: AsyncSession
    ) -> None:
        done: list[date] = []
        job = counting(done)
        assert not await background.run_daily(sessions, job, datetime(2026, 3, 2, 5, 59))
        assert await background.run_daily(sessions, job, MORNING)
        # A second worker (or the next tick) finds the day claimed.
        assert not await background.run_daily(sessions, job, MORNING + timedelta(hours=3))
        assert await background.run_daily(sessions, job, MORNING + timedelta(days=1))
        assert done == [DAY, DAY + timedelta(days=1)]
        assert await runs(session) == [("snapshot", DAY, True), ("snapshot", DAY + timedelta(days=1), True)]

    async def test_a_failed_run_gives_the_day_back(
        self, sessions: background.Sessions, session: AsyncSession
    ) -> None:
        done: list[date] = []
        with pytest.raises(RuntimeError):
            await background.run_daily(sessions, counting(done, fail=True), MORNING)
        assert await runs(session) == []
        assert await background.run_daily(sessions, counting(done), MORNING)
        assert done == [DAY, DAY]

    async def test_a_run_lost_with_its_process_is_taken_over_later(
        self, sessions: background.Sessions, session: AsyncSession
    ) -> None:
        assert await background.claim_day(sessions, "snapshot", DAY)  # and the process died
        done: list[date] = []
        assert not await background.run_daily(sessions, counting(done), MORNING)
        await session.execute(
            update(ScheduledRun).values(started_at=utcnow() - background.STALE - timedelta(seconds=1))
        )
        await session.commit()
        assert await background.run_daily(sessions, counting(done), MORNING)
        assert done == [DAY]
        assert await runs(session) == [("snapshot", DAY, True)]


class TestLoop:
    async def test_frequent_jobs_run_and_stop_with_the_server(self, sessions: background.Sessions) -> None:
        rounds: list[int] = []
        twice = asyncio.Event()

        async def send(_: background.Sessions) -> None:
            rounds.append(1)
            if len(rounds) == 1:
                raise OSError("connection refused")  # logged; the loop lives on
            twice.set()

        async with background.running(sessions, [Frequent("sender", 0.01, send)], []):
            await asyncio.wait_for(twice.wait(), timeout=5)
        count = len(rounds)
        await asyncio.sleep(0.05)
        assert len(rounds) == count >= 2
