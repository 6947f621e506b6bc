"""Mandatory needs: who the year's `planning_rules.mandatory` covers and still lacks a record that meets it.

A need covers the active ASN of its employment types (and, when it names them, holders of positions of
its jenis_jabatan). A verified learning record of one of its forms meets it when the record counts in a
year up to the year asked for (and within the last `satisfied_within_years` of them, when set). The
records are read from jp_totals (verified JP per ASN, year and form), one index probe per person.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, case, exists, func, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.competencies.models import Course
from app.learning.models import JpTotal
from app.org import service as org_service
from app.org.models import Position, Unit
from app.planning.models import APPROVED, DevelopmentPlan, DevelopmentPlanItem
from app.rules.planning import MandatoryNeed


@dataclass(frozen=True, slots=True)
class NeedCount:
    code: str
    title_id: str
    title_en: str
    course_id: int | None
    count: int


async def course_ids(session: AsyncSession, needs: Sequence[MandatoryNeed]) -> dict[str, int]:
    """Lower-cased course code → id of the active catalogue courses the needs name."""
    codes = {n.course_code.lower() for n in needs if n.course_code}
    if not codes:
        return {}
    rows = await session.execute(
        select(func.lower(Course.code), Course.id).where(
            func.lower(Course.code).in_(codes), Course.active.is_(True)
        )
    )
    return {code: course_id for code, course_id in rows.all()}


def _met(need: MandatoryNeed, year: int) -> ColumnElement[bool]:
    j = JpTotal
    stmt = select(literal(1)).where(
        j.nip == Asn.nip, j.form_code.in_(need.form_codes), j.records > 0, j.year <= year
    )
    if need.satisfied_within_years is not None:
        stmt = stmt.where(j.year > year - need.satisfied_within_years)
    return exists(stmt)


def planned_course(course_id: int, year: int) -> ColumnElement[bool]:
    """The ASN has an approved IDP item of the year for the course."""
    p, i = DevelopmentPlan, DevelopmentPlanItem
    return exists(
        select(literal(1))
        .select_from(p)
        .join(i, i.plan_id == p.id)
        .where(p.nip == Asn.nip, p.year == year, p.status == APPROVED, i.course_id == course_id)
    )


def _covers(need: MandatoryNeed) -> ColumnElement[bool]:
    conditions: list[ColumnElement[bool]] = [Asn.employment_type.in_(need.employment_types)]
    if need.jenis_jabatan is not None:
        conditions.append(Position.jenis_jabatan.in_(need.jenis_jabatan))
    return and_(*conditions)


def _unmet(
    need: MandatoryNeed, year: int, course_id: int | None, exclude_planned: bool
) -> ColumnElement[bool]:
    """No record meets the need (and, with `exclude_planned`, no approved item plans its course)."""
    conditions: list[ColumnElement[bool]] = [~_met(need, year)]
    if exclude_planned and course_id is not None:
        conditions.append(~planned_course(course_id, year))
    return and_(*conditions)


async def count(
    session: AsyncSession,
    root: Unit | None,
    year: int,
    needs: Sequence[MandatoryNeed],
    *,
    exclude_planned: bool = False,
) -> list[NeedCount]:
    """Per need, in rule order, the active ASN of the subtree (the province for None) who still need it.

    With `exclude_planned`, people with an approved IDP item of the year for the need's course are left
    out (the proposal plans them already on an IDP line).
    """
    if not needs:
        return []
    ids = await course_ids(session, needs)
    of = [ids.get(n.course_code.lower()) if n.course_code else None for n in needs]
    found = []
    # One statement per need, over only the people it covers: the planner then expects a few thousand
    # probes, not one per ASN (priced that high, PostgreSQL JIT-compiled the statement: 160 ms more).
    for need, course_id in zip(needs, of, strict=True):
        stmt = (
            select(
                func.coalesce(func.sum(case((_unmet(need, year, course_id, exclude_planned), 1), else_=0)), 0)
            )
            .select_from(Asn)
            .outerjoin(Position, Position.id == Asn.position_id)
            .where(Asn.active.is_(True), _covers(need))
        )
        if root is not None:
            stmt = stmt.where(Asn.unit_id.in_(org_service.subtree_ids(root.id)))
        found.append(int((await session.execute(stmt)).scalar_one()))
    return [
        NeedCount(n.code, n.title_id, n.title_en, cid, count)
        for n, cid, count in zip(needs, of, found, strict=True)
    ]
