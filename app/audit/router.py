from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlalchemy import select

from app.audit.schemas import AuditPage, AuditRead
from app.auth.dependencies import READERS_ALL, allow
from app.core.audit import AuditEntry
from app.core.db import SessionDep
from app.core.pagination import PageDep, paginate
from app.core.params import IsoDateTime
from app.core.security import Principal

router = APIRouter(prefix="/audit", tags=["audit"])

Filter = Annotated[str | None, Query(max_length=120)]


@router.get("", response_model=AuditPage)
async def audit_list(
    session: SessionDep,
    _: Annotated[Principal, Depends(allow(*READERS_ALL))],
    page: PageDep,
    entity: Filter = None,
    key: Filter = None,
    actor: Filter = None,
    action: Filter = None,
    since: Annotated[IsoDateTime | None, Query(description="Only entries at or after this time")] = None,
    until: Annotated[IsoDateTime | None, Query(description="Only entries before this time")] = None,
) -> AuditPage:
    """The audit trail of every write, newest first (bpsdm_admin and auditor)."""
    stmt = select(AuditEntry)
    if entity:
        stmt = stmt.where(AuditEntry.entity == entity)
    if key:
        stmt = stmt.where(AuditEntry.key == key)
    if actor:
        stmt = stmt.where(AuditEntry.actor == actor)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if since:
        stmt = stmt.where(AuditEntry.at >= since)
    if until:
        stmt = stmt.where(AuditEntry.at < until)
    rows, cursor, total = await paginate(session, stmt, [AuditEntry.id], page, descending=True)
    return AuditPage(items=[AuditRead.model_validate(r) for r in rows], next_cursor=cursor, total=total)
