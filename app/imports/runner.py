"""Running an import job: the upload checked up front, then its rows applied chunk by chunk.

Each chunk is one transaction holding the chunk's valid rows, its report lines and the job's
progress (processed, counts, heartbeat), so whatever a crash leaves behind is exactly what the
report accounts for. A job runs as the caller who uploaded it (role, unit, client scopes, own NIP
are kept on the job). A job whose worker died stops beating its heartbeat and shows as
"interrupted"; running it again resumes after the last committed chunk, and as every importer is
idempotent, even a whole re-run changes nothing twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import anyio
from sqlalchemy import insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import undefer

from app.core import audit
from app.core.config import get_settings
from app.core.errors import DomainError
from app.core.i18n import message_to_json, msg
from app.core.security import Principal, Role
from app.core.types import utcnow
from app.imports import asn, assessment_results, attendance, layouts, learning, performance, reading
from app.imports.lines import Applied, ReportLine
from app.imports.models import (
    ASN,
    ASSESSMENT_RESULTS,
    ATTENDANCE,
    ERROR,
    FAILED,
    INTERRUPTED,
    LEARNING_RECORDS,
    PERFORMANCE,
    QUEUED,
    RUNNING,
    SUCCEEDED,
    ImportJob,
    ImportRow,
)

log = logging.getLogger("bangkom.imports")

# Rows per transaction: the SIMPEG sync takes at most 5,000 profiles; a ledger chunk does more
# per row (locks, replays, duplicates, totals).
# An assessment-centre row is two records written through their services one by one.
# SKP results are written in one batch per chunk (the 9-box and IP ASN follow once per chunk).
CHUNK_ROWS = {ASN: 2500, LEARNING_RECORDS: 1000, ASSESSMENT_RESULTS: 250, PERFORMANCE: 2500}

Sessions = async_sessionmaker[AsyncSession]


def stale_after() -> timedelta:
    """How long a job may go without a heartbeat before it counts as interrupted
    (BANGKOM_IMPORT_STALE_SECONDS). A running job beats at least once per chunk, a few seconds apart."""
    return timedelta(seconds=get_settings().import_stale_seconds)


def status_of(job: ImportJob, now: datetime | None = None) -> str:
    """The job's status as callers see it: a queued or running job without a heartbeat is interrupted."""
    beat = job.heartbeat_at
    if job.status in (QUEUED, RUNNING) and beat is not None and beat < (now or utcnow()) - stale_after():
        return INTERRUPTED
    return job.status


def stale_condition(now: datetime) -> Any:
    return ImportJob.status.in_((QUEUED, RUNNING)) & (ImportJob.heartbeat_at < now - stale_after())


def principal_of(job: ImportJob) -> Principal:
    return Principal(
        subject=job.created_by,
        role=Role(job.role),
        unit_id=job.unit_id,
        nip=job.nip,
        scopes=frozenset((job.scopes or "").split()),
    )


# -- submitting --------------------------------------------------------------------------------------


async def check_upload(
    content: bytes, kind: str, session: AsyncSession | None = None
) -> tuple[str, dict[str, Any]]:
    """The file's format and what the job notes about it; raises what is wrong with the file.
    (An assessment-centre sheet's columns are read against the competency dictionary: `session`.)"""
    file_format = reading.sniff(content)
    if kind == ATTENDANCE:
        await anyio.to_thread.run_sync(attendance.check_report, content)
        return file_format, {}
    table = await anyio.to_thread.run_sync(lambda: reading.read(content, file_format, header_only=True))
    if kind == ASSESSMENT_RESULTS:
        assert session is not None
        mapping = (await assessment_results.columns(session, table.header)).mapping
    else:
        mapping = layouts.match(layouts.LAYOUTS[kind], table.header)
    if not table.rows:
        raise reading.EmptyFile("The file has a header row but no data rows")
    notes: dict[str, Any] = {}
    if mapping.ignored:
        notes["ignored_columns"] = list(mapping.ignored)
    if table.encoding is not None:
        notes["encoding"] = table.encoding
    return file_format, notes


async def submit(
    session: AsyncSession,
    principal: Principal,
    kind: str,
    filename: str,
    content: bytes,
    options: dict[str, Any] | None = None,
) -> ImportJob:
    """A queued job for an upload that passed the cheap checks (format, size, encoding, header)."""
    file_format, notes = await check_upload(content, kind, session)
    if kind == ATTENDANCE:
        options = await attendance.check_options(session, principal, options or {})
    now = utcnow()
    job = ImportJob(
        kind=kind,
        status=QUEUED,
        filename=filename,
        file_format=file_format,
        content=content,
        options=options or {},
        processed=0,
        created=0,
        updated=0,
        unchanged=0,
        failed=0,
        summary=notes,
        created_by=principal.actor,
        role=principal.role.value,
        unit_id=principal.unit_id,
        nip=principal.nip,
        scopes=" ".join(sorted(principal.scopes)) or None,
        created_at=now,
        heartbeat_at=now,
        runs=0,
    )
    session.add(job)
    await session.flush()
    audit.record(
        session,
        principal,
        "create",
        "import_job",
        job.id,
        after={"kind": kind, "filename": filename, "format": file_format, "bytes": len(content)},
    )
    return job


class NotRetryable(DomainError):
    status = 409
    code = "import_not_retryable"


async def requeue(session: AsyncSession, principal: Principal, job: ImportJob) -> ImportJob:
    """Queue a failed or interrupted job to run again from its last committed chunk."""
    now = utcnow()
    shown = status_of(job, now)
    result = await session.execute(
        update(ImportJob)
        .where(ImportJob.id == job.id, or_(ImportJob.status == FAILED, stale_condition(now)))
        .values(status=QUEUED, heartbeat_at=now, finished_at=None, message=None, message_data=None)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise NotRetryable(
            msg(
                "Import {job_id} is {status}; only failed or interrupted imports can be retried",
                job_id=job.id,
                status=shown,
            )
        )
    audit.record(
        session,
        principal,
        "retry",
        "import_job",
        job.id,
        before={"status": shown, "processed": job.processed},
        after={"status": QUEUED},
    )
    await session.refresh(job)
    return job


# -- running -----------------------------------------------------------------------------------------


@dataclass(slots=True)
class Progress:
    processed: int
    total: int
    created: int
    updated: int
    unchanged: int
    failed: int


ProgressHook = Callable[[Progress], None]


@dataclass(slots=True)
class _Run:
    job_id: int
    run: int
    kind: str
    file_format: str
    content: bytes
    options: dict[str, Any]
    principal: Principal
    progress: Progress


class _Superseded(Exception):
    """Another worker took the job over (this one was thought dead); stop without writing."""


async def run(sessions: Sessions, job_id: int, on_progress: ProgressHook | None = None) -> None:
    """Run a queued job to its end; never raises (a failure is recorded on the job)."""
    current: _Run | None = None
    try:
        current = await _claim(sessions, job_id)
        if current is None:
            return
        if current.kind == ATTENDANCE:
            await _run_attendance(sessions, current)
        else:
            await _run_rows(sessions, current, on_progress)
    except _Superseded:
        log.warning("import job %s was taken over by another worker", job_id)
    except DomainError as exc:
        if current is not None:
            await _finish(sessions, current, FAILED, exc.detail)
    except Exception:
        log.exception("import job %s stopped", job_id)
        if current is not None:
            at = current.progress.processed
            await _finish(
                sessions,
                current,
                FAILED,
                msg(
                    "The import stopped unexpectedly after {rows} rows; the rows after those were not "
                    "written. Retry it to continue.",
                    rows=at,
                ),
            )


async def _claim(sessions: Sessions, job_id: int) -> _Run | None:
    async with sessions() as session, session.begin():
        now = utcnow()
        result = await session.execute(
            update(ImportJob)
            .where(ImportJob.id == job_id, ImportJob.status == QUEUED)
            .values(status=RUNNING, heartbeat_at=now, runs=ImportJob.runs + 1)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            return None  # another worker has it, or it is not queued any more
        job = (
            await session.execute(
                select(ImportJob)
                .where(ImportJob.id == job_id)
                .options(undefer(ImportJob.content))
                .execution_options(populate_existing=True)
            )
        ).scalar_one()
        if job.started_at is None:
            job.started_at = now
        return _Run(
            job.id,
            job.runs,
            job.kind,
            job.file_format,
            job.content,
            dict(job.options or {}),
            principal_of(job),
            Progress(job.processed, job.total or 0, job.created, job.updated, job.unchanged, job.failed),
        )


async def _touch(session: AsyncSession, current: _Run, **values: Any) -> None:
    """Beat the heartbeat (and set `values`) unless another worker has taken the job over."""
    result = await session.execute(
        update(ImportJob)
        .where(ImportJob.id == current.job_id, ImportJob.runs == current.run, ImportJob.status == RUNNING)
        .values(heartbeat_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise _Superseded


async def _store_lines(session: AsyncSession, job_id: int, lines: list[ReportLine]) -> None:
    if lines:
        await session.execute(
            insert(ImportRow),
            [
                {
                    "job_id": job_id,
                    "row": line.row,
                    "outcome": line.outcome,
                    "nip": line.nip[:32] if line.nip else None,
                    "name": line.name[:200] if line.name else None,
                    "code": line.code[:40] if line.code else None,
                    "field": line.field[:60] if line.field else None,
                    "detail": str(line.detail) if line.detail is not None else None,
                    "message": line.stored_message(),
                    "data": line.data,
                }
                for line in lines
            ],
        )


async def _run_rows(sessions: Sessions, current: _Run, on_progress: ProgressHook | None) -> None:
    kind, progress = current.kind, current.progress
    table = await anyio.to_thread.run_sync(reading.read, current.content, current.file_format)
    columns: assessment_results.Columns | None = None
    if kind == ASSESSMENT_RESULTS:
        async with sessions() as session:
            columns = await assessment_results.columns(session, table.header)
        mapping = columns.mapping
    else:
        mapping = layouts.match(layouts.LAYOUTS[kind], table.header)
    progress.total = len(table.rows)
    async with sessions() as session, session.begin():
        await _touch(session, current, total=progress.total)
    if on_progress is not None:
        on_progress(progress)
    seen: dict[Any, int] = {}
    if progress.processed:  # resuming: rows before `processed` were applied by an earlier run
        done = [layouts.parse_row(mapping, n, cells) for n, cells in table.rows[: progress.processed]]
        if columns is not None:
            assessment_results.first_rows(columns, done, seen)
        elif kind == PERFORMANCE:
            performance.first_rows(done, seen)
        else:
            (asn.first_rows if kind == ASN else learning.first_rows)(done, seen)
    size = CHUNK_ROWS[kind]
    for start in range(progress.processed, progress.total, size):
        rows = [layouts.parse_row(mapping, n, cells) for n, cells in table.rows[start : start + size]]
        async with sessions() as session, session.begin():
            await _touch(session, current)
            if kind == ASN:
                applied = await asn.apply(session, current.principal, rows, seen)
            elif columns is not None:
                applied = await assessment_results.apply(session, current.principal, columns, rows, seen)
            elif kind == PERFORMANCE:
                applied = await performance.apply(session, current.principal, rows, seen)
            else:
                applied = await learning.apply(session, current.principal, rows, seen, job_id=current.job_id)
            await _store_lines(session, current.job_id, applied.lines)
            await _advance(session, current, len(rows), applied)
        _count(progress, len(rows), applied)
        if on_progress is not None:
            on_progress(progress)
    await _finish(sessions, current, SUCCEEDED, None)


async def _advance(session: AsyncSession, current: _Run, rows: int, applied: Applied) -> None:
    j = ImportJob
    await session.execute(
        update(j)
        .where(j.id == current.job_id)
        .values(
            processed=j.processed + rows,
            created=j.created + applied.created,
            updated=j.updated + applied.updated,
            unchanged=j.unchanged + applied.unchanged,
            failed=j.failed + sum(1 for line in applied.lines if line.outcome == ERROR),
            heartbeat_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )


def _count(progress: Progress, rows: int, applied: Applied) -> None:
    progress.processed += rows
    progress.created += applied.created
    progress.updated += applied.updated
    progress.unchanged += applied.unchanged
    progress.failed += sum(1 for line in applied.lines if line.outcome == ERROR)


async def _run_attendance(sessions: Sessions, current: _Run) -> None:
    """A participant report is small: read, matched and recorded in one transaction."""
    async with sessions() as session, session.begin():
        await _touch(session, current)
        outcome = await attendance.run(session, current.principal, current.options, current.content)
        await _store_lines(session, current.job_id, outcome.lines)
        failed = sum(1 for line in outcome.lines if line.outcome == ERROR)
        await _touch(
            session,
            current,
            total=outcome.total,
            processed=outcome.total,
            created=outcome.created,
            unchanged=outcome.unchanged,
            failed=failed,
            summary=dict(outcome.summary),
        )
        current.progress = Progress(
            outcome.total, outcome.total, outcome.created, 0, outcome.unchanged, failed
        )
    await _finish(sessions, current, SUCCEEDED, None)


async def _finish(sessions: Sessions, current: _Run, status: str, message: str | None) -> None:
    try:
        async with sessions() as session, session.begin():
            now = utcnow()
            await _touch(
                session,
                current,
                status=status,
                message=str(message) if message is not None else None,
                message_data=message_to_json(message) if message is not None else None,
                finished_at=now,
            )
            job = (
                await session.execute(
                    select(ImportJob)
                    .where(ImportJob.id == current.job_id)
                    .execution_options(populate_existing=True)
                )
            ).scalar_one()
            audit.record(
                session,
                current.principal,
                "finish",
                "import_job",
                job.id,
                after={
                    "status": status,
                    "total": job.total,
                    "processed": job.processed,
                    "created": job.created,
                    "updated": job.updated,
                    "unchanged": job.unchanged,
                    "failed": job.failed,
                    "message": str(message) if message is not None else None,
                },
            )
    except _Superseded:
        log.warning("import job %s was taken over by another worker", current.job_id)
    except Exception:
        # The database is likely gone; the job stays "running" until its heartbeat is stale, and
        # then shows as interrupted.
        log.exception("import job %s: its end could not be recorded", current.job_id)
