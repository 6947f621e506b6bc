"""Looking competencies up by code: shared by standards, assessments, the catalogue and learning records."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.competencies.models import Competency
from app.core.errors import NotFound, Unprocessable
from app.core.i18n import msg


def dictionary_order(code: str, group: str) -> tuple[int, int, str]:
    """The dictionary's reading order: manajerial M1..M8, sosial kultural, then teknis ("M10" after "M9")."""
    return {"manajerial": 0, "sosial_kultural": 1}.get(group, 2), len(code), code


class CompetencyNotFound(NotFound):
    code = "competency_not_found"


class UnknownCompetency(Unprocessable):
    code = "unknown_competency"


class DuplicateCompetency(Unprocessable):
    """One competency named twice in a list that may hold each once (a standard, an assessment)."""

    code = "duplicate_competency"


async def get_competency(session: AsyncSession, code: str) -> Competency:
    found = await session.get(Competency, code)
    if found is None:
        raise CompetencyNotFound(
            msg("No competency with code {code!r}; see /api/v1/competencies", code=code[:20])
        )
    return found


async def require_codes(
    session: AsyncSession, codes: Iterable[str], *, field: str = "competency_code", active_only: bool = False
) -> dict[str, Competency]:
    """The competencies named, or 422 `unknown_competency` listing every code the dictionary lacks."""
    wanted = set(codes)
    if not wanted:
        return {}
    rows = (await session.execute(select(Competency).where(Competency.code.in_(wanted)))).scalars()
    found = {c.code: c for c in rows if c.active or not active_only}
    missing = sorted(wanted - found.keys())
    if missing:
        raise UnknownCompetency(
            msg(
                "Unknown {field}: {codes}; see /api/v1/competencies",
                field=field,
                codes=", ".join(m[:20] for m in missing[:20]),
            ),
            codes=missing[:50],
        )
    return found
