"""Printable recaps as PDF (fpdf2): A4 portrait, Indonesian text, page numbers, the time of printing,
and a signature block for the head of the unit.

Rendering is plain Python over figures already read (see service.py), so it runs in a worker thread.
The font is DejaVu Sans cut down to the Latin scripts (fonts/LICENSE.txt): the PDF core fonts only
know Latin-1, and Indonesian names carry more than that (e.g. "Ṣāliḥ", "Łucja").
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

from fpdf import FPDF, FontFace
from fpdf.enums import Align, XPos, YPos

# fontTools logs every glyph table of every subset it makes at INFO: noise in the service's log.
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)

PDF_MEDIA_TYPE = "application/pdf"
GOVERNMENT = "PEMERINTAH PROVINSI KALIMANTAN TIMUR"
PLACE = "Samarinda"
# Kalimantan Timur keeps Waktu Indonesia Tengah (UTC+8) all year.
WITA = timezone(timedelta(hours=8), "WITA")
FONTS = Path(__file__).parent / "fonts"
FONT = "DejaVuLatin"
MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
EMPLOYMENT = {"pns": "PNS", "cpns": "CPNS", "pppk": "PPPK"}
HEADINGS = FontFace(emphasis="BOLD", fill_color=(230, 230, 230))


def tanggal(day: date) -> str:
    """A date as Indonesian letters write it: 6 Desember 2026."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def jp(value: Decimal | None) -> str:
    """JP with a decimal comma, as printed in Indonesian documents: 12,5 / 20."""
    if value is None:
        return "-"
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def pct(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",") + "%"


# -- what a recap holds ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RecapRecord:
    start: date
    end: date
    title: str
    form: str
    organizer: str | None
    jp: Decimal


@dataclass(frozen=True, slots=True)
class FormSubtotal:
    form: str
    records: int
    recorded_jp: Decimal
    counted_jp: Decimal


@dataclass(frozen=True, slots=True)
class AsnRecap:
    year: int
    nip: str
    name: str
    unit: str
    position: str | None
    golongan: str | None
    employment_type: str
    records: Sequence[RecapRecord]
    forms: Sequence[FormSubtotal]
    verified_jp: Decimal
    pending_jp: Decimal
    target_jp: Decimal | None
    cap_jp: Decimal | None
    compliant: bool | None
    over_cap: bool | None


@dataclass(frozen=True, slots=True)
class UnitLine:
    code: str | None
    name: str
    headcount: int
    compliant: int
    non_compliant: int
    compliance_pct: Decimal
    total_jp: Decimal
    mean_jp: Decimal


@dataclass(frozen=True, slots=True)
class ComplianceRecap:
    year: int
    unit: str | None  # None: the whole province
    target_jp: Decimal
    total: UnitLine
    units: Sequence[UnitLine]
    pppk_cap_jp: Decimal
    pppk_headcount: int
    pppk_over_cap: int
    pppk_total_jp: Decimal
    pppk_mean_jp: Decimal


# -- the document ---------------------------------------------------------------------------------------


class _Document(FPDF):
    def __init__(self, title: str, printed: datetime) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.printed = printed
        self.set_margins(18, 16, 18)
        self.set_auto_page_break(auto=True, margin=18)
        self.add_font(FONT, "", FONTS / "DejaVuSansLatin.ttf")
        self.add_font(FONT, "B", FONTS / "DejaVuSansLatin-Bold.ttf")
        self.set_title(title)
        self.set_author("Bangkom")
        self.set_creator("Bangkom")
        self.set_lang("id")
        self.set_font(FONT, size=10)
        self.add_page()

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font(FONT, size=7.5)
        stamp = self.printed.astimezone(WITA).strftime("%d-%m-%Y %H:%M") + " WITA"
        self.cell(0, 5, f"Dicetak dari Bangkom pada {stamp}", align=Align.L)
        self.set_x(self.l_margin)
        self.cell(0, 5, f"Halaman {self.page_no()} dari {{nb}}", align=Align.R)

    def line_of(self, text: str, *, size: float = 10, bold: bool = False, align: Align = Align.L) -> None:
        self.set_font(FONT, "B" if bold else "", size)
        self.multi_cell(0, size * 0.5, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def letterhead(self, title: str, subtitle: str) -> None:
        self.line_of(GOVERNMENT, size=12, bold=True, align=Align.C)
        self.line_of(title, size=11, bold=True, align=Align.C)
        self.line_of(subtitle, size=10, align=Align.C)
        y = self.get_y() + 1.5
        self.set_line_width(0.6)
        self.line(self.l_margin, y, self.w - self.r_margin, y)
        self.set_line_width(0.2)
        self.set_y(y + 4)

    def facts(self, rows: Sequence[tuple[str, str]]) -> None:
        self.set_font(FONT, size=10)
        for label, value in rows:
            self.cell(46, 5.5, label)
            self.cell(4, 5.5, ":")
            self.multi_cell(0, 5.5, value, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(2)

    def heading(self, text: str) -> None:
        if self.will_page_break(20):  # never a heading alone at the foot of a page
            self.add_page()
        self.ln(1)
        self.line_of(text, size=10.5, bold=True)
        self.ln(1)

    def grid(
        self,
        headings: Sequence[str],
        rows: Sequence[Sequence[str]],
        widths: Sequence[float],
        align: Sequence[str],
        *,
        last_bold: bool = False,
    ) -> None:
        self.set_font(FONT, size=8.5)
        # fpdf2 moves a row that does not fit whole to the next page and repeats the headings there.
        with self.table(
            col_widths=tuple(widths),
            text_align=tuple(align),
            headings_style=HEADINGS,
            line_height=4.6,
            padding=1.2,
            width=self.epw,
        ) as table:
            table.row(list(headings))
            for i, cells in enumerate(rows):
                style = FontFace(emphasis="BOLD") if last_bold and i == len(rows) - 1 else None
                table.row(list(cells), style=style)
        self.ln(3)

    def signature(self, unit: str | None) -> None:
        if self.will_page_break(52):  # the block stays whole, on the page of its last figures
            self.add_page()
        self.ln(6)
        x = self.w - self.r_margin - 80
        self.set_font(FONT, size=10)
        for text in (
            f"{PLACE}, {tanggal(self.printed.astimezone(WITA).date())}",
            "Mengetahui,",
            f"Kepala {unit}" if unit else "Kepala Badan Pengembangan Sumber Daya Manusia",
        ):
            self.set_x(x)
            self.multi_cell(80, 5, text, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(22)  # room for the signature and the stamp
        for text in (
            "(.......................................................)",
            "NIP. ....................................................",
        ):
            self.set_x(x)
            self.multi_cell(80, 5, text, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def bytes(self) -> bytes:
        return bytes(self.output())


def asn_recap(recap: AsnRecap, printed: datetime) -> bytes:
    """Rekap JP of one ASN for one year."""
    doc = _Document(f"Rekap JP {recap.year} - {recap.name}", printed)
    doc.letterhead("REKAPITULASI JAM PELAJARAN (JP) PENGEMBANGAN KOMPETENSI", f"Tahun {recap.year}")
    doc.facts(
        (
            ("Nama", recap.name),
            ("NIP", recap.nip),
            ("Jabatan", recap.position or "-"),
            ("Golongan", recap.golongan or "-"),
            ("Jenis ASN", EMPLOYMENT.get(recap.employment_type, recap.employment_type.upper())),
            ("Unit Kerja", recap.unit),
        )
    )

    doc.heading("Riwayat Pengembangan Kompetensi Terverifikasi")
    if recap.records:
        rows = [
            (
                str(i),
                _period(r.start, r.end),
                r.title,
                r.form,
                r.organizer or "-",
                jp(r.jp),
            )
            for i, r in enumerate(recap.records, 1)
        ]
        doc.grid(
            ("No", "Tanggal", "Judul Kegiatan", "Bentuk", "Penyelenggara", "JP"),
            rows,
            (8, 30, 55, 30, 37, 14),
            ("C", "L", "L", "L", "L", "R"),
        )
    else:
        doc.line_of(f"Belum ada pengembangan kompetensi terverifikasi pada tahun {recap.year}.")
        doc.ln(3)

    if recap.forms:
        doc.heading("Subtotal per Bentuk Pengembangan")
        subtotals = [(f.form, str(f.records), jp(f.recorded_jp), jp(f.counted_jp)) for f in recap.forms]
        doc.grid(
            ("Bentuk Pengembangan", "Kegiatan", "JP Tercatat", "JP Diakui"),
            subtotals,
            (94, 24, 28, 28),
            ("L", "R", "R", "R"),
        )

    doc.heading("Capaian JP")
    facts = [("JP diakui", f"{jp(recap.verified_jp)} JP")]
    if recap.target_jp is not None:
        facts.append(("Target minimum", f"{jp(recap.target_jp)} JP"))
        status = "MEMENUHI" if recap.compliant else "BELUM MEMENUHI"
        facts.append(("Status", status))
        if not recap.compliant:
            facts.append(("Kekurangan", f"{jp(max(Decimal(0), recap.target_jp - recap.verified_jp))} JP"))
    if recap.cap_jp is not None:
        facts.append(("Batas maksimum", f"{jp(recap.cap_jp)} JP (PPPK)"))
        facts.append(("Status", "MELEBIHI BATAS" if recap.over_cap else "DALAM BATAS"))
    if recap.pending_jp:
        facts.append(("Menunggu verifikasi", f"{jp(recap.pending_jp)} JP (belum dihitung)"))
    doc.facts(facts)
    doc.signature(recap.unit)
    return doc.bytes()


def compliance_recap(recap: ComplianceRecap, printed: datetime) -> bytes:
    """Rekap kepatuhan JP of one unit (an OPD with its sub-units) or the province."""
    where = recap.unit or "Seluruh Perangkat Daerah"
    doc = _Document(f"Rekap Kepatuhan JP {recap.year} - {where}", printed)
    doc.letterhead("REKAPITULASI KEPATUHAN JAM PELAJARAN (JP)", f"{where} - Tahun {recap.year}")
    t = recap.total
    doc.facts(
        (
            ("Unit Kerja", where),
            ("Tahun", str(recap.year)),
            ("Target minimum", f"{jp(recap.target_jp)} JP per PNS/CPNS per tahun"),
            ("Jumlah PNS/CPNS", str(t.headcount)),
            ("Memenuhi", str(t.compliant)),
            ("Belum memenuhi", str(t.non_compliant)),
            ("Persentase memenuhi", pct(t.compliance_pct)),
            ("Total JP", jp(t.total_jp)),
            ("Rata-rata JP", jp(t.mean_jp)),
        )
    )
    doc.heading("Rincian per Unit Kerja")
    rows = [
        (
            u.name,
            str(u.headcount),
            str(u.compliant),
            str(u.non_compliant),
            pct(u.compliance_pct),
            jp(u.total_jp),
            jp(u.mean_jp),
        )
        for u in (*recap.units, t)
    ]
    doc.grid(
        ("Unit Kerja", "PNS/CPNS", "Memenuhi", "Belum", "% Memenuhi", "Total JP", "Rata-rata"),
        rows,
        (52, 21, 22, 17, 22, 20, 20),
        ("L", "R", "R", "R", "R", "R", "R"),
        last_bold=True,
    )
    doc.heading("PPPK (JP dibatasi, bukan target)")
    doc.facts(
        (
            ("Batas maksimum", f"{jp(recap.pppk_cap_jp)} JP per tahun"),
            ("Jumlah PPPK", str(recap.pppk_headcount)),
            ("Melebihi batas", str(recap.pppk_over_cap)),
            ("Total JP", jp(recap.pppk_total_jp)),
            ("Rata-rata JP", jp(recap.pppk_mean_jp)),
        )
    )
    doc.signature(recap.unit)
    return doc.bytes()


def _period(start: date, end: date) -> str:
    if start == end:
        return start.strftime("%d-%m-%Y")
    return f"{start.strftime('%d-%m-%Y')} s.d. {end.strftime('%d-%m-%Y')}"
