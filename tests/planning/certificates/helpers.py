"""Sessions, nominations and credited records written with the ORM (the nomination API is not needed)."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.competencies.models import Course
from app.core.security import Principal, Role
from app.learning import service as learning
from app.planning.models import ACCEPTED, CourseSession, Nomination

BPSDM = Principal(subject="bpsdm", role=Role.bpsdm_admin)
STARTS, ENDS = date(2026, 3, 2), date(2026, 3, 6)
_codes = itertools.count(1)


async def course_session(
    session: AsyncSession,
    *,
    code: str | None = None,
    title: str = "Pelatihan Kepemimpinan Pengawas",
    batch: int = 1,
) -> CourseSession:
    course = Course(
        code=code or f"PKP-{next(_codes)}", title=title, form_code="1", jp=Decimal(40), organizer="BPSDM"
    )
    session.add(course)
    await session.flush()
    found = CourseSession(
        course_id=course.id, batch=batch, starts_on=STARTS, ends_on=ENDS, quota=30, created_by="bpsdm"
    )
    session.add(found)
    await session.flush()
    return found


async def nominate(
    session: AsyncSession, course_session: CourseSession, asn: Asn, *, credited: bool = True, jp: str = "40"
) -> Nomination:
    """An accepted nomination; `credited`: attendance created its verified learning record."""
    record_id = None
    now = datetime.now(UTC)
    if credited:
        [record_id] = await learning.insert_verified(
            session,
            BPSDM,
            "attendance",
            [
                learning.NewRecord(
                    nip=asn.nip,
                    title=f"Pelatihan angkatan {course_session.id}",
                    form_code="1",
                    start_date=course_session.starts_on,
                    end_date=course_session.ends_on,
                    jp=Decimal(jp),
                    external_id=f"session-{course_session.id}-{asn.nip}",
                )
            ],
            now=now,
        )
    nomination = Nomination(
        session_id=course_session.id,
        nip=asn.nip,
        unit_id=asn.unit_id,
        status=ACCEPTED,
        nominated_by="opd",
        record_id=record_id,
        attended_at=now if credited else None,
    )
    session.add(nomination)
    await session.flush()
    return nomination
