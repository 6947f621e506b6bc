"""Participant reports of Zoom, Google Meet and Microsoft Teams, read into one row per stay.

Vendors change their exports often and users re-save them in spreadsheet programs, so a layout is
recognised by its header row (column names matched case-insensitively, in any order) wherever it
is in the rows `reading` makes of the upload (a CSV in any encoding and separator it reads, or any
sheet of a workbook). Nothing here touches the database.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation

from app.core.errors import Unprocessable
from app.core.i18n import msg
from app.imports import reading
from app.imports.layouts import MissingColumns
from app.imports.lines import reason_of
from app.imports.reading import UnreadableFile

ZOOM, MEET, TEAMS, TEAMS_LEGACY = "zoom", "google_meet", "teams", "teams_legacy"
SUPPORTED = msg(
    "Zoom participants or webinar attendee report (Name (Original Name), User Email, Join Time, "
    "Leave Time, Duration (Minutes)); Google Meet attendance report (First name, Last name, Email, "
    "Duration, Time joined, Time exited); Microsoft Teams attendance report (2. Participants / "
    "3. In-Meeting Activities with Name, Join Time, Leave Time, Duration, Email, or the older "
    "Full Name, User Action, Timestamp); CSV (comma, semicolon or tab; UTF-8, UTF-16 or "
    "Windows-1252) or a workbook (XLSX, XLS, XLSB or ODS)"
)
# Codes of a row that cannot be read (the participant becomes an error line of the report).
INVALID_TIME, INVALID_DURATION, MISSING_TIME, INVALID_ACTION = (
    "invalid_time",
    "invalid_duration",
    "missing_time",
    "invalid_action",
)
MAX_CELL = 500  # longer cells are not a name, an email or a time; cut them before they reach the report

# Column names by meaning. "span" times are a person's first join and last leave (one row per
# person, with the total in the duration column); "stay" times bound one stay (one row per join).
NAME = (
    "name (original name)",
    "user name (original name)",
    "name",
    "full name",
    "participant name",
    "participant",
    "display name",
    "attendee name",
    "nama",
    "nama lengkap",
    "nama peserta",
)
FIRST_NAME = ("first name", "given name", "nama depan")
LAST_NAME = ("last name", "surname", "family name", "nama belakang")
EMAIL = (
    "user email",
    "email",
    "email address",
    "e-mail",
    "participant email",
    "attendee email",
    "alamat email",
)
STAY_JOIN = ("join time", "joined at", "join", "waktu bergabung")
STAY_LEAVE = ("leave time", "left at", "leave", "waktu keluar")
SPAN_JOIN = ("first join", "time joined", "joined", "first seen")
SPAN_LEAVE = ("last leave", "time exited", "exited", "left", "last seen")
DURATION = (
    "duration (minutes)",
    "time in session (minutes)",
    "in-meeting duration",
    "duration",
    "attendance duration",
    "total duration (minutes)",
    "durasi",
)
ACTION = ("user action", "action")
TIMESTAMP = ("timestamp", "time", "date time")
ATTENDED = ("attended",)
UPN = ("participant id (upn)", "upn")
TEAMS_CUES = ("first join", "last leave", "in-meeting duration", "participant id (upn)", "role")
MEET_CUES = ("time joined", "time exited", "first name", "last name")
ZOOM_CUES = (
    "name (original name)",
    "user name (original name)",
    "duration (minutes)",
    "time in session (minutes)",
    "guest",
    "is guest",
    "recording consent",
)

_SECTION = re.compile(r"^\d{1,2}\.\s*\S")  # Teams: "1. Summary", "2. Participants", ...
_SPACES = re.compile(r"\s+")
_WHEN = re.compile(
    r"""^(?:(?P<a>\d{1,4})[/.\-](?P<b>\d{1,2})[/.\-](?P<c>\d{1,4})(?:\s*,\s*|\s+|T))?
    (?P<h>\d{1,2})[:.](?P<mi>\d{2})(?:[:.](?P<s>\d{2})(?:[.,]\d{1,6})?)?
    \s*(?P<ampm>[ap]\.?\s?m\.?)?
    \s*(?:z|utc|gmt|[+\-]\d{2}:?\d{2}|\(?[a-z]{2,5}\)?)?$""",
    re.IGNORECASE | re.VERBOSE,
)
_CLOCK = re.compile(r"^(\d{1,3}):(\d{2})(?::(\d{2}))?$")
_AMOUNT = re.compile(
    r"(\d+(?:[.,]\d+)?)\s*(hours|hour|hrs|hr|h|jam|minutes|minute|mins|min|menit|m|seconds|second|secs|sec"
    r"|detik|s)(?![a-z])",
    re.IGNORECASE,
)
_UNIT_SECONDS = {"h": 3600, "j": 3600, "m": 60, "s": 1, "d": 1}


class UnknownLayout(Unprocessable):
    code = "unknown_layout"


@dataclass(slots=True)
class Stay:
    """One row of a participant report: one stay of one person (or, for span layouts, all of them)."""

    line: int  # the row's number, as a spreadsheet program shows it
    name: str
    email: str | None
    joined: datetime | None = None
    left: datetime | None = None
    seconds: int | None = None  # from the duration column
    problem: str | None = None  # why the row's times or duration could not be read
    problem_code: str | None = None  # invalid_time | invalid_duration | missing_time | invalid_action
    problem_field: str | None = None  # the column, as the file names it

    def fail(self, code: str, problem: str, column: str | None) -> Stay:
        self.problem_code, self.problem, self.problem_field = code, problem, column
        return self


@dataclass(slots=True)
class Report:
    layout: str
    stays: list[Stay] = field(default_factory=list)


# -- cells ------------------------------------------------------------------------------------------


def _cell(value: object) -> str:
    """A workbook's typed cell as the text a CSV export of it holds."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d 00:00:00")
    if isinstance(value, time):
        return value.strftime("%H:%M:%S")
    if isinstance(value, timedelta):
        total = int(value.total_seconds())
        return f"{total // 3600}:{total // 60 % 60:02d}:{total % 60:02d}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


# -- header recognition -------------------------------------------------------------------------------


def _norm(cell: str) -> str:
    return _SPACES.sub(" ", cell.replace("\ufeff", "").strip().strip('"').strip()).lower()


@dataclass(slots=True)
class _Header:
    index: int  # position in the row list
    columns: dict[str, int]  # meaning → column
    labels: dict[str, str]  # meaning → the column's name as written
    names: frozenset[str]
    kind: str  # "stay" | "span" | "events" | "incomplete"


def _find(cells: list[str], names: Iterable[str]) -> int | None:
    for name in names:
        if name in cells:
            return cells.index(name)
    return None


def _header(index: int, row: list[str]) -> _Header | None:
    cells = [_norm(c) for c in row]
    columns: dict[str, int] = {}
    for meaning, names in (
        ("name", NAME),
        ("first", FIRST_NAME),
        ("last", LAST_NAME),
        ("email", EMAIL),
        ("action", ACTION),
        ("timestamp", TIMESTAMP),
        ("duration", DURATION),
        ("attended", ATTENDED),
        ("upn", UPN),
    ):
        found = _find(cells, names)
        if found is not None:
            columns[meaning] = found
    stay = (_find(cells, STAY_JOIN), _find(cells, STAY_LEAVE))
    span = (_find(cells, SPAN_JOIN), _find(cells, SPAN_LEAVE))
    if stay[0] is not None and stay[1] is not None:
        columns["join"], columns["leave"], kind = stay[0], stay[1], "stay"
    elif span[0] is not None and span[1] is not None:
        columns["join"], columns["leave"], kind = span[0], span[1], "span"
    elif "action" in columns and "timestamp" in columns:
        kind = "events"
    elif "duration" in columns:
        kind = "span"
    else:
        kind = "incomplete"
    if "name" not in columns and "first" not in columns:
        return None
    if kind == "incomplete" and "email" not in columns:
        return None  # a name column alone is any table, not a participant report
    labels = {meaning: row[col].replace("\ufeff", "").strip() for meaning, col in columns.items()}
    return _Header(index, columns, labels, frozenset(cells), kind)


def _layout(header: _Header, sections: bool) -> str:
    if header.kind == "events":
        return TEAMS_LEGACY
    if sections or header.names & set(TEAMS_CUES):
        return TEAMS
    if header.names & set(MEET_CUES) and not header.names & set(ZOOM_CUES):
        return MEET
    return ZOOM


def _is_section(cells: list[str]) -> bool:
    filled = [c for c in cells if c.strip()]
    return len(filled) == 1 and _SECTION.match(filled[0].strip()) is not None


# -- values ------------------------------------------------------------------------------------------


def parse_duration(value: str) -> int:
    """Seconds in `1h 5m 12s`, `1 hr 5 min`, `45 min`, `01:05:12`, or a bare number of minutes (Zoom)."""
    text = value.strip().lstrip("<>~ ").strip()
    bad = ValueError(
        msg("{value!r} is not a duration such as 1h 5m 12s, 1 hr 5 min or 45", value=value.strip()[:40])
    )
    try:
        number: Decimal | None = Decimal(text.replace(",", "."))
    except InvalidOperation:
        number = None
    if number is not None:
        if not number.is_finite() or number < 0:
            raise bad
        return int((number * 60).to_integral_value())
    clock = _CLOCK.match(text)
    if clock is not None:
        return int(clock[1]) * 3600 + int(clock[2]) * 60 + int(clock[3] or 0)
    amounts = list(_AMOUNT.finditer(text))
    if not amounts or _SPACES.sub("", _AMOUNT.sub("", text)):
        raise bad
    total = sum(
        (Decimal(m[1].replace(",", ".")) * _UNIT_SECONDS[m[2][0].lower()] for m in amounts), Decimal(0)
    )
    return int(total.to_integral_value())


@dataclass(slots=True)
class _When:
    a: int | None
    b: int | None
    c: int | None
    clock: time
    twelve_hour: bool


_BASE_DAY = date(2000, 1, 1)  # the day of a time given without a date (Google Meet)


def _when(value: str) -> _When:
    match = _WHEN.match(value.strip())
    if match is None:
        raise ValueError(msg("{value!r} is not a time", value=value.strip()[:40]))
    hour, minute, second = int(match["h"]), int(match["mi"]), int(match["s"] or 0)
    ampm = (match["ampm"] or "").lower()
    if ampm:
        if not 1 <= hour <= 12:
            raise ValueError(msg("{value!r} is not a time", value=value.strip()[:40]))
        hour = hour % 12 + (12 if ampm.startswith("p") else 0)
    if hour > 23 or minute > 59 or second > 59:
        raise ValueError(msg("{value!r} is not a time", value=value.strip()[:40]))
    parts = (match["a"], match["b"], match["c"])
    a, b, c = (int(p) if p is not None else None for p in parts)
    return _When(a, b, c, time(hour, minute, second), bool(ampm))


def _day(w: _When, day_first: bool) -> date:
    if w.a is None or w.b is None or w.c is None:
        return _BASE_DAY
    if w.a > 31:  # 2026-03-15
        year, month, day = w.a, w.b, w.c
    else:
        year = w.c + 2000 if w.c < 100 else w.c
        month, day = (w.b, w.a) if day_first else (w.a, w.b)
    return date(year, month, day)


def _day_first(values: Iterable[_When]) -> bool:
    """Whether the file writes dates day first (15/03/2026). A day above 12 settles it; otherwise
    12-hour clocks mean a US-style export (03/15/2026 09:01 AM) and 24-hour ones a local one."""
    twelve_hour = False
    for w in values:
        if w.a is not None and w.a <= 31 and w.b is not None:
            if w.a > 12:
                return True
            if w.b > 12:
                return False
        twelve_hour = twelve_hour or w.twelve_hour
    return not twelve_hour


# -- rows --------------------------------------------------------------------------------------------


def _value(row: list[str], header: _Header, meaning: str) -> str:
    col = header.columns.get(meaning)
    if col is None or col >= len(row):
        return ""
    return row[col].strip()


def _name(row: list[str], header: _Header) -> str:
    name = _value(row, header, "name")
    if not name:
        name = f"{_value(row, header, 'first')} {_value(row, header, 'last')}"
    return " ".join(name.split())


def _sections(rows: list[tuple[int, list[str]]]) -> list[tuple[_Header, list[tuple[int, list[str]]]]]:
    """Each recognised header with the data rows under it (up to a section title or another header)."""
    out: list[tuple[_Header, list[tuple[int, list[str]]]]] = []
    current: tuple[_Header, list[tuple[int, list[str]]]] | None = None
    for index, (line, cells) in enumerate(rows):
        if not any(c.strip() for c in cells):
            continue
        header = _header(index, cells)
        if header is not None:
            current = (header, [])
            out.append(current)
        elif _is_section(cells):
            current = None
        elif current is not None:
            current[1].append((line, cells))
    return out


def _choose(
    found: list[tuple[_Header, list[tuple[int, list[str]]]]],
) -> list[tuple[_Header, list[tuple[int, list[str]]]]]:
    """Per-stay rows beat per-person totals (Teams: In-Meeting Activities over Participants); a Zoom
    webinar report has several sections of one kind (host, panelists, attendees) and all count."""
    for kind in ("stay", "events", "span"):
        chosen = [f for f in found if f[0].kind == kind]
        if chosen:
            return chosen
    return []


def _missing(header: _Header) -> MissingColumns:
    have = ", ".join(header.labels.values())
    return MissingColumns(
        msg(
            "The participant report has no join and leave times or duration column "
            "(found: {found}); export the full report. Supported: {supported}",
            found=have,
            supported=SUPPORTED,
        )
    )


def _stays(header: _Header, data: list[tuple[int, list[str]]]) -> list[Stay]:
    stays: list[Stay] = []
    times: list[tuple[Stay, _When | None, _When | None]] = []
    for line, row in data:
        if _value(row, header, "attended").lower() in ("no", "tidak"):
            continue  # a Zoom webinar registrant who never came
        name, email = _name(row, header), _email(row, header)
        if not name and not email:
            continue
        stay = Stay(line, name, email)
        stays.append(stay)
        duration, duration_problem = _value(row, header, "duration"), None
        if duration:
            try:
                stay.seconds = parse_duration(duration)
            except ValueError as exc:
                duration_problem = _at(header.labels["duration"], reason_of(exc))
        if header.kind == "stay" or stay.seconds is None:
            try:
                times.append((stay, *_times(row, header)))
            except _BadValue as exc:
                stay.fail(INVALID_TIME, exc.message, exc.column)
                continue
        if duration_problem and header.kind == "span":
            stay.fail(INVALID_DURATION, duration_problem, header.labels["duration"])
    day_first = _day_first(w for _, joined, left in times for w in (joined, left) if w is not None)
    for stay, joined, left in times:
        try:
            stay.joined, stay.left = _interval(joined, left, day_first)
        except ValueError as exc:
            stay.fail(INVALID_TIME, reason_of(exc), header.labels.get("join"))
    for stay in stays:
        if stay.problem is None and stay.seconds is None and (stay.joined is None or stay.left is None):
            stay.fail(MISSING_TIME, msg("the row has neither join and leave times nor a duration"), None)
    return stays


def _at(column: str, problem: str) -> str:
    """A problem with a row's cell, after the column's name as the file writes it."""
    return msg("{column}: {problem}", column=column, problem=problem)


class _BadValue(Exception):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column, self.message = column, message


def _email(row: list[str], header: _Header) -> str | None:
    email = _value(row, header, "email") or _value(row, header, "upn")
    return email.lower() if "@" in email else None


def _times(row: list[str], header: _Header) -> tuple[_When | None, _When | None]:
    out: list[_When | None] = []
    for meaning in ("join", "leave"):
        raw, label = _value(row, header, meaning), header.labels.get(meaning, meaning)
        if not raw or raw in ("-", "--"):
            out.append(None)
            continue
        try:
            out.append(_when(raw))
        except ValueError as exc:
            raise _BadValue(label, _at(label, reason_of(exc))) from exc
    return out[0], out[1]


def _interval(
    joined: _When | None, left: _When | None, day_first: bool
) -> tuple[datetime | None, datetime | None]:
    try:
        start = datetime.combine(_day(joined, day_first), joined.clock) if joined else None
        end = datetime.combine(_day(left, day_first), left.clock) if left else None
    except ValueError as exc:
        raise ValueError(msg("a date in the row is not a calendar date ({reason})", reason=str(exc))) from exc
    if start is not None and end is not None and end < start:
        if joined is not None and joined.a is None:
            end += timedelta(days=1)  # a time without a date, past midnight
        else:
            raise ValueError("the leave time is before the join time")
    return start, end


def _events(header: _Header, data: list[tuple[int, list[str]]]) -> list[Stay]:
    """Teams' older report: Joined / Left rows per person, paired first in, first out."""
    label = header.labels["timestamp"]
    read: list[tuple[int, str, str, _When | None]] = []
    stays: list[Stay] = []
    for line, row in data:
        name = _name(row, header)
        if not name:
            continue
        try:
            read.append(
                (line, name, _value(row, header, "action").lower(), _when(_value(row, header, "timestamp")))
            )
        except ValueError as exc:
            stays.append(Stay(line, name, None).fail(INVALID_TIME, _at(label, reason_of(exc)), label))
    day_first = _day_first(when for *_, when in read if when is not None)
    events: list[tuple[int, str, str, datetime]] = []
    for line, name, action, when in read:
        assert when is not None
        try:
            events.append((line, name, action, datetime.combine(_day(when, day_first), when.clock)))
        except ValueError:
            problem = _at(label, msg("not a calendar date"))
            stays.append(Stay(line, name, None).fail(INVALID_TIME, problem, label))
    if not events:
        return stays
    first, last = min(e[3] for e in events), max(e[3] for e in events)
    open_joins: dict[str, list[Stay]] = defaultdict(list)
    for line, name, action, at in sorted(events, key=lambda e: (e[3], e[0])):
        key = " ".join(name.lower().split())
        if action.startswith("join"):  # "Joined", "Joined before"
            stay = Stay(line, name, None, joined=at)
            stays.append(stay)
            open_joins[key].append(stay)
        elif action.startswith(("left", "leave")):
            if open_joins[key]:
                open_joins[key].pop(0).left = at
            else:
                stays.append(Stay(line, name, None, joined=first, left=at))  # there before the report began
        else:
            problem = _at(header.labels["action"], msg("{value!r} is not Joined or Left", value=action[:40]))
            stays.append(Stay(line, name, None).fail(INVALID_ACTION, problem, header.labels["action"]))
    for pending in open_joins.values():
        for stay in pending:
            stay.left = last  # still in the meeting when the report was taken
    return sorted(stays, key=lambda s: s.line)


def parse_report(content: bytes) -> Report:
    """The report's layout and its rows; raises UnreadableFile, UnknownLayout or MissingColumns."""
    if not content.strip(b" \t\r\n\x00"):
        raise UnreadableFile("The file is empty; upload the participant report exported from the meeting")
    incomplete: _Header | None = None
    for grid in reading.grids(content):
        rows = [(n, [_cell(v)[:MAX_CELL] for v in cells]) for n, cells in grid if not reading.blank(cells)]
        found = _sections(rows)
        chosen = _choose(found)
        if not chosen:
            incomplete = incomplete or next((f[0] for f in found if f[0].kind == "incomplete"), None)
            continue
        sections = any(_is_section(cells) for _, cells in rows)
        report = Report(_layout(chosen[0][0], sections))
        for header, data in chosen:
            report.stays.extend(_events(header, data) if header.kind == "events" else _stays(header, data))
        if not report.stays:
            raise UnreadableFile("The participant report lists no participants")
        return report
    if incomplete is not None:
        raise _missing(incomplete)
    raise UnknownLayout(
        msg(
            "The file is not a participant report of a known layout; supported: {supported}",
            supported=SUPPORTED,
        )
    )
