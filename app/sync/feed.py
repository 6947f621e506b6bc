"""The change feed's read side: change_log rows after a cursor, each with its entity as it is now.

`seq` is dense and handed out in commit order (app/core/changes.py), so a page is simply the rows
after the cursor in `seq` order, and the cursor is the last `seq` the caller has passed. The page's
entities are then loaded in one query per entity kind, whatever the page size.

A caller whose scopes reach only some entities (an integration client with `learning:read`, say)
gets only those rows, but its cursor moves past the others too, so it never stalls on them and
never sees them. To keep one request's work bounded when its rows are sparse, such a page looks at
most `SCAN_WINDOW` sequence numbers ahead (seq is dense, so that is at most as many index rows).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.asn.schemas import AsnRead
from app.competencies.assessments import service as assessments
from app.competencies.assessments.schemas import AssessmentRead
from app.competencies.models import Assessment
from app.core.changes import Change
from app.core.db import chunked
from app.core.pagination import InvalidCursor, decode_cursor, encode_cursor
from app.core.security import Principal, Role
from app.learning import service as learning_service
from app.learning.models import LearningEvent, LearningRecord
from app.learning.schemas import RecordDetail, RecordEventRead, RecordRead
from app.talent import service as talent_service
from app.talent.models import Performance
from app.talent.schemas import PerformanceRead

MAX_LIMIT = 1000
DEFAULT_LIMIT = 100
SCAN_WINDOW = 20_000
# Bumped if the cursor ever has to carry more than a seq; old cursors then fail loudly, not silently.
CURSOR_VERSION = "c1"
ENTITIES = ("asn", "learning_record", "assessment", "performance")
# Which client scopes read which entity: the scopes the entity's own GET routes accept from clients
# (GET /assessments/{id} takes asn:read), widened by the matching write scope.
# Only read scopes open the feed: its items carry whole profiles (birth dates, contacts), which a
# client trusted to push data (say an LMS holding only `learning:write`) has no business reading.
ENTITY_SCOPES: dict[str, frozenset[str]] = {
    "asn": frozenset({"asn:read"}),
    "assessment": frozenset({"asn:read"}),
    "learning_record": frozenset({"learning:read"}),
    "performance": frozenset({"talent:read"}),
}
READS_EVERYTHING = frozenset({Role.bpsdm_admin, Role.auditor})

Data = AsnRead | RecordDetail | AssessmentRead | PerformanceRead


@dataclass(frozen=True, slots=True)
class FeedItem:
    seq: int
    entity: str
    key: str
    op: str
    at: datetime
    data: Data | None


@dataclass(frozen=True, slots=True)
class FeedPage:
    items: list[FeedItem]
    position: int
    head: int

    @property
    def next_cursor(self) -> str:
        return encode_position(self.position)

    @property
    def has_more(self) -> bool:
        return self.position < self.head


def readable_entities(principal: Principal) -> frozenset[str] | None:
    """The entities `principal` may follow: None for all of them (BPSDM admin, auditor).

    An empty set means the caller may not read the feed at all.
    """
    if principal.is_client:
        return frozenset(e for e, scopes in ENTITY_SCOPES.items() if scopes & principal.scopes)
    return None if principal.role in READS_EVERYTHING else frozenset()


def encode_position(seq: int) -> str:
    return encode_cursor([CURSOR_VERSION, seq])


def decode_position(cursor: str | None) -> int:
    """The seq a cursor stands for; no cursor is the beginning of the feed (0)."""
    if cursor is None:
        return 0
    version, seq = decode_cursor(cursor, 2)
    if version != CURSOR_VERSION or not isinstance(seq, int) or seq < 0:
        raise InvalidCursor("The cursor is not valid; use next_cursor as given")
    return seq


async def read_page(
    session: AsyncSession, entities: frozenset[str] | None, after: int, limit: int
) -> FeedPage:
    """Up to `limit` changes with `seq > after` that `entities` (None: all) admits, in seq order."""
    # Read first: every seq up to `head` is committed, so the page below (bounded by it) cannot
    # miss a row that commits between the two statements (on PostgreSQL each runs on its own).
    head = int((await session.execute(select(func.coalesce(func.max(Change.seq), 0)))).scalar_one())
    if after > head:
        raise InvalidCursor(
            "The cursor is ahead of the feed (was the database restored from an older backup?); "
            "read again from an earlier cursor or from the beginning"
        )
    bound = head if entities is None else min(head, after + SCAN_WINDOW)
    stmt = select(Change).where(Change.seq > after, Change.seq <= bound)
    if entities is not None:
        stmt = stmt.where(Change.entity.in_(sorted(entities)))
    rows = list((await session.execute(stmt.order_by(Change.seq).limit(limit))).scalars())
    # A full page ends at its last row; a short one has seen every admitted row up to `bound`.
    position = rows[-1].seq if len(rows) == limit else bound
    data = await load_data(session, [(r.entity, r.key) for r in rows])
    items = [FeedItem(r.seq, r.entity, r.key, r.op, r.at, data.get((r.entity, r.key))) for r in rows]
    return FeedPage(items, position, head)


async def load_data(session: AsyncSession, refs: Iterable[tuple[str, str]]) -> dict[tuple[str, str], Data]:
    """The current representation of each (entity, key): one query per entity kind (two for records)."""
    keys: dict[str, set[str]] = {e: set() for e in ENTITIES}
    for entity, key in refs:
        keys[entity].add(key)
    out: dict[tuple[str, str], Data] = {}
    out.update({("asn", k): v for k, v in (await _asn(session, keys["asn"])).items()})
    out.update(
        {
            ("learning_record", k): v
            for k, v in (await _records(session, _ids(keys["learning_record"]))).items()
        }
    )
    out.update(
        {("assessment", k): v for k, v in (await _assessments(session, _ids(keys["assessment"]))).items()}
    )
    out.update(
        {("performance", k): v for k, v in (await _performances(session, keys["performance"])).items()}
    )
    return out


def _ids(keys: Iterable[str]) -> list[int]:
    # Keys are written as str(id) of a BIGINT; anything else cannot name a row (nor bind as one).
    return sorted(int(k) for k in keys if k.isascii() and k.isdigit() and len(k) <= 18)


async def _asn(session: AsyncSession, nips: set[str]) -> dict[str, AsnRead]:
    if not nips:
        return {}
    rows = await session.execute(select(Asn).where(Asn.nip.in_(sorted(nips))))
    return {a.nip: AsnRead.model_validate(a) for a in rows.scalars()}


async def _records(session: AsyncSession, ids: Sequence[int]) -> dict[str, RecordDetail]:
    if not ids:
        return {}
    records = list(
        (await session.execute(select(LearningRecord).where(LearningRecord.id.in_(ids)))).scalars()
    )
    history: dict[int, list[RecordEventRead]] = {i: [] for i in ids}
    events = await session.execute(
        select(LearningEvent).where(LearningEvent.record_id.in_(ids)).order_by(LearningEvent.id)
    )
    for event in events.scalars():
        history[event.record_id].append(RecordEventRead.model_validate(event))
    return {str(r.id): _detail(learning_service.to_read(r), history[r.id]) for r in records}


def _detail(read: RecordRead, history: list[RecordEventRead]) -> RecordDetail:
    # What GET /learning-records/{id} returns: the record's fields (shallow, so nested models are
    # reused as they are) plus its history.
    fields: dict[str, Any] = dict(read)
    return RecordDetail(**fields, history=history)


async def _assessments(session: AsyncSession, ids: Sequence[int]) -> dict[str, AssessmentRead]:
    if not ids:
        return {}
    found = list((await session.execute(select(Assessment).where(Assessment.id.in_(ids)))).scalars())
    # The same batch reader GET /asn/{nip}/assessments uses for a page of assessments.
    return {str(read.id): read for read in await assessments.read_many(session, found)}


async def _performances(session: AsyncSession, keys: set[str]) -> dict[str, PerformanceRead]:
    wanted: set[tuple[str, int]] = set()
    for key in keys:
        nip, _, year = key.partition("/")
        if year.isascii() and year.isdigit() and len(year) == 4:
            wanted.add((nip, int(year)))
    out: dict[str, PerformanceRead] = {}
    for nip_part in chunked(sorted({nip for nip, _ in wanted})):
        found = await session.execute(select(Performance).where(Performance.nip.in_(nip_part)))
        for row in found.scalars():
            if (row.nip, row.year) in wanted:
                out[talent_service.performance_key(row.nip, row.year)] = talent_service.performance_read(row)
    return out
