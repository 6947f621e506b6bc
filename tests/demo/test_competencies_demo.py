"""The demo's competency standards, assessments, catalogue and budgets, and the gap figures derived from them.

Like test_generator.py: each backend gets its own database, migrated with Alembic, loaded twice (the
second load must change nothing), then read back into plain rows. Derived tables are checked against
a recomputation from their sources here, in Python.
"""

from __future__ import annotations

import asyncio
import csv
import io
import os
import random
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from app.competencies.models import METHODS
from app.core.config import Settings
from app.core.db import Base, create_database
from app.core.migrations import upgrade
from app.demo import competencies as demo_competencies
from app.demo.budgets import ANCHOR_TOTAL_IDR, ANCHOR_YEAR
from app.demo.generator import DemoSummary, load_demo
from app.reference.codes import data_file

ASN_COUNT = 300
SEED = 11
PER_ASN = 3
PG_ADMIN_DSN = os.environ.get("BANGKOM_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
TABLES = (
    "units",
    "positions",
    "asn",
    "competencies",
    "standard_defaults",
    "position_standards",
    "assessments",
    "assessment_results",
    "competency_levels",
    "competency_standings",
    "competency_unit_totals",
    "courses",
    "course_competencies",
    "budgets",
    "unit_budgets",
    "audit_log",
    "learning_records",
    "performances",
    "change_log",
    "development_plans",
    "development_plan_items",
    "development_programs",
    "development_program_lines",
    "course_sessions",
    "course_session_unit_quotas",
    "nominations",
)
MANAJERIAL = {f"M{i}" for i in range(1, 9)}


def _backends() -> list[str]:
    chosen = os.environ.get("BANGKOM_TEST_DB")
    return [chosen] if chosen else ["sqlite", "postgres"]


@dataclass
class Loaded:
    first: DemoSummary
    second: DemoSummary
    rows: dict[str, list[dict[str, Any]]]
    today: date


async def _load(url: str) -> tuple[list[DemoSummary], dict[str, list[dict[str, Any]]]]:
    db = create_database(Settings(environment="test", database_url=url))
    try:
        summaries = []
        for _ in range(2):
            async with db.write_sessions() as session, session.begin():
                summaries.append(
                    await load_demo(
                        session,
                        asn_count=ASN_COUNT,
                        seed=SEED,
                        actor="test",
                        records_per_asn=1,
                        assessments_per_asn=PER_ASN,
                    )
                )
        async with db.engine.connect() as conn:
            rows = {
                name: [dict(r) for r in (await conn.execute(select(Base.metadata.tables[name]))).mappings()]
                for name in TABLES
            }
        return summaries, rows
    finally:
        await db.engine.dispose()


async def _pg_admin(sql: str) -> None:
    conn = await asyncpg.connect(PG_ADMIN_DSN)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture(scope="module", params=_backends())
def loaded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loaded]:
    today = date.today()
    if request.param == "postgres":
        name = f"bangkom_demo_comp_{uuid.uuid4().hex[:8]}"
        asyncio.run(_pg_admin(f'CREATE DATABASE "{name}"'))
        url = make_url(PG_ADMIN_DSN).set(drivername="postgresql+asyncpg", database=name)
        url_text = url.render_as_string(hide_password=False)
        try:
            upgrade(url_text)
            (first, second), rows = asyncio.run(_load(url_text))
            yield Loaded(first, second, rows, today)
        finally:
            asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    else:
        path: Path = tmp_path_factory.mktemp("demo-comp") / "demo.db"
        url_text = f"sqlite+aiosqlite:///{path}"
        upgrade(url_text)
        (first, second), rows = asyncio.run(_load(url_text))
        yield Loaded(first, second, rows, today)


def _standards(loaded: Loaded) -> dict[int, dict[str, int]]:
    out: dict[int, dict[str, int]] = defaultdict(dict)
    for line in loaded.rows["position_standards"]:
        out[line["position_id"]][line["competency_code"]] = line["required_level"]
    return out


def _groups(loaded: Loaded) -> dict[str, str]:
    return {c["code"]: c["group"] for c in loaded.rows["competencies"]}


# -- standards ------------------------------------------------------------------------------------


def test_every_position_has_the_default_standard_of_its_kind(loaded: Loaded) -> None:
    defaults = {
        (d["jenis_jabatan"], d["jenjang"]): d["required_level"] for d in loaded.rows["standard_defaults"]
    }
    general = {
        c["code"]
        for c in loaded.rows["competencies"]
        if c["group"] in ("manajerial", "sosial_kultural") and c["active"]
    }
    assert general >= MANAJERIAL | {"SK1"}
    groups = _groups(loaded)
    standards = _standards(loaded)
    assert len(loaded.rows["positions"]) > 100
    for p in loaded.rows["positions"]:
        lines = standards[p["id"]]
        required = defaults[(p["jenis_jabatan"], p["jenjang"] or "")]
        assert {code: level for code, level in lines.items() if groups[code] != "teknis"} == dict.fromkeys(
            general, required
        ), p["name"]
    assert sum(lines for lines in (len(v) for v in standards.values())) == loaded.first.standard_lines


def test_teknis_competencies_have_five_levels_and_fitting_positions_need_them(loaded: Loaded) -> None:
    teknis = {c["code"]: c for c in loaded.rows["competencies"] if c["group"] == "teknis"}
    assert set(teknis) == {t.code for t in demo_competencies.TEKNIS}
    assert 3 <= len(teknis) <= 6
    for c in teknis.values():
        assert [lv["level"] for lv in c["levels"]] == [1, 2, 3, 4, 5]
        assert all(len(lv["description"]) > 20 for lv in c["levels"])
        assert c["active"] and c["name"] and c["description"]
    standards = _standards(loaded)
    by_code = Counter(code for lines in standards.values() for code in lines if code in teknis)
    assert set(by_code) == set(teknis), "every teknis competency is some position's standard"
    for p in loaded.rows["positions"]:
        lines = standards[p["id"]]
        if p["name"].startswith("Auditor"):
            assert "T.AUD" in lines
        if p["name"].startswith("Pranata Komputer"):
            assert "T.TIK" in lines
        if p["jenis_jabatan"].startswith("jpt"):
            # Only by name: a unit's teknis competency is not asked of its head.
            by_name = {t.code for t in demo_competencies.teknis_for(p["name"], p["jenis_jabatan"], [])}
            assert set(lines) & set(teknis) == by_name
        assert all(1 <= level <= 5 for level in lines.values())


# -- assessments ----------------------------------------------------------------------------------


def test_each_asn_with_a_position_has_n_assessments_over_past_years(loaded: Loaded) -> None:
    by_nip: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for a in loaded.rows["assessments"]:
        by_nip[a["nip"]].append(a)
    holders = {a["nip"]: a["position_id"] for a in loaded.rows["asn"] if a["position_id"] is not None}
    assert holders and set(by_nip) == set(holders)
    assert len(loaded.rows["assessments"]) == PER_ASN * len(holders) == loaded.first.assessments
    results: dict[int, dict[str, int]] = defaultdict(dict)
    for r in loaded.rows["assessment_results"]:
        results[r["assessment_id"]][r["competency_code"]] = r["level"]
    standards = _standards(loaded)
    first_day = date(loaded.today.year - 4, 1, 1)
    for nip, items in by_nip.items():
        items.sort(key=lambda a: a["id"])
        days = [a["assessed_on"] for a in items]
        assert days == sorted(set(days)), "distinct dates, ascending with the ids"
        assert first_day <= days[0] and days[-1] < loaded.today
        assert all(a["method"] in METHODS for a in items)
        standard = standards[holders[nip]]
        assert set(results[items[0]["id"]]) == set(standard), "the first assessment rates the whole standard"
        for a in items[1:]:
            assert results[a["id"]] and set(results[a["id"]]) <= set(standard)
    levels = [r["level"] for r in loaded.rows["assessment_results"]]
    assert min(levels) >= 1 and max(levels) <= 5
    assert {a["method"] for a in loaded.rows["assessments"]} == set(METHODS)
    assert len({a["assessed_on"].year for a in loaded.rows["assessments"]}) == 4


def _latest(loaded: Loaded) -> dict[tuple[str, str], tuple[int, date, int]]:
    """Latest rating per ASN and competency, by assessed_on then id, from the sources."""
    assessments = {a["id"]: a for a in loaded.rows["assessments"]}
    latest: dict[tuple[str, str], tuple[date, int, int]] = {}
    for r in loaded.rows["assessment_results"]:
        a = assessments[r["assessment_id"]]
        key = (a["nip"], r["competency_code"])
        candidate = (a["assessed_on"], a["id"], r["level"])
        if key not in latest or candidate[:2] > latest[key][:2]:
            latest[key] = candidate
    return {key: (level, day, id_) for key, (day, id_, level) in latest.items()}


def test_competency_levels_are_the_latest_rating_per_competency(loaded: Loaded) -> None:
    stored = {
        (row["nip"], row["competency_code"]): (row["level"], row["assessed_on"], row["assessment_id"])
        for row in loaded.rows["competency_levels"]
    }
    assert stored == _latest(loaded)
    assert stored


def test_standings_and_unit_totals_equal_a_recomputation_from_the_sources(loaded: Loaded) -> None:
    standards = _standards(loaded)
    latest = _latest(loaded)
    expected_standings = {}
    totals: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for asn in loaded.rows["asn"]:
        if asn["position_id"] is None:
            continue
        for code, required in standards[asn["position_id"]].items():
            actual = latest[(asn["nip"], code)][0] if (asn["nip"], code) in latest else None
            expected_standings[(asn["nip"], code)] = (asn["unit_id"], asn["active"], required, actual)
            if asn["active"]:
                t = totals[(asn["unit_id"], code)]
                t[0] += 1
                if actual is not None:
                    t[1] += 1
                    t[2] += actual < required
                    t[3] += actual - required
    stored_standings = {
        (s["nip"], s["competency_code"]): (s["unit_id"], s["active"], s["required_level"], s["actual_level"])
        for s in loaded.rows["competency_standings"]
    }
    assert stored_standings == expected_standings
    stored_totals = {
        (t["unit_id"], t["competency_code"]): [t["required"], t["assessed"], t["with_gap"], t["gap_sum"]]
        for t in loaded.rows["competency_unit_totals"]
    }
    assert stored_totals == dict(totals)


def test_the_province_shows_a_realistic_spread_of_gaps(loaded: Loaded) -> None:
    gaps = Counter(
        s["actual_level"] - s["required_level"]
        for s in loaded.rows["competency_standings"]
        if s["actual_level"] is not None
    )
    assert gaps[-1] > 0 and gaps[0] > 0 and gaps[1] > 0
    # Mostly within one level of the standard.
    assert gaps[-1] + gaps[0] + gaps[1] >= 0.9 * sum(gaps.values())
    per_asn: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for s in loaded.rows["competency_standings"]:
        per_asn[s["nip"]][0] += s["actual_level"] or 0
        per_asn[s["nip"]][1] += s["required_level"]
    jpm = [min(100.0, 100 * a / r) for a, r in per_asn.values()]
    assert min(jpm) < 78 and max(jpm) == 100 and sum(j < 90 for j in jpm) >= 0.05 * len(jpm)


def test_assessments_are_deterministic_for_a_seed() -> None:
    standards = {1: [("M1", 3), ("M2", 3), ("SK1", 3)], 2: [("M1", 1), ("T.AUD", 2)]}
    people = [("198503142010012003", 1), ("199001012020121001", 2), ("199202022022031002", 3)]

    def run(seed: int) -> list[Any]:
        rng = random.Random(seed)
        return list(
            demo_competencies.generate_assessments(
                rng, people, standards, 3, date(2022, 1, 1), date(2025, 12, 31), 10
            )
        )

    first = run(5)
    assert first == run(5) and first != run(6)
    assert [a["id"] for a, _ in first] == list(range(10, 16)), "ASN without a standard get none"
    # Appointed in 2020-12: no assessment before that.
    assert all(a["assessed_on"] >= date(2020, 12, 1) for a, _ in first if a["nip"].startswith("1990"))
    assert all(a["assessed_on"] >= date(2022, 3, 1) for a, _ in first if a["nip"].startswith("1992"))


# -- catalogue ------------------------------------------------------------------------------------


def test_one_course_per_catalogue_row_covering_every_manajerial_competency(loaded: Loaded) -> None:
    reference = list(csv.DictReader(io.StringIO(data_file("bpsdm-courses.csv"))))
    courses = sorted(loaded.rows["courses"], key=lambda c: c["code"])
    assert len(courses) == len(reference) == loaded.first.courses
    for n, (course, row) in enumerate(zip(courses, reference, strict=True), start=1):
        assert course["code"] == f"BPSDM-{n:03d}"
        assert (course["title"], course["form_code"]) == (row["title"], row["form_code"])
        assert course["jp"] == (Decimal(row["jp"]) if row["jp"] else None)
        assert course["organizer"] == "BPSDM Provinsi Kalimantan Timur"
        assert 30 <= course["quota"] <= 60 and course["active"]
        assert course["starts_on"] <= course["ends_on"]
        assert course["starts_on"].year in (loaded.today.year, loaded.today.year + 1)
    by_course: dict[int, set[str]] = defaultdict(set)
    for link in loaded.rows["course_competencies"]:
        by_course[link["course_id"]].add(link["competency_code"])
    assert set(by_course) == {c["id"] for c in courses}, "every course develops something"
    covered = set().union(*by_course.values())
    assert covered >= MANAJERIAL | {"SK1"}
    by_title = {c["title"]: by_course[c["id"]] for c in courses}
    assert by_title["Pelatihan Sosial Kultural"] == {"SK1"}
    assert by_title["Diklat Fungsional Pranata Komputer"] == {"T.TIK"}
    assert "T.PBJ" in by_title["Pelatihan Dasar Sertifikasi Pengadaan Barang/Jasa Pemerintah"]
    assert by_title["Pelatihan Kepemimpinan Administrator"] <= MANAJERIAL


# -- budgets --------------------------------------------------------------------------------------


def test_four_years_of_budgets_with_unit_rows(loaded: Loaded) -> None:
    year = loaded.today.year
    budgets = {b["year"]: b for b in loaded.rows["budgets"]}
    assert sorted(budgets) == list(range(year - 3, year + 1)) == loaded.first.budget_years
    for b in budgets.values():
        assert b["jurisdiction"] == "provinsi"
        assert isinstance(b["total_belanja_daerah_idr"], int)
        assert 0.85 * ANCHOR_TOTAL_IDR <= b["total_belanja_daerah_idr"] <= 1.15 * ANCHOR_TOTAL_IDR
    if ANCHOR_YEAR in budgets:
        assert budgets[ANCHOR_YEAR]["total_belanja_daerah_idr"] == ANCHOR_TOTAL_IDR
    tops = {u["id"] for u in loaded.rows["units"] if u["parent_id"] is None}
    by_year: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in loaded.rows["unit_budgets"]:
        by_year[row["year"]].append(row)
    assert set(by_year) == set(budgets)
    short = []
    over = 0
    for y, rows in by_year.items():
        assert {r["unit_id"] for r in rows} == tops
        assert all(isinstance(r["pagu_idr"], int) and isinstance(r["realisasi_idr"], int) for r in rows)
        assert all(r["pagu_idr"] > 0 and r["realisasi_idr"] > 0 for r in rows)
        assert all(
            0.8 * r["pagu_idr"] - 1000 <= r["realisasi_idr"] <= 1.08 * r["pagu_idr"] + 1000 for r in rows
        )
        over += sum(r["realisasi_idr"] > r["pagu_idr"] for r in rows)
        pct = 100 * sum(r["pagu_idr"] for r in rows) / budgets[y]["total_belanja_daerah_idr"]
        assert 0.30 <= pct <= 0.40
        if pct < 0.34:
            short.append(y)
    assert len(short) == 1, "one year misses the 0.34 % floor, the others meet it"
    assert 0 < over < 0.2 * len(loaded.rows["unit_budgets"])


# -- idempotence ----------------------------------------------------------------------------------


def test_a_second_load_adds_nothing_and_the_audit_row_counts_the_new_data(loaded: Loaded) -> None:
    assert not loaded.second.loaded
    assert (loaded.second.assessments, loaded.second.courses, loaded.second.budget_years) == (0, 0, [])
    assert len(loaded.rows["assessments"]) == loaded.first.assessments
    assert len(loaded.rows["courses"]) == loaded.first.courses
    bulk = [row for row in loaded.rows["audit_log"] if row["action"] == "demo_load"]
    assert len(bulk) == 1
    assert bulk[0]["after"]["assessments"] == loaded.first.assessments
    assert bulk[0]["after"]["budget_years"] == loaded.first.budget_years


# -- the change feed ------------------------------------------------------------------------------


def test_the_change_feed_lists_every_loaded_entity_once_profiles_first(loaded: Loaded) -> None:
    log = sorted(loaded.rows["change_log"], key=lambda c: c["seq"])
    # Dense from 1: a consumer reading from the beginning gets the whole province, nothing twice.
    assert [c["seq"] for c in log] == list(range(1, len(log) + 1))
    records = sorted(loaded.rows["learning_records"], key=lambda r: r["id"])
    expected = (
        [("asn", a["nip"], "upsert") for a in sorted(loaded.rows["asn"], key=lambda a: a["nip"])]
        + [
            ("learning_record", str(r["id"]), "void" if r["status"] == "voided" else "upsert")
            for r in records
        ]
        + [
            ("assessment", str(a["id"]), "upsert")
            for a in sorted(loaded.rows["assessments"], key=lambda a: a["id"])
        ]
        + [
            ("performance", f"{nip}/{year}", "upsert")
            for nip, year in sorted((p["nip"], p["year"]) for p in loaded.rows["performances"])
        ]
    )
    assert [(c["entity"], c["key"], c["op"]) for c in log] == expected
    assert {op for _, _, op in expected} == {"upsert", "void"}
    assert len({c["at"] for c in log}) == 1


# -- planning -------------------------------------------------------------------------------------


def test_plans_are_drawn_from_gaps_and_the_demo_logins_have_none(loaded: Loaded) -> None:
    plans = loaded.rows["development_plans"]
    assert plans, "the demo has development plans"
    assert loaded.first.planning.plans == len(plans)
    assert loaded.second.planning.plans == 0, "a second load adds no plans"
    logins = {login.nip for login in loaded.first.logins if login.nip}
    assert logins and not logins & {p["nip"] for p in plans}
    statuses = Counter(p["status"] for p in plans)
    assert statuses["approved"] > statuses["submitted"] > 0
    assert {p["year"] for p in plans} == {loaded.today.year}
    short = {
        (s["nip"], s["competency_code"])
        for s in loaded.rows["competency_standings"]
        if s["actual_level"] is not None and s["actual_level"] < s["required_level"]
    }
    nip_of = {p["id"]: p["nip"] for p in plans}
    items = loaded.rows["development_plan_items"]
    assert items and all((nip_of[i["plan_id"]], i["competency_code"]) in short for i in items)
    assert all(i["estimated_cost_idr"] > 0 and i["planned_jp"] > 0 for i in items)


def test_each_programme_line_sums_the_approved_items_of_its_course(loaded: Loaded) -> None:
    plans = {p["id"]: p for p in loaded.rows["development_plans"] if p["status"] == "approved"}
    units = {u["id"]: u for u in loaded.rows["units"]}

    def opd(unit_id: int) -> int:
        return int(units[unit_id]["path"].strip("/").split("/")[0])

    expected: dict[tuple[int, int], int] = defaultdict(int)
    for item in loaded.rows["development_plan_items"]:
        plan = plans.get(item["plan_id"])
        if plan is not None:
            expected[(opd(plan["unit_id"]), item["course_id"])] += item["estimated_cost_idr"]
    lines = loaded.rows["development_program_lines"]
    assert lines and len(loaded.rows["development_programs"]) == loaded.first.planning.programmes
    for line in lines:
        assert line["source"] == "idp"
        assert line["cost_idr"] == expected[(line["unit_id"], line["course_id"])]


def test_sessions_keep_within_quota_and_one_has_ended_awaiting_attendance(loaded: Loaded) -> None:
    sessions = {s["id"]: s for s in loaded.rows["course_sessions"]}
    nominations = loaded.rows["nominations"]
    seats = Counter(n["session_id"] for n in nominations if n["status"] in ("nominated", "accepted"))
    assert sessions and all(seats[i] <= s["quota"] for i, s in sessions.items())
    ended = [s for s in sessions.values() if s["ends_on"] < loaded.today]
    assert len(ended) == 1
    waiting = [n for n in nominations if n["session_id"] == ended[0]["id"]]
    assert waiting and all(n["status"] == "accepted" and n["record_id"] is None for n in waiting)
    # PNS: a PPPK's yearly cap (24 JP) would swallow the course's JP.
    employment = {a["nip"]: a["employment_type"] for a in loaded.rows["asn"]}
    assert {employment[n["nip"]] for n in waiting} == {"pns"}
    assert len(loaded.rows["course_session_unit_quotas"]) == 1
