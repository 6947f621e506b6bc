"""ASN problems in the caller's language: Indonesian with `Accept-Language: id`, English with `en`."""

from __future__ import annotations

import httpx

from app.core.config import Settings
from tests.factories import World
from tests.http import as_, problem

ID = {"Accept-Language": "id"}
EN = {"Accept-Language": "en"}


async def _etag(client: httpx.AsyncClient, settings: Settings, world: World) -> str:
    r = await client.get(f"/api/v1/asn/{world.asn_a.nip}", headers=as_(settings, world, "asn_a"))
    return r.headers["etag"]


class TestInIndonesian:
    async def test_a_bad_email_on_the_contact_update_is_explained_per_field(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "asn_a") | {"If-Match": await _etag(client, settings, world)}
        url = f"/api/v1/asn/{world.asn_a.nip}"
        body = {"email": "siti@kaltimprov", "phone": "+62 811 5400 123"}

        indonesian = problem(await client.patch(url, json=body, headers=h | ID), 422, "validation_error")
        assert indonesian["errors"] == [
            {
                "loc": ["body", "email"],
                "msg": "Bukan alamat email yang sah: tuliskan dalam bentuk nama@domain "
                "(misalnya siti@kaltimprov.go.id), tanpa spasi",
                "type": "value_error",
            }
        ]
        assert indonesian["detail"] == f"email: {indonesian['errors'][0]['msg']}"

        english = problem(await client.patch(url, json=body, headers=h | EN), 422, "validation_error")
        assert english["errors"][0]["type"] == "value_error"
        assert "Not an email address: write it as name@domain" in english["errors"][0]["msg"]
        # The regular expression is no message for a person.
        assert "pattern" not in english["errors"][0]["msg"]

    async def test_a_nip_problem_names_its_reason_in_indonesian_too(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        body = {
            "nip": "199208172019132007",  # TMT month 13
            "name": "Rina Marlina, S.E.",
            "employment_type": "pns",
            "unit_id": world.unit_a.id,
        }
        h = as_(settings, world, "bpsdm")
        indonesian = problem(await client.post("/api/v1/asn", json=body, headers=h | ID), 422, "invalid_nip")
        assert indonesian["detail"] == (
            "NIP 199208172019132007 tidak sah untuk jenis kepegawaian pns: "
            "digit ke-13 s.d. 14 adalah bulan TMT dan harus 01-12, bukan 13"
        )
        english = problem(await client.post("/api/v1/asn", json=body, headers=h | EN), 422, "invalid_nip")
        assert english["detail"] == (
            "NIP 199208172019132007 is not valid for pns: digits 13-14 are the TMT month and must be 01-12, not 13"
        )

    async def test_fields_an_asn_may_not_change(
        self, client: httpx.AsyncClient, settings: Settings, world: World
    ) -> None:
        h = as_(settings, world, "asn_a") | {"If-Match": await _etag(client, settings, world)}
        r = await client.patch(
            f"/api/v1/asn/{world.asn_a.nip}", json={"golongan": "IV/a", "name": "Siti R."}, headers=h | ID
        )
        data = problem(r, 403, "field_not_editable")
        assert data["detail"] == (
            "Anda hanya dapat mengubah education_level, email, phone; golongan, name bersumber dari SIMPEG"
        )
        assert data["fields"] == ["golongan", "name"]
        assert r.headers["content-language"] == "id"
