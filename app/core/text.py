"""Text as people read it: invisible characters dropped, look-alike characters compared as one.

`data/confusables.txt` is Unicode's own table for UTS #39 (version in its header), kept verbatim so
that it can be replaced by a newer one as it is. No package on PyPI computes the UTS #39 skeleton
from it (confusables and confusable-homoglyphs match pairs or fold to ASCII; PyICU needs ICU built
from source), so `skeleton` is the standard's four lines over that table.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

_CONFUSABLES = Path(__file__).with_name("data") / "confusables.txt"

# Default_Ignorable_Code_Point (DerivedCoreProperties.txt) outside category Cf: variation selectors,
# Hangul fillers, the combining grapheme joiner. Invisible as format characters are, so a key
# ignores them too, as the skeleton's definition says.
_IGNORABLE_OUTSIDE_CF = frozenset(
    [
        *(0x034F, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180B, 0x180C, 0x180D, 0x180E, 0x180F, 0x3164, 0xFFA0),
        *range(0xFE00, 0xFE10),
        *range(0xE0100, 0xE01F0),
    ]
)


def strip_format(text: str) -> str:
    """`text` without format characters (category Cf): zero-width spaces and joiners, bidi controls,
    soft hyphens, byte order marks. They show nothing, so two texts differing only in them look the same."""
    if text.isascii():
        return text  # none below U+0080; spares the common case a pass per character
    return "".join(c for c in text if unicodedata.category(c) != "Cf")


def _ignorable(char: str) -> bool:
    return ord(char) in _IGNORABLE_OUTSIDE_CF or unicodedata.category(char) == "Cf"


@cache
def _prototypes() -> dict[str, str]:
    table: dict[str, str] = {}
    with _CONFUSABLES.open(encoding="utf-8-sig") as lines:
        for line in lines:
            fields = line.split("#", 1)[0].split(";")
            if len(fields) < 2:
                continue
            source = chr(int(fields[0], 16))
            table[source] = "".join(chr(int(code, 16)) for code in fields[1].split())
    return table


def skeleton(text: str) -> str:
    """The UTS #39 skeleton: two strings are confusable exactly when their skeletons are equal.

    NFD, default-ignorable characters removed, each character replaced by its prototype, NFD again.
    Only a key: the result mixes scripts and is never shown.
    """
    prototypes = _prototypes()
    decomposed = unicodedata.normalize("NFD", text)
    mapped = "".join(prototypes.get(c, c) for c in decomposed if not _ignorable(c))
    return unicodedata.normalize("NFD", mapped)


def fold(text: str) -> str:
    """One string for every spelling that reads or looks the same: NFKC (full-width, ligatures,
    mathematical letters), case, then the skeleton (Cyrillic е is Latin e, 0 is O).

    The skeleton compares letters by their glyphs, and a letter's two cases can have different ones:
    Cyrillic Т looks like T, its small т like a small capital. Taking every letter as a capital first
    catches both (СЕRТ is CERT, сеrт is cert), and case folding afterwards makes the prototypes'
    own case irrelevant.
    """
    if text.isascii():
        return text.translate(_ascii_folds())
    return _fold(text)


def _fold(text: str) -> str:
    capitals = unicodedata.normalize("NFKC", strip_format(text)).upper()
    return skeleton(skeleton(capitals).casefold())


@cache
def _ascii_folds() -> dict[int, str]:
    # ASCII is left alone by NFKC and NFD, and its prototypes are ASCII: folding goes character by
    # character, so a table does it in one pass (imports fold every row's title and certificate).
    return {code: _fold(chr(code)) for code in range(128)}
