"""The 9-box answers: one ASN's placement (computed with ninebox.place() from the stored inputs), the
talent map of a unit or the province and the people of one box (read from talent_placements).

Talent results are confidential (docs/domain.md, Talent 9-box): BPSDM, the auditor and OPD admins in
scope read them; an ASN reads their own only when the year's talent_rules say so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import Integer, and_, bindparam, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.competencies.gaps import service as gaps_service
from app.core.errors import Forbidden
from app.core.i18n import msg
from app.core.pagination import InvalidCursor, PageParams, decode_cursor, encode_cursor
from app.core.security import Principal, Role
from app.org import service as org_service
from app.org.models import Unit
from app.rules import service as rules_service
from app.rules.talent import TalentRules
from app.talent import service as talent_service
from app.talent.box.models import TalentPlacement
from app.talent.box.schemas import (
    BoxCount,
    BoxPerson,
    DirectTalentMap,
    MissingCount,
    TalentInputs,
    TalentMap,
    TalentRead,
    UnitTalentMap,
)
from app.talent.ninebox import JPM, PERFORMANCE, POTENTIAL_ASSESSMENT, place

HUNDREDTH = Decimal("0.01")


class TalentNotVisible(Forbidden):
    code = "talent_not_visible"


def from_hundredths(value: int | None) -> Decimal | None:
    return None if value is None else (Decimal(value) * HUNDREDTH).quantize(HUNDREDTH)


def year_end(year: int) -> date:
    return date(year, 12, 31)


# -- GET /asn/{nip}/talent ------------------------------------------------------------------------------


async def talent_of(session: AsyncSession, principal: Principal, asn: Asn, year: int) -> TalentRead:
    """The ASN's 9-box of `year`; `asn` is already checked to be in the caller's scope."""
    rules = (await rules_service.rules_for_year(session, year)).talent_rules
    if principal.role is Role.asn and not rules.visible_to_asn:
        raise TalentNotVisible(
            msg(
                "The talent rules of {year} do not show ASN their own 9-box; ask your OPD admin",
                year=year,
            )
        )
    performance = await talent_service.performance_for(session, asn.nip, year)
    gaps = await gaps_service.competency_gaps(session, asn, year)
    potential = await talent_service.latest_potential(session, asn.nip, year_end(year))
    predikat = None if performance is None else performance.predikat
    placed = place(
        predikat,  # type: ignore[arg-type]
        gaps.jpm,
        None if potential is None else potential.score,
        rules,
    )
    return TalentRead(
        nip=asn.nip,
        year=year,
        kinerja=placed.kinerja,
        potensial=placed.potensial,
        potensial_score=placed.potensial_score,
        box=None if placed.box is None else placed.box.box,
        box_label=None if placed.box is None else placed.box.label,
        in_talent_pool=placed.in_talent_pool,
        missing=placed.missing,
        recommendation=None if placed.box is None else placed.box.recommendation,
        inputs=TalentInputs(
            predikat=predikat,
            jpm=gaps.jpm,
            potential_score=None if potential is None else potential.score,
            potential_assessed_on=None if potential is None else potential.assessed_on,
        ),
    )


# -- GET /reports/talent-map ----------------------------------------------------------------------------

YEAR = bindparam("year", type_=Integer)
ROOT_ID = bindparam("root_id", type_=Integer)


@cache
def headcount_statement(province: bool) -> Any:
    """Active ASN per unit."""
    stmt = select(Asn.unit_id, func.count()).where(Asn.active.is_(True)).group_by(Asn.unit_id)
    return stmt if province else stmt.where(Asn.unit_id.in_(org_service.subtree_ids(ROOT_ID)))


@cache
def map_statement(province: bool) -> Any:
    """Active ASN with the year's SKP result per (unit, box), and of them those lacking potential or JPM.

    One row per unit and box (a few thousand at most), from talent_placements alone.
    """
    t = TalentPlacement
    stmt = (
        select(
            t.unit_id,
            t.box,
            func.count().label("with_performance"),
            func.sum(case((t.potential_score.is_(None), 1), else_=0)).label("no_potential"),
            func.sum(case((t.jpm.is_(None), 1), else_=0)).label("no_jpm"),
        )
        .where(t.year == YEAR, t.active.is_(True))
        .group_by(t.unit_id, t.box)
    )
    return stmt if province else stmt.where(t.unit_id.in_(org_service.subtree_ids(ROOT_ID)))


@dataclass(slots=True)
class _Tally:
    headcount: int = 0
    with_performance: int = 0
    no_potential: int = 0
    no_jpm: int = 0
    boxes: dict[int, int] = field(default_factory=dict)

    def add(self, box: int | None, with_performance: int, no_potential: int, no_jpm: int) -> None:
        self.with_performance += with_performance
        self.no_potential += no_potential
        self.no_jpm += no_jpm
        if box is not None:
            self.boxes[box] = self.boxes.get(box, 0) + with_performance

    @property
    def assessed(self) -> int:
        return sum(self.boxes.values())

    def counts(self, labels: dict[int, str]) -> list[BoxCount]:
        return [BoxCount(box=b, label=labels[b], count=self.boxes.get(b, 0)) for b in sorted(labels)]


def _depth(path: str) -> int:
    return path.count("/") - 1  # "/1/7/" is depth 2


def labels_of(rules: TalentRules) -> dict[int, str]:
    return {b.box: b.label for b in rules.boxes}


async def talent_map(
    session: AsyncSession, principal: Principal, year: int, unit_id: int | None
) -> TalentMap:
    root = await org_service.unit_in_reach(session, principal, unit_id)
    rules = (await rules_service.rules_for_year(session, year)).talent_rules
    labels = labels_of(rules)
    units_stmt = select(Unit.id, Unit.code, Unit.name, Unit.path)
    if root is not None:
        units_stmt = units_stmt.where(Unit.path.like(root.path + "%"))
    units = (await session.execute(units_stmt)).all()
    # Each unit of the subtree counts in the row of its ancestor just below the root (None: the root).
    root_depth = _depth(root.path) if root is not None else 0
    row_of: dict[int, int | None] = {}
    for unit in units:
        ids = unit.path.strip("/").split("/")
        row_of[unit.id] = int(ids[root_depth]) if len(ids) > root_depth else None
    children = sorted(
        (u for u in units if _depth(u.path) == root_depth + 1), key=lambda u: (u.name.lower(), u.id)
    )
    rows: dict[int | None, _Tally] = {u.id: _Tally() for u in children}
    rows[None] = _Tally()
    top = _Tally()
    params: dict[str, Any] = {} if root is None else {"root_id": root.id}
    for unit_id_, headcount in (await session.execute(headcount_statement(root is None), params)).all():
        if unit_id_ in row_of:
            top.headcount += headcount
            rows[row_of[unit_id_]].headcount += headcount
    params["year"] = year
    for unit_id_, box, *figures in (await session.execute(map_statement(root is None), params)).all():
        if unit_id_ not in row_of:
            continue
        counts = [int(v) for v in figures]
        top.add(box, *counts)
        rows[row_of[unit_id_]].add(box, *counts)
    direct = rows[None]
    return TalentMap(
        year=year,
        unit_id=None if root is None else root.id,
        name=None if root is None else root.name,
        headcount=top.headcount,
        assessed=top.assessed,
        boxes=top.counts(labels),
        missing=[
            MissingCount(input=PERFORMANCE, count=top.headcount - top.with_performance),
            MissingCount(input=JPM, count=top.no_jpm),
            MissingCount(input=POTENTIAL_ASSESSMENT, count=top.no_potential),
        ],
        direct=None
        if root is None
        else DirectTalentMap(
            headcount=direct.headcount, assessed=direct.assessed, boxes=direct.counts(labels)
        ),
        units=[
            UnitTalentMap(
                unit_id=u.id,
                code=u.code,
                name=u.name,
                headcount=rows[u.id].headcount,
                assessed=rows[u.id].assessed,
                boxes=rows[u.id].counts(labels),
            )
            for u in children
        ],
    )


# -- GET /reports/talent-map/box/{box} ------------------------------------------------------------------


def people_query(principal: Principal, root: Unit | None, year: int, box: int | None) -> Any:
    """Active ASN in reach (below `root` when given) with their placement of `year`, ordered by NIP
    by the caller: those placed in `box`, or (None) every one, placed or not (the export's detail)."""
    t = TalentPlacement
    columns = (
        Asn.nip,
        Asn.name,
        Asn.unit_id,
        Unit.name.label("unit"),
        t.predikat,
        t.kinerja,
        t.jpm,
        t.potential_score,
        t.potensial_score,
        t.potensial,
        t.box,
    )
    unit_column: Any
    if box is not None:
        stmt = (
            select(*columns)
            .select_from(t)
            .join(Asn, Asn.nip == t.nip)
            .join(Unit, Unit.id == t.unit_id)
            .where(t.year == year, t.box == box, t.active.is_(True))
        )
        unit_column = t.unit_id
    else:
        stmt = (
            select(*columns)
            .select_from(Asn)
            .join(Unit, Unit.id == Asn.unit_id)
            .outerjoin(t, and_(t.nip == Asn.nip, t.year == year))
            .where(Asn.active.is_(True))
        )
        unit_column = Asn.unit_id
    condition = org_service.unit_scope_condition(principal, unit_column)
    if condition is not None:
        stmt = stmt.where(condition)
    if root is not None:
        stmt = stmt.where(unit_column.in_(org_service.subtree_ids(root.id)))
    return stmt


async def box_people(
    session: AsyncSession,
    principal: Principal,
    year: int,
    box: int,
    unit_id: int | None,
    page: PageParams,
    q: str | None = None,
) -> tuple[list[BoxPerson], str | None, int]:
    root = await org_service.unit_in_reach(session, principal, unit_id)
    stmt = people_query(principal, root, year, box)
    needle = (q or "").strip().lower()
    if needle:
        stmt = stmt.where(
            or_(
                Asn.nip.contains(needle, autoescape=True),
                func.lower(Asn.name).contains(needle, autoescape=True),
            )
        )
    total = (await session.execute(select(func.count()).select_from(stmt.subquery()))).scalar_one()
    if page.cursor:
        (after,) = decode_cursor(page.cursor, 1)
        if not isinstance(after, str):
            raise InvalidCursor("The cursor is not valid; use next_cursor as given")
        stmt = stmt.where(TalentPlacement.nip > after)
    rows = (await session.execute(stmt.order_by(TalentPlacement.nip).limit(page.limit + 1))).all()
    cursor = encode_cursor([rows[page.limit - 1].nip]) if len(rows) > page.limit else None
    items = [
        BoxPerson(
            nip=r.nip,
            name=r.name,
            unit_id=r.unit_id,
            unit=r.unit,
            kinerja=r.kinerja,
            potensial=r.potensial,
            potensial_score=from_hundredths(r.potensial_score),
        )
        for r in rows[: page.limit]
    ]
    return items, cursor, int(total)
