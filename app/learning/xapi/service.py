"""xAPI intake: LRS statements (completed/attended) become verified learning records, in bulk.

One batch is a handful of set-based queries whatever its size: NIPs, locks, replays, rules per
year, duplicates, then bulk inserts of records, events and audit rows. The rules are those of
`service.create` (form rules, JP bounds, title normalisation, duplicates), applied per statement:
a statement that fails is rejected with a code and the rest of the batch still applies.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlsplit

import orjson
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.core.errors import BadRequest, Conflict, DomainError, Unprocessable
from app.core.i18n import msg
from app.core.params import before_floor
from app.core.security import Principal
from app.core.text import strip_format
from app.core.types import round_jp
from app.learning import service
from app.learning.jp import record_jp
from app.learning.models import LIVE_STATUSES, VOIDED, LearningEvent, LearningRecord
from app.reference import forms
from app.rules import service as rules_service
from app.rules.schemas import RuleSetBody

SOURCE = "xapi"
DEFAULT_FORM_CODE = "16"  # E-Learning: what an LMS reports unless it says otherwise
MAX_STATEMENTS = 1000
# Same bound as RecordCreate.duration_minutes.
MAX_DURATION_MINUTES = 2000 * 60
# Clocks of LMS servers drift; a timestamp a little ahead of ours is not "in the future".
CLOCK_SKEW = timedelta(minutes=5)
RECORDING_VERBS = frozenset({"completed", "attended"})
VERB_HOSTS = ("adlnet.gov", "w3id.org")
# xAPI 1.0.3 Data 2.3.1 (immutability): two copies of one statement may differ in these.
NOT_COMPARED = frozenset({"id", "stored", "authority", "version", "attachments"})
TITLE_LANGUAGES = ("id-id", "id", "en-us", "en")

_NUMBER = r"(\d{1,9}(?:[.,]\d{1,9})?)"
_DURATION = re.compile(
    rf"P(?:{_NUMBER}Y)?(?:{_NUMBER}M)?(?:{_NUMBER}W)?(?:{_NUMBER}D)?"
    rf"(?:T(?:{_NUMBER}H)?(?:{_NUMBER}M)?(?:{_NUMBER}S)?)?"
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class InvalidStatement(BadRequest):
    code = "invalid_statement"


class UnsupportedVerb(Unprocessable):
    code = "unsupported_verb"


class UnknownNip(Unprocessable):
    code = "unknown_nip"


class MissingJp(Unprocessable):
    code = "missing_jp"


class StatementConflict(Conflict):
    code = "statement_conflict"


class StatementNotFound(Unprocessable):
    code = "statement_not_found"


class TooManyStatements(BadRequest):
    code = "too_many_statements"


# -- parsing ---------------------------------------------------------------------------------------


def duration_seconds(value: str) -> Decimal:
    """Seconds in an ISO 8601 duration (`PT1H30M`, `P1DT2H`, `PT45M30.5S`); a day is 24 hours."""
    text = value.strip().upper()
    match = _DURATION.fullmatch(text)
    if match is None or text == "P" or text.endswith("T"):
        raise ValueError(msg("{value!r} is not an ISO 8601 duration such as PT1H30M", value=value))
    years, months, weeks, days, hours, minutes, seconds = (
        Decimal(g.replace(",", ".")) if g else Decimal(0) for g in match.groups()
    )
    if years or months:
        raise ValueError("years and months have no fixed length; give the duration in days, hours or minutes")
    return (((weeks * 7 + days) * 24 + hours) * 60 + minutes) * 60 + seconds


def duration_minutes(value: str) -> int:
    """Whole minutes, half-up, as `duration_minutes` is stored."""
    return int((duration_seconds(value) / 60).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def verb_kind(verb_id: str) -> str | None:
    """`completed`, `attended` or `voided` for ADL/cmi5 verb IRIs; None for any other verb."""
    parts = urlsplit(verb_id)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not any(
        host == h or host.endswith(f".{h}") for h in VERB_HOSTS
    ):
        return None
    last = parts.path.rstrip("/").rsplit("/", 1)[-1].lower()
    if last in RECORDING_VERBS or (last == "voided" and host.endswith("adlnet.gov")):
        return last
    return None


def digest(statement: dict[str, Any]) -> str:
    """A fingerprint of what the statement says, to tell a replay from a conflicting reuse of its id."""
    content = {k: v for k, v in statement.items() if k not in NOT_COMPARED}
    return hashlib.sha256(orjson.dumps(content, option=orjson.OPT_SORT_KEYS)).hexdigest()


def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InvalidStatement(msg("{where} must be a JSON object", where=where))
    return value


def _optional_object(statement: dict[str, Any], key: str) -> dict[str, Any]:
    value = statement.get(key)
    return {} if value is None else _object(value, key)


def _statement_id(statement: dict[str, Any]) -> str:
    raw = statement.get("id")
    if raw is None:
        return str(uuid.uuid4())
    try:
        if not isinstance(raw, str):
            raise ValueError
        return str(uuid.UUID(raw))
    except ValueError as exc:
        raise InvalidStatement("id must be a UUID") from exc


def _timestamp(value: Any, where: str) -> datetime:
    if not isinstance(value, str) or len(value) > 64:
        raise InvalidStatement(msg("{where} must be an ISO 8601 timestamp", where=where))
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError as exc:
        raise InvalidStatement(
            msg("{where} {value!r} is not an ISO 8601 timestamp", where=where, value=value)
        ) from exc
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


_MISSING = object()


def _extension(statement: dict[str, Any], name: str) -> Any:
    """The value of the first result or context extension whose IRI ends with /extensions/<name>."""
    suffix = f"/extensions/{name}"
    for part in ("result", "context"):
        extensions = _optional_object(statement, part).get("extensions")
        if isinstance(extensions, dict):
            for key, value in extensions.items():
                if isinstance(key, str) and key.rstrip("/").lower().endswith(suffix):
                    return value
    return _MISSING


def _clean(value: str, limit: int) -> str:
    return " ".join(_CONTROL.sub(" ", strip_format(value)).split())[:limit]


def _title(activity: dict[str, Any], activity_id: str) -> str:
    definition = activity.get("definition")
    names = definition.get("name") if isinstance(definition, dict) else None
    if isinstance(names, dict):
        by_language = {
            k.lower(): _clean(v, 300) for k, v in names.items() if isinstance(k, str) and isinstance(v, str)
        }
        by_language = {k: v for k, v in by_language.items() if v}
        for language in TITLE_LANGUAGES:
            if language in by_language:
                return by_language[language]
        if by_language:
            return next(iter(by_language.values()))
    return _clean(activity_id, 300)


def _jp(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InvalidStatement("the jp extension must be a number")
    try:
        jp = Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise InvalidStatement(msg("the jp extension {value!r} is not a number", value=value)) from exc
    if not jp.is_finite() or jp <= 0 or jp > service.MAX_RECORD_JP:
        raise service.InvalidJp(
            msg("the jp extension must be more than 0 and at most {max_jp}", max_jp=service.MAX_RECORD_JP)
        )
    return round_jp(jp)


def _start_date(value: Any, end: date) -> date:
    if not isinstance(value, str):
        raise InvalidStatement("the start_date extension must be a date (YYYY-MM-DD)")
    start = _timestamp(value, msg("the start_date extension")).date()
    if (problem := before_floor(start)) is not None:
        raise service.InvalidRecordDates(msg("the start_date extension {problem}", problem=problem))
    if start > end:
        raise service.InvalidRecordDates(
            msg(
                "the start_date extension {start} is after the statement's date {end}",
                start=start.isoformat(),
                end=end.isoformat(),
            )
        )
    return start


@dataclass(slots=True)
class Create:
    """A completed/attended statement, parsed into the fields of the record it becomes."""

    index: int
    id: str
    digest: str
    verb: str
    object_id: str
    nip: str
    title: str
    form_code: str
    organizer: str | None
    start_date: date
    end_date: date
    jp_claimed: Decimal | None
    duration_minutes: int | None
    title_key: str = ""
    jp: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        self.title_key = service.title_key(self.title)


@dataclass(slots=True)
class Void:
    """A voided statement: the record created from statement `target` is voided."""

    index: int
    id: str
    digest: str
    target: str
    actor_nip: str | None


def _actor_nip(statement: dict[str, Any]) -> str | None:
    actor = _object(statement.get("actor"), "actor")
    account = actor.get("account")
    if not isinstance(account, dict):
        return None
    name = account.get("name")
    nip = strip_format(name).strip() if isinstance(name, str) else ""
    return nip or None


def parse(statement: Any, index: int, *, now: datetime) -> Create | Void:
    """The statement's meaning for the ledger; raises the DomainError it is rejected with."""
    statement = _object(statement, msg("a statement"))
    statement_id = _statement_id(statement)
    verb = _object(statement.get("verb"), "verb")
    verb_id = verb.get("id")
    if not isinstance(verb_id, str) or not verb_id:
        raise InvalidStatement("verb.id must be an IRI")
    target = _object(statement.get("object"), "object")
    nip = _actor_nip(statement)
    kind = verb_kind(verb_id)
    fingerprint = digest(statement)
    if kind == "voided":
        ref = target.get("id")
        if target.get("objectType") != "StatementRef" or not isinstance(ref, str):
            raise InvalidStatement("a voided statement's object must be a StatementRef with an id")
        try:
            return Void(index, statement_id, fingerprint, str(uuid.UUID(ref)), nip)
        except ValueError as exc:
            raise InvalidStatement("the StatementRef id must be a UUID") from exc
    if kind is None:
        raise UnsupportedVerb(
            msg(
                "verb {verb} does not record learning; send completed or attended (ADL/cmi5)",
                verb=verb_id[:200],
            )
        )
    if target.get("objectType", "Activity") != "Activity":
        raise InvalidStatement("the object of a completed/attended statement must be an Activity")
    activity_id = target.get("id")
    if not isinstance(activity_id, str) or not activity_id.strip():
        raise InvalidStatement("object.id must be the activity's IRI")
    if nip is None:
        raise UnknownNip("actor.account.name must be the ASN's NIP")
    if "timestamp" in statement:
        when = _timestamp(statement["timestamp"], "timestamp")
    elif "stored" in statement:
        when = _timestamp(statement["stored"], "stored")
    else:
        when = now  # an LRS stamps a statement without a timestamp with the time it arrives
    if when > now + CLOCK_SKEW:
        raise service.InvalidRecordDates(
            msg(
                "timestamp {timestamp} is in the future; send the statement once the learning ends",
                timestamp=when.isoformat(),
            )
        )
    # The learner's own calendar day: the date as written in the timestamp's offset (WIB/WITA/WIT).
    end = when.date()
    if (problem := before_floor(end)) is not None:
        raise service.InvalidRecordDates(msg("the statement's date {problem}", problem=problem))
    start_value = _extension(statement, "start_date")
    start = end if start_value is _MISSING else _start_date(start_value, end)
    form_value = _extension(statement, "form_code")
    if form_value is not _MISSING and (isinstance(form_value, bool) or not isinstance(form_value, str | int)):
        raise InvalidStatement('the form_code extension must be a learning form code such as "16"')
    form_code = DEFAULT_FORM_CODE if form_value is _MISSING else str(form_value).strip()[:10]
    jp_value = _extension(statement, "jp")
    jp_claimed = None if jp_value is _MISSING else _jp(jp_value)
    minutes = None
    raw_duration = _optional_object(statement, "result").get("duration")
    if raw_duration is not None:
        if not isinstance(raw_duration, str) or len(raw_duration) > 64:
            raise InvalidStatement("result.duration must be an ISO 8601 duration such as PT1H30M")
        try:
            minutes = duration_minutes(raw_duration)
        except ValueError as exc:
            raise InvalidStatement(msg("result.duration: {reason}", reason=exc.args[0])) from exc
        if minutes > MAX_DURATION_MINUTES:
            raise service.InvalidJp(
                msg("result.duration is longer than {limit} minutes", limit=MAX_DURATION_MINUTES)
            )
    if jp_claimed is None and minutes is None:
        raise MissingJp("give result.duration (ISO 8601) or a result extension …/extensions/jp")
    if jp_claimed is None and not minutes:
        raise service.InvalidJp(
            msg("result.duration {duration} is less than a minute; it earns no JP", duration=raw_duration)
        )
    organizer_value = _extension(statement, "organizer")
    if organizer_value is _MISSING:
        organizer_value = _optional_object(statement, "context").get("platform")
    organizer = _clean(organizer_value, 200) if isinstance(organizer_value, str) else None
    return Create(
        index=index,
        id=statement_id,
        digest=fingerprint,
        verb=verb_id,
        object_id=activity_id.strip(),
        nip=nip,
        title=_title(target, activity_id.strip()),
        form_code=form_code,
        organizer=organizer or None,
        start_date=start,
        end_date=end,
        jp_claimed=jp_claimed,
        duration_minutes=minutes or None,
    )


def given_id(statement: Any) -> str | None:
    raw = statement.get("id") if isinstance(statement, dict) else None
    return raw if isinstance(raw, str) else None


# -- intake ----------------------------------------------------------------------------------------


@dataclass(slots=True)
class Rejection:
    index: int
    id: str | None
    error: DomainError


@dataclass(slots=True)
class Intake:
    """Accepted statement ids in request order, and the statements rejected with why."""

    ids: list[str] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)


class _Batch:
    def __init__(self, session: AsyncSession, principal: Principal, now: datetime) -> None:
        self.session = session
        self.principal = principal
        self.now = now
        self.errors: dict[int, tuple[str | None, DomainError]] = {}
        self.accepted: dict[int, str] = {}
        # Statement id → record id, for statements of this batch that made (or already had) a record.
        self.record_of: dict[str, int] = {}
        self.rules: dict[int, RuleSetBody] = {}
        self.duplicates_in_batch: list[tuple[Create, Create]] = []

    def reject(self, index: int, statement_id: str | None, error: DomainError) -> None:
        self.errors[index] = (statement_id, error)

    async def rules_for(self, year: int) -> RuleSetBody:
        if year not in self.rules:
            self.rules[year] = await rules_service.rules_for_year(self.session, year)
        return self.rules[year]


async def intake(
    session: AsyncSession, principal: Principal, statements: list[Any], *, now: datetime | None = None
) -> Intake:
    """Apply a batch of statements; each is accepted (created, replayed, voided) or rejected."""
    if len(statements) > MAX_STATEMENTS:
        raise TooManyStatements(msg("Send at most {limit} statements per request", limit=MAX_STATEMENTS))
    batch = _Batch(session, principal, now or datetime.now(UTC))
    creates: list[Create] = []
    voids: list[Void] = []
    same_as: dict[int, Create | Void] = {}
    first: dict[str, Create | Void] = {}
    for index, raw in enumerate(statements):
        try:
            item = parse(raw, index, now=batch.now)
        except DomainError as exc:
            batch.reject(index, given_id(raw), exc)
            continue
        earlier = first.get(item.id)
        if earlier is None:
            first[item.id] = item
            if isinstance(item, Create):
                creates.append(item)
            else:
                voids.append(item)
        elif earlier.digest == item.digest:
            same_as[index] = earlier
        else:
            batch.reject(index, item.id, _conflict(item.id))
    await _apply_creates(batch, creates)
    await _apply_voids(batch, voids)
    for index, earlier in same_as.items():
        if earlier.index in batch.errors:
            batch.errors[index] = batch.errors[earlier.index]
        else:
            batch.accepted[index] = earlier.id
    result = Intake()
    for index in range(len(statements)):
        if index in batch.accepted:
            result.ids.append(batch.accepted[index])
        elif index in batch.errors:
            statement_id, error = batch.errors[index]
            sent = given_id(statements[index]) is not None  # an id the server assigned means nothing yet
            result.rejected.append(Rejection(index, statement_id if sent else None, error))
    return result


def _conflict(statement_id: str) -> StatementConflict:
    return StatementConflict(
        msg(
            "Statement {id} was received before with different content; a statement id is never reused",
            id=statement_id,
        )
    )


async def _apply_creates(batch: _Batch, creates: list[Create]) -> None:
    session = batch.session
    if not creates:
        return
    nips = {c.nip for c in creates}
    known = set((await session.execute(select(Asn.nip).where(Asn.nip.in_(nips)))).scalars())
    pending: list[Create] = []
    for c in creates:
        if c.nip in known:
            pending.append(c)
        else:
            batch.reject(
                c.index,
                c.id,
                UnknownNip(msg("No ASN has the NIP {nip} (actor.account.name)", nip=c.nip[:40])),
            )
    await service.lock_many(session, [c.nip for c in pending])
    pending = await _skip_replays(batch, pending)
    pending = await _with_jp(batch, pending)
    pending = await _skip_duplicates(batch, pending)
    if pending:
        await _insert(batch, pending)


async def _skip_replays(batch: _Batch, creates: list[Create]) -> list[Create]:
    """Statements seen before are the same record (idempotent) or, with other content, a conflict.

    A statement id is looked up whatever the learner: an id already used for another NIP is a
    conflict too (xAPI ids are global), not a second record.
    """
    r = LearningRecord
    rows = await service.probe(
        batch.session,
        (r.id, r.nip, r.external_id),
        (r.external_id,),
        [(c.id,) for c in creates],
        r.source == SOURCE,
    )
    existing = {ext: (rid, nip) for rid, nip, ext in rows}
    digests: dict[int, str | None] = {}
    if existing:
        events = await batch.session.execute(
            select(LearningEvent.record_id, LearningEvent.data).where(
                LearningEvent.record_id.in_([rid for rid, _ in existing.values()]),
                LearningEvent.action == "created",
            )
        )
        digests = {rid: (data or {}).get("statement_sha256") for rid, data in events}
    fresh = []
    for c in creates:
        found = existing.get(c.id)
        if found is None:
            fresh.append(c)
        elif found[1] == c.nip and digests.get(found[0]) in (None, c.digest):
            batch.record_of[c.id] = found[0]
            batch.accepted[c.index] = c.id
        else:
            batch.reject(c.index, c.id, _conflict(c.id))
    return fresh


async def _with_jp(batch: _Batch, creates: list[Create]) -> list[Create]:
    ok = []
    for c in creates:
        if not forms.is_form_code(c.form_code):
            batch.reject(c.index, c.id, forms.UnknownFormCode(forms.unknown_form_detail(c.form_code)))
            continue
        rules = await batch.rules_for(c.end_date.year)
        c.jp = record_jp(
            rules,
            form_code=c.form_code,
            jp=c.jp_claimed,
            duration_minutes=c.duration_minutes,
            start_date=c.start_date,
            end_date=c.end_date,
        )
        if c.jp <= 0 or c.jp > service.MAX_RECORD_JP:
            batch.reject(
                c.index,
                c.id,
                service.InvalidJp(
                    msg(
                        "The record works out to {jp} JP; a record holds more than 0 and at most {max_jp} JP",
                        jp=c.jp,
                        max_jp=service.MAX_RECORD_JP,
                    )
                ),
            )
            continue
        ok.append(c)
    return ok


def _duplicate(record_id: int) -> service.PossibleDuplicate:
    return service.PossibleDuplicate(
        msg("Learning record {id} of this ASN has the same title and dates", id=record_id),
        duplicate_of=record_id,
    )


async def _skip_duplicates(batch: _Batch, creates: list[Create]) -> list[Create]:
    """Another live record of the ASN with the same normalised title and dates (as `service.create`)."""
    if not creates:
        return []
    r = LearningRecord
    rows = await service.probe(
        batch.session,
        (r.id, r.nip, r.title_key, r.start_date, r.end_date),
        (r.nip, r.title_key, r.start_date, r.end_date),
        list({(c.nip, c.title_key, c.start_date, c.end_date) for c in creates}),
        r.status.in_(LIVE_STATUSES),
    )
    existing: dict[tuple[str, str, date, date], int] = {}
    for rid, nip, title_key, start, end in rows:
        found = (nip, title_key, start, end)
        existing[found] = min(rid, existing.get(found, rid))
    fresh: list[Create] = []
    in_batch: dict[tuple[str, str, date, date], Create] = {}
    for c in creates:
        key = (c.nip, c.title_key, c.start_date, c.end_date)
        if key in existing:
            batch.reject(c.index, c.id, _duplicate(existing[key]))
        elif key in in_batch:
            batch.duplicates_in_batch.append((c, in_batch[key]))  # rejected once the original has an id
        else:
            in_batch[key] = c
            fresh.append(c)
    return fresh


async def _insert(batch: _Batch, creates: list[Create]) -> None:
    records = [
        service.NewRecord(
            nip=c.nip,
            title=c.title,
            form_code=c.form_code,
            start_date=c.start_date,
            end_date=c.end_date,
            jp=c.jp,
            external_id=c.id,
            organizer=c.organizer,
            jp_claimed=c.jp_claimed,
            duration_minutes=c.duration_minutes,
            note=f"xAPI statement {c.id}",
            event_data={"statement_sha256": c.digest, "verb": c.verb, "object_id": c.object_id[:500]},
        )
        for c in creates
    ]
    ids = await service.insert_verified(batch.session, batch.principal, SOURCE, records, now=batch.now)
    for record_id, c in zip(ids, creates, strict=True):
        batch.record_of[c.id] = record_id
        batch.accepted[c.index] = c.id
    for duplicate, original in batch.duplicates_in_batch:
        batch.reject(duplicate.index, duplicate.id, _duplicate(batch.record_of[original.id]))


async def _apply_voids(batch: _Batch, voids: list[Void]) -> None:
    if not voids:
        return
    session = batch.session
    targets: dict[str, int] = {}
    for v in voids:
        if v.target in batch.record_of:
            targets[v.target] = batch.record_of[v.target]
    r = LearningRecord
    by_learner = [(v.actor_nip, v.target) for v in voids if v.target not in targets and v.actor_nip]
    rows = await service.probe(
        session, (r.external_id, r.id), (r.nip, r.external_id), by_learner, r.source == SOURCE
    )
    targets.update({str(ext): rid for ext, rid in rows})
    # The voider is often the LMS or an admin rather than the learner: look the rest up by id alone.
    rest = {v.target for v in voids if v.target not in targets}
    if rest:
        by_id = await session.execute(
            select(r.external_id, r.id).where(r.source == SOURCE, r.external_id.in_(rest)).order_by(r.id)
        )
        for ext, rid in by_id:
            targets.setdefault(str(ext), rid)
    records = {
        rec.id: rec
        for rec in (await session.execute(select(r).where(r.id.in_(set(targets.values()))))).scalars()
    }
    for v in voids:
        record = records.get(targets.get(v.target, 0))
        if record is None:
            batch.reject(
                v.index,
                v.id,
                StatementNotFound(msg("No learning record was made from statement {id}", id=v.target)),
            )
            continue
        if record.status != VOIDED:
            try:
                await service.void(session, batch.principal, record, f"voided by xAPI statement {v.id}")
            except DomainError as exc:
                batch.reject(v.index, v.id, exc)
                continue
        batch.accepted[v.index] = v.id
