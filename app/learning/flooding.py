"""Claim flooding (OWASP API6, sensitive business flows): an ASN files at most
`settings.claims_per_hour` claims in any rolling hour; more is a 429 with Retry-After.

The count comes from the database (the ASN's own records by `created_at`), so it holds across
workers and restarts. Voided records still count: voiding does not give the claim back, or a
create-and-void loop would flood the verifiers' queue all the same.
"""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import select

from app.core.config import Settings
from app.core.db import SessionDep
from app.core.errors import TooManyRequests
from app.core.i18n import msg
from app.core.idempotency import KEY_LIFETIME, IdempotencyRecord
from app.core.security import Principal, Role
from app.core.types import utcnow
from app.learning.dependencies import LearningWriter
from app.learning.models import LearningRecord

WINDOW = timedelta(hours=1)


class ClaimRateExceeded(TooManyRequests):
    code = "claim_rate_exceeded"


async def claim_quota(request: Request, principal: LearningWriter, session: SessionDep) -> None:
    """Refuses an ASN's claim beyond the hourly quota; admins and systems are not limited here."""
    settings: Settings = request.app.state.settings
    limit = settings.claims_per_hour
    if limit <= 0 or principal.role is not Role.asn:
        return
    if await _is_replay(request, session, principal):
        return  # the stored response is sent again; nothing new is filed
    now = utcnow()
    newest = (
        (
            await session.execute(
                select(LearningRecord.created_at)
                .where(
                    LearningRecord.nip == (principal.nip or ""),
                    LearningRecord.created_by == principal.actor,
                    LearningRecord.created_at > now - WINDOW,
                )
                .order_by(LearningRecord.created_at.desc())
                .limit(limit)
            )
        )
        .scalars()
        .all()
    )
    if len(newest) < limit:
        return
    # A slot frees when the oldest of the `limit` newest claims leaves the window.
    wait = max(1, math.ceil((newest[-1] + WINDOW - now).total_seconds()))
    raise ClaimRateExceeded(
        msg("At most {limit} learning claims an hour; retry in {wait} seconds", limit=limit, wait=wait),
        headers={"Retry-After": str(wait)},
    )


async def _is_replay(request: Request, session: SessionDep, principal: Principal) -> bool:
    key = request.headers.get("idempotency-key")
    if not key:
        return False
    found = await session.execute(
        select(IdempotencyRecord.id).where(
            IdempotencyRecord.principal == principal.subject,
            IdempotencyRecord.key == key,
            # An expired key is a new request (IdempotencyDep forgets it), so it counts again.
            IdempotencyRecord.created_at >= utcnow() - KEY_LIFETIME,
        )
    )
    return found.first() is not None


ClaimQuota = Annotated[None, Depends(claim_quota)]
