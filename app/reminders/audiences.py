"""Who each campaign chooses: one query per audience, with the values its templates fill.

Every audience picks active user accounts only; the ASN audiences also need the profile active. The
interval between two messages and the deduplication of a period are the service's (app/reminders/service.py).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, and_, func, literal, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from app.asn.models import Asn
from app.auth.models import User
from app.competencies.models import CompetencyStanding, Course, CourseCompetency
from app.completeness import service as completeness_service
from app.completeness.indicators import age_days
from app.core.db import is_postgres
from app.core.i18n import Message, msg
from app.core.security import Role
from app.core.types import WIT
from app.learning.models import PENDING, JpYearTotal, LearningRecord
from app.org.models import Unit
from app.reminders import templates
from app.reminders.schemas import Campaign
from app.rules.schemas import RuleSetBody
from app.years import service as years_service

JP_TARGET_TYPES = ("pns", "cpns")  # PPPK have a yearly cap, not a minimum
SUGGESTED_COURSES = 3

ASN_LINK, OPD_LINK, PASSWORD_LINK = "/saya", "/opd", "/kata-sandi"
# The pages that show an agency's completeness: the OPD admin's own, and BPSDM's page of that OPD.
OPD_COMPLETENESS_LINK, BPSDM_COMPLETENESS_LINK = "/opd/kelengkapan", "/bpsdm/kelengkapan/{unit_id}"


@dataclass(frozen=True, slots=True)
class Context:
    year: int
    as_of: date
    rules: RuleSetBody
    login_url: str


@dataclass(slots=True)
class Recipient:
    user_id: int
    username: str
    nip: str | None
    values: dict[str, Any]
    reason: Message
    link: str | None
    # Set where one campaign may send one person several messages in a period (BPSDM: one per OPD).
    key: str = ""


Audience = Callable[[AsyncSession, Context, Campaign], Awaitable[list[Recipient]]]


def start_of(day: date) -> datetime:
    """The moment an Indonesian day begins everywhere (WIT midnight), as an aware UTC datetime."""
    return datetime.combine(day, time(0), tzinfo=WIT).astimezone(UTC)


def in_season(campaign: Campaign, ctx: Context) -> bool:
    """A campaign of `year` runs from the 1st of its `from_month` to the year's end."""
    return date(ctx.year, campaign.from_month, 1) <= ctx.as_of <= date(ctx.year, 12, 31)


def _common(ctx: Context, name: str, username: str) -> dict[str, Any]:
    return {"name": name, "username": username, "year": str(ctx.year), "login_url": ctx.login_url}


def shown(value: Decimal) -> int | float:
    """A figure for a reason message, whose catalogue writes it in the reader's language."""
    return int(value) if value == value.to_integral_value() else float(value)


# -- ASN below their JP target ------------------------------------------------------------------------


def _asn_accounts() -> Select[int, str, str, str, str]:
    return (
        select(User.id, User.username, Asn.nip, Asn.name, Unit.name.label("unit"))
        .join(Asn, Asn.nip == User.nip)
        .join(Unit, Unit.id == Asn.unit_id)
        .where(User.role == Role.asn.value, User.active.is_(true()), Asn.active.is_(true()))
    )


async def asn_below_jp_target(session: AsyncSession, ctx: Context, campaign: Campaign) -> list[Recipient]:
    if not in_season(campaign, ctx):
        return []
    target = ctx.rules.pns_min_jp
    verified = func.coalesce(JpYearTotal.jp, 0)
    chosen = (
        _asn_accounts()
        .outerjoin(JpYearTotal, and_(JpYearTotal.nip == Asn.nip, JpYearTotal.year == ctx.year))
        .where(Asn.employment_type.in_(JP_TARGET_TYPES), verified < target)
    )
    rows = (await session.execute(chosen.add_columns(verified.label("jp")).order_by(User.id))).all()
    if not rows:
        return []
    suggest = await _course_picker(session, ctx.as_of)
    gaps = await _gaps(session, chosen.with_only_columns(Asn.nip))
    out = []
    for user_id, username, nip, name, unit, jp in rows:
        jp = Decimal(jp)
        courses = suggest(gaps.get(nip, frozenset()))
        left = target - jp
        out.append(
            Recipient(
                user_id,
                username,
                nip,
                _common(ctx, name, username)
                | {
                    "nip": nip,
                    "unit": unit,
                    "target_jp": target,
                    "verified_jp": jp,
                    "remaining_jp": left,
                    "courses": courses,
                },
                msg(
                    "{verified_jp:,} of {target_jp:,} JP verified for {year}; {remaining_jp:,} JP to go",
                    verified_jp=shown(jp),
                    target_jp=shown(target),
                    year=ctx.year,
                    remaining_jp=shown(left),
                ),
                ASN_LINK,
            )
        )
    return out


async def _gaps(session: AsyncSession, nips: Select[Any]) -> dict[str, frozenset[str]]:
    """Per ASN, the competencies whose assessed level is below the position's standard."""
    codes = (
        func.string_agg(CompetencyStanding.competency_code, ",")
        if is_postgres(session)
        else func.group_concat(CompetencyStanding.competency_code, ",")
    )
    rows = await session.execute(
        select(CompetencyStanding.nip, codes)
        .where(
            CompetencyStanding.actual_level < CompetencyStanding.required_level,
            CompetencyStanding.nip.in_(nips),
        )
        .group_by(CompetencyStanding.nip)
    )
    return {nip: frozenset(joined.split(",")) for nip, joined in rows.all()}


async def _course_picker(session: AsyncSession, today: date) -> Callable[[frozenset[str]], str]:
    """Chooses up to 3 active catalogue courses for a set of gaps: those covering most of them first,
    then the soonest to start; any active course when none covers a gap. The catalogue is small."""
    rows = await session.execute(
        select(Course.id, Course.title, Course.starts_on, CourseCompetency.competency_code)
        .outerjoin(CourseCompetency, CourseCompetency.course_id == Course.id)
        .where(Course.active.is_(true()), (Course.ends_on.is_(None)) | (Course.ends_on >= today))
    )
    courses: dict[int, tuple[tuple[Any, ...], str, set[str]]] = {}
    for course_id, title, starts_on, code in rows.all():
        order = (starts_on is None, starts_on or today, course_id)
        entry = courses.setdefault(course_id, (order, title, set()))
        if code is not None:
            entry[2].add(code)
    catalogue = sorted(courses.values(), key=lambda c: c[0])
    # Written once per set of gaps: many people share one (the same position, the same results).
    fallback = "; ".join(title for _, title, _ in catalogue[:SUGGESTED_COURSES]) or "-"
    picked: dict[frozenset[str], str] = {}

    def pick(gaps: frozenset[str]) -> str:
        found = picked.get(gaps)
        if found is None:
            covering = sorted(
                (-len(codes & gaps), order, title) for order, title, codes in catalogue if codes & gaps
            )
            found = "; ".join(title for _, _, title in covering[:SUGGESTED_COURSES]) or fallback
            picked[gaps] = found
        return found

    return pick


# -- OPD admins -----------------------------------------------------------------------------------------


def _opd_admins() -> Select[int, str, int, str]:
    return (
        select(User.id, User.username, Unit.id.label("unit_id"), Unit.name.label("unit"))
        .join(Unit, Unit.id == User.unit_id)
        .where(User.role == Role.opd_admin.value, User.active.is_(true()))
    )


async def _per_admin(session: AsyncSession, per_unit: Any) -> dict[int, tuple[int, Any]]:
    """Per OPD admin, the sum of `per_unit.n` and the least `per_unit.oldest` over its unit's subtree."""
    own, member = aliased(Unit), aliased(Unit)
    rows = await session.execute(
        select(User.id, func.sum(per_unit.c.n), func.min(per_unit.c.oldest))
        .join(own, own.id == User.unit_id)
        .join(member, member.path.like(own.path + literal("%")))
        .join(per_unit, per_unit.c.unit_id == member.id)
        .where(User.role == Role.opd_admin.value, User.active.is_(true()))
        .group_by(User.id)
    )
    return {user_id: (int(n), oldest) for user_id, n, oldest in rows.all()}


def _pending_per_unit(*where: Any) -> Any:
    return (
        select(
            Asn.unit_id.label("unit_id"),
            func.count().label("n"),
            func.min(LearningRecord.created_at).label("oldest"),
        )
        .join(Asn, Asn.nip == LearningRecord.nip)
        .where(LearningRecord.status == PENDING, *where)
        .group_by(Asn.unit_id)
        .subquery("per_unit")
    )


def _age_days(oldest: Any, as_of: date) -> int:
    if isinstance(oldest, str):  # SQLite gives an aggregate of timestamps back as text
        oldest = datetime.fromisoformat(oldest)
    if oldest.tzinfo is None:
        oldest = oldest.replace(tzinfo=UTC)
    return age_days(oldest, as_of)


async def opd_queue_overdue(session: AsyncSession, ctx: Context, campaign: Campaign) -> list[Recipient]:
    if not in_season(campaign, ctx):
        return []
    sla = ctx.rules.completeness_rules.queue_sla_days
    # Older than the SLA: filed before the day `sla` days ago began.
    counts = await _per_admin(
        session, _pending_per_unit(LearningRecord.created_at < start_of(ctx.as_of - timedelta(days=sla)))
    )
    if not counts:
        return []
    out = []
    for user_id, username, _, unit in (await session.execute(_opd_admins().order_by(User.id))).all():
        if user_id not in counts:
            continue
        overdue, oldest = counts[user_id]
        age = _age_days(oldest, ctx.as_of)
        out.append(
            Recipient(
                user_id,
                username,
                None,
                _common(ctx, username, username)
                | {"unit": unit, "overdue": overdue, "oldest_days": age, "sla_days": sla},
                msg(
                    "{overdue:,} claims pending longer than {sla_days} days; the oldest for {oldest_days} days",
                    overdue=overdue,
                    sla_days=sla,
                    oldest_days=age,
                ),
                OPD_LINK,
            )
        )
    return out


async def opd_completeness_below(session: AsyncSession, ctx: Context, campaign: Campaign) -> list[Recipient]:
    if not in_season(campaign, ctx) or campaign.threshold is None:
        return []
    threshold = Decimal(campaign.threshold)
    scores = await completeness_service.unit_scores(session, ctx.as_of)
    previous = await completeness_service.previous_scores(session, ctx.as_of)
    flagged: dict[int, tuple[Decimal, Decimal | None, Message]] = {}
    for unit_id, score in scores.items():
        if score is None:
            continue
        before = previous.get(unit_id)
        if score < threshold:
            why = msg(
                "Completeness score {score:,} is below the threshold {threshold}",
                score=shown(score),
                threshold=campaign.threshold,
            )
        elif before is not None and score < before:
            why = msg(
                "Completeness score fell from {previous_score:,} to {score:,}",
                previous_score=shown(before),
                score=shown(score),
            )
        else:
            continue
        flagged[unit_id] = (score, before, why)
    if not flagged:
        return []
    names = dict((await session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(flagged)))).all())
    out = []
    admins = (await session.execute(_opd_admins().where(User.unit_id.in_(flagged)).order_by(User.id))).all()
    bpsdm = (
        await session.execute(
            select(User.id, User.username)
            .where(User.role == Role.bpsdm_admin.value, User.active.is_(true()))
            .order_by(User.id)
        )
    ).all()
    for unit_id in sorted(flagged):
        score, before, why = flagged[unit_id]
        values = {
            "unit": names.get(unit_id, ""),
            "score": score,
            "previous_score": before,
            "threshold": threshold,
        }
        for user_id, username, admin_unit, _ in admins:
            if admin_unit == unit_id:
                out.append(
                    Recipient(
                        user_id,
                        username,
                        None,
                        _common(ctx, username, username) | values,
                        why,
                        OPD_COMPLETENESS_LINK,
                    )
                )
        # BPSDM hears of every OPD flagged: one message per OPD, told apart in the deduplication key.
        for user_id, username in bpsdm:
            out.append(
                Recipient(
                    user_id,
                    username,
                    None,
                    _common(ctx, username, username) | values,
                    why,
                    BPSDM_COMPLETENESS_LINK.format(unit_id=unit_id),
                    key=f"unit{unit_id}",
                )
            )
    return out


async def account_invitation(session: AsyncSession, ctx: Context, campaign: Campaign) -> list[Recipient]:
    if not in_season(campaign, ctx):
        return []
    rows = await session.execute(
        _asn_accounts().where(User.must_change_password.is_(true())).order_by(User.id)
    )
    return [
        Recipient(
            user_id,
            username,
            nip,
            _common(ctx, name, username) | {"nip": nip, "unit": unit},
            msg("Has not logged in yet: the first-login password is still unchanged"),
            PASSWORD_LINK,
        )
        for user_id, username, nip, name, unit in rows.all()
    ]


async def year_closing(session: AsyncSession, ctx: Context, campaign: Campaign) -> list[Recipient]:
    """OPD admins in the `threshold` days up to the year's closing date (inclusive), with how many
    claims for the year their units still have pending."""
    closing = await years_service.get(session, ctx.year)
    if closing is None or campaign.threshold is None:
        return []
    close_on = closing.claims_close_on
    if not close_on - timedelta(days=campaign.threshold) <= ctx.as_of <= close_on:
        return []
    counts = await _per_admin(session, _pending_per_unit(LearningRecord.year == ctx.year))
    out = []
    for user_id, username, _, unit in (await session.execute(_opd_admins().order_by(User.id))).all():
        pending = counts.get(user_id, (0, None))[0]
        days_left = (close_on - ctx.as_of).days
        out.append(
            Recipient(
                user_id,
                username,
                None,
                _common(ctx, username, username)
                | {"unit": unit, "close_date": close_on, "days_left": days_left, "pending": pending},
                msg(
                    "Claims for {year} close on {date}; {pending:,} still pending in the unit's subtree",
                    year=ctx.year,
                    date=close_on.isoformat(),
                    pending=pending,
                ),
                OPD_LINK,
            )
        )
    return out


AUDIENCES: dict[str, Audience] = {
    templates.ASN_BELOW_JP_TARGET: asn_below_jp_target,
    templates.OPD_QUEUE_OVERDUE: opd_queue_overdue,
    templates.OPD_COMPLETENESS_BELOW: opd_completeness_below,
    templates.ACCOUNT_INVITATION: account_invitation,
    templates.YEAR_CLOSING: year_closing,
}
