"""The column layouts of the fixed-column spreadsheet imports: ASN profiles, learning records, SKP results.

A column is found by its API field name (`nip`, `unit_id`) or by the template's Indonesian header
(`NIP`, `ID Unit Kerja`) or a common alias, ignoring case, spacing and punctuation. Columns no
layout knows are ignored (and listed on the job); a required column that is missing fails the
upload at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from app.core.errors import Unprocessable
from app.core.i18n import msg
from app.core.spreadsheets import Kind
from app.imports import cells
from app.imports.lines import either, listed, notes
from app.imports.models import ASN, LEARNING_RECORDS, PERFORMANCE


class MissingColumns(Unprocessable):
    code = "missing_columns"


class DuplicateColumns(Unprocessable):
    code = "duplicate_columns"


@dataclass(frozen=True, slots=True)
class Column:
    field: str  # the API's field name
    header: str  # the template's header
    parse: Callable[[Any], Any]
    description: str  # for the template's "Petunjuk" sheet (Indonesian)
    example: Any
    kind: Kind = Kind.text  # how the template writes the example
    required: bool = False
    aliases: tuple[str, ...] = ()
    width: float = 16


@dataclass(frozen=True, slots=True)
class Layout:
    kind: str
    columns: tuple[Column, ...]
    # Groups of columns of which at least one must be present (learning records: jp or minutes).
    one_of: tuple[tuple[str, ...], ...] = ()
    by_name: dict[str, Column] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for column in self.columns:
            for name in (column.field, column.header, *column.aliases):
                self.by_name[normalise(name)] = column

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.field == name)


def normalise(header: str) -> str:
    """`Jenis Kepegawaian`, `jenis_kepegawaian` and ` JENIS-KEPEGAWAIAN*` are one header."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", header.lower()).split())


@dataclass(frozen=True, slots=True)
class Mapping:
    """Which position of a row holds which column, and the headers nothing uses."""

    positions: tuple[tuple[int, Column], ...]
    ignored: tuple[str, ...]


def match(layout: Layout, header: list[str]) -> Mapping:
    """The columns of an uploaded header row; 422 naming the required columns it lacks."""
    positions: list[tuple[int, Column]] = []
    seen: dict[str, str] = {}
    ignored: list[str] = []
    duplicates: list[str] = []
    for index, raw in enumerate(header):
        title = (raw or "").strip()
        if not title:
            continue
        column = layout.by_name.get(normalise(title))
        if column is None:
            ignored.append(title[:60])
            continue
        if column.field in seen:
            duplicates.append(msg("{first!r} and {second!r}", first=seen[column.field], second=title[:60]))
            continue
        seen[column.field] = title
        positions.append((index, column))
    if duplicates:
        raise DuplicateColumns(
            msg(
                "These columns name the same field: {duplicates}; keep one of each",
                duplicates=notes(duplicates),
            ),
            columns=duplicates,
        )
    missing = [c.field for c in layout.columns if c.required and c.field not in seen]
    missing += [" or ".join(group) for group in layout.one_of if not any(f in seen for f in group)]
    if missing:
        raise MissingColumns(
            msg(
                "The header row lacks required columns: {columns}. Download the template from "
                "/api/v1/imports/templates/{template}",
                columns=listed(_describe(layout, m) for m in missing),
                template=template_slug(layout.kind),
            ),
            columns=missing,
        )
    return Mapping(tuple(positions), tuple(ignored))


def _describe(layout: Layout, missing: str) -> str:
    return either(f"{layout.column(f).header} ({f})" for f in missing.split(" or "))


def template_slug(kind: str) -> str:
    return kind.replace("_", "-")


@dataclass(slots=True)
class SourceRow:
    """One data row: its spreadsheet row number, its non-empty values, or the first cell it failed on."""

    number: int
    values: dict[str, Any]
    error_field: str | None = None
    error: str | None = None

    def raw(self, name: str) -> Any:
        return self.values.get(name)


def parse_row(mapping: Mapping, number: int, cells_in_row: list[Any]) -> SourceRow:
    row = SourceRow(number, {})
    for index, column in mapping.positions:
        value = cells_in_row[index] if index < len(cells_in_row) else None
        if cells.is_empty(value):
            continue  # an empty cell leaves the field out
        try:
            row.values[column.field] = column.parse(value)
        except cells.CellError as exc:
            if row.error is None:
                reason = exc.args[0] if exc.args and isinstance(exc.args[0], str) else str(exc)
                row.error_field = column.field
                row.error = msg(
                    "{field} ({header}): {reason}", field=column.field, header=column.header, reason=reason
                )
            # Keep the NIP and name readable for the report even when another cell is wrong.
            if column.field in ("nip", "name"):
                row.values[column.field] = cells.text(value)
    return row


# -- ASN profiles --------------------------------------------------------------------------------------

# A made-up NIP (TMT April 2009) for the templates' example rows; the example ASN row creates it,
# and the learning-record example then imports for it.
EXAMPLE_NIP = "198503142009042001"

ASN_LAYOUT = Layout(
    ASN,
    (
        Column(
            "nip",
            "NIP",
            cells.nip,
            "18 digit NIP (PNS/CPNS) atau NI PPPK. Format kolom sebagai Teks agar digit terakhir tidak hilang.",
            EXAMPLE_NIP,
            required=True,
            aliases=("nip baru", "ni pppk", "nomor induk pegawai"),
            width=21,
        ),
        Column(
            "name",
            "Nama",
            cells.text,
            "Nama lengkap beserta gelar.",
            "Siti Rahmawati, S.Kom.",
            required=True,
            aliases=("nama lengkap", "nama pegawai", "nama asn"),
            width=30,
        ),
        Column(
            "employment_type",
            "Jenis Kepegawaian",
            cells.lower,
            "pns, cpns atau pppk.",
            "pns",
            required=True,
            aliases=("jenis asn", "jenis pegawai", "status kepegawaian"),
        ),
        Column(
            "unit_id",
            "ID Unit Kerja",
            cells.integer,
            "Id unit kerja (perangkat daerah atau bagiannya) dari menu Organisasi / GET /api/v1/units.",
            23,
            Kind.integer,
            required=True,
            aliases=("id unit", "unit kerja id"),
        ),
        Column(
            "golongan",
            "Golongan",
            cells.golongan,
            "I/a sampai IV/e untuk PNS/CPNS, I sampai XVII untuk PPPK.",
            "III/c",
            aliases=("gol", "pangkat golongan", "golongan ruang"),
        ),
        Column(
            "position_id",
            "ID Jabatan",
            cells.integer,
            "Id jabatan dari GET /api/v1/positions. Kosongkan bila belum ada.",
            101,
            Kind.integer,
            aliases=("jabatan id", "id posisi"),
        ),
        Column(
            "email",
            "Email",
            cells.text,
            "Alamat email dinas.",
            "siti.rahmawati@kaltimprov.go.id",
            aliases=("e mail", "surel", "alamat email"),
            width=30,
        ),
        Column(
            "phone",
            "Nomor HP",
            cells.text,
            "Nomor telepon/HP, mis. +62 812-5555-0101.",
            "+62 812-5555-0101",
            aliases=("no hp", "nomor telepon", "no telepon", "telepon", "hp"),
            width=20,
        ),
        Column(
            "education_level",
            "Pendidikan",
            cells.upper,
            "Pendidikan terakhir: SD, SMP, SMA, D1, D2, D3, D4, S1, S2 atau S3.",
            "S1",
            aliases=("pendidikan terakhir", "tingkat pendidikan", "jenjang pendidikan"),
        ),
        Column(
            "active",
            "Aktif",
            cells.boolean,
            "Ya atau Tidak. Kosong: Ya untuk pegawai baru, tetap seperti tersimpan untuk pegawai lama.",
            "Ya",
            aliases=("status aktif",),
            width=10,
        ),
        Column(
            "gender",
            "Jenis Kelamin",
            cells.gender,
            "L atau P. Kosong: dibaca dari NIP (harus sesuai dengan NIP bila diisi).",
            "P",
            aliases=("jk", "l p", "kelamin"),
            width=14,
        ),
        Column(
            "birth_date",
            "Tanggal Lahir",
            cells.day,
            "YYYY-MM-DD atau DD/MM/YYYY. Kosong: dibaca dari NIP (harus sesuai dengan NIP bila diisi).",
            date(1985, 3, 14),
            Kind.date,
            aliases=("tgl lahir",),
            width=14,
        ),
    ),
)

# -- learning records ----------------------------------------------------------------------------------

LEARNING_LAYOUT = Layout(
    LEARNING_RECORDS,
    (
        Column(
            "nip",
            "NIP",
            cells.nip,
            "NIP pegawai yang mengikuti kegiatan (format kolom sebagai Teks).",
            EXAMPLE_NIP,
            required=True,
            aliases=("nip baru", "ni pppk", "nomor induk pegawai"),
            width=21,
        ),
        Column(
            "title",
            "Nama Kegiatan",
            cells.text,
            "Nama pelatihan/kegiatan pengembangan kompetensi.",
            "Pelatihan Kepemimpinan Pengawas Angkatan III",
            required=True,
            aliases=("judul", "nama pelatihan", "nama diklat", "kegiatan", "judul kegiatan"),
            width=40,
        ),
        Column(
            "form_code",
            "Kode Bentuk",
            cells.code,
            "Kode bentuk pengembangan kompetensi (jenis diklat SIASN), lihat daftar kode di bawah.",
            "1",
            required=True,
            aliases=("kode bentuk pengembangan kompetensi", "kode jenis diklat", "jenis diklat", "bentuk"),
            width=12,
        ),
        Column(
            "start_date",
            "Tanggal Mulai",
            cells.day,
            "YYYY-MM-DD atau DD/MM/YYYY.",
            date(2026, 3, 2),
            Kind.date,
            required=True,
            aliases=("tgl mulai", "mulai"),
            width=14,
        ),
        Column(
            "end_date",
            "Tanggal Selesai",
            cells.day,
            "YYYY-MM-DD atau DD/MM/YYYY; tidak boleh di masa depan. Menentukan tahun JP dihitung.",
            date(2026, 6, 19),
            Kind.date,
            required=True,
            aliases=("tgl selesai", "selesai"),
            width=14,
        ),
        Column(
            "jp",
            "JP",
            cells.decimal,
            "Jam pelajaran (lebih dari 0, paling banyak 2000; koma atau titik desimal). Isi JP atau Durasi.",
            Decimal(830),
            Kind.jp,
            aliases=("jumlah jp", "jam pelajaran"),
            width=10,
        ),
        Column(
            "duration_minutes",
            "Durasi (menit)",
            cells.integer,
            "Lama kegiatan dalam menit bila JP tidak diisi (JP = menit / 45 menurut aturan tahun itu).",
            None,
            Kind.integer,
            aliases=("durasi menit", "durasi", "menit"),
            width=14,
        ),
        Column(
            "organizer",
            "Penyelenggara",
            cells.text,
            "Instansi penyelenggara.",
            "BPSDM Provinsi Kalimantan Timur",
            aliases=("instansi penyelenggara",),
            width=30,
        ),
        Column(
            "certificate_number",
            "Nomor Sertifikat",
            cells.text,
            "Nomor sertifikat/STTPP. Nomor yang sama untuk pegawai yang sama ditolak sebagai duplikat.",
            "PKP/III/2026/0457",
            aliases=("no sertifikat", "nomor sttpp", "no sttpp"),
            width=20,
        ),
        Column(
            "competency_codes",
            "Kode Kompetensi",
            cells.codes,
            "Kode kompetensi dari kamus kompetensi, dipisah koma atau titik koma (mis. M1;M4).",
            "M1;M4",
            aliases=("kompetensi",),
            width=16,
        ),
        Column(
            "cost_idr",
            "Biaya (Rp)",
            cells.rupiah,
            "Biaya dalam rupiah utuh, tanpa desimal.",
            18_500_000,
            Kind.idr,
            aliases=("biaya", "biaya rp", "biaya idr"),
            width=14,
        ),
        Column(
            "external_id",
            "ID Eksternal",
            cells.text,
            "Opsional: id baris di sistem asal. Impor ulang dengan id yang sama tidak membuat catatan baru; "
            "bila kosong, id dibentuk dari NIP, nama kegiatan, tanggal dan kode bentuk.",
            "PKP-III-2026-0457",
            aliases=("id eksternal", "external id", "id sumber"),
            width=20,
        ),
    ),
    one_of=(("jp", "duration_minutes"),),
)

# -- SKP results ---------------------------------------------------------------------------------------

# The predikat of PermenPAN-RB 6/2022 as an Indonesian sheet writes them.
PREDIKAT_NAMES = {
    "sangat_baik": "Sangat Baik",
    "baik": "Baik",
    "butuh_perbaikan": "Butuh Perbaikan",
    "kurang": "Kurang",
    "sangat_kurang": "Sangat Kurang",
}


def predikat(value: Any) -> str:
    """`sangat_baik`, `Sangat Baik`, `SANGAT-BAIK` are one predikat."""
    out = re.sub(r"[\s_\-]+", "_", cells.text(value).strip().lower())
    if out not in PREDIKAT_NAMES:
        raise cells.CellError(
            msg(
                "expected Sangat Baik, Baik, Butuh Perbaikan, Kurang or Sangat Kurang "
                "(or sangat_baik … sangat_kurang), not {value!r}",
                value=cells.text(value)[:40],
            )
        )
    return out


def skp_year(value: Any) -> int:
    """A year from 1950 to 2100 (one that has not begun is refused row by row: invalid_performance_year)."""
    try:
        year = cells.integer(value)
    except cells.CellError as exc:
        raise cells.CellError(
            msg("expected a year such as 2025, not {value!r}", value=cells.text(value)[:40])
        ) from exc
    if not 1950 <= year <= 2100:
        raise cells.CellError(msg("expected a year from 1950 to 2100, not {value}", value=year))
    return year


PERFORMANCE_LAYOUT = Layout(
    PERFORMANCE,
    (
        Column(
            "nip",
            "NIP",
            cells.nip,
            "NIP pegawai (format kolom sebagai Teks).",
            EXAMPLE_NIP,
            required=True,
            aliases=("nip baru", "ni pppk", "nomor induk pegawai"),
            width=21,
        ),
        Column(
            "name",
            "Nama",
            cells.text,
            "Opsional, hanya untuk dibaca: nama pegawai (tidak mengubah profil).",
            "Siti Rahmawati, S.Kom.",
            aliases=("nama lengkap", "nama pegawai", "nama asn"),
            width=30,
        ),
        Column(
            "year",
            "Tahun",
            skp_year,
            "Tahun penilaian SKP, mis. 2025; tahun yang belum dimulai ditolak.",
            2025,
            Kind.integer,
            required=True,
            aliases=("tahun skp", "tahun penilaian", "periode"),
            width=10,
        ),
        Column(
            "predikat",
            "Predikat",
            predikat,
            "Predikat kinerja: Sangat Baik, Baik, Butuh Perbaikan, Kurang atau Sangat Kurang "
            "(atau kodenya, lihat daftar di bawah).",
            "Baik",
            required=True,
            aliases=("predikat kinerja", "predikat skp", "hasil skp", "predikat kinerja pegawai"),
            width=18,
        ),
        Column(
            "score",
            "Nilai SKP",
            cells.score,
            "Opsional: nilai SKP 0–100 (paling banyak 2 desimal). Kosong: hasil tahun itu disimpan tanpa nilai.",
            Decimal("84.5"),
            Kind.jp,
            aliases=("nilai", "nilai kinerja", "skor skp", "nilai akhir skp"),
            width=12,
        ),
    ),
)

LAYOUTS = {ASN: ASN_LAYOUT, LEARNING_RECORDS: LEARNING_LAYOUT, PERFORMANCE: PERFORMANCE_LAYOUT}
