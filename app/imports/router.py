"""Spreadsheet imports: upload → a job that runs after the response; follow it, download its report."""

from __future__ import annotations

import re
from typing import Annotated, Any

import anyio
from fastapi import APIRouter, BackgroundTasks, File, Form, Query, Request, Response, UploadFile
from fastapi.responses import StreamingResponse
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import downloads
from app.core.db import Database, SessionDep
from app.core.downloads import ExportFormat
from app.core.errors import problem_responses
from app.core.i18n import msg
from app.core.pagination import PageDep, paginate
from app.core.params import segment_except
from app.core.security import Principal
from app.core.spreadsheets import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE
from app.core.types import utcnow
from app.imports import assessment_results, files, runner, service
from app.imports.dependencies import (
    AsnImporter,
    JobId,
    JobReader,
    JobRetrier,
    PerformanceImporter,
    RecordImporter,
    ResultsImporter,
)
from app.imports.models import ASN, ASSESSMENT_RESULTS, ATTENDANCE, LEARNING_RECORDS, PERFORMANCE, ImportJob
from app.imports.reading import MAX_UPLOAD_BYTES, FileTooLarge
from app.imports.schemas import ImportJobPage, ImportJobRead, ImportKind, JobStatus, TemplateKind

router = APIRouter(tags=["imports"])
# `{job_id:import_job}`: GET /imports/asn is a 405 (POST only), not imports_get with job_id "asn".
segment_except("import_job", "asn", "learning-records", "attendance", "assessment-results", "performance")

_UPLOAD_HELP = (
    "CSV (UTF-8, UTF-16 or Windows-1252; `,`, `;` or tab separated) or a workbook (XLSX, XLS, XLSB or "
    "ODS; first sheet; a sheet larger than its limits is refused at upload with 422 `sheet_too_large`), "
    "at most "
    f"{MAX_UPLOAD_BYTES // (1024 * 1024)} MB; the format is read from the content, not the name"
)
_UPLOAD_ERRORS = problem_responses(404, 413)
_FORM_LIMITS: Any = {"max_files": 1, "max_fields": 10}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _accepted(description: str) -> dict[int | str, dict[str, Any]]:
    return {
        202: {
            "description": description,
            "headers": {"Location": {"description": "The job's URL", "schema": {"type": "string"}}},
        }
    }


def _filename(upload: UploadFile) -> str:
    name = (upload.filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    return " ".join(_CONTROL.sub(" ", name).split())[:255] or "upload"


async def _content(upload: UploadFile) -> bytes:
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise FileTooLarge(msg("The file is larger than {limit} MB", limit=MAX_UPLOAD_BYTES // (1024 * 1024)))
    return await upload.read()


async def _start(
    request: Request,
    background: BackgroundTasks,
    response: Response,
    session: AsyncSession,
    principal: Principal,
    kind: str,
    upload: UploadFile,
    options: dict[str, Any] | None = None,
) -> ImportJobRead:
    job = await runner.submit(session, principal, kind, _filename(upload), await _content(upload), options)
    db: Database = request.app.state.db
    background.add_task(runner.run, db.write_sessions, job.id)
    response.headers["Location"] = f"/api/v1/imports/{job.id}"
    return service.to_read(job, [])


Upload = Annotated[UploadFile, File(description=_UPLOAD_HELP)]


@router.post(
    "/imports/asn",
    status_code=202,
    response_model=ImportJobRead,
    responses={**_accepted("The job, queued; follow it at Location"), **_UPLOAD_ERRORS},
    form_limits=_FORM_LIMITS,
)
async def imports_asn(
    request: Request,
    background: BackgroundTasks,
    response: Response,
    file: Upload,
    session: SessionDep,
    principal: AsnImporter,
) -> ImportJobRead:
    """Import ASN profiles from a spreadsheet (the columns of `AsnCreate`, or the template's headers).

    Checked at once: the file (422 `unreadable_file`, `empty_file`; 413 `file_too_large`) and its header
    row (422 `missing_columns` naming the required columns it lacks: nip, name, employment_type,
    unit_id). The rows then run as a job, chunk by chunk, with the validation and merge rules of
    `POST /sync/asn`: each row is created, updated, unchanged or rejected with its row number.
    Importing the same file again changes nothing.
    """
    return await _start(request, background, response, session, principal, ASN, file)


@router.post(
    "/imports/learning-records",
    status_code=202,
    response_model=ImportJobRead,
    responses={**_accepted("The job, queued; follow it at Location"), **_UPLOAD_ERRORS},
    form_limits=_FORM_LIMITS,
)
async def imports_learning_records(
    request: Request,
    background: BackgroundTasks,
    response: Response,
    file: Upload,
    session: SessionDep,
    principal: RecordImporter,
) -> ImportJobRead:
    """Import verified learning records from a spreadsheet (one row per ASN and activity).

    Columns: nip, title, form_code, start_date, end_date and jp or duration_minutes (required);
    organizer, certificate_number, competency_codes, cost_idr, external_id. Each row is checked like
    `POST /asn/{nip}/learning-records` (asn_not_found outside the caller's scope, unknown_form_code,
    invalid_dates, invalid_jp, unknown_competency, possible_duplicate). Rows are idempotent by
    `external_id` (derived from NIP, title, dates and form when the row has none), so importing the
    same file again creates nothing.
    """
    return await _start(request, background, response, session, principal, LEARNING_RECORDS, file)


@router.post(
    "/imports/assessment-results",
    status_code=202,
    response_model=ImportJobRead,
    responses={**_accepted("The job, queued; follow it at Location"), **_UPLOAD_ERRORS},
    form_limits=_FORM_LIMITS,
)
async def imports_assessment_results(
    request: Request,
    background: BackgroundTasks,
    response: Response,
    file: Upload,
    session: SessionDep,
    principal: ResultsImporter,
) -> ImportJobRead:
    """Import an assessment centre's result sheet: competency assessments and potential assessments.

    Columns (the API names or the template's headers): nip, assessed_on, method (assessment_center,
    tes_potensi or atasan) required; assessor; one column per competency code of the dictionary (`M1`…
    `M8`, `SK1`, teknis codes; also `Level M1`) holding its level 1–5; potential_score (0–100) and
    potential_category (rendah, menengah, tinggi). The header needs a competency column or
    potential_score (422 `missing_columns`). Each row records a competency assessment of its levels
    and a potential assessment of its score, with the rules of `POST /asn/{nip}/assessments` and
    `POST /asn/{nip}/potential-assessments`, or is rejected with its row number: asn_not_found
    (unknown or outside the caller's scope), validation_error (a level outside 1–5, a score outside
    0–100, an unknown method or category, levels under tes_potensi), invalid_assessment_date (in the
    future or before 1990), unknown_competency (a value under a column shaped like a code the
    dictionary lacks), duplicate_in_file. A row whose assessments are already recorded (same NIP, date, method, assessor
    and values) is unchanged, so importing the same sheet again creates nothing.
    """
    return await _start(request, background, response, session, principal, ASSESSMENT_RESULTS, file)


@router.post(
    "/imports/performance",
    status_code=202,
    response_model=ImportJobRead,
    responses={**_accepted("The job, queued; follow it at Location"), **_UPLOAD_ERRORS},
    form_limits=_FORM_LIMITS,
)
async def imports_performance(
    request: Request,
    background: BackgroundTasks,
    response: Response,
    file: Upload,
    session: SessionDep,
    principal: PerformanceImporter,
) -> ImportJobRead:
    """Import SKP results from a spreadsheet: one ASN's predikat (and score) of a year per row.

    Columns (the API names or the template's headers): nip (NIP), year (Tahun), predikat (Predikat:
    sangat_baik, baik, butuh_perbaikan, kurang, sangat_kurang, or the words "Sangat Baik" … "Sangat
    Kurang" in any case) required; score (Nilai SKP, 0–100, two decimals at most). A missing required
    column → 422 `missing_columns`. Each row records or replaces the year's result as
    `PUT /asn/{nip}/performance/{year}` does (audited, in the change feed, the 9-box placement and IP
    ASN score following), or is rejected with its row number: asn_not_found (unknown or outside the
    caller's scope), invalid_performance_year (a year that has not begun), validation_error (an
    unknown predikat, a score outside 0–100, a year outside 1950–2100, a required cell empty),
    duplicate_in_file (the same NIP and year twice). A row equal to the stored result is unchanged,
    so importing the same sheet again changes nothing; a changed one is counted as updated.
    """
    return await _start(request, background, response, session, principal, PERFORMANCE, file)


OptionalField = Annotated[str | None, Form(max_length=300)]


@router.post(
    "/imports/attendance",
    status_code=202,
    response_model=ImportJobRead,
    responses={**_accepted("The job, queued; follow it at Location"), **problem_responses(404, 409, 413)},
    form_limits=_FORM_LIMITS,
)
async def imports_attendance(
    request: Request,
    background: BackgroundTasks,
    response: Response,
    file: Annotated[
        UploadFile, File(description="A Zoom, Google Meet or Microsoft Teams participant report")
    ],
    session: SessionDep,
    principal: RecordImporter,
    session_id: Annotated[
        str | None,
        Form(
            max_length=12,
            description="A course session (angkatan) that has ended: its accepted nominees are credited",
        ),
    ] = None,
    course_id: Annotated[
        str | None, Form(max_length=12, description="A catalogue course: names the session")
    ] = None,
    title: Annotated[
        str | None, Form(max_length=300, description="The session's title (without course_id)")
    ] = None,
    form_code: Annotated[
        str | None, Form(max_length=10, description="Learning form (without course_id)")
    ] = None,
    session_date: Annotated[str | None, Form(max_length=10, description="YYYY-MM-DD")] = None,
    session_minutes: Annotated[str | None, Form(max_length=6, description="The session's length")] = None,
    min_share: Annotated[
        str | None, Form(max_length=6, description="Share of the session to attend (default 0.75)")
    ] = None,
) -> ImportJobRead:
    """Record a webinar's attendance from its participant report (layout detected).

    Give `course_id`, or `title`, `form_code`, `session_date` and `session_minutes`. People matched by
    their profile email or an 18-digit NIP in their display name who attended at least `min_share` of
    the session get verified records (source "attendance"); the job's report lists every participant
    as matched, unmatched, below_threshold or needs_review (a NIP beside a name unlike the profile's,
    not credited). Uploading the same report again creates nothing new.

    With `session_id` alone (a course session that has ended; `session_date` and `session_minutes`
    as for a course), those who attended enough are credited through the session's attendance: an
    accepted nominee gets its verified record (source "session") once, anyone else is an error line
    with its code (not_nominated, nomination_not_accepted, possible_duplicate).
    """
    given = {
        "session_id": session_id,
        "course_id": course_id,
        "title": title,
        "form_code": form_code,
        "session_date": session_date,
        "session_minutes": session_minutes,
        "min_share": min_share,
    }
    options = {key: value.strip() for key, value in given.items() if value is not None and value.strip()}
    return await _start(request, background, response, session, principal, ATTENDANCE, file, options)


@router.get(
    "/imports",
    response_model=ImportJobPage,
)
async def imports_list(
    session: SessionDep,
    principal: JobReader,
    page: PageDep,
    kind: ImportKind | None = None,
    status: JobStatus | None = None,
) -> ImportJobPage:
    """Import jobs, newest first: all of them for BPSDM admins and auditors, one's own for anyone else."""
    now = utcnow()
    stmt = service.list_query(principal, kind, status, now)
    rows, cursor, total = await paginate(session, stmt, [ImportJob.id], page, descending=True)
    errors = await service.first_errors(session, [job.id for job in rows])
    return ImportJobPage(
        items=[service.to_read(job, errors[job.id], now) for job in rows], next_cursor=cursor, total=total
    )


Format = Annotated[ExportFormat, Query(alias="format", description="`xlsx` (default) or `csv`")]


def _file_responses(description: str) -> dict[int | str, dict[str, Any]]:
    return {
        200: {
            "description": description,
            "headers": {
                "Content-Disposition": {
                    "description": 'attachment; filename="….xlsx" (or ….csv)',
                    "schema": {"type": "string"},
                }
            },
            "content": {
                XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
                "text/csv": {"schema": {"type": "string"}},
            },
        },
        **problem_responses(404),
    }


@router.get(
    "/imports/templates/{kind}",
    response_class=Response,
    responses=_file_responses("The header row and one example row; the XLSX adds a sheet Petunjuk"),
)
async def imports_template(
    kind: TemplateKind, session: SessionDep, principal: JobReader, fmt: Format = ExportFormat.xlsx
) -> Response:
    """Download the template of an import: its header row, an example row and (XLSX) column notes.

    The example row imports as it is: its ASN is placed in a unit the caller reaches, and the
    example learning record (assessment result, SKP result) is for that example ASN. Delete it before
    importing real data. The assessment-results template has a column per active competency.
    """
    if kind is TemplateKind.assessment_results:
        layout = await assessment_results.template_layout(session)
    else:
        fixed = {TemplateKind.asn: ASN, TemplateKind.performance: PERFORMANCE}
        layout = files.layout_for(fixed.get(kind, LEARNING_RECORDS))
    row = await files.example(session, principal, layout)
    stem = files.template_stem(layout.kind)
    if fmt is ExportFormat.csv:
        content, media_type, name = files.template_csv(layout, row), CSV_MEDIA_TYPE, f"{stem}.csv"
    else:
        content = await anyio.to_thread.run_sync(files.template_xlsx, layout, row)
        media_type, name = XLSX_MEDIA_TYPE, f"{stem}.xlsx"
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


@router.get(
    "/imports/{job_id:import_job}",
    response_model=ImportJobRead,
    responses=problem_responses(404),
)
async def imports_get(job_id: JobId, session: SessionDep, principal: JobReader) -> ImportJobRead:
    """One import job: its status, progress (`processed` of `total`), counts and first error lines."""
    return await service.read(session, await service.get_visible(session, principal, job_id))


@router.get(
    "/imports/{job_id:import_job}/report",
    response_class=StreamingResponse,
    responses=_file_responses("Sheet Laporan Impor: Baris, NIP, Nama, Hasil, Kode, Kolom, Keterangan"),
)
async def imports_report(
    request: Request,
    job_id: JobId,
    session: SessionDep,
    principal: JobReader,
    fmt: Format = ExportFormat.xlsx,
) -> Response:
    """The job's report as a spreadsheet: every rejected row (attendance: every participant) in row order.

    Columns: Baris (row number), NIP, Nama, Hasil (Gagal, or Cocok/Tidak cocok/Di bawah ambang for
    attendance), Kode (the problem code), Kolom (the field at fault) and Keterangan (the detail).
    """
    job = await service.get_visible(session, principal, job_id)
    return await downloads.spreadsheet(request, session, files.report(job), fmt)


@router.post(
    "/imports/{job_id:import_job}/retry",
    status_code=202,
    response_model=ImportJobRead,
    responses={**_accepted("The job, queued again"), **problem_responses(404, 409)},
)
async def imports_retry(
    request: Request,
    background: BackgroundTasks,
    response: Response,
    job_id: JobId,
    session: SessionDep,
    principal: JobRetrier,
) -> ImportJobRead:
    """Run a failed or interrupted import again, from the row after its last committed chunk.

    Rows already applied are not applied twice (and every importer is idempotent anyway). A job that
    is queued, running or succeeded → 409 `import_not_retryable`.
    """
    job = await service.get_visible(session, principal, job_id)
    job = await runner.requeue(session, principal, job)
    db: Database = request.app.state.db
    background.add_task(runner.run, db.write_sessions, job.id)
    response.headers["Location"] = f"/api/v1/imports/{job.id}"
    return await service.read(session, job)
