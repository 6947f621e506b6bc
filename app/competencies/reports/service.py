"""The competency-gap report and the unit × competency heat map, read from competency_unit_totals.

The totals hold, per unit (its own ASN only) and competency, the sums over active ASN; a subtree's
figures are their sum over its units, so the province costs a few thousand rows, never the
hundreds of thousands of standings.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import Integer, bindparam, func, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from app.competencies.models import Competency, CompetencyUnitTotal
from app.competencies.reports.schemas import (
    CompetencyGapItem,
    CompetencyGapMatrix,
    CompetencyGapReport,
    GapCell,
    GapMatrixDirect,
    GapMatrixRow,
    MatrixCompetency,
)
from app.competencies.standards.lookup import dictionary_order
from app.core.security import Principal
from app.core.types import round2
from app.org import service as org_service
from app.org.models import Unit


def _ratio(numerator: int, denominator: int) -> Decimal | None:
    if denominator == 0:
        return None
    return round2(Decimal(numerator) / Decimal(denominator))


@dataclass(slots=True)
class _Tally:
    required: int = 0
    assessed: int = 0
    with_gap: int = 0
    gap_sum: int = 0

    def add(self, required: int, assessed: int, with_gap: int, gap_sum: int) -> None:
        self.required += int(required)
        self.assessed += int(assessed)
        self.with_gap += int(with_gap)
        self.gap_sum += int(gap_sum)

    def cell(self, code: str) -> GapCell:
        # Built from checked integers, hundreds per matrix: validation would only cost time.
        return GapCell.model_construct(
            competency_code=code,
            required=self.required,
            assessed=self.assessed,
            with_gap=self.with_gap,
            mean_gap=_ratio(self.gap_sum, self.assessed),
        )


def _figures() -> tuple[Any, ...]:
    t = CompetencyUnitTotal
    return (
        Competency.name,
        Competency.group,
        func.sum(t.required),
        func.sum(t.assessed),
        func.sum(t.with_gap),
        func.sum(t.gap_sum),
    )


# Statements are built once per shape (province or one unit, given as the bound `root_id`), so
# SQLAlchemy's compiled cache serves every request after the first.
ROOT_ID = bindparam("root_id", type_=Integer)


@cache
def report_statement(province: bool) -> Any:
    """The figures per competency over the province or the subtree of `root_id`."""
    t = CompetencyUnitTotal
    stmt = (
        select(t.competency_code, *_figures())
        .join(Competency, Competency.code == t.competency_code)
        .group_by(t.competency_code, Competency.name, Competency.group)
        .having(func.sum(t.required) > 0)
    )
    return stmt if province else stmt.where(t.unit_id.in_(org_service.subtree_ids(ROOT_ID)))


# -- GET /reports/competency-gaps -----------------------------------------------------------------------


async def gap_report(session: AsyncSession, principal: Principal, unit_id: int | None) -> CompetencyGapReport:
    root = await org_service.unit_in_reach(session, principal, unit_id)
    params = {} if root is None else {"root_id": root.id}
    rows = (await session.execute(report_statement(root is None), params)).all()
    items = []
    for code, name, group, required, assessed, with_gap, gap_sum in sorted(
        rows, key=lambda r: dictionary_order(r[0], r[2])
    ):
        required, assessed, with_gap = int(required), int(assessed), int(with_gap)
        items.append(
            CompetencyGapItem(
                competency_code=code,
                name=name,
                group=group,
                required=required,
                assessed=assessed,
                missing=required - assessed,
                with_gap=with_gap,
                mean_gap=_ratio(int(gap_sum), assessed),
                with_gap_pct=_ratio(100 * with_gap, assessed),
            )
        )
    return CompetencyGapReport(
        unit_id=None if root is None else root.id, name=None if root is None else root.name, items=items
    )


# -- GET /reports/competency-gap-matrix -----------------------------------------------------------------


@cache
def children_statement(province: bool) -> Any:
    return select(Unit.id, Unit.code, Unit.name).where(
        Unit.parent_id.is_(None) if province else Unit.parent_id == ROOT_ID
    )


@cache
def matrix_statement(province: bool) -> Any:
    """The figures per (row, competency), summed in SQL so the province costs a few hundred rows.

    A row is a child of the root (or a top-level unit) with all its descendants, keyed by the child's
    id; the root's own ASN come keyed by the root's id.
    """
    t = CompetencyUnitTotal
    owner, child = aliased(Unit), aliased(Unit)
    below = (
        select(child.id.label("row"), t.competency_code, *_figures())
        .select_from(t)
        .join(Competency, Competency.code == t.competency_code)
        .join(owner, owner.id == t.unit_id)
        .join(child, owner.path.like(child.path + literal("%")))
        .where(child.parent_id.is_(None) if province else child.parent_id == ROOT_ID)
        .where(t.required > 0)
        .group_by(child.id, t.competency_code, Competency.name, Competency.group)
    )
    if province:
        return below
    direct = (
        select(t.unit_id.label("row"), t.competency_code, *_figures())
        .join(Competency, Competency.code == t.competency_code)
        .where(t.unit_id == ROOT_ID, t.required > 0)
        .group_by(t.unit_id, t.competency_code, Competency.name, Competency.group)
    )
    return union_all(below, direct)


async def gap_matrix(session: AsyncSession, principal: Principal, unit_id: int | None) -> CompetencyGapMatrix:
    root = await org_service.unit_in_reach(session, principal, unit_id)
    params = {} if root is None else {"root_id": root.id}
    children = sorted(
        (await session.execute(children_statement(root is None), params)).all(),
        key=lambda u: (u.name.lower(), u.id),
    )

    tallies: dict[tuple[int, str], _Tally] = {}
    names: dict[str, tuple[str, str]] = {}
    for row, code, name, group, *figures in (
        await session.execute(matrix_statement(root is None), params)
    ).all():
        tallies.setdefault((row, code), _Tally()).add(*figures)
        names[code] = (name, group)
    columns = [
        MatrixCompetency(code=code, name=name, group=group)
        for code, (name, group) in sorted(names.items(), key=lambda c: dictionary_order(c[0], c[1][1]))
    ]

    def cells(row: int) -> list[GapCell]:
        return [tallies.get((row, c.code), _Tally()).cell(c.code) for c in columns]

    return CompetencyGapMatrix(
        unit_id=None if root is None else root.id,
        name=None if root is None else root.name,
        competencies=columns,
        rows=[GapMatrixRow(unit_id=u.id, code=u.code, name=u.name, cells=cells(u.id)) for u in children],
        direct=None if root is None else GapMatrixDirect(cells=cells(root.id)),
    )
