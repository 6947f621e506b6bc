"""Certificate numbers: readable, path-safe, unique, and ending in a random part that cannot be guessed.

`BPSDM-KT-2026-LATSAR-A01-0007-7KQ2`: the issuer, the year the session ends, the course code, the
session's batch (angkatan), the certificate's sequence in the session, and four random characters
from an alphabet without look-alikes (no 0/O, 1/I/L), so a number read aloud or typed from paper
comes out right. Only `A-Z`, `0-9` and `-`: a number is a URL path segment as it is.
"""

from __future__ import annotations

import re
import secrets

PREFIX = "BPSDM-KT"
# Crockford's base 32 without 0, 1 and U: what remains cannot be misread as another character.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
SUFFIX_LENGTH = 4
MAX_CODE_LENGTH = 30
MAX_LENGTH = 80  # certificates.number
_NOT_SAFE = re.compile(r"[^A-Z0-9]+")
_SHAPE = re.compile(r"^[A-Z0-9-]{1,80}$")


def course_part(code: str) -> str:
    """The course code as a number shows it: upper case, each run of other characters one `-`."""
    part = _NOT_SAFE.sub("-", code.upper()).strip("-")[:MAX_CODE_LENGTH].rstrip("-")
    return part or "KURSUS"


def suffix() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(SUFFIX_LENGTH))


def number(year: int, course_code: str, batch: int, sequence: int, random_part: str) -> str:
    return f"{PREFIX}-{year}-{course_part(course_code)}-A{batch:02d}-{sequence:04d}-{random_part}"


def normalise(text: str) -> str | None:
    """How a number someone typed is looked up: case and surrounding spaces do not matter. None when
    it cannot be a number at all (then it is simply not found)."""
    candidate = text.strip().upper()
    return candidate if _SHAPE.match(candidate) else None
