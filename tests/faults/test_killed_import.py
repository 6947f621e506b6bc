"""`bangkom import asn` killed (SIGKILL) after its first chunk: the database holds whole chunks only, the
job shows as interrupted once its heartbeat is stale, and a retry finishes it without doing anything twice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from app.asn.models import Asn
from app.core.audit import AuditEntry
from app.imports.models import ImportJob, ImportRow
from app.imports.runner import CHUNK_ROWS
from tests.faults.conftest import Process, Server, Target, await_for
from tests.imports.helpers import ASN_HEADER, csv_bytes
from tests.sync.test_sync_asn import make_nips

CHUNK = CHUNK_ROWS["asn"]
ROWS = 3 * CHUNK
BAD_EVERY = 500  # every 500th row has a NIP that cannot be valid, so the report has lines too


def _file(target: Target) -> tuple[list[list[Any]], list[str | None]]:
    """The rows, and for each row the NIP that should end up stored (None for a rejected row)."""
    nips = make_nips(ROWS, start=date(1961, 1, 1))
    rows: list[list[Any]] = []
    expected: list[str | None] = []
    for i, nip in enumerate(nips, start=1):
        bad = i % BAD_EVERY == 0
        rows.append([f"12345{i}" if bad else nip, f"Pegawai {i}", "pns", target.world.unit_a.id, "III/a", ""])
        expected.append(None if bad else nip)
    return rows, expected


async def _job(target: Target) -> Any:
    return await target.first(select(ImportJob).order_by(ImportJob.id.desc()))


async def _consistent(target: Target, job: Any, expected: list[str | None], total: int) -> None:
    """What the job's counters say is exactly what the tables hold, chunk for chunk."""
    stored_nips = {n for n in expected if n is not None}
    applied = [n for n in expected[: job.processed] if n is not None]
    rejected = job.processed - len(applied)
    assert job.total == total
    assert (job.created, job.updated, job.unchanged, job.failed) == (len(applied), 0, 0, rejected)
    in_db = await target.rows(select(Asn.nip).where(Asn.nip.in_(stored_nips)))
    assert sorted(n for (n,) in in_db) == sorted(applied)
    lines = await target.rows(select(ImportRow.row, ImportRow.code).where(ImportRow.job_id == job.id))
    assert sorted(lines) == [(i + 2, "invalid_nip") for i in range(job.processed) if expected[i] is None]
    audited = await target.rows(
        select(AuditEntry.key, func.count())
        .where(AuditEntry.entity == "asn", AuditEntry.action == "create", AuditEntry.key.in_(stored_nips))
        .group_by(AuditEntry.key)
    )
    assert sorted(audited) == sorted((n, 1) for n in applied)


async def test_import_killed_mid_run_resumes_after_its_last_chunk(
    target: Target, servers: Callable[..., Server], tmp_path: Path
) -> None:
    rows, expected = _file(target)
    path = tmp_path / "pegawai.csv"
    path.write_bytes(csv_bytes([ASN_HEADER, *rows]))

    importer = Process(["import", "asn", str(path)], target.env(), tmp_path / "import.log")
    try:

        async def first_chunk_committed() -> Any:
            assert importer.alive, importer.output()
            job = await _job(target)
            return job if job is not None and job.processed >= CHUNK else None

        await await_for(first_chunk_committed, "the first chunk of the import")
    finally:
        importer.kill()
    job = await _job(target)
    assert job.status == "running"  # as stored: nobody recorded the end
    assert job.processed % CHUNK == 0 and CHUNK <= job.processed < ROWS, job.processed
    await _consistent(target, job, expected, ROWS)

    server = servers(target.env(import_stale_seconds="1"))
    bpsdm = target.headers("bpsdm")
    async with server.client() as c:

        async def shown_interrupted() -> bool:
            r = await c.get(f"/api/v1/imports/{job.id}", headers=bpsdm)
            assert r.status_code == 200, r.text
            assert r.json()["processed"] == job.processed
            return bool(r.json()["status"] == "interrupted")

        await await_for(shown_interrupted, "the job to show as interrupted")
        retried = await c.post(f"/api/v1/imports/{job.id}/retry", headers=bpsdm)
        assert retried.status_code == 202, retried.text

        async def finished() -> Any:
            r = await c.get(f"/api/v1/imports/{job.id}", headers=bpsdm)
            return r.json() if r.json()["status"] in ("succeeded", "failed") else None

        done = await await_for(finished, "the retried import to finish")
        assert done["status"] == "succeeded", done
        again = await c.post(f"/api/v1/imports/{job.id}/retry", headers=bpsdm)
        assert again.status_code == 409 and again.json()["code"] == "import_not_retryable"

    final = await _job(target)
    assert final.id == job.id and final.runs == 2 and final.processed == ROWS
    await _consistent(target, final, expected, ROWS)
    valid = sum(1 for n in expected if n is not None)
    assert (done["created"], done["failed"]) == (valid, ROWS - valid)
