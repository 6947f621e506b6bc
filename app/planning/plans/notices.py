"""Messages about a plan's steps, queued in the transaction that took the step."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import literal, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.auth.models import User
from app.core.i18n import Language, localise, msg
from app.core.security import Role
from app.notifications import outbox
from app.org.models import Unit
from app.planning.models import APPROVED, DevelopmentPlan

SUBMITTED_KIND = "development_plan_submitted"
DECIDED_KIND = "development_plan_decided"
# The SPA's pages: the ASN's own plan, and the OPD admin's approval queue.
ASN_LINK = "/saya/rencana"
ADMIN_LINK = "/opd/rencana"


def _jp(jp: Decimal, language: Language) -> str:
    text = f"{jp.normalize():f}"  # 12.50 → 12.5, 20.00 → 20
    return text.replace(".", ",") if language == "id" else text


def _submitted_texts(
    plan: DevelopmentPlan, asn: Asn, count: int, jp: Decimal, language: Language
) -> tuple[str, str]:
    title = msg("A development plan awaits your decision")
    body = msg(
        "{name} (NIP {nip}) submitted the development plan for {year}: {count} items, {jp} JP.",
        name=asn.name,
        nip=asn.nip,
        year=plan.year,
        count=count,
        jp=_jp(jp, language),
    )
    return str(localise(title, language)), str(localise(body, language))


async def plan_submitted(
    session: AsyncSession, plan: DevelopmentPlan, asn: Asn, count: int, jp: Decimal, actor_id: int | None
) -> None:
    """Tells the OPD admins reaching the ASN (their unit's subtree holds the ASN's unit) that a plan waits."""
    asn_path = select(Unit.path).where(Unit.id == asn.unit_id).scalar_subquery()
    admins = (
        await session.execute(
            select(User.id)
            .join(Unit, Unit.id == User.unit_id)
            .where(
                User.role == Role.opd_admin.value,
                User.active.is_(true()),
                asn_path.like(Unit.path + literal("%")),
            )
            .order_by(User.id)
        )
    ).scalars()
    title_id, body_id = _submitted_texts(plan, asn, count, jp, "id")
    title_en, body_en = _submitted_texts(plan, asn, count, jp, "en")
    await outbox.queue_many(
        session,
        [
            outbox.Outgoing(
                user_id=user_id,
                kind=SUBMITTED_KIND,
                dedup_key=f"{SUBMITTED_KIND}:{plan.id}:{plan.version}",
                title_id=title_id,
                body_id=body_id,
                title_en=title_en,
                body_en=body_en,
                link=ADMIN_LINK,
                email=True,
            )
            for user_id in admins
            if user_id != actor_id
        ],
    )


def _decided_texts(plan: DevelopmentPlan, language: Language) -> tuple[str, str]:
    if plan.status == APPROVED:
        title = msg("Your development plan was approved")
        body = msg("Your development plan for {year} was approved.", year=plan.year)
    else:
        title = msg("Your development plan was returned")
        body = msg("Your development plan for {year} was returned for changes.", year=plan.year)
    text = str(localise(body, language))
    if plan.decision_note:
        text += " " + str(localise(msg("The approver's note: {note}", note=plan.decision_note), language))
    return str(localise(title, language)), text


async def plan_decided(session: AsyncSession, plan: DevelopmentPlan) -> None:
    """Tells the ASN (their active account, if they have one) how their plan was decided."""
    await outbox.tell_asn(
        session,
        plan.nip,
        kind=DECIDED_KIND,
        dedup_key=f"{DECIDED_KIND}:{plan.id}:{plan.version}",
        texts=lambda language: _decided_texts(plan, language),
        link=ASN_LINK,
        # A returned plan asks the ASN to act: worth an email.
        email=plan.status != APPROVED,
    )
