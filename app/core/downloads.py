"""A spreadsheet download: its sheets, those computed up front and the batched one, written as XLSX
or streamed as CSV, and sent as an HTTP response. Shared by the report exports and the import reports.

CSV batches go to the client as they are read; XLSX rows are rendered in a worker thread while the
next batch is fetched, and the workbook is sent once it is complete.
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import IO, Any

import anyio
from fastapi import Request, Response
from fastapi.responses import StreamingResponse
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.db import Database
from app.core.spreadsheets import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE, CsvWriter, Row, Sheet, XlsxBuilder

CHUNK = 64 * 1024

SessionSource = Callable[[], AbstractAsyncContextManager[AsyncSession]]
Batches = Callable[[SessionSource], AsyncIterator[Sequence[Any]]]


class ExportFormat(StrEnum):
    xlsx = "xlsx"
    csv = "csv"


@dataclass
class Export:
    """What one download holds: its sheets, those computed up front, and the batched one."""

    stem: str  # the file name without extension
    sheets: tuple[Sheet, ...]
    detail: int  # the sheet a CSV carries (and the one fed by `batches`)
    fixed: dict[int, list[Row]] = field(default_factory=dict)
    batches: Batches | None = None
    to_row: Callable[[Any], Row] | None = None  # a fetched row → the detail sheet's row (worker thread)

    def rows(self, raw: Sequence[Any]) -> list[Row]:
        return list(raw) if self.to_row is None else [self.to_row(r) for r in raw]


async def write_xlsx(export: Export, open_session: SessionSource) -> IO[bytes]:
    """The whole workbook in a temporary file (deleted when closed), positioned at its start."""
    builder = await anyio.to_thread.run_sync(XlsxBuilder, export.sheets)
    out = tempfile.TemporaryFile()  # noqa: SIM115 (handed to the response, which closes it)
    try:
        for index, rows in export.fixed.items():
            await anyio.to_thread.run_sync(builder.add, index, rows)
        if export.batches is not None:
            await _feed(builder, export, open_session)
        await anyio.to_thread.run_sync(builder.finish, out)
    except BaseException:
        builder.close()
        out.close()
        raise
    out.seek(0)
    return out


async def _feed(builder: XlsxBuilder, export: Export, open_session: SessionSource) -> None:
    """Batches into the detail sheet; each is written in a worker thread while the next is fetched."""
    assert export.batches is not None

    def write(raw: Sequence[Any]) -> None:
        builder.add(export.detail, export.rows(raw))

    writing: asyncio.Future[None] | None = None
    try:
        async for raw in export.batches(open_session):
            if writing is not None:
                await writing
            writing = asyncio.ensure_future(anyio.to_thread.run_sync(write, raw))
    finally:
        if writing is not None:
            await writing


async def csv_chunks(export: Export, open_session: SessionSource) -> AsyncIterator[bytes]:
    """The detail sheet as CSV: the header at once, then each batch as it is read."""
    writer = CsvWriter(export.sheets[export.detail])
    yield writer.header()
    fixed = export.fixed.get(export.detail)
    if fixed:
        yield await anyio.to_thread.run_sync(writer.rows, fixed)
    if export.batches is not None:
        async for raw in export.batches(open_session):
            yield await anyio.to_thread.run_sync(_csv_batch, writer, export, raw)


def _csv_batch(writer: CsvWriter, export: Export, raw: Sequence[Any]) -> bytes:
    return writer.rows(export.rows(raw))


async def file_chunks(file: IO[bytes]) -> AsyncIterator[bytes]:
    try:
        while chunk := await anyio.to_thread.run_sync(file.read, CHUNK):
            yield chunk
    finally:
        file.close()


@asynccontextmanager
async def _borrowed(session: AsyncSession) -> AsyncIterator[AsyncSession]:
    yield session


async def spreadsheet(request: Request, session: AsyncSession, export: Export, fmt: ExportFormat) -> Response:
    headers = {"Cache-Control": "no-store"}
    if fmt is ExportFormat.csv:
        # Streamed after the route returns, when the request's session is closed: each batch
        # takes a session of its own, so a slow client holds no connection between batches.
        db: Database = request.app.state.db
        headers["Content-Disposition"] = f'attachment; filename="{export.stem}.csv"'
        return StreamingResponse(
            csv_chunks(export, db.read_sessions), media_type=CSV_MEDIA_TYPE, headers=headers
        )
    # The XLSX is built from the request's own session, before the response starts.
    file = await write_xlsx(export, lambda: _borrowed(session))
    size = file.seek(0, 2)
    file.seek(0)
    headers["Content-Disposition"] = f'attachment; filename="{export.stem}.xlsx"'
    headers["Content-Length"] = str(size)
    return StreamingResponse(file_chunks(file), media_type=XLSX_MEDIA_TYPE, headers=headers)


# Client generators turn a response into bytes only for media types they know as binary
# (openapi-python-client knows application/octet-stream, not PDF or images), so a file download is
# also offered as plain bytes, to callers whose Accept asks for that and none of the file's own type.
BYTES_MEDIA_TYPE = "application/octet-stream"


def served_type(stored: str, accept: str | None) -> str:
    """The media type to send a file of type `stored` as, for this Accept header."""
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
    return BYTES_MEDIA_TYPE if ranges.get(BYTES_MEDIA_TYPE, 0) > 0 else stored
