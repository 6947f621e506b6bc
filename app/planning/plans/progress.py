"""Which items of a plan are done: matched to the ASN's verified learning records of the plan's year.

An item is closed by a record that came from its course (the record a nomination for one of the
course's sessions created, or a record whose title folds to the course's), or by a record that
develops the item's competency in the item's form. Each record closes one item at most: items are
taken in their order, each by the earliest record (end date, then id) still free that matches it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.competencies.models import Course
from app.learning.models import VERIFIED, LearningRecord
from app.learning.service import title_key
from app.planning.models import CourseSession, DevelopmentPlanItem, Nomination


@dataclass(frozen=True, slots=True)
class _Record:
    id: int
    title_key: str
    form_code: str
    competency_codes: frozenset[str]
    course_id: int | None  # the course whose session's nomination created it


async def closing_records(
    session: AsyncSession, nip: str, year: int, items: Sequence[DevelopmentPlanItem]
) -> list[int | None]:
    """Per item (in the order given), the id of the verified record that closes it, or None."""
    if not items:
        return []
    rows = (
        await session.execute(
            select(
                LearningRecord.id,
                LearningRecord.title_key,
                LearningRecord.form_code,
                LearningRecord.competency_codes,
            )
            .where(LearningRecord.nip == nip, LearningRecord.year == year, LearningRecord.status == VERIFIED)
            .order_by(LearningRecord.end_date, LearningRecord.id)
        )
    ).all()
    if not rows:
        return [None] * len(items)
    nominated = dict(
        (
            await session.execute(
                select(Nomination.record_id, CourseSession.course_id)
                .join(CourseSession, CourseSession.id == Nomination.session_id)
                .where(Nomination.nip == nip, Nomination.record_id.in_([r[0] for r in rows]))
            )
        ).all()
    )
    records = [
        _Record(rid, key, form, frozenset(codes or ()), nominated.get(rid)) for rid, key, form, codes in rows
    ]
    course_ids = {item.course_id for item in items if item.course_id is not None}
    course_keys: dict[int, str] = {}
    if course_ids:
        titles = await session.execute(select(Course.id, Course.title).where(Course.id.in_(course_ids)))
        course_keys = {cid: title_key(title) for cid, title in titles.all()}
    used: set[int] = set()
    out: list[int | None] = []
    for item in items:
        found = next(
            (r.id for r in records if r.id not in used and _closes(r, item, course_keys)),
            None,
        )
        if found is not None:
            used.add(found)
        out.append(found)
    return out


def _closes(record: _Record, item: DevelopmentPlanItem, course_keys: dict[int, str]) -> bool:
    if item.course_id is not None:
        if record.course_id == item.course_id:
            return True
        key = course_keys.get(item.course_id)
        if key and record.title_key == key:
            return True
    return (
        item.competency_code is not None
        and item.competency_code in record.competency_codes
        and record.form_code == item.form_code
    )
