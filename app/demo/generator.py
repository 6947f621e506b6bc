"""`bangkom demo load`: a believable Pemprov Kalimantan Timur (units, positions, ASN) and demo logins."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import String, Table, and_, bindparam, case, cast, func, insert, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.auth.models import User
from app.auth.service import create_user
from app.competencies.models import (
    Assessment,
    AssessmentResult,
    Competency,
    CompetencyLevel,
    PositionStandard,
)
from app.competencies.standards import standings
from app.core import audit, changes
from app.core.changes import Change
from app.core.db import Base, chunked
from app.core.locks import advisory_xact_lock
from app.core.security import Role
from app.core.types import UTCDateTime, latest_indonesian_date, utcnow
from app.demo import completeness, structure
from app.demo.budgets import load_budgets
from app.demo.competencies import load_competencies
from app.demo.learning import load_learning
from app.demo.people import TODAY, Cast, PeopleFactory, Seat, Staffing, field_for, generate_people
from app.demo.planning import PlanningSummary, load_planning
from app.demo.structure import PositionPlan, UnitPlan
from app.demo.talent import TalentSummary, load_talent
from app.learning.models import VOIDED, LearningRecord
from app.org import service as org_service
from app.org.models import Unit
from app.rules import service as rules_service
from app.rules.models import RuleSet
from app.talent.models import Performance

DEMO_PASSWORD = "Bangkom#2026"
# Shown for a login this run did not create: it may have been changed since, or made by hand.
EARLIER_PASSWORD = "(as set before)"
# Rows per INSERT: large enough to amortise round trips, small enough to keep memory flat.
CHUNK_SIZE = 2_000
DEMO_OPD = "DISKOMINFO"
# The two demo ASN work here, in positions every Diskominfo bidang has.
DEMO_ASN_UNIT = "DISKOMINFO_APTIKA"
DEMO_PNS_POSITION = "Pranata Komputer Ahli Pertama"
DEMO_PPPK_POSITION = "Pranata Komputer Terampil"
ADMIN_LOGINS = (
    ("bpsdm", Role.bpsdm_admin, None),
    ("auditor", Role.auditor, None),
    ("opd.diskominfo", Role.opd_admin, "DISKOMINFO"),
    ("opd.bpsdm", Role.opd_admin, "BPSDM"),
)

_UNITS: Table = Base.metadata.tables["units"]
_POSITIONS: Table = Base.metadata.tables["positions"]
_ASN: Table = Base.metadata.tables["asn"]
_CHANGES: Table = Base.metadata.tables["change_log"]


@dataclass(frozen=True, slots=True)
class DemoLogin:
    username: str
    password: str
    role: str
    reaches: str
    nip: str | None = None


@dataclass(slots=True)
class DemoSummary:
    loaded: bool
    seed: int
    units: int = 0
    opds: int = 0
    positions_by_jenis: dict[str, int] = field(default_factory=dict)
    asn_by_type: dict[str, int] = field(default_factory=dict)
    inactive: int = 0
    learning_records: int = 0
    standard_lines: int = 0
    assessments: int = 0
    courses: int = 0
    budget_years: list[int] = field(default_factory=list)
    talent: TalentSummary = field(default_factory=TalentSummary)
    rules_copied_from: int | None = None
    incomplete_profiles: int = 0
    completeness_snapshots: int = 0
    planning: PlanningSummary = field(default_factory=PlanningSummary)
    logins: list[DemoLogin] = field(default_factory=list)

    @property
    def positions(self) -> int:
        return sum(self.positions_by_jenis.values())

    @property
    def asn(self) -> int:
        return sum(self.asn_by_type.values())

    def counts(self) -> dict[str, Any]:
        return {
            "units": self.units,
            "positions": self.positions_by_jenis,
            "asn": self.asn_by_type,
            "inactive": self.inactive,
            "learning_records": self.learning_records,
            "standard_lines": self.standard_lines,
            "assessments": self.assessments,
            "courses": self.courses,
            "budget_years": self.budget_years,
            "performances": self.talent.performances,
            "potential_assessments": self.talent.potential_assessments,
            "disciplinary_records": self.talent.sanctions,
            "rules_copied_from": self.rules_copied_from,
            "incomplete_profiles": self.incomplete_profiles,
            "completeness_snapshots": self.completeness_snapshots,
            "development_plans": self.planning.plans,
            "course_sessions": self.planning.sessions,
            "nominations": self.planning.nominations,
            "development_programs": self.planning.programmes,
            "logins": [login.username for login in self.logins],
        }

    def describe(self) -> str:
        if self.loaded:
            lines = [
                f"Demo data loaded (seed {self.seed}; ages as of {TODAY.isoformat()}):",
                f"  units      {self.units:>7,}  ({self.opds} perangkat daerah and their sub-units)",
                f"  positions  {self.positions:>7,}  ({_breakdown(self.positions_by_jenis)})",
                f"  ASN        {self.asn:>7,}  ({_breakdown(self.asn_by_type)}; {self.inactive:,} inactive)",
                f"  learning   {self.learning_records:>7,}  records over the last three years, with their history",
                f"  standards  {self.standard_lines:>7,}  position standard lines (defaults plus teknis)",
                f"  assessed   {self.assessments:>7,}  competency assessments; {self.courses} catalogue courses",
                f"  budgets    {len(self.budget_years):>7,}  years ({_years(self.budget_years)}) with unit pagu/realisasi",
                *_talent_lines(self.talent),
                f"  data gaps  {self.incomplete_profiles:>7,}  profiles lacking a phone, email or education "
                "(some OPDs fill in far less than others)",
                f"  snapshots  {self.completeness_snapshots:>7,}  completeness figures per unit, today and the "
                "30 days before",
                f"  planning   {self.planning.plans:>7,}  development plans for this year; "
                f"{self.planning.sessions} course sessions with {self.planning.nominations} nominations; "
                f"{self.planning.programmes} OPD programmes",
            ]
        else:
            lines = ["The database already has units, so no demo data was loaded and nothing changed."]
        lines.append("")
        lines.extend(_login_table(self.logins) if self.logins else ["No demo logins found."])
        if any(login.password == EARLIER_PASSWORD for login in self.logins):
            lines.append(f"A demo load gives its logins the password {DEMO_PASSWORD}.")
        return "\n".join(lines)


def _talent_lines(talent: TalentSummary) -> list[str]:
    shares = ", ".join(
        f"{name} {_share(count, talent.performances)}" for name, count in talent.predikat.items()
    )
    levels = _breakdown(talent.sanctions_by_level) or "none"
    lines = [
        f"  SKP        {talent.performances:>7,}  yearly results {_years(talent.years)} ({shares or 'none'})",
        f"  potential  {talent.potential_assessments:>7,}  assessment-centre results of "
        f"{talent.potential_people:,} PNS (most structural, some JF)",
        f"  discipline {talent.sanctions:>7,}  sanctions ({levels}; {talent.sanctions_in_force:,} in force today)",
    ]
    if talent.boxes and talent.years:
        boxes = " ".join(f"{box}:{count:,}" for box, count in talent.boxes.items())
        lines.append(
            f"  9-box      {sum(talent.boxes.values()):>7,}  placed in {talent.years[-1]} (box:people {boxes})"
        )
    return lines


def _share(part: int, whole: int) -> str:
    pct = 100 * part / whole
    return f"{pct:.0f}%" if pct >= 1 else "<1%"


def _years(years: list[int]) -> str:
    return f"{years[0]}–{years[-1]}" if years else "none new"


def _breakdown(counts: dict[str, int]) -> str:
    return ", ".join(f"{key} {value:,}" for key, value in counts.items())


def _login_table(logins: Sequence[DemoLogin]) -> list[str]:
    header = ("username", "password", "role", "reaches")
    rows = [header, *((lg.username, lg.password, lg.role, lg.reaches) for lg in logins)]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    table = [
        "  "
        + "  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True))
        + "  "
        + row[3]
        for row in rows
    ]
    return ["Demo logins:", *table]


async def _rules_for_this_year(session: AsyncSession, year: int) -> int | None:
    """Give the current year its own rule set, a copy of the latest earlier one, if it has none.

    The migrations seed the years they know of; a demo loaded in a later year still shows BPSDM a
    year with its own set. The copy is part of the load and of its one audit row (the source year is
    in its counts). Returns the year copied from, or None when the year had its set already.
    """
    if await session.get(RuleSet, year) is not None:
        return None
    source = await rules_service.applicable(session, year)
    session.add(RuleSet(year=year, data=source.data))
    await session.flush()
    return source.year


async def load_demo(
    session: AsyncSession,
    *,
    asn_count: int,
    seed: int,
    actor: str,
    records_per_asn: int = 20,
    assessments_per_asn: int = 3,
) -> DemoSummary:
    """Generate the province in the caller's transaction; does nothing if any unit exists."""
    if (await session.execute(select(Unit.id).limit(1))).first() is not None:
        return DemoSummary(loaded=False, seed=seed, logins=await _demo_logins(session, created=set()))
    rng = random.Random(seed)
    units = structure.plan_units()
    unit_ids = await _insert_units(session, units)
    positions = structure.plan_positions(units, rng)
    position_ids = await _insert_positions(session, positions, unit_ids)
    seats = _seats(units, positions, unit_ids, position_ids)
    summary = DemoSummary(
        loaded=True,
        seed=seed,
        units=len(units),
        opds=sum(1 for u in units if u.opd_code == u.code),
        positions_by_jenis=dict(
            sorted(Counter(p.jenis_jabatan for p in positions).items(), key=_jenis_order)
        ),
    )
    demo_asn = await _insert_asn(session, rng, seats, units, asn_count, summary)
    summary.rules_copied_from = await _rules_for_this_year(session, date.today().year)
    summary.learning_records = await load_learning(
        session, random.Random(seed + 1), per_asn=records_per_asn, today=date.today()
    )
    budgets = await load_budgets(session, random.Random(seed + 3), current_year=date.today().year)
    summary.budget_years = budgets.years
    # Last: it ends with the full rebuild of the gap figures over everything loaded above.
    competencies = await load_competencies(
        session, random.Random(seed + 2), assessments_per_asn=assessments_per_asn, today=date.today()
    )
    summary.standard_lines = competencies.standard_lines
    summary.assessments = competencies.assessments
    summary.courses = competencies.courses
    await _demo_pns_gaps(session, [row["nip"] for row in demo_asn if row["employment_type"] == "pns"])
    # Before the talent records: the IP ASN reads education as the profile holds it.
    summary.incomplete_profiles = await completeness.leave_gaps(
        session, random.Random(seed + 5), keep={row["nip"] for row in demo_asn}
    )
    # After the gaps: the 9-box of the current year reads the JPM they leave.
    summary.talent = await load_talent(
        session, random.Random(seed + 4), today=date.today(), demo_nips=[row["nip"] for row in demo_asn]
    )
    # After the gaps are final: plans are drawn from them.
    summary.planning = await load_planning(
        session, random.Random(seed + 7), today=date.today(), keep={row["nip"] for row in demo_asn}
    )
    created = await _create_logins(session, actor, unit_ids, demo_asn)
    summary.logins = await _demo_logins(session, created)
    # Last of the data: the snapshots count everything loaded above.
    today = latest_indonesian_date()
    rules = (await rules_service.rules_for_year(session, today.year)).completeness_rules
    summary.completeness_snapshots = await completeness.history(
        session, random.Random(seed + 6), today, rules
    )
    await _publish_changes(session)
    # One audit row for the bulk load; create_user has already audited each login.
    audit.record(session, actor, "demo_load", "demo", str(seed), after=summary.counts())
    return summary


async def _demo_pns_gaps(session: AsyncSession, nips: list[str]) -> None:
    """The demo PNS login's latest rating of each teknis competency its position requires above level 1
    goes one level under the standard, so the ASN home page has a competency gap to show whichever
    way the ratings fell (the demo PPPK usually has one already).

    The rating is changed where it was given (the assessment result) and in the derived current
    level, then that ASN's standings and unit totals are rebuilt: every figure stays consistent.
    """
    if not nips:
        return
    rows = (
        await session.execute(
            select(CompetencyLevel, PositionStandard.required_level)
            .join(Asn, Asn.nip == CompetencyLevel.nip)
            .join(
                PositionStandard,
                and_(
                    PositionStandard.position_id == Asn.position_id,
                    PositionStandard.competency_code == CompetencyLevel.competency_code,
                ),
            )
            .join(Competency, Competency.code == CompetencyLevel.competency_code)
            .where(
                CompetencyLevel.nip.in_(nips),
                Competency.group == "teknis",
                PositionStandard.required_level > 1,
                CompetencyLevel.level >= PositionStandard.required_level,
            )
        )
    ).all()
    for current, required in rows:
        current.level = required - 1
        await session.execute(
            update(AssessmentResult)
            .where(
                AssessmentResult.assessment_id == current.assessment_id,
                AssessmentResult.competency_code == current.competency_code,
            )
            .values(level=required - 1)
        )
    if rows:
        await standings.refresh(session, nips)


async def _publish_changes(session: AsyncSession) -> None:
    """Append a change-feed row for every ASN, learning record, assessment and SKP result loaded above.

    They went in set-based, without the audit rows that note changes, so a consumer reading the
    feed from the beginning would otherwise never hear of them. The demo loads only into a database
    without units, so every such row is the demo's. One INSERT … SELECT per entity, numbered after
    max(seq) under the feed's lock as app/core/changes.py numbers every writer: ASN first, so a
    consumer has the profiles before the records and assessments that name them.
    """
    # Held to the commit: writers queue behind the load instead of taking the same numbers.
    await advisory_xact_lock(session, changes.LOCK_KEY)
    at = literal(utcnow(), UTCDateTime())
    record = LearningRecord
    sources = (
        ("asn", Asn.nip, Asn.nip, literal("upsert")),
        (
            "learning_record",
            record.id,
            cast(record.id, String),
            case((record.status == VOIDED, literal("void")), else_=literal("upsert")),
        ),
        ("assessment", Assessment.id, cast(Assessment.id, String), literal("upsert")),
        (
            "performance",
            (Performance.nip, Performance.year),
            Performance.nip + literal("/") + cast(Performance.year, String),
            literal("upsert"),
        ),
    )
    for entity, order, key, op in sources:
        last = (await session.execute(select(func.coalesce(func.max(Change.seq), 0)))).scalar_one()
        rows = select(literal(last) + func.row_number().over(order_by=order), at, literal(entity), key, op)
        await session.execute(insert(_CHANGES).from_select(["seq", "at", "entity", "key", "op"], rows))


_JENIS_ORDER = (
    "jpt_utama",
    "jpt_madya",
    "jpt_pratama",
    "administrator",
    "pengawas",
    "fungsional",
    "pelaksana",
)


def _jenis_order(item: tuple[str, int]) -> int:
    return _JENIS_ORDER.index(item[0])


async def _insert_units(session: AsyncSession, units: Sequence[UnitPlan]) -> dict[str, tuple[int, str]]:
    """Insert level by level, since a path needs the ids of every ancestor; returns code -> (id, path)."""
    now = utcnow()
    done: dict[str, tuple[int, str]] = {}
    depth: dict[str, int] = {}
    for u in units:  # parents come first
        depth[u.code] = depth[u.parent_code] + 1 if u.parent_code else 0
    for level_no in range(max(depth.values()) + 1):
        level = [u for u in units if depth[u.code] == level_no]
        rows = [
            {
                "code": u.code,
                "name": u.name,
                "kind": u.kind,
                "parent_id": done[u.parent_code][0] if u.parent_code else None,
                "path": "/",
                "version": 1,
                "updated_at": now,
            }
            for u in level
        ]
        ids = await _insert_returning_ids(session, _UNITS, rows)
        for u in level:
            parent_path = done[u.parent_code][1] if u.parent_code else "/"
            done[u.code] = (ids[u.code], f"{parent_path}{ids[u.code]}/")
        # A Core UPDATE keeps version at 1: the row is new, not edited.
        stmt = update(_UNITS).where(_UNITS.c.id == bindparam("unit_id")).values(path=bindparam("unit_path"))
        await session.execute(
            stmt, [{"unit_id": done[u.code][0], "unit_path": done[u.code][1]} for u in level]
        )
    return done


async def _insert_positions(
    session: AsyncSession, positions: Sequence[PositionPlan], unit_ids: dict[str, tuple[int, str]]
) -> dict[str, int]:
    now = utcnow()
    rows = [
        {
            "code": p.code,
            "name": p.name,
            "jenis_jabatan": p.jenis_jabatan,
            "jenjang": p.jenjang,
            "unit_id": unit_ids[p.unit_code][0],
            "version": 1,
            "updated_at": now,
        }
        for p in positions
    ]
    return await _insert_returning_ids(session, _POSITIONS, rows)


async def _insert_returning_ids(
    session: AsyncSession, table: Table, rows: list[dict[str, Any]]
) -> dict[str, int]:
    ids: dict[str, int] = {}
    for chunk in chunked(rows, CHUNK_SIZE):
        result = await session.execute(insert(table).returning(table.c.id, table.c.code), chunk)
        ids.update({code: id_ for id_, code in result.all()})
    return ids


def _seats(
    units: Sequence[UnitPlan],
    positions: Sequence[PositionPlan],
    unit_ids: dict[str, tuple[int, str]],
    position_ids: dict[str, int],
) -> dict[str, list[Seat]]:
    """Positions as places to put people, grouped by unit code."""
    opd_of = {u.code: u.opd_code for u in units}
    by_unit: dict[str, list[Seat]] = {u.code: [] for u in units}
    for p in positions:
        by_unit[p.unit_code].append(
            Seat(
                position_id=position_ids[p.code],
                unit_id=unit_ids[p.unit_code][0],
                name=p.name,
                jenis_jabatan=p.jenis_jabatan,
                jenjang=p.jenjang,
                field=field_for(p.name, opd_of[p.unit_code]),
            )
        )
    return by_unit


def _cast(rng: random.Random, seats: dict[str, list[Seat]]) -> Cast:
    structural = [
        s for unit_seats in seats.values() for s in unit_seats if s.jenis_jabatan in structure.STRUCTURAL
    ]
    # The Sekda is always there; which other posts stay vacant in a small load is left to chance.
    structural.sort(key=lambda s: s.jenis_jabatan != "jpt_madya")
    rest = structural[1:]
    rng.shuffle(rest)
    demo_unit = seats.get(DEMO_ASN_UNIT, [])
    return Cast(
        structural=structural[:1] + rest,
        demo_pns=next((s for s in demo_unit if s.name == DEMO_PNS_POSITION), None),
        demo_pppk=next((s for s in demo_unit if s.name == DEMO_PPPK_POSITION), None),
    )


async def _insert_asn(
    session: AsyncSession,
    rng: random.Random,
    seats: dict[str, list[Seat]],
    units: Sequence[UnitPlan],
    asn_count: int,
    summary: DemoSummary,
) -> list[dict[str, Any]]:
    """Insert `asn_count` ASN in chunks; returns the rows of the demo ASN (a PNS and a PPPK)."""
    staffing = Staffing([(u.weight, seats[u.code]) for u in units])
    factory = PeopleFactory(rng, utcnow())
    by_type: Counter[str] = Counter()
    demo_asn: list[dict[str, Any]] = []
    chunk: list[dict[str, Any]] = []
    for tag, row in generate_people(rng, factory, staffing, _cast(rng, seats), asn_count):
        by_type[row["employment_type"]] += 1
        summary.inactive += not row["active"]
        if tag.startswith("demo_"):
            demo_asn.append(row)
        chunk.append(row)
        if len(chunk) == CHUNK_SIZE:
            await session.execute(insert(_ASN), chunk)
            chunk = []
    if chunk:
        await session.execute(insert(_ASN), chunk)
    summary.asn_by_type = {t.upper(): by_type[t] for t in ("pns", "pppk", "cpns") if by_type[t]}
    return demo_asn


async def _create_logins(
    session: AsyncSession, actor: str, unit_ids: dict[str, tuple[int, str]], demo_asn: list[dict[str, Any]]
) -> set[str]:
    """Create the demo logins; returns the usernames created (a login made by hand is left alone)."""
    names = [name for name, _, _ in ADMIN_LOGINS]
    existing = set((await session.execute(select(User.username).where(User.username.in_(names)))).scalars())
    created: set[str] = set()
    for username, role, unit_code in ADMIN_LOGINS:
        if username not in existing:
            unit_id = unit_ids[unit_code][0] if unit_code else None
            await create_user(
                session, actor, username=username, password=DEMO_PASSWORD, role=role, unit_id=unit_id
            )
            created.add(username)
    for row in demo_asn:
        nip = row["nip"]
        await create_user(
            session,
            actor,
            username=nip,
            password=DEMO_PASSWORD,
            role=Role.asn,
            unit_id=row["unit_id"],
            nip=nip,
        )
        created.add(nip)
    return created


async def _demo_logins(session: AsyncSession, created: set[str]) -> list[DemoLogin]:
    """The demo logins that exist, looked up by name, so a repeated load can list them too."""

    def password(username: str) -> str:
        return DEMO_PASSWORD if username in created else EARLIER_PASSWORD

    logins: list[DemoLogin] = []
    names = [name for name, _, _ in ADMIN_LOGINS]
    users = {
        u.username: u for u in (await session.execute(select(User).where(User.username.in_(names)))).scalars()
    }
    for name in names:
        user = users.get(name)
        if user is not None:
            logins.append(DemoLogin(name, password(name), user.role, await _reach(session, user)))
    for user, asn in await _demo_asn_users(session):
        reaches = f"own profile: {asn.name} ({asn.employment_type.upper()})"
        logins.append(DemoLogin(user.username, password(user.username), user.role, reaches, nip=asn.nip))
    return logins


async def _reach(session: AsyncSession, user: User) -> str:
    if user.role == Role.bpsdm_admin:
        return "every unit and ASN; rules, reports and user administration"
    if user.role == Role.auditor:
        return "read-only: everything, including the audit log"
    unit = await session.get(Unit, user.unit_id) if user.unit_id is not None else None
    if unit is None:
        return "no unit"
    in_subtree = org_service.subtree_ids(unit.id)
    units = (await session.execute(select(func.count()).select_from(in_subtree.subquery()))).scalar_one()
    asn = (await session.execute(select(func.count()).where(Asn.unit_id.in_(in_subtree)))).scalar_one()
    return f"{unit.name} and its {units - 1} sub-units: {asn:,} ASN"


async def _demo_asn_users(session: AsyncSession) -> list[tuple[User, Asn]]:
    """The first PNS and the first PPPK login among the demo OPD's ASN."""
    opd_id = (await session.execute(select(Unit.id).where(Unit.code == DEMO_OPD))).scalar_one_or_none()
    if opd_id is None:
        return []
    rows = await session.execute(
        select(User, Asn)
        .join(Asn, Asn.nip == User.nip)
        .where(User.role == Role.asn.value, Asn.unit_id.in_(org_service.subtree_ids(opd_id)))
        .order_by(User.id)
    )
    found: dict[str, tuple[User, Asn]] = {}
    for user, asn in rows:
        found.setdefault(asn.employment_type, (user, asn))
    return [found[t] for t in ("pns", "pppk") if t in found]
