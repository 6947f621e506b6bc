"""A province-sized ASN file: 60,000 rows through the upload, the job and the report, well under a minute."""

from __future__ import annotations

import time
from datetime import date, timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.core.config import Settings
from app.imports.models import ImportRow
from tests.factories import World, make_nip
from tests.http import as_
from tests.imports.helpers import ASN_HEADER, count, csv_bytes, report_rows, run_import

ROWS = 60_000
BUDGET_SECONDS = 60


def nips(n: int) -> list[str]:
    # make_nip numbers its NIPs modulo 999: a new birth date every 999 keeps them distinct.
    return [make_nip(birth=date(1962, 1, 1) + timedelta(days=i // 999), gender="male") for i in range(n)]


async def test_60000_rows(
    client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
) -> None:
    people = nips(ROWS)
    assert len(set(people)) == ROWS
    units = (world.unit_a.id, world.unit_a1.id, world.unit_b.id)
    rows = [
        [nip, f"Pegawai Nomor {i}", "pns", units[i % 3], "III/b", f"p{nip}@kaltimprov.go.id"]
        for i, nip in enumerate(people)
    ]
    rows[100][4] = "IX"  # a PPPK golongan on a PNS
    rows[59_999][3] = 999_999  # no such unit
    content = csv_bytes([ASN_HEADER, *rows], delimiter=";")
    started = time.perf_counter()
    job = await run_import(client, "asn", content, as_(settings, world, "bpsdm"))
    elapsed = time.perf_counter() - started
    print(f"\n60,000-row ASN import: {elapsed:.1f} s ({ROWS / elapsed:,.0f} rows/s)")
    assert (job["status"], job["total"], job["processed"]) == ("succeeded", ROWS, ROWS)
    assert (job["created"], job["updated"], job["unchanged"], job["failed"]) == (ROWS - 2, 0, 0, 2)
    assert [(e["row"], e["code"]) for e in job["errors"]] == [
        (102, "invalid_golongan"),
        (60_001, "unit_not_found"),
    ]
    assert await count(session, Asn, Asn.unit_id.in_(units)) == ROWS - 2 + 4  # and the world's four
    assert await count(session, ImportRow, ImportRow.job_id == job["id"]) == 2
    report = await report_rows(client, job["id"], as_(settings, world, "bpsdm"), fmt="csv")
    assert [line[:5] for line in report[1:]] == [
        ["102", people[100], "Pegawai Nomor 100", "Gagal", "invalid_golongan"],
        ["60001", people[59_999], "Pegawai Nomor 59999", "Gagal", "unit_not_found"],
    ]
    assert elapsed < BUDGET_SECONDS
