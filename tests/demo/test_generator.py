"""`bangkom demo load` on fresh SQLite and PostgreSQL databases: the data must be valid, not just present.

Self-contained: each backend gets its own database, migrated with Alembic, loaded twice (the second
load must change nothing), then read back into plain rows that the tests inspect.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import re
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from app.asn.nip import parse_nip
from app.core.config import Settings
from app.core.db import Base, create_database
from app.core.migrations import upgrade
from app.core.security import verify_password
from app.demo import names
from app.demo.generator import DEMO_PASSWORD, DemoSummary, load_demo
from app.reference import codes
from app.reference.codes import data_file

ASN_COUNT = 500
SEED = 7
PG_ADMIN_DSN = os.environ.get("BANGKOM_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
TABLES = ("units", "positions", "asn", "users", "audit_log", "completeness_snapshots")
UNIT_CODE = re.compile(r"^[A-Za-z0-9_.\-]{1,40}$")
POSITION_CODE = re.compile(r"^[A-Za-z0-9_.\-]{1,60}$")
EMAIL = re.compile(r"^[a-z]+(\.[a-z]+)?[0-9]*@kaltimprov\.go\.id$")
PHONE = re.compile(r"^\+62 8[0-9]{2}-[0-9]{4}-[0-9]{4}$")


def _backends() -> list[str]:
    # `make test` runs the suite once per backend (BANGKOM_TEST_DB); a bare `pytest` checks both here.
    chosen = os.environ.get("BANGKOM_TEST_DB")
    return [chosen] if chosen else ["sqlite", "postgres"]


@dataclass
class Loaded:
    first: DemoSummary
    second: DemoSummary
    rows: dict[str, list[dict[str, Any]]]

    def by_id(self, table: str) -> dict[int, dict[str, Any]]:
        return {row["id"]: row for row in self.rows[table]}


async def _load(
    url: str, *, seed: int, count: int, times: int
) -> tuple[list[DemoSummary], dict[str, list[dict[str, Any]]]]:
    db = create_database(Settings(environment="test", database_url=url))
    try:
        summaries = []
        for _ in range(times):
            # The same transaction shape as the CLI's run_in_session.
            async with db.write_sessions() as session, session.begin():
                summaries.append(await load_demo(session, asn_count=count, seed=seed, actor="test"))
        async with db.engine.connect() as conn:
            rows = {
                name: [dict(r) for r in (await conn.execute(select(Base.metadata.tables[name]))).mappings()]
                for name in TABLES
            }
        return summaries, rows
    finally:
        await db.engine.dispose()


def _sqlite_url(directory: Path) -> str:
    url = f"sqlite+aiosqlite:///{directory / 'demo.db'}"
    upgrade(url)
    return url


async def _pg_admin(sql: str) -> None:
    conn = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture(scope="module", params=_backends())
def loaded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loaded]:
    if request.param == "postgres":
        name = f"bangkom_demo_test_{uuid.uuid4().hex[:8]}"
        # No skip when PostgreSQL is down: `make test` promises both databases, so that is a failure.
        asyncio.run(_pg_admin(f'CREATE DATABASE "{name}"'))
        url = make_url(PG_ADMIN_DSN).set(drivername="postgresql+asyncpg", database=name)
        url_text = url.render_as_string(hide_password=False)
        try:
            upgrade(url_text)
            (first, second), rows = asyncio.run(_load(url_text, seed=SEED, count=ASN_COUNT, times=2))
            yield Loaded(first, second, rows)
        finally:
            asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    else:
        url_text = _sqlite_url(tmp_path_factory.mktemp("demo"))
        (first, second), rows = asyncio.run(_load(url_text, seed=SEED, count=ASN_COUNT, times=2))
        yield Loaded(first, second, rows)


# -- counts and idempotence -----------------------------------------------------------------------


def test_counts_match_the_summary(loaded: Loaded) -> None:
    s = loaded.first
    assert s.loaded
    assert len(loaded.rows["asn"]) == s.asn == ASN_COUNT
    assert len(loaded.rows["units"]) == s.units
    assert len(loaded.rows["positions"]) == s.positions
    assert Counter(a["employment_type"].upper() for a in loaded.rows["asn"]) == s.asn_by_type
    assert sum(not a["active"] for a in loaded.rows["asn"]) == s.inactive


def test_a_second_load_inserts_nothing(loaded: Loaded) -> None:
    # The rows were read after both loads, so equal counts mean the second load added nothing.
    assert not loaded.second.loaded
    assert (loaded.second.units, loaded.second.asn, loaded.second.positions) == (0, 0, 0)
    assert len(loaded.rows["asn"]) == ASN_COUNT
    assert len(loaded.rows["users"]) == 6
    assert "no demo data was loaded" in loaded.second.describe()
    assert [lg.username for lg in loaded.second.logins] == [lg.username for lg in loaded.first.logins]


def test_one_audit_row_for_the_bulk_load_plus_one_per_login(loaded: Loaded) -> None:
    actions = Counter((row["action"], row["entity"]) for row in loaded.rows["audit_log"])
    # The day's completeness snapshot is taken as the daily job takes it, with its own row.
    assert actions == {
        ("demo_load", "demo"): 1,
        ("create", "user"): 6,
        ("create", "completeness_snapshot"): 1,
    }
    bulk = next(row for row in loaded.rows["audit_log"] if row["action"] == "demo_load")
    assert bulk["key"] == str(SEED)
    assert bulk["after"]["units"] == loaded.first.units
    assert bulk["after"]["asn"] == loaded.first.asn_by_type


# -- units and positions --------------------------------------------------------------------------


def test_units_form_a_tree_with_correct_paths(loaded: Loaded) -> None:
    units = loaded.by_id("units")
    for unit in units.values():
        parent_path = units[unit["parent_id"]]["path"] if unit["parent_id"] is not None else "/"
        assert unit["path"] == f"{parent_path}{unit['id']}/"
        assert unit["kind"] in codes.codes("unit_kinds")
        assert UNIT_CODE.match(unit["code"])
    assert len({u["code"].lower() for u in units.values()}) == len(units)


def test_every_reference_unit_is_there_with_sub_units(loaded: Loaded) -> None:
    by_code = {u["code"]: u for u in loaded.rows["units"]}
    reference = data_file("kaltim-opd.csv").splitlines()[1:]
    for line in reference:
        code = line.split(",")[0]
        assert code in by_code
    with_children = {u["parent_id"] for u in loaded.rows["units"] if u["parent_id"] is not None}
    assert len(with_children) >= 40
    assert by_code["DISKOMINFO_SEKRETARIAT"]["parent_id"] == by_code["DISKOMINFO"]["id"]


def test_positions_cover_every_jenis_and_only_fungsional_have_jenjang(loaded: Loaded) -> None:
    units = loaded.by_id("units")
    positions = loaded.rows["positions"]
    for p in positions:
        assert p["unit_id"] in units
        assert POSITION_CODE.match(p["code"])
        assert p["jenis_jabatan"] in codes.codes("jenis_jabatan")
        if p["jenis_jabatan"] == "fungsional":
            assert p["jenjang"] in codes.codes("jenjang")
        else:
            assert p["jenjang"] is None
    assert len({p["code"].lower() for p in positions}) == len(positions)
    assert {p["jenis_jabatan"] for p in positions} >= {
        "jpt_madya",
        "jpt_pratama",
        "administrator",
        "pengawas",
        "fungsional",
        "pelaksana",
    }


def test_the_sekda_is_jpt_madya_and_every_dinas_and_badan_has_a_jpt_pratama_head(loaded: Loaded) -> None:
    by_code = {u["code"]: u for u in loaded.rows["units"]}
    heads = {(p["unit_id"], p["jenis_jabatan"]) for p in loaded.rows["positions"]}
    sekda = [p for p in loaded.rows["positions"] if p["jenis_jabatan"] == "jpt_madya"]
    assert [(p["name"], p["unit_id"]) for p in sekda] == [("Sekretaris Daerah", by_code["SETDA"]["id"])]
    for unit in by_code.values():
        if unit["kind"] in ("dinas", "badan", "rsud", "biro"):
            assert (unit["id"], "jpt_pratama") in heads, unit["code"]


# -- ASN ------------------------------------------------------------------------------------------


def test_every_nip_is_valid_and_matches_gender_and_birth_date(loaded: Loaded) -> None:
    for a in loaded.rows["asn"]:
        facts = parse_nip(a["nip"], a["employment_type"])
        assert (facts.gender, facts.birth_date) == (a["gender"], _as_date(a["birth_date"])), a["nip"]
        assert 1966 <= facts.birth_date.year <= 2002
        assert facts.appointed_year >= facts.birth_date.year + 18
        if a["employment_type"] == "pppk":
            assert 2019 <= facts.appointed_year <= 2025
            assert a["nip"][12:14] in ("21", "24")
        elif a["employment_type"] == "cpns":
            assert facts.appointed_year in (2024, 2025)
        else:
            assert facts.appointed_year <= 2025
            assert a["nip"][15:18] != "000"


def test_employment_mix_and_inactive_share(loaded: Loaded) -> None:
    mix = Counter(a["employment_type"] for a in loaded.rows["asn"])
    assert mix["pns"] / ASN_COUNT == pytest.approx(0.78, abs=0.02)
    assert mix["pppk"] / ASN_COUNT == pytest.approx(0.17, abs=0.02)
    assert mix["cpns"] / ASN_COUNT == pytest.approx(0.05, abs=0.02)
    assert sum(not a["active"] for a in loaded.rows["asn"]) / ASN_COUNT < 0.05


def test_golongan_education_and_position_fit_the_person(loaded: Loaded) -> None:
    units = loaded.by_id("units")
    positions = loaded.by_id("positions")
    for a in loaded.rows["asn"]:
        assert a["golongan"] in codes.golongan_for(a["employment_type"]), a
        # Left empty where the OPD never filled it in (test_agencies_leave_gaps_of_their_own).
        assert a["education_level"] is None or a["education_level"] in codes.codes("education_levels")
        position = positions[a["position_id"]]
        # The position is in the ASN's own unit or in one of its ancestors (its OPD).
        assert units[a["unit_id"]]["path"].startswith(units[position["unit_id"]]["path"])
        if a["employment_type"] == "cpns":
            assert position["jenis_jabatan"] == "pelaksana" or position["jenjang"] in (
                "ahli_pertama",
                "terampil",
            )


def test_emails_are_unique_and_contacts_well_formed(loaded: Loaded) -> None:
    emails = [a["email"] for a in loaded.rows["asn"] if a["email"] is not None]
    assert len(set(emails)) == len(emails)
    for a in loaded.rows["asn"]:
        assert a["email"] is None or EMAIL.match(a["email"]), a["email"]
        assert a["phone"] is None or PHONE.match(a["phone"]), a["phone"]


def test_agencies_leave_gaps_of_their_own(loaded: Loaded) -> None:
    units = loaded.by_id("units")
    missing: dict[str, list[int]] = {}
    for a in loaded.rows["asn"]:
        opd = units[a["unit_id"]]["path"].split("/")[1]
        gap = any(a[column] is None for column in ("phone", "email", "education_level"))
        missing.setdefault(opd, []).append(int(gap))
    shares = [sum(gaps) / len(gaps) for gaps in missing.values() if len(gaps) >= 10]
    # Some OPDs fill in nearly everything, others leave a good part empty; the demo logins keep theirs.
    assert min(shares) < 0.2 < 0.4 < max(shares)
    logins = {u["nip"] for u in loaded.rows["users"] if u["nip"]}
    assert all(a["phone"] and a["email"] for a in loaded.rows["asn"] if a["nip"] in logins)


def test_a_month_of_completeness_snapshots_ending_today(loaded: Loaded) -> None:
    province = sorted(
        (r for r in loaded.rows["completeness_snapshots"] if r["unit_id"] == 0), key=lambda r: r["taken_on"]
    )
    assert len(province) == 31
    assert (province[-1]["taken_on"] - province[0]["taken_on"]).days == 30
    assert province[-1]["headcount"] == sum(1 for a in loaded.rows["asn"] if a["active"])
    # Today's row counts the data as loaded: the profiles with a phone and an email.
    assert province[-1]["contact"] == sum(
        1 for a in loaded.rows["asn"] if a["active"] and a["phone"] and a["email"]
    )
    assert all(earlier["score"] <= later["score"] for earlier, later in itertools.pairwise(province))


def test_given_names_fit_the_gender(loaded: Loaded) -> None:
    male, female = _gendered_tokens()
    for a in loaded.rows["asn"]:
        first = _first_name_token(a["name"])
        wrong = female - male if a["gender"] == "male" else male - female
        assert first not in wrong, a["name"]


# -- demo logins ----------------------------------------------------------------------------------


def test_demo_logins_exist_with_roles_units_and_nips(loaded: Loaded) -> None:
    units_by_code = {u["code"]: u for u in loaded.rows["units"]}
    users = {u["username"]: u for u in loaded.rows["users"]}
    assert users["bpsdm"]["role"] == "bpsdm_admin"
    assert users["auditor"]["role"] == "auditor"
    assert users["opd.diskominfo"]["role"] == "opd_admin"
    assert users["opd.diskominfo"]["unit_id"] == units_by_code["DISKOMINFO"]["id"]
    assert users["opd.bpsdm"]["unit_id"] == units_by_code["BPSDM"]["id"]
    asn = {a["nip"]: a for a in loaded.rows["asn"]}
    units = loaded.by_id("units")
    asn_users = [u for u in users.values() if u["role"] == "asn"]
    kinds = set()
    for user in asn_users:
        person = asn[user["nip"]]
        assert user["username"] == person["nip"]
        assert person["active"]
        assert units[person["unit_id"]]["path"].startswith(units_by_code["DISKOMINFO"]["path"])
        kinds.add(person["employment_type"])
    assert kinds == {"pns", "pppk"}
    # Every login goes through create_user; checking two Argon2 hashes is enough and keeps this quick.
    for user in (users["bpsdm"], asn_users[0]):
        assert verify_password(DEMO_PASSWORD, user["password_hash"])


def test_the_summary_lists_the_logins_with_their_nips(loaded: Loaded) -> None:
    logins = {lg.username: lg for lg in loaded.first.logins}
    assert set(logins) == {u["username"] for u in loaded.rows["users"]}
    text = loaded.first.describe()
    for login in logins.values():
        assert login.username in text
        assert login.password == DEMO_PASSWORD
        if login.role == "asn":
            assert login.nip == login.username
    assert f"{ASN_COUNT:,}" in text


# -- determinism ----------------------------------------------------------------------------------


def test_same_seed_same_people_and_another_seed_others(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Password hashing is not what this test is about, and Argon2 is slow by design.
    monkeypatch.setattr("app.auth.service.hash_password", lambda password: f"plain:{password}")

    def people(directory: str, seed: int) -> list[tuple[Any, ...]]:
        url = _sqlite_url(tmp_path / directory)
        _, rows = asyncio.run(_load(url, seed=seed, count=120, times=1))
        return sorted((a["nip"], a["name"], a["golongan"], a["email"], a["unit_id"]) for a in rows["asn"])

    for directory in ("a", "b", "c"):
        (tmp_path / directory).mkdir()
    first = people("a", 11)
    assert people("b", 11) == first
    assert {p[0] for p in people("c", 12)} != {p[0] for p in first}


# -- helpers --------------------------------------------------------------------------------------


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


_HONORIFICS = frozenset({"Dr.", "dr.", "drh.", "H.", "Hj.", "Andi", "Aji", "Awang", "Dayang", "Gusti"})


def _first_name_token(full: str) -> str:
    tokens = full.split(",")[0].split()
    return next(t for t in tokens if t not in _HONORIFICS)


def _gendered_tokens() -> tuple[set[str], set[str]]:
    male_pools = [names.CHRISTIAN_MALE, names.MODERN_MUSLIM_MALE, names.MODERN_CHRISTIAN_MALE]
    female_pools = [names.CHRISTIAN_FEMALE, names.MODERN_MUSLIM_FEMALE, names.MODERN_CHRISTIAN_FEMALE]
    for origin in names.ORIGINS:
        male_pools += [origin.male_given, origin.male_single]
        female_pools += [origin.female_given, origin.female_single]
    male = {n.split()[0] for pool in male_pools for n in pool}
    female = {n.split()[0] for pool in female_pools for n in pool}
    return male, female
