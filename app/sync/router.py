"""SIMPEG integration routes: the bulk ASN upsert and the change feed."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from app.auth.dependencies import InsufficientRights, allow, authorize, oauth2_scheme, principal_from_token
from app.core.db import SessionDep
from app.core.errors import problem_responses
from app.core.i18n import code_title, localise
from app.core.idempotency import IdempotencyDep
from app.core.openapi import answers
from app.core.security import Principal, Role
from app.sync import feed, performance, service
from app.sync.schemas import (
    ChangeItem,
    ChangesPage,
    SyncAsnBody,
    SyncError,
    SyncPerformanceBody,
    SyncPerformanceResult,
    SyncResult,
)

router = APIRouter(tags=["sync"])

AsnSyncer = Annotated[Principal, Depends(allow(Role.bpsdm_admin, scope="asn:write"))]
PerformanceSyncer = Annotated[Principal, Depends(allow(Role.bpsdm_admin, scope="talent:write"))]


def _result(outcome: service.Outcome) -> SyncResult:
    return SyncResult(
        created=outcome.created,
        updated=outcome.updated,
        unchanged=outcome.unchanged,
        errors=_errors(outcome),
    )


def _errors(outcome: service.Outcome) -> list[SyncError]:
    return [
        SyncError(
            index=e.index,
            nip=e.nip,
            code=e.error.code,
            # In the caller's language, like a problem document.
            detail=localise(e.error.detail)
            if e.error.has_detail
            else code_title(e.error.code, e.error.detail),
            field=e.field,
        )
        for e in outcome.errors
    ]


@router.post(
    "/sync/asn",
    response_model=SyncResult,
    responses=problem_responses(409, 413),
)
async def sync_asn(
    body: SyncAsnBody, session: SessionDep, principal: AsnSyncer, idem: IdempotencyDep
) -> Response:
    """Upsert up to 5,000 ASN profiles from SIMPEG, keyed by NIP.

    Each item is validated on its own, like the body of `POST /asn` (invalid_nip, nip_mismatch,
    invalid_golongan, unit_not_found, position_not_found, validation_error), and a NIP sent twice is
    rejected at its later row (duplicate_in_batch). So the schema takes any JSON value as an item:
    an item that is not a valid profile, whatever its shape (not an object, a field missing, mistyped
    or unknown), is still a 200, listed in `errors` with its index, the field at fault and why;
    nothing of it is written, and the valid items are applied together. For an existing profile the fields present in an
    item are set and omitted fields keep their stored values; a profile whose fields all equal the
    stored ones counts as `unchanged` (no write, no audit row). More than 5,000 items → 422
    `batch_too_large`. A retry with the same `Idempotency-Key` and body returns the first response.
    """
    if (replay := await idem.replay()) is not None:
        return replay
    outcome = await service.sync(session, principal, body.items)
    return await idem.respond(200, _result(outcome), {})


@router.post(
    "/sync/performance",
    response_model=SyncPerformanceResult,
    responses=problem_responses(409, 413),
)
async def sync_performance(
    body: SyncPerformanceBody, session: SessionDep, principal: PerformanceSyncer, idem: IdempotencyDep
) -> Response:
    """Upsert up to 5,000 SKP results from e-Kinerja or SIMPEG, keyed by NIP and year.

    Each item (`nip`, `year`, `predikat`, optional `score` 0–100) is validated on its own: an item
    that is not a valid result (validation_error), names a year that has not begun
    (invalid_performance_year), an ASN not on record (asn_not_found) or a (nip, year) already sent
    earlier in the batch (duplicate_in_batch) is still a 200, listed in `errors` with its index and
    left out; the valid items are applied together. An existing result is replaced (no If-Match: the
    sync is the source of record); one whose predikat and score equal the stored ones counts as
    `unchanged` (no write, no audit row). More than 5,000 items → 422 `batch_too_large`. A retry
    with the same `Idempotency-Key` and body returns the first response.
    """
    if (replay := await idem.replay()) is not None:
        return replay
    outcome = await performance.sync(session, principal, body.items)
    result = SyncPerformanceResult(
        created=outcome.created, updated=outcome.updated, unchanged=outcome.unchanged, errors=_errors(outcome)
    )
    return await idem.respond(200, result, {})


@answers(401, 403)
async def _feed_reader(request: Request, token: Annotated[str | None, Depends(oauth2_scheme)]) -> Principal:
    # allow() admits clients by one scope; the feed takes either read scope, each opening some entities.
    principal = await principal_from_token(request, token)
    if not principal.is_client:
        return authorize(principal, feed.READS_EVERYTHING, None)
    if not feed.readable_entities(principal):
        raise InsufficientRights(
            "This client lacks a read scope for the change feed (asn:read, learning:read or talent:read)"
        )
    return principal


_check: Any = _feed_reader
_check.access = (feed.READS_EVERYTHING, None)  # the users it admits, for the role-matrix tests
FeedReader = Annotated[Principal, Depends(_feed_reader)]


@router.get(
    "/sync/changes",
    response_model=ChangesPage,
)
async def sync_changes(
    session: SessionDep,
    principal: FeedReader,
    since: Annotated[
        str | None,
        Query(
            max_length=200, description="`next_cursor` of the previous page; omit to start from the beginning"
        ),
    ] = None,
    limit: Annotated[
        int, Query(ge=1, le=feed.MAX_LIMIT, description=f"Changes per page (max {feed.MAX_LIMIT})")
    ] = feed.DEFAULT_LIMIT,
) -> ChangesPage:
    """The change feed: every committed change of ASN profiles, learning records, assessments and SKP results.

    Items come in `seq` order, strictly increasing and without gaps, in the order the changes were
    committed. Store `next_cursor` and send it back as `since`: the next page starts exactly after it,
    so nothing is missed and nothing is seen twice. `next_cursor` is always present; when nothing new
    has been committed it is the position sent, so a consumer stores it and polls again later
    (`has_more` says whether to poll again at once). A malformed cursor, or one ahead of the feed,
    → 422 `invalid_cursor`.

    `data` is the entity as it is NOW, as its own GET returns it (`GET /asn/{nip}`,
    `GET /learning-records/{id}` with its history, `GET /assessments/{id}` with its results,
    `GET /asn/{nip}/performance/{year}`), not a
    snapshot of the change: an entity changed twice appears twice, both times with its latest state.
    `op` is `void` when a learning record was voided, `upsert` for every other change.

    For integration systems and BPSDM: `bpsdm_admin` and `auditor` read every change; a client reads
    ASN profiles and assessments with `asn:read`, learning records with `learning:read`, SKP results
    (`performance`, keyed `{nip}/{year}`) with `talent:read` (a write
    scope alone does not open the feed: its items carry personal data), and its cursor moves past
    the changes its scopes do not reach (it never sees them, and never stalls on them). A client
    with neither read scope, an OPD admin or an ASN → 403 (they read through the entities' own
    routes, within their scope).
    """
    entities = feed.readable_entities(principal)
    page = await feed.read_page(session, entities, feed.decode_position(since), limit)
    return ChangesPage(
        items=[
            ChangeItem(seq=i.seq, entity=i.entity, key=i.key, op=i.op, at=i.at, data=i.data)
            for i in page.items
        ],
        next_cursor=page.next_cursor,
        has_more=page.has_more,
    )
