"""A year's closing date for claims: set by BPSDM, enforced on every new claim, and the claims left over."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import audit
from app.core.concurrency import check_if_match
from app.core.errors import Unprocessable
from app.core.i18n import msg
from app.core.security import Principal
from app.core.types import latest_indonesian_date
from app.learning.reports import service as reports
from app.years.models import YearClosing
from app.years.schemas import YearClosingBody, YearClosingRead


class YearClosed(Unprocessable):
    code = "year_closed"


class InvalidClosingDate(Unprocessable):
    code = "invalid_closing_date"


async def get(session: AsyncSession, year: int) -> YearClosing | None:
    return await session.get(YearClosing, year)


async def refuse_closed(session: AsyncSession, year: int, today: date) -> None:
    """Refuses a new claim for `year` once today is past the year's closing date."""
    close_on = await session.scalar(select(YearClosing.claims_close_on).where(YearClosing.year == year))
    if close_on is not None and today > close_on:
        raise YearClosed(
            msg(
                "Claims for {year} closed on {date}; a claim for that year can no longer be filed",
                year=year,
                date=close_on.isoformat(),
            ),
            year=year,
            claims_close_on=close_on.isoformat(),
        )


async def pending_count(session: AsyncSession, principal: Principal, year: int) -> int:
    stmt = reports.queue_query(principal, None, year=year)
    return int(await session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0)


async def to_read(
    session: AsyncSession, principal: Principal, year: int, row: YearClosing | None, today: date | None = None
) -> YearClosingRead:
    today = today or latest_indonesian_date()
    return YearClosingRead(
        year=year,
        claims_close_on=None if row is None else row.claims_close_on,
        closed=row is not None and today > row.claims_close_on,
        pending_claims=await pending_count(session, principal, year),
        updated_at=None if row is None else row.updated_at,
    )


async def put(
    session: AsyncSession, principal: Principal, year: int, body: YearClosingBody, if_match: str | None
) -> tuple[YearClosing, bool]:
    """Set the year's closing date; changing one that exists needs If-Match (docs/api.md, Conventions)."""
    if body.claims_close_on < date(year, 1, 1):
        raise InvalidClosingDate(
            msg(
                "claims_close_on {date} is before {year} begins; claims for a year close on or after 1 January",
                date=body.claims_close_on.isoformat(),
                year=year,
            )
        )
    after = {"claims_close_on": body.claims_close_on.isoformat()}
    row = await session.get(YearClosing, year)
    if row is None:
        row = YearClosing(year=year, claims_close_on=body.claims_close_on, updated_by=principal.actor)
        session.add(row)
        await session.flush()
        audit.record(session, principal, "create", "year_closing", year, after=after)
        return row, True
    check_if_match(if_match, row.version)
    if row.claims_close_on != body.claims_close_on:
        before = {"claims_close_on": row.claims_close_on.isoformat()}
        row.claims_close_on, row.updated_by = body.claims_close_on, principal.actor
        await session.flush()
        audit.record(session, principal, "update", "year_closing", year, before=before, after=after)
    return row, False
