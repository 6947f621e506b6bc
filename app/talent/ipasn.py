"""One PNS's Indeks Profesionalitas ASN for a year, from the year's ip_asn_rules (docs/domain.md).

Pure: the caller gathers the facts (education, jenis jabatan, verified learning, the SKP, sanctions in
force) and this applies the points. Every indicator keeps the evidence behind its points (which records,
which SKP, which sanction), and `how_to_improve` lists what is missing by the points it would add.
Labels and advice are `msg()` templates, answered in the caller's language by the router.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_CEILING, Decimal
from typing import Any

from app.core.i18n import Message, msg
from app.rules.talent import IpAsnRules, Predikat, TrainingIndicator

# Jenis jabatan whose holders are measured by leadership training, and by functional training.
STRUCTURAL = frozenset({"jpt_utama", "jpt_madya", "jpt_pratama", "administrator", "pengawas"})
FUNCTIONAL = frozenset({"fungsional"})
SANCTION_ORDER = {"ringan": 1, "sedang": 2, "berat": 3}


@dataclass(frozen=True, slots=True)
class LearningFact:
    """A verified learning record: what the kompetensi indicators count."""

    record_id: int
    form_code: str
    jp: Decimal
    end_date: date


@dataclass(frozen=True, slots=True)
class PerformanceFact:
    year: int
    predikat: Predikat
    score: Decimal | None


@dataclass(frozen=True, slots=True)
class SanctionFact:
    record_id: int
    level: str
    decided_on: date
    ends_on: date | None


@dataclass(frozen=True, slots=True)
class Facts:
    year: int
    education_level: str | None
    jenis_jabatan: str | None
    learning: list[LearningFact] = field(default_factory=list)  # verified, ending on or before the year's end
    performance: PerformanceFact | None = None
    sanctions: list[SanctionFact] = field(default_factory=list)  # in force at the end of the year


@dataclass(frozen=True, slots=True)
class Indicator:
    code: str
    label: Message
    points: int
    max: int
    evidence: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Dimension:
    code: str
    score: int
    max: int
    indicators: list[Indicator]


@dataclass(frozen=True, slots=True)
class Advice:
    indicator: str
    points: int
    action: Message


@dataclass(frozen=True, slots=True)
class IpAsn:
    total: int
    category: str
    dimensions: list[Dimension]
    how_to_improve: list[Advice]


def _kualifikasi(facts: Facts, rules: IpAsnRules) -> tuple[Dimension, list[Advice]]:
    level = facts.education_level
    points = min(rules.kualifikasi.get(level, 0) if level else 0, rules.kualifikasi_max)
    indicator = Indicator(
        "education",
        msg("Highest education"),
        points,
        rules.kualifikasi_max,
        {"education_level": level},
    )
    better = sorted(p for p in rules.kualifikasi.values() if p > points)
    advice = []
    if better:
        gain = min(better[0], rules.kualifikasi_max) - points
        if level is None:
            advice.append(Advice("education", gain, msg("Record your highest education in your profile")))
        elif gain > 0:
            advice.append(Advice("education", gain, msg("Continue to a higher education level")))
    return Dimension("kualifikasi", points, rules.kualifikasi_max, [indicator]), advice


def _training(
    code: str, label: Message, rule: TrainingIndicator, records: list[LearningFact]
) -> tuple[Indicator, int]:
    """The indicator, and how many JP it still lacks (0 when earned)."""
    matching = [r for r in records if r.form_code in rule.forms]
    jp = sum((r.jp for r in matching), Decimal(0))
    needed = rule.min_jp or Decimal(0)
    earned = bool(matching) and jp >= needed
    evidence = {"learning_record_ids": [r.record_id for r in matching], "jp": jp, "min_jp": rule.min_jp}
    lacking = 0 if earned else max(int((needed - jp).to_integral_value(rounding=ROUND_CEILING)), 0)
    return Indicator(code, label, rule.points if earned else 0, rule.points, evidence), lacking


def _kompetensi(facts: Facts, rules: IpAsnRules) -> tuple[Dimension, list[Advice]]:
    k = rules.kompetensi
    in_year = [r for r in facts.learning if r.end_date.year == facts.year]
    indicators: list[tuple[Indicator, int, Message]] = []
    if facts.jenis_jabatan in STRUCTURAL:
        indicator, lacking = _training(
            "leadership", msg("Leadership training for the position held"), k.leadership, facts.learning
        )
        indicators.append(
            (
                indicator,
                lacking,
                msg("Take the leadership training (Pelatihan Kepemimpinan) of your position"),
            )
        )
    elif facts.jenis_jabatan in FUNCTIONAL:
        indicator, lacking = _training(
            "functional", msg("Functional training of the jabatan fungsional"), k.functional, facts.learning
        )
        indicators.append(
            (indicator, lacking, msg("Take the functional training of your jabatan fungsional"))
        )
    technical, lacking = _training("technical", msg("Technical training this year"), k.technical, in_year)
    indicators.append(
        (
            technical,
            lacking,
            msg("Take {jp} JP more of technical training this year", jp=lacking)
            if lacking
            else msg("Take a technical training this year"),
        )
    )
    seminar, lacking = _training("seminar", msg("Seminar, workshop or similar this year"), k.seminar, in_year)
    indicators.append((seminar, lacking, msg("Attend a seminar, workshop or socialisation this year")))
    score = min(sum(i.points for i, _, _ in indicators), k.max)
    advice = [
        Advice(i.code, min(i.max, k.max - score), action)
        for i, _, action in indicators
        if i.points < i.max and min(i.max, k.max - score) > 0
    ]
    return Dimension("kompetensi", score, k.max, [i for i, _, _ in indicators]), advice


def _kinerja(facts: Facts, rules: IpAsnRules) -> tuple[Dimension, list[Advice]]:
    skp = facts.performance
    points = 0
    if skp is not None and skp.score is not None:
        points = next(b.points for b in rules.kinerja_score_bands if skp.score >= b.min)
    elif skp is not None:
        points = rules.kinerja_by_predikat[skp.predikat]
    points = min(points, rules.kinerja_max)
    evidence = (
        {"year": facts.year, "predikat": None, "score": None}
        if skp is None
        else {"year": skp.year, "predikat": skp.predikat, "score": skp.score}
    )
    indicator = Indicator("skp", msg("SKP result of the year"), points, rules.kinerja_max, evidence)
    advice = []
    if skp is None:
        advice.append(Advice("skp", rules.kinerja_max, msg("Have this year's SKP result recorded")))
    elif points < rules.kinerja_max:
        advice.append(
            Advice("skp", rules.kinerja_max - points, msg("Aim for an SKP predikat of Sangat Baik"))
        )
    return Dimension("kinerja", points, rules.kinerja_max, [indicator]), advice


def _disiplin(facts: Facts, rules: IpAsnRules) -> Dimension:
    worst = max(facts.sanctions, key=lambda s: SANCTION_ORDER.get(s.level, 0), default=None)
    key = "none" if worst is None else worst.level
    points = min(rules.disiplin[key], rules.disiplin_max)  # type: ignore[index]
    evidence = {
        "level": None if worst is None else worst.level,
        "disciplinary_record_ids": [s.record_id for s in facts.sanctions],
    }
    indicator = Indicator(
        "sanction", msg("Disciplinary sanctions in force"), points, rules.disiplin_max, evidence
    )
    return Dimension("disiplin", points, rules.disiplin_max, [indicator])


def ip_asn(facts: Facts, rules: IpAsnRules) -> IpAsn:
    kualifikasi, more = _kualifikasi(facts, rules)
    kompetensi, training = _kompetensi(facts, rules)
    kinerja, skp = _kinerja(facts, rules)
    disiplin = _disiplin(facts, rules)
    dimensions = [kualifikasi, kompetensi, kinerja, disiplin]
    total = sum(d.score for d in dimensions)
    category = next(c.label for c in rules.categories if total >= c.min)
    advice = sorted(more + training + skp, key=lambda a: -a.points)
    return IpAsn(total=total, category=category, dimensions=dimensions, how_to_improve=advice)
