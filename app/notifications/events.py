"""Messages about something that just happened to a person, queued in the transaction that did it."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from app.core.i18n import Language, localise, msg
from app.learning.models import VERIFIED, LearningRecord
from app.notifications import outbox

CLAIM_DECIDED = "claim_decided"
# The ASN's own ledger, where the decision and its note show.
RECORDS_LINK = "/saya/riwayat"


def _jp(jp: Decimal, language: Language) -> str:
    text = f"{jp.normalize():f}"  # 12.50 → 12.5, 20.00 → 20
    return text.replace(".", ",") if language == "id" else text


def _claim_texts(record: LearningRecord, language: Language) -> tuple[str, str]:
    values = {"title": record.title, "jp": _jp(record.jp, language), "year": record.year}
    if record.status == VERIFIED:
        title = msg("Your claim was approved")
        body = msg("“{title}” ({jp} JP) was verified and counts for {year}.", **values)
    else:
        title = msg("Your claim was rejected")
        body = msg("“{title}” ({jp} JP) was not accepted for {year}.", **values)
    text = str(localise(body, language))
    if record.decision_note:
        text += " " + str(localise(msg("The verifier's note: {note}", note=record.decision_note), language))
    return str(localise(title, language)), text


async def claim_decided(session: AsyncSession, record: LearningRecord) -> None:
    """Tells the claimant (their active ASN account, if they have one) that an admin decided the claim."""
    await outbox.tell_asn(
        session,
        record.nip,
        kind=CLAIM_DECIDED,
        dedup_key=f"{CLAIM_DECIDED}:{record.id}",
        texts=lambda language: _claim_texts(record, language),
        link=RECORDS_LINK,
        # A rejection asks the ASN to act (file again, with better evidence): worth an email.
        email=record.status != VERIFIED,
    )
