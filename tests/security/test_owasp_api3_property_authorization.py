"""OWASP API3:2023 Broken Object Property Level Authorization (mass assignment, excessive exposure).

Input schemas refuse unknown fields, so a client cannot slip `status`, `role` or `created_by` into a
write; fields an ASN may not change on its own profile are refused, not silently applied.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.auth.models import User
from app.core.config import Settings
from tests.core.test_role_matrix import _COLLECTION_APP
from tests.factories import World
from tests.http import as_, problem
from tests.learning.helpers import body as record_body

# xAPI statements are kept as the LMS sent them (the spec lets statements carry properties Bangkom
# does not read); the parts Bangkom uses are validated by app/learning/xapi.py (see API10).
OPEN_BODIES = frozenset({"XapiStatement"})


def _refs(node: Any, schemas: dict[str, Any], out: set[str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            name = ref.rsplit("/", 1)[-1]
            if name not in out:
                out.add(name)
                _refs(schemas[name], schemas, out)
        for value in node.values():
            _refs(value, schemas, out)
    elif isinstance(node, list):
        for value in node:
            _refs(value, schemas, out)


def json_body_schemas() -> dict[str, set[str]]:
    """Operation → every object schema its JSON request body reaches."""
    spec = _COLLECTION_APP.openapi()
    schemas = spec["components"]["schemas"]
    out: dict[str, set[str]] = {}
    for item in spec["paths"].values():
        for operation in item.values():
            media = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if media is not None:
                names: set[str] = set()
                _refs(media["schema"], schemas, names)
                out[operation["operationId"]] = names
    return out


def test_every_json_body_forbids_unknown_fields() -> None:
    schemas = _COLLECTION_APP.openapi()["components"]["schemas"]
    bodies = json_body_schemas()
    assert len(bodies) >= 25
    open_ = {
        f"{op}: {name}"
        for op, names in bodies.items()
        for name in names - OPEN_BODIES
        if schemas[name].get("type") == "object" and schemas[name].get("additionalProperties") is not False
    }
    assert not open_, f"input schemas accepting unknown fields: {sorted(open_)}"


@pytest.mark.parametrize(
    "who, path, body",
    [
        ("asn_a", "/api/v1/asn/{nip}/learning-records", record_body(status="verified")),
        ("asn_a", "/api/v1/asn/{nip}/learning-records", record_body(created_by="bpsdm")),
        ("asn_a", "/api/v1/asn/{nip}/learning-records", record_body(decided_by="opd.a")),
        ("opd_a", "/api/v1/learning-records/0/verification", {"decision": "approve", "decided_by": "bpsdm"}),
        ("bpsdm", "/api/v1/users", {"username": "x.y", "role": "asn", "password": "Rahasia#2026!", "id": 1}),
        ("bpsdm", "/api/v1/clients", {"name": "SIMPEG", "scopes": ["asn:read"], "client_id": "bk_mine"}),
        ("bpsdm", "/api/v1/sync/asn", {"items": [], "source": "simpeg"}),
    ],
    ids=[
        "claim-status",
        "claim-created-by",
        "claim-decided-by",
        "verify-decided-by",
        "user-id",
        "client-id",
        "sync",
    ],
)
async def test_extra_fields_are_refused(
    client: httpx.AsyncClient, settings: Settings, world: World, who: str, path: str, body: dict[str, Any]
) -> None:
    r = await client.post(path.format(nip=world.asn_a.nip), json=body, headers=as_(settings, world, who))
    data = problem(r, 422, "validation_error")
    assert any(e["type"] == "extra_forbidden" for e in data["errors"]), data


async def test_an_asn_claim_is_always_pending(
    client: httpx.AsyncClient, settings: Settings, world: World
) -> None:
    r = await client.post(
        f"/api/v1/asn/{world.asn_a.nip}/learning-records",
        json=record_body(),
        headers=as_(settings, world, "asn_a"),
    )
    assert r.status_code == 201, r.text
    assert r.json()["status"] == "pending"
    assert r.json()["created_by"] == world.users["asn_a"].username


@pytest.mark.parametrize(
    "change",
    [
        {"unit_id": "unit_b"},
        {"active": False},
        {"golongan": "IV/e"},
        {"position_id": "position_a"},
        {"name": "Siti Rahmawati, S.H."},
    ],
    ids=["unit_id", "active", "golongan", "position_id", "name"],
)
async def test_an_asn_cannot_change_official_fields_of_its_profile(
    client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession, change: dict[str, Any]
) -> None:
    field, value = next(iter(change.items()))
    value = {"unit_b": world.unit_b.id, "position_a": world.position_a.id}.get(value, value)
    r = await client.patch(
        f"/api/v1/asn/{world.asn_a.nip}",
        json={field: value},
        headers=as_(settings, world, "asn_a") | {"If-Match": '"1"'},
    )
    assert r.status_code in (403, 422), r.text
    assert r.headers["content-type"] == "application/problem+json"
    await session.refresh(world.asn_a)
    stored: Asn = world.asn_a
    assert stored.unit_id == world.unit_a.id and stored.active and stored.golongan == "III/a"


async def test_an_asn_may_change_its_contact_details(
    client: httpx.AsyncClient, settings: Settings, world: World
) -> None:
    # The control for the test above: the same request shape with an allowed field succeeds.
    r = await client.patch(
        f"/api/v1/asn/{world.asn_a.nip}",
        json={"phone": "+62 811-5400-123"},
        headers=as_(settings, world, "asn_a") | {"If-Match": '"1"'},
    )
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("who", ["asn_a", "opd_a"])
@pytest.mark.parametrize(
    "change",
    [{"role": "bpsdm_admin"}, {"unit_id": "unit_b"}, {"active": True}],
    ids=["role", "unit_id", "status"],
)
async def test_no_one_but_bpsdm_edits_a_user_account_not_even_their_own(
    client: httpx.AsyncClient,
    settings: Settings,
    world: World,
    session: AsyncSession,
    who: str,
    change: dict[str, Any],
) -> None:
    user = world.users[who]
    field, value = next(iter(change.items()))
    value = world.unit_b.id if value == "unit_b" else value
    r = await client.patch(
        f"/api/v1/users/{user.id}",
        json={field: value},
        headers=as_(settings, world, who) | {"If-Match": '"1"'},
    )
    problem(r, 403, "forbidden")
    stored = await session.get(User, user.id, populate_existing=True)
    assert stored is not None and stored.role == user.role and stored.unit_id == user.unit_id


async def test_password_hashes_are_never_returned(
    client: httpx.AsyncClient, settings: Settings, world: World
) -> None:
    for path in ("/api/v1/users?limit=500", f"/api/v1/users/{world.users['asn_a'].id}", "/api/v1/clients"):
        r = await client.get(path, headers=as_(settings, world, "bpsdm"))
        assert r.status_code == 200, r.text
        assert "password" not in r.text and "secret_hash" not in r.text and "$argon2" not in r.text
