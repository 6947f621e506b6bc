"""Reminder campaigns: a year's set (its own, an earlier year's, or the defaults), and running them.

A run chooses each active campaign's audience (app/reminders/audiences.py), leaves out whoever that
campaign reminded within its `min_interval_days`, and queues one message per person through the outbox
in the caller's transaction. The outbox keys each message by campaign, year and period (the as-of day's
ordinal divided by the interval), so a second run in the same period queues nothing even if the interval
check were bypassed. A dry run does the choosing and writes nothing.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core import audit
from app.core.concurrency import check_if_match
from app.core.config import Settings
from app.core.errors import NotFound
from app.core.i18n import LANGUAGES, Language, current_language, localise, msg
from app.core.security import Principal
from app.core.types import latest_indonesian_date
from app.notifications import outbox
from app.reminders import templates
from app.reminders.audiences import AUDIENCES, Context, Recipient, start_of
from app.reminders.defaults import DEFAULT_REMINDER_RULES
from app.reminders.models import ReminderRuleSet
from app.reminders.schemas import (
    Campaign,
    CampaignRun,
    ReminderRulesBody,
    ReminderRulesRead,
    ReminderRun,
    RunRecipient,
)
from app.rules import service as rules_service
from app.years import service as years_service

# A run's answer lists this many recipients per campaign; `recipients_total` counts them all.
LISTED = 500
LOGIN_PATH = "/login"


def login_url(settings: Settings) -> str:
    """What `{login_url}` says: the SPA's login page at the address users know (BANGKOM_PUBLIC_URL).

    Deployment configuration, not rule data: a template cannot point people at another site.
    """
    return settings.public_url.rstrip("/") + LOGIN_PATH if settings.public_url else LOGIN_PATH


# What the inbox stores of a title; a long unit name may make a filled one longer.
TITLE_LENGTH = 300


class CampaignNotFound(NotFound):
    code = "campaign_not_found"


async def applicable(session: AsyncSession, year: int) -> tuple[ReminderRuleSet | None, ReminderRulesBody]:
    """The campaigns in force for `year`: its own set, else the latest earlier year's, else the defaults."""
    row = (
        await session.execute(
            select(ReminderRuleSet)
            .where(ReminderRuleSet.year <= year)
            .order_by(ReminderRuleSet.year.desc())
            .limit(1)
        )
    ).scalar_one_or_none()
    data = DEFAULT_REMINDER_RULES if row is None else row.data
    return row, ReminderRulesBody.model_validate(data)


def to_read(row: ReminderRuleSet | None, body: ReminderRulesBody, year: int) -> ReminderRulesRead:
    return ReminderRulesRead.model_validate(
        body.model_dump()
        | {
            "year": year,
            "source_year": None if row is None else row.year,
            "updated_at": None if row is None else row.updated_at,
        }
    )


def check_templates(body: ReminderRulesBody) -> None:
    for campaign in body.campaigns:
        for field in ("title_id", "title_en", "template_id", "template_en"):
            value = getattr(campaign, field)
            if value is not None:
                templates.check(value, campaign.audience, campaign=campaign.code, field=field)


async def replace(
    session: AsyncSession, principal: Principal, year: int, body: ReminderRulesBody, if_match: str | None
) -> tuple[ReminderRuleSet, bool]:
    """Create or replace the year's own campaigns; replacing needs If-Match (docs/api.md, Conventions)."""
    check_templates(body)
    data = audit.jsonable(body.model_dump())
    existing = await session.get(ReminderRuleSet, year)
    if existing is None:
        row = ReminderRuleSet(year=year, data=data)
        session.add(row)
        await session.flush()
        audit.record(session, principal, "create", "reminder_rules", year, after=data)
        return row, True
    check_if_match(if_match, existing.version)
    before = audit.jsonable(ReminderRulesBody.model_validate(existing.data).model_dump())
    if data != before:
        existing.data = data
        await session.flush()
        audit.record(session, principal, "update", "reminder_rules", year, before=before, after=data)
    return existing, False


# -- running ----------------------------------------------------------------------------------------------


async def run(
    session: AsyncSession,
    actor: Principal | str,
    year: int,
    *,
    dry_run: bool,
    campaign: str | None = None,
    as_of: date | None = None,
    login_url: str = LOGIN_PATH,
) -> ReminderRun:
    """Run the year's active campaigns (or the one named) as of `as_of` (today by default)."""
    as_of = as_of or latest_indonesian_date()
    _, body = await applicable(session, year)
    campaigns = body.campaigns
    if campaign is not None:
        campaigns = [c for c in campaigns if c.code == campaign]
        if not campaigns:
            raise CampaignNotFound(
                msg("{year}'s reminder rules have no campaign {campaign}", year=year, campaign=campaign[:40])
            )
    ctx = Context(year, as_of, await rules_service.rules_for_year(session, year), login_url)
    language = current_language()
    results, counts = [], {}
    for c in campaigns:
        chosen = await AUDIENCES[c.audience](session, ctx, c) if c.active else []
        recent = await _recently_reminded(session, c, as_of) if chosen else set()
        keep = [r for r in chosen if r.user_id not in recent]
        queued = 0 if dry_run or not keep else await outbox.queue_many(session, _outgoing(c, ctx, keep))
        counts[c.code] = {
            "selected": len(chosen),
            "skipped_recent": len(chosen) - len(keep),
            "queued": queued,
        }
        results.append(
            CampaignRun(
                campaign=c.code,
                audience=c.audience,
                selected=len(chosen),
                skipped_recent=len(chosen) - len(keep),
                recipients_total=len(keep),
                recipients=[_listed(c, r, language) for r in keep[:LISTED]],
                queued=queued,
            )
        )
    if not dry_run:
        audit.record(
            session,
            actor,
            "run",
            "reminder_run",
            f"{year}:{as_of.isoformat()}",
            after={"year": year, "as_of": as_of.isoformat(), "campaigns": counts},
        )
    return ReminderRun(year=year, as_of=as_of, dry_run=dry_run, results=results)


async def _recently_reminded(session: AsyncSession, campaign: Campaign, as_of: date) -> set[int]:
    """Users this campaign reminded within its interval: on or after the day `min_interval_days - 1`
    days before `as_of` (an interval of 7 lets a Monday's reminder go again the next Monday)."""
    last = outbox.last_notified(campaign.code).subquery()
    user_id, at = list(last.c)[:2]
    since = start_of(as_of - timedelta(days=campaign.min_interval_days - 1))
    return set((await session.execute(select(user_id).where(at >= since))).scalars())


def _title(campaign: Campaign, language: Language) -> str:
    own = campaign.title_id if language == "id" else campaign.title_en
    return own or templates.TITLES[campaign.audience][language]


def _body(campaign: Campaign, language: Language) -> str:
    return campaign.template_id if language == "id" else campaign.template_en


def _outgoing(campaign: Campaign, ctx: Context, recipients: list[Recipient]) -> list[outbox.Outgoing]:
    period = ctx.as_of.toordinal() // campaign.min_interval_days
    key = f"{campaign.code}:{ctx.year}:{period}"
    email = "email" in campaign.channels
    # Read once, filled for each person: (title, body) per language and the placeholders they use.
    texts = templates.texts
    compiled = {}
    for language in LANGUAGES:
        title, body = (
            templates.Template.of(_title(campaign, language)),
            templates.Template.of(_body(campaign, language)),
        )
        compiled[language] = (title, body, frozenset(title.names + body.names))
    (title_id, body_id, wanted_id), (title_en, body_en, wanted_en) = compiled["id"], compiled["en"]
    items = []
    for r in recipients:
        in_id, in_en = texts(r.values, "id", wanted_id), texts(r.values, "en", wanted_en)
        items.append(
            outbox.Outgoing(
                user_id=r.user_id,
                kind=campaign.code,
                dedup_key=f"{key}:{r.key}" if r.key else key,
                title_id=title_id.fill(in_id)[:TITLE_LENGTH],
                body_id=body_id.fill(in_id),
                title_en=title_en.fill(in_en)[:TITLE_LENGTH],
                body_en=body_en.fill(in_en),
                link=r.link,
                email=email,
            )
        )
    return items


def _listed(campaign: Campaign, r: Recipient, language: Language) -> RunRecipient:
    values: dict[str, Any] = r.values
    return RunRecipient(
        username=r.username,
        nip=r.nip,
        reason=str(localise(r.reason, language)),
        title=templates.render(_title(campaign, language), values, language),
        message=templates.render(_body(campaign, language), values, language),
        link=r.link,
    )


async def default_years(session: AsyncSession, today: date | None = None) -> list[int]:
    """What a daily run covers: this year, and last year while its claims are still open (its closing
    reminders fall early in this year)."""
    today = today or latest_indonesian_date()
    last = await years_service.get(session, today.year - 1)
    return [today.year] + ([today.year - 1] if last is not None and today <= last.claims_close_on else [])
