from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.asn import service as asn_service
from app.asn.dependencies import AsnReader, NipPath
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.types import latest_indonesian_date
from app.learning.plan.schemas import DevelopmentPlan
from app.learning.plan.service import development_plan

# Read beside the catalogue it proposes from, so it shares the catalogue's tag.
router = APIRouter(tags=["courses"])


@router.get(
    "/asn/{nip}/development-plan",
    response_model=DevelopmentPlan,
    responses=problem_responses(404),
)
async def development_plan_get(
    nip: NipPath,
    session: SessionDep,
    principal: AsnReader,
    year: Annotated[
        int | None,
        Query(ge=1950, le=2100, description="Year of the JP figures; the current year when omitted"),
    ] = None,
) -> DevelopmentPlan:
    """Catalogue courses for each competency the ASN falls short of, the largest gap first."""
    asn = await asn_service.get_in_scope(session, principal, nip)
    today = latest_indonesian_date()
    return await development_plan(session, asn, year or today.year, today)
