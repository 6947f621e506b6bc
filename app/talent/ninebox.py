"""Where one ASN stands on the 9-box, from the year's talent_rules (docs/domain.md, Talent 9-box).

Pure: the caller gathers the inputs (the year's SKP predikat, the JPM, the latest potential score) and
this applies the rules. Nothing is guessed: an input that is absent is named in `missing` and the box
stays unknown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from app.core.types import round2
from app.rules.talent import Kinerja, Potensial, Predikat, TalentBox, TalentRules

# The names of the inputs, as `missing` lists them.
PERFORMANCE = "performance"
JPM = "jpm"
POTENTIAL_ASSESSMENT = "potential_assessment"


@dataclass(frozen=True, slots=True)
class Placement:
    kinerja: Kinerja | None
    potensial: Potensial | None
    potensial_score: Decimal | None
    box: TalentBox | None
    in_talent_pool: bool
    missing: list[str] = field(default_factory=list)


def potensial_of(score: Decimal, rules: TalentRules) -> Potensial:
    """The potensial band of a score: tinggi from the tinggi cut-off, menengah from its, else rendah."""
    if score >= rules.potensial_cutoffs.tinggi:
        return "tinggi"
    if score >= rules.potensial_cutoffs.menengah:
        return "menengah"
    return "rendah"


def place(
    predikat: Predikat | None, jpm: Decimal | None, potential_score: Decimal | None, rules: TalentRules
) -> Placement:
    """The ASN's kinerja, potensial and box; each absent input is named in `missing`."""
    missing = [
        name
        for name, value in ((PERFORMANCE, predikat), (JPM, jpm), (POTENTIAL_ASSESSMENT, potential_score))
        if value is None
    ]
    kinerja = None if predikat is None else rules.kinerja_by_predikat[predikat]
    score: Decimal | None = None
    potensial: Potensial | None = None
    if jpm is not None and potential_score is not None:
        weights = rules.potensial_weights
        score = round2(weights.jpm * jpm + weights.potential_score * potential_score)
        potensial = potensial_of(score, rules)
    box = None
    if kinerja is not None and potensial is not None:
        box = next(b for b in rules.boxes if b.kinerja == kinerja and b.potensial == potensial)
    return Placement(
        kinerja=kinerja,
        potensial=potensial,
        potensial_score=score,
        box=box,
        in_talent_pool=box is not None and box.box in rules.pool_boxes,
        missing=missing,
    )
