"""Reading uploads without a database: encodings, separators, row numbers, and cells as field values."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest

from app.core.errors import DomainError
from app.imports import cells, layouts, reading
from tests.imports.helpers import csv_bytes, xlsx_bytes


class TestSniffAndDecode:
    def test_format_from_content_not_name(self) -> None:
        assert reading.sniff(xlsx_bytes([["nip"]])) == "xlsx"
        assert reading.sniff(b"nip;name\r\n") == "csv"

    @pytest.mark.parametrize(
        ("content", "encoding"),
        [
            ("NIP;Nama\r\n1;Ñoño\r\n".encode(), "utf-8"),
            (b"\xef\xbb\xbf" + "NIP;Nama\r\n1;Ñoño\r\n".encode(), "utf-8-sig"),
            ("NIP;Nama\r\n1;Ñoño\r\n".encode("utf-16"), "utf-16"),
            ("NIP\tNama\r\n1\tÑoño\r\n".encode("utf-16-le"), "utf-16-le"),
            ("NIP\tNama\r\n1\tÑoño\r\n".encode("utf-16-be"), "utf-16-be"),
            ("NIP;Nama\r\n1;Ñoño\r\n".encode("cp1252"), "windows-1252"),
        ],
    )
    def test_encodings(self, content: bytes, encoding: str) -> None:
        table = reading.read_csv(content)
        assert table.encoding == encoding
        assert table.header == ["NIP", "Nama"]
        assert table.rows == [(2, ["1", "Ñoño"])]

    def test_bytes_undefined_in_windows_1252_are_unreadable(self) -> None:
        with pytest.raises(reading.UnreadableFile):
            reading.decode(b"nip,name\r\n1,\x81\x8d\x8f\x90\x9d\xff\xfe\r\n")

    @pytest.mark.parametrize(
        ("line", "expected"),
        [("a;b;c", ";"), ("a,b,c", ","), ("a\tb\tc", "\t"), ("nip", ","), ('"Nama, gelar";NIP', ";")],
    )
    def test_delimiter(self, line: str, expected: str) -> None:
        assert reading._delimiter(line) == expected

    def test_row_numbers_count_records_and_skip_blank_rows(self) -> None:
        content = b'\r\n\r\nnip,name\r\n1,"two\r\nlines"\r\n\r\n2,b\r\n'
        table = reading.read_csv(content)
        assert table.header_row == 3
        assert table.rows == [(4, ["1", "two\r\nlines"]), (6, ["2", "b"])]

    def test_xlsx_header_only_reads_one_data_row(self) -> None:
        content = xlsx_bytes([["nip"], ["1"], ["2"], ["3"]], blank_rows_before=1)
        assert reading.read_xlsx(content, header_only=True).rows == [(3, ["1"])]
        full = reading.read_xlsx(content)
        assert (full.header_row, [n for n, _ in full.rows]) == (2, [3, 4, 5])

    def test_too_many_rows(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(reading, "MAX_ROWS", 3)
        with pytest.raises(reading.TooManyRows):
            reading.read_csv(csv_bytes([["nip"], *([str(i)] for i in range(5))]))
        with pytest.raises(reading.TooManyRows):
            reading.read_xlsx(xlsx_bytes([["nip"], *([str(i)] for i in range(5))]))


class TestCells:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("2026-03-01", date(2026, 3, 1)),
            ("2026-3-1", date(2026, 3, 1)),
            ("2026-03-01 00:00:00", date(2026, 3, 1)),
            ("01/03/2026", date(2026, 3, 1)),
            ("1/3/2026", date(2026, 3, 1)),
            ("01-03-2026", date(2026, 3, 1)),
            ("01.03.2026", date(2026, 3, 1)),
            (datetime(2026, 3, 1, 0, 0), date(2026, 3, 1)),
            (date(2026, 3, 1), date(2026, 3, 1)),
        ],
    )
    def test_dates(self, value: Any, expected: date) -> None:
        assert cells.day(value) == expected

    @pytest.mark.parametrize("value", ["31/02/2026", "03/01/26", "Maret 2026", "2026/03/01", "45000"])
    def test_not_dates(self, value: str) -> None:
        with pytest.raises(cells.CellError):
            cells.day(value)

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("4,5", "4.5"),
            ("4.5", "4.5"),
            ("1.141,5", "1141.5"),
            (" 12 ", "12"),
            (6.75, "6.75"),
            (100 / 45, "2.22"),
            (8, "8"),
        ],
    )
    def test_decimals(self, value: Any, expected: str) -> None:
        assert cells.decimal(value) == Decimal(expected)

    @pytest.mark.parametrize("value", ["empat", "4,5,6", "NaN", "inf", True])
    def test_not_decimals(self, value: Any) -> None:
        with pytest.raises(cells.CellError):
            cells.decimal(value)

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("Rp 18.500.000", 18_500_000),
            ("18,500,000", 18_500_000),
            ("18500000", 18_500_000),
            (250000.0, 250_000),
        ],
    )
    def test_rupiah(self, value: Any, expected: int) -> None:
        assert cells.rupiah(value) == expected

    @pytest.mark.parametrize("value", ["18.500,50", "sejuta", 1.5])
    def test_not_rupiah(self, value: Any) -> None:
        with pytest.raises(cells.CellError):
            cells.rupiah(value)

    @pytest.mark.parametrize(
        ("value", "expected"),
        [(23, 23), (23.0, 23), ("23", 23), ("23,00", 23), (" 7 ", 7)],
    )
    def test_integers(self, value: Any, expected: int) -> None:
        assert cells.integer(value) == expected

    @pytest.mark.parametrize("value", [23.5, "23,5", "dua", True])
    def test_not_integers(self, value: Any) -> None:
        with pytest.raises(cells.CellError):
            cells.integer(value)

    @pytest.mark.parametrize(
        ("value", "expected"),
        [("Ya", True), ("tidak", False), ("TIDAK AKTIF", False), ("aktif", True), (1, True), (False, False)],
    )
    def test_yes_no(self, value: Any, expected: bool) -> None:
        assert cells.boolean(value) is expected

    @pytest.mark.parametrize(
        ("value", "expected"),
        [("L", "male"), ("Laki-laki", "male"), ("p", "female"), ("Perempuan", "female")],
    )
    def test_gender(self, value: str, expected: str) -> None:
        assert cells.gender(value) == expected

    def test_nip(self) -> None:
        assert cells.nip("'198503142010012003") == "198503142010012003"
        assert cells.nip(198503142010012003) == "198503142010012003"  # an exact integer cell
        with pytest.raises(cells.CellError, match="Text"):
            cells.nip(1.98503142010012e17)
        with pytest.raises(cells.CellError, match="scientific"):
            cells.nip("1,98503E+17")

    def test_golongan_and_codes(self) -> None:
        assert [cells.golongan(g) for g in ("iii/A", "IV / e", "ix", "III/a")] == [
            "III/a",
            "IV/e",
            "IX",
            "III/a",
        ]
        assert cells.codes("M1; M4,SK1|T.01\nM2") == ["M1", "M4", "SK1", "T.01", "M2"]
        assert cells.text(8.0) == "8" and cells.code(16) == "16"


class TestLayouts:
    def test_headers_match_by_field_header_or_alias(self) -> None:
        mapping = layouts.match(
            layouts.ASN_LAYOUT, ["NIP", "nama_lengkap", "JENIS-KEPEGAWAIAN", " id unit ", "Catatan", ""]
        )
        assert [(i, c.field) for i, c in mapping.positions] == [
            (0, "nip"),
            (1, "name"),
            (2, "employment_type"),
            (3, "unit_id"),
        ]
        assert mapping.ignored == ("Catatan",)

    def test_a_bad_cell_keeps_the_nip_for_the_report(self) -> None:
        mapping = layouts.match(layouts.ASN_LAYOUT, ["nip", "name", "employment_type", "unit_id"])
        row = layouts.parse_row(mapping, 7, [1.98503142010012e17, "Budi", "pns", "x"])
        assert (row.number, row.error_field) == (7, "nip")
        assert row.values["nip"] == "198503142010012000" and row.values["name"] == "Budi"

    def test_errors_are_domain_errors(self) -> None:
        with pytest.raises(DomainError) as caught:
            layouts.match(layouts.LEARNING_LAYOUT, ["nip"])
        assert caught.value.status == 422
