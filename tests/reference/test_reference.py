"""Code lists shipped with the system, checked against docs/domain.md."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from app.core.config import Settings
from tests.factories import World, bearer, client_principal

PROBLEM = "application/problem+json"

PNS_GOLONGAN = {
    "I/a": "Juru Muda",
    "I/b": "Juru Muda Tingkat I",
    "I/c": "Juru",
    "I/d": "Juru Tingkat I",
    "II/a": "Pengatur Muda",
    "II/b": "Pengatur Muda Tingkat I",
    "II/c": "Pengatur",
    "II/d": "Pengatur Tingkat I",
    "III/a": "Penata Muda",
    "III/b": "Penata Muda Tingkat I",
    "III/c": "Penata",
    "III/d": "Penata Tingkat I",
    "IV/a": "Pembina",
    "IV/b": "Pembina Tingkat I",
    "IV/c": "Pembina Utama Muda",
    "IV/d": "Pembina Utama Madya",
    "IV/e": "Pembina Utama",
}
PPPK_GOLONGAN = [
    "I",
    "II",
    "III",
    "IV",
    "V",
    "VI",
    "VII",
    "VIII",
    "IX",
    "X",
    "XI",
    "XII",
    "XIII",
    "XIV",
    "XV",
    "XVI",
    "XVII",
]
JENIS_JABATAN = [
    "jpt_utama",
    "jpt_madya",
    "jpt_pratama",
    "administrator",
    "pengawas",
    "pelaksana",
    "fungsional",
]
LEARNING_FORMS = {
    "1": "Diklat Struktural",
    "2": "Diklat Fungsional",
    "3": "Diklat Teknis",
    "4": "Workshop",
    "5": "Pelatihan Manajerial",
    "6": "Pelatihan Sosial Kultural",
    "7": "Sosialisasi",
    "8": "Bimbingan Teknis",
    "9": "Seminar",
    "10": "Magang",
    "11": "Kursus",
    "12": "Penataran",
    "13": "Klasikal lainnya",
    "14": "Coaching",
    "15": "Mentoring",
    "16": "E-Learning",
    "17": "Pelatihan Jarak Jauh",
    "18": "Detasering",
    "19": "Pembelajaran Alam Terbuka (outbound)",
    "20": "Patok Banding (benchmarking)",
    "21": "Pertukaran PNS dengan swasta/BUMN/BUMD",
    "22": "Belajar Mandiri",
    "23": "Komunitas Belajar",
    "24": "Bimbingan di Tempat Kerja",
    "25": "Nonklasikal lainnya",
}
KLASIKAL = {str(n) for n in (*range(1, 10), 11, 12, 13)}
KINDS = [
    "golongan",
    "jenis_jabatan",
    "jenjang",
    "eselon",
    "learning_forms",
    "employment_types",
    "education_levels",
    "unit_kinds",
]


async def code_list(
    client: httpx.AsyncClient, settings: Settings, world: World, kind: str, who: str = "asn_a"
) -> list[dict[str, Any]]:
    r = await client.get(f"/api/v1/reference/{kind}", headers=bearer(settings, world.principal(who)))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["kind"] == kind
    items: list[dict[str, Any]] = body["items"]
    assert all(
        isinstance(i["code"], str) and i["code"] and isinstance(i["name"], str) and i["name"] for i in items
    )
    assert len({i["code"] for i in items}) == len(items), "codes are unique"
    return items


class TestGolongan:
    async def test_pns_and_pppk(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        items = await code_list(client, settings, world, "golongan")
        assert len(items) == 34
        pns = [i for i in items if i["employment"] == "pns"]
        pppk = [i for i in items if i["employment"] == "pppk"]
        assert {i["code"]: i["name"] for i in pns} == PNS_GOLONGAN
        assert [i["code"] for i in pns] == list(PNS_GOLONGAN)  # in rank order
        assert [i["code"] for i in pppk] == PPPK_GOLONGAN

    async def test_siasn_ids(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        items = await code_list(client, settings, world, "golongan")
        roman = {"I": 1, "II": 2, "III": 3, "IV": 4}
        for item in items:
            if item["employment"] == "pns":
                gol, ruang = item["code"].split("/")
                assert item["siasn_id"] == roman[gol] * 10 + "abcde".index(ruang) + 1
            else:
                assert item["siasn_id"] is None


class TestLists:
    async def test_jenis_jabatan_matches_api_md(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        items = await code_list(client, settings, world, "jenis_jabatan")
        assert [i["code"] for i in items] == JENIS_JABATAN
        siasn = {i["code"]: i["siasn_jenis_jabatan"] for i in items}
        assert siasn["fungsional"] == 2 and siasn["pelaksana"] == 4 and siasn["administrator"] == 1

    async def test_eselon(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        items = await code_list(client, settings, world, "eselon")
        assert [i["code"] for i in items] == [
            "I.a",
            "I.b",
            "II.a",
            "II.b",
            "III.a",
            "III.b",
            "IV.a",
            "IV.b",
            "non_eselon",
        ]
        by_code = {i["code"]: i for i in items}
        assert by_code["II.a"]["jenis_jabatan"] == ["jpt_pratama"]
        assert by_code["IV.b"]["jenis_jabatan"] == ["pengawas"]
        assert set(by_code["I.a"]["jenis_jabatan"]) == {"jpt_utama", "jpt_madya"}
        assert {j for i in items for j in i["jenis_jabatan"]} == set(JENIS_JABATAN)

    async def test_learning_forms(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        items = await code_list(client, settings, world, "learning_forms")
        assert len(items) == 25
        assert [i["code"] for i in items] == [str(n) for n in range(1, 26)]
        assert {i["code"]: i["name"] for i in items} == LEARNING_FORMS
        assert {i["code"] for i in items if i["path"] == "klasikal"} == KLASIKAL
        assert {i["code"] for i in items if i["path"] == "nonklasikal"} == set(LEARNING_FORMS) - KLASIKAL

    async def test_employment_types(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        items = await code_list(client, settings, world, "employment_types")
        assert [i["code"] for i in items] == ["pns", "cpns", "pppk"]

    async def test_education_levels(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        items = await code_list(client, settings, world, "education_levels")
        assert [i["code"] for i in items] == ["SD", "SMP", "SMA", "D1", "D2", "D3", "D4", "S1", "S2", "S3"]

    async def test_unit_kinds(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        codes = {i["code"] for i in await code_list(client, settings, world, "unit_kinds")}
        assert {"dinas", "badan", "biro", "bidang", "seksi", "uptd", "inspektorat", "sekretariat"} <= codes

    async def test_jenjang(self, client: httpx.AsyncClient, settings: Settings, world: World) -> None:
        items = await code_list(client, settings, world, "jenjang")
        assert {i["code"]: i["category"] for i in items} == {
            "ahli_utama": "keahlian",
            "ahli_madya": "keahlian",
            "ahli_muda": "keahlian",
            "ahli_pertama": "keahlian",
            "penyelia": "keterampilan",
            "mahir": "keterampilan",
            "terampil": "keterampilan",
            "pemula": "keterampilan",
        }

    async def test_unit_kinds_are_what_units_accept(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = bearer(settings, world.principal("bpsdm"))
        for i, item in enumerate(await code_list(client, settings, world, "unit_kinds")):
            r = await client.post(
                "/api/v1/units", json={"code": f"K{i}", "name": item["name"], "kind": item["code"]}, headers=h
            )
            assert r.status_code == 201, r.text

    async def test_form_codes_are_what_rules_accept(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        forms = [{"form_code": i["code"]} for i in await code_list(client, settings, world, "learning_forms")]
        rules = (
            await client.get("/api/v1/rules/2026", headers=bearer(settings, world.principal("bpsdm")))
        ).json()
        body = {
            k: rules[k] for k in ("jp_minutes", "pns_min_jp", "pppk_max_jp", "budget_min_pct", "jpm_bands")
        } | {"form_rules": forms}
        r = await client.put(
            "/api/v1/rules/2030", json=body, headers=bearer(settings, world.principal("bpsdm"))
        )
        assert r.status_code == 201, r.text


class TestAccess:
    @pytest.mark.parametrize("kind", KINDS)
    @pytest.mark.parametrize("who", ["bpsdm", "auditor", "opd_a", "asn_b"])
    async def test_every_user(
        self, client: httpx.AsyncClient, settings: Settings, world: World, kind: str, who: str
    ) -> None:
        r = await client.get(f"/api/v1/reference/{kind}", headers=bearer(settings, world.principal(who)))
        assert r.status_code == 200
        assert r.headers["content-type"] == "application/json"
        assert r.headers["cache-control"] == "private, max-age=3600"
        assert r.json()["items"]

    async def test_clients_need_reference_read(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        assert (
            await client.get(
                "/api/v1/reference/golongan", headers=bearer(settings, client_principal("reference:read"))
            )
        ).status_code == 200
        r = await client.get(
            "/api/v1/reference/golongan",
            headers=bearer(settings, client_principal("asn:read", "learning:read")),
        )
        assert r.status_code == 403
        assert r.headers["content-type"] == PROBLEM
        assert r.json()["code"] == "forbidden"

    async def test_anonymous(self, client: httpx.AsyncClient) -> None:
        r = await client.get("/api/v1/reference/golongan")
        assert r.status_code == 401
        assert r.headers["www-authenticate"].startswith("Bearer")
        assert r.headers["content-type"] == PROBLEM

    @pytest.mark.parametrize("kind", ["agama", "Golongan", "golongan ", "learning-forms", "x" * 300])
    async def test_unknown_kind(
        self, client: httpx.AsyncClient, settings: Settings, world: World, kind: str
    ) -> None:
        r = await client.get(f"/api/v1/reference/{kind}", headers=bearer(settings, world.principal("bpsdm")))
        assert r.status_code == 422
        assert r.headers["content-type"] == PROBLEM
        body = r.json()
        assert body["code"] == "validation_error"
        assert body["errors"][0]["loc"] == ["path", "kind"]

    async def test_kinds_are_documented(self, client: httpx.AsyncClient) -> None:
        schema = (await client.get("/api/v1/openapi.json")).json()
        params = schema["paths"]["/api/v1/reference/{kind}"]["get"]["parameters"]
        kind = next(p for p in params if p["name"] == "kind")
        assert set(kind["schema"]["enum"]) == set(KINDS)
