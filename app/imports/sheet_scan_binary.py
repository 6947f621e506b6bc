"""What reading an Excel 97-2003 (.xls) or binary (.xlsb) workbook would cost, from its bytes.

The same measures as `sheet_scan` takes of XLSX and ODS, for the two binary formats. They follow
how python-calamine reads each, because a file refused or passed here is then handed to it:

* .xls: the reader opens the OLE2 container itself, follows sector chains without looking for
  loops (a looping directory or DIFAT chain never ends, a looping stream chain is copied up to its
  declared size), and reserves vectors whose sizes come from the header. It then parses EVERY sheet
  when the workbook is opened, into a dense grid of values and a second one of formula texts;
  it reserves a cell for every position of a sheet's DIMENSIONS record, gives a LABEL the capacity
  its length field claims (65,535 bytes for one stored character), copies a shared string into each
  LABELSST cell, and rebuilds the text of every formula, where a 5-byte token can stand for a
  765-byte name, a 4-byte one for 255 inserted spaces, and inserts make the work quadratic. So the
  container is walked here as the reader walks it, with every chain checked for loops and every
  size for the bytes behind it, and every sheet's records are counted.
* .xlsb: a ZIP of binary records (1-2 byte type, 1-4 byte size, 7 bits a byte). The reader loads
  the shared strings and the workbook part when it opens the file and a sheet's cells when asked
  for that sheet; a record's stated size is allocated before its bytes are read. Unpacked bytes are
  counted as they come, as for XLSX.

Anything the reader would trip over (a truncated record, an index past a table) is `Malformed`:
the reader may panic there rather than fail, so such files never reach it.
"""

from __future__ import annotations

import html
import math
import re
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from app.core.i18n import msg
from app.imports.sheet_scan import (
    MAX_PART_XML,
    MAX_SHARED_XML,
    MAX_SHEET_XML,
    Footprint,
    Malformed,
    SheetTooLarge,
    open_package,
    sheet_label,
    sheet_subject,
    stream_part,
)

_U16 = struct.Struct("<H")
_U32 = struct.Struct("<I")
_HEAD = struct.Struct("<HH")
_CELL = struct.Struct("<HH")  # row, column
_LABEL_SST = struct.Struct("<HH2xI")  # row, column, format, string index
_STRING_HEAD = struct.Struct("<HB")  # characters, flags

# -- the OLE2 container ----------------------------------------------------------------------------

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENDOFCHAIN, _DIFSECT, _RESERVED = 0xFFFF_FFFE, 0xFFFF_FFFC, 0xFFFF_FFFA
# The reader reserves a vector of this many 4-byte entries from a header field; real files need a
# few thousand.
_MAX_HEADER_RESERVE = 1 << 22
# The names the reader looks for, in its order, among all directory entries.
_WORKBOOK_STREAMS = ("Workbook", "Book", "WORKBOOK", "BOOK")


def _u32(data: bytes, at: int) -> int:
    return int(_U32.unpack_from(data, at)[0])


def _u16(data: bytes, at: int) -> int:
    return int(_U16.unpack_from(data, at)[0])


class _Container:
    """An OLE2 compound file, read as the reader reads it, refusing what it would loop over."""

    def __init__(self, content: bytes) -> None:
        if len(content) < 512 or not content.startswith(OLE_MAGIC):
            raise Malformed("not an OLE2 compound file")
        self.content = content
        shift = _u16(content, 30)
        if shift not in (9, 12) or _u16(content, 32) != 6:
            raise Malformed("unknown sector sizes")
        self.size = 1 << shift
        self.version = _u16(content, 26)
        self.count = len(content) // self.size - 1  # whole sectors after the header
        fat_len, difat_reserve = _u32(content, 44), _u32(content, 62)
        if fat_len > self.count or difat_reserve > _MAX_HEADER_RESERVE:
            raise Malformed("the header declares more allocation tables than the file holds")
        self.fats = self._fats()
        directory = self.chain(_u32(content, 48), None)
        self.entries = [directory[at : at + 128] for at in range(0, len(directory) - 127, 128)]
        if not self.entries or (self.version != 3 and self._start(0) == _ENDOFCHAIN):
            raise Malformed("the container has no root directory")
        self.mini_fats: list[int] = []
        self.ministream = b""
        mini_fat_len = _u32(content, 64)
        if mini_fat_len > 0:
            if mini_fat_len > self.count:
                raise Malformed("the header declares more mini tables than the file holds")
            self.ministream = self.chain(self._start(0), self._length(0))
            table = self.chain(_u32(content, 60), mini_fat_len * self.size)
            self.mini_fats = list(struct.unpack(f"<{len(table) // 4}I", table))

    def sector(self, number: int) -> bytes:
        if number >= self.count:
            raise Malformed(msg("sector {number} lies past the end of the file", number=number))
        start = (number + 1) * self.size
        return self.content[start : start + self.size]

    def _fats(self) -> list[int]:
        difat = list(struct.unpack("<109I", self.content[76:512]))
        number, steps = _u32(self.content, 68), 0
        while number < _RESERVED:
            steps += 1
            if steps > self.count:
                raise Malformed("the allocation table chain loops")
            difat.extend(struct.unpack(f"<{self.size // 4}I", self.sector(number)))
            number = difat.pop()
        sectors = [n for n in difat if n < _DIFSECT]
        if len(sectors) > self.count:
            raise Malformed("the allocation table lists more sectors than the file holds")
        fats: list[int] = []
        for number in sectors:
            fats.extend(struct.unpack(f"<{self.size // 4}I", self.sector(number)))
        return fats

    def chain(self, number: int, length: int | None) -> bytes:
        """The sectors from `number` on, up to `length` bytes (all of them when None)."""
        out: list[bytes] = []
        seen: set[int] = set()
        total = 0
        while number != _ENDOFCHAIN:
            if number in seen or number >= len(self.fats):
                raise Malformed("a sector chain loops or leaves the allocation table")
            seen.add(number)
            piece = self.sector(number)
            out.append(piece)
            total += len(piece)
            if length is not None and total >= length:
                break
            number = self.fats[number]
        data = b"".join(out)
        return data if length is None else data[:length]

    def _mini_chain(self, number: int, length: int) -> bytes:
        out = bytearray()
        seen: set[int] = set()
        while number != _ENDOFCHAIN and len(out) < length:
            if number in seen or number >= len(self.mini_fats) or (number + 1) * 64 > len(self.ministream):
                raise Malformed("a mini sector chain loops or leaves the mini stream")
            seen.add(number)
            out += self.ministream[number * 64 : number * 64 + 64]
            number = self.mini_fats[number]
        return bytes(out[:length])

    def _start(self, index: int) -> int:
        return _u32(self.entries[index], 116)

    def _length(self, index: int) -> int:
        entry = self.entries[index]
        return _u32(entry, 120) if self.size == 512 else int(struct.unpack_from("<Q", entry, 120)[0])

    def _name(self, index: int) -> str:
        return self.entries[index][:64].decode("utf-16-le", "replace").split("\x00", 1)[0]

    def workbook(self) -> bytes:
        names = [self._name(i) for i in range(len(self.entries))]
        for wanted in _WORKBOOK_STREAMS:
            if wanted in names:
                index = names.index(wanted)
                start, length = self._start(index), self._length(index)
                if length < 4096:
                    return self._mini_chain(start, length)
                return self.chain(start, length)
        raise Malformed("the container holds no Workbook stream")


def is_xls(content: bytes) -> bool:
    """An OLE2 file with a workbook stream (a .doc or .msg is an OLE2 file too)."""
    try:
        container = _Container(content)
        return any(container._name(i) in _WORKBOOK_STREAMS for i in range(len(container.entries)))
    except (Malformed, struct.error):
        return False


# -- BIFF records ----------------------------------------------------------------------------------

_BOF, _EOF, _CONTINUE = 0x0809, 0x000A, 0x003C
_BOUNDSHEET, _SST, _LBL, _FILEPASS = 0x0085, 0x00FC, 0x0018, 0x002F
_DIMENSIONS, _FORMULA, _STRING = 0x0200, 0x0006, 0x0207
_NUMBER, _LABEL, _RSTRING, _BOOLERR, _RK, _LABELSST, _MULRK = (
    0x0203,
    0x0204,
    0x00D6,
    0x0205,
    0x027E,
    0x00FD,
    0x00BD,
)
_GLOBALS = frozenset((_EOF, _FILEPASS, _BOF, _BOUNDSHEET, _LBL, _SST))
_PLAIN_CELLS = frozenset((_NUMBER, _BOOLERR, _RK))
_INLINE_TEXT = frozenset((_LABEL, _RSTRING))
# Formula text the reader builds: at most the bytes of all formulas, and work (bytes moved by its
# inserts) far beyond any real sheet's.
MAX_FORMULA_BYTES = 16 * 1024 * 1024
MAX_FORMULA_WORK = 1 << 30


def _records(stream: bytes, wanted: frozenset[int]) -> Iterator[tuple[int, bytes, list[bytes]]]:
    """(type, data, CONTINUE data) of the globals' records, as the reader splits the stream; the data
    only of the `wanted` types (the others are skipped without copying)."""
    at, end = 0, len(stream)
    head = _HEAD.unpack_from
    while at < end:
        if end - at < 4:
            raise Malformed("a record is cut short")
        kind, size = head(stream, at)
        body = at + 4
        at = body + size
        if at > end:
            raise Malformed("a record runs past the end of the stream")
        keep = kind in wanted
        more: list[bytes] = []
        while end - at > 4 and stream[at] == 0x3C and stream[at + 1] == 0:
            length = _u16(stream, at + 2)
            if end - at < length + 4:
                raise Malformed("a record runs past the end of the stream")
            if keep:
                more.append(stream[at + 4 : at + 4 + length])
            at += 4 + length
        yield kind, stream[body : body + size] if keep else b"", more


def _text_capacity(length: int, wide: bool) -> int:
    """What a string field claiming `length` characters costs: the reader allocates the claim and
    grows it as the characters turn into UTF-8 (2 bytes from a Latin-1 byte, 3 from a UTF-16 unit)."""
    return length * (3 if wide else 2)


class _Segments:
    """The SST record and its CONTINUE records, read as one string table."""

    def __init__(self, parts: list[bytes]) -> None:
        self.parts, self.index, self.data, self.at = parts, 0, parts[0], 0

    def left(self) -> int:
        return len(self.data) - self.at

    def next_part(self) -> bool:
        if self.index + 1 >= len(self.parts):
            return False
        self.index += 1
        self.data, self.at = self.parts[self.index], 0
        return True

    def take(self, count: int) -> bytes:
        if self.left() < count:
            raise Malformed("a shared string is cut short")
        self.at += count
        return self.data[self.at - count : self.at]

    def skip(self, count: int) -> None:
        while count > 0:
            if not self.left() and not self.next_part():
                raise Malformed("a shared string is cut short")
            step = min(count, self.left())
            self.at += step
            count -= step


def _shared_sizes(parts: list[bytes]) -> list[int]:
    """The UTF-8 size of each shared string, which the reader copies into every cell using it."""
    table = _Segments(parts)
    table.take(8)
    sizes: list[int] = []
    unpack = _STRING_HEAD.unpack_from
    while table.left() or table.next_part():
        if table.left() < 3:
            raise Malformed("a shared string is cut short")
        count, flags = unpack(table.data, table.at)
        table.at += 3
        runs = _u16(table.take(2), 0) if flags & 0x8 else 0
        extra = int(struct.unpack("<i", table.take(4))[0]) if flags & 0x4 else 0
        if extra < 0:
            raise Malformed("a shared string has a negative extension")
        size, wide = 0, bool(flags & 1)
        while count > 0:
            unit = 2 if wide else 1
            chars = min(table.left() // unit, count)
            piece = table.take(chars * unit)
            size += len(piece.decode("utf-16-le", "replace").encode()) if wide else chars + _high(piece)
            count -= chars
            if count > 0:
                if not table.next_part() or not table.left():
                    raise Malformed("a shared string is cut short")
                wide = bool(table.take(1)[0] & 1)
        table.skip(runs * 4 + extra)
        sizes.append(size)
    return sizes


_ASCII = bytes(range(128))


def _high(piece: bytes) -> int:
    """Latin-1 bytes that take two bytes in UTF-8."""
    return len(piece.translate(None, _ASCII))


@dataclass(slots=True)
class _Globals:
    biff8: bool = True
    sheets: list[int] = field(default_factory=list)  # each sheet's offset in the stream
    shared: list[int] = field(default_factory=list)
    longest_name: int = 5  # UTF-8 bytes of the longest defined name ("#REF!" when missing)
    longest_sheet: int = 4  # of the longest sheet name ("#REF")


def _globals(stream: bytes) -> _Globals:
    found = _Globals()
    for kind, data, more in _records(stream, _GLOBALS):
        if kind == _EOF:
            break
        if kind == _FILEPASS and len(data) >= 2 and _u16(data, 0) != 0:
            raise Malformed("the workbook is password protected")
        if kind == _BOF:
            if len(data) < 2:
                raise Malformed("a BOF record is cut short")
            version = _u16(data, 0)
            found.biff8 = version not in (0x0200, 0x0002, 0x0007, 0x0300, 0x0400, 0x0500) and not (
                version == 0 and len(data) >= 4 and _u16(data, 2) == 0x1000
            )
        elif kind == _BOUNDSHEET:
            if len(data) < 8:
                raise Malformed("a sheet record is cut short")
            found.sheets.append(_u32(data, 0))
            found.longest_sheet = max(found.longest_sheet, 3 * data[6])
        elif kind == _LBL:
            if len(data) < 4:
                raise Malformed("a defined name is cut short")
            found.longest_name = max(found.longest_name, 3 * data[3])
        elif kind == _SST:
            found.shared = _shared_sizes([data, *more])
    return found


def measure_xls(content: bytes) -> Footprint:
    """Every sheet of the workbook stream: the reader parses them all when it opens the file."""
    try:
        stream = _Container(content).workbook()
        book = _globals(stream)
        footprint = Footprint()
        walked = 0
        budget = _FormulaBudget()
        for offset in book.sheets:
            if offset >= len(stream):
                raise Malformed("a sheet starts past the end of the workbook stream")
            walked += _measure_sheet(stream, offset, book, footprint, budget)
            # Sheets share no records in a real file; pointing many at one sheet multiplies its cost.
            if walked > len(stream):
                raise Malformed("the sheets overlap")
        return footprint
    except (struct.error, IndexError) as exc:
        raise Malformed(str(exc)) from exc


def _measure_sheet(
    stream: bytes, offset: int, book: _Globals, footprint: Footprint, budget: _FormulaBudget
) -> int:
    """The sheet's records from `offset` to its EOF, embedded charts' substreams skipped.

    One loop over offsets, without slicing records out: a large sheet has millions of them."""
    head, cell_head, label_sst = _HEAD.unpack_from, _CELL.unpack_from, _LABEL_SST.unpack_from
    shared, n_shared, biff8 = book.shared, len(book.shared), book.biff8
    rows = columns = formula_rows = formula_columns = cells = 0
    formula_at = (0, 0)
    depth, seen_bof = 0, False
    at, end = offset, len(stream)
    while at < end:
        if end - at < 4:
            raise Malformed("a record is cut short")
        kind, size = head(stream, at)
        body = at + 4
        at = body + size
        if at > end:
            raise Malformed("a record runs past the end of the stream")
        # CONTINUE records belong to the record before them; the reader never reads them as records.
        while end - at > 4 and stream[at] == 0x3C and stream[at + 1] == 0:
            at += 4 + stream[at + 2] + (stream[at + 3] << 8)
            if at > end:
                raise Malformed("a record runs past the end of the stream")
        if depth:
            depth += 1 if kind == _BOF else -1 if kind == _EOF else 0
            continue
        if kind == _LABELSST:
            if size < 10:
                raise Malformed("a cell record is cut short")
            row, column, index = label_sst(stream, body)
            if index >= n_shared:
                continue
            footprint.text += shared[index]
        elif kind in _PLAIN_CELLS:
            if size < (8 if kind == _BOOLERR else 10):
                raise Malformed("a cell record is cut short")
            row, column = cell_head(stream, body)
        elif kind == _MULRK:
            if size < 6:
                raise Malformed("a cell record is cut short")
            row, first = cell_head(stream, body)
            column = _u16(stream, body + size - 2)
            if column < first or size != 6 + 6 * (column - first + 1):
                raise Malformed("a MULRK record has the wrong length")
            cells += column - first
        elif kind in _INLINE_TEXT:
            if size < 8:
                raise Malformed("a cell record is cut short")
            row, column = cell_head(stream, body)
            wide = not biff8 or size < 9 or bool(stream[body + 8] & 1)
            footprint.text += _text_capacity(_u16(stream, body + 6), wide)
        elif kind == _FORMULA:
            if size < 20:
                raise Malformed("a formula record is cut short")
            formula_at = cell_head(stream, body)
            formula_rows = max(formula_rows, formula_at[0] + 1)
            formula_columns = max(formula_columns, formula_at[1] + 1)
            footprint.text += budget.formula(stream[body + 20 : body + size], book)
            result = stream[body + 6]
            if stream[body + 12 : body + 14] == b"\xff\xff" and result not in (1, 2, 3):
                if result != 0:
                    raise Malformed("a formula has an unknown result type")
                continue  # a text result: the STRING record after it holds the value
            row, column = formula_at
        elif kind == _STRING:
            if size < 2:
                raise Malformed("a string record is cut short")
            row, column = formula_at
            wide = not biff8 or size < 3 or bool(stream[body + 2] & 1)
            footprint.text += _text_capacity(_u16(stream, body), wide)
        elif kind == _EOF:
            break
        elif kind == _DIMENSIONS:
            _declared(footprint, stream[body:at])
            continue
        elif kind == _BOF:
            depth = 1 if seen_bof else 0
            seen_bof = True
            continue
        else:
            continue
        cells += 1
        if row >= rows:
            rows = row + 1
        if column >= columns:
            columns = column + 1
    footprint.cells += cells
    footprint.rows, footprint.columns = max(footprint.rows, rows), max(footprint.columns, columns)
    footprint.grid += rows * columns + formula_rows * formula_columns
    return at - offset


def _declared(footprint: Footprint, data: bytes) -> None:
    """The cells the reader reserves for the sheet's DIMENSIONS, as 1-based extents."""
    if len(data) == 14:
        first_row, last_row = _u32(data, 0), _u32(data, 4)
        last_column = _u16(data, 10)
    elif len(data) == 10:
        first_row, last_row, _, last_column = struct.unpack_from("<4H", data)
    else:
        raise Malformed("a DIMENSIONS record has the wrong length")
    if last_row < 1 or last_column < 1:
        return
    # Its row count is computed in 32 bits: a first row after the last wraps to 4 billion rows.
    rows = (last_row - first_row) % (1 << 32)
    footprint.declared_rows = max(footprint.declared_rows, first_row + rows)
    footprint.declared_columns = max(footprint.declared_columns, last_column)


# -- formulas --------------------------------------------------------------------------------------

# The reader rebuilds each formula's text from its tokens. Per token: bytes of operand after the
# token (BIFF8, BIFF5) and the most text it adds; None marks a token whose size depends on its
# operand. Tokens missing here end the formula (the reader stores an error message instead).
_FIXED: dict[int, tuple[int, int, int]] = {0x01: (4, 4, 0), 0x14: (0, 0, 1), 0x16: (0, 0, 0), 0x18: (5, 5, 0)}
_FIXED |= {0x1C: (1, 1, 13), 0x1D: (1, 1, 5), 0x1E: (2, 2, 5)}
for _base in (0x20, 0x40, 0x60):
    _FIXED[_base] = (7, 7, 10)
for _base in (0x24, 0x44, 0x64):
    _FIXED[_base] = (4, 3, 12)
for _base in (0x25, 0x45, 0x65):
    _FIXED[_base] = (8, 6, 24)
for _base in (0x2A, 0x4A, 0x6A):
    _FIXED[_base] = (4, 3, 5)
for _base in (0x2B, 0x4B, 0x6B):
    _FIXED[_base] = (8, 6, 5)
for _base in (0x39, 0x59):
    _FIXED[_base] = (6, 6, 10)
_COPYING = frozenset(range(0x03, 0x14)) | {0x15}  # binary operators, unary + and -, parentheses
_OPERATOR_TEXT = 2
_NAMES = frozenset((0x23, 0x43, 0x63))
_REFS_3D = {0x3A: (6, 14), 0x3B: (10, 26), 0x3C: (6, 6), 0x3D: (10, 6)}
_REFS_3D |= {kind + shift: size for kind, size in list(_REFS_3D.items()) for shift in (0x20, 0x40)}
_FUNCTIONS = frozenset((0x21, 0x41, 0x61))
_VAR_FUNCTIONS = frozenset((0x22, 0x42, 0x62))
_FUNCTION_NAME = 20  # "()" and the longest name in the reader's function table (18 characters)
_FUNCTION_COUNT = 485
_ERROR_MESSAGE = 128  # "Unrecognised formula for cell (r, c): …" when a formula cannot be rebuilt


class _FormulaBudget:
    """Text and work of the formulas the reader rebuilds, each counted as an upper bound."""

    def __init__(self) -> None:
        self.bytes = 0
        self.work = 0

    def formula(self, rgce: bytes, book: _Globals) -> int:
        self.bytes += len(rgce)
        if self.bytes > MAX_FORMULA_BYTES:
            raise SheetTooLarge(
                msg(
                    "The workbook holds more than {limit} MB of formulas; "
                    "paste the data as values into a new workbook and upload that",
                    limit=MAX_FORMULA_BYTES // (1024 * 1024),
                )
            )
        if len(rgce) < 2:
            raise Malformed("a formula is cut short")
        tokens = rgce[2 : 2 + _u16(rgce, 0)]
        if len(tokens) < _u16(rgce, 0):
            raise Malformed("a formula is cut short")
        length = self._walk(tokens, book)
        if self.work > MAX_FORMULA_WORK:
            raise SheetTooLarge(
                "The formulas of the workbook are too long to read; paste the data as values into a "
                "new workbook and upload that"
            )
        # The text starts with the record's size as capacity and doubles as it grows.
        return max(len(rgce), 2 * length) + _ERROR_MESSAGE

    def _walk(self, tokens: bytes, book: _Globals) -> int:
        length, at, end = 0, 0, len(tokens)
        biff8 = book.biff8
        while at < end:
            ptg = tokens[at]
            at += 1
            length += 1  # the comma that may follow it as a function's argument
            if ptg in _COPYING:
                self.work += length
                length += _OPERATOR_TEXT
                continue
            fixed = _FIXED.get(ptg)
            if fixed is not None:
                at += fixed[0] if biff8 else fixed[1]
                length += fixed[2]
            elif ptg in _NAMES:
                at += 4
                length += book.longest_name
            elif (ref := _REFS_3D.get(ptg)) is not None:
                at += ref[0]
                length += book.longest_sheet + ref[1]
            elif ptg == 0x17:  # a string: count, flags, characters
                if at >= end:
                    raise Malformed("a formula is cut short")
                length += 2 + 3 * tokens[at]
                at += 2 + tokens[at]
            elif ptg == 0x1F:  # a number, written out in full (1e308 is 309 digits)
                if at + 8 > end:
                    raise Malformed("a formula is cut short")
                value = struct.unpack_from("<d", tokens, at)[0]
                at += 8
                length += 24 + (abs(math.frexp(value)[1]) * 31 // 100 if math.isfinite(value) else 0)
            elif ptg == 0x19:
                if at + 3 > end:
                    raise Malformed("a formula is cut short")
                kind = tokens[at]
                if kind in (0x01, 0x02, 0x08, 0x20, 0x21):
                    at += 3
                elif kind == 0x04:  # a CHOOSE jump table
                    at += 3 + 2 * (_u16(tokens, at + 1) + 1)
                elif kind == 0x10:  # SUM around the last operand
                    at += 3
                    self.work += length
                    length += 5
                elif kind in (0x40, 0x41):  # spaces or line breaks inserted before the last operand
                    if tokens[at + 1] > 6:
                        return length
                    self.work += length * tokens[at + 2]
                    length += tokens[at + 2]
                    at += 3
                else:
                    return length
            elif ptg in _FUNCTIONS:
                if at + 2 > end or _u16(tokens, at) >= _FUNCTION_COUNT:
                    return length
                at += 2
                self.work += length
                length += _FUNCTION_NAME
            elif ptg in _VAR_FUNCTIONS:
                if at + 3 > end:
                    raise Malformed("a formula is cut short")
                self.work += length
                length += _FUNCTION_NAME
                at += 3
            else:
                return length
            if at > end:
                raise Malformed("a formula is cut short")
        return length


# -- XLSB ------------------------------------------------------------------------------------------

_ROW_HDR, _WS_DIM, _BEGIN_SHEET_DATA, _END_SHEET_DATA = 0x0000, 0x0094, 0x0091, 0x0092
_BEGIN_SST, _SST_ITEM = 0x009F, 0x0013
_BUNDLE_SH, _END_BUNDLE_SHS, _NAME = 0x009C, 0x0090, 0x0027
# Blocks the reader skips whole while it looks for a record (begin type: end type), so a record
# of the type it wants inside one does not count.
_SST_SKIPPED = {0x0023: 0x0024}
_SHEET_SKIPPED = {0x0085: 0x0086, 0x0025: 0x0026, 0x0186: 0x0187}
# Cell records the reader keeps, with the bytes it reads from each (blank cells and formula
# errors it skips).
_XLSB_CELLS = {0x02: 12, 0x03: 9, 0x04: 9, 0x05: 16, 0x06: 12, 0x07: 12, 0x08: 12, 0x09: 16, 0x0A: 9}
_XLSB_MAX_ROW = 0x0010_0000
# A record's stated size is allocated before it is read; real records are a few kilobytes.
MAX_RECORD = 4 * 1024 * 1024
# Records walked in a sheet: a header and 250,000 rows of 15 cells. Each costs the scan
# about half a microsecond.
MAX_RECORDS = 4_000_000
# Defined names' formulas are rebuilt when the workbook is opened, with quadratic inserts.
MAX_NAME_FORMULA = 4096
MAX_NAME_FORMULAS = 256 * 1024
_RELATIONSHIP = re.compile(rb"<Relationship\b([^>]*)>")
_ID = re.compile(rb"""(?:^|\s)Id\s*=\s*["']([^"']*)""")
_TARGET = re.compile(rb"""(?:^|\s)Target\s*=\s*["']([^"']*)""")


def _xlsb_records(chunks: Iterator[bytes]) -> Iterator[tuple[int, bytes, int, int]]:
    """(type, buffer, offset, size) of each record, its body being buffer[offset : offset + size]:
    not copied out, as a sheet has millions. Never holds more than MAX_RECORD for one."""
    buffer = b""
    for chunk in chunks:
        buffer = buffer + chunk if buffer else chunk
        at, end = 0, len(buffer)
        while at < end:
            kind = buffer[at]
            if kind < 0x80 and at + 1 < end and buffer[at + 1] < 0x80:  # almost every record
                size = buffer[at + 1]
                body = at + 2
            else:
                parsed = _record_head(buffer, at, end)
                if parsed is None:
                    break
                kind, body, size = parsed
            if body + size > end:
                break
            yield kind, buffer, body, size
            at = body + size
        buffer = buffer[at:]
    if buffer:
        raise Malformed("a record is cut short")


def _record_head(buffer: bytes, at: int, end: int) -> tuple[int, int, int] | None:
    """A record's type and size as the reader reads them (the 2nd type byte's and 4th size byte's
    high bits ignored), or None when the buffer ends first."""
    kind = buffer[at]
    at += 1
    if kind & 0x80:
        if at >= end:
            return None
        kind = (kind & 0x7F) | ((buffer[at] & 0x7F) << 7)
        at += 1
    size = 0
    for shift in (0, 7, 14, 21):
        if at >= end:
            return None
        byte = buffer[at]
        at += 1
        size |= (byte & 0x7F) << shift
        if not byte & 0x80:
            break
    if size > MAX_RECORD:
        raise Malformed(msg("a record states {size:,} bytes", size=size))
    return kind, at, size


def _skipping(
    records: Iterator[tuple[int, bytes, int, int]], blocks: dict[int, int]
) -> Iterator[tuple[int, bytes]]:
    """The records outside the blocks the reader skips, with their bodies."""
    until: int | None = None
    for kind, buffer, at, size in records:
        if until is not None:
            if kind == until:
                until = None
            continue
        until = blocks.get(kind)
        if until is None:
            yield kind, buffer[at : at + size]


def _bodies(records: Iterator[tuple[int, bytes, int, int]]) -> Iterator[tuple[int, bytes]]:
    for kind, buffer, at, size in records:
        yield kind, buffer[at : at + size]


def _xlsb_part(
    archive: zipfile.ZipFile, name: str, limit: int, what: str
) -> Iterator[tuple[int, bytes, int, int]]:
    return _xlsb_records(stream_part(archive, name, limit, what))


def _ascii_lower(name: str) -> str:
    return name.encode("utf-8", "surrogatepass").lower().decode("utf-8", "surrogatepass")


def _names(archive: zipfile.ZipFile) -> dict[str, str]:
    """Each part's name as the reader finds it: `\\` as `/`, ASCII letters in any case."""
    out: dict[str, str] = {}
    for info in archive.infolist():
        key = _ascii_lower(info.filename.replace("\\", "/"))
        if key in out:
            raise Malformed(msg("the package holds {part} twice", part=info.filename))
        out[key] = info.filename
    return out


def _wide(body: bytes, at: int) -> tuple[str, int]:
    if len(body) < at + 4:
        raise Malformed("a string is cut short")
    count = _u32(body, at)
    end = at + 4 + 2 * count
    if len(body) < end:
        raise Malformed("a string is cut short")
    return body[at + 4 : end].decode("utf-16-le", "replace"), end


def _xlsb_shared(archive: zipfile.ZipFile, names: dict[str, str]) -> list[int]:
    part = names.get("xl/sharedstrings.bin")
    if part is None:
        return []
    records = _xlsb_part(archive, part, MAX_SHARED_XML, msg("shared strings"))
    for kind, body in _bodies(records):
        if kind == _BEGIN_SST:
            if len(body) < 8:
                raise Malformed("the shared string table is cut short")
            wanted = _u32(body, 4)
            break
    else:
        raise Malformed("the shared string table has no start")
    sizes: list[int] = []
    if not wanted:
        return sizes
    for kind, body in _skipping(records, _SST_SKIPPED):
        if kind == _SST_ITEM:
            text, _ = _wide(body, 1)
            sizes.append(len(text.encode("utf-8", "surrogatepass")))
            if len(sizes) >= wanted:
                break
    return sizes


def _styles(archive: zipfile.ZipFile, names: dict[str, str]) -> None:
    """Walked for its records' stated sizes; a bomb of empty records would keep the reader busy."""
    part = names.get("xl/styles.bin")
    if part is not None:
        for _ in _xlsb_part(archive, part, MAX_PART_XML, msg("styles")):
            pass


def _relationships(archive: zipfile.ZipFile, names: dict[str, str]) -> dict[str, str]:
    part = names.get("xl/_rels/workbook.bin.rels")
    if part is None:
        return {}
    xml = b"".join(stream_part(archive, part, MAX_PART_XML, msg("relationships")))
    out: dict[str, str] = {}
    for attrs in _RELATIONSHIP.findall(xml):
        rid, target = _ID.search(attrs), _TARGET.search(attrs)
        if rid and target:
            out[html.unescape(rid.group(1).decode("utf-8", "replace"))] = html.unescape(
                target.group(1).decode("utf-8", "replace")
            )
    return out


def _xlsb_sheet(archive: zipfile.ZipFile, names: dict[str, str], index: int) -> tuple[str, int]:
    """The part of the sheet at `index` in the workbook's list, found through its relationships, and
    how many sheets the list holds."""
    targets = _relationships(archive, names)
    part = names.get("xl/workbook.bin")
    if part is None:
        raise Malformed("the package has no xl/workbook.bin")
    found: str | None = None
    sheets = total = 0
    in_names = False
    for kind, body in _bodies(_xlsb_part(archive, part, MAX_PART_XML, msg("workbook"))):
        if not in_names:
            if kind == _BUNDLE_SH:
                if len(body) < 12:
                    raise Malformed("a sheet record is cut short")
                count = _u32(body, 8)
                if count != 0xFFFF_FFFF:
                    sheets += 1
                    if sheets != index + 1:
                        continue
                    if len(body) < 12 + 2 * count:
                        raise Malformed("a sheet record is cut short")
                    rid = body[12 : 12 + 2 * count].decode("utf-16-le", "replace")
                    if rid not in targets:
                        raise Malformed(msg("the {sheet} has no relationship", sheet=sheet_label(index)))
                    found = f"xl/{targets[rid]}"
            elif kind == _END_BUNDLE_SHS:
                in_names = True
        elif kind == _NAME:
            # Each name's formula is rebuilt when the workbook opens, its text by inserts.
            _, after = _wide(body, 9)
            size = _u32(body, after) if len(body) >= after + 4 else 0
            total += size
            if size > MAX_NAME_FORMULA or total > MAX_NAME_FORMULAS:
                raise SheetTooLarge(
                    "The workbook's defined names hold formulas too long to read; delete the names "
                    "(Formulas > Name Manager) or save the workbook as .xlsx"
                )
    if found is None:
        raise Malformed(
            msg("the workbook names no sheet")
            if index == 0
            else msg("the workbook has no {sheet}", sheet=sheet_label(index))
        )
    if "\\" in found or _ascii_lower(found) not in names:
        raise Malformed(msg("the workbook names no readable {sheet}", sheet=sheet_label(index)))
    return names[_ascii_lower(found)], sheets


def measure_xlsb(content: bytes, index: int = 0) -> Footprint:
    """The sheet at `index`, which is all the reader loads when asked for it, and the shared strings
    its cells copy."""
    try:
        with open_package(content) as archive:
            names = _names(archive)
            shared = _xlsb_shared(archive, names)
            _styles(archive, names)
            sheet, count = _xlsb_sheet(archive, names, index)
            records = _xlsb_part(archive, sheet, MAX_SHEET_XML, sheet_label(index))
            footprint = _measure_xlsb_sheet(records, shared, sheet_subject(index))
            footprint.sheets = count
            return footprint
    except (struct.error, IndexError) as exc:
        raise Malformed(str(exc)) from exc


def _measure_xlsb_sheet(
    records: Iterator[tuple[int, bytes, int, int]], shared: list[int], subject: str
) -> Footprint:
    footprint = Footprint()
    for kind, body in _bodies(records):  # up to the dimension, which the reader requires
        if kind == _WS_DIM:
            if len(body) < 16:
                raise Malformed("the sheet's dimension is cut short")
            footprint.declared_rows, footprint.declared_columns = _u32(body, 4) + 1, _u32(body, 12) + 1
            break
    else:
        raise Malformed("the sheet has no dimension record")
    for kind, _ in _skipping(records, _SHEET_SKIPPED):
        if kind == _BEGIN_SHEET_DATA:
            break
    else:
        raise Malformed("the sheet has no data")
    n_shared, cells, column_at = len(shared), _XLSB_CELLS, _U32.unpack_from
    row = rows = columns = 0
    for count, (kind, buffer, at, size) in enumerate(records, start=1):
        wanted = cells.get(kind)
        if wanted is not None:
            if size < wanted:
                raise Malformed("a cell record is cut short")
            footprint.cells += 1
            (column,) = column_at(buffer, at)
            if column >= columns:
                columns = column + 1
            if row >= rows:
                rows = row + 1
            if kind == 0x07:
                (index,) = column_at(buffer, at + 8)
                if index >= n_shared:
                    raise Malformed("a cell points past the shared strings")
                footprint.text += shared[index]
            elif kind in (0x06, 0x08):
                _wide(buffer[at : at + size], 8)
        elif kind == _ROW_HDR:
            if size < 4:
                raise Malformed("a row record is cut short")
            (row,) = column_at(buffer, at)
            if row > _XLSB_MAX_ROW:
                break
        elif kind == _END_SHEET_DATA:
            break
        if count > MAX_RECORDS:
            raise SheetTooLarge(
                msg(
                    "{sheet} holds more than {limit:,} records; split it or delete its formatted empty cells",
                    sheet=subject,
                    limit=MAX_RECORDS,
                )
            )
    footprint.rows, footprint.columns = rows, columns
    footprint.grid = rows * columns
    return footprint
