"""The checklist: what each indicator asks of an active ASN on a day, as SQL over the `asn` row joined
to the facts found elsewhere (assessments, SKP results, JP, the verification queue).

Every condition is a boolean that is never NULL, so `NOT condition` picks exactly the people missing it
(data gaps), and `CASE WHEN condition` counts those who have it (the report). The province's 60,000
people cost one pass over `asn`, one range scan per source and one aggregate by NIP.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Literal

from sqlalchemy import ColumnElement, Integer, Select, Subquery, and_, func, literal, select, union_all

from app.asn.models import Asn
from app.competencies.models import Assessment, PositionStandard
from app.core.i18n import Message, msg
from app.core.types import WIT
from app.learning.models import PENDING, JpYearTotal, LearningRecord
from app.rules.completeness import INDICATOR_CODES, CompletenessRules, IndicatorCode
from app.talent.models import Performance, PotentialAssessment

# Days are counted in Indonesia's easternmost zone, as `latest_indonesian_date` does: a claim filed on
# the evening of the 1st anywhere in the country was filed on the 1st or the 2nd, never the 31st.


def _labels() -> dict[IndicatorCode, Message]:
    return {
        "contact": msg("Email and phone in the profile"),
        "education": msg("Highest education in the profile"),
        "position_standard": msg("A position with a competency standard"),
        "competency_assessment": msg("A competency assessment still valid"),
        "potential_assessment": msg("A potential assessment"),
        "performance_last_year": msg("Last year's SKP result"),
        "jp_this_year": msg("Learning (JP) recorded this year"),
        "queue_within_sla": msg("No claim waiting past the verification deadline"),
    }


LABELS = _labels()


ActionCode = Literal[
    "fill_contact",
    "fill_education",
    "set_position",
    "define_standard",
    "record_assessment",
    "record_potential",
    "record_performance",
    "file_claim",
    "verify_claims",
]


def _actions() -> dict[ActionCode, Message]:
    return {
        "fill_contact": msg("Fill in the email and phone number in the profile"),
        "fill_education": msg("Fill in the highest education in the profile"),
        "set_position": msg("Give the ASN a position"),
        "define_standard": msg("Define the competency standard of the ASN's position"),
        "record_assessment": msg("Record a competency assessment"),
        "record_potential": msg("Record a potential assessment"),
        "record_performance": msg("Record last year's SKP result"),
        "file_claim": msg("Record or claim this year's learning"),
        "verify_claims": msg("Verify the claims waiting past the deadline"),
    }


ACTION_LABELS = _actions()


@dataclass(frozen=True, slots=True)
class Day:
    """What the conditions of one day need: the day and that year's completeness rules."""

    as_of: date
    valid_years: int
    sla_days: int

    @classmethod
    def of(cls, as_of: date, rules: CompletenessRules) -> Day:
        return cls(as_of, rules.assessment_valid_years, rules.queue_sla_days)

    @property
    def assessed_since(self) -> date:
        return years_before(self.as_of, self.valid_years)

    @property
    def ends_at(self) -> datetime:
        """The end of `as_of`: a claim filed later was not in that day's queue."""
        return datetime.combine(self.as_of + timedelta(days=1), time(0), tzinfo=WIT)

    @property
    def overdue_before(self) -> datetime:
        """A claim filed before this moment has waited more than the SLA on `as_of`: filed on day
        `as_of − sla − 1` or earlier, so `as_of − filed > sla`."""
        return datetime.combine(days_before(self.as_of, self.sla_days), time(0), tzinfo=WIT)


def days_before(day: date, days: int) -> date:
    """`days` earlier, or the first day there is (a day asked for in year 1 has no earlier days)."""
    try:
        return day - timedelta(days=days)
    except OverflowError:
        return date.min


def years_before(day: date, years: int) -> date:
    """The same calendar day `years` earlier; 29 February becomes 28 February in a common year."""
    if day.year - years < date.min.year:
        return date.min
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def filed_on(created_at: datetime) -> date:
    return created_at.astimezone(WIT).date()


def age_days(created_at: datetime, as_of: date) -> int:
    return max(0, (as_of - filed_on(created_at)).days)


def _filled(column: Any) -> ColumnElement[bool]:
    # Profiles are validated on the way in (app/asn/schemas.py): no blank or padded values to trim.
    return and_(column.is_not(None), column != "")


def overdue_claims(day: Day) -> ColumnElement[bool]:
    return and_(LearningRecord.status == PENDING, LearningRecord.created_at < day.overdue_before)


# The indicators read from other tables than `asn`, and the overdue claims behind `queue_within_sla`.
FACTS = ("competency_assessment", "potential_assessment", "performance_last_year", "jp_this_year", "overdue")


def facts(day: Day, people: Select[Any] | None = None) -> Subquery:
    """Per NIP with any of them, a 0/1 column per fact: every source read once, in one aggregate.

    One hash aggregate over the sources' rows (index-only range scans) is cheaper and steadier than
    a hashed set per indicator: PostgreSQL hashes an `IN (SELECT …)` only while it fits `work_mem`,
    and probes the table row by row otherwise. `people` (a SELECT of NIPs) limits every source to a
    subtree's ASN.
    """

    def branch(nip: Any, fact: str, *where: ColumnElement[bool]) -> Select[Any]:
        flags = [literal(int(f == fact), Integer).label(f) for f in FACTS]
        found = select(nip.label("nip"), *flags).where(*where)
        return found if people is None else found.where(nip.in_(people))

    sources = union_all(
        branch(
            Assessment.nip,
            "competency_assessment",
            Assessment.assessed_on >= day.assessed_since,
            Assessment.assessed_on <= day.as_of,
        ),
        branch(PotentialAssessment.nip, "potential_assessment", PotentialAssessment.assessed_on <= day.as_of),
        branch(Performance.nip, "performance_last_year", Performance.year == day.as_of.year - 1),
        # Verified JP from the year totals the transitions keep (a record's JP is never 0), pending
        # claims from the ledger's small pending index.
        branch(JpYearTotal.nip, "jp_this_year", JpYearTotal.year == day.as_of.year, JpYearTotal.jp > 0),
        branch(
            LearningRecord.nip,
            "jp_this_year",
            LearningRecord.status == PENDING,
            LearningRecord.year == day.as_of.year,
        ),
        branch(LearningRecord.nip, "overdue", overdue_claims(day)),
    ).subquery("fact_rows")
    return (
        select(sources.c.nip, *(func.max(sources.c[f]).label(f) for f in FACTS))
        .group_by(sources.c.nip)
        .subquery("facts")
    )


def conditions(found: Subquery) -> dict[IndicatorCode, ColumnElement[bool]]:
    """Each indicator's condition on an `asn` row outer-joined to `found` (facts()), in checklist order."""

    def has(fact: str) -> ColumnElement[bool]:
        return func.coalesce(found.c[fact], 0) == 1

    checks: dict[IndicatorCode, ColumnElement[bool]] = {
        "contact": and_(_filled(Asn.email), _filled(Asn.phone)),
        "education": _filled(Asn.education_level),
        # No position is a miss, never an unknown: IS NOT NULL comes first. The standards' positions
        # are a few thousand integers, hashed once.
        "position_standard": and_(
            Asn.position_id.is_not(None),
            Asn.position_id.in_(select(PositionStandard.position_id).distinct()),
        ),
        "competency_assessment": has("competency_assessment"),
        "potential_assessment": has("potential_assessment"),
        "performance_last_year": has("performance_last_year"),
        "jp_this_year": has("jp_this_year"),
        "queue_within_sla": func.coalesce(found.c.overdue, 0) == 0,
    }
    return {code: checks[code] for code in INDICATOR_CODES}


def actions_for(missing: Sequence[IndicatorCode], has_position: bool) -> list[ActionCode]:
    """What closes each missing indicator, in the checklist's order."""
    closing: dict[IndicatorCode, ActionCode] = {
        "contact": "fill_contact",
        "education": "fill_education",
        "position_standard": "define_standard" if has_position else "set_position",
        "competency_assessment": "record_assessment",
        "potential_assessment": "record_potential",
        "performance_last_year": "record_performance",
        "jp_this_year": "file_claim",
        "queue_within_sla": "verify_claims",
    }
    return [closing[code] for code in missing]
