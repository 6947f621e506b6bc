"""A NIP in a display name credits its profile only beside a name like the profile's (issue 13)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from tests.factories import World
from tests.http import as_
from tests.imports.helpers import job_rows, report_rows, run_import
from tests.imports.test_attendance import (
    BUDI,
    RINA,
    SESSION,
    SITI,
    ZOOM_HEADER,
    People,
    add_people,
    csv_bytes,
    zoom_row,
)
from tests.imports.test_attendance_http import records_of

PATH = "attendance"


@pytest.fixture
async def people(session: AsyncSession, world: World) -> People:
    return await add_people(session, world)


def report(*names: str, email: str = "", start: str = "09:00 AM") -> bytes:
    # Quoted: degrees follow a comma.
    return csv_bytes(ZOOM_HEADER + "".join(zoom_row(f'"{name}"', email, start, "10:30 AM") for name in names))


def summary(matched: int = 0, needs_review: int = 0, unmatched: int = 0, below: int = 0) -> dict[str, int]:
    return {
        "matched": matched,
        "unmatched": unmatched,
        "below_threshold": below,
        "needs_review": needs_review,
    }


async def upload(
    client: httpx.AsyncClient, settings: Settings, world: World, content: bytes
) -> dict[str, Any]:
    job = await run_import(client, PATH, content, as_(settings, world, "bpsdm"), data=SESSION)
    assert (job["status"], job["failed"], job["errors"]) == ("succeeded", 0, []), job
    return job


class TestNipAndName:
    async def test_the_profiles_name_beside_its_nip_is_credited(
        self, client: httpx.AsyncClient, settings: Settings, world: World, people: People
    ) -> None:
        job = await upload(
            client, settings, world, report(f"{SITI} - Siti Rahmawati", "Budi (19900101 201503 1 001)")
        )
        assert (job["summary"], job["created"]) == (summary(matched=2), 2)
        headers = as_(settings, world, "bpsdm")
        assert [len(await records_of(client, headers, nip)) for nip in (SITI, BUDI)] == [1, 1]

    async def test_someone_elses_name_beside_a_nip_needs_review_and_credits_nobody(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        people: People,
        session: AsyncSession,
    ) -> None:
        job = await upload(client, settings, world, report(f"{BUDI} Rina Marlina"))
        assert (job["summary"], job["created"]) == (summary(needs_review=1), 0)
        headers = as_(settings, world, "bpsdm")
        assert await records_of(client, headers, BUDI) == []
        assert await records_of(client, headers, RINA) == []
        (line,) = await job_rows(session, job["id"])
        detail = f"the display name does not resemble Budi Santoso, whose NIP {BUDI} it gives; credit it by hand if it is them"
        assert (line.outcome, line.nip, line.name, line.code, line.detail) == (
            "needs_review",
            BUDI,
            f"{BUDI} Rina Marlina",
            None,
            detail,
        )
        assert line.data is not None
        assert (line.data["minutes"], line.data["jp"], line.data["record_id"]) == (90, None, None)
        rows = await report_rows(client, job["id"], headers, fmt="csv")
        assert rows[1][:7] == ["2", BUDI, f"{BUDI} Rina Marlina", "Perlu ditinjau", "", "", detail]

    async def test_titles_and_degrees_on_either_side_do_not_matter(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        people: People,
        session: AsyncSession,
    ) -> None:
        people.budi.name = "H. BUDI SANTOSO, S.E., M.Si."
        await session.commit()
        content = report(
            f"Dr. Hj. Siti Rahmawati, S.Kom., M.Si. ({SITI})",
            f"{BUDI} Budi Santoso S.Kom",
            f"{RINA} Rína Marlína",
        )
        job = await upload(client, settings, world, content)
        assert (job["summary"], job["created"]) == (summary(matched=3), 3)

    async def test_a_shared_degree_or_common_name_alone_is_not_a_resemblance(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        people: People,
        session: AsyncSession,
    ) -> None:
        people.rina.name = "Rina Marlina, S.Kom."
        await session.commit()
        # Siti is a first name of many; Aminah is not Siti Rahmawati.
        job = await upload(
            client, settings, world, report(f"{RINA} Joko Widodo, S.Kom.", f"{SITI} Siti Aminah")
        )
        assert (job["summary"], job["created"]) == (summary(needs_review=2), 0)
        assert [line.nip for line in await job_rows(session, job["id"])] == [RINA, SITI]

    async def test_a_nip_with_no_name_beside_it_needs_review(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        people: People,
        session: AsyncSession,
    ) -> None:
        job = await upload(client, settings, world, report(f"{BUDI} (HP)"))
        assert (job["summary"], job["created"]) == (summary(needs_review=1), 0)
        (line,) = await job_rows(session, job["id"])
        assert line.detail is not None and "no name to check it against" in line.detail


class TestOtherEvidence:
    async def test_the_profile_email_still_identifies_the_person(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        people: People,
        session: AsyncSession,
    ) -> None:
        # Budi signed in with his own email and typed Siti's NIP: the minutes are Budi's.
        job = await upload(
            client, settings, world, report(f"{SITI} Budi Santoso", email="budi.santoso@kaltimprov.go.id")
        )
        assert (job["summary"], job["created"]) == (summary(matched=1), 1)
        headers = as_(settings, world, "bpsdm")
        assert (await records_of(client, headers, SITI), len(await records_of(client, headers, BUDI))) == (
            [],
            1,
        )
        (line,) = await job_rows(session, job["id"])
        assert (line.outcome, line.nip) == ("matched", BUDI)
        assert line.detail is not None and "does not resemble Siti Rahmawati" in line.detail

    async def test_below_the_threshold_there_is_nothing_to_review(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        people: People,
        session: AsyncSession,
    ) -> None:
        job = await upload(client, settings, world, report(f"{BUDI} Rina Marlina", start="10:00 AM"))
        assert (job["summary"], job["created"]) == (summary(below=1), 0)
        (line,) = await job_rows(session, job["id"])
        assert (line.outcome, line.nip) == ("below_threshold", BUDI)
        assert line.detail is not None
        assert line.detail.startswith("attended 30 of 90 minutes") and "does not resemble" in line.detail
