"""Demo budgets: four years of Kaltim's belanja daerah and each top-level unit's competency budget.

The province's total spending is anchored on the revised 2025 APBD (Rp21.69 trillion, docs/domain.md) and
moves a few percent a year. Competency-development pagu over all top-level units comes to 0.30–0.40 %
of the total: one year falls short of the 0.34 % floor for provinces, the others meet it. BPSDM, the
province's training body, holds the largest share; the rest follows headcount. Realisasi is mostly
80–98 % of pagu, with a few units spending over their pagu.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.budgets.models import Budget
from app.core.db import Base
from app.core.types import utcnow
from app.org.models import Unit

_BUDGETS: Table = Base.metadata.tables["budgets"]
_UNIT_BUDGETS: Table = Base.metadata.tables["unit_budgets"]

ANCHOR_YEAR = 2025
ANCHOR_TOTAL_IDR = 21_690_000_000_000
YEARS = 4
# Share of the total spent on competency development: the short year and the others.
SHORT_PCT = (0.300, 0.320)
MET_PCT = (0.345, 0.400)
TRAINING_BODY = "BPSDM"
TRAINING_BODY_SHARE = 0.30


@dataclass(slots=True)
class BudgetSummary:
    years: list[int] = field(default_factory=list)
    unit_rows: int = 0


def totals(rng: random.Random, years: list[int]) -> dict[int, int]:
    """Total belanja daerah per year: the 2025 figure, ±1–4 % a year, whole millions of rupiah."""
    out: dict[int, int] = {}
    for year in years:
        if year == ANCHOR_YEAR:
            out[year] = ANCHOR_TOTAL_IDR
            continue
        factor = 1.0
        for _ in range(abs(year - ANCHOR_YEAR)):
            factor *= 1 + rng.uniform(0.01, 0.04)
        value = ANCHOR_TOTAL_IDR * (factor if year > ANCHOR_YEAR else 1 / factor)
        out[year] = round(value / 1_000_000) * 1_000_000
    return out


async def load_budgets(session: AsyncSession, rng: random.Random, *, current_year: int) -> BudgetSummary:
    """Budgets for current_year−3 .. current_year; a year that already has a budget is left alone."""
    years = list(range(current_year - YEARS + 1, current_year + 1))
    existing = set((await session.execute(select(Budget.year).where(Budget.year.in_(years)))).scalars())
    summary = BudgetSummary()
    tops = [
        (id_, code)
        for id_, code in await session.execute(
            select(Unit.id, Unit.code).where(Unit.parent_id.is_(None)).order_by(Unit.id)
        )
    ]
    if not tops:
        return summary
    weights = await _weights(session, tops)
    total_by_year = totals(rng, years)
    short_year = rng.choice(years)
    now = utcnow()
    unit_rows: list[dict[str, Any]] = []
    budget_rows: list[dict[str, Any]] = []
    for year in years:
        pct = rng.uniform(*(SHORT_PCT if year == short_year else MET_PCT))
        if year in existing:
            continue
        total = total_by_year[year]
        budget_rows.append(
            {
                "year": year,
                "jurisdiction": "provinsi",
                "total_belanja_daerah_idr": total,
                "version": 1,
                "updated_at": now,
            }
        )
        pool = total * pct / 100
        for unit_id, pagu in _split(rng, pool, weights).items():
            roll = rng.random()
            rate = rng.uniform(1.0, 1.08) if roll < 0.06 else rng.uniform(0.80, 0.98)
            unit_rows.append(
                {
                    "year": year,
                    "unit_id": unit_id,
                    "pagu_idr": pagu,
                    "realisasi_idr": round(pagu * rate / 1000) * 1000,
                    "version": 1,
                    "updated_at": now,
                }
            )
    if budget_rows:
        await session.execute(insert(_BUDGETS), budget_rows)
    if unit_rows:
        await session.execute(insert(_UNIT_BUDGETS), unit_rows)
    summary.years = [row["year"] for row in budget_rows]
    summary.unit_rows = len(unit_rows)
    return summary


async def _weights(session: AsyncSession, tops: list[tuple[int, str]]) -> dict[int, float]:
    """Each top-level unit's share: BPSDM a fixed part, the others by the ASN in their subtree."""
    top_of: dict[int, int] = {}
    for unit_id, path in await session.execute(select(Unit.id, Unit.path)):
        top_of[unit_id] = int(path.strip("/").split("/")[0])
    heads: Counter[int] = Counter()
    for unit_id, count in await session.execute(
        select(Asn.unit_id, func.count()).where(Asn.active.is_(True)).group_by(Asn.unit_id)
    ):
        heads[top_of.get(unit_id, unit_id)] += int(count)
    body = next((id_ for id_, code in tops if code == TRAINING_BODY), None)
    others = [id_ for id_, _ in tops if id_ != body]
    # Every unit gets something, even one without ASN in a small load.
    rest = sum(heads[i] + 1 for i in others)
    share = 1.0 - (TRAINING_BODY_SHARE if body is not None else 0.0)
    weights = {i: share * (heads[i] + 1) / rest for i in others}
    if body is not None:
        weights[body] = TRAINING_BODY_SHARE
    return weights


def _split(rng: random.Random, pool: float, weights: dict[int, float]) -> dict[int, int]:
    """`pool` rupiah over the units by weight with some noise, whole thousands, at least Rp50 million each."""
    noisy = {i: w * rng.uniform(0.8, 1.2) for i, w in weights.items()}
    scale = pool / sum(noisy.values())
    return {i: max(50_000_000, round(w * scale / 1000) * 1000) for i, w in sorted(noisy.items())}
