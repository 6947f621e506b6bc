"""The revision that seeds 2025 and 2026 with the per-form rules, on a scratch database of its own."""

from __future__ import annotations

import asyncio
import json
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from app.core.migrations import downgrade, upgrade
from app.learning.jp import record_jp
from app.rules.schemas import RuleSetBody
from tests.core.test_migrations import scratch_url as scratch_url

BEFORE = "0008_learning_keys"
SEEDING = "0009_rules_current_year"


def _rows(url: str) -> dict[int, tuple[dict[str, Any], int]]:
    async def read() -> dict[int, tuple[dict[str, Any], int]]:
        engine = create_async_engine(url)
        async with engine.connect() as conn:
            rows = (await conn.execute(text("SELECT year, data, version FROM rule_sets"))).all()
        await engine.dispose()
        return {y: (d if isinstance(d, dict) else json.loads(d), v) for y, d, v in rows}

    return asyncio.run(read())


def _exec(url: str, sql: str, **params: Any) -> None:
    async def run() -> None:
        engine = create_async_engine(url)
        async with engine.begin() as conn:
            await conn.execute(text(sql), params)
        await engine.dispose()

    asyncio.run(run())


def _forms(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        r["form_code"]: {k: v for k, v in r.items() if v is not None and k != "form_code"}
        for r in data["form_rules"]
    }


class TestSeededYears:
    def test_2025_and_2026_get_the_form_rules(self, scratch_url: str) -> None:
        upgrade(scratch_url)
        rows = _rows(scratch_url)
        assert sorted(rows) == [2019, 2025, 2026]
        assert rows[2025] == rows[2026]
        data, version = rows[2026]
        assert version == 1
        assert _forms(data) == {
            "4": {"max_jp_per_day": "5"},
            "9": {"max_jp_per_day": "4"},
            "10": {"fixed_jp": "20"},
            "14": {"fixed_jp": "2"},
            "15": {"fixed_jp": "2"},
            "16": {"max_jp_per_day": "3"},
            "18": {"fixed_jp": "20"},
            "20": {"fixed_jp": "10"},
            "22": {"max_jp_per_day": "2"},
        }
        rules = RuleSetBody.model_validate(data)  # a valid set, as the API reads it
        assert (rules.pns_min_jp, rules.pppk_max_jp, rules.jp_minutes) == (Decimal(20), Decimal(24), 45)
        day = date(2026, 5, 5)

        def jp(form: str, claimed: int) -> Decimal:
            return record_jp(
                rules,
                form_code=form,
                jp=Decimal(claimed),
                duration_minutes=None,
                start_date=day,
                end_date=day,
            )

        # A day of seminar counts 4 JP (a shorter one keeps its own), a coaching session 2, a day of
        # e-learning at most 3; a form without a rule counts as recorded.
        counted = [jp("9", 8), jp("9", 2), jp("14", 4), jp("16", 12), jp("8", 16)]
        assert counted == [Decimal(n) for n in (4, 2, 2, 3, 16)]

    def test_a_year_with_a_set_keeps_it_and_downgrade_removes_only_the_unchanged(
        self,
        scratch_url: str,
    ) -> None:
        upgrade(scratch_url, BEFORE)
        own = {"jp_minutes": 60, "form_rules": []}
        _exec(
            scratch_url,
            "INSERT INTO rule_sets (year, data, version, updated_at) VALUES (2026, :data, 3, CURRENT_TIMESTAMP)",
            data=json.dumps(own),
        )
        upgrade(scratch_url, SEEDING)
        rows = _rows(scratch_url)
        assert rows[2026] == (own, 3)
        assert 2025 in rows

        downgrade(scratch_url, BEFORE)
        rows = _rows(scratch_url)
        assert sorted(rows) == [2019, 2026] and rows[2026] == (own, 3)

    def test_downgrade_keeps_a_seeded_set_an_admin_changed(self, scratch_url: str) -> None:
        upgrade(scratch_url, SEEDING)
        data, _ = _rows(scratch_url)[2025]
        _exec(
            scratch_url,
            "UPDATE rule_sets SET data = :data, version = 2 WHERE year = 2025",
            data=json.dumps(data | {"pns_min_jp": "30"}),
        )
        downgrade(scratch_url, BEFORE)
        assert sorted(_rows(scratch_url)) == [2019, 2025]
        upgrade(scratch_url)
        assert _rows(scratch_url)[2025][1] == 2  # not overwritten on the way up again
