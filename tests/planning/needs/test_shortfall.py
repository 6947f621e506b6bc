"""competency_unit_totals.shortfall_sum: kept current by every change of the standings, and filled by
the migration that adds it (tests/competencies/test_standings.py compares it with a recomputation)."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from app.competencies.standards import standings
from app.core.config import Settings
from app.core.migrations import upgrade
from tests.competencies.test_standings import assert_consistent, assess, patch_asn, set_standard
from tests.conftest import backend
from tests.core.test_migrations import _admin
from tests.factories import World, bearer
from tests.planning.needs.helpers import build


async def shortfall(session: AsyncSession, unit_id: int, code: str) -> int | None:
    found = (
        await session.execute(
            text(
                "SELECT shortfall_sum FROM competency_unit_totals WHERE unit_id = :u AND competency_code = :c"
            ),
            {"u": unit_id, "c": code},
        )
    ).scalar_one_or_none()
    return None if found is None else int(found)


class TestKeptCurrent:
    async def test_assessments_standards_moves_and_deactivation(
        self, client: httpx.AsyncClient, settings: Settings, session: AsyncSession, world: World
    ) -> None:
        province = await build(session, world)
        a, a1, b = world.unit_a.id, world.unit_a1.id, world.unit_b.id
        await assert_consistent(session)
        assert await shortfall(session, a, "M1") == 3  # asn_a 2 + extra 1; nobody's surplus subtracts
        assert await shortfall(session, a, "M2") == 0

        # A new assessment: asn_a reaches the standard on M1.
        await assess(session, world.asn_a.nip, date(2026, 6, 1), {"M1": 3})
        assert await shortfall(session, a, "M1") == 1
        # A raised standard: every holder of position_a falls further short.
        await set_standard(session, world.position_a, {"M1": 5, "M2": 3})
        assert await shortfall(session, a, "M1") == 3  # asn_a 2 + extra 1
        assert await shortfall(session, b, "M1") == 4  # asn_b 5 − 1
        await assert_consistent(session)
        await session.commit()

        # Moved over HTTP to unit_b: asn_a's shortfall leaves unit_a and joins unit_b's.
        headers = bearer(settings, world.principal("bpsdm"))
        await patch_asn(client, headers, world.asn_a.nip, {"unit_id": b})
        assert await shortfall(session, a, "M1") == 1
        assert await shortfall(session, b, "M1") == 6
        # Deactivated: out of the totals; active again: back.
        await patch_asn(client, headers, province.extra.nip, {"active": False})
        assert await shortfall(session, a, "M1") is None  # nobody left in unit_a's M1
        await patch_asn(client, headers, province.extra.nip, {"active": True})
        assert await shortfall(session, a, "M1") == 1
        await assert_consistent(session)
        assert await shortfall(session, a1, "M4") == 1

        # A full rebuild gives the same figures.
        before = await assert_consistent(session)
        await standings.refresh(session, None)
        assert await assert_consistent(session) == before


@pytest.fixture
def scratch_url(tmp_path: Path) -> Iterator[str]:
    if backend() == "postgres":
        name = f"bangkom_tna_{uuid.uuid4().hex[:8]}"
        asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
        yield f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    else:
        yield f"sqlite+aiosqlite:///{tmp_path / 'tna.db'}"


STANDINGS = [
    # nip, code, unit, active, required, actual
    ("n1", "M1", 1, True, 3, 1),  # 2 short
    ("n2", "M1", 1, True, 3, 5),  # 2 above: offsets nothing
    ("n3", "M1", 1, True, 3, None),  # not rated
    ("n4", "M1", 1, False, 3, 1),  # inactive
    ("n5", "M1", 2, True, 4, 2),  # 2 short in unit 2
    ("n1", "M2", 1, True, 2, 2),
]


def test_the_migration_fills_shortfall_sum(scratch_url: str) -> None:
    upgrade(scratch_url, "0019_planning")

    async def seed_then_read() -> dict[tuple[int, str], int]:
        engine = create_async_engine(scratch_url)
        async with engine.begin() as conn:
            for nip, code, unit, active, required, actual in STANDINGS:
                await conn.execute(
                    text(
                        "INSERT INTO competency_standings (nip, competency_code, unit_id, active, "
                        "required_level, actual_level) VALUES (:n, :c, :u, :a, :r, :l)"
                    ),
                    {"n": nip, "c": code, "u": unit, "a": active, "r": required, "l": actual},
                )
            for unit, code in ((1, "M1"), (2, "M1"), (1, "M2"), (3, "M3")):
                await conn.execute(
                    text(
                        "INSERT INTO competency_unit_totals (unit_id, competency_code, required, assessed, "
                        "with_gap, gap_sum) VALUES (:u, :c, 1, 1, 0, 0)"
                    ),
                    {"u": unit, "c": code},
                )
        await engine.dispose()
        await asyncio.to_thread(upgrade, scratch_url, "0020_needs_shortfall")
        engine = create_async_engine(scratch_url)
        async with engine.connect() as conn:
            rows = await conn.execute(
                text("SELECT unit_id, competency_code, shortfall_sum FROM competency_unit_totals")
            )
            found = {(u, c): int(s) for u, c, s in rows.all()}
        await engine.dispose()
        return found

    assert asyncio.run(seed_then_read()) == {(1, "M1"): 2, (2, "M1"): 2, (1, "M2"): 0, (3, "M3"): 0}
