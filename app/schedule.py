"""What `bangkom serve` runs by itself (app/background.py runs it): one table, like app/reactions.py."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from app.background import Daily, Frequent, Sessions
from app.completeness import snapshots
from app.core.config import Settings
from app.notifications import sender
from app.reminders import service as reminders

SYSTEM = "system:schedule"


def frequent(settings: Settings) -> list[Frequent]:
    async def send(sessions: Sessions) -> object:
        return await sender.send_all_due(sessions, settings)

    return [Frequent("notification_sender", settings.notify_interval_s, send)]


async def snapshot(session: AsyncSession, day: date) -> object:
    return await snapshots.take(session, day, SYSTEM)


def daily(settings: Settings) -> list[Daily]:
    async def campaigns(session: AsyncSession, day: date) -> object:
        # This year's campaigns, and last year's while its claims are open (the closing reminder).
        login = reminders.login_url(settings)
        return [
            await reminders.run(session, SYSTEM, year, dry_run=False, login_url=login)
            for year in await reminders.default_years(session)
        ]

    # The snapshot first: the completeness campaign compares an OPD's score with the last snapshot.
    return [
        Daily("completeness_snapshot", settings.daily_jobs_at, snapshot),
        Daily("reminder_campaigns", settings.daily_jobs_at, campaigns),
    ]
