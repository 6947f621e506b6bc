"""ASN accounts in bulk with one-time passwords, password resets, "change my password" and the forced
change after a one-time password."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.accounts import service as accounts_service
from app.auth.models import User
from app.core.audit import AuditEntry
from app.core.config import Settings
from app.core.security import ONE_TIME_ALPHABET
from app.core.spreadsheets import XLSX_MEDIA_TYPE
from tests import factories
from tests.factories import PASSWORD, World
from tests.http import as_, audit_rows, problem

NEW_PASSWORD = "Sungai Mahakam 2026"


async def login(client: httpx.AsyncClient, username: str, password: str) -> httpx.Response:
    return await client.post(
        "/api/v1/auth/token", data={"grant_type": "password", "username": username, "password": password}
    )


def token(r: httpx.Response) -> dict[str, str]:
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


async def provision(client: httpx.AsyncClient, headers: dict[str, str], **body: Any) -> httpx.Response:
    return await client.post("/api/v1/users/provision", json=body, headers=headers)


def by_nip(r: httpx.Response) -> dict[str, dict[str, Any]]:
    assert r.status_code == 200, r.text
    return {item["nip"]: item for item in r.json()["items"]}


class TestProvision:
    async def test_bpsdm_provisions_a_unit_with_its_sub_units(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await factories.create_asn(session, world.unit_a, name="Tidak Aktif", active=False)
        await session.commit()
        r = await provision(
            client, as_(settings, world, "bpsdm"), unit_id=world.unit_a.id, include_sub_units=True
        )
        assert r.headers["cache-control"] == "no-store"
        items = by_nip(r)
        # asn_a already has an account; the inactive ASN gets none; asn_b is in another unit.
        assert set(items) == {world.asn_a1.nip, world.pppk_a.nip}
        assert r.json()["created"] == 2
        one = items[world.asn_a1.nip]
        assert one["username"] == world.asn_a1.nip
        assert one["name"] == "Budi Santoso" and one["unit_id"] == world.unit_a1.id
        assert one["unit_name"] == world.unit_a1.name
        password = one["one_time_password"]
        assert len(password.replace("-", "")) >= 12
        assert set(password.replace("-", "")) <= set(ONE_TIME_ALPHABET)
        assert not set(password) & set("0O1lIS5Z2B8")
        user = (await session.execute(select(User).where(User.username == one["username"]))).scalar_one()
        assert user.role == "asn" and user.nip == world.asn_a1.nip and user.must_change_password
        assert password not in user.password_hash
        rows = await audit_rows(session, "user", world.asn_a1.nip)
        assert [a.action for a in rows] == ["provision"]
        assert rows[0].actor == "bpsdm" and password not in str(rows[0].after)
        assert (rows[0].after or {})["must_change_password"] is True
        # Run again: everyone has an account now.
        again = await provision(
            client, as_(settings, world, "bpsdm"), unit_id=world.unit_a.id, include_sub_units=True
        )
        assert again.json()["created"] == 0

    async def test_without_sub_units_only_the_unit(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await provision(client, as_(settings, world, "bpsdm"), unit_id=world.unit_a.id)
        assert set(by_nip(r)) == {world.pppk_a.nip}

    async def test_nips_pick_and_report_what_was_skipped(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        nips = [world.asn_a1.nip, world.asn_a.nip, world.asn_b.nip]
        r = await provision(
            client, as_(settings, world, "opd_a"), unit_id=world.unit_a.id, include_sub_units=True, nips=nips
        )
        assert set(by_nip(r)) == {world.asn_a1.nip}
        assert r.json()["skipped"] == [
            {"nip": world.asn_a.nip, "reason": "has_account"},
            {"nip": world.asn_b.nip, "reason": "not_found"},
        ]

    async def test_opd_admin_only_within_its_units(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        problem(
            await provision(client, as_(settings, world, "opd_a"), unit_id=world.unit_b.id),
            404,
            "unit_not_found",
        )
        problem(
            await provision(client, as_(settings, world, "opd_a1"), unit_id=world.unit_a.id),
            404,
            "unit_not_found",
        )
        problem(
            await provision(client, as_(settings, world, "asn_a"), unit_id=world.unit_a.id), 403, "forbidden"
        )
        problem(
            await provision(client, as_(settings, world, "auditor"), unit_id=world.unit_a.id),
            403,
            "forbidden",
        )
        assert (
            await session.execute(select(AuditEntry).where(AuditEntry.action == "provision"))
        ).first() is None
        r = await provision(client, as_(settings, world, "opd_a1"), unit_id=world.unit_a1.id)
        assert set(by_nip(r)) == {world.asn_a1.nip}

    @pytest.mark.parametrize(
        "body",
        [{"unit_id": 0}, {"unit_id": 1, "nips": []}, {"unit_id": 1, "nips": ["123"]}, {"unit_id": 1, "x": 1}],
    )
    async def test_invalid_bodies(
        self, client: httpx.AsyncClient, settings: Settings, world: World, body: dict[str, Any]
    ) -> None:
        r = await client.post("/api/v1/users/provision", json=body, headers=as_(settings, world, "bpsdm"))
        problem(r, 422, "validation_error")

    async def test_over_the_cap_is_refused_and_nothing_is_created(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        session: AsyncSession,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.setattr(accounts_service, "PROVISION_CAP", 1)
        r = await provision(
            client, as_(settings, world, "bpsdm"), unit_id=world.unit_a.id, include_sub_units=True
        )
        data = problem(r, 422, "provision_too_many")
        assert data["count"] == 2 and data["cap"] == 1
        assert (await session.execute(select(User).where(User.nip == world.pppk_a.nip))).first() is None

    async def test_batches(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        session: AsyncSession,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.setattr(accounts_service, "PROVISION_BATCH", 2)
        for i in range(3):
            await factories.create_asn(session, world.unit_b, name=f"Pegawai {i}")
        await session.commit()
        r = await provision(client, as_(settings, world, "opd_b"), unit_id=world.unit_b.id)
        assert r.json()["created"] == 3
        assert len({i["one_time_password"] for i in r.json()["items"]}) == 3

    async def test_xlsx(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        for extra in ({"params": {"format": "xlsx"}}, {"headers": {"Accept": XLSX_MEDIA_TYPE}}):
            kwargs: dict[str, Any] = {"params": extra.get("params")}
            headers = as_(settings, world, "bpsdm") | extra.get("headers", {})
            r = await client.post(
                "/api/v1/users/provision",
                json={"unit_id": world.unit_a.id, "include_sub_units": True},
                headers=headers,
                **kwargs,
            )
            assert r.status_code == 200, r.text
            assert r.headers["content-type"] == XLSX_MEDIA_TYPE
            assert r.headers["cache-control"] == "no-store"
            with zipfile.ZipFile(io.BytesIO(r.content)) as book:
                sheet = book.read("xl/worksheets/sheet1.xml").decode()
                strings = sheet + (
                    book.read("xl/sharedStrings.xml").decode()
                    if "xl/sharedStrings.xml" in book.namelist()
                    else ""
                )
            assert "Kata sandi sekali pakai" in strings
            if extra.get("params"):
                assert world.pppk_a.nip in strings  # created by the first request
            else:
                assert world.pppk_a.nip not in strings  # the second finds nobody left

    async def test_idempotency_replay_has_no_passwords(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        headers = as_(settings, world, "bpsdm") | {"Idempotency-Key": "prov-1"}
        body = {"unit_id": world.unit_a.id, "include_sub_units": True}
        first = await client.post("/api/v1/users/provision", json=body, headers=headers)
        assert all(i["one_time_password"] for i in first.json()["items"])
        replay = await client.post("/api/v1/users/provision", json=body, headers=headers)
        assert replay.headers["idempotent-replayed"] == "true"
        assert [i["nip"] for i in replay.json()["items"]] == [i["nip"] for i in first.json()["items"]]
        assert all(i["one_time_password"] is None for i in replay.json()["items"])
        stored = (
            (await session.execute(select(AuditEntry).where(AuditEntry.action == "provision")))
            .scalars()
            .all()
        )
        assert len(stored) == 2
        secret = first.json()["items"][0]["one_time_password"]
        from app.core.idempotency import IdempotencyRecord

        record = (await session.execute(select(IdempotencyRecord))).scalar_one()
        assert secret not in str(record.body)


class TestForcedChange:
    async def test_first_login_must_change_then_reaches_everything(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        r = await provision(client, as_(settings, world, "bpsdm"), unit_id=world.unit_a.id)
        item = by_nip(r)[world.pppk_a.nip]
        first = await login(client, item["username"], item["one_time_password"])
        assert first.json()["must_change_password"] is True
        h = token(first)
        me = await client.get("/api/v1/auth/me", headers=h)
        assert me.status_code == 200 and me.json()["must_change_password"] is True
        gated = await client.get(f"/api/v1/asn/{world.pppk_a.nip}", headers=h)
        problem(gated, 403, "password_change_required")
        problem(await client.get("/api/v1/reference/golongan", headers=h), 403, "password_change_required")
        changed = await client.post(
            "/api/v1/auth/password",
            json={"current_password": item["one_time_password"], "new_password": NEW_PASSWORD},
            headers=h,
        )
        assert changed.status_code == 200, changed.text
        assert changed.json()["must_change_password"] is False
        assert changed.headers["cache-control"] == "no-store"
        # The old token ended with the change; the answer's tokens carry on.
        assert (await client.get("/api/v1/auth/me", headers=h)).status_code == 401
        fresh = {"Authorization": f"Bearer {changed.json()['access_token']}"}
        assert (await client.get(f"/api/v1/asn/{world.pppk_a.nip}", headers=fresh)).status_code == 200
        me = await client.get("/api/v1/auth/me", headers=fresh)
        assert me.json()["must_change_password"] is False
        again = await login(client, item["username"], NEW_PASSWORD)
        assert again.json()["must_change_password"] is False
        assert (await login(client, item["username"], item["one_time_password"])).status_code == 400
        rows = await audit_rows(session, "user", item["username"])
        assert [a.action for a in rows if a.action != "login"] == ["provision", "change_password"]
        assert NEW_PASSWORD not in str([a.after for a in rows])

    async def test_logout_is_open_while_the_change_is_pending(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await provision(client, as_(settings, world, "bpsdm"), unit_id=world.unit_a.id)
        item = by_nip(r)[world.pppk_a.nip]
        first = await login(client, item["username"], item["one_time_password"])
        h = token(first)
        out = await client.post(
            "/api/v1/auth/revoke", data={"token": first.json()["refresh_token"]}, headers=h
        )
        assert out.status_code == 200
        assert (await client.get("/api/v1/auth/me", headers=h)).status_code == 401


class TestChangePassword:
    async def _login(self, client: httpx.AsyncClient, world: World) -> tuple[httpx.Response, dict[str, str]]:
        r = await login(client, world.users["opd_a"].username, PASSWORD)
        return r, token(r)

    @pytest.mark.parametrize(
        ("current", "new", "code"),
        [
            ("Salah#Sekali99", NEW_PASSWORD, "current_password_wrong"),
            (PASSWORD, "Pendek#1", "password_too_short"),
            (PASSWORD, "xx-OPD.A-2026-yy", "password_is_username"),
            (PASSWORD, PASSWORD, "password_unchanged"),
        ],
    )
    async def test_policy(
        self, client: httpx.AsyncClient, world: World, current: str, new: str, code: str
    ) -> None:
        _, h = await self._login(client, world)
        r = await client.post(
            "/api/v1/auth/password", json={"current_password": current, "new_password": new}, headers=h
        )
        problem(r, 422, code)
        assert (await client.get("/api/v1/auth/me", headers=h)).status_code == 200  # nothing changed

    async def test_not_the_nip(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        r = await provision(client, as_(settings, world, "bpsdm"), unit_id=world.unit_a.id)
        item = by_nip(r)[world.pppk_a.nip]
        h = token(await login(client, item["username"], item["one_time_password"]))
        r = await client.post(
            "/api/v1/auth/password",
            json={"current_password": item["one_time_password"], "new_password": f"x{world.pppk_a.nip}"},
            headers=h,
        )
        problem(r, 422, "password_is_username")

    async def test_change_ends_other_sessions(
        self, client: httpx.AsyncClient, world: World, session: AsyncSession
    ) -> None:
        other, other_h = await self._login(client, world)
        _, h = await self._login(client, world)
        r = await client.post(
            "/api/v1/auth/password",
            json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
            headers=h,
        )
        assert r.status_code == 200, r.text
        assert "must_change_password" in r.json()
        assert (await client.get("/api/v1/auth/me", headers=other_h)).status_code == 401
        refresh = await client.post(
            "/api/v1/auth/token",
            data={"grant_type": "refresh_token", "refresh_token": other.json()["refresh_token"]},
        )
        assert refresh.status_code == 400
        renewed = await client.post(
            "/api/v1/auth/token",
            data={"grant_type": "refresh_token", "refresh_token": r.json()["refresh_token"]},
        )
        assert renewed.status_code == 200, renewed.text
        assert (await login(client, world.users["opd_a"].username, PASSWORD)).status_code == 400
        assert [a.action for a in await audit_rows(session, "user", "opd.a")][-1] == "change_password"

    async def test_wrong_current_passwords_are_throttled(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        _, h = await self._login(client, world)
        codes = []
        for _ in range(settings.login_max_failures + 1):
            r = await client.post(
                "/api/v1/auth/password",
                json={"current_password": "Salah#Sekali99", "new_password": NEW_PASSWORD},
                headers=h,
            )
            codes.append(r.status_code)
        assert codes[-1] == 429 and set(codes[:-1]) == {422}, codes


class TestReset:
    async def _provisioned(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> dict[str, Any]:
        r = await provision(
            client, as_(settings, world, "bpsdm"), unit_id=world.unit_a.id, include_sub_units=True
        )
        return by_nip(r)

    async def test_opd_admin_resets_an_asn_of_its_units(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        user = world.users["asn_a"]
        before = token(await login(client, user.username, PASSWORD))
        r = await client.post(
            f"/api/v1/users/{user.id}/password-reset", headers=as_(settings, world, "opd_a")
        )
        assert r.status_code == 200, r.text
        assert r.headers["cache-control"] == "no-store"
        data = r.json()
        assert data["username"] == user.username and data["must_change_password"] is True
        # The sessions of the account end; the old password stops working; the new one forces a change.
        assert (await client.get("/api/v1/auth/me", headers=before)).status_code == 401
        assert (await login(client, user.username, PASSWORD)).status_code == 400
        fresh = await login(client, user.username, data["one_time_password"])
        assert fresh.json()["must_change_password"] is True
        rows = await audit_rows(session, "user", user.username)
        reset = [a for a in rows if a.action == "reset_password"]
        assert len(reset) == 1 and reset[0].actor == "opd.a"
        assert data["one_time_password"] not in str(reset[0].after)

    async def test_opd_admin_of_a_sub_unit_reaches_only_its_sub_unit(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        items = await self._provisioned(client, settings, world)
        sub = items[world.asn_a1.nip]["user_id"]
        top = items[world.pppk_a.nip]["user_id"]
        h = as_(settings, world, "opd_a1")
        assert (await client.post(f"/api/v1/users/{sub}/password-reset", headers=h)).status_code == 200
        problem(await client.post(f"/api/v1/users/{top}/password-reset", headers=h), 404, "user_not_found")

    @pytest.mark.parametrize("target", ["asn_b", "bpsdm", "auditor", "opd_a1", "opd_b"])
    async def test_opd_admin_cannot_reset_outside_or_admins(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession, target: str
    ) -> None:
        user = world.users[target]
        r = await client.post(
            f"/api/v1/users/{user.id}/password-reset", headers=as_(settings, world, "opd_a")
        )
        problem(r, 404, "user_not_found")
        assert await audit_rows(session, "user", user.username) == []
        assert (await login(client, user.username, PASSWORD)).status_code == 200

    async def test_bpsdm_resets_any_other_account_but_not_its_own(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "bpsdm")
        r = await client.post(f"/api/v1/users/{world.users['opd_b'].id}/password-reset", headers=h)
        assert r.status_code == 200, r.text
        own = await client.post(f"/api/v1/users/{world.users['bpsdm'].id}/password-reset", headers=h)
        problem(own, 422, "cannot_reset_own_password")
        problem(await client.post("/api/v1/users/999999/password-reset", headers=h), 404, "user_not_found")

    @pytest.mark.parametrize("who", ["asn_a", "auditor"])
    async def test_others_may_not(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str
    ) -> None:
        r = await client.post(
            f"/api/v1/users/{world.users['asn_b'].id}/password-reset", headers=as_(settings, world, who)
        )
        problem(r, 403, "forbidden")

    async def test_reset_unlocks_a_throttled_login(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        user = world.users["asn_a"]
        for _ in range(settings.login_max_failures + 1):
            await login(client, user.username, "Salah#Sekali99")
        assert (await login(client, user.username, PASSWORD)).status_code == 429
        r = await client.post(
            f"/api/v1/users/{user.id}/password-reset", headers=as_(settings, world, "bpsdm")
        )
        assert (await login(client, user.username, r.json()["one_time_password"])).status_code == 200


@pytest.mark.parametrize("method", ["GET", "PATCH", "OPTIONS"])
async def test_provision_is_not_a_user_id(
    client: httpx.AsyncClient, settings: Settings, world: World, method: str
) -> None:
    # A sibling of /users/{user_id}: only POST lives there, so other methods get 405 and its Allow.
    r = await client.request(
        method, "/api/v1/users/provision", headers=as_(settings, world, "bpsdm"), json={}
    )
    problem(r, 405, "method_not_allowed")
    assert r.headers["allow"] == "POST"
