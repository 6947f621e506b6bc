"""Plain factory functions writing real rows, and a small two-OPD world for scope tests."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.auth.models import IntegrationClient, User
from app.core.config import Settings
from app.core.security import Principal, Role, create_access_token, hash_password
from app.org.models import Position, Unit

PASSWORD = "Rahasia#2026"
# Argon2 is slow on purpose; tests reuse one hash instead of hashing for every user.
PASSWORD_HASH = hash_password(PASSWORD)
CLIENT_SECRET = "client-secret-for-tests-0123456789"
CLIENT_SECRET_HASH = hash_password(CLIENT_SECRET)
# Argon2 at its production cost takes ~0.15 s per login. A stored hash carries its own parameters,
# so login-heavy tests give the accounts a cheap one without changing the code path they test.
_FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1)
FAST_HASH = _FAST_HASHER.hash(PASSWORD)
FAST_CLIENT_HASH = _FAST_HASHER.hash(CLIENT_SECRET)

# A complete rule set with the values of docs/domain.md, for tests that PUT /api/v1/rules/{year}.
RULES_BODY: dict[str, Any] = {
    "jp_minutes": 45,
    "pns_min_jp": 20,
    "pppk_max_jp": 24,
    "budget_min_pct": {"provinsi": 0.34, "kabupaten_kota": 0.16},
    "jpm_bands": [
        {"label": "Optimal", "min": 90},
        {"label": "Cukup Optimal", "min": 78},
        {"label": "Kurang Optimal", "min": 0},
    ],
    "form_rules": [],
}

_seq = itertools.count(1)


def make_nip(
    *,
    birth: date = date(1985, 3, 14),
    employment_type: str = "pns",
    gender: str = "female",
    tmt: tuple[int, int] = (2010, 1),
) -> str:
    n = next(_seq)
    digit = "1" if gender == "male" else "2"
    if employment_type == "pppk":
        return f"{birth:%Y%m%d}{tmt[0]}21{digit}{n % 1000:03d}"
    return f"{birth:%Y%m%d}{tmt[0]}{tmt[1]:02d}{digit}{n % 999 + 1:03d}"


async def create_unit(
    session: AsyncSession, code: str, *, parent: Unit | None = None, kind: str = "dinas"
) -> Unit:
    unit = Unit(code=code, name=f"Unit {code}", kind=kind, parent_id=parent.id if parent else None, path="/")
    session.add(unit)
    await session.flush()
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    await session.flush()
    return unit


async def create_position(
    session: AsyncSession,
    unit: Unit,
    *,
    jenis_jabatan: str = "pelaksana",
    jenjang: str | None = None,
    code: str | None = None,
) -> Position:
    position = Position(
        code=code or f"POS-{unit.code}-{next(_seq)}",
        name=f"Jabatan {jenis_jabatan}",
        jenis_jabatan=jenis_jabatan,
        jenjang=jenjang,
        unit_id=unit.id,
    )
    session.add(position)
    await session.flush()
    return position


def new_asn(
    unit: Unit,
    *,
    employment_type: str = "pns",
    gender: str = "female",
    birth: date = date(1985, 3, 14),
    golongan: str | None = None,
    position: Position | None = None,
    name: str = "Siti Rahmawati",
    active: bool = True,
) -> Asn:
    """An ASN not yet added to a session (build_world adds several in one round trip)."""
    nip = make_nip(
        birth=birth,
        employment_type=employment_type,
        gender=gender,
        tmt=(2010, 1) if employment_type != "pppk" else (2023, 0),
    )
    return Asn(
        nip=nip,
        name=name,
        gender=gender,
        birth_date=birth,
        employment_type=employment_type,
        golongan=golongan or ("IX" if employment_type == "pppk" else "III/a"),
        position_id=position.id if position else None,
        unit_id=unit.id,
        email=f"asn{nip}@kaltimprov.go.id",
        active=active,
    )


async def create_asn(session: AsyncSession, unit: Unit, **fields: Any) -> Asn:
    asn = new_asn(unit, **fields)
    session.add(asn)
    await session.flush()
    return asn


def new_user(
    username: str,
    role: Role,
    *,
    unit: Unit | None = None,
    asn: Asn | None = None,
    active: bool = True,
) -> User:
    return User(
        username=username,
        password_hash=PASSWORD_HASH,
        role=role.value,
        unit_id=unit.id if unit else None,
        nip=asn.nip if asn else None,
        active=active,
    )


async def create_user(session: AsyncSession, username: str, role: Role, **fields: Any) -> User:
    user = new_user(username, role, **fields)
    session.add(user)
    await session.flush()
    return user


async def create_client(
    session: AsyncSession, scopes: str, *, client_id: str = "bk_test_client"
) -> IntegrationClient:
    client = IntegrationClient(
        client_id=client_id, secret_hash=CLIENT_SECRET_HASH, name="Test SIMPEG", scopes=scopes, active=True
    )
    session.add(client)
    await session.flush()
    return client


def principal_of(user: User) -> Principal:
    return Principal(
        subject=user.username, role=Role(user.role), user_id=user.id, unit_id=user.unit_id, nip=user.nip
    )


def bearer(settings: Settings, principal: Principal) -> dict[str, str]:
    token, _ = create_access_token(settings, principal)
    return {"Authorization": f"Bearer {token}"}


def client_principal(*scopes: str) -> Principal:
    return Principal(subject="client:bk_test", role=Role.client, scopes=frozenset(scopes))


@dataclass
class World:
    unit_a: Unit
    unit_a1: Unit
    unit_b: Unit
    position_a: Position
    asn_a: Asn
    asn_a1: Asn
    asn_b: Asn
    pppk_a: Asn
    users: dict[str, User] = field(default_factory=dict)

    def principal(self, name: str) -> Principal:
        return principal_of(self.users[name])


async def build_world(session: AsyncSession) -> World:
    # Every test of scope starts from this world, so it is written in six round trips, not nineteen;
    # rows keep the order (and so the ids) they had when each was flushed on its own.
    unit_a = Unit(code="DINAS_A", name="Unit DINAS_A", kind="dinas", parent_id=None, path="/")
    session.add(unit_a)
    await session.flush()
    unit_a1 = Unit(code="BIDANG_A1", name="Unit BIDANG_A1", kind="bidang", parent_id=unit_a.id, path="/")
    unit_b = Unit(code="DINAS_B", name="Unit DINAS_B", kind="dinas", parent_id=None, path="/")
    session.add_all([unit_a1, unit_b])
    await session.flush()
    unit_a.path = f"/{unit_a.id}/"
    unit_a1.path = f"{unit_a.path}{unit_a1.id}/"
    unit_b.path = f"/{unit_b.id}/"
    position_a = Position(
        code=f"POS-{unit_a.code}-{next(_seq)}",
        name="Jabatan pelaksana",
        jenis_jabatan="pelaksana",
        unit_id=unit_a.id,
    )
    session.add(position_a)
    await session.flush()
    asn_a = new_asn(unit_a, position=position_a)
    asn_a1 = new_asn(unit_a1, gender="male", name="Budi Santoso")
    asn_b = new_asn(unit_b, name="Yohanes Lawing")
    pppk_a = new_asn(unit_a, employment_type="pppk", birth=date(1992, 7, 1), name="Andi Pratiwi")
    session.add_all([asn_a, asn_a1, asn_b, pppk_a])
    await session.flush()
    world = World(unit_a, unit_a1, unit_b, position_a, asn_a, asn_a1, asn_b, pppk_a)
    world.users = {
        "bpsdm": new_user("bpsdm", Role.bpsdm_admin),
        "auditor": new_user("auditor", Role.auditor),
        "opd_a": new_user("opd.a", Role.opd_admin, unit=unit_a),
        "opd_a1": new_user("opd.a1", Role.opd_admin, unit=unit_a1),
        "opd_b": new_user("opd.b", Role.opd_admin, unit=unit_b),
        "asn_a": new_user(asn_a.nip, Role.asn, asn=asn_a, unit=unit_a),
        "asn_b": new_user(asn_b.nip, Role.asn, asn=asn_b, unit=unit_b),
    }
    session.add_all(list(world.users.values()))
    await session.commit()
    return world
