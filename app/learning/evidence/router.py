from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from anyio import to_thread
from fastapi import APIRouter, Depends, File, Form, Request, Response, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse
from pydantic import ValidationError

from app.core import downloads
from app.core.concurrency import etag
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.idempotency import Created, IdempotencyDep
from app.learning import service
from app.learning.dependencies import AsnForWriting, LearningWriter, ReadableRecord, WritableRecord
from app.learning.evidence import service as evidence
from app.learning.flooding import ClaimQuota
from app.learning.schemas import RecordCreate, RecordRead

router = APIRouter(tags=["learning"])


async def _evidence_dir(request: Request) -> Path:
    return evidence.evidence_root(request.app.state.settings)


EvidenceDir = Annotated[Path, Depends(_evidence_dir)]

_UPLOAD_ENCODING: dict[str, Any] = {
    "requestBody": {
        "content": {
            "multipart/form-data": {"encoding": {"file": {"contentType": ", ".join(evidence.CONTENT_TYPES)}}}
        }
    }
}


_CREATE_ENCODING: dict[str, Any] = {
    "requestBody": {
        "content": {
            "multipart/form-data": {
                "encoding": {
                    "record": {"contentType": "application/json"},
                    "file": {"contentType": ", ".join(evidence.CONTENT_TYPES)},
                }
            }
        }
    }
}


def _binary(content_type: str) -> dict[str, Any]:
    return {"schema": {"type": "string", "format": "binary", "contentMediaType": content_type}}


@router.post(
    "/learning-records/{record_id}/evidence",
    response_model=RecordRead,
    responses={
        200: {"description": "The record, with its new evidence"},
        **problem_responses(404, 409, 413, 415),
    },
    form_limits={"max_files": 1, "max_fields": 10},
    openapi_extra=_UPLOAD_ENCODING,
)
async def learning_records_evidence_upload(
    record: WritableRecord,
    file: Annotated[
        UploadFile,
        File(description="PDF, PNG or JPEG, at most 5 MB; the type is read from the content, not the name"),
    ],
    session: SessionDep,
    principal: LearningWriter,
    root: EvidenceDir,
    response: Response,
) -> RecordRead:
    """Attach evidence (PDF, PNG or JPEG, at most 5 MB) to a pending or verified record.

    The file type is read from the content, never from the file name or the declared type.
    Uploading again replaces the record's evidence; earlier files are kept, as the ledger is append-only.
    """
    record = await evidence.upload(session, principal, record, file.file, file.filename, root)
    response.headers["ETag"] = etag(record.version)
    return service.to_read(record)


def _parse_record(text: str) -> RecordCreate:
    """The `record` part as the JSON create's body, its errors located under body.record like a
    JSON body's under body, so a form maps them to its fields the same way."""
    try:
        return RecordCreate.model_validate_json(text)
    except ValidationError as exc:
        raise RequestValidationError(
            [{**error, "loc": ("body", "record", *error["loc"])} for error in exc.errors(include_url=False)]
        ) from exc


@router.post(
    "/asn/{nip}/learning-records/with-evidence",
    status_code=201,
    response_model=RecordRead,
    responses={
        201: {"description": "The record, with its evidence"},
        200: {"description": "The same (source, external_id) was recorded before; returned unchanged"},
        **problem_responses(404, 409, 413, 415, 429),
    },
    form_limits={"max_files": 1, "max_fields": 10},
    openapi_extra=_CREATE_ENCODING,
)
async def learning_records_create_with_evidence(
    asn: AsnForWriting,
    record: Annotated[
        str,
        Form(
            description="The record as JSON, the body of POST /asn/{nip}/learning-records",
            examples=[
                '{"title": "Seminar Kearsipan", "form_code": "9", "start_date": "2026-03-02", '
                '"end_date": "2026-03-02", "jp": 3}'
            ],
        ),
    ],
    file: Annotated[
        UploadFile,
        File(description="PDF, PNG or JPEG, at most 5 MB; the type is read from the content, not the name"),
    ],
    session: SessionDep,
    principal: LearningWriter,
    idem: IdempotencyDep,
    root: EvidenceDir,
    _quota: ClaimQuota,
) -> Response:
    """Record learning with its evidence file in one act: both are checked before anything is stored.

    A bad file (415 not a PDF, PNG or JPEG by its content; 413 over 5 MB; 422 empty) or a bad record
    stores nothing, so no claim is left waiting without the certificate it was filed with. Otherwise
    as the JSON create followed by the upload, in one transaction with their two audit rows.
    """
    data = _parse_record(record)
    await to_thread.run_sync(evidence.check, file.file)
    sha256 = await to_thread.run_sync(evidence.sha256_of, file.file)
    # Retries of one claim and file send a new multipart boundary: the claim and the file's digest
    # are the request's identity for the Idempotency-Key.
    fingerprint = b"\n".join([record.encode(), sha256.encode(), (file.filename or "").encode()])

    async def create() -> Created:
        created_record, created = await service.create(session, principal, asn, data)
        if created:
            created_record = await evidence.upload(
                session, principal, created_record, file.file, file.filename, root
            )
        return Created(
            service.to_read(created_record),
            f"/api/v1/learning-records/{created_record.id}",
            version=created_record.version,
            status_code=201 if created else 200,
        )

    return await idem.once(create, fingerprint=fingerprint)


@router.get(
    "/learning-records/{record_id}/evidence",
    response_class=FileResponse,
    responses={
        200: {
            "description": "The evidence file, as an attachment, typed as what its content is (PDF, PNG "
            "or JPEG); as application/octet-stream when Accept asks for that and not for the file's type",
            "content": {
                content_type: _binary(content_type)
                for content_type in (*evidence.CONTENT_TYPES, downloads.BYTES_MEDIA_TYPE)
            },
        },
        **problem_responses(404),
    },
)
async def learning_records_evidence_download(
    record: ReadableRecord, root: EvidenceDir, request: Request
) -> FileResponse:
    """Download a record's evidence file."""
    path = await evidence.file_for(record, root)
    return FileResponse(
        path,
        media_type=downloads.served_type(
            record.evidence_type or downloads.BYTES_MEDIA_TYPE, request.headers.get("accept")
        ),
        headers={
            "Content-Disposition": evidence.content_disposition(evidence.download_name(record)),
            "Cache-Control": "private, no-store",
            "Vary": "Accept",
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )
