""".xls and .xlsb workbooks import like XLSX and cost what they hold, as test_sheet_limits checks for
XLSX and ODS. Every attack file here makes python-calamine alone abort the interpreter, hold 1-3 GB,
or run for minutes; measured in a fresh interpreter they are refused for a few MB and milliseconds.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Callable
from typing import Any

import httpx
import pytest
import xlwt  # type: ignore[import-untyped]
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.core.config import Settings
from app.imports import reading
from tests.factories import World, make_nip
from tests.http import as_, problem
from tests.imports import binary_workbooks as books
from tests.imports.helpers import ASN_HEADER, RECORD_HEADER, count, run_import, upload, xlsx_bytes
from tests.imports.test_sheet_limits import BPSDM, profile, reading_cost

HEADER = [(0, [(i, name) for i, name in enumerate(RECORD_HEADER)])]


def xls_from_xlwt(rows: list[list[Any]]) -> bytes:
    """A workbook as a real writer makes it (xlwt writes what Excel 97-2003 reads)."""
    workbook = xlwt.Workbook()
    sheet = workbook.add_sheet("Data")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r + 1, c, value)  # a blank first row, as the XLSX in the ODS test has
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsb_from_rows(rows: list[list[Any]]) -> bytes:
    shared = sorted({v for row in rows for v in row if isinstance(v, str)})
    index = {text: i for i, text in enumerate(shared)}
    cells = [
        (
            r + 1,
            [(c, ("s", index[v]) if isinstance(v, str) else v) for c, v in enumerate(row) if v is not None],
        )
        for r, row in enumerate(rows)
    ]
    return books.xlsb(cells, shared=shared)


class TestXlsAndXlsbImportLikeXlsx:
    async def test_the_same_rows_import_the_same_way(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        outcomes = []
        for kind in ("xlsx", "xls", "xlsb"):
            nips = [make_nip() for _ in range(3)]
            rows = [ASN_HEADER, profile(nips[0], world, "Budi"), profile(nips[1], world, "Rina")]
            rows.append([nips[2], "Salah", "pns", world.unit_a.id, "IX", None])  # a PPPK golongan on a PNS
            if kind == "xlsx":
                content = xlsx_bytes(rows, blank_rows_before=1)
            elif kind == "xls":
                content = xls_from_xlwt(rows)
            else:
                content = xlsb_from_rows(rows)
            assert reading.sniff(content) == kind
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
        assert outcomes[0] == outcomes[1] == outcomes[2] == ("succeeded", 3, 2, 1, [5])

    def test_an_xls_with_many_sheets_reads_the_first(self) -> None:
        first = books.cell_records([(0, [(0, "nip"), (1, "name")]), (1, [(0, "1"), (1, "Budi")])])
        other = books.cell_records([(0, [(0, "other")])])
        content = books.ole(books.biff([books.dimensions(0, 2, 0, 2) + first, other]))
        table = reading.read(content, reading.sniff(content))
        assert (table.header, table.rows) == (["nip", "name"], [(2, ["1", "Budi"])])

    def test_blank_rows_of_an_xls_are_walked_not_padded(self) -> None:
        # 65,536 rows is all an Excel 97-2003 sheet has; the rows between are numbered, not held.
        content = books.xls([*HEADER, (1, [(0, "a")]), (65_535, [(0, "b")])])
        cost = reading_cost(content)
        assert cost["outcome"] == 2 and cost["rss_mb"] < 100 and cost["cpu"] < 2, cost
        table = reading.read(content, reading.XLS)
        assert [number for number, _ in table.rows] == [2, 65_536]


def label_capacity_attack() -> bytes:
    """200,000 labels each claiming 65,535 characters and holding one: the reader allocates the
    claim (13 GB) and aborts."""
    labels = (
        books.record(0x0204, struct.pack("<HHHHB", n % 60_000 + 1, n // 60_000, 0, 65_535, 0) + b"x")
        for n in range(200_000)
    )
    return books.xls(HEADER, extra=b"".join(labels))


def formula_spaces_attack() -> bytes:
    """Formulas of 2,000 tokens each inserting 255 spaces before the text built so far: the reader
    moves 10^11 bytes rebuilding them (still running after a minute)."""
    tokens = b"\x1e\x01\x00" + b"\x19\x40\x00\xff" * 2000
    body = struct.pack("<Hd", 0, 1.0) + struct.pack("<HI", 0, 0) + struct.pack("<H", len(tokens)) + tokens
    formulas = (books.record(0x0006, struct.pack("<HH", n + 1, 0) + body) for n in range(50))
    return books.xls(HEADER, extra=b"".join(formulas))


def record_size_attack() -> bytes:
    """One record stating 256 MB in a 1.3 KB file: the reader allocates it before reading."""
    return books.xlsb_package(books.xlsb_cells(HEADER) + b"\x01\xff\xff\xff\x7f", dimension=(0, 1, 0, 5))


ATTACKS: dict[str, tuple[Callable[[], bytes], str]] = {
    # One cell at the far corner: a 65,536 x 256 grid (1.1 GB held by the reader alone).
    "xls-far-corner": (lambda: books.xls([*HEADER, (65_535, [(255, "z")])]), "sheet_too_large"),
    "xlsb-far-corner": (lambda: books.xlsb([*HEADER, (200_000, [(255, "z")])]), "sheet_too_large"),
    # A declared dimension beyond the limits (the .xls reader reserves it and aborts).
    "xls-declared": (
        lambda: books.xls(
            [*HEADER, *((n, [(0, "x")]) for n in range(1, 2000))],
            declared=books.dimensions(0, 1_000_000, 0, 16_384),
        ),
        "sheet_too_large",
    ),
    "xls-declared-backwards": (
        lambda: books.xls([*HEADER, (1, [(0, "x")])], declared=books.dimensions(5, 2, 0, 6)),
        "sheet_too_large",
    ),
    "xlsb-declared": (
        lambda: books.xlsb(
            [*HEADER, *((n, [(0, "x")]) for n in range(1, 20_001))], dimension=(0, 1_048_575, 0, 16_383)
        ),
        "sheet_too_large",
    ),
    # Blank rows count toward the row limit.
    "xlsb-blank-rows": (
        lambda: books.xlsb([*HEADER, (1, [(0, "a")]), (300_000, [(0, "b")])]),
        "too_many_rows",
    ),
    # One 60,000-character shared string in 20,000 cells: 1.2 GB of copies (2.3-2.9 GB held).
    "xls-shared-string": (
        lambda: books.xls(
            [*HEADER, *((n, [(0, ("s", 0))]) for n in range(1, 20_001))], shared=["x" * 60_000]
        ),
        "sheet_too_large",
    ),
    "xlsb-shared-string": (
        lambda: books.xlsb(
            [*HEADER, *((n, [(0, ("s", 0))]) for n in range(1, 20_001))], shared=["x" * 60_000]
        ),
        "sheet_too_large",
    ),
    "xls-label-capacity": (label_capacity_attack, "sheet_too_large"),
    "xls-formula-spaces": (formula_spaces_attack, "sheet_too_large"),
    "xlsb-record-size": (record_size_attack, "unreadable_file"),
    # A directory chain that loops: the reader follows it for ever.
    "xls-directory-loop": (lambda: books.ole(books.biff([b""]), directory_loops=True), "unreadable_file"),
}


class TestBinaryAttacks:
    @pytest.mark.parametrize("name", list(ATTACKS))
    async def test_refused_at_upload_for_little(
        self, client: httpx.AsyncClient, settings: Settings, world: World, name: str
    ) -> None:
        build, code = ATTACKS[name]
        content = build()
        suffix = name.split("-", 1)[0]
        r = await upload(
            client, "learning-records", content, as_(settings, world, BPSDM), filename=f"a.{suffix}"
        )
        problem(r, 422, code)
        listed = await client.get("/api/v1/imports", headers=as_(settings, world, BPSDM))
        assert listed.json()["total"] == 0
        cost = reading_cost(content)
        assert cost["outcome"] == code and cost["rss_mb"] < 100 and cost["cpu"] < 2, cost

    async def test_what_was_declared_is_named(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        headers = as_(settings, world, BPSDM)
        for name, found in (
            ("xls-declared", {"rows": 1_000_000, "columns": 16_384}),
            ("xlsb-declared", {"rows": 1_048_576, "columns": 16_384}),
        ):
            body = problem(await upload(client, "asn", ATTACKS[name][0](), headers), 422, "sheet_too_large")
            assert body["found"] == found
            assert body["limits"] == {"rows": reading.MAX_ROWS + 1, "columns": reading.MAX_COLUMNS}

    async def test_the_far_corner_is_named(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        content = ATTACKS["xls-far-corner"][0]()
        body = problem(
            await upload(client, "asn", content, as_(settings, world, BPSDM)), 422, "sheet_too_large"
        )
        assert body["found"] == {"rows": 65_536, "columns": 256, "cells": 7}


def zip_with(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


class TestWhatTheReaderWouldOpenIsWhatIsScanned:
    def test_an_xls_with_a_zip_appended_is_refused(self) -> None:
        # The reader opens the ZIP as XLSX when the .xls fails to open.
        content = books.xls(HEADER) + zip_with({"a.txt": b"a"})
        with pytest.raises(reading.UnreadableFile, match="ZIP"):
            reading.sniff(content)

    def test_a_package_of_two_kinds_is_refused(self) -> None:
        xlsb = zipfile.ZipFile(io.BytesIO(books.xlsb(HEADER)))
        parts = {name: xlsb.read(name) for name in xlsb.namelist()}
        parts["content.xml"] = b"<office:document-content/>"
        with pytest.raises(reading.UnreadableFile, match="more than one kind"):
            reading.sniff(zip_with(parts))

    def test_an_xlsx_read_from_another_folder_is_refused(self) -> None:
        workbook = zipfile.ZipFile(io.BytesIO(xlsx_bytes([["nip"], ["1"]])))
        parts = {name.replace("xl/", "data/"): workbook.read(name) for name in workbook.namelist()}
        parts["_rels/.rels"] = parts["_rels/.rels"].replace(b"xl/workbook.xml", b"data/workbook.xml")
        parts["xl/workbook.xml"] = workbook.read("xl/workbook.xml")
        with pytest.raises(reading.UnreadableFile, match="unusual layout"):
            reading.sniff(zip_with(parts))

    def test_parts_that_differ_only_in_case_are_refused(self) -> None:
        workbook = zipfile.ZipFile(io.BytesIO(xlsx_bytes([["nip"], ["1"]])))
        parts = {name: workbook.read(name) for name in workbook.namelist()}
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for name, data in [*parts.items(), ("XL/Worksheets/Sheet1.xml", b"<worksheet/>")]:
                archive.writestr(name, data)
        with pytest.raises(reading.UnreadableFile, match="same name"):
            reading.sniff(buffer.getvalue())

    async def test_a_word_document_is_named(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        content = books.ole(b"\x00" * 5000, name="WordDocument")
        r = await upload(client, "asn", content, as_(settings, world, BPSDM), filename="a.doc")
        assert "not a readable workbook" in problem(r, 422, "unreadable_file")["detail"]
