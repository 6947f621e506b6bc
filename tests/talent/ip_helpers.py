"""Helpers of the IP ASN tests: verified learning records (with their jp_totals, as transitions keep
them), positions of each jenis jabatan, and the URLs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.learning import totals
from app.learning.models import LearningRecord
from app.org.models import Position, Unit
from tests import factories

YEAR = 2025


def ip_asn_url(nip: str, year: int = YEAR) -> str:
    return f"/api/v1/asn/{nip}/ip-asn?year={year}"


def report_url(year: int = YEAR, unit_id: int | None = None) -> str:
    return f"/api/v1/reports/ip-asn?year={year}" + ("" if unit_id is None else f"&unit_id={unit_id}")


async def add_record(
    session: AsyncSession,
    asn: Asn,
    form: str,
    jp: str,
    on: date = date(YEAR, 5, 1),
    status: str = "verified",
) -> int:
    """A learning record of `asn`; a verified one also counts in jp_totals, as a verification would."""
    record = LearningRecord(
        nip=asn.nip,
        title=f"Kegiatan bentuk {form}",
        title_key=f"kegiatan bentuk {form} {on.isoformat()} {jp}",
        form_code=form,
        start_date=on,
        end_date=on,
        year=on.year,
        jp=Decimal(jp),
        competency_codes=[],
        source="manual",
        status=status,
        created_by="test",
    )
    session.add(record)
    await session.flush()
    if status == "verified":
        await totals.add(session, nip=asn.nip, year=on.year, form_code=form, jp=Decimal(jp), records=1)
    return record.id


async def place(session: AsyncSession, asn: Asn, unit: Unit, jenis_jabatan: str | None) -> None:
    """Put `asn` in a position of this jenis jabatan (None: no position)."""
    position: Position | None = None
    if jenis_jabatan is not None:
        jenjang = {"fungsional": "ahli_pertama"}.get(jenis_jabatan)
        position = await factories.create_position(
            session, unit, jenis_jabatan=jenis_jabatan, jenjang=jenjang
        )
    asn.position_id = None if position is None else position.id
    await session.flush()
