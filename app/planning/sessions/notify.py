"""Telling a nominee BPSDM's decision, through the outbox, in the decision's transaction."""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from app.competencies.models import Course
from app.core.i18n import Language, localise, msg
from app.notifications import outbox
from app.planning.models import ACCEPTED, CourseSession, Nomination

NOMINATION_DECIDED = "nomination_decided"
# The ASN's home page, where their coming sessions and JP show.
LINK = "/saya"

_MONTHS_ID = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip
_MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def _day(value: date, language: Language) -> str:
    months = _MONTHS_ID if language == "id" else _MONTHS_EN
    return f"{value.day} {months[value.month - 1]} {value.year}"


def _texts(
    nomination: Nomination, course_session: CourseSession, course: Course, language: Language
) -> tuple[str, str]:
    values = {
        "course": course.title,
        "batch": course_session.batch,
        "starts_on": _day(course_session.starts_on, language),
        "ends_on": _day(course_session.ends_on, language),
    }
    if nomination.status == ACCEPTED:
        title = msg("You are a participant of {course}", course=course.title)
        body = msg("You are a participant of {course}, batch {batch}, {starts_on} – {ends_on}.", **values)
        text = str(localise(body, language))
        if course_session.place:
            text += " " + str(localise(msg("Place: {place}.", place=course_session.place), language))
        if course_session.online_url:
            text += " " + str(localise(msg("Link: {url}", url=course_session.online_url), language))
    else:
        title = msg("Your nomination for {course} was declined", course=course.title)
        body = msg(
            "Your nomination for {course}, batch {batch}, {starts_on} – {ends_on}, was declined.", **values
        )
        text = str(localise(body, language))
    if nomination.decision_note:
        text += " " + str(localise(msg("BPSDM's note: {note}", note=nomination.decision_note), language))
    return str(localise(title, language)), text


async def nomination_decided(
    session: AsyncSession, nomination: Nomination, course_session: CourseSession, course: Course
) -> None:
    """Tells the nominee (their active ASN account, if they have one) that BPSDM accepted or declined."""
    await outbox.tell_asn(
        session,
        nomination.nip,
        kind=NOMINATION_DECIDED,
        # One message per nomination and step: a nomination withdrawn and proposed again is decided
        # anew, and its new decision is a new step.
        dedup_key=f"{NOMINATION_DECIDED}:{nomination.id}:{nomination.status}:{nomination.version}",
        texts=lambda language: _texts(nomination, course_session, course, language),
        link=LINK,
        email=True,
    )
