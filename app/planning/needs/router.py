"""The training-needs analysis per unit and for the province."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response

from app.auth.dependencies import allow
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.params import IdPath
from app.core.report_cache import ReportCacheDep
from app.core.security import Principal, Role
from app.core.types import latest_indonesian_date
from app.planning.needs import proposal, service
from app.planning.needs.schemas import ProgramProposal, TrainingNeedsReport

router = APIRouter(tags=["planning"])

# Admins and the auditor; an OPD admin within its own subtree.
Reader = Annotated[Principal, Depends(allow(Role.opd_admin, Role.bpsdm_admin, Role.auditor))]


@router.get(
    "/reports/training-needs",
    response_model=TrainingNeedsReport,
    responses=problem_responses(404, 422),
)
async def reports_training_needs(
    session: SessionDep,
    principal: Reader,
    cache: ReportCacheDep,
    year: Annotated[
        int | None, Query(ge=2000, le=2100, description="The plans' year (default: this year)")
    ] = None,
    unit_id: Annotated[
        int | None,
        Query(
            ge=1,
            le=2**31 - 1,
            description="This unit and its descendants (default: the province; an OPD admin's own unit)",
        ),
    ] = None,
) -> Response:
    """Training needs per competency, ranked by need, with the approved IDP items and mandatory needs.

    Over the active ASN of the unit and its descendants; a unit outside the caller's scope is 404.
    """
    report = await service.report(session, principal, unit_id, year or latest_indonesian_date().year, cache)
    return Response(report.model_dump_json(), media_type="application/json")


@router.get(
    "/units/{unit_id}/development-programs/{year}/proposal",
    response_model=ProgramProposal,
    responses=problem_responses(404),
)
async def development_programs_proposal(
    unit_id: Annotated[IdPath, Path(description="The unit; its descendants are included")],
    year: Annotated[int, Path(ge=2000, le=2100, description="The programme's year", examples=[2027])],
    session: SessionDep,
    principal: Reader,
) -> ProgramProposal:
    """Suggested programme lines for the unit's subtree: IDP courses, uncovered gaps, mandatory needs."""
    return await proposal.propose(session, principal, unit_id, year)
