from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.reminders.templates import OPD_COMPLETENESS_BELOW, PLACEHOLDERS, YEAR_CLOSING

Audience = Literal[
    "asn_below_jp_target", "opd_queue_overdue", "opd_completeness_below", "account_invitation", "year_closing"
]
Channel = Literal["in_app", "email"]

_AUDIENCES_DESCRIPTION = (
    "Who the campaign chooses, and the placeholders its templates may use:\n"
    + "\n".join(
        f"- `{audience}`: " + ", ".join(f"{{{p}}}" for p in names) for audience, names in PLACEHOLDERS.items()
    )
)


class Campaign(BaseModel):
    """One reminder: who gets it, through which channels, from when, how often, and what it says."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(
        pattern=r"^[a-z][a-z0-9_]{1,39}$",
        description="The campaign's name, unique in the set; the notifications it sends carry it as their kind",
        examples=["asn_below_jp_target"],
    )
    audience: Audience = Field(description=_AUDIENCES_DESCRIPTION)
    channels: list[Channel] = Field(
        min_length=1,
        max_length=2,
        description="`in_app` (the inbox) and/or `email` (each user's preferences still decide)",
        examples=[["in_app", "email"]],
    )
    from_month: int = Field(
        default=1,
        ge=1,
        le=12,
        description="The campaign selects people from the 1st of this month of the year on (inclusive) to the "
        "year's end; `year_closing` runs instead in the `threshold` days up to the year's closing date",
    )
    threshold: int | None = Field(
        default=None,
        ge=0,
        le=366,
        description="`opd_completeness_below`: the score (1–100) under which an OPD is reminded; "
        "`year_closing`: how many days before the closing date the reminders start. Null for other audiences",
    )
    title_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="Indonesian title; the audience's own when null",
    )
    title_en: str | None = Field(
        default=None, min_length=1, max_length=200, description="English title; the audience's own when null"
    )
    template_id: str = Field(min_length=1, max_length=2000, description="Indonesian message, plain text")
    template_en: str = Field(min_length=1, max_length=2000, description="English message, plain text")
    min_interval_days: int = Field(
        ge=1,
        le=366,
        description="The least number of days between two messages of this campaign to one person",
    )
    active: bool = Field(default=True, description="An inactive campaign selects no one")

    @model_validator(mode="after")
    def _consistent(self) -> Campaign:
        if len(set(self.channels)) != len(self.channels):
            raise ValueError("channels lists a channel twice")
        if self.audience == OPD_COMPLETENESS_BELOW:
            if self.threshold is None or not 1 <= self.threshold <= 100:
                raise ValueError("opd_completeness_below needs a threshold score from 1 to 100")
        elif self.audience == YEAR_CLOSING:
            if self.threshold is None:
                raise ValueError("year_closing needs a threshold: the days before the closing date")
        elif self.threshold is not None:
            raise ValueError("threshold is used by opd_completeness_below and year_closing only; send null")
        return self


class ReminderRulesBody(BaseModel):
    """A year's reminder campaigns."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "campaigns": [
                        {
                            "code": "asn_below_jp_target",
                            "audience": "asn_below_jp_target",
                            "channels": ["in_app", "email"],
                            "from_month": 7,
                            "threshold": None,
                            "template_id": "Yth. {name}, JP terverifikasi Anda tahun {year} baru {verified_jp} "
                            "dari target {target_jp} JP; kurang {remaining_jp} JP. Saran pelatihan: {courses}.",
                            "template_en": "Dear {name}, your verified JP for {year} is {verified_jp} of the "
                            "{target_jp} JP target; {remaining_jp} JP to go. Suggested courses: {courses}.",
                            "min_interval_days": 30,
                            "active": True,
                        }
                    ],
                }
            ]
        },
    )

    campaigns: list[Campaign] = Field(max_length=50)

    @model_validator(mode="after")
    def _unique_codes(self) -> ReminderRulesBody:
        codes = [c.code for c in self.campaigns]
        if len(set(codes)) != len(codes):
            raise ValueError("campaigns lists a code twice")
        return self


class ReminderRulesRead(ReminderRulesBody):
    model_config = ConfigDict(extra="forbid")

    year: int = Field(description="The year asked for")
    source_year: int | None = Field(
        description="The year whose campaigns apply (the latest on or before `year` with its own); "
        "null: the built-in defaults"
    )
    updated_at: datetime | None = None


class RunRecipient(BaseModel):
    username: str
    nip: str | None
    reason: str = Field(description="Why this person is chosen, in the caller's language")
    title: str = Field(description="The message's title in the caller's language")
    message: str = Field(description="The message in the caller's language")
    link: str | None = Field(description="The SPA page the message links to")


class CampaignRun(BaseModel):
    campaign: str
    audience: Audience
    selected: int = Field(description="Chosen by the audience's rule, before the interval")
    skipped_recent: int = Field(description="Of those, reminded by this campaign within `min_interval_days`")
    recipients_total: int = Field(description="Who get the message: selected − skipped_recent")
    recipients: list[RunRecipient] = Field(
        description="The first 500 of them (by user); `recipients_total` counts all"
    )
    queued: int = Field(
        description="Messages queued (0 in a dry run; a duplicate of the period is not queued)"
    )


class ReminderRun(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "year": 2026,
                    "as_of": "2026-07-01",
                    "dry_run": True,
                    "results": [
                        {
                            "campaign": "asn_below_jp_target",
                            "audience": "asn_below_jp_target",
                            "selected": 1,
                            "skipped_recent": 0,
                            "recipients_total": 1,
                            "recipients": [
                                {
                                    "username": "198503142010012003",
                                    "nip": "198503142010012003",
                                    "reason": "7.5 of 20 JP verified for 2026",
                                    "title": "Your 2026 JP is below target",
                                    "message": "Dear Siti Rahmawati, …",
                                    "link": "/saya",
                                }
                            ],
                            "queued": 0,
                        }
                    ],
                }
            ]
        }
    )

    year: int
    as_of: date
    dry_run: bool
    results: list[CampaignRun]
