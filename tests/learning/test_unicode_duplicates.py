"""Duplicates that Unicode cannot hide: invisible characters are dropped from every text field, and
titles and certificate numbers are compared by NFKC, case folding and the UTS #39 skeleton, so a
zero-width space or a Cyrillic е makes no second record, while titles in other scripts keep theirs."""

from __future__ import annotations

import unicodedata
import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.asn.models import Asn
from app.core.config import Settings
from app.core.text import fold, skeleton
from app.learning.models import LearningRecord
from app.learning.service import certificate_key, title_key
from tests.factories import World
from tests.http import as_, problem
from tests.imports.helpers import csv_bytes, errors_of, run_import
from tests.learning.helpers import body, create, record_count
from tests.learning.test_xapi import STATEMENTS, post, record_of, statement, writer

CERTIFICATE = "CERT/2025/001"
TITLE = "Pelatihan Kepemimpinan Pengawas"
CYRILLIC_E = "\u0435"  # CYRILLIC SMALL LETTER IE, drawn as Latin e
INVISIBLE = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u202e", "\u200f")


def records_of(nip: str) -> str:
    return f"/api/v1/asn/{nip}/learning-records"


def visible(value: str | None) -> bool:
    return value is not None and not any(unicodedata.category(c) == "Cf" for c in value)


async def stored(session: AsyncSession, record_id: int) -> LearningRecord:
    row = await session.execute(
        select(LearningRecord).where(LearningRecord.id == record_id).execution_options(populate_existing=True)
    )
    return row.scalar_one()


class TestKeys:
    @pytest.mark.parametrize(
        ("one", "other"),
        [
            (TITLE, TITLE.replace("e", CYRILLIC_E)),
            (TITLE, TITLE.replace("a", "\u0430")),  # Cyrillic а
            ("Pelatihan Angkatan I", "Pelatihan Angkatan l"),
            ("Pelatihan Angkatan III", "PELATIHAN ANGKATAN ІІІ"),  # Ukrainian І
            ("Bimbingan Teknis", "BIMBINGAN \u0422\u0415\u041aNIS"),  # Cyrillic capitals ТЕК
            ("Bimbingan Teknis", "bimbingan \u0442\u0435\u043anis"),  # and small тек
        ],
    )
    def test_the_same_title(self, one: str, other: str) -> None:
        assert title_key(one) == title_key(other)

    def test_what_made_titles_the_same_still_does(self) -> None:
        spellings = [
            TITLE.replace("e", CYRILLIC_E),
            "\u200b".join(TITLE),
            "ＰＥＬＡＴＩＨＡＮ ＫＥＰＥＭＩＭＰＩＮＡＮ ＰＥＮＧＡＷＡＳ",  # full width
            "  pélatihan   KEPEMIMPINAN-pengawas! ",  # accents, case, punctuation, spacing
        ]
        assert {title_key(s) for s in spellings} == {title_key(TITLE)}
        assert title_key("Pelatihan Angkatan 2") != title_key("Pelatihan Angkatan 3")

    @pytest.mark.parametrize(
        ("one", "other"),
        [
            ("日本語研修", "中文培训"),
            ("日本語研修", "日本語研究"),
            ("かがく研修", "かかく研修"),  # the dakuten is a different word
        ],
    )
    def test_different_titles(self, one: str, other: str) -> None:
        assert title_key(one) != title_key(other)
        assert title_key(one) and title_key(other)

    @pytest.mark.parametrize(
        "number",
        [
            CERTIFICATE + "\u200b",
            "\u2060cert/2025/001",
            "CERT / 2025 / 001",
            "СЕRТ/2025/001",  # Cyrillic С, Е and Т
            "ＣＥＲＴ／２０２５／００１",
            "CERT/2025/OO1",  # letter O for digit 0 is the same glyph
        ],
    )
    def test_the_same_certificate(self, number: str) -> None:
        assert certificate_key(number) == certificate_key(CERTIFICATE)

    def test_the_skeleton_is_the_standards(self) -> None:
        # UTS #39's own examples and table rows: Cyrillic а → a, m → rn, 1 and I → l, 0 → O.
        assert skeleton("\u0430") == "a"
        assert skeleton("m") == "rn"
        assert skeleton("1") == skeleton("I") == "l"
        assert skeleton("0") == "O"
        assert skeleton("𝔭𝒶ỿ𝕡𝕒ℓ") == skeleton("paypal")
        assert fold("0") == fold("O") == fold("o")
        assert fold("СЕRТ") == fold("сеrт") == fold("CERT") == fold("cert")


class TestRest:
    @pytest.mark.parametrize(
        "number", [CERTIFICATE + "\u200b", "\u200b" + CERTIFICATE.lower(), "СЕRТ/2025/001"]
    )
    async def test_certificate_with_invisible_or_look_alike_characters(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession, number: str
    ) -> None:
        nip = world.asn_a.nip
        first = await create(client, nip, as_(settings, world, "bpsdm"), certificate_number=CERTIFICATE)
        r = await client.post(
            records_of(nip),
            json=body(certificate_number=number, start_date="2025-05-01", end_date="2025-05-02"),
            headers=as_(settings, world, "opd_a"),
        )
        assert problem(r, 409, "possible_duplicate")["duplicate_of"] == first["id"]
        assert await record_count(session, nip) == 1

    @pytest.mark.parametrize("title", [TITLE.replace("e", CYRILLIC_E), TITLE.replace("a", "\u0430")])
    async def test_title_with_cyrillic_letters_on_the_same_dates(
        self, client: httpx.AsyncClient, settings: Settings, world: World, title: str
    ) -> None:
        nip = world.asn_a.nip
        first = await create(client, nip, as_(settings, world, "bpsdm"), title=TITLE)
        r = await client.post(records_of(nip), json=body(title=title), headers=as_(settings, world, "asn_a"))
        assert problem(r, 409, "possible_duplicate")["duplicate_of"] == first["id"]

    async def test_titles_in_other_scripts_are_different_courses(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        nip, headers = world.asn_a.nip, as_(settings, world, "bpsdm")
        japanese = await create(client, nip, headers, title="日本語研修")
        await create(client, nip, headers, title="中文培训")
        await create(client, nip, headers, title="Пожарная безопасность")
        await create(client, nip, headers, title="Ασφάλεια πυρκαγιάς")
        r = await client.post(records_of(nip), json=body(title="日本語\u200b研修"), headers=headers)
        assert problem(r, 409, "possible_duplicate")["duplicate_of"] == japanese["id"]

    async def test_stored_text_has_no_format_characters(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        r = await client.post(
            records_of(world.asn_a.nip),
            json=body(
                title="\ufeffPelatihan\u200b Dasar\u2060 " + "".join(INVISIBLE),
                organizer="BPSDM\u202e Kaltim\u200f",
                certificate_number="\u200bab-\u00ad1\u200b",
                external_id="ext\u200b-1",
                source="simpeg",
            ),
            headers=as_(settings, world, "bpsdm"),
        )
        assert r.status_code == 201, r.text
        data = r.json()
        assert (data["title"], data["organizer"], data["certificate_number"], data["external_id"]) == (
            "Pelatihan Dasar",
            "BPSDM Kaltim",
            "AB-1",
            "ext-1",
        )
        record = await stored(session, data["id"])
        assert all(visible(v) for v in (record.title, record.organizer, record.certificate_number))

    async def test_a_title_of_invisible_characters_only_is_no_title(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        r = await client.post(
            records_of(world.asn_a.nip),
            json=body(title="".join(INVISIBLE)),
            headers=as_(settings, world, "bpsdm"),
        )
        assert problem(r, 422, "validation_error")["errors"][0]["loc"] == ["body", "title"]
        assert await record_count(session, world.asn_a.nip) == 0


class TestXapi:
    async def test_title_with_a_cyrillic_letter_is_the_same_course(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        nip = world.asn_a.nip
        latin = statement(nip)
        latin["object"]["definition"]["name"] = {"id-ID": TITLE}
        cyrillic = statement(nip)
        cyrillic["object"]["definition"]["name"] = {"id-ID": TITLE.replace("e", CYRILLIC_E)}
        result = await post(client, settings, [latin])
        assert result["ids"] == [latin["id"]]
        first = await record_of(session, latin["id"])
        result = await post(client, settings, [cyrillic])
        assert result["ids"] == []
        assert [(x["code"], x["duplicate_of"]) for x in result["rejected"]] == [
            ("possible_duplicate", first.id)
        ]

    async def test_put_of_a_look_alike_title_after_a_rest_record_is_a_conflict(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        nip = world.asn_a.nip
        # The statement's timestamp (2026-03-10, WITA) is both of its dates.
        first = await create(
            client,
            nip,
            as_(settings, world, "bpsdm"),
            title=TITLE,
            start_date="2026-03-10",
            end_date="2026-03-10",
        )
        look_alike = statement(nip)
        look_alike["object"]["definition"]["name"] = {"id-ID": "\u200b" + TITLE.replace("a", "\u0430")}
        r = await client.put(
            STATEMENTS,
            params={"statementId": look_alike["id"]},
            json=look_alike,
            headers=writer(settings),
        )
        assert problem(r, 409, "possible_duplicate")["duplicate_of"] == first["id"]

    async def test_titles_in_other_scripts_are_different_courses(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        nip = world.asn_a.nip
        japanese, chinese = statement(nip), statement(nip)
        japanese["object"]["definition"]["name"] = {"ja-JP": "日本語研修"}
        chinese["object"]["definition"]["name"] = {"zh-CN": "中文培训"}
        result = await post(client, settings, [japanese, chinese])
        assert result == {"ids": [japanese["id"], chinese["id"]], "rejected": []}
        assert (await record_of(session, chinese["id"])).title == "中文培训"

    async def test_stored_title_and_organizer_have_no_format_characters(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        nip = world.asn_a.nip
        sent = statement(nip, context={"platform": "LMS\u200b BPSDM\u202e"})
        sent["actor"]["account"]["name"] = "\u200b" + nip + "\u2060"
        sent["object"]["definition"]["name"] = {"id-ID": "Kursus\u200b Daring\u00ad SPBE\u200f"}
        assert (await post(client, settings, [sent]))["ids"] == [sent["id"]]
        record = await record_of(session, sent["id"])
        assert (record.nip, record.title, record.organizer) == (nip, "Kursus Daring SPBE", "LMS BPSDM")


IMPORT_HEADER = ["nip", "title", "form_code", "start_date", "end_date", "jp", "certificate_number"]


class TestImport:
    async def test_look_alikes_are_duplicates_and_other_scripts_are_not(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        headers = as_(settings, world, "bpsdm")
        nip = world.asn_a.nip
        existing = await create(client, nip, headers, title=TITLE, certificate_number=CERTIFICATE)
        dates = [existing["start_date"], existing["end_date"]]
        rows: list[list[Any]] = [
            IMPORT_HEADER,
            [nip, "Kursus Lain", "8", "2025-01-06", "2025-01-07", "6", CERTIFICATE + "\u200b"],  # 2
            [nip, TITLE.replace("e", CYRILLIC_E), "8", *dates, "6", ""],  # 3
            [nip, "日本語研修", "8", "2025-02-03", "2025-02-04", "6", ""],  # 4
            [nip, "中文培训", "8", "2025-02-03", "2025-02-04", "6", ""],  # 5
            [nip, "Seminar\u200b Nasional\u2060", "9", "2025-03-03", "2025-03-03", "4", "\u200bsem-1"],  # 6
        ]
        job = await run_import(client, "learning-records", csv_bytes(rows), headers)
        assert errors_of(job) == [(2, "possible_duplicate", None), (3, "possible_duplicate", None)]
        assert all(f"record {existing['id']} " in e["detail"] for e in job["errors"])
        assert job["created"] == 3
        titles = (
            await session.execute(
                select(LearningRecord.title, LearningRecord.certificate_number)
                .where(LearningRecord.nip == nip, LearningRecord.source == "import")
                .order_by(LearningRecord.id)
            )
        ).all()
        assert [tuple(t) for t in titles] == [
            ("日本語研修", None),
            ("中文培训", None),
            ("Seminar Nasional", "SEM-1"),
        ]


class TestAsnNames:
    async def test_post_asn_drops_format_characters(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        payload = {
            "nip": "199208172019032007\u200b",
            "name": "\u200bRina\u2060 Marlina\u200f",
            "employment_type": "pns",
            "unit_id": world.unit_a.id,
        }
        r = await client.post("/api/v1/asn", json=payload, headers=as_(settings, world, "bpsdm"))
        assert r.status_code == 201, r.text
        assert (r.json()["nip"], r.json()["name"]) == ("199208172019032007", "Rina Marlina")
        asn = await session.get(Asn, "199208172019032007", populate_existing=True)
        assert asn is not None and asn.name == "Rina Marlina"

    async def test_sync_drops_format_characters(
        self, client: httpx.AsyncClient, settings: Settings, world: World, session: AsyncSession
    ) -> None:
        nip = "199208172019032015"
        item = {
            "nip": nip,
            "name": "Dewi\u200b Lestari\ufeff",
            "employment_type": "pns",
            "unit_id": world.unit_a.id,
        }
        r = await client.post(
            "/api/v1/sync/asn",
            json={"items": [item]},
            headers=as_(settings, world, "client:asn:write") | {"Idempotency-Key": str(uuid.uuid4())},
        )
        assert r.status_code == 200, r.text
        assert r.json()["created"] == 1, r.text
        asn = await session.get(Asn, nip, populate_existing=True)
        assert asn is not None and asn.name == "Dewi Lestari"

    @pytest.mark.parametrize("email", ["rina\u200b@kaltimprov.go.id", "rina@kaltimprov.go.id\ufeff"])
    async def test_email_with_format_characters_is_refused(
        self, client: httpx.AsyncClient, settings: Settings, world: World, email: str
    ) -> None:
        # An address is matched against LMS actors and attendance reports: an invisible character
        # would make it look right and match nobody, so it is refused rather than guessed at.
        payload = {
            "nip": "199208172019032007",
            "name": "Rina Marlina",
            "employment_type": "pns",
            "unit_id": world.unit_a.id,
            "email": email,
        }
        r = await client.post("/api/v1/asn", json=payload, headers=as_(settings, world, "bpsdm"))
        body = problem(r, 422, "validation_error")
        assert body["errors"][0]["loc"] == ["body", "email"]
