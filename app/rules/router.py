from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response

from app.auth.dependencies import ANY_USER, allow
from app.core.concurrency import IfMatchHeader, etag
from app.core.db import SessionDep
from app.core.errors import Unprocessable, problem_responses
from app.core.i18n import msg
from app.core.idempotency import Created, IdempotencyDep
from app.core.security import Principal, Role
from app.rules import service
from app.rules.schemas import RuleSetBody, RuleSetCopy, RuleSetRead

router = APIRouter(prefix="/rules", tags=["reference"])

Year = Annotated[int, Path(ge=2000, le=2100, description="Calendar year", examples=[2026])]


@router.get(
    "/{year}",
    response_model=RuleSetRead,
    responses=problem_responses(404),
)
async def rules_get(
    year: Year,
    session: SessionDep,
    _: Annotated[Principal, Depends(allow(*ANY_USER, scope="reference:read"))],
    response: Response,
) -> RuleSetRead:
    """The rule set in force for a year (JP minutes, minimum and cap, budget %, JPM bands, form rules)."""
    row = await service.applicable(session, year)
    if row.year == year:
        response.headers["ETag"] = etag(row.version)
    return service.to_read(row, year)


@router.put(
    "/{year}",
    response_model=RuleSetRead,
    responses={
        201: {"description": "Created the year's own rule set", "model": RuleSetRead},
    },
)
async def rules_put(
    year: Year,
    body: RuleSetBody,
    session: SessionDep,
    principal: Annotated[Principal, Depends(allow(Role.bpsdm_admin))],
    response: Response,
    if_match: IfMatchHeader = None,
) -> RuleSetRead:
    """Set the year's own rule set (replacing one needs If-Match)."""
    row, created = await service.replace(session, principal, year, body, if_match)
    response.status_code = 201 if created else 200
    response.headers["ETag"] = etag(row.version)
    return service.to_read(row, year)


class SameYear(Unprocessable):
    code = "same_year"


@router.post(
    "/{year}/copy",
    status_code=201,
    response_model=RuleSetRead,
    responses={
        200: {"description": "Replaced the year's own rule set with the copy", "model": RuleSetRead},
        **problem_responses(404, 409),
    },
)
async def rules_copy(
    year: Year,
    body: RuleSetCopy,
    session: SessionDep,
    principal: Annotated[Principal, Depends(allow(Role.bpsdm_admin))],
    idem: IdempotencyDep,
    if_match: IfMatchHeader = None,
) -> Response:
    """Give a year its own copy of another year's rule set."""
    if body.from_year == year:
        raise SameYear(msg("Copying {year} onto itself changes nothing; choose another from_year", year=year))

    async def copy() -> Created:
        row, created = await service.copy(
            session, principal, year, body.from_year, replace_existing=body.replace, if_match=if_match
        )
        return Created(
            service.to_read(row, year),
            f"/api/v1/rules/{year}",
            version=row.version,
            status_code=201 if created else 200,
        )

    return await idem.once(copy)
