"""GET /api/v1/exports/verification-queue: pending claims in scope, oldest first."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from openpyxl.cell.cell import Cell
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.exports import service
from app.learning.models import LearningRecord
from tests.exports.helpers import csv_rows, download, filename, header, values, xlsx
from tests.factories import World
from tests.http import as_, problem

PATH = "verification-queue"
HEADERS = [
    "ID Klaim",
    "NIP",
    "Nama",
    "Unit Kerja",
    "Judul Kegiatan",
    "Kode Bentuk",
    "Bentuk Pengembangan",
    "Penyelenggara",
    "Tanggal Mulai",
    "Tanggal Selesai",
    "JP",
    "Sumber",
    "Diajukan Oleh",
    "Diajukan Pada (UTC)",
]


async def claim(
    client: httpx.AsyncClient, settings: Settings, world: World, who: str, nip: str, **overrides: Any
) -> dict[str, Any]:
    body = {
        "title": "Bimtek Pengelolaan <Arsip> & Dokumentasi",
        "form_code": "8",
        "organizer": "BPSDM Provinsi Kalimantan Timur",
        "start_date": "2026-03-02",
        "end_date": "2026-03-04",
        "jp": 10.5,
    } | overrides
    r = await client.post(f"/api/v1/asn/{nip}/learning-records", json=body, headers=as_(settings, world, who))
    assert r.status_code == 201, r.text
    data: dict[str, Any] = r.json()
    return data


@pytest.fixture
async def queue(client: httpx.AsyncClient, settings: Settings, world: World) -> dict[str, dict[str, Any]]:
    """A pending claim of asn_a, then one of asn_b; a verified record of asn_a1 (not in the queue)."""
    first = await claim(client, settings, world, "asn_a", world.asn_a.nip)
    second = await claim(
        client, settings, world, "asn_b", world.asn_b.nip, title="Seminar Kepegawaian", form_code="9", jp=4
    )
    verified = await claim(client, settings, world, "bpsdm", world.asn_a1.nip, title="Diklat Teknis")
    assert (first["status"], second["status"], verified["status"]) == ("pending", "pending", "verified")
    return {"a": first, "b": second}


def _stamp(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC).replace(tzinfo=None)


class TestQueueExport:
    async def test_cells_one_by_one(
        self, client: httpx.AsyncClient, settings: Settings, world: World, queue: dict[str, Any]
    ) -> None:
        r = await download(client, PATH, as_(settings, world, "opd_a"))
        assert filename(r).startswith("antrean-verifikasi-dinas-a-") and filename(r).endswith(".xlsx")
        wb = await xlsx(client, PATH, as_(settings, world, "opd_a"))
        assert wb.sheetnames == ["Antrean Verifikasi"]
        ws = wb.active
        assert ws is not None
        assert header(ws) == HEADERS
        assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:N2"
        rows = values(ws)[1:]
        a = queue["a"]
        assert len(rows) == 1
        row = rows[0]
        assert row[:13] == [
            a["id"],
            world.asn_a.nip,
            world.asn_a.name,
            world.unit_a.name,
            "Bimtek Pengelolaan <Arsip> & Dokumentasi",
            "8",
            "Bimbingan Teknis",
            "BPSDM Provinsi Kalimantan Timur",
            datetime(2026, 3, 2),
            datetime(2026, 3, 4),
            10.5,
            a["source"],
            a["created_by"],
        ]
        assert abs((row[13] - _stamp(a["created_at"])).total_seconds()) < 1
        cells = ws[2]
        assert cells[1].data_type == "s" and cells[1].number_format == "@"
        assert cells[8].number_format == "yyyy-mm-dd" and isinstance(cells[9], Cell) and cells[9].is_date
        assert cells[10].number_format == "0.00"
        assert cells[13].number_format == "yyyy-mm-dd hh:mm:ss"

    async def test_everyone_in_reach_oldest_first(
        self, client: httpx.AsyncClient, settings: Settings, world: World, queue: dict[str, Any]
    ) -> None:
        for who in ("bpsdm", "auditor"):
            ws = (await xlsx(client, PATH, as_(settings, world, who))).active
            assert ws is not None
            assert [r[0] for r in values(ws)[1:]] == [queue["a"]["id"], queue["b"]["id"]]
        ws = (await xlsx(client, PATH, as_(settings, world, "bpsdm"), unit_id=world.unit_b.id)).active
        assert ws is not None
        assert [r[0] for r in values(ws)[1:]] == [queue["b"]["id"]]
        ws = (await xlsx(client, PATH, as_(settings, world, "opd_a1"))).active
        assert ws is not None
        assert values(ws) == [HEADERS]  # nothing pending in BIDANG_A1

    async def test_oldest_submission_first_across_batches(
        self,
        client: httpx.AsyncClient,
        session: AsyncSession,
        settings: Settings,
        world: World,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        ids = [
            (await claim(client, settings, world, "asn_a", world.asn_a.nip, title=f"Klaim {n}"))["id"]
            for n in range(5)
        ]
        # An imported history: ids run against the time each claim was filed, two filed at one instant.
        filed = [datetime(2026, 1, 5, tzinfo=UTC), datetime(2026, 1, 3, tzinfo=UTC)] + [
            datetime(2026, 1, 1, tzinfo=UTC)
        ] * 3
        for id_, at in zip(ids, filed, strict=True):
            await session.execute(
                update(LearningRecord).where(LearningRecord.id == id_).values(created_at=at)
            )
        await session.commit()
        monkeypatch.setattr(service, "BATCH", 2)  # 5 rows: 3 keyset batches, one across the tie
        rows = await csv_rows(client, PATH, as_(settings, world, "bpsdm"))
        assert [int(r[0]) for r in rows[1:]] == [ids[2], ids[3], ids[4], ids[1], ids[0]]

    async def test_csv(
        self, client: httpx.AsyncClient, settings: Settings, world: World, queue: dict[str, Any]
    ) -> None:
        rows = await csv_rows(client, PATH, as_(settings, world, "bpsdm"))
        assert rows[0] == HEADERS
        b = queue["b"]
        assert rows[2][:13] == [
            str(b["id"]),
            world.asn_b.nip,
            world.asn_b.name,
            world.unit_b.name,
            "Seminar Kepegawaian",
            "9",
            "Seminar",
            "BPSDM Provinsi Kalimantan Timur",
            "2026-03-02",
            "2026-03-04",
            "4.00",
            b["source"],
            b["created_by"],
        ]
        assert _stamp(rows[2][13]) == _stamp(b["created_at"]).replace(microsecond=0)
        assert rows[2][13].endswith("Z")

    async def test_scope_and_errors(
        self, client: httpx.AsyncClient, settings: Settings, world: World, queue: dict[str, Any]
    ) -> None:
        r = await client.get(
            f"/api/v1/exports/{PATH}",
            params={"unit_id": world.unit_a.id},
            headers=as_(settings, world, "opd_b"),
        )
        problem(r, 404, "unit_not_found")
        for who in ("asn_a", "client:learning:read asn:read"):
            r = await client.get(f"/api/v1/exports/{PATH}", headers=as_(settings, world, who))
            problem(r, 403, "forbidden")
        r = await client.get(
            f"/api/v1/exports/{PATH}", params={"format": "ods"}, headers=as_(settings, world, "bpsdm")
        )
        problem(r, 422, "validation_error")
