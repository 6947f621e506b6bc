"""The Indeks Profesionalitas ASN over HTTP: one PNS's year, the report per unit, and its spreadsheet."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from app.asn import service as asn_service
from app.asn.dependencies import NipPath
from app.asn.models import Asn
from app.auth.dependencies import ANY_USER, allow
from app.core import downloads
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.security import Principal, Role
from app.talent.dependencies import SANCTION_READERS
from app.talent.ip import exports, service
from app.talent.ip.schemas import IpAsnRead, IpAsnReport

router = APIRouter(tags=["talent"])

# An ASN reads their own; OPD admins in scope, BPSDM, the auditor, clients with talent:read.
IpAsnReader = Annotated[Principal, Depends(allow(*ANY_USER, scope="talent:read"))]
IpAsnReportReader = Annotated[
    Principal,
    Depends(allow(Role.opd_admin, Role.bpsdm_admin, Role.auditor, scope="talent:read")),
]
Year = Annotated[
    int | None, Query(ge=1950, le=2100, description="Calendar year; the current year when omitted")
]
UnitFilter = Annotated[
    int | None,
    Query(
        ge=1,
        le=2**31 - 1,
        description="This unit and its descendants (default: the province; an OPD admin's own unit)",
    ),
]


async def asn_for_ip_asn(nip: NipPath, session: SessionDep, principal: IpAsnReader) -> Asn:
    return await asn_service.get_in_scope(session, principal, nip)


IpAsnAsn = Annotated[Asn, Depends(asn_for_ip_asn)]


@router.get(
    "/asn/{nip}/ip-asn",
    response_model=IpAsnRead,
    responses=problem_responses(404, 422),
)
async def ip_asn_get(
    asn: IpAsnAsn, session: SessionDep, principal: IpAsnReader, year: Year = None
) -> IpAsnRead:
    """The PNS's Indeks Profesionalitas ASN of a year, each point with its evidence, and what to do next.

    From the profile's education level, the position's jenis jabatan, the verified learning records
    (by form and JP), the year's SKP result and the sanctions in force at the year's end, under the
    year's `ip_asn_rules`. A PPPK is not measured (422 `ip_asn_not_applicable`). An ASN reads their own.
    """
    # Sanctions are for BPSDM, the auditor and OPD admins only: others see the disiplin points, not
    # which record or level they come from.
    sees_sanctions = principal.role in SANCTION_READERS
    return await service.ip_asn_of(session, asn, year or date.today().year, sees_sanctions=sees_sanctions)


@router.get(
    "/reports/ip-asn",
    response_model=IpAsnReport,
    responses=problem_responses(404),
)
async def reports_ip_asn(
    session: SessionDep, principal: IpAsnReportReader, year: Year = None, unit_id: UnitFilter = None
) -> Response:
    """The IP ASN of the active PNS/CPNS per unit: headcount, mean and the five categories.

    Rows are the unit's children (the top-level units for the province), each with its descendants;
    `direct` holds the unit's own ASN. Without `unit_id` an OPD admin gets its own subtree.
    """
    report = await service.report(session, principal, year or date.today().year, unit_id)
    return Response(report.model_dump_json(), media_type="application/json")


@router.get(
    "/exports/ip-asn",
    response_class=Response,
    responses=exports.FILE_RESPONSES,
)
async def exports_ip_asn(
    request: Request,
    session: SessionDep,
    principal: IpAsnReportReader,
    year: Year = None,
    unit_id: UnitFilter = None,
    fmt: exports.FormatQuery = downloads.ExportFormat.xlsx,
) -> Response:
    """The IP ASN report as a spreadsheet: one row per active PNS/CPNS with the four dimensions, and
    the per-unit summary (Ringkasan Unit) of `GET /reports/ip-asn`."""
    export = await exports.ip_asn_export(session, principal, year or date.today().year, unit_id)
    return await exports.send(request, session, export, fmt)
