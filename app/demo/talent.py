"""Demo talent records: SKP results, assessment-centre potential and disciplinary sanctions.

Every ASN gets the SKP result (predikat and, mostly, a score inside the predikat's band of the year's
ip_asn_rules) of each of the last three years they served: mostly Baik, some Sangat Baik, a few Butuh
Perbaikan or Kurang. Most PNS in structural positions and some in jabatan fungsional have been through
the assessment centre (a potential score of 50–95 with its aspects), a few have an earlier result too.
A few ASN have a disciplinary sanction, mostly ringan, some already ended; a sanction holds down that
year's predikat.

One hidden trait per person moves both performance and potential a little, so the 9-box has its
diagonal without emptying the corners. When a small load still leaves a box of this year's 9-box
empty, one person from a full box is moved into it (their current SKP and latest potential score), so
every box of the talent map has someone to show. The derived 9-box placements (talent_placements) are
rebuilt at the end.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from statistics import NormalDist, fmean
from typing import Any, cast

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.competencies.gaps.schemas import GapItem, Group
from app.competencies.gaps.service import jpm as job_person_match
from app.competencies.models import Competency, CompetencyStanding
from app.core.db import chunked, is_postgres
from app.core.types import round2, utcnow
from app.demo.competencies import bulk_insert
from app.org.models import Position
from app.rules import service as rules_service
from app.rules.schemas import RuleSetBody
from app.rules.talent import PREDIKAT, IpAsnRules, Kinerja, Potensial, Predikat, TalentRules
from app.talent import ninebox
from app.talent.box import placements
from app.talent.ip import scores as ip_scores
from app.talent.models import DisciplinaryRecord, Performance, PotentialAssessment

CHUNK = 10_000
_PERFORMANCES: Table = Performance.__table__  # type: ignore[assignment]
_POTENTIALS: Table = PotentialAssessment.__table__  # type: ignore[assignment]
_SANCTIONS: Table = DisciplinaryRecord.__table__  # type: ignore[assignment]

STRUCTURAL = frozenset({"jpt_utama", "jpt_madya", "jpt_pratama", "administrator", "pengawas"})
# Share of PNS through the assessment centre, by jenis jabatan (pelaksana are not assessed).
ASSESSED_SHARE = {**dict.fromkeys(STRUCTURAL, 0.85), "fungsional": 0.25}
EARLIER_SHARE = 0.3
# Share of each predikat in a year, worst first (the hidden trait decides who falls where).
PREDIKAT_SHARE: tuple[tuple[Predikat, float], ...] = (
    ("sangat_kurang", 0.004),
    ("kurang", 0.021),
    ("butuh_perbaikan", 0.075),
    ("baik", 0.74),
    ("sangat_baik", 0.16),
)
SCORE_MISSING_SHARE = 0.06
# Potential: around POTENTIAL_MEAN, the hidden trait explaining part of the spread.
POTENTIAL_MEAN, POTENTIAL_SD = 62.0, 9.0
POTENTIAL_RANGE = (Decimal(50), Decimal(95))
ASPECT_SD = 5.0
# The potential aspects of the assessment centre (Peraturan BKN 26/2019).
ASPECTS = (
    "Kemampuan Intelektual",
    "Kemampuan Interpersonal",
    "Kesadaran Diri",
    "Kemampuan Berpikir Kritis dan Strategis",
    "Kemampuan Menyelesaikan Permasalahan",
    "Kecerdasan Emosional",
    "Motivasi dan Komitmen",
    "Kemampuan Belajar Cepat dan Mengembangkan Diri",
)
ASSESSOR = "UPTD Penilaian Kompetensi Pegawai BKD Provinsi Kalimantan Timur"
# Sanctions over the three years: who gets one, how heavy, for how many months (PP 94/2021).
SANCTION_SHARE = 0.012
SANCTION_LEVELS: tuple[tuple[str, int], ...] = (("ringan", 78), ("sedang", 17), ("berat", 5))
SANCTION_MONTHS = {"ringan": (6,), "sedang": (6, 9, 12), "berat": (12,)}
# The best predikat a year can have with a sanction decided in it.
BEST_WITH_SANCTION: dict[str, Predikat] = {
    "ringan": "baik",
    "sedang": "butuh_perbaikan",
    "berat": "butuh_perbaikan",
}
# Who enters results: e-Kinerja through sync mostly, an import or an admin by hand otherwise.
SOURCES = (("sync", "client:ekinerja", 80), ("import", "demo-admin", 14), ("manual", "demo-admin", 6))
ADMIN = "demo-admin"


@dataclass(slots=True)
class TalentSummary:
    years: list[int] = field(default_factory=list)
    performances: int = 0
    predikat: dict[str, int] = field(default_factory=dict)
    potential_assessments: int = 0
    potential_people: int = 0
    sanctions: int = 0
    sanctions_by_level: dict[str, int] = field(default_factory=dict)
    sanctions_in_force: int = 0
    # The current year's 9-box over active ASN with every input: box -> people.
    boxes: dict[int, int] = field(default_factory=dict)
    moved: int = 0


@dataclass(frozen=True, slots=True)
class Person:
    nip: str
    employment_type: str
    jenis_jabatan: str | None
    active: bool
    appointed: date


def appointed_on(nip: str) -> date:
    """First day of the TMT month from the NIP (PNS: YYYYMM at 9–14; PPPK: the year at 9–12)."""
    year, month = int(nip[8:12]), int(nip[12:14])
    return date(year, month if 1 <= month <= 12 else 1, 1)


def score_bands(rules: IpAsnRules) -> dict[Predikat, tuple[Decimal, Decimal]]:
    """Each predikat's score range, [min, max], from the year's kinerja score bands: the band that
    gives the same points as the predikat does."""
    bands = sorted(rules.kinerja_score_bands, key=lambda b: b.min, reverse=True)
    out: dict[Predikat, tuple[Decimal, Decimal]] = {}
    for predikat in PREDIKAT:
        points = rules.kinerja_by_predikat[predikat]
        for i, band in enumerate(bands):
            if band.points == points:
                top = Decimal(100) if i == 0 else bands[i - 1].min - Decimal("0.01")
                out[predikat] = (band.min, top)
                break
    return out


class _Draw:
    """The random choices of the talent records, in one place."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        normal = NormalDist()
        cumulative = 0.0
        self.cuts: list[tuple[float, Predikat]] = []
        for predikat, share in PREDIKAT_SHARE:
            cumulative += share
            self.cuts.append((normal.inv_cdf(min(cumulative, 0.999999)), predikat))

    def predikat(self, value: float) -> Predikat:
        return next((p for cut, p in self.cuts if value < cut), "sangat_baik")

    def score(self, band: tuple[Decimal, Decimal]) -> Decimal:
        low, high = float(band[0]), float(band[1])
        # Toward the middle of the band, as real SKP scores gather.
        value = self.rng.triangular(low, high, (low + high) / 2)
        return min(band[1], max(band[0], round2(Decimal(str(value)))))

    def day(self, first: date, last: date) -> date:
        return first + timedelta(days=self.rng.randrange(max(1, (last - first).days + 1)))

    def moment(self, day: date, cap: datetime) -> datetime:
        at = datetime(day.year, day.month, day.day, 1, 0, tzinfo=UTC)
        return min(at + timedelta(minutes=self.rng.randrange(600)), cap)

    def aspects(self, target: float) -> tuple[Decimal, list[dict[str, Any]]]:
        """Aspect scores around `target` and the overall score (their mean, within 50–95)."""
        values = [min(99.0, max(40.0, self.rng.gauss(target, ASPECT_SD))) for _ in ASPECTS]
        shift = target - fmean(values)
        scores = [round2(Decimal(str(min(99.0, max(40.0, v + shift))))) for v in values]
        overall = round2(sum(scores, Decimal(0)) / len(scores))
        overall = min(POTENTIAL_RANGE[1], max(POTENTIAL_RANGE[0], overall))
        return overall, [{"name": n, "score": str(s)} for n, s in zip(ASPECTS, scores, strict=True)]


def _sanction(draw: _Draw, person: Person, first: date, today: date, number: int) -> dict[str, Any] | None:
    rng = draw.rng
    if rng.random() >= SANCTION_SHARE:
        return None
    level = rng.choices([lv for lv, _ in SANCTION_LEVELS], weights=[w for _, w in SANCTION_LEVELS])[0]
    low, last = max(first, person.appointed), today - timedelta(days=1)
    if low > last:
        return None
    decided = draw.day(low, last)
    months = rng.choice(SANCTION_MONTHS[level])
    ends = _add_months(decided, months) - timedelta(days=1)
    return {
        "nip": person.nip,
        "level": level,
        "decided_on": decided,
        "ends_on": ends,
        "reference": f"800.1.6/{number:04d}/BKD/{decided.year}",
        "created_by": ADMIN,
        "created_at": draw.moment(decided + timedelta(days=rng.randrange(1, 10)), _cap(today)),
    }


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, 28))


def _cap(today: date) -> datetime:
    return min(utcnow(), datetime(today.year, today.month, today.day, 23, 59, tzinfo=UTC))


def _performances(
    draw: _Draw,
    person: Person,
    trait: float,
    years: Sequence[int],
    sanction: dict[str, Any] | None,
    bands: dict[int, dict[Predikat, tuple[Decimal, Decimal]]],
    today: date,
) -> list[dict[str, Any]]:
    rng = draw.rng
    # How this person usually does; each year varies around it.
    usual = 0.45 * trait + 0.89 * rng.gauss(0, 1)
    cap = _cap(today)
    rows: list[dict[str, Any]] = []
    for year in years:
        if year < person.appointed.year:
            continue
        predikat = draw.predikat(0.75 * usual + 0.66 * rng.gauss(0, 1))
        if sanction is not None and sanction["decided_on"].year == year:
            best = BEST_WITH_SANCTION[sanction["level"]]
            if PREDIKAT.index(predikat) < PREDIKAT.index(best):
                predikat = best
        source, actor, _ = rng.choices(SOURCES, weights=[w for _, _, w in SOURCES])[0]
        band = bands[year].get(predikat)
        score = None if band is None or rng.random() < SCORE_MISSING_SHARE else draw.score(band)
        # Entered early the next year; this year's result in the last weeks before today.
        if year < today.year:
            entered = draw.day(date(year + 1, 1, 5), min(date(year + 1, 3, 31), today))
        else:
            entered = draw.day(max(date(year, 1, 1), today - timedelta(days=25)), today)
        at = draw.moment(entered, cap)
        rows.append(
            {
                "nip": person.nip,
                "year": year,
                "predikat": predikat,
                "score": score,
                "source": source,
                "updated_by": actor,
                "version": 1,
                "created_at": at,
                "updated_at": at,
            }
        )
    return rows


def _potentials(draw: _Draw, person: Person, trait: float, today: date) -> list[dict[str, Any]]:
    rng = draw.rng
    cap = _cap(today)
    last = today - timedelta(days=1)
    low = max(date(today.year - 4, 1, 1), person.appointed)
    if low > last:
        return []
    latest_on = draw.day(low, last)
    target = POTENTIAL_MEAN + POTENTIAL_SD * (0.6 * trait + 0.8 * rng.gauss(0, 1))
    target = min(93.0, max(52.0, target))
    dates = [latest_on]
    earlier_last = latest_on - timedelta(days=2 * 365)
    if rng.random() < EARLIER_SHARE and earlier_last >= person.appointed:
        dates.insert(0, draw.day(max(person.appointed, earlier_last - timedelta(days=3 * 365)), earlier_last))
    rows: list[dict[str, Any]] = []
    for n, day in enumerate(dates):
        # People grow: an earlier result is a little lower.
        aim = target if n == len(dates) - 1 else min(93.0, max(52.0, target - rng.gauss(3, 4)))
        score, aspects = draw.aspects(aim)
        rows.append(
            {
                "nip": person.nip,
                "assessed_on": day,
                "method": "assessment_center",
                "assessor": ASSESSOR,
                "score": score,
                "category": None,
                "aspects": aspects,
                "created_by": ADMIN,
                "created_at": draw.moment(day + timedelta(days=rng.randrange(7, 30)), cap),
            }
        )
    return rows


async def _people(session: AsyncSession) -> list[Person]:
    rows = await session.execute(
        select(Asn.nip, Asn.employment_type, Position.jenis_jabatan, Asn.active)
        .outerjoin(Position, Position.id == Asn.position_id)
        .order_by(Asn.nip)
    )
    return [Person(nip, kind, jenis, active, appointed_on(nip)) for nip, kind, jenis, active in rows]


async def load_talent(
    session: AsyncSession, rng: random.Random, *, today: date, demo_nips: Iterable[str] = ()
) -> TalentSummary:
    """Insert the talent records of every ASN; `demo_nips` (the demo logins) are assessed if they are PNS
    in an assessed kind of position, and never sanctioned."""
    demo = set(demo_nips)
    years = [y for y in (today.year - 2, today.year - 1, today.year) if date(y, 1, 2) <= today]
    rules = {y: await rules_service.rules_for_year(session, y) for y in years}
    bands = {y: score_bands(rules[y].ip_asn_rules) for y in years}
    draw = _Draw(rng)
    summary = TalentSummary(years=years)
    first = date(years[0], 1, 1)
    predikat: Counter[str] = Counter()
    # The current year's results of the people with a potential are kept until the 9-box is known.
    held: dict[str, dict[str, Any]] = {}
    potentials: list[dict[str, Any]] = []
    sanctions: list[dict[str, Any]] = []
    batch: list[dict[str, Any]] = []
    for person in await _people(session):
        trait = rng.gauss(0, 1)
        sanction = None if person.nip in demo else _sanction(draw, person, first, today, len(sanctions) + 1)
        if sanction is not None:
            sanctions.append(sanction)
        rows = _performances(draw, person, trait, years, sanction, bands, today)
        share = ASSESSED_SHARE.get(person.jenis_jabatan or "", 0.0) if person.employment_type == "pns" else 0
        assessed = rng.random() < share or (share > 0 and person.nip in demo)
        mine = _potentials(draw, person, trait, today) if assessed else []
        potentials.extend(mine)
        for row in rows:
            predikat[row["predikat"]] += 1
            if mine and row["year"] == years[-1]:
                held[person.nip] = row
            else:
                batch.append(row)
        if len(batch) >= CHUNK:
            await bulk_insert(session, _PERFORMANCES, batch)
            summary.performances += len(batch)
            batch = []
    if years:
        sanctioned = {row["nip"] for row in sanctions if row["decided_on"].year == years[-1]}
        moved, boxes = await _fill_boxes(
            session, rules[years[-1]], held, potentials, bands[years[-1]], predikat, sanctioned
        )
        summary.moved, summary.boxes = moved, boxes
    batch.extend(held.values())
    for part in chunked(batch, CHUNK):
        await bulk_insert(session, _PERFORMANCES, part)
    summary.performances += len(batch)
    summary.predikat = {p: predikat[p] for p in PREDIKAT if predikat[p]}
    await _insert_with_ids(session, _POTENTIALS, potentials)
    await _insert_with_ids(session, _SANCTIONS, sanctions)
    if is_postgres(session):
        # Statistics for the rows just loaded: without them the planner takes these tables for nearly
        # empty and the rebuilds below run for minutes instead of seconds at 60,000 ASN.
        await session.execute(
            text(
                "ANALYZE asn, competency_standings, performances, potential_assessments,"
                " disciplinary_records, jp_totals"
            )
        )
    # The talent map reads its derived placements: rebuilt set-based over everything loaded.
    await placements.refresh(session, None)
    # So does the IP ASN report its stored scores: the current year and every year with records.
    await ip_scores.rebuild(session)
    summary.potential_assessments = len(potentials)
    summary.potential_people = len({row["nip"] for row in potentials})
    summary.sanctions = len(sanctions)
    levels = Counter(row["level"] for row in sanctions)
    summary.sanctions_by_level = {lv: levels[lv] for lv, _ in SANCTION_LEVELS if levels[lv]}
    summary.sanctions_in_force = sum(
        1
        for row in sanctions
        if row["decided_on"] <= today and (row["ends_on"] is None or row["ends_on"] >= today)
    )
    return summary


async def _insert_with_ids(session: AsyncSession, table: Table, rows: list[dict[str, Any]]) -> None:
    """Ids given here, as for learning records (RETURNING would make SQLite insert row by row)."""
    if not rows:
        return
    next_id = ((await session.execute(select(func.max(table.c.id)))).scalar() or 0) + 1
    for n, row in enumerate(rows):
        row["id"] = next_id + n
    for part in chunked(rows, CHUNK):
        await session.execute(insert(table), part)
    if is_postgres(session):
        await session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), (SELECT max(id) FROM {table.name}))"
            )
        )


async def job_person_matches(
    session: AsyncSession, nips: Sequence[str], rules: RuleSetBody
) -> dict[str, Decimal]:
    """NIP → JPM under the year's rules, for those of `nips` whose standard is fully rated (and active)."""
    items: dict[str, list[GapItem]] = {}
    complete: dict[str, bool] = {}
    for part in chunked(sorted(nips)):
        rows = await session.execute(
            select(
                CompetencyStanding.nip,
                CompetencyStanding.competency_code,
                Competency.group,
                CompetencyStanding.required_level,
                CompetencyStanding.actual_level,
            )
            .join(Competency, Competency.code == CompetencyStanding.competency_code)
            .where(CompetencyStanding.nip.in_(part), CompetencyStanding.active.is_(True))
        )
        for nip, code, group, required, actual in rows:
            items.setdefault(nip, []).append(
                GapItem.model_construct(
                    competency_code=code,
                    name=code,
                    group=cast(Group, group),
                    required_level=required,
                    actual_level=actual,
                    gap=None,
                )
            )
            complete[nip] = complete.get(nip, True) and actual is not None
    return {
        nip: job_person_match(found, rules.jpm_method, rules.jpm_group_weights)
        for nip, found in items.items()
        if complete[nip]
    }


def _latest(potentials: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    latest: dict[str, dict[str, Any]] = {}
    for row in potentials:
        if row["nip"] not in latest or row["assessed_on"] >= latest[row["nip"]]["assessed_on"]:
            latest[row["nip"]] = row
    return latest


def _potential_for(band: Potensial, jpm: Decimal, rules: TalentRules) -> Decimal | None:
    """A potential score within 50–95 that puts this JPM in the potensial band, if one exists."""
    weights, cutoffs = rules.potensial_weights, rules.potensial_cutoffs
    if weights.potential_score == 0:
        return None
    low, high = {
        "rendah": (Decimal(0), cutoffs.menengah - Decimal("0.01")),
        "menengah": (cutoffs.menengah, cutoffs.tinggi - Decimal("0.01")),
        "tinggi": (cutoffs.tinggi, Decimal(100)),
    }[band]
    pot_low = max(POTENTIAL_RANGE[0], (low - weights.jpm * jpm) / weights.potential_score)
    pot_high = min(POTENTIAL_RANGE[1], (high - weights.jpm * jpm) / weights.potential_score)
    if pot_low > pot_high:
        return None
    candidate = round2((pot_low + pot_high) / 2)
    placed = ninebox.place("baik", jpm, candidate, rules)
    return candidate if placed.potensial == band else None


async def _fill_boxes(
    session: AsyncSession,
    rules: RuleSetBody,
    held: dict[str, dict[str, Any]],
    potentials: list[dict[str, Any]],
    bands: dict[Predikat, tuple[Decimal, Decimal]],
    predikat: Counter[str],
    sanctioned: set[str],
) -> tuple[int, dict[int, int]]:
    """Place this year's assessed active people on the 9-box and fill its empty boxes (`fill_boxes`)."""
    active = set((await session.execute(select(Asn.nip).where(Asn.active.is_(True)))).scalars()) & set(held)
    jpms = await job_person_matches(session, sorted(active), rules)
    return fill_boxes(rules.talent_rules, held, _latest(potentials), jpms, bands, predikat, sanctioned)


def fill_boxes(
    talent: TalentRules,
    held: dict[str, dict[str, Any]],
    latest: dict[str, dict[str, Any]],
    jpms: dict[str, Decimal],
    bands: dict[Predikat, tuple[Decimal, Decimal]],
    predikat: Counter[str],
    sanctioned: set[str],
) -> tuple[int, dict[int, int]]:
    """Place the people of `jpms` (this year's SKP row in `held`, latest potential in `latest`) and move
    one person into each empty box, from the fullest box whose people's JPM allows it (never someone
    sanctioned this year, never a box's last person); the rows and the predikat counts are changed in
    place. Returns how many were moved and the people per box."""
    box_of: dict[str, int] = {}
    for nip, jpm in jpms.items():
        placed = ninebox.place(cast(Predikat, held[nip]["predikat"]), jpm, latest[nip]["score"], talent)
        if placed.box is not None:
            box_of[nip] = placed.box.box
    moved = 0
    for box in talent.boxes:
        counts = Counter(box_of.values())
        if counts[box.box] or not box_of:
            continue
        choice = _predikat_for(box.kinerja, talent)
        # Donors from the fullest boxes first, never the last person of a box.
        donors = sorted(
            (n for n, b in box_of.items() if counts[b] > 1 and n not in sanctioned),
            key=lambda n: (-counts[box_of[n]], box_of[n], n),
        )
        for nip in donors:
            score = _potential_for(box.potensial, jpms[nip], talent)
            if score is None or choice is None:
                continue
            row = held[nip]
            predikat[row["predikat"]] -= 1
            predikat[choice] += 1
            row["predikat"] = choice
            band = bands.get(choice)
            row["score"] = None if band is None else round2((band[0] + band[1]) / 2)
            _rescore(latest[nip], score)
            box_of[nip] = box.box
            moved += 1
            break
    counts = Counter(box_of.values())
    return moved, {b.box: counts[b.box] for b in sorted(talent.boxes, key=lambda b: b.box)}


def _predikat_for(kinerja: Kinerja, rules: TalentRules) -> Predikat | None:
    """The predikat that most commonly gives `kinerja` (Baik first, then the better, then the worse)."""
    order: tuple[Predikat, ...] = ("baik", "sangat_baik", "butuh_perbaikan", "kurang", "sangat_kurang")
    return next((p for p in order if rules.kinerja_by_predikat[p] == kinerja), None)


def _rescore(row: dict[str, Any], score: Decimal) -> None:
    """Give a potential assessment a new overall score, its aspects moved by the same amount."""
    shift = score - row["score"]
    row["score"] = score
    row["aspects"] = [
        {"name": a["name"], "score": str(min(Decimal(100), max(Decimal(0), Decimal(a["score"]) + shift)))}
        for a in row["aspects"]
    ]
