"""Uploaded spreadsheets as rows: the format sniffed from the content, CSV decoded, XLSX read.

A CSV may come from any Excel: UTF-8 with or without a byte-order mark, UTF-16 ("Unicode text",
tab-separated), or the Windows ANSI code page (Windows-1252) when its bytes are not UTF-8; fields
are separated by `,`, `;` (Indonesian Excel's list separator) or tabs. An XLSX is read from its
first sheet, the header being its first non-empty row. Everything here is synchronous and
CPU-bound: callers run it in a worker thread.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from openpyxl import load_workbook

from app.core.errors import PayloadTooLarge, Unprocessable

CSV, XLSX = "csv", "xlsx"
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# Far more than a province has ASN; a workbook this size that unpacks to more rows is refused.
MAX_ROWS = 250_000
_ZIP = b"PK\x03\x04"
# Files people pick by mistake, named so the error can say what was sent.
_SIGNATURES = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Excel 97-2003 workbook (.xls); save it as .xlsx or CSV"),
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
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


@dataclass(slots=True)
class Table:
    """A sheet's header (as written) and its data rows, each with its spreadsheet row number."""

    header: list[str]
    header_row: int
    rows: list[tuple[int, list[Any]]]
    encoding: str | None = None  # a CSV's text encoding


def sniff(content: bytes) -> str:
    """`csv` or `xlsx`, from the bytes alone (never the name); raises what is wrong otherwise."""
    if not content:
        raise EmptyFile("The file is empty")
    if len(content) > MAX_UPLOAD_BYTES:
        raise FileTooLarge(f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
    if content.startswith(_ZIP):
        return XLSX
    for magic, what in _SIGNATURES:
        if content.startswith(magic):
            raise UnreadableFile(f"The file is {what}; upload a CSV or XLSX file")
    return CSV


# -- CSV -----------------------------------------------------------------------------------------------


def _utf16_without_bom(content: bytes) -> str | None:
    """UTF-16 text without a byte-order mark: every other byte of ASCII text is a NUL."""
    head = content[:400]
    if len(head) < 4:
        return None
    even, odd = head[0::2].count(0), head[1::2].count(0)
    if odd > len(head) // 4 and even == 0:
        return "utf-16-le"
    if even > len(head) // 4 and odd == 0:
        return "utf-16-be"
    return None


def decode(content: bytes) -> tuple[str, str]:
    """The text of a CSV upload and the encoding it was read in."""
    encoding = next((name for bom, name in _BOMS if content.startswith(bom)), None)
    encoding = encoding or _utf16_without_bom(content)
    if encoding is not None:
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError as exc:
            raise UnreadableFile(f"The file is not valid {encoding.upper()} text") from exc
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


def _blank(cells: list[Any]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def read_csv(content: bytes) -> Table:
    text, encoding = decode(content)
    first = next((line for line in text.splitlines() if line.strip()), None)
    if first is None:
        raise EmptyFile("The file has no header row")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(first), strict=False)
    header: list[str] | None = None
    header_row = 0
    rows: list[tuple[int, list[Any]]] = []
    try:
        # Row numbers count records, as Excel counts rows: a quoted cell may span several lines.
        for number, cells in enumerate(reader, start=1):
            if _blank(cells):
                continue
            if header is None:
                header, header_row = cells, number
                continue
            rows.append((number, list(cells)))
            if len(rows) > MAX_ROWS:
                raise TooManyRows(f"The file has more than {MAX_ROWS} rows; split it")
    except csv.Error as exc:
        raise UnreadableFile(f"The CSV cannot be read near line {reader.line_num}: {exc}") from exc
    assert header is not None
    return Table(header, header_row, rows, encoding)


# -- XLSX ----------------------------------------------------------------------------------------------


def _open_sheet(content: bytes) -> Any:
    try:
        with warnings.catch_warnings():
            # openpyxl warns about workbooks written by other tools (no default style, data
            # validation extensions); those still read correctly.
            warnings.simplefilter("ignore")
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError, EOFError) as exc:
        raise UnreadableFile(
            "The file is a ZIP archive but not a readable XLSX workbook; save it again from Excel"
        ) from exc
    except Exception as exc:  # openpyxl raises assorted errors on malformed parts
        raise UnreadableFile("The XLSX workbook cannot be read; save it again from Excel") from exc
    if not workbook.worksheets:
        raise EmptyFile("The workbook has no sheet")
    return workbook


def _xlsx_rows(content: bytes) -> Iterator[tuple[int, list[Any]]]:
    workbook = _open_sheet(content)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for number, values in enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1):
                yield number, list(values)
    except UnreadableFile:
        raise
    except Exception as exc:
        raise UnreadableFile(
            "The XLSX workbook is damaged (its first sheet cannot be read to the end); save it again from Excel"
        ) from exc
    finally:
        workbook.close()


def read_xlsx(content: bytes, *, header_only: bool = False) -> Table:
    """The first sheet; with `header_only`, just the header and the first data row (a cheap check)."""
    header: list[str] | None = None
    header_row = 0
    rows: list[tuple[int, list[Any]]] = []
    for number, values in _xlsx_rows(content):
        if _blank(values):
            continue
        if header is None:
            header, header_row = ["" if v is None else str(v) for v in values], number
            continue
        rows.append((number, values))
        if header_only:
            break
        if len(rows) > MAX_ROWS:
            raise TooManyRows(f"The sheet has more than {MAX_ROWS} rows; split it")
    if header is None:
        raise EmptyFile("The first sheet of the workbook is empty")
    return Table(header, header_row, rows)


def read(content: bytes, file_format: str, *, header_only: bool = False) -> Table:
    if file_format == XLSX:
        return read_xlsx(content, header_only=header_only)
    return read_csv(content)
