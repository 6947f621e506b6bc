"""Shared pieces of the reminder tests: campaigns to PUT, claims written straight into the ledger, and
runs of the service at a chosen day (the HTTP route always runs as of today)."""

from __future__ import annotations

import copy
import itertools
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.core.types import WIT, latest_indonesian_date
from app.learning.models import LearningRecord
from app.notifications.models import Notification
from app.reminders import service
from app.reminders.defaults import DEFAULT_REMINDER_RULES
from app.reminders.schemas import CampaignRun

_titles = itertools.count(1)


def today() -> date:
    return latest_indonesian_date()


def default_campaign(which: str, /, **changes: Any) -> dict[str, Any]:
    campaign: dict[str, Any] = next(c for c in DEFAULT_REMINDER_RULES["campaigns"] if c["code"] == which)
    return copy.deepcopy(campaign) | changes


def rules_body(*campaigns: dict[str, Any]) -> dict[str, Any]:
    return {"campaigns": list(campaigns)}


async def put_campaigns(
    client: httpx.AsyncClient, headers: dict[str, str], year: int, *campaigns: dict[str, Any]
) -> None:
    r = await client.put(f"/api/v1/reminder-rules/{year}", json=rules_body(*campaigns), headers=headers)
    assert r.status_code == 201, r.text


def at(day: date, hour: int = 12) -> datetime:
    """A moment of an Indonesian (WIT) day."""
    return datetime.combine(day, time(hour), tzinfo=WIT)


async def add_claim(
    session: AsyncSession,
    asn: Asn,
    *,
    year: int,
    filed_at: datetime,
    status: str = "pending",
    jp: Decimal = Decimal(8),
) -> LearningRecord:
    """A claim ending in `year`, filed at `filed_at`, written straight into the ledger."""
    on = date(year, 1, 2)
    n = next(_titles)
    record = LearningRecord(
        nip=asn.nip,
        title=f"Pelatihan Pengingat {n}",
        title_key=f"pelatihan pengingat {n}",
        form_code="8",
        start_date=on,
        end_date=on,
        year=year,
        jp=jp,
        competency_codes=[],
        source="self",
        status=status,
        created_by="test",
        created_at=filed_at,
    )
    session.add(record)
    await session.flush()
    return record


async def run(
    session: AsyncSession, year: int, as_of: date, campaign: str, *, dry_run: bool = True, **more: Any
) -> CampaignRun:
    done = await service.run(session, "test", year, dry_run=dry_run, campaign=campaign, as_of=as_of, **more)
    (result,) = done.results
    return result


def usernames(result: CampaignRun) -> list[str]:
    return [r.username for r in result.recipients]


async def notifications(session: AsyncSession, kind: str) -> int:
    return int(
        await session.scalar(select(func.count()).select_from(Notification).where(Notification.kind == kind))
        or 0
    )
