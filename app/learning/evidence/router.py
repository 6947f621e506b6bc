from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Request, Response, UploadFile
from fastapi.responses import FileResponse

from app.core.concurrency import etag
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.learning import service
from app.learning.dependencies import LearningWriter, ReadableRecord, WritableRecord
from app.learning.evidence import service as evidence
from app.learning.schemas import RecordRead

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


def _binary(content_type: str) -> dict[str, Any]:
    return {"schema": {"type": "string", "format": "binary", "contentMediaType": content_type}}


# Client generators turn a response into bytes only for media types they know as binary
# (openapi-python-client knows application/octet-stream, not PDF or images), so the download is also
# offered as plain bytes, to callers whose Accept asks for that and none of the file's own type.
_BYTES = "application/octet-stream"


def _served_type(stored: str, accept: str | None) -> str:
    ranges: dict[str, float] = {}
    for part in (accept or "*/*").split(","):
        media, *params = (p.strip() for p in part.split(";"))
        weight = next((p[2:] for p in params if p.lower().startswith("q=")), "1")
        try:
            ranges[media.lower()] = float(weight)
        except ValueError:
            ranges[media.lower()] = 0.0
    kind = stored.split("/")[0]
    if any(ranges.get(media, 0) > 0 for media in (stored, f"{kind}/*", "*/*")):
        return stored
    return _BYTES if ranges.get(_BYTES, 0) > 0 else stored


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


@router.get(
    "/learning-records/{record_id}/evidence",
    response_class=FileResponse,
    responses={
        200: {
            "description": "The evidence file, as an attachment, typed as what its content is (PDF, PNG "
            "or JPEG); as application/octet-stream when Accept asks for that and not for the file's type",
            "content": {
                content_type: _binary(content_type) for content_type in (*evidence.CONTENT_TYPES, _BYTES)
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
        media_type=_served_type(record.evidence_type or _BYTES, request.headers.get("accept")),
        headers={
            "Content-Disposition": evidence.content_disposition(evidence.download_name(record)),
            "Cache-Control": "private, no-store",
            "Vary": "Accept",
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )
