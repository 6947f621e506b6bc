"""Assessments: an ASN's competency ratings as history, and the latest level per competency they give."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn import service as asn_service
from app.asn.models import Asn
from app.competencies.assessments.schemas import AssessmentCreate, AssessmentRead, ResultRead
from app.competencies.models import Assessment, AssessmentResult, Competency, CompetencyLevel
from app.competencies.standards import lookup, standings
from app.core import audit
from app.core.db import upsert_insert
from app.core.errors import NotFound, Unprocessable
from app.core.i18n import msg
from app.core.locks import advisory_xact_lock
from app.core.pagination import PageParams, paginate
from app.core.security import Principal
from app.core.types import latest_indonesian_date, utcnow

EARLIEST = date(1990, 1, 1)
AUDIT_FIELDS = ("nip", "assessed_on", "method", "assessor", "note")


class AssessmentNotFound(NotFound):
    code = "assessment_not_found"


class InvalidAssessmentDate(Unprocessable):
    code = "invalid_assessment_date"


async def _lock_asn(session: AsyncSession, nip: str) -> None:
    """Serialise writers of one ASN's assessments: ids then follow the order levels are applied in."""
    await advisory_xact_lock(session, f"assessments:{nip}")


def _check(data: AssessmentCreate, today: date) -> None:
    if data.assessed_on > today:
        raise InvalidAssessmentDate(
            msg(
                "assessed_on {date} is in the future; record an assessment once it took place",
                date=data.assessed_on.isoformat(),
            )
        )
    if data.assessed_on < EARLIEST:
        raise InvalidAssessmentDate(
            msg("assessed_on must be on or after {earliest}", earliest=EARLIEST.isoformat())
        )
    counts = Counter(r.competency_code for r in data.results)
    twice = sorted(code for code, n in counts.items() if n > 1)
    if twice:
        raise lookup.DuplicateCompetency(
            msg(
                "An assessment rates each competency once; listed more than once: {codes}",
                codes=", ".join(twice[:20]),
            ),
            codes=twice[:50],
        )


async def create(
    session: AsyncSession,
    principal: Principal,
    asn: Asn,
    data: AssessmentCreate,
    *,
    today: date | None = None,
) -> AssessmentRead:
    """Record an assessment and move the ASN's current levels where it is the most recent rating."""
    _check(data, today or latest_indonesian_date())
    await lookup.require_codes(session, [r.competency_code for r in data.results])
    await _lock_asn(session, asn.nip)
    assessment = Assessment(
        nip=asn.nip,
        assessed_on=data.assessed_on,
        method=data.method,
        assessor=data.assessor,
        note=data.note or None,
        created_by=principal.actor,
        created_at=utcnow(),
    )
    session.add(assessment)
    await session.flush()
    results = {r.competency_code: r.level for r in data.results}
    session.add_all(
        AssessmentResult(assessment_id=assessment.id, competency_code=code, level=level)
        for code, level in results.items()
    )
    await session.flush()
    await _apply_levels(session, assessment, results)
    await standings.refresh(session, standings.nips([asn.nip]))
    read = await to_read(session, assessment)
    audit.record(
        session,
        principal,
        "create",
        "assessment",
        assessment.id,
        after=audit.snapshot(assessment, AUDIT_FIELDS) | {"results": [r.model_dump() for r in read.results]},
    )
    return read


async def _apply_levels(session: AsyncSession, assessment: Assessment, results: dict[str, int]) -> None:
    """One upsert: a level is replaced only by a rating at least as recent (same day: recorded later)."""
    stmt = upsert_insert(session)(CompetencyLevel)
    current = CompetencyLevel
    newer = or_(
        stmt.excluded.assessed_on > current.assessed_on,
        and_(
            stmt.excluded.assessed_on == current.assessed_on,
            stmt.excluded.assessment_id > current.assessment_id,
        ),
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=[current.nip, current.competency_code],
        set_={
            "level": stmt.excluded.level,
            "assessed_on": stmt.excluded.assessed_on,
            "assessment_id": stmt.excluded.assessment_id,
        },
        where=newer,
    )
    rows = [
        {
            "nip": assessment.nip,
            "competency_code": code,
            "level": level,
            "assessed_on": assessment.assessed_on,
            "assessment_id": assessment.id,
        }
        for code, level in sorted(results.items())
    ]
    await session.execute(stmt, rows)


# -- reading --------------------------------------------------------------------------------------


async def _results(session: AsyncSession, ids: Sequence[int]) -> dict[int, list[ResultRead]]:
    out: dict[int, list[ResultRead]] = {i: [] for i in ids}
    if not ids:
        return out
    rows = (
        await session.execute(
            select(
                AssessmentResult.assessment_id,
                AssessmentResult.competency_code,
                AssessmentResult.level,
                Competency.group,
            )
            .join(Competency, Competency.code == AssessmentResult.competency_code)
            .where(AssessmentResult.assessment_id.in_(list(ids)))
        )
    ).all()
    for assessment_id, code, level, _group in sorted(
        rows, key=lambda r: (r[0], *lookup.dictionary_order(r[1], r[3]))
    ):
        out[assessment_id].append(ResultRead(competency_code=code, level=level))
    return out


def _read(assessment: Assessment, results: list[ResultRead]) -> AssessmentRead:
    return AssessmentRead(
        id=assessment.id,
        nip=assessment.nip,
        assessed_on=assessment.assessed_on,
        method=assessment.method,
        assessor=assessment.assessor,
        note=assessment.note,
        results=results,
        created_by=assessment.created_by,
        created_at=assessment.created_at,
    )


async def to_read(session: AsyncSession, assessment: Assessment) -> AssessmentRead:
    return _read(assessment, (await _results(session, [assessment.id]))[assessment.id])


async def read_many(session: AsyncSession, found: Sequence[Assessment]) -> list[AssessmentRead]:
    """A batch of assessments with their results, in two queries whatever the batch."""
    results = await _results(session, [a.id for a in found])
    return [_read(a, results[a.id]) for a in found]


async def get_in_scope(session: AsyncSession, principal: Principal, assessment_id: int) -> Assessment:
    stmt = select(Assessment).where(Assessment.id == assessment_id)
    condition = asn_service.scope_condition(principal)
    if condition is not None:
        stmt = stmt.where(Assessment.nip.in_(select(Asn.nip).where(condition)))
    found = (await session.execute(stmt)).scalar_one_or_none()
    if found is None:
        raise AssessmentNotFound(
            msg("No assessment {assessment_id} in your scope", assessment_id=assessment_id)
        )
    return found


async def list_for(
    session: AsyncSession, nip: str, page: PageParams
) -> tuple[list[AssessmentRead], str | None, int]:
    """An ASN's assessments, newest first (by assessed_on, then the one recorded last)."""
    rows, next_cursor, total = await paginate(
        session,
        select(Assessment).where(Assessment.nip == nip),
        [Assessment.assessed_on, Assessment.id],
        page,
        descending=True,
    )
    return await read_many(session, rows), next_cursor, total
