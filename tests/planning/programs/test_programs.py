"""A unit's development programme: creating and replacing it (If-Match), its lines and their checks,
the cost against the pagu, the gap it closes, who may see and change it, and its audit rows."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.planning.models import DevelopmentProgramLine
from tests.competencies.helpers import assess, set_standard
from tests.factories import World
from tests.http import as_, audit_rows, problem
from tests.planning.programs.helpers import (
    YEAR,
    create_course,
    line,
    put_budgets,
    put_program,
    set_gap,
    url,
)

READ_FIELDS = {
    "unit_id",
    "unit_name",
    "year",
    "note",
    "lines",
    "total_cost_idr",
    "total_participants",
    "total_jp",
    "pagu_idr",
    "within_pagu",
    "remaining_pagu_idr",
    "gap_closed",
    "updated_at",
    "version",
}
LINE_FIELDS = {
    "id",
    "course_id",
    "title",
    "sessions",
    "participants",
    "jp",
    "cost_idr",
    "competency_codes",
    "source",
    "note",
}


async def get(client: httpx.AsyncClient, headers: dict[str, str], unit_id: int) -> httpx.Response:
    r = await client.get(url(unit_id), headers=headers)
    assert r.status_code == 200, r.text
    return r


class TestReadingAndCreating:
    async def test_a_unit_without_a_programme_reads_empty_with_version_0_and_no_etag(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await get(client, as_(settings, world, "bpsdm"), world.unit_a.id)
        body = r.json()
        assert set(body) == READ_FIELDS
        assert "etag" not in r.headers
        assert body | {"gap_closed": None} == {
            "unit_id": world.unit_a.id,
            "unit_name": world.unit_a.name,
            "year": YEAR,
            "note": None,
            "lines": [],
            "total_cost_idr": 0,
            "total_participants": 0,
            "total_jp": 0.0,
            "pagu_idr": None,
            "within_pagu": None,
            "remaining_pagu_idr": None,
            "gap_closed": None,
            "updated_at": None,
            "version": 0,
        }
        assert body["gap_closed"] == {"below_standard": 0, "covered": 0, "pct": None, "competencies": []}

    async def test_put_creates_without_if_match_and_answers_the_programme(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        course = await create_course(session, "PKP-27", title="Pelatihan Kepemimpinan Pengawas", jp="40")
        h = as_(settings, world, "opd_a")
        r = await client.put(
            url(world.unit_a.id),
            json={
                "note": "Usulan 2027",
                "lines": [
                    line(
                        course_id=course.id,
                        title=None,
                        jp=None,
                        competency_codes=None,
                        participants=60,
                        sessions=2,
                        cost_idr=450_000_000,
                    ),
                    line(jp="12.5", participants=4, cost_idr=1),
                ],
            },
            headers=h,
        )
        assert r.status_code == 201, r.text
        assert r.headers["etag"] == '"1"'
        assert r.headers["location"] == url(world.unit_a.id)
        body = r.json()
        assert body["version"] == 1 and body["note"] == "Usulan 2027" and body["updated_at"]
        first, second = body["lines"]
        assert set(first) == LINE_FIELDS
        # Title, JP and competencies come from the course when the line leaves them out.
        assert first | {"id": 0} == {
            "id": 0,
            "course_id": course.id,
            "title": "Pelatihan Kepemimpinan Pengawas",
            "sessions": 2,
            "participants": 60,
            "jp": 40.0,
            "cost_idr": 450_000_000,
            "competency_codes": ["M1"],
            "source": "gap",
            "note": None,
        }
        assert second["jp"] == 12.5 and second["course_id"] is None
        assert body["total_cost_idr"] == 450_000_001
        assert body["total_participants"] == 64
        assert body["total_jp"] == 60 * 40 + 4 * 12.5
        again = await get(client, h, world.unit_a.id)
        assert again.headers["etag"] == '"1"'
        assert again.json() == body

    async def test_an_empty_programme_can_be_created(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        body = await put_program(client, as_(settings, world, "bpsdm"), world.unit_b.id, [], note="Belum ada")
        assert body["lines"] == [] and body["version"] == 1


class TestIfMatch:
    async def test_replacing_needs_if_match_and_a_current_one(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "bpsdm")
        await put_program(client, h, world.unit_a.id, [line()])
        r = await client.put(url(world.unit_a.id), json={"lines": [line(participants=30)]}, headers=h)
        problem(r, 428, "precondition_required")
        r = await client.put(
            url(world.unit_a.id), json={"lines": [line(participants=30)]}, headers=h | {"If-Match": '"7"'}
        )
        problem(r, 412, "precondition_failed")
        body = await put_program(
            client, h, world.unit_a.id, [line(participants=30)], if_match='"1"', status=200
        )
        assert body["version"] == 2 and body["total_participants"] == 30
        # The old tag is stale now.
        r = await client.put(url(world.unit_a.id), json={"lines": []}, headers=h | {"If-Match": '"1"'})
        problem(r, 412, "precondition_failed")

    async def test_a_put_that_changes_nothing_keeps_the_version_and_writes_no_audit_row(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        h = as_(settings, world, "bpsdm")
        created = await put_program(client, h, world.unit_a.id, [line(), line(title="Kedua")], note="n")
        # Sent back as read (with ids), or as first sent (without): nothing changes.
        lines = [{k: v for k, v in item.items()} for item in created["lines"]]
        same = await put_program(client, h, world.unit_a.id, lines, note="n", if_match='"1"', status=200)
        assert same["version"] == 1 and same["lines"] == created["lines"]
        same = await put_program(
            client, h, world.unit_a.id, [line(), line(title="Kedua")], note="n", if_match='"1"', status=200
        )
        assert same["version"] == 1 and same["lines"] == created["lines"]
        assert [
            row.action
            for row in await audit_rows(session, "development_program", f"{world.unit_a.id}/{YEAR}")
        ] == ["create"]

    async def test_a_change_of_lines_only_raises_the_version(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "bpsdm")
        created = await put_program(client, h, world.unit_a.id, [line()], note="n")
        changed = [created["lines"][0] | {"cost_idr": 90_000_000}]
        body = await put_program(client, h, world.unit_a.id, changed, note="n", if_match='"1"', status=200)
        assert body["version"] == 2 and body["total_cost_idr"] == 90_000_000


class TestLines:
    async def test_lines_with_an_id_keep_it_new_ones_get_one_and_unsent_ones_go(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        h = as_(settings, world, "bpsdm")
        created = await put_program(
            client, h, world.unit_a.id, [line(title="A"), line(title="B"), line(title="C")]
        )
        a, b, c = created["lines"]
        body = await put_program(
            client,
            h,
            world.unit_a.id,
            [c | {"participants": 3}, line(title="D"), a],
            if_match='"1"',
            status=200,
        )
        assert [x["title"] for x in body["lines"]] == ["C", "D", "A"]
        assert body["lines"][0]["id"] == c["id"] and body["lines"][0]["participants"] == 3
        assert body["lines"][2] == a
        assert body["lines"][1]["id"] not in {a["id"], b["id"], c["id"]}
        stored = await session.scalar(
            select(func.count())
            .select_from(DevelopmentProgramLine)
            .where(DevelopmentProgramLine.unit_id == world.unit_a.id, DevelopmentProgramLine.year == YEAR)
        )
        assert stored == 3

    async def test_a_line_of_another_programme_or_sent_twice_is_refused(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "bpsdm")
        other = await put_program(client, h, world.unit_b.id, [line()])
        mine = await put_program(client, h, world.unit_a.id, [line()])
        own = mine["lines"][0]
        r = await client.put(
            url(world.unit_a.id),
            json={"lines": [own, own, other["lines"][0]]},
            headers=h | {"If-Match": '"1"'},
        )
        data = problem(r, 422, "invalid_program_lines")
        assert [(e["loc"], e["type"]) for e in data["errors"]] == [
            (["body", "lines", 1, "id"], "duplicate_line"),
            (["body", "lines", 2, "id"], "unknown_line"),
        ]
        assert data["detail"].startswith("2 problem(s) in the programme's lines; the first, at lines.1.id: ")

    async def test_explicit_competencies_replace_the_courses_and_an_empty_list_is_kept(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        course = await create_course(session, "TK-1", competencies=("M1", "M2"))
        body = await put_program(
            client,
            as_(settings, world, "bpsdm"),
            world.unit_a.id,
            [
                line(course_id=course.id, competency_codes=["M4"]),
                line(course_id=course.id, competency_codes=[]),
                line(course_id=course.id, competency_codes=None),
            ],
        )
        assert [x["competency_codes"] for x in body["lines"]] == [["M4"], [], ["M1", "M2"]]
        # A title sent wins over the course's.
        assert body["lines"][0]["title"] == line()["title"]

    async def test_a_planned_line_keeps_a_course_the_catalogue_retired_but_a_new_one_cannot_name_it(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        course = await create_course(session, "OLD-1")
        h = as_(settings, world, "bpsdm")
        created = await put_program(client, h, world.unit_a.id, [line(course_id=course.id)])
        course.active = False
        await session.commit()
        kept = created["lines"][0]
        body = await put_program(
            client, h, world.unit_a.id, [kept | {"participants": 2}], if_match='"1"', status=200
        )
        assert body["lines"][0]["course_id"] == course.id
        r = await client.put(
            url(world.unit_a.id),
            json={"lines": [body["lines"][0], line(course_id=course.id)]},
            headers=h | {"If-Match": '"2"'},
        )
        data = problem(r, 422, "invalid_program_lines")
        assert [(e["loc"], e["type"]) for e in data["errors"]] == [
            (["body", "lines", 1, "course_id"], "inactive_course")
        ]


class TestValidation:
    @pytest.mark.parametrize(
        ("field", "value"),
        [
            ("sessions", 0),
            ("sessions", 10_001),
            ("participants", 0),
            ("participants", 100_001),
            ("jp", 0),
            ("jp", 2000.01),
            ("jp", 12.345),
            ("cost_idr", -1),
            ("cost_idr", 10**13 + 1),
            ("cost_idr", 1.5),
            ("cost_idr", "100"),
            ("source", "wish"),
            ("title", ""),
            ("title", "x" * 301),
            ("competency_codes", ["M1"] * 51),
            ("course_id", 0),
            ("unknown", 1),
        ],
    )
    async def test_out_of_range_fields_are_422_with_their_loc(
        self, client: httpx.AsyncClient, settings: Settings, world: World, field: str, value: Any
    ) -> None:
        r = await client.put(
            url(world.unit_a.id),
            json={"lines": [line(), line(**{field: value})]},
            headers=as_(settings, world, "bpsdm"),
        )
        data = problem(r, 422, "validation_error")
        assert any(e["loc"][:4] == ["body", "lines", 1, field] for e in data["errors"]), data

    async def test_the_bounds_themselves_are_accepted(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        body = await put_program(
            client,
            as_(settings, world, "bpsdm"),
            world.unit_a.id,
            [
                line(sessions=10_000, participants=100_000, jp=2000, cost_idr=10**13),
                line(jp="0.01", cost_idr=0),
            ],
        )
        assert body["total_cost_idr"] == 10**13
        assert body["total_jp"] == 2000 * 100_000 + 0.25

    async def test_at_most_500_lines(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "bpsdm")
        r = await client.put(url(world.unit_a.id), json={"lines": [line()] * 501}, headers=h)
        data = problem(r, 422, "validation_error")
        assert data["errors"][0]["loc"] == ["body", "lines"]
        body = await put_program(client, h, world.unit_a.id, [line(cost_idr=i) for i in range(500)])
        assert len(body["lines"]) == 500 and body["total_cost_idr"] == sum(range(500))

    async def test_lines_are_required_and_the_body_takes_no_other_field(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "bpsdm")
        problem(
            await client.put(url(world.unit_a.id), json={"note": "x"}, headers=h), 422, "validation_error"
        )
        r = await client.put(url(world.unit_a.id), json={"lines": [], "pagu_idr": 1}, headers=h)
        problem(r, 422, "validation_error")

    async def test_every_reference_problem_is_listed_with_its_loc(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        no_jp = await create_course(session, "NOJP-1", jp=None)
        retired = await create_course(session, "RET-1", active=False)
        r = await client.put(
            url(world.unit_a.id),
            json={
                "lines": [
                    line(),
                    line(course_id=999_999),
                    line(course_id=retired.id),
                    line(title=None),
                    line(title="   "),
                    line(jp=None),
                    line(course_id=no_jp.id, jp=None),
                    line(competency_codes=["M1", "ZZ9", "M1"]),
                ]
            },
            headers=as_(settings, world, "bpsdm"),
        )
        data = problem(r, 422, "invalid_program_lines")
        assert [(e["loc"], e["type"]) for e in data["errors"]] == [
            (["body", "lines", 1, "course_id"], "unknown_course"),
            (["body", "lines", 2, "course_id"], "inactive_course"),
            (["body", "lines", 3, "title"], "missing"),
            (["body", "lines", 4, "title"], "missing"),
            (["body", "lines", 5, "jp"], "missing"),
            (["body", "lines", 6, "jp"], "missing"),
            (["body", "lines", 7, "competency_codes", 1], "unknown_competency"),
            (["body", "lines", 7, "competency_codes", 2], "duplicate_competency"),
        ]
        assert data["errors"][0]["msg"] == "No course with id 999999"
        assert data["detail"] == (
            "8 problem(s) in the programme's lines; the first, at lines.1.course_id: No course with id 999999"
        )
        # Nothing was written.
        assert (await get(client, as_(settings, world, "bpsdm"), world.unit_a.id)).json()["version"] == 0

    async def test_messages_in_indonesian_and_english(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "bpsdm")
        body = {"lines": [line(course_id=999_999), line(competency_codes=["ZZ9"])]}
        r = await client.put(url(world.unit_a.id), json=body, headers=h | {"Accept-Language": "id"})
        data = problem(r, 422, "invalid_program_lines")
        assert data["title"] == "Baris program pengembangan tidak valid"
        assert data["detail"] == (
            "2 masalah pada baris program; yang pertama, di lines.0.course_id: "
            "Tidak ada pelatihan dengan id 999999"
        )
        assert [e["msg"] for e in data["errors"]] == [
            "Tidak ada pelatihan dengan id 999999",
            "Kompetensi 'ZZ9' tidak dikenal; lihat /api/v1/competencies",
        ]
        r = await client.put(url(world.unit_a.id), json=body, headers=h | {"Accept-Language": "en"})
        data = problem(r, 422, "invalid_program_lines")
        assert data["title"] == "Invalid development programme lines"
        assert [e["msg"] for e in data["errors"]] == [
            "No course with id 999999",
            "Unknown competency 'ZZ9'; see /api/v1/competencies",
        ]
        await put_program(client, h, world.unit_a.id, [])
        r = await client.put(url(world.unit_a.id), json={"lines": []}, headers=h | {"Accept-Language": "id"})
        assert problem(r, 428, "precondition_required")["title"]


class TestPagu:
    @pytest.mark.parametrize(
        ("cost", "within", "remaining"),
        [(499_999_999, True, 1), (500_000_000, True, 0), (500_000_001, False, -1)],
    )
    async def test_the_total_against_the_units_own_pagu(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        cost: int,
        within: bool,
        remaining: int,
    ) -> None:
        h = as_(settings, world, "bpsdm")
        # The parent's pagu is not the sub-unit's.
        await put_budgets(client, h, {world.unit_a.id: 500_000_000, world.unit_a1.id: 7})
        body = await put_program(client, h, world.unit_a.id, [line(cost_idr=cost - 1), line(cost_idr=1)])
        assert (body["pagu_idr"], body["within_pagu"], body["remaining_pagu_idr"]) == (
            500_000_000,
            within,
            remaining,
        )

    async def test_pagu_shows_before_any_programme(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "bpsdm")
        await put_budgets(client, h, {world.unit_a.id: 10})
        body = (await get(client, h, world.unit_a.id)).json()
        assert (body["pagu_idr"], body["within_pagu"], body["remaining_pagu_idr"]) == (10, True, 10)

    async def test_huge_totals_are_exact(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "bpsdm")
        await put_budgets(client, h, {world.unit_a.id: 5 * 10**15})
        body = await put_program(client, h, world.unit_a.id, [line(cost_idr=10**13 - 1)] * 500)
        assert body["total_cost_idr"] == 500 * (10**13 - 1) == 4_999_999_999_999_500
        assert body["remaining_pagu_idr"] == 5 * 10**15 - body["total_cost_idr"]


class TestGapClosed:
    async def test_counts_the_subtree_and_caps_each_competency_at_its_gap(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await set_gap(session, world.unit_a, {"M1": 50, "M2": 10})
        await set_gap(session, world.unit_a1, {"M1": 30, "M3": 20})
        await set_gap(session, world.unit_b, {"M1": 1000})  # another OPD: not counted
        h = as_(settings, world, "opd_a")
        body = await put_program(
            client,
            h,
            world.unit_a.id,
            [
                line(participants=60, competency_codes=["M1", "M2"]),  # M1 60 of 80; M2 10 of 10 (50 spare)
                line(participants=5, competency_codes=["M2"]),  # M2 already covered
                line(participants=500, competency_codes=["M4"]),  # nobody is below in M4
            ],
        )
        assert body["gap_closed"] == {
            "below_standard": 110,
            "covered": 70,
            "pct": 63.64,
            "competencies": [
                {"competency_code": "M1", "below_standard": 80, "planned_participants": 60, "covered": 60},
                {"competency_code": "M2", "below_standard": 10, "planned_participants": 65, "covered": 10},
                {"competency_code": "M3", "below_standard": 20, "planned_participants": 0, "covered": 0},
                {"competency_code": "M4", "below_standard": 0, "planned_participants": 500, "covered": 0},
            ],
        }
        # The sub-unit's own programme measures against its own subtree only.
        sub = await put_program(
            client, h, world.unit_a1.id, [line(participants=100, competency_codes=["M1"])]
        )
        assert (sub["gap_closed"]["below_standard"], sub["gap_closed"]["covered"]) == (50, 30)
        assert sub["gap_closed"]["pct"] == 60.0

    async def test_pct_is_null_without_anyone_below_standard(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        body = await put_program(
            client, as_(settings, world, "bpsdm"), world.unit_b.id, [line(competency_codes=["M1"])]
        )
        assert body["gap_closed"]["pct"] is None
        assert body["gap_closed"]["below_standard"] == 0

    async def test_the_gap_comes_from_assessments_against_standards(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        await set_standard(session, world.position_a, {"M1": 3, "M2": 3})
        await assess(client, world.asn_a.nip, as_(settings, world, "bpsdm"), "2026-03-01", {"M1": 2, "M2": 4})
        body = await put_program(
            client, as_(settings, world, "bpsdm"), world.unit_a.id, [line(competency_codes=["M1", "M2"])]
        )
        assert body["gap_closed"]["below_standard"] == 1
        assert body["gap_closed"]["covered"] == 1
        assert body["gap_closed"]["pct"] == 100.0


class TestScope:
    async def test_an_opd_admin_reaches_its_subtree_only(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        opd_a = as_(settings, world, "opd_a")
        await put_program(client, opd_a, world.unit_a1.id, [line()])
        await get(client, opd_a, world.unit_a1.id)
        for method in ("GET", "PUT"):
            r = await client.request(method, url(world.unit_b.id), json={"lines": []}, headers=opd_a)
            problem(r, 404, "unit_not_found")
            # The sub-unit's admin cannot reach its parent.
            r = await client.request(
                method, url(world.unit_a.id), json={"lines": []}, headers=as_(settings, world, "opd_a1")
            )
            problem(r, 404, "unit_not_found")

    async def test_an_unknown_unit_is_404(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.get(url(999_999), headers=as_(settings, world, "bpsdm"))
        problem(r, 404, "unit_not_found")

    async def test_the_auditor_reads_and_asn_gets_nothing(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        await put_program(client, as_(settings, world, "bpsdm"), world.unit_a.id, [line()])
        r = await get(client, as_(settings, world, "auditor"), world.unit_a.id)
        assert len(r.json()["lines"]) == 1
        auditor_put = await client.put(
            url(world.unit_a.id), json={"lines": []}, headers=as_(settings, world, "auditor")
        )
        problem(auditor_put, 403, "forbidden")
        for method in ("GET", "PUT"):
            r = await client.request(
                method, url(world.unit_a.id), json={"lines": []}, headers=as_(settings, world, "asn_a")
            )
            problem(r, 403, "forbidden")

    async def test_a_system_reads_with_budget_read(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        await get(client, as_(settings, world, "client:budget:read"), world.unit_a.id)
        r = await client.get(url(world.unit_a.id), headers=as_(settings, world, "client:learning:read"))
        problem(r, 403, "forbidden")


class TestAudit:
    async def test_create_and_replace_are_audited_with_the_totals(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        h = as_(settings, world, "opd_a")
        created = await put_program(
            client, h, world.unit_a.id, [line(participants=10, jp=3, cost_idr=100)], note="a"
        )
        await put_program(
            client, h, world.unit_a.id, [line(participants=2, jp=5, cost_idr=7)], if_match='"1"', status=200
        )
        rows = await audit_rows(session, "development_program", f"{world.unit_a.id}/{YEAR}")
        assert [(row.action, row.actor, row.role) for row in rows] == [
            ("create", "opd.a", "opd_admin"),
            ("update", "opd.a", "opd_admin"),
        ]
        assert rows[0].before is None
        after: dict[str, Any] = rows[0].after or {}
        assert {k: after[k] for k in ("note", "total_cost_idr", "total_participants")} == {
            "note": "a",
            "total_cost_idr": 100,
            "total_participants": 10,
        }
        assert float(after["total_jp"]) == 30
        assert after["lines"][0]["id"] == created["lines"][0]["id"]
        assert rows[1].before == rows[0].after
        assert (rows[1].after or {})["total_cost_idr"] == 7
        assert float((rows[1].after or {})["total_jp"]) == 10
