"""From a report's rows to people: one person's rejoins merged, the minutes they were there, their NIP,
and whether the name they show resembles a profile's."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from difflib import SequenceMatcher

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


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Titles and degrees, as written before a name ("Dr. H.", "Hj.", "Ir.") or after it without a comma
# ("Budi S.Kom"), and forms of address. Names are split into letter runs, so "S.Kom" is "s", "kom" and
# "M.Si" is "m", "si"; runs under 3 letters are dropped anyway.
_TITLES = _words(
    """
    prof drs dra drg ners apt haji hajjah ust ustadz ustadzah kyai bpk bapak ibu sdr sdri
    kom skom mkom ikom sikom mikom sos ssos msos kes skes mkes ked sked kep skep farm sfarm hut shut
    psi spsi mpsi hum shum mhum sag mag shi mhi sthi sth mth spd mpd sip mip msi ssi mph mpa mpp
    mba msc bsc phd llm amd sst sstp skm stp stat keb skeb sgz mkn mtr ceng ipm ipu
    """
)
# Words of a display name that are no name: devices, offices, roles ("Budi (HP)", "Siti - Dinas").
_NOISE = _words(
    """
    nip hp iphone ipad android samsung xiaomi oppo vivo laptop guest tamu zoom user admin host peserta
    dinas badan biro kantor bagian bidang sekretariat sekretaris kabupaten kab kota provinsi prov
    pemprov pemkab pemkot kaltim bpsdm opd upt uptd staf staff kepala kabid kasubbag kasi kasubbid
    """
)
# Name parts so many Indonesians share (honorific and birth-order names, the Prophet's name) that
# on their own they do not single out a person.
_COMMON = _words(
    """
    muhammad muhamad mohammad mohamad mochammad mochamad muhammat mohamed ahmad achmad abdul abd nur
    siti sri dewi putu made kadek komang ketut wayan nyoman gede ayu ida bagus gusti agung anak andi
    raden teuku tengku cut daeng
    """
)
# Spelling before 1972 (EYD) still in many names: "Soekarno" is "Sukarno", "Djoko" is "Joko".
_OLD_SPELLING = (("oe", "u"), ("dj", "j"), ("tj", "c"))
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_LETTERS = re.compile(r"[a-z]+")
_MIN_TOKEN = 3
_TYPO_MIN = 5  # letters of both tokens before a near spelling counts
_TYPO_RATIO = 0.85  # "rahmawaty" ~ "rahmawati" (0.89); "santi" ~ "santo" (0.8) is another person


def name_tokens(name: str) -> list[str]:
    """The parts of a name that tell who it is: folded (case, accents, old spelling), without a NIP
    or any digits, titles, degrees, device and office words, or parts under 3 letters.

    Degrees follow the first comma in Indonesian usage ("Siti Rahmawati, S.Kom., M.Si."), so what
    follows it is dropped when something comes before it."""
    spaced = _CAMEL.sub(" ", name)
    folded = unicodedata.normalize("NFKD", spaced).encode("ascii", "ignore").decode().lower()
    head, comma, _ = folded.partition(",")
    if comma and _LETTERS.search(head):
        folded = head
    tokens = []
    for token in _LETTERS.findall(folded):
        for old, new in _OLD_SPELLING:
            token = token.replace(old, new)
        if len(token) >= _MIN_TOKEN and token not in _TITLES and token not in _NOISE:
            tokens.append(token)
    return tokens


def _same(a: str, b: str) -> bool:
    if a == b:
        return True
    return (
        min(len(a), len(b)) >= _TYPO_MIN
        and SequenceMatcher(None, a, b, autojunk=False).ratio() >= _TYPO_RATIO
    )


def resembles(display_name: str, profile_name: str) -> bool | None:
    """Whether a display name may be the profile's person; None when it has no name to tell by
    (only a NIP, a device, an office).

    Yes when a part that is not a common one ("Rahmawati", not "Siti") is in both, or when every
    part of the display name is in the profile's ("Siti" for "Siti Rahmawati"); a part matches the
    same part or a near spelling of one of 5 letters or more (a typo, "Rahmawaty"). One shared part
    suffices because people shorten their names on screen ("Budi" for "Budi Santoso"), and a shared
    common part alone does not, since "Muhammad Rizki" typing Muhammad Yusuf's NIP is someone else.
    """
    shown = name_tokens(display_name)
    if not shown:
        return None
    known = name_tokens(profile_name)
    found = [any(_same(part, other) for other in known) for part in shown]
    if all(found):
        return True
    return any(hit and part not in _COMMON for part, hit in zip(shown, found, strict=True))


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
