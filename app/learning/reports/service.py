"""Reading JP: one ASN's yearly summary, the compliance report per unit, the verification queue.

Summaries and reports read jp_totals (verified JP per ASN, year and form, kept current by every
transition), never the ledger's millions of rows; only pending JP and the queue touch the ledger.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Integer,
    Numeric,
    Select,
    String,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn import service as asn_service
from app.asn.models import Asn
from app.core.fastread import FastReader
from app.core.i18n import msg
from app.core.report_cache import ReportCache
from app.core.security import Principal
from app.core.types import round2, round_jp
from app.learning import service
from app.learning.jp import yearly_caps
from app.learning.models import PENDING, JpTotal, JpYearTotal, LearningRecord
from app.learning.reports.schemas import (
    Figures,
    FormJp,
    JpComplianceReport,
    JpSummary,
    PppkFigures,
    QueueItem,
    UnitJpCompliance,
)
from app.org import service as org_service
from app.org.models import Unit
from app.rules import service as rules_service
from app.rules.models import RuleSet
from app.rules.schemas import RuleSetBody

PPPK = "pppk"
ZERO = Decimal(0)
JP_SUM = Numeric(12, 2)


# -- the rules a summary needs ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class YearRules:
    pns_min_jp: Decimal
    pppk_max_jp: Decimal
    caps: dict[str, Decimal]


_RULES_BY_VERSION: dict[str, YearRules] = {}


def _rules_statement() -> Any:
    return select(RuleSet.data).where(RuleSet.year == bindparam("rules_year", type_=Integer))


async def _year_rules(reader: FastReader, key: str) -> YearRules:
    """The rule set parsed once per "year:version:updated_at" key, the summary query's short answer."""
    found = _RULES_BY_VERSION.get(key)
    if found is None:
        row = await reader.fetch_one(
            "rules.data", _rules_statement, {"rules_year": int(key.split(":", 1)[0])}
        )
        if row is None:  # changed between the two reads; the next request sees the new version
            raise rules_service.RulesNotFound("The rule set changed while it was read; try again")
        data = row["data"]
        rules = (
            RuleSetBody.model_validate_json(data)
            if isinstance(data, str | bytes)
            else RuleSetBody.model_validate(data)
        )
        found = YearRules(rules.pns_min_jp, rules.pppk_max_jp, yearly_caps(rules))
        if len(_RULES_BY_VERSION) >= 64:
            _RULES_BY_VERSION.clear()
        _RULES_BY_VERSION[key] = found
    return found


# -- GET /asn/{nip}/jp-summary --------------------------------------------------------------------------


def _summary_statement(shape: str) -> Any:
    """One round trip: the ASN (scoped), its verified totals per form, pending JP and the rules in force.

    One row per form with verified records (or one row with a null form); the scalar subqueries do
    not depend on the row, so PostgreSQL runs each once.
    """
    nip, year = bindparam("nip", type_=String), bindparam("year", type_=Integer)
    pending = (
        select(func.coalesce(func.sum(LearningRecord.jp), 0))
        .where(LearningRecord.nip == nip, LearningRecord.year == year, LearningRecord.status == PENDING)
        .scalar_subquery()
    )
    # The rule set in force as "year:version:updated_at" (a set rolled back and made again differs in
    # its time); a year before the first set uses the first one.
    key = (
        cast(RuleSet.year, String)
        + literal(":")
        + cast(RuleSet.version, String)
        + literal(":")
        + cast(RuleSet.updated_at, String)
    )
    in_force = (
        select(key).where(RuleSet.year <= year).order_by(RuleSet.year.desc()).limit(1).scalar_subquery()
    )
    earliest = select(key).order_by(RuleSet.year).limit(1).scalar_subquery()
    stmt = (
        select(
            Asn.employment_type,
            JpTotal.form_code,
            JpTotal.jp,
            JpTotal.records,
            pending.label("pending_jp"),
            func.coalesce(in_force, earliest).label("rules"),
        )
        .select_from(Asn)
        .outerjoin(JpTotal, and_(JpTotal.nip == Asn.nip, JpTotal.year == year, JpTotal.records > 0))
        .where(Asn.nip == nip)
    )
    return asn_service.scoped_by_shape(stmt, shape)


def _form_order(code: str) -> tuple[int, str]:
    return len(code), code  # "2" before "10": SIASN codes are numbers kept as text


async def jp_summary(reader: FastReader, principal: Principal, nip: str, year: int) -> JpSummary:
    shape, params = asn_service.scope_shape(principal, nip)
    rows = await reader.fetch_all(
        f"learning.jp_summary.{shape}", lambda: _summary_statement(shape), params | {"nip": nip, "year": year}
    )
    if not rows:
        raise asn_service.AsnNotFound(msg("No ASN with NIP {nip} in your scope", nip=nip[:18]))
    first = rows[0]
    if first["rules"] is None:
        raise rules_service.RulesNotFound("No rule set is configured; run the migrations")
    rules = await _year_rules(reader, first["rules"])
    by_form: list[FormJp] = []
    verified = ZERO
    for row in sorted(
        (r for r in rows if r["form_code"] is not None), key=lambda r: _form_order(r["form_code"])
    ):
        recorded = round_jp(Decimal(row["jp"]))
        cap = rules.caps.get(row["form_code"])
        counted = recorded if cap is None else min(recorded, cap)
        verified += counted
        by_form.append(
            FormJp(form_code=row["form_code"], jp=counted, recorded_jp=recorded, records=row["records"])
        )
    verified = round_jp(verified)
    pppk = first["employment_type"] == PPPK
    target = None if pppk else rules.pns_min_jp
    cap_jp = rules.pppk_max_jp if pppk else None
    # A PPPK's development counts up to the cap (PP 49/2018 art. 40); what went beyond it shows as
    # over_cap and in by_form, never as JP counted toward the year.
    over_cap = None if cap_jp is None else verified > cap_jp
    if cap_jp is not None and over_cap:
        verified = round_jp(cap_jp)
    return JpSummary(
        nip=nip,
        year=year,
        employment_type=first["employment_type"],
        verified_jp=verified,
        pending_jp=round_jp(Decimal(first["pending_jp"])),
        target_jp=target,
        cap_jp=cap_jp,
        remaining_jp=None if target is None else round_jp(max(ZERO, target - verified)),
        compliant=None if target is None else verified >= target,
        over_cap=over_cap,
        by_form=by_form,
    )


# -- GET /reports/jp-compliance -------------------------------------------------------------------------


def _per_asn_jp(year: int, unit_ids: Sequence[int] | None) -> Any:
    """Verified JP per ASN in the year with the forms' yearly caps applied (jp_year_totals, one row per ASN)."""
    stmt = select(JpYearTotal.nip, JpYearTotal.jp.label("jp")).where(JpYearTotal.year == year)
    if unit_ids is not None:
        # Repeated here because PostgreSQL does not push the outer unit filter into the subquery.
        stmt = stmt.where(JpYearTotal.nip.in_(select(Asn.nip).where(Asn.unit_id.in_(unit_ids))))
    return stmt.subquery("per_asn")


def compliance_statement(year: int, target: Decimal, cap: Decimal, unit_ids: Sequence[int] | None) -> Any:
    """Active ASN per unit and employment type: headcount, reaching the target, reaching and going over
    the cap, total JP.

    One row per (unit, employment type), at most a few hundred, from jp_year_totals (one row per
    ASN and year) rather than the ledger.
    """
    per_asn = _per_asn_jp(year, unit_ids)
    jp = func.coalesce(per_asn.c.jp, literal(0, JP_SUM))
    stmt = (
        select(
            Asn.unit_id,
            Asn.employment_type,
            func.count().label("headcount"),
            func.sum(case((jp >= literal(target, JP_SUM), 1), else_=0)).label("compliant"),
            func.sum(case((jp >= literal(cap, JP_SUM), 1), else_=0)).label("reached_cap"),
            func.sum(case((jp > literal(cap, JP_SUM), 1), else_=0)).label("over_cap"),
            func.coalesce(func.sum(per_asn.c.jp), literal(0, JP_SUM)).label("total_jp"),
        )
        .select_from(Asn)
        .outerjoin(per_asn, per_asn.c.nip == Asn.nip)
        .where(Asn.active.is_(True))
        .group_by(Asn.unit_id, Asn.employment_type)
    )
    if unit_ids is not None:
        stmt = stmt.where(Asn.unit_id.in_(unit_ids))
    return stmt


@dataclass(slots=True)
class _Tally:
    headcount: int = 0
    compliant: int = 0
    reached_cap: int = 0
    over_cap: int = 0
    total: Decimal = ZERO

    def add(
        self, headcount: int, compliant: int, total: Decimal, reached_cap: int = 0, over_cap: int = 0
    ) -> None:
        self.headcount += headcount
        self.compliant += compliant
        self.reached_cap += reached_cap
        self.over_cap += over_cap
        self.total += total

    def mean(self) -> Decimal:
        return round_jp(self.total / self.headcount) if self.headcount else round_jp(ZERO)

    def figures(self) -> dict[str, Any]:
        pct = Decimal(100 * self.compliant) / self.headcount if self.headcount else ZERO
        return {
            "headcount": self.headcount,
            "compliant": self.compliant,
            "non_compliant": self.headcount - self.compliant,
            "compliance_pct": round2(pct),
            "total_jp": round_jp(self.total),
            "mean_jp": self.mean(),
        }


def _depth(path: str) -> int:
    return path.count("/") - 1  # "/1/7/" is depth 2


async def jp_compliance(
    session: AsyncSession,
    principal: Principal,
    year: int,
    unit_id: int | None,
) -> JpComplianceReport:
    root = await org_service.unit_in_reach(session, principal, unit_id)
    return await _compliance(session, root, year)


async def jp_compliance_json(
    session: AsyncSession, principal: Principal, year: int, unit_id: int | None, cache: ReportCache
) -> str:
    """The report as sent, computed once per change of the data (app.core.report_cache).

    The scope is checked first; what is cached is the unit's report, the same for all who may read it.
    """
    root = await org_service.unit_in_reach(session, principal, unit_id)

    async def compute() -> str:
        return (await _compliance(session, root, year)).model_dump_json()

    return await cache.get(session, ("jp_compliance", year, None if root is None else root.id), compute)


async def _compliance(session: AsyncSession, root: Unit | None, year: int) -> JpComplianceReport:
    rules = await rules_service.rules_for_year(session, year)
    units_stmt = select(Unit.id, Unit.code, Unit.name, Unit.path)
    if root is not None:
        units_stmt = units_stmt.where(Unit.path.like(root.path + "%"))
    units = (await session.execute(units_stmt)).all()

    # Each unit of the subtree counts in the row of its ancestor just below the root (None: the root).
    root_depth = _depth(root.path) if root is not None else 0
    row_of: dict[int, int | None] = {}
    for unit in units:
        ids = unit.path.strip("/").split("/")
        row_of[unit.id] = int(ids[root_depth]) if len(ids) > root_depth else None
    children = sorted(
        (u for u in units if _depth(u.path) == root_depth + 1), key=lambda u: (u.name.lower(), u.id)
    )

    stmt = compliance_statement(
        year,
        rules.pns_min_jp,
        rules.pppk_max_jp,
        None if root is None else list(row_of),
    )
    rows: dict[int | None, _Tally] = {u.id: _Tally() for u in children}
    rows[None] = _Tally()
    top, pppk = _Tally(), _Tally()
    for row in (await session.execute(stmt)).all():
        if row.unit_id not in row_of:
            continue
        total = Decimal(row.total_jp)
        if row.employment_type == PPPK:
            pppk.add(row.headcount, 0, total, row.reached_cap, row.over_cap)
            continue
        top.add(row.headcount, row.compliant, total)
        rows[row_of[row.unit_id]].add(row.headcount, row.compliant, total)

    return JpComplianceReport(
        year=year,
        unit_id=None if root is None else root.id,
        name=None if root is None else root.name,
        target_jp=rules.pns_min_jp,
        **top.figures(),
        direct=None if root is None else Figures(**rows[None].figures()),
        units=[
            UnitJpCompliance(unit_id=u.id, code=u.code, name=u.name, **rows[u.id].figures()) for u in children
        ],
        pppk=PppkFigures(
            cap_jp=rules.pppk_max_jp,
            headcount=pppk.headcount,
            reached_cap=pppk.reached_cap,
            total_jp=round_jp(pppk.total),
            mean_jp=pppk.mean(),
            over_cap=pppk.over_cap,
        ),
    )


# -- GET /verification-queue ----------------------------------------------------------------------------


def queue_query(
    principal: Principal,
    root: Unit | None,
    *,
    form_code: str | None = None,
    year: int | None = None,
    has_evidence: bool | None = None,
) -> Select[Any]:
    """Pending claims of the ASN in reach (below `root` when given), narrowed by the queue's filters.

    `year` is the activity's year (the year it ended, the year its JP count in), not the year the
    claim was filed: an admin clears a year's JP, and a 2024 course filed in 2026 counts in 2024.
    """
    stmt = select(LearningRecord).where(LearningRecord.status == PENDING)
    if form_code is not None:
        stmt = stmt.where(LearningRecord.form_code == form_code)
    if year is not None:
        stmt = stmt.where(LearningRecord.year == year)
    if has_evidence is not None:
        has = LearningRecord.evidence_key.is_not(None)
        stmt = stmt.where(has if has_evidence else LearningRecord.evidence_key.is_(None))
    people = select(Asn.nip)
    condition = asn_service.scope_condition(principal)
    if condition is not None:
        people = people.where(condition)
    if root is not None:
        people = people.where(Asn.unit_id.in_(org_service.subtree_ids(root.id)))
    if condition is not None or root is not None:
        # Without a limit (BPSDM, auditors) the count needs no join: every record has its ASN.
        stmt = stmt.where(LearningRecord.nip.in_(people))
    return stmt


async def queue_items(session: AsyncSession, records: Sequence[LearningRecord]) -> list[QueueItem]:
    """Each claim with its ASN's name and unit (one query for the page)."""
    people: dict[str, tuple[str, int]] = {}
    if records:
        found = await session.execute(
            select(Asn.nip, Asn.name, Asn.unit_id).where(Asn.nip.in_({r.nip for r in records}))
        )
        people = {nip: (name, unit_id) for nip, name, unit_id in found.all()}
    items = []
    for record in records:
        name, unit_id = people[record.nip]
        fields = service.to_read(record).model_dump() | {"asn_name": name, "unit_id": unit_id}
        items.append(QueueItem.model_validate(fields))
    return items
