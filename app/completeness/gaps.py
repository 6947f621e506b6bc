"""The people behind a unit's gaps: its active ASN (descendants included) missing an indicator, or any,
each with what they miss and the action that closes each item. Today's records, paged by NIP."""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func, not_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.completeness.figures import rules_of
from app.completeness.indicators import ACTION_LABELS, Day, actions_for, conditions, facts
from app.completeness.schemas import DataGap, GapAction
from app.completeness.service import today
from app.core.i18n import localise
from app.core.pagination import InvalidCursor, PageParams, decode_cursor, encode_cursor
from app.core.security import Principal
from app.org import service as org_service
from app.org.models import Unit
from app.rules.completeness import INDICATOR_CODES, IndicatorCode


def gaps_statement(day: Day, people: Any, indicator: IndicatorCode | None) -> Any:
    """Active ASN among `people` (NIPs, or a SELECT of them; None: everyone) missing `indicator` (None:
    any), with a 0/1 column per indicator. The facts are gathered for those people only."""
    joined = facts(day, people)
    found = conditions(joined)
    missing = not_(found[indicator]) if indicator is not None else or_(*(not_(c) for c in found.values()))
    stmt = (
        select(
            Asn.nip,
            Asn.name,
            Asn.unit_id,
            Unit.name.label("unit_name"),
            Asn.position_id,
            *(case((c, 1), else_=0).label(code) for code, c in found.items()),
        )
        .join(Unit, Unit.id == Asn.unit_id)
        .outerjoin(joined, joined.c.nip == Asn.nip)
        .where(Asn.active.is_(True), missing)
    )
    return stmt if people is None else stmt.where(Asn.nip.in_(people))


def to_gap(row: Any) -> DataGap:
    missing = [code for code in INDICATOR_CODES if not row._mapping[code]]
    return DataGap(
        nip=row.nip,
        name=row.name,
        unit_id=row.unit_id,
        unit_name=row.unit_name,
        missing=missing,
        actions=[
            GapAction(code=action, label=localise(ACTION_LABELS[action]))
            for action in actions_for(missing, row.position_id is not None)
        ],
    )


async def data_gaps(
    session: AsyncSession,
    principal: Principal,
    unit_id: int,
    indicator: IndicatorCode | None,
    page: PageParams,
) -> tuple[list[DataGap], str | None, int]:
    unit = await org_service.unit_in_reach(session, principal, unit_id)
    day = today()
    people = select(Asn.nip).where(Asn.unit_id.in_(org_service.subtree_ids(unit.id)))
    stmt = gaps_statement(Day.of(day, await rules_of(session, day)), people, indicator)
    total = (await session.execute(select(func.count()).select_from(stmt.subquery()))).scalar_one()
    if page.cursor:
        (after,) = decode_cursor(page.cursor, 1)
        if not isinstance(after, str):
            raise InvalidCursor("The cursor is not valid; use next_cursor as given")
        stmt = stmt.where(Asn.nip > after)
    rows = (await session.execute(stmt.order_by(Asn.nip).limit(page.limit + 1))).all()
    cursor = encode_cursor([rows[page.limit - 1].nip]) if len(rows) > page.limit else None
    return [to_gap(r) for r in rows[: page.limit]], cursor, int(total)
