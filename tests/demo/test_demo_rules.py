"""The demo under the year's rules: its own rule set for the current year, JP by the form rules, a PPPK capped."""

from __future__ import annotations

import random
from datetime import date

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.demo.generator import _rules_for_this_year
from app.demo.learning import load_learning
from app.learning.models import LearningRecord
from app.rules.defaults import DEFAULT_RULES
from app.rules.models import RuleSet
from tests.factories import World
from tests.http import as_

# Some of the per-form rules the 0009 revision seeds (docs/domain.md): a day of seminar counts 4 JP,
# a coaching session 2.
FORM_RULES = [{"form_code": "9", "max_jp_per_day": 4}, {"form_code": "14", "fixed_jp": 2}]


async def test_the_current_year_gets_its_own_set_once(session: AsyncSession, world: World) -> None:
    assert await session.get(RuleSet, 2031) is None
    assert await _rules_for_this_year(session, 2031) == 2019
    own = await session.get(RuleSet, 2031)
    seed = await session.get(RuleSet, 2019)
    assert own is not None and seed is not None and own.data == seed.data
    assert await _rules_for_this_year(session, 2031) is None


async def test_demo_jp_follows_the_form_rules_and_a_pppk_is_capped(
    client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
) -> None:
    admin = as_(settings, world, "bpsdm")
    r = await client.put("/api/v1/rules/2026", json=DEFAULT_RULES | {"form_rules": FORM_RULES}, headers=admin)
    assert r.status_code == 201, r.text
    await load_learning(session, random.Random(11), per_asn=40, today=date(2026, 11, 1))
    await session.flush()

    records = list(
        (await session.execute(select(LearningRecord).where(LearningRecord.year == 2026))).scalars()
    )
    seminars = [r for r in records if r.form_code == "9"]
    coaching = [r for r in records if r.form_code == "14"]
    assert seminars and coaching
    assert all(r.jp <= 4 * ((r.end_date - r.start_date).days + 1) for r in seminars)
    assert any(r.jp_claimed is not None and r.jp < r.jp_claimed for r in seminars)
    assert {r.jp for r in coaching} == {2}

    s = (
        await client.get(f"/api/v1/asn/{world.pppk_a.nip}/jp-summary", params={"year": 2026}, headers=admin)
    ).json()
    recorded = sum(f["jp"] for f in s["by_form"])
    assert recorded > 24  # the demo gives this PPPK more than the cap…
    assert (s["verified_jp"], s["cap_jp"], s["over_cap"]) == (24, 24, True)  # …and it counts only the cap
