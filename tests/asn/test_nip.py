"""NIP validation for each layout, as a function and through the API."""

from __future__ import annotations

from datetime import date

import httpx
import pytest

from app.asn.nip import NipInvalid, parse_nip
from app.core.config import Settings
from tests.factories import World, bearer

TODAY = date(2026, 6, 1)


class TestPnsLayout:
    @pytest.mark.parametrize(
        ("nip", "birth", "gender", "tmt"),
        [
            ("198503142010012003", date(1985, 3, 14), "female", (2010, 1)),
            ("197001011995121001", date(1970, 1, 1), "male", (1995, 12)),
            ("200002292024061999", date(2000, 2, 29), "male", (2024, 6)),  # leap day
        ],
    )
    def test_valid(self, nip: str, birth: date, gender: str, tmt: tuple[int, int]) -> None:
        facts = parse_nip(nip, "pns", TODAY)
        assert (facts.birth_date, facts.gender, facts.appointed_year, facts.appointed_month) == (
            birth,
            gender,
            *tmt,
        )

    def test_cpns_uses_the_pns_layout(self) -> None:
        assert parse_nip("200101012025032001", "cpns", TODAY).appointed_month == 3

    @pytest.mark.parametrize(
        ("nip", "reason"),
        [
            ("19850314201001200", "exactly 18 digits"),
            ("1985031420100120031", "exactly 18 digits"),
            ("19850314201001200a", "exactly 18 digits"),
            ("１９８５０３１４２０１００１２００３", "exactly 18 digits"),  # full-width digits
            ("198502302010012003", "real birth date"),  # 30 February
            ("199002292015012001", "real birth date"),  # 1990 is not a leap year
            ("198513142010012003", "real birth date"),  # month 13
            ("191503142010012003", "before 1920"),
            ("198503142010132003", "TMT month"),  # TMT month 13
            ("198503142010002003", "TMT month"),  # TMT month 00
            ("198503141999012003", "15 years"),  # appointed at 13
            ("198503142010013003", "gender digit"),
            ("198503142010010003", "gender digit"),
            ("198503142010012000", "sequence"),
            ("198503142028012003", "future"),
            ("202701012045012001", "future"),  # birth in the future
        ],
    )
    def test_invalid(self, nip: str, reason: str) -> None:
        with pytest.raises(NipInvalid, match=reason):
            parse_nip(nip, "pns", TODAY)


class TestPppkLayout:
    @pytest.mark.parametrize(
        ("nip", "birth", "gender", "year"),
        [
            ("199001012023212001", date(1990, 1, 1), "female", 2023),
            ("198807172021241015", date(1988, 7, 17), "male", 2021),
        ],
    )
    def test_valid(self, nip: str, birth: date, gender: str, year: int) -> None:
        facts = parse_nip(nip, "pppk", TODAY)
        assert (facts.birth_date, facts.gender, facts.appointed_year, facts.appointed_month) == (
            birth,
            gender,
            year,
            None,
        )

    def test_pppk_code_digits_are_not_a_month(self) -> None:
        # "21" in the month position would be invalid for a PNS but is a normal PPPK code.
        assert parse_nip("199001012023212001", "pppk", TODAY).gender == "female"
        with pytest.raises(NipInvalid):
            parse_nip("199001012023212001", "pns", TODAY)

    @pytest.mark.parametrize(
        ("nip", "reason"),
        [
            ("199013012023212001", "real birth date"),
            ("199001012000212001", "15 years"),
            ("199001012030212001", "future"),
            ("199001012023213001", "gender digit"),
            ("19900101202321200", "exactly 18 digits"),
        ],
    )
    def test_invalid(self, nip: str, reason: str) -> None:
        with pytest.raises(NipInvalid, match=reason):
            parse_nip(nip, "pppk", TODAY)


class TestNipThroughTheApi:
    async def _create(
        self, client: httpx.AsyncClient, settings: Settings, world: World, **body: object
    ) -> httpx.Response:
        payload = {"name": "Rina Marlina", "employment_type": "pns", "unit_id": world.unit_a.id} | body
        return await client.post(
            "/api/v1/asn", json=payload, headers=bearer(settings, world.principal("bpsdm"))
        )

    async def test_derives_birth_date_and_gender(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await self._create(client, settings, world, nip="199208172019032007")
        assert r.status_code == 201, r.text
        assert r.json()["birth_date"] == "1992-08-17"
        assert r.json()["gender"] == "female"

    async def test_pppk_layout(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        r = await self._create(
            client, settings, world, nip="199405052022241003", employment_type="pppk", golongan="IX"
        )
        assert r.status_code == 201, r.text
        assert (r.json()["birth_date"], r.json()["gender"]) == ("1994-05-05", "male")

    async def test_agreeing_values_are_accepted(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        r = await self._create(
            client, settings, world, nip="199208172019032007", gender="female", birth_date="1992-08-17"
        )
        assert r.status_code == 201, r.text

    @pytest.mark.parametrize(
        ("extra", "code"),
        [
            ({"nip": "199208172019032007", "gender": "male"}, "nip_mismatch"),
            ({"nip": "199208172019032007", "birth_date": "1992-08-18"}, "nip_mismatch"),
            ({"nip": "199208172019132007"}, "invalid_nip"),
            ({"nip": "1992081720190320"}, "invalid_nip"),
            (
                {"nip": "199001012023212001", "employment_type": "pns"},
                "invalid_nip",
            ),  # PPPK code 21 is no month
            ({"nip": "199208172019032007", "golongan": "IX"}, "invalid_golongan"),  # PPPK golongan on a PNS
            (
                {"nip": "199001012023212001", "employment_type": "pppk", "golongan": "III/a"},
                "invalid_golongan",
            ),
        ],
    )
    async def test_rejections(
        self, client: httpx.AsyncClient, settings: Settings, world: World, extra: dict[str, str], code: str
    ) -> None:
        r = await self._create(client, settings, world, **extra)
        assert r.status_code == 422, r.text
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["code"] == code
