"""Claim flooding (OWASP API6, sensitive business flows): an ASN files at most
`settings.claims_per_hour` claims an hour; more is a 429 with Retry-After.

Filled in by the hardening work.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from app.core.db import SessionDep
from app.learning.dependencies import LearningWriter


async def claim_quota(request: Request, principal: LearningWriter, session: SessionDep) -> None:
    """Refuses an ASN's claim beyond the hourly quota; admins and systems are not limited here."""
    return None


ClaimQuota = Annotated[None, Depends(claim_quota)]
