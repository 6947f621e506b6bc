"""Who sees which import jobs, and a job as the API shows it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, not_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import NotFound
from app.core.i18n import msg
from app.core.security import Principal, Role
from app.core.types import utcnow
from app.imports import runner
from app.imports.lines import answered
from app.imports.models import ERROR, INTERRUPTED, QUEUED, RUNNING, ImportJob, ImportRow
from app.imports.schemas import ImportJobRead, ImportKind, JobStatus, ReportLineRead

INLINE_ERRORS = 100


class ImportJobNotFound(NotFound):
    code = "import_job_not_found"


def visible(principal: Principal) -> Any:
    """BPSDM admins and auditors see every job; anyone else the jobs they uploaded."""
    if principal.role in (Role.bpsdm_admin, Role.auditor):
        return None
    return ImportJob.created_by == principal.subject


async def get_visible(session: AsyncSession, principal: Principal, job_id: int) -> ImportJob:
    stmt = select(ImportJob).where(ImportJob.id == job_id)
    condition = visible(principal)
    if condition is not None:
        stmt = stmt.where(condition)
    job = (await session.execute(stmt.execution_options(populate_existing=True))).scalar_one_or_none()
    if job is None:
        raise ImportJobNotFound(msg("No import job {job_id} of yours", job_id=job_id))
    return job


def list_query(principal: Principal, kind: str | None, status: str | None, now: datetime) -> Select[Any]:
    stmt = select(ImportJob)
    condition = visible(principal)
    if condition is not None:
        stmt = stmt.where(condition)
    if kind is not None:
        stmt = stmt.where(ImportJob.kind == kind)
    if status == INTERRUPTED:
        stmt = stmt.where(runner.stale_condition(now))
    elif status in (QUEUED, RUNNING):
        stmt = stmt.where(ImportJob.status == status, not_(runner.stale_condition(now)))
    elif status is not None:
        stmt = stmt.where(ImportJob.status == status)
    return stmt


async def first_errors(session: AsyncSession, job_ids: list[int]) -> dict[int, list[ImportRow]]:
    """Each job's first rejected rows, in row order."""
    out: dict[int, list[ImportRow]] = {job_id: [] for job_id in job_ids}
    for job_id in job_ids:
        rows = await session.execute(
            select(ImportRow)
            .where(and_(ImportRow.job_id == job_id, ImportRow.outcome == ERROR))
            .order_by(ImportRow.row, ImportRow.id)
            .limit(INLINE_ERRORS)
        )
        out[job_id] = list(rows.scalars())
    return out


def _line(row: ImportRow) -> ReportLineRead:
    line = ReportLineRead.model_validate(row)
    line.detail = answered(row.message, row.detail)
    return line


def to_read(job: ImportJob, errors: list[ImportRow], now: datetime | None = None) -> ImportJobRead:
    """The job as the API shows it, its messages in the request's language."""
    return ImportJobRead(
        id=job.id,
        kind=ImportKind(job.kind),
        status=JobStatus(runner.status_of(job, now or utcnow())),
        filename=job.filename,
        total=job.total,
        processed=job.processed,
        created=job.created,
        updated=job.updated,
        unchanged=job.unchanged,
        failed=job.failed,
        errors=[_line(e) for e in errors],
        summary=dict(job.summary or {}),
        message=answered(job.message_data, job.message),
        created_by=job.created_by,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        report_url=f"/api/v1/imports/{job.id}/report",
    )


async def read(session: AsyncSession, job: ImportJob) -> ImportJobRead:
    return to_read(job, (await first_errors(session, [job.id]))[job.id])
