"""SIMPEG sync declares its items as any JSON value (each is validated on its own): whatever an item
is, the batch is a 200 that reports it under its index and applies the others, on both databases."""

from __future__ import annotations

from typing import Any

import httpx
import jsonschema_rs
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from tests.factories import World
from tests.sync.test_sync_asn import count_asn, make_nips, post, profile

# Values the schema lets through as items; none is a valid profile.
NOT_PROFILES: list[Any] = [
    None,
    True,
    0,
    -1.5,
    "199001012015011001",
    [],
    [{"nip": "199001012015011001"}],
    {},
    {"nip": None},
    {"nip": 199001012015011001},
    {"nip": ["199001012015011001"], "name": {"first": "Budi"}},
    {"": 1, "\u00e9": [None, {}]},
    {"deep": [[[[[[[[[[{}]]]]]]]]]]},
]


def broken(world: World, nip: str) -> list[dict[str, Any]]:
    """Profiles whose fields have the wrong type or a value no column could hold."""
    return [
        profile(nip, world, unit_id=str(world.unit_a.id) + "x"),
        profile(nip, world, unit_id=10**30),
        profile(nip, world, unit_id=-(2**63)),
        profile(nip, world, position_id=2**63),
        profile(nip, world, unit_id=1.5),
        profile(nip, world, active="yes"),
        profile(nip, world, birth_date="1960-02-30"),
        profile(nip, world, golongan=["III/b"]),
        profile(nip, world, employment_type={"pns": True}),
        profile(nip, world, name="x" * 10_000),
        profile(nip, world, email="a@" + "b" * 300 + ".id"),
        profile(nip, world, unknown_field=1),
    ]


async def assert_the_schema_admits(client: httpx.AsyncClient, items: list[Any]) -> None:
    """A 200 to a request the schema forbids is what Schemathesis' negative-data check reports."""
    document = (await client.get("/api/v1/openapi.json")).json()
    schema = document["components"]["schemas"]["SyncAsnBody"]["properties"]["items"]
    validator = jsonschema_rs.validator_for(schema | {"components": document["components"]})
    assert validator.is_valid(items), list(validator.iter_errors(items))[:3]


class TestAnyItemIsReportedOnItsRow:
    async def test_values_that_are_not_profiles(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        good = make_nips(2, gender="female")
        items = [profile(good[0], world), *NOT_PROFILES, profile(good[1], world)]
        await assert_the_schema_admits(client, items)
        r = await post(client, settings, world, items)
        assert r.status_code == 200, r.text
        body = r.json()
        assert [e["index"] for e in body["errors"]] == list(range(1, len(NOT_PROFILES) + 1))
        assert {e["code"] for e in body["errors"]} == {"validation_error"}
        assert body["created"] == 2
        assert await count_asn(session, good) == 2

    async def test_profiles_with_fields_of_the_wrong_shape(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        nips = make_nips(13)
        items: list[Any] = [
            profile(nips[0], world),
            *(item for i, nip in enumerate(nips[1:]) for item in broken(world, nip)[i : i + 1]),
        ]
        await assert_the_schema_admits(client, items)
        r = await post(client, settings, world, items)
        assert r.status_code == 200, r.text
        body = r.json()
        errors = {e["index"]: e for e in body["errors"]}
        assert sorted(errors) == list(range(1, 13)), body
        for index, error in errors.items():
            assert error["nip"] == nips[index], error
            assert error["code"] in {"validation_error", "unit_not_found", "position_not_found"}, error
        assert body["created"] == 1
        assert await count_asn(session, nips[1:]) == 0
