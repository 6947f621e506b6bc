"""A claim filed with its evidence in one request: both checked before anything is stored."""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.audit import AuditEntry
from app.core.config import Settings
from app.learning.evidence.service import MAX_EVIDENCE_BYTES
from app.learning.models import LearningRecord
from tests.factories import World
from tests.http import as_, audit_rows, problem
from tests.learning.helpers import body, events

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def path(nip: str) -> str:
    return f"/api/v1/asn/{nip}/learning-records/with-evidence"


async def file_claim(
    client: httpx.AsyncClient,
    nip: str,
    headers: dict[str, str],
    record: dict[str, Any] | str,
    content: bytes,
    filename: str = "sertifikat.pdf",
    content_type: str = "application/pdf",
) -> httpx.Response:
    text = record if isinstance(record, str) else json.dumps(record)
    return await client.post(
        path(nip),
        data={"record": text},
        files={"file": (filename, content, content_type)},
        headers=headers,
    )


async def counts(session: AsyncSession) -> tuple[int, int]:
    """Learning records and their audit rows, re-counted."""
    records = (await session.execute(select(func.count()).select_from(LearningRecord))).scalar_one()
    audits = (
        await session.execute(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.entity == "learning_record")
        )
    ).scalar_one()
    return records, audits


def unique_pdf() -> bytes:
    return PDF + os.urandom(16)


class TestFiling:
    async def test_claim_and_file_are_stored_together(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        data = unique_pdf()
        r = await file_claim(client, world.asn_a.nip, as_(settings, world, "asn_a"), body(), data)
        assert r.status_code == 201, r.text
        record = r.json()
        assert record["status"] == "pending"
        assert record["evidence"] == {
            "content_type": "application/pdf",
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
            "filename": "sertifikat.pdf",
        }
        assert r.headers["location"] == f"/api/v1/learning-records/{record['id']}"
        assert r.headers["etag"]
        actions = [a.action for a in await audit_rows(session, "learning_record", record["id"])]
        assert actions == ["create", "evidence_upload"]
        assert [e.action for e in await events(session, record["id"])] == ["created", "evidence_uploaded"]
        download = await client.get(
            f"/api/v1/learning-records/{record['id']}/evidence", headers=as_(settings, world, "asn_a")
        )
        assert download.content == data

    @pytest.mark.parametrize(
        ("content", "filename", "status", "code"),
        [
            (b"MZ\x90\x00 this is an executable", "sertifikat.pdf", 415, "unsupported_evidence_type"),
            (b"not really a pdf", "sertifikat.pdf", 415, "unsupported_evidence_type"),
            (b"", "sertifikat.pdf", 422, "evidence_empty"),
            (b"%PDF-1.7\n" + bytes(MAX_EVIDENCE_BYTES), "besar.pdf", 413, "evidence_too_large"),
        ],
    )
    async def test_a_bad_file_stores_nothing(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        session: AsyncSession,
        content: bytes,
        filename: str,
        status: int,
        code: str,
    ) -> None:
        before = await counts(session)
        r = await file_claim(
            client, world.asn_a.nip, as_(settings, world, "asn_a"), body(), content, filename
        )
        problem(r, status, code)
        assert await counts(session) == before

    async def test_a_bad_record_stores_nothing_and_names_the_field(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        before = await counts(session)
        h = as_(settings, world, "asn_a")
        r = await file_claim(client, world.asn_a.nip, h, body(title=""), unique_pdf())
        data = problem(r, 422, "validation_error")
        assert data["errors"][0]["loc"] == ["body", "record", "title"]
        problem(
            await file_claim(client, world.asn_a.nip, h, "{not json", unique_pdf()), 422, "validation_error"
        )
        # A rule of the ledger (the record ends in the future) is refused before the file is stored.
        r = await file_claim(client, world.asn_a.nip, h, body(end_date="2999-01-01"), unique_pdf())
        assert r.status_code == 422, r.text
        assert await counts(session) == before

    async def test_admin_files_a_verified_record_with_its_file(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await file_claim(client, world.asn_a1.nip, as_(settings, world, "opd_a"), body(), unique_pdf())
        assert r.status_code == 201, r.text
        assert r.json()["status"] == "verified"
        assert r.json()["evidence"]["content_type"] == "application/pdf"


class TestIdempotency:
    async def test_a_retry_with_the_same_key_replays_the_first_response(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        h = as_(settings, world, "asn_a") | {"Idempotency-Key": "klaim-berkas-1"}
        record, data = body(), unique_pdf()
        first = await file_claim(client, world.asn_a.nip, h, record, data)
        assert first.status_code == 201, first.text
        after_first = await counts(session)
        # httpx picks a new multipart boundary for each request, as a browser does on a retry.
        again = await file_claim(client, world.asn_a.nip, h, record, data)
        assert again.status_code == 201
        assert again.headers["idempotent-replayed"] == "true"
        assert again.json() == first.json()
        assert await counts(session) == after_first
        other = await file_claim(client, world.asn_a.nip, h, record, unique_pdf())
        problem(other, 422, "idempotency_key_reused")

    async def test_a_refused_file_does_not_spend_the_key(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "asn_a") | {"Idempotency-Key": "klaim-berkas-2"}
        record = body()
        problem(
            await file_claim(client, world.asn_a.nip, h, record, b"bukan pdf"),
            415,
            "unsupported_evidence_type",
        )
        fixed = await file_claim(client, world.asn_a.nip, h, record, unique_pdf())
        assert fixed.status_code == 201, fixed.text


class TestScope:
    @pytest.mark.parametrize(
        ("who", "target"),
        [("asn_a", "asn_b"), ("asn_a", "asn_a1"), ("opd_a", "asn_b"), ("opd_a1", "asn_a")],
    )
    async def test_out_of_scope_is_404_and_stores_nothing(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        session: AsyncSession,
        who: str,
        target: str,
    ) -> None:
        before = await counts(session)
        nip = getattr(world, target).nip
        r = await file_claim(client, nip, as_(settings, world, who), body(), unique_pdf())
        assert r.status_code == 404, r.text
        assert await counts(session) == before

    async def test_opd_admin_files_within_its_units(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await file_claim(client, world.asn_a.nip, as_(settings, world, "opd_a"), body(), unique_pdf())
        assert r.status_code == 201, r.text

    async def test_a_client_without_the_write_scope_is_refused(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await file_claim(
            client, world.asn_a.nip, as_(settings, world, "client:learning:read"), body(), unique_pdf()
        )
        assert r.status_code == 403, r.text
