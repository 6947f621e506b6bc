"""An ASN's assessments (history) and competency gaps against the position standard."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Response

from app.asn import service as asn_service
from app.asn.dependencies import NipPath
from app.asn.models import Asn
from app.auth.dependencies import ANY_USER, allow
from app.competencies.assessments import service as assessments
from app.competencies.assessments.schemas import AssessmentCreate, AssessmentPage, AssessmentRead
from app.competencies.gaps.schemas import CompetencyGaps
from app.competencies.gaps.service import competency_gaps
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.idempotency import Created, IdempotencyDep
from app.core.pagination import PageDep
from app.core.params import BigIdPath
from app.core.security import Principal, Role
from app.core.types import latest_indonesian_date

router = APIRouter(tags=["competencies"])

AssessmentReader = Annotated[Principal, Depends(allow(*ANY_USER, scope="asn:read"))]
AssessmentWriter = Annotated[Principal, Depends(allow(Role.opd_admin, Role.bpsdm_admin, scope="asn:write"))]
AssessmentId = Annotated[BigIdPath, Path(description="Assessment id")]
Year = Annotated[
    int | None,
    Query(ge=1950, le=2100, description="Whose jpm_bands categorise the JPM; the current year when omitted"),
]


async def asn_for_reading(nip: NipPath, session: SessionDep, principal: AssessmentReader) -> Asn:
    return await asn_service.get_in_scope(session, principal, nip)


async def asn_for_writing(nip: NipPath, session: SessionDep, principal: AssessmentWriter) -> Asn:
    return await asn_service.get_in_scope(session, principal, nip)


AsnForReading = Annotated[Asn, Depends(asn_for_reading)]
AsnForWriting = Annotated[Asn, Depends(asn_for_writing)]


@router.post(
    "/asn/{nip}/assessments",
    status_code=201,
    response_model=AssessmentRead,
    responses=problem_responses(404, 409),
)
async def assessments_create(
    asn: AsnForWriting,
    body: AssessmentCreate,
    session: SessionDep,
    principal: AssessmentWriter,
    idem: IdempotencyDep,
) -> Response:
    """Record an assessment; it updates the ASN's current levels where it is the most recent rating."""

    async def create() -> Created:
        assessment = await assessments.create(session, principal, asn, body)
        return Created(assessment, f"/api/v1/assessments/{assessment.id}")

    return await idem.once(create)


@router.get(
    "/asn/{nip}/assessments",
    response_model=AssessmentPage,
    responses=problem_responses(404),
)
async def assessments_list(asn: AsnForReading, session: SessionDep, page: PageDep) -> AssessmentPage:
    """An ASN's assessments with their results, newest first."""
    items, cursor, total = await assessments.list_for(session, asn.nip, page)
    return AssessmentPage(items=items, next_cursor=cursor, total=total)


@router.get(
    "/assessments/{assessment_id}",
    response_model=AssessmentRead,
    responses=problem_responses(404),
)
async def assessments_get(
    assessment_id: AssessmentId, session: SessionDep, principal: AssessmentReader
) -> AssessmentRead:
    """One assessment with its results."""
    found = await assessments.get_in_scope(session, principal, assessment_id)
    return await assessments.to_read(session, found)


@router.get(
    "/asn/{nip}/competency-gaps",
    response_model=CompetencyGaps,
    responses=problem_responses(404),
)
async def competency_gaps_get(asn: AsnForReading, session: SessionDep, year: Year = None) -> CompetencyGaps:
    """The ASN's levels against its position standard, with Job Person Match (JPM) and its category."""
    return await competency_gaps(session, asn, year or latest_indonesian_date().year)
