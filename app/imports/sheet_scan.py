"""What reading a workbook would cost, measured from its bytes before any reader loads it.

python-calamine builds a dense grid over the bounding box of a sheet's cells (32 bytes a cell,
whether empty or not), copies a shared string into every cell that refers to it, and expands ODS
`number-rows-repeated` / `number-columns-repeated` cell by cell. A 1.5 KB XLSX with one cell at A1
and one at XFD1048576 makes it ask for 512 GB and abort the process, and 12 KB of cells pointing at
one 100 KB shared string cost 191 MB. So the sheet's XML is scanned first, streamed and with C
regexes (a few percent of what reading it costs), for where its cells really are, how much text the
reader would materialise, and what the sheet declares; `reading` judges the figures against its
limits. Nothing here trusts a size the package states: unpacked bytes are counted as they come.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from array import array
from collections.abc import Iterator
from dataclasses import dataclass

from app.core.errors import Unprocessable
from app.core.i18n import msg

_CHUNK = 1 << 20
# Excel's own limits: 1,048,576 rows, 16,384 columns, 32,767 characters in a cell.
EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384
# Unpacked XML read for a sheet (CPU) and for its shared strings (held whole by the reader).
MAX_SHEET_XML = 512 * 1024 * 1024
MAX_SHARED_XML = 96 * 1024 * 1024
MAX_PART_XML = 16 * 1024 * 1024  # workbook, relationships, styles: small in any real file
# One row's XML (a row can hold at most 16,384 cells of 32,767 characters; real rows are < 100 KB).
MAX_ROW_XML = 16 * 1024 * 1024


class SheetTooLarge(Unprocessable):
    code = "sheet_too_large"


class Malformed(ValueError):
    """The package is not the workbook its format says; the reader's caller reports it unreadable."""


@dataclass(slots=True)
class Footprint:
    """Where a workbook's cells are and what reading them costs, as counted in its bytes."""

    rows: int = 0  # the last row holding a value (1-based)
    columns: int = 0  # the last column holding a value (1-based)
    cells: int = 0  # value cells written in the file (a repeated ODS cell counts once)
    grid: int = 0  # cells of the dense grid the reader builds (every sheet it loads)
    text: int = 0  # bytes of text copied out of shared strings and repeated cells, per copy
    declared_rows: int = 0
    declared_columns: int = 0
    sheets: int = 0  # the sheets an XLSX or XLSB workbook lists (0: not counted)

    def cell(self, row: int, column: int, size: int, times: int = 1) -> None:
        self.rows = max(self.rows, row)
        self.columns = max(self.columns, column)
        self.text += size * times


def stream_part(archive: zipfile.ZipFile, name: str, limit: int, what: str) -> Iterator[bytes]:
    """The part's unpacked bytes in chunks; refused once more than `limit` have come out."""
    total = 0
    try:
        with archive.open(name) as part:
            while chunk := part.read(_CHUNK):
                total += len(chunk)
                if total > limit:
                    raise SheetTooLarge(
                        msg(
                            "The workbook's {part} unpacks to more than {limit} MB; "
                            "copy the data into a new workbook and upload that",
                            part=what,
                            limit=limit // (1024 * 1024),
                        )
                    )
                yield chunk
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        raise Malformed(str(exc)) from exc
    except (RuntimeError, NotImplementedError) as exc:  # an encrypted member, an unknown compression
        raise Malformed(str(exc)) from exc


def _read(archive: zipfile.ZipFile, name: str) -> bytes:
    return b"".join(stream_part(archive, name, MAX_PART_XML, name))


def _elements(chunks: Iterator[bytes], ends: tuple[bytes, ...], limit: int) -> Iterator[bytes]:
    """The stream cut just after the last of `ends` in each chunk, so no element the scans look for
    is split between two pieces."""
    buffer = b""
    for chunk in chunks:
        buffer += chunk
        cut = max(buffer.rfind(end) + len(end) if end in buffer else 0 for end in ends)
        if not cut:
            if len(buffer) > limit:
                raise SheetTooLarge(
                    msg(
                        "One row of the sheet is more than {limit} MB of data; "
                        "a spreadsheet row cannot hold that much",
                        limit=limit // (1024 * 1024),
                    )
                )
            continue
        yield buffer[:cut]
        buffer = buffer[cut:]
    yield buffer


def column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


# -- XLSX ----------------------------------------------------------------------------------------------

_PREFIX = rb"(?:[A-Za-z_][\w.\-]*:)?"
_REF = re.compile(rb"([A-Za-z]{1,4})([0-9]{1,9})")
_DIMENSION = re.compile(rb"<" + _PREFIX + rb'dimension\b[^>]*?\bref\s*=\s*["\']([^"\']*)')
# Where a sheet's XML may be cut: after a row or a cell, never inside <v>…</v>.
_SHEET_CUTS = (b"row>", b"c>", b"/>")
_TAG = re.compile(rb"<" + _PREFIX + rb"(?:(row)\b([^>]*)>|c\b([^>]*?)(/?)>)")
_UNUSUAL_CELL = re.compile(rb'<c(?! r="[A-Z]{1,3}[0-9]{1,7}")[\s/>]')
_CELL_REF = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"')
_CELL_ROW = re.compile(rb'<c r="[A-Z]{1,3}([0-9]{1,7})"')
_CELL_COLUMN = re.compile(rb'<c r="([A-Z]{1,3})[0-9]')
_NUMBER_VALUE = re.compile(rb"<v>([0-9]{1,10})</v>")
_ANY_NUMBER_VALUE = re.compile(rb"<" + _PREFIX + rb"v(?:\s[^>]*)?>\s*([0-9]{1,10})\s*<")
_ATTR_R = re.compile(rb'(?:^|\s)r\s*=\s*["\']([^"\']*)')
_SI = re.compile(rb"<" + _PREFIX + rb"si\b[^>]*?(?:/>|>(.*?)</" + _PREFIX + rb"si\s*>)", re.DOTALL)
_SI_CUTS = (b"</si>", b":si>")
_REL = re.compile(rb"<" + _PREFIX + rb"Relationship\b([^>]*)>")
_SHEET = re.compile(rb"<" + _PREFIX + rb"sheet\b([^>]*)>")


def _attr(attrs: bytes, name: bytes) -> bytes | None:
    found = re.search(rb"(?:^|\s)" + name + rb'\s*=\s*["\']([^"\']*)', attrs)
    return found.group(1) if found else None


def _relationships(archive: zipfile.ZipFile, rels: str, base: str) -> dict[bytes, str]:
    out: dict[bytes, str] = {}
    if rels not in archive.namelist():
        return out
    for attrs in _REL.findall(_read(archive, rels)):
        rid, target, kind = _attr(attrs, b"Id"), _attr(attrs, b"Target"), _attr(attrs, b"Type") or b""
        if rid is None or target is None:
            continue
        path = target.decode("utf-8", "replace")
        out[rid] = path.lstrip("/") if path.startswith("/") else f"{base}{path}"
        if kind.endswith(b"/sharedStrings"):
            out[b"#shared"] = out[rid]
    return out


def sheet_label(index: int) -> str:
    """The sheet at `index` as messages name it after "the" ("the first sheet")."""
    return msg("first sheet") if index == 0 else msg("sheet {number}", number=index + 1)


def sheet_subject(index: int) -> str:
    """The sheet at `index` as a message's subject ("The first sheet has…", "Sheet 2 has…")."""
    return msg("The first sheet") if index == 0 else msg("Sheet {number}", number=index + 1)


def sheet_object(index: int) -> str:
    """The sheet at `index` inside a sentence ("the data of the first sheet", "… of sheet 2")."""
    return msg("the first sheet") if index == 0 else msg("sheet {number}", number=index + 1)


def _sheet(archive: zipfile.ZipFile, workbook: str, rels: str, index: int) -> tuple[str, str | None, int]:
    """The part of the workbook's sheet at `index` (in the order readers list them), the part of its
    shared strings, and how many sheets the workbook lists."""
    targets = _relationships(archive, rels, workbook.rsplit("/", 1)[0] + "/")
    sheets = _SHEET.findall(_read(archive, workbook))
    rid = _attr(sheets[index], rb"(?:[\w.\-]+:)?id") if index < len(sheets) else None
    if rid is None or rid not in targets or targets[rid] not in archive.namelist():
        raise Malformed(msg("the workbook names no readable {sheet}", sheet=sheet_label(index)))
    return targets[rid], targets.get(b"#shared"), len(sheets)


def _shared_sizes(archive: zipfile.ZipFile, name: str | None) -> array[int]:
    sizes = array("Q")
    if name is None or name not in archive.namelist():
        return sizes
    chunks = stream_part(archive, name, MAX_SHARED_XML, msg("shared strings"))
    for piece in _elements(chunks, _SI_CUTS, MAX_ROW_XML):
        # The XML around a string (rich-text runs, phonetic hints) is counted as if it were text.
        sizes.extend(len(body) for body in _SI.findall(piece))
    return sizes


def _declared(footprint: Footprint, head: bytes) -> None:
    found = _DIMENSION.search(head)
    if not found:
        return
    for letters, digits in _REF.findall(found.group(1)):
        footprint.declared_columns = max(footprint.declared_columns, column_number(letters))
        footprint.declared_rows = max(footprint.declared_rows, int(digits))


def measure_xlsx(content: bytes, index: int = 0) -> Footprint:
    """The sheet at `index`, which is all the reader loads when asked for it, and the shared strings."""
    with open_package(content) as archive:
        sheet, shared_part, count = _sheet(archive, "xl/workbook.xml", "xl/_rels/workbook.xml.rels", index)
        shared = _shared_sizes(archive, shared_part)
        footprint = Footprint(sheets=count)
        position = (0, 0)
        chunks = stream_part(archive, sheet, MAX_SHEET_XML, sheet_label(index))
        for number, piece in enumerate(_elements(chunks, _SHEET_CUTS, MAX_ROW_XML)):
            if number == 0:
                _declared(footprint, piece.split(b"sheetData", 1)[0])
            if _UNUSUAL_CELL.search(piece) is None and b":c" not in piece:
                # Every cell starts `<c r="A1"`, as every writer makes them: one C-speed pass. Cells
                # that are formatted but empty count here, so this can only overestimate.
                position = _cells_by_ref(footprint, piece, position)
            else:
                position = _cells_in_order(footprint, piece, position)
            # Any whole number in a <v> may be a shared-string index; counting them all overestimates.
            n = len(shared)
            footprint.text += sum(shared[i] for i in map(int, _NUMBER_VALUE.findall(piece)) if i < n)
            if b"<v " in piece or b":v>" in piece:
                footprint.text += sum(shared[i] for i in map(int, _ANY_NUMBER_VALUE.findall(piece)) if i < n)
        footprint.grid = footprint.rows * footprint.columns
        return footprint


def _cells_by_ref(footprint: Footprint, piece: bytes, position: tuple[int, int]) -> tuple[int, int]:
    rows = _CELL_ROW.findall(piece)
    if not rows:
        return position
    footprint.cells += len(rows)
    footprint.rows = max(footprint.rows, max(map(int, rows)))
    columns = set(_CELL_COLUMN.findall(piece))
    footprint.columns = max(footprint.columns, max(map(column_number, columns)))
    last = _CELL_REF.findall(piece[piece.rfind(b"<c r=") :])[0]
    return int(last[1]), column_number(last[0])


def _cells_in_order(footprint: Footprint, piece: bytes, position: tuple[int, int]) -> tuple[int, int]:
    """Cells without a reference sit after the one before them; rows without one after the last."""
    row, column = position
    for row_tag, row_attrs, cell_attrs, empty in _TAG.findall(piece):
        if row_tag:
            number = _ATTR_R.search(row_attrs)
            row = int(number.group(1)) if number and number.group(1).isdigit() else row + 1
            column = 0
            continue
        ref = _ATTR_R.search(cell_attrs)
        if ref and (found := _REF.fullmatch(ref.group(1))):
            column, row = column_number(found.group(1)), int(found.group(2))
        else:
            column += 1
        if not empty:
            footprint.cells += 1
            footprint.rows, footprint.columns = max(footprint.rows, row), max(footprint.columns, column)
    return row, column


# -- ODS -----------------------------------------------------------------------------------------------

# The reader matches these qualified names literally, as the OpenDocument files of every office
# suite write them, so the scan does too.
_ODS_TAG = re.compile(
    rb"<table:(?:(table)(?=[\s/>])|(table-row)\b([^>]*)>|(?:covered-)?table-cell\b([^>]*?)"
    rb"(?:/>|>(.*?)</table:(?:covered-)?table-cell\s*>))",
    re.DOTALL,
)
_ODS_CUTS = (b"</table:table-row>",)
_ROWS_REPEATED = re.compile(rb'table:number-rows-repeated\s*=\s*["\']([0-9]+)')
_COLUMNS_REPEATED = re.compile(rb'table:number-columns-repeated\s*=\s*["\']([0-9]+)')
_VALUE_TYPE = re.compile(rb"office:value-type\s*=")


def measure_ods(content: bytes) -> Footprint:
    """Every table of content.xml: the reader loads them all when it opens the document."""
    with open_package(content) as archive:
        if "content.xml" not in archive.namelist():
            raise Malformed("the document has no content.xml")
        chunks = stream_part(archive, "content.xml", MAX_SHEET_XML, msg("content"))
        return _OdsScan().run(_elements(chunks, _ODS_CUTS, MAX_ROW_XML))


class _OdsScan:
    """Repeated rows and cells are multiplied out, as the reader does; empty ones cost nothing."""

    def __init__(self) -> None:
        self.total = Footprint()
        self.sheet = Footprint()
        self.next_row = 1
        self.row = 1
        self.repeats = 1
        self.column = 0
        self.pending: list[tuple[int, int, int]] = []  # the row's value cells: last column, repeats, size

    def run(self, pieces: Iterator[bytes]) -> Footprint:
        for piece in pieces:
            for table, row_tag, row_attrs, cell_attrs, body in _ODS_TAG.findall(piece):
                if table:
                    self.close_sheet()
                elif row_tag:
                    self.close_row()
                    found = _ROWS_REPEATED.search(row_attrs)
                    self.row, self.repeats = self.next_row, int(found.group(1)) if found else 1
                    self.next_row += self.repeats
                    self.column = 0
                else:
                    found = _COLUMNS_REPEATED.search(cell_attrs)
                    times = int(found.group(1)) if found else 1
                    self.column += times
                    if _VALUE_TYPE.search(cell_attrs):
                        self.total.cells += 1
                        self.pending.append((self.column, times, len(body) + len(cell_attrs)))
        self.close_sheet()
        return self.total

    def close_row(self) -> None:
        last = self.row + self.repeats - 1
        for column, times, size in self.pending:
            self.sheet.cell(last, column, size, times * self.repeats)
        self.pending.clear()

    def close_sheet(self) -> None:
        self.close_row()
        sheet, total = self.sheet, self.total
        total.grid += sheet.rows * sheet.columns
        total.text += sheet.text
        total.rows, total.columns = max(total.rows, sheet.rows), max(total.columns, sheet.columns)
        self.sheet, self.next_row, self.row, self.repeats, self.column = Footprint(), 1, 1, 1, 0


def open_package(content: bytes) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError) as exc:
        raise Malformed(str(exc)) from exc
