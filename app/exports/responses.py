"""An export as an HTTP response: CSV streamed as it is read, XLSX sent once it is complete."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Request, Response
from fastapi.responses import StreamingResponse
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.db import Database
from app.exports import service
from app.exports.schemas import ExportFormat
from app.exports.sheets import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE


@asynccontextmanager
async def _borrowed(session: AsyncSession) -> AsyncIterator[AsyncSession]:
    yield session


async def spreadsheet(
    request: Request, session: AsyncSession, export: service.Export, fmt: ExportFormat
) -> Response:
    headers = {"Cache-Control": "no-store"}
    if fmt is ExportFormat.csv:
        # Streamed after the route returns, when the request's session is closed: each batch
        # takes a session of its own, so a slow client holds no connection between batches.
        db: Database = request.app.state.db
        headers["Content-Disposition"] = f'attachment; filename="{export.stem}.csv"'
        return StreamingResponse(
            service.csv_chunks(export, db.read_sessions), media_type=CSV_MEDIA_TYPE, headers=headers
        )
    # The XLSX is built from the request's own session, before the response starts.
    file = await service.write_xlsx(export, lambda: _borrowed(session))
    size = file.seek(0, 2)
    file.seek(0)
    headers["Content-Disposition"] = f'attachment; filename="{export.stem}.xlsx"'
    headers["Content-Length"] = str(size)
    return StreamingResponse(service.file_chunks(file), media_type=XLSX_MEDIA_TYPE, headers=headers)
