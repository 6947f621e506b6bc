"""Spreadsheets made in the tests (CSV in any encoding, XLSX), uploads, and reports read back."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

import httpx
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.audit import AuditEntry
from app.imports.models import ImportJob, ImportRow

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ASN_HEADER = ["nip", "name", "employment_type", "unit_id", "golongan", "email"]
RECORD_HEADER = ["nip", "title", "form_code", "start_date", "end_date", "jp"]


def csv_bytes(
    rows: Sequence[Sequence[Any]], *, delimiter: str = ",", encoding: str = "utf-8", bom: bool = False
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows([["" if v is None else v for v in row] for row in rows])
    data = buffer.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx_bytes(rows: Sequence[Sequence[Any]], *, blank_rows_before: int = 0, title: str = "Data") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = title
    for _ in range(blank_rows_before):
        sheet.append([])
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


async def upload(
    client: httpx.AsyncClient,
    path: str,
    content: bytes,
    headers: dict[str, str],
    *,
    filename: str = "data.csv",
    data: dict[str, str] | None = None,
) -> httpx.Response:
    return await client.post(
        f"/api/v1/imports/{path}",
        files={"file": (filename, content, "application/octet-stream")},
        data=data or {},
        headers=headers,
    )


async def run_import(
    client: httpx.AsyncClient, path: str, content: bytes, headers: dict[str, str], **kwargs: Any
) -> dict[str, Any]:
    """Upload, then read the job back (with ASGITransport the job has run when the POST returns)."""
    r = await upload(client, path, content, headers, **kwargs)
    assert r.status_code == 202, r.text
    assert r.headers["location"] == f"/api/v1/imports/{r.json()['id']}"
    got = await client.get(r.headers["location"], headers=headers)
    assert got.status_code == 200, got.text
    job: dict[str, Any] = got.json()
    return job


def errors_of(job: dict[str, Any]) -> list[tuple[int, str | None, str | None]]:
    return [(e["row"], e["code"], e["field"]) for e in job["errors"]]


async def report_rows(
    client: httpx.AsyncClient, job_id: int, headers: dict[str, str], fmt: str = "xlsx"
) -> list[list[Any]]:
    r = await client.get(f"/api/v1/imports/{job_id}/report", params={"format": fmt}, headers=headers)
    assert r.status_code == 200, r.text
    if fmt == "csv":
        assert r.content.startswith(b"\xef\xbb\xbf")
        text = r.content[3:].decode("utf-8")
        return [list(row) for row in csv.reader(io.StringIO(text, newline=""), delimiter=";")]
    assert r.headers["content-type"] == XLSX_TYPE
    sheet = load_workbook(io.BytesIO(r.content)).worksheets[0]
    return [[c.value for c in row] for row in sheet.iter_rows()]


async def job_rows(session: AsyncSession, job_id: int) -> list[ImportRow]:
    rows = await session.execute(
        select(ImportRow).where(ImportRow.job_id == job_id).order_by(ImportRow.row, ImportRow.id)
    )
    return list(rows.scalars())


async def stored_job(session: AsyncSession, job_id: int) -> ImportJob:
    stmt = select(ImportJob).where(ImportJob.id == job_id).execution_options(populate_existing=True)
    return (await session.execute(stmt)).scalar_one()


async def count(session: AsyncSession, entity: Any, *where: Any) -> int:
    return int(await session.scalar(select(func.count()).select_from(entity).where(*where)) or 0)


async def job_audit(session: AsyncSession, job_id: int) -> list[tuple[str, str]]:
    rows = await session.execute(
        select(AuditEntry.action, AuditEntry.actor)
        .where(AuditEntry.entity == "import_job", AuditEntry.key == str(job_id))
        .order_by(AuditEntry.id)
        .execution_options(populate_existing=True)
    )
    return [(a, b) for a, b in rows]
