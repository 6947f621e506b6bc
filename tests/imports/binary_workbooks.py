"""Excel 97-2003 (.xls) and binary (.xlsb) workbooks written byte by byte, as an attacker would.

No Python library writes .xlsb, and xlwt cannot write the records the attacks need (a declared
dimension, a shared string in CONTINUE records, a label that claims more characters than it holds),
so both are built here from the specifications: [MS-CFB] and [MS-XLS] for .xls, [MS-XLSB] for .xlsb.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Iterable, Sequence
from typing import Any

Cells = Sequence[tuple[int, Any]]  # (0-based column, value); a value ("s", i) is shared string i
Rows = Iterable[tuple[int, Cells]]  # (0-based row, cells)

_ENDOFCHAIN, _FREE, _FATSECT = 0xFFFF_FFFE, 0xFFFF_FFFF, 0xFFFF_FFFD


# -- OLE2 ------------------------------------------------------------------------------------------


def _entry(name: str, kind: int, start: int, size: int) -> bytes:
    encoded = (name + "\x00").encode("utf-16-le") if name else b""
    entry = bytearray(128)
    entry[: len(encoded)] = encoded
    struct.pack_into("<HBB", entry, 64, len(encoded), kind, 1)
    struct.pack_into("<III", entry, 68, _FREE, _FREE, 1 if kind == 5 else _FREE)
    struct.pack_into("<II", entry, 116, start, size)
    return bytes(entry)


def ole(stream: bytes, *, name: str = "Workbook", directory_loops: bool = False) -> bytes:
    """A version 3 compound file holding one stream in 512-byte sectors (never the mini stream).

    With `directory_loops` the allocation table says the directory's sector follows itself."""
    # Streams under 4,096 bytes live in the mini stream; zeros after the last EOF are never read.
    stream = stream.ljust(max(4096, -(-len(stream) // 512) * 512), b"\x00")
    size = len(stream)
    count = len(stream) // 512
    fat_sectors = 1
    while fat_sectors * 128 < fat_sectors + count + 1:
        fat_sectors += 1
    first, directory = fat_sectors, fat_sectors + count
    fat = [_FATSECT] * fat_sectors + [first + i + 1 for i in range(count - 1)] + [_ENDOFCHAIN]
    fat.append(directory if directory_loops else _ENDOFCHAIN)
    fat += [_FREE] * (fat_sectors * 128 - len(fat))
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into(
        "<IIIIIIIII", header, 40, 0, fat_sectors, directory, 0, 4096, _ENDOFCHAIN, 0, _ENDOFCHAIN, 0
    )
    difat = list(range(fat_sectors)) + [_FREE] * (109 - fat_sectors)
    struct.pack_into("<109I", header, 76, *difat)
    entries = _entry("Root Entry", 5, _ENDOFCHAIN, 0) + _entry(name, 2, first, size)
    entries += _entry("", 0, _FREE, 0) * 2
    return bytes(header) + struct.pack(f"<{len(fat)}I", *fat) + stream + entries


# -- BIFF8 -----------------------------------------------------------------------------------------


def record(kind: int, data: bytes = b"") -> bytes:
    return struct.pack("<HH", kind, len(data)) + data


def _string(text: str) -> bytes:
    """An XLUnicodeString: the character count, then compressed (Latin-1) characters."""
    return struct.pack("<HB", len(text), 0) + text.encode("latin-1")


def sst(strings: Sequence[str]) -> bytes:
    """The shared strings, split into CONTINUE records as Excel splits records over 8,224 bytes."""
    body = struct.pack("<II", len(strings), len(strings))
    out, limit = b"", 8224
    pieces: list[bytes] = []
    current = body
    for text in strings:
        encoded = _string(text)
        if len(current) + 3 + 1 > limit:  # a string's header never straddles two records
            pieces.append(current)
            current = b""
        head, chars = encoded[:3], encoded[3:]
        current += head
        while chars:
            room = limit - len(current)
            if room <= 0:
                pieces.append(current)
                current = b"\x00"  # a continued string's characters start with their flags
                room = limit - 1
            current += chars[:room]
            chars = chars[room:]
    pieces.append(current)
    out = record(0x00FC, pieces[0]) + b"".join(record(0x003C, piece) for piece in pieces[1:])
    return out


def cell_records(rows: Rows) -> bytes:
    out = bytearray()
    for row, cells in rows:
        for column, value in cells:
            if isinstance(value, tuple):
                out += record(0x00FD, struct.pack("<HHHI", row, column, 0, value[1]))
            elif isinstance(value, str):
                out += record(0x0204, struct.pack("<HHH", row, column, 0) + _string(value))
            else:
                out += record(0x0203, struct.pack("<HHHd", row, column, 0, float(value)))
    return bytes(out)


def dimensions(first_row: int, last_row: int, first_column: int, last_column: int) -> bytes:
    """DIMENSIONS: rows as 0-based first and one-past-last, columns likewise."""
    return record(0x0200, struct.pack("<IIHHH", first_row, last_row, first_column, last_column, 0))


def biff(sheets: Sequence[bytes], *, shared: Sequence[str] = (), globals_extra: bytes = b"") -> bytes:
    """A workbook stream: globals (BOF, one BOUNDSHEET a sheet, SST, EOF), then each sheet's records
    between its own BOF and EOF."""
    bof_globals = record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0, 0, 0, 0))
    names = [f"Sheet{i + 1}" for i in range(len(sheets))]
    bound = [8 + len(name) for name in names]
    strings = sst(shared) if shared else b""
    size = len(bof_globals) + sum(4 + b for b in bound) + len(strings) + len(globals_extra) + 4
    out = bytearray(bof_globals)
    offset = size
    bodies = []
    for name, sheet in zip(names, sheets, strict=True):
        body = record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0, 0, 0, 0)) + sheet + record(0x000A)
        out += record(
            0x0085, struct.pack("<IBB", offset, 0, 0) + struct.pack("<BB", len(name), 0) + name.encode()
        )
        offset += len(body)
        bodies.append(body)
    out += strings + globals_extra + record(0x000A)
    assert len(out) == size
    return bytes(out) + b"".join(bodies)


def xls(
    rows: Rows, *, shared: Sequence[str] = (), extra: bytes = b"", declared: bytes | None = None
) -> bytes:
    """One sheet holding `rows`, with `extra` records after its cells."""
    listed = list(rows)
    if declared is None:
        last_row = max((r for r, _ in listed), default=0)
        last_column = max((c for _, cells in listed for c, _ in cells), default=0)
        declared = dimensions(0, last_row + 1, 0, last_column + 1)
    return ole(biff([declared + cell_records(listed) + extra], shared=shared))


# -- XLSB ------------------------------------------------------------------------------------------


def brt(kind: int, body: bytes = b"") -> bytes:
    """A record: its type in 1-2 bytes and its size in 1-4 bytes, 7 bits a byte."""
    out = bytearray([kind]) if kind < 0x80 else bytearray([(kind & 0x7F) | 0x80, kind >> 7])
    size = len(body)
    while True:
        byte, size = size & 0x7F, size >> 7
        out.append(byte | (0x80 if size else 0))
        if not size:
            return bytes(out) + body


def _wide(text: str) -> bytes:
    encoded = text.encode("utf-16-le")
    return struct.pack("<I", len(encoded) // 2) + encoded


def xlsb_cells(rows: Rows) -> bytes:
    out = bytearray()
    for row, cells in rows:
        out += brt(0x00, struct.pack("<IIHBBBB", row, 0, 0, 0, 0, 0, 0))
        for column, value in cells:
            if isinstance(value, tuple):
                out += brt(0x07, struct.pack("<III", column, 0, value[1]))
            elif isinstance(value, str):
                out += brt(0x06, struct.pack("<II", column, 0) + _wide(value))
            elif isinstance(value, int) and -(2**29) <= value < 2**29:
                out += brt(0x02, struct.pack("<IIi", column, 0, (value << 2) | 2))
            else:
                out += brt(0x05, struct.pack("<IId", column, 0, float(value)))
    return bytes(out)


RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def xlsb_package(
    sheet_data: bytes, *, dimension: tuple[int, int, int, int], shared: Sequence[str] = ()
) -> bytes:
    """A package as Excel writes it, the sheet's data records given whole.

    `dimension` is BrtWsDim's 0-based first row, last row, first column, last column."""
    workbook = brt(0x83) + brt(0x8F)
    workbook += brt(0x9C, struct.pack("<II", 0, 1) + _wide("rId1") + _wide("Data"))
    workbook += brt(0x90) + brt(0x84)
    first_row, last_row, first_column, last_column = dimension
    sheet = brt(0x81) + brt(0x94, struct.pack("<IIII", first_row, last_row, first_column, last_column))
    sheet += brt(0x91) + sheet_data + brt(0x92) + brt(0x82)
    strings = brt(0x9F, struct.pack("<II", len(shared), len(shared)))
    strings += b"".join(brt(0x13, b"\x00" + _wide(text)) for text in shared) + brt(0xA0)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="bin" ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/>'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            "</Types>",
        )
        archive.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
            f'Type="{DOC_RELS}/officeDocument" Target="xl/workbook.bin"/></Relationships>',
        )
        archive.writestr("xl/workbook.bin", workbook)
        archive.writestr(
            "xl/_rels/workbook.bin.rels",
            f'<Relationships xmlns="{RELS}">'
            f'<Relationship Id="rId1" Type="{DOC_RELS}/worksheet" Target="worksheets/sheet1.bin"/>'
            f'<Relationship Id="rId2" Type="{DOC_RELS}/sharedStrings" Target="sharedStrings.bin"/>'
            "</Relationships>",
        )
        archive.writestr("xl/worksheets/sheet1.bin", sheet)
        archive.writestr("xl/sharedStrings.bin", strings)
    return buffer.getvalue()


def xlsb(
    rows: Rows, *, shared: Sequence[str] = (), dimension: tuple[int, int, int, int] | None = None
) -> bytes:
    listed = list(rows)
    if dimension is None:
        last_row = max((r for r, _ in listed), default=0)
        last_column = max((c for _, cells in listed for c, _ in cells), default=0)
        dimension = (0, last_row, 0, last_column)
    return xlsb_package(xlsb_cells(listed), dimension=dimension, shared=shared)
