"""Hostile input is a 4xx problem+json and stores nothing: NUL bytes, text that is not UTF-8, huge
strings and bodies, deeply nested JSON, huge page sizes, forged cursors and wrong content types.

The schemathesis run (run_contract.py) sends such values at random; these pin each one down on
both databases (PostgreSQL text cannot hold a NUL, SQLite would have stored it).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.audit import AuditEntry
from app.core.config import Settings
from app.org.models import Unit
from tests.factories import World
from tests.http import as_

PROBLEM = "application/problem+json"
UNIT = {"code": "DISKOMINFO", "name": "Dinas Komunikasi dan Informatika", "kind": "dinas"}


def refused(r: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == PROBLEM
    body: dict[str, Any] = r.json()
    assert body["status"] == status
    if code is not None:
        assert body["code"] == code, body
    assert "Traceback" not in r.text and "sqlalchemy" not in r.text.lower()
    return body


async def stored(session: AsyncSession) -> tuple[int, int]:
    """Units and audit rows: a refused create adds neither."""
    units = (await session.execute(select(func.count()).select_from(Unit))).scalar_one()
    audit = (await session.execute(select(func.count()).select_from(AuditEntry))).scalar_one()
    return units, audit


@pytest.fixture
def admin(settings: Settings, world: World) -> dict[str, str]:
    return as_(settings, world, "bpsdm")


class TestNulBytes:
    @pytest.mark.parametrize(
        "raw",
        [
            b'{"code": "DISKOMINFO", "name": "Dinas\\u0000Kominfo", "kind": "dinas"}',
            b'{"code": "DISKOMINFO", "name": "Dinas\x00Kominfo", "kind": "dinas"}',
            b'{"code": "DISKOMINFO", "name": "Dinas \\\\\\u0000", "kind": "dinas"}',
        ],
        ids=["escaped", "raw", "after-escaped-backslash"],
    )
    async def test_in_a_json_string(
        self, client: httpx.AsyncClient, admin: dict[str, str], session: AsyncSession, raw: bytes
    ) -> None:
        before = await stored(session)
        r = await client.post(
            "/api/v1/units", content=raw, headers=admin | {"Content-Type": "application/json"}
        )
        body = refused(r, 422, "validation_error")
        assert body["errors"][0]["loc"] == ["body"]
        assert await stored(session) == before

    async def test_an_escaped_backslash_before_u0000_is_text(
        self, client: httpx.AsyncClient, admin: dict[str, str]
    ) -> None:
        # `\\u0000` in JSON is a backslash and "u0000": six harmless characters, not a NUL.
        raw = b'{"code": "DISKOMINFO", "name": "Dinas \\\\u0000", "kind": "dinas"}'
        r = await client.post(
            "/api/v1/units", content=raw, headers=admin | {"Content-Type": "application/json"}
        )
        assert r.status_code == 201, r.text
        assert r.json()["name"] == "Dinas \\u0000"

    @pytest.mark.parametrize(
        "url", ["/api/v1/asn?q=Siti%00", "/api/v1/asn/19850314%002010012003", "/api/v1/units?limit=5%00"]
    )
    async def test_in_the_url(self, client: httpx.AsyncClient, admin: dict[str, str], url: str) -> None:
        refused(await client.get(url, headers=admin), 400, "unreadable_request")

    async def test_in_a_form_body(self, client: httpx.AsyncClient) -> None:
        r = await client.post(
            "/api/v1/auth/token",
            content=b"grant_type=password&username=bp%00sdm&password=x",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        refused(r, 422, "validation_error")


class TestNotUtf8:
    async def test_json_body(
        self, client: httpx.AsyncClient, admin: dict[str, str], session: AsyncSession
    ) -> None:
        before = await stored(session)
        raw = b'{"code": "DISKOMINFO", "name": "Dinas \xff\xfe Kominfo", "kind": "dinas"}'
        r = await client.post(
            "/api/v1/units", content=raw, headers=admin | {"Content-Type": "application/json"}
        )
        refused(r, 400, "unreadable_request")
        assert await stored(session) == before

    async def test_unpaired_surrogate_escape(
        self, client: httpx.AsyncClient, admin: dict[str, str], session: AsyncSession
    ) -> None:
        before = await stored(session)
        raw = b'{"code": "DISKOMINFO", "name": "Dinas \\ud800 Kominfo", "kind": "dinas"}'
        r = await client.post(
            "/api/v1/units", content=raw, headers=admin | {"Content-Type": "application/json"}
        )
        refused(r, 400, "unreadable_request")
        assert await stored(session) == before

    async def test_a_surrogate_pair_is_one_character(
        self, client: httpx.AsyncClient, admin: dict[str, str]
    ) -> None:
        raw = b'{"code": "DISKOMINFO", "name": "Dinas \\ud83d\\ude00", "kind": "dinas"}'
        r = await client.post(
            "/api/v1/units", content=raw, headers=admin | {"Content-Type": "application/json"}
        )
        assert r.status_code == 201, r.text
        assert r.json()["name"] == "Dinas \N{GRINNING FACE}"

    @pytest.mark.parametrize("url", ["/api/v1/asn?q=%FF%FE", "/api/v1/asn/%FF%FE"])
    async def test_in_the_url(self, client: httpx.AsyncClient, admin: dict[str, str], url: str) -> None:
        refused(await client.get(url, headers=admin), 400, "unreadable_request")

    async def test_in_a_form_body(self, client: httpx.AsyncClient) -> None:
        r = await client.post(
            "/api/v1/auth/token",
            content=b"grant_type=password&username=%FF%FE&password=x",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        refused(r, 400, "unreadable_request")


class TestHugeInput:
    async def test_huge_string_is_a_validation_error(
        self, client: httpx.AsyncClient, admin: dict[str, str], session: AsyncSession
    ) -> None:
        before = await stored(session)
        r = await client.post("/api/v1/units", json=UNIT | {"name": "N" * 1_000_000}, headers=admin)
        body = refused(r, 422, "validation_error")
        assert ["body", "name"] in [e["loc"] for e in body["errors"]]
        assert await stored(session) == before

    async def test_body_over_the_limit_is_413(
        self, client: httpx.AsyncClient, admin: dict[str, str], session: AsyncSession
    ) -> None:
        before = await stored(session)
        r = await client.post("/api/v1/units", json=UNIT | {"name": "N" * 3_000_000}, headers=admin)
        refused(r, 413, "payload_too_large")
        assert await stored(session) == before

    @pytest.mark.parametrize("depth", [1_000, 100_000])
    async def test_deeply_nested_json(
        self, client: httpx.AsyncClient, admin: dict[str, str], session: AsyncSession, depth: int
    ) -> None:
        before = await stored(session)
        nested = "[" * depth + "]" * depth
        raw = f'{{"code": "DISKOMINFO", "name": {nested}, "kind": "dinas"}}'.encode()
        r = await client.post(
            "/api/v1/units", content=raw, headers=admin | {"Content-Type": "application/json"}
        )
        assert 400 <= r.status_code < 500, r.text
        assert r.headers["content-type"] == PROBLEM
        assert await stored(session) == before

    @pytest.mark.parametrize("limit", ["501", "0", "-1", str(10**30), "1e3", "NaN"])
    async def test_page_size_out_of_range(
        self, client: httpx.AsyncClient, admin: dict[str, str], limit: str
    ) -> None:
        body = refused(
            await client.get(f"/api/v1/units?limit={limit}", headers=admin), 422, "validation_error"
        )
        assert body["errors"][0]["loc"] == ["query", "limit"]

    @pytest.mark.parametrize(
        ("cursor", "code"),
        [
            ("not a cursor!", "invalid_cursor"),  # outside the documented alphabet
            ("A" * 513, "validation_error"),  # over the documented maxLength
            ("WzEsMiwzXQ", "invalid_cursor"),  # [1,2,3]: well-formed, but not one the server issued
            ("e30", "invalid_cursor"),  # {}
            ("AAAA", "invalid_cursor"),
        ],
    )
    async def test_forged_cursor(
        self, client: httpx.AsyncClient, admin: dict[str, str], cursor: str, code: str
    ) -> None:
        refused(await client.get("/api/v1/units", params={"cursor": cursor}, headers=admin), 422, code)


class TestWrongContentType:
    @pytest.mark.parametrize(
        "content_type", ["text/plain", "application/xml", "multipart/form-data; boundary=x"]
    )
    async def test_json_operation(
        self, client: httpx.AsyncClient, admin: dict[str, str], session: AsyncSession, content_type: str
    ) -> None:
        before = await stored(session)
        r = await client.post(
            "/api/v1/units",
            content=b'{"code": "DISKOMINFO", "name": "Dinas", "kind": "dinas"}',
            headers=admin | {"Content-Type": content_type},
        )
        assert 400 <= r.status_code < 500, r.text
        assert r.headers["content-type"] == PROBLEM
        assert await stored(session) == before

    async def test_form_operation_given_json(self, client: httpx.AsyncClient) -> None:
        r = await client.post(
            "/api/v1/auth/token", json={"grant_type": "password", "username": "bpsdm", "password": "x"}
        )
        assert 400 <= r.status_code < 500, r.text
        assert r.headers["content-type"] == PROBLEM
        assert "access_token" not in r.text

    async def test_upload_operation_given_json(
        self, client: httpx.AsyncClient, admin: dict[str, str]
    ) -> None:
        r = await client.post("/api/v1/imports/asn", json={"file": "x"}, headers=admin)
        assert 400 <= r.status_code < 500, r.text
        assert r.headers["content-type"] == PROBLEM
