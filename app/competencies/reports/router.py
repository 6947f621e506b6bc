"""Competency-gap reports over the caller's units: per competency, and per unit × competency."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from app.auth.dependencies import allow
from app.competencies.reports import service as reports
from app.competencies.reports.schemas import CompetencyGapMatrix, CompetencyGapReport
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.security import Principal, Role

router = APIRouter(tags=["reports"])

GapReader = Annotated[
    Principal, Depends(allow(Role.opd_admin, Role.bpsdm_admin, Role.auditor, scope="asn:read"))
]
UnitFilter = Annotated[
    int | None,
    Query(
        ge=1,
        le=2**31 - 1,
        description="This unit and its descendants (default: the province; an OPD admin's own unit)",
    ),
]


@router.get(
    "/reports/competency-gaps",
    response_model=CompetencyGapReport,
    responses=problem_responses(404),
)
async def reports_competency_gaps(
    session: SessionDep, principal: GapReader, unit_id: UnitFilter = None
) -> Response:
    """Per competency: active ASN required to have it, assessed, below standard and the mean gap.

    Counts the ASN of the unit and all its descendants against their position standard, using each
    one's level from the latest assessment that rated the competency.
    """
    report = await reports.gap_report(session, principal, unit_id)
    return Response(report.model_dump_json(), media_type="application/json")


@router.get(
    "/reports/competency-gap-matrix",
    response_model=CompetencyGapMatrix,
    responses=problem_responses(404),
)
async def reports_competency_gap_matrix(
    session: SessionDep, principal: GapReader, unit_id: UnitFilter = None
) -> Response:
    """Mean competency gap per sub-unit × competency, the heat map of where shortfalls lie.

    Rows are the unit's children (the top-level units for the province), each with its descendants;
    `direct` holds the unit's own ASN.
    """
    # Serialised here: response_model would validate the few thousand cells a second time.
    matrix = await reports.gap_matrix(session, principal, unit_id)
    return Response(matrix.model_dump_json(), media_type="application/json")
