"""Webinar attendance: a Zoom, Google Meet or Teams participant report → verified learning records.

The job runner calls `check_options` and `check_report` while the upload request is open (so bad
input is a 422 at once), and `run` later, in the job's transaction. Records go through
`learning.service.create`, so JP rules, duplicates, totals, events, audit and the change feed are
exactly those of a record entered by hand; `(nip, "attendance", external_id)` makes a second upload
of the same session a no-op.

With `session_id` the report is a meeting of a course session (angkatan): matching and the threshold
are the same, but the people who reached it are credited through the session's own attendance
(`planning.sessions.attendance.credit_attendance`, one call for the whole report), so only accepted
nominees get a record (source "session"), exactly once whoever credits them and however often.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn import service as asn_service
from app.asn.models import Asn
from app.asn.nip import NipInvalid, parse_nip
from app.competencies.courses import service as courses
from app.core.db import chunked
from app.core.errors import DomainError, Unprocessable
from app.core.i18n import msg
from app.core.params import before_floor
from app.core.security import Principal
from app.core.text import strip_format
from app.core.types import latest_indonesian_date
from app.imports import models
from app.imports.attendance_layouts import parse_report
from app.imports.attendance_people import Participant, attended_seconds, group, nip_in, resembles
from app.imports.lines import AttendanceOutcome, ReportLine, reason_of
from app.imports.lines import notes as joined_notes
from app.learning import service as learning
from app.learning.models import VERIFIED, LearningRecord
from app.learning.schemas import RecordCreate
from app.planning.models import CourseSession, Nomination
from app.planning.sessions import attendance as session_attendance
from app.planning.sessions import service as sessions
from app.planning.sessions.quota import refuse_closed
from app.reference.forms import check_form_code
from app.rules import service as rules_service

SOURCE = "attendance"
DEFAULT_MIN_SHARE = Decimal("0.75")
MAX_SESSION_MINUTES = 1440
_CHUNK = 500  # values per IN list, well inside SQLite's and asyncpg's parameter limits
_SHARE = Decimal("0.0001")


class InvalidOption(Unprocessable):
    code = "invalid_option"


def _invalid(detail: str, *, field: str) -> InvalidOption:
    return InvalidOption(msg("{field}: {problem}", field=field, problem=detail), field=field)


# -- options -----------------------------------------------------------------------------------------


def _text(options: dict[str, Any], key: str) -> str | None:
    value = options.get(key)
    if value is None:
        return None
    text = strip_format(str(value)).strip()
    return text or None


def _int(options: dict[str, Any], key: str, low: int, high: int) -> int | None:
    text = _text(options, key)
    if text is None:
        return None
    try:
        number = int(text)
    except ValueError:
        raise _invalid(msg("{value!r} is not a whole number", value=text[:40]), field=key) from None
    if not low <= number <= high:
        raise _invalid(
            msg("must be between {low} and {high}, not {number}", low=low, high=high, number=number),
            field=key,
        )
    return number


def _date(options: dict[str, Any], key: str) -> date | None:
    text = _text(options, key)
    if text is None:
        return None
    try:
        value = date.fromisoformat(text)
    except ValueError:
        raise _invalid(msg("{value!r} is not a date (YYYY-MM-DD)", value=text[:40]), field=key) from None
    if (too_early := before_floor(value)) is not None:
        raise _invalid(too_early, field=key)
    if value > latest_indonesian_date():
        raise _invalid(
            msg(
                "{date} is in the future; import attendance once the session is held",
                date=value.isoformat(),
            ),
            field=key,
        )
    return value


def _min_share(options: dict[str, Any]) -> Decimal:
    text = _text(options, "min_share")
    if text is None:
        return DEFAULT_MIN_SHARE
    percent = text.endswith("%")
    try:
        share = Decimal(text.rstrip("%").strip().replace(",", "."))
    except InvalidOperation:
        raise _invalid(
            msg("{value!r} is not a number such as 0.75", value=text[:40]), field="min_share"
        ) from None
    if percent:
        share /= 100
    if not share.is_finite() or not 0 < share <= 1:
        raise _invalid(
            msg("must be more than 0 and at most 1 (a share such as 0.75), not {value}", value=text[:40]),
            field="min_share",
        )
    return share.normalize()


def _title(options: dict[str, Any]) -> str:
    title = " ".join((_text(options, "title") or "").split())
    if not title:
        raise _invalid(msg("give the session's title, or a course_id from the catalogue"), field="title")
    if len(title) > 300:
        raise _invalid(msg("at most 300 characters"), field="title")
    if any(ord(c) < 32 or ord(c) == 127 for c in title):
        raise _invalid(msg("control characters are not allowed"), field="title")
    return title


def session_key(course_id: int | None, title: str, form_code: str, session_date: date) -> str:
    """The session's part of each record's external_id: the course and day, else a digest of what
    makes an ad-hoc session the same one (its normalised title, form and day)."""
    if course_id is not None:
        return f"c{course_id}-{session_date.isoformat()}"
    seed = f"{learning.title_key(title)}|{form_code}|{session_date.isoformat()}"
    return "s" + hashlib.sha256(seed.encode()).hexdigest()[:20]


async def check_options(
    session: AsyncSession, principal: Principal, options: dict[str, Any]
) -> dict[str, Any]:
    """The session the report belongs to and the share to count, normalised for the job's `options`."""
    del principal  # everyone who may upload may name any catalogue course or course session
    session_id = _int(options, "session_id", 1, 2**31 - 1)
    course_id = _int(options, "course_id", 1, 2**31 - 1)
    session_date = _date(options, "session_date")
    minutes = _int(options, "session_minutes", 1, MAX_SESSION_MINUTES)
    min_share = _min_share(options)
    if session_id is not None:
        return await _session_options(session, options, session_id, session_date, minutes, min_share)
    organizer: str | None = None
    competency_codes: list[str] = []
    if course_id is not None:
        for key in ("title", "form_code"):
            if _text(options, key) is not None:
                raise _invalid(
                    msg("give course_id or title and form_code, not both; the course names the session"),
                    field=key,
                )
        course = await courses.get(session, course_id)
        title, form_code, organizer = course.title, course.form_code, course.organizer
        competency_codes = (await courses.competency_codes(session, [course.id])).get(course.id, [])
        session_date = session_date or _course_day(course.starts_on, course.ends_on, course_id)
        if minutes is None:
            minutes = await _course_minutes(
                session, course.jp, course.starts_on, course.ends_on, session_date
            )
    else:
        title = _title(options)
        form_code = _text(options, "form_code") or ""
        if not form_code:
            raise _invalid(
                msg("give the learning form code, see /api/v1/reference/learning_forms"), field="form_code"
            )
        if session_date is None:
            raise _invalid(msg("give the date of the session (YYYY-MM-DD)"), field="session_date")
        if minutes is None:
            raise _invalid(
                msg("give the session's length in minutes (1 to {limit})", limit=MAX_SESSION_MINUTES),
                field="session_minutes",
            )
    check_form_code(form_code, field="form_code")
    return {
        "course_id": course_id,
        "title": title,
        "form_code": form_code,
        "organizer": organizer,
        "competency_codes": competency_codes,
        "session_date": session_date.isoformat(),
        "session_minutes": minutes,
        "min_share": str(min_share),
        "session_key": session_key(course_id, title, form_code, session_date),
    }


async def _session_options(
    session: AsyncSession,
    options: dict[str, Any],
    session_id: int,
    session_date: date | None,
    minutes: int | None,
    min_share: Decimal,
) -> dict[str, Any]:
    """A course session's meeting: refused at upload for what its attendance would refuse anyway."""
    for key in ("course_id", "title", "form_code"):
        if _text(options, key) is not None:
            raise _invalid(
                msg("give session_id alone; the course session names the course, its title and form"),
                field=key,
            )
    try:
        course_session = await sessions.get(session, session_id)
    except sessions.CourseSessionNotFound:
        raise _invalid(
            msg("there is no course session {session_id}", session_id=session_id), field="session_id"
        ) from None
    if course_session.cancelled:
        refuse_closed(course_session)
    _check_ended(course_session)
    course = await courses.get(session, course_session.course_id)
    if course.jp is None:
        raise sessions.CourseJpMissing(
            msg(
                "Course {course_id} has no JP; set the course's jp, which attendance credits",
                course_id=course.id,
            )
        )
    starts, ends = course_session.starts_on, course_session.ends_on
    if session_date is not None and not starts <= session_date <= ends:
        raise _invalid(
            msg(
                "course session {session_id} runs from {start} to {end}, not on {date}",
                session_id=session_id,
                start=starts.isoformat(),
                end=ends.isoformat(),
                date=session_date.isoformat(),
            ),
            field="session_date",
        )
    if starts == ends:
        session_date = starts
    if minutes is None:
        # The report covers one meeting: only a one-day session's JP tells its length.
        minutes = await _course_minutes(session, course.jp, starts, ends, starts)
    return {
        "session_id": session_id,
        "course_id": course.id,
        "title": course.title,
        "form_code": course.form_code,
        "organizer": course.organizer,
        "competency_codes": [],
        "session_date": session_date.isoformat() if session_date is not None else None,
        "session_minutes": minutes,
        "min_share": str(min_share),
        "session_key": session_attendance.external_id(course_session),
    }


def _check_ended(course_session: CourseSession) -> None:
    """The session's attendance is taken from its last day on, as `credit_attendance` has it."""
    if course_session.ends_on > latest_indonesian_date():
        raise session_attendance.SessionNotEnded(
            msg(
                "Session {session_id} ends on {ends_on}; record its attendance from that day on",
                session_id=course_session.id,
                ends_on=course_session.ends_on.isoformat(),
            )
        )


def _course_day(starts: date | None, ends: date | None, course_id: int) -> date:
    if starts is not None and (ends is None or ends == starts):
        if starts > latest_indonesian_date():
            raise _invalid(
                msg(
                    "course {course_id} starts {date}, in the future",
                    course_id=course_id,
                    date=starts.isoformat(),
                ),
                field="session_date",
            )
        return starts
    if starts and ends:
        when = msg("runs from {start} to {end}", start=starts.isoformat(), end=ends.isoformat())
    else:
        when = msg("has no dates")
    raise _invalid(
        msg("course {course_id} {when}; give the date of this session", course_id=course_id, when=when),
        field="session_date",
    )


async def _course_minutes(
    session: AsyncSession, jp: Decimal | None, starts: date | None, ends: date | None, day: date
) -> int:
    """A one-day course's JP at the year's minutes per JP is the session's length."""
    if jp is not None and starts is not None and (ends is None or ends == starts):
        rules = await rules_service.rules_for_year(session, day.year)
        minutes = int((jp * rules.jp_minutes).to_integral_value(rounding=ROUND_HALF_UP))
        if 1 <= minutes <= MAX_SESSION_MINUTES:
            return minutes
    raise _invalid(
        msg(
            "the course's length cannot tell the session's; give it (1 to {limit})", limit=MAX_SESSION_MINUTES
        ),
        field="session_minutes",
    )


def check_report(content: bytes) -> None:
    """Raise the 422 the upload gets if `content` is not a participant report of a known layout."""
    parse_report(content)


# -- run ---------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Session:
    course_id: int | None
    title: str
    form_code: str
    organizer: str | None
    competency_codes: list[str]
    day: date | None  # None: a meeting of a course session over several days, date not given
    minutes: int
    min_share: Decimal
    key: str
    session_id: int | None = None  # a course session: its attendance credits, not this import

    @classmethod
    def of(cls, options: dict[str, Any]) -> _Session:
        given = options.get("session_date")
        day = date.fromisoformat(str(given)) if given is not None else None
        course_id = options.get("course_id")
        session_id = options.get("session_id")
        title, form_code = str(options["title"]), str(options["form_code"])
        if day is None:
            key = str(options["session_key"])
        else:
            key = str(options.get("session_key") or session_key(course_id, title, form_code, day))
        return cls(
            session_id=int(session_id) if session_id is not None else None,
            course_id=int(course_id) if course_id is not None else None,
            title=title,
            form_code=form_code,
            organizer=options.get("organizer"),
            competency_codes=list(options.get("competency_codes") or []),
            day=day,
            minutes=int(options["session_minutes"]),
            min_share=Decimal(str(options.get("min_share") or DEFAULT_MIN_SHARE)),
            key=key,
        )


@dataclass(slots=True)
class _Match:
    person: Participant
    asn: Asn | None
    nip: str | None  # the matched NIP, or the one written in the name
    detail: str | None
    # The profile whose NIP is in the name when the name does not resemble its own: an admin decides.
    review: Asn | None = None
    nameless: bool = False  # the display name has the NIP but no name to check it against


async def run(
    session: AsyncSession, principal: Principal, options: dict[str, Any], content: bytes
) -> AttendanceOutcome:
    """Parse, merge, match and record; one report line per person. Does not commit."""
    meeting = _Session.of(options)
    report = parse_report(content)
    matches = await _match(session, principal, group(report.stays))
    outcome = AttendanceOutcome(
        summary={models.MATCHED: 0, models.UNMATCHED: 0, models.BELOW_THRESHOLD: 0, models.NEEDS_REVIEW: 0}
    )
    due: list[tuple[ReportLine, Asn]] = []  # a course session's attendees, credited together below
    for match in _merge_by_nip(matches):
        outcome.lines.append(await _line(session, principal, meeting, match, outcome, due))
    if due:
        assert meeting.session_id is not None
        await _credit_session(session, principal, meeting.session_id, due, outcome)
    for line in outcome.lines:
        if line.outcome in outcome.summary:
            outcome.summary[line.outcome] += 1
    outcome.lines.sort(key=lambda line: line.row)
    outcome.total = len(outcome.lines)
    return outcome


async def _reachable(session: AsyncSession, principal: Principal, condition: Any) -> list[Asn]:
    """Active ASN the caller may reach; the rest do not exist as far as the report says."""
    stmt = select(Asn).where(Asn.active.is_(True), condition)
    scope = asn_service.scope_condition(principal)
    if scope is not None:
        stmt = stmt.where(scope)
    return list((await session.execute(stmt)).scalars())


async def _match(session: AsyncSession, principal: Principal, people: list[Participant]) -> list[_Match]:
    written = {id(p): nip_in(p.name) for p in people}
    by_nip: dict[str, Asn] = {}
    for chunk in chunked(sorted({n for n in written.values() if n}), _CHUNK):
        by_nip.update({a.nip: a for a in await _reachable(session, principal, Asn.nip.in_(chunk))})
    by_email: dict[str, list[Asn]] = {}
    email = func.lower(func.trim(Asn.email))
    for chunk in chunked(sorted({p.email for p in people if p.email}), _CHUNK):
        for asn in await _reachable(session, principal, email.in_(chunk)):
            by_email.setdefault((asn.email or "").strip().lower(), []).append(asn)
    matches = []
    for person in people:
        nip = written[id(person)]
        notes: list[str] = []
        review: Asn | None = None
        verdict: bool | None = None
        if nip is not None:
            if nip not in by_nip:
                notes.append(_nip_note(nip))
            else:
                # Anyone can type a NIP, their own mistyped or a colleague's; the name beside it
                # is what says the NIP is theirs.
                verdict = _resemblance(person, by_nip[nip])
                if verdict:
                    matches.append(_Match(person, by_nip[nip], nip, None))
                    continue
                review = by_nip[nip]
                notes.append(_review_note(review, nameless=verdict is None))
        owners = by_email.get(person.email or "", [])
        if len(owners) == 1:
            matches.append(_Match(person, owners[0], owners[0].nip, joined_notes(notes)))
            continue
        if len(owners) > 1:
            notes.append(
                msg(
                    "{count} ASN profiles have the email {email}; write the NIP in the display name",
                    count=len(owners),
                    email=person.email,
                )
            )
        elif person.email:
            notes.append(msg("no active ASN in your scope has the email {email}", email=person.email))
        elif nip is None:
            notes.append(msg("neither an email nor an 18-digit NIP in the display name"))
        nameless = review is not None and verdict is None
        matches.append(_Match(person, None, nip, joined_notes(notes) or "", review, nameless=nameless))
    return matches


def _resemblance(person: Participant, asn: Asn) -> bool | None:
    """True when one of the person's display names resembles the profile's name, None when none
    of them has a name besides the NIP."""
    verdicts = {resembles(stay.name, asn.name) for stay in person.stays if stay.name}
    if True in verdicts:
        return True
    return False if False in verdicts else None


def _review_note(asn: Asn, *, nameless: bool) -> str:
    if nameless:
        return msg(
            "the display name gives the NIP {nip} ({name}) but no name to check it against; "
            "credit it by hand if it is them",
            nip=asn.nip,
            name=asn.name,
        )
    return msg(
        "the display name does not resemble {name}, whose NIP {nip} it gives; credit it by hand if it is them",
        name=asn.name,
        nip=asn.nip,
    )


def _nip_note(nip: str) -> str:
    problems = []
    for employment_type in ("pns", "pppk"):
        try:
            parse_nip(nip, employment_type)
            return msg("no active ASN in your scope has the NIP {nip} written in the display name", nip=nip)
        except NipInvalid as exc:
            problems.append(reason_of(exc))
    return msg("{nip} in the display name is not a valid NIP ({problem})", nip=nip, problem=problems[0])


def _merge_by_nip(matches: Sequence[_Match]) -> list[_Match]:
    """One person who appears under two identities (work email on a laptop, NIP-named guest on a
    phone) is one participant: their stays are merged before minutes are counted."""
    merged: dict[str, _Match] = {}
    out: list[_Match] = []
    for match in matches:
        if match.asn is None:
            out.append(match)
        elif match.asn.nip in merged:
            first = merged[match.asn.nip]
            first.person.add(match.person)
            first.detail = first.detail or match.detail
        else:
            merged[match.asn.nip] = match
            out.append(match)
    # A NIP with no name beside it ("1987… (HP)") whose person the report identifies otherwise is
    # that person's phone; a NIP beside another name stays apart, or it would add a stranger's minutes.
    kept: list[_Match] = []
    for match in out:
        if match.nameless and match.review is not None and match.review.nip in merged:
            merged[match.review.nip].person.add(match.person)
        else:
            kept.append(match)
    return kept


def _percent(share: Decimal) -> str:
    return f"{(share * 100).quantize(Decimal('0.01')).normalize():f}%"


def _minutes(seconds: int) -> int:
    return int((Decimal(seconds) / 60).to_integral_value(rounding=ROUND_HALF_UP))


async def _line(
    session: AsyncSession,
    principal: Principal,
    meeting: _Session,
    match: _Match,
    outcome: AttendanceOutcome,
    due: list[tuple[ReportLine, Asn]],
) -> ReportLine:
    person = match.person
    line = ReportLine(row=person.line, outcome=models.ERROR, nip=match.nip, name=person.name[:200] or None)
    data: dict[str, Any] = {"email": person.email, "joins": len(person.stays)}
    line.data = data
    problem = person.problem
    if problem is not None:
        line.code, line.field = problem.problem_code, problem.problem_field
        line.detail = msg("line {line}: {problem}", line=problem.line, problem=problem.problem)
        return line
    attended = _minutes(attended_seconds(person))
    minutes = min(attended, meeting.minutes)
    share = (Decimal(minutes) / meeting.minutes).quantize(_SHARE, rounding=ROUND_HALF_UP)
    data |= {"minutes": minutes, "share": float(share), "jp": None, "record_id": None}
    notes = [match.detail] if match.detail else []
    if attended > meeting.minutes:
        notes.append(
            msg(
                "attended {attended} minutes; credited the session's {minutes}",
                attended=attended,
                minutes=meeting.minutes,
            )
        )
    line.detail = joined_notes(notes)
    if match.asn is None and match.review is None:
        line.outcome = models.UNMATCHED
        return line
    # Below the threshold nothing would be credited, so there is nothing to review either.
    if Decimal(minutes) < meeting.min_share * meeting.minutes:
        line.outcome = models.BELOW_THRESHOLD
        line.detail = msg(
            "attended {minutes} of {session} minutes ({share}); at least {least} counts",
            minutes=minutes,
            session=meeting.minutes,
            share=_percent(share),
            least=_percent(meeting.min_share),
        )
        if match.asn is None:
            line.detail = joined_notes([line.detail, match.detail])
        return line
    if match.asn is None:
        line.outcome = models.NEEDS_REVIEW
        return line
    if meeting.session_id is not None:
        due.append((line, match.asn))
        return line
    return await _record(session, principal, meeting, match.asn, minutes, line, outcome)


async def _record(
    session: AsyncSession,
    principal: Principal,
    meeting: _Session,
    asn: Asn,
    minutes: int,
    line: ReportLine,
    outcome: AttendanceOutcome,
) -> ReportLine:
    assert line.data is not None and meeting.day is not None
    body = RecordCreate(
        title=meeting.title,
        form_code=meeting.form_code,
        organizer=meeting.organizer,
        start_date=meeting.day,
        end_date=meeting.day,
        duration_minutes=minutes,
        competency_codes=meeting.competency_codes,
        source=SOURCE,
        external_id=f"att:{meeting.key}:{asn.nip}",
    )
    try:
        record, created = await learning.create(session, principal, asn, body)
    except DomainError as exc:
        line.code, line.detail = exc.code, exc.detail
        if "duplicate_of" in exc.extra:
            line.data["duplicate_of"] = exc.extra["duplicate_of"]
        return line
    line.outcome = models.MATCHED
    line.data |= {
        "jp": float(record.jp),
        "record_id": record.id,
        "existing": not created,
        "status": record.status,
    }
    if created:
        outcome.created += 1
    else:
        outcome.unchanged += 1
        line.detail = msg(
            "learning record {record_id} exists from an earlier upload of this session", record_id=record.id
        )
    if record.status != VERIFIED and created:
        line.detail = msg("your own attendance is a claim another admin must verify")
    return line


# -- a course session's meeting ----------------------------------------------------------------------


async def _credits(session: AsyncSession, session_id: int, nips: list[str]) -> dict[str, LearningRecord]:
    """The learning record each of `nips` was credited with for the session, when they were."""
    found: dict[str, LearningRecord] = {}
    for chunk in chunked(nips, _CHUNK):
        stmt = (
            select(Nomination.nip, LearningRecord)
            .join(LearningRecord, LearningRecord.id == Nomination.record_id)
            .where(Nomination.session_id == session_id, Nomination.nip.in_(chunk))
            .execution_options(populate_existing=True)
        )
        found.update({nip: record for nip, record in await session.execute(stmt)})
    return found


async def _credit_session(
    session: AsyncSession,
    principal: Principal,
    session_id: int,
    due: list[tuple[ReportLine, Asn]],
    outcome: AttendanceOutcome,
) -> None:
    """Credit the people who reached the threshold through the session's attendance, in one call."""
    course_session = await sessions.lock(session, session_id)  # before/after below see no one else
    for line, asn in due:
        if principal.nip is not None and principal.nip == asn.nip:
            # A session credits verified records only, and nobody verifies their own learning.
            line.code = learning.SelfApproval.code
            line.detail = msg("your own attendance of a session is credited by another admin")
    due = [(line, asn) for line, asn in due if line.code is None]
    if not due:
        return
    nips = [asn.nip for _, asn in due]
    before = await _credits(session, session_id, nips)
    result = await session_attendance.credit_attendance(session, principal, course_session, nips)
    # New records, and those credited before (by an upload or the session's list, or found in the
    # ledger under the session's identity and linked now).
    outcome.created += result.credited
    outcome.unchanged += result.already_credited
    refused = {item.nip: item for item in result.refusals}
    after = await _credits(session, session_id, nips)
    for line, asn in due:
        assert line.data is not None
        reason = refused.get(asn.nip)
        if reason is not None:
            line.code, line.detail = reason.code, reason.reason
            continue
        record = after.get(asn.nip)
        assert record is not None  # credit_attendance credits or reports each NIP
        existing = asn.nip in before
        line.outcome = models.MATCHED
        line.data |= {
            "jp": float(record.jp),
            "record_id": record.id,
            "existing": existing,
            "status": record.status,
        }
        if existing:
            line.detail = msg(
                "learning record {record_id} credited this session's attendance before", record_id=record.id
            )
