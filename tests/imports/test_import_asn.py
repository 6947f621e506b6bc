"""ASN profile imports from CSV and XLSX: exact counts and error lines, re-runs, encodings, bad files."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.core.audit import AuditEntry
from app.core.config import Settings
from app.imports.reading import MAX_UPLOAD_BYTES
from tests.factories import World, make_nip
from tests.http import as_, problem
from tests.imports.helpers import (
    ASN_HEADER,
    count,
    csv_bytes,
    errors_of,
    job_rows,
    run_import,
    upload,
    xlsx_bytes,
)

BPSDM = "bpsdm"


async def stored(session: AsyncSession, nip: str) -> Asn | None:
    stmt = select(Asn).where(Asn.nip == nip).execution_options(populate_existing=True)
    return (await session.execute(stmt)).scalar_one_or_none()


def person(nip: str, world: World, **fields: Any) -> list[Any]:
    values = {
        "nip": nip,
        "name": f"Pegawai {nip[-4:]}",
        "employment_type": "pns",
        "unit_id": world.unit_a.id,
        "golongan": "III/b",
        "email": f"p{nip}@kaltimprov.go.id",
    } | fields
    return [values[h] for h in ASN_HEADER]


class TestCsv:
    async def test_valid_rows_applied_and_each_bad_row_reported(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        nips = [make_nip(gender="female") for _ in range(6)]
        rows = [
            ASN_HEADER,
            person(nips[0], world),  # row 2
            person(nips[1], world, golongan="iii/C"),  # row 3: golongan case is tidied
            person("12345", world),  # row 4: invalid_nip
            person(nips[2], world, golongan="IX"),  # row 5: a PPPK golongan on a PNS
            person(nips[3], world, unit_id=999_999),  # row 6
            person(nips[4], world, email="not-an-email"),  # row 7
            person(nips[0], world, name="Someone Else"),  # row 8: NIP of row 2 again
            person(nips[5], world, name=""),  # row 9: a new profile needs a name
            person(nips[5], world, unit_id="dua"),  # row 10: not a whole number
        ]
        job = await run_import(client, "asn", csv_bytes(rows), as_(settings, world, BPSDM))
        assert job["status"] == "succeeded"
        assert job["kind"] == "asn"
        assert (job["total"], job["processed"]) == (9, 9)
        assert (job["created"], job["updated"], job["unchanged"], job["failed"]) == (2, 0, 0, 7)
        assert errors_of(job) == [
            (4, "invalid_nip", None),
            (5, "invalid_golongan", None),
            (6, "unit_not_found", None),
            (7, "validation_error", "email"),
            (8, "duplicate_in_file", "nip"),
            (9, "validation_error", "name"),
            (10, "validation_error", "unit_id"),
        ]
        by_row = {e["row"]: e for e in job["errors"]}
        assert by_row[8]["nip"] == nips[0] and "row 2" in by_row[8]["detail"]
        assert by_row[7]["name"] == f"Pegawai {nips[4][-4:]}"
        assert "dua" in by_row[10]["detail"]
        assert job["summary"] == {"encoding": "utf-8"}
        created = await stored(session, nips[1])
        assert created is not None
        assert (created.golongan, created.gender, created.birth_date) == (
            "III/c",
            "female",
            date(1985, 3, 14),
        )
        assert created.unit_id == world.unit_a.id and created.active is True
        for nip in nips[2:]:
            assert await stored(session, nip) is None
        assert (await stored(session, nips[0])).name == f"Pegawai {nips[0][-4:]}"  # type: ignore[union-attr]

    async def test_running_the_same_file_again_changes_nothing(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        nips = [make_nip() for _ in range(3)]
        content = csv_bytes([ASN_HEADER, *(person(n, world) for n in nips), person("999", world)])
        headers = as_(settings, world, BPSDM)
        first = await run_import(client, "asn", content, headers)
        assert (first["created"], first["failed"]) == (3, 1)
        asn_audit = await count(session, AuditEntry, AuditEntry.entity == "asn")
        again = await run_import(client, "asn", content, headers)
        assert (again["created"], again["updated"], again["unchanged"], again["failed"]) == (0, 0, 3, 1)
        assert errors_of(again) == errors_of(first) == [(5, "invalid_nip", None)]
        assert await count(session, Asn, Asn.nip.in_(nips)) == 3
        assert await count(session, AuditEntry, AuditEntry.entity == "asn") == asn_audit

    async def test_existing_profiles_are_updated_and_empty_cells_keep_stored_values(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        a = world.asn_a
        content = csv_bytes(
            [
                ["NIP", "Nama", "Jenis Kepegawaian", "ID Unit Kerja", "Golongan", "Email", "ID Jabatan"],
                [a.nip, a.name, "PNS", a.unit_id, "III/d", "", ""],
            ],
            delimiter=";",
            bom=True,
        )
        job = await run_import(client, "asn", content, as_(settings, world, BPSDM))
        assert (job["created"], job["updated"], job["unchanged"], job["failed"]) == (0, 1, 0, 0)
        assert job["summary"] == {"encoding": "utf-8-sig"}
        after = await stored(session, a.nip)
        assert after is not None
        assert after.golongan == "III/d"
        assert after.email == f"asn{a.nip}@kaltimprov.go.id"  # empty cell: kept
        assert after.position_id == world.position_a.id

    async def test_windows_1252_names_survive(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        nip = make_nip()
        content = csv_bytes(
            [ASN_HEADER, person(nip, world, name="Anaïs Pérez-Müller")], delimiter=";", encoding="cp1252"
        )
        with pytest.raises(UnicodeDecodeError):
            content.decode("utf-8")
        job = await run_import(client, "asn", content, as_(settings, world, BPSDM))
        assert (job["created"], job["failed"]) == (1, 0)
        assert job["summary"] == {"encoding": "windows-1252"}
        assert (await stored(session, nip)).name == "Anaïs Pérez-Müller"  # type: ignore[union-attr]

    async def test_utf16_unicode_text_from_excel(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        nip = make_nip()
        content = b"\xff\xfe" + csv_bytes(
            [ASN_HEADER, person(nip, world, name="Ni Wayan Sri Ayu Ś")], delimiter="\t", encoding="utf-16-le"
        )
        job = await run_import(client, "asn", content, as_(settings, world, BPSDM))
        assert (job["created"], job["failed"]) == (1, 0)
        assert job["summary"] == {"encoding": "utf-16"}
        assert (await stored(session, nip)).name == "Ni Wayan Sri Ayu Ś"  # type: ignore[union-attr]

    async def test_unknown_columns_are_ignored_and_listed(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        content = csv_bytes(
            [[*ASN_HEADER, "Keterangan", "Catatan SIMPEG"], [*person(make_nip(), world), "x", "y"]]
        )
        job = await run_import(client, "asn", content, as_(settings, world, BPSDM))
        assert job["created"] == 1
        assert job["summary"]["ignored_columns"] == ["Keterangan", "Catatan SIMPEG"]


class TestXlsx:
    async def test_typed_cells_indonesian_headers_and_a_header_below_blank_rows(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        male = make_nip(gender="male", birth=date(1990, 5, 17))
        female = make_nip(gender="female", birth=date(1988, 11, 2))
        header = [
            "NIP",
            "Nama",
            "Jenis Kepegawaian",
            "ID Unit Kerja",
            "Jenis Kelamin",
            "Tanggal Lahir",
            "Aktif",
        ]
        rows: list[list[Any]] = [
            header,  # row 3
            [male, "Budi Santoso", "pns", world.unit_a1.id, "L", datetime(1990, 5, 17), "Ya"],  # row 4
            [female, "Rina Lestari", "PNS", float(world.unit_b.id), "P", "02/11/1988", False],  # row 5
            [float(male[:-1] + "9"), "Angka", "pns", world.unit_a.id, None, None, None],  # row 6
            [make_nip(gender="female"), "Salah", "pns", world.unit_a.id, "L", None, None],  # row 7
            [make_nip(), "Tanggal", "pns", world.unit_a.id, None, "31/02/1985", None],  # row 8
        ]
        content = xlsx_bytes(rows, blank_rows_before=2)
        job = await run_import(client, "asn", content, as_(settings, world, BPSDM), filename="pegawai.xlsx")
        assert job["status"] == "succeeded" and job["filename"] == "pegawai.xlsx"
        assert (job["total"], job["created"], job["failed"]) == (5, 2, 3)
        assert errors_of(job) == [
            (6, "validation_error", "nip"),
            (7, "nip_mismatch", None),
            (8, "validation_error", "birth_date"),
        ]
        assert "Text" in job["errors"][0]["detail"]
        assert job["summary"] == {}
        budi = await stored(session, male)
        rina = await stored(session, female)
        assert budi is not None and rina is not None
        assert (budi.unit_id, budi.gender, budi.active) == (world.unit_a1.id, "male", True)
        assert (rina.unit_id, rina.birth_date, rina.active) == (world.unit_b.id, date(1988, 11, 2), False)


class TestBadFiles:
    @pytest.mark.parametrize(
        ("content", "code"),
        [
            (b"\x00\x01\x02\x03garbage\xff\xfe\x00" * 20, "unreadable_file"),
            (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "unreadable_file"),
            (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "unreadable_file"),
            (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "unreadable_file"),
            (b"PK\x03\x04" + b"not really a zip" * 4, "unreadable_file"),
            (b"", "empty_file"),
            (b"\r\n  \r\n", "empty_file"),
            (b"nip,name,employment_type,unit_id\r\n", "empty_file"),
            (bytes(range(1, 32)) * 8, "unreadable_file"),
        ],
        ids=["binary", "png", "pdf", "xls", "zip", "empty", "blank", "header-only", "control-characters"],
    )
    async def test_rejected_at_upload(
        self, client: httpx.AsyncClient, settings: Settings, world: World, content: bytes, code: str
    ) -> None:
        r = await upload(client, "asn", content, as_(settings, world, BPSDM))
        problem(r, 422, code)
        listed = await client.get("/api/v1/imports", headers=as_(settings, world, BPSDM))
        assert listed.json()["total"] == 0

    async def test_a_docx_is_not_a_workbook(
        self, client: httpx.AsyncClient, settings: Settings, world: World, tmp_path: Any
    ) -> None:
        import zipfile

        path = tmp_path / "surat.docx"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("word/document.xml", "<document/>")
        r = await upload(client, "asn", path.read_bytes(), as_(settings, world, BPSDM), filename="data.xlsx")
        problem(r, 422, "unreadable_file")

    async def test_missing_columns_are_named(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        content = csv_bytes([["NIP", "Golongan", "Email"], [make_nip(), "III/a", "a@b.go.id"]])
        body = problem(
            await upload(client, "asn", content, as_(settings, world, BPSDM)), 422, "missing_columns"
        )
        assert body["columns"] == ["name", "employment_type", "unit_id"]
        assert "Nama (name)" in body["detail"] and "ID Unit Kerja (unit_id)" in body["detail"]

    async def test_missing_columns_in_xlsx(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        content = xlsx_bytes([["Nama", "Jenis Kepegawaian", "ID Unit Kerja"], ["Budi", "pns", 1]])
        body = problem(
            await upload(client, "asn", content, as_(settings, world, BPSDM)), 422, "missing_columns"
        )
        assert body["columns"] == ["nip"]

    async def test_two_columns_for_one_field(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        content = csv_bytes([[*ASN_HEADER, "Nama"], [*person(make_nip(), world), "x"]])
        problem(await upload(client, "asn", content, as_(settings, world, BPSDM)), 422, "duplicate_columns")

    async def test_empty_workbook(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        r = await upload(client, "asn", xlsx_bytes([]), as_(settings, world, BPSDM))
        problem(r, 422, "empty_file")
        r = await upload(client, "asn", xlsx_bytes([ASN_HEADER]), as_(settings, world, BPSDM))
        problem(r, 422, "empty_file")

    async def test_size_limit(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        header = ",".join(ASN_HEADER).encode() + b"\r\n"
        content = header + b"x" * (MAX_UPLOAD_BYTES + 1 - len(header))
        problem(await upload(client, "asn", content, as_(settings, world, BPSDM)), 413, "file_too_large")
        r = await upload(client, "asn", content + b"x" * (2 * 1024 * 1024), as_(settings, world, BPSDM))
        problem(r, 413, "payload_too_large")

    async def test_no_file(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        r = await client.post("/api/v1/imports/asn", data={"x": "1"}, headers=as_(settings, world, BPSDM))
        problem(r, 422, "validation_error")


class TestAccess:
    async def test_a_client_with_asn_write_imports_and_follows_its_job(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        nip = make_nip()
        headers = as_(settings, world, "client:asn:write")
        job = await run_import(client, "asn", csv_bytes([ASN_HEADER, person(nip, world)]), headers)
        assert (job["created"], job["created_by"]) == (1, "client:bk_test")
        assert await stored(session, nip) is not None
        listed = (await client.get("/api/v1/imports", headers=headers)).json()
        assert [j["id"] for j in listed["items"]] == [job["id"]]

    async def test_an_opd_admin_may_not_import_profiles(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        content = csv_bytes([ASN_HEADER, person(make_nip(), world)])
        problem(await upload(client, "asn", content, as_(settings, world, "opd_a")), 403, "forbidden")
        problem(
            await upload(client, "asn", content, as_(settings, world, "client:learning:write")),
            403,
            "forbidden",
        )

    async def test_rejected_rows_are_stored_for_the_report(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        job = await run_import(
            client, "asn", csv_bytes([ASN_HEADER, person("1", world)]), as_(settings, world, BPSDM)
        )
        lines = await job_rows(session, job["id"])
        assert [(r.row, r.outcome, r.nip, r.code) for r in lines] == [(2, "error", "1", "invalid_nip")]
