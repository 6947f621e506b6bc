"""From a report's rows to people: one person's rejoins merged, the minutes they were there, their NIP."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

from app.imports.attendance_layouts import Stay

# An 18-digit NIP in a display name, also as written on ID cards: "19870315 201001 2 002".
_BRACKETS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_NIP = re.compile(r"(?<!\d)(\d{8})[ .\-]?(\d{6})[ .\-]?(\d)[ .\-]?(\d{3})(?!\d)")


@dataclass(slots=True)
class Participant:
    """All rows of one person, in file order."""

    stays: list[Stay] = field(default_factory=list)

    @property
    def line(self) -> int:
        return self.stays[0].line

    @property
    def name(self) -> str:
        return next((s.name for s in self.stays if s.name), "")

    @property
    def email(self) -> str | None:
        return next((s.email for s in self.stays if s.email), None)

    @property
    def names(self) -> set[str]:
        return {name_key(s.name) for s in self.stays if s.name}

    @property
    def problem(self) -> Stay | None:
        return next((s for s in self.stays if s.problem), None)

    def add(self, other: Participant) -> None:
        self.stays = sorted([*self.stays, *other.stays], key=lambda s: s.line)


def name_key(name: str) -> str:
    """Case, accents, spacing and a bracketed device or original name ("Siti (iPhone)", Zoom's
    "Name (Original Name)", Teams' "(Guest)") do not make another person."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return " ".join(_BRACKETS.sub(" ", folded).split()) or " ".join(folded.split())


def nip_in(name: str) -> str | None:
    match = _NIP.search(name)
    return "".join(match.groups()) if match else None


def group(stays: list[Stay]) -> list[Participant]:
    """One participant per email; rows without an email by name, joined to the one emailed person
    of that name when there is exactly one (a rejoin from a phone that did not sign in)."""
    by_email: dict[str, Participant] = {}
    by_name: dict[str, Participant] = {}
    for stay in sorted(stays, key=lambda s: s.line):
        if stay.email:
            by_email.setdefault(stay.email, Participant()).stays.append(stay)
        else:
            by_name.setdefault(name_key(stay.name), Participant()).stays.append(stay)
    people = list(by_email.values())
    for key, nameless in by_name.items():
        owners = [p for p in by_email.values() if key in p.names]
        if len(owners) == 1:
            owners[0].add(nameless)
        else:
            people.append(nameless)
    return sorted(people, key=lambda p: p.line)


def attended_seconds(person: Participant) -> int:
    """The union of the person's stays (two devices at once count once), plus durations of rows
    that give no times (Google Meet's and Teams' per-person totals)."""
    intervals: list[tuple[datetime, datetime]] = []
    untimed = 0
    for stay in person.stays:
        if stay.joined is not None and stay.left is not None:
            intervals.append((stay.joined, stay.left))
        else:
            untimed += stay.seconds or 0
    total = 0
    end: datetime | None = None
    for start, stop in sorted(intervals):
        if end is None or start > end:
            total += int((stop - start).total_seconds())
            end = stop
        elif stop > end:
            total += int((stop - end).total_seconds())
            end = stop
    return total + untimed
