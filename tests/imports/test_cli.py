"""`bangkom import asn|learning-records FILE` against a migrated database of its own (real commits)."""

from __future__ import annotations

import asyncio
import io
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from openpyxl import load_workbook
from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import create_async_engine
from typer.testing import CliRunner

from app.asn.models import Asn
from app.cli import cli
from app.core.config import get_settings
from app.core.migrations import upgrade
from app.imports.models import ImportJob
from app.learning.models import LearningRecord
from app.org.models import Unit
from tests.conftest import PG_ADMIN_DSN, backend
from tests.factories import make_nip
from tests.imports.helpers import ASN_HEADER, csv_bytes, xlsx_bytes


async def _admin(sql: str) -> None:
    conn = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


async def _seed(url: str) -> int:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            unit_id = (
                await conn.execute(
                    insert(Unit)
                    .values(code="DINAS_CLI", name="Dinas CLI", kind="dinas", path="/")
                    .returning(Unit.id)
                )
            ).scalar_one()
            await conn.execute(update(Unit).where(Unit.id == unit_id).values(path=f"/{unit_id}/"))
        return int(unit_id)
    finally:
        await engine.dispose()


async def _scalar(url: str, stmt: Any) -> Any:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            return (await conn.execute(stmt)).scalar_one()
    finally:
        await engine.dispose()


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    if backend() == "postgres":
        name = f"bangkom_cli_{uuid.uuid4().hex[:8]}"
        asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
        url = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
    else:
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('cli') / 'cli.db'}"
    try:
        upgrade(url)
        yield url, asyncio.run(_seed(url))
    finally:
        if backend() == "postgres":
            asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def bangkom(database: tuple[str, int], monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("BANGKOM_DATABASE_URL", database[0])
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def profile_rows(nips: list[str], unit_id: int) -> list[list[Any]]:
    return [ASN_HEADER, *([n, f"Pegawai {n[-4:]}", "pns", unit_id, "III/a", ""] for n in nips)]


def test_import_asn_with_progress_summary_and_error_report(
    bangkom: CliRunner, database: tuple[str, int], tmp_path: Path
) -> None:
    url, unit_id = database
    nips = [make_nip(birth=date(1975, 1, 2)) for _ in range(3)]
    path = tmp_path / "pegawai.csv"
    path.write_bytes(csv_bytes([*profile_rows(nips, unit_id), ["123", "Salah", "pns", unit_id, "", ""]]))
    result = bangkom.invoke(cli, ["import", "asn", str(path)])
    assert result.exit_code == 1, result.output
    report = tmp_path / "pegawai.errors.xlsx"
    assert result.stdout.splitlines()[1:] == [
        "  rows 4: created 3, updated 0, unchanged 0, failed 1",
        f"error report: {report}",
    ]
    assert result.stdout.splitlines()[0].endswith("(asn) of pegawai.csv: succeeded")
    assert "[" + "#" * 30 + "] 4/4 rows" in result.stderr
    sheet = load_workbook(io.BytesIO(report.read_bytes())).worksheets[0]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["Baris", "NIP", "Nama", "Hasil", "Kode", "Kolom", "Keterangan"]
    assert rows[1][:6] == [5, "123", "Salah", "Gagal", "invalid_nip", None]
    assert len(rows) == 2
    assert asyncio.run(_scalar(url, select(func.count()).select_from(Asn).where(Asn.nip.in_(nips)))) == 3
    creator = asyncio.run(_scalar(url, select(ImportJob.created_by).order_by(ImportJob.id.desc()).limit(1)))
    assert creator.startswith("cli")

    again = bangkom.invoke(cli, ["import", "asn", str(path)])
    assert again.exit_code == 1
    assert "created 0, updated 0, unchanged 3, failed 1" in again.stdout


def test_clean_xlsx_exits_0_and_writes_no_report(
    bangkom: CliRunner, database: tuple[str, int], tmp_path: Path
) -> None:
    _, unit_id = database
    path = tmp_path / "baru.xlsx"
    path.write_bytes(xlsx_bytes(profile_rows([make_nip(birth=date(1976, 2, 3))], unit_id)))
    result = bangkom.invoke(cli, ["import", "asn", str(path)])
    assert result.exit_code == 0, result.output
    assert "created 1, updated 0, unchanged 0, failed 0" in result.stdout
    assert not (tmp_path / "baru.errors.xlsx").exists()


def test_learning_records(bangkom: CliRunner, database: tuple[str, int], tmp_path: Path) -> None:
    url, unit_id = database
    nip = make_nip(birth=date(1977, 3, 4))
    people = tmp_path / "orang.csv"
    people.write_bytes(csv_bytes(profile_rows([nip], unit_id)))
    assert bangkom.invoke(cli, ["import", "asn", str(people)]).exit_code == 0
    records = tmp_path / "jp.csv"
    records.write_bytes(
        csv_bytes(
            [
                ["NIP", "Nama Kegiatan", "Kode Bentuk", "Tanggal Mulai", "Tanggal Selesai", "JP"],
                [nip, "Bimtek Arsip", "8", "02/03/2026", "04/03/2026", "12,5"],
            ],
            delimiter=";",
        )
    )
    result = bangkom.invoke(cli, ["import", "learning-records", str(records)])
    assert result.exit_code == 0, result.output
    assert "(learning_records) of jp.csv: succeeded" in result.stdout
    jp = asyncio.run(_scalar(url, select(LearningRecord.jp).where(LearningRecord.nip == nip)))
    assert str(jp) in ("12.50", "12.5")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x00\x01binary\x00" * 10, "binary data"),
        (b"nama,golongan\r\nBudi,III/a\r\n", "lacks required columns"),
    ],
    ids=["binary", "missing-columns"],
)
def test_unusable_files_exit_2(bangkom: CliRunner, tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "rusak.csv"
    path.write_bytes(content)
    result = bangkom.invoke(cli, ["import", "asn", str(path)])
    assert result.exit_code == 2, result.output
    assert message in result.stderr and result.stderr.startswith("error: rusak.csv: ")


def test_missing_file_is_a_usage_error(bangkom: CliRunner, tmp_path: Path) -> None:
    result = bangkom.invoke(cli, ["import", "learning-records", str(tmp_path / "none.csv")])
    assert result.exit_code == 2
    assert "does not exist" in result.stderr
