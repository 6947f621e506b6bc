"""JP of a record: minutes per JP, form rules, half-up rounding, validation and the counting year."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.types import latest_indonesian_date
from app.learning.jp import record_jp
from app.rules.schemas import RuleSetBody
from tests.factories import World
from tests.http import as_
from tests.learning.helpers import BASE_RULES, body, create, put_rules, record_count, totals

D = Decimal


def rules(jp_minutes: int = 45, forms: dict[str, dict[str, Any]] | None = None) -> RuleSetBody:
    """A rule set with `forms` as form code → that form's rule."""
    form_rules = [{"form_code": code} | rule for code, rule in (forms or {}).items()]
    return RuleSetBody.model_validate(BASE_RULES | {"jp_minutes": jp_minutes, "form_rules": form_rules})


def jp_of(
    rule_set: RuleSetBody,
    *,
    form_code: str = "8",
    jp: str | None = None,
    minutes: int | None = None,
    days: int = 1,
) -> Decimal:
    start = date(2026, 3, 2)
    return record_jp(
        rule_set,
        form_code=form_code,
        jp=D(jp) if jp is not None else None,
        duration_minutes=minutes,
        start_date=start,
        end_date=start + timedelta(days=days - 1),
    )


class TestRecordJp:
    @pytest.mark.parametrize(
        ("minutes", "expected"),
        [
            (100, "2.22"),
            (67, "1.49"),
            (68, "1.51"),
            (90, "2.00"),
            (45, "1.00"),
            (1, "0.02"),
            (6795, "151.00"),
        ],
    )
    async def test_minutes_over_45_half_up(self, minutes: int, expected: str) -> None:
        result = jp_of(rules(), minutes=minutes, days=5)  # days enough that 32 JP a day cuts nothing
        assert result == D(expected)
        assert result.as_tuple().exponent == -2

    async def test_rounding_is_half_up_not_half_even(self) -> None:
        assert jp_of(rules(40), minutes=1) == D("0.03")  # 0.025
        assert jp_of(rules(forms={"8": {"jp_factor": 0.5}}), jp="1.25") == D("0.63")  # 0.625
        assert jp_of(rules(forms={"8": {"jp_factor": 0.5}}), jp="1.05") == D("0.53")  # 0.525

    async def test_minutes_per_jp_come_from_the_rule_set(self) -> None:
        assert jp_of(rules(50), minutes=100) == D("2.00")
        assert jp_of(rules(60), minutes=100) == D("1.67")

    async def test_given_jp_is_kept(self) -> None:
        assert jp_of(rules(), jp="12.5") == D("12.50")
        assert jp_of(rules(), jp="830", minutes=45, days=30) == D("830.00")  # jp wins over minutes

    async def test_factor(self) -> None:
        assert jp_of(rules(forms={"8": {"jp_factor": 1.5}}), jp="10") == D("15.00")
        assert jp_of(rules(forms={"8": {"jp_factor": 0.5}}), minutes=90) == D("1.00")
        assert jp_of(rules(forms={"9": {"jp_factor": 0.5}}), jp="10") == D("10.00")  # another form's rule

    @pytest.mark.parametrize(
        ("jp", "days", "expected"), [("20", 1, "3.00"), ("20", 3, "9.00"), ("2", 3, "2.00"), ("9", 3, "9.00")]
    )
    async def test_per_day_cap_times_days(self, jp: str, days: int, expected: str) -> None:
        rule_set = rules(forms={"16": {"max_jp_per_day": 3}})
        assert jp_of(rule_set, form_code="16", jp=jp, days=days) == D(expected)

    async def test_factor_applies_before_the_cap(self) -> None:
        rule_set = rules(forms={"22": {"jp_factor": 2, "max_jp_per_day": 2.5}})
        assert jp_of(rule_set, form_code="22", jp="10", days=2) == D("5.00")
        assert jp_of(rule_set, form_code="22", jp="1.2", days=2) == D("2.40")

    async def test_fixed_jp_wins(self) -> None:
        rule_set = rules(forms={"9": {"fixed_jp": 4, "jp_factor": 2, "max_jp_per_day": 1}})
        assert jp_of(rule_set, form_code="9", jp="100", days=3) == D("4.00")
        assert jp_of(rule_set, form_code="9", minutes=10) == D("4.00")

    async def test_neither_jp_nor_minutes(self) -> None:
        with pytest.raises(ValueError, match="jp or duration_minutes"):
            jp_of(rules())


def records_of(nip: str) -> str:
    return f"/api/v1/asn/{nip}/learning-records"


class TestRulesThroughTheApi:
    async def test_the_years_rules_apply_else_the_latest_earlier_ones(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        await put_rules(client, settings, world, 2024, jp_minutes=60)
        await put_rules(client, settings, world, 2026, jp_minutes=50)
        headers = as_(settings, world, "bpsdm")
        nip = world.asn_a.nip
        cases = [("2023-05-10", 2.22), ("2024-05-10", 1.67), ("2025-05-10", 1.67), ("2026-05-10", 2.0)]
        for day, expected in cases:
            rec = await create(
                client, nip, headers, start_date=day, end_date=day, jp=None, duration_minutes=100
            )
            assert (rec["jp"], rec["jp_claimed"], rec["duration_minutes"]) == (expected, None, 100), day

    async def test_form_rules_apply(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await put_rules(
            client,
            settings,
            world,
            2026,
            form_rules=[
                {"form_code": "9", "fixed_jp": 4},
                {"form_code": "16", "max_jp_per_day": 3},
                {"form_code": "22", "jp_factor": 0.5},
            ],
        )
        headers = as_(settings, world, "opd_a")
        nip = world.asn_a.nip
        seminar = await create(client, nip, headers, form_code="9", jp=16)
        elearning = await create(client, nip, headers, form_code="16", jp=20)  # 3 days × 3
        mandiri = await create(client, nip, headers, form_code="22", duration_minutes=135, jp=None)
        assert (seminar["jp"], seminar["jp_claimed"]) == (4, 16)
        assert (elearning["jp"], elearning["jp_claimed"]) == (9, 20)
        assert mandiri["jp"] == 1.5
        assert all(isinstance(r["jp"], int | float) for r in (seminar, elearning, mandiri))
        assert await totals(session, nip) == {
            (2026, "9"): (D("4.00"), 1),
            (2026, "16"): (D("9.00"), 1),
            (2026, "22"): (D("1.50"), 1),
        }

    async def test_jp_up_to_2000(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        headers = as_(settings, world, "bpsdm")
        # 63 days hold 2,016 JP at 32 a day.
        rec = await create(client, world.asn_a.nip, headers, form_code="1", jp=2000, start_date="2026-01-01")
        assert rec["jp"] == 2000

    @pytest.mark.parametrize(
        ("changes", "code", "loc"),
        [
            ({"start_date": "2026-03-05", "end_date": "2026-03-04"}, "validation_error", ["body"]),
            ({"jp": 0}, "validation_error", ["body", "jp"]),
            ({"jp": -3}, "validation_error", ["body", "jp"]),
            ({"jp": 2000.01}, "validation_error", ["body", "jp"]),
            ({"jp": 1.234}, "validation_error", ["body", "jp"]),
            ({"jp": None}, "validation_error", ["body"]),
            ({"jp": None, "duration_minutes": 0}, "validation_error", ["body", "duration_minutes"]),
            ({"nilai": 90}, "validation_error", ["body", "nilai"]),
            ({"form_code": "99"}, "unknown_form_code", None),
            (
                {"jp": None, "duration_minutes": 2000 * 60, "start_date": "2025-06-02"},
                "invalid_jp",
                None,
            ),  # 2666.67 JP, over days that hold it
        ],
    )
    async def test_invalid(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        session: AsyncSession,
        changes: dict[str, Any],
        code: str,
        loc: list[str] | None,
    ) -> None:
        r = await client.post(
            records_of(world.asn_a.nip), json=body(**changes), headers=as_(settings, world, "bpsdm")
        )
        assert r.status_code == 422, r.text
        assert r.headers["content-type"] == "application/problem+json"
        data = r.json()
        assert data["code"] == code
        if loc is not None:
            assert data["errors"][0]["loc"] == loc
        assert await record_count(session, world.asn_a.nip) == 0

    async def test_factor_beyond_2000_is_refused(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        await put_rules(client, settings, world, 2026, form_rules=[{"form_code": "1", "jp_factor": 2}])
        r = await client.post(
            records_of(world.asn_a.nip),
            json=body(form_code="1", jp=1141, start_date="2025-06-02"),
            headers=as_(settings, world, "bpsdm"),
        )
        assert r.status_code == 422
        assert r.json()["code"] == "invalid_jp"

    async def test_future_end_date(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        # The service's "today" is the easternmost Indonesian zone's (WIT); the machine's
        # date.today() is a day behind it for nine hours of every UTC day.
        today = latest_indonesian_date()
        tomorrow = today + timedelta(days=1)
        headers = as_(settings, world, "asn_a")
        r = await client.post(
            records_of(world.asn_a.nip),
            json=body(start_date=today.isoformat(), end_date=tomorrow.isoformat()),
            headers=headers,
        )
        assert r.status_code == 422
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["code"] == "invalid_dates"
        await create(
            client, world.asn_a.nip, headers, start_date=today.isoformat(), end_date=today.isoformat()
        )


class TestCountingYear:
    async def test_a_record_counts_in_the_year_it_ends(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await put_rules(client, settings, world, 2026, jp_minutes=50)
        headers = as_(settings, world, "bpsdm")
        nip = world.asn_a.nip
        spanning = await create(
            client,
            nip,
            headers,
            start_date="2025-12-30",
            end_date="2026-01-02",
            jp=None,
            duration_minutes=100,
        )
        ending = await create(
            client,
            nip,
            headers,
            start_date="2025-12-29",
            end_date="2025-12-31",
            jp=None,
            duration_minutes=100,
        )
        assert (spanning["year"], spanning["jp"]) == (2026, 2.0)  # and 2026's rules
        assert (ending["year"], ending["jp"]) == (2025, 2.22)
        assert await totals(session, nip) == {(2026, "8"): (D("2.00"), 1), (2025, "8"): (D("2.22"), 1)}
        r = await client.get(records_of(nip), params={"year": 2026}, headers=headers)
        assert [item["id"] for item in r.json()["items"]] == [spanning["id"]]

    async def test_only_verified_records_are_totalled(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        admin, me = as_(settings, world, "opd_a"), as_(settings, world, "asn_a")
        nip = world.asn_a.nip

        async def decide(record_id: int, decision: str) -> None:
            r = await client.post(
                f"/api/v1/learning-records/{record_id}/verification",
                json={"decision": decision},
                headers=admin,
            )
            assert r.status_code == 200, r.text

        await create(client, nip, admin, jp=10)
        minutes = await create(client, nip, admin, jp=None, duration_minutes=100)
        await create(client, nip, me, jp=5)  # stays pending
        rejected = await create(client, nip, me, jp=3)
        approved = await create(client, nip, me, jp=4.5)
        await create(client, nip, admin, form_code="9", jp=2)
        assert await totals(session, nip) == {(2026, "8"): (D("12.22"), 2), (2026, "9"): (D("2.00"), 1)}
        await decide(rejected["id"], "reject")
        await decide(approved["id"], "approve")
        assert await totals(session, nip) == {(2026, "8"): (D("16.72"), 3), (2026, "9"): (D("2.00"), 1)}
        r = await client.post(
            f"/api/v1/learning-records/{minutes['id']}/void", json={"reason": "Salah input"}, headers=admin
        )
        assert r.status_code == 200, r.text
        assert await totals(session, nip) == {(2026, "8"): (D("14.50"), 2), (2026, "9"): (D("2.00"), 1)}
        assert await totals(session, world.asn_a1.nip) == {}
