"""OWASP API7:2023 Server Side Request Forgery: Bangkom fetches no URL it is given.

URLs reach the API only inside xAPI statements (actor home page, verb and activity IRIs, extension
keys), where they are identifiers, stored or matched, and as a course session's online link, which is
shown to its participants; none is ever fetched. Evidence is uploaded as a file, not
named by URL. The test watches name resolution: fetching any URL starts with resolving its host,
so a canary host that is never resolved shows nothing was fetched.
"""

from __future__ import annotations

import socket
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.learning.models import LearningRecord
from tests.core.test_role_matrix import _COLLECTION_APP
from tests.factories import World, bearer, client_principal
from tests.http import as_
from tests.planning.sessions.helpers import make_course, make_session, patch

CANARY = "ssrf-canary.bangkom.invalid"
STATEMENTS = "/api/v1/xapi/statements"


@pytest.fixture
def lookups(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    seen: list[str] = []
    real = socket.getaddrinfo

    def watching(host: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(str(host))
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", watching)
    return seen


async def test_urls_in_an_xapi_statement_are_stored_not_fetched(
    client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession, lookups: list[str]
) -> None:
    activity = f"http://{CANARY}/course/1"
    statement = {
        "id": "0b6f5a3e-2d54-4d9e-9a53-0f1de7c1c2aa",
        "actor": {
            "objectType": "Agent",
            "account": {"homePage": f"http://{CANARY}/", "name": world.asn_a.nip},
        },
        "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
        "object": {"objectType": "Activity", "id": activity, "definition": {"type": f"http://{CANARY}/type"}},
        "result": {"duration": "PT1H30M", "extensions": {f"http://{CANARY}/extensions/ping": "x"}},
        "context": {
            "platform": "LMS",
            "extensions": {f"http://{CANARY}/extensions/callback": f"http://{CANARY}/cb"},
        },
        "timestamp": "2026-03-10T15:42:00+08:00",
    }
    headers = bearer(settings, client_principal("learning:write")) | {"X-Experience-API-Version": "1.0.3"}
    r = await client.post(STATEMENTS, json=statement, headers=headers)
    assert r.status_code == 200, r.text
    assert r.json()["ids"] == [statement["id"]]
    record = (
        await session.execute(select(LearningRecord).where(LearningRecord.nip == world.asn_a.nip))
    ).scalar_one()
    assert record.source == "xapi" or record.external_id is not None
    assert not [host for host in lookups if CANARY in host], lookups


# Links the server stores and shows to people, never follows (test_a_sessions_online_link_is_not_fetched).
SHOWN_NOT_FETCHED = {"SessionCreate.online_url", "SessionUpdate.online_url"}


async def test_a_sessions_online_link_is_stored_not_fetched(
    client: httpx.AsyncClient, settings: Settings, world: World, lookups: list[str]
) -> None:
    headers = as_(settings, world, "bpsdm")
    course = await make_course(client, headers)
    link = f"https://{CANARY}/j/8123456789"
    made = await make_session(client, headers, course["id"], place=None, online_url=link)
    assert made["online_url"] == link
    r = await patch(client, headers, made["id"], online_url=f"https://{CANARY}/j/1")
    assert r.status_code == 200, r.text
    assert not [host for host in lookups if CANARY in host], lookups


def test_no_request_body_takes_a_url_to_fetch() -> None:
    """No input field is a URL the server would follow (evidence is an upload, not a link)."""
    spec = _COLLECTION_APP.openapi()
    found = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            if node.get("format") in ("uri", "url", "iri"):
                found.append(where)
            for key, value in node.items():
                if key == "properties" and isinstance(value, dict):
                    found.extend(
                        f"{where}.{k}"
                        for k in value
                        if any(w in k.lower() for w in ("url", "callback", "webhook"))
                    )
                walk(value, f"{where}.{key}")

    for name, schema in spec["components"]["schemas"].items():
        if not name.endswith(("Read", "Page", "Result")):
            walk(schema, name)
    upload = spec["paths"]["/api/v1/learning-records/{record_id}/evidence"]["post"]["requestBody"]
    assert "multipart/form-data" in upload["content"]
    assert set(found) == SHOWN_NOT_FETCHED, found
