"""A certificate as BPSDM prints it: one A4 landscape page with the province's and BPSDM's heading,
the number, the holder, the course, its dates and JP, the signature block, and a QR code of the
public verification page with that address printed beside it, so a paper copy can be checked.

Plain Python over figures already read, like pdf.py: it runs in a worker thread.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import segno
from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

from app.exports.pdf import FONT, FONTS, GOVERNMENT, PLACE, jp, tanggal

BPSDM = "BADAN PENGEMBANGAN SUMBER DAYA MANUSIA"
HEAD = "Kepala Badan Pengembangan Sumber Daya Manusia"
VERIFY_PATH = "/sertifikat/"
QR_SIZE = 34  # mm: readable by a phone from a printed page
SIGNATURE_WIDTH = 100
ACCENT = (20, 70, 120)


@dataclass(frozen=True, slots=True)
class CertificateFacts:
    number: str
    nip: str
    name: str
    course_title: str
    batch: int
    starts_on: date
    ends_on: date
    jp: Decimal
    issued_on: date
    verification_url: str


def verification_url(base: str, number: str) -> str:
    """Where the QR code leads: the SPA's public check of this number."""
    return base.rstrip("/") + VERIFY_PATH + number


def _period(start: date, end: date) -> str:
    if start == end:
        return tanggal(start)
    return f"{tanggal(start)} s.d. {tanggal(end)}"


def _qr_png(url: str) -> io.BytesIO:
    png = io.BytesIO()
    segno.make(url, error="m").save(png, kind="png", scale=8, border=2)
    png.seek(0)
    return png


def certificate(facts: CertificateFacts) -> bytes:
    doc = FPDF(orientation="L", unit="mm", format="A4")
    doc.set_margins(20, 16, 20)
    doc.set_auto_page_break(auto=False)
    doc.add_font(FONT, "", FONTS / "DejaVuSansLatin.ttf")
    doc.add_font(FONT, "B", FONTS / "DejaVuSansLatin-Bold.ttf")
    doc.set_title(f"Sertifikat {facts.number}")
    doc.set_author("Bangkom")
    doc.set_creator("Bangkom")
    doc.set_lang("id")
    doc.add_page()

    # A double frame, as printed certificates have.
    doc.set_draw_color(*ACCENT)
    doc.set_line_width(1.2)
    doc.rect(8, 8, doc.w - 16, doc.h - 16)
    doc.set_line_width(0.3)
    doc.rect(11, 11, doc.w - 22, doc.h - 22)
    doc.set_draw_color(0, 0, 0)

    def line(text: str, size: float, *, bold: bool = False, gap: float = 0) -> None:
        doc.set_font(FONT, "B" if bold else "", size)
        doc.multi_cell(0, size * 0.5, text, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if gap:
            doc.ln(gap)

    doc.set_y(18)
    line(GOVERNMENT, 13, bold=True)
    line(BPSDM, 12, bold=True, gap=1.5)
    y = doc.get_y() + 1
    doc.set_line_width(0.6)
    doc.line(40, y, doc.w - 40, y)
    doc.set_line_width(0.2)
    doc.set_y(y + 6)

    doc.set_text_color(*ACCENT)
    line("SERTIFIKAT", 30, bold=True, gap=1)
    doc.set_text_color(0, 0, 0)
    line(f"Nomor: {facts.number}", 11, gap=5)
    line("diberikan kepada", 11, gap=2)
    line(facts.name, 20, bold=True, gap=1)
    line(f"NIP. {facts.nip}", 11, gap=5)
    line("yang telah mengikuti", 11, gap=2)
    line(facts.course_title, 15, bold=True, gap=2)
    line(
        f"Angkatan {facts.batch}, pada tanggal {_period(facts.starts_on, facts.ends_on)}, "
        f"sebanyak {jp(facts.jp)} Jam Pelajaran (JP)",
        11,
    )

    # Foot: the QR code and its address on the left, the signature block on the right.
    top = doc.h - 20 - QR_SIZE
    doc.image(_qr_png(facts.verification_url), x=24, y=top, w=QR_SIZE, h=QR_SIZE)
    x = doc.w - 24 - SIGNATURE_WIDTH  # the signature block's left edge
    left = 24 + QR_SIZE + 4
    width = x - 4 - left
    doc.set_xy(left, top + 6)
    doc.set_font(FONT, "B", 8.5)
    doc.cell(width, 4.5, "Verifikasi keaslian sertifikat:", new_x=XPos.LEFT, new_y=YPos.NEXT)
    # The address on one line, however long the server's name: a wrapped URL is mistyped.
    size = 8.5
    doc.set_font(FONT, "", size)
    while doc.get_string_width(facts.verification_url) > width and size > 5:
        size -= 0.5
        doc.set_font(FONT, "", size)
    doc.cell(width, 4.5, facts.verification_url, new_x=XPos.LEFT, new_y=YPos.NEXT)
    doc.set_font(FONT, "", 8.5)
    doc.cell(width, 4.5, "Pindai kode QR atau buka alamat di atas.", new_x=XPos.LEFT, new_y=YPos.NEXT)

    doc.set_font(FONT, "", 10)
    doc.set_xy(x, top - 2)
    for text in (f"{PLACE}, {tanggal(facts.issued_on)}", HEAD, "Provinsi Kalimantan Timur"):
        doc.set_x(x)
        doc.multi_cell(SIGNATURE_WIDTH, 5, text, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    doc.set_y(doc.get_y() + 15)  # room for the signature and the stamp
    for text in (
        "(.......................................................)",
        "NIP. ....................................",
    ):
        doc.set_x(x)
        doc.multi_cell(SIGNATURE_WIDTH, 5, text, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(doc.output())
