"""Keeping talent_placements in step: the 9-box of many ASN at once, computed in SQL.

The arithmetic is ninebox.place() and gaps.jpm() over integers (hundredths), so both databases give
exactly what the pure functions give (tests/talent/test_talent_map.py compares them):
- JPM: each part of the year's jpm_group_weights (one part when there are none) has D = Σ required and
  N = Σ min(actual, required) (`capped`) or min(Σ actual, D) (`sum_ratio`); JPM = 100 × Σ wᵢ Nᵢ/Dᵢ / Σ wᵢ
  over the parts the standard has, half-up to hundredths: (2·num + den) div (2·den), all integers.
  Null unless every competency of the standard has a level.
- potensial score = (w_jpm × JPM + w_score × potential score), weights in ten-thousandths, half-up.
- kinerja, potensial and the box by CASE over the rules' own tables.

`refresh(session, who, years)` rebuilds the rows of the selected ASN for those years (None: every year
each has an SKP result for), under one advisory lock so two writers never insert the same row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    Table,
    and_,
    bindparam,
    case,
    cast,
    delete,
    func,
    insert,
    literal,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.competencies.models import Competency, CompetencyStanding
from app.core.db import chunked
from app.core.locks import advisory_xact_lock
from app.rules import service as rules_service
from app.rules.schemas import RuleSetBody
from app.rules.talent import KINERJA, POTENSIAL
from app.talent.box.models import TalentPlacement
from app.talent.models import Performance, PotentialAssessment

# Who to refresh: NIPs, a SELECT of NIPs, or None for every ASN.
Who = Sequence[str] | Select[Any] | None

_LOCK_KEY = "talent_placements"
_COLUMNS = (
    "year",
    "nip",
    "unit_id",
    "active",
    "predikat",
    "kinerja",
    "jpm",
    "potential_score",
    "potential_assessed_on",
    "potensial_score",
    "potensial",
    "box",
)


def hundredths(value: Decimal, scale: int = 100) -> int:
    """A rule value as an integer (weights: ×10,000; scores and cut-offs: ×100); exact, they are bounded."""
    scaled = value * scale
    if scaled != scaled.to_integral_value():
        raise RuntimeError(f"{value} has more places than the rules allow")
    return int(scaled)


@dataclass(frozen=True, slots=True)
class Formula:
    """The parts of a year's rules the 9-box SQL needs, hashable so statements are built once per shape."""

    method: str
    # (groups, weight × 100) per part of a weighted JPM; empty: one part over every competency.
    parts: tuple[tuple[tuple[str, ...], int], ...]
    kinerja_by_predikat: tuple[tuple[str, str], ...]
    w_jpm: int  # × 10,000
    w_score: int
    tinggi: int  # × 100
    menengah: int
    # The box of each (kinerja, potensial), by kinerja index × 3 + potensial index.
    boxes: tuple[int, ...]


def formula(rules: RuleSetBody) -> Formula:
    talent = rules.talent_rules
    by_pair = {(b.kinerja, b.potensial): b.box for b in talent.boxes}
    return Formula(
        method=rules.jpm_method,
        parts=tuple((tuple(sorted(w.groups)), hundredths(w.weight)) for w in rules.jpm_group_weights),
        kinerja_by_predikat=tuple(sorted(talent.kinerja_by_predikat.items())),
        w_jpm=hundredths(talent.potensial_weights.jpm, 10_000),
        w_score=hundredths(talent.potensial_weights.potential_score, 10_000),
        tinggi=hundredths(talent.potensial_cutoffs.tinggi),
        menengah=hundredths(talent.potensial_cutoffs.menengah),
        boxes=tuple(by_pair[(k, p)] for k in KINERJA for p in POTENSIAL),
    )


def _int(value: int) -> Any:
    return literal(value, Integer)


def _jpm_per_nip(f: Formula, among: ColumnElement[bool] | None) -> Any:
    """NIP → the JPM in hundredths (null while a competency of the standard is unrated)."""
    s = CompetencyStanding
    required, actual = s.required_level, s.actual_level
    capped = case((actual < required, actual), else_=required)
    parts: Sequence[tuple[tuple[str, ...] | None, int]] = f.parts or ((None, 1),)
    columns: list[Any] = []
    for i, (groups, _) in enumerate(parts):

        def within(expr: Any, groups: tuple[str, ...] | None = groups) -> Any:
            return expr if groups is None else case((Competency.group.in_(groups), expr), else_=_int(0))

        d: Any = func.coalesce(func.sum(within(required)), _int(0))
        n: Any
        if f.method == "capped":
            n = func.coalesce(func.sum(within(capped)), _int(0))
        else:  # sum_ratio: min(100, 100 × Σ actual / Σ required)
            total = func.coalesce(func.sum(within(actual)), _int(0))
            n = case((total < d, total), else_=d)
        columns += [d.label(f"d{i}"), n.label(f"n{i}")]
    unrated = func.sum(case((actual.is_(None), _int(1)), else_=_int(0))).label("unrated")
    stmt = select(s.nip, unrated, *columns)
    if f.parts:
        stmt = stmt.join(Competency, Competency.code == s.competency_code)
    if among is not None:
        stmt = stmt.where(among)
    sums = stmt.group_by(s.nip).subquery("jpm_sums")

    if not f.parts:
        value = (_int(20_000) * sums.c.n0 + sums.c.d0) // (_int(2) * sums.c.d0)
    else:
        # Parts the standard lacks (D = 0) are left out and the rest reweighted, as gaps.jpm() does.
        ds = [case((sums.c[f"d{i}"] > 0, sums.c[f"d{i}"]), else_=_int(1)) for i in range(len(parts))]
        ws = [case((sums.c[f"d{i}"] > 0, _int(w)), else_=_int(0)) for i, (_, w) in enumerate(parts)]
        num: Any = _int(0)
        for i in range(len(parts)):
            term = ws[i] * sums.c[f"n{i}"]
            for j in range(len(parts)):
                if j != i:
                    term = term * ds[j]
            num = num + term
        den: Any = ws[0]
        for w in ws[1:]:
            den = den + w
        for dj in ds:
            den = den * dj
        value = (_int(20_000) * num + den) // (_int(2) * den)
    jpm = case((sums.c.unrated == 0, value), else_=None).label("jpm")
    return select(sums.c.nip, jpm).subquery("jpm")


def _latest_potential(year_end: date, among: ColumnElement[bool] | None) -> Any:
    """NIP → the latest potential assessment on or before `year_end` (same day: the one recorded last)."""
    p = PotentialAssessment
    ranked = select(
        p.nip,
        p.assessed_on,
        cast(func.round(p.score * 100), Integer).label("score"),
        func.row_number().over(partition_by=p.nip, order_by=(p.assessed_on.desc(), p.id.desc())).label("n"),
    ).where(p.assessed_on <= year_end)
    if among is not None:
        ranked = ranked.where(among)
    ranked_sq = ranked.subquery("ranked_potential")
    return (
        select(ranked_sq.c.nip, ranked_sq.c.assessed_on, ranked_sq.c.score)
        .where(ranked_sq.c.n == 1)
        .subquery("potential")
    )


def placements_select(f: Formula, year: int, nips: Any = None) -> Select[Any]:
    """The rows of talent_placements for `year`: every ASN with an SKP result of the year (among `nips`)."""
    perf = Performance
    jpm = _jpm_per_nip(f, None if nips is None else CompetencyStanding.nip.in_(nips))
    potential = _latest_potential(
        date(year, 12, 31), None if nips is None else PotentialAssessment.nip.in_(nips)
    )
    kinerja = case(
        *((perf.predikat == predikat, literal(k)) for predikat, k in f.kinerja_by_predikat), else_=None
    )
    kinerja_index = case(
        *((perf.predikat == predikat, _int(KINERJA.index(k))) for predikat, k in f.kinerja_by_predikat),
        else_=None,
    )
    inner = (
        select(
            perf.nip,
            Asn.unit_id,
            Asn.active,
            perf.predikat,
            kinerja.label("kinerja"),
            kinerja_index.label("ki"),
            jpm.c.jpm,
            potential.c.score.label("potential_score"),
            potential.c.assessed_on.label("potential_assessed_on"),
            (
                (_int(f.w_jpm) * jpm.c.jpm + _int(f.w_score) * potential.c.score + _int(5_000))
                // _int(10_000)
            ).label("potensial_score"),
        )
        .select_from(perf)
        .join(Asn, Asn.nip == perf.nip)
        .outerjoin(jpm, jpm.c.nip == perf.nip)
        .outerjoin(potential, potential.c.nip == perf.nip)
        .where(perf.year == year)
    )
    if nips is not None:
        inner = inner.where(perf.nip.in_(nips))
    sq = inner.subquery("placed")
    score = sq.c.potensial_score
    potensial_index = case(
        (score.is_(None), None),
        (score >= _int(f.tinggi), _int(2)),
        (score >= _int(f.menengah), _int(1)),
        else_=_int(0),
    )
    potensial = case(
        (score.is_(None), None),
        (score >= _int(f.tinggi), literal("tinggi")),
        (score >= _int(f.menengah), literal("menengah")),
        else_=literal("rendah"),
    )
    pair = sq.c.ki * _int(3) + potensial_index
    box = case(*((pair == _int(i), _int(b)) for i, b in enumerate(f.boxes)), else_=None)
    return select(
        literal(year, Integer).label("year"),
        sq.c.nip,
        sq.c.unit_id,
        sq.c.active,
        sq.c.predikat,
        sq.c.kinerja,
        sq.c.jpm,
        sq.c.potential_score,
        sq.c.potential_assessed_on,
        score.label("potensial_score"),
        potensial.label("potensial"),
        box.label("box"),
    )


@lru_cache(maxsize=64)
def _insert(f: Formula, year: int, some: bool) -> Any:
    """INSERT … SELECT of a year's placements: of everyone, or (`some`) of the NIPs bound as `nips`."""
    nips: Any = bindparam("nips", expanding=True) if some else None
    table: Table = TalentPlacement.__table__  # type: ignore[assignment]
    return insert(table).from_select(_COLUMNS, placements_select(f, year, nips))


async def _years_of(session: AsyncSession, nips: Sequence[str] | None) -> list[int]:
    stmt = select(Performance.year).distinct()
    if nips is None:
        return sorted(y for (y,) in (await session.execute(stmt)).all())
    years: set[int] = set()
    for chunk in chunked(list(nips)):
        years |= {y for (y,) in (await session.execute(stmt.where(Performance.nip.in_(chunk)))).all()}
    return sorted(years)


async def refresh(session: AsyncSession, who: Who, years: Iterable[int] | None = None) -> None:
    """Rebuild the placements of the ASN selected by `who` (None: all) for `years` (None: every year
    they have an SKP result for), from the stored inputs and each year's rules."""
    await advisory_xact_lock(session, _LOCK_KEY)
    await session.flush()  # pending ORM changes (a new result or assessment) must be visible to SQL
    selected: list[str] | None
    if who is None:
        selected = None
    elif isinstance(who, Select):
        selected = [row[0] for row in (await session.execute(who)).all()]
    else:
        selected = list(dict.fromkeys(who))
    if selected is not None and not selected:
        return
    wanted = sorted(set(years)) if years is not None else None
    known = await _years_of(session, selected)
    if wanted is not None:
        # A year they no longer have a result for keeps no row; one they have gets rebuilt.
        targets = wanted
    else:
        targets = known
        await _delete(session, selected, None)
    for year in targets:
        if wanted is not None:
            await _delete(session, selected, year)
        if year not in known:
            continue
        f = formula(await rules_service.rules_for_year(session, year))
        if selected is None:
            await session.execute(_insert(f, year, False))
            continue
        for chunk in chunked(selected):
            await session.execute(_insert(f, year, True), {"nips": chunk})


async def _delete(session: AsyncSession, selected: list[str] | None, year: int | None) -> None:
    t = TalentPlacement
    conditions = [] if year is None else [t.year == year]
    if selected is None:
        await session.execute(delete(t).where(and_(*conditions)) if conditions else delete(t))
        return
    for chunk in chunked(selected):
        await session.execute(delete(t).where(t.nip.in_(chunk), *conditions))


# -- reactions (app/reactions.py) ---------------------------------------------------------------------


async def follow_standings(session: AsyncSession, who: Sequence[str] | None) -> None:
    """The JPM of these ASN may have moved (a new assessment, a changed standard or position)."""
    await refresh(session, who)


async def follow_asn(session: AsyncSession, moved: Sequence[str], created: Sequence[Any]) -> None:
    """ASN moved to another unit or (de)activated: their rows follow (new ASN have no SKP result yet)."""
    t = TalentPlacement
    for chunk in chunked(list(moved)):
        await session.execute(
            update(t)
            .where(t.nip.in_(chunk))
            .values(
                unit_id=select(Asn.unit_id).where(Asn.nip == t.nip).scalar_subquery(),
                active=select(Asn.active).where(Asn.nip == t.nip).scalar_subquery(),
            )
            .execution_options(synchronize_session=False)
        )


async def follow_rules(session: AsyncSession, year: int, next_own_year: int | None) -> None:
    """A rule set changed: the years it governs are placed again."""
    stmt = select(Performance.year).distinct().where(Performance.year >= year)
    if next_own_year is not None:
        stmt = stmt.where(Performance.year < next_own_year)
    years = [y for (y,) in (await session.execute(stmt)).all()]
    if years:
        await refresh(session, None, years)
