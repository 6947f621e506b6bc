"""Who each audience chooses, at chosen days (the service's `as_of`), and what its message says.

Edges: from_month inclusive and the season's end, exactly at the JP target is not below it, PPPK and
inactive people or accounts never chosen, a claim exactly `queue_sla_days` old is not overdue, an OPD
without ASN has no score, the closing window's first and last day.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.competencies.models import CompetencyStanding, Course, CourseCompetency
from app.completeness import snapshots
from app.core.config import Settings
from app.core.security import Role
from app.reminders import service
from tests import factories
from tests.factories import World
from tests.http import as_
from tests.learning.helpers import create
from tests.reminders.helpers import (
    add_claim,
    at,
    default_campaign,
    put_campaigns,
    run,
    today,
    usernames,
)

JP = "asn_below_jp_target"


class TestAsnBelowJpTarget:
    async def test_who_is_chosen_and_from_when(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        h = as_(settings, world, "bpsdm")
        # Verified by BPSDM: asn_a exactly at the 20 JP target, asn_b half a JP short; a pending claim
        # does not count.
        await create(client, world.asn_a.nip, h, start_date="2025-05-01", end_date="2025-05-02", jp=20)
        await create(client, world.asn_b.nip, h, start_date="2025-05-01", end_date="2025-05-02", jp=19.5)
        await add_claim(session, world.asn_b, year=2025, filed_at=at(date(2025, 5, 3)), jp=Decimal(10))
        cpns = await factories.create_asn(session, world.unit_b, employment_type="cpns", name="Rina Wati")
        gone = await factories.create_asn(session, world.unit_a, active=False)
        await factories.create_user(session, cpns.nip, Role.asn, asn=cpns)
        await factories.create_user(session, world.pppk_a.nip, Role.asn, asn=world.pppk_a)
        await factories.create_user(session, gone.nip, Role.asn, asn=gone)
        await factories.create_user(session, world.asn_a1.nip, Role.asn, asn=world.asn_a1, active=False)
        await session.commit()

        chosen = await run(session, 2025, date(2025, 7, 1), JP)
        assert usernames(chosen) == [world.asn_b.nip, cpns.nip]
        assert chosen.selected == chosen.recipients_total == 2 and chosen.queued == 0
        first = chosen.recipients[0]
        assert first.nip == world.asn_b.nip and first.link == "/saya"
        assert "baru 19,5 dari target 20 JP; masih kurang 0,5 JP" in first.message
        assert first.title == "JP Anda tahun 2025 belum mencapai target"

        # The default campaign starts in July (inclusive) and ends with the year.
        assert usernames(await run(session, 2025, date(2025, 6, 30), JP)) == []
        assert len(usernames(await run(session, 2025, date(2025, 12, 31), JP))) == 2
        assert usernames(await run(session, 2025, date(2026, 1, 1), JP)) == []

    async def test_suggested_courses_cover_the_gaps_first(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        cpns = await factories.create_asn(session, world.unit_b, employment_type="cpns")
        await factories.create_user(session, cpns.nip, Role.asn, asn=cpns)
        courses = {
            "lead": Course(code="K1", title="Kepemimpinan", form_code="1", starts_on=date(2025, 9, 1)),
            "talk": Course(code="K2", title="Komunikasi Publik", form_code="1", starts_on=date(2025, 8, 1)),
            "change": Course(
                code="K3", title="Manajemen Perubahan", form_code="1", starts_on=date(2025, 10, 1)
            ),
            "off": Course(code="K4", title="Ditutup", form_code="1", active=False),
            "over": Course(code="K5", title="Sudah Lewat", form_code="1", ends_on=date(2025, 6, 1)),
            "any": Course(code="K6", title="Orientasi Umum", form_code="1"),
        }
        session.add_all(courses.values())
        await session.flush()
        mapped = {"lead": ["M1"], "talk": ["M1", "M3"], "change": ["M2"], "off": ["M1"], "over": ["M1"]}
        session.add_all(
            CourseCompetency(course_id=courses[key].id, competency_code=code)
            for key, codes in mapped.items()
            for code in codes
        )
        # asn_b falls short on M1 only: M2 is met and M3 not assessed.
        session.add_all(
            CompetencyStanding(
                nip=world.asn_b.nip,
                competency_code=code,
                unit_id=world.unit_b.id,
                active=True,
                required_level=3,
                actual_level=actual,
            )
            for code, actual in (("M1", 1), ("M2", 3), ("M3", None))
        )
        await session.commit()
        await put_campaigns(
            client,
            as_(settings, world, "bpsdm"),
            2025,
            default_campaign(JP, template_id="Saran: {courses}.", template_en="Suggested: {courses}."),
        )

        by_user = {r.username: r.message for r in (await run(session, 2025, date(2025, 7, 1), JP)).recipients}
        assert by_user[world.asn_b.nip] == "Saran: Komunikasi Publik; Kepemimpinan."
        # Without a gap: any active course still on offer, the soonest first, undated last.
        assert by_user[cpns.nip] == "Saran: Komunikasi Publik; Kepemimpinan; Manajemen Perubahan."
        assert by_user[world.asn_a.nip] == by_user[cpns.nip]


class TestOpdQueueOverdue:
    async def test_admins_whose_subtree_has_a_claim_older_than_the_sla(
        self, world: World, session: AsyncSession
    ) -> None:
        as_of = date(2025, 3, 20)
        # The default SLA is 14 days: filed when 6 March began is exactly 14 days old, not overdue.
        await add_claim(session, world.asn_a, year=2025, filed_at=at(date(2025, 3, 6), hour=0))
        await add_claim(session, world.asn_b, year=2025, filed_at=at(date(2025, 3, 6), hour=0))
        await add_claim(session, world.asn_a1, year=2025, filed_at=at(date(2025, 3, 5), hour=23))
        await add_claim(session, world.asn_b, year=2025, filed_at=at(date(2025, 1, 5)), status="verified")
        await factories.create_user(session, "opd.gone", Role.opd_admin, unit=world.unit_a, active=False)
        await session.commit()

        chosen = await run(session, 2025, as_of, "opd_queue_overdue")
        assert usernames(chosen) == ["opd.a", "opd.a1"]
        assert chosen.recipients[0].message.startswith(
            "1 klaim di Unit DINAS_A menunggu verifikasi lebih dari 14"
        )
        assert "yang tertua sudah 15 hari" in chosen.recipients[0].message

        await add_claim(session, world.asn_a, year=2024, filed_at=at(date(2025, 2, 1)))
        await session.commit()
        chosen = await run(session, 2025, as_of, "opd_queue_overdue")
        assert [(r.username, r.message[:2]) for r in chosen.recipients] == [("opd.a", "2 "), ("opd.a1", "1 ")]
        assert "yang tertua sudah 47 hari" in chosen.recipients[0].message


class TestOpdCompletenessBelow:
    async def test_below_the_threshold_or_fallen_since_the_last_snapshot(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        day = today()
        empty = await factories.create_unit(session, "DINAS_KOSONG")
        await factories.create_user(session, "opd.kosong", Role.opd_admin, unit=empty)
        await session.commit()

        # Nothing recorded yet: both OPDs score far below 80; an OPD without ASN has no score.
        chosen = await run(session, day.year, day, "opd_completeness_below")
        pairs = [(r.username, r.link) for r in chosen.recipients]
        # Each to the page that shows the OPD's completeness: the admin's own, BPSDM's page of that OPD.
        assert pairs == [
            ("opd.a", "/opd/kelengkapan"),
            ("bpsdm", f"/bpsdm/kelengkapan/{world.unit_a.id}"),
            ("opd.b", "/opd/kelengkapan"),
            ("bpsdm", f"/bpsdm/kelengkapan/{world.unit_b.id}"),
        ]
        assert (
            "Unit DINAS_A" in chosen.recipients[1].message and "Unit DINAS_B" in chosen.recipients[3].message
        )

        # A threshold of 1 flags only an OPD whose score fell since the latest snapshot.
        h = as_(settings, world, "bpsdm")
        await put_campaigns(client, h, day.year, default_campaign("opd_completeness_below", threshold=1))
        world.asn_b.phone, world.asn_b.education_level = "+62 811-5400-123", "S1"
        await session.flush()
        await snapshots.take(session, day - timedelta(days=1), "test")
        world.asn_b.education_level = None
        await session.commit()
        chosen = await run(session, day.year, day, "opd_completeness_below")
        assert [r.username for r in chosen.recipients] == ["opd.b", "bpsdm"]
        assert "Skor kelengkapan turun dari" in chosen.recipients[0].reason


class TestAccountInvitation:
    async def test_asn_accounts_not_yet_through_their_first_login(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        day = today()
        gone = await factories.create_asn(session, world.unit_a, active=False)
        fresh = await factories.create_user(session, world.asn_a1.nip, Role.asn, asn=world.asn_a1)
        hidden = await factories.create_user(session, gone.nip, Role.asn, asn=gone)
        closed = await factories.create_user(
            session, world.pppk_a.nip, Role.asn, asn=world.pppk_a, active=False
        )
        admin = await factories.create_user(session, "opd.baru", Role.opd_admin, unit=world.unit_a)
        for user in (fresh, hidden, closed, admin):
            user.must_change_password = True
        await session.commit()

        chosen = await run(session, day.year, day, "account_invitation")
        assert usernames(chosen) == [world.asn_a1.nip]
        assert f"nama pengguna {world.asn_a1.nip}. Masuk di /login" in chosen.recipients[0].message

        # The address people know the SPA by (BANGKOM_PUBLIC_URL), never an address from rule data.
        public = settings.model_copy(update={"public_url": "https://bangkom.test/"})
        chosen = await run(session, day.year, day, "account_invitation", login_url=service.login_url(public))
        assert "Masuk di https://bangkom.test/login dengan" in chosen.recipients[0].message


class TestYearClosing:
    async def test_opd_admins_in_the_days_before_the_closing_date(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        assert usernames(await run(session, 2025, date(2026, 1, 20), "year_closing")) == []  # no date set
        r = await client.put(
            "/api/v1/years/2025/closing",
            json={"claims_close_on": "2026-01-31"},
            headers=as_(settings, world, "bpsdm"),
        )
        assert r.status_code == 201, r.text
        await add_claim(session, world.asn_a, year=2025, filed_at=at(date(2025, 12, 1)))
        for _ in range(2):
            await add_claim(session, world.asn_a1, year=2025, filed_at=at(date(2026, 1, 2)))
        await add_claim(session, world.asn_b, year=2026, filed_at=at(date(2026, 1, 3)))
        await session.commit()

        # The default campaign starts 14 days before the closing date and runs up to it.
        assert usernames(await run(session, 2025, date(2026, 1, 16), "year_closing")) == []
        first = await run(session, 2025, date(2026, 1, 17), "year_closing")
        assert usernames(first) == ["opd.a", "opd.a1", "opd.b"]
        messages = [r.message for r in first.recipients]
        assert messages[0].startswith(
            "Klaim pelatihan tahun 2025 ditutup pada 31 Januari 2026 (14 hari lagi)"
        )
        assert [m.split("Masih ada ")[1][:2] for m in messages] == ["3 ", "2 ", "0 "]
        assert len(usernames(await run(session, 2025, date(2026, 1, 31), "year_closing"))) == 3
        assert usernames(await run(session, 2025, date(2026, 2, 1), "year_closing")) == []


class TestInactiveCampaigns:
    @pytest.mark.parametrize("code", ["asn_below_jp_target", "opd_queue_overdue", "account_invitation"])
    async def test_select_no_one(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession, code: str
    ) -> None:
        day = today()
        await add_claim(session, world.asn_a, year=day.year, filed_at=at(day - timedelta(days=40)))
        world.users["asn_a"].must_change_password = True
        await session.commit()
        campaign = default_campaign(code, from_month=1)
        h = as_(settings, world, "bpsdm")
        await put_campaigns(client, h, day.year, campaign)
        assert (await run(session, day.year, day, code)).selected > 0
        r = await client.put(
            f"/api/v1/reminder-rules/{day.year}",
            json={"campaigns": [campaign | {"active": False}]},
            headers=h | {"If-Match": '"1"'},
        )
        assert r.status_code == 200, r.text
        assert (await run(session, day.year, day, code)).selected == 0


async def test_listing_is_capped_and_the_total_says_so(
    monkeypatch: pytest.MonkeyPatch, world: World, session: AsyncSession
) -> None:
    monkeypatch.setattr(service, "LISTED", 1)
    chosen = await run(session, 2025, date(2025, 7, 1), JP)
    assert chosen.recipients_total == 2 and len(chosen.recipients) == 1
