"""Each unit's yearly development programme (lines of courses, sessions, participants and cost), its
cost against the unit's pagu, how much of the measured competency gap it reaches, and the province's
consolidation against the mandatory spending (0.34 % / 0.16 % of belanja daerah).

Money is integer rupiah throughout; the threshold and the percentages are worked out by
app.budgets.money, exactly as the budget compliance check does.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, literal, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.budgets import money
from app.budgets.models import Budget, UnitBudget
from app.competencies.courses import service as courses_service
from app.competencies.models import Competency, CompetencyUnitTotal, Course
from app.competencies.standards.lookup import dictionary_order
from app.core import audit
from app.core.concurrency import check_if_match
from app.core.errors import PreconditionRequired, Unprocessable
from app.core.i18n import Message, localise, msg
from app.core.security import Principal
from app.core.types import round_jp, utcnow
from app.org import service as org_service
from app.org.models import Unit
from app.planning.models import DevelopmentProgram, DevelopmentProgramLine
from app.planning.programs.schemas import (
    CompetencyCoverage,
    CourseTotal,
    GapClosed,
    ProgramBody,
    ProgramLineBody,
    ProgramLineRead,
    ProgramRead,
    ProvinceProgram,
    ProvinceUnit,
)
from app.rules import service as rules_service

ENTITY = "development_program"
LINE_FIELDS = (
    "course_id",
    "title",
    "sessions",
    "participants",
    "jp",
    "cost_idr",
    "competency_codes",
    "source",
    "note",
)
ZERO_JP = round_jp(Decimal(0))


class ProgramLinesInvalid(Unprocessable):
    """Lines that name what does not exist (a course, a competency, a line of another programme) or
    leave out what no course supplies (a title, the JP); `errors` lists each with its `loc`."""

    code = "invalid_program_lines"


def key_of(unit_id: int, year: int) -> str:
    return f"{unit_id}/{year}"


# -- figures ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Totals:
    cost_idr: int
    participants: int
    jp: Decimal


def totals(lines: Iterable[DevelopmentProgramLine]) -> Totals:
    cost, participants, jp = 0, 0, Decimal(0)
    for line in lines:
        cost += line.cost_idr
        participants += line.participants
        jp += line.jp * line.participants
    return Totals(cost, participants, round_jp(jp))


def line_read(line: DevelopmentProgramLine) -> ProgramLineRead:
    return ProgramLineRead(
        id=line.id,
        course_id=line.course_id,
        title=line.title,
        sessions=line.sessions,
        participants=line.participants,
        jp=round_jp(line.jp),
        cost_idr=line.cost_idr,
        competency_codes=list(line.competency_codes or []),
        source=line.source,
        note=line.note,
    )


def _line_values(line: DevelopmentProgramLine) -> dict[str, Any]:
    values = {field: getattr(line, field) for field in LINE_FIELDS}
    values["jp"] = round_jp(values["jp"])
    values["competency_codes"] = list(values["competency_codes"] or [])
    return values


async def gap_closed(session: AsyncSession, unit: Unit, lines: Sequence[DevelopmentProgramLine]) -> GapClosed:
    """Per competency, the ASN of the unit's subtree below standard (competency_unit_totals, kept
    current by the competency domain) and the participants of the lines naming it; a competency's
    surplus of participants never covers another's gap."""
    below: dict[str, int] = {
        code: int(count or 0)
        for code, count in (
            await session.execute(
                select(CompetencyUnitTotal.competency_code, func.sum(CompetencyUnitTotal.with_gap))
                .where(CompetencyUnitTotal.unit_id.in_(org_service.subtree_ids(unit.id)))
                .group_by(CompetencyUnitTotal.competency_code)
            )
        ).all()
        if count
    }
    planned: dict[str, int] = defaultdict(int)
    for line in lines:
        for code in set(line.competency_codes or []):
            planned[code] += line.participants
    codes = set(below) | set(planned)
    groups: dict[str, str] = {}
    if codes:
        groups = dict(
            (
                await session.execute(
                    select(Competency.code, Competency.group).where(Competency.code.in_(codes))
                )
            ).all()
        )
    items = [
        CompetencyCoverage(
            competency_code=code,
            below_standard=below.get(code, 0),
            planned_participants=planned.get(code, 0),
            covered=min(below.get(code, 0), planned.get(code, 0)),
        )
        for code in sorted(codes, key=lambda c: dictionary_order(c, groups.get(c, "")))
    ]
    below_total = sum(i.below_standard for i in items)
    covered = sum(i.covered for i in items)
    return GapClosed(
        below_standard=below_total,
        covered=covered,
        pct=money.percent(covered, below_total, places=2),
        competencies=items,
    )


def _pagu_figures(total_cost: int, pagu: int | None) -> tuple[bool | None, int | None]:
    if pagu is None:
        return None, None
    return total_cost <= pagu, pagu - total_cost


# -- one unit ---------------------------------------------------------------------------------------------


async def _lines(session: AsyncSession, unit_id: int, year: int) -> list[DevelopmentProgramLine]:
    return list(
        (
            await session.execute(
                select(DevelopmentProgramLine)
                .where(DevelopmentProgramLine.unit_id == unit_id, DevelopmentProgramLine.year == year)
                .order_by(DevelopmentProgramLine.position, DevelopmentProgramLine.id)
            )
        ).scalars()
    )


async def _pagu(session: AsyncSession, unit_id: int, year: int) -> int | None:
    return await session.scalar(
        select(UnitBudget.pagu_idr).where(UnitBudget.year == year, UnitBudget.unit_id == unit_id)
    )


async def read(session: AsyncSession, unit: Unit, year: int, row: DevelopmentProgram | None) -> ProgramRead:
    lines = await _lines(session, unit.id, year) if row is not None else []
    sums = totals(lines)
    pagu = await _pagu(session, unit.id, year)
    within, remaining = _pagu_figures(sums.cost_idr, pagu)
    return ProgramRead(
        unit_id=unit.id,
        unit_name=unit.name,
        year=year,
        note=None if row is None else row.note,
        lines=[line_read(line) for line in lines],
        total_cost_idr=sums.cost_idr,
        total_participants=sums.participants,
        total_jp=sums.jp,
        pagu_idr=pagu,
        within_pagu=within,
        remaining_pagu_idr=remaining,
        gap_closed=await gap_closed(session, unit, lines),
        updated_at=None if row is None else row.updated_at,
        version=0 if row is None else row.version,
    )


async def get(
    session: AsyncSession, principal: Principal, unit_id: int, year: int
) -> tuple[Unit, DevelopmentProgram | None]:
    """The unit (404 outside the caller's scope) and its programme for the year, None while it has none."""
    unit = await org_service.unit_in_reach(session, principal, unit_id)
    return unit, await session.get(DevelopmentProgram, (unit_id, year))


@dataclass(slots=True)
class _Problem:
    loc: tuple[str | int, ...]
    message: Message
    type: str


def _invalid(problems: list[_Problem]) -> ProgramLinesInvalid:
    first = problems[0]
    return ProgramLinesInvalid(
        msg(
            "{count} problem(s) in the programme's lines; the first, at {loc}: {problem}",
            count=len(problems),
            loc=".".join(str(p) for p in first.loc[1:]),
            problem=first.message,
        ),
        # Composed now, in the request's language, like the handler's own field errors.
        errors=[{"loc": list(p.loc), "msg": localise(p.message), "type": p.type} for p in problems],
    )


async def _resolve(
    session: AsyncSession, given: Sequence[ProgramLineBody], existing: dict[int, DevelopmentProgramLine]
) -> list[tuple[int | None, dict[str, Any]]]:
    """Each line's stored values (the course's title, JP and competencies where the line leaves them
    out), or 422 listing every problem with its `loc`."""
    course_ids = {line.course_id for line in given if line.course_id is not None}
    courses: dict[int, Course] = {}
    if course_ids:
        found = await session.execute(select(Course).where(Course.id.in_(course_ids)))
        courses = {c.id: c for c in found.scalars()}
    course_codes = await courses_service.competency_codes(session, list(courses))
    named = {code for line in given for code in line.competency_codes or ()}
    known: set[str] = set()
    if named:
        known = set(
            (await session.execute(select(Competency.code).where(Competency.code.in_(named)))).scalars()
        )

    problems: list[_Problem] = []
    resolved: list[tuple[int | None, dict[str, Any]]] = []
    seen_ids: set[int] = set()
    for i, line in enumerate(given):
        at: tuple[str | int, ...] = ("body", "lines", i)
        kept = None
        if line.id is not None:
            if line.id in seen_ids:
                problems.append(
                    _Problem(
                        (*at, "id"), msg("Line {line_id} is sent twice", line_id=line.id), "duplicate_line"
                    )
                )
            elif line.id not in existing:
                problems.append(
                    _Problem(
                        (*at, "id"),
                        msg(
                            "Line {line_id} is not a line of this programme; leave id out for a new line",
                            line_id=line.id,
                        ),
                        "unknown_line",
                    )
                )
            else:
                kept = existing[line.id]
            seen_ids.add(line.id)
        course = None
        if line.course_id is not None:
            course = courses.get(line.course_id)
            if course is None:
                problems.append(
                    _Problem(
                        (*at, "course_id"),
                        msg("No course with id {course_id}", course_id=line.course_id),
                        "unknown_course",
                    )
                )
            elif not course.active and not (kept is not None and kept.course_id == course.id):
                # A line already planned keeps its course even after the catalogue retires it.
                problems.append(
                    _Problem(
                        (*at, "course_id"),
                        msg(
                            "Course {course_id} is no longer offered (inactive); choose an active course",
                            course_id=course.id,
                        ),
                        "inactive_course",
                    )
                )
        title = (line.title or "").strip() or (course.title if course is not None else "")
        if not title and (line.course_id is None or course is not None):
            problems.append(_Problem((*at, "title"), msg("A line without a course needs a title"), "missing"))
        jp = line.jp if line.jp is not None else (course.jp if course is not None else None)
        if jp is None and (line.course_id is None or course is not None):
            problems.append(
                _Problem(
                    (*at, "jp"),
                    msg("A line needs jp when it has no course or its course has no fixed JP"),
                    "missing",
                )
            )
        if line.competency_codes is None:
            codes = list(course_codes.get(course.id, [])) if course is not None else []
        else:
            codes = []
            for j, code in enumerate(line.competency_codes):
                if code not in known:
                    problems.append(
                        _Problem(
                            (*at, "competency_codes", j),
                            msg("Unknown competency {code!r}; see /api/v1/competencies", code=code),
                            "unknown_competency",
                        )
                    )
                elif code in codes:
                    problems.append(
                        _Problem(
                            (*at, "competency_codes", j),
                            msg("Competency {code!r} is listed twice", code=code),
                            "duplicate_competency",
                        )
                    )
                else:
                    codes.append(code)
        resolved.append(
            (
                kept.id if kept is not None else None,
                {
                    "course_id": line.course_id,
                    "title": title,
                    "sessions": line.sessions,
                    "participants": line.participants,
                    "jp": round_jp(jp) if jp is not None else ZERO_JP,
                    "cost_idr": line.cost_idr,
                    "competency_codes": codes,
                    "source": line.source,
                    "note": line.note,
                },
            )
        )
    if problems:
        raise _invalid(problems)
    return resolved


def _snapshot(note: str | None, lines: Sequence[DevelopmentProgramLine]) -> dict[str, Any]:
    """What the audit row keeps: the note, the totals and every line."""
    sums = totals(lines)
    return {
        "note": note,
        "total_cost_idr": sums.cost_idr,
        "total_participants": sums.participants,
        "total_jp": sums.jp,
        "lines": [{"id": line.id, **_line_values(line)} for line in lines],
    }


async def _insert(session: AsyncSession, row: DevelopmentProgram) -> bool:
    """Adds `row`; False when a concurrent request created the same programme first."""
    try:
        async with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return False
    return True


async def put(
    session: AsyncSession,
    principal: Principal,
    unit_id: int,
    year: int,
    body: ProgramBody,
    if_match: str | None,
) -> tuple[Unit, DevelopmentProgram, bool]:
    """Create the unit's programme (no If-Match needed) or replace it (If-Match required); the lines
    sent are the whole programme: those with an id keep it, the others are new, the rest go."""
    unit = await org_service.unit_in_reach(session, principal, unit_id)
    row = await session.get(DevelopmentProgram, (unit_id, year))
    if row is not None:
        check_if_match(if_match, row.version)
    before_lines = await _lines(session, unit_id, year) if row is not None else []
    existing = {line.id: line for line in before_lines}
    resolved = await _resolve(session, body.lines, existing)

    if row is None:
        row = DevelopmentProgram(unit_id=unit_id, year=year, note=body.note, updated_by=principal.actor)
        if not await _insert(session, row):
            raise PreconditionRequired(
                msg(
                    "The programme of unit {unit_id} for {year} was created by another request just now; "
                    "read it and send If-Match to replace it",
                    unit_id=unit_id,
                    year=year,
                )
            )
        before = None
    else:
        unchanged = body.note == row.note and len(resolved) == len(before_lines)
        unchanged = unchanged and all(
            (given_id is None or given_id == old.id) and values == _line_values(old)
            for (given_id, values), old in zip(resolved, before_lines, strict=False)
        )
        if unchanged:
            return unit, row, False
        before = _snapshot(row.note, before_lines)
        # Set even when only the lines change: the programme's version (its ETag) counts every change.
        row.note, row.updated_by, row.updated_at = body.note, principal.actor, utcnow()

    kept = {given_id for given_id, _ in resolved if given_id is not None}
    for line in before_lines:
        if line.id not in kept:
            await session.delete(line)
    after_lines: list[DevelopmentProgramLine] = []
    for position, (given_id, values) in enumerate(resolved):
        if given_id is not None:
            line = existing[given_id]
            for field, value in values.items():
                setattr(line, field, value)
            line.position = position
        else:
            line = DevelopmentProgramLine(unit_id=unit_id, year=year, position=position, **values)
            session.add(line)
        after_lines.append(line)
    await session.flush()
    audit.record(
        session,
        principal,
        "create" if before is None else "update",
        ENTITY,
        key_of(unit_id, year),
        before=before,
        after=_snapshot(row.note, after_lines),
    )
    return unit, row, before is None


# -- several units: the province, an OPD's subtree ---------------------------------------------------------


@dataclass(slots=True)
class UnitProgram:
    unit: Unit
    lines: list[DevelopmentProgramLine]
    pagu_idr: int | None
    totals: Totals


@dataclass(slots=True)
class Programmes:
    units: list[UnitProgram]
    course_codes: dict[int, str]
    course_titles: dict[int, str]

    @property
    def totals(self) -> Totals:
        return totals(line for u in self.units for line in u.lines)

    @property
    def pagu_idr(self) -> int | None:
        pagus = [u.pagu_idr for u in self.units if u.pagu_idr is not None]
        return sum(pagus) if pagus else None


async def programmes(session: AsyncSession, year: int, root: Unit | None) -> Programmes:
    """The year's programmes of every unit under `root` (all units when None) and the units with a
    pagu but no programme, by unit name."""
    under: Any = literal(True) if root is None else Unit.path.like(root.path + "%")
    with_programme = {
        unit.id: unit
        for unit in (
            await session.execute(
                select(Unit)
                .join(DevelopmentProgram, DevelopmentProgram.unit_id == Unit.id)
                .where(DevelopmentProgram.year == year, under)
            )
        ).scalars()
    }
    pagu: dict[int, int] = {}
    units = dict(with_programme)
    for budget, unit in (
        await session.execute(
            select(UnitBudget, Unit)
            .join(Unit, Unit.id == UnitBudget.unit_id)
            .where(UnitBudget.year == year, under)
        )
    ).all():
        pagu[unit.id] = budget.pagu_idr
        units[unit.id] = unit
    lines: dict[int, list[DevelopmentProgramLine]] = defaultdict(list)
    if with_programme:
        for line in (
            await session.execute(
                select(DevelopmentProgramLine)
                .join(Unit, Unit.id == DevelopmentProgramLine.unit_id)
                .where(DevelopmentProgramLine.year == year, under)
                .order_by(
                    DevelopmentProgramLine.unit_id, DevelopmentProgramLine.position, DevelopmentProgramLine.id
                )
            )
        ).scalars():
            lines[line.unit_id].append(line)
    course_ids = {line.course_id for group in lines.values() for line in group if line.course_id is not None}
    codes: dict[int, str] = {}
    titles: dict[int, str] = {}
    if course_ids:
        for course_id, code, title in (
            await session.execute(
                select(Course.id, Course.code, Course.title).where(Course.id.in_(course_ids))
            )
        ).all():
            codes[course_id], titles[course_id] = code, title
    ordered = sorted(units.values(), key=lambda u: (u.name.lower(), u.id))
    return Programmes(
        units=[UnitProgram(u, lines[u.id], pagu.get(u.id), totals(lines[u.id])) for u in ordered],
        course_codes=codes,
        course_titles=titles,
    )


def by_course(found: Programmes) -> list[CourseTotal]:
    """The lines consolidated by catalogue course (free titles by their title), costliest first."""
    groups: dict[tuple[int, str], list[tuple[int, DevelopmentProgramLine]]] = defaultdict(list)
    for entry in found.units:
        for line in entry.lines:
            key = (line.course_id, "") if line.course_id is not None else (0, line.title.strip().casefold())
            groups[key].append((entry.unit.id, line))
    out = []
    for (course_id, _), members in groups.items():
        lines = [line for _, line in members]
        sums = totals(lines)
        out.append(
            CourseTotal(
                course_id=course_id or None,
                course_code=found.course_codes.get(course_id) if course_id else None,
                title=found.course_titles.get(course_id, lines[0].title) if course_id else lines[0].title,
                units=len({unit_id for unit_id, _ in members}),
                sessions=sum(line.sessions for line in lines),
                participants=sums.participants,
                total_jp=sums.jp,
                cost_idr=sums.cost_idr,
            )
        )
    out.sort(key=lambda c: (-c.cost_idr, c.title.casefold(), c.course_id or 0))
    return out


@dataclass(frozen=True, slots=True)
class Compliance:
    jurisdiction: str
    total_belanja_daerah_idr: int
    threshold_pct: Decimal
    required_min_idr: int
    bangkom_pagu_idr: int


async def compliance_basis(session: AsyncSession, year: int) -> Compliance | None:
    """The year's budget, threshold (the year's rules, as the budget check reads them) and required
    minimum; None when no budget is recorded for the year."""
    budget = await session.get(Budget, year)
    if budget is None:
        return None
    rules = await rules_service.rules_for_year(session, year)
    threshold: Decimal = getattr(rules.budget_min_pct, budget.jurisdiction)
    # Summed in Python: SQLite's SUM stops at 2^63.
    pagu = sum((await session.execute(select(UnitBudget.pagu_idr).where(UnitBudget.year == year))).scalars())
    return Compliance(
        jurisdiction=budget.jurisdiction,
        total_belanja_daerah_idr=budget.total_belanja_daerah_idr,
        threshold_pct=threshold,
        required_min_idr=money.required_minimum(budget.total_belanja_daerah_idr, threshold),
        bangkom_pagu_idr=pagu,
    )


def compliant(total_cost_idr: int, basis: Compliance) -> tuple[bool, int]:
    """(total ≥ required minimum, the shortfall max(0, required − total))."""
    return total_cost_idr >= basis.required_min_idr, max(0, basis.required_min_idr - total_cost_idr)


async def province(session: AsyncSession, year: int) -> ProvinceProgram:
    found = await programmes(session, year, None)
    sums = found.totals
    basis = await compliance_basis(session, year)
    figures: dict[str, Any] = dict.fromkeys(
        (
            "jurisdiction",
            "total_belanja_daerah_idr",
            "threshold_pct",
            "required_min_idr",
            "compliant",
            "shortfall_idr",
            "programme_pct",
            "bangkom_pagu_idr",
        )
    )
    if basis is not None:
        meets, shortfall = compliant(sums.cost_idr, basis)
        figures = {
            "jurisdiction": basis.jurisdiction,
            "total_belanja_daerah_idr": basis.total_belanja_daerah_idr,
            "threshold_pct": basis.threshold_pct,
            "required_min_idr": basis.required_min_idr,
            "compliant": meets,
            "shortfall_idr": shortfall,
            "programme_pct": money.percent(sums.cost_idr, basis.total_belanja_daerah_idr),
            "bangkom_pagu_idr": basis.bangkom_pagu_idr,
        }
    units = [
        ProvinceUnit(
            unit_id=entry.unit.id,
            code=entry.unit.code,
            name=entry.unit.name,
            lines=[line_read(line) for line in entry.lines],
            total_cost_idr=entry.totals.cost_idr,
            total_participants=entry.totals.participants,
            total_jp=entry.totals.jp,
            pagu_idr=entry.pagu_idr,
            within_pagu=_pagu_figures(entry.totals.cost_idr, entry.pagu_idr)[0],
        )
        for entry in found.units
    ]
    return ProvinceProgram(
        year=year,
        total_cost_idr=sums.cost_idr,
        total_participants=sums.participants,
        total_jp=sums.jp,
        units=units,
        by_course=by_course(found),
        **figures,
    )
