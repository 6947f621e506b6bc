"""The XLSX and CSV writers on their own: cell types, escaping, dates, several sheets, CSV safety."""

from __future__ import annotations

import csv
import io
import tempfile
import zipfile
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from app.core.spreadsheets import BOM, Column, CsvWriter, Kind, Row, Sheet, XlsxBuilder

SHEET = Sheet(
    "Uji",
    (
        Column("Teks"),
        Column("Bilangan", Kind.integer),
        Column("JP", Kind.jp),
        Column("Rupiah", Kind.idr),
        Column("Persen", Kind.pct4),
        Column("Tanggal", Kind.date),
        Column("Waktu", Kind.timestamp),
    ),
)
WITA = timezone(timedelta(hours=8))


def build(sheets: list[Sheet], data: list[list[Row]]) -> bytes:
    builder = XlsxBuilder(sheets)
    with tempfile.TemporaryFile() as out:
        for index, rows in enumerate(data):
            # Rows arrive in batches: numbering carries on across them.
            builder.add(index, rows[:1])
            builder.add(index, rows[1:])
        builder.finish(out)
        out.seek(0)
        return out.read()


class TestXlsx:
    def test_typed_cells_round_trip(self) -> None:
        rows: list[Row] = [
            (
                "198503142010012003",
                9_007_199_254_740_993 // 1000,
                Decimal("1E+2"),
                21_690_000_000_000,
                Decimal("0.3458"),
                date(2026, 3, 2),
                datetime(2026, 3, 2, 1, 30, 15, tzinfo=WITA),
            ),
            ("  spasi di tepi ", -5, Decimal("-0.67"), 0, None, None, None),
            ("kendali\x07\x1b dibuang & <tetap>", None, None, None, None, None, None),
        ]
        content = build([SHEET], [rows])
        assert zipfile.ZipFile(io.BytesIO(content)).testzip() is None
        ws = load_workbook(io.BytesIO(content))["Uji"]
        got = [[c.value for c in row] for row in ws.iter_rows()]
        assert got[0] == [c.header for c in SHEET.columns]
        assert got[1] == [
            "198503142010012003",
            9_007_199_254_740,
            100,
            21_690_000_000_000,
            0.3458,
            datetime(2026, 3, 2),
            datetime(2026, 3, 1, 17, 30, 15),  # stored in UTC
        ]
        assert got[2][:4] == ["  spasi di tepi ", -5, -0.67, 0]
        assert got[3][0] == "kendali dibuang & <tetap>"
        formats = [c.number_format for c in ws[2]]
        assert formats == ["@", "0", "0.00", "#,##0", "0.0000", "yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss"]
        assert ws.auto_filter.ref == "A1:G4"

    def test_several_sheets_each_get_their_rows(self) -> None:
        first = Sheet("Satu", (Column("A"), Column("B", Kind.integer)))
        second = Sheet("Dua", (Column("C", Kind.jp),))
        content = build([first, second], [[("x", 1), ("y", 2)], [(Decimal("1.50"),), (Decimal("2.25"),)]])
        wb = load_workbook(io.BytesIO(content))
        assert wb.sheetnames == ["Satu", "Dua"]
        assert [[c.value for c in r] for r in wb["Satu"].iter_rows()] == [["A", "B"], ["x", 1], ["y", 2]]
        assert [[c.value for c in r] for r in wb["Dua"].iter_rows()] == [["C"], [1.5], [2.25]]

    def test_wrong_rows_are_refused(self) -> None:
        builder = XlsxBuilder([SHEET])
        try:
            with pytest.raises(ValueError):
                builder.add(0, [("terlalu pendek",)])
            with pytest.raises(TypeError):
                builder.add(0, [("x", True, None, None, None, None, None)])  # booleans are not numbers
            with pytest.raises(TypeError):
                builder.add(0, [("x", 1.5, None, None, None, None, None)])  # type: ignore[list-item]  # floats never reach a sheet
        finally:
            builder.close()


class TestCsv:
    def test_values_and_formula_defusing(self) -> None:
        writer = CsvWriter(SHEET)
        head = writer.header()
        assert head.startswith(BOM.encode())
        body = writer.rows(
            [
                (
                    "=1+1",
                    -3,
                    Decimal("-0.67"),
                    21_690_000_000_000,
                    Decimal("0.3458"),
                    date(2026, 3, 2),
                    datetime(2026, 3, 2, 1, 30, tzinfo=WITA),
                ),
                ('+62 812; "kutip"', None, None, None, None, None, datetime(2026, 1, 1, tzinfo=UTC)),
                ("@SUM(A1)", None, None, None, None, None, None),
                ("-catatan", None, None, None, None, None, None),
            ]
        )
        assert writer.count == 4
        rows = list(csv.reader(io.StringIO((head + body).decode("utf-8-sig"), newline=""), delimiter=";"))
        assert rows[0] == [c.header for c in SHEET.columns]
        assert rows[1] == [
            "'=1+1",
            "-3",
            "-0.67",
            "21690000000000",
            "0.3458",
            "2026-03-02",
            "2026-03-01T17:30:00Z",
        ]
        assert rows[2] == ['\'+62 812; "kutip"', "", "", "", "", "", "2026-01-01T00:00:00Z"]
        assert rows[3][0] == "'@SUM(A1)" and rows[4][0] == "'-catatan"
        assert body.count(b"\r\n") == 4
