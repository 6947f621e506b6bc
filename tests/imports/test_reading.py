"""One reader for every upload: imports and webinar attendance read the same file the same way.

The files here are an ASN import and a participant report at once (a `name`, an `email` and a
`duration` column), so both paths read the very same bytes: through `reading` and the attendance
parser, and through both upload endpoints.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.imports import cells, reading
from app.imports.attendance_layouts import ZOOM, parse_report
from tests.factories import World, make_nip
from tests.http import as_
from tests.imports.helpers import ASN_HEADER, csv_bytes, job_rows, run_import, xlsx_bytes
from tests.imports.test_attendance import SESSION
from tests.imports.test_import_asn import person, stored
from tests.imports.test_sheet_limits import ods, ods_row
from tests.imports.test_sheet_limits_binary import xls_from_xlwt, xlsb_from_rows

HEADER = [*ASN_HEADER, "duration"]
NAMES = ["Anaïs Pérez-Müller", "Siti Rahmawati", "I Gusti Ayu Ngurah"]  # all in Windows-1252 too
# Ā is U+0100: in UTF-16 it has a NUL byte, as an ASCII character has, but in the other byte of the pair.
NUL_BYTE_NAME = "Ānanda Āditya"


def rows_of(names: list[str]) -> list[list[Any]]:
    nip = "198703152010012002"
    return [HEADER, *([nip, name, "pns", 1, "III/b", f"p{i}@x.id", 90] for i, name in enumerate(names))]


def _read_by_both(content: bytes) -> tuple[list[tuple[int, str, str]], list[tuple[int, str, str | None]]]:
    """(row, name, email) of each person as the import reads them, and as the attendance parser does."""
    table = reading.read(content, reading.sniff(content))
    name, email = table.header.index("name"), table.header.index("email")
    imported = [(n, cells.text(row[name]), cells.lower(row[email])) for n, row in table.rows]
    report = parse_report(content)
    assert report.layout == ZOOM
    return imported, [(stay.line, stay.name, stay.email) for stay in report.stays]


ENCODINGS: dict[str, tuple[Callable[[list[list[Any]]], bytes], str]] = {
    "utf-8": (lambda rows: csv_bytes(rows), "utf-8"),
    "utf-8 with BOM": (lambda rows: csv_bytes(rows, delimiter=";", bom=True), "utf-8-sig"),
    "utf-16-le with BOM": (
        lambda rows: codecs.BOM_UTF16_LE + csv_bytes(rows, delimiter="\t", encoding="utf-16-le"),
        "utf-16",
    ),
    "utf-16-be with BOM": (
        lambda rows: codecs.BOM_UTF16_BE + csv_bytes(rows, delimiter="\t", encoding="utf-16-be"),
        "utf-16",
    ),
    "utf-16-le": (lambda rows: csv_bytes(rows, delimiter="\t", encoding="utf-16-le"), "utf-16-le"),
    "utf-16-be": (lambda rows: csv_bytes(rows, delimiter="\t", encoding="utf-16-be"), "utf-16-be"),
    "windows-1252": (lambda rows: csv_bytes(rows, delimiter=";", encoding="cp1252"), "windows-1252"),
}


def workbook(kind: str, rows: list[list[Any]]) -> bytes:
    """`rows` below one blank row, as each format's writer lays them out."""
    if kind == "xlsx":
        return xlsx_bytes(rows, blank_rows_before=1)
    if kind == "xls":
        return xls_from_xlwt(rows)
    if kind == "xlsb":
        return xlsb_from_rows(rows)
    return ods(ods_row([None]) + "".join(ods_row(row) for row in rows))


class TestTheSameFileReadsTheSameOnBothPaths:
    @pytest.mark.parametrize("encoding", list(ENCODINGS))
    def test_csv_in_every_encoding(self, encoding: str) -> None:
        write, label = ENCODINGS[encoding]
        content = write(rows_of(NAMES))
        imported, attended = _read_by_both(content)
        assert imported == attended == [(i + 2, name, f"p{i}@x.id") for i, name in enumerate(NAMES)]
        assert reading.read_csv(content).encoding == label

    @pytest.mark.parametrize("kind", ["xlsx", "xls", "xlsb", "ods"])
    def test_every_workbook_format(self, kind: str) -> None:
        names = [*NAMES, NUL_BYTE_NAME]
        content = workbook(kind, rows_of(names))
        assert reading.sniff(content) == kind
        imported, attended = _read_by_both(content)
        assert imported == attended == [(i + 3, name, f"p{i}@x.id") for i, name in enumerate(names)]


class TestWhereTheyDisagreedBefore:
    """Imports and attendance had a decoder each; these files were read by one and refused by the other."""

    @pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
    def test_utf16_without_bom_with_a_nul_byte_in_either_place_of_a_pair(self, encoding: str) -> None:
        # The import's detector wanted NULs in one byte of each pair only and called this binary.
        content = csv_bytes(rows_of([NUL_BYTE_NAME]), delimiter="\t", encoding=encoding)
        imported, attended = _read_by_both(content)
        assert imported == attended == [(2, NUL_BYTE_NAME, "p0@x.id")]
        assert reading.read_csv(content).encoding == encoding

    @pytest.mark.parametrize("kind", ["xls", "xlsb", "ods"])
    def test_attendance_reads_the_workbooks_imports_read(self, kind: str) -> None:
        # Attendance read only XLSX (with openpyxl); it called these binary.
        content = workbook(kind, rows_of(NAMES))
        assert [stay.name for stay in parse_report(content).stays] == NAMES

    def test_a_cell_over_several_lines_counts_as_one_row(self) -> None:
        # Attendance numbered the file's lines; rows are numbered as Excel shows them.
        content = csv_bytes(rows_of(["Siti\nRahmawati", "Budi"]))
        imported, attended = _read_by_both(content)
        assert [n for n, _, _ in imported] == [n for n, _, _ in attended] == [2, 3]

    def test_control_characters_are_refused_on_both_paths(self) -> None:
        # Attendance let up to ten through in the first 20,000 characters (and any after them).
        content = csv_bytes(rows_of(["Siti\x0bRahmawati"]))
        for read in (lambda: reading.read(content, reading.sniff(content)), lambda: parse_report(content)):
            with pytest.raises(reading.UnreadableFile):
                read()


def _two_sheets(second: Callable[[Any], None]) -> bytes:
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = "1. Summary"
    summary.append(["Meeting title", "Webinar Literasi Digital ASN"])
    sheet = book.create_sheet("2. Participants")
    second(sheet)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class TestSheets:
    def test_attendance_finds_the_report_on_a_later_sheet_imports_read_the_first(self) -> None:
        def participants(sheet: Any) -> None:
            for row in rows_of(NAMES):
                sheet.append(row)

        content = _two_sheets(participants)
        assert [(stay.line, stay.name) for stay in parse_report(content).stays] == list(
            zip((2, 3, 4), NAMES, strict=True)
        )
        assert reading.read(content, reading.XLSX).header == ["Meeting title", "Webinar Literasi Digital ASN"]

    def test_a_chart_sheet_between_them_is_passed_over(self) -> None:
        book = Workbook()
        summary = book.active
        assert summary is not None
        summary.append(["Meeting title", 90])
        chart = BarChart()
        chart.add_data(Reference(summary, min_col=2, max_col=2, min_row=1, max_row=1))
        book.create_chartsheet("Chart").add_chart(chart)
        participants = book.create_sheet("Participants")
        for row in rows_of(NAMES):
            participants.append(row)
        out = io.BytesIO()
        book.save(out)
        assert [stay.name for stay in parse_report(out.getvalue()).stays] == NAMES

    def test_a_later_sheet_beyond_the_limits_is_refused_before_it_is_loaded(self) -> None:
        def far_corner(sheet: Any) -> None:
            sheet["A1"], sheet["XFD1048576"] = "Name", "x"

        with pytest.raises(reading.TooManyRows, match=r"^Sheet 2 has data down to row 1,048,576"):
            parse_report(_two_sheets(far_corner))

    def test_a_workbook_listing_its_sheets_otherwise_than_the_reader_is_refused(self) -> None:
        # A sheet element in a comment: the scan would measure the small sheet, the reader load the wide one.
        def wide(sheet: Any) -> None:
            sheet.append([f"c{i}" for i in range(300)])

        buffer = io.BytesIO()
        with (
            zipfile.ZipFile(io.BytesIO(_two_sheets(wide))) as source,
            zipfile.ZipFile(buffer, "w") as target,
        ):
            for item in source.infolist():
                data = source.read(item)
                if item.filename == "xl/workbook.xml":
                    data = re.sub(rb"(<sheet [^>]*/>)", rb"<!--\1-->", data, count=1)
                target.writestr(item, data)
        content = buffer.getvalue()
        for read in (lambda: reading.read(content, reading.XLSX), lambda: parse_report(content)):
            with pytest.raises(reading.UnreadableFile, match="lists its sheets"):
                read()


class TestThroughBothEndpoints:
    @pytest.mark.parametrize("kind", ["utf-16-le", "xlsx", "xls", "xlsb", "ods"])
    async def test_an_import_and_then_the_same_file_as_a_participant_report(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession, kind: str
    ) -> None:
        nip = make_nip()
        rows = [HEADER, [*person(nip, world, name=NUL_BYTE_NAME, email=f"{nip}@x.id"), 90]]
        if kind == "utf-16-le":
            content, first = csv_bytes(rows, delimiter="\t", encoding=kind), 2
        else:
            content, first = workbook(kind, rows), 3
        headers = as_(settings, world, "bpsdm")
        imported = await run_import(client, "asn", content, headers, filename=f"a.{kind}")
        assert (imported["status"], imported["created"], imported["failed"]) == ("succeeded", 1, 0)
        assert imported["summary"]["ignored_columns"] == ["duration"]
        assert (await stored(session, nip)).name == NUL_BYTE_NAME  # type: ignore[union-attr]
        # The profile the file made is the participant the same file names.
        attended = await run_import(
            client, "attendance", content, headers, filename=f"a.{kind}", data=SESSION
        )
        assert (attended["status"], attended["created"]) == ("succeeded", 1)
        lines = await job_rows(session, attended["id"])
        assert [(line.row, line.nip, line.name, line.outcome) for line in lines] == [
            (first, nip, NUL_BYTE_NAME, "matched")
        ]
