"""Bearer access tokens: what the verifier accepts, and the forged or broken ones it must refuse."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jose import jwt

from app.core.config import Settings
from app.core.security import MAX_TOKEN_LENGTH
from tests.factories import World

PROBLEM = "application/problem+json"
PROBLEM_MEMBERS = {"type", "title", "status", "detail", "code", "instance", "request_id"}

Claims = dict[str, Any]
Forge = Callable[[Settings, Claims], str]


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def segment(value: Any) -> str:
    return b64url(json.dumps(value, separators=(",", ":")).encode())


def hs256(key: str, header: Any, payload: Any) -> str:
    """A token assembled by hand, so the header and payload can be anything at all."""
    signing_input = f"{segment(header)}.{segment(payload)}"
    signature = hmac.new(key.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{b64url(signature)}"


def sign(settings: Settings, claims: Claims) -> str:
    token: str = jwt.encode(claims, settings.secret_key, algorithm="HS256")
    return token


@functools.cache
def rsa_private_pem() -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def valid_claims(settings: Settings, world: World) -> Claims:
    user = world.users["asn_a"]
    now = int(time.time())
    return {
        "sub": user.username,
        "role": "asn",
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": now,
        "nbf": now,
        "exp": now + 600,
        "jti": uuid.uuid4().hex,
        "gen": user.token_generation,
        "uid": user.id,
        "unit_id": user.unit_id,
        "nip": user.nip,
    }


def without(claims: Claims, name: str) -> Claims:
    return {k: v for k, v in claims.items() if k != name}


def tampered(settings: Settings, claims: Claims) -> str:
    header, _, signature = sign(settings, claims).split(".")
    return f"{header}.{segment(claims | {'role': 'bpsdm_admin'})}.{signature}"


def ago(seconds: int) -> int:
    return int(time.time()) - seconds


FORGERIES: dict[str, Forge] = {
    "expired": lambda s, c: sign(s, c | {"iat": ago(1200), "nbf": ago(1200), "exp": ago(5)}),
    "not_yet_valid": lambda s, c: sign(s, c | {"nbf": ago(-600)}),
    "wrong_audience": lambda s, c: sign(s, c | {"aud": "another-api"}),
    "audience_list_without_ours": lambda s, c: sign(s, c | {"aud": ["another-api", "a-third-api"]}),
    "missing_audience": lambda s, c: sign(s, without(c, "aud")),
    "wrong_issuer": lambda s, c: sign(s, c | {"iss": "someone-else"}),
    "missing_issuer": lambda s, c: sign(s, without(c, "iss")),
    "alg_none": lambda s, c: f"{segment({'alg': 'none', 'typ': 'JWT'})}.{segment(c)}.",
    "alg_None_capitalised": lambda s, c: f"{segment({'alg': 'None', 'typ': 'JWT'})}.{segment(c)}.",
    "alg_none_keeping_a_signature": lambda s, c: (
        f"{segment({'alg': 'none', 'typ': 'JWT'})}.{segment(c)}.{sign(s, c).rsplit('.', 1)[1]}"
    ),
    "tampered_payload": tampered,
    "signed_with_another_key": lambda s, c: jwt.encode(c, "another-key-" + "z" * 40, algorithm="HS256"),
    "rs256_signed_with_an_rsa_key": lambda s, c: jwt.encode(c, rsa_private_pem(), algorithm="RS256"),
    "rs256_header_hmac_signature": lambda s, c: hs256(s.secret_key, {"alg": "RS256", "typ": "JWT"}, c),
    "hs512_with_the_right_key": lambda s, c: jwt.encode(c, s.secret_key, algorithm="HS512"),
    "missing_jti": lambda s, c: sign(s, without(c, "jti")),
    "missing_exp": lambda s, c: sign(s, without(c, "exp")),
    "missing_iat": lambda s, c: sign(s, without(c, "iat")),
    "missing_sub": lambda s, c: sign(s, without(c, "sub")),
    "missing_role": lambda s, c: sign(s, without(c, "role")),
    "unknown_role": lambda s, c: sign(s, c | {"role": "superuser"}),
    "non_integer_uid": lambda s, c: sign(s, c | {"uid": str(c["uid"])}),
    # Issued before access tokens carried the account's generation: it cannot be checked, so the
    # holder refreshes (or logs in) once.
    "missing_gen": lambda s, c: sign(s, without(c, "gen")),
    "non_integer_gen": lambda s, c: sign(s, c | {"gen": "0"}),
    "non_string_fam": lambda s, c: sign(s, c | {"fam": 7}),
    "header_not_an_object": lambda s, c: hs256(s.secret_key, ["HS256"], c),
    "payload_not_an_object": lambda s, c: hs256(s.secret_key, {"alg": "HS256", "typ": "JWT"}, "bpsdm_admin"),
    "garbage": lambda s, c: "garbage",
    "three_garbage_segments": lambda s, c: "a.b.c",
    "empty_segments": lambda s, c: "..",
    "oversized_but_correctly_signed": lambda s, c: sign(s, c | {"pad": "x" * MAX_TOKEN_LENGTH}),
}


def endpoints(world: World) -> list[str]:
    return ["/api/v1/auth/me", f"/api/v1/asn/{world.asn_a.nip}"]


def assert_unauthorized(r: httpx.Response, settings: Settings, token: str | None = None) -> None:
    assert r.status_code == 401, r.text
    assert r.headers["content-type"] == PROBLEM
    assert r.headers["www-authenticate"].startswith("Bearer")
    body = r.json()
    assert body["status"] == 401
    assert body["code"] == "unauthorized"
    assert set(body) <= PROBLEM_MEMBERS
    assert settings.secret_key not in r.text
    assert "Traceback" not in r.text and 'File "' not in r.text
    if token:
        assert token not in r.text


class TestValidToken:
    async def test_a_correctly_built_token_is_accepted(
        self, client: httpx.AsyncClient, world: World, settings: Settings
    ) -> None:
        # The forgeries below start from these claims, so each is refused for its own defect.
        token = sign(settings, valid_claims(settings, world))
        for path in endpoints(world):
            r = await client.get(path, headers={"Authorization": f"Bearer {token}"})
            assert r.status_code == 200, r.text

    async def test_scheme_name_is_case_insensitive(
        self, client: httpx.AsyncClient, world: World, settings: Settings
    ) -> None:
        token = sign(settings, valid_claims(settings, world))
        r = await client.get("/api/v1/auth/me", headers={"Authorization": f"bearer {token}"})
        assert r.status_code == 200, r.text


class TestMissingCredentials:
    @pytest.mark.parametrize(
        "authorization",
        [None, "", "Bearer", "Bearer ", "Basic b3BkLmE6UmFoYXNpYSMyMDI2", "Token abc"],
        ids=["absent", "empty", "scheme_only", "scheme_and_space", "basic", "other_scheme"],
    )
    async def test_is_401_with_a_bearer_challenge(
        self, client: httpx.AsyncClient, world: World, settings: Settings, authorization: str | None
    ) -> None:
        headers = {} if authorization is None else {"Authorization": authorization}
        for path in endpoints(world):
            assert_unauthorized(await client.get(path, headers=headers), settings)


class TestRejectedTokens:
    @pytest.mark.parametrize("forge", FORGERIES.values(), ids=FORGERIES.keys())
    async def test_is_401(
        self, client: httpx.AsyncClient, world: World, settings: Settings, forge: Forge
    ) -> None:
        token = forge(settings, valid_claims(settings, world))
        for path in endpoints(world):
            r = await client.get(path, headers={"Authorization": f"Bearer {token}"})
            assert_unauthorized(r, settings, token)

    async def test_oversized_token_is_over_the_limit(self, settings: Settings, world: World) -> None:
        token = FORGERIES["oversized_but_correctly_signed"](settings, valid_claims(settings, world))
        assert len(token) > MAX_TOKEN_LENGTH
        assert jwt.decode(token, settings.secret_key, audience=settings.jwt_audience)["pad"]
