"""The IP ASN points of many PNS in one SQL statement, and the year's rules they follow.

The same points `app.talent.ipasn.ip_asn()` gives, computed in one pass over the ASN with CASE
expressions built from the year's rules (education points, jp_totals per form, the SKP band, the
heaviest sanction in force), so the province's 60,000 PNS cost one query rather than 60,000 Python
evaluations. Its one definition serves the stored scores (app/talent/ip/scores.py), the report of a
year not stored, and the spreadsheet; tests/talent/test_ip_asn_report.py keeps it in agreement with
ip_asn() on a varied world.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Integer, Select, and_, case, func, literal, literal_column, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.learning.models import JpTotal
from app.org.models import Position
from app.rules import service as rules_service
from app.rules.defaults import DEFAULT_IP_ASN_RULES
from app.rules.talent import IpAsnRules
from app.talent.ipasn import FUNCTIONAL, STRUCTURAL
from app.talent.models import DisciplinaryRecord, Performance

PPPK = "pppk"

# -- the year's rules -------------------------------------------------------------------------------------

_RULES: dict[tuple[int, int, str], IpAsnRules] = {}


async def year_rules(session: AsyncSession, year: int) -> IpAsnRules:
    """The `ip_asn_rules` in force for `year`, validated once per version of the rule set."""
    row = await rules_service.applicable(session, year)
    key = (row.year, row.version, str(row.updated_at))
    found = _RULES.get(key)
    if found is None:
        found = IpAsnRules.model_validate(row.data.get("ip_asn_rules", DEFAULT_IP_ASN_RULES))
        if len(_RULES) >= 64:
            _RULES.clear()
        _RULES[key] = found
    return found


def counted_forms(rules: IpAsnRules) -> list[str]:
    k = rules.kompetensi
    return sorted({*k.leadership.forms, *k.functional.forms, *k.technical.forms, *k.seminar.forms})


def year_end(year: int) -> date:
    return date(year, 12, 31)


# -- many, in SQL -----------------------------------------------------------------------------------------


def _int(value: int) -> Any:
    # Points are validated integers: inlined, so a statement differs only in its bound values.
    return literal_column(str(int(value)), Integer)


def _capped(expr: Any, top: int) -> Any:
    return case((expr > _int(top), _int(top)), else_=expr)


def _training(rules: IpAsnRules, year: int, nips: Any) -> tuple[Any, Any]:
    """Per NIP, verified records and JP of each training indicator, from jp_totals (per form and year).

    Two subqueries, each reading only the rows it counts: leadership and functional training of any
    year up to `year`; technical training and seminars of `year` alone, as ip_asn() counts them.
    """
    t, k = JpTotal, rules.kompetensi
    parts = []
    for name, indicators, years in (
        ("career", (("leadership", k.leadership), ("functional", k.functional)), t.year <= year),
        ("this_year", (("technical", k.technical), ("seminar", k.seminar)), t.year == year),
    ):
        columns = []
        for indicator, rule in indicators:
            mine = t.form_code.in_(rule.forms)
            columns.append(func.sum(case((mine, t.records), else_=0)).label(f"{indicator}_n"))
            columns.append(func.sum(case((mine, t.jp), else_=literal(0))).label(f"{indicator}_jp"))
        forms = sorted({f for _, rule in indicators for f in rule.forms})
        stmt = select(t.nip, *columns).where(years, t.records > 0, t.form_code.in_(forms))
        if nips is not None:
            stmt = stmt.where(t.nip.in_(nips))
        parts.append(stmt.group_by(t.nip).subquery(name))
    return parts[0], parts[1]


def _earned(training: Any, name: str, rule: Any) -> Any:
    condition = training.c[f"{name}_n"] > 0
    if rule.min_jp is not None:
        condition = and_(condition, func.round(training.c[f"{name}_jp"], 2) >= rule.min_jp)
    return case((condition, _int(rule.points)), else_=_int(0))


def _heaviest_sanction(year: int, nips: Any) -> Any:
    d, end = DisciplinaryRecord, year_end(year)
    rank = case(
        (d.level == "berat", _int(3)),
        (d.level == "sedang", _int(2)),
        (d.level == "ringan", _int(1)),
        else_=_int(0),
    )
    stmt = select(d.nip, func.max(rank).label("rank")).where(
        d.decided_on <= end, or_(d.ends_on.is_(None), d.ends_on >= end)
    )
    if nips is not None:
        stmt = stmt.where(d.nip.in_(nips))
    return stmt.group_by(d.nip).subquery("sanction")


def points_statement(
    rules: IpAsnRules,
    year: int,
    *,
    unit_ids: Sequence[int] | None = None,
    nips: Any = None,
    active_only: bool = True,
) -> Select[Any]:
    """One row per PNS/CPNS: nip, unit_id, kualifikasi, kompetensi, kinerja, disiplin, total, category
    (the index of the year's category band, 0 the highest) — the points ip_asn() gives, in SQL.

    `unit_ids` limits to ASN of those units, `nips` (a select of NIPs, a list, or an expanding bind
    parameter) to those ASN; `active_only=False` keeps inactive ASN too.
    """
    people = nips
    if people is None and unit_ids is not None:
        people = select(Asn.nip).where(Asn.unit_id.in_(unit_ids))
    career, this_year = _training(rules, year, people)
    sanction = _heaviest_sanction(year, people)
    k, p = rules.kompetensi, Performance

    education = case(
        *(
            (Asn.education_level == level, _int(min(points, rules.kualifikasi_max)))
            for level, points in rules.kualifikasi.items()
        ),
        else_=_int(0),
    )
    kompetensi = _capped(
        case(
            (Position.jenis_jabatan.in_(sorted(STRUCTURAL)), _earned(career, "leadership", k.leadership)),
            else_=_int(0),
        )
        + case(
            (Position.jenis_jabatan.in_(sorted(FUNCTIONAL)), _earned(career, "functional", k.functional)),
            else_=_int(0),
        )
        + _earned(this_year, "technical", k.technical)
        + _earned(this_year, "seminar", k.seminar),
        k.max,
    )
    by_score = case(
        *(
            (p.score >= band.min, _int(min(band.points, rules.kinerja_max)))
            for band in rules.kinerja_score_bands
        ),
        else_=_int(0),
    )
    by_predikat = case(
        *(
            (p.predikat == predikat, _int(min(points, rules.kinerja_max)))
            for predikat, points in rules.kinerja_by_predikat.items()
        ),
        else_=_int(0),
    )
    kinerja = case((p.score.is_not(None), by_score), (p.predikat.is_not(None), by_predikat), else_=_int(0))
    d = {level: _int(min(points, rules.disiplin_max)) for level, points in rules.disiplin.items()}
    disiplin = case(
        (sanction.c.rank == 3, d["berat"]),
        (sanction.c.rank == 2, d["sedang"]),
        (sanction.c.rank == 1, d["ringan"]),
        else_=d["none"],
    )
    stmt = (
        select(
            Asn.nip,
            Asn.unit_id,
            education.label("kualifikasi"),
            kompetensi.label("kompetensi"),
            kinerja.label("kinerja"),
            disiplin.label("disiplin"),
        )
        .select_from(Asn)
        .outerjoin(Position, Position.id == Asn.position_id)
        .outerjoin(career, career.c.nip == Asn.nip)
        .outerjoin(this_year, this_year.c.nip == Asn.nip)
        .outerjoin(p, and_(p.nip == Asn.nip, p.year == year))
        .outerjoin(sanction, sanction.c.nip == Asn.nip)
        .where(Asn.employment_type != PPPK)
    )
    if active_only:
        stmt = stmt.where(Asn.active.is_(True))
    if unit_ids is not None:
        stmt = stmt.where(Asn.unit_id.in_(unit_ids))
    if nips is not None:
        stmt = stmt.where(Asn.nip.in_(nips))
    # OFFSET 0 keeps PostgreSQL from inlining the points into every category test below.
    scored = stmt.offset(0).subquery("scored")
    total = scored.c.kualifikasi + scored.c.kompetensi + scored.c.kinerja + scored.c.disiplin
    category = case(
        *((total >= band.min, _int(index)) for index, band in enumerate(rules.categories)),
        else_=_int(len(rules.categories) - 1),
    )
    return select(
        scored.c.nip,
        scored.c.unit_id,
        scored.c.kualifikasi,
        scored.c.kompetensi,
        scored.c.kinerja,
        scored.c.disiplin,
        total.label("total"),
        category.label("category"),
    )
