from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlalchemy import select, text

from app.audit.schemas import AuditEntities, AuditPage, AuditRead
from app.auth.dependencies import READERS_ALL, allow
from app.core.audit import AuditEntry
from app.core.db import SessionDep
from app.core.pagination import PageDep, paginate
from app.core.params import IsoDateTime
from app.core.security import Principal

router = APIRouter(prefix="/audit", tags=["audit"])

Filter = Annotated[str | None, Query(max_length=120)]

# The distinct entity names, one index probe each (a "loose index scan" on ix_audit_log_entity_key):
# a plain DISTINCT would read the whole index of a trail that only grows. The names are the few kinds
# of object the code writes, so the limit is only a guard.
_ENTITIES = text(
    "WITH RECURSIVE names(entity) AS ("
    " SELECT min(entity) FROM audit_log"
    " UNION ALL"
    " SELECT (SELECT min(a.entity) FROM audit_log a WHERE a.entity > names.entity)"
    " FROM names WHERE names.entity IS NOT NULL"
    ") SELECT entity FROM names WHERE entity IS NOT NULL LIMIT 500"
)


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


@router.get("/entities", response_model=AuditEntities)
async def audit_entities(
    session: SessionDep, _: Annotated[Principal, Depends(allow(*READERS_ALL))]
) -> AuditEntities:
    """The entity names that occur in the audit trail, in alphabetical order (for the entity filter)."""
    names = (await session.execute(_ENTITIES)).scalars().all()
    return AuditEntities(items=list(names))
