"""A certificate BPSDM issued, as the printable PDF its holder keeps (A4 landscape, with a QR code)."""

from __future__ import annotations

from typing import Annotated

import anyio
from fastapi import APIRouter, Depends, Request, Response

from app.auth.dependencies import ANY_USER, allow
from app.core import downloads
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.security import Principal
from app.exports import certificate_pdf, pdf
from app.planning.certificates import service as certificates
from app.planning.certificates.router import NumberPath

router = APIRouter(tags=["exports"])

# Who may read the holder: the ASN itself, its OPD admins, BPSDM, auditors (404 outside the scope).
HolderReader = Annotated[Principal, Depends(allow(*ANY_USER, scope="asn:read"))]

BINARY = {"schema": {"type": "string", "format": "binary"}}


@router.get(
    "/certificates/{number}/pdf",
    response_class=Response,
    responses={
        200: {
            "description": "The certificate, one A4 landscape page",
            "headers": {
                "Content-Disposition": {
                    "description": 'attachment; filename="sertifikat-….pdf"',
                    "schema": {"type": "string"},
                }
            },
            "content": {pdf.PDF_MEDIA_TYPE: BINARY, downloads.BYTES_MEDIA_TYPE: BINARY},
        },
        **problem_responses(404, 409),
    },
)
async def certificates_pdf(
    number: NumberPath, request: Request, session: SessionDep, principal: HolderReader
) -> Response:
    """A certificate as a PDF to print: holder, NIP, course, dates, JP and a QR code of its public check.

    Who may fetch it is who may read the holder (`GET /asn/{nip}`; 404 outside the caller's scope).
    The QR code and the address printed beside it lead to `/sertifikat/{number}` on BANGKOM_PUBLIC_URL
    (or on the address this request came to). A revoked certificate (its learning record voided) is
    409 `certificate_revoked`.
    """
    read = await certificates.for_holder(session, principal, number)
    base = request.app.state.settings.public_url or str(request.base_url)
    facts = certificate_pdf.CertificateFacts(
        number=read.number,
        nip=read.nip,
        name=read.name,
        course_title=read.course_title,
        batch=read.batch,
        starts_on=read.starts_on,
        ends_on=read.ends_on,
        jp=read.jp,
        issued_on=read.issued_on,
        verification_url=certificate_pdf.verification_url(base, read.number),
    )
    body = await anyio.to_thread.run_sync(certificate_pdf.certificate, facts)
    return Response(
        body,
        media_type=downloads.served_type(pdf.PDF_MEDIA_TYPE, request.headers.get("accept")),
        headers={
            "Cache-Control": "no-store",
            "Content-Disposition": f'attachment; filename="sertifikat-{read.number}.pdf"',
        },
    )
