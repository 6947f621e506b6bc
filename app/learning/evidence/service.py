"""Evidence files of learning records: type sniffed from content, content-addressed storage.

A file is stored under the evidence directory by its SHA-256 (`ab/cd/<sha256>`), never by any part
of the name the uploader gave; that name is kept only as sanitised metadata. Files are never removed:
re-uploading points the record at a new file and the old one stays, as the ledger is append-only.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import unicodedata
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import quote

from anyio import to_thread
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import audit
from app.core.config import Settings
from app.core.errors import DomainError, NotFound, PayloadTooLarge, Unprocessable
from app.core.i18n import msg
from app.core.security import Principal, Role
from app.core.types import utcnow
from app.learning.models import LIVE_STATUSES, PENDING, LearningEvent, LearningRecord
from app.learning.service import InvalidTransition

log = logging.getLogger("bangkom.evidence")

MAX_EVIDENCE_BYTES = 5 * 1024 * 1024
MAX_NAME_LENGTH = 200
# Magic numbers at offset 0; the declared Content-Type and the file name are never trusted.
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
)
_HEAD = max(len(magic) for magic, _ in SIGNATURES)
CONTENT_TYPES = tuple(content_type for _, content_type in SIGNATURES)
EXTENSIONS = {"application/pdf": (".pdf",), "image/png": (".png",), "image/jpeg": (".jpg", ".jpeg")}
_KNOWN_SUFFIXES = frozenset(s for suffixes in EXTENSIONS.values() for s in suffixes)
_KEY = re.compile(r"^[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{64}$")
_CHUNK = 1024 * 1024


class EvidenceTooLarge(PayloadTooLarge):
    code = "evidence_too_large"


class UnsupportedEvidenceType(DomainError):
    status = 415
    code = "unsupported_evidence_type"


class EmptyEvidence(Unprocessable):
    code = "evidence_empty"


class EvidenceNotFound(NotFound):
    code = "evidence_not_found"


@dataclass(frozen=True, slots=True)
class StoredFile:
    key: str
    content_type: str
    size: int
    sha256: str


def evidence_root(settings: Settings) -> Path:
    return settings.evidence_dir or settings.data_dir / "evidence"


def sniff(head: bytes) -> str | None:
    """The content type the bytes really are, among those accepted as evidence."""
    for magic, content_type in SIGNATURES:
        if head.startswith(magic):
            return content_type
    return None


def _fsync_dir(path: Path) -> None:
    # Makes the rename itself durable; not every platform can open a directory.
    with suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def check(source: BinaryIO) -> str:
    """The content type of an acceptable evidence file; 422 when empty, 413 too large, 415 otherwise
    not a PDF, PNG or JPEG. Writes nothing, so a claim filed with its file can be refused whole."""
    source.seek(0, os.SEEK_END)
    size = source.tell()
    if size == 0:
        raise EmptyEvidence("The evidence file is empty")
    if size > MAX_EVIDENCE_BYTES:
        raise EvidenceTooLarge(
            msg(
                "Evidence files are at most {limit} bytes (5 MB); this is {size}",
                limit=MAX_EVIDENCE_BYTES,
                size=size,
            )
        )
    source.seek(0)
    content_type = sniff(source.read(_HEAD))
    if content_type is None:
        raise UnsupportedEvidenceType("Evidence must be a PDF, PNG or JPEG file (judged by its content)")
    source.seek(0)
    return content_type


def sha256_of(source: BinaryIO) -> str:
    """The file's SHA-256 (hex), read in chunks; blocking. Leaves the file at its start."""
    source.seek(0)
    digest = hashlib.sha256()
    while chunk := source.read(_CHUNK):
        digest.update(chunk)
    source.seek(0)
    return digest.hexdigest()


def store(source: BinaryIO, root: Path) -> StoredFile:
    """Check and write an uploaded file atomically (temp file, fsync, rename); blocking."""
    content_type = check(source)
    staging = root / "tmp"
    staging.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=staging, prefix="upload-")
    digest = hashlib.sha256()
    written = 0
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := source.read(_CHUNK):
                written += len(chunk)
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        sha256 = digest.hexdigest()
        key = f"{sha256[:2]}/{sha256[2:4]}/{sha256}"
        target = root / key
        target.parent.mkdir(parents=True, exist_ok=True)
        # The same content always lands on the same name, so replacing an existing copy is harmless.
        os.replace(tmp_name, target)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    _fsync_dir(target.parent)
    return StoredFile(key=key, content_type=content_type, size=written, sha256=sha256)


def path_for(root: Path, key: str) -> Path:
    if not _KEY.fullmatch(key):
        raise ValueError(msg("not an evidence key: {key!r}", key=key))
    return root / key


def clean_filename(name: str | None) -> str | None:
    """The uploader's file name as metadata: last path segment, no control or format characters."""
    if not name:
        return None
    name = re.split(r"[\\/]", unicodedata.normalize("NFC", name))[-1]
    # Category C covers control, format (e.g. right-to-left overrides), surrogate and unassigned.
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    name = " ".join(name.split()).strip(" .")
    return name[:MAX_NAME_LENGTH].rstrip(" .") or None


def download_name(record: LearningRecord) -> str:
    """The name to save as: the uploader's, with the extension the content really has."""
    content_type = record.evidence_type or ""
    suffixes = EXTENSIONS.get(content_type, ("",))
    name = record.evidence_name or f"evidence-{record.id}"
    stem, suffix = os.path.splitext(name)
    if suffix.lower() in suffixes:
        return name
    return (stem if suffix.lower() in _KNOWN_SUFFIXES else name) + suffixes[0]


def content_disposition(name: str) -> str:
    """`attachment` with an ASCII fallback name and the exact name in RFC 5987 form."""
    stem, suffix = os.path.splitext(name)
    ascii_stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    ascii_stem = re.sub(r"[^A-Za-z0-9._()\- ]+", "_", ascii_stem).strip(" ._") or "evidence"
    ascii_suffix = suffix if re.fullmatch(r"\.[A-Za-z0-9]{1,8}", suffix) else ""
    return f"attachment; filename=\"{ascii_stem}{ascii_suffix}\"; filename*=UTF-8''{quote(name, safe='')}"


def _info(record: LearningRecord) -> dict[str, Any] | None:
    if not record.evidence_key:
        return None
    return {
        "content_type": record.evidence_type,
        "size": record.evidence_size,
        "sha256": record.evidence_sha256,
    }


async def upload(
    session: AsyncSession,
    principal: Principal,
    record: LearningRecord,
    source: BinaryIO,
    filename: str | None,
    root: Path,
) -> LearningRecord:
    """Attach a file to a live record (replacing the reference, keeping the old file)."""
    if record.status not in LIVE_STATUSES:
        raise InvalidTransition(
            msg(
                "Evidence can be attached only to pending or verified records; this record is {status}",
                status=record.status,
            )
        )
    if principal.role is Role.asn and record.status != PENDING:
        # The file a verifier approved must stay the file on record; admins may still replace it.
        raise InvalidTransition("Evidence of a verified record can be replaced only by an admin")
    stored = await to_thread.run_sync(store, source, root)
    before = _info(record)
    record.evidence_key = stored.key
    record.evidence_type = stored.content_type
    record.evidence_size = stored.size
    record.evidence_sha256 = stored.sha256
    record.evidence_name = clean_filename(filename)
    await session.flush()
    after = _info(record)
    session.add(
        LearningEvent(
            record_id=record.id,
            at=utcnow(),
            actor=principal.actor,
            role=principal.role.value,
            action="evidence_uploaded",
            from_status=record.status,
            to_status=record.status,
            note=record.evidence_name,
            data=after,
        )
    )
    audit.record(
        session, principal, "evidence_upload", "learning_record", record.id, before=before, after=after
    )
    return record


def _existing_file(root: Path, key: str) -> Path | None:
    path = path_for(root, key)
    return path if path.is_file() else None


async def file_for(record: LearningRecord, root: Path) -> Path:
    """The stored evidence file of a record (404 when there is none)."""
    if not record.evidence_key:
        raise EvidenceNotFound(msg("Learning record {id} has no evidence", id=record.id))
    path = await to_thread.run_sync(_existing_file, root, record.evidence_key)
    if path is None:
        log.error("evidence file %s of learning record %s is missing", record.evidence_key, record.id)
        raise EvidenceNotFound(
            msg("The evidence file of learning record {id} is missing from storage", id=record.id)
        )
    return path
