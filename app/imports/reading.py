"""Uploaded spreadsheets as rows: the format sniffed from the content, CSV decoded, workbooks read.

The one reader of uploads: imports take a `Table` (the first sheet, its header the first non-empty
row), webinar attendance every `grids` reading, in which it looks for a meeting report's header.
A CSV may come from any Excel or meeting tool: UTF-8 with or without a byte-order mark, UTF-16
("Unicode text", Teams' reports; with or without a byte-order mark), or the Windows ANSI code page
(Windows-1252) when its bytes are not UTF-8; fields are separated by `,`, `;` (Indonesian Excel's
list separator) or tabs. A workbook (XLSX, ODS from LibreOffice / WPS, or the Excel 97-2003 .xls and
binary .xlsb that offices still send) is read by python-calamine; before the reader loads a sheet,
`sheet_scan` (`sheet_scan_binary` for .xls and .xlsb) measures where its cells really are and the
sheet is refused when that, or what it declares, is beyond the limits below.
The reader picks the format itself, trying .xls, XLSX, .xlsb and ODS in turn until one opens, so a
file that more than one of them could open is refused: the one scanned must be the one read.
Everything here is synchronous and CPU-bound: callers run it in a worker thread.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum

from app.core.errors import PayloadTooLarge, Unprocessable
from app.core.i18n import msg
from app.imports import sheet_scan, sheet_scan_binary
from app.imports.sheet_scan import Footprint, SheetTooLarge, sheet_object, sheet_subject

CSV, XLSX, ODS, XLS, XLSB = "csv", "xlsx", "ods", "xls", "xlsb"
WORKBOOKS = (XLSX, ODS, XLS, XLSB)
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# Far more than a province has ASN; a workbook this size that unpacks to more rows is refused.
# A sheet may reach row MAX_ROWS + 1 (a header and MAX_ROWS rows), blank rows included.
MAX_ROWS = 250_000
# No import has more than a few dozen columns; 256 is the whole width of an Excel 97-2003 sheet.
MAX_COLUMNS = 256
# The reader holds a dense grid of 32-byte cells over the sheet's used box: up to 2 million cells
# (64 MB) whatever the file holds, beyond that only when at least a quarter of the box is filled,
# so the grid costs at most four times what the file holds. Text copied out of shared strings and
# repeated ODS cells is held per copy: at most 64 MB (250,000 rows of 256 characters).
FREE_GRID = 2_000_000
GRID_PER_CELL = 4
MAX_TEXT = 64 * 1024 * 1024
# The .xls reader reserves 40 bytes for every cell of a sheet's declared DIMENSIONS (virtual memory
# until filled); an Excel 97-2003 sheet has at most 65,536 rows, so 671 MB at most.
MAX_XLS_ROWS = 65_536
_ZIP = b"PK\x03\x04"
_ZIP_END = b"PK\x05\x06"
_ODS_MIMETYPE = b"mimetypeapplication/vnd.oasis.opendocument.spreadsheet"
_PACKAGE_RELS = re.compile(rb"<(?:[\w.\-]+:)?Relationship\b([^>]*)>")
_REL_TYPE = re.compile(rb"""(?:^|\s)Type\s*=\s*["']([^"']*)""")
_REL_TARGET = re.compile(rb"""(?:^|\s)Target\s*=\s*["']([^"']*)""")
# Files people pick by mistake, named so the error can say what was sent.
_SIGNATURES = (
    (
        sheet_scan_binary.OLE_MAGIC,
        msg("an Office 97-2003 document that is not a readable workbook (a Word file, or a damaged .xls)"),
    ),
    (b"%PDF-", msg("a PDF document")),
    (b"\x89PNG\r\n\x1a\n", msg("a PNG image")),
    (b"\xff\xd8\xff", msg("a JPEG image")),
    (b"GIF8", msg("a GIF image")),
)
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
# C0 control characters other than tab, line feed, carriage return and form feed: never in text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_DELIMITERS = (";", ",", "\t")


class UnreadableFile(Unprocessable):
    code = "unreadable_file"


class EmptyFile(Unprocessable):
    code = "empty_file"


class TooManyRows(Unprocessable):
    code = "too_many_rows"


class FileTooLarge(PayloadTooLarge):
    code = "file_too_large"


Rows = Iterator[tuple[int, list[Any]]]  # each row with its number in the spreadsheet


@dataclass(slots=True)
class Table:
    """A sheet's header (as written) and its data rows, each with its spreadsheet row number."""

    header: list[str]
    header_row: int
    rows: list[tuple[int, list[Any]]]
    encoding: str | None = None  # a CSV's text encoding


def sniff(content: bytes) -> str:
    """`csv`, `xlsx`, `ods`, `xls` or `xlsb`, from the bytes alone (never the name); raises what is wrong
    otherwise."""
    if not content:
        raise EmptyFile("The file is empty")
    if len(content) > MAX_UPLOAD_BYTES:
        raise FileTooLarge(msg("The file is larger than {limit} MB", limit=MAX_UPLOAD_BYTES // (1024 * 1024)))
    if content.startswith(_ZIP):
        return _package(content)
    if sheet_scan_binary.is_xls(content):
        # The reader tries XLSX next when .xls fails, and finds a ZIP from its end.
        if _ZIP_END in content[-(1 << 16) - 22 :]:
            raise UnreadableFile(
                "The file is an .xls workbook with a ZIP archive inside; save it again as .xlsx"
            )
        return XLS
    for magic, what in _SIGNATURES:
        if content.startswith(magic):
            raise UnreadableFile(msg("The file is {what}; upload a CSV, XLSX, XLS or ODS file", what=what))
    return CSV


# -- CSV -----------------------------------------------------------------------------------------------


def _utf16_without_bom(content: bytes) -> str | None:
    """UTF-16 text without a byte-order mark, as Teams and Excel's "Unicode text" may write it.

    Every other byte of ASCII text is a NUL. Either sign is enough: over a quarter of the head NULs,
    all in one byte of each pair (an ASCII header above text in any script), or over a third of the
    first 4,000 bytes NULs (text with characters such as Ā, U+0100, whose other byte is a NUL too),
    the byte of each pair holding more of them telling which comes first."""
    head = content[:400]
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if len(head) >= 4 and odd > len(head) // 4 and even == 0:
        return "utf-16-le"
    if len(head) >= 4 and even > len(head) // 4 and odd == 0:
        return "utf-16-be"
    sample = content[:4000]
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if (even + odd) * 3 > len(sample):
        return "utf-16-le" if odd > even else "utf-16-be"
    return None


def decode(content: bytes) -> tuple[str, str]:
    """The text of a CSV upload and the encoding it was read in."""
    encoding = next((name for bom, name in _BOMS if content.startswith(bom)), None)
    encoding = encoding or _utf16_without_bom(content)
    if encoding is not None:
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError as exc:
            raise UnreadableFile(
                msg("The file is not valid {encoding} text", encoding=encoding.upper())
            ) from exc
    elif b"\x00" in content:
        raise UnreadableFile("The file is not a CSV text file or an XLSX workbook (it holds binary data)")
    else:
        try:
            text, encoding = content.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            # Excel's "CSV" on Windows writes the ANSI code page; five bytes are undefined in it.
            try:
                text, encoding = content.decode("cp1252"), "windows-1252"
            except UnicodeDecodeError as exc:
                raise UnreadableFile(
                    "The file is neither UTF-8 nor Windows-1252 text; save it as CSV UTF-8 or XLSX"
                ) from exc
    if _CONTROL.search(text):
        raise UnreadableFile("The file is not a CSV text file or an XLSX workbook (it holds binary data)")
    return text.lstrip("\ufeff"), encoding


def _delimiter(line: str) -> str:
    """The separator the header line uses most (outside quotes); a single column means `,`."""
    unquoted = re.sub(r'"[^"]*"', "", line)
    counts = {d: unquoted.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def delimiters(text: str) -> list[str]:
    """Every separator, the one the start of the text uses most first: a meeting report's header is
    not its first line (a Teams section title, a Zoom summary block), so each is tried in turn."""
    head = text[:20000]
    return sorted(("\t", ",", ";"), key=lambda d: -head.count(d))


def blank(cells: list[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def csv_rows(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """The CSV's records, blank ones included; more than a header and MAX_ROWS rows are refused.

    Row numbers count records, as Excel counts rows: a quoted cell may span several lines."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    filled = 0
    try:
        for number, cells in enumerate(reader, start=1):
            if not blank(cells):
                filled += 1
                if filled > MAX_ROWS + 1:
                    raise TooManyRows(msg("The file has more than {limit} rows; split it", limit=MAX_ROWS))
            yield number, cells
    except csv.Error as exc:
        raise UnreadableFile(
            msg("The CSV cannot be read near line {line}: {reason}", line=reader.line_num, reason=str(exc))
        ) from exc


def read_csv(content: bytes) -> Table:
    text, encoding = decode(content)
    first = next((line for line in text.splitlines() if line.strip()), None)
    if first is None:
        raise EmptyFile("The file has no header row")
    header: list[str] | None = None
    header_row = 0
    rows: list[tuple[int, list[Any]]] = []
    for number, cells in csv_rows(text, _delimiter(first)):
        if blank(cells):
            continue
        if header is None:
            header, header_row = cells, number
            continue
        rows.append((number, list(cells)))
    assert header is not None
    return Table(header, header_row, rows, encoding)


# -- workbooks ----------------------------------------------------------------------------------------


def _package(content: bytes) -> str:
    """Which workbook a ZIP archive is, as the reader will see it (a DOCX is a ZIP too)."""
    damaged = UnreadableFile(
        "The file is a damaged ZIP archive, not a readable workbook; save it again as XLSX"
    )
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            raw = archive.namelist()
            # The reader looks parts up by name with `\\` as `/` and in any case; two entries that
            # look alike to it could be one part to it and another to the scan.
            names = {name.replace("\\", "/").lower(): name for name in raw}
            if len(names) != len(raw):
                raise UnreadableFile("The file holds two parts of the same name; save it again as XLSX")
            xl_path = _xlsx_path(archive, names)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, RuntimeError) as exc:
        raise damaged from exc
    except sheet_scan.Malformed as exc:
        raise damaged from exc
    kinds = []
    if xl_path is not None:
        # The scan reads the workbook where Excel puts it; the reader reads it where the package says.
        if xl_path.lower() != "xl/" or "xl/workbook.xml" not in raw:
            raise UnreadableFile("The XLSX workbook has an unusual layout; save it again from Excel")
        kinds.append(XLSX)
    if "xl/workbook.bin" in names:
        kinds.append(XLSB)
    if content[30:].startswith(_ODS_MIMETYPE) or "mimetype" in raw or "content.xml" in raw:
        kinds.append(ODS)
    if len(kinds) > 1:
        raise UnreadableFile(
            msg(
                "The file holds parts of more than one kind of workbook ({kinds}); "
                "save it again from Excel or LibreOffice",
                kinds=", ".join(kinds).upper(),
            )
        )
    if kinds:
        return kinds[0]
    raise UnreadableFile(
        "The file is a ZIP archive but not an XLSX, XLSB or ODS workbook; upload a CSV, XLSX or ODS file"
    )


def _xlsx_path(archive: zipfile.ZipFile, names: dict[str, str]) -> str | None:
    """The folder the reader opens an XLSX workbook in, when it can open the archive as one: its
    package relationships name an office document and that folder has the workbook's relationships."""
    rels = names.get("_rels/.rels")
    if rels is None:
        return None
    target = None
    chunks = sheet_scan.stream_part(archive, rels, sheet_scan.MAX_PART_XML, msg("package relationships"))
    for attrs in _PACKAGE_RELS.findall(b"".join(chunks)):
        kind, found = _REL_TYPE.search(attrs), _REL_TARGET.search(attrs)
        if kind and found and kind.group(1).endswith(b"/relationships/officeDocument"):
            target = found.group(1).decode("utf-8", "replace")
    if target is None:
        return None
    folder = target[: target.rfind("/") + 1].removeprefix("/")
    return folder if f"{folder}_rels/workbook.xml.rels".lower() in names else None


def _column_name(number: int) -> str:
    name = ""
    while number:
        number, rest = divmod(number - 1, 26)
        name = chr(65 + rest) + name
    return name


def _extent(rows: int, columns: int) -> str:
    return msg(
        "{rows:,} rows and {columns:,} columns (to column {last})",
        rows=rows,
        columns=columns,
        last=_column_name(columns) or "-",
    )


def check_size(footprint: Footprint, index: int = 0) -> None:
    """Refuse, before anything is loaded, a sheet whose declared or real size is beyond the limits."""
    sheet = sheet_subject(index)
    max_rows = MAX_ROWS + 1
    limits = msg(
        "at most {rows:,} rows (a header and {data_rows:,} rows) and {columns} columns",
        rows=max_rows,
        data_rows=MAX_ROWS,
        columns=MAX_COLUMNS,
    )
    advice = msg(
        "Delete the empty rows and columns after the data (or copy only the data into a new "
        "workbook) and upload again"
    )
    extra: dict[str, Any] = {"limits": {"rows": max_rows, "columns": MAX_COLUMNS}}
    if footprint.rows > max_rows:
        raise TooManyRows(
            msg(
                "{sheet} has data down to row {row:,}; a sheet may have {limits}, "
                "blank rows included. Split it, or delete the empty rows between the data",
                sheet=sheet,
                row=footprint.rows,
                limits=limits,
            ),
            found={"rows": footprint.rows, "columns": footprint.columns},
            **extra,
        )
    if footprint.columns > MAX_COLUMNS:
        raise SheetTooLarge(
            msg(
                "{sheet} has data in {extent}; a sheet may have {limits}. {advice}",
                sheet=sheet,
                extent=_extent(footprint.rows, footprint.columns),
                limits=limits,
                advice=advice,
            ),
            found={"rows": footprint.rows, "columns": footprint.columns},
            **extra,
        )
    declared_rows, declared_columns = footprint.declared_rows, footprint.declared_columns
    if declared_rows > max_rows or declared_columns > MAX_COLUMNS:
        raise SheetTooLarge(
            msg(
                "{sheet} declares {extent}; a sheet may have {limits}. {advice}",
                sheet=sheet,
                extent=_extent(declared_rows, declared_columns),
                limits=limits,
                advice=advice,
            ),
            found={"rows": declared_rows, "columns": declared_columns},
            **extra,
        )
    if footprint.grid > max(FREE_GRID, GRID_PER_CELL * footprint.cells):
        raise SheetTooLarge(
            msg(
                "The data of {sheet} is spread over {grid:,} cells ({extent}) but only {cells:,} of them "
                "are filled. {advice}",
                sheet=sheet_object(index),
                grid=footprint.grid,
                extent=_extent(footprint.rows, footprint.columns),
                cells=footprint.cells,
                advice=advice,
            ),
            found={"rows": footprint.rows, "columns": footprint.columns, "cells": footprint.cells},
            **extra,
        )
    if footprint.text > MAX_TEXT:
        raise SheetTooLarge(
            msg(
                "The cells of the workbook repeat {size:,} MB of text (shared or repeated cells); at "
                "most {limit} MB can be imported. Split the file or paste the data as values into a "
                "new workbook",
                size=footprint.text // (1024 * 1024),
                limit=MAX_TEXT // (1024 * 1024),
            ),
            found={"text_bytes": footprint.text},
            **extra,
        )


def measure(content: bytes, file_format: str, index: int = 0) -> Footprint:
    """What reading the sheet at `index` costs; an .xls or ODS is measured whole, as the reader loads it."""
    try:
        if file_format == ODS:
            return sheet_scan.measure_ods(content)
        if file_format == XLS:
            footprint = sheet_scan_binary.measure_xls(content)
            check_size(footprint)
            if footprint.declared_rows > MAX_XLS_ROWS:
                raise SheetTooLarge(
                    msg(
                        "A sheet of the workbook declares {rows:,} rows; an Excel 97-2003 sheet has at "
                        "most {limit:,}. Save it again from Excel",
                        rows=footprint.declared_rows,
                        limit=MAX_XLS_ROWS,
                    ),
                    found={"rows": footprint.declared_rows, "columns": footprint.declared_columns},
                    limits={"rows": MAX_XLS_ROWS, "columns": MAX_COLUMNS},
                )
            return footprint
        if file_format == XLSB:
            return sheet_scan_binary.measure_xlsb(content, index)
        return sheet_scan.measure_xlsx(content, index)
    except sheet_scan.Malformed as exc:
        raise UnreadableFile(
            msg(
                "The {format} workbook is damaged ({reason}); save it again from Excel or LibreOffice",
                format=file_format.upper(),
                reason=exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc),
            )
        ) from exc


def sheets(content: bytes, file_format: str) -> Iterator[Rows]:
    """Each worksheet's rows in the workbook's order, numbered as the spreadsheet numbers them,
    trailing empty cells cut. A sheet is measured, and refused beyond the limits, before the reader
    loads it; read one sheet's rows before asking for the next."""
    footprint = measure(content, file_format)
    check_size(footprint)
    with _calamine(file_format):
        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
        listed = book.sheets_metadata
    if not listed:
        raise EmptyFile("The workbook has no sheet")
    # The reader finds a sheet by its place in the list; a workbook the scan lists otherwise (a
    # sheet element in a comment, say) could have it load a sheet that was never measured.
    if footprint.sheets and footprint.sheets != len(listed):
        raise UnreadableFile(
            msg(
                "The {format} workbook lists its sheets in an unusual way; save it again from Excel",
                format=file_format.upper(),
            )
        )
    for index, sheet in enumerate(listed):
        if index:
            if sheet.typ != SheetTypeEnum.WorkSheet:
                continue  # a chart or dialog sheet holds no rows
            if file_format in (XLSX, XLSB):  # the reader loads their sheets one at a time
                check_size(measure(content, file_format, index), index)
        yield _rows(book, index, file_format)


def _rows(book: CalamineWorkbook, index: int, file_format: str) -> Rows:
    with _calamine(file_format):
        sheet = book.get_sheet_by_index(index)
        # The reader starts at row 1 but at the sheet's first used column: a header in column B
        # and its rows stay aligned.
        for number, values in enumerate(sheet.iter_rows(), start=1):
            cells = [None if v == "" else v for v in values]
            while cells and cells[-1] is None:
                cells.pop()
            yield number, cells


@contextmanager
def _calamine(file_format: str) -> Iterator[None]:
    try:
        yield
    except (CalamineError, ValueError, OSError) as exc:
        raise _damaged(file_format) from exc
    except BaseException as exc:
        # A Rust panic inside calamine surfaces as pyo3's PanicException, a BaseException: the scan
        # refuses every malformed layout known to panic, and this keeps an unknown one a 422, not a 500.
        if type(exc).__name__ != "PanicException":
            raise
        raise _damaged(file_format) from exc


def _damaged(file_format: str) -> UnreadableFile:
    return UnreadableFile(
        msg(
            "The {format} workbook is damaged and cannot be read to the end; save it again "
            "from Excel or LibreOffice",
            format=file_format.upper(),
        )
    )


def read_workbook(content: bytes, file_format: str = XLSX, *, header_only: bool = False) -> Table:
    """The first sheet; with `header_only`, just the header and the first data row (a cheap check).

    Blank rows are skipped but count toward the row limit, as the sheet's row numbers do."""
    header: list[str] | None = None
    header_row = 0
    rows: list[tuple[int, list[Any]]] = []
    for number, values in next(sheets(content, file_format)):
        if header is not None and number - header_row > MAX_ROWS:
            raise TooManyRows(
                msg(
                    "The sheet has more than {limit:,} rows below its header (blank rows included); split it",
                    limit=MAX_ROWS,
                )
            )
        if blank(values):
            continue
        if header is None:
            header, header_row = ["" if v is None else str(v) for v in values], number
            continue
        rows.append((number, values))
        if header_only:
            break
    if header is None:
        raise EmptyFile("The first sheet of the workbook is empty")
    return Table(header, header_row, rows)


def read_xlsx(content: bytes, *, header_only: bool = False) -> Table:
    return read_workbook(content, XLSX, header_only=header_only)


def read(content: bytes, file_format: str, *, header_only: bool = False) -> Table:
    if file_format in WORKBOOKS:
        return read_workbook(content, file_format, header_only=header_only)
    return read_csv(content)


def grids(content: bytes) -> Iterator[Rows]:
    """Every way to read an upload as rows, for a caller that finds the header itself: a workbook's
    sheets, or a CSV once per separator (`delimiters`)."""
    file_format = sniff(content)
    if file_format in WORKBOOKS:
        yield from sheets(content, file_format)
        return
    text, _ = decode(content)
    for delimiter in delimiters(text):
        yield csv_rows(text, delimiter)
