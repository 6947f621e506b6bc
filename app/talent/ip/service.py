"""The Indeks Profesionalitas ASN over the records: one PNS's year, and the report per unit.

One PNS: the facts are gathered (education, jenis jabatan, verified learning, the SKP, sanctions in force
at the year's end) and `app.talent.ipasn.ip_asn()` applies the year's `ip_asn_rules`, keeping the
evidence behind every point.

Many: the same points computed in SQL (app/talent/ip/points.py), stored per PNS and year in
ip_asn_scores and kept in step with every input (app/talent/ip/scores.py); the report groups a stored
year's rows, and computes a year not stored in one statement. tests/talent/test_ip_asn_report.py keeps
the paths in agreement on a varied world and after each kind of change.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.core.errors import Unprocessable
from app.core.i18n import localise, msg
from app.core.security import Principal
from app.core.types import round2
from app.learning.models import VERIFIED, LearningRecord
from app.org import service as org_service
from app.org.models import Position, Unit
from app.rules.talent import IpAsnRules
from app.talent import service as talent_service
from app.talent.ip import scores
from app.talent.ip.models import IpAsnScore
from app.talent.ip.points import PPPK, counted_forms, points_statement, year_end, year_rules
from app.talent.ip.schemas import (
    CategoryCount,
    DimensionMean,
    IpAsnAdvice,
    IpAsnDimension,
    IpAsnFigures,
    IpAsnIndicator,
    IpAsnRead,
    IpAsnReport,
    UnitIpAsn,
)
from app.talent.ipasn import (
    Facts,
    LearningFact,
    PerformanceFact,
    SanctionFact,
    ip_asn,
)


class IpAsnNotApplicable(Unprocessable):
    code = "ip_asn_not_applicable"


# -- one PNS ----------------------------------------------------------------------------------------------


def check_applicable(asn: Asn) -> None:
    if asn.employment_type == PPPK:
        raise IpAsnNotApplicable(
            msg(
                "NIP {nip} is a PPPK; the Indeks Profesionalitas ASN measures PNS and CPNS only",
                nip=asn.nip,
            )
        )


async def facts_for(session: AsyncSession, asn: Asn, year: int, rules: IpAsnRules) -> Facts:
    """What ip_asn() needs of one ASN for `year`."""
    end = year_end(year)
    jenis_jabatan = None
    if asn.position_id is not None:
        jenis_jabatan = await session.scalar(
            select(Position.jenis_jabatan).where(Position.id == asn.position_id)
        )
    records = await session.execute(
        select(LearningRecord.id, LearningRecord.form_code, LearningRecord.jp, LearningRecord.end_date)
        .where(
            LearningRecord.nip == asn.nip,
            LearningRecord.year <= year,
            LearningRecord.status == VERIFIED,
            LearningRecord.end_date <= end,
            LearningRecord.form_code.in_(counted_forms(rules)),
        )
        .order_by(LearningRecord.id)
    )
    skp = await talent_service.performance_for(session, asn.nip, year)
    sanctions = await talent_service.sanctions_in_force(session, asn.nip, end)
    return Facts(
        year=year,
        education_level=asn.education_level,
        jenis_jabatan=jenis_jabatan,
        learning=[LearningFact(i, f, Decimal(jp), d) for i, f, jp, d in records.all()],
        performance=None
        if skp is None
        else PerformanceFact(skp.year, skp.predikat, None if skp.score is None else Decimal(skp.score)),  # type: ignore[arg-type]
        sanctions=[SanctionFact(s.id, s.level, s.decided_on, s.ends_on) for s in sanctions],
    )


def _plain(value: Any) -> Any:
    """Evidence as JSON: decimals as numbers (docs/api.md), lists and dicts inside too."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


async def ip_asn_of(session: AsyncSession, asn: Asn, year: int, *, sees_sanctions: bool = True) -> IpAsnRead:
    """The ASN's IP ASN of `year`; `asn` is already checked to be in the caller's scope. Without
    `sees_sanctions` the disiplin indicator keeps its points but not which sanction they rest on."""
    check_applicable(asn)
    rules = await year_rules(session, year)
    result = ip_asn(await facts_for(session, asn, year, rules), rules)
    return IpAsnRead(
        nip=asn.nip,
        year=year,
        employment_type=asn.employment_type,
        total=result.total,
        category=result.category,
        dimensions=[
            IpAsnDimension(
                code=d.code,
                score=d.score,
                max=d.max,
                indicators=[
                    IpAsnIndicator(
                        code=i.code,
                        label=localise(i.label),
                        points=i.points,
                        max=i.max,
                        evidence=_plain(i.evidence) if sees_sanctions or i.code != "sanction" else {},
                    )
                    for i in d.indicators
                ],
            )
            for d in result.dimensions
        ],
        how_to_improve=[
            IpAsnAdvice(indicator=a.indicator, points=a.points, action=localise(a.action))
            for a in result.how_to_improve
        ],
    )


def report_statement(rules: IpAsnRules, year: int, unit_ids: Sequence[int] | None) -> Select[Any]:
    """Per unit and category: how many PNS/CPNS, and their points added up."""
    per_asn = points_statement(rules, year, unit_ids=unit_ids).subquery("per_asn")
    return select(
        per_asn.c.unit_id,
        per_asn.c.category,
        func.count().label("headcount"),
        func.sum(per_asn.c.total).label("points"),
        *(func.sum(per_asn.c[code]).label(code) for code in DIMENSIONS),
    ).group_by(per_asn.c.unit_id, per_asn.c.category)


def stored_report_statement(year: int, unit_ids: Sequence[int] | None) -> Any:
    """The same, grouped from ip_asn_scores (a year stored whole)."""
    t = IpAsnScore
    conditions = [t.year == year] + ([] if unit_ids is None else [t.unit_id.in_(unit_ids)])
    return (
        select(
            t.unit_id,
            t.category,
            func.count().label("headcount"),
            func.sum(t.total).label("points"),
            *(func.sum(getattr(t, code)).label(code) for code in DIMENSIONS),
        )
        .where(*conditions)
        .group_by(t.unit_id, t.category)
    )


# The four dimensions, in the order of the BKN form; each is a column of the points and of ip_asn_scores.
DIMENSIONS = ("kualifikasi", "kompetensi", "kinerja", "disiplin")


def dimension_max(rules: IpAsnRules) -> dict[str, int]:
    return {
        "kualifikasi": rules.kualifikasi_max,
        "kompetensi": rules.kompetensi.max,
        "kinerja": rules.kinerja_max,
        "disiplin": rules.disiplin_max,
    }


@dataclass(slots=True)
class Tally:
    counts: list[int]
    points: int = 0
    dimension_points: dict[str, int] = field(default_factory=lambda: dict.fromkeys(DIMENSIONS, 0))

    @classmethod
    def of(cls, rules: IpAsnRules) -> Tally:
        return cls([0] * len(rules.categories))

    def add(self, category: int, headcount: int, points: int, dimensions: dict[str, int]) -> None:
        self.counts[category] += headcount
        self.points += points
        for code, value in dimensions.items():
            self.dimension_points[code] += value

    def figures(self, rules: IpAsnRules) -> dict[str, Any]:
        headcount = sum(self.counts)
        maxima = dimension_max(rules)
        return {
            "headcount": headcount,
            "mean": round2(Decimal(self.points) / headcount) if headcount else None,
            # Which dimension pulls the unit down most: the mean of each, against its maximum.
            "dimensions": [
                DimensionMean(
                    code=code,
                    mean=round2(Decimal(self.dimension_points[code]) / headcount) if headcount else None,
                    max=maxima[code],
                )
                for code in DIMENSIONS
            ],
            "categories": [
                CategoryCount(category=band.label, count=count)
                for band, count in zip(rules.categories, self.counts, strict=True)
            ],
        }


@dataclass(slots=True)
class _Layout:
    """The units of the report: each unit of the subtree counts in the row of its ancestor just below
    the root (None: the root itself)."""

    children: list[Any]
    row_of: dict[int, int | None] = field(default_factory=dict)


def _depth(path: str) -> int:
    return path.count("/") - 1  # "/1/7/" is depth 2


async def _layout(session: AsyncSession, root: Unit | None) -> _Layout:
    stmt = select(Unit.id, Unit.code, Unit.name, Unit.path)
    if root is not None:
        stmt = stmt.where(Unit.path.like(root.path + "%"))
    units = (await session.execute(stmt)).all()
    root_depth = _depth(root.path) if root is not None else 0
    layout = _Layout(
        children=sorted(
            (u for u in units if _depth(u.path) == root_depth + 1), key=lambda u: (u.name.lower(), u.id)
        )
    )
    for unit in units:
        ids = unit.path.strip("/").split("/")
        layout.row_of[unit.id] = int(ids[root_depth]) if len(ids) > root_depth else None
    return layout


async def report(session: AsyncSession, principal: Principal, year: int, unit_id: int | None) -> IpAsnReport:
    """GET /reports/ip-asn: the caller's unit (or the one asked for, in reach), or the province."""
    root = await org_service.unit_in_reach(session, principal, unit_id)
    rules = await year_rules(session, year)
    layout = await _layout(session, root)
    rows: dict[int | None, Tally] = {u.id: Tally.of(rules) for u in layout.children}
    rows[None] = Tally.of(rules)
    top = Tally.of(rules)
    unit_ids = None if root is None else list(layout.row_of)
    if await scores.is_stored(session, year):
        stmt = stored_report_statement(year, unit_ids)
    else:
        stmt = report_statement(rules, year, unit_ids)
    for row in (await session.execute(stmt)).all():
        unit, category, headcount, points = row[:4]
        if unit not in layout.row_of:
            continue
        dimensions = {code: int(value or 0) for code, value in zip(DIMENSIONS, row[4:], strict=True)}
        top.add(category, headcount, int(points), dimensions)
        rows[layout.row_of[unit]].add(category, headcount, int(points), dimensions)
    return IpAsnReport(
        year=year,
        unit_id=None if root is None else root.id,
        name=None if root is None else root.name,
        **top.figures(rules),
        direct=None if root is None else IpAsnFigures(**rows[None].figures(rules)),
        units=[
            UnitIpAsn(unit_id=u.id, code=u.code, name=u.name, **rows[u.id].figures(rules))
            for u in layout.children
        ],
    )
