"""Evidence files: sniffed types, the 5 MB limit, generated storage names, who may upload and download."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.config import Settings
from app.learning.evidence import service as evidence
from app.learning.models import LearningRecord
from tests.factories import World, bearer, client_principal
from tests.http import as_, audit_rows, problem
from tests.learning.helpers import create, events

RECORDS = "/api/v1/learning-records"
MB5 = 5 * 1024 * 1024
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(17)
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(20) + b"\xff\xd9"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(54) + b"This program cannot be run in DOS mode."


def unique(content: bytes) -> bytes:
    """The same kind of file with different bytes, so no other test shares its stored copy."""
    return content + os.urandom(16)


def root(settings: Settings) -> Path:
    return settings.data_dir / "evidence"


async def upload(
    client: httpx.AsyncClient,
    record_id: int,
    headers: dict[str, str],
    content: bytes = PDF,
    filename: str = "sertifikat.pdf",
    content_type: str = "application/pdf",
) -> httpx.Response:
    return await client.post(
        f"{RECORDS}/{record_id}/evidence", files={"file": (filename, content, content_type)}, headers=headers
    )


async def stored(session: AsyncSession, record_id: int) -> LearningRecord:
    row = await session.execute(
        select(LearningRecord).where(LearningRecord.id == record_id).execution_options(populate_existing=True)
    )
    return row.scalar_one()


async def claim(client: httpx.AsyncClient, settings: Settings, world: World) -> dict[str, Any]:
    """A pending claim of asn_a, entered by asn_a."""
    return await create(client, world.asn_a.nip, as_(settings, world, "asn_a"))


class TestSniffing:
    @pytest.mark.parametrize(
        ("content", "filename", "declared", "expected"),
        [
            (PDF, "sertifikat.pdf", "application/pdf", "application/pdf"),
            (PNG, "scan.png", "image/png", "image/png"),
            (JPEG, "foto.jpg", "image/jpeg", "image/jpeg"),
            (PNG, "x.pdf", "application/pdf", "image/png"),  # the name lies
            (PDF, "scan.png", "image/png", "application/pdf"),  # the declared type lies
            (JPEG, "evidence", "application/octet-stream", "image/jpeg"),
            (JPEG, "sertifikat.exe", "application/x-msdownload", "image/jpeg"),
        ],
    )
    async def test_type_comes_from_the_content(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        content: bytes,
        filename: str,
        declared: str,
        expected: str,
    ) -> None:
        record = await claim(client, settings, world)
        data = unique(content)
        r = await upload(client, record["id"], as_(settings, world, "asn_a"), data, filename, declared)
        assert r.status_code == 200, r.text
        assert r.json()["evidence"] == {
            "content_type": expected,
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
            "filename": filename,
        }
        download = await client.get(
            f"{RECORDS}/{record['id']}/evidence", headers=as_(settings, world, "asn_a")
        )
        assert download.status_code == 200
        assert download.headers["content-type"] == expected
        assert download.content == data

    @pytest.mark.parametrize(
        ("content", "filename", "declared"),
        [
            (EXE, "sertifikat.pdf", "application/pdf"),
            (b"<html><script>alert(1)</script></html>", "scan.png", "image/png"),
            (b'<svg xmlns="http://www.w3.org/2000/svg"/>', "scan.png", "image/png"),
            (b"GIF89a\x01\x00\x01\x00", "scan.jpg", "image/jpeg"),
            (b" %PDF-1.7\n", "sertifikat.pdf", "application/pdf"),  # the signature must open the file
            (b"PK\x03\x04" + bytes(30), "sertifikat.pdf", "application/pdf"),
            (b"%PD", "sertifikat.pdf", "application/pdf"),
        ],
    )
    async def test_other_content_is_refused(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        session: AsyncSession,
        content: bytes,
        filename: str,
        declared: str,
    ) -> None:
        record = await claim(client, settings, world)
        r = await upload(client, record["id"], as_(settings, world, "asn_a"), content, filename, declared)
        problem(r, 415, "unsupported_evidence_type")
        assert (await stored(session, record["id"])).evidence_key is None
        assert await events(session, record["id"]) and all(
            e.action != "evidence_uploaded" for e in await events(session, record["id"])
        )

    async def test_empty_file(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        record = await claim(client, settings, world)
        r = await upload(client, record["id"], as_(settings, world, "asn_a"), b"")
        problem(r, 422, "evidence_empty")

    async def test_missing_file_field(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        record = await claim(client, settings, world)
        h = as_(settings, world, "asn_a")
        url = f"{RECORDS}/{record['id']}/evidence"
        problem(
            await client.post(url, files={"certificate": ("a.pdf", PDF, "application/pdf")}, headers=h),
            422,
            "validation_error",
        )
        problem(await client.post(url, data={"file": "%PDF-1.7"}, headers=h), 422, "validation_error")
        problem(await client.post(url, json={"file": "%PDF-1.7"}, headers=h), 422, "validation_error")


class TestSize:
    async def test_exactly_5_mb_is_accepted(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        record = await claim(client, settings, world)
        data = b"%PDF-" + os.urandom(16) + bytes(MB5 - 21)
        assert len(data) == MB5
        r = await upload(client, record["id"], as_(settings, world, "asn_a"), data)
        assert r.status_code == 200, r.text
        assert r.json()["evidence"]["size"] == MB5
        download = await client.get(
            f"{RECORDS}/{record['id']}/evidence", headers=as_(settings, world, "asn_a")
        )
        assert hashlib.sha256(download.content).hexdigest() == hashlib.sha256(data).hexdigest()

    async def test_one_byte_more_is_too_large(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        record = await claim(client, settings, world)
        r = await upload(client, record["id"], as_(settings, world, "asn_a"), b"%PDF-" + bytes(MB5 - 4))
        body = problem(r, 413, "evidence_too_large")
        assert str(MB5) in body["detail"]
        assert (await stored(session, record["id"])).evidence_key is None

    async def test_bodies_far_over_the_limit_are_cut_off_before_parsing(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        record = await claim(client, settings, world)
        r = await upload(
            client, record["id"], as_(settings, world, "asn_a"), b"%PDF-" + bytes(7 * 1024 * 1024)
        )
        problem(r, 413, "payload_too_large")


class TestStorage:
    @pytest.mark.parametrize(
        ("filename", "kept"),
        [
            ("../../etc/passwd", "passwd"),
            ("/etc/passwd", "passwd"),
            ("..\\..\\Windows\\System32\\sertifikat.pdf", "sertifikat.pdf"),
            ("..", None),
            ("sertifikat\u202efdp.exe", "sertifikatfdp.exe"),  # a right-to-left override is dropped
            ("  Sertifikat   Latsar  .pdf  ", "Sertifikat Latsar .pdf"),
        ],
    )
    async def test_the_path_is_generated_whatever_the_name(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        session: AsyncSession,
        filename: str,
        kept: str | None,
    ) -> None:
        record = await claim(client, settings, world)
        data = unique(PDF)
        r = await upload(client, record["id"], as_(settings, world, "asn_a"), data, filename)
        assert r.status_code == 200, r.text
        assert r.json()["evidence"]["filename"] == kept
        sha = hashlib.sha256(data).hexdigest()
        row = await stored(session, record["id"])
        assert row.evidence_key == f"{sha[:2]}/{sha[2:4]}/{sha}"
        path = root(settings) / row.evidence_key
        assert path.resolve().is_relative_to(root(settings).resolve())
        assert path.read_bytes() == data
        assert not any(p.name == "passwd" for p in settings.data_dir.rglob("*"))
        assert not (root(settings).parent.parent / "etc" / "passwd").exists()
        assert list((root(settings) / "tmp").iterdir()) == []  # no temporary file left behind

    async def test_long_names_are_cut_to_200_characters(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        record = await claim(client, settings, world)
        r = await upload(client, record["id"], as_(settings, world, "asn_a"), PDF, "a" * 300 + ".pdf")
        assert r.status_code == 200, r.text
        assert r.json()["evidence"]["filename"] == "a" * 200

    async def test_reupload_replaces_the_reference_and_keeps_the_old_file(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        record = await claim(client, settings, world)
        h = as_(settings, world, "asn_a")
        first, second = unique(PDF), unique(PNG)
        r1 = await upload(client, record["id"], h, first, "lama.pdf")
        assert r1.status_code == 200, r1.text
        old_key = (await stored(session, record["id"])).evidence_key
        assert old_key is not None
        r2 = await upload(client, record["id"], h, second, "baru.png", "image/png")
        assert r2.status_code == 200, r2.text
        assert r2.json()["evidence"]["sha256"] == hashlib.sha256(second).hexdigest()
        assert r2.json()["evidence"]["filename"] == "baru.png"
        assert (root(settings) / old_key).read_bytes() == first
        download = await client.get(f"{RECORDS}/{record['id']}/evidence", headers=h)
        assert download.content == second

    async def test_evidence_dir_setting(self, tmp_path: Path) -> None:
        common: dict[str, Any] = {"database_url": "sqlite+aiosqlite:///:memory:", "data_dir": tmp_path}
        assert evidence.evidence_root(Settings(**common)) == tmp_path / "evidence"
        assert (
            evidence.evidence_root(Settings(**common, evidence_dir=tmp_path / "bukti")) == tmp_path / "bukti"
        )


class TestWhoMayUpload:
    @pytest.mark.parametrize(
        ("who", "status"),
        [
            ("asn_a", 200),
            ("opd_a", 200),
            ("bpsdm", 200),
            ("opd_a1", 404),  # the parent unit's ASN is out of reach
            ("opd_b", 404),
            ("asn_b", 404),
            ("auditor", 403),
        ],
    )
    async def test_users(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str, status: int
    ) -> None:
        record = await claim(client, settings, world)
        r = await upload(client, record["id"], as_(settings, world, who))
        if status == 200:
            assert r.status_code == 200, r.text
            assert r.json()["evidence"]["content_type"] == "application/pdf"
        elif status == 404:
            problem(r, 404, "learning_record_not_found")
        else:
            problem(r, 403, "forbidden")

    @pytest.mark.parametrize(("scope", "status"), [("learning:write", 200), ("learning:read", 403)])
    async def test_clients(
        self, client: httpx.AsyncClient, settings: Settings, world: World, scope: str, status: int
    ) -> None:
        record = await claim(client, settings, world)
        r = await upload(client, record["id"], bearer(settings, client_principal(scope)))
        assert r.status_code == status, r.text

    async def test_own_verified_record_is_locked_for_the_asn(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        # The file a verifier approved stays the file on record; only an admin may replace it.
        record = await create(client, world.asn_a.nip, as_(settings, world, "bpsdm"))
        assert record["status"] == "verified"
        r = await upload(client, record["id"], as_(settings, world, "asn_a"))
        assert r.status_code == 409, r.text
        assert r.json()["code"] == "invalid_transition"
        r = await upload(client, record["id"], as_(settings, world, "opd_a"))
        assert r.status_code == 200, r.text

    async def test_unknown_record(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        problem(
            await upload(client, 987654321, as_(settings, world, "bpsdm")), 404, "learning_record_not_found"
        )

    async def test_not_for_voided_records(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        record = await claim(client, settings, world)
        h = as_(settings, world, "asn_a")
        r = await client.post(f"{RECORDS}/{record['id']}/void", json={"reason": "Salah input"}, headers=h)
        assert r.status_code == 200, r.text
        problem(await upload(client, record["id"], h), 409, "invalid_transition")
        problem(await upload(client, record["id"], as_(settings, world, "bpsdm")), 409, "invalid_transition")

    async def test_not_for_rejected_records(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        record = await claim(client, settings, world)
        r = await client.post(
            f"{RECORDS}/{record['id']}/verification",
            json={"decision": "reject", "note": "Bukan pelatihan"},
            headers=as_(settings, world, "opd_a"),
        )
        assert r.status_code == 200, r.text
        problem(await upload(client, record["id"], as_(settings, world, "asn_a")), 409, "invalid_transition")


class TestTrail:
    async def test_each_upload_adds_an_event_and_an_audit_row(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        record = await claim(client, settings, world)
        h = as_(settings, world, "asn_a")
        first, second = unique(PDF), unique(JPEG)
        r1 = await upload(client, record["id"], h, first)
        assert r1.headers["etag"] == '"2"'
        r2 = await upload(
            client, record["id"], as_(settings, world, "opd_a"), second, "foto.jpg", "image/jpeg"
        )
        assert r2.headers["etag"] == '"3"'
        info1 = {
            "content_type": "application/pdf",
            "size": len(first),
            "sha256": hashlib.sha256(first).hexdigest(),
        }
        info2 = {
            "content_type": "image/jpeg",
            "size": len(second),
            "sha256": hashlib.sha256(second).hexdigest(),
        }

        uploaded = [e for e in await events(session, record["id"]) if e.action == "evidence_uploaded"]
        assert [(e.actor, e.role, e.from_status, e.to_status) for e in uploaded] == [
            (world.asn_a.nip, "asn", "pending", "pending"),
            ("opd.a", "opd_admin", "pending", "pending"),
        ]
        assert [e.data for e in uploaded] == [info1, info2]

        rows = [
            a
            for a in await audit_rows(session, "learning_record", record["id"])
            if a.action == "evidence_upload"
        ]
        assert [(a.actor, a.before, a.after) for a in rows] == [
            (world.asn_a.nip, None, info1),
            ("opd.a", info1, info2),
        ]
        assert all(a.request_id for a in rows)

        detail = (await client.get(f"{RECORDS}/{record['id']}", headers=h)).json()
        assert [e["action"] for e in detail["history"]] == [
            "created",
            "evidence_uploaded",
            "evidence_uploaded",
        ]
        assert detail["evidence"] == info2 | {"filename": "foto.jpg"}

    async def test_refused_uploads_leave_no_trace(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        record = await claim(client, settings, world)
        h = as_(settings, world, "asn_a")
        problem(await upload(client, record["id"], h, EXE), 415, "unsupported_evidence_type")
        problem(await upload(client, record["id"], h, b""), 422, "evidence_empty")
        assert [a.action for a in await audit_rows(session, "learning_record", record["id"])] == ["create"]
        assert [e.action for e in await events(session, record["id"])] == ["created"]


class TestDownload:
    async def test_headers_and_content(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        record = await claim(client, settings, world)
        data = unique(PDF)
        h = as_(settings, world, "asn_a")
        assert (await upload(client, record["id"], h, data, "Sertifikat Latsar.pdf")).status_code == 200
        r = await client.get(f"{RECORDS}/{record['id']}/evidence", headers=h)
        assert r.status_code == 200
        assert hashlib.sha256(r.content).hexdigest() == hashlib.sha256(data).hexdigest()
        assert r.headers["content-type"] == "application/pdf"
        assert r.headers["content-length"] == str(len(data))
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["cache-control"] == "private, no-store"
        assert r.headers["content-disposition"] == (
            "attachment; filename=\"Sertifikat Latsar.pdf\"; filename*=UTF-8''Sertifikat%20Latsar.pdf"
        )

    @pytest.mark.parametrize(
        ("filename", "content", "declared", "saved_as"),
        [
            ("x.pdf", PNG, "application/pdf", "x.png"),  # saved with the extension its content has
            ("foto.jpeg", JPEG, "image/jpeg", "foto.jpeg"),
            ("scan", JPEG, "image/jpeg", "scan.jpg"),
            ("sertifikat.exe", PDF, "application/pdf", "sertifikat.exe.pdf"),
            ("Sertifikat Pelatihan – Angkatan №3.pdf", PDF, "application/pdf", None),
            ('a";b\\c.pdf', PDF, "application/pdf", "c.pdf"),
            # Clients send a quote as %22 (HTML5 form encoding); it is kept as sent.
            ('laporan "akhir"; final.pdf', PDF, "application/pdf", "laporan %22akhir%22; final.pdf"),
        ],
    )
    async def test_content_disposition(
        self,
        client: httpx.AsyncClient,
        settings: Settings,
        world: World,
        filename: str,
        content: bytes,
        declared: str,
        saved_as: str | None,
    ) -> None:
        record = await claim(client, settings, world)
        h = as_(settings, world, "asn_a")
        assert (await upload(client, record["id"], h, content, filename, declared)).status_code == 200
        disposition = (await client.get(f"{RECORDS}/{record['id']}/evidence", headers=h)).headers[
            "content-disposition"
        ]
        match = re.fullmatch(
            r"attachment; filename=\"([A-Za-z0-9._()\- ]+)\"; filename\*=UTF-8''(\S+)", disposition
        )
        assert match, disposition
        fallback, encoded = match.groups()
        assert encoded == quote(saved_as or filename, safe="")
        assert fallback.endswith(os.path.splitext(saved_as or filename)[1])

    @pytest.mark.parametrize(
        ("who", "status"),
        [
            ("asn_a", 200),
            ("opd_a", 200),
            ("bpsdm", 200),
            ("auditor", 200),
            ("opd_a1", 404),
            ("opd_b", 404),
            ("asn_b", 404),
        ],
    )
    async def test_who_may_download(
        self, client: httpx.AsyncClient, settings: Settings, world: World, who: str, status: int
    ) -> None:
        record = await claim(client, settings, world)
        assert (await upload(client, record["id"], as_(settings, world, "asn_a"))).status_code == 200
        r = await client.get(f"{RECORDS}/{record['id']}/evidence", headers=as_(settings, world, who))
        if status == 200:
            assert r.status_code == 200
            assert r.content == PDF
        else:
            problem(r, 404, "learning_record_not_found")

    @pytest.mark.parametrize(("scope", "status"), [("learning:read", 200), ("asn:read", 403)])
    async def test_clients(
        self, client: httpx.AsyncClient, settings: Settings, world: World, scope: str, status: int
    ) -> None:
        record = await claim(client, settings, world)
        assert (await upload(client, record["id"], as_(settings, world, "asn_a"))).status_code == 200
        r = await client.get(
            f"{RECORDS}/{record['id']}/evidence", headers=bearer(settings, client_principal(scope))
        )
        assert r.status_code == status, r.text

    async def test_no_evidence(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        record = await claim(client, settings, world)
        r = await client.get(f"{RECORDS}/{record['id']}/evidence", headers=as_(settings, world, "asn_a"))
        problem(r, 404, "evidence_not_found")

    async def test_voided_records_keep_their_evidence(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        record = await claim(client, settings, world)
        h = as_(settings, world, "asn_a")
        assert (await upload(client, record["id"], h)).status_code == 200
        assert (
            await client.post(f"{RECORDS}/{record['id']}/void", json={"reason": "Ganda"}, headers=h)
        ).status_code == 200
        r = await client.get(f"{RECORDS}/{record['id']}/evidence", headers=as_(settings, world, "auditor"))
        assert r.status_code == 200
        assert r.content == PDF

    async def test_file_missing_from_storage(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        record = await claim(client, settings, world)
        h = as_(settings, world, "asn_a")
        assert (await upload(client, record["id"], h, unique(PDF))).status_code == 200
        key = (await stored(session, record["id"])).evidence_key
        assert key is not None
        (root(settings) / key).unlink()
        problem(await client.get(f"{RECORDS}/{record['id']}/evidence", headers=h), 404, "evidence_not_found")


class TestOpenApi:
    async def test_both_operations_are_documented(self, client: httpx.AsyncClient) -> None:
        document = (await client.get("/api/v1/openapi.json")).json()
        item = document["paths"]["/api/v1/learning-records/{record_id}/evidence"]
        post, get = item["post"], item["get"]
        assert post["operationId"] == "learning_records_evidence_upload"
        assert get["operationId"] == "learning_records_evidence_download"
        assert post["tags"] == get["tags"] == ["learning"]
        form = post["requestBody"]["content"]["multipart/form-data"]
        name = form["schema"]["$ref"].rsplit("/", 1)[-1]
        body = document["components"]["schemas"][name]
        assert body["required"] == ["file"]
        assert body["properties"]["file"]["type"] == "string"
        assert post["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
            "/RecordRead"
        )
        assert {"401", "403", "404", "409", "413", "415", "422"} <= post["responses"].keys()
        assert {"application/pdf", "image/png", "image/jpeg"} <= set(get["responses"]["200"]["content"])
        assert {"401", "403", "404"} <= get["responses"].keys()
        for op in (post, get):
            for code, response in op["responses"].items():
                if code[0] in "45":
                    assert "application/problem+json" in response["content"], code


class TestHelpers:
    @pytest.mark.parametrize(
        ("head", "expected"),
        [
            (b"%PDF-1.4", "application/pdf"),
            (b"\x89PNG\r\n\x1a\n", "image/png"),
            (b"\xff\xd8\xff\xdb", "image/jpeg"),
            (b"\x89PNG\r\n", None),
            (b"\xff\xd8", None),
            (b"", None),
        ],
    )
    def test_sniff(self, head: bytes, expected: str | None) -> None:
        assert evidence.sniff(head) == expected

    @pytest.mark.parametrize(
        ("name", "clean"),
        [
            (None, None),
            ("", None),
            ("bukti.pdf", "bukti.pdf"),
            ("C:\\Users\\siti\\Desktop\\bukti.pdf", "bukti.pdf"),
            ("a\x00b\r\n.pdf", "ab.pdf"),
            ("...", None),
            (".bashrc", "bashrc"),
            ("Sertifikat Pelatihan – Angkatan №3.pdf", "Sertifikat Pelatihan – Angkatan №3.pdf"),
        ],
    )
    def test_clean_filename(self, name: str | None, clean: str | None) -> None:
        assert evidence.clean_filename(name) == clean

    @pytest.mark.parametrize(
        ("name", "header"),
        [
            ("bukti.pdf", "attachment; filename=\"bukti.pdf\"; filename*=UTF-8''bukti.pdf"),
            ('a"b;c.pdf', "attachment; filename=\"a_b_c.pdf\"; filename*=UTF-8''a%22b%3Bc.pdf"),
            (
                "Ångström.png",
                "attachment; filename=\"Angstrom.png\"; filename*=UTF-8''%C3%85ngstr%C3%B6m.png",
            ),
            ("سند.jpg", "attachment; filename=\"evidence.jpg\"; filename*=UTF-8''%D8%B3%D9%86%D8%AF.jpg"),
        ],
    )
    def test_content_disposition(self, name: str, header: str) -> None:
        assert evidence.content_disposition(name) == header

    def test_keys_are_checked_before_use(self, tmp_path: Path) -> None:
        sha = "ab" * 32
        assert evidence.path_for(tmp_path, f"ab/ab/{sha}") == tmp_path / "ab" / "ab" / sha
        for bad in ("../../etc/passwd", f"ab/ab/{sha}/..", "/etc/passwd", f"AB/ab/{sha}"):
            with pytest.raises(ValueError):
                evidence.path_for(tmp_path, bad)
