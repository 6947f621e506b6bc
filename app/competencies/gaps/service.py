"""One ASN's competency gaps and Job Person Match (docs/domain.md, Competency standards)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.competencies.gaps.schemas import CompetencyGaps, GapItem
from app.competencies.models import Competency, CompetencyLevel, PositionStandard
from app.competencies.standards.lookup import dictionary_order
from app.core.types import round2
from app.rules import service as rules_service
from app.rules.schemas import JpmBand, JpmGroupWeight, JpmMethod

HUNDRED = Decimal(100)


def _ratio(items: list[GapItem], method: JpmMethod) -> Decimal:
    """The unrounded JPM of `items` (each with an actual level)."""
    required = Decimal(sum(i.required_level for i in items))
    if method == "sum_ratio":
        return min(HUNDRED, HUNDRED * sum(i.actual_level or 0 for i in items) / required)
    # capped: a level above the standard counts as the standard, so a surplus hides no shortfall
    return HUNDRED * sum(min(i.actual_level or 0, i.required_level) for i in items) / required


def jpm(items: list[GapItem], method: JpmMethod, weights: list[JpmGroupWeight]) -> Decimal:
    """The Job Person Match of a complete standard, half-up to 2 decimals (exact: no float on the way).
    With group weights, each part's JPM weighs its share; parts the standard lacks are left out."""
    if not weights:
        return round2(_ratio(items, method))
    parts = [(entry.weight, [i for i in items if i.group in entry.groups]) for entry in weights]
    present = [(weight, part) for weight, part in parts if part]
    total = sum((weight for weight, _ in present), Decimal(0))
    weighted = sum((weight * _ratio(part, method) for weight, part in present), Decimal(0))
    return round2(weighted / total)


def category(value: Decimal, bands: list[JpmBand]) -> str | None:
    """The first band (ordered from the highest min down) whose min ≤ value."""
    for band in bands:
        if band.min <= value:
            return band.label
    return None


async def competency_gaps(session: AsyncSession, asn: Asn, year: int) -> CompetencyGaps:
    """The ASN's standard, latest levels and JPM; `asn` is already checked to be in the caller's scope."""
    rows = (
        await session.execute(
            select(
                PositionStandard.competency_code,
                PositionStandard.required_level,
                Competency.name,
                Competency.group,
                CompetencyLevel.level,
                CompetencyLevel.assessed_on,
            )
            .join(Competency, Competency.code == PositionStandard.competency_code)
            .outerjoin(
                CompetencyLevel,
                and_(
                    CompetencyLevel.nip == asn.nip,
                    CompetencyLevel.competency_code == PositionStandard.competency_code,
                ),
            )
            .where(PositionStandard.position_id == asn.position_id)
        )
    ).all()
    items = [
        GapItem(
            competency_code=code,
            name=name,
            group=group,
            required_level=required,
            actual_level=actual,
            gap=None if actual is None else actual - required,
            assessed_on=None if assessed_on is None else assessed_on.isoformat(),
        )
        for code, required, name, group, actual, assessed_on in sorted(
            rows, key=lambda r: dictionary_order(r[0], r[3])
        )
    ]
    missing = [i.competency_code for i in items if i.actual_level is None]
    value: Decimal | None = None
    label: str | None = None
    if items and not missing:
        rules = await rules_service.rules_for_year(session, year)
        value = jpm(items, rules.jpm_method, rules.jpm_group_weights)
        label = category(value, rules.jpm_bands)
    return CompetencyGaps(
        nip=asn.nip,
        position_id=asn.position_id,
        year=year,
        items=items,
        jpm=value,
        ikk=None if value is None else HUNDRED - value,
        jpm_category=label,
        missing=missing,
    )
