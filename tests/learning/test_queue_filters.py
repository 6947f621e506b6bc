"""The verification queue as a list to clear: oldest submission first, and its filters."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.core.security import Role
from app.learning.models import LearningRecord
from tests.factories import World, bearer, create_user, principal_of
from tests.http import as_, problem

QUEUE = "/api/v1/verification-queue"
_titles = itertools.count(1)


async def claim(
    client: httpx.AsyncClient,
    session: AsyncSession,
    nip: str,
    headers: dict[str, str],
    *,
    filed: datetime,
    form_code: str = "8",
    year: int = 2026,
    evidence: bool = False,
) -> int:
    """A pending claim filed by the ASN itself, then dated `filed` (as an import or the demo would)."""
    body = {
        "title": f"Bimbingan Teknis Penyusunan Anggaran {next(_titles)}",
        "form_code": form_code,
        "start_date": f"{year}-05-06",
        "end_date": f"{year}-05-07",
        "jp": 4,
    }
    r = await client.post(f"/api/v1/asn/{nip}/learning-records", json=body, headers=headers)
    assert r.status_code == 201, r.text
    record_id: int = r.json()["id"]
    values: dict[str, Any] = {"created_at": filed}
    if evidence:
        values |= {
            "evidence_key": f"{record_id:032x}.pdf",
            "evidence_type": "application/pdf",
            "evidence_size": 1024,
            "evidence_sha256": "0" * 64,
            "evidence_name": "sertifikat.pdf",
        }
    await session.execute(update(LearningRecord).where(LearningRecord.id == record_id).values(**values))
    await session.commit()
    return record_id


@pytest.fixture
async def filed(
    client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
) -> dict[str, int]:
    """Claims whose ids run against their submission times (the newest filed got the smallest id)."""
    user_a1 = await create_user(session, world.asn_a1.nip, Role.asn, asn=world.asn_a1, unit=world.unit_a1)
    await session.commit()
    a, b, a1 = (
        as_(settings, world, "asn_a"),
        as_(settings, world, "asn_b"),
        bearer(settings, principal_of(user_a1)),
    )

    def at(year: int, month: int, day: int) -> datetime:
        return datetime(year, month, day, 3, 0, tzinfo=UTC)

    return {
        # Filed in 2026, made first (smallest id).
        "a_2026": await claim(client, session, world.asn_a.nip, a, filed=at(2026, 3, 1), evidence=True),
        "b_2025": await claim(client, session, world.asn_b.nip, b, filed=at(2025, 8, 1), year=2025),
        "a1_2024": await claim(
            client, session, world.asn_a1.nip, a1, filed=at(2024, 2, 1), year=2024, form_code="9"
        ),
        "a_2025": await claim(
            client, session, world.asn_a.nip, a, filed=at(2025, 1, 15), year=2024, evidence=True
        ),
        # The same second as a_2026: the id decides between them.
        "a1_2026": await claim(client, session, world.asn_a1.nip, a1, filed=at(2026, 3, 1), form_code="9"),
    }


OLDEST_FIRST = ["a1_2024", "a_2025", "b_2025", "a_2026", "a1_2026"]


async def ids(client: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> tuple[list[int], int]:
    r = await client.get(QUEUE, params=params, headers=headers)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["next_cursor"] is None
    return [i["id"] for i in body["items"]], body["total"]


def named(filed: dict[str, int], *names: str) -> list[int]:
    return [filed[n] for n in names]


class TestOrder:
    async def test_oldest_submission_first_not_record_id(
        self, client: httpx.AsyncClient, settings: Settings, world: World, filed: dict[str, int]
    ) -> None:
        got, total = await ids(client, as_(settings, world, "bpsdm"))
        assert (got, total) == (named(filed, *OLDEST_FIRST), 5)

    async def test_items_carry_submission_time_and_evidence(
        self, client: httpx.AsyncClient, settings: Settings, world: World, filed: dict[str, int]
    ) -> None:
        r = await client.get(QUEUE, headers=as_(settings, world, "bpsdm"))
        first, second = r.json()["items"][:2]
        assert first["created_at"].startswith("2024-02-01T03:00:00")
        assert first["evidence"] is None
        assert second["evidence"]["filename"] == "sertifikat.pdf"

    @pytest.mark.parametrize("limit", [1, 2, 3])
    async def test_pages_follow_the_order_across_cursors(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        filed: dict[str, int],
        limit: int,
    ) -> None:
        headers = as_(settings, world, "bpsdm")
        seen: list[int] = []
        cursor: str | None = None
        while True:
            params: dict[str, Any] = {"limit": limit} | ({"cursor": cursor} if cursor else {})
            r = await client.get(QUEUE, params=params, headers=headers)
            assert r.status_code == 200, r.text
            body = r.json()
            assert body["total"] == 5
            seen += [i["id"] for i in body["items"]]
            cursor = body["next_cursor"]
            if cursor is None:
                break
        assert seen == named(filed, *OLDEST_FIRST)

    async def test_cursor_with_filters(
        self, client: httpx.AsyncClient, settings: Settings, world: World, filed: dict[str, int]
    ) -> None:
        headers = as_(settings, world, "opd_a")
        r = await client.get(QUEUE, params={"limit": 1, "form_code": "9"}, headers=headers)
        body = r.json()
        assert ([i["id"] for i in body["items"]], body["total"]) == (named(filed, "a1_2024"), 2)
        r = await client.get(
            QUEUE, params={"limit": 1, "form_code": "9", "cursor": body["next_cursor"]}, headers=headers
        )
        body = r.json()
        assert ([i["id"] for i in body["items"]], body["next_cursor"]) == (named(filed, "a1_2026"), None)

    @pytest.mark.parametrize("cursor", ["WyJub3QtYS10aW1lIiwxXQ", "WzEsMl0", "WyIyMDI2LTAxLTAxIl0"])
    async def test_forged_cursor(
        self, client: httpx.AsyncClient, settings: Settings, world: World, filed: dict[str, int], cursor: str
    ) -> None:
        # ["not-a-time",1], [1,2] and a one-key cursor: each a 422, never a 500.
        r = await client.get(QUEUE, params={"cursor": cursor}, headers=as_(settings, world, "bpsdm"))
        problem(r, 422, "invalid_cursor")


class TestFilters:
    @pytest.mark.parametrize(
        ("params", "expected"),
        [
            ({"form_code": "9"}, ["a1_2024", "a1_2026"]),
            ({"form_code": "8"}, ["a_2025", "b_2025", "a_2026"]),
            ({"form_code": "1"}, []),
            # The activity's year, not the year it was filed: a_2025 was filed in 2025 for a 2024 course.
            ({"year": 2024}, ["a1_2024", "a_2025"]),
            ({"year": 2025}, ["b_2025"]),
            ({"year": 2026}, ["a_2026", "a1_2026"]),
            ({"has_evidence": "true"}, ["a_2025", "a_2026"]),
            ({"has_evidence": "false"}, ["a1_2024", "b_2025", "a1_2026"]),
            ({"form_code": "8", "year": 2024}, ["a_2025"]),
            ({"form_code": "9", "has_evidence": "false", "year": 2026}, ["a1_2026"]),
            ({"year": 2024, "has_evidence": "true", "form_code": "9"}, []),
        ],
    )
    async def test_each_filter_and_combinations(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        filed: dict[str, int],
        params: dict[str, Any],
        expected: list[str],
    ) -> None:
        got, total = await ids(client, as_(settings, world, "bpsdm"), **params)
        assert (got, total) == (named(filed, *expected), len(expected))

    async def test_sub_unit_includes_its_descendants(
        self, client: httpx.AsyncClient, settings: Settings, world: World, filed: dict[str, int]
    ) -> None:
        bpsdm = as_(settings, world, "bpsdm")
        got, _ = await ids(client, bpsdm, unit_id=world.unit_a.id)
        assert got == named(filed, "a1_2024", "a_2025", "a_2026", "a1_2026")
        got, _ = await ids(client, bpsdm, unit_id=world.unit_a1.id, has_evidence="false")
        assert got == named(filed, "a1_2024", "a1_2026")

    @pytest.mark.parametrize(
        ("who", "expected"),
        [
            ("opd_a", ["a1_2024", "a_2025", "a_2026", "a1_2026"]),
            ("opd_a1", ["a1_2024", "a1_2026"]),
            ("opd_b", ["b_2025"]),
            ("auditor", OLDEST_FIRST),
        ],
    )
    async def test_filters_stay_within_scope(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        filed: dict[str, int],
        who: str,
        expected: list[str],
    ) -> None:
        headers = as_(settings, world, who)
        got, _ = await ids(client, headers)
        assert got == named(filed, *expected)
        # A filter that matches claims elsewhere still shows only the caller's own.
        got, _ = await ids(client, headers, year=2025)
        assert got == [i for i in named(filed, *expected) if i == filed["b_2025"]]

    @pytest.mark.parametrize("who", ["opd_a", "opd_a1"])
    async def test_another_units_id_is_not_found(
        self, client: httpx.AsyncClient, settings: Settings, world: World, filed: dict[str, int], who: str
    ) -> None:
        r = await client.get(
            QUEUE,
            params={"unit_id": world.unit_b.id, "has_evidence": "false"},
            headers=as_(settings, world, who),
        )
        problem(r, 404, "unit_not_found")

    async def test_opd_a1_cannot_widen_to_its_parent(
        self, client: httpx.AsyncClient, settings: Settings, world: World, filed: dict[str, int]
    ) -> None:
        r = await client.get(
            QUEUE, params={"unit_id": world.unit_a.id}, headers=as_(settings, world, "opd_a1")
        )
        problem(r, 404, "unit_not_found")

    @pytest.mark.parametrize(
        ("params", "code"),
        [
            ({"form_code": "99"}, "unknown_form_code"),
            ({"form_code": "12345"}, "validation_error"),
            ({"year": 1800}, "validation_error"),
            ({"year": "dua ribu"}, "validation_error"),
            ({"has_evidence": "mungkin"}, "validation_error"),
            ({"unit_id": 0}, "validation_error"),
        ],
    )
    async def test_invalid_filters_are_422(
        self, client: httpx.AsyncClient, settings: Settings, world: World, params: dict[str, Any], code: str
    ) -> None:
        r = await client.get(QUEUE, params=params, headers=as_(settings, world, "bpsdm"))
        problem(r, 422, code)
