from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from app.asn.dependencies import NipPath
from app.auth.dependencies import allow
from app.core.db import FastReaderDep, SessionDep
from app.core.errors import problem_responses
from app.core.pagination import PageDep, paginate
from app.core.report_cache import ReportCacheDep
from app.core.security import Principal, Role
from app.learning.dependencies import LearningReader
from app.learning.models import LearningRecord
from app.learning.reports import service as reports
from app.learning.reports.schemas import JpComplianceReport, JpSummary, QueuePage
from app.org import service as org_service
from app.reference.forms import check_form_code

router = APIRouter()

ReportReader = Annotated[
    Principal, Depends(allow(Role.opd_admin, Role.bpsdm_admin, Role.auditor, scope="learning:read"))
]
QueueReader = Annotated[Principal, Depends(allow(Role.opd_admin, Role.bpsdm_admin, Role.auditor))]


Year = Annotated[
    int | None, Query(ge=1950, le=2100, description="Calendar year; the current year when omitted")
]
UnitFilter = Annotated[
    int | None, Query(ge=1, le=2**31 - 1, description="This unit and its descendants (default: all in reach)")
]


@router.get(
    "/asn/{nip}/jp-summary",
    tags=["learning"],
    response_model=JpSummary,
    responses=problem_responses(404),
)
async def jp_summary_get(
    nip: NipPath, principal: LearningReader, reader: FastReaderDep, year: Year = None
) -> Response:
    """An ASN's verified and pending JP for a year against the minimum (PNS/CPNS) or the cap (PPPK)."""
    summary = await reports.jp_summary(reader, principal, nip, year or date.today().year)
    return Response(summary.model_dump_json(), media_type="application/json")


@router.get(
    "/reports/jp-compliance",
    tags=["reports"],
    response_model=JpComplianceReport,
    responses=problem_responses(404),
)
async def reports_jp_compliance(
    session: SessionDep,
    principal: ReportReader,
    cache: ReportCacheDep,
    year: Year = None,
    unit_id: UnitFilter = None,
) -> Response:
    """How many active PNS/CPNS reached the yearly JP minimum, per unit (descendants included).

    Without `unit_id` the rows are the top-level units (an OPD admin's: its own unit's children).
    PPPK, whose JP is capped rather than required, are reported apart under `pppk`.
    """
    body = await reports.jp_compliance_json(session, principal, year or date.today().year, unit_id, cache)
    return Response(body, media_type="application/json")


@router.get(
    "/verification-queue",
    tags=["learning"],
    response_model=QueuePage,
    responses=problem_responses(404),
)
async def verification_queue_list(
    session: SessionDep,
    principal: QueueReader,
    page: PageDep,
    unit_id: UnitFilter = None,
    form_code: Annotated[
        str | None, Query(max_length=4, description="Only claims of this learning form (SIASN jenisDiklat)")
    ] = None,
    year: Annotated[
        int | None,
        Query(
            ge=1950, le=2100, description="Only activities that ended in this year (the year their JP count)"
        ),
    ] = None,
    has_evidence: Annotated[
        bool | None, Query(description="true: only claims with a certificate file; false: only without")
    ] = None,
) -> QueuePage:
    """Pending learning claims awaiting verification in the caller's units, oldest submission first."""
    if form_code is not None:
        check_form_code(form_code)
    root = await org_service.unit_in_reach(session, principal, unit_id)
    stmt = reports.queue_query(principal, root, form_code=form_code, year=year, has_evidence=has_evidence)
    # By the time the claim was filed, not the record id: imported history and the demo insert
    # records out of submission order, and the oldest claim is the one waiting longest.
    records, cursor, total = await paginate(
        session, stmt, [LearningRecord.created_at, LearningRecord.id], page
    )
    return QueuePage(items=await reports.queue_items(session, records), next_cursor=cursor, total=total)
