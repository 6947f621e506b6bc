"""Spreadsheet files: XLSX (openpyxl's package, styles and sheet settings, rows rendered here) and CSV.

openpyxl serialises a cell in about 15 µs, so a 60,000-row sheet would take 10 s in the library
alone. The workbook is therefore built by openpyxl with each sheet's header row only, and the data
rows, rendered here as sheet XML with openpyxl's own style ids, are spliced into each sheet's
`<sheetData>` when the package is written. Everything here is synchronous and CPU-bound: callers
run it in a worker thread.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import IO, Any, TypeAlias

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
# Excel reads a CSV without a byte-order mark in the machine's ANSI code page: "Ni Luh Putu Ayu
# Dewi Saraswati" survives, but any accented name or "≥" would not.
BOM = "\ufeff"
# Indonesian Excel's list separator (Windows id-ID locale); numbers keep a decimal point.
CSV_DELIMITER = ";"
SPOOL_BYTES = 1024 * 1024

Value: TypeAlias = str | int | Decimal | date | datetime | None
Row: TypeAlias = Sequence[Value]


class Kind(StrEnum):
    """How a column's values are stored and shown."""

    text = "text"
    integer = "integer"
    jp = "jp"  # JP and levels: 2 decimals
    pct2 = "pct2"  # percentages reported with 2 decimals
    pct4 = "pct4"  # budget percentages, 4 decimals
    idr = "idr"  # whole rupiah with thousands grouping
    date = "date"
    timestamp = "timestamp"  # UTC


NUMBER_FORMATS = {
    Kind.text: "@",
    Kind.integer: "0",
    Kind.jp: "0.00",
    Kind.pct2: "0.00",
    Kind.pct4: "0.0000",
    Kind.idr: "#,##0",
    Kind.date: "yyyy-mm-dd",
    Kind.timestamp: "yyyy-mm-dd hh:mm:ss",
}


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    kind: Kind = Kind.text
    width: float = 14


@dataclass(frozen=True, slots=True)
class Sheet:
    title: str  # at most 31 characters, Excel's limit
    columns: tuple[Column, ...]


# -- cell values ----------------------------------------------------------------------------------------

_EXCEL_EPOCH = date(1899, 12, 30)
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _number(value: Value) -> str:
    if value.__class__ is int:
        return str(value)
    if isinstance(value, Decimal):
        text = str(value)
        return format(value, "f") if "E" in text else text
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise TypeError(f"not a number: {value!r}")


def _serial(value: Value) -> str:
    """Excel's serial day number (the 1900 date system), with the time of day as a fraction."""
    if isinstance(value, datetime):
        value = value.astimezone(UTC).replace(tzinfo=None)
        delta = value - datetime(1899, 12, 30)
        return repr(delta.days + delta.seconds / 86400)
    if isinstance(value, date):
        return str((value - _EXCEL_EPOCH).days)
    raise TypeError(f"not a date: {value!r}")


def _text(value: Value) -> str:
    return value if isinstance(value, str) else str(value)


def _xml_text(value: Value) -> str:
    s = value if value.__class__ is str else _text(value)
    if not s.isprintable():  # rare: only then look for characters XML cannot carry
        s = _ILLEGAL_XML.sub("", s)
    if "&" in s or "<" in s or ">" in s:
        s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return s


@dataclass(frozen=True, slots=True)
class _Cell:
    """One column's rendering: the XML around a value, given the row number between `head` and `mid`."""

    letter: str
    head: str
    mid: str
    tail: str
    text: bool
    convert: Callable[[Value], str]

    @classmethod
    def of(cls, letter: str, style: int, kind: Kind) -> _Cell:
        if kind is Kind.text:
            mid, tail = f'" s="{style}" t="inlineStr"><is><t>', "</t></is></c>"
        else:
            mid, tail = f'" s="{style}"><v>', "</v></c>"
        return cls(letter, f'<c r="{letter}', mid, tail, kind is Kind.text, _CONVERT.get(kind, _number))


_CONVERT: dict[Kind, Callable[[Value], str]] = {
    Kind.date: _serial,
    Kind.timestamp: _serial,
}


# -- XLSX ----------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Part:
    sheet: Sheet
    ws: WriteOnlyWorksheet
    cells: tuple[_Cell, ...]
    rows: IO[bytes]
    count: int = 0


class XlsxBuilder:
    """A workbook written sheet row batch by row batch, then packaged into `out` by `finish`."""

    HEADER_FONT = Font(bold=True)
    HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
    HEADER_ALIGNMENT = Alignment(vertical="center", wrap_text=True)

    def __init__(self, sheets: Sequence[Sheet]) -> None:
        self._wb = Workbook(write_only=True)
        self._parts: list[_Part] = []
        for sheet in sheets:
            ws = self._wb.create_sheet(sheet.title)
            cells = []
            for i, column in enumerate(sheet.columns, 1):
                styled = WriteOnlyCell(ws)
                styled.number_format = NUMBER_FORMATS[column.kind]
                cells.append(_Cell.of(get_column_letter(i), styled.style_id, column.kind))
            rows = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (closed by close())
            self._parts.append(_Part(sheet, ws, tuple(cells), rows))

    def add(self, index: int, rows: Iterable[Row]) -> int:
        """Append rows to the sheet at `index`; returns how many."""
        part = self._parts[index]
        cells = part.cells
        number = part.count + 1  # row 1 is the header
        out: list[str] = []
        append = out.append
        for row in rows:
            number += 1
            at = str(number)
            append(f'<row r="{at}">')
            for cell, value in zip(cells, row, strict=True):
                if value is None:
                    continue
                if cell.text:
                    s = _xml_text(value)
                    if s[:1].isspace() or s[-1:].isspace():
                        append(f'{cell.head}{at}{cell.mid[:-1]} xml:space="preserve">{s}{cell.tail}')
                    else:
                        append(f"{cell.head}{at}{cell.mid}{s}{cell.tail}")
                else:
                    append(f"{cell.head}{at}{cell.mid}{cell.convert(value)}{cell.tail}")
            append("</row>")
        added = number - 1 - part.count
        part.rows.write("".join(out).encode())
        part.count += added
        return added

    def count(self, index: int) -> int:
        return self._parts[index].count

    def finish(self, out: IO[bytes]) -> None:
        """Write the package: openpyxl's workbook with every sheet's rows spliced in."""
        for part in self._parts:
            self._prepare(part)
        with tempfile.TemporaryFile() as skeleton:
            self._wb.save(skeleton)
            skeleton.seek(0)
            by_path = {part.ws.path.lstrip("/"): part for part in self._parts}
            with (
                zipfile.ZipFile(skeleton) as source,
                zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as target,
            ):
                for info in source.infolist():
                    data = source.read(info)
                    spliced = by_path.get(info.filename)
                    if spliced is None:
                        target.writestr(info, data)
                        continue
                    head, end, tail = data.partition(b"</sheetData>")
                    if not end:
                        raise RuntimeError(f"no sheetData in {info.filename}")
                    # Opened by name: the entry takes the archive's compression and level.
                    with target.open(info.filename, "w") as sink:
                        sink.write(head)
                        spliced.rows.seek(0)
                        shutil.copyfileobj(spliced.rows, sink, 1024 * 1024)
                        sink.write(end + tail)
        self.close()

    def _prepare(self, part: _Part) -> None:
        # types-openpyxl does not declare what a write-only sheet gets from Worksheet._setup().
        ws: Any = part.ws
        columns = part.sheet.columns
        for spec, column in zip(part.cells, columns, strict=True):
            ws.column_dimensions[spec.letter].width = column.width
        ws.freeze_panes = "A2"
        header = []
        for column in columns:
            cell = WriteOnlyCell(ws, value=column.header)
            cell.font = self.HEADER_FONT
            cell.fill = self.HEADER_FILL
            cell.alignment = self.HEADER_ALIGNMENT
            header.append(cell)
        ws.append(header)
        ws.auto_filter.ref = f"A1:{part.cells[-1].letter}{part.count + 1}"

    def close(self) -> None:
        for part in self._parts:
            part.rows.close()


# -- CSV -----------------------------------------------------------------------------------------------

# A cell Excel would read as a formula (CSV injection): such text gets a leading apostrophe.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _csv_value(value: Value, kind: Kind) -> str:
    if value is None:
        return ""
    if kind is Kind.text:
        text = _text(value)
        return "'" + text if text.startswith(_FORMULA_START) else text
    if kind is Kind.timestamp and isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if kind is Kind.date and isinstance(value, date):
        return value.isoformat()
    return _number(value)


class CsvWriter:
    """One sheet as CSV text: the header (after a byte-order mark), then rows batch by batch."""

    def __init__(self, sheet: Sheet) -> None:
        self._kinds = tuple(c.kind for c in sheet.columns)
        self._headers = [c.header for c in sheet.columns]
        self.count = 0

    def _write(self, rows: Iterable[Sequence[str]]) -> bytes:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=CSV_DELIMITER, lineterminator="\r\n")
        writer.writerows(rows)
        return buffer.getvalue().encode()

    def header(self) -> bytes:
        return BOM.encode() + self._write([self._headers])

    def rows(self, rows: Iterable[Row]) -> bytes:
        out = []
        kinds = self._kinds
        for row in rows:
            out.append([_csv_value(v, k) for v, k in zip(row, kinds, strict=True)])
        self.count += len(out)
        return self._write(out)
