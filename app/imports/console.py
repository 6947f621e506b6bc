"""`bangkom import …`: the API's import job, run in this process, with a progress bar on stderr."""

from __future__ import annotations

import shutil
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import anyio

from app.core import downloads
from app.core.db import Database
from app.core.errors import DomainError
from app.core.security import Principal
from app.imports import files, runner
from app.imports.models import FAILED, ImportJob
from app.imports.service import get_visible

# Exit codes: every row applied, some rows rejected (see the report), the file itself unusable.
OK, ROWS_FAILED, UNUSABLE = 0, 1, 2
BAR_WIDTH = 30


class ProgressBar:
    """`[#####-----]  12,500/60,000 rows  4,210 rows/s`, redrawn in place on a terminal, one line per
    update otherwise (logs, CI)."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.started = time.monotonic()
        self.tty = out.isatty()

    def __call__(self, progress: runner.Progress) -> None:
        total = max(progress.total, 1)
        done = int(BAR_WIDTH * progress.processed / total)
        elapsed = max(time.monotonic() - self.started, 1e-6)
        line = (
            f"[{'#' * done}{'-' * (BAR_WIDTH - done)}] {progress.processed:,}/{progress.total:,} rows"
            f"  {progress.processed / elapsed:,.0f} rows/s"
        )
        if self.tty:
            self.out.write("\r" + line + "\x1b[K")  # clear what a longer line left behind
            if progress.processed >= progress.total:
                self.out.write("\n")
        else:
            self.out.write(line + "\n")
        self.out.flush()


@dataclass(frozen=True, slots=True)
class Result:
    exit_code: int
    lines: list[str]


async def import_file(db: Database, principal: Principal, kind: str, path: Path) -> Result:
    """Submit `path` as a job of `kind`, run it here, and say how it went (and where its report is)."""
    content = await anyio.Path(path).read_bytes()
    try:
        async with db.write_sessions() as session, session.begin():
            job = await runner.submit(session, principal, kind, path.name, content)
            job_id = job.id
    except DomainError as exc:
        return Result(UNUSABLE, [f"error: {path.name}: {exc.detail}"])
    await runner.run(db.write_sessions, job_id, ProgressBar(sys.stderr))
    async with db.read_sessions() as session:
        job = await get_visible(session, principal, job_id)
    lines = [f"import {job.id} ({job.kind}) of {path.name}: {job.status}", *_summary(job)]
    if job.status == FAILED:
        return Result(UNUSABLE, [*lines, f"error: {job.message}"])
    if job.failed:
        report = path.with_name(f"{path.stem}.errors.xlsx")
        await _write_report(db, job, report)
        return Result(ROWS_FAILED, [*lines, f"error report: {report}"])
    return Result(OK, lines)


def _summary(job: ImportJob) -> list[str]:
    lines = [
        f"  rows {job.total or 0:,}: created {job.created:,}, updated {job.updated:,}, "
        f"unchanged {job.unchanged:,}, failed {job.failed:,}"
    ]
    ignored = (job.summary or {}).get("ignored_columns")
    if ignored:
        lines.append(f"  ignored columns: {', '.join(ignored)}")
    return lines


async def _write_report(db: Database, job: ImportJob, target: Path) -> None:
    # The command line speaks English, its error report too.
    out = await downloads.write_xlsx(files.report(job, "en"), db.read_sessions)

    def save() -> None:
        with target.open("wb") as sink:
            shutil.copyfileobj(out, sink)

    try:
        await anyio.to_thread.run_sync(save)
    finally:
        out.close()
