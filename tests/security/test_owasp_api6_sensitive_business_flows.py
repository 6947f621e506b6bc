"""OWASP API6:2023 Unrestricted Access to Sensitive Business Flows: self-approval and claim flooding."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from app.core.config import Settings
from app.core.idempotency import KEY_LIFETIME, IdempotencyRecord
from app.core.security import Role
from app.core.types import utcnow
from app.learning.models import LearningRecord
from tests import factories
from tests.factories import World, bearer, principal_of
from tests.http import as_, problem
from tests.learning.helpers import body
from tests.security.helpers import bound_app, http


class TestSelfApproval:
    async def test_an_opd_admin_cannot_verify_their_own_claim(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        # An OPD admin who is also an ASN of the unit they administer.
        admin = await factories.create_user(
            session, "opd.a.self", Role.opd_admin, unit=world.unit_a, asn=world.asn_a
        )
        await session.commit()
        claim = await client.post(
            f"/api/v1/asn/{world.asn_a.nip}/learning-records",
            json=body(),
            headers=as_(settings, world, "asn_a"),
        )
        assert claim.status_code == 201 and claim.json()["status"] == "pending", claim.text
        path = f"/api/v1/learning-records/{claim.json()['id']}/verification"
        r = await client.post(
            path, json={"decision": "approve"}, headers=bearer(settings, principal_of(admin))
        )
        problem(r, 403, "self_approval")
        # Another admin of the unit may.
        r = await client.post(path, json={"decision": "approve"}, headers=as_(settings, world, "opd_a"))
        assert r.status_code == 200 and r.json()["status"] == "verified", r.text


@pytest.fixture
def quota_app(settings: Settings, engine: AsyncEngine, connection: AsyncConnection) -> Any:
    return bound_app(settings, engine, connection, claims_per_hour=2)


def claims_url(world: World) -> str:
    return f"/api/v1/asn/{world.asn_a.nip}/learning-records"


class TestClaimFlooding:
    async def test_beyond_the_hourly_quota_is_429_with_retry_after(
        self, quota_app: Any, settings: Settings, world: World
    ) -> None:
        headers = as_(settings, world, "asn_a")
        async with http(quota_app) as c:
            for _ in range(2):
                assert (await c.post(claims_url(world), json=body(), headers=headers)).status_code == 201
            r = await c.post(claims_url(world), json=body(), headers=headers)
        data = problem(r, 429, "claim_rate_exceeded")
        wait = int(r.headers["retry-after"])
        assert 3590 <= wait <= 3600
        assert f"{wait} seconds" in data["detail"]

    async def test_retry_after_is_when_the_oldest_counted_claim_leaves_the_hour(
        self, quota_app: Any, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        headers = as_(settings, world, "asn_a")
        async with http(quota_app) as c:
            first = (await c.post(claims_url(world), json=body(), headers=headers)).json()
            assert (await c.post(claims_url(world), json=body(), headers=headers)).status_code == 201
            await session.execute(
                update(LearningRecord)
                .where(LearningRecord.id == first["id"])
                .values(created_at=utcnow() - timedelta(minutes=59))
            )
            await session.commit()
            r = await c.post(claims_url(world), json=body(), headers=headers)
            problem(r, 429, "claim_rate_exceeded")
            assert 55 <= int(r.headers["retry-after"]) <= 60
            await session.execute(
                update(LearningRecord)
                .where(LearningRecord.id == first["id"])
                .values(created_at=utcnow() - timedelta(minutes=61))
            )
            await session.commit()
            r = await c.post(claims_url(world), json=body(), headers=headers)
        assert r.status_code == 201, r.text

    async def test_voiding_does_not_give_a_claim_back(
        self, quota_app: Any, settings: Settings, world: World
    ) -> None:
        headers = as_(settings, world, "asn_a")
        async with http(quota_app) as c:
            for _ in range(2):
                made = await c.post(claims_url(world), json=body(), headers=headers)
                void = await c.post(
                    f"/api/v1/learning-records/{made.json()['id']}/void",
                    json={"reason": "salah"},
                    headers=headers,
                )
                assert void.status_code == 200, void.text
            problem(await c.post(claims_url(world), json=body(), headers=headers), 429, "claim_rate_exceeded")

    async def test_an_idempotent_replay_is_answered_even_at_the_quota(
        self, quota_app: Any, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        headers = as_(settings, world, "asn_a")
        retried = body()
        async with http(quota_app) as c:
            assert (await c.post(claims_url(world), json=body(), headers=headers)).status_code == 201
            keyed = headers | {"Idempotency-Key": "claim-2"}
            first = await c.post(claims_url(world), json=retried, headers=keyed)
            assert first.status_code == 201, first.text
            again = await c.post(claims_url(world), json=retried, headers=keyed)
            assert again.status_code == 201, again.text
            assert again.headers["idempotent-replayed"] == "true"
            assert again.json()["id"] == first.json()["id"]
            # A new key is a new claim, and that one is over the quota.
            fresh = headers | {"Idempotency-Key": "claim-3"}
            problem(await c.post(claims_url(world), json=body(), headers=fresh), 429, "claim_rate_exceeded")
        ids = (
            await session.execute(select(LearningRecord.id).where(LearningRecord.nip == world.asn_a.nip))
        ).all()
        assert len(ids) == 2

    async def test_an_expired_idempotency_key_is_no_way_around_the_quota(
        self, quota_app: Any, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        session.add(
            IdempotencyRecord(
                principal=world.users["asn_a"].username,
                key="stale",
                method="POST",
                path=claims_url(world),
                request_hash="0" * 64,
                status_code=201,
                body={},
                headers={},
                created_at=utcnow() - KEY_LIFETIME - timedelta(hours=1),
            )
        )
        await session.commit()
        headers = as_(settings, world, "asn_a")
        async with http(quota_app) as c:
            for _ in range(2):
                assert (await c.post(claims_url(world), json=body(), headers=headers)).status_code == 201
            r = await c.post(claims_url(world), json=body(), headers=headers | {"Idempotency-Key": "stale"})
        problem(r, 429, "claim_rate_exceeded")

    async def test_each_asn_has_its_own_quota_and_admins_are_not_limited(
        self, quota_app: Any, settings: Settings, world: World
    ) -> None:
        async with http(quota_app) as c:
            for _ in range(2):
                await c.post(claims_url(world), json=body(), headers=as_(settings, world, "asn_a"))
            problem(
                await c.post(claims_url(world), json=body(), headers=as_(settings, world, "asn_a")),
                429,
                "claim_rate_exceeded",
            )
            for _ in range(3):
                r = await c.post(claims_url(world), json=body(), headers=as_(settings, world, "opd_a"))
                assert r.status_code == 201, r.text
            r = await c.post(
                f"/api/v1/asn/{world.asn_b.nip}/learning-records",
                json=body(),
                headers=as_(settings, world, "asn_b"),
            )
            assert r.status_code == 201, r.text

    async def test_zero_turns_it_off(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        assert settings.claims_per_hour == 0
        for _ in range(5):
            r = await client.post(claims_url(world), json=body(), headers=as_(settings, world, "asn_a"))
            assert r.status_code == 201, r.text
