"""Talent records over HTTP: an ASN's yearly SKP result, potential assessments and sanctions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from app.core.concurrency import IfMatchHeader, etag
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.idempotency import Created, IdempotencyDep
from app.core.pagination import PageDep
from app.talent import service
from app.talent.dependencies import (
    PerformanceAsn,
    PotentialAsn,
    SanctionAsn,
    SanctionWritableAsn,
    SanctionWriter,
    TalentWritableAsn,
    TalentWriter,
)
from app.talent.schemas import (
    DisciplinaryRecordCreate,
    DisciplinaryRecordPage,
    DisciplinaryRecordRead,
    PerformanceBody,
    PerformanceRead,
    PotentialAssessmentCreate,
    PotentialAssessmentPage,
    PotentialAssessmentRead,
)

router = APIRouter(tags=["talent"])

Year = Annotated[int, Path(ge=1950, le=2100, description="The SKP year", examples=[2025])]


@router.get(
    "/asn/{nip}/performance/{year}",
    response_model=PerformanceRead,
    responses=problem_responses(404),
)
async def performance_get(
    asn: PerformanceAsn, year: Year, session: SessionDep, response: Response
) -> PerformanceRead:
    """The ASN's SKP result of a year (an ASN reads their own)."""
    row = await service.get_performance(session, asn.nip, year)
    response.headers["ETag"] = etag(row.version)
    return service.performance_read(row)


@router.put(
    "/asn/{nip}/performance/{year}",
    response_model=PerformanceRead,
    responses={
        201: {"description": "Recorded the year's SKP result", "model": PerformanceRead},
        **problem_responses(404),
    },
)
async def performance_put(
    asn: TalentWritableAsn,
    year: Year,
    body: PerformanceBody,
    session: SessionDep,
    principal: TalentWriter,
    response: Response,
    if_match: IfMatchHeader = None,
) -> PerformanceRead:
    """Record or replace the ASN's SKP result of a year (replacing needs If-Match)."""
    row, created = await service.put_performance(session, principal, asn.nip, year, body, if_match)
    response.status_code = 201 if created else 200
    response.headers["ETag"] = etag(row.version)
    if created:
        response.headers["Location"] = f"/api/v1/asn/{asn.nip}/performance/{year}"
    return service.performance_read(row)


@router.post(
    "/asn/{nip}/potential-assessments",
    status_code=201,
    response_model=PotentialAssessmentRead,
    responses=problem_responses(404),
)
async def potential_assessments_create(
    asn: TalentWritableAsn,
    body: PotentialAssessmentCreate,
    session: SessionDep,
    principal: TalentWriter,
    idem: IdempotencyDep,
) -> Response:
    """Record an assessment of the ASN's potential (history: earlier ones stay as they are)."""

    async def create() -> Created:
        row = await service.create_potential_assessment(session, principal, asn.nip, body)
        return Created(service.potential_read(row), f"/api/v1/asn/{asn.nip}/potential-assessments")

    return await idem.once(create)


@router.get(
    "/asn/{nip}/potential-assessments",
    response_model=PotentialAssessmentPage,
    responses=problem_responses(404),
)
async def potential_assessments_list(
    asn: PotentialAsn, session: SessionDep, page: PageDep
) -> PotentialAssessmentPage:
    """The ASN's potential assessments, newest first (confidential: not shown to the ASN)."""
    items, cursor, total = await service.list_potential_assessments(session, asn.nip, page)
    return PotentialAssessmentPage(items=items, next_cursor=cursor, total=total)


@router.post(
    "/asn/{nip}/disciplinary-records",
    status_code=201,
    response_model=DisciplinaryRecordRead,
    responses=problem_responses(404),
)
async def disciplinary_records_create(
    asn: SanctionWritableAsn,
    body: DisciplinaryRecordCreate,
    session: SessionDep,
    principal: SanctionWriter,
    idem: IdempotencyDep,
) -> Response:
    """Record a disciplinary sanction of the ASN (history: earlier ones stay as they are)."""

    async def create() -> Created:
        row = await service.create_disciplinary_record(session, principal, asn.nip, body)
        return Created(service.sanction_read(row), f"/api/v1/asn/{asn.nip}/disciplinary-records")

    return await idem.once(create)


@router.get(
    "/asn/{nip}/disciplinary-records",
    response_model=DisciplinaryRecordPage,
    responses=problem_responses(404),
)
async def disciplinary_records_list(
    asn: SanctionAsn, session: SessionDep, page: PageDep
) -> DisciplinaryRecordPage:
    """The ASN's disciplinary sanctions, newest decision first (never shown to any ASN)."""
    items, cursor, total = await service.list_disciplinary_records(session, asn.nip, page)
    return DisciplinaryRecordPage(items=items, next_cursor=cursor, total=total)
