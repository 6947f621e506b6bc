"""Certificates BPSDM issues, and their public check."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response

from app.asn.dependencies import ReadableAsn
from app.auth.dependencies import allow
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.idempotency import IdempotencyDep
from app.core.pagination import PageDep, paginate
from app.core.params import IdPath
from app.core.security import Principal, Role
from app.planning.certificates import service
from app.planning.certificates.schemas import NUMBER_EXAMPLE, CertificatePage, IssueResult, PublicCertificate
from app.planning.models import Certificate

router = APIRouter(tags=["sessions"])

SessionId = Annotated[IdPath, Path(description="Course session id")]
NumberPath = Annotated[
    str,
    Path(
        min_length=1,
        max_length=100,
        description="The certificate number as printed (letters in any case)",
        examples=[NUMBER_EXAMPLE],
    ),
]
Issuer = Annotated[Principal, Depends(allow(Role.bpsdm_admin))]
SessionReader = Annotated[Principal, Depends(allow(Role.bpsdm_admin, Role.auditor, Role.opd_admin))]


@router.post(
    "/course-sessions/{session_id}/certificates",
    response_model=IssueResult,
    responses=problem_responses(404),
)
async def certificates_issue(
    session_id: SessionId, session: SessionDep, principal: Issuer, idem: IdempotencyDep
) -> Response:
    """Issue a numbered certificate to each credited participant of the session who has none yet.

    A participant is credited once attendance created their verified learning record; one whose record
    was voided gets none. Numbers run on per session (`sequence` 1, 2, 3, … without gaps, also when two
    requests issue at once), new ones in the order of the holders' names. Sending it again issues
    nothing new: `issued` is empty and `already_issued` counts what the session had. No body. A retry
    with the same `Idempotency-Key` returns the first response.
    """
    if (replay := await idem.replay()) is not None:
        return replay
    result = await service.issue(session, principal, session_id)
    return await idem.respond(200, result, {})


@router.get(
    "/course-sessions/{session_id}/certificates",
    response_model=CertificatePage,
    responses=problem_responses(404),
)
async def certificates_list(
    session_id: SessionId, session: SessionDep, principal: SessionReader, page: PageDep
) -> CertificatePage:
    """The certificates of a session in sequence order (an OPD admin sees its own units' ASN only)."""
    stmt = service.session_list_query(principal, session_id)
    # The cursor is judged first: a forged one is 422 `invalid_cursor` whatever the session.
    rows, cursor, total = await paginate(session, stmt, [Certificate.sequence, Certificate.id], page)
    await service.get_session(session, session_id)
    return CertificatePage(items=await service.read_many(session, rows), next_cursor=cursor, total=total)


@router.get(
    "/asn/{nip}/certificates",
    response_model=CertificatePage,
    responses=problem_responses(404),
)
async def asn_certificates_list(asn: ReadableAsn, session: SessionDep, page: PageDep) -> CertificatePage:
    """An ASN's certificates, newest first."""
    rows, cursor, total = await paginate(
        session, service.asn_list_query(asn.nip), [Certificate.id], page, descending=True
    )
    return CertificatePage(items=await service.read_many(session, rows), next_cursor=cursor, total=total)


@router.get(
    "/public/certificates/{number}",
    response_model=PublicCertificate,
    responses=problem_responses(404),
)
async def public_certificates_get(number: NumberPath, session: SessionDep) -> PublicCertificate:
    """Check a certificate by its number, without logging in: name, course, dates and JP only."""
    return await service.public(session, number)
