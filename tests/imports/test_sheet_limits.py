"""Workbooks cost what they hold: declared sizes, far-apart cells, blank rows, shared and repeated text.

The attack files are built by hand with zipfile, as an attacker would write them. Reading cost is
measured in a fresh interpreter (peak RSS growth and CPU time of `reading.read` alone).
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.core.config import Settings
from app.imports import reading
from tests.factories import World, make_nip
from tests.http import as_, problem
from tests.imports.helpers import ASN_HEADER, RECORD_HEADER, count, run_import, upload, xlsx_bytes

BPSDM = "bpsdm"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
ODS_MIME = "application/vnd.oasis.opendocument.spreadsheet"

Cells = Sequence[tuple[int, Any]]


def column_letters(number: int) -> str:
    name = ""
    while number:
        number, rest = divmod(number - 1, 26)
        name = chr(65 + rest) + name
    return name


def xlsx(
    rows: Iterable[tuple[int, Cells]], *, dimension: str | None = None, shared: Sequence[str] = ()
) -> bytes:
    """A workbook whose one sheet holds `rows` (row number, [(column number, value)])."""
    xml: list[str] = []
    for number, cells in rows:
        out = []
        for column, value in cells:
            ref = f"{column_letters(column)}{number}"
            if isinstance(value, int | float):
                out.append(f'<c r="{ref}"><v>{value}</v></c>')
            elif isinstance(value, tuple):  # ("s", index): a shared string
                out.append(f'<c r="{ref}" t="s"><v>{value[1]}</v></c>')
            else:
                out.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>')
        xml.append(f'<row r="{number}">{"".join(out)}</row>')
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    strings = "".join(f"<si><t>{escape(s)}</t></si>" for s in shared)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
            f'Type="{DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}"><sheets>'
            '<sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{RELS}">'
            f'<Relationship Id="rId1" Type="{DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{DOC_RELS}/sharedStrings" Target="sharedStrings.xml"/>'
            "</Relationships>",
        )
        archive.writestr("xl/sharedStrings.xml", f'<sst xmlns="{MAIN}">{strings}</sst>')
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            f'<worksheet xmlns="{MAIN}">{declared}<sheetData>{"".join(xml)}</sheetData></worksheet>',
        )
    return buffer.getvalue()


def ods_row(values: Sequence[Any], *, repeated: int = 1, cell_repeated: int = 1) -> str:
    cells = []
    for value in values:
        times = f' table:number-columns-repeated="{cell_repeated}"' if cell_repeated > 1 else ""
        if value is None:
            cells.append(f"<table:table-cell{times}/>")
        elif isinstance(value, int | float):
            cells.append(
                f'<table:table-cell{times} office:value-type="float" office:value="{value}">'
                f"<text:p>{value}</text:p></table:table-cell>"
            )
        else:
            cells.append(
                f'<table:table-cell{times} office:value-type="string"><text:p>{escape(value)}</text:p>'
                "</table:table-cell>"
            )
    times = f' table:number-rows-repeated="{repeated}"' if repeated > 1 else ""
    return f"<table:table-row{times}>{''.join(cells)}</table:table-row>"


def ods(rows_xml: str) -> bytes:
    """An OpenDocument spreadsheet as LibreOffice lays it out: `mimetype` first and stored."""
    content = (
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Data">'
        f"{rows_xml}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), ODS_MIME, compress_type=zipfile.ZIP_STORED)
        archive.writestr(
            "META-INF/manifest.xml",
            '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
            f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{ODS_MIME}"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
            "</manifest:manifest>",
        )
        archive.writestr("content.xml", content)
    return buffer.getvalue()


def header(names: Sequence[str]) -> tuple[int, Cells]:
    return 1, [(i, name) for i, name in enumerate(names, start=1)]


def declared_dimension_attack() -> bytes:
    """Issue 13: `A1:XFD20001` declared, one real cell per row."""
    rows = [header(RECORD_HEADER), *((n, [(1, "x")]) for n in range(2, 20_002))]
    return xlsx(rows, dimension="A1:XFD20001")


def far_rows_attack(dimension: str | None = "A1:XFD20000") -> bytes:
    """Issue 13: a header, one row at 2 and one at 20,000 (41 s of CPU before)."""
    return xlsx([header(RECORD_HEADER), (2, [(1, "a")]), (20_000, [(1, "b")])], dimension=dimension)


_MEASURE = """
import json, resource, sys
from app.imports import reading
data = sys.stdin.buffer.read()
before = resource.getrusage(resource.RUSAGE_SELF)
try:
    outcome = len(reading.read(data, reading.sniff(data)).rows)
except Exception as exc:
    outcome = getattr(exc, "code", type(exc).__name__)
after = resource.getrusage(resource.RUSAGE_SELF)
cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
print(json.dumps({"outcome": outcome, "rss_mb": (after.ru_maxrss - before.ru_maxrss) / 1024, "cpu": cpu}))
"""


def reading_cost(content: bytes) -> dict[str, Any]:
    """Read `content` in a fresh interpreter: its outcome (rows or error code), peak RSS growth, CPU."""
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE],
        input=content,
        capture_output=True,
        check=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[2],
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


class TestAttacksOfIssue13:
    async def test_declared_dimension_is_refused_at_upload(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        content = declared_dimension_attack()
        r = await upload(client, "learning-records", content, as_(settings, world, BPSDM), filename="a.xlsx")
        body = problem(r, 422, "sheet_too_large")
        assert body["found"] == {"rows": 20_001, "columns": 16_384}
        assert body["limits"] == {"rows": reading.MAX_ROWS + 1, "columns": reading.MAX_COLUMNS}
        assert "16,384 columns" in body["detail"] and "256 columns" in body["detail"]
        listed = await client.get("/api/v1/imports", headers=as_(settings, world, BPSDM))
        assert listed.json()["total"] == 0

    def test_declared_dimension_costs_nothing_to_refuse(self) -> None:
        cost = reading_cost(declared_dimension_attack())
        assert cost["outcome"] == "sheet_too_large"
        assert cost["rss_mb"] < 100 and cost["cpu"] < 2, cost

    async def test_far_apart_rows_are_refused_or_read_cheaply(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        headers = as_(settings, world, BPSDM)
        declared = far_rows_attack()
        body = problem(await upload(client, "learning-records", declared, headers), 422, "sheet_too_large")
        assert body["found"] == {"rows": 20_000, "columns": 16_384}
        cost = reading_cost(declared)
        assert cost["outcome"] == "sheet_too_large" and cost["rss_mb"] < 100 and cost["cpu"] < 2, cost
        # Without the declaration the 19,997 blank rows between are walked, not padded.
        plain = far_rows_attack(dimension=None)
        job = await run_import(client, "learning-records", plain, headers)
        assert (job["status"], job["total"], job["failed"]) == ("succeeded", 2, 2)
        assert [e["row"] for e in job["errors"]] == [2, 20_000]
        cost = reading_cost(plain)
        assert cost["outcome"] == 2
        assert cost["rss_mb"] < 100 and cost["cpu"] < 2, cost


class TestSpreadOutSheets:
    async def test_blank_rows_count_toward_the_row_limit(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        content = xlsx([header(ASN_HEADER), (2, [(1, "a")]), (reading.MAX_ROWS + 2, [(1, "b")])])
        r = await upload(client, "asn", content, as_(settings, world, BPSDM), filename="a.xlsx")
        body = problem(r, 422, "too_many_rows")
        assert body["found"]["rows"] == reading.MAX_ROWS + 2

    async def test_two_cells_at_opposite_corners_are_refused_before_the_reader_runs(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        # The reader would ask for a 200,000 x 256 grid (1.6 GB) for two cells.
        content = xlsx([header(["nip"]), (200_000, [(256, "z")])])
        body = problem(
            await upload(client, "asn", content, as_(settings, world, BPSDM)), 422, "sheet_too_large"
        )
        assert body["found"] == {"rows": 200_000, "columns": 256, "cells": 2}
        cost = reading_cost(content)
        assert cost["outcome"] == "sheet_too_large" and cost["rss_mb"] < 100, cost

    def test_a_cell_at_xfd1048576_does_not_abort_the_process(self) -> None:
        # python-calamine alone aborts the interpreter asking for 512 GB.
        cost = reading_cost(xlsx([header(["nip"]), (1_048_576, [(16_384, "z")])]))
        assert cost["outcome"] == "too_many_rows" and cost["rss_mb"] < 100, cost

    async def test_a_shared_string_used_by_many_cells_is_refused(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        # 12 KB of file; the reader copies the 100 KB string into every cell (2 GB).
        rows = [header(ASN_HEADER), *((n, [(1, ("s", 0))]) for n in range(2, 20_002))]
        content = xlsx(rows, shared=["x" * 100_000])
        body = problem(
            await upload(client, "asn", content, as_(settings, world, BPSDM)), 422, "sheet_too_large"
        )
        assert "MB of text" in body["detail"]
        cost = reading_cost(content)
        assert cost["outcome"] == "sheet_too_large" and cost["rss_mb"] < 100, cost

    @pytest.mark.parametrize(
        ("rows_xml", "code"),
        [
            (ods_row(["nip", "name"]) + ods_row(["1", "b"], repeated=1_000_000), "too_many_rows"),
            (ods_row(["nip"]) + ods_row(["x"], cell_repeated=16_000), "sheet_too_large"),
            (ods_row(["nip"]) + ods_row(["x" * 10_000], repeated=20_000), "sheet_too_large"),
        ],
        ids=["rows-repeated", "columns-repeated", "text-repeated"],
    )
    async def test_ods_repeats_are_counted_as_the_reader_expands_them(
        self, client: httpx.AsyncClient, settings: Settings, world: World, rows_xml: str, code: str
    ) -> None:
        content = ods(rows_xml)
        assert len(content) < 2_000
        problem(
            await upload(client, "asn", content, as_(settings, world, BPSDM), filename="a.ods"), 422, code
        )
        cost = reading_cost(content)
        assert cost["outcome"] == code and cost["rss_mb"] < 100, cost

    def test_trailing_empty_rows_and_columns_cost_nothing(self) -> None:
        # LibreOffice ends every sheet with the rest of its 1,048,576 rows as one empty repeated row.
        rows_xml = (
            ods_row(["nip", "name", None], cell_repeated=1)
            + ods_row(["1", "b", None])
            + ods_row([None], repeated=1_048_574, cell_repeated=1024)
        )
        table = reading.read(ods(rows_xml), reading.ODS)
        assert (table.header, table.rows) == (["nip", "name"], [(2, ["1", "b"])])


def profile(nip: str, world: World, name: str) -> list[Any]:
    return [nip, name, "pns", world.unit_a.id, "III/b", f"p{nip}@kaltimprov.go.id"]


class TestOtherWorkbooks:
    async def test_an_ods_imports_like_the_same_xlsx(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        outcomes = []
        for kind in ("xlsx", "ods"):
            nips = [make_nip() for _ in range(3)]
            rows = [ASN_HEADER, profile(nips[0], world, "Budi"), profile(nips[1], world, "Rina")]
            rows.append([nips[2], "Salah", "pns", world.unit_a.id, "IX", None])  # a PPPK golongan on a PNS
            if kind == "xlsx":
                content = xlsx_bytes(rows, blank_rows_before=1)
            else:
                content = ods(ods_row([None]) + "".join(ods_row(r) for r in rows))
            job = await run_import(client, "asn", content, as_(settings, world, BPSDM), filename=f"p.{kind}")
            assert await count(session, Asn, Asn.nip.in_(nips[:2])) == 2
            outcomes.append(
                (
                    job["status"],
                    job["total"],
                    job["created"],
                    job["failed"],
                    [e["row"] for e in job["errors"]],
                )
            )
        assert outcomes[0] == outcomes[1] == ("succeeded", 3, 2, 1, [5])

    def test_a_header_away_from_column_a_stays_aligned(self) -> None:
        content = xlsx([(3, [(2, "nip"), (3, "name")]), (4, [(2, "1"), (3, "Budi")]), (5, [(3, "Rina")])])
        table = reading.read(content, reading.sniff(content))
        assert (table.header_row, table.header, table.rows) == (
            3,
            ["nip", "name"],
            [(4, ["1", "Budi"]), (5, [None, "Rina"])],
        )

    async def test_a_damaged_xlsb_is_named(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("xl/workbook.bin", b"\x83\x01\x00")
        r = await upload(client, "asn", buffer.getvalue(), as_(settings, world, BPSDM), filename="a.xlsb")
        assert "XLSB workbook is damaged" in problem(r, 422, "unreadable_file")["detail"]
