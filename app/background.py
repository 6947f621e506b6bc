"""Work that runs on its own inside `bangkom serve`: sending queued notifications, the daily
completeness snapshot and the day's reminder campaigns.

Each web worker runs the loop; running a job twice is harmless by construction (deliveries are
claimed with row locks, a snapshot of a day replaces that day, a campaign never queues a message
twice for the same reason and period), and a daily job is started by the first worker that claims
the day in `scheduled_runs`, so the others skip it. Operators who prefer cron turn the loop off
(`BANGKOM_BACKGROUND_JOBS=false`) and call `bangkom notifications send`, `bangkom snapshot` and
`bangkom reminders run` instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Date, String, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import Base
from app.core.types import UTCDateTime, latest_indonesian_time, utcnow

log = logging.getLogger("bangkom.background")


class ScheduledRun(Base):
    """One daily job's run on one day: the row is the claim, so a day's job starts once."""

    __tablename__ = "scheduled_runs"

    job: Mapped[str] = mapped_column(String(40), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


Sessions = async_sessionmaker[AsyncSession]


@dataclass(frozen=True)
class Frequent:
    """A job run every `every_s` seconds (sending queued notifications)."""

    name: str
    every_s: float
    run: Callable[[Sessions], Awaitable[object]]


@dataclass(frozen=True)
class Daily:
    """A job run once a day from `at` (WIT, as every "today" of the API) on, by the first worker to
    claim the day."""

    name: str
    at: time
    run: Callable[[AsyncSession, date], Awaitable[object]]


# A claimed run unfinished after this long was lost with its process (a run takes seconds).
STALE = timedelta(minutes=30)


async def claim_day(sessions: Sessions, job: str, day: date) -> bool:
    """Whether this worker got the day's run of `job` (False: someone has it or has done it)."""
    async with sessions() as session:
        try:
            async with session.begin():
                await session.execute(insert(ScheduledRun).values(job=job, day=day, started_at=utcnow()))
            return True
        except IntegrityError:
            pass
        async with session.begin():
            now = utcnow()
            taken = await session.execute(
                update(ScheduledRun)
                .where(
                    ScheduledRun.job == job,
                    ScheduledRun.day == day,
                    ScheduledRun.finished_at.is_(None),
                    ScheduledRun.started_at < now - STALE,
                )
                .values(started_at=now)
            )
            return bool(getattr(taken, "rowcount", 0))


async def _release(sessions: Sessions, job: str, day: date) -> None:
    async with sessions() as session, session.begin():
        await session.execute(
            delete(ScheduledRun).where(
                ScheduledRun.job == job, ScheduledRun.day == day, ScheduledRun.finished_at.is_(None)
            )
        )


async def run_daily(sessions: Sessions, job: Daily, now: datetime) -> bool:
    """Runs the day's job if it is time and nobody has claimed the day; one transaction for the work.

    A run that fails gives the day back, so the next round tries again.
    """
    if now.time() < job.at or not await claim_day(sessions, job.name, now.date()):
        return False
    try:
        async with sessions() as session, session.begin():
            await job.run(session, now.date())
            await session.execute(
                update(ScheduledRun)
                .where(ScheduledRun.job == job.name, ScheduledRun.day == now.date())
                .values(finished_at=utcnow())
            )
    except BaseException:
        await asyncio.shield(_release(sessions, job.name, now.date()))
        raise
    return True


async def _every(sessions: Sessions, job: Frequent) -> None:
    while True:
        try:
            await job.run(sessions)
        except asyncio.CancelledError:
            raise
        except Exception:  # a failed round is logged and retried on the next; the loop must live on
            log.exception("background job %s failed", job.name)
        await asyncio.sleep(job.every_s)


async def _daily(sessions: Sessions, jobs: Sequence[Daily], tick_s: float) -> None:
    while True:
        for job in jobs:
            try:
                # The day as the API counts it (WIT), so a snapshot is stored under the day reports ask for.
                await run_daily(sessions, job, latest_indonesian_time().replace(tzinfo=None))
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("daily job %s failed", job.name)
        await asyncio.sleep(tick_s)


@contextlib.asynccontextmanager
async def running(
    sessions: Sessions, frequent: Sequence[Frequent], daily: Sequence[Daily], tick_s: float = 60
) -> AsyncIterator[None]:
    """The loops for as long as the server runs; cancelled with it."""
    tasks = [asyncio.create_task(_every(sessions, job), name=job.name) for job in frequent]
    if daily:
        tasks.append(asyncio.create_task(_daily(sessions, daily, tick_s), name="daily"))
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def last_runs(session: AsyncSession) -> list[ScheduledRun]:
    """The latest run of each daily job (for the operations page and tests)."""
    rows = await session.execute(select(ScheduledRun).order_by(ScheduledRun.day.desc()).limit(20))
    return list(rows.scalars())
