"""Individual development plans (IDP): proposed from the competency gaps, edited by the ASN (or an
admin on their behalf), submitted, and approved or returned by the OPD admin standing for the atasan.

States: draft → submitted → approved | returned; a returned plan is edited (it stays returned) and
submitted again. Every step writes a history event with the items as they were, and an audit row.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.competencies.models import Competency, Course
from app.core import audit
from app.core.concurrency import check_if_match
from app.core.errors import Conflict, Forbidden, NotFound, Unprocessable
from app.core.i18n import current_language, localise, msg
from app.core.security import Principal
from app.core.types import latest_indonesian_date, round_jp, utcnow
from app.learning.plan.service import development_plan
from app.org import service as org_service
from app.org.models import Unit
from app.planning.models import (
    APPROVED,
    DRAFT,
    RETURNED,
    SUBMITTED,
    DevelopmentPlan,
    DevelopmentPlanEvent,
    DevelopmentPlanItem,
)
from app.planning.plans import notices
from app.planning.plans.progress import closing_records
from app.planning.plans.schemas import (
    MAX_ITEMS,
    PlanCreate,
    PlanDecision,
    PlanEventRead,
    PlanHistory,
    PlanItemIn,
    PlanItemRead,
    PlanItemSnapshot,
    PlanItemsPut,
    PlanRead,
    PlanSummary,
)
from app.reference.forms import is_form_code

ENTITY = "development_plan"
EDITABLE = (DRAFT, RETURNED)
ZERO = Decimal("0.00")
# A proposed item without a catalogue course: guidance on the job (SIASN form 24, Bimbingan di Tempat
# Kerja), the usual answer to a gap no course addresses; its JP is a starting value the ASN adjusts.
FREE_ITEM_FORM = "24"
FREE_ITEM_JP = Decimal("10.00")
MAX_PLANNED_JP = Decimal("2000")
ITEM_FIELDS = (
    "competency_code",
    "course_id",
    "title",
    "form_code",
    "planned_jp",
    "planned_quarter",
    "estimated_cost_idr",
    "reason",
)


class DevelopmentPlanNotFound(NotFound):
    code = "development_plan_not_found"


class DevelopmentPlanExists(Conflict):
    code = "development_plan_exists"


class DevelopmentPlanNotEditable(Conflict):
    code = "development_plan_not_editable"


class DevelopmentPlanNotSubmitted(Conflict):
    code = "development_plan_not_submitted"


class DevelopmentPlanEmpty(Unprocessable):
    code = "development_plan_empty"


class DevelopmentPlanYearOutOfRange(Unprocessable):
    code = "development_plan_year_out_of_range"


class DecisionNoteRequired(Unprocessable):
    code = "decision_note_required"


class InvalidPlanItems(Unprocessable):
    code = "invalid_plan_items"


class SelfDecision(Forbidden):
    code = "self_approval"


def plan_key(nip: str, year: int) -> str:
    return f"{nip}/{year}"


# -- reading ----------------------------------------------------------------------------------------


async def find(session: AsyncSession, nip: str, year: int) -> DevelopmentPlan | None:
    stmt = select(DevelopmentPlan).where(DevelopmentPlan.nip == nip, DevelopmentPlan.year == year)
    return (await session.execute(stmt)).scalar_one_or_none()


async def require(session: AsyncSession, nip: str, year: int) -> DevelopmentPlan:
    plan = await find(session, nip, year)
    if plan is None:
        raise DevelopmentPlanNotFound(
            msg("{nip} has no development plan for {year} yet", nip=nip[:18], year=year)
        )
    return plan


async def items_of(session: AsyncSession, plan_id: int) -> list[DevelopmentPlanItem]:
    rows = await session.execute(
        select(DevelopmentPlanItem)
        .where(DevelopmentPlanItem.plan_id == plan_id)
        .order_by(DevelopmentPlanItem.position)
    )
    return list(rows.scalars())


def snapshot(items: Sequence[DevelopmentPlanItem]) -> list[dict[str, Any]]:
    """The items as stored in an event (JP as text: never a float)."""
    return [
        {f: getattr(item, f) for f in ITEM_FIELDS} | {"planned_jp": str(item.planned_jp)} for item in items
    ]


async def to_read(
    session: AsyncSession, plan: DevelopmentPlan, items: Sequence[DevelopmentPlanItem]
) -> PlanRead:
    closed = await closing_records(session, plan.nip, plan.year, items)
    read_items = [
        PlanItemRead(
            **{f: getattr(item, f) for f in ITEM_FIELDS},
            done=record_id is not None,
            record_id=record_id,
        )
        for item, record_id in zip(items, closed, strict=True)
    ]
    planned = round_jp(sum((i.planned_jp for i in items), ZERO))
    done = round_jp(sum((i.planned_jp for i in read_items if i.done), ZERO))
    return PlanRead(
        nip=plan.nip,
        year=plan.year,
        unit_id=plan.unit_id,
        status=plan.status,
        items=read_items,
        planned_jp=planned,
        done_jp=done,
        estimated_cost_idr=sum(i.estimated_cost_idr for i in items),
        created_by=plan.created_by,
        created_at=plan.created_at,
        submitted_at=plan.submitted_at,
        decided_by=plan.decided_by,
        decided_at=plan.decided_at,
        decision_note=plan.decision_note,
        updated_at=plan.updated_at,
    )


async def history(session: AsyncSession, plan: DevelopmentPlan) -> PlanHistory:
    rows = await session.execute(
        select(DevelopmentPlanEvent)
        .where(DevelopmentPlanEvent.plan_id == plan.id)
        .order_by(DevelopmentPlanEvent.at, DevelopmentPlanEvent.id)
    )
    events = [
        PlanEventRead(
            at=e.at,
            actor=e.actor,
            role=e.role,
            action=e.action,
            from_status=e.from_status,
            to_status=e.to_status,
            note=e.note,
            items=[PlanItemSnapshot.model_validate(i) for i in e.items or []],
        )
        for e in rows.scalars()
    ]
    return PlanHistory(nip=plan.nip, year=plan.year, events=events)


# -- the list (the approval queue) ---------------------------------------------------------------------


def list_query(
    principal: Principal, root: Unit | None, *, year: int | None, status: str | None, q: str | None
) -> Select[DevelopmentPlan]:
    """Plans of the ASN in the caller's units (the ASN's current unit decides, as for reading one)."""
    stmt = select(DevelopmentPlan).join(Asn, Asn.nip == DevelopmentPlan.nip)
    condition = org_service.unit_scope_condition(principal, Asn.unit_id)
    if condition is not None:
        stmt = stmt.where(condition)
    if root is not None:
        stmt = stmt.where(Asn.unit_id.in_(org_service.subtree_ids(root.id)))
    if year is not None:
        stmt = stmt.where(DevelopmentPlan.year == year)
    if status is not None:
        stmt = stmt.where(DevelopmentPlan.status == status)
    if q and q.strip():
        needle = q.strip()
        stmt = stmt.where(
            or_(
                Asn.nip.startswith(needle, autoescape=True),
                func.lower(Asn.name).contains(needle.lower(), autoescape=True),
            )
        )
    return stmt


async def summaries(session: AsyncSession, plans: Sequence[DevelopmentPlan]) -> list[PlanSummary]:
    if not plans:
        return []
    people = {
        nip: (name, unit_id, unit)
        for nip, name, unit_id, unit in (
            await session.execute(
                select(Asn.nip, Asn.name, Asn.unit_id, Unit.name)
                .join(Unit, Unit.id == Asn.unit_id)
                .where(Asn.nip.in_({p.nip for p in plans}))
            )
        ).all()
    }
    totals: dict[int, list[tuple[Decimal, int]]] = defaultdict(list)
    rows = await session.execute(
        select(
            DevelopmentPlanItem.plan_id,
            DevelopmentPlanItem.planned_jp,
            DevelopmentPlanItem.estimated_cost_idr,
        ).where(DevelopmentPlanItem.plan_id.in_([p.id for p in plans]))
    )
    for plan_id, jp, cost in rows.all():
        totals[plan_id].append((jp, cost))
    out = []
    for plan in plans:
        name, unit_id, unit = people[plan.nip]
        lines = totals.get(plan.id, [])
        out.append(
            PlanSummary(
                nip=plan.nip,
                name=name,
                unit_id=unit_id,
                unit=unit,
                year=plan.year,
                status=plan.status,
                item_count=len(lines),
                planned_jp=round_jp(sum((jp for jp, _ in lines), ZERO)),
                estimated_cost_idr=sum(cost for _, cost in lines),
                submitted_at=plan.submitted_at,
                updated_at=plan.updated_at,
            )
        )
    return out


# -- items ----------------------------------------------------------------------------------------------


def _quarter(day: date) -> int:
    return (day.month - 1) // 3 + 1


def default_quarter(year: int, today: date) -> int:
    """The next quarter of the current year (the last one at the latest); the first of a later year."""
    if year > today.year:
        return 1
    if year < today.year:
        return 4
    return min(4, _quarter(today) + 1)


async def propose(session: AsyncSession, asn: Asn, year: int, today: date) -> list[dict[str, Any]]:
    """One item per negative gap, largest first: its first offered course not yet in the plan, or a
    free item for the competency when the catalogue offers none."""
    plan = await development_plan(session, asn, year, today)
    used: set[int] = set()
    out: list[dict[str, Any]] = []
    for gap in plan.items[:MAX_ITEMS]:
        reason = f"Kesenjangan {gap.competency_code}: level {gap.actual_level} dari {gap.required_level}"
        course = next((c for c in gap.courses if c.id not in used), None)
        if course is None:
            out.append(
                {
                    "competency_code": gap.competency_code,
                    "course_id": None,
                    "title": gap.name[:300],
                    "form_code": FREE_ITEM_FORM,
                    "planned_jp": FREE_ITEM_JP,
                    "planned_quarter": default_quarter(year, today),
                    "estimated_cost_idr": 0,
                    "reason": reason,
                }
            )
            continue
        used.add(course.id)
        jp = course.jp if course.jp is not None and ZERO < course.jp <= MAX_PLANNED_JP else FREE_ITEM_JP
        starts = course.starts_on
        out.append(
            {
                "competency_code": gap.competency_code,
                "course_id": course.id,
                "title": course.title,
                "form_code": course.form_code,
                "planned_jp": round_jp(jp),
                "planned_quarter": _quarter(starts)
                if starts is not None and starts.year == year
                else default_quarter(year, today),
                "estimated_cost_idr": 0,
                "reason": reason,
            }
        )
    return out


def _error(index: int, field: str, problem: str, kind: str) -> dict[str, Any]:
    return {
        "loc": ["body", "items", index, field],
        "msg": str(localise(problem, current_language())),
        "type": kind,
        "problem": problem,
    }


async def resolve(session: AsyncSession, items: Sequence[PlanItemIn]) -> list[dict[str, Any]]:
    """The items as stored: references checked, defaults filled from the course or competency.
    Every problem is reported at once, each with its `loc` (422 `invalid_plan_items`)."""
    codes = {i.competency_code for i in items if i.competency_code is not None}
    course_ids = {i.course_id for i in items if i.course_id is not None}
    competencies = (
        {
            c.code: c
            for c in (await session.execute(select(Competency).where(Competency.code.in_(codes)))).scalars()
        }
        if codes
        else {}
    )
    courses = (
        {c.id: c for c in (await session.execute(select(Course).where(Course.id.in_(course_ids)))).scalars()}
        if course_ids
        else {}
    )
    errors: list[dict[str, Any]] = []
    out: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        competency = competencies.get(item.competency_code) if item.competency_code else None
        course = courses.get(item.course_id) if item.course_id is not None else None
        if item.competency_code is not None and competency is None:
            problem = msg(
                "no competency with code {code}; see /api/v1/competencies", code=item.competency_code
            )
            errors.append(_error(index, "competency_code", problem, "unknown_competency"))
        if item.course_id is not None and course is None:
            problem = msg("no course with id {id}; see /api/v1/courses", id=item.course_id)
            errors.append(_error(index, "course_id", problem, "unknown_course"))
        form_code = item.form_code or (course.form_code if course is not None else None)
        if form_code is None:
            if item.course_id is None:
                problem = msg("give form_code for an item without a course")
                errors.append(_error(index, "form_code", problem, "missing"))
        elif not is_form_code(form_code):
            problem = msg("form_code {code} is unknown; see /api/v1/reference/learning_forms", code=form_code)
            errors.append(_error(index, "form_code", problem, "unknown_form_code"))
        title = item.title or (
            course.title if course is not None else competency.name if competency is not None else None
        )
        if title is None and item.course_id is None and item.competency_code is None:
            problem = msg("give a course_id, a competency_code or a title")
            errors.append(_error(index, "title", problem, "missing"))
        out.append(
            {
                "competency_code": item.competency_code,
                "course_id": item.course_id,
                "title": (title or "")[:300],
                "form_code": form_code or "",
                "planned_jp": round_jp(item.planned_jp),
                "planned_quarter": item.planned_quarter,
                "estimated_cost_idr": item.estimated_cost_idr,
                "reason": item.reason or None,
            }
        )
    if errors:
        first = errors[0]
        field = ".".join(str(p) for p in first["loc"][1:])
        raise InvalidPlanItems(
            msg("{field}: {problem}", field=field, problem=first["problem"]),
            errors=[{k: v for k, v in e.items() if k != "problem"} for e in errors],
        )
    return out


async def _store_items(
    session: AsyncSession, plan: DevelopmentPlan, rows: Sequence[dict[str, Any]]
) -> list[DevelopmentPlanItem]:
    await session.execute(delete(DevelopmentPlanItem).where(DevelopmentPlanItem.plan_id == plan.id))
    items = [DevelopmentPlanItem(plan_id=plan.id, position=n, **row) for n, row in enumerate(rows, start=1)]
    session.add_all(items)
    await session.flush()
    return items


def _event(
    session: AsyncSession,
    principal: Principal,
    plan: DevelopmentPlan,
    action: str,
    from_status: str | None,
    items: Sequence[DevelopmentPlanItem],
    note: str | None = None,
) -> None:
    session.add(
        DevelopmentPlanEvent(
            plan_id=plan.id,
            at=utcnow(),
            actor=principal.actor,
            role=principal.role.value,
            action=action,
            from_status=from_status,
            to_status=plan.status,
            note=note,
            items=snapshot(items),
        )
    )


def _state(plan: DevelopmentPlan, items: Sequence[DevelopmentPlanItem]) -> dict[str, Any]:
    return {"status": plan.status, "unit_id": plan.unit_id, "version": plan.version, "items": snapshot(items)}


# -- writing ----------------------------------------------------------------------------------------------


async def create(
    session: AsyncSession, principal: Principal, asn: Asn, year: int, body: PlanCreate | None
) -> tuple[DevelopmentPlan, list[DevelopmentPlanItem]]:
    today = latest_indonesian_date()
    if year > today.year + 1:
        raise DevelopmentPlanYearOutOfRange(
            msg("A development plan can be made for {latest} at the latest", latest=today.year + 1),
            latest=today.year + 1,
        )
    if await find(session, asn.nip, year) is not None:
        raise DevelopmentPlanExists(
            msg("{nip} already has a development plan for {year}; edit it instead", nip=asn.nip, year=year)
        )
    if body is not None and body.items is not None:
        rows = await resolve(session, body.items)
    else:
        rows = await propose(session, asn, year, today)
    plan = DevelopmentPlan(
        nip=asn.nip, year=year, unit_id=asn.unit_id, status=DRAFT, created_by=principal.actor
    )
    session.add(plan)
    await session.flush()
    items = await _store_items(session, plan, rows)
    _event(session, principal, plan, "created", None, items)
    audit.record(session, principal, "create", ENTITY, plan_key(asn.nip, year), after=_state(plan, items))
    return plan, items


def _refuse_unless_editable(plan: DevelopmentPlan) -> None:
    if plan.status not in EDITABLE:
        raise DevelopmentPlanNotEditable(
            msg(
                "The development plan is {status}; only a draft or returned plan can be changed",
                status=plan.status,
            ),
            plan_status=plan.status,
        )


async def replace_items(
    session: AsyncSession,
    principal: Principal,
    plan: DevelopmentPlan,
    body: PlanItemsPut,
    if_match: str | None,
) -> list[DevelopmentPlanItem]:
    """Replace the items of a draft or returned plan (a returned plan stays returned until submitted)."""
    check_if_match(if_match, plan.version)
    _refuse_unless_editable(plan)
    rows = await resolve(session, body.items)
    before = _state(plan, await items_of(session, plan.id))
    items = await _store_items(session, plan, rows)
    plan.updated_at = utcnow()  # a new version (ETag) even when only the items changed
    await session.flush()
    _event(session, principal, plan, "edited", plan.status, items)
    audit.record(
        session,
        principal,
        "update",
        ENTITY,
        plan_key(plan.nip, plan.year),
        before=before,
        after=_state(plan, items),
    )
    return items


async def submit(
    session: AsyncSession, principal: Principal, asn: Asn, plan: DevelopmentPlan
) -> list[DevelopmentPlanItem]:
    _refuse_unless_editable(plan)
    items = await items_of(session, plan.id)
    if not items:
        raise DevelopmentPlanEmpty("The development plan has no items; add at least one before submitting it")
    before = _state(plan, items)
    was = plan.status
    plan.status, plan.submitted_at, plan.unit_id = SUBMITTED, utcnow(), asn.unit_id
    await session.flush()
    _event(session, principal, plan, "submitted", was, items)
    audit.record(
        session,
        principal,
        "submit",
        ENTITY,
        plan_key(plan.nip, plan.year),
        before=before,
        after=_state(plan, items),
    )
    jp = round_jp(sum((i.planned_jp for i in items), ZERO))
    await notices.plan_submitted(session, plan, asn, len(items), jp, principal.user_id)
    return items


async def decide(
    session: AsyncSession,
    principal: Principal,
    asn: Asn,
    plan: DevelopmentPlan,
    body: PlanDecision,
) -> list[DevelopmentPlanItem]:
    if plan.status != SUBMITTED:
        raise DevelopmentPlanNotSubmitted(
            msg("The development plan is {status}; only a submitted plan can be decided", status=plan.status),
            plan_status=plan.status,
        )
    if principal.nip is not None and principal.nip == plan.nip:
        raise SelfDecision("You cannot decide your own development plan; another admin must decide it")
    note = (body.note or "").strip() or None
    if body.decision == "return" and note is None:
        raise DecisionNoteRequired("Say in the note what to change when returning a plan")
    items = await items_of(session, plan.id)
    before = _state(plan, items)
    plan.status = APPROVED if body.decision == "approve" else RETURNED
    plan.decided_by, plan.decided_at, plan.decision_note = principal.actor, utcnow(), note
    plan.unit_id = asn.unit_id
    await session.flush()
    _event(session, principal, plan, plan.status, SUBMITTED, items, note)
    audit.record(
        session,
        principal,
        "approve" if plan.status == APPROVED else "return",
        ENTITY,
        plan_key(plan.nip, plan.year),
        before=before,
        after=_state(plan, items),
    )
    await notices.plan_decided(session, plan)
    return items
