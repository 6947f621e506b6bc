"""Keeping ip_asn_scores in step: the IP ASN points of many PNS at once, by points_statement().

Which years are stored: a year is stored whole (a row for every active PNS/CPNS, listed in
ip_asn_score_years) from the first write that touches it: the current year on any write (so the first
write of January stores the new year), and the year of the record written (an SKP result, a verified
learning record, a sanction) when it is not later than the current year. `rebuild()` (the demo loader,
the benchmark) stores the current year and every year with an SKP result, verified learning or a
sanction decided in it. Whole years, not only the years a person has records in, because the report
counts every PNS: one without records in a year still has education and discipline points there. The
report of a year not stored is computed from the records as before (app/talent/ip/service.py).

What a write refreshes, for the ASN it concerns, in the years stored: an SKP result its year; verified
learning its year and every later one (leadership and functional training count for later years too);
a sanction the years from its decision on; a profile or position change, every year. A rule set
change rebuilds the stored years it governs. Under one advisory lock, as talent placements, so two
writers never insert the same row; a transaction that refreshes both takes the placements' first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Integer, Select, Table, bindparam, delete, func, insert, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.core.db import chunked
from app.core.locks import advisory_xact_lock
from app.learning.models import JpTotal
from app.org.models import Position
from app.rules.talent import IpAsnRules
from app.talent.ip.models import IpAsnScore, IpAsnScoreYear
from app.talent.ip.points import points_statement, year_rules
from app.talent.models import DisciplinaryRecord, Performance

# Who to refresh: NIPs, a SELECT of NIPs, or None for every ASN.
Who = Sequence[str] | Select[Any] | None

_LOCK_KEY = "ip_asn_scores"
_COLUMNS = ("year", "nip", "unit_id", "kualifikasi", "kompetensi", "kinerja", "disiplin", "total", "category")
_STATEMENTS: dict[tuple[str, int, bool], Any] = {}


def current_year() -> int:
    # The year the API's reports default to (app/talent/ip/router.py).
    return date.today().year


def _insert(rules: IpAsnRules, year: int, some: bool) -> Any:
    """INSERT … SELECT of a year's rows: of everyone, or (`some`) of the NIPs bound as `nips`."""
    key = (rules.model_dump_json(), year, some)
    found = _STATEMENTS.get(key)
    if found is None:
        nips: Any = bindparam("nips", expanding=True) if some else None
        points = points_statement(rules, year, nips=nips).subquery("points")
        rows = select(
            literal(year, Integer).label("year"),
            points.c.nip,
            points.c.unit_id,
            points.c.kualifikasi,
            points.c.kompetensi,
            points.c.kinerja,
            points.c.disiplin,
            points.c.total,
            points.c.category,
        )
        table: Table = IpAsnScore.__table__  # type: ignore[assignment]
        found = insert(table).from_select(_COLUMNS, rows)
        if len(_STATEMENTS) >= 64:
            _STATEMENTS.clear()
        _STATEMENTS[key] = found
    return found


async def stored_years(session: AsyncSession) -> set[int]:
    return set((await session.execute(select(IpAsnScoreYear.year))).scalars())


async def is_stored(session: AsyncSession, year: int) -> bool:
    return await session.get(IpAsnScoreYear, year) is not None


async def _store_year(session: AsyncSession, year: int, stored: set[int]) -> None:
    """Every active PNS/CPNS's row of `year`, from scratch; the year is stored from now on."""
    await session.execute(delete(IpAsnScore).where(IpAsnScore.year == year))
    await session.execute(_insert(await year_rules(session, year), year, False))
    if year not in stored:
        session.add(IpAsnScoreYear(year=year))
        stored.add(year)
    await session.flush()


async def _begin(session: AsyncSession) -> set[int]:
    await advisory_xact_lock(session, _LOCK_KEY)
    await session.flush()  # pending ORM changes (a new result or sanction) must be visible to SQL
    return await stored_years(session)


async def refresh(session: AsyncSession, who: Who, *, year: int | None = None, onwards: bool = False) -> None:
    """Rebuild the rows of the ASN selected by `who` (None: everyone) in the stored years: every one
    (`year` None), `year` alone, or (`onwards`) `year` and the later ones. `year` and the current year
    become stored (whole) if they were not and are not in the future."""
    stored = await _begin(session)
    now = current_year()
    for new in sorted({now, *([] if year is None else [year])} - stored):
        if new <= now:
            await _store_year(session, new, stored)
    if year is None:
        years = sorted(stored)
    elif onwards:
        years = sorted(y for y in stored if y >= year)
    else:
        years = [year] if year in stored else []
    if who is None:
        for y in years:
            await _store_year(session, y, stored)
        return
    selected = (
        [row[0] for row in (await session.execute(who)).all()]
        if isinstance(who, Select)
        else list(dict.fromkeys(who))
    )
    for y in years:
        statement = _insert(await year_rules(session, y), y, True)
        for chunk in chunked(selected):
            await session.execute(delete(IpAsnScore).where(IpAsnScore.year == y, IpAsnScore.nip.in_(chunk)))
            await session.execute(statement, {"nips": chunk})


async def data_years(session: AsyncSession) -> set[int]:
    """Years with an SKP result, verified learning or a sanction in force (from its decision's year)."""
    found: set[int] = set()
    for stmt in (
        select(Performance.year).distinct(),
        select(JpTotal.year).where(JpTotal.records > 0).distinct(),
    ):
        found |= {y for (y,) in (await session.execute(stmt)).all()}
    first, last = (
        await session.execute(
            select(func.min(DisciplinaryRecord.decided_on), func.max(DisciplinaryRecord.decided_on))
        )
    ).one()
    if first is not None:
        found |= set(range(first.year, last.year + 1))
    return found


async def rebuild(session: AsyncSession) -> None:
    """Everything from scratch, after bulk loads that bypass the services (demo loader, benchmark):
    the current year and every year with records, up to the current year."""
    stored = await _begin(session)
    now = current_year()
    years = {y for y in await data_years(session) if y <= now} | {now}
    await session.execute(delete(IpAsnScore))
    await session.execute(delete(IpAsnScoreYear).where(IpAsnScoreYear.year.not_in(sorted(years))))
    stored &= years
    for y in sorted(years):
        await _store_year(session, y, stored)


# -- reactions (app/reactions.py) and the talent records' writes -------------------------------------------


async def follow_learning(session: AsyncSession, changed: Collection[tuple[str, int]]) -> None:
    """Verified learning of these (NIP, year) changed: each year of theirs from the earliest on."""
    first: dict[str, int] = {}
    for nip, year in changed:
        first[nip] = min(year, first.get(nip, year))
    by_year: dict[int, list[str]] = defaultdict(list)
    for nip, year in first.items():
        by_year[year].append(nip)
    for year, nips in sorted(by_year.items()):
        await refresh(session, sorted(nips), year=year, onwards=True)


async def follow_profiles(session: AsyncSession, nips: Sequence[str]) -> None:
    """ASN created, or their education, employment type, position, unit or active flag changed."""
    await refresh(session, nips)


async def follow_position(session: AsyncSession, position: Position, changed: Collection[str]) -> None:
    """A position's jenis jabatan decides which training counts for the ASN holding it."""
    if "jenis_jabatan" in changed:
        await refresh(session, select(Asn.nip).where(Asn.position_id == position.id))


async def follow_rules(session: AsyncSession, year: int, next_own_year: int | None) -> None:
    """A rule set changed: the stored years it governs are computed again."""
    stored = await _begin(session)
    for y in sorted(stored):
        if y >= year and (next_own_year is None or y < next_own_year):
            await _store_year(session, y, stored)


async def follow_records(session: AsyncSession, nips: Iterable[str], year: int, *, onwards: bool) -> None:
    """An SKP result of `year` (onwards False) or a sanction decided in `year` (onwards True) changed."""
    await refresh(session, sorted(set(nips)), year=year, onwards=onwards)
