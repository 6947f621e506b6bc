"""OWASP API2:2023 Broken Authentication: every kind of bad bearer token is a 401 problem.

Tokens are built by hand (header.payload.signature) so the tests do not depend on what the JWT
library is willing to produce.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from app.core.config import Settings
from app.core.security import MAX_TOKEN_LENGTH
from tests import factories
from tests.auth.test_bearer_tokens import valid_claims
from tests.factories import World
from tests.http import as_, problem

ME = "/api/v1/auth/me"
TOKEN_URL = "/api/v1/auth/token"
_RSA = rsa.generate_private_key(public_exponent=65537, key_size=2048)
RSA_PUBLIC_PEM = _RSA.public_key().public_bytes(
    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def claims(settings: Settings, world: World, **changes: Any) -> dict[str, Any]:
    """The claims a real token of asn_a carries, with `changes` (None drops a claim)."""
    return {k: v for k, v in (valid_claims(settings, world) | changes).items() if v is not None}


def token(payload: dict[str, Any], *, alg: str = "HS256", key: bytes | None = None) -> str:
    head = _b64(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    body = _b64(json.dumps(payload).encode())
    signing_input = f"{head}.{body}".encode()
    if alg == "none":
        signature = b""
    elif alg == "RS256":
        signature = _RSA.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
    else:
        assert key is not None
        signature = hmac.new(key, signing_input, hashlib.sha256).digest()
    return f"{head}.{body}.{_b64(signature)}"


def bearer(value: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {value}"}


def refused(r: httpx.Response) -> None:
    problem(r, 401, "unauthorized")
    assert r.headers["www-authenticate"].startswith("Bearer")


class TestTokens:
    async def test_a_hand_built_token_with_the_real_key_is_accepted(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        # The control: the builder makes tokens the API accepts, so each refusal below is about
        # the one thing that was changed.
        r = await client.get(
            ME, headers=bearer(token(claims(settings, world), key=settings.secret_key.encode()))
        )
        assert r.status_code == 200, r.text
        assert r.json()["username"] == world.users["asn_a"].username

    async def test_forged_signature(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        refused(await client.get(ME, headers=bearer(token(claims(settings, world), key=b"guessed-secret"))))

    async def test_tampered_claims_keep_the_old_signature(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        real = token(claims(settings, world), key=settings.secret_key.encode())
        head, _, sig = real.split(".")
        promoted = _b64(json.dumps(claims(settings, world, role="bpsdm_admin")).encode())
        refused(await client.get(ME, headers=bearer(f"{head}.{promoted}.{sig}")))

    @pytest.mark.parametrize(
        "changes",
        [
            {"exp": int(time.time()) - 60},
            {"aud": "another-api"},
            {"iss": "someone-else"},
            {"aud": None},
            {"exp": None},
            {"nbf": int(time.time()) + 3600},
            {"role": "superuser"},
        ],
        ids=["expired", "wrong-aud", "wrong-iss", "no-aud", "no-exp", "not-yet-valid", "unknown-role"],
    )
    async def test_bad_claims(
        self, client: httpx.AsyncClient, settings: Settings, world: World, changes: dict[str, Any]
    ) -> None:
        bad = token(claims(settings, world, **changes), key=settings.secret_key.encode())
        refused(await client.get(ME, headers=bearer(bad)))

    async def test_alg_none(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        refused(await client.get(ME, headers=bearer(token(claims(settings, world), alg="none"))))

    async def test_rs256_token(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        refused(await client.get(ME, headers=bearer(token(claims(settings, world), alg="RS256"))))

    async def test_hs256_signed_with_an_rsa_public_key(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        # The classic HS/RS confusion: a verifier that takes the key from the token's alg would
        # check this HMAC with the public key as the secret.
        refused(await client.get(ME, headers=bearer(token(claims(settings, world), key=RSA_PUBLIC_PEM))))

    async def test_oversized_token_is_refused_even_when_validly_signed(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        big = token(claims(settings, world, padding="x" * MAX_TOKEN_LENGTH), key=settings.secret_key.encode())
        assert len(big) > 4096
        refused(await client.get(ME, headers=bearer(big)))

    async def test_garbage(self, client: httpx.AsyncClient) -> None:
        for value in ("a.b.c", "..", "eyJhbGciOiJIUzI1NiJ9", "Bearer x"):
            refused(await client.get(ME, headers=bearer(value)))


class TestDeactivatedUser:
    async def test_no_new_tokens_after_deactivation(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        username = world.users["opd_b"].username
        login = await client.post(
            TOKEN_URL, data={"grant_type": "password", "username": username, "password": factories.PASSWORD}
        )
        assert login.status_code == 200, login.text
        refresh_token = login.json()["refresh_token"]
        user_id = world.users["opd_b"].id
        r = await client.patch(
            f"/api/v1/users/{user_id}",
            json={"active": False},
            headers=as_(settings, world, "bpsdm") | {"If-Match": '"1"'},
        )
        assert r.status_code == 200, r.text
        again = await client.post(
            TOKEN_URL, data={"grant_type": "password", "username": username, "password": factories.PASSWORD}
        )
        assert again.status_code in (400, 401) and again.json()["error"] == "invalid_grant"
        renewed = await client.post(
            TOKEN_URL, data={"grant_type": "refresh_token", "refresh_token": refresh_token}
        )
        assert renewed.status_code in (400, 401) and renewed.json()["error"] == "invalid_grant"
