"""Webinar attendance against the database: matching, threshold, JP, records, idempotency and scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.competencies.models import Course, CourseCompetency
from app.core.audit import AuditEntry
from app.core.changes import Change
from app.core.errors import DomainError
from app.core.security import Principal, Role
from app.core.types import latest_indonesian_date
from app.imports import attendance
from app.imports.attendance_layouts import UnknownLayout
from app.imports.lines import AttendanceOutcome, ReportLine
from app.learning import service as learning
from app.learning.models import LearningEvent, LearningRecord
from app.learning.schemas import RecordCreate
from app.rules import service as rules_service
from app.rules.schemas import RuleSetBody
from tests.factories import RULES_BODY, World, client_principal
from tests.http import audit_rows
from tests.learning.helpers import totals

DATA = Path(__file__).parent / "data" / "attendance"
SITI, BUDI, RINA, YOHANES = (
    "198703152010012002",
    "199001012015031001",
    "198511202012012003",
    "198002142005011004",
)
DEWI = "197905202005011003"  # a valid NIP nobody has
TITLE = "Webinar Literasi Digital ASN"
DAY = date(2026, 3, 10)
SESSION = {"title": TITLE, "form_code": "17", "session_date": DAY.isoformat(), "session_minutes": "90"}
D = Decimal


@dataclass
class People:
    siti: Asn
    budi: Asn
    rina: Asn
    yohanes: Asn


async def add_people(session: AsyncSession, world: World) -> People:
    """The people of the fixture reports: Siti and Rina in OPD A, Budi in its sub-unit A1, Yohanes in B."""

    def asn(nip: str, name: str, gender: str, unit_id: int, email: str) -> Asn:
        born = date(int(nip[:4]), int(nip[4:6]), int(nip[6:8]))
        return Asn(
            nip=nip,
            name=name,
            gender=gender,
            birth_date=born,
            employment_type="pns",
            golongan="III/b",
            unit_id=unit_id,
            email=email,
            active=True,
        )

    found = People(
        # Stored with capitals: profiles are matched case-insensitively.
        siti=asn(SITI, "Siti Rahmawati", "female", world.unit_a.id, "Siti.Rahmawati@Kaltimprov.go.id"),
        budi=asn(BUDI, "Budi Santoso", "male", world.unit_a1.id, "budi.santoso@kaltimprov.go.id"),
        rina=asn(RINA, "Rina Marlina", "female", world.unit_a.id, "rina.marlina@kaltimprov.go.id"),
        yohanes=asn(YOHANES, "Yohanes Lawing", "male", world.unit_b.id, "yohanes.lawing@kaltimprov.go.id"),
    )
    session.add_all([found.siti, found.budi, found.rina, found.yohanes])
    await session.commit()
    return found


@pytest.fixture
async def people(session: AsyncSession, world: World) -> People:
    return await add_people(session, world)


def fixture(name: str) -> bytes:
    return (DATA / name).read_bytes()


async def import_report(
    session: AsyncSession, principal: Principal, content: bytes, **options: Any
) -> AttendanceOutcome:
    """What the job runner does: check the options and the file, run, commit."""
    checked = await attendance.check_options(session, principal, SESSION | options)
    attendance.check_report(content)
    outcome = await attendance.run(session, principal, checked, content)
    await session.commit()
    return outcome


def brief(line: ReportLine) -> tuple[Any, ...]:
    data = line.data or {}
    return (line.row, line.outcome, line.nip, data.get("minutes"), data.get("share"), data.get("jp"))


async def records(session: AsyncSession) -> list[LearningRecord]:
    stmt = (
        select(LearningRecord)
        .order_by(LearningRecord.nip, LearningRecord.id)
        .execution_options(populate_existing=True)
    )
    return list((await session.execute(stmt)).scalars())


def external_id(nip: str, title: str = TITLE, form_code: str = "17", day: date = DAY) -> str:
    return f"att:{attendance.session_key(None, title, form_code, day)}:{nip}"


def csv_bytes(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode()


ZOOM_HEADER = "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest\n"


def zoom_row(name: str, email: str, start: str, end: str) -> str:
    return f"{name},{email},03/10/2026 {start},03/10/2026 {end},0,No\n"


# (row, outcome, nip, minutes, share, jp) per person of the fixture reports, bpsdm_admin's view.
def expected(rows: list[int]) -> list[tuple[Any, ...]]:
    host, siti, budi, rina, yohanes, joko, dewi, andi = rows
    return [
        (host, "unmatched", None, 90, 1.0, None),  # 98 minutes, credited at most the session's 90
        (siti, "matched", SITI, 85, 0.9444, 1.89),  # two stays, 85 min / 45 = 1.89 JP
        (budi, "matched", BUDI, 88, 0.9778, 1.96),  # two devices at once: 88, not 108
        (rina, "below_threshold", RINA, 50, 0.5556, None),
        (yohanes, "matched", YOHANES, 90, 1.0, 2.0),
        (joko, "unmatched", None, 80, 0.8889, None),
        (dewi, "unmatched", DEWI, 90, 1.0, None),
        (andi, "unmatched", None, 70, 0.7778, None),
    ]


class TestVendors:
    @pytest.mark.parametrize(
        ("name", "rows"),
        [
            ("zoom_participants.csv", [5, 6, 7, 8, 10, 12, 13, 14]),
            ("meet_attendance.csv", [2, 3, 4, 5, 6, 8, 9, 10]),
            ("teams_attendance.csv", [22, 23, 24, 25, 27, 29, 30, 31]),
        ],
    )
    async def test_report_lines_and_records(
        self, session: AsyncSession, world: World, people: People, name: str, rows: list[int]
    ) -> None:
        outcome = await import_report(session, world.principal("bpsdm"), fixture(name))
        assert [brief(line) for line in outcome.lines] == expected(rows)
        assert (outcome.total, outcome.created, outcome.unchanged) == (8, 3, 0)
        assert outcome.summary == {"matched": 3, "unmatched": 4, "below_threshold": 1, "needs_review": 0}
        made = await records(session)
        assert [
            (r.nip, r.title, r.form_code, r.start_date, r.end_date, r.year, r.duration_minutes, r.jp)
            for r in made
        ] == [
            (YOHANES, TITLE, "17", DAY, DAY, 2026, 90, D("2.00")),
            (SITI, TITLE, "17", DAY, DAY, 2026, 85, D("1.89")),
            (BUDI, TITLE, "17", DAY, DAY, 2026, 88, D("1.96")),
        ]
        assert {(r.source, r.status, r.created_by, r.decided_by) for r in made} == {
            ("attendance", "verified", "bpsdm", "bpsdm")
        }
        assert [r.external_id for r in made] == [external_id(YOHANES), external_id(SITI), external_id(BUDI)]
        data = {line.nip: line.data or {} for line in outcome.lines}
        for record in made:
            facts = data[record.nip]
            assert (facts["record_id"], facts["existing"], facts["status"]) == (record.id, False, "verified")

    async def test_line_data_of_each_outcome(
        self, session: AsyncSession, world: World, people: People
    ) -> None:
        outcome = await import_report(session, world.principal("bpsdm"), fixture("zoom_participants.csv"))
        lines = {line.name: line for line in outcome.lines}
        siti = lines["Siti Rahmawati"]
        assert siti.data is not None
        assert (siti.row, siti.code, siti.detail) == (6, None, None)
        assert siti.data == {
            "email": "siti.rahmawati@kaltimprov.go.id",
            "joins": 2,
            "minutes": 85,
            "share": 0.9444,
            "jp": 1.89,
            "record_id": siti.data["record_id"],
            "existing": False,
            "status": "verified",
        }
        rina = lines["Rina Marlina"]
        assert (rina.outcome, rina.nip, rina.detail) == (
            "below_threshold",
            RINA,
            "attended 50 of 90 minutes (55.56%); at least 75% counts",
        )
        assert rina.data == {"email": "rina.marlina@kaltimprov.go.id", "joins": 1, "minutes": 50, "share": 0.5556,
                             "jp": None, "record_id": None}  # fmt: skip
        joko = lines["Joko (HP)"]
        assert (joko.outcome, joko.nip, joko.detail) == (
            "unmatched",
            None,
            "no active ASN in your scope has the email joko.w@yahoo.com",
        )
        assert joko.data is not None and joko.data["email"] == "joko.w@yahoo.com"
        dewi = lines[f"{DEWI} Dewi Lestari"]
        assert (dewi.outcome, dewi.nip, dewi.detail) == (
            "unmatched",
            DEWI,
            f"no active ASN in your scope has the NIP {DEWI} written in the display name",
        )
        andi = lines["Andi"]
        assert andi.detail == "neither an email nor an 18-digit NIP in the display name"
        host = lines["BPSDM Kaltim (Host)"]
        assert host.detail == (
            "no active ASN in your scope has the email zoom.bpsdm@kaltimprov.go.id; "
            "attended 98 minutes; credited the session's 90"
        )

    async def test_teams_legacy_report_matches_by_nip_only(
        self, session: AsyncSession, world: World, people: People
    ) -> None:
        outcome = await import_report(session, world.principal("bpsdm"), fixture("teams_legacy.csv"))
        assert [brief(line) for line in outcome.lines] == [
            (2, "unmatched", None, 90, 1.0, None),
            (3, "unmatched", None, 90, 1.0, None),  # Yohanes: no email in this layout, no NIP in his name
            (4, "matched", SITI, 85, 0.9444, 1.89),
            (5, "matched", BUDI, 88, 0.9778, 1.96),
            (6, "below_threshold", RINA, 50, 0.5556, None),
            (12, "unmatched", None, 80, 0.8889, None),
        ]
        assert [r.nip for r in await records(session)] == [SITI, BUDI]

    async def test_records_enter_totals_events_audit_and_the_change_feed(
        self, session: AsyncSession, world: World, people: People
    ) -> None:
        await import_report(session, world.principal("bpsdm"), fixture("zoom_participants.csv"))
        made = {r.nip: r for r in await records(session)}
        assert await totals(session, SITI) == {(2026, "17"): (D("1.89"), 1)}
        assert await totals(session, RINA) == {}
        siti = made[SITI]
        events = (
            await session.execute(select(LearningEvent.action, LearningEvent.actor, LearningEvent.to_status).where(
                LearningEvent.record_id == siti.id))
        ).all()  # fmt: skip
        assert [tuple(e) for e in events] == [("created", "bpsdm", "verified")]
        (entry,) = await audit_rows(session, "learning_record", siti.id)
        assert (entry.action, entry.actor, entry.role) == ("create", "bpsdm", "bpsdm_admin")
        assert entry.after is not None
        assert (entry.after["source"], entry.after["external_id"], entry.after["jp"]) == (
            "attendance",
            external_id(SITI),
            "1.89",
        )
        feed = await session.execute(select(Change.key).where(Change.entity == "learning_record"))
        assert sorted(feed.scalars()) == sorted(str(r.id) for r in made.values())


class TestIdempotency:
    async def test_the_same_report_again_creates_nothing(
        self, session: AsyncSession, world: World, people: People
    ) -> None:
        bpsdm = world.principal("bpsdm")
        first = await import_report(session, bpsdm, fixture("zoom_participants.csv"))
        audits = await session.scalar(select(func.count()).select_from(AuditEntry))
        again = await import_report(session, bpsdm, fixture("zoom_participants.csv"))
        assert (again.created, again.unchanged) == (0, 3)
        assert again.summary == first.summary
        assert [brief(line) for line in again.lines] == [brief(line) for line in first.lines]
        ids = {
            line.nip: (line.data or {}).get("record_id") for line in first.lines if line.outcome == "matched"
        }
        for line in again.lines:
            if line.outcome == "matched":
                assert line.data is not None
                assert (line.data["record_id"], line.data["existing"]) == (ids[line.nip], True)
                assert (
                    line.detail
                    == f"learning record {ids[line.nip]} exists from an earlier upload of this session"
                )
        assert len(await records(session)) == 3
        assert await session.scalar(select(func.count()).select_from(AuditEntry)) == audits
        assert await totals(session, SITI) == {(2026, "17"): (D("1.89"), 1)}

    async def test_another_vendors_report_of_the_same_session_creates_only_the_new_people(
        self, session: AsyncSession, world: World, people: People
    ) -> None:
        bpsdm = world.principal("bpsdm")
        await import_report(session, bpsdm, fixture("zoom_participants_old_semicolon.csv"))
        assert [r.nip for r in await records(session)] == [SITI, BUDI]
        # The same title written differently is the same ad-hoc session.
        outcome = await import_report(
            session, bpsdm, fixture("teams_attendance.csv"), title="WEBINAR  literasi digital ASN!"
        )
        assert (outcome.created, outcome.unchanged) == (1, 2)
        assert [r.nip for r in await records(session)] == [YOHANES, SITI, BUDI]

    async def test_another_day_is_another_session(
        self, session: AsyncSession, world: World, people: People
    ) -> None:
        bpsdm = world.principal("bpsdm")
        await import_report(session, bpsdm, fixture("meet_attendance.csv"))
        outcome = await import_report(
            session, bpsdm, fixture("meet_attendance.csv"), session_date="2026-03-11"
        )
        assert outcome.created == 3
        made = await records(session)
        assert sorted(r.external_id or "" for r in made if r.nip == SITI) == sorted(
            [external_id(SITI), external_id(SITI, day=date(2026, 3, 11))]
        )


class TestMatching:
    async def test_opd_admin_sees_only_its_subtree_and_learns_nothing_of_others(
        self, session: AsyncSession, world: World, people: People
    ) -> None:
        outcome = await import_report(session, world.principal("opd_a"), fixture("zoom_participants.csv"))
        lines = {line.row: line for line in outcome.lines}
        assert (lines[10].outcome, lines[10].nip) == ("unmatched", None)
        # Yohanes (OPD B) reads exactly like someone with no profile at all.
        assert lines[10].detail == "no active ASN in your scope has the email yohanes.lawing@kaltimprov.go.id"
        assert lines[12].detail == "no active ASN in your scope has the email joko.w@yahoo.com"
        assert outcome.summary == {"matched": 2, "unmatched": 5, "below_threshold": 1, "needs_review": 0}
        assert [r.nip for r in await records(session)] == [SITI, BUDI]  # Budi is in A's sub-unit

    async def test_opd_admin_of_a_sub_unit(self, session: AsyncSession, world: World, people: People) -> None:
        outcome = await import_report(session, world.principal("opd_a1"), fixture("zoom_participants.csv"))
        assert outcome.summary == {"matched": 1, "unmatched": 7, "below_threshold": 0, "needs_review": 0}
        assert [r.nip for r in await records(session)] == [BUDI]

    async def test_integration_client_reaches_everyone(
        self, session: AsyncSession, world: World, people: People
    ) -> None:
        outcome = await import_report(
            session, client_principal("learning:write"), fixture("meet_attendance.csv")
        )
        assert outcome.created == 3
        assert {r.created_by for r in await records(session)} == {"client:bk_test"}

    async def test_inactive_asn_is_not_matched(
        self, session: AsyncSession, world: World, people: People
    ) -> None:
        people.siti.active = False
        people.budi.active = False
        await session.commit()
        outcome = await import_report(session, world.principal("bpsdm"), fixture("zoom_participants.csv"))
        lines = {line.row: line for line in outcome.lines}
        assert (lines[6].outcome, lines[7].outcome) == ("unmatched", "unmatched")
        assert lines[7].nip == BUDI
        assert lines[7].detail == (
            f"no active ASN in your scope has the NIP {BUDI} written in the display name; "
            "no active ASN in your scope has the email budi.s@gmail.com"
        )
        assert [r.nip for r in await records(session)] == [YOHANES]

    async def test_invalid_nip_in_the_name(self, session: AsyncSession, world: World, people: People) -> None:
        content = csv_bytes(ZOOM_HEADER + zoom_row("199013012015031001 Budi", "", "09:00 AM", "10:30 AM"))
        (line,) = (await import_report(session, world.principal("bpsdm"), content)).lines
        assert (line.outcome, line.nip) == ("unmatched", "199013012015031001")
        assert line.detail is not None
        assert line.detail.startswith("199013012015031001 in the display name is not a valid NIP (")

    async def test_nip_in_name_wins_over_an_unknown_email_and_spaced_nips_count(
        self, session: AsyncSession, world: World, people: People
    ) -> None:
        content = csv_bytes(
            ZOOM_HEADER
            + zoom_row("Rina (19851120 201201 2 003)", "rina@gmail.com", "09:00 AM", "10:30 AM")
            + zoom_row(f"{DEWI} Dewi", "siti.rahmawati@kaltimprov.go.id", "09:00 AM", "10:30 AM")
        )
        outcome = await import_report(session, world.principal("bpsdm"), content)
        assert [(line.row, line.outcome, line.nip, line.detail) for line in outcome.lines] == [
            (2, "matched", RINA, None),
            # An unknown NIP in the name, but the email is Siti's profile: matched by email, noted.
            (
                3,
                "matched",
                SITI,
                f"no active ASN in your scope has the NIP {DEWI} written in the display name",
            ),
        ]

    async def test_one_person_under_two_identities_is_merged(
        self, session: AsyncSession, world: World, people: People
    ) -> None:
        # Work email on a laptop for 40 minutes; the NIP-named phone overlaps and stays to the end.
        content = csv_bytes(
            ZOOM_HEADER
            + zoom_row("Siti Rahmawati", "siti.rahmawati@kaltimprov.go.id", "09:00:00 AM", "09:40:00 AM")
            + zoom_row(f"{SITI} (HP)", "", "09:30:00 AM", "10:30:00 AM")
        )
        outcome = await import_report(session, world.principal("bpsdm"), content)
        (line,) = outcome.lines
        assert brief(line) == (2, "matched", SITI, 90, 1.0, 2.0)
        assert line.data is not None and line.data["joins"] == 2
        assert outcome.total == 1

    async def test_matching_in_chunks_gives_the_same_result(
        self, session: AsyncSession, world: World, people: People, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # Thousands of participants are looked up a few hundred at a time; two at a time here.
        monkeypatch.setattr(attendance, "_CHUNK", 2)
        outcome = await import_report(session, world.principal("bpsdm"), fixture("zoom_participants.csv"))
        assert [brief(line) for line in outcome.lines] == expected([5, 6, 7, 8, 10, 12, 13, 14])

    async def test_an_email_on_two_profiles_matches_neither(
        self, session: AsyncSession, world: World, people: People
    ) -> None:
        people.budi.email = " RINA.MARLINA@kaltimprov.go.id"
        await session.commit()
        outcome = await import_report(session, world.principal("bpsdm"), fixture("meet_attendance.csv"))
        rina = next(line for line in outcome.lines if line.row == 5)
        assert (rina.outcome, rina.detail) == (
            "unmatched",
            "2 ASN profiles have the email rina.marlina@kaltimprov.go.id; write the NIP in the display name",
        )


class TestThresholdAndJp:
    async def test_min_share_override(self, session: AsyncSession, world: World, people: People) -> None:
        outcome = await import_report(
            session, world.principal("bpsdm"), fixture("zoom_participants.csv"), min_share="0.5"
        )
        rina = next(line for line in outcome.lines if line.nip == RINA)
        assert brief(rina) == (8, "matched", RINA, 50, 0.5556, 1.11)
        assert outcome.summary == {"matched": 4, "unmatched": 4, "below_threshold": 0, "needs_review": 0}

    async def test_the_whole_session_required(
        self, session: AsyncSession, world: World, people: People
    ) -> None:
        outcome = await import_report(
            session, world.principal("bpsdm"), fixture("zoom_participants.csv"), min_share="100%"
        )
        assert [
            (line.nip, line.outcome) for line in outcome.lines if line.nip in (SITI, BUDI, RINA, YOHANES)
        ] == [
            (SITI, "below_threshold"),
            (BUDI, "below_threshold"),
            (RINA, "below_threshold"),
            (YOHANES, "matched"),
        ]

    async def test_exactly_the_threshold_counts(
        self, session: AsyncSession, world: World, people: People
    ) -> None:
        content = csv_bytes(
            ZOOM_HEADER + zoom_row("Rina", "rina.marlina@kaltimprov.go.id", "09:00 AM", "09:45 AM")
        )
        outcome = await import_report(session, world.principal("bpsdm"), content, session_minutes="60")
        assert brief(outcome.lines[0]) == (2, "matched", RINA, 45, 0.75, 1.0)

    async def test_minutes_beyond_the_session_are_not_credited(
        self, session: AsyncSession, world: World, people: People
    ) -> None:
        outcome = await import_report(
            session, world.principal("bpsdm"), fixture("zoom_participants.csv"), session_minutes="60"
        )
        yohanes = next(line for line in outcome.lines if line.nip == YOHANES)
        assert brief(yohanes) == (10, "matched", YOHANES, 60, 1.0, 1.33)
        assert yohanes.detail == "attended 90 minutes; credited the session's 60"

    async def test_jp_follows_the_rules_of_the_sessions_year(
        self, session: AsyncSession, world: World, people: People
    ) -> None:
        bpsdm = world.principal("bpsdm")
        body = RULES_BODY | {"jp_minutes": 60, "form_rules": [{"form_code": "17", "jp_factor": 0.5}]}
        await rules_service.replace(session, bpsdm, 2025, RuleSetBody.model_validate(body), None)
        await session.commit()
        in_2025 = await import_report(
            session, bpsdm, fixture("zoom_participants.csv"), session_date="2025-03-10"
        )
        in_2024 = await import_report(
            session, bpsdm, fixture("zoom_participants.csv"), session_date="2024-03-10"
        )
        siti_2025 = next(line for line in in_2025.lines if line.nip == SITI)
        siti_2024 = next(line for line in in_2024.lines if line.nip == SITI)
        assert (siti_2025.data or {})["jp"] == 0.71  # 85 min / 60 × 0.5
        assert (siti_2024.data or {})["jp"] == 1.89  # the earlier rules: 85 / 45
        assert await totals(session, SITI) == {(2025, "17"): (D("0.71"), 1), (2024, "17"): (D("1.89"), 1)}


class TestRecordProblems:
    async def test_a_hand_entered_record_of_the_same_session_is_a_possible_duplicate(
        self, session: AsyncSession, world: World, people: People
    ) -> None:
        bpsdm = world.principal("bpsdm")
        body = RecordCreate(
            title="Webinar literasi digital ASN", form_code="9", start_date=DAY, end_date=DAY, jp=D(2)
        )
        existing, _ = await learning.create(session, bpsdm, people.siti, body)
        await session.commit()
        outcome = await import_report(session, bpsdm, fixture("zoom_participants.csv"))
        siti = next(line for line in outcome.lines if line.nip == SITI)
        assert (siti.outcome, siti.code) == ("error", "possible_duplicate")
        assert siti.data is not None and siti.data["duplicate_of"] == existing.id
        assert siti.detail is not None and str(existing.id) in siti.detail
        assert (outcome.created, outcome.summary["matched"]) == (2, 2)
        assert [r.nip for r in await records(session)] == [YOHANES, SITI, BUDI]  # Siti's hand-entered one

    async def test_an_unreadable_time_is_an_error_line(
        self, session: AsyncSession, world: World, people: People
    ) -> None:
        content = csv_bytes(
            ZOOM_HEADER
            + zoom_row("Rina", "rina.marlina@kaltimprov.go.id", "09:00 AM", "10:30 AM")
            + "Siti,siti.rahmawati@kaltimprov.go.id,soon,03/10/2026 10:30 AM,90,No\n"
        )
        outcome = await import_report(session, world.principal("bpsdm"), content)
        rina, siti = outcome.lines
        assert rina.outcome == "matched"
        assert (siti.row, siti.outcome, siti.nip, siti.code, siti.field) == (
            3,
            "error",
            SITI,
            "invalid_time",
            "Join Time",
        )
        assert siti.detail == "line 3: Join Time: 'soon' is not a time"
        assert outcome.summary == {"matched": 1, "unmatched": 0, "below_threshold": 0, "needs_review": 0}
        assert [r.nip for r in await records(session)] == [RINA]

    async def test_an_admins_own_attendance_is_a_claim(
        self, session: AsyncSession, world: World, people: People
    ) -> None:
        admin = Principal(subject="opd.siti", role=Role.opd_admin, unit_id=world.unit_a.id, nip=SITI)
        outcome = await import_report(session, admin, fixture("zoom_participants.csv"))
        siti = next(line for line in outcome.lines if line.nip == SITI)
        assert siti.outcome == "matched"
        assert siti.data is not None and siti.data["status"] == "pending"
        assert siti.detail == "your own attendance is a claim another admin must verify"
        made = {r.nip: r for r in await records(session)}
        assert (made[SITI].status, made[SITI].source) == ("pending", "self")
        assert (made[BUDI].status, made[BUDI].source) == ("verified", "attendance")
        again = await import_report(session, admin, fixture("zoom_participants.csv"))
        assert (again.created, again.unchanged) == (0, 2)

    async def test_a_file_that_is_not_a_report(
        self, session: AsyncSession, world: World, people: People
    ) -> None:
        options = await attendance.check_options(session, world.principal("bpsdm"), SESSION)
        with pytest.raises(UnknownLayout):
            await attendance.run(session, world.principal("bpsdm"), options, b"a,b\n1,2\n")


async def add_course(session: AsyncSession, **fields: Any) -> Course:
    course = Course(
        **{
            "code": "WEB-LIT-2026-03",
            "title": TITLE,
            "form_code": "17",
            "jp": D(2),
            "organizer": "BPSDM Provinsi Kalimantan Timur",
            "starts_on": DAY,
            "ends_on": DAY,
        }
        | fields
    )
    session.add(course)
    await session.flush()
    session.add_all([CourseCompetency(course_id=course.id, competency_code=c) for c in ("M3", "M6")])
    await session.commit()
    return course


class TestCourse:
    async def test_course_gives_title_form_date_length_organizer_and_competencies(
        self, session: AsyncSession, world: World, people: People
    ) -> None:
        course = await add_course(session)
        bpsdm = world.principal("bpsdm")
        options = await attendance.check_options(session, bpsdm, {"course_id": str(course.id)})
        assert options == {
            "course_id": course.id,
            "title": TITLE,
            "form_code": "17",
            "organizer": "BPSDM Provinsi Kalimantan Timur",
            "competency_codes": ["M3", "M6"],
            "session_date": "2026-03-10",
            "session_minutes": 90,  # 2 JP × 45 minutes
            "min_share": "0.75",
            "session_key": f"c{course.id}-2026-03-10",
        }
        outcome = await attendance.run(session, bpsdm, options, fixture("teams_attendance.csv"))
        await session.commit()
        assert outcome.created == 3
        siti = next(r for r in await records(session) if r.nip == SITI)
        assert (siti.title, siti.organizer, siti.competency_codes, siti.jp) == (
            TITLE,
            "BPSDM Provinsi Kalimantan Timur",
            ["M3", "M6"],
            D("1.89"),
        )
        assert siti.external_id == f"att:c{course.id}-2026-03-10:{SITI}"

    async def test_a_course_over_several_days_needs_the_date_and_length(
        self, session: AsyncSession, world: World
    ) -> None:
        course = await add_course(session, starts_on=date(2026, 3, 2), ends_on=date(2026, 3, 13), jp=D(40))
        bpsdm = world.principal("bpsdm")
        with pytest.raises(attendance.InvalidOption) as caught:
            await attendance.check_options(session, bpsdm, {"course_id": course.id})
        assert caught.value.extra == {"field": "session_date"}
        assert "runs from 2026-03-02 to 2026-03-13" in caught.value.detail
        with pytest.raises(attendance.InvalidOption) as caught:
            await attendance.check_options(
                session, bpsdm, {"course_id": course.id, "session_date": "2026-03-10"}
            )
        assert caught.value.extra == {"field": "session_minutes"}
        options = await attendance.check_options(
            session, bpsdm, {"course_id": course.id, "session_date": "2026-03-10", "session_minutes": 120}
        )
        assert (options["session_date"], options["session_minutes"]) == ("2026-03-10", 120)

    async def test_a_course_without_dates_or_jp(self, session: AsyncSession, world: World) -> None:
        course = await add_course(session, starts_on=None, ends_on=None, jp=None)
        bpsdm = world.principal("bpsdm")
        with pytest.raises(attendance.InvalidOption) as caught:
            await attendance.check_options(session, bpsdm, {"course_id": course.id})
        assert "has no dates" in caught.value.detail
        with pytest.raises(attendance.InvalidOption) as caught:
            await attendance.check_options(
                session, bpsdm, {"course_id": course.id, "session_date": "2026-03-10"}
            )
        assert caught.value.extra == {"field": "session_minutes"}

    async def test_a_course_in_the_future(self, session: AsyncSession, world: World) -> None:
        later = latest_indonesian_date() + timedelta(days=30)
        course = await add_course(session, starts_on=later, ends_on=later)
        with pytest.raises(attendance.InvalidOption) as caught:
            await attendance.check_options(session, world.principal("bpsdm"), {"course_id": course.id})
        assert caught.value.extra == {"field": "session_date"}

    async def test_the_course_length_uses_the_years_minutes_per_jp(
        self, session: AsyncSession, world: World
    ) -> None:
        bpsdm = world.principal("bpsdm")
        await rules_service.replace(
            session, bpsdm, 2026, RuleSetBody.model_validate(RULES_BODY | {"jp_minutes": 60}), None
        )
        course = await add_course(session, jp=D("1.5"))
        options = await attendance.check_options(session, bpsdm, {"course_id": course.id})
        assert options["session_minutes"] == 90

    async def test_unknown_course(self, session: AsyncSession, world: World) -> None:
        with pytest.raises(DomainError) as caught:
            await attendance.check_options(session, world.principal("bpsdm"), {"course_id": "999999"})
        assert (caught.value.status, caught.value.code) == (404, "course_not_found")


class TestOptions:
    async def test_normalised(self, session: AsyncSession, world: World) -> None:
        options = await attendance.check_options(
            session,
            world.principal("bpsdm"),
            {"title": "  Webinar   Literasi Digital ASN ", "form_code": "17", "session_date": "2026-03-10",
             "session_minutes": " 90 ", "min_share": "80%", "course_id": ""},
        )  # fmt: skip
        assert options == {
            "course_id": None,
            "title": TITLE,
            "form_code": "17",
            "organizer": None,
            "competency_codes": [],
            "session_date": "2026-03-10",
            "session_minutes": 90,
            "min_share": "0.8",
            "session_key": attendance.session_key(None, TITLE, "17", DAY),
        }

    @pytest.mark.parametrize(
        ("given", "share"), [("0,6", "0.6"), ("1", "1"), ("0.75", "0.75"), ("12.5%", "0.125")]
    )
    async def test_min_share_forms(self, session: AsyncSession, world: World, given: str, share: str) -> None:
        options = await attendance.check_options(
            session, world.principal("bpsdm"), SESSION | {"min_share": given}
        )
        assert options["min_share"] == share

    @pytest.mark.parametrize(
        ("options", "code", "field"),
        [
            ({}, "invalid_option", "title"),
            ({"title": TITLE}, "invalid_option", "form_code"),
            (SESSION | {"form_code": "99"}, "unknown_form_code", "form_code"),
            (SESSION | {"title": "x" * 301}, "invalid_option", "title"),
            (SESSION | {"title": "Webinar\x07"}, "invalid_option", "title"),
            ({k: v for k, v in SESSION.items() if k != "session_date"}, "invalid_option", "session_date"),
            (SESSION | {"session_date": "10/03/2026"}, "invalid_option", "session_date"),
            (SESSION | {"session_date": "2099-01-01"}, "invalid_option", "session_date"),
            (
                {k: v for k, v in SESSION.items() if k != "session_minutes"},
                "invalid_option",
                "session_minutes",
            ),
            (SESSION | {"session_minutes": "0"}, "invalid_option", "session_minutes"),
            (SESSION | {"session_minutes": "1441"}, "invalid_option", "session_minutes"),
            (SESSION | {"session_minutes": "90.5"}, "invalid_option", "session_minutes"),
            (SESSION | {"min_share": "0"}, "invalid_option", "min_share"),
            (SESSION | {"min_share": "1.5"}, "invalid_option", "min_share"),
            (SESSION | {"min_share": "-0.1"}, "invalid_option", "min_share"),
            (SESSION | {"min_share": "banyak"}, "invalid_option", "min_share"),
            (SESSION | {"min_share": "NaN"}, "invalid_option", "min_share"),
            ({"course_id": "abc"}, "invalid_option", "course_id"),
            ({"course_id": "0"}, "invalid_option", "course_id"),
            ({"course_id": "1", "title": TITLE}, "invalid_option", "title"),
        ],
    )
    async def test_invalid(
        self, session: AsyncSession, world: World, options: dict[str, Any], code: str, field: str
    ) -> None:
        with pytest.raises(DomainError) as caught:
            await attendance.check_options(session, world.principal("bpsdm"), options)
        assert (caught.value.status, caught.value.code) == (422, code)
        assert caught.value.extra.get("field") == field
        assert field in caught.value.detail
