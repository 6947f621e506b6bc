"""Certificates: issuing to credited participants only and once, numbering, the lists and their scope,
the public check (what it shows and never shows), revocation by voiding, and the printable PDF."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

import httpx
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.learning.models import LearningRecord
from app.planning.certificates import numbers
from app.planning.models import Certificate, CourseSession
from tests import factories
from tests.factories import World
from tests.http import as_, audit_rows, problem
from tests.planning.certificates.helpers import course_session, nominate

NUMBER = re.compile(r"^BPSDM-KT-2026-LATSAR-A03-(\d{4})-[" + numbers.ALPHABET + r"]{4}$")
PUBLIC_KEYS = {
    "number",
    "name",
    "course_title",
    "starts_on",
    "ends_on",
    "jp",
    "issued_on",
    "issuer",
    "valid",
    "revoked",
}


def issue_url(sid: int) -> str:
    return f"/api/v1/course-sessions/{sid}/certificates"


async def credited_session(session: AsyncSession, world: World) -> CourseSession:
    """A session with three credited participants (two of OPD A, one of OPD B) and one who was not."""
    cs = await course_session(session, code="Latsar", title="Pelatihan Dasar CPNS", batch=3)
    for asn in (world.asn_a, world.asn_a1, world.asn_b):
        await nominate(session, cs, asn)
    await nominate(session, cs, world.pppk_a, credited=False)
    await session.commit()
    return cs


async def issue(client: httpx.AsyncClient, settings: Settings, world: World, sid: int) -> dict[str, Any]:
    r = await client.post(issue_url(sid), headers=as_(settings, world, "bpsdm"))
    assert r.status_code == 200, r.text
    data: dict[str, Any] = r.json()
    return data


async def void(client: httpx.AsyncClient, settings: Settings, world: World, record_id: int) -> None:
    r = await client.post(
        f"/api/v1/learning-records/{record_id}/void",
        json={"reason": "Tidak hadir penuh"},
        headers=as_(settings, world, "bpsdm"),
    )
    assert r.status_code == 200, r.text


class TestIssue:
    async def test_credited_participants_get_sequential_unique_numbers(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        cs = await credited_session(session, world)
        data = await issue(client, settings, world, cs.id)
        assert data["already_issued"] == 0
        # In the order of the holders' names; the uncredited nominee gets none.
        assert [(c["name"], c["nip"]) for c in data["issued"]] == [
            ("Budi Santoso", world.asn_a1.nip),
            ("Siti Rahmawati", world.asn_a.nip),
            ("Yohanes Lawing", world.asn_b.nip),
        ]
        sequences = [int(NUMBER.fullmatch(c["number"]).group(1)) for c in data["issued"]]  # type: ignore[union-attr]
        assert sequences == [1, 2, 3]
        assert len({c["number"] for c in data["issued"]}) == 3
        stored = (
            await session.execute(
                select(Certificate.sequence, Certificate.nip, Certificate.issued_by)
                .where(Certificate.session_id == cs.id)
                .order_by(Certificate.sequence)
            )
        ).all()
        assert stored == [
            (1, world.asn_a1.nip, "bpsdm"),
            (2, world.asn_a.nip, "bpsdm"),
            (3, world.asn_b.nip, "bpsdm"),
        ]
        # The learning records are left as they are (the ledger is append-only): linked by record_id.
        records = (
            await session.execute(
                select(LearningRecord.certificate_number).where(LearningRecord.nip == world.asn_a.nip)
            )
        ).scalars()
        assert list(records) == [None]

        [entry] = await audit_rows(session, "certificate", cs.id)
        assert (entry.action, entry.actor, entry.role) == ("issue", "bpsdm", "bpsdm_admin")
        assert entry.after == {"numbers": [c["number"] for c in data["issued"]], "already_issued": 0}

    async def test_sending_it_again_issues_nothing_and_a_late_credit_numbers_on(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        cs = await credited_session(session, world)
        first = await issue(client, settings, world, cs.id)
        again = await issue(client, settings, world, cs.id)
        assert again == {"issued": [], "already_issued": 3}
        assert len(await audit_rows(session, "certificate", cs.id)) == 1  # nothing written, nothing audited

        # A participant credited afterwards gets the next number; nobody else a second one.
        extra = await factories.create_asn(
            session, world.unit_a, name="Citra Lestari", birth=date(1990, 2, 2)
        )
        await nominate(session, cs, extra)
        await session.commit()
        third = await issue(client, settings, world, cs.id)
        assert third["already_issued"] == 3
        [new] = third["issued"]
        assert new["nip"] == extra.nip
        assert int(NUMBER.fullmatch(new["number"]).group(1)) == 4  # type: ignore[union-attr]
        assert new["number"] not in {c["number"] for c in first["issued"]}

    async def test_a_voided_record_gets_no_certificate(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        cs = await course_session(session)
        voided = await nominate(session, cs, world.asn_a)
        await nominate(session, cs, world.asn_b)
        await session.commit()
        assert voided.record_id is not None
        await void(client, settings, world, voided.record_id)
        data = await issue(client, settings, world, cs.id)
        assert [c["nip"] for c in data["issued"]] == [world.asn_b.nip]

    async def test_nobody_credited_issues_nothing(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        cs = await course_session(session)
        await nominate(session, cs, world.asn_a, credited=False)
        await session.commit()
        assert await issue(client, settings, world, cs.id) == {"issued": [], "already_issued": 0}
        assert await audit_rows(session, "certificate", cs.id) == []

    async def test_unknown_session_is_404_in_both_languages(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await client.post(issue_url(999_999), headers=as_(settings, world, "bpsdm"))
        assert problem(r, 404, "course_session_not_found")["detail"] == "No course session with id 999999"
        r = await client.post(
            issue_url(999_999), headers=as_(settings, world, "bpsdm") | {"Accept-Language": "id"}
        )
        body = problem(r, 404, "course_session_not_found")
        assert body["detail"] == "Angkatan pelatihan dengan id 999999 tidak ditemukan"
        assert body["title"] == "Angkatan pelatihan tidak ditemukan"

    async def test_only_bpsdm_issues(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        cs = await credited_session(session, world)
        for who in ("opd_a", "auditor", "asn_a"):
            problem(await client.post(issue_url(cs.id), headers=as_(settings, world, who)), 403, "forbidden")
        assert (await client.post(issue_url(cs.id))).status_code == 401

    async def test_idempotency_key_replays_the_first_answer(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        cs = await credited_session(session, world)
        h = as_(settings, world, "bpsdm") | {"Idempotency-Key": "issue-once"}
        first = await client.post(issue_url(cs.id), headers=h)
        second = await client.post(issue_url(cs.id), headers=h)
        assert second.headers.get("idempotent-replayed") == "true"
        assert second.json() == first.json()
        assert len(first.json()["issued"]) == 3


class TestLists:
    async def test_session_list_in_sequence_order_with_pages(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        cs = await credited_session(session, world)
        issued = (await issue(client, settings, world, cs.id))["issued"]
        h = as_(settings, world, "auditor")
        r = await client.get(issue_url(cs.id), params={"limit": 2}, headers=h)
        assert r.status_code == 200, r.text
        page = r.json()
        assert page["total"] == 3 and page["next_cursor"]
        r = await client.get(issue_url(cs.id), params={"limit": 2, "cursor": page["next_cursor"]}, headers=h)
        items = page["items"] + r.json()["items"]
        assert r.json()["next_cursor"] is None
        assert [i["number"] for i in items] == [c["number"] for c in issued]
        first = items[0]
        assert first | {"issued_at": None, "record_id": None, "course_id": None, "session_id": None} == {
            "number": issued[0]["number"],
            "session_id": None,
            "sequence": 1,
            "nip": world.asn_a1.nip,
            "name": "Budi Santoso",
            "course_id": None,
            "course_code": "Latsar",
            "course_title": "Pelatihan Dasar CPNS",
            "batch": 3,
            "starts_on": "2026-03-02",
            "ends_on": "2026-03-06",
            "jp": 40,
            "record_id": None,
            "issued_by": "bpsdm",
            "issued_at": None,
            "issued_on": first["issued_on"],
            "revoked": False,
        }

    async def test_opd_admins_see_their_own_units_participants(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        cs = await credited_session(session, world)
        await issue(client, settings, world, cs.id)

        async def nips(who: str) -> list[str]:
            r = await client.get(issue_url(cs.id), headers=as_(settings, world, who))
            assert r.status_code == 200, r.text
            return [i["nip"] for i in r.json()["items"]]

        assert await nips("opd_a") == [world.asn_a1.nip, world.asn_a.nip]
        assert await nips("opd_a1") == [world.asn_a1.nip]
        assert await nips("opd_b") == [world.asn_b.nip]
        problem(await client.get(issue_url(cs.id), headers=as_(settings, world, "asn_a")), 403, "forbidden")
        problem(
            await client.get(issue_url(999_999), headers=as_(settings, world, "opd_a")),
            404,
            "course_session_not_found",
        )

    async def test_asn_list_for_whoever_may_read_the_asn(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        cs = await credited_session(session, world)
        issued = {c["nip"]: c["number"] for c in (await issue(client, settings, world, cs.id))["issued"]}
        url = f"/api/v1/asn/{world.asn_a.nip}/certificates"
        for who in ("asn_a", "opd_a", "bpsdm", "auditor"):
            r = await client.get(url, headers=as_(settings, world, who))
            assert r.status_code == 200, (who, r.text)
            assert [i["number"] for i in r.json()["items"]] == [issued[world.asn_a.nip]]
        for who in ("asn_b", "opd_b", "opd_a1"):
            problem(await client.get(url, headers=as_(settings, world, who)), 404, "asn_not_found")


class TestPublicCheck:
    async def test_shows_name_course_dates_and_jp_only_without_a_login(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        world.asn_a.phone = "081234567890"
        cs = await credited_session(session, world)
        number = next(
            c["number"]
            for c in (await issue(client, settings, world, cs.id))["issued"]
            if c["nip"] == world.asn_a.nip
        )
        r = await client.get(f"/api/v1/public/certificates/{number}")
        assert r.status_code == 200, r.text
        data = r.json()
        assert set(data) == PUBLIC_KEYS
        assert data == {
            "number": number,
            "name": "Siti Rahmawati",
            "course_title": "Pelatihan Dasar CPNS",
            "starts_on": "2026-03-02",
            "ends_on": "2026-03-06",
            "jp": 40,
            "issued_on": data["issued_on"],
            "issuer": "BPSDM Provinsi Kalimantan Timur",
            "valid": True,
            "revoked": False,
        }
        asn = world.asn_a
        for secret in (asn.nip, asn.nip[:8], asn.email, asn.phone, asn.birth_date.isoformat()):
            assert secret and secret not in r.text, secret

    async def test_case_and_spaces_do_not_matter(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        cs = await credited_session(session, world)
        number = (await issue(client, settings, world, cs.id))["issued"][0]["number"]
        r = await client.get(f"/api/v1/public/certificates/{number.lower()}%20")
        assert r.status_code == 200, r.text
        assert r.json()["number"] == number

    async def test_unknown_number_is_404(self, client: httpx.AsyncClient) -> None:
        for number in ("BPSDM-KT-2026-LATSAR-A01-0001-ZZZZ", "not a number!", "x" * 100):
            problem(await client.get(f"/api/v1/public/certificates/{number}"), 404, "certificate_not_found")
        r = await client.get("/api/v1/public/certificates/ABC", headers={"Accept-Language": "id"})
        assert (
            problem(r, 404, "certificate_not_found")["detail"]
            == "Sertifikat dengan nomor ABC tidak ditemukan"
        )

    async def test_voided_record_revokes_the_certificate(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        cs = await credited_session(session, world)
        cert = next(
            c for c in (await issue(client, settings, world, cs.id))["issued"] if c["nip"] == world.asn_a.nip
        )
        record_id = (
            await session.execute(select(Certificate.record_id).where(Certificate.number == cert["number"]))
        ).scalar_one()
        await void(client, settings, world, record_id)
        data = (await client.get(f"/api/v1/public/certificates/{cert['number']}")).json()
        assert (data["valid"], data["revoked"], data["name"]) == (False, True, "Siti Rahmawati")
        listed = (await client.get(issue_url(cs.id), headers=as_(settings, world, "bpsdm"))).json()["items"]
        assert [i["revoked"] for i in listed if i["nip"] == world.asn_a.nip] == [True]
        # Issuing again does not replace it.
        assert (await issue(client, settings, world, cs.id)) == {"issued": [], "already_issued": 3}


def pdf_text(r: httpx.Response) -> tuple[PdfReader, str]:
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    doc = PdfReader(io.BytesIO(r.content))
    return doc, " ".join(" ".join(page.extract_text().split()) for page in doc.pages)


class TestPdf:
    async def test_the_holder_prints_it_with_a_qr_code_of_the_public_check(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        cs = await credited_session(session, world)
        cert = next(
            c for c in (await issue(client, settings, world, cs.id))["issued"] if c["nip"] == world.asn_a.nip
        )
        r = await client.get(
            f"/api/v1/certificates/{cert['number']}/pdf", headers=as_(settings, world, "asn_a")
        )
        doc, text = pdf_text(r)
        assert f'filename="sertifikat-{cert["number"]}.pdf"' in r.headers["content-disposition"]
        assert len(doc.pages) == 1
        page = doc.pages[0]
        assert float(page.mediabox.width) > float(page.mediabox.height)  # landscape
        for expected in (
            "SERTIFIKAT",
            "PEMERINTAH PROVINSI KALIMANTAN TIMUR",
            "BADAN PENGEMBANGAN SUMBER DAYA MANUSIA",
            cert["number"],
            "Siti Rahmawati",
            f"NIP. {world.asn_a.nip}",
            "Pelatihan Dasar CPNS",
            "Angkatan 3",
            "2 Maret 2026 s.d. 6 Maret 2026",
            "40 Jam Pelajaran (JP)",
            f"http://testserver/sertifikat/{cert['number']}",
        ):
            assert expected in text, (expected, text)
        assert len(page.images) == 1  # the QR code

    async def test_scope_and_revocation(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        cs = await credited_session(session, world)
        cert = next(
            c for c in (await issue(client, settings, world, cs.id))["issued"] if c["nip"] == world.asn_a.nip
        )
        url = f"/api/v1/certificates/{cert['number']}/pdf"
        for who in ("opd_a", "bpsdm", "auditor"):
            pdf_text(await client.get(url, headers=as_(settings, world, who)))
        for who in ("asn_b", "opd_b", "opd_a1"):
            problem(await client.get(url, headers=as_(settings, world, who)), 404, "certificate_not_found")
        assert (await client.get(url)).status_code == 401
        problem(
            await client.get("/api/v1/certificates/NOPE/pdf", headers=as_(settings, world, "bpsdm")),
            404,
            "certificate_not_found",
        )
        record_id = (
            await session.execute(select(Certificate.record_id).where(Certificate.number == cert["number"]))
        ).scalar_one()
        await void(client, settings, world, record_id)
        problem(await client.get(url, headers=as_(settings, world, "asn_a")), 409, "certificate_revoked")

    async def test_the_qr_code_leads_to_the_public_url_when_one_is_set(
        self,
        own_app: Any,
        own_client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        session: AsyncSession,
    ) -> None:
        own_app.state.settings = settings.model_copy(
            update={"public_url": "https://bangkom.kaltimprov.go.id/"}
        )
        cs = await credited_session(session, world)
        r = await own_client.post(issue_url(cs.id), headers=as_(settings, world, "bpsdm"))
        number = r.json()["issued"][0]["number"]
        _, text = pdf_text(
            await own_client.get(f"/api/v1/certificates/{number}/pdf", headers=as_(settings, world, "bpsdm"))
        )
        assert f"https://bangkom.kaltimprov.go.id/sertifikat/{number}" in text
