"""The demo's talent records: SKP results, potential assessments and sanctions, and the 9-box they give.

Like test_competencies_demo.py: each backend gets its own database, migrated with Alembic, loaded twice
(the second load must change nothing), then read back into plain rows. Plausibility is checked against
the year's rules; the 9-box is placed here with app/talent/ninebox.place and the JPM recomputed from
the standings with the gap service's own formula.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

import asyncpg
import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from app.competencies.gaps.schemas import GapItem, Group
from app.competencies.gaps.service import jpm as job_person_match
from app.core.config import Settings
from app.core.db import Base, create_database
from app.core.migrations import upgrade
from app.demo.generator import DemoSummary, load_demo
from app.demo.talent import fill_boxes, score_bands
from app.rules import service as rules_service
from app.rules.defaults import DEFAULT_RULES
from app.rules.schemas import RuleSetBody
from app.rules.talent import IpAsnRules, Predikat
from app.talent import ninebox

ASN_COUNT = 1500
SEED = 5
PG_ADMIN_DSN = os.environ.get("BANGKOM_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
TABLES = (
    "asn",
    "positions",
    "competencies",
    "competency_standings",
    "performances",
    "potential_assessments",
    "disciplinary_records",
    "talent_placements",
    "users",
    "audit_log",
    "change_log",
)
STRUCTURAL = {"jpt_utama", "jpt_madya", "jpt_pratama", "administrator", "pengawas"}


def _backends() -> list[str]:
    chosen = os.environ.get("BANGKOM_TEST_DB")
    return [chosen] if chosen else ["sqlite", "postgres"]


@dataclass
class Loaded:
    first: DemoSummary
    second: DemoSummary
    rows: dict[str, list[dict[str, Any]]]
    rules: dict[int, RuleSetBody]
    today: date

    @property
    def years(self) -> list[int]:
        return self.first.talent.years

    def jenis(self) -> dict[str, str | None]:
        positions = {p["id"]: p["jenis_jabatan"] for p in self.rows["positions"]}
        return {a["nip"]: positions.get(a["position_id"]) for a in self.rows["asn"]}


async def _load(url: str, today: date) -> tuple[list[DemoSummary], dict[str, Any], dict[int, RuleSetBody]]:
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
                        assessments_per_asn=2,
                    )
                )
        async with db.engine.connect() as conn:
            rows = {
                name: [dict(r) for r in (await conn.execute(select(Base.metadata.tables[name]))).mappings()]
                for name in TABLES
            }
        async with db.write_sessions() as session:
            years = range(today.year - 2, today.year + 1)
            rules = {year: await rules_service.rules_for_year(session, year) for year in years}
        return summaries, rows, rules
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
        name = f"bangkom_demo_talent_{uuid.uuid4().hex[:8]}"
        asyncio.run(_pg_admin(f'CREATE DATABASE "{name}"'))
        url = make_url(PG_ADMIN_DSN).set(drivername="postgresql+asyncpg", database=name)
        url_text = url.render_as_string(hide_password=False)
        try:
            upgrade(url_text)
            (first, second), rows, rules = asyncio.run(_load(url_text, today))
            yield Loaded(first, second, rows, rules, today)
        finally:
            asyncio.run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    else:
        path: Path = tmp_path_factory.mktemp("demo-talent") / "demo.db"
        url_text = f"sqlite+aiosqlite:///{path}"
        upgrade(url_text)
        (first, second), rows, rules = asyncio.run(_load(url_text, today))
        yield Loaded(first, second, rows, rules, today)


def _appointed_year(nip: str) -> int:
    return int(nip[8:12])


def _kinerja_points(score: Decimal, rules: IpAsnRules) -> int:
    """The IP ASN points of an SKP score: the first band (highest min first) the score reaches."""
    return next(
        b.points
        for b in sorted(rules.kinerja_score_bands, key=lambda b: b.min, reverse=True)
        if score >= b.min
    )


# -- counts and idempotence -----------------------------------------------------------------------


def test_the_summary_counts_the_rows_and_a_second_load_adds_nothing(loaded: Loaded) -> None:
    t = loaded.first.talent
    assert t.years == [loaded.today.year - 2, loaded.today.year - 1, loaded.today.year]
    assert len(loaded.rows["performances"]) == t.performances
    assert len(loaded.rows["potential_assessments"]) == t.potential_assessments
    assert len({r["nip"] for r in loaded.rows["potential_assessments"]}) == t.potential_people
    assert len(loaded.rows["disciplinary_records"]) == t.sanctions
    assert Counter(r["predikat"] for r in loaded.rows["performances"]) == t.predikat
    assert Counter(r["level"] for r in loaded.rows["disciplinary_records"]) == t.sanctions_by_level
    assert not loaded.second.loaded
    assert loaded.second.talent.performances == 0
    bulk = [row for row in loaded.rows["audit_log"] if row["action"] == "demo_load"]
    assert len(bulk) == 1
    after = bulk[0]["after"]
    assert (after["performances"], after["potential_assessments"], after["disciplinary_records"]) == (
        t.performances,
        t.potential_assessments,
        t.sanctions,
    )
    text = loaded.first.describe()
    assert f"{t.performances:,}" in text and "9-box" in text and "sanctions" in text


def test_ids_are_unique_and_the_sequences_continue_after_them(loaded: Loaded) -> None:
    for table in ("potential_assessments", "disciplinary_records"):
        ids = [r["id"] for r in loaded.rows[table]]
        assert len(ids) == len(set(ids))
        assert sorted(ids) == list(range(1, len(ids) + 1))


# -- SKP results ----------------------------------------------------------------------------------


def test_every_asn_has_a_result_for_each_of_the_last_three_years_they_served(loaded: Loaded) -> None:
    by_nip: dict[str, set[int]] = defaultdict(set)
    for r in loaded.rows["performances"]:
        by_nip[r["nip"]].add(r["year"])
    for a in loaded.rows["asn"]:
        expected = {y for y in loaded.years if y >= _appointed_year(a["nip"])}
        assert by_nip[a["nip"]] == expected, a["nip"]
    three = sum(1 for years in by_nip.values() if len(years) == 3)
    assert three > 0.8 * ASN_COUNT


def test_the_predikat_are_mostly_baik_some_sangat_baik_a_few_below(loaded: Loaded) -> None:
    rows = loaded.rows["performances"]
    share = {p: n / len(rows) for p, n in Counter(r["predikat"] for r in rows).items()}
    assert 0.65 <= share["baik"] <= 0.82
    assert 0.10 <= share["sangat_baik"] <= 0.22
    assert 0.04 <= share["butuh_perbaikan"] <= 0.12
    assert 0.005 <= share["kurang"] <= 0.05
    assert share.get("sangat_kurang", 0) <= 0.01
    for year in loaded.years:
        in_year = Counter(r["predikat"] for r in rows if r["year"] == year)
        assert in_year.most_common(1)[0][0] == "baik"


def test_scores_fall_in_the_band_of_their_predikat(loaded: Loaded) -> None:
    rows = loaded.rows["performances"]
    scored = [r for r in rows if r["score"] is not None]
    assert 0.85 * len(rows) <= len(scored) < len(rows)
    for r in scored:
        rules = loaded.rules[r["year"]].ip_asn_rules
        score = Decimal(r["score"])
        assert Decimal(0) <= score <= Decimal(100)
        # Counted by its score or by its predikat, a result earns the same IP ASN points.
        assert _kinerja_points(score, rules) == rules.kinerja_by_predikat[r["predikat"]], r
    assert {r["source"] for r in rows} == {"sync", "import", "manual"}


def test_results_are_entered_after_their_year_began_and_never_in_the_future(loaded: Loaded) -> None:
    for r in loaded.rows["performances"]:
        entered = r["created_at"].date()
        assert date(r["year"], 1, 1) <= entered <= loaded.today
        assert r["version"] == 1 and r["updated_at"] == r["created_at"]


# -- potential ------------------------------------------------------------------------------------


def test_most_structural_pns_and_some_jf_have_a_potential_assessment(loaded: Loaded) -> None:
    jenis = loaded.jenis()
    kind = {a["nip"]: a["employment_type"] for a in loaded.rows["asn"]}
    assessed = {r["nip"] for r in loaded.rows["potential_assessments"]}
    assert {kind[nip] for nip in assessed} == {"pns"}
    pns = [nip for nip, k in kind.items() if k == "pns"]
    structural = [nip for nip in pns if jenis[nip] in STRUCTURAL]
    jf = [nip for nip in pns if jenis[nip] == "fungsional"]
    assert len(structural) > 50 and len(jf) > 200
    assert 0.75 <= len(assessed & set(structural)) / len(structural) <= 0.95
    assert 0.15 <= len(assessed & set(jf)) / len(jf) <= 0.35
    assert not {nip for nip in assessed if jenis[nip] in ("pelaksana", None)}


def test_potential_assessments_are_assessment_centre_results_with_their_aspects(loaded: Loaded) -> None:
    rows = loaded.rows["potential_assessments"]
    history = Counter(r["nip"] for r in rows)
    assert 0.1 * len(history) <= sum(1 for n in history.values() if n > 1) <= 0.5 * len(history)
    for r in rows:
        assert r["method"] == "assessment_center" and r["assessor"]
        score = Decimal(r["score"])
        assert Decimal(50) <= score <= Decimal(95)
        names = [a["name"] for a in r["aspects"]]
        assert len(names) == 8 and len(set(names)) == 8
        aspects = [Decimal(a["score"]) for a in r["aspects"]]
        assert all(Decimal(0) <= s <= Decimal(100) for s in aspects)
        # The overall score is the mean of the aspects (within the 50–95 range it is kept to).
        assert abs(sum(aspects, Decimal(0)) / len(aspects) - score) <= Decimal(1)
        assert r["assessed_on"] < loaded.today
        assert r["assessed_on"] <= r["created_at"].date() <= loaded.today
    scores = [Decimal(r["score"]) for r in rows]
    assert min(scores) < Decimal(55) and max(scores) > Decimal(80)


# -- discipline -----------------------------------------------------------------------------------


def test_a_few_sanctions_mostly_ringan_some_ended(loaded: Loaded) -> None:
    rows = loaded.rows["disciplinary_records"]
    assert 0.004 * ASN_COUNT <= len(rows) <= 0.03 * ASN_COUNT
    levels = Counter(r["level"] for r in rows)
    assert levels["ringan"] > levels["sedang"] + levels["berat"]
    assert any(r["ends_on"] < loaded.today for r in rows)
    first = date(loaded.years[0], 1, 1)
    for r in rows:
        assert first <= r["decided_on"] < loaded.today
        assert r["ends_on"] is not None and r["ends_on"] >= r["decided_on"]
        assert r["decided_on"] <= r["created_at"].date() <= loaded.today
        assert r["reference"]
    logins = {u["nip"] for u in loaded.rows["users"] if u["nip"]}
    assert not logins & {r["nip"] for r in rows}


def test_a_sanction_holds_down_the_predikat_of_its_year(loaded: Loaded) -> None:
    performance = {(r["nip"], r["year"]): r["predikat"] for r in loaded.rows["performances"]}
    for r in loaded.rows["disciplinary_records"]:
        predikat = performance[(r["nip"], r["decided_on"].year)]
        assert predikat != "sangat_baik"
        if r["level"] in ("sedang", "berat"):
            assert predikat not in ("sangat_baik", "baik")


# -- the 9-box ------------------------------------------------------------------------------------


def _jpms(loaded: Loaded, rules: RuleSetBody) -> dict[str, Decimal]:
    groups = {c["code"]: c["group"] for c in loaded.rows["competencies"]}
    items: dict[str, list[GapItem]] = defaultdict(list)
    for s in loaded.rows["competency_standings"]:
        if s["active"]:
            items[s["nip"]].append(
                GapItem(
                    competency_code=s["competency_code"],
                    name=s["competency_code"],
                    group=cast(Group, groups[s["competency_code"]]),
                    required_level=s["required_level"],
                    actual_level=s["actual_level"],
                    gap=None,
                )
            )
    return {
        nip: job_person_match(found, rules.jpm_method, rules.jpm_group_weights)
        for nip, found in items.items()
        if all(i.actual_level is not None for i in found)
    }


def test_every_box_of_this_years_9_box_has_people(loaded: Loaded) -> None:
    year = loaded.years[-1]
    rules = loaded.rules[year]
    assessed = {r["nip"] for r in loaded.rows["potential_assessments"]}
    active = {a["nip"] for a in loaded.rows["asn"] if a["active"]} & assessed
    jpms = _jpms(loaded, rules)
    latest: dict[str, dict[str, Any]] = {}
    for r in sorted(loaded.rows["potential_assessments"], key=lambda r: (r["assessed_on"], r["id"])):
        latest[r["nip"]] = r
    predikat = {r["nip"]: r["predikat"] for r in loaded.rows["performances"] if r["year"] == year}
    boxes: Counter[int] = Counter()
    for nip in sorted(active):
        placed = ninebox.place(
            cast(Predikat, predikat[nip]), jpms.get(nip), Decimal(latest[nip]["score"]), rules.talent_rules
        )
        assert placed.box is not None, (nip, placed.missing)
        boxes[placed.box.box] += 1
    assert set(boxes) == set(range(1, 10))
    assert dict(boxes) == loaded.first.talent.boxes
    # The talent map reads the derived placements: the load rebuilt them to the same boxes.
    stored = Counter(
        p["box"] for p in loaded.rows["talent_placements"] if p["year"] == year and p["active"] and p["box"]
    )
    assert stored == boxes
    assert {(p["nip"], p["year"]) for p in loaded.rows["talent_placements"]} == {
        (r["nip"], r["year"]) for r in loaded.rows["performances"]
    }
    # The middle of the map is where most people are; the talent pool is a minority.
    pool = sum(boxes[b] for b in rules.talent_rules.pool_boxes)
    assert boxes.most_common(1)[0][0] in (5, 8)
    assert 0.1 * len(active) <= pool <= 0.6 * len(active)


# -- the change feed ------------------------------------------------------------------------------


def test_the_change_feed_lists_every_skp_result_after_the_other_entities(loaded: Loaded) -> None:
    log = sorted(loaded.rows["change_log"], key=lambda c: c["seq"])
    tail = [(c["entity"], c["key"]) for c in log if c["entity"] == "performance"]
    expected = sorted((r["nip"], r["year"]) for r in loaded.rows["performances"])
    assert tail == [("performance", f"{nip}/{year}") for nip, year in expected]
    assert log[-len(tail) :] == [c for c in log if c["entity"] == "performance"]


async def test_a_small_load_still_has_someone_in_every_box(session: AsyncSession) -> None:
    summary = await load_demo(
        session, asn_count=300, seed=11, actor="test", records_per_asn=0, assessments_per_asn=1
    )
    boxes = summary.talent.boxes
    assert sorted(boxes) == list(range(1, 10))
    assert all(boxes.values()), boxes
    # Everyone assessed is placed, but for the few inactive.
    assert 0.9 * summary.talent.potential_people <= sum(boxes.values()) <= summary.talent.potential_people


def test_fill_boxes_moves_one_person_into_each_empty_box_it_can_reach() -> None:
    rules = RuleSetBody.model_validate(DEFAULT_RULES)
    bands = score_bands(rules.ip_asn_rules)
    # Everyone sits in box 5 (Baik, potensial menengah); JPM from 60 to 89 lets each move up or down.
    nips = [f"1980010120050110{n:02d}" for n in range(30)]
    jpms = {nip: Decimal(60 + n) for n, nip in enumerate(nips)}
    held: dict[str, dict[str, Any]] = {nip: {"predikat": "baik", "score": Decimal("80.00")} for nip in nips}
    latest: dict[str, dict[str, Any]] = {
        nip: {"score": Decimal(70), "aspects": [{"name": "A", "score": "70.00"}]} for nip in nips
    }
    sanctioned = {nips[0]}
    predikat: Counter[str] = Counter(baik=len(nips))
    moved, boxes = fill_boxes(rules.talent_rules, held, latest, jpms, bands, predikat, sanctioned)
    assert moved == 8
    assert sorted(boxes) == list(range(1, 10)) and all(boxes.values())
    assert boxes[5] == len(nips) - 8
    assert sum(predikat.values()) == len(nips) and predikat["baik"] == boxes[2] + boxes[5] + boxes[8]
    assert held[nips[0]]["predikat"] == "baik"  # the sanctioned stay where they are
    for nip in nips:
        row, pot = held[nip], latest[nip]
        placed = ninebox.place(row["predikat"], jpms[nip], pot["score"], rules.talent_rules)
        assert placed.box is not None
        assert Decimal(50) <= pot["score"] <= Decimal(95)
        assert Decimal(pot["aspects"][0]["score"]) == pot["score"]
        low, high = bands[row["predikat"]]
        assert low <= row["score"] <= high
